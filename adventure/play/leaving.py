"""Leaving: the save on the way out, and what to do when the save folder cannot be written.

Quitting never leaves a game unsaved without the player's word: when the autosave fails,
:func:`leave` says so and stays, and the next line (:func:`leaving_line`) picks the fallback
folder (Enter), another folder (a path), the game again (``continue``) or leaving unsaved
(``quit``). Where nobody can be asked (end of input, a signal), :func:`final_save` tries the
fallback folder by itself and says what happened. The fallback folder is the user's save
folder, or a folder in the system's temporary folder when that is the one failing.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from adventure.play.saves import SaveError, SaveStore

if TYPE_CHECKING:
    from adventure.play.persistence import Keeper
    from adventure.text.render import Para


def _temp_fallback() -> Path:
    import tempfile

    uid = getattr(os, "getuid", lambda: None)()
    return Path(tempfile.gettempdir()) / (f"hengyang-saves-{uid}" if uid is not None else "hengyang-saves")


def fallback_dir(keeper: Keeper) -> Path:
    """Where to offer saving when this folder fails: the user's save folder if this is
    not it, else a folder in the system's temporary folder."""
    try:
        folder = keeper.fallback() if keeper.fallback is not None else None
    except Exception:  # noqa: BLE001 - platformdirs missing or failing: use the temporary folder
        folder = None
    if folder is not None and (keeper.store is None or folder != keeper.store.directory):
        return folder
    return _temp_fallback()

def final_save(keeper: Keeper) -> list[Para]:
    """The save on the way out when nobody can be asked (end of input, a signal, Ctrl-C
    outside a prompt): the autosave, else the fallback folder; says plainly what happened."""
    s = keeper.session
    saved = keeper.autosave()
    if saved is None or saved.kind != "error":
        return [saved] if saved is not None else []
    folder = fallback_dir(keeper)
    moved = save_in(keeper, folder)
    if isinstance(moved, SaveError):
        return [saved, s.msg("ui.not_saved_anywhere", "error", error=_error_text(moved))]
    return [saved, s.msg("ui.saved_elsewhere", folder=str(folder), slot=moved)]

def leave(keeper: Keeper) -> tuple[list[Para], bool]:
    """``quit`` (or Ctrl-D, or yes to "Quit the game?"): save and leave, or -- if the save
    fails -- say so, stay, and ask: the fallback folder, another folder, back, or quit."""
    s = keeper.session
    problem = keeper.write()
    if problem is None:
        return keeper._saved() + [s.msg("ui.goodbye")], True
    keeper.leaving = True
    folder = str(keeper.store.directory) if keeper.store is not None else "?"
    return [s.msg("ui.quit_save_failed", "error", folder=folder, error=_error_text(problem))] \
        + _options(keeper), False

def _options(keeper: Keeper) -> list[Para]:
    return [keeper.session.msg("ui.quit_options", fallback=str(fallback_dir(keeper)))]

def leaving_line(keeper: Keeper, line: str) -> tuple[list[Para], bool]:
    """One line typed while leaving after a failed save (see :func:`leave`)."""
    s = keeper.session
    text = line.strip()
    words = text.split()
    command = s.command_of(words[0]) if len(words) == 1 else None
    if command == "quit":
        keeper.leaving = False
        s.log("quit", saved=False)
        return [s.msg("ui.left_unsaved"), s.msg("ui.goodbye")], True
    if command == "continue":
        keeper.leaving = False
        return [s.msg("ui.back_to_game")], False
    folder = Path(text).expanduser() if text else fallback_dir(keeper)
    moved = save_in(keeper, folder)
    if isinstance(moved, SaveError):
        return [s.msg("ui.quit_folder_failed", "error", folder=str(folder)[:200], error=_error_text(moved))] \
            + _options(keeper), False
    keeper.leaving = False
    s.log("quit", slot=moved)
    return [s.msg("ui.saved_elsewhere", folder=str(folder), slot=moved), s.msg("ui.goodbye")], True

def save_in(keeper: Keeper, folder: Path) -> str | SaveError:
    """Autosave into another folder (claiming a lane there, and keeping the game its
    autosave held) and play on from there. Returns the slot, or the error."""
    s = keeper.session
    other = type(keeper)(s, SaveStore(folder), fallback=keeper.fallback)
    other.on_handled = keeper.on_handled
    try:
        notes = other.claim()
        problem = other.write()
    except (OSError, ValueError) as exc:  # an odd path: a NUL byte, a name too long
        problem = SaveError("ui.save_failed", error=getattr(exc, "strerror", None) or type(exc).__name__)
    if problem is not None:
        other.release()
        return problem
    keeper.release()
    other.notices = notes + other.notices
    s.keeper, s.store = other, other.store
    return other.lane.autosave


def _error_text(problem: SaveError) -> str:
    """What went wrong, to quote inside a message: the system's words, or the message key."""
    return str(problem.subs.get("error") or problem.key)[:200]
