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
import os
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from itertools import repeat
from operator import itemgetter
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

from adventure.core import model as m
from adventure.core.conditions import Condition, ConditionError, compile_condition
from adventure.core.diagnostics import Diagnostic, suggest
from adventure.core.model import LANG_CODE_RE
from adventure.files import yamlread
from adventure.files.schema import STORY_ID_RE, Checker
from adventure.files.triage import Broken, broken_file, focus, is_unreadable
from adventure.files.yamlread import Map, Node, Scalar, decode, read_flat_mapping, read_yaml_bytes, where
from adventure.text.markup import TERM_MARK_RE, TERM_OPENING_RE, paragraphs, placeholders, speakers, term_marks  # noqa: F401 - TERM_MARK_RE re-exported
from adventure.text.plural import forms_given, missing_forms

MANIFEST = "story.yaml"
#: The language of a manifest that lists none. Which languages a story has is its manifest's
#: business: a new one is locale files and one line there, no code.
DEFAULT_LANGUAGES = ("en",)
EFFECT_OPS = tuple(op.value for op in m.Op)

Record = dict[str, Any]


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


# -- paths ---------------------------------------------------------------------------------

def data_root() -> Path:
    """The folder holding the shipped ``story/``, ``locales/`` and ``schema/``.

    Installed from a wheel (``pip install .``, ``pipx install .``) they travel inside the
    package, as ``adventure/data/`` (pyproject.toml maps the top-level folders there): the
    folder ``importlib.resources.files("adventure") / "data"`` names, found here without
    importing importlib.resources on the way to the first scene. In a checkout, or an
    editable install, there is no ``adventure/data/`` and the folders beside the package are
    read, so a writer's edits show at once.
    """
    package = Path(__file__).resolve().parent.parent  # adventure/, above adventure/files/
    packaged = package / "data"
    return packaged if (packaged / "story").is_dir() else package.parent


def default_story_dir() -> Path:
    return data_root() / "story"


def default_locales_dir() -> Path:
    return data_root() / "locales"


def display_path(path: Path) -> str:
    """A path as a writer would type it: relative to the working folder when inside it."""
    if path.is_symlink():
        return _display(str(path), os.getcwd())
    # Resolving asks the file system about every folder on the way: a story of 10,000 scenes
    # has hundreds of files in three folders, so each folder is resolved once.
    return str(Path(_display(str(path.parent), os.getcwd())) / path.name)


@lru_cache(maxsize=256)
def _display(path: str, cwd: str) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path(cwd).resolve()))
    except ValueError:
        return path


# -- stage 1: one story file ---------------------------------------------------------------

def _diag_rows(diags: Iterable[Diagnostic]) -> list[tuple[str, str, int, int, str, str]]:
    return [(d.code, d.path, d.line, d.col, d.message, d.fix) for d in diags]


def parse_story_file(data: bytes, path: str, *, manifest: bool) -> Record:
    """Validate one story file into a plain record (no cross-file checks)."""
    tree, read_diags = read_yaml_bytes(data, path)
    chk = Checker(path)
    rec: Record = {"path": path, "manifest": manifest, "scenes": [], "notes": [], "chapter": None,
                   "questions": [], "glossary": [], "sources": []}
    root = chk.mapping(tree, "the file") if tree is not None else None
    if root is not None:
        if manifest:
            _parse_manifest(root, chk, rec)
        else:
            _parse_chapter_file(root, chk, rec)
    rec["diags"] = _diag_rows(read_diags + chk.diags)
    return rec


def _parse_manifest(root: Map, chk: Checker, rec: Record) -> None:
    chk.fields(root, ("story", "chapters", "variables", "endings", "characters", "notes"),
               ("story", "chapters"), "the manifest")
    info = chk.mapping(root.get("story"), "'story'")
    story: Record = {"pos": where(root)}
    if info is not None:
        chk.fields(info, ("id", "title", "start", "languages", "siege_start", "content_note"),
                   ("id", "title", "start", "languages"), "'story'")
        sid = chk.text(info.get("id"), "the story id")
        if sid is not None and not STORY_ID_RE.match(sid):
            chk.add("E203", info["id"], f"story id '{sid}' is not a valid id",
                    "use letters, digits, '-' and '_'")
            sid = None
        story["id"] = sid
        story["title"] = chk.text(info.get("title"), "the title key")
        story["content_note"] = chk.text(info.get("content_note"), "the content note key")
        story["start"] = chk.ident(info.get("start"), "the start scene")
        story["start_pos"] = where(info.get("start", info))
        story["siege_start"] = chk.date(info.get("siege_start"), "siege_start")
        langs = []
        for lang, pos in chk.id_list(info.get("languages"), "a language"):
            if not LANG_CODE_RE.match(lang):
                chk.add("E218", pos, f"'{lang}' is not a language code",
                        "use a lowercase ISO 639 code such as en, es or fr (a region may follow: pt-BR)")
            elif lang in langs:
                chk.add("E204", pos, f"language '{lang}' is listed twice", "list each language once")
            else:
                langs.append(lang)
        story["languages"] = langs
    rec["story"] = story
    rec["chapters"] = _id_decls(chk, root.get("chapters"), "a chapter")
    rec["endings"] = _id_decls(chk, root.get("endings"), "an ending")
    rec["characters"] = _id_decls(chk, root.get("characters"), "a character")
    variables = []
    vars_node = chk.mapping(root.get("variables"), "'variables'") if "variables" in root else None
    if vars_node is not None:
        for name, node in vars_node.items():
            pos = vars_node.keypos[name]
            if not chk.key_ident(name, pos, "variable"):
                continue
            value = chk.value(node, f"the initial value of '{name}'")
            if value is None:
                continue
            kind = "flag" if isinstance(value, bool) else "counter"
            variables.append({"name": name, "kind": kind, "initial": value, "pos": pos})
    rec["variables"] = variables
    if "notes" in root:
        _parse_notes(root["notes"], chk, rec)


