"""A writer's trial: ``--start SCENE`` and ``--set NAME=VALUE`` (repeatable) begin a new game
at a scene, with some variables set as the scene needs them.

What a trial is, decided once here:

- the ``--set`` values are the variables *on arriving* at the scene; then the scene's entry
  effects (``set``/``add``/``sub``, notes, an ending) apply exactly as when it is reached in
  play, so an effect of the scene itself on a variable wins over ``--set``;
- every variable not named keeps its initial value; no note is unlocked before the scene;
  visit counts start there (the start scene has been visited once, no other);
- ``restart`` begins the same trial again (same scene, same values);
- saves are off: no autosave, no save slot read or written, no continue question and no
  folder lock, so the player's own game is never touched (and can run meanwhile); a
  classroom report is written only to a ``--report-dir`` given on purpose.

Every mistake is a :class:`TrialError` carrying an interface key (``ui.trial.*``) and its
values, so the game says it in the player's language, on one line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from adventure.core.model import MAX_NUMBER

if TYPE_CHECKING:
    from adventure.core import model as m
    from adventure.play.session import Session
    from adventure.text.render import Para

_NUMBER = re.compile(r"[+-]?[0-9]{1,20}\Z")
TRUE_WORDS = ("true",)
FALSE_WORDS = ("false",)


class TrialError(Exception):
    """A ``--start`` or ``--set`` the story cannot take: ``key`` (``ui.trial.*``) and ``subs``."""

    def __init__(self, key: str, **subs: object) -> None:
        super().__init__(key)
        self.key = key
        self.subs = subs


def _near(word: str, names: Sequence[str]) -> str | None:
    import difflib

    found = difflib.get_close_matches(word, names, n=1, cutoff=0.6)
    return found[0] if found else None


def check_scene(story: m.Story, scene: str) -> None:
    """Raise :class:`TrialError` unless ``scene`` is a scene of the story (with the nearest id)."""
    if scene in story.scenes:
        return
    near = _near(scene, sorted(story.scenes))
    if near is None:
        raise TrialError("ui.trial.no_scene", scene=scene[:80])
    raise TrialError("ui.trial.no_scene_near", scene=scene[:80], near=near)


def parse_sets(story: m.Story, items: Sequence[str]) -> dict[str, m.Value]:
    """``--set`` values read by each declared variable's type: a flag takes ``true`` or
    ``false``, a counter a whole number within ±MAX_NUMBER. A name given twice is a mistake.

    >>> from types import SimpleNamespace as NS
    >>> story = NS(variables={"shells": NS(kind="counter", initial=0), "dug": NS(kind="flag", initial=False)})
    >>> parse_sets(story, ["shells=3", "dug=TRUE"])
    {'shells': 3, 'dug': True}
    >>> try:
    ...     parse_sets(story, ["shells=three"])
    ... except TrialError as exc:
    ...     print(exc.key, exc.subs["name"])
    ui.trial.not_number shells
    """
    values: dict[str, m.Value] = {}
    for item in items:
        name, eq, raw = item.partition("=")
        name, raw = name.strip(), raw.strip()
        if not eq or not name or not raw:
            raise TrialError("ui.trial.malformed", text=item[:80])
        var = story.variables.get(name)
        if var is None:
            near = _near(name, sorted(story.variables))
            if near is None:
                raise TrialError("ui.trial.no_variable", name=name[:80])
            raise TrialError("ui.trial.no_variable_near", name=name[:80], near=near)
        if name in values:
            raise TrialError("ui.trial.twice", name=name)
        if isinstance(var.initial, bool):
            word = raw.lower()
            if word not in TRUE_WORDS + FALSE_WORDS:
                raise TrialError("ui.trial.not_flag", name=name, value=raw[:40])
            values[name] = word in TRUE_WORDS
            continue
        if not _NUMBER.match(raw):
            raise TrialError("ui.trial.not_number", name=name, value=raw[:40])
        number = int(raw)
        if abs(number) > MAX_NUMBER:
            raise TrialError("ui.trial.out_of_range", name=name, value=raw[:40], max=f"{MAX_NUMBER:,}")
        values[name] = number
    return values


def trial_note(session: Session) -> list[Para]:
    """What the game says before a trial's first scene: that it is a trial, where it begins,
    what was set, and that saves are off (nothing when this session is not a trial)."""
    if session.start_at is None or session.store is not None:
        return []
    from adventure.core.model import scene_title_key
    from adventure.text.render import BLANK, para

    sets = ", ".join(f"{k}={str(v).lower()}" for k, v in session.start_vars.items())
    scene = session.start_at
    title = session.t(scene_title_key(scene))
    out = [para("meta", session.t("ui.trial.banner", scene=scene, title=title))]
    if sets:
        out.append(para("meta", session.t("ui.trial.banner_sets", sets=sets)))
    return out + [BLANK]

