"""Story and locale files to an immutable :class:`Story` and :class:`Catalog`, with diagnostics.

Loading has two stages:

1. **Per file** (:func:`parse_story_file`, :func:`parse_locale_file`): read one YAML file and
   validate its fields into plain records (dicts, lists, strings, ints, tuples). These
   records depend on nothing but the file's bytes, so they can be cached per file.
2. **Link** (:func:`link`): put every record together, resolve references across files
   (targets, variables, notes, endings, characters, chapters), compile conditions, check the
   locales against the structure, and build the frozen story.

Every problem is a located :class:`Diagnostic`; nothing raises for bad input::

    result = load_story(Path("story"), Path("locales"))
    for d in result.diagnostics:
        print(d.format())
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from adventure.core import model as m
from adventure.core.diagnostics import Diagnostic
from adventure.files import yamlread
from adventure.files.classroom_checks import paragraph_count, speaker_diagnostics
from adventure.files.diagtext import diag, phrase
from adventure.files.linking import link
from adventure.files.locale_links import (
    INTERFACE_LANGUAGE,
    OPTIONAL_PREFIXES,
    interface_diagnostics,
    optional_key,
    required_keys,
)
from adventure.files.paths import data_root, default_locales_dir, default_story_dir, display_path
from adventure.files.schema import Checker
from adventure.files.story_records import (
    CLASSROOM_FIELDS,
    DEFAULT_LANGUAGES,
    EFFECT_OPS,
    MANIFEST,
    Record,
    diag_rows,
    parse_story_file,
)
from adventure.files.triage import Broken, broken_file, focus, is_unreadable
from adventure.files.yamlread import Map, Scalar, decode, read_flat_mapping, read_yaml_bytes
from adventure.text.markup import TERM_MARK_RE, placeholders

#: Names other modules import from here (the loader is the reading layer's front door).
__all__ = [
    "CLASSROOM_FIELDS", "DEFAULT_LANGUAGES", "EFFECT_OPS", "INTERFACE_LANGUAGE", "MANIFEST", "OPTIONAL_PREFIXES",
    "TERM_MARK_RE", "LoadResult", "Record", "data_root", "default_locales_dir", "default_story_dir",
    "display_path", "interface_diagnostics", "link", "load_story", "locale_files", "optional_key",
    "paragraph_count", "parse_file", "parse_locale_file", "parse_story_file", "placeholders", "required_keys",
    "speaker_diagnostics", "story_files",
]



class LoadResult(NamedTuple):
    """The outcome of loading: the story and catalog (None if errors stop it), every diagnostic."""

    story: m.Story | None
    catalog: m.Catalog | None
    diagnostics: list[Diagnostic]
    files: list[Path] = []  # never changed; load_story always passes its own list
    broken: tuple[Broken, ...] = ()  # files that could not be used (see adventure.files.triage)

    @property
    def ok(self) -> bool:
        return self.story is not None and not any(d.is_error for d in self.diagnostics)


# -- stage 1: one locale file --------------------------------------------------------------

def parse_locale_file(data: bytes, path: str) -> Record:
    """Flatten one locale file to ``(key, text, line, col)`` entries."""
    text, decode_diags = decode(data, path)
    if text is not None:
        flat = read_flat_mapping(text)  # the common case, fast; None sends it the long way
        if flat is not None:
            return {"path": path, "entries": flat, "diags": diag_rows(decode_diags)}
    tree, read_diags = read_yaml_bytes(data, path)
    chk = Checker(path)
    entries: list[tuple[str, str, int, int]] = []
    root = chk.mapping(tree, phrase("what.locale_file")) if tree is not None else None
    if root is not None:
        _flatten(root, "", chk, entries)
    return {"path": path, "entries": entries, "diags": diag_rows(read_diags + chk.diags)}


def _flatten(node: Map, prefix: str, chk: Checker, out: list[tuple[str, str, int, int]]) -> None:
    for key, value in node.items():
        full = f"{prefix}{key}"
        if "." in key or not key:
            chk.add("E203", node.keypos[key], "E203.locale_key", key=key)
            continue
        if isinstance(value, Map):
            _flatten(value, full + ".", chk, out)
        elif isinstance(value, Scalar):
            if value.is_null:
                chk.add("E303", node.keypos[key], "E303.empty", key=full)
                continue
            out.append((full, value.value, value.line, value.col))
        else:
            chk.add("E303", value, "E303.list", key=full)


# -- placeholders --------------------------------------------------------------------------

# -- stage 2: link -------------------------------------------------------------------------


def story_files(story_dir: Path) -> list[Path]:
    return sorted(p for p in story_dir.glob("*.yaml") if p.is_file())


def locale_files(locales_dir: Path, lang: str) -> list[Path]:
    folder = locales_dir / lang
    return sorted(p for p in folder.glob("*.yaml") if p.is_file()) if folder.is_dir() else []


def load_story(story_dir: Path | None = None, locales_dir: Path | None = None, *,
               ui_dir: Path | None = None, cache: object | None = None, draft: bool = False,
               reader: Callable[[Path], bytes] | None = None) -> LoadResult:
    """Load a story folder and its locales. ``ui_dir`` holds the engine's interface texts
    (``<ui_dir>/<lang>/ui*.yaml``, by default the project's ``locales/``); a story's own
    locales may override them. ``cache`` (optional, see :mod:`adventure.files.cache`) has
    ``get(path, shown, data, kind)`` and a ``refresh`` flag. With ``draft``, a text one
    language has and another lacks is a warning (W302), not an error, and the catalog shows it
    from the language that has it (see :class:`adventure.text.catalog.Texts`). ``reader`` reads a
    file's bytes (by default from disk; the language server passes the editor's unsaved text)."""
    # Loading makes many small objects and frees none: the cyclic garbage collector would
    # only walk them again and again (a third of the time of a large load).
    import gc

    was_enabled = gc.isenabled()
    gc.disable()
    try:
        try:
            return _load_story(story_dir, locales_dir, ui_dir=ui_dir, cache=cache, draft=draft, reader=reader)
        except Exception:
            if cache is None:
                raise
            # A cache entry that decodes but does not fit the loader (edited by hand, say):
            # load again from the files, rewriting every entry.
            cache.refresh = True  # type: ignore[attr-defined]
            return _load_story(story_dir, locales_dir, ui_dir=ui_dir, cache=cache, draft=draft, reader=reader)
    finally:
        if was_enabled:
            gc.enable()


def _load_story(story_dir: Path | None, locales_dir: Path | None, *,
                ui_dir: Path | None, cache: object | None, draft: bool = False,
                reader: Callable[[Path], bytes] | None = None) -> LoadResult:
    story_dir = story_dir or default_story_dir()
    locales_dir = locales_dir or default_locales_dir()
    ui_dir = ui_dir or default_locales_dir()
    diags: list[Diagnostic] = []
    files: list[Path] = []
    broken: list[Broken] = []
    hasher = hashlib.sha256()

    def read(path: Path) -> bytes | None:
        try:
            size = path.stat().st_size
            if size > yamlread.MAX_BYTES:  # never read a huge file (a video renamed .yaml) into memory
                diags.append(yamlread.too_large(display_path(path), size))
                return None
            data = reader(path) if reader is not None else path.read_bytes()
        except OSError as exc:
            diags.append(diag("E111", display_path(path), 0, 0, "E111", reason=exc.strerror))
            return None
        files.append(path)
        if not path.name.startswith("ui"):  # the story's content: the interface's wording is not the story
            hasher.update(str(path.name).encode() + b"\0" + data + b"\0")
        return data

    def parsed(path: Path, kind: str) -> Record | None:
        data = read(path)
        shown = display_path(path)
        if data is None:
            broken.append(broken_file(shown, kind, path.parent.name if kind == "locale" else None, None, path.stem))
            return None
        if cache is not None:
            rec = cache.get(path, shown, data, kind)  # type: ignore[attr-defined]
        else:
            rec = parse_file(data, shown, kind)
        if is_unreadable(rec["diags"]):
            broken.append(broken_file(shown, kind, path.parent.name if kind == "locale" else None, data, path.stem))
        return rec

    if not story_dir.is_dir():
        diags.append(diag("E217", display_path(story_dir), 0, 0, "E217.folder"))
        return LoadResult(None, None, diags, files)
    manifest_path = story_dir / MANIFEST
    if not manifest_path.is_file():
        diags.append(diag("E217", display_path(story_dir), 0, 0, "E217.manifest", manifest=MANIFEST))
        return LoadResult(None, None, diags, files)
    records: list[Record] = []
    manifest_rec = parsed(manifest_path, "manifest")
    for path in story_files(story_dir):
        if path.name == MANIFEST:
            continue
        rec = parsed(path, "story")
        if rec is not None:
            records.append(rec)
    # Locales: the engine's interface texts first, then the story's own files.
    langs = list((manifest_rec or {}).get("story", {}).get("languages") or DEFAULT_LANGUAGES)
    locale_recs: dict[str, list[tuple[Record, bool]]] = {}
    same_dir = ui_dir.resolve() == locales_dir.resolve()
    for lang in langs:
        recs: list[tuple[Record, bool]] = []
        if not same_dir:
            for ui_file in sorted((ui_dir / lang).glob("ui*.yaml")):
                rec = parsed(ui_file, "locale")
                if rec is not None:
                    recs.append((rec, True))
        if not (locales_dir / lang).is_dir():
            diags.append(diag("E305", display_path(locales_dir / lang), 0, 0, "E305", lang=lang,
                              folder=display_path(locales_dir / lang)))
        for path in locale_files(locales_dir, lang):
            rec = parsed(path, "locale")
            if rec is not None:
                recs.append((rec, False))
        locale_recs[lang] = recs
    story, catalog, more = link(manifest_rec, records, locale_recs, content_hash=hasher.hexdigest()[:16], draft=draft)
    diags.extend(more)
    if story is not None and catalog is not None:
        if INTERFACE_LANGUAGE in locale_recs:  # read already, as the story's own language
            reference = [rec for rec, _ in locale_recs[INTERFACE_LANGUAGE]
                         if Path(rec["path"]).name.startswith("ui")]
        else:
            reference = _reference_records(ui_dir, cache)
        diags.extend(interface_diagnostics(catalog, reference))
    return LoadResult(story, catalog, focus(diags, broken), files, tuple(broken))


def _reference_records(ui_dir: Path, cache: object | None) -> list[Record]:
    """The engine's interface texts in :data:`INTERFACE_LANGUAGE`, parsed (through the cache)
    but not part of the story: they change neither its files nor its content hash."""
    out = []
    for path in sorted((ui_dir / INTERFACE_LANGUAGE).glob("ui*.yaml")):
        try:
            if path.stat().st_size > yamlread.MAX_BYTES:
                continue
            data = path.read_bytes()
        except OSError:
            continue
        shown = display_path(path)
        rec = cache.get(path, shown, data, "locale") if cache is not None else parse_file(data, shown, "locale")  # type: ignore[attr-defined]
        if rec is not None:
            out.append(rec)
    return out




def parse_file(data: bytes, shown: str, kind: str) -> Record:
    """Stage 1 for one file of the given kind ("manifest", "story" or "locale")."""
    if kind == "locale":
        return parse_locale_file(data, shown)
    return parse_story_file(data, shown, manifest=(kind == "manifest"))
