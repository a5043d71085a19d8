"""Stage 1 of loading, for story files: one ``story/*.yaml`` file to a plain record.

:func:`parse_story_file` validates the manifest (``story.yaml``) or a chapter file (scenes,
choices, effects, notes, classroom lists) field by field into dicts, lists, strings, ints and
tuples that depend on nothing but the file's bytes, so the parsed-story cache can keep them
per file. Nothing here looks across files: that is the link (:mod:`adventure.files.linking`).

    >>> rec = parse_story_file(b"chapter: one\\nscenes:\\n  a: {ending: e}\\n", "one.yaml", manifest=False)
    >>> rec["chapter"]["id"], [s["id"] for s in rec["scenes"]], rec["diags"]
    ('one', ['a'], [])
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from adventure.core import model as m
from adventure.core.diagnostics import Diagnostic, Phrase, closest
from adventure.core.model import LANG_CODE_RE
from adventure.files.diagtext import phrase
from adventure.files.schema import STORY_ID_RE, Checker
from adventure.files.yamlread import Map, Node, Scalar, read_yaml_bytes, where

MANIFEST = "story.yaml"
#: The language of a manifest that lists none. Which languages a story has is its manifest's
#: business: a new one is locale files and one line there, no code.
DEFAULT_LANGUAGES = ("en",)
EFFECT_OPS = tuple(op.value for op in m.Op)

Record = dict[str, Any]


def diag_rows(diags: Iterable[Diagnostic]) -> list[tuple[object, ...]]:
    """Diagnostics as the plain rows a record (and the cache) keeps (see ``diagtext.from_row``)."""
    return [tuple(d) for d in diags]


def parse_story_file(data: bytes, path: str, *, manifest: bool) -> Record:
    """Validate one story file into a plain record (no cross-file checks)."""
    tree, read_diags = read_yaml_bytes(data, path)
    chk = Checker(path)
    rec: Record = {"path": path, "manifest": manifest, "scenes": [], "notes": [], "chapter": None,
                   "questions": [], "glossary": [], "sources": []}
    root = chk.mapping(tree, phrase("what.file")) if tree is not None else None
    if root is not None:
        if manifest:
            _parse_manifest(root, chk, rec)
        else:
            _parse_chapter_file(root, chk, rec)
    rec["diags"] = diag_rows(read_diags + chk.diags)
    return rec


def _parse_manifest(root: Map, chk: Checker, rec: Record) -> None:
    chk.fields(root, ("story", "chapters", "variables", "endings", "characters", "notes"),
               ("story", "chapters"), phrase("what.manifest"))
    info = chk.mapping(root.get("story"), "\'story\'")
    story: Record = {"pos": where(root)}
    if info is not None:
        chk.fields(info, ("id", "title", "start", "languages", "siege_start", "content_note"),
                   ("id", "title", "start", "languages"), "\'story\'")
        sid = chk.text(info.get("id"), phrase("what.story_id"))
        if sid is not None and not STORY_ID_RE.match(sid):
            chk.add("E203", info["id"], "E203.story_id", id=sid)
            sid = None
        story["id"] = sid
        story["title"] = chk.text(info.get("title"), phrase("what.title_key"))
        story["content_note"] = chk.text(info.get("content_note"), phrase("what.content_note_key"))
        story["start"] = chk.ident(info.get("start"), phrase("what.start_scene"))
        story["start_pos"] = where(info.get("start", info))
        story["siege_start"] = chk.date(info.get("siege_start"), "siege_start")
        langs = []
        for lang, pos in chk.id_list(info.get("languages"), phrase("what.language")):
            if not LANG_CODE_RE.match(lang):
                chk.add("E218", pos, "E218", lang=lang)
            elif lang in langs:
                chk.add("E204", pos, "E204.language", lang=lang)
            else:
                langs.append(lang)
        story["languages"] = langs
    rec["story"] = story
    rec["chapters"] = _id_decls(chk, root.get("chapters"), phrase("what.a_chapter"))
    rec["endings"] = _id_decls(chk, root.get("endings"), phrase("what.an_ending"))
    rec["characters"] = _id_decls(chk, root.get("characters"), phrase("what.a_character"))
    variables = []
    vars_node = chk.mapping(root.get("variables"), "\'variables\'") if "variables" in root else None
    if vars_node is not None:
        for name, node in vars_node.items():
            pos = vars_node.keypos[name]
            if not chk.key_ident(name, pos, phrase("what.variable")):
                continue
            value = chk.value(node, phrase("what.initial_value", name=name))
            if value is None:
                continue
            kind = "flag" if isinstance(value, bool) else "counter"
            variables.append({"name": name, "kind": kind, "initial": value, "pos": pos})
    rec["variables"] = variables
    if "notes" in root:
        _parse_notes(root["notes"], chk, rec)


def _id_decls(chk: Checker, node: Node | None, what: Phrase | str) -> list[tuple[str, tuple[int, int]]]:
    seen: dict[str, tuple[int, int]] = {}
    out = []
    for value, pos in chk.id_list(node, what):
        if value in seen:
            chk.add("E204", pos, "E204.declared", what=what, value=value, line=seen[value][0])
            continue
        seen[value] = pos
        out.append((value, pos))
    return out


def _parse_chapter_file(root: Map, chk: Checker, rec: Record) -> None:
    chk.fields(root, ("chapter", "date", "start", "scenes", "notes") + CLASSROOM_FIELDS, (), phrase("what.story_file"))
    _parse_classroom(root, chk, rec)
    if "scenes" in root and "chapter" not in root:
        chk.add("E201", root, "E201.chapter")
    if "chapter" in root:
        cid = chk.ident(root.get("chapter"), phrase("what.chapter_id"))
        if cid is not None:
            rec["chapter"] = {
                "id": cid,
                "pos": where(root["chapter"]),
                "date": chk.date(root.get("date"), phrase("what.chapter_date")),
                "start": chk.ident(root.get("start"), phrase("what.chapter_start")),
                "start_pos": where(root.get("start", root)),
            }
    scenes = chk.mapping(root.get("scenes"), "\'scenes\'") if "scenes" in root else None
    if scenes is not None:
        for sid, node in scenes.items():
            pos = scenes.keypos[sid]
            if not chk.key_ident(sid, pos, phrase("what.scene_id")):
                continue
            scene = _parse_scene(sid, pos, node, chk)
            if scene is not None:
                rec["scenes"].append(scene)
    if "notes" in root:
        _parse_notes(root["notes"], chk, rec)


_SCENE_FIELDS = ("date", "witness", "effects", "choices", "ending")
_CHOICE_FIELDS = ("to", "when", "once", "effects")


def _parse_scene(sid: str, pos: tuple[int, int], node: Node, chk: Checker) -> Record | None:
    body = chk.mapping(node, phrase("what.scene", id=sid))
    if body is None:
        return None
    chk.fields(body, _SCENE_FIELDS, (), phrase("what.scene", id=sid))
    scene: Record = {
        "id": sid,
        "pos": pos,
        "date": chk.date(body.get("date"), phrase("what.scene_date")),
        "witness": chk.ident(body.get("witness"), phrase("what.witness")),
        "witness_pos": where(body.get("witness", body)),
        "ending": chk.ident(body.get("ending"), phrase("what.ending")),
        "ending_pos": where(body.get("ending", body)),
        "effects": _parse_effects(body.get("effects"), chk, phrase("what.scene", id=sid)),
        "choices": [],
    }
    choices = chk.mapping(body.get("choices"), phrase("what.choices_of", scene=sid)) if "choices" in body else None
    if choices is not None:
        for cid, cnode in choices.items():
            cpos = choices.keypos[cid]
            if not chk.key_ident(cid, cpos, phrase("what.choice_id")):
                continue
            choice = _parse_choice(sid, cid, cpos, cnode, chk)
            if choice is not None:
                scene["choices"].append(choice)
    if scene["ending"] is not None and scene["choices"]:
        chk.add("E202", body["choices"], "E202.ending_choices", scene=sid)
    return scene


def _parse_choice(sid: str, cid: str, pos: tuple[int, int], node: Node, chk: Checker) -> Record | None:
    what = phrase("what.choice", choice=cid, scene=sid)
    if isinstance(node, Scalar):  # shorthand: `go: next_scene`
        target = chk.ident(node, phrase("what.target_of", what=what))
        return {"id": cid, "pos": pos, "to": target, "to_pos": where(node), "when": None,
                "when_pos": pos, "once": False, "effects": []}
    body = chk.mapping(node, what)
    if body is None:
        return None
    chk.fields(body, _CHOICE_FIELDS, (), what)
    effects = _parse_effects(body.get("effects"), chk, what)
    ends = any(e["op"] == "end" for e in effects)
    if "to" not in body and not ends:
        chk.add("E201", pos, "E201.to", what=what)
    once = chk.boolean(body.get("once"), "\'once\'") if "once" in body else False
    return {
        "id": cid,
        "pos": pos,
        "to": chk.ident(body.get("to"), phrase("what.target_of", what=what)),
        "to_pos": where(body.get("to", body)),
        "when": chk.text(body.get("when"), phrase("what.condition")),
        "when_pos": where(body.get("when", body)),
        "when_plain": isinstance(body.get("when"), Scalar) and body["when"].plain,
        "once": bool(once),
        "effects": effects,
    }


def _parse_effects(node: Node | None, chk: Checker, what: Phrase | str) -> list[Record]:
    out: list[Record] = []
    items = chk.sequence(node, phrase("what.effects_of", what=what)) if node is not None else None
    for item in items or []:
        body = chk.mapping(item, phrase("what.effect"))
        if body is None:
            continue
        if len(body) != 1:
            chk.add("E202", body, "E202.effect_line")
            continue
        op, value = next(iter(body.items()))
        opos = body.keypos[op]
        if op not in EFFECT_OPS:
            chk.add("E200", opos, "E200.effect", op=op, ops=", ".join(EFFECT_OPS), closest=closest(op, EFFECT_OPS))
            continue
        if op in ("note", "end"):
            target = chk.ident(value, phrase("what.op_id", op=op))
            if target is not None:
                out.append({"op": op, "target": target, "value": None, "pos": where(value)})
            continue
        assigns = chk.mapping(value, f"'{op}'")
        if assigns is None:
            continue
        for name, vnode in assigns.items():
            npos = assigns.keypos[name]
            if not chk.key_ident(name, npos, phrase("what.variable")):
                continue
            val = chk.value(vnode, phrase("what.value_for", name=name)) if op == "set" \
                else chk.integer(vnode, phrase("what.amount_for", name=name))
            if val is not None:
                out.append({"op": op, "target": name, "value": val, "pos": npos})
    return out


def _parse_notes(node: Node, chk: Checker, rec: Record) -> None:
    notes = chk.mapping(node, "\'notes\'")
    if notes is None:
        return
    for nid, body_node in notes.items():
        pos = notes.keypos[nid]
        if not chk.key_ident(nid, pos, phrase("what.note_id")):
            continue
        body = chk.mapping(body_node, phrase("what.note", id=nid))
        if body is None:
            continue
        chk.fields(body, ("sources", "date", "category"), ("sources",), phrase("what.note", id=nid))
        sources = []
        src_node = chk.sequence(body.get("sources"), "\'sources\'") if "sources" in body else None
        for item in src_node or []:
            text = chk.text(item, phrase("what.source"))
            if text is not None:
                sources.append(text)
        if src_node is not None and not sources:
            chk.add("E201", body["sources"], "E201.sources", note=nid)
        rec["notes"].append({
            "id": nid, "pos": pos, "sources": sources,
            "date": chk.date(body.get("date"), phrase("what.note_date")),
            "category": chk.ident(body.get("category"), phrase("what.category")),
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
    questions = chk.mapping(root.get("questions"), "\'questions\'") if "questions" in root else None
    for chapter, node in (questions or {}).items():
        cpos = questions.keypos[chapter]  # type: ignore[union-attr]
        if not chk.key_ident(chapter, cpos, phrase("what.chapter_id_bare")):
            continue
        for qid, qpos in chk.id_list(node, phrase("what.question_id")):
            rec["questions"].append({"id": qid, "chapter": chapter, "pos": qpos, "chapter_pos": cpos})
    if "glossary" in root:
        rec["glossary"] = [{"id": tid, "pos": tpos} for tid, tpos in chk.id_list(root["glossary"], phrase("what.term_id"))]
    sources = chk.mapping(root.get("sources"), "\'sources\'") if "sources" in root else None
    for file, node in (sources or {}).items():
        sid = chk.ident(node, phrase("what.source_id_of", file=file))
        if sid is not None:
            rec["sources"].append({"file": file, "id": sid, "pos": sources.keypos[file]})  # type: ignore[union-attr]
