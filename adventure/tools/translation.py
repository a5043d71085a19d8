"""Translation status: what is missing, extra, untranslated or stale, and the review lock.

A translation is *stale* when the source text (the story's first language, English) changed
after the translation was last reviewed. To know that, each language folder keeps a
``review.lock`` beside its YAML files: one line per reviewed key with a short hash of the
source text the translation was checked against (as Yarn Spinner's lock column does)::

    # Reviewed translations for locales/es: key, then the hash of the English text it was checked against.
    scenes.pro_changsha.title 1b2c3d4e

It is not a ``.yaml`` file, so the loader never reads it as locale text; ``python play.py
i18n review KEY...`` writes it. The hash ignores line wrapping (see :func:`source_hash`).

The files for translators live beside it: :mod:`adventure.tools.exchange` (the exported rows,
CSV for spreadsheets), :mod:`adventure.tools.pofile` (PO for Poedit and friends, through polib)
and :mod:`adventure.tools.importing` (bringing the work back); :mod:`adventure.cli.i18n` only
prints. Nothing in an imported file is executed.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import repeat
from operator import itemgetter
from pathlib import Path

from adventure.core import model as m
from adventure.core.diagnostics import Diagnostic, closest
from adventure.files.atomic import write_atomic
from adventure.files.diagtext import diag
from adventure.files.loader import display_path, locale_files, optional_key, parse_locale_file, required_keys

LOCK_NAME = "review.lock"
HASH_LEN = 8
_LOCK_LINE = re.compile(r"([A-Za-z0-9_][A-Za-z0-9_.-]*)\s+([0-9a-f]{" + str(HASH_LEN) + r"})\Z")


def normalise(text: str) -> str:
    """Text as a reader sees it: paragraphs kept, line wrapping and extra spaces ignored.

    >>> normalise("One\\n  line.\\n\\n\\nTwo.\\n")
    'One line.\\n\\nTwo.'
    """
    return "\n\n".join(" ".join(p.split()) for p in re.split(r"\n\s*\n", text.strip()) if p.strip())


def source_hash(text: str) -> str:
    """The short hash of a source text recorded when a translation is reviewed.

    >>> source_hash("The cliffs") == source_hash("The   cliffs\\n")
    True
    """
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()[:HASH_LEN]


# -- reading the locale files --------------------------------------------------------------

@dataclass(frozen=True)
class Entry:
    key: str
    text: str
    path: Path
    shown: str
    line: int
    col: int


@dataclass
class LocaleIndex:
    """Every text of one language in a locales folder, with where it is written."""

    lang: str
    folder: Path
    entries: dict[str, Entry] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)

    @classmethod
    def read(cls, locales_dir: Path, lang: str) -> LocaleIndex:
        index = cls(lang, locales_dir / lang)
        for path in locale_files(locales_dir, lang):
            index.files.append(path)
            try:
                data = path.read_bytes()
            except OSError:
                continue  # the loader reports unreadable files
            shown = display_path(path)
            for key, text, line, col in parse_locale_file(data, shown)["entries"]:
                index.entries.setdefault(key, Entry(key, text, path, shown, line, col))
        return index


def read_lock(path: Path, *, command: str = "hengyang") -> tuple[dict[str, str], list[Diagnostic]]:
    """The review lock of one language: key -> source hash, and a warning per bad line
    (``command``: how the writer starts the game, named in the fixes)."""
    lock: dict[str, str] = {}
    diags: list[Diagnostic] = []
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return lock, diags
    except (OSError, UnicodeDecodeError) as exc:
        diags.append(diag("W304", display_path(path), 0, 0, "W304.unreadable", error=exc, command=command, lang=path.parent.name))
        return lock, diags
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        mt = _LOCK_LINE.match(line)
        if mt is None:
            diags.append(diag("W304", display_path(path), n, 1, "W304.line", line=line[:60], command=command))
            continue
        lock[mt[1]] = mt[2]
    return lock, diags


def write_lock(path: Path, lock: dict[str, str], *, source: str) -> None:
    """Write a review lock atomically, keys sorted so diffs and merges stay small."""
    lines = [f"# Reviewed translations for {path.parent.name}: each key, then the short hash of the {source} text",
             "# the translation was last checked against. Written by the `i18n review` tool; see docs/writing.md.",
             ""]
    lines += [f"{key} {lock[key]}" for key in sorted(lock)]
    write_atomic(path, ("\n".join(lines) + "\n").encode("utf-8"))  # the one atomic write: fsync, then rename


# -- status --------------------------------------------------------------------------------

@dataclass
class KeyStatus:
    key: str
    source: Entry | None
    target: Entry | None
    state: str  # "ok", "missing", "extra", "stale", "unreviewed"
    identical: bool = False
    reviewed_hash: str | None = None

    @property
    def label(self) -> str:
        """One word for exports: missing, stale, identical, unreviewed, extra or ok."""
        if self.state in ("missing", "extra", "stale"):
            return self.state
        if self.identical:
            return "identical"
        return self.state


@dataclass
class LangStatus:
    """How one language stands against the source language."""

    lang: str
    base: str
    folder: Path
    keys: list[KeyStatus]
    lock_path: Path
    lock: dict[str, str]
    lock_diags: list[Diagnostic]

    def of(self, state: str) -> list[KeyStatus]:
        if state == "identical":
            return [k for k in self.keys if k.identical]
        if state == "present":
            return [k for k in self.keys if k.target is not None and k.source is not None]
        return [k for k in self.keys if k.state == state]


def status(locales_dir: Path, base: str, lang: str, *, source: LocaleIndex | None = None,
           command: str = "hengyang") -> LangStatus:
    """Compare ``lang`` with ``base`` key by key (the keys in the story's locales folder)."""
    src = source or LocaleIndex.read(locales_dir, base)
    tgt = LocaleIndex.read(locales_dir, lang)
    lock_path = locales_dir / lang / LOCK_NAME
    lock, lock_diags = read_lock(lock_path, command=command)
    out = []
    for key, s in src.entries.items():
        t = tgt.entries.get(key)
        if t is None:
            out.append(KeyStatus(key, s, None, "missing"))
            continue
        recorded = lock.get(key)
        current = source_hash(s.text)
        state = "unreviewed" if recorded is None else ("ok" if recorded == current else "stale")
        identical = normalise(s.text) == normalise(t.text) and state != "ok"
        out.append(KeyStatus(key, s, t, state, identical, recorded))
    for key, t in tgt.entries.items():
        if key not in src.entries:
            out.append(KeyStatus(key, None, t, "extra"))
    return LangStatus(lang, base, locales_dir / lang, out, lock_path, lock, lock_diags)


def _texts_at(locales_dir: Path, lang: str, cache: object | None) -> dict[str, tuple[str, str, int, int]]:
    """key -> (text, shown path, line, col) for one language, as :meth:`LocaleIndex.read`
    finds them (the first definition wins), through the parsed-story cache when given."""
    read = []
    for path in locale_files(locales_dir, lang):
        try:
            data = path.read_bytes()
        except OSError:
            continue  # the loader reports unreadable files
        shown = display_path(path)
        rec = cache.get(path, shown, data, "locale") if cache is not None else parse_locale_file(data, shown)  # type: ignore[attr-defined]
        read.append((rec["entries"], shown))
    out: dict[str, tuple[str, str, int, int]] = {}
    for entries, shown in reversed(read):  # last file first, so the first definition wins
        places = zip(map(itemgetter(1), entries), repeat(shown), map(itemgetter(2), entries),  # noqa: B905
                     map(itemgetter(3), entries))
        out.update(zip(map(itemgetter(0), entries), places, strict=True))
    return out


def translation_diagnostics(story: m.Story, locales_dir: Path, *, content_note: str | None = None,
                            cache: object | None = None, command: str = "hengyang") -> list[Diagnostic]:
    """For ``check``: W302 for texts a language lacks that the loader does not already report
    (optional texts such as a scene's credit line, which fall back to the source language),
    W303 for stale translations, W304 for unreadable review-lock lines. The same judgement as
    :func:`status`, worked out only where it can give a warning (a story of 10,000 scenes has
    300,000 texts); ``cache`` is the parsed-story cache the loader used, if any; ``command`` is how
    the writer starts the game, named in the fixes."""
    base = story.languages[0]
    src = _texts_at(locales_dir, base, cache)
    needed = required_keys(story, content_note)
    out: list[Diagnostic] = []
    for lang in story.languages[1:]:
        tgt = _texts_at(locales_dir, lang, cache)
        lock, lock_diags = read_lock(locales_dir / lang / LOCK_NAME, command=command)
        out.extend(lock_diags)
        for key in [k for k in src if k not in tgt]:  # missing
            if key in needed or key.startswith("ui.") or not optional_key(key, story) or key == content_note:
                continue  # E300 or W301 already says so
            s = src[key]
            out.append(diag("W302", s[1], s[2], s[3], "W302", key=key, lang=lang, base=base, folder=display_path(locales_dir / lang)))
        for key, recorded in lock.items():  # stale: reviewed against another source text
            was, now = src.get(key), tgt.get(key)
            if was is not None and now is not None and recorded != source_hash(was[0]):
                out.append(diag("W303", now[1], now[2], now[3], "W303", base=base, key=key, lang=lang, command=command))
    return out


# -- review --------------------------------------------------------------------------------

@dataclass
class ReviewOutcome:
    recorded: list[str] = field(default_factory=list)   # keys whose hash was written
    was_stale: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)    # already reviewed against this text
    not_found: list[tuple[str, str]] = field(default_factory=list)  # (pattern, the likeliest key or "")
    untranslated: list[str] = field(default_factory=list)  # present in the source only
    pruned: list[str] = field(default_factory=list)