def _id_decls(chk: Checker, node: Node | None, what: str) -> list[tuple[str, tuple[int, int]]]:
    seen: dict[str, tuple[int, int]] = {}
    out = []
    for value, pos in chk.id_list(node, what):
        if value in seen:
            chk.add("E204", pos, f"{what} '{value}' is declared twice (first at line {seen[value][0]})",
                    "declare it once")
            continue
        seen[value] = pos
        out.append((value, pos))
    return out


def _parse_chapter_file(root: Map, chk: Checker, rec: Record) -> None:
    chk.fields(root, ("chapter", "date", "start", "scenes", "notes") + CLASSROOM_FIELDS, (), "a story file")
    _parse_classroom(root, chk, rec)
    if "scenes" in root and "chapter" not in root:
        chk.add("E201", root, "a file with scenes has no 'chapter'",
                "add 'chapter: <id>' naming a chapter listed in story.yaml")
    if "chapter" in root:
        cid = chk.ident(root.get("chapter"), "the chapter id")
        if cid is not None:
            rec["chapter"] = {
                "id": cid,
                "pos": where(root["chapter"]),
                "date": chk.date(root.get("date"), "the chapter date"),
                "start": chk.ident(root.get("start"), "the chapter start scene"),
                "start_pos": where(root.get("start", root)),
            }
    scenes = chk.mapping(root.get("scenes"), "'scenes'") if "scenes" in root else None
    if scenes is not None:
        for sid, node in scenes.items():
            pos = scenes.keypos[sid]
            if not chk.key_ident(sid, pos, "scene id"):
                continue
            scene = _parse_scene(sid, pos, node, chk)
            if scene is not None:
                rec["scenes"].append(scene)
    if "notes" in root:
        _parse_notes(root["notes"], chk, rec)


_SCENE_FIELDS = ("date", "witness", "effects", "choices", "ending")
_CHOICE_FIELDS = ("to", "when", "once", "effects")


def _parse_scene(sid: str, pos: tuple[int, int], node: Node, chk: Checker) -> Record | None:
    body = chk.mapping(node, f"scene '{sid}'")
    if body is None:
        return None
    chk.fields(body, _SCENE_FIELDS, (), f"scene '{sid}'")
    scene: Record = {
        "id": sid,
        "pos": pos,
        "date": chk.date(body.get("date"), "the scene date"),
        "witness": chk.ident(body.get("witness"), "the witness"),
        "witness_pos": where(body.get("witness", body)),
        "ending": chk.ident(body.get("ending"), "the ending"),
        "ending_pos": where(body.get("ending", body)),
        "effects": _parse_effects(body.get("effects"), chk, f"scene '{sid}'"),
        "choices": [],
    }
    choices = chk.mapping(body.get("choices"), f"the choices of '{sid}'") if "choices" in body else None
    if choices is not None:
        for cid, cnode in choices.items():
            cpos = choices.keypos[cid]
            if not chk.key_ident(cid, cpos, "choice id"):
                continue
            choice = _parse_choice(sid, cid, cpos, cnode, chk)
            if choice is not None:
                scene["choices"].append(choice)
    if scene["ending"] is not None and scene["choices"]:
        chk.add("E202", body["choices"], f"ending scene '{sid}' also has choices",
                "an ending scene ends the story: remove 'ending:' or the choices")
    return scene


def _parse_choice(sid: str, cid: str, pos: tuple[int, int], node: Node, chk: Checker) -> Record | None:
    what = f"choice '{cid}' of '{sid}'"
    if isinstance(node, Scalar):  # shorthand: `go: next_scene`
        target = chk.ident(node, f"the target of {what}")
        return {"id": cid, "pos": pos, "to": target, "to_pos": where(node), "when": None,
                "when_pos": pos, "once": False, "effects": []}
    body = chk.mapping(node, what)
    if body is None:
        return None
    chk.fields(body, _CHOICE_FIELDS, (), what)
    effects = _parse_effects(body.get("effects"), chk, what)
    ends = any(e["op"] == "end" for e in effects)
    if "to" not in body and not ends:
        chk.add("E201", pos, f"{what} has no 'to'",
                "add 'to: <scene id>', or an effect '- end: <ending id>' to end the story")
    once = chk.boolean(body.get("once"), "'once'") if "once" in body else False
    return {
        "id": cid,
        "pos": pos,
        "to": chk.ident(body.get("to"), f"the target of {what}"),
        "to_pos": where(body.get("to", body)),
        "when": chk.text(body.get("when"), "the condition"),
        "when_pos": where(body.get("when", body)),
        "when_plain": isinstance(body.get("when"), Scalar) and body["when"].plain,
        "once": bool(once),
        "effects": effects,
    }


