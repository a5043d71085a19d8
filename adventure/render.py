"""From the story, a state and a language to styled paragraphs. No I/O.

A :class:`Para` is one paragraph: a kind (which decides layout and style), styled spans, and
an optional hanging prefix (``"  1. "`` for a choice). The shells wrap paragraphs to the
terminal width and map styles to colours, or drop them in plain mode.

Scene text is light markup written by writers in the locale files:

* paragraphs are separated by a blank line; single line breaks inside one are joined;
* a paragraph starting ``> `` is quoted testimony;
* a paragraph starting ``@character_id:`` is spoken by that character (name styled);
* ``{variable}`` placeholders are filled from the state;
* ``[[shown text|term_id]]`` (or ``[[term_id]]``) marks a glossary term: the shown text is
  styled as a term.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import NamedTuple

from . import model as m
from .engine import State, available
from .i18n import Texts, fill

_SPEAKER_RE = re.compile(r"@([A-Za-z][A-Za-z0-9_]*):\s*")
TERM_RE = re.compile(r"\[\[([^\[\]|]+?)(?:\|([A-Za-z][A-Za-z0-9_]*))?\]\]")


class Para(NamedTuple):
    kind: str
    spans: tuple[tuple[str, str], ...]
    prefix: str = ""

    @property
    def text(self) -> str:
        return self.prefix + "".join(t for _, t in self.spans)


def para(kind: str, text: str, prefix: str = "") -> Para:
    return Para(kind, ((kind, text),), prefix)


BLANK = Para("blank", ())


def subs_for(texts: Texts, state: State) -> dict[str, object]:
    """Placeholder values from the state (flags shown as localised yes/no)."""
    yes, no = texts("ui.yes"), texts("ui.no")
    return {k: (yes if v else no) if isinstance(v, bool) else v for k, v in state.vars.items()}


def text_paras(raw: str, texts: Texts, subs: Mapping[str, object], *, kind: str = "text") -> list[Para]:
    """Split marked-up text into paragraphs."""
    out: list[Para] = []
    for block in re.split(r"\n\s*\n", raw.strip()):
        lines = [ln.strip() for ln in block.strip().splitlines()]
        if not lines:
            continue
        if lines[0].startswith(">"):
            body = " ".join(ln[1:].strip() if ln.startswith(">") else ln for ln in lines)
            out.append(Para("quote", term_spans("quote", fill(body, subs)), "  "))
            continue
        body = " ".join(lines)
        sm = _SPEAKER_RE.match(body)
        if sm:
            key = m.character_name_key(sm.group(1))
            name = texts(key) if texts.has(key) else sm.group(1)
            out.append(Para("speech", (("speaker", name + ": "),) + term_spans("text", fill(body[sm.end():], subs))))
            continue
        out.append(Para(kind, term_spans(kind, fill(body, subs))))
    spaced: list[Para] = []
    for p in out:  # a blank line between paragraphs
        if spaced:
            spaced.append(BLANK)
        spaced.append(p)
    return spaced


def term_spans(style: str, text: str) -> tuple[tuple[str, str], ...]:
    """Split text on ``[[shown|term_id]]`` marks: terms get the "term" style.

    >>> term_spans("text", "the [[pillboxes|pillbox]], and")
    (('text', 'the '), ('term', 'pillboxes'), ('text', ', and'))
    """
    if "[[" not in text:
        return ((style, text),)
    spans: list[tuple[str, str]] = []
    pos = 0
    for mt in TERM_RE.finditer(text):
        if mt.start() > pos:
            spans.append((style, text[pos:mt.start()]))
        spans.append(("term", mt.group(1)))
        pos = mt.end()
    if pos < len(text):
        spans.append((style, text[pos:]))
    return tuple(spans)


def title_screen(story: m.Story, texts: Texts, content_note_key: str | None) -> list[Para]:
    out = [para("title", texts(story.title_key))]
    if texts.has("story.subtitle"):
        out.append(para("meta", texts("story.subtitle")))
    out.append(BLANK)
    if content_note_key:
        out.append(para("heading", texts("ui.content_note_heading")))
        out.extend(text_paras(texts.raw(content_note_key), texts, {}, kind="note"))
        out.append(BLANK)
    return out


def chapter_banner(story: m.Story, texts: Texts, chapter_id: str) -> list[Para]:
    return [para("chapter", texts(m.chapter_title_key(chapter_id))), BLANK]


def scene_paras(story: m.Story, texts: Texts, state: State, *, banner: bool = False,
                between: list[Para] | None = None) -> list[Para]:
    """The current scene: heading, date, credit, text, then ``between`` (e.g. notes just
    unlocked), then an ending or the choices."""
    scene = story.scenes[state.scene]
    out: list[Para] = []
    if banner:
        out.extend(chapter_banner(story, texts, scene.chapter))
    out.append(para("heading", texts(m.scene_title_key(scene.id))))
    date = texts.date(scene.date, story.siege_start)
    if date:
        out.append(para("meta", date))
    credit = m.scene_credit_key(scene.id)
    if texts.has(credit):
        out.append(para("credit", texts(credit)))
    out.append(BLANK)
    subs = subs_for(texts, state)
    out.extend(text_paras(texts.raw(m.scene_text_key(scene.id)), texts, subs))
    out.append(BLANK)
    if between:
        out.extend(between)
        out.append(BLANK)
    out.extend(after_text(story, texts, state))
    return out


def after_text(story: m.Story, texts: Texts, state: State) -> list[Para]:
    """The ending block, or the numbered choices, or a message that the way is blocked."""
    if state.ending is not None:
        return ending_paras(story, texts, state)
    choices = available(story, state)
    if not choices:
        return [para("error", texts("ui.stuck"))]
    return choice_paras(story, texts, state, choices)


def choice_paras(story: m.Story, texts: Texts, state: State, choices: tuple[m.Choice, ...]) -> list[Para]:
    subs = subs_for(texts, state)
    return [Para("choice", (("choice", fill(texts.raw(m.choice_key(state.scene, c.id)), subs)),),
                 f"{i:>3}. ") for i, c in enumerate(choices, 1)]


def ending_paras(story: m.Story, texts: Texts, state: State) -> list[Para]:
    assert state.ending is not None
    subs = subs_for(texts, state)
    out = [para("ending", texts(m.ending_title_key(state.ending))), BLANK]
    out.extend(text_paras(texts.raw(m.ending_text_key(state.ending)), texts, subs))
    out.append(BLANK)
    out.append(para("meta", texts("ui.notes_progress", n=len(state.notes), total=len(story.notes))))
    out.append(para("message", texts("ui.the_end")))
    return out


def note_unlocked_paras(story: m.Story, texts: Texts, state: State, new: tuple[str, ...]) -> list[Para]:
    out = []
    for nid in new:
        index = state.notes.index(nid) + 1 if nid in state.notes else 0
        out.append(para("note", texts("ui.note_unlocked", title=texts(m.note_title_key(nid)), n=index)))
    return out


def note_paras(story: m.Story, texts: Texts, note_id: str, index: int) -> list[Para]:
    note = story.notes[note_id]
    out = [para("heading", f"{index}. " + texts(m.note_title_key(note_id)))]
    date = texts.date(note.date, story.siege_start)
    if date:
        out.append(para("meta", date))
    out.append(BLANK)
    out.extend(text_paras(texts.raw(m.note_body_key(note_id)), texts, {}))
    out.append(BLANK)
    out.append(para("credit", texts("ui.note_sources", sources=", ".join(note.sources))))
    return out


def notes_list_paras(story: m.Story, texts: Texts, state: State) -> list[Para]:
    if not state.notes:
        return [para("message", texts("ui.notes_none", total=len(story.notes)))]
    out = [para("heading", texts("ui.notes_heading", n=len(state.notes), total=len(story.notes)))]
    for i, nid in enumerate(state.notes, 1):
        out.append(Para("choice", (("choice", texts(m.note_title_key(nid))),), f"{i:>3}. "))
    out.append(BLANK)
    out.append(para("meta", texts("ui.notes_hint")))
    return out
