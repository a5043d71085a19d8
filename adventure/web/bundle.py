"""Compile a loaded story and its catalog into the browser's data bundle (plain JSON).

Nothing in the bundle needs parsing in the browser:

* a condition is a syntax tree: ``["and", ["v", "f"], [">", ["v", "n"], ["n", 2]]]``
  (``v`` variable, ``n`` number, ``b`` true/false, ``s`` visits of a scene, ``not``, ``and``,
  ``or`` and the six comparisons);
* an effect is ``[op, target, value]`` exactly as the engine applies it;
* a text is a list of paragraphs ``[kind, speaker name or null, spans]``; a span is
  ``[style, parts]`` or, for a glossary term, ``["term", parts, term_id]``; ``parts`` is a
  string, or a list of strings and ``{"v": name}`` placeholders the runtime fills from the
  state (flags shown as the language's yes/no), as :func:`adventure.i18n.fill` does.

The condition parser gives closures, not trees (issue 11 will give it an AST), so
:func:`condition_tree` re-reads a condition the loader has already accepted with the
parser's own tokenizer and the same grammar; the differential test
(tests/test_web_runtime.py) checks both evaluate alike::

    >>> condition_tree('rounds > 2 and not visited("pro_city")')
    ['and', ['>', ['v', 'rounds'], ['n', 2]], ['not', ['s', 'pro_city']]]
"""

from __future__ import annotations

import re
from typing import Any

from .. import model as m
from ..conditions import _tokenize
from ..i18n import Texts
from ..render import TERM_RE, source_names, speaker_name, split_blocks

BUNDLE_FORMAT = "hengyang-web-bundle"
BUNDLE_VERSION = 1
UI_PREFIXES = ("ui.web.", "ui.report.", "ui.classroom.")
UI_KEYS = ("ui.yes", "ui.no", "ui.content_note_heading", "ui.notes_progress", "ui.note_sources")
_FILL_RE = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}")
_COMPARE = ("==", "!=", "<", "<=", ">", ">=")

Tree = list[Any]


# -- conditions ----------------------------------------------------------------------------

class _TreeParser:
    """The grammar of :mod:`adventure.conditions`, building a tree instead of closures."""

    def __init__(self, source: str) -> None:
        self.tokens = _tokenize(source)
        self.i = 0

    def peek(self) -> tuple[str, str, int]:
        return self.tokens[self.i]

    def take(self) -> tuple[str, str, int]:
        self.i += 1
        return self.tokens[self.i - 1]

    def keyword(self, word: str) -> bool:
        kind, value, _ = self.peek()
        return kind == "name" and value == word

    def parse_or(self) -> Tree:
        left = self.parse_and()
        while self.keyword("or"):
            self.take()
            left = ["or", left, self.parse_and()]
        return left

    def parse_and(self) -> Tree:
        left = self.parse_not()
        while self.keyword("and"):
            self.take()
            left = ["and", left, self.parse_not()]
        return left

    def parse_not(self) -> Tree:
        if self.keyword("not"):
            self.take()
            return ["not", self.parse_not()]
        left = self.parse_atom()
        kind, op, _ = self.peek()
        if kind == "op" and op in _COMPARE:
            self.take()
            return [op, left, self.parse_atom()]
        return left

    def parse_atom(self) -> Tree:
        kind, value, col = self.take()
        if kind == "num":
            return ["n", int(value)]
        if kind == "op" and value == "-":
            return ["n", -int(self.take()[1])]
        if kind == "op" and value == "(":
            inner = self.parse_or()
            self.take()  # ")"
            return inner
        if kind == "name" and value in ("true", "false"):
            return ["b", value == "true"]
        if kind == "name" and value == "visited":
            self.take()  # "("
            scene = self.take()[1][1:-1]
            self.take()  # ")"
            return ["s", scene]
        if kind == "name":
            return ["v", value]
        raise ValueError(f"condition not accepted by the loader: unexpected '{value}' at column {col}")


def condition_tree(source: str) -> Tree:
    """The syntax tree of a condition the loader accepted (see the module docstring)."""
    parser = _TreeParser(source)
    tree = parser.parse_or()
    if parser.peek()[0] != "end":
        raise ValueError(f"condition not accepted by the loader: {source!r}")
    return tree


def effects(items: tuple[m.Effect, ...]) -> list[list[Any]]:
    return [[e.op, e.target, e.value] for e in items]


# -- text ----------------------------------------------------------------------------------

def parts(text: str, names: frozenset[str] | set[str]) -> str | list[Any]:
    """Text with ``{name}`` placeholders (for names in ``names``) as tokens; ``{{``/``}}``
    become braces, as :func:`adventure.i18n.fill` does.

    >>> parts("{n} of {{x}} {other}", {"n"})
    [{'v': 'n'}, ' of {x} {other}']
    """
    if "{" not in text and "}" not in text:
        return text
    out: list[Any] = []
    buf: list[str] = []
    pos = 0
    for mt in _FILL_RE.finditer(text):
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
    """Text split on glossary marks, as :func:`adventure.render.term_spans` does."""
    out: list[list[Any]] = []
    pos = 0
    for mt in TERM_RE.finditer(text):
        if mt.start() > pos:
            out.append([style, parts(text[pos:mt.start()], names)])
        out.append(["term", parts(mt.group(1), names), mt.group(2) or mt.group(1)])
        pos = mt.end()
    if pos < len(text) or not out:
        out.append([style, parts(text[pos:], names)])
    return out


def paragraphs(raw: str, texts: Texts, names: frozenset[str] | set[str] = frozenset(), *,
               kind: str = "text") -> list[list[Any]]:
    """Marked-up text as paragraphs ``[kind, speaker, spans]`` (see :mod:`adventure.render`)."""
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
    return TERM_RE.sub(lambda mt: mt.group(1), parts_text(text))


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
                         "choices": [[c.id, c.to, condition_tree(c.when.source) if c.when else None,
                                      c.once, effects(c.effects)] for c in s.choices]}
                   for sid, s in story.scenes.items()},
        "notes": list(story.notes),
        "endings": list(story.endings),
        "questions": [[q.id, q.chapter] for q in story.classroom.questions],
        "terms": list(story.classroom.terms),
        "text": {lang: _language(story, catalog, lang) for lang in story.languages},
    }