def _parse_effects(node: Node | None, chk: Checker, what: str) -> list[Record]:
    out: list[Record] = []
    items = chk.sequence(node, f"the effects of {what}") if node is not None else None
    for item in items or []:
        body = chk.mapping(item, "an effect")
        if body is None:
            continue
        if len(body) != 1:
            chk.add("E202", body, "each effect is one line such as '- set: {flag: true}'",
                    "split it into one '- ' line per effect")
            continue
        op, value = next(iter(body.items()))
        opos = body.keypos[op]
        if op not in EFFECT_OPS:
            chk.add("E200", opos, f"unknown effect '{op}'",
                    "effects are " + ", ".join(EFFECT_OPS) + suggest(op, EFFECT_OPS))
            continue
        if op in ("note", "end"):
            target = chk.ident(value, f"the {op} id")
            if target is not None:
                out.append({"op": op, "target": target, "value": None, "pos": where(value)})
            continue
        assigns = chk.mapping(value, f"'{op}'")
        if assigns is None:
            continue
        for name, vnode in assigns.items():
            npos = assigns.keypos[name]
            if not chk.key_ident(name, npos, "variable"):
                continue
            val = chk.value(vnode, f"the value for '{name}'") if op == "set" \
                else chk.integer(vnode, f"the amount for '{name}'")
            if val is not None:
                out.append({"op": op, "target": name, "value": val, "pos": npos})
    return out


def _parse_notes(node: Node, chk: Checker, rec: Record) -> None:
    notes = chk.mapping(node, "'notes'")
    if notes is None:
        return
    for nid, body_node in notes.items():
        pos = notes.keypos[nid]
        if not chk.key_ident(nid, pos, "note id"):
            continue
        body = chk.mapping(body_node, f"note '{nid}'")
        if body is None:
            continue
        chk.fields(body, ("sources", "date", "category"), ("sources",), f"note '{nid}'")
        sources = []
        src_node = chk.sequence(body.get("sources"), "'sources'") if "sources" in body else None
        for item in src_node or []:
            text = chk.text(item, "a source")
            if text is not None:
                sources.append(text)
        if src_node is not None and not sources:
            chk.add("E201", body["sources"], f"note '{nid}' names no source",
                    "list the source file name(s) the note is based on")
        rec["notes"].append({
            "id": nid, "pos": pos, "sources": sources,
            "date": chk.date(body.get("date"), "the note date"),
            "category": chk.ident(body.get("category"), "the category"),
        })


# Classroom data (optional, usually in story/classroom.yaml): reflection questions by chapter,
# the glossary's term ids, and the source files the notes cite with an id for their citation.
CLASSROOM_FIELDS = ("questions", "glossary", "sources")


def _parse_classroom(root: Map, chk: Checker, rec: Record) -> None:
    """``questions: {chapter: [question ids]}``, ``glossary: [term ids]``,
    ``sources: {file name: source id}`` into plain records."""
    rec["questions"] = []
    rec["glossary"] = []
    rec["sources"] = []
    questions = chk.mapping(root.get("questions"), "'questions'") if "questions" in root else None
    for chapter, node in (questions or {}).items():
        cpos = questions.keypos[chapter]  # type: ignore[union-attr]
        if not chk.key_ident(chapter, cpos, "chapter id"):
            continue
        for qid, qpos in chk.id_list(node, "a question id"):
            rec["questions"].append({"id": qid, "chapter": chapter, "pos": qpos, "chapter_pos": cpos})
    if "glossary" in root:
        rec["glossary"] = [{"id": tid, "pos": tpos} for tid, tpos in chk.id_list(root["glossary"], "a term id")]
    sources = chk.mapping(root.get("sources"), "'sources'") if "sources" in root else None
    for file, node in (sources or {}).items():
        sid = chk.ident(node, f"the id of source '{file}'")
        if sid is not None:
            rec["sources"].append({"file": file, "id": sid, "pos": sources.keypos[file]})  # type: ignore[union-attr]


# -- stage 1: one locale file --------------------------------------------------------------

def parse_locale_file(data: bytes, path: str) -> Record:
    """Flatten one locale file to ``(key, text, line, col)`` entries."""
    text, decode_diags = decode(data, path)
    if text is not None:
        flat = read_flat_mapping(text)  # the common case, fast; None sends it the long way
        if flat is not None:
            return {"path": path, "entries": flat, "diags": _diag_rows(decode_diags)}
    tree, read_diags = read_yaml_bytes(data, path)
    chk = Checker(path)
    entries: list[tuple[str, str, int, int]] = []
    root = chk.mapping(tree, "a locale file") if tree is not None else None
    if root is not None:
        _flatten(root, "", chk, entries)
    return {"path": path, "entries": entries, "diags": _diag_rows(read_diags + chk.diags)}


def _flatten(node: Map, prefix: str, chk: Checker, out: list[tuple[str, str, int, int]]) -> None:
    for key, value in node.items():
        full = f"{prefix}{key}"
        if "." in key or not key:
            chk.add("E203", node.keypos[key], f"locale key '{key}' contains a dot or is empty",
                    "nest keys as mappings instead of writing dots")
            continue
        if isinstance(value, Map):
            _flatten(value, full + ".", chk, out)
        elif isinstance(value, Scalar):
            if value.is_null:
                chk.add("E303", node.keypos[key], f"'{full}' has no text", "write the text, or remove the key")
                continue
            out.append((full, value.value, value.line, value.col))
        else:
            chk.add("E303", value, f"'{full}' is a list, not text",
                    "write the text as one value (use | for several lines)")


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
            diags.append(Diagnostic("E111", display_path(path), 0, 0, f"cannot read the file: {exc.strerror}",
                                    "check that the file exists and can be read"))
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
        diags.append(Diagnostic("E217", display_path(story_dir), 0, 0, "the story folder does not exist",
                                "pass --story with a folder that holds story.yaml"))
        return LoadResult(None, None, diags, files)
    manifest_path = story_dir / MANIFEST
    if not manifest_path.is_file():
        diags.append(Diagnostic("E217", display_path(story_dir), 0, 0, f"no {MANIFEST} in the story folder",
                                f"create {MANIFEST} with story:, chapters: and variables: sections"))
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
            diags.append(Diagnostic("E305", display_path(locales_dir / lang), 0, 0,
                                    f"no locale folder for language '{lang}'",
                                    f"create {display_path(locales_dir / lang)}/ with the texts in that language"))
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


