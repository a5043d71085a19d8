"""Saves: a State (and its undo history) as versioned JSON, written atomically.

A save file has explicit keys::

    {"format": "hengyang-save", "version": 1, "engine": "0.1.0",
     "story": {"id": "...", "hash": "..."}, "language": "en", "saved_at": "2026-...",
     "summary": {"chapter": "prologue", "scene": "pro_changsha"},
     "state": {...}, "history": [{...}, ...], "extra": {...}}

Reading validates everything before anything is used, and reconciles a save with a story
that changed since (a renamed scene, a removed variable or note) with messages for the
player. Nothing in a save is executed; slot names cannot leave the save folder.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from . import ENGINE_VERSION
from .atomic import create_atomic, write_atomic
from .engine import State
from .model import Story

SAVE_FORMAT = "hengyang-save"
SAVE_VERSION = 1
MAX_SAVE_BYTES = 16 * 1024 * 1024
SLOT_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,39}\Z")
# Device names Windows reserves in every folder, with any extension: "con.json" is the console.
WINDOWS_DEVICES = re.compile(r"(con|prn|aux|nul|com[0-9]|lpt[0-9])\Z", re.IGNORECASE)
AUTOSAVE = "autosave"
AUTOSAVE_PREVIOUS = "autosave-previous"
RECOVERY = "recovery"
BEFORE_LOAD = "before-load"  # the game that a load replaced, kept so that nothing is lost
EARLIER_GAME = "earlier-game"  # a game set aside when the player starts afresh, kept so that nothing is lost
RESERVED = (AUTOSAVE, AUTOSAVE_PREVIOUS, RECOVERY, BEFORE_LOAD, EARLIER_GAME)
# The game's own slots, with the numbered ones a second game on the folder ("autosave-2") or
# a second game set aside ("before-load-2", "earlier-game-3") uses: loaded like any slot,
# never overwritten by ``save``.
RESERVED_RE = re.compile(r"(autosave(-[0-9]+)?(-previous)?|recovery(-[0-9]+)?|before-load(-[0-9]+)?"
                         r"|earlier-game(-[0-9]+)?)\Z", re.IGNORECASE)
MAX_VALUE = 10**15  # variables, visit counts and turns beyond this are not a real game's
MAX_EXTRA_DEPTH = 16  # nesting of the free-form "extra" object

Message = tuple[str, dict[str, object]]  # (ui key, substitutions)


class SaveError(Exception):
    """A save that cannot be written or read; ``key``/``subs`` give the player's message."""

    def __init__(self, key: str, **subs: object) -> None:
        super().__init__(key)
        self.key = key
        self.subs = subs


def check_slot(name: str) -> str:
    """A valid slot name, or :class:`SaveError`. Slots are plain names, never paths.

    >>> check_slot("chapter2")
    'chapter2'
    >>> check_slot("../../etc/passwd")
    Traceback (most recent call last):
    ...
    adventure.saves.SaveError: ui.slot_invalid
    """
    if not SLOT_RE.match(name) or WINDOWS_DEVICES.match(name):
        raise SaveError("ui.slot_invalid", slot=name[:60])
    return name


def is_reserved(slot: str) -> bool:
    """Whether a slot name is one of the game's own (compared without regard to case).

    >>> is_reserved("Autosave-2"), is_reserved("earlier-game-3"), is_reserved("chapter2")
    (True, True, False)
    """
    return bool(RESERVED_RE.match(slot.strip()))


def default_save_dir(env: Mapping[str, str]) -> Path:
    """``HENGYANG_SAVE_DIR`` if set, else the platform's user data folder (XDG on Linux)."""
    override = env.get("HENGYANG_SAVE_DIR")
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("hengyang", appauthor=False)) / "saves"


class SlotInfo(NamedTuple):
    slot: str
    ok: bool
    saved_at: str = ""
    chapter: str = ""
    scene: str = ""
    language: str = ""


