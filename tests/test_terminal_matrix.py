"""Issue 7, point 6: the real game in odd terminals and through pipes.

TERM=dumb, NO_COLOR, an ASCII-only locale, 20 columns, a resize mid-game, Ctrl-C and Ctrl-D at
every kind of prompt, garbage bytes and enormous lines on stdin, output redirected to a file.
Wherever the player quits the exit code is 0; there is never a traceback; there are no escape
bytes at all when output is not a terminal (or TERM=dumb), and no colour codes when colour is
off. (In a terminal the line editor still moves the cursor, and the bottom bar is drawn in
reverse video, with NO_COLOR too: those are not colours.)
"""

from __future__ import annotations

import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pexpect
import pytest

from playkit import (
    PLAY,
    ROOT,
    TOOLBAR,
    clean_exit,
    colour_codes,
    expect_reading,
    finish,
    game_env,
    paste,
    run_pipe,
    spawn,
    story_args,
)

ESC = b"\x1b"
ANSI = re.compile(rb"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-Z\\-_]")


def visible_lines(output: bytes) -> list[str]:
    """What a terminal would show, roughly: escape sequences removed, split into lines."""
    text = ANSI.sub(b"", output).decode("utf-8", "replace")
    return [line.rstrip() for line in re.split(r"\r?\n|\r", text)]


def start(saves: Path, *args: str, **env: str) -> pexpect.spawn:
    child = spawn(saves, *args, **env)
    child.expect("Press Enter to begin")
    child.sendline("")
    child.expect(TOOLBAR)
    return child


# -- modes ---------------------------------------------------------------------------------

def test_term_dumb_in_a_terminal_is_plain_with_no_escape_bytes(tmp_path: Path) -> None:
    child = spawn(tmp_path / "saves", TERM="dumb")
    child.expect("Press Enter to begin")  # a person at the keyboard (tests/test_readme_terminals.py)
    child.sendline("")
    child.expect("The news from the north")
    child.expect("> ")
    child.sendline("1")
    child.expect("Two weeks")
    child.expect("> ")
    child.sendline("load nothing")  # an error message
    child.expect("> ")
    child.sendline("quit")
    out = finish(child)
    clean_exit(child, out)
    assert ESC not in out


def test_no_color_in_a_terminal_has_no_colour_codes(tmp_path: Path, long_mode: bool) -> None:
    """NO_COLOR=1 (and, in long mode, --no-color too)."""
    for n, (args, env) in enumerate([((), {"NO_COLOR": "1"}), (("--no-color",), {})][:2 if long_mode else 1]):
        child = start(tmp_path / f"saves{n}", *args, **env)
        for line in ("1", "notes 1", "help", "load nothing", "save ../x", "xyzzy"):
            child.sendline(line)
            child.expect(TOOLBAR)
        child.sendcontrol("c")
        child.expect("Quit the game")
        child.sendline("y")
        out = finish(child)
        clean_exit(child, out)
        assert colour_codes(out) == [], colour_codes(out)[:5]


def test_colour_is_on_by_default_in_a_terminal(tmp_path: Path) -> None:
    """The check above can fail: without NO_COLOR the same run has colour codes."""
    child = start(tmp_path / "saves")
    child.sendline("quit")
    out = finish(child)
    clean_exit(child, out)
    assert colour_codes(out)


def test_ascii_only_locale_in_a_terminal(tmp_path: Path) -> None:
    """LC_ALL=C PYTHONUTF8=0: the Spanish text is shown with ASCII stand-ins, never a
    UnicodeEncodeError."""
    child = spawn(tmp_path / "saves", "--lang", "es", LC_ALL="C", PYTHONUTF8="0")
    child.expect("Pulsa Intro")
    child.sendline("")
    child.expect(TOOLBAR)
    child.sendline("2")
    child.expect(TOOLBAR)
    child.sendline("notas 1")
    child.expect(TOOLBAR)
    child.sendline("ñandú")  # typed non-ASCII input on an ASCII terminal
    child.expect(TOOLBAR)
    child.sendline("salir")
    out = finish(child)
    clean_exit(child, out)
    text = "\n".join(visible_lines(out))
    assert "Prologo: La orden" in text and "La caida de Changsha" in text, text[-2000:]
    assert not re.search(rb"[\x80-\xff]", ANSI.sub(b"", out).replace(b"\xc3\xb1and\xc3\xba", b"")), \
        "only ASCII reaches an ASCII terminal"


