"""Compile a loaded story and its catalog into the browser's data bundle (plain JSON).

Nothing in the bundle needs parsing in the browser:

* a condition is a syntax tree: ``["and", ["v", "f"], [">", ["v", "n"], ["n", 2]]]``
  (``v`` variable, ``n`` number, ``b`` true/false, ``s`` visits of a scene, ``not``, ``and``,
  ``or`` and the six comparisons);
* an effect is ``[op, target, value]`` exactly as the engine applies it;
* a text is a list of paragraphs ``[kind, speaker name or null, spans]``; a span is
  ``[style, parts]`` or, for a glossary term, ``["term", parts, term_id]``; ``parts`` is a
  string, or a list of strings and ``{"v": name}`` placeholders the runtime fills from the
  state (flags shown as the language's yes/no), as :func:`adventure.text.catalog.fill` does.

A condition's tree is the condition parser's own syntax tree (:mod:`adventure.core.conditions`),
written as lists; the differential test (tests/test_web_runtime.py) checks both evaluate alike::

    >>> from adventure.core.conditions import compile_condition
    >>> condition_tree(compile_condition('rounds > 2 and not visited("pro_city")',
    ...                                  variables={"rounds": "counter"}, scenes={"pro_city"}))
    ['and', ['>', ['v', 'rounds'], ['n', 2]], ['not', ['s', 'pro_city']]]
"""

from __future__ import annotations

from typing import Any

from adventure.core import conditions as cnd
from adventure.core import model as m
from adventure.text.catalog import Texts
from adventure.text.markup import FILL_RE, TERM_MARK_RE
from adventure.text.render import source_names, speaker_name, split_blocks

BUNDLE_FORMAT = "hengyang-web-bundle"
BUNDLE_VERSION = 1
UI_PREFIXES = ("ui.web.", "ui.report.", "ui.classroom.")
UI_KEYS = ("ui.yes", "ui.no", "ui.content_note_heading", "ui.notes_progress", "ui.note_sources", "ui.load_scene_moved",
           "ui.speaker_separator")

Tree = list[Any]


# -- conditions ----------------------------------------------------------------------------

def tree_json(node: cnd.Node) -> Tree:
    """The condition parser's syntax tree as the bundle's JSON lists (see the module docstring)."""
    if isinstance(node, cnd.Num):
        return ["n", node.value]
    if isinstance(node, cnd.Bool):
        return ["b", node.value]
    if isinstance(node, cnd.Var):
        return ["v", node.name]
    if isinstance(node, cnd.Visited):
        return ["s", node.scene]
    if isinstance(node, cnd.Not):
        return ["not", tree_json(node.operand)]
    if isinstance(node, cnd.And):
        return ["and", tree_json(node.left), tree_json(node.right)]
    if isinstance(node, cnd.Or):
        return ["or", tree_json(node.left), tree_json(node.right)]
    if isinstance(node, cnd.Compare):
        return [node.op, tree_json(node.left), tree_json(node.right)]
    raise TypeError(f"not a condition node: {node!r}")


def condition_tree(when: cnd.Condition) -> Tree:
    """The bundle's tree of a condition the loader compiled."""
    if when.tree is None:
        raise ValueError(f"condition without a syntax tree: {when.source!r}")
    return tree_json(when.tree)


def effects(items: tuple[m.Effect, ...]) -> list[list[Any]]:
    return [[e.op, e.target, e.value] for e in items]


# -- text ----------------------------------------------------------------------------------

def parts(text: str, names: frozenset[str] | set[str]) -> str | list[Any]:
    """Text with ``{name}`` placeholders (for names in ``names``) as tokens; ``{{``/``}}``
    become braces, as :func:`adventure.text.catalog.fill` does.

    >>> parts("{n} of {{x}} {other}", {"n"})
    [{'v': 'n'}, ' of {x} {other}']
    """
    if "{" not in text and "}" not in text:
        return text
    out: list[Any] = []
    buf: list[str] = []
    pos = 0
    for mt in FILL_RE.finditer(text):
        buf.append(text[pos:mt.start()])
        whole, name = mt.group(0), mt.group(1)
        if whole in ("{{", "}}"):
            buf.append(whole[0])
        elif name in names:
            if "".join(buf):
                out.append("".join(buf))
            buf = []
            out.append({"v": name})
        else:
            buf.append(whole)
        pos = mt.end()
    buf.append(text[pos:])
    if "".join(buf):
        out.append("".join(buf))
    if len(out) == 1 and isinstance(out[0], str):
        return out[0]
    return out


