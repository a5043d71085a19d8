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

from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import NamedTuple

from adventure.core import model as m
from adventure.core.engine import State, available
from adventure.text.catalog import Texts, fill
from adventure.text.markup import PARAGRAPH_BREAK_RE, SPEAKER_RE, TERM_MARK_RE


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


def subs_for(texts: Texts, state: State) -> Mapping[str, object]:
    """Placeholder values from the state (flags shown as localised yes/no), worked out only
    if a text asks for one (most texts have no placeholder)."""
    return _Subs(texts, state.vars)


class _Subs(Mapping[str, object]):
    __slots__ = ("_texts", "_vars", "_values")

    def __init__(self, texts: Texts, variables: Mapping[str, object]) -> None:
        self._texts = texts
        self._vars = variables
        self._values: dict[str, object] | None = None

    def _all(self) -> dict[str, object]:
        if self._values is None:
            yes, no = self._texts("ui.yes"), self._texts("ui.no")
            self._values = {k: (yes if v else no) if isinstance(v, bool) else v for k, v in self._vars.items()}
        return self._values

    def __getitem__(self, key: str) -> object:
        return self._all()[key]

    def __contains__(self, key: object) -> bool:
        return key in self._vars

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._vars)


def split_blocks(raw: str) -> list[tuple[str, str | None, str]]:
    """Paragraphs of marked-up text as ``(kind, speaker id, body)``; kind is "quote",
    "speech" or "text"; the body keeps its term marks and placeholders.

    >>> split_blocks("One\\ntwo.\\n\\n> Said.\\n\\n@deng: Go.")
    [('text', None, 'One two.'), ('quote', None, 'Said.'), ('speech', 'deng', 'Go.')]
    """
    out: list[tuple[str, str | None, str]] = []
    for block in PARAGRAPH_BREAK_RE.split(raw.strip()):
        lines = [ln.strip() for ln in block.strip().splitlines()]
        if not lines:
            continue
        if lines[0].startswith(">"):
            out.append(("quote", None, " ".join(ln[1:].strip() if ln.startswith(">") else ln for ln in lines)))
            continue
        body = " ".join(lines)
        sm = SPEAKER_RE.match(body)
        if sm:
            out.append(("speech", sm.group(1), body[sm.end():]))
            continue
        out.append(("text", None, body))
    return out


def speaker_name(texts: Texts, character_id: str) -> str:
    key = m.character_name_key(character_id)
    return texts(key) if texts.has(key) else character_id


# A text's paragraphs, worked out once per text: (para kind, prefix, speaker id or None,
# body before placeholders are filled, its spans when the body has no placeholder).
_Block = tuple[str, str, "str | None", str, "tuple[tuple[str, str], ...] | None"]


@lru_cache(maxsize=8192)
def _blocks(raw: str, kind: str) -> tuple[_Block, ...]:
    out: list[_Block] = []
    for block_kind, speaker, body in split_blocks(raw):
        if block_kind == "quote":
            out.append(("quote", "  ", None, body, _static_spans("quote", body)))
        elif block_kind == "speech" and speaker is not None:
            out.append(("speech", "", speaker, body, _static_spans("text", body)))
        else:
            out.append((kind, "", None, body, _static_spans(kind, body)))
    return tuple(out)


def _static_spans(style: str, body: str) -> tuple[tuple[str, str], ...] | None:
    return None if "{" in body or "}" in body else term_spans(style, body)


def text_paras(raw: str, texts: Texts, subs: Mapping[str, object], *, kind: str = "text") -> list[Para]:
    """Split marked-up text into paragraphs (with a blank one between each two)."""
    out: list[Para] = []
    for pkind, prefix, speaker, body, spans in _blocks(raw, kind):
        if out:
            out.append(BLANK)
        if spans is None:
            spans = term_spans("text" if pkind == "speech" else pkind, fill(body, subs))
        if speaker is not None:
            spans = (("speaker", speaker_name(texts, speaker) + texts("ui.speaker_separator")),) + spans
        out.append(Para(pkind, spans, prefix))
    return out


def term_spans(style: str, text: str) -> tuple[tuple[str, str], ...]:
    """Split text on ``[[shown|term_id]]`` marks: terms get the "term" style.

    >>> term_spans("text", "the [[pillboxes|pillbox]], and")
    (('text', 'the '), ('term', 'pillboxes'), ('text', ', and'))
    """
    if "[[" not in text:
        return ((style, text),)
    spans: list[tuple[str, str]] = []
    pos = 0
    for mt in TERM_MARK_RE.finditer(text):
        if mt.start() > pos:
            spans.append((style, text[pos:mt.start()]))
        spans.append(("term", mt.group(1)))
        pos = mt.end()
    if pos < len(text):
        spans.append((style, text[pos:]))
    return tuple(spans)


class Second(NamedTuple):
    """The second language of bilingual reading: its texts, and the tag (``"Spanish: "``)
    that starts each of its paragraphs so a screen reader announces the change."""

    texts: Texts
    tag: str


_KEEP_IN_SECOND = ("term", "speaker")
PAIRED = "  "  # the second language's paragraph stands indented under its partner, every line of it