#: The language the engine's interface is written in: its ``ui*.yaml`` files name every
#: interface key, and each of a story's languages must have each one (from the story's own
#: locales or the engine's).
INTERFACE_LANGUAGE = "en"


def interface_diagnostics(catalog: m.Catalog, reference: list[Record]) -> list[Diagnostic]:
    """E300 for every interface key of the engine's reference texts that a story language
    lacks: a new language is complete only with the whole interface translated (before,
    a key missing everywhere showed ``[ui.key]`` on screen). Keys the story's first language
    lacks are reported here; the other languages' gaps against the first are reported with
    the other translation checks, so nothing is said twice."""
    out: list[Diagnostic] = []
    base = catalog.languages[0] if catalog.languages else None
    for rec in reference:
        for key, _text, line, col in rec["entries"]:
            if not key.startswith("ui."):
                continue
            for lang in catalog.languages:
                if key in catalog.texts.get(lang, {}):
                    continue
                if lang != base and key in catalog.texts.get(base or "", {}):
                    continue  # reported against the first language already
                out.append(Diagnostic("E300", rec["path"], line, col, f"no {lang} text for interface key '{key}'",
                                      f"add '{key}' to a ui*.yaml file in locales/{lang}/"))
    return out


def parse_file(data: bytes, shown: str, kind: str) -> Record:
    """Stage 1 for one file of the given kind ("manifest", "story" or "locale")."""
    if kind == "locale":
        return parse_locale_file(data, shown)
    return parse_story_file(data, shown, manifest=(kind == "manifest"))


