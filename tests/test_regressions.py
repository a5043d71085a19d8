"""Problems found by trying to break the game by hand (issue 7), one regression test each.

Each test names what used to happen. The others found the same way live beside the tests of
their area: pasted colour codes and Ctrl-C/Ctrl-D at the continue question in
test_terminal_matrix.py, errors inside prompt_toolkit callbacks in test_crash_recovery.py,
huge integers and non-ASCII digits in YAML in test_yaml_hazards.py, crafted numbers, escape
codes and Windows device names in test_nothing_executes.py, a second window's temporary
save in test_saves.py.
"""

from __future__ import annotations

import datetime
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from adventure.play.saves import SaveStore
from adventure.play.session import Session
from playkit import PLAY, ROOT, TOOLBAR, clean_exit, finish, game_env, run_pipe, save_json, spawn, story_args
from storykit import load_fixture


def session(saves: Path) -> Session:
    result = load_fixture()
    assert result.story is not None and result.catalog is not None
    s = Session(result.story, result.catalog, lang="en", store=SaveStore(saves))
    s.begin()
    return s


@pytest.mark.parametrize("typed", ["²", "١", "٣", "¹²", "9" * 4000, "notes ²", "notes ١", "notes " + "9" * 50])
def test_digits_that_are_not_ascii_are_not_numbers(typed: str, tmp_path: Path) -> None:
    """'²' passed str.isdigit() and then int() raised ValueError: a crash report."""
    reply = session(tmp_path).handle(typed)
    assert reply.paras and "understand" in reply.paras[0].text or "No unlocked note" in reply.paras[0].text


@pytest.mark.parametrize("summary", [5, "text", [1, 2], {"chapter": [1], "scene": {"a": 1}}, None])
def test_saves_listing_survives_an_odd_summary(summary: object, tmp_path: Path) -> None:
    """A hand-edited "summary": 5 made `saves` raise AttributeError."""
    s = session(tmp_path)
    s.handle("save good")
    data = json.loads((tmp_path / "good.json").read_text(encoding="utf-8"))
    data["summary"] = summary
    (tmp_path / "odd.json").write_text(json.dumps(data), encoding="utf-8")
    lines = [p.text for p in s.handle("saves").paras]
    assert any(line.strip().startswith("odd") for line in lines), lines
    assert "Loaded" in s.handle("load odd").paras[0].text


@pytest.mark.parametrize("saved_at", ["0001-01-01T00:00:00+05:00", "0001-01-01T00:00:00", "9999-12-31T23:59:59-12:00",
                                      "not a date", "", "x" * 500])
def test_saves_listing_survives_dates_out_of_range(saved_at: str, tmp_path: Path) -> None:
    """astimezone() raised OverflowError (year 1 or 9999 with an offset) in `saves` and in the
    continue offer."""
    s = session(tmp_path)
    s.handle("save good")
    data = json.loads((tmp_path / "good.json").read_text(encoding="utf-8"))
    data["saved_at"] = saved_at
    (tmp_path / "autosave.json").write_text(json.dumps(data), encoding="utf-8")
    assert len(s.handle("saves").paras) >= 3
    again = session(tmp_path)
    offer = again.resumable()
    assert offer is not None and "Continue from it?" in again.offer_text(offer[0])


def test_a_save_written_with_a_byte_order_mark_loads(tmp_path: Path) -> None:
    """Notepad on Windows adds a BOM when a student opens and saves a save file."""
    s = session(tmp_path)
    s.handle("1")
    s.handle("save mine")
    path = tmp_path / "mine.json"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    again = session(tmp_path)
    assert again.handle("load mine").paras[0].text == 'Loaded "mine".'
    assert again.state is not None and again.state.scene == "pro_order"


