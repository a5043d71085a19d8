"""Issue 13 in a real terminal (pexpect; the screen kept by pyte, a terminal emulator): at
80x24 the first scene is read from its title with a [more] pause and nothing scrolls away
unseen; the choices follow notes; the script file reads like the screen; a second start recaps
before the scene. At 200 columns lines wrap at the measure; plain mode never pauses."""

from __future__ import annotations

from pathlib import Path

import pyte
import pytest

from playkit import MORE, TOOLBAR, clean_exit, expect_reading, finish, run_pipe, spawn


class Screen:
    """What the terminal shows, fed from the child's output as it comes."""

    def __init__(self, child, rows: int, cols: int) -> None:  # type: ignore[no-untyped-def]
        self.child = child
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.fed = 0

    def lines(self) -> list[str]:
        data = self.child.log.getvalue()
        self.stream.feed(data[self.fed:])
        self.fed = len(data)
        return [line.rstrip() for line in self.screen.display]

    def text(self) -> str:
        return "\n".join(self.lines())


def test_at_80x24_the_first_scene_pauses_from_its_title(tmp_path: Path) -> None:
    saves, script = tmp_path / "saves", tmp_path / "student.txt"
    child = spawn(saves, "--script", str(script), rows=24, cols=80)
    screen = Screen(child, 24, 80)
    child.expect("Press Enter to begin")
    child.sendline("")
    child.expect(MORE)
    shown = screen.lines()
    assert shown[-1] == "[more]"  # the marker, on the last row
    title_row = shown.index("The news from the north")
    assert title_row <= 3 and shown[title_row - 2] == "Prologue: The order"  # the title is in view
    assert any("Changsha has" in line for line in shown)  # and so is the opening line
    child.send("x")  # any key
    child.expect(TOOLBAR)
    after = screen.lines()
    assert "[more]" not in screen.text()  # never left on the screen
    assert "  2. Run to the engineers on the southern hills." in after
    # The lines after the pause begin where the first page ended: nothing skipped.
    last_of_page = [line for line in shown[:-1] if line][-1]
    assert last_of_page in after or after.index(next(line for line in after if line)) == 0
    child.sendline("notes")
    child.expect("Your choices:")
    child.expect(TOOLBAR)
    assert "Your choices:" in screen.text() and "  1. Run to division headquarters." in screen.lines()
    child.sendline("quit")
    clean_exit(child, finish(child))
    # The script reads like the screen: the last screenful (less the prompt and the bar) is its end.
    kept = script.read_text(encoding="utf-8").splitlines()
    final = screen.lines()
    body = [line for line in final if line and not line.startswith((">", " Prologue"))]
    assert "\x1b" not in script.read_text(encoding="utf-8")
    assert all(line in kept for line in body), [line for line in body if line not in kept]
    assert "> notes" in kept and "[more]" not in kept
    # A second start recaps before the scene.
    child = spawn(saves, rows=24, cols=80)
    screen = Screen(child, 24, 80)
    child.expect(r"Continue from it\?")
    child.sendline("y")
    expect_reading(child, TOOLBAR)
    text = child.log.getvalue().decode("utf-8", "replace")
    recap, scene = text.index("Where you were"), text.index("The news from the north", text.index("Continue"))
    assert recap < scene and "Chapter: Prologue: The order" in text and "Date: 19 June 1944" in text
    child.sendline("quit")
    clean_exit(child, finish(child))


@pytest.mark.parametrize("lang", ["en", "es"])
def test_at_200_columns_lines_wrap_at_the_measure(tmp_path: Path, lang: str) -> None:
    child = spawn(tmp_path / "saves", "--lang", lang, rows=50, cols=200)
    screen = Screen(child, 50, 200)
    child.expect("Enter|Intro")
    child.sendline("")
    expect_reading(child, TOOLBAR)
    lines = [line for line in screen.lines()[:-1] if line and not line.startswith(">")]
    assert max(len(line) for line in lines) <= 72 and len(lines) > 10
    child.sendline("width 100" if lang == "en" else "ancho 100")
    expect_reading(child, "From now on|A partir de ahora")  # (the bar is redrawn as a line is typed, too)
    expect_reading(child, TOOLBAR)
    child.sendline("look" if lang == "en" else "mirar")
    expect_reading(child, "The news from the north" if lang == "en" else "Noticias del norte")
    expect_reading(child, TOOLBAR)
    lines = [line for line in screen.lines()[:-1] if line and not line.startswith(">")]
    assert 72 < max(len(line) for line in lines) <= 100
    child.sendline("quit")
    clean_exit(child, finish(child))


def test_plain_mode_never_pauses(tmp_path: Path) -> None:
    proc = run_pipe(tmp_path / "saves", b"notes\nquit\n", "--plain", LINES="10", COLUMNS="40")
    assert proc.returncode == 0 and b"[more]" not in proc.stdout and b"\x1b" not in proc.stdout
    assert b"Your choices:" in proc.stdout
    child = spawn(tmp_path / "saves2", "--plain", rows=24, cols=80)  # plain mode in a terminal
    child.expect("Run to division headquarters")
    child.sendline("quit")
    out = finish(child)
    clean_exit(child, out)
    assert b"[more]" not in out


def test_the_pause_speaks_the_reading_language(tmp_path: Path) -> None:
    child = spawn(tmp_path / "saves", "--lang", "es", rows=24, cols=80)
    screen = Screen(child, 24, 80)
    child.expect("Intro")
    child.sendline("")
    child.expect(MORE)
    assert screen.lines()[-1] == "[más]" and "Noticias del norte" in screen.lines()
    child.send(" ")
    child.expect(TOOLBAR)
    assert "[más]" not in screen.text()
    child.sendline("salir")
    clean_exit(child, finish(child))