def spans(style: str, text: str, names: frozenset[str] | set[str]) -> list[list[Any]]:
    """Text split on glossary marks, as :func:`adventure.text.render.term_spans` does."""
    out: list[list[Any]] = []
    pos = 0
    for mt in TERM_MARK_RE.finditer(text):
        if mt.start() > pos:
            out.append([style, parts(text[pos:mt.start()], names)])
        out.append(["term", parts(mt.group(1), names), mt.group(2) or mt.group(1)])
        pos = mt.end()
    if pos < len(text) or not out:
        out.append([style, parts(text[pos:], names)])
    return out


def paragraphs(raw: str, texts: Texts, names: frozenset[str] | set[str] = frozenset(), *,
               kind: str = "text") -> list[list[Any]]:
    """Marked-up text as paragraphs ``[kind, speaker, spans]`` (see :mod:`adventure.text.render`)."""
    out: list[list[Any]] = []
    for block_kind, speaker, body in split_blocks(raw):
        if block_kind == "quote":
            out.append(["quote", None, spans("quote", body, names)])
        elif block_kind == "speech" and speaker is not None:
            out.append(["speech", speaker_name(texts, speaker), spans("text", body, names)])
        else:
            out.append([kind, None, spans(kind, body, names)])
    return out


def plain(text: str) -> str:
    """Text without its glossary marks (as reports show it)."""
    return TERM_MARK_RE.sub(lambda mt: mt.group(1), parts_text(text))


def parts_text(text: str) -> str:
    result = parts(text, frozenset())
    return result if isinstance(result, str) else "".join(result)


def _language(story: m.Story, catalog: m.Catalog, lang: str) -> dict[str, Any]:
    t = Texts(catalog, lang)
    names = frozenset(story.variables)
    table = {**catalog.texts.get(story.languages[0], {}), **catalog.texts.get(lang, {})}
    ui = {k: v for k, v in table.items() if k.startswith(UI_PREFIXES) or k in UI_KEYS}

    def text(key: str, *, subs: bool = False, kind: str = "text") -> list[list[Any]]:
        return paragraphs(t.raw(key), t, names if subs else frozenset(), kind=kind)

    def opt(key: str) -> str | None:
        return plain(t.raw(key)) if t.has(key) else None

    scenes = {}
    for sid, scene in story.scenes.items():
        scenes[sid] = [plain(t.raw(m.scene_title_key(sid))), t.date(scene.date, story.siege_start),
                       opt(m.scene_credit_key(sid)), text(m.scene_text_key(sid), subs=True),
                       {c.id: parts(t.raw(m.choice_key(sid, c.id)), names) for c in scene.choices}]
    classroom = story.classroom
    return {
        "title": plain(t.raw(story.title_key)),
        "subtitle": opt("story.subtitle"),
        "content_note": text("story.content_note", kind="note") if t.has("story.content_note") else None,
        "ui": ui,
        "chapters": {c.id: plain(t.raw(m.chapter_title_key(c.id))) for c in story.chapters},
        "scenes": scenes,
        "notes": {nid: [plain(t.raw(m.note_title_key(nid))), t.date(note.date, story.siege_start),
                        text(m.note_body_key(nid)), source_names(story, t, note.sources)]
                  for nid, note in story.notes.items()},
        "endings": {eid: [plain(t.raw(m.ending_title_key(eid))), text(m.ending_text_key(eid), subs=True)]
                    for eid in story.endings},
        "questions": {q.id: [text(m.question_text_key(q.id)), plain(t.raw(m.question_text_key(q.id))),
                             opt(m.question_hint_key(q.id))] for q in classroom.questions},
        "terms": {tid: [plain(t.raw(m.term_word_key(tid))), text(m.term_definition_key(tid))]
                  for tid in classroom.terms},
    }


def build_bundle(story: m.Story, catalog: m.Catalog) -> dict[str, Any]:
    """The whole story as plain JSON data for the browser runtime."""
    return {
        "format": BUNDLE_FORMAT,
        "version": BUNDLE_VERSION,
        "story": {"id": story.id, "hash": story.hash, "start": story.start, "languages": list(story.languages)},
        "vars": [[name, var.initial] for name, var in story.variables.items()],
        "chapters": [[c.id, c.start] for c in story.chapters],
        "scenes": {sid: {"chapter": s.chapter, "effects": effects(s.effects), "ending": s.ending,
                         "choices": [[c.id, c.to, condition_tree(c.when) if c.when else None,
                                      c.once, effects(c.effects)] for c in s.choices]}
                   for sid, s in story.scenes.items()},
        "notes": list(story.notes),
        "endings": list(story.endings),
        "questions": [[q.id, q.chapter] for q in story.classroom.questions],
        "terms": list(story.classroom.terms),
        "text": {lang: _language(story, catalog, lang) for lang in story.languages},
    }
