"""Running the real game (``play.py``) for reliability tests: through a pipe or a pseudo-terminal,
on the frozen fixture story or on an edited copy of it.

    proc = run_pipe(tmp_path, b"1\\nsave a\\n")
    assert proc.returncode == 0 and b"Traceback" not in proc.stderr
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from storykit import FIXTURE

ROOT = Path(__file__).resolve().parent.parent
PLAY = str(ROOT / "play.py")
TOOLBAR = r"(notes|notas) \d+/\d+"  # drawn with every prompt in a terminal
SGR = re.compile(r"\x1b\[([0-9;]*)m")


def story_args(root: Path | None = None) -> list[str]:
    base = root or FIXTURE
    return ["--story", str(base / "story"), "--locales", str(base / "locales")]


def copy_fixture(dest: Path) -> Path:
    """A private copy of the fixture story, to edit."""
    shutil.copytree(FIXTURE, dest)
    return dest


def edit(path: Path, old: str, new: str, count: int = -1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def game_env(saves: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("LC_", "LANG", "NO_COLOR", "PYTHONIOENCODING", "PYTHONUTF8", "COLUMNS", "LINES"))}
    env.update({"HENGYANG_SAVE_DIR": str(saves), "TERM": "xterm-256color", "LANG": "en_US.UTF-8",
                "PYTHONUNBUFFERED": "1"})
    env.update(extra)
    return env


def run_pipe(saves: Path, data: bytes, *args: str, story: Path | None = None, timeout: float = 60,
             preexec: Any = None, **env: str) -> subprocess.CompletedProcess[bytes]:
    """Play with ``data`` on stdin and both outputs captured (plain mode)."""
    return subprocess.run([sys.executable, PLAY, *story_args(story), *args], input=data, capture_output=True,
                          cwd=str(ROOT), env=game_env(saves, **env), timeout=timeout, preexec_fn=preexec)


def spawn(saves: Path, *args: str, story: Path | None = None, rows: int = 40, cols: int = 100,
          **env: str) -> Any:
    """The game in a pseudo-terminal (bytes mode; everything it prints is kept in ``child.log``)."""
    import io

    import pexpect

    child = pexpect.spawn(sys.executable, [PLAY, *story_args(story), *args], env=game_env(saves, **env),
                          cwd=str(ROOT), dimensions=(rows, cols), timeout=15)
    child.delaybeforesend = None
    child.log = io.BytesIO()
    child.logfile_read = child.log
    return child


MORE = rb"\[(more|m\xc3\xa1s)\]"  # the pause when text is longer than the window (adventure.play.paging)


def expect_reading(child: Any, pattern: Any) -> int:
    """``child.expect(pattern)``, pressing a key at every ``[more]`` on the way; returns how
    many pauses there were."""
    pauses = 0
    while child.expect([MORE, pattern]) == 0:
        pauses += 1
        child.send(" ")
    return pauses


def finish(child: Any) -> bytes:
    """Wait for the game to end; everything it printed."""
    import pexpect

    if not child.flag_eof:
        child.expect(pexpect.EOF)
    child.close()
    return bytes(child.log.getvalue())


def paste(child: Any, text: str | bytes) -> None:
    """Paste as a terminal does (bracketed paste): the line editor takes it in one piece."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    child.send(b"\x1b[200~" + data + b"\x1b[201~")


def colour_codes(output: bytes) -> list[str]:
    """SGR sequences in ``output`` that set a colour (foreground, background, 256 or RGB)."""
    found = []
    for params in SGR.findall(output.decode("utf-8", "replace")):
        codes = [int(p) for p in params.split(";") if p]
        if any(30 <= c <= 49 or 90 <= c <= 107 for c in codes):
            found.append(params)
    return found


def clean_exit(proc_or_status: Any, output: bytes | str, code: int = 0) -> None:
    status = getattr(proc_or_status, "returncode", None)
    if status is None:
        status = getattr(proc_or_status, "exitstatus", proc_or_status)
    text = output.decode("utf-8", "replace") if isinstance(output, bytes) else output
    assert "Traceback" not in text and "Unhandled exception" not in text, text[-3000:]
    assert status == code, f"exit {status}, expected {code}:\n{text[-3000:]}"


def save_json(saves: Path, slot: str) -> dict[str, Any]:
    return json.loads((saves / f"{slot}.json").read_text(encoding="utf-8"))