def test_ascii_only_locale_through_a_pipe(tmp_path: Path) -> None:
    proc = run_pipe(tmp_path / "saves", "2\nnotas 1\nñandú\n".encode(), "--lang", "es", LC_ALL="C",
                    PYTHONUTF8="0")
    clean_exit(proc, proc.stdout + proc.stderr)
    assert b"Prologo: La orden" in proc.stdout and b"La caida de Changsha" in proc.stdout
    assert not re.search(rb"[\x80-\xff]", proc.stdout) and ESC not in proc.stdout


def test_twenty_columns_and_a_resize_mid_game(tmp_path: Path) -> None:
    bar = r"\x1b\[0;7m "  # the bottom bar starts (in 20 columns it cannot hold the notes count)
    child = spawn(tmp_path / "saves", rows=30, cols=20)
    expect_reading(child, "Press Enter")
    child.sendline("")
    expect_reading(child, bar)
    narrow = child.log.getvalue()
    child.setwinsize(30, 50)
    child.sendline("look")
    expect_reading(child, "The news from the north")  # (the bar is redrawn as a line is typed, too)
    expect_reading(child, bar)
    wide_from = len(child.log.getvalue())
    child.sendline("1")
    expect_reading(child, "Two weeks")
    expect_reading(child, bar)
    wide = child.log.getvalue()[wide_from:]
    child.setwinsize(30, 20)
    child.sendline("notes 1")
    expect_reading(child, "Sources")
    expect_reading(child, bar)
    child.sendline("quit")
    out = finish(child)
    clean_exit(child, out)

    def text_lines(chunk: bytes) -> list[str]:
        return [ln for ln in visible_lines(chunk)
                if ln.strip() and "Prologue" not in ln and "Press Enter" not in ln and not ln.startswith(">")]

    assert max(len(ln) for ln in text_lines(narrow)) <= 20, max(text_lines(narrow), key=len)
    widths = [len(ln) for ln in text_lines(wide)]
    assert 20 < max(widths) <= 50, "after the resize the text is wrapped to the new width"


# -- Ctrl-C and Ctrl-D at every prompt ------------------------------------------------------

def test_ctrl_c_or_d_at_press_enter_leaves_quietly(tmp_path: Path, long_mode: bool) -> None:
    for key in ("c", "d") if long_mode else ("c",):
        child = spawn(tmp_path / "saves")
        child.expect("Press Enter to begin")
        child.sendcontrol(key)
        child.expect("Goodbye")
        clean_exit(child, finish(child))
        assert not (tmp_path / "saves" / "autosave.json").exists()


def test_ctrl_c_or_d_at_the_continue_question_leaves_the_autosave_alone(tmp_path: Path, long_mode: bool) -> None:
    saves = tmp_path / "saves"
    clean_exit(proc := run_pipe(saves, b"1\n2\nquit\n"), proc.stdout + proc.stderr)
    before = (saves / "autosave.json").read_bytes()
    for key in ("c", "d") if long_mode else ("d",):
        child = spawn(saves)
        child.expect("Continue from it")
        child.sendcontrol(key)
        child.expect("Goodbye")
        clean_exit(child, finish(child))
        assert (saves / "autosave.json").read_bytes() == before, "Ctrl-C/D at the question must not start afresh"


def test_ctrl_c_at_the_main_prompt_with_and_without_text_and_at_the_quit_question(tmp_path: Path) -> None:
    child = start(tmp_path / "saves")
    child.send("half a comm")
    child.sendcontrol("c")  # clears the line
    child.sendline("1")
    child.expect("Two weeks")
    child.expect(TOOLBAR)
    child.sendcontrol("c")  # empty line: asks
    child.expect(r"Quit the game\? Your progress is saved automatically\. \[Y/n\]")
    child.sendline("n")
    child.expect(TOOLBAR)
    child.sendcontrol("c")
    child.expect("Quit the game")
    child.sendcontrol("c")  # at the question: yes, quit
    child.expect("Goodbye")
    clean_exit(child, finish(child))
    assert (tmp_path / "saves" / "autosave.json").is_file()


def test_ctrl_d_at_the_quit_question_and_at_the_main_prompt(tmp_path: Path) -> None:
    child = start(tmp_path / "saves")
    child.sendcontrol("c")
    child.expect("Quit the game")
    child.sendcontrol("d")
    child.expect("Goodbye")
    clean_exit(child, finish(child))
    child = spawn(tmp_path / "saves")
    child.expect("Continue from it")
    child.sendline("y")
    child.expect(TOOLBAR)
    child.sendcontrol("d")
    child.expect("Goodbye")
    clean_exit(child, finish(child))