def as_second(paras: list[Para], second: Second) -> list[Para]:
    """Paragraphs of the second language: kind "second", tagged, blank lines dropped.

    >>> from adventure.core.model import Catalog
    >>> sec = Second(Texts(Catalog(("es",), {"es": {}}), "es"), "Spanish: ")
    >>> as_second([para("text", "Hola."), BLANK], sec)
    [Para(kind='second', spans=(('langtag', 'Spanish: '), ('second', 'Hola.')), prefix='  ')]
    """
    out = []
    for p in paras:
        if not p.spans:
            continue
        spans = tuple((style if style in _KEEP_IN_SECOND else "second", text) for style, text in p.spans)
        out.append(Para("second", (("langtag", second.tag),) + spans, p.prefix or PAIRED))
    return out


def interleave(first: list[Para], second: list[Para]) -> list[Para]:
    """Each paragraph of the first language followed by its partner in the second, by
    position, with a blank line after each pair."""
    a = [p for p in first if p.spans]
    b = [p for p in second if p.spans]
    out: list[Para] = []
    for i in range(max(len(a), len(b))):
        if out:
            out.append(BLANK)
        if i < len(a):
            out.append(a[i])
        if i < len(b):
            out.append(b[i])
    return out


def both_texts(raw_key: str, texts: Texts, subs: Mapping[str, object], second: Second | None,
               second_subs: Mapping[str, object] | None = None, *, kind: str = "text") -> list[Para]:
    """The text of ``raw_key`` as paragraphs, interleaved with the second language if any."""
    first = text_paras(texts.raw(raw_key), texts, subs, kind=kind)
    if second is None or not second.texts.has(raw_key):
        return first
    other = text_paras(second.texts.raw(raw_key), second.texts, second_subs or subs, kind=kind)
    return interleave(first, as_second(other, second))


def line_both(kind: str, key: str, texts: Texts, second: Second | None, *, prefix: str = "",
              **subs: object) -> list[Para]:
    """One line (a title, a credit) and, in bilingual reading, its second-language line."""
    out = [para(kind, texts(key, **subs), prefix)]
    if second is not None and second.texts.has(key):
        out.append(Para("second", (("langtag", second.tag), ("second", second.texts(key, **subs))),
                        " " * len(prefix) or PAIRED))
    return out


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


def chapter_banner(story: m.Story, texts: Texts, chapter_id: str, second: Second | None = None) -> list[Para]:
    return line_both("chapter", m.chapter_title_key(chapter_id), texts, second) + [BLANK]


def scene_paras(story: m.Story, texts: Texts, state: State, *, banner: bool = False,
                between: list[Para] | None = None, second: Second | None = None) -> list[Para]:
    """The current scene: heading, date, credit, text, then ``between`` (e.g. notes just
    unlocked), then an ending or the choices. With ``second``, each title, paragraph and
    choice is followed by its text in the second language."""
    scene = story.scenes[state.scene]
    if not (banner or between or second is not None or state.ending is not None or scene.gated):
        # The common step: one language, every choice open, nothing in between. Head and
        # choices then depend only on the scene when no text has placeholders: one tuple, kept.
        whole = texts.memo.get(("whole", scene.id))
        if whole is not None:
            return list(whole)  # type: ignore[call-overload]
        head = texts.memo.get(("head", scene.id))
        fresh: list[Para] = list(head if head is not None else _scene_head(story, texts, scene, state, None, ("head", scene.id)))  # type: ignore[call-overload]
        fresh.extend(_choice_paras(story, texts, state, scene.choices) if scene.choices
                     else [para("error", texts("ui.stuck"))])
        if ("head", scene.id) in texts.memo and isinstance(texts.memo.get(scene.id), tuple):
            texts.memo[("whole", scene.id)] = tuple(fresh)  # both halves free of placeholders
        return fresh
    out: list[Para] = chapter_banner(story, texts, scene.chapter, second) if banner else []
    # Everything above the choices depends only on the scene and the language(s), unless the
    # text has placeholders: worked out once per language (this runs with every step).
    key = ("head", scene.id) if second is None else ("head", scene.id, second.texts.lang, second.tag)
    head = texts.memo.get(key)
    if head is None:
        head = _scene_head(story, texts, scene, state, second, key)
    out += head  # type: ignore[arg-type]
    if between:
        out.extend(between)
        out.append(BLANK)
    out.extend(after_text(story, texts, state, second))
    return out


def _scene_head(story: m.Story, texts: Texts, scene: m.Scene, state: State, second: Second | None,
                key: object) -> list[Para]:
    out = line_both("heading", m.scene_title_key(scene.id), texts, second)
    date = texts.date(scene.date, story.siege_start)
    if date:
        out.append(para("meta", date))
    credit = m.scene_credit_key(scene.id)
    if texts.has(credit):
        out.extend(line_both("credit", credit, texts, second))
    out.append(BLANK)
    text_key = m.scene_text_key(scene.id)
    second_subs = subs_for(second.texts, state) if second else None
    out.extend(both_texts(text_key, texts, subs_for(texts, state), second, second_subs))
    out.append(BLANK)
    raws = [texts.raw(text_key)] + ([second.texts.raw(text_key)] if second is not None else [])
    if not any("{" in raw or "}" in raw for raw in raws):
        texts.memo[key] = tuple(out)
    return out