def test_output_into_a_closed_pipe_is_not_a_crash(tmp_path: Path) -> None:
    """`python play.py | head` wrote a crash report and a recovery slot (BrokenPipeError)."""
    saves = tmp_path / "saves"
    proc = subprocess.run(f'yes 1 | head -c 100000 | "{sys.executable}" "{PLAY}" {" ".join(story_args())} | head -c 300',
                          shell=True, capture_output=True, cwd=str(ROOT), env=game_env(saves), timeout=60)
    assert proc.returncode == 0 and proc.stderr == b"", proc.stderr
    assert len(proc.stdout) == 300
    assert not list(saves.glob("crash-*")) and not (saves / "recovery.json").exists()
    assert (saves / "autosave.json").is_file(), "the game is kept"


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT])
def test_termination_signals_save_the_game_through_a_pipe(signum: int, tmp_path: Path) -> None:
    """SIGTERM (shutdown), SIGHUP (window closed) and SIGQUIT (Ctrl-\\) ended the game
    without saving: everything since the start was lost."""
    saves = tmp_path / "saves"
    proc = subprocess.Popen([sys.executable, PLAY, *story_args()], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, cwd=str(ROOT), env=game_env(saves))
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(b"2\n")
    proc.stdin.flush()
    seen = b""
    deadline = time.monotonic() + 30
    while b"The cliffs" not in seen and time.monotonic() < deadline:
        seen += proc.stdout.read1(65536)
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 128 + signum, (proc.returncode, err)
    assert b"Traceback" not in err
    assert save_json(saves, "autosave")["state"]["scene"] == "pro_cliffs"


def test_window_closed_in_a_terminal_saves_the_game(tmp_path: Path) -> None:
    saves = tmp_path / "saves"
    child = spawn(saves)
    child.expect("Press Enter")
    child.sendline("")
    child.expect(TOOLBAR)
    child.sendline("2")
    child.expect("The cliffs")
    child.expect(TOOLBAR)
    child.kill(signal.SIGHUP)
    out = finish(child)
    assert child.exitstatus == 128 + signal.SIGHUP and b"Traceback" not in out
    assert save_json(saves, "autosave")["state"]["scene"] == "pro_cliffs"


def test_sigint_at_the_main_prompt_saves_and_quits(tmp_path: Path) -> None:
    """A SIGINT from outside (kill -INT) while the prompt waits is Ctrl-C on an empty line: the
    game asks, and quits with a save. (With prompt_toolkit's own SIGINT handler, a SIGINT
    landing as a prompt finished printed an asyncio traceback.)"""
    saves = tmp_path / "saves"
    child = spawn(saves)
    child.expect("Press Enter")
    child.sendline("")
    child.expect(TOOLBAR)
    child.sendline("1")
    child.expect(TOOLBAR)
    child.kill(signal.SIGINT)
    child.expect(r"Quit the game\? .*\[Y/n\]")
    child.sendline("")
    child.expect("Goodbye")
    clean_exit(child, finish(child))
    assert save_json(saves, "autosave")["state"]["scene"] == "pro_order"


def test_escape_bytes_typed_into_a_pipe_are_not_echoed(tmp_path: Path) -> None:
    """Plain mode echoed each input line verbatim, so ESC [ 2 J in the input reached the output."""
    proc = run_pipe(tmp_path / "saves", b"\x1b[2J\x1b]0;title\x07look\nnotes \x1b[31m1\n")
    clean_exit(proc, proc.stdout + proc.stderr)
    assert b"\x1b" not in proc.stdout and b"\x07" not in proc.stdout
    assert b"> [2J]0;titlelook" in proc.stdout


def test_crash_report_goes_in_the_save_folder(tmp_path: Path) -> None:
    """The report was written beside the save folder: with --save-dir ~/saves, into the home
    folder. Now it is in the folder `saves` shows. (test_crash_recovery.py checks the rest.)"""
    import io

    from adventure.cli import Context
    from adventure.play.game import _crash

    saves = tmp_path / "saves"
    err = io.StringIO()
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        code = _crash(session(saves), saves, Context({}, None, io.StringIO(), err))
    assert code == 70
    reports = list(saves.glob("crash-*.txt"))
    assert len(reports) == 1 and str(reports[0]) in err.getvalue()
    assert "RuntimeError: boom" in reports[0].read_text(encoding="utf-8")
    assert (saves / "recovery.json").is_file()
    assert datetime.date.today().strftime("%Y%m%d") in reports[0].name