def test_ctrl_c_in_plain_mode_on_a_terminal(tmp_path: Path) -> None:
    child = spawn(tmp_path / "saves", "--plain")
    child.expect("> ")
    child.sendcontrol("c")
    child.expect(r"Line cancelled")
    child.expect("> ")
    child.sendline("1")
    child.expect("Two weeks")
    child.expect("> ")
    child.sendcontrol("c")
    child.expect("> ")
    child.sendcontrol("c")
    child.expect("Goodbye")
    clean_exit(child, finish(child))
    assert ESC not in child.log.getvalue()


def test_sigint_through_a_pipe_saves_and_exits_zero(tmp_path: Path) -> None:
    saves = tmp_path / "saves"
    proc = subprocess.Popen([sys.executable, PLAY, *story_args()], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, cwd=str(ROOT), env=game_env(saves))
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(b"1\n")
    proc.stdin.flush()
    deadline = time.monotonic() + 30
    stdout = proc.stdout

    def until_prompt_after(marker: bytes, seen: bytes) -> bytes:
        """Read until ``marker`` is out and the game, after it, waits at its prompt: it has
        written "> " and reads (the signal gate is open again by then)."""
        start = len(seen)
        while not (marker in seen[start:] and seen.endswith(b"> ")) and time.monotonic() < deadline:
            seen += stdout.read1(65536)
        assert marker in seen[start:] and seen.endswith(b"> "), seen[start:]
        return seen

    seen = until_prompt_after(b"Two weeks", b"")
    proc.send_signal(signal.SIGINT)  # the first: the line is cancelled, the game goes on
    seen = until_prompt_after(b"Line cancelled", seen)
    proc.send_signal(signal.SIGINT)  # the second, on an empty line: save and leave
    out, err = proc.communicate(timeout=30)
    clean_exit(proc, seen + out + err)
    assert b"Goodbye" in out and ESC not in seen + out
    assert (saves / "autosave.json").is_file()


# -- garbage, long lines, redirection -------------------------------------------------------

def test_garbage_bytes_through_a_pipe(tmp_path: Path, long_mode: bool) -> None:
    for seed in range(20 if long_mode else 1):
        rng = random.Random(seed)
        data = rng.randbytes(20000) + b"\n" + b"\n".join(rng.randbytes(rng.randrange(1, 80)) for _ in range(300))
        proc = run_pipe(tmp_path / "saves", data + b"\nquit\n")
        clean_exit(proc, proc.stdout + proc.stderr)
        assert ESC not in proc.stdout, "escape bytes from the input are never echoed"
        assert proc.stderr == b""


@pytest.mark.slow
def test_garbage_bytes_in_a_terminal(tmp_path: Path, long_mode: bool) -> None:
    """Random bytes typed or pasted at the prompt (not the keys that stop output or suspend
    the process: Ctrl-Q, Ctrl-S, Ctrl-Z; nor Ctrl-C, Ctrl-D, Ctrl-\\, which leave), then
    Ctrl-C until the game has asked to quit and been told yes. One run in CI, 20 in long mode."""
    for seed in range(20 if long_mode else 1):
        rng = random.Random(seed)
        child = start(tmp_path / f"saves{seed}")
        banned = {0x03, 0x04, 0x11, 0x13, 0x1A, 0x1C}
        for _ in range(15):
            child.send(bytes(b for b in rng.randbytes(200) if b not in banned))
            child.expect([pexpect.TIMEOUT, pexpect.EOF], timeout=0.02)
        child.send(b"\x1b\x1b\r\r")
        for _ in range(40):  # a loaded CI machine may take seconds to work through the garbage
            if child.expect([TOOLBAR, r"Quit the game\? .*\] ", pexpect.EOF, pexpect.TIMEOUT], timeout=2) == 2:
                break
            tail = child.log.getvalue()[-300:]
            child.send(b"y\r" if tail.rstrip().endswith(b"]") and b"Quit the game?" in tail else b"\x03")
        out = finish(child)
        clean_exit(child, out)
        assert b"Goodbye" in out, seed


_INTERRUPTED_TASK = """
import asyncio, gc, sys
if sys.argv[1] == "game":
    from adventure.play.tty_prompts import quiet_handled_interrupts
    quiet_handled_interrupts()
async def step():  # a SIGINT landing in a step of prompt_toolkit's loop
    raise KeyboardInterrupt
async def main():
    asyncio.ensure_future(step())
    await asyncio.sleep(5)
try:
    asyncio.run(main())
except KeyboardInterrupt:
    print("Goodbye.")  # the game handled it
gc.collect()
asyncio.get_event_loop_policy()  # still running: the log comes from the task's collection
"""