class SaveStore:
    """The save folder: atomic writes, validated reads, listing and temp-file cleanup."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def path(self, slot: str) -> Path:
        return self.directory / f"{check_slot(slot)}.json"

    def clean_temp(self) -> int:
        """Remove temporary files left by a crash mid-save. Returns how many.

        A temporary file of a game still running (a second window on the same save folder)
        is left alone: its name holds the pid of the process writing it."""
        removed = 0
        try:
            for p in self.directory.glob(".*.tmp"):
                if _writer_alive(p.name):
                    continue
                try:
                    p.unlink()
                    removed += 1
                except OSError:
                    pass
        except OSError:
            pass
        return removed

    def write(self, slot: str, payload: Mapping[str, Any]) -> Path:
        """Write atomically: temp file in the same folder, fsync, ``os.replace``, fsync folder.

        On any failure the previous file of the slot is untouched and :class:`SaveError`
        is raised."""
        target = self.path(slot)
        data = json.dumps(payload, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            write_atomic(target, data, durable=True)
        except OSError as exc:
            raise SaveError("ui.save_failed", error=exc.strerror or type(exc).__name__) from None
        return target

    def create(self, slot: str, payload: Mapping[str, Any]) -> bool:
        """Write a slot that does not exist yet, atomically: False if it exists (even if
        another process made it a moment ago), never overwriting it. Raises SaveError."""
        target = self.path(slot)
        data = json.dumps(payload, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            return create_atomic(target, data)
        except OSError as exc:
            raise SaveError("ui.save_failed", error=exc.strerror or type(exc).__name__) from None

    def rotate(self, slot: str, previous: str) -> None:
        """Keep the current file of ``slot`` as ``previous`` (used for autosaves)."""
        src = self.path(slot)
        if src.exists():
            try:
                os.replace(src, self.path(previous))
            except OSError:
                pass

    def exists(self, slot: str) -> bool:
        try:
            return self.path(slot).is_file()
        except SaveError:
            return False

    def read(self, slot: str) -> dict[str, Any]:
        """The parsed JSON of a slot, or :class:`SaveError` (missing, unreadable, corrupt)."""
        path = self.path(slot)
        try:
            if path.stat().st_size > MAX_SAVE_BYTES:
                raise SaveError("ui.save_corrupt", slot=slot)
            data = path.read_bytes()
        except FileNotFoundError:
            raise SaveError("ui.save_missing", slot=slot) from None
        except OSError as exc:
            raise SaveError("ui.save_unreadable", slot=slot, error=exc.strerror or "") from None
        try:
            obj = json.loads(data.decode("utf-8-sig"))  # a BOM from a Windows editor is harmless
        except (ValueError, RecursionError):
            raise SaveError("ui.save_corrupt", slot=slot) from None
        if not isinstance(obj, dict):
            raise SaveError("ui.save_corrupt", slot=slot)
        return obj

    def list(self) -> list[SlotInfo]:
        """Every slot, newest first, with what it holds (or ``ok=False`` if unreadable)."""
        out = []
        try:
            paths = [p for p in self.directory.glob("*.json") if SLOT_RE.match(p.stem)]
        except OSError:
            return []
        for p in paths:
            try:
                obj = self.read(p.stem)
            except SaveError:
                out.append(SlotInfo(p.stem, False))
                continue
            summary = obj.get("summary")
            summary = summary if isinstance(summary, dict) else {}
            out.append(SlotInfo(p.stem, True, _text(obj.get("saved_at")), _text(summary.get("chapter")),
                                _text(summary.get("scene")), _text(obj.get("language"))))
        out.sort(key=lambda s: s.saved_at, reverse=True)
        return out


def _writer_alive(name: str) -> bool:
    """Whether the process that named a temporary file ``.slot.PID.hex.tmp`` still runs."""
    parts = name.split(".")
    if len(parts) < 5 or not parts[-3].isdigit():
        return False
    pid = int(parts[-3])
    if pid == os.getpid():
        return False
    if os.name != "posix":  # os.kill(pid, 0) would terminate the process on Windows
        return False
    try:
        os.kill(pid, 0)
    except PermissionError:
        return True  # it exists, and belongs to another user
    except (OSError, OverflowError, ValueError):  # ProcessLookupError: it has gone
        return False
    return True


def _text(value: object) -> str:
    """A listing field: a short string, or empty for anything a hand edit put there."""
    return value[:80] if isinstance(value, str) else ""


# -- encoding ------------------------------------------------------------------------------

def state_to_json(story: Story, state: State) -> dict[str, Any]:
    scene = story.scenes.get(state.scene)
    return {
        "scene": state.scene,
        "chapter": scene.chapter if scene else None,
        "vars": dict(state.vars),
        "visits": dict(state.visits),
        "notes": list(state.notes),
        "taken": sorted(state.taken),
        "ending": state.ending,
        "turn": state.turn,
    }


def encode(story: Story, state: State, history: list[State], *, language: str, saved_at: str,
           extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A save payload (plain JSON types only)."""
    scene = story.scenes.get(state.scene)
    return {
        "format": SAVE_FORMAT,
        "version": SAVE_VERSION,
        "engine": ENGINE_VERSION,
        "story": {"id": story.id, "hash": story.hash},
        "language": language,
        "saved_at": saved_at,
        "summary": {"chapter": scene.chapter if scene else "", "scene": state.scene},
        "state": state_to_json(story, state),
        "history": [state_to_json(story, s) for s in history],
        "extra": dict(extra or {}),
    }


class Loaded(NamedTuple):
    state: State
    history: list[State]
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
    if not isinstance(version, int) or isinstance(version, bool):
        raise SaveError("ui.save_corrupt", slot=slot)
    if version > SAVE_VERSION:
        raise SaveError("ui.save_newer", slot=slot, version=version)
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
    raw_history = obj.get("history", [])
    if not isinstance(raw_history, list):
        raise SaveError("ui.save_corrupt", slot=slot)
    messages: list[Message] = []
    state = _state_from_json(story, obj.get("state"), messages, slot)
    quiet: list[Message] = []
    history = [_state_from_json(story, h, quiet, slot) for h in raw_history]
    if info.get("hash") != story.hash and not messages:
        messages.append(("ui.load_story_changed", {}))
    return Loaded(state, history, language, extra, _dedupe(messages))


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
            or not (ending is None or isinstance(ending, str)) or not _is_int(turn) or turn < 0
            or not (chapter is None or isinstance(chapter, str))):
        raise SaveError("ui.save_corrupt", slot=slot)
    if not all(isinstance(k, str) and (isinstance(v, bool) or _is_int(v)) for k, v in variables.items()):
        raise SaveError("ui.save_corrupt", slot=slot)
    if not all(isinstance(k, str) and _is_int(v) and v >= 0 for k, v in visits.items()):
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
