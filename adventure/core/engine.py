"""The pure core: a small serialisable :class:`State` and the :func:`step` function.

``step(story, state, choice_id)`` returns the next state and an :class:`Output` describing
what happened (variable changes, notes unlocked, the scene entered, an ending). It does no
I/O, reads no clock and keeps no hidden state, so the same inputs always give the same
result; undo is keeping earlier states::

    state, out = new_game(story)
    state, out = step(story, state, "listen")
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from adventure.core.model import MAX_NUMBER, Choice, Effect, Op, Scene, Story, UnknownOp, Value


class InvalidChoice(ValueError):
    """The choice id is not available in the current state."""


class State(NamedTuple):
    """Where the player is and what they have done. Treat the mappings as read-only."""

    scene: str
    vars: Mapping[str, Value]
    visits: Mapping[str, int]
    notes: tuple[str, ...]
    taken: frozenset[str]  # once-only choices taken, as "scene_id.choice_id"
    ending: str | None = None
    turn: int = 0


class VarChange(NamedTuple):
    name: str
    old: Value
    new: Value


class Output(NamedTuple):
    """What a step did: the choice taken, the scene now shown, changes, notes, an ending."""

    choice: str | None
    scene: str
    entered: bool
    changes: tuple[VarChange, ...]
    notes: tuple[str, ...]
    ending: str | None


def new_game(story: Story, *, at: str | None = None,
             variables: Mapping[str, Value] | None = None) -> tuple[State, Output]:
    """The state at the start scene (or at scene ``at``, for writers testing a chapter, with
    ``variables`` overriding initial values), with the scene's entry effects applied."""
    scene = at or story.start
    if scene not in story.scenes:
        raise InvalidChoice(f"no scene '{scene}'")
    values = story.initial_variables()
    for name, value in (variables or {}).items():
        if name not in values or isinstance(value, bool) != isinstance(values[name], bool):
            raise InvalidChoice(f"no {type(value).__name__} variable '{name}'")
        values[name] = value
    return _enter(story, values, {}, frozenset(), 0, scene, None, [], [], ())


def available(story: Story, state: State) -> tuple[Choice, ...]:
    """The choices the player can take now (conditions hold, once-only not yet taken)."""
    if state.ending is not None:
        return ()
    scene = story.scenes[state.scene]
    if not scene.gated:  # no condition, no once-only choice: all open (precompiled by the loader)
        return scene.choices
    taken, variables, visits = state.taken, state.vars, state.visits
    out = [c for c in scene.choices
           if not (c.once and _taken_key(scene, c) in taken)
           and (c.when is None or c.when.evaluate(variables, visits))]
    return tuple(out) if len(out) != len(scene.choices) else scene.choices


def step(story: Story, state: State, choice_id: str) -> tuple[State, Output]:
    """Take ``choice_id`` in ``state``; raises :class:`InvalidChoice` if it is not available."""
    if state.ending is not None:
        raise InvalidChoice(f"the story has ended ({state.ending})")
    scene = story.scenes[state.scene]
    choice = scene.by_id.get(choice_id)
    if choice is None:
        raise InvalidChoice(f"no choice '{choice_id}' in scene '{scene.id}'")
    if choice.once and _taken_key(scene, choice) in state.taken:
        raise InvalidChoice(f"choice '{choice_id}' was already taken")
    if choice.when is not None and not choice.when.evaluate(state.vars, state.visits):
        raise InvalidChoice(f"choice '{choice_id}' is not available")
    changes: list[VarChange] = []
    notes: list[str] = []
    if choice.effects:
        variables: Mapping[str, Value] = dict(state.vars)
        ending = _apply(choice.effects, variables, state.notes, changes, notes)  # type: ignore[arg-type]
    else:  # states share what does not change: nothing ever writes into a state's mappings
        variables, ending = state.vars, None
    taken = state.taken | {_taken_key(scene, choice)} if choice.once else state.taken
    if ending is not None or choice.to is None:
        return (State(state.scene, variables, state.visits, state.notes + tuple(notes), taken, ending,
                      state.turn + 1),
                Output(choice.id, state.scene, False, tuple(changes), tuple(notes), ending))
    return _enter(story, variables, state.visits, taken, state.turn + 1, choice.to, choice.id,
                  changes, notes, state.notes)


def _taken_key(scene: Scene, choice: Choice) -> str:
    """The id a once-only choice leaves in ``State.taken`` (precomputed by the loader)."""
    return choice.key or f"{scene.id}.{choice.id}"


_new = tuple.__new__


def _enter(story: Story, variables: Mapping[str, Value], visits: Mapping[str, int],
           taken: frozenset[str], turn: int, target: str, choice_id: str | None, changes: list[VarChange],
           notes: list[str], have: tuple[str, ...]) -> tuple[State, Output]:
    scene = story.scenes[target]
    ending = scene.ending
    if scene.effects:
        variables = dict(variables)
        ending = _apply(scene.effects, variables, have + tuple(notes), changes, notes) or ending
    new_visits = {**visits, target: visits.get(target, 0) + 1}  # one copy; the old state keeps its own
    if notes:
        got = tuple(notes)
        have = have + got
    else:
        got = ()
    # tuple.__new__ directly: the named tuples' generated __new__ is one more Python call per step
    return (_new(State, (target, variables, new_visits, have, taken, ending, turn)),
            _new(Output, (choice_id, target, True, tuple(changes) if changes else (), got, ending)))


def _apply(effects: tuple[Effect, ...], variables: dict[str, Value], have: tuple[str, ...],
           changes: list[VarChange], notes: list[str]) -> str | None:
    ending = None
    for e in effects:
        op = e.op
        if op is Op.NOTE:
            if e.target not in have and e.target not in notes:
                notes.append(e.target)
        elif op is Op.END:
            ending = e.target
        else:
            old = variables[e.target]
            if op is Op.SET:
                new = e.value
            elif op is Op.ADD:  # saturating at ±MAX_NUMBER, so every state can be saved and read again
                new = max(-MAX_NUMBER, min(MAX_NUMBER, old + e.value))  # type: ignore[operator]
            elif op is Op.SUB:
                new = max(-MAX_NUMBER, min(MAX_NUMBER, old - e.value))  # type: ignore[operator]
            else:
                raise UnknownOp(op, "engine._apply")
            if new != old or type(new) is not type(old):
                variables[e.target] = new  # type: ignore[assignment]
                changes.append(VarChange(e.target, old, new))  # type: ignore[arg-type]
    return ending


def is_stuck(story: Story, state: State) -> bool:
    """True when the story has not ended but no choice is available (a soft-lock)."""
    return state.ending is None and not available(story, state)