def test_a_handled_ctrl_c_is_not_shown_again_as_a_traceback_when_asyncio_collects_its_task() -> None:
    """What a Ctrl-C at the quit question once printed after "Goodbye." (seen in the garbage
    test above): asyncio logs the interrupt it both stored in the task and let out of the
    loop. Without the game's filter the same script prints it; with it, only the goodbye."""
    def run(mode: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-c", _INTERRUPTED_TASK, mode], capture_output=True, text=True,
                              cwd=str(ROOT), timeout=60)

    bare, game = run("bare"), run("game")
    assert "Task exception was never retrieved" in bare.stderr and "KeyboardInterrupt" in bare.stderr
    assert game.stdout == "Goodbye.\n" and game.stderr == "", game.stderr


def test_pasted_colour_codes_and_mouse_reports_in_a_terminal(tmp_path: Path) -> None:
    """ESC [ 31 m parses as a mouse report; prompt_toolkit's handler used to fail on it and
    print "Unhandled exception in event loop" over the game."""
    child = spawn(tmp_path / "saves")
    child.expect("Press Enter to begin")
    child.send(b"\x1b[31m\x1b[M !!\x1b[<1;2;3M\x1b[<64;1;1m\r")
    child.expect(TOOLBAR)
    child.send(b"red \x1b[31mtext\x1b[0m and \xff\xfe bytes\r")
    child.expect("I didn't understand")
    child.expect(TOOLBAR)
    child.sendline("quit")
    out = finish(child)
    clean_exit(child, out)


def test_very_long_lines(tmp_path: Path) -> None:
    proc = run_pipe(tmp_path / "saves", b"x" * 5_000_000 + b"\n" + b"9" * 4000 + b"\n1\nquit\n")
    clean_exit(proc, proc.stdout + proc.stderr)
    assert proc.stdout.count(b"That line is too long; it was ignored.") == 1
    assert b"Two weeks" in proc.stdout
    child = start(tmp_path / "saves2")
    paste(child, "y" * 100_000)
    child.send("\r")
    child.expect("That line is too long")
    child.expect(TOOLBAR)
    paste(child, "7" * 4090)  # under the limit, nearly as many digits as int() accepts
    child.send("\r")
    child.expect("I didn't understand")
    child.expect(TOOLBAR)
    child.sendline("quit")
    clean_exit(child, finish(child))


def test_output_redirected_to_a_file_from_a_terminal(tmp_path: Path) -> None:
    log = tmp_path / "out.txt"
    child = pexpect.spawn("/bin/sh", ["-c", f'exec "{sys.executable}" "{PLAY}" {" ".join(story_args())} > "{log}"'],
                          env=game_env(tmp_path / "saves"), cwd=str(ROOT), timeout=15)
    deadline = time.monotonic() + 30  # the event: the first choices are in the file
    while b"1." not in (log.read_bytes() if log.exists() else b"") and time.monotonic() < deadline:
        child.expect([pexpect.TIMEOUT, pexpect.EOF], timeout=0.05)  # waits on the game, not on a clock
    child.sendline("1")
    child.sendline("notes")
    child.sendline("quit")
    child.expect(pexpect.EOF)
    child.close()
    out = log.read_bytes()
    clean_exit(child, out)
    assert b"Two weeks" in out and b"Goodbye" in out
    assert ESC not in out


def test_piped_input_with_output_on_a_terminal(tmp_path: Path) -> None:
    child = pexpect.spawn("/bin/sh", ["-c", f'printf "1\\nnotes\\nquit\\n" | exec "{sys.executable}" "{PLAY}" '
                                            f'{" ".join(story_args())}'],
                          env=game_env(tmp_path / "saves"), cwd=str(ROOT), timeout=15, dimensions=(40, 60))
    child.expect(pexpect.EOF)
    out = bytes(child.before)
    child.close()
    clean_exit(child, out)
    assert ESC not in out and b"Two weeks" in out
    assert max(len(line) for line in visible_lines(out)) <= 60, "wrapped to the terminal's width"


def test_output_to_a_file_and_input_from_a_pipe(tmp_path: Path) -> None:
    log = tmp_path / "out.txt"
    with log.open("wb") as sink:
        proc = subprocess.run([sys.executable, PLAY, *story_args()], input=b"1\n2\nhelp\n", stdout=sink,
                              stderr=subprocess.PIPE, cwd=str(ROOT), env=game_env(tmp_path / "saves"), timeout=60)
    out = log.read_bytes()
    clean_exit(proc, out + proc.stderr)
    assert ESC not in out and b"\r" not in out and proc.stderr == b""
    assert b"Goodbye" in out
