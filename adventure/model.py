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
