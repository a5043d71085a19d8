"""The immutable story model: what the loader builds and every tool reads.

A :class:`Story` is frozen and holds only structure (ids, choices, conditions, effects,
notes, endings). All player-visible text lives in a :class:`Catalog`, keyed by conventions
derived from the ids (see :func:`scene_title_key` and friends), so a writer never types a key.

The values are immutable named tuples rather than frozen dataclasses: creating a dataclass
costs about a millisecond at import and importing ``dataclasses`` ten more, a fifth of the time
a start has before the first scene is on screen (see docs/performance.md).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import Enum
from types import MappingProxyType
from typing import NamedTuple

from adventure.core.conditions import Condition

#: A language code as a story's manifest lists it: BCP 47's primary tag, optionally a region or
#: script (``en``, ``es``, ``fr``, ``pt-BR``). Which languages exist is the story's business.
LANG_CODE_RE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")

Value = bool | int
Pos = tuple[str, int, int]  # (path, line, col) for diagnostics

EMPTY: Mapping[str, str] = MappingProxyType({})


class Variable(NamedTuple):
    """A declared flag (bool) or counter (int) and its initial value."""

    name: str
    kind: str  # "flag" | "counter"
    initial: Value
    pos: Pos


#: Every number in a game lies within ±MAX_NUMBER: counters saturate there (``add``/``sub``),
#: and a save holding more is refused. Real stories stay far below it.
MAX_NUMBER = 10**15
#: Turns and visit counts a save may hold. A step adds one, so a game loaded at this bound
#: would need 10^15 steps to pass MAX_NUMBER: whatever a load accepts, the game saves again.
MAX_COUNT = 10**12


class Op(str, Enum):
    """The effect operations: the one list every consumer handles member by member.

    Adding one means a member here and a branch in each consumer that names ``Op``: the step
    function (``engine._apply``), the loader's checks (``loader._link_effects``), the explorer's
    abstraction (``explore``), the graph's labels (``tools/graph._effect``), the JSON schema's
    ``effect`` and docs/writing.md; ``tests/test_effects.py`` fails until each one does.
    Each consumer raises on an operation it does not know, so none is ever silently wrong.

    >>> Op("add") is Op.ADD, Op.ADD == "add", f"{Op.ADD}", [op.value for op in Op]
    (True, True, 'add', ['set', 'add', 'sub', 'note', 'end'])
    """

    SET = "set"
    ADD = "add"
    SUB = "sub"
    NOTE = "note"
    END = "end"

    def __str__(self) -> str:  # "add" in messages on every Python (3.11 would say "Op.ADD")
        return str(self.value)

    def __format__(self, spec: str) -> str:
        return format(str(self.value), spec)

    #: Operations on a variable (the others name a note or an ending).
    @property
    def on_variable(self) -> bool:
        return self in (Op.SET, Op.ADD, Op.SUB)


class UnknownOp(ValueError):
    """A consumer met an effect operation it does not handle (a missing branch: a bug)."""

    def __init__(self, op: object, where: str) -> None:
        super().__init__(f"{where}: unknown effect operation {op!r}")


class Effect(NamedTuple):
    """One effect: ``set``/``add``/``sub`` a variable, unlock a ``note``, or ``end`` the story."""

    op: Op
    target: str
    value: Value | None = None
    pos: Pos = ("", 0, 0)


class Choice(NamedTuple):
    """A choice offered in a scene. ``to`` is None only when an ``end`` effect ends the story."""

    id: str
    to: str | None
    when: Condition | None
    once: bool
    effects: tuple[Effect, ...]
    pos: Pos
    #: ``scene.choice``, the id a once-only choice leaves in ``State.taken`` (worked out once).
    key: str = ""


class Scene(NamedTuple):
    """A scene: its chapter, date, witness, entry effects, choices, or the ending it is."""

    id: str
    chapter: str
    date: str | None
    witness: str | None
    effects: tuple[Effect, ...]
    choices: tuple[Choice, ...]
    ending: str | None
    pos: Pos
    # A quick index for the engine: choice id -> choice.
    by_id: Mapping[str, Choice]
    #: Whether any choice has a condition or is once-only: when not, every choice is always
    #: open, and the step function hands out ``choices`` as it is (precompiled by the loader).
    gated: bool = True


class Chapter(NamedTuple):
    id: str
    start: str
    date: str | None
    pos: Pos


class Note(NamedTuple):
    """A historical note: its sources (file names), an optional date and a category."""

    id: str
    sources: tuple[str, ...]
    date: str | None
    category: str | None
    pos: Pos


class Question(NamedTuple):
    """A reflection question asked at the end of ``chapter`` in classroom mode."""

    id: str
    chapter: str
    pos: Pos


class Term(NamedTuple):
    """A glossary term; ``[[shown text|id]]`` in scene text marks a use of it."""

    id: str
    pos: Pos


class Source(NamedTuple):
    """A source file the notes cite, with an id for its citation text in the locales."""

    id: str
    file: str
    pos: Pos


class Classroom(NamedTuple):
    """Classroom data (optional): reflection questions, glossary terms, the sources cited.

    >>> Classroom().for_chapter("prologue")
    ()
    """

    questions: tuple[Question, ...] = ()
    terms: Mapping[str, Term] = MappingProxyType({})
    sources: tuple[Source, ...] = ()

    def for_chapter(self, chapter_id: str) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.chapter == chapter_id)

    def source_for(self, file: str) -> Source | None:
        return next((s for s in self.sources if s.file == file), None)


class Story(NamedTuple):
    """Everything structural about a story, frozen. ``hash`` identifies this version."""

    id: str
    title_key: str
    start: str
    languages: tuple[str, ...]
    siege_start: str | None
    variables: Mapping[str, Variable]
    chapters: tuple[Chapter, ...]
    scenes: Mapping[str, Scene]
    notes: Mapping[str, Note]
    endings: tuple[str, ...]
    characters: tuple[str, ...]
    hash: str
    manifest: str = "story/story.yaml"
    ending_pos: Mapping[str, Pos] = MappingProxyType({})
    classroom: Classroom = Classroom()

    def chapter_of(self, scene_id: str) -> Chapter | None:
        scene = self.scenes.get(scene_id)
        if scene is None:
            return None
        for chapter in self.chapters:
            if chapter.id == scene.chapter:
                return chapter
        return None

    def initial_variables(self) -> dict[str, Value]:
        return {name: var.initial for name, var in self.variables.items()}


class Catalog(NamedTuple):
    """Player-visible text per language: ``texts[lang][key] -> str``."""

    languages: tuple[str, ...]
    texts: Mapping[str, Mapping[str, str]]
    draft: bool = False  # loaded with --draft: a text missing in one language is shown, marked, from another

    def get(self, lang: str, key: str) -> str | None:
        table = self.texts.get(lang)
        value = table.get(key) if table is not None else None
        if value is None and self.languages:
            value = self.texts.get(self.languages[0], EMPTY).get(key)
        return value


# -- key conventions -----------------------------------------------------------------------

def scene_title_key(scene_id: str) -> str:
    return f"scenes.{scene_id}.title"


def scene_text_key(scene_id: str) -> str:
    return f"scenes.{scene_id}.text"


def scene_credit_key(scene_id: str) -> str:
    return f"scenes.{scene_id}.credit"


def choice_key(scene_id: str, choice_id: str) -> str:
    return f"scenes.{scene_id}.choices.{choice_id}"


def chapter_title_key(chapter_id: str) -> str:
    return f"chapters.{chapter_id}.title"


def note_title_key(note_id: str) -> str:
    return f"notes.{note_id}.title"


def note_body_key(note_id: str) -> str:
    return f"notes.{note_id}.body"


def ending_title_key(ending_id: str) -> str:
    return f"endings.{ending_id}.title"


def ending_text_key(ending_id: str) -> str:
    return f"endings.{ending_id}.text"


def character_name_key(character_id: str) -> str:
    return f"characters.{character_id}.name"


def question_text_key(question_id: str) -> str:
    return f"questions.{question_id}.text"


def question_hint_key(question_id: str) -> str:
    """Optional: a sentence starter for language learners."""
    return f"questions.{question_id}.hint"


def term_word_key(term_id: str) -> str:
    return f"glossary.{term_id}.term"


def term_definition_key(term_id: str) -> str:
    return f"glossary.{term_id}.definition"


def term_forms_key(term_id: str) -> str:
    """Optional: other forms a reader may type (plurals, synonyms), comma-separated."""
    return f"glossary.{term_id}.forms"


def source_title_key(source_id: str) -> str:
    return f"sources.{source_id}.title"


def source_about_key(source_id: str) -> str:
    return f"sources.{source_id}.about"
