"""Issue 10, point 7: what the README says about odd terminals, pipes and screen readers is what
the real game does. Each claim below is quoted from the README (the first test checks that it
is still there, word for word) with the tests that show it; most run the game in a
pseudo-terminal (pexpect), as tests/test_terminal_matrix.py does.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import test_terminal_matrix as matrix

from playkit import PLAY, ROOT, TOOLBAR, clean_exit, colour_codes, finish, game_env, run_pipe, spawn, story_args

ESC = b"\x1b"
ANSI = re.compile(rb"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-Z\\-_]")

# README sentence (whitespace-normalised) -> the tests that show it.
CLAIMS: dict[str, list[str]] = {
    "Colour is off when `NO_COLOR` is set or with `--no-color`; the line editor still moves the cursor and "
    "the bottom bar is drawn in reverse video, which is not a colour.":
        ["test_no_color_leaves_the_line_editor_and_the_reverse_video_bar",
         "matrix.test_colour_is_on_by_default_in_a_terminal"],
    "On a terminal that cannot move the cursor (`TERM=dumb`, as in Emacs's shell) the game prints no escape "
    "codes at all: no colour, no bar and no line editor (the terminal's own line editing works), with the "
    "text wrapped to the window; it still asks you to press Enter to begin.":
        ["test_term_dumb_prints_no_escape_codes_wraps_and_asks_to_press_enter",
         "test_term_dumb_ctrl_d_at_press_enter_leaves_without_starting"],
    "Under `LC_ALL=C` Python writes UTF-8 all the same (it takes a C locale to be an unconfigured one), so "
    "accents show as usual;":
        ["test_lc_all_c_alone_shows_accents"],
    "where the output really cannot hold a character (`PYTHONIOENCODING=ascii`, or `LC_ALL=C PYTHONUTF8=0`) "
    "the game prints ASCII stand-ins instead of failing: \"Prólogo: La orden · 19 de junio de 1944\" reads "
    "\"Prologo: La orden . 19 de junio de 1944\".":
        ["test_an_ascii_output_gets_stand_ins", "matrix.test_ascii_only_locale_through_a_pipe"],
    "When input or output is not a terminal — piped, scripted, redirected — the game runs in **plain mode**: "
    "the same text and choices with no colour, no toolbar, no cursor movement and no escape codes; one input "
    "per line; exit code 0 at the end of input.":
        ["test_pipes_in_and_out_give_plain_mode", "matrix.test_output_redirected_to_a_file_from_a_terminal",
         "matrix.test_piped_input_with_output_on_a_terminal"],
    "`--plain` forces it in a terminal, which is the mode to use with a screen reader: each paragraph is "
    "printed once, in order, and nothing is redrawn.":
        ["test_plain_flag_in_a_terminal_prints_each_paragraph_once_in_order"],
}


def _normal(text: str) -> str:
    return " ".join(text.split())


def test_each_claim_is_in_the_readme_and_has_its_tests() -> None:
    readme = _normal((ROOT / "README.md").read_text(encoding="utf-8"))
    for claim, tests in CLAIMS.items():
        assert _normal(claim) in readme, f"the README no longer says: {claim[:80]}... (update CLAIMS and its tests)"
        for name in tests:
            owner, _, attr = name.rpartition(".")
            assert callable(getattr(matrix if owner == "matrix" else sys.modules[__name__], attr, None)), name


def visible(output: bytes) -> str:
    return ANSI.sub(b"", output).decode("utf-8", "replace")


# -- NO_COLOR / --no-color ----------------------------------------------------------------------

@pytest.mark.parametrize("args, env", [((), {"NO_COLOR": "1"}), (("--no-color",), {})])
def test_no_color_leaves_the_line_editor_and_the_reverse_video_bar(tmp_path: Path, args: tuple[str, ...],
                                                                   env: dict[str, str]) -> None:
    child = spawn(tmp_path / "saves", *args, **env)
    child.expect("Press Enter to begin")
    child.sendline("")
    child.expect(TOOLBAR)
    child.send("1")
    child.send("\x1b[D")  # left arrow: the line editor moves the cursor back over the "1"
    child.send("notes ")  # ... so this is typed before it: "notes 1"
    child.send("\r")
    child.expect("The fall of Changsha")  # the note the first scene unlocks, read by "notes 1"
    child.expect(TOOLBAR)
    child.sendline("quit")
    out = finish(child)
    clean_exit(child, out)
    assert colour_codes(out) == [], colour_codes(out)[:5]
    assert re.search(rb"\x1b\[[0-9;]*\b7m [^\x1b]*notes \d+/\d+", out), "the bar is drawn in reverse video"


# -- TERM=dumb -------------------------------------------------------------------------------------

def test_term_dumb_prints_no_escape_codes_wraps_and_asks_to_press_enter(tmp_path: Path) -> None:
    child = spawn(tmp_path / "saves", TERM="dumb", cols=40)
    child.expect("Press Enter to begin")
    assert b"The news from the north" not in child.log.getvalue(), "the story waits for Enter"
    child.sendline("")
    child.expect("The news from the north")
    child.expect("> ")
    child.sendline("1")
    child.expect("Two weeks")
    child.expect("> ")
    child.sendline("quit")
    out = finish(child)
    clean_exit(child, out)
    assert ESC not in out, "no escape codes at all"
    text = out.decode("utf-8")
    assert not re.search(TOOLBAR, text), "no bar"
    assert "\r" not in text.replace("\r\n", ""), "nothing is redrawn"
    lines = text.replace("\r\n", "\n").split("\n")
    assert max(len(line) for line in lines) <= 40 and sum(len(line) > 30 for line in lines) > 5, \
        "wrapped to the 40 columns of the window"


def test_term_dumb_ctrl_d_at_press_enter_leaves_without_starting(tmp_path: Path) -> None:
    child = spawn(tmp_path / "saves", TERM="dumb")
    child.expect("Press Enter to begin")
    child.sendeof()
    child.expect("Goodbye")
    out = finish(child)
    clean_exit(child, out)
    assert b"The news from the north" not in out and ESC not in out
    assert not (tmp_path / "saves" / "autosave.json").exists()


# -- LC_ALL=C and ASCII-only output ------------------------------------------------------------

def test_lc_all_c_alone_shows_accents(tmp_path: Path) -> None:
    child = spawn(tmp_path / "saves", "--lang", "es", LC_ALL="C")
    child.expect("Pulsa Intro")
    child.sendline("")
    child.expect(TOOLBAR)
    child.sendline("salir")
    out = finish(child)
    clean_exit(child, out)
    assert "Prólogo: La orden  ·  19 de junio de 1944" in visible(out)


@pytest.mark.parametrize("env", [{"PYTHONIOENCODING": "ascii"}, {"LC_ALL": "C", "PYTHONUTF8": "0"}])
def test_an_ascii_output_gets_stand_ins(tmp_path: Path, env: dict[str, str]) -> None:
    child = spawn(tmp_path / "saves", "--lang", "es", **env)
    child.expect("Pulsa Intro")
    child.sendline("")
    child.expect(TOOLBAR)
    child.sendline("salir")
    out = finish(child)
    clean_exit(child, out)
    assert "Prologo: La orden  .  19 de junio de 1944" in visible(out)
    assert not re.search(rb"[\x80-\xff]", out), "only ASCII reaches an ASCII terminal"


# -- pipes and screen readers ------------------------------------------------------------------

def test_pipes_in_and_out_give_plain_mode(tmp_path: Path) -> None:
    proc = run_pipe(tmp_path / "saves", b"1\nnotes\n")  # no quit: the input just ends
    clean_exit(proc, proc.stdout + proc.stderr)
    out = proc.stdout.decode("utf-8")
    assert "\x1b" not in out and "\r" not in out and not re.search(TOOLBAR, out)
    assert "  1. " in out and "Two weeks" in out and "> 1\n" in out and "> notes\n" in out, "one input per line"


def _first_screen(output: str) -> list[str]:
    """The non-empty lines before the first prompt."""
    return [line.rstrip() for line in output.split("\n> ", 1)[0].split("\n") if line.strip()]


def test_plain_flag_in_a_terminal_prints_each_paragraph_once_in_order(tmp_path: Path) -> None:
    piped = run_pipe(tmp_path / "piped", b"")  # one paragraph per line: the reference
    expected = _first_screen(piped.stdout.decode("utf-8"))
    assert len(expected) > 8 and "The news from the north" in expected
    child = spawn(tmp_path / "saves", "--plain", "--width", "0", cols=1000)  # the whole window: nothing wraps
    child.expect("> ")
    child.sendline("quit")
    out = finish(child)
    clean_exit(child, out)
    assert ESC not in out
    text = out.decode("utf-8")
    assert "\r" not in text.replace("\r\n", ""), "nothing is redrawn"
    assert _first_screen(text.replace("\r\n", "\n")) == expected


def test_the_dumb_terminal_is_not_asked_when_input_is_piped(tmp_path: Path) -> None:
    """TERM=dumb with piped input: a script, not a person; nothing waits for Enter."""
    proc = subprocess.run([sys.executable, PLAY, *story_args()], input=b"1\n", capture_output=True, cwd=str(ROOT),
                          env=game_env(tmp_path / "saves", TERM="dumb"), timeout=60)
    clean_exit(proc, proc.stdout + proc.stderr)
    assert b"Press Enter" not in proc.stdout and b"Two weeks" in proc.stdout
