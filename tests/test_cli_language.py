"""The tools speak the writer's language: every ``--help`` (argparse's own words included),
the errors about arguments and the tools' own messages come from locales/*/ui_tools.yaml,
chosen by LC_ALL / LC_MESSAGES / LANG as the game chooses its language."""

from __future__ import annotations

import argparse
import gettext
import io
import re
from pathlib import Path

import pytest

from adventure.cli import TOOLS, build_parser, main
from adventure.cli.words import ARGPARSE, Parser, as_format
from adventure.tools import ToolWords
from playkit import ROOT, story_args

ES = {"LANG": "es_ES.UTF-8"}
EN = {"LANG": "en_US.UTF-8"}
#: Every command with a help page: the game, each tool, each i18n action.
COMMANDS = [[], *([name] for name in TOOLS), *(["i18n", action] for action in ("status", "review", "export", "import"))]


def _run(argv: list[str], env: dict[str, str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        code = main(argv, env=env, stdout=out, stderr=err)
    except SystemExit as stop:  # argparse's --help and its errors
        code = int(stop.code or 0)
    said = capsys.readouterr()
    return code, out.getvalue() + said.out, err.getvalue() + said.err


def _helps(parser: argparse.ArgumentParser, path: list[str]) -> dict[str, str]:
    """option (or tool) -> its help line, for the parser of ``path``."""
    for word in path:
        sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        parser = sub.choices[word]
    found = {"(description)": parser.description or ""}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            found.update({f"tool {c.dest}": c.help or "" for c in action._choices_actions})
        elif action.help and action.help is not argparse.SUPPRESS:
            found[action.option_strings[-1] if action.option_strings else action.dest] = action.help
    return found


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "play")
def test_every_help_is_spanish_with_no_english_line_left(path: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run([*path, "--help"], ES, capsys)
    assert code == 0 and err == ""
    assert out.startswith("uso: ") and "\nopciones:\n" in out and "muestra esta ayuda y termina" in out
    for english in ("usage:", "options:", "show this help message", "positional arguments", "default:"):
        assert english not in out, english
    only = path[0] if path else None
    en = _helps(build_parser(only=only, words=ToolWords(EN)), path)
    es = _helps(build_parser(only=only, words=ToolWords(ES)), path)
    assert en.keys() == es.keys() and len(es) > 1
    for option, text in es.items():
        assert text and not re.fullmatch(r"[a-z_.]+", text), f"{option}: no text for its key ({text})"
        assert text != en[option], f"{option} is still English in Spanish: {text}"
    # each help line as the writer reads it (argparse wraps it): Spanish words, no English left
    flat = " ".join(out.split())
    for option, text in en.items():
        assert " ".join(text.split()) not in flat, f"English left for {option}: {text}"


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "play")
def test_in_english_the_help_is_english(path: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = _run([*path, "--help"], EN, capsys)
    assert code == 0 and out.startswith("usage: ") and "show this help message and exit" in out
    assert "uso:" not in out and "opciones" not in out


def test_the_game_s_help_reads_as_before_in_english(capsys: pytest.CaptureFixture[str]) -> None:
    _code, out, _err = _run(["--help"], {}, capsys)
    flat = " ".join(out.split())
    for line in ("Hengyang 1944: an interactive story of the defence of Hengyang, June-August 1944.",
                 "-h, --help show this help message and exit", "--plain plain mode: no colour, toolbar or cursor",
                 "check check the story and locales; report every problem",
                 "In the game, type help (or ayuda) for the commands."):
        assert line in flat, line


@pytest.mark.parametrize(("argv", "spanish"), [
    (["check", "--bogus"], "python play.py: error: argumentos no reconocidos: --bogus"),
    (["explore", "--random", "x"], "error: argumento --random: «x» no es un número entero"),
    (["explore", "--random", "0"], "error: argumento --random: tiene que ser 1 o más"),
    (["graph", "--format", "png"], "error: argumento --format: opción no válida: 'png' (elige entre"),
    (["i18n"], "error: faltan estos argumentos obligatorios: ACCIÓN"),
    (["--width", "5"], "error: argumento --width: un número del 20 al 300, o 0 para toda la ventana"),
    (["--lang", "x y"], "error: argumento --lang: «x y» no es un código de idioma"),
    (["--story"], "error: argumento --story: se esperaba un argumento"),
    (["export", "--lang"], "error: argumento --lang: se esperaba un argumento"),
])
def test_argument_errors_are_spanish_and_exit_2(argv: list[str], spanish: str,
                                                capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.argv", ["play.py"])
    code, _out, err = _run(argv, ES, capsys)
    assert code == 2 and spanish in err and "Traceback" not in err, err
    assert err.startswith("uso: ") and "usage" not in err and "error: argument " not in err


def test_argparse_is_given_back_its_own_words(capsys: pytest.CaptureFixture[str]) -> None:
    _run(["check", "--help"], ES, capsys)
    assert argparse._ is gettext.gettext  # type: ignore[attr-defined]
    other = argparse.ArgumentParser(prog="other")
    assert other.format_help().startswith("usage: other")


def test_the_tools_messages_are_spanish(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = _run(["check", *story_args()], ES, capsys)
    assert code == 0 and re.fullmatch(r"OK hengyang-1944: \d+ escenas, \d+ opciones, \d+ finales, \d+ notas; "
                                      r"palabras del texto de las escenas: en [\d,]+, es [\d,]+\.\n", out), out
    book = tmp_path / "book.md"
    code, out, _err = _run(["export", *story_args(), "--format", "md", "-o", str(book)], ES, capsys)
    assert code == 0 and out.startswith(f"Se ha escrito {book} (") and "notas" in out and book.exists()
    code, out, _err = _run(["graph", *story_args(), "-o", str(tmp_path / "map.dot")], ES, capsys)
    assert code == 0 and out.startswith("Se ha escrito ") and "escenas" in out
    code, _out, err = _run(["export", *story_args(), "--lang", "fr"], ES, capsys)
    assert code == 2 and "esta historia no tiene el idioma «fr»" in err
    code, out, _err = _run(["i18n", "status", "--brief", *story_args()], ES, capsys)
    assert code == 0 and "es frente a en" in out and "presentes" in out and "present " not in out
    code, out, _err = _run(["explore", "--random", "3", *story_args()], ES, capsys)
    assert code == 0 and "partidas al azar de hengyang-1944" in out and "Escenas (veces que se entra):" in out
    code, _out, err = _run(["i18n", "review", *story_args()], ES, capsys)
    assert code == 2 and err.startswith("indica las claves")
    code, out, _err = _run(["i18n", "review", "scenes.pro_changshax", "--dry-run", *story_args()], ES, capsys)
    assert code == 1 and "scenes.pro_changshax: no existe esa clave; ¿querías decir «scenes.pro_changsha." in out, out
    code, out, _err = _run(["explore", "--max-states", "500", *story_args()], ES, capsys)
    state = next(line for line in out.splitlines() if line.startswith("El estado: "))
    assert "se guardan las visitas a " in state and "(hasta 1)" in state and "forman parte del estado" in state
    assert "visit counts" not in out and "up to" not in out and "warning" in out  # the findings too, with their codes
    assert "es verdadera siempre que se muestra la escena" in out and "every time" not in out
    code, out, _err = _run(["graph", *story_args(), "--format", "mermaid", "--explore"], ES, capsys)
    assert code == 0 and 'start(("inicio"))' in out and "final: " in out and "si " in out
    assert "ending: " not in out and "(never offered)" not in out and '"start"' not in out


def test_the_tools_messages_stay_english_in_english(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = _run(["check", *story_args()], {}, capsys)
    assert code == 0 and out.startswith("OK hengyang-1944: ") and " scenes, " in out
    code, out, _err = _run(["graph", *story_args(), "-o", str(tmp_path / "map.dot")], EN, capsys)
    assert code == 0 and out.startswith(f"Wrote {tmp_path / 'map.dot'} (dot): ") and "choices" in out


def test_a_translation_cannot_break_argparse() -> None:
    """A % in a help line is text (argparse would %-format it into garbage); a metavar with
    spaces or brackets (which argparse's usage wrapper splits on) is made one word."""
    parser = Parser(prog="p", words=ToolWords(ES))
    parser.add_argument("--x", help="100% seguro (%(default)s)")
    parser.add_argument("--" + "y" * 70, metavar="NOMBRE DE [ARCHIVO]", help="y")
    sub = parser.add_subparsers(dest="tool", metavar="HERRAMIENTA (UNA)")
    sub.add_parser("t", help="al 50% (%(prog)s)")
    text = " ".join(parser.format_help().split())
    assert "100% seguro (%(default)s)" in text and "al 50% (%(prog)s)" in text
    assert "NOMBRE_DE_ARCHIVO_" in text and "HERRAMIENTA_UNA_" in text
    assert as_format("usage: ", "uso:") == "uso: "
    assert as_format("invalid choice: %(value)r (choose from %(choices)s)", "{value}: no (elige {choices}) 5%") == \
        "%(value)r: no (elige %(choices)s) 5%%"


def test_every_argparse_word_and_literal_key_exists_in_both_languages() -> None:
    """The keys the command line asks for by name: a missing one would show as the key."""
    en, es = ToolWords(EN), ToolWords(ES)
    keys = {f"argparse.{key}" for key, _names in ARGPARSE.values()}
    pattern = re.compile(r"""(?:say|\bw|tool_text\(ctx,|words\(\))\(\s*"([a-z_][a-z0-9_.]+)\"""")
    for path in sorted((ROOT / "adventure" / "cli").glob("*.py")):
        keys |= set(pattern.findall(path.read_text(encoding="utf-8")))
    assert len(keys) > 100
    missing = sorted(f"{key} ({lang.lang})" for key in keys for lang in (en, es) if lang.text(key) is None)
    assert not missing, missing
    assert en.lang == "en" and es.lang == "es"


def test_a_story_that_cannot_start_says_so_in_the_players_language_with_the_command_for_it(tmp_path: Path) -> None:
    """The game started on a broken story (a writer's copy): the message is in the player's
    language from the environment, and its "Run: … check" names that copy's folders, so the
    writer does not check the shipped story and read "OK"."""
    import os
    import shutil
    import subprocess
    import sys

    story, locales = tmp_path / "my story", tmp_path / "loc"
    shutil.copytree(ROOT / "tests/fixtures/prologue/story", story)
    shutil.copytree(ROOT / "tests/fixtures/prologue/locales", locales)
    manifest = next(p for p in story.glob("*.yaml") if p.name != "story.yaml")
    text = manifest.read_text(encoding="utf-8")
    target = re.search(r"\bto: ([a-z_]+)", text)
    assert target is not None
    manifest.write_text(text.replace(target.group(0), target.group(0) + "x", 1), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("LC_")}
    proc = subprocess.run([sys.executable, str(ROOT / "play.py"), "--story", str(story), "--locales", str(locales),
                           "--plain"], input="", capture_output=True, text=True, timeout=60,
                          env={**env, **ES, "HENGYANG_SAVE_DIR": str(tmp_path / "saves")})
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "La historia tiene errores y no puede empezar." in proc.stderr, proc.stderr
    assert f"--story '{story}' --locales {locales} check" in proc.stderr
    assert "E205" in proc.stderr and "no es una escena" in proc.stderr