def link(manifest: Record | None, records: list[Record],
         locales: Mapping[str, list[tuple[Record, bool]]], *, content_hash: str, draft: bool = False
         ) -> tuple[m.Story | None, m.Catalog | None, list[Diagnostic]]:
    """Stage 2: resolve references across files and build the frozen story and catalog."""
    diags: list[Diagnostic] = []

    def add(code: str, path: str, pos: tuple[int, int], msg: str, fix: str) -> None:
        diags.append(Diagnostic(code, path, pos[0], pos[1], msg, fix))

    for rec in ([manifest] if manifest else []) + records:
        diags.extend(Diagnostic(*row) for row in rec["diags"])
    for lang_recs in locales.values():
        for rec, _ in lang_recs:
            diags.extend(Diagnostic(*row) for row in rec["diags"])
    if manifest is None or "story" not in manifest:
        return None, None, diags
    mpath = manifest["path"]
    info = manifest["story"]
    if not info.get("id") or not info.get("start") or not info.get("title"):
        return None, None, diags

    # Variables.
    variables = {v["name"]: m.Variable(v["name"], v["kind"], v["initial"], (mpath, *v["pos"]))
                 for v in manifest["variables"]}
    kinds = {name: var.kind for name, var in variables.items()}
    endings = [e for e, _ in manifest["endings"]]
    characters = [c for c, _ in manifest["characters"]]
    chapter_order = [c for c, _ in manifest["chapters"]]

    # Notes, chapters and scenes from every file.
    notes: dict[str, m.Note] = {}
    for rec in [manifest] + records:
        for n in rec["notes"]:
            if n["id"] in notes:
                first = notes[n["id"]].pos
                add("E204", rec["path"], n["pos"], f"note '{n['id']}' is defined twice (first in {first[0]}:{first[1]})",
                    "rename one of them or remove the duplicate")
                continue
            notes[n["id"]] = m.Note(n["id"], tuple(n["sources"]), n["date"], n["category"], (rec["path"], *n["pos"]))
    raw_scenes: dict[str, tuple[Record, Record]] = {}
    chapter_recs: dict[str, Record] = {}
    for rec in records:
        ch = rec["chapter"]
        if ch is None:
            if rec["scenes"]:
                continue  # reported in stage 1
            continue
        if ch["id"] in chapter_recs:
            add("E204", rec["path"], ch["pos"], f"chapter '{ch['id']}' is used by two files "
                f"({chapter_recs[ch['id']]['path']} too)", "give each chapter file its own chapter id")
            continue
        chapter_recs[ch["id"]] = rec
        if ch["id"] not in chapter_order:
            add("E213", rec["path"], ch["pos"], f"chapter '{ch['id']}' is not listed in {MANIFEST}",
                f"add it to 'chapters:' in {MANIFEST}" + suggest(ch["id"], chapter_order))
        for sc in rec["scenes"]:
            if sc["id"] in raw_scenes:
                other = raw_scenes[sc["id"]][0]["path"]
                add("E204", rec["path"], sc["pos"], f"scene '{sc['id']}' is defined twice (also in {other})",
                    "scene ids are shared by the whole story: rename one")
                continue
            raw_scenes[sc["id"]] = (rec, sc)
    for cid, pos in manifest["chapters"]:
        if cid not in chapter_recs:
            add("E213", mpath, pos, f"chapter '{cid}' has no file",
                f"create story/{cid}.yaml with 'chapter: {cid}', or remove it from 'chapters:'")
    scene_ids = set(raw_scenes)

    def effects(items: list[Record], path: str) -> tuple[m.Effect, ...]:
        if not items:
            return ()
        out = []
        for e in items:
            op, target, pos = m.Op(e["op"]), e["target"], e["pos"]
            if op is m.Op.NOTE:
                if target not in notes:
                    add("E208", path, pos, f"note '{target}' is not defined",
                        "define it under notes: in a story file" + suggest(target, notes))
                    continue
            elif op is m.Op.END:
                if target not in endings:
                    add("E209", path, pos, f"ending '{target}' is not declared",
                        f"add it to 'endings:' in {MANIFEST}" + suggest(target, endings))
                    continue
            elif op.on_variable:
                kind = kinds.get(target)
                if kind is None:
                    add("E206", path, pos, f"variable '{target}' is not declared",
                        f"declare it under variables: in {MANIFEST}" + suggest(target, kinds))
                    continue
                if op in (m.Op.ADD, m.Op.SUB) and kind != "counter":
                    add("E214", path, pos, f"'{op}' needs a counter, but '{target}' is a flag",
                        "use 'set' for flags")
                    continue
                if op is m.Op.SET and (kind == "flag") != isinstance(e["value"], bool):
                    add("E214", path, pos, f"'{target}' is a {kind}; it cannot be set to {e['value']!r}",
                        "set flags to true/false and counters to whole numbers")
                    continue
            else:
                raise m.UnknownOp(op, "loader.effects")
            out.append(m.Effect(op, target, e["value"], (path, *pos)))
        return tuple(out)

    scenes: dict[str, m.Scene] = {}
    compiled: dict[str, Condition] = {}
    for sid, (rec, sc) in raw_scenes.items():
        path = rec["path"]
        chapter_id = rec["chapter"]["id"]
        if sc["witness"] is not None and sc["witness"] not in characters:
            add("E210", path, sc["witness_pos"], f"character '{sc['witness']}' is not declared",
                f"add it to 'characters:' in {MANIFEST}" + suggest(sc["witness"], characters))
        if sc["ending"] is not None and sc["ending"] not in endings:
            add("E209", path, sc["ending_pos"], f"ending '{sc['ending']}' is not declared",
                f"add it to 'endings:' in {MANIFEST}" + suggest(sc["ending"], endings))
        choices = []
        for ch in sc["choices"]:
            if ch["to"] is not None and ch["to"] not in scene_ids:
                add("E205", path, ch["to_pos"], f"choice '{ch['id']}' leads to '{ch['to']}', which is not a scene",
                    "use an existing scene id" + suggest(ch["to"], scene_ids))
            cond = None
            if ch["when"] is not None:
                try:
                    cond = compiled.get(ch["when"])  # the same condition text is often written many times
                    if cond is None:
                        cond = compiled[ch["when"]] = compile_condition(ch["when"], variables=kinds, scenes=scene_ids)
                except ConditionError as exc:
                    line, col = ch["when_pos"]
                    col += exc.col - 1 + (0 if ch.get("when_plain") else 1)  # quoted: skip the quote
                    add(exc.code, path, (line, col), f"condition '{ch['when']}': {exc.message}", exc.fix)
            choices.append(m.Choice(ch["id"], ch["to"], cond, ch["once"], effects(ch["effects"], path),
                                    (path, *ch["pos"]), f"{sid}.{ch['id']}"))
        if not choices and sc["ending"] is None:
            add("E211", path, sc["pos"], f"scene '{sid}' has no choices and is not an ending",
                "add choices, or mark it as an ending with 'ending: <ending id>'")
        scenes[sid] = m.Scene(sid, chapter_id, sc["date"] or rec["chapter"]["date"], sc["witness"],
                              effects(sc["effects"], path), tuple(choices), sc["ending"], (path, *sc["pos"]),
                              MappingProxyType({c.id: c for c in choices}),
                              any(c.once or c.when is not None for c in choices))

    chapters = []
    for cid in chapter_order:
        crec = chapter_recs.get(cid)
        if crec is None:
            continue
        ch = crec["chapter"]
        start = ch["start"] or (crec["scenes"][0]["id"] if crec["scenes"] else None)
        if ch["start"] is not None and ch["start"] not in scene_ids:
            add("E212", crec["path"], ch["start_pos"], f"chapter start '{ch['start']}' is not a scene",
                "name a scene of this chapter" + suggest(ch["start"], scene_ids))
            start = None
        if start is None:
            continue
        chapters.append(m.Chapter(cid, start, ch["date"], (crec["path"], *ch["pos"])))
    if info["start"] not in scene_ids:
        add("E212", mpath, info["start_pos"], f"start scene '{info['start']}' does not exist",
            "set story.start to an existing scene id" + suggest(info["start"], scene_ids))

    classroom = _link_classroom(records, chapter_order, add)

    story = m.Story(
        id=info["id"], title_key=info["title"], start=info["start"],
        languages=tuple(info["languages"] or DEFAULT_LANGUAGES),
        siege_start=info.get("siege_start"),
        variables=MappingProxyType(variables), chapters=tuple(chapters),
        scenes=MappingProxyType(scenes), notes=MappingProxyType(notes),
        endings=tuple(endings), characters=tuple(characters), hash=content_hash, manifest=mpath,
        ending_pos=MappingProxyType({e: (mpath, *pos) for e, pos in manifest["endings"]}),
        classroom=classroom,
    )
    catalog, cat_diags = _link_locales(story, locales, manifest, draft=draft)
    diags.extend(cat_diags)
    return story, catalog, diags


