"""The parsed-story cache: stage-1 records of each story and locale file, kept as JSON.

Reading YAML is most of the cost of loading a story. Stage 1 of the loader turns each file
into a plain record that depends only on the file's bytes, its kind and the path shown in
diagnostics (see :mod:`adventure.files.loader`), so each record can be kept and reused:

* **one entry per input file** (named by a hash of its absolute path, kind and shown path), so
  editing one file re-parses that file only and the folder does not grow with edits;
* **validated before use**: an entry is used only if it was written for the same bytes (their
  SHA-256), the same kind and shown path, and the same engine -- the engine's version *and* a
  hash of the source of every module that shapes a record, so a changed loader never reads an
  old record;
* **JSON only**, never pickle or marshal: a cache file is user-editable, and JSON can only ever
  give back plain data. A damaged, foreign or unreadable entry is ignored and rewritten;
* **written atomically** (temporary file, then ``os.replace``); a cache that cannot be written
  (read-only folder, full disk) is silently skipped.

It lives in the user cache folder (``$XDG_CACHE_HOME/hengyang/parsed`` on Linux, through
platformdirs), or ``$HENGYANG_CACHE_DIR``; ``HENGYANG_NO_CACHE=1`` turns it off::

    cache = open_cache(os.environ)            # None when turned off
    result = load_story(story_dir, locales_dir, cache=cache)
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from hashlib import sha256
from pathlib import Path
from typing import Any

from adventure import ENGINE_VERSION
from adventure.files.atomic import write_atomic

CACHE_FORMAT = "hengyang-parse-cache/1"
# The modules whose code decides what a stage-1 record holds. A change to any of them makes
# every entry stale (other branches change the record format; a version bump alone is not
# enough).
RECORD_SOURCES = ("files/loader.py", "files/story_records.py", "files/yamlread.py", "files/yamlerrors.py",
                  "core/charset.py", "text/markup.py", "files/schema.py",
                  "core/diagnostics.py", "core/model.py", "files/cache.py", "__init__.py")
MAX_ENTRY_BYTES = 256 * 1024 * 1024

_engine_key: str | None = None


def engine_key() -> str | None:
    """This engine's key (see :func:`compute_engine_key`), worked out once per process."""
    global _engine_key
    if _engine_key is None:
        _engine_key = compute_engine_key(Path(__file__).resolve().parent.parent, ENGINE_VERSION)
    return _engine_key


def compute_engine_key(package: Path, version: str) -> str | None:
    """The version and a hash of the record-shaping sources in ``package``; None if one of
    them cannot be read (then nothing is cached: a stale record is worse than a slow start)."""
    h = sha256(version.encode() + b"\0")
    try:
        for name in RECORD_SOURCES:
            h.update(name.encode() + b"\0" + (package / name).read_bytes() + b"\0")
    except OSError:
        return None
    return f"{version}-{h.hexdigest()[:24]}"


def default_cache_dir(env: Mapping[str, str]) -> Path | None:
    """``HENGYANG_CACHE_DIR``, else the platform's user cache folder; None when turned off."""
    if env.get("HENGYANG_NO_CACHE", "") not in ("", "0"):
        return None
    override = env.get("HENGYANG_CACHE_DIR")
    if override:
        return Path(override).expanduser()
    if os.name == "posix" and not _is_macos():
        # What platformdirs answers on Linux and the BSDs, without importing it on the way
        # to the first scene.
        base = env.get("XDG_CACHE_HOME", "").strip() or os.path.expanduser("~/.cache")
        return Path(base) / "hengyang" / "parsed"
    import platformdirs

    return Path(platformdirs.user_cache_dir("hengyang", appauthor=False)) / "parsed"


def _is_macos() -> bool:
    import sys

    return sys.platform == "darwin"


def open_cache(env: Mapping[str, str]) -> ParseCache | None:
    """The cache for this environment, or None when it is turned off or cannot work."""
    directory = default_cache_dir(env)
    key = engine_key() if directory is not None else None
    if directory is None or key is None:
        return None
    return ParseCache(directory, key)


class ParseCache:
    """Stage-1 records by input file. ``get`` is what :func:`adventure.files.loader.load_story` calls.

    ``hits`` and ``misses`` count what happened (for tests and benchmarks)."""

    def __init__(self, directory: Path, engine: str) -> None:
        self.directory = directory
        self.engine = engine
        self.hits = 0
        self.misses = 0
        self.refresh = False  # True: parse every file again and rewrite its entry
        self._made_dir = False
        # Records already handed out in this process, by entry: a second reader of the same
        # bytes (check's translation pass, a reload) gets them without decoding JSON again.
        # Records are read, never changed, by everything that gets them.
        self._seen: dict[Path, tuple[str, dict[str, Any]]] = {}

    def entry_path(self, path: Path, shown: str, kind: str) -> Path:
        ident = sha256(f"{os.path.abspath(path)}\0{shown}\0{kind}".encode()).hexdigest()[:32]
        return self.directory / f"{ident}.json"

    def get(self, path: Path, shown: str, data: bytes, kind: str,
            parse: Callable[[bytes, str, str], dict[str, Any]] | None = None) -> dict[str, Any]:
        """The stage-1 record of ``data``: from the cache when it holds one for exactly these
        bytes and this engine, otherwise parsed now and stored."""
        digest = sha256(data).hexdigest()
        header = {"format": CACHE_FORMAT, "engine": self.engine, "hash": digest, "kind": kind, "shown": shown}
        entry = self.entry_path(path, shown, kind)
        seen = None if self.refresh else self._seen.get(entry)
        if seen is not None and seen[0] == digest:
            self.hits += 1
            return seen[1]
        record = None if self.refresh else self._read(entry, header)
        if record is not None:
            self.hits += 1
            self._seen[entry] = (digest, record)
            return record
        self.misses += 1
        if parse is None:
            from adventure.files.loader import parse_file

            parse = parse_file
        record = parse(data, shown, kind)
        text = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
        header["body"] = sha256(text.encode("utf-8")).hexdigest()
        self._write(entry, json.dumps(header, separators=(",", ":")) + "\n" + text)
        self._seen[entry] = (digest, record)
        # A later hit hands back lists where the parser made tuples; the loader's link stage
        # reads both alike (tests compare the stories built each way).
        return record

    def _read(self, entry: Path, header: dict[str, str]) -> dict[str, Any] | None:
        try:
            with open(entry, "rb") as f:
                stored = json.loads(f.readline(4096))
                if not isinstance(stored, dict):
                    return None
                body_digest = stored.pop("body", None)
                if body_digest is None or stored != header:
                    return None
                body = f.read(MAX_ENTRY_BYTES + 1)
            # The body's own checksum: an entry edited or cut short by hand is never used.
            if len(body) > MAX_ENTRY_BYTES or sha256(body).hexdigest() != body_digest:
                return None
            record = json.loads(body)
        except (OSError, ValueError, RecursionError):
            return None  # missing, unreadable or damaged: parse again and rewrite
        if not isinstance(record, dict) or record.get("path") != header["shown"]:
            return None
        return record

    def _write(self, entry: Path, text: str) -> None:
        try:
            if not self._made_dir:
                self.directory.mkdir(parents=True, exist_ok=True)
                self._made_dir = True
            write_atomic(entry, text.encode("utf-8"), durable=False)  # a lost entry is only re-parsed
        except OSError:
            pass  # the cache is only ever a shortcut