def test_a_huge_file_in_the_story_folder_is_not_read_into_memory(tmp_path: Path) -> None:
    """A 4 GB file named .yaml (a video, a disk image) was read whole before its size was
    checked; now its size is checked first."""
    from storykit import check_dir, write_story

    root = write_story(tmp_path)
    with (root / "story" / "video.yaml").open("wb") as f:
        f.truncate(4 * 1024**3)  # sparse: takes no disk space
    import tracemalloc

    tracemalloc.start()
    try:
        found = [d for d in check_dir(root) if d.code == "E110"]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 64 * 1024**2  # never read: a 4 GB read would need 4 GB
    assert found and found[0].path.endswith("video.yaml") and "4096.0 MB" in found[0].message


@pytest.mark.parametrize("redirect, code", [("<&-", 0), (">&-", 0), (">&- 2>&-", 0), ("> /dev/full", 74)])
def test_closed_or_full_standard_streams(redirect: str, code: int, tmp_path: Path) -> None:
    """`python play.py <&-` (no stdin) and `>&-` (no stdout) wrote crash reports; output to a
    full disk did too. Now: no input is the end of input, no output is a sink, and a full disk
    is a one-line message and exit 74 -- with the game saved whenever it had begun."""
    saves = tmp_path / "saves"
    proc = subprocess.run(f'printf "2\\nquit\\n" | "{sys.executable}" "{PLAY}" {" ".join(story_args())} {redirect}',
                          shell=True, capture_output=True, cwd=str(ROOT), env=game_env(saves), timeout=60)
    assert proc.returncode == code, proc.stderr
    assert b"Traceback" not in proc.stderr and not list(saves.glob("crash-*"))
    if code == 74:
        assert proc.stderr.startswith(b"The game's output could not be written (No space left on device).")
    else:
        assert (saves / "autosave.json").is_file()


def test_a_transcript_on_a_full_disk_does_not_stop_the_game(tmp_path: Path) -> None:
    """The transcript's last flush on close raised OSError after the game had said goodbye."""
    proc = run_pipe(tmp_path / "saves", b"1\nquit\n", "--transcript", "/dev/full")
    clean_exit(proc, proc.stdout + proc.stderr)
    assert proc.stderr == b"" and b"Goodbye" in proc.stdout


def test_check_into_a_closed_pipe(tmp_path: Path) -> None:
    """`python play.py check | head -1` on a story with many problems ended in a traceback."""
    import shutil

    from storykit import FIXTURE

    root = tmp_path / "story"
    shutil.copytree(FIXTURE, root)
    with (root / "locales/en/story.yaml").open("a", encoding="utf-8") as f:
        f.writelines(f"  extra_{i}: text\n" for i in range(3000))
    proc = subprocess.run(f'"{sys.executable}" "{PLAY}" check {" ".join(story_args(root))} | head -1', shell=True,
                          capture_output=True, cwd=str(ROOT), timeout=60)
    assert proc.stdout.count(b"\n") == 1 and b"W301" in proc.stdout
    assert proc.stderr == b"", proc.stderr


def test_answer_editor_survives_pasted_escape_codes(tmp_path: Path) -> None:
    """The classroom answer editor had its own key bindings, without the guard: a pasted
    colour code parsed as a mouse report and printed prompt_toolkit's traceback. And an
    answer keeps no control characters (it goes into the save and the teacher's report)."""
    classroom = Path(__file__).resolve().parent / "fixtures" / "classroom"
    child = spawn(tmp_path / "saves", "--classroom", story=classroom)
    child.expect("Press Enter to begin")
    child.sendline("")
    for choice in ["1", "1", "2", "1", "2", "1", "1", "1"]:  # to the first chapter's end
        child.expect(r"(reflections \d+/\d+|Enter on an empty line: finish)")
        child.sendline(choice)
    child.expect("Enter on an empty line: finish")
    child.send(b"They \x1b[31mneeded\x1b[0m \x1b[M !!time\x07.\r\r")
    child.expect("Your answer is kept")
    child.expect("Enter on an empty line: finish")
    child.send("skip\r")
    child.expect(r"reflections \d+/\d+")
    child.sendline("save mine")
    child.expect('Saved as "mine"')
    child.sendline("quit")
    out = finish(child)
    clean_exit(child, out)
    answers = save_json(tmp_path / "saves", "mine")["extra"]["classroom"]["answers"]
    text = next(iter(answers.values()))["text"]
    assert "\x1b" not in text and "\x07" not in text and "They" in text and "time" in text
