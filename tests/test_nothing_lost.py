"""Issue 10, point 3: nothing the player reached is ever lost -- stated as a property and
tested as one, on random sequences of what a player (or two) can do with one save folder.

**A game the player reached.** A *game* is a line of play opened by a start: a new game at
the first start, a new game after answering no to "Continue from it?", a piped run whose first
line does not answer that question, a new game in a second process on the same folder.
Choosing, ``undo`` and ``restart`` move within the game (undo's abandoned branch is the
player's own taking-back, not a separate game). Continuing from the autosave, or loading a
slot that holds exactly the game being played, carries on that same game; loading anything
else opens a new game (a fork), and the game it replaced stays a game the player reached.
A game's *latest state* is its state and undo history (compared exactly, both) after the
last step the player was shown: when the session quits, when the process is killed (with
SIGKILL, or in-process mid-write, where the step being saved was never shown), when it is
replaced. A game still at its first scene with nothing to undo is not counted (starting
afresh gives it back).

**The property**, checked after every rule: the latest state of every game reached (those
still being played included) is in a slot that ``saves`` lists (``SaveStore.list``) in the
save folder or in the folder the game offered when the save folder failed, and it loads.

The rules: start (continue yes / no, in either language), choose, undo, restart, save, load
(any listed slot, the game's own included), quit, kill (between steps, or in-process at a
write boundary), a piped run (in-process ``cli.main`` with piped input: the first line
answers or not), a second process on the same folder (a real ``play.py`` through a pipe,
stepped, then quitting or SIGKILLed) and an unwritable folder (writes into it fail; quitting
then asks, and Enter saves into the fallback folder). 200 examples, 5,000 with ``--long``.
"""

from __future__ import annotations

import io
import itertools
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

import adventure.files.atomic
import adventure.play.game
import adventure.play.savestore
from adventure import cli
from adventure.core.engine import available, new_game, step
from adventure.play.persistence import answer_of, opening, start
from adventure.play.saves import SaveError, SaveStore, decode
from adventure.play.session import Session
from playkit import PLAY, ROOT, game_env, story_args
from storykit import FIXTURE_ARGS, load_fixture

RESULT = load_fixture()
STORY, CATALOG = RESULT.story, RESULT.catalog
assert STORY is not None and CATALOG is not None
Pair = tuple[Any, tuple[Any, ...]]  # (state, history)


class Killed(BaseException):
    """The in-process stand-in for SIGKILL: raised at a write boundary, caught by nobody in the game."""


def pair_of(session: Session) -> Pair:
    return (session.state, tuple(session.history))


def first_choice(state: Any, history: tuple[Any, ...]) -> Pair:
    """What typing ``1`` does to a game (as the real game in a subprocess does it)."""
    if state.ending is not None:
        return state, history
    choices = available(STORY, state)
    if not choices:
        return state, history
    new, _ = step(STORY, state, choices[0].id)
    return new, history + (state,)


class Recording(Session):
    """The game's own Session, remembering itself and what it continued from."""

    made: list[Recording] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.began_from: Pair | None = None
        Recording.made.append(self)

    def begin(self, resume: str | None = None, **kwargs: Any) -> list[Any]:
        out = super().begin(resume, **kwargs)
        if resume is not None and self.state is not None:
            self.began_from = pair_of(self)
        return out


