"""Issue 7, point 7: an unexpected error inside the game first saves the player's state to the
recovery slot, then says briefly where a crash report was written, and exits non-zero (70);
the next start offers the recovery slot.

The error is injected in a subprocess that replaces a method and then calls
``adventure.cli.main``, so everything around it is the real game.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from adventure.play.saves import SaveStore
from adventure.play.session import Session
from playkit import ROOT, TOOLBAR, clean_exit, finish, game_env, run_pipe, save_json, spawn, story_args
from storykit import load_fixture

INJECT = '''
import os, sys
sys.path.insert(0, {root!r})
from adventure import cli
from adventure.files import loader
from adventure.play import session

owner, name = os.environ["INJECT"].split(".")
target = {{"Session": session.Session, "loader": loader}}[owner]
real = getattr(target, name)

def failing(*args, **kwargs):
    line = args[1] if len(args) > 1 and isinstance(args[1], str) else None
    self = args[0] if args else None
    state = getattr(self, "state", None)
    if name == "handle" and line.strip() != "boom":
        return real(*args, **kwargs)
    if name in ("toolbar", "completions") and (state is None or state.scene == "pro_changsha"):
        return real(*args, **kwargs)
    raise RuntimeError("injected failure")

setattr(target, name, staticmethod(failing) if owner == "loader" else failing)
if os.environ.get("INJECT_RECOVER"):
    def recover_fails(self):
        raise TypeError("the recovery save failed too")
    session.Session.recover = recover_fails
sys.exit(cli.main())
'''

CRASH = "Something went wrong inside the game. Your progress was saved and will be offered next time. " \
        "A report was written to "


def injector(tmp_path: Path) -> str:
    script = tmp_path / "inject.py"
    script.write_text(INJECT.format(root=str(ROOT)), encoding="utf-8")
    return str(script)


def crash_report(saves: Path, output: str) -> str:
    """The report named by the crash message in ``output`` (which it checks)."""
    found = re.search(re.escape(CRASH) + r"(\S+)\.\r?$", output, re.M)
    assert found, output[-2000:]
    path = Path(found.group(1))
    assert path.parent == saves and path.name.startswith("crash-"), path
    report = path.read_text(encoding="utf-8")
    assert "RuntimeError: injected failure" in report and "Traceback" in report
    return report


def run_injected(tmp_path: Path, saves: Path, where: str, data: bytes, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, injector(tmp_path), *story_args()], input=data.decode(), text=True,
                          capture_output=True, cwd=str(ROOT), env=game_env(saves, INJECT=where, **env), timeout=60)


def test_crash_in_a_pipe_saves_reports_and_is_offered_next_time(tmp_path: Path) -> None:
    saves = tmp_path / "saves"
    proc = run_injected(tmp_path, saves, "Session.handle", b"1\nboom\nlook\n")
    assert proc.returncode == 70, proc.stdout[-2000:] + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr  # the traceback is in the report only
    crash_report(saves, proc.stderr)
    assert save_json(saves, "recovery")["state"]["scene"] == "pro_order"

    again = run_pipe(saves, b"continue\nquit\n")
    out = again.stdout.decode("utf-8")
    clean_exit(again, out + again.stderr.decode())
    assert "The game stopped unexpectedly last time; your progress was kept (Two weeks" in out
    assert "Continuing where you left off" in out and "Take the envelope for the southern gate" in out
    assert not (saves / "recovery.json").exists(), "the recovery slot is used up once resumed"
    assert save_json(saves, "autosave")["state"]["scene"] == "pro_order"


@pytest.mark.parametrize("where, keys", [
    ("Session.handle", ["1", "boom"]),          # a command
    ("Session.toolbar", ["1"]),                 # the bottom bar, drawn inside prompt_toolkit
    ("Session.completions", ["1", "take\t"]),   # Tab completion, run by prompt_toolkit's loop
])
def test_crash_in_a_terminal_saves_reports_and_is_offered_next_time(tmp_path: Path, where: str,
                                                                     keys: list[str]) -> None:
    import io

    import pexpect

    saves = tmp_path / "saves"
    child = pexpect.spawn(sys.executable, [injector(tmp_path), *story_args()], cwd=str(ROOT), timeout=15,
                          env=game_env(saves, INJECT=where), dimensions=(40, 100))
    child.log = io.BytesIO()
    child.logfile_read = child.log
    child.expect("Press Enter to begin")
    child.sendline("")
    for key in keys:
        child.expect(TOOLBAR)
        child.send(key if key.endswith("\t") else key + "\r")
    child.expect("A report was written to")
    output = finish(child).decode("utf-8", "replace")
    assert child.exitstatus == 70, output[-2000:]
    assert "Traceback" not in output and "Press ENTER to continue" not in output, output[-2000:]
    crash_report(saves, output)
    assert save_json(saves, "recovery")["state"]["scene"] == "pro_order"
    if where != "Session.handle":
        return  # the next start in a terminal is the same whatever broke

    child = spawn(saves)
    child.expect(r"The game stopped unexpectedly last time; your progress was kept \(Two weeks")
    child.sendline("y")
    child.expect("Continuing where you left off")
    child.expect("Take the envelope for the southern gate")
    child.expect(TOOLBAR)
    child.sendline("quit")
    clean_exit(child, finish(child))
    assert not (saves / "recovery.json").exists()


def test_crash_before_the_game_begins_has_nothing_to_save_but_still_reports(tmp_path: Path) -> None:
    saves = tmp_path / "saves"
    proc = run_injected(tmp_path, saves, "Session.begin", b"1\n")
    assert proc.returncode == 70 and "Traceback" not in proc.stderr, proc.stderr
    crash_report(saves, proc.stderr)
    assert not (saves / "recovery.json").exists()
    again = run_pipe(saves, b"quit\n")
    clean_exit(again, again.stdout + again.stderr)
    assert b"stopped unexpectedly" not in again.stdout


def test_crash_when_even_the_recovery_save_fails_still_reports(tmp_path: Path) -> None:
    saves = tmp_path / "saves"
    proc = run_injected(tmp_path, saves, "Session.handle", b"1\nboom\n", INJECT_RECOVER="1")
    assert proc.returncode == 70 and "Traceback" not in proc.stderr, proc.stderr
    report = crash_report(saves, proc.stderr)
    assert "the recovery save failed too" in report


def test_a_loader_bug_is_a_short_message_not_a_traceback(tmp_path: Path) -> None:
    saves = tmp_path / "saves"
    proc = run_injected(tmp_path, saves, "loader.load_story", b"1\n")
    assert proc.returncode == 70, proc.stderr
    assert "Traceback" not in proc.stderr and "A report was written to" in proc.stderr, proc.stderr


# -- which slot the next start offers ------------------------------------------------------

def _session(saves: Path, minute: int) -> Session:
    import datetime

    result = load_fixture()
    assert result.story is not None and result.catalog is not None
    stamp = datetime.datetime(2026, 1, 1, 12, minute, tzinfo=datetime.timezone.utc)
    return Session(result.story, result.catalog, lang="en", store=SaveStore(saves), clock=lambda: stamp)


def test_recovery_is_offered_before_an_older_autosave(tmp_path: Path) -> None:
    s = _session(tmp_path, 0)
    s.begin()
    s.quit()  # autosave at 12:00
    s = _session(tmp_path, 5)
    s.begin()
    s.handle("1")
    assert s.recover()  # a crash at 12:05
    offer = _session(tmp_path, 6).resumable()
    assert offer is not None and offer[0] == "recovery"


def test_a_later_autosave_supersedes_an_unused_recovery_slot(tmp_path: Path) -> None:
    """The player declined the recovery offer, played on and quit: the next start offers that
    newer autosave, not the stale recovery (which stays loadable by name)."""
    s = _session(tmp_path, 0)
    s.begin()
    s.handle("1")
    assert s.recover()
    s = _session(tmp_path, 10)
    s.begin()
    s.handle("2")
    s.quit()
    offer = _session(tmp_path, 11).resumable()
    assert offer is not None and offer[0] == "autosave"
    later = _session(tmp_path, 12)
    later.begin()
    assert "Loaded" in later.handle("load recovery").paras[0].text