def after_text(story: m.Story, texts: Texts, state: State, second: Second | None = None) -> list[Para]:
    """The ending block, or the numbered choices, or a message that the way is blocked."""
    if state.ending is not None:
        return ending_paras(story, texts, state, second)
    choices = available(story, state)
    if not choices:
        return [para("error", texts("ui.stuck"))]
    return choice_paras(story, texts, state, choices, second)


def choice_paras(story: m.Story, texts: Texts, state: State, choices: tuple[m.Choice, ...],
                 second: Second | None = None) -> list[Para]:
    if second is None:
        return _choice_paras(story, texts, state, choices)
    subs = subs_for(texts, state)
    out = []
    for i, c in enumerate(choices, 1):
        key = m.choice_key(state.scene, c.id)
        prefix = f"{i:>3}. "
        out.append(Para("choice", (("choice", fill(texts.raw(key), subs)),), prefix))
        if second is not None and second.texts.has(key):
            label = fill(second.texts.raw(key), subs_for(second.texts, state))
            out.append(Para("second", (("langtag", second.tag), ("second", label)), " " * len(prefix)))
    return out


def _choice_paras(story: m.Story, texts: Texts, state: State, choices: tuple[m.Choice, ...]) -> list[Para]:
    """The numbered choices in one language; labels without placeholders are remembered."""
    memo = texts.memo
    scene = state.scene
    whole = memo.get(scene)  # every choice open, as in most scenes: (the scene's choices, their paras)
    if whole is not None and whole[0] is choices:  # type: ignore[index]
        return list(whole[1])  # type: ignore[index]
    out: list[Para] = []
    for i, c in enumerate(choices, 1):
        p = memo.get((scene, c.id, i))  # a label without placeholders, numbered i
        if p is None:
            label = texts.raw(m.choice_key(scene, c.id))
            if "{" in label or "}" in label:
                p = Para("choice", (("choice", fill(label, subs_for(texts, state))),), f"{i:>3}. ")
            else:
                p = memo[(scene, c.id, i)] = Para("choice", (("choice", label),), f"{i:>3}. ")
        out.append(p)  # type: ignore[arg-type]
    if len(out) == len(choices) and story.scenes[scene].choices is choices and all(
            memo.get((scene, c.id, i)) is p for i, (c, p) in enumerate(zip(choices, out, strict=True), 1)):
        memo[scene] = (choices, tuple(out))
    return out


def ending_paras(story: m.Story, texts: Texts, state: State, second: Second | None = None) -> list[Para]:
    assert state.ending is not None
    subs = subs_for(texts, state)
    out = line_both("ending", m.ending_title_key(state.ending), texts, second) + [BLANK]
    second_subs = subs_for(second.texts, state) if second else None
    out.extend(both_texts(m.ending_text_key(state.ending), texts, subs, second, second_subs))
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


def note_paras(story: m.Story, texts: Texts, note_id: str, index: int, second: Second | None = None) -> list[Para]:
    note = story.notes[note_id]
    out = [para("heading", f"{index}. " + texts(m.note_title_key(note_id)))]
    if second is not None:
        out.append(Para("second", (("langtag", second.tag), ("second", second.texts(m.note_title_key(note_id)))),
                        " " * len(f"{index}. ")))
    date = texts.date(note.date, story.siege_start)
    if date:
        out.append(para("meta", date))
    out.append(BLANK)
    out.extend(both_texts(m.note_body_key(note_id), texts, {}, second))
    out.append(BLANK)
    out.append(para("credit", texts("ui.note_sources", sources=source_names(story, texts, note.sources))))
    return out


def source_names(story: m.Story, texts: Texts, files: tuple[str, ...]) -> str:
    """Sources as a reader can follow them: each one's title in the reading language when the
    story lists its sources (file names are for the writer's tools), else the file name.

    >>> from adventure.core.model import Catalog
    >>> source_names(m.Story("s", "t", "a", ("en",), None, {}, (), {}, {}, (), (), "h"),
    ...              Texts(Catalog(("en",), {"en": {}}), "en"), ("001.txt",))
    '001.txt'
    """
    out = []
    for file in files:
        src = story.classroom.source_for(file)
        key = m.source_title_key(src.id) if src else ""
        out.append(texts(key) if src and texts.has(key) else file)
    return "; ".join(out) if any(story.classroom.source_for(f) for f in files) else ", ".join(out)


def notes_list_paras(story: m.Story, texts: Texts, state: State) -> list[Para]:
    if not state.notes:
        return [para("message", texts.count("ui.notes_none", len(story.notes), total=len(story.notes)))]
    out = [para("heading", texts("ui.notes_heading", n=len(state.notes), total=len(story.notes)))]
    for i, nid in enumerate(state.notes, 1):
        out.append(Para("choice", (("choice", texts(m.note_title_key(nid))),), f"{i:>3}. "))
    out.append(BLANK)
    out.append(para("meta", texts("ui.notes_hint")))
    return out
