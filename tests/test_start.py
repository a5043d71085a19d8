"""The lean start: options without argparse, the title and first scene before prompt_toolkit."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from prompt_toolkit.output import DummyOutput

from adventure.cli import _play_options, build_parser
from adventure.play.session import Session
from adventure.play.shell_tty import STYLE_RULES, AnsiWriter, TerminalWriter, sgr
from adventure.text.catalog import Texts
from adventure.text.render import scene_paras, title_screen
from storykit import load_fixture

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("argv", [
    [], ["--lang", "es"], ["--lang=en"], ["--plain"], ["--no-color"], ["--no-colour", "--plain"], ["--watch"],
    ["--story", "s", "--locales", "l"], ["--story=s", "--locales=l", "--save-dir", "d", "--transcript", "t.jsonl"],
])
def test_play_options_read_as_argparse_reads_them(argv: list[str]) -> None:
    quick = _play_options(argv)
    assert quick is not None
    assert vars(quick) == vars(build_parser(tools=False).parse_args(argv))


@pytest.mark.parametrize("argv", [["--lang", "français"], ["--lang", "en+en"], ["--lang"], ["--story"], ["--bogus"], ["--pla"],
                                  ["--story", "--plain"], ["--", "x"], ["-x"]])
def test_anything_unusual_is_left_to_argparse(argv: list[str]) -> None:
    assert _play_options(argv) is None


def test_a_wrong_option_still_gets_argparse_s_message() -> None:
    proc = subprocess.run([sys.executable, str(ROOT / "play.py"), "--lang", "français"], capture_output=True,
                          text=True, cwd=str(ROOT), timeout=60)
    assert proc.returncode == 2 and "'français' is not a language code" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_language_the_story_does_not_have_is_named_with_the_ones_it_has(tmp_path: Path) -> None:
    """Languages come from the story's manifest: ``fr`` is a well-formed code the shipped story lacks."""
    proc = subprocess.run([sys.executable, str(ROOT / "play.py"), "--lang", "fr", "--save-dir", str(tmp_path)],
                          capture_output=True, text=True, cwd=str(ROOT), timeout=60, stdin=subprocess.DEVNULL)
    assert proc.returncode == 2 and "fr" in proc.stderr and "en, es" in proc.stderr
    assert "Traceback" not in proc.stderr and not list(tmp_path.iterdir())  # nothing saved, nothing started


def test_every_style_has_an_escape_code() -> None:
    for style, rule in STYLE_RULES.items():
        code = sgr(rule)
        assert (code == "") == (rule == ""), style
        assert not rule or len(code.split(";")) == 1 + len(rule.split())
    assert sgr("italic ansibrightblack") == "\x1b[0;3;90m"


def _strip(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


@pytest.mark.parametrize("color", [True, False])
def test_the_lean_writer_shows_what_the_toolkit_writer_shows(color: bool) -> None:
    result = load_fixture()
    assert result.story is not None and result.catalog is not None
    session = Session(result.story, result.catalog, lang="es", store=None)
    texts = Texts(result.catalog, "es")
    paras = title_screen(result.story, texts, "story.content_note") + session.begin()
    assert any(p.kind == "speech" for p in paras) and any(p.kind == "choice" for p in paras)
    lean_out = io.StringIO()
    lean = AnsiWriter(lean_out, color=color)
    lean.width = lambda: 60  # type: ignore[method-assign]
    lean.paras(paras)
    toolkit_out = DummyOutput()
    plain_writer = TerminalWriter(toolkit_out, color=False)
    written: list[str] = []
    toolkit_out.write_raw = written.append  # type: ignore[method-assign]
    plain_writer.width = lambda: 60  # type: ignore[method-assign]
    plain_writer.paras(paras)
    assert _strip(lean_out.getvalue()) == "".join(written)
    codes = re.findall(r"\x1b\[[0-9;]*m", lean_out.getvalue())
    if color:
        assert sgr(STYLE_RULES["heading"]) in codes and sgr(STYLE_RULES["choice"]) in codes
        assert lean_out.getvalue().count("\x1b[0m") == len(codes) - lean_out.getvalue().count("\x1b[0m")
    else:
        assert codes == []


def test_scene_rendering_remembers_static_text_but_not_placeholders() -> None:
    result = load_fixture()
    assert result.story is not None and result.catalog is not None
    session = Session(result.story, result.catalog, lang="en", store=None)
    session.begin()
    first = scene_paras(result.story, session.texts, session._current())
    again = scene_paras(result.story, session.texts, session._current())
    assert first == again
    assert session.texts is session.texts  # one Texts per language, kept by the session
    session.handle("lang es")
    assert session.texts.lang == "es"
    spanish = scene_paras(result.story, session.texts, session._current())
    assert spanish != first


def test_placeholders_are_filled_with_every_render(tmp_path: Path) -> None:
    from adventure.core.engine import new_game
    from storykit import load_dir, write_story

    result = load_dir(write_story(tmp_path))
    assert result.story is not None and result.catalog is not None
    texts = Texts(result.catalog, "en")
    state, _ = new_game(result.story)
    at_b = state._replace(scene="b", vars={"n": 1, "f": False})
    assert "You have 1 points." in [p.text for p in scene_paras(result.story, texts, at_b)]
    later = at_b._replace(vars={"n": 7, "f": True})
    shown = [p.text for p in scene_paras(result.story, texts, later)]
    assert "You have 7 points." in shown and "  1. Go back." in shown


def test_the_quick_options_know_every_option_of_the_game() -> None:
    quick = _play_options([])
    assert quick is not None
    assert vars(quick) == vars(build_parser(tools=False).parse_args([]))
    assert vars(_play_options(["--start", "b"])) == vars(build_parser(tools=False).parse_args(["--start", "b"]))


@pytest.mark.parametrize("color", [True, False])
def test_the_lean_writer_matches_the_toolkit_writer_in_bilingual_reading(color: bool) -> None:
    from prompt_toolkit.data_structures import Size
    from prompt_toolkit.output.vt100 import Vt100_Output

    result = load_fixture()
    assert result.story is not None and result.catalog is not None
    session = Session(result.story, result.catalog, lang="es", store=None, second="en")
    paras = session.intro() + session.begin()
    assert any(p.kind == "second" for p in paras)
    lean_out = io.StringIO()
    lean = AnsiWriter(lean_out, color=color)
    lean.width = lambda: 70  # type: ignore[method-assign]
    lean.paras(paras)
    toolkit_out = io.StringIO()
    output = Vt100_Output(toolkit_out, lambda: Size(rows=40, columns=71), term="xterm-256color")
    writer = TerminalWriter(output, color=color)
    writer.paras(paras)
    shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", toolkit_out.getvalue()).replace("\r", "")
    assert _strip(lean_out.getvalue()) == shown
    assert ("Inglés: " in shown) == (not color)  # in colour, colour tells the languages apart
