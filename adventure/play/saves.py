"""Saves: a State and its undo history as versioned JSON (the folder: :mod:`adventure.play.savestore`).

A save file has explicit keys::

    {"format": "hengyang-save", "version": 2, "engine": "0.1.0", "slot": "Chapter2",
     "story": {"id": "...", "hash": "..."}, "language": "en", "saved_at": "2026-...",
     "summary": {"chapter": "prologue", "scene": "pro_changsha"},
     "state": {...}, "extra": {...},
     "history": {"choices": ["listen", ...], "length": 2, "snapshots": {"0": {...}}, "steps": [0, 0]}}

The history is compact (:mod:`adventure.play.history`): snapshots and the choices between them.
Version 1 kept every state of the history whole (``"history": [{...}, ...]``, with the
choices in ``extra.trail``); it still loads. Reading validates everything before anything
is used: every number is bounded where it is read, so anything a load accepts can be saved
again. A save that no longer fits a changed story is reconciled with messages for the
player. Nothing in a save is executed; slot names cannot leave the save folder.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping
from typing import Any, NamedTuple

from adventure import ENGINE_VERSION
from adventure.core.charset import find_control, strip_controls
from adventure.core.engine import State
from adventure.core.model import MAX_COUNT, MAX_NUMBER, Story
from adventure.play.history import History, state_to_json
from adventure.play.savestore import (  # noqa: F401  (re-exported: the save API is one module for its users)
    AUTOSAVE,
    AUTOSAVE_PREVIOUS,
    BEFORE_LOAD,
    EARLIER_GAME,
    MAX_SAVE_BYTES,
    RECOVERY,
    RESERVED,
    RESERVED_RE,
    SAVE_FORMAT,
    SAVE_VERSION,
    WINDOWS_DEVICES,
    RawJSON,
    SaveError,
    SaveStore,
    SlotInfo,
    check_slot,
    default_save_dir,
    is_reserved,
    slot_key,
)

MAX_VALUE = MAX_NUMBER  # variables, visit counts, turns and numbers in "extra" beyond this are not a real game's
MAX_EXTRA_DEPTH = 16  # nesting of the free-form "extra" object
MAX_STEPS = 10_000_000  # states in a history
MAX_TOKEN = 200  # characters of a choice id or restart token

Message = tuple[str, dict[str, object]]  # (ui key, substitutions)


# -- encoding ------------------------------------------------------------------------------

def encode(story: Story, state: State, history: History | list[State], *, language: str, saved_at: str,
           extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A save payload. Given a :class:`History` (the game's), its history is
    :class:`RawJSON` text formatted mostly in advance; given a list of states, plain JSON."""
    scene = story.scenes.get(state.scene)
    if isinstance(history, History):
        compact: Any = RawJSON(history.to_json_pieces())
    else:
        compact = History.from_states(story, history, state).to_json()
    return {
        "format": SAVE_FORMAT,
        "version": SAVE_VERSION,
        "engine": ENGINE_VERSION,
        "story": {"id": story.id, "hash": story.hash},
        "language": language,
        "saved_at": saved_at,
        "summary": {"chapter": scene.chapter if scene else "", "scene": state.scene},
        "state": state_to_json(story, state),
        "history": compact,
        "extra": {k: v for k, v in (extra or {}).items() if k != "trail"},
    }


class Loaded(NamedTuple):
    state: State
    history: History
    language: str
    extra: dict[str, Any]
    messages: list[Message]


