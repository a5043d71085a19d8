"""Stage 2 of loading: every file's record linked into the frozen :class:`Story`.

:func:`link` puts the per-file records together (:mod:`adventure.files.story_records`, and
:func:`adventure.files.loader.parse_locale_file` for texts), resolves the references across
files -- targets, variables, notes, endings, characters, chapters, the classroom lists --
compiles conditions, and hands the locales to :func:`adventure.files.locale_links.link_locales`.
Each problem is a located :class:`Diagnostic`; nothing raises for bad input.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from adventure.core import model as m
from adventure.core.conditions import Condition, ConditionError, compile_condition
from adventure.core.diagnostics import Diagnostic, closest
from adventure.files.diagtext import diag, english, from_row
from adventure.files.locale_links import link_locales
from adventure.files.story_records import DEFAULT_LANGUAGES, MANIFEST, Record


def link(manifest: Record | None, records: list[Record],
         locales: Mapping[str, list[tuple[Record, bool]]], *, content_hash: str, draft: bool = False
         ) -> tuple[m.Story | None, m.Catalog | None, list[Diagnostic]]:
    """Stage 2: resolve references across files and build the frozen story and catalog."""
    diags: list[Diagnostic] = []

    def add(code: str, path: str, pos: tuple[int, int], msg_id: str, /, **args: object) -> None:
        diags.append(diag(code, path, pos[0], pos[1], msg_id, **args))

    for rec in ([manifest] if manifest else []) + records:
        diags.extend(english(from_row(row)) for row in rec["diags"])
    for lang_recs in locales.values():
        for rec, _ in lang_recs:
            diags.extend(english(from_row(row)) for row in rec["diags"])
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
                add("E204", rec["path"], n["pos"], "E204.note", note=n["id"], first=f"{first[0]}:{first[1]}")
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
            add("E204", rec["path"], ch["pos"], "E204.chapter", chapter=ch["id"], other=chapter_recs[ch["id"]]["path"])
            continue
        chapter_recs[ch["id"]] = rec
        if ch["id"] not in chapter_order:
            add("E213", rec["path"], ch["pos"], "E213.unlisted", chapter=ch["id"], manifest=MANIFEST,
                closest=closest(ch["id"], chapter_order))
        for sc in rec["scenes"]:
            if sc["id"] in raw_scenes:
                other = raw_scenes[sc["id"]][0]["path"]
                add("E204", rec["path"], sc["pos"], "E204.scene", scene=sc["id"], other=other)
                continue
            raw_scenes[sc["id"]] = (rec, sc)
    for cid, pos in manifest["chapters"]:
        if cid not in chapter_recs:
            add("E213", mpath, pos, "E213.no_file", chapter=cid)
    scene_ids = set(raw_scenes)

    def effects(items: list[Record], path: str) -> tuple[m.Effect, ...]:
        if not items:
            return ()
        out = []
        for e in items:
            op, target, pos = m.Op(e["op"]), e["target"], e["pos"]
            if op is m.Op.NOTE:
                if target not in notes:
                    add("E208", path, pos, "E208", note=target, closest=closest(target, notes))
                    continue
            elif op is m.Op.END:
                if target not in endings:
                    add("E209", path, pos, "E209", ending=target, manifest=MANIFEST, closest=closest(target, endings))
                    continue
            elif op.on_variable:
                kind = kinds.get(target)
                if kind is None:
                    add("E206", path, pos, "E206", variable=target, manifest=MANIFEST, closest=closest(target, kinds))
                    continue
                if op in (m.Op.ADD, m.Op.SUB) and kind != "counter":
                    add("E214", path, pos, "E214.counter", op=op, variable=target)
                    continue
                if op is m.Op.SET and (kind == "flag") != isinstance(e["value"], bool):
                    add("E214", path, pos, "E214.flag" if kind == "flag" else "E214.set_counter", variable=target,
                        value=repr(e["value"]))
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
            add("E210", path, sc["witness_pos"], "E210", character=sc["witness"], manifest=MANIFEST,
                closest=closest(sc["witness"], characters))
        if sc["ending"] is not None and sc["ending"] not in endings:
            add("E209", path, sc["ending_pos"], "E209", ending=sc["ending"], manifest=MANIFEST,
                closest=closest(sc["ending"], endings))
        choices = []
        for ch in sc["choices"]:
            if ch["to"] is not None and ch["to"] not in scene_ids:
                add("E205", path, ch["to_pos"], "E205", choice=ch["id"], target=ch["to"], closest=closest(ch["to"], scene_ids))
            cond = None
            if ch["when"] is not None:
                try:
                    cond = compiled.get(ch["when"])  # the same condition text is often written many times
                    if cond is None:
                        cond = compiled[ch["when"]] = compile_condition(ch["when"], variables=kinds, scenes=scene_ids)
                except ConditionError as exc:
                    line, col = ch["when_pos"]
                    col += exc.col - 1 + (0 if ch.get("when_plain") else 1)  # quoted: skip the quote
                    add(exc.code, path, (line, col), "cond." + exc.key, condition=ch["when"], **exc.subs)
            choices.append(m.Choice(ch["id"], ch["to"], cond, ch["once"], effects(ch["effects"], path),
                                    (path, *ch["pos"]), f"{sid}.{ch['id']}"))
        if not choices and sc["ending"] is None:
            add("E211", path, sc["pos"], "E211", scene=sid)
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
            add("E212", crec["path"], ch["start_pos"], "E212.chapter", scene=ch["start"],
                closest=closest(ch["start"], scene_ids))
            start = None
        if start is None:
            continue
        chapters.append(m.Chapter(cid, start, ch["date"], (crec["path"], *ch["pos"])))
    if info["start"] not in scene_ids:
        add("E212", mpath, info["start_pos"], "E212.story", scene=info["start"], closest=closest(info["start"], scene_ids))

    classroom = link_classroom(records, chapter_order, add)

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
    catalog, cat_diags = link_locales(story, locales, manifest, draft=draft)
    diags.extend(cat_diags)
    return story, catalog, diags


def link_classroom(records: list[Record], chapter_order: list[str], add: Any) -> m.Classroom:
    """Questions, glossary terms and sources from every story file, checked against the chapters."""
    questions: dict[str, m.Question] = {}
    terms: dict[str, m.Term] = {}
    sources: dict[str, m.Source] = {}
    for rec in records:
        path = rec["path"]
        for q in rec.get("questions", []):
            if q["chapter"] not in chapter_order:
                add("E501", path, q["chapter_pos"], "E501", chapter=q["chapter"], manifest=MANIFEST,
                    closest=closest(q["chapter"], chapter_order))
                continue
            if q["id"] in questions:
                first = questions[q["id"]].pos
                add("E204", path, q["pos"], "E204.question", question=q["id"], first=f"{first[0]}:{first[1]}")
                continue
            questions[q["id"]] = m.Question(q["id"], q["chapter"], (path, *q["pos"]))
        for t in rec.get("glossary", []):
            if t["id"] in terms:
                first = terms[t["id"]].pos
                add("E204", path, t["pos"], "E204.term", term=t["id"], first=f"{first[0]}:{first[1]}")
                continue
            terms[t["id"]] = m.Term(t["id"], (path, *t["pos"]))
        for src in rec.get("sources", []):
            if src["file"] in sources or any(s.id == src["id"] for s in sources.values()):
                add("E204", path, src["pos"], "E204.source", file=src["file"], id=src["id"])
                continue
            sources[src["file"]] = m.Source(src["id"], src["file"], (path, *src["pos"]))
    order = {cid: i for i, cid in enumerate(chapter_order)}
    ordered = sorted(questions.values(), key=lambda q: order[q.chapter])  # stable: file order inside a chapter
    return m.Classroom(tuple(ordered), MappingProxyType(terms), tuple(sources.values()))