def _link_classroom(records: list[Record], chapter_order: list[str], add: Any) -> m.Classroom:
    """Questions, glossary terms and sources from every story file, checked against the chapters."""
    questions: dict[str, m.Question] = {}
    terms: dict[str, m.Term] = {}
    sources: dict[str, m.Source] = {}
    for rec in records:
        path = rec["path"]
        for q in rec.get("questions", []):
            if q["chapter"] not in chapter_order:
                add("E501", path, q["chapter_pos"], f"reflection questions name chapter '{q['chapter']}', "
                    "which the manifest does not list",
                    f"use a chapter id from 'chapters:' in {MANIFEST}" + suggest(q["chapter"], chapter_order))
                continue
            if q["id"] in questions:
                first = questions[q["id"]].pos
                add("E204", path, q["pos"], f"question '{q['id']}' is listed twice (first at {first[0]}:{first[1]})",
                    "give every question its own id")
                continue
            questions[q["id"]] = m.Question(q["id"], q["chapter"], (path, *q["pos"]))
        for t in rec.get("glossary", []):
            if t["id"] in terms:
                first = terms[t["id"]].pos
                add("E204", path, t["pos"], f"glossary term '{t['id']}' is listed twice (first at {first[0]}:{first[1]})",
                    "list each term once")
                continue
            terms[t["id"]] = m.Term(t["id"], (path, *t["pos"]))
        for src in rec.get("sources", []):
            if src["file"] in sources or any(s.id == src["id"] for s in sources.values()):
                add("E204", path, src["pos"], f"source '{src['file']}' ({src['id']}) is listed twice",
                    "list each source file once, each with its own id")
                continue
            sources[src["file"]] = m.Source(src["id"], src["file"], (path, *src["pos"]))
    order = {cid: i for i, cid in enumerate(chapter_order)}
    ordered = sorted(questions.values(), key=lambda q: order[q.chapter])  # stable: file order inside a chapter
    return m.Classroom(tuple(ordered), MappingProxyType(terms), tuple(sources.values()))


_required: list[Any] = [None, None]  # the last (story, keys without a content note): check asks twice


def required_keys(story: m.Story, content_note: str | None = None) -> dict[str, tuple[str, int, int]]:
    """Every locale key the story needs, with the place that needs it (do not change it)."""
    if _required[0] is not story:
        _required[:] = [story, _required_keys(story)]
    keys: dict[str, tuple[str, int, int]] = _required[1]
    if content_note and content_note not in keys:
        keys = dict(keys)
        first = next(iter(story.scenes.values()), None)
        keys[content_note] = first.pos if first else ("story.yaml", 1, 1)
    return keys


def _required_keys(story: m.Story) -> dict[str, tuple[str, int, int]]:
    keys: dict[str, tuple[str, int, int]] = {}
    first = next(iter(story.scenes.values()), None)
    origin = first.pos if first else ("story.yaml", 1, 1)
    keys[story.title_key] = origin
    for ch in story.chapters:
        keys[m.chapter_title_key(ch.id)] = ch.pos
    for sc in story.scenes.values():  # the keys of m.scene_title_key and friends, written out: 10,000s of them
        sid, pos = sc.id, sc.pos
        keys[f"scenes.{sid}.title"] = pos
        keys[f"scenes.{sid}.text"] = pos
        for c in sc.choices:
            keys[f"scenes.{sid}.choices.{c.id}"] = c.pos
    for n in story.notes.values():
        keys[m.note_title_key(n.id)] = n.pos
        keys[m.note_body_key(n.id)] = n.pos
    for e in story.endings:
        keys[m.ending_title_key(e)] = origin
        keys[m.ending_text_key(e)] = origin
    for who in story.characters:
        keys[m.character_name_key(who)] = origin
    for q in story.classroom.questions:
        keys[m.question_text_key(q.id)] = q.pos
    for t in story.classroom.terms.values():
        keys[m.term_word_key(t.id)] = t.pos
        keys[m.term_definition_key(t.id)] = t.pos
    for src in story.classroom.sources:
        keys[m.source_title_key(src.id)] = src.pos
        keys[m.source_about_key(src.id)] = src.pos
    return keys


# Keys a story may define without the structure naming them.
OPTIONAL_PREFIXES = ("story.", "ui.")


def optional_key(key: str, story: m.Story) -> bool:
    if key.startswith(OPTIONAL_PREFIXES):
        return True
    parts = key.split(".")
    if len(parts) != 3:
        return False
    if parts[0] == "questions" and parts[2] == "hint":
        return any(q.id == parts[1] for q in story.classroom.questions)
    if parts[0] == "glossary" and parts[2] == "forms":
        return parts[1] in story.classroom.terms
    return parts[0] == "scenes" and parts[2] == "credit" and parts[1] in story.scenes


_first, _second, _third, _fourth = (itemgetter(i) for i in range(4))


