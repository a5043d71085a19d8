"""The immutable story model: what the loader builds and every tool reads.

A :class:`Story` is frozen and holds only structure (ids, choices, conditions, effects,
notes, endings). All player-visible text lives in a :class:`Catalog`, keyed by conventions
derived from the ids (see :func:`scene_title_key` and friends), so a writer never types a key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from .conditions import Condition

Value = bool | int
Pos = tuple[str, int, int]  # (path, line, col) for diagnostics

EMPTY: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Variable:
    """A declared flag (bool) or counter (int) and its initial value."""

    name: str
    kind: str  # "flag" | "counter"
    initial: Value
    pos: Pos


@dataclass(frozen=True, slots=True)
class Effect:
    """One effect: ``set``/``add``/``sub`` a variable, unlock a ``note``, or ``end`` the story."""

    op: str
    target: str
    value: Value | None = None
    pos: Pos = ("", 0, 0)


@dataclass(frozen=True, slots=True)
class Choice:
    """A choice offered in a scene. ``to`` is None only when an ``end`` effect ends the story."""

    id: str
    to: str | None
    when: Condition | None
    once: bool
    effects: tuple[Effect, ...]
    pos: Pos


@dataclass(frozen=True, slots=True)
class Scene:
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
    by_id: Mapping[str, Choice] = field(compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Chapter:
    id: str
    start: str
    date: str | None
    pos: Pos


@dataclass(frozen=True, slots=True)
class Note:
    """A historical note: its sources (file names), an optional date and a category."""

    id: str
    sources: tuple[str, ...]
    date: str | None
    category: str | None
    pos: Pos


@dataclass(frozen=True, slots=True)
class Question:
    """A reflection question asked at the end of ``chapter`` in classroom mode."""

    id: str
    chapter: str
    pos: Pos


@dataclass(frozen=True, slots=True)
class Term:
    """A glossary term; ``[[shown text|id]]`` in scene text marks a use of it."""

    id: str
    pos: Pos


@dataclass(frozen=True, slots=True)
class Source:
    """A source file the notes cite, with an id for its citation text in the locales."""

    id: str
    file: str
    pos: Pos


@dataclass(frozen=True, slots=True)
class Classroom:
    """Classroom data (optional): reflection questions, glossary terms, the sources cited.

    >>> Classroom().for_chapter("prologue")
    ()
    """

    questions: tuple[Question, ...] = ()
    terms: Mapping[str, Term] = field(default_factory=lambda: MappingProxyType({}))
    sources: tuple[Source, ...] = ()

    def for_chapter(self, chapter_id: str) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.chapter == chapter_id)

    def source_for(self, file: str) -> Source | None:
        return next((s for s in self.sources if s.file == file), None)


@dataclass(frozen=True, slots=True)
class Story:
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
    ending_pos: Mapping[str, Pos] = field(default_factory=dict, compare=False, repr=False)
    classroom: Classroom = field(default_factory=Classroom, compare=False, repr=False)

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


@dataclass(frozen=True, slots=True)
class Catalog:
    """Player-visible text per language: ``texts[lang][key] -> str``."""

    languages: tuple[str, ...]
    texts: Mapping[str, Mapping[str, str]]

    def get(self, lang: str, key: str) -> str | None:
        table = self.texts.get(lang)
        value = table.get(key) if table is not None else None
        if value is None and self.languages:
            value = self.texts.get(self.languages[0], EMPTY).get(key)  # type: ignore[assignment]
        return value  # type: ignore[return-value]


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