class SaveFolder(RuleBasedStateMachine):

    def __init__(self) -> None:
        super().__init__()
        # In memory where the system has such a folder: every save is fsync-ed, and durability is
        # not what this test is about (test_reliability_saves.py kills real games mid-save).
        ram = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
        self.root = Path(tempfile.mkdtemp(prefix="nothing-lost-", dir=ram))
        self.saves = self.root / "saves"
        self.fallback = self.root / "fallback"
        self.s: Session | None = None
        self.game = 0
        self.ids = itertools.count(1)
        self.latest: dict[int, Pair] = {}
        self.proc: subprocess.Popen[bytes] | None = None
        self.proc_game = 0
        self.proc_marks = 0
        self.proc_out = b""
        self.spawned = False
        self.real_processes = False

    @initialize(n=st.integers(0, 3))
    def real_process_or_not(self, n: int) -> None:
        """One example in four also runs a real second process (each costs a Python start)."""
        self.real_processes = n == 0

    # -- bookkeeping ------------------------------------------------------------------------
    def new_id(self) -> int:
        return next(self.ids)

    def adopt(self, pair: Pair) -> int:
        """The game a continued pair belongs to: the newest one with that latest state that
        is not being played elsewhere (two games can be at the same point)."""
        live = {self.proc_game} if self.proc is not None else set()
        if self.s is not None:
            live.add(self.game)
        for gid in sorted(self.latest, reverse=True):
            if gid not in live and self.latest[gid] == pair:
                return gid
        return self.new_id()

    def update(self) -> None:
        if self.s is not None and self.s.state is not None:
            self.latest[self.game] = pair_of(self.s)

    def session(self) -> Session:
        s = Session(STORY, CATALOG, lang="en", store=SaveStore(self.saves))
        s.keeper.fallback = lambda: self.fallback
        return s

    def on_disk(self) -> list[Pair]:
        found = []
        for folder in (self.saves, self.fallback):
            store = SaveStore(folder)
            for info in store.list():
                if not info.ok:
                    continue
                try:
                    loaded = decode(STORY, store.read(info.slot), slot=info.slot)
                except SaveError:
                    continue
                found.append((loaded.state, tuple(loaded.history)))
        return found

    @invariant()
    def nothing_reached_is_lost(self) -> None:
        required = {gid: pair for gid, pair in self.latest.items() if pair[1]}
        if not required:
            return
        found = self.on_disk()
        for gid, pair in required.items():
            assert pair in found, f"game {gid} at {pair[0].scene} (turn {pair[0].turn}, {len(pair[1])} steps back) is lost"

    # -- the player's window (in-process) -----------------------------------------------------
    @precondition(lambda self: self.s is None)
    @rule(answer=st.sampled_from(["y", "sí", "continuar", "", "n", "no"]))
    def start(self, answer: str) -> None:
        s = self.session()
        slot, notes = opening(s)
        said = answer_of(s, answer) if slot is not None else None
        offered = decode(STORY, SaveStore(self.saves).read(slot)) if slot is not None else None
        paras = start(s, slot, said)
        text = "\n".join(p.text for p in paras)
        if slot is not None and said:
            self.game = self.adopt(pair_of(s))
        else:
            self.game = self.new_id()
            if offered is not None and (offered.history or offered.state.turn):
                assert "is kept as" in text, text
        self.s = s
        self.update()

    @precondition(lambda self: self.s is not None)
    @rule(n=st.integers(1, 3))
    def choose(self, n: int) -> None:
        assert self.s is not None
        self.s.handle(str(n))
        self.update()

    @precondition(lambda self: self.s is not None)
    @rule(command=st.sampled_from(["undo", "restart", "deshacer"]))
    def undo_or_restart(self, command: str) -> None:
        assert self.s is not None
        self.s.handle(command)
        self.update()

    @precondition(lambda self: self.s is not None)
    @rule(name=st.sampled_from(["a", "b"]))
    def save(self, name: str) -> None:
        assert self.s is not None
        reply = self.s.handle(f"save {name}")
        assert "Saved as" in reply.paras[0].text

    @precondition(lambda self: self.s is not None)
    @rule(data=st.data())
    def load(self, data: st.DataObject) -> None:
        assert self.s is not None
        slots = sorted(info.slot for info in SaveStore(self.saves).list() if info.ok)
        if not slots:
            return
        slot = data.draw(st.sampled_from(slots))
        before = pair_of(self.s)
        reply = self.s.handle(f"load {slot}")
        if any(p.text.startswith("Loaded") for p in reply.paras) and pair_of(self.s) != before:
            self.game = self.new_id()
        self.update()

    @precondition(lambda self: self.s is not None)
    @rule()
    def quit(self) -> None:
        assert self.s is not None
        reply = self.s.handle("quit")
        assert reply.quit, [p.text for p in reply.paras]
        self.s.keeper.release()
        self.s = None

    @precondition(lambda self: self.s is not None)
    @rule(mid_write=st.booleans())
    def kill(self, mid_write: bool) -> None:
        """SIGKILL between two steps, or while the next step is being saved: the temporary
        file is half written, nothing is renamed, and the step was never shown."""
        assert self.s is not None
        if mid_write:
            original = adventure.play.savestore.write_atomic

            def dying(path: Path, data: bytes | list[bytes], *, durable: bool = True, keep: Path | None = None) -> None:
                whole = data if isinstance(data, bytes) else b"".join(data)
                adventure.files.atomic.temp_name(path).write_bytes(whole[: len(whole) // 2])
                raise Killed

            adventure.play.savestore.write_atomic = dying  # type: ignore[assignment]
            try:
                self.s.handle("1")
            except Killed:
                pass
            finally:
                adventure.play.savestore.write_atomic = original
        self.s.keeper.release()  # the OS drops a dead process's lock
        self.s = None

    @precondition(lambda self: self.s is not None)
    @rule(typed=st.booleans())
    def unwritable_folder(self, typed: bool) -> None:
        """Every write into the save folder fails; the player steps, then quits: the game says
        so and stays; Enter (or typing the fallback folder) saves there, and then it leaves."""
        assert self.s is not None
        saves = self.saves
        originals = (SaveStore.write, SaveStore.create)

        def refuse(self_: SaveStore, *args: Any, **kwargs: Any) -> Any:
            if self_.directory == saves:
                raise SaveError("ui.save_failed", error="Permission denied")
            return originals[0](self_, *args, **kwargs)

        def refuse_create(self_: SaveStore, *args: Any, **kwargs: Any) -> Any:
            if self_.directory == saves:
                raise SaveError("ui.save_failed", error="Permission denied")
            return originals[1](self_, *args, **kwargs)

        SaveStore.write, SaveStore.create = refuse, refuse_create  # type: ignore[method-assign]
        try:
            self.s.handle("1")
            self.update()
            reply = self.s.handle("quit")
            assert not reply.quit and "could not be saved" in reply.paras[0].text
            reply = self.s.handle(str(self.fallback) if typed else "")
            assert reply.quit and "was saved in" in reply.paras[0].text, [p.text for p in reply.paras]
        finally:
            SaveStore.write, SaveStore.create = originals  # type: ignore[method-assign]
        self.s.keeper.release()
        self.s = None

    # -- a piped run (in-process: the real cli.main with piped input) -------------------------
    @rule(first=st.sampled_from(["y", "n", "1", "", None]),
          rest=st.lists(st.sampled_from(["1", "2", "undo", "restart"]), max_size=4))
    def piped_run(self, first: str | None, rest: list[str]) -> None:
        data = b"" if first is None else ("\n".join([first, *rest]) + "\n").encode()
        Recording.made = []
        original = adventure.play.game.Session
        adventure.play.game.Session = Recording  # type: ignore[misc]
        out = io.StringIO()
        try:
            code = cli.main([*FIXTURE_ARGS, "--save-dir", str(self.saves), "--lang", "en"],
                            env={**os.environ, "HENGYANG_SAVE_DIR": str(self.fallback)},
                            stdin=io.BytesIO(data), stdout=out, stderr=io.StringIO())
        finally:
            adventure.play.game.Session = original  # type: ignore[misc]
        assert code == 0, out.getvalue()[-2000:]
        run = Recording.made[-1]
        if run.state is None:  # left at the question: nothing was played
            return
        gid = self.adopt(run.began_from) if run.began_from is not None else self.new_id()
        self.latest[gid] = pair_of(run)

    # -- a second process (a real play.py through a pipe) -------------------------------------
    @precondition(lambda self: self.real_processes and self.proc is None and not self.spawned)
    @rule()
    def second_process(self) -> None:
        """A real game starts on the same folder; its first line, 1, is no answer to the
        continue question (so any saved game is kept) or, with nothing to continue, its first
        move. Its game is worked out with the engine, independently of the process."""
        self.spawned = True
        self.proc = subprocess.Popen([sys.executable, PLAY, *story_args(), "--save-dir", str(self.saves)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     cwd=str(ROOT), env=game_env(self.fallback))
        self.proc_game = self.new_id()
        state, _ = new_game(STORY)
        self.latest[self.proc_game] = (state, ())
        self.proc_step()

    def proc_step(self) -> None:
        assert self.proc is not None and self.proc.stdin is not None and self.proc.stdout is not None
        self.proc_marks += 1
        mark = f"mark{self.proc_marks}".encode()
        self.proc.stdin.write(b"1\n" + mark + b"\n")
        self.proc.stdin.flush()
        want = b'understand "' + mark
        deadline = time.monotonic() + 30
        while want not in self.proc_out:
            assert time.monotonic() < deadline, self.proc_out[-2000:]
            ready, _, _ = select.select([self.proc.stdout], [], [], 1)
            if ready:
                chunk = os.read(self.proc.stdout.fileno(), 65536)
                assert chunk, self.proc_out[-2000:]
                self.proc_out += chunk
        self.latest[self.proc_game] = first_choice(*self.latest[self.proc_game])

    @precondition(lambda self: self.proc is not None)
    @rule()
    def second_process_steps(self) -> None:
        self.proc_step()

    @precondition(lambda self: self.proc is not None)
    @rule(kill=st.booleans())
    def second_process_ends(self, kill: bool) -> None:
        assert self.proc is not None and self.proc.stdin is not None
        if kill:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.stdin.close()
        self.proc_out += self.proc.stdout.read() if self.proc.stdout else b""
        code = self.proc.wait(30)
        assert code == (-signal.SIGKILL if kill else 0), self.proc_out[-2000:]
        assert b"Traceback" not in self.proc_out
        if self.proc.stdout:
            self.proc.stdout.close()
        self.proc = None

    def teardown(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait(30)
            for stream in (self.proc.stdin, self.proc.stdout):
                if stream:
                    stream.close()
        if self.s is not None:
            self.s.keeper.release()
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.mark.slow
def test_nothing_the_player_reached_is_ever_lost(long_mode: bool) -> None:
    started = time.perf_counter()
    run_state_machine_as_test(SaveFolder, settings=settings(
        max_examples=5000 if long_mode else 200, stateful_step_count=12, deadline=None, database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]))
    print(f"\nnothing-lost property: {5000 if long_mode else 200} examples in {time.perf_counter() - started:.1f} s")
