"""The real play.py, in a pseudo-terminal (pexpect) and through a pipe."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

from storykit import FIXTURE_ARGS

ROOT = Path(__file__).resolve().parent.parent
PLAY = str(ROOT / "play.py")
PROMPT = r"(notes|notas) \d+/\d+"  # the bottom toolbar, drawn with every prompt


def env_for(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "NO_COLOR"))}
    env.update({"HENGYANG_SAVE_DIR": str(tmp_path / "saves"), "TERM": "xterm-256color", "LANG": "en_US.UTF-8",
                "PYTHONUNBUFFERED": "1"})
    env.update(extra)
    return env


def spawn(tmp_path: Path, *args: str, **env: str) -> pexpect.spawn:
    child = pexpect.spawn(sys.executable, [PLAY, *FIXTURE_ARGS, *args], env=env_for(tmp_path, **env), cwd=str(ROOT),
                          dimensions=(40, 100), encoding="utf-8", timeout=15)
    return child


def finish(child: pexpect.spawn) -> str:
    child.expect(pexpect.EOF)
    child.close()
    return child.before or ""


def test_play_switch_save_quit_and_continue_in_a_terminal(tmp_path: Path) -> None:
    child = spawn(tmp_path)
    child.expect("Before you begin")
    child.expect("Press Enter to begin")
    child.sendline("")
    child.expect("The news from the north")
    child.expect("Run to division headquarters")
    child.expect(PROMPT)
    child.sendline("1")
    child.expect("Two weeks")
    child.expect(PROMPT)
    child.sendline("lang es")
    child.expect("Idioma cambiado a español")
    child.expect("Dos semanas")
    child.expect(PROMPT)
    child.sendline("guardar mia")
    child.expect("Partida guardada como «mia»")
    child.expect(PROMPT)
    child.sendline("salir")
    child.expect("Hasta pronto")
    rest = finish(child)
    assert child.exitstatus == 0, rest
    assert "Traceback" not in rest
    assert (tmp_path / "saves" / "mia.json").is_file() and (tmp_path / "saves" / "autosave.json").is_file()

    child = spawn(tmp_path)
    child.expect("You have an autosave")
    child.sendline("y")
    child.expect("Continuing where you left off")
    child.expect("Two weeks")  # the language is the player's (English here), the state the save's
    child.expect(PROMPT)
    child.sendline("2")
    child.expect("The city empties")
    child.expect(PROMPT)
    child.sendline("cargar mia")
    child.expect('Loaded "mia"')
    child.expect("Two weeks")
    child.expect(PROMPT)
    child.sendcontrol("d")
    child.expect("Goodbye")
    rest = finish(child)
    assert child.exitstatus == 0 and "Traceback" not in rest


def test_spanish_from_the_locale_and_ctrl_c(tmp_path: Path) -> None:
    child = spawn(tmp_path, LANG="es_ES.UTF-8")
    child.expect("Antes de empezar")
    child.expect("Pulsa Intro")
    child.sendline("")
    child.expect("Noticias del norte")
    child.expect(PROMPT)
    child.send("algo escrito")
    child.sendcontrol("c")  # clears the line
    child.sendline("2")
    child.expect("Los cortados")
    child.expect(PROMPT)
    child.sendcontrol("c")  # empty line: asks
    child.expect("¿Salir del juego?")
    child.sendline("n")
    child.expect(PROMPT)
    child.sendline("mirar")
    child.expect("Los cortados")
    child.expect(PROMPT)
    child.sendcontrol("c")
    child.expect("¿Salir del juego?")
    child.sendline("s")
    child.expect("Hasta pronto")
    rest = finish(child)
    assert child.exitstatus == 0 and "Traceback" not in rest


@pytest.mark.parametrize("lang, inputs, ending_text", [
    ("en", ["1", "2", "1", "hills", "ask", "1", "dig", "1", "2", "1"], "End of the prologue"),
    ("es", ["2", "1", "1", "2", "1", "1", "1", "1"], "Fin del prólogo"),
])
def test_prologue_plays_to_its_end_in_a_terminal(tmp_path: Path, lang: str, inputs: list[str],
                                                 ending_text: str) -> None:
    child = spawn(tmp_path, "--lang", lang)
    child.expect("Hengyang 1944")
    child.sendline("")
    for line in inputs:
        child.expect(PROMPT)
        child.sendline(line)
    child.expect(ending_text)
    child.expect(PROMPT)
    child.sendline("quit" if lang == "en" else "salir")
    rest = finish(child)
    assert child.exitstatus == 0 and "Traceback" not in rest


def run_pipe(tmp_path: Path, data: bytes, *args: str, **env: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, PLAY, *FIXTURE_ARGS, *args], input=data, capture_output=True, cwd=str(ROOT),
                          env=env_for(tmp_path, **env), timeout=30)


def test_plain_mode_through_a_pipe(tmp_path: Path) -> None:
    # The last line has no newline: it must still be read.
    proc = run_pipe(tmp_path, b"1\n2\n1\nhills\ndig\n1\n1\n1")
    out = proc.stdout.decode("utf-8")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == b"", proc.stderr  # no prompt_toolkit warnings
    assert b"\x1b" not in proc.stdout and b"\r" not in proc.stdout
    assert "The news from the north" in out and "End of the prologue" in out
    assert "> 1\n" in out, "input is echoed so the output reads as a transcript"


def test_plain_mode_in_spanish_with_transcript(tmp_path: Path) -> None:
    transcript = tmp_path / "t.jsonl"
    proc = run_pipe(tmp_path, b"2\ncavar\n1\nseguir corriendo\n1\n1\n", "--transcript", str(transcript),
                    LANG="es_ES.UTF-8")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.decode("utf-8")
    assert "Fin del prólogo" in out and b"\x1b" not in proc.stdout
    import json

    events = [json.loads(line) for line in transcript.read_text(encoding="utf-8").splitlines()]
    assert events[0]["event"] == "start"
    assert any(e["event"] == "ending" and e["ending"] == "prologue_end" for e in events)


def test_plain_flag_on_a_terminal_has_no_escape_codes(tmp_path: Path) -> None:
    child = spawn(tmp_path, "--plain")
    child.expect("The news from the north")
    child.expect("> ")
    child.sendline("quit")
    out = finish(child)
    assert child.exitstatus == 0
    assert "\x1b" not in (child.before or "") and "\x1b" not in out


def test_check_command_is_clean_and_summarises() -> None:
    proc = subprocess.run([sys.executable, PLAY, "check"], capture_output=True, text=True, cwd=str(ROOT), timeout=60)
    assert proc.returncode == 0, proc.stdout
    last = proc.stdout.strip().splitlines()[-1]
    assert last.startswith("OK hengyang-1944: ") and "scenes" in last and "words" in last
    assert " error " not in proc.stdout


def test_module_and_console_script_entry_points(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "adventure", "check"], capture_output=True, text=True,
                          cwd=str(ROOT), timeout=60)
    assert proc.returncode == 0 and proc.stdout.strip().splitlines()[-1].startswith("OK ")
    # The installed command itself is run from a built wheel in tests/test_install.py (this
    # interpreter need not have the project installed).
    assert '\nhengyang = "adventure.cli:main"\n' in (ROOT / "pyproject.toml").read_text(encoding="utf-8")


def test_writers_can_start_at_a_scene(tmp_path: Path) -> None:
    proc = run_pipe(tmp_path, b"1\n", "--start", "pro_guns")
    out = proc.stdout.decode("utf-8")
    assert proc.returncode == 0 and "The guns from Kunming" in out and "The news from the north" not in out
    proc = run_pipe(tmp_path, b"", "--start", "nowhere")
    assert proc.returncode == 2 and b'no scene "nowhere"' in proc.stderr and b"Traceback" not in proc.stderr


def test_a_killed_game_continues_where_it_was(tmp_path: Path) -> None:
    """SIGKILL (a power cut, a closed laptop) after a few steps: every step was autosaved."""
    import signal

    child = spawn(tmp_path)
    child.expect("Press Enter to begin")
    child.sendline("")
    child.expect(PROMPT)
    child.sendline("1")
    child.expect("Two weeks")
    child.expect(PROMPT)
    child.sendline("2")
    child.expect("The city empties")
    child.expect(PROMPT)
    child.kill(signal.SIGKILL)
    child.close()
    child = spawn(tmp_path)
    child.expect("You have an autosave")
    child.expect(r"The city empties\)")
    child.sendline("y")
    child.expect("Continuing where you left off")
    child.expect(PROMPT)
    child.sendline("quit")
    rest = finish(child)
    assert child.exitstatus == 0 and "Traceback" not in rest