def decode(story: Story, obj: Mapping[str, Any], *, slot: str = "") -> Loaded:
    """Validate a parsed save completely and reconcile it with ``story``.

    Raises :class:`SaveError` for a foreign, newer or malformed save; never touches any
    live state, so a failed load changes nothing."""
    if obj.get("format") != SAVE_FORMAT:
        raise SaveError("ui.save_foreign", slot=slot)
    version = obj.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise SaveError("ui.save_corrupt", slot=slot)
    if version > SAVE_VERSION:
        raise SaveError("ui.save_newer", slot=slot, version=min(version, 10**6))
    info = obj.get("story")
    if not isinstance(info, dict) or not isinstance(info.get("id"), str):
        raise SaveError("ui.save_corrupt", slot=slot)
    if info["id"] != story.id:
        raise SaveError("ui.save_other_story", slot=slot, story=str(info["id"])[:60])
    language = obj.get("language")
    language = language if isinstance(language, str) and language in story.languages else story.languages[0]
    extra = obj.get("extra", {})
    if not isinstance(extra, dict) or _depth(extra) > MAX_EXTRA_DEPTH:
        raise SaveError("ui.save_corrupt", slot=slot)
    extra = _bounded(extra)
    messages: list[Message] = []
    extra, refused = _without_controls(extra)
    if refused:  # a hand-edited save: the characters are refused, the game is not
        messages.append(("ui.load_controls_removed", {"where": refused[0], "n": len(refused)}))
    state = _state_from_json(story, obj.get("state"), messages, slot)
    raw_history = obj.get("history", [])
    if isinstance(raw_history, RawJSON):  # a payload handed over directly (a live reload)
        raw_history = raw_history.loads()
    trail = extra.pop("trail", None)
    if isinstance(raw_history, list):  # version 1: every state whole
        quiet: list[Message] = []
        states = [_state_from_json(story, h, quiet, slot) for h in raw_history]
        hints = [t if isinstance(t, str) else None for t in trail] if isinstance(trail, list) else []
        hints = ([None] * (len(states) - len(hints)) + hints)[-len(states):] if states else []
        history = History.from_states(story, states, state, hints)
    elif isinstance(raw_history, dict):
        history = _history_from_json(story, raw_history, state, slot)
        if info.get("hash") != story.hash:
            history.verify_all()
        if history.cut:
            messages.append(("ui.load_undo_cut", {"n": len(history)}))
    else:
        raise SaveError("ui.save_corrupt", slot=slot)
    if info.get("hash") != story.hash and not messages:
        messages.append(("ui.load_story_changed", {}))
    return Loaded(state, history, language, extra, _dedupe(messages))


def _history_from_json(story: Story, raw: Mapping[str, Any], current: State, slot: str) -> History:
    """A compact history, validated: every code indexes the table, snapshot 0 exists, and a
    snapshot follows every opaque step (the last one leads to the current state)."""
    table, length, snaps, codes = raw.get("choices"), raw.get("length"), raw.get("snapshots"), raw.get("steps")
    if (not isinstance(table, list) or not isinstance(snaps, dict) or not isinstance(codes, list)
            or not isinstance(length, int) or not _is_int(length) or not 0 <= length <= MAX_STEPS or len(codes) != length):
        raise SaveError("ui.save_corrupt", slot=slot)
    if not all(isinstance(t, str) and 0 < len(t) <= MAX_TOKEN for t in table):
        raise SaveError("ui.save_corrupt", slot=slot)
    top = len(table)
    if not all(type(c) is int and -1 <= c < top for c in codes):
        raise SaveError("ui.save_corrupt", slot=slot)
    quiet: list[Message] = []
    states: dict[int, State] = {}
    for key, value in snaps.items():
        if not (isinstance(key, str) and key.isascii() and key.isdigit() and len(key) <= 9) or int(key) >= length:
            raise SaveError("ui.save_corrupt", slot=slot)
        states[int(key)] = _state_from_json(story, value, quiet, slot)
    if length and (0 not in states or any(c < 0 and i + 1 < length and i + 1 not in states
                                          for i, c in enumerate(codes))):
        raise SaveError("ui.save_corrupt", slot=slot)
    history = History.from_parts(story, list(table), codes, states)
    history.verify_tail(current)
    return history