class _Places:
    """Where each text of one language is written, ``key -> (path, line, col)``, worked out
    when a diagnostic asks: a story of 10,000 scenes has 150,000 texts a language, and few
    of them ever need their place."""

    __slots__ = ("recs", "owner", "exact", "_index")

    def __init__(self, recs: list[tuple[Record, bool]]) -> None:
        self.recs = recs
        self.owner: dict[str, int] = {}  # key -> the record that defines it
        self.exact: dict[str, tuple[str, int, int]] = {}  # places set one by one (they win)
        self._index: dict[int, dict[str, tuple[str, int, int]]] = {}

    def __contains__(self, key: object) -> bool:
        return key in self.exact or key in self.owner

    def __getitem__(self, key: str) -> tuple[str, int, int]:
        got = self.exact.get(key)
        if got is not None:
            return got
        i = self.owner[key]
        index = self._index.get(i)
        if index is None:
            rec = self.recs[i][0]
            index = self._index[i] = {e[0]: (rec["path"], e[2], e[3]) for e in rec["entries"]}
        return index[key]


def _link_locales(story: m.Story, locales: Mapping[str, list[tuple[Record, bool]]],
                  manifest: Record, *, draft: bool = False) -> tuple[m.Catalog, list[Diagnostic]]:
    diags: list[Diagnostic] = []
    texts: dict[str, dict[str, str]] = {}
    places: dict[str, _Places] = {}
    for lang, recs in locales.items():
        table: dict[str, str] = {}
        where_ = _Places(recs)
        engine_keys: set[str] = set()
        for i, (rec, is_engine) in enumerate(recs):
            entries = rec["entries"]
            keys = list(map(_first, entries))
            if table.keys().isdisjoint(keys) and len(set(keys)) == len(keys):  # the usual case, at C speed
                table.update(zip(keys, map(_second, entries), strict=True))
                where_.owner.update(zip(keys, repeat(i)))  # noqa: B905 - repeat() has no end
                if is_engine:
                    engine_keys.update(keys)
                continue
            for key, text, line, col in entries:
                if key in where_ and key not in engine_keys:
                    first = where_[key]
                    diags.append(Diagnostic("E304", rec["path"], line, col,
                                            f"'{key}' is already defined in {first[0]}:{first[1]}",
                                            "keep one definition"))
                    continue
                table[key] = text
                where_.exact[key] = (rec["path"], line, col)
                if is_engine:
                    engine_keys.add(key)
                else:
                    engine_keys.discard(key)
        texts[lang] = table
        places[lang] = where_
    content_note = manifest["story"].get("content_note")
    needed = required_keys(story, content_note)
    base = story.languages[0]
    kinds = set(story.variables)
    for lang in story.languages:
        table = texts.get(lang, {})
        where_ = places[lang] if lang in places else _Places([])
        for key in [k for k in needed if k not in table]:
            pos = needed[key]
            has = [other for other in story.languages if key in texts.get(other, {})] if draft else []
            if has:  # drafting: shown from the language that has it, marked as untranslated
                path, line, col = places[has[0]][key]
                diags.append(Diagnostic("W302", path, line, col,
                                        f"'{key}' has no {lang} text yet, so {lang} players read it in {has[0]} "
                                        "(marked as untranslated: --draft)", f"add '{key}' to a file in locales/{lang}/"))
                continue
            diags.append(Diagnostic("E300", pos[0], pos[1], pos[2], f"no {lang} text for '{key}'",
                                    f"add '{key}' to a file in locales/{lang}/"))
        base_table = texts.get(base, {}) if lang != base else {}
        hint = _UnusedHint(needed)
        for key in [k for k in table if k not in needed]:
            if not optional_key(key, story):
                path, line, col = where_[key]
                diags.append(Diagnostic("W301", path, line, col, f"'{key}' is not used by the story",
                                        "remove it, or check the scene/choice id it should match" + hint(key)))
        # Placeholders: only texts with a brace here or in the first language can have a problem.
        base_braced = {k for k, t in base_table.items() if "{" in t}
        for key in [k for k, t in table.items() if "{" in t or k in base_braced]:
            text = table[key]
            path, line, col = where_[key]
            good, bad = placeholders(text)
            for b in bad:
                diags.append(Diagnostic("E302", path, line, col, f"placeholder '{{{b}}}' in '{key}' is not allowed",
                                        "placeholders are plain variable names like {rounds}; "
                                        "write {{ and }} for literal braces"))
            if not key.startswith("ui."):
                for g in good:
                    if g not in kinds:
                        diags.append(Diagnostic("E302", path, line, col,
                                                f"placeholder '{{{g}}}' in '{key}' names no variable",
                                                f"declare '{g}' under variables: in {MANIFEST}" + suggest(g, kinds)))
            if key in base_table:
                ours = sorted(set(good))
                theirs = sorted(set(placeholders(texts[base][key])[0]))
                if ours != theirs:
                    diags.append(Diagnostic("E301", path, line, col,
                                            f"'{key}' has placeholders {_fmt(ours)} in {lang} but {_fmt(theirs)} in {base}",
                                            "use the same {names} in every language"))
        diags.extend(missing_forms(lang, table, texts, places))
        if lang != base:
            forms = forms_given(texts.get(base, {}), table)  # their missing forms are E306
            for key in [k for k in texts.get(base, {}) if k not in table and k.startswith("ui.") and k not in forms]:
                path, line, col = places[base][key]
                diags.append(Diagnostic("E300", path, line, col, f"no {lang} text for interface key '{key}'",
                                        f"add '{key}' to a ui*.yaml file in locales/{lang}/"))
    diags.extend(_classroom_diagnostics(story, texts, places))
    diags.extend(speaker_diagnostics(story, texts, places))
    frozen = {lang: MappingProxyType(table) for lang, table in texts.items()}
    return m.Catalog(story.languages, MappingProxyType(frozen), draft), diags