def review(st: LangStatus, patterns: Iterable[str], *, everything: bool = False, dry_run: bool = False) -> ReviewOutcome:
    """Record the current source hash for the given keys (a key or a prefix such as
    ``scenes.pro_well``), or for every translated key. Writes the lock unless ``dry_run``."""
    res = ReviewOutcome()
    lock = dict(st.lock)
    by_key = {k.key: k for k in st.keys}
    chosen: list[KeyStatus] = []
    if everything:
        chosen = [k for k in st.keys if k.source is not None and k.target is not None]
    for pattern in patterns:
        hits = [k for k in st.keys if k.key == pattern or k.key.startswith(pattern.rstrip(".") + ".")]
        if not hits:
            res.not_found.append((pattern, closest(pattern, list(by_key)) or ""))
        chosen.extend(hits)
    seen = set()
    for k in chosen:
        if k.key in seen:
            continue
        seen.add(k.key)
        if k.source is None:
            continue
        if k.target is None:
            res.untranslated.append(k.key)
            continue
        current = source_hash(k.source.text)
        if lock.get(k.key) == current:
            res.already.append(k.key)
            continue
        if k.state == "stale":
            res.was_stale.append(k.key)
        lock[k.key] = current
        res.recorded.append(k.key)
    if everything:
        present = {k.key for k in st.keys if k.source is not None and k.target is not None}
        res.pruned = sorted(key for key in lock if key not in present)
        for key in res.pruned:
            del lock[key]
    if (res.recorded or res.pruned) and not dry_run:
        write_lock(st.lock_path, lock, source=st.base)
        st.lock = lock
    return res
