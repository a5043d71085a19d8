"""Keeping every game the player reached: the autosave, the continue question, games set
aside, one autosave per running game, and leaving when saving fails.

The rule this module keeps: **a game the player reached is never overwritten unless it is
stored in another slot first**, and the player is told which slot. So:

- answering no to "Continue from it?" (or a piped script whose first line is no answer to
  it) keeps the game on file as ``earlier-game`` (``earlier-game-2``...) before a new one
  begins; a load keeps the game it replaces as ``before-load`` (``before-load-2``...). Those
  slots are only ever created, never overwritten (:meth:`SaveStore.create`), and a game
  already kept there is not kept twice;
- each running game owns an autosave *lane* in its save folder, held by an OS lock
  (:class:`FolderLock`) that the OS releases when the process ends, however it ends: the
  first game autosaves as ``autosave``, a second one started meanwhile as ``autosave-2``;
- leaving when the autosave cannot be written asks first, and offers another folder.

::

    keeper = Keeper(session, store)
    slot, notes = opening(session)          # claims a lane; the slot to offer, or None
    paras = start(session, slot, answer)    # answer: True, False or None (no answer)
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from adventure.play.folderlock import FolderLock, lock_path
from adventure.play.saves import (
    AUTOSAVE,
    AUTOSAVE_PREVIOUS,
    BEFORE_LOAD,
    EARLIER_GAME,
    RECOVERY,
    SaveError,
    SaveStore,
    decode,
)
from adventure.text.catalog import Texts, fold
from adventure.text.render import BLANK, Para

if TYPE_CHECKING:
    from adventure.core.engine import State
    from adventure.play.session import Session

MAX_LANES = 99  # games running at once on one save folder
MAX_KEPT = 9999  # numbered slots tried when setting a game aside
# Why an autosave cannot be read that means its file is damaged (and is set aside, not replaced).
DAMAGED_KEYS = ("ui.save_corrupt", "ui.save_not_a_file", "ui.save_too_big", "ui.save_unreadable", "ui.save_foreign")


class Lane(NamedTuple):
    """The slots one running game autosaves into."""

    number: int
    autosave: str
    previous: str
    recovery: str


def lane(number: int) -> Lane:
    """The slots of lane ``number``.

    >>> lane(1).autosave, lane(2).autosave, lane(2).previous
    ('autosave', 'autosave-2', 'autosave-2-previous')
    """
    if number == 1:
        return Lane(1, AUTOSAVE, AUTOSAVE_PREVIOUS, RECOVERY)
    return Lane(number, f"autosave-{number}", f"autosave-{number}-previous", f"recovery-{number}")


# -- yes or no -----------------------------------------------------------------------------

def answer_of(session: Session, text: str, *, continuing: bool = True) -> bool | None:
    """A typed answer to a yes/no question, in any of the story's languages: True, False, or
    None for anything else. Enter (an empty answer) is yes; with ``continuing`` (the continue
    question) the word ``continue`` is yes too.

    ``y``, ``yes``, ``s``, ``sí``, ``si``, ``continue``, ``continuar`` / ``n``, ``no``."""
    word = fold(text)
    if not word:
        return True
    yes: set[str] = set()
    no: set[str] = set()
    for lang in session.story.languages:
        texts = Texts(session.catalog, lang)
        yes.update(fold(w) for w in texts.words("ui.yes_words"))
        if continuing:
            yes.update(fold(w) for w in texts.words("ui.cmd.continue"))
        no.update(fold(w) for w in texts.words("ui.no_words"))
    if word in yes:
        return True
    if word in no:
        return False
    return None


# -- the start -----------------------------------------------------------------------------

def opening(session: Session) -> tuple[str | None, list[Para]]:
    """Before the story: claim an autosave lane, and find the game to offer. Returns (the
    slot to offer, or None; messages: another game running, a damaged autosave, a writer's
    trial)."""
    notes = session.keeper.claim()
    slot, found = session.keeper.find_offer()
    if session.start_at is not None:  # a writer's trial says so before its first scene
        from adventure.play.trial import trial_note

        found = found + trial_note(session)
    return slot, notes + found


def start(session: Session, slot: str | None, answer: bool | None) -> list[Para]:
    """Begin after the continue question: continue from ``slot`` (True), or start afresh,
    keeping the game on file first -- said one way when the player answered no (False), and
    another when the input did not answer (None: a piped script's first line)."""
    if slot is not None and answer:
        return session.begin(slot)
    kept: list[Para] = []
    if slot is not None:
        kept = session.keeper.set_aside(slot, "ui.kept_earlier" if answer is False else "ui.kept_unanswered")
    return kept + ([BLANK] if kept else []) + session.begin()


# -- the keeper ----------------------------------------------------------------------------

class Keeper:
    """The autosave of one running game, in one save folder (see the module docstring)."""

    def __init__(self, session: Session, store: SaveStore | None, *,
                 fallback: Callable[[], Path] | None = None) -> None:
        self.session = session
        self.store = store
        self.lane = lane(1)
        self.lock: FolderLock | None = None
        self.claimed = False
        self.fallback = fallback  # the user's save folder, offered when this one fails
        self.saved_mark: tuple[object, ...] | None = None  # what the autosave holds
        self.checked = False  # whether the game on file in this lane was looked at
        self.blocked: Para | None = None  # set when the game on file could not be kept
        self.blocked_subs: dict[str, object] = {}
        self.leaving = False  # quitting, after a failed save: the player is asked what to do
        self.notices: list[Para] = []  # said with the next reply
        self.on_handled: Callable[[], None] | None = None  # reopens Ctrl-C (set by the game)

    # -- lanes --
    def claim(self) -> list[Para]:
        """Take the first free lane of the folder (the lock is kept until :meth:`release`)."""
        if self.claimed or self.store is None:
            return []
        self.claimed = True
        directory = self.store.directory
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError:
            return []  # nothing can be saved here anyway: no lock to take
        busy: FolderLock | None = None
        now = self.session.clock().isoformat(timespec="seconds")
        for number in range(1, MAX_LANES + 1):
            lock = FolderLock(lock_path(directory, number))
            try:
                if not lock.acquire(now=now):
                    busy = busy or lock
                    continue
            except OSError:  # the lock file cannot be made (a read-only folder): play unlocked
                return []
            self.lock, self.lane = lock, lane(number)
            break
        if busy is None:
            return []
        who = busy.holder()
        return [self.session.msg("ui.second_game", "error", slot=self.lane.autosave,
                                 when=local_time(who["started"]) if who["started"] else "?",
                                 pid=who["pid"] or "?")]

    def release(self) -> None:
        if self.lock is not None:
            self.lock.release()
            self.lock = None

    # -- what is on file --
    def on_file(self) -> tuple[str | None, list[Para]]:
        """The slot holding this lane's latest game (or None), with messages about damaged
        ones: the recovery slot (left by a crash) unless a later autosave supersedes it, else
        the autosave, else the previous autosave when the newest one is damaged. A damaged
        autosave is set aside (``autosave-damaged-1``), so that no autosave replaces it."""
        if self.store is None:
            return None, []
        s = self.session
        notes: list[Para] = []
        valid: dict[str, str] = {}  # slot -> saved_at
        lane_ = self.lane
        for slot in (lane_.recovery, lane_.autosave, lane_.previous):
            if (slot == lane_.previous and lane_.autosave in valid) or not self.store.exists(slot):
                continue
            try:
                obj = self.store.read(slot)
                decode(s.story, obj, slot=slot)
            except SaveError as exc:
                notes.append(s.msg(exc.key, "error", **exc.subs))
                if slot != lane_.recovery and exc.key in DAMAGED_KEYS:
                    kept = self.store.set_aside(slot)
                    if kept is not None:
                        notes.append(s.msg("ui.save_set_aside", slot=slot, kept=kept))
                continue
            valid[slot] = obj["saved_at"] if isinstance(obj.get("saved_at"), str) else ""
        auto = next((slot for slot in (lane_.autosave, lane_.previous) if slot in valid), None)
        if lane_.recovery in valid and (auto is None or valid[lane_.recovery] >= valid[auto]):
            return lane_.recovery, notes
        return auto, notes

    def find_offer(self) -> tuple[str | None, list[Para]]:
        """The slot to offer to continue from (see :meth:`on_file`); none for a writer's
        ``--start``."""
        if self.session.start_at is not None:
            return None, []
        return self.on_file()

    def resume(self, slot: str) -> list[Para]:
        """Continue from this lane's autosave or recovery slot (which is used up once loaded)."""
        s = self.session
        before = s.state
        from adventure.play.cmd_saves import load_slot  # (it names local_time from here)

        out = load_slot(s, slot, announce=False)
        if s.state is not before:
            self.checked = True  # the game on file is the one being played now
            if slot == self.lane.recovery and self.store is not None:
                try:
                    self.store.path(slot).unlink()
                except OSError:
                    pass
        return out

    # -- setting games aside --
    def keep(self, base: str, payload: dict[str, Any], state: State, history: Sequence[State]) -> str:
        """Store a game in ``base`` or the first free ``base-N``, never overwriting a slot;
        a slot already holding this very game (state and history) is used as it is. Returns
        the slot; raises SaveError."""
        assert self.store is not None
        story = self.session.story
        for n in range(1, MAX_KEPT + 1):
            name = base if n == 1 else f"{base}-{n}"
            for _ in range(2):
                if self.store.exists(name):
                    try:
                        other = decode(story, self.store.read(name), slot=name)
                    except SaveError:
                        break  # a damaged or foreign file there: leave it, take the next name
                    if other.state == state and other.history == history:
                        return name
                    break
                if self.store.create(name, payload):
                    return name
                # another process created it a moment ago: look at what it holds
        raise SaveError("ui.save_failed", error="no free slot")

    def set_aside(self, slot: str, key: str) -> list[Para]:
        """Keep the game in ``slot`` (this lane's autosave or recovery) as ``earlier-game``
        before a new game begins. If it cannot be kept, this game will not autosave over it."""
        s = self.session
        self.checked = True
        if self.store is None:
            return []
        try:
            obj = self.store.read(slot)
            game = decode(s.story, obj, slot=slot)
            if not game.history and not game.state.turn:
                return []  # a game never moved from its first scene: a new game gives it back
            kept = self.keep(EARLIER_GAME, obj, game.state, game.history)
        except SaveError as exc:
            self.blocked_subs = {"slot": slot, "error": str(exc.subs.get("error", exc.key))[:200]}
            self.blocked = s.msg("ui.keep_failed", "error", **self.blocked_subs)
            return [self.blocked]
        s.log("kept", slot=kept, was=slot)
        return [s.msg(key, slot=kept)]

    def keep_current(self, base: str = BEFORE_LOAD) -> str:
        """Keep the game being played (e.g. before a load replaces it). Raises SaveError."""
        s = self.session
        if self.store is None:
            raise SaveError("ui.save_disabled")
        return self.keep(base, s.payload(), s.current(), s.history)

    def _check_on_file(self) -> None:
        """Before this game first writes its autosave: a game on file in this lane that is not
        this one (a writer's ``--start``, a game begun without the continue question) is kept
        first, and the player is told."""
        if self.checked:
            return
        self.checked = True
        slot, _ = self.on_file()
        if slot is None:
            return
        s = self.session
        try:
            game = decode(s.story, self.store.read(slot), slot=slot) if self.store else None
        except SaveError:
            return
        if game is None or (game.state == s.state and game.history == s.history):
            return
        self.notices += self.set_aside(slot, "ui.kept_found")

    # -- writing --
    def write(self) -> SaveError | None:
        """Write this lane's autosave, keeping the previous one; the error if it failed.

        When nothing has moved since the last autosave (the usual case on quitting, as every
        step is autosaved), the autosave is refreshed in place, so the previous autosave
        still holds the step before."""
        s = self.session
        if self.store is None or s.state is None:
            return None
        self._check_on_file()
        if self.blocked is not None:
            return SaveError("ui.keep_failed", **self.blocked_subs)
        try:
            moved = s.progress_mark() != self.saved_mark
            self.store.write(self.lane.autosave, s.payload(), keep=self.lane.previous if moved else None)
        except SaveError as exc:
            return exc
        self.saved_mark = s.progress_mark()
        return None

    def autosave(self, *, quiet: bool = False) -> Para | None:
        """Save to this lane's autosave. Returns a message (with ``quiet``, only if the save
        failed; quiet autosaves are not in the transcript)."""
        s = self.session
        if self.store is None or s.state is None:
            return None
        problem = self.write()
        if problem is not None:
            return s.msg(problem.key, "error", **problem.subs)
        if quiet:
            return None
        return self._saved()[0]

    def _saved(self) -> list[Para]:
        """What a (non-quiet) autosave that worked says."""
        s = self.session
        if self.store is None or s.state is None:
            return []
        s.log("save", slot=self.lane.autosave)
        if self.lane.number == 1:
            return [s.msg("ui.autosaved")]
        return [s.msg("ui.autosaved_as", slot=self.lane.autosave)]

    def recover(self) -> str | None:
        """After an unexpected error: save the state to this lane's recovery slot."""
        s = self.session
        if self.store is None or s.state is None:
            return None
        try:
            self.store.write(self.lane.recovery, s.payload())
        except SaveError:
            return None
        return str(self.store.path(self.lane.recovery))

    def take_notices(self) -> list[Para]:
        out, self.notices = self.notices, []
        return out

    # -- leaving (adventure.play.leaving) --
    def fallback_dir(self) -> Path:
        from adventure.play import leaving

        return leaving.fallback_dir(self)

    def final_save(self) -> list[Para]:
        from adventure.play import leaving

        return leaving.final_save(self)

    def leave(self) -> tuple[list[Para], bool]:
        from adventure.play import leaving

        return leaving.leave(self)

    def leaving_line(self, line: str) -> tuple[list[Para], bool]:
        from adventure.play import leaving

        return leaving.leaving_line(self, line)


def local_time(iso: str) -> str:
    """An ISO date from a file, in local time to the minute (as written, for a hand-edited one)."""
    try:
        return datetime.datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M")
    except (ValueError, OverflowError, OSError):  # a hand-edited date such as year 1 or 9999
        return iso[:40]


def interrupt_handled(session: Session) -> None:
    """A shell caught Ctrl-C and the game goes on: the next Ctrl-C interrupts again."""
    hook = session.keeper.on_handled
    if hook is not None:
        hook()