class _UnusedHint:
    """The "did you mean" of an unused locale key, among keys of the same shape: the same id's
    other keys (``titel`` -> ``title``), or the same key of a similar id (``bat_bia.title`` ->
    ``bat_bai.title``). Comparing with every needed key instead takes seconds when a whole
    chapter's texts are unused (its story file does not parse)."""

    def __init__(self, needed: Mapping[str, object]) -> None:
        self.needed = needed
        self.by_id: dict[str, list[str]] | None = None

    def __call__(self, key: str) -> str:
        parts = key.split(".", 2)
        if len(parts) < 3:
            return suggest(key, [k for k in self.needed if "." not in k.partition(".")[2]])
        if self.by_id is None:
            self.by_id = {}
            for k in self.needed:
                head = k.split(".", 2)
                if len(head) == 3:
                    self.by_id.setdefault(f"{head[0]}.{head[1]}", []).append(k)
        own = self.by_id.get(f"{parts[0]}.{parts[1]}")
        if own is not None:
            return suggest(key, own)
        tail = "." + parts[2]
        ids = [k.split(".", 2)[1] for k in self.needed if k.startswith(parts[0] + ".") and k.endswith(tail)]
        import difflib

        best = difflib.get_close_matches(parts[1], ids, n=1, cutoff=0.6)
        return f"; did you mean '{parts[0]}.{best[0]}{tail}'?" if best else ""


def speaker_diagnostics(story: m.Story, texts: Mapping[str, Mapping[str, str]],
                        places: Mapping[str, _Places]) -> list[Diagnostic]:
    """E219 for a paragraph ``@name:`` whose name is not a declared character."""
    out: list[Diagnostic] = []
    declared = set(story.characters)
    for lang in story.languages:
        for key, text in texts.get(lang, {}).items():
            if "@" not in text or key.startswith("ui."):
                continue
            for name, row in speakers(text):
                if name in declared:
                    continue
                path, line, col = places[lang][key]
                if "\n" in text:  # a block (|) text: its lines start on the line after the key
                    line, col = line + 1 + row, 1
                out.append(Diagnostic("E219", path, line, col, f"speaker '{name}' in '{key}' is not a declared "
                                      "character", f"use a character id from 'characters:' in {MANIFEST}, or "
                                      "declare it there (with its name in every language)"
                                      + suggest(name, story.characters)))
    return out


def paragraph_count(text: str) -> int:
    """Paragraphs as the reader sees them (blank-line separated)."""
    return len(paragraphs(text))


def _classroom_diagnostics(story: m.Story, texts: Mapping[str, Mapping[str, str]],
                           places: Mapping[str, _Places]) -> list[Diagnostic]:
    """Glossary marks, cited sources, questions per chapter, and paragraphs that bilingual
    reading pairs between the languages."""
    out: list[Diagnostic] = []
    terms = story.classroom.terms
    for lang in story.languages:
        for key, text in texts.get(lang, {}).items():
            if "[[" not in text or key.startswith("ui."):
                continue
            path, line, col = places[lang][key]
            marks = term_marks(text)
            starts = {offset for _, _, offset in marks}
            for opening in TERM_OPENING_RE.finditer(text):
                offset = opening.start()
                if offset not in starts and offset - 1 not in starts:
                    snippet = text[offset:offset + 30].split("\n")[0]
                    out.append(Diagnostic("W502", path, line, col, f"'{key}' has term markup that does not parse: "
                                          f"'{snippet}'", "write [[shown text|term_id]]: no brackets or | inside, "
                                          "and an id of letters, digits and _"))
            if terms:
                for shown, tid, _ in marks:
                    if tid not in terms:
                        out.append(Diagnostic("W501", path, line, col, f"'{key}' marks '{shown}' as glossary term "
                                              f"'{tid}', which the glossary does not define",
                                              "add it to 'glossary:' in story/classroom.yaml with its texts, or use "
                                              "a defined term id" + suggest(tid, terms)))
    if story.classroom.sources:
        for note in story.notes.values():
            for file in note.sources:
                if story.classroom.source_for(file) is None:
                    path, line, col = note.pos
                    known = [s.file for s in story.classroom.sources]
                    out.append(Diagnostic("W503", path, line, col, f"note '{note.id}' cites '{file}', which the "
                                          "list of sources does not name", "correct the file name, or add it "
                                          "under 'sources:' in story/classroom.yaml" + suggest(file, known)))
    if story.classroom.questions:
        asked = {q.chapter for q in story.classroom.questions}
        for chapter in story.chapters:
            if chapter.id not in asked:
                path, line, col = chapter.pos
                out.append(Diagnostic("W504", path, line, col, f"chapter '{chapter.id}' has no reflection questions",
                                      f"add 2-3 question ids under 'questions: {chapter.id}:' in story/classroom.yaml"))
    base = story.languages[0]
    for lang in story.languages[1:]:
        for key, text in texts.get(lang, {}).items():
            if not key.endswith((".text", ".body", ".definition")) or key.startswith("ui."):
                continue
            theirs = texts.get(base, {}).get(key)
            if theirs is None:
                continue
            mine, other = paragraph_count(text), paragraph_count(theirs)
            if mine != other:
                path, line, col = places[lang][key]
                out.append(Diagnostic("W505", path, line, col, f"'{key}' has {mine} paragraph(s) in {lang} but "
                                      f"{other} in {base}", "keep one paragraph for each paragraph: reading in "
                                      "both languages pairs them in order"))
    return out


def _fmt(names: list[str]) -> str:
    return ", ".join("{" + n + "}" for n in names) if names else "none"