def _without_controls(extra: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """``extra`` (the classroom record: a student's name and answers) with every text cleared
    of the characters the control-character rule refuses, and where each was found
    (``classroom.answers.q1.text``). Iterative: the depth is bounded already.

    >>> _without_controls({"classroom": {"student": "Ana\\x1b[2J", "answers": {"q": {"text": "ok"}}}})
    ({'classroom': {'student': 'Ana[2J', 'answers': {'q': {'text': 'ok'}}}}, ['classroom.student'])
    """
    found: list[str] = []

    def clean(value: Any, where: str) -> Any:
        if isinstance(value, str):
            if find_control(value) is not None:
                found.append(where[:200])
                return strip_controls(value)
            return value
        if isinstance(value, dict):
            return {clean(k, where): clean(v, f"{where}.{k}" if where else str(k)) for k, v in value.items()}
        if isinstance(value, list):
            return [clean(v, f"{where}[{i}]") for i, v in enumerate(value)]
        return value

    return clean(extra, ""), found


def _dedupe(messages: list[Message]) -> list[Message]:
    seen = set()
    out = []
    for key, subs in messages:
        marker = (key, tuple(sorted((k, str(v)) for k, v in subs.items())))
        if marker not in seen:
            seen.add(marker)
            out.append((key, subs))
    return out


def _depth(value: object, limit: int = MAX_EXTRA_DEPTH + 1) -> int:
    """How deeply lists and objects nest in ``value``, counting no further than ``limit``
    (iterative, so a crafted file cannot exhaust the stack).

    >>> _depth({"a": [1, {"b": []}]})
    4
    """
    deepest = 0
    todo: list[tuple[object, int]] = [(value, 1)]
    while todo:
        item, level = todo.pop()
        if not isinstance(item, (dict, list)):
            continue
        deepest = max(deepest, level)
        if level >= limit:
            return level
        todo.extend((child, level + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def _bounded(value: Any) -> Any:
    """``extra`` with every number a save could not write back (past ±10^15, NaN, infinite)
    left out; everything else as it was. Iterative, like :func:`_depth`.

    >>> _bounded({"seconds": 10**20, "n": 3, "l": [1.5, float("nan")]})
    {'n': 3, 'l': [1.5]}
    """
    def ok(v: object) -> bool:
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            return True
        if isinstance(v, float):
            return math.isfinite(v) and abs(v) <= MAX_VALUE
        return -MAX_VALUE <= v <= MAX_VALUE

    root = {"": copy.deepcopy(value)}  # the caller's data stays as it was
    todo: list[Any] = [root]
    while todo:
        item = todo.pop()
        if isinstance(item, dict):
            for k in [k for k, v in item.items() if not ok(v)]:
                del item[k]
            todo.extend(v for v in item.values() if isinstance(v, (dict, list)))
        else:
            item[:] = [v for v in item if ok(v)]
            todo.extend(v for v in item if isinstance(v, (dict, list)))
    return root[""]


def _is_int(v: object) -> bool:
    """A whole number of sane size (JSON allows 4,000-digit numbers; a game never needs them)."""
    return isinstance(v, int) and not isinstance(v, bool) and -MAX_VALUE <= v <= MAX_VALUE


def _state_from_json(story: Story, raw: object, messages: list[Message], slot: str) -> State:
    if not isinstance(raw, dict):
        raise SaveError("ui.save_corrupt", slot=slot)
    scene = raw.get("scene")
    chapter = raw.get("chapter")
    variables = raw.get("vars")
    visits = raw.get("visits")
    notes = raw.get("notes")
    taken = raw.get("taken", [])
    ending = raw.get("ending")
    turn = raw.get("turn", 0)
    if (not isinstance(scene, str) or not isinstance(variables, dict) or not isinstance(visits, dict)
            or not isinstance(notes, list) or not isinstance(taken, list)
            or not (ending is None or isinstance(ending, str)) or not _is_int(turn) or not 0 <= turn <= MAX_COUNT
            or not (chapter is None or isinstance(chapter, str))):
        raise SaveError("ui.save_corrupt", slot=slot)
    if not all(isinstance(k, str) and (isinstance(v, bool) or _is_int(v)) for k, v in variables.items()):
        raise SaveError("ui.save_corrupt", slot=slot)
    if not all(isinstance(k, str) and _is_int(v) and 0 <= v <= MAX_COUNT for k, v in visits.items()):
        raise SaveError("ui.save_corrupt", slot=slot)
    if not all(isinstance(n, str) for n in notes) or not all(isinstance(t, str) for t in taken):
        raise SaveError("ui.save_corrupt", slot=slot)

    # Reconcile with the story as it is now.
    if scene not in story.scenes:
        target = story.start
        for ch in story.chapters:
            if ch.id == chapter:
                target = ch.start
        messages.append(("ui.load_scene_moved", {"scene": scene[:60]}))
        scene, ending = target, None
    new_vars: dict[str, bool | int] = {}
    dropped = sorted(k for k in variables if k not in story.variables)
    for name, var in story.variables.items():
        value = variables.get(name)
        if value is None or isinstance(value, bool) != isinstance(var.initial, bool):
            if name in variables:
                dropped.append(name)
            else:
                messages.append(("ui.load_var_added", {"name": name}))
            new_vars[name] = var.initial
        else:
            new_vars[name] = value
    if dropped:
        messages.append(("ui.load_var_dropped", {"names": ", ".join(sorted(dropped))[:200]}))
    kept_notes = tuple(dict.fromkeys(n for n in notes if n in story.notes))
    if len(kept_notes) != len(set(notes)):
        gone = sorted({n for n in notes if n not in story.notes})
        messages.append(("ui.load_note_dropped", {"names": ", ".join(gone)[:200]}))
    kept_visits = {k: v for k, v in visits.items() if k in story.scenes}
    kept_taken = frozenset(t for t in taken if _taken_exists(story, t))
    if ending is not None and ending not in story.endings:
        ending = None
    if ending is None and story.scenes[scene].ending is not None:
        ending = story.scenes[scene].ending
    return State(scene, new_vars, kept_visits, kept_notes, kept_taken, ending, turn)


def _taken_exists(story: Story, key: str) -> bool:
    scene_id, _, choice_id = key.partition(".")
    scene = story.scenes.get(scene_id)
    return scene is not None and choice_id in scene.by_id
