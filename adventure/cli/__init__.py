"""Command line: ``hengyang [options]`` (``python play.py`` in a checkout) plays;
``hengyang TOOL ...`` runs a tool.

Tools are modules listed in :data:`TOOLS`, imported only when used; each has
``configure(parser)`` and ``run(args, ctx) -> int``. Common options (``--story``,
``--locales``) work before or after the tool name. Messages name the command as the player
typed it (:attr:`Context.command`, from :func:`invoked_as`).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    import argparse

TOOLS: dict[str, tuple[str, str]] = {
    "check": ("adventure.cli.check", "check the story and locales; report every problem"),
    "class": ("adventure.cli.classpage", "the whole class on one page: every student's report in some folders"),
    "export": ("adventure.cli.export", "write the whole story as a book (HTML or Markdown) to read or print"),
    "explore": ("adventure.cli.explore", "walk every reachable state (or --random N games); report what is never reached, soft-locks, loops"),
    "graph": ("adventure.cli.graph", "draw the story map (--format dot, mermaid or svg)"),
    "i18n": ("adventure.cli.i18n", "translation status, review, export and import (csv / po)"),
    "lsp": ("adventure.cli.lsp", "the language server for writers' editors (stdio): live diagnostics, go to definition, rename..."),
}


def lang_option(text: str) -> str:
    """argparse's check of a ``--lang`` value's shape (the story's own list is checked later)."""
    import argparse

    from adventure.text.catalog import parse_lang_option

    if parse_lang_option(text) is None:
        raise argparse.ArgumentTypeError(f"'{text}' is not a language code, 'both' or two codes joined by '+'")
    return text


class Context(NamedTuple):
    """What a command needs from the outside world (so tests can pass their own)."""

    env: Mapping[str, str]
    stdin: Any
    stdout: IO[str]
    stderr: IO[str]
    command: str = "hengyang"  # how the player started the game, for messages: "python play.py", ...

    def story_dirs(self, args: argparse.Namespace) -> tuple[Path | None, Path | None]:
        story = getattr(args, "story", None)
        locales = getattr(args, "locales", None)
        return (Path(story) if story else None, Path(locales) if locales else None)


def _common(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    import argparse

    default = argparse.SUPPRESS if suppress else None
    parser.add_argument("--story", metavar="DIR", default=default,
                        help="story folder (default: the shipped story/)")
    parser.add_argument("--locales", metavar="DIR", default=default,
                        help="locales folder holding en/ and es/ (default: the shipped locales/)")


def build_parser(*, tools: bool = True, only: str | None = None, prog: str = "hengyang") -> argparse.ArgumentParser:
    """The whole command line. With ``only``, the options of that tool alone are set up (the
    others are listed with their help line), so running one tool imports no other."""
    import argparse

    parser = argparse.ArgumentParser(
        prog=prog,
        description="Hengyang 1944: an interactive story of the defence of Hengyang, June-August 1944.",
        epilog="In the game, type help (or ayuda) for the commands.")
    _common(parser, suppress=False)
    parser.add_argument("--lang", type=lang_option, metavar="LANG",
                        help="one of the story's languages (default: from LC_ALL / LC_MESSAGES / LANG); "
                             "both, or two joined by + (es+en), shows each paragraph in two languages")
    parser.add_argument("--plain", action="store_true",
                        help="plain mode: no colour, toolbar or cursor movement (pipes, screen readers)")
    parser.add_argument("--no-color", "--no-colour", dest="no_color", action="store_true", help="no colour")
    parser.add_argument("--save-dir", metavar="DIR", help="where saves live (or set HENGYANG_SAVE_DIR)")
    parser.add_argument("--transcript", metavar="FILE",
                        help="append one JSON object per line for each event of the game")
    parser.add_argument("--script", metavar="FILE",
                        help="keep a transcript a person can read: the text shown and what you type, appended to "
                             "FILE (.txt for plain text, .md for Markdown); in the game: script on / script off")
    parser.add_argument("--width", metavar="N", type=_width,
                        help="wrap lines at N columns at most (default 72, never wider than the window; "
                             "0 for the whole window); in the game: width N")
    parser.add_argument("--start", metavar="SCENE",
                        help="for writers: a trial from this scene (variables at their initial values unless "
                             "--set; saves are off)")
    parser.add_argument("--set", metavar="NAME=VALUE", action="append",
                        help="for writers: a variable's value on arriving at the --start scene (repeatable; "
                             "true/false for a flag, a whole number for a counter)")
    parser.add_argument("--classroom", action="store_true",
                        help="classroom mode: reflection questions at chapter ends, new terms explained")
    parser.add_argument("--student", metavar="NAME",
                        help="the student's name (turns classroom mode on; keeps this student's saves apart; "
                             "a report is written at the end)")
    parser.add_argument("--report-dir", metavar="DIR",
                        help="where student reports are written (default: 'reports' beside the saves folder)")
    parser.add_argument("--watch", action="store_true",
                        help="for writers: reload the story whenever its files change (or type reload)")
    parser.add_argument("--version", action=_version_action(), nargs=0, default=argparse.SUPPRESS,
                        help="show the version and exit")
    parser.add_argument("--draft", action="store_true",
                        help="for writers: play texts not yet translated (shown, marked, in the language "
                             "that has them); missing translations are warnings, also on reload")
    if not tools:
        parser.set_defaults(tool=None)
        return parser
    sub = parser.add_subparsers(dest="tool", metavar="TOOL")
    for name, (module, help_text) in TOOLS.items():
        tool_parser = sub.add_parser(name, help=help_text, description=help_text)
        if only is not None and name != only:
            continue
        _common(tool_parser, suppress=True)
        _load_tool(module).configure(tool_parser)
    return parser


def version() -> str:
    """The version of the installed distribution (its metadata), or of this checkout when the
    code running is not an installed copy (a clone, an editable install)."""
    from importlib import metadata

    from adventure import __version__

    try:
        dist = metadata.distribution("hengyang1944")
    except metadata.PackageNotFoundError:
        return __version__
    installed = Path(str(dist.locate_file("adventure/__init__.py")))
    try:
        same = installed.resolve() == (Path(__file__).resolve().parent.parent / "__init__.py")
    except OSError:
        same = False
    return dist.version if same else __version__


def _version_action() -> type:
    """An argparse action printing :func:`version` when used (only then is it looked up)."""
    import argparse

    class Version(argparse.Action):
        def __call__(self, parser: argparse.ArgumentParser, *args: Any) -> None:
            sys.stdout.write(f"hengyang {version()}\n")  # on stdout, as argparse's own version action
            parser.exit()

    return Version


def invoked_as(argv0: str, orig_argv: Sequence[str], path: str = "") -> str:
    """The command the player typed to start the game, as messages should name it.

    >>> invoked_as("play.py", ["python3", "play.py", "check"])
    'python3 play.py'
    >>> invoked_as("/src/adventure/__main__.py", ["python", "-m", "adventure"])
    'python -m adventure'
    >>> invoked_as("/lib/pytest/__main__.py", ["python", "-m", "pytest"])  # main() called by a program
    'hengyang'
    >>> invoked_as("/home/a/.local/bin/hengyang", ["/venv/bin/python", "/home/a/.local/bin/hengyang"],
    ...            "/usr/bin:/home/a/.local/bin")
    'hengyang'
    >>> invoked_as("/tmp/my venv/bin/hengyang", ["/tmp/my venv/bin/python"], "/usr/bin")
    "'/tmp/my venv/bin/hengyang'"
    """
    name = os.path.basename(argv0)
    python = os.path.basename(orig_argv[0]) if orig_argv else ""
    python = python[:-4] if python.lower().endswith(".exe") else python
    if not python.startswith("py"):
        python = "python"
    if name == "__main__.py" and os.path.basename(os.path.dirname(argv0)) == "adventure":
        return f"{python} -m adventure"
    if name == "play.py":
        return f"{python} {_quote(argv0)}"
    stem = name[:-4] if name.lower().endswith(".exe") else name
    if not stem.startswith("hengyang"):  # embedded, or called from a test: the installed name
        return "hengyang"
    folder = os.path.dirname(argv0)
    here = os.path.normcase(os.path.abspath(folder)) if folder else ""
    on_path = not folder or any(os.path.normcase(os.path.abspath(d)) == here for d in path.split(os.pathsep) if d)
    return stem if on_path else _quote(argv0)


def _quote(word: str) -> str:
    if word and all(c.isalnum() or c in "@%+=:,./-_" for c in word):
        return word
    import shlex

    return shlex.quote(word)


def _width(text: str) -> int:
    """``--width``: 0 (the whole window) or a number of columns the game can wrap at."""
    import argparse

    from adventure.text.layout import MAX_MEASURE, MIN_MEASURE

    if not text.isdigit() or not (int(text[:6]) == 0 or MIN_MEASURE <= int(text[:6]) <= MAX_MEASURE):
        raise argparse.ArgumentTypeError(f"a number from {MIN_MEASURE} to {MAX_MEASURE}, or 0 for the whole window")
    return int(text)


def _load_tool(module: str) -> Any:
    import importlib

    return importlib.import_module(module)


def main(argv: Sequence[str] | None = None, *, env: Mapping[str, str] | None = None,
         stdin: Any = None, stdout: IO[str] | None = None, stderr: IO[str] | None = None) -> int:
    env = env if env is not None else os.environ
    command = invoked_as(sys.argv[0] if sys.argv else "", getattr(sys, "orig_argv", ()), env.get("PATH", ""))
    ctx = Context(env, stdin or sys.stdin, stdout or sys.stdout, stderr or sys.stderr, command)
    argv = list(sys.argv[1:] if argv is None else argv)
    if _first_positional(argv) is None and not {"-h", "--help"} & set(argv):
        # Playing: parse without importing the tools (or argparse, for the usual options),
        # so the game starts fast.
        from adventure.play.game import play

        quick = _play_options(argv)
        return play(quick if quick is not None else build_parser(tools=False, prog=command).parse_args(argv), ctx)
    first = _first_positional(argv)
    args = build_parser(only=first if first in TOOLS else None, prog=command).parse_args(argv)
    if args.tool is None:
        from adventure.play.game import play

        return play(args, ctx)
    try:
        return int(_load_tool(TOOLS[args.tool][0]).run(args, ctx))
    except BrokenPipeError:  # e.g. `hengyang i18n status | head`: the reader left; that is fine
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError, AttributeError):
            pass
        return 0
    except KeyboardInterrupt:  # Ctrl-C during a long check or explore: no traceback
        return 130


_TAKES_VALUE = {"--story", "--locales", "--lang", "--save-dir", "--transcript", "--start", "--student", "--report-dir",
                "--script", "--width", "--set"}
_FLAGS = {"--plain": "plain", "--no-color": "no_color", "--no-colour": "no_color", "--classroom": "classroom",
          "--watch": "watch", "--draft": "draft"}


def _play_options(argv: list[str]) -> Any:
    """The game's options as :func:`build_parser` would give them, or None for anything it
    should judge itself (a mistake, an abbreviation, ``--``...): then argparse reads them.
    A new option of the game needs its default here too (a test compares the two).

    >>> vars(_play_options(["--lang", "es", "--plain", "--story=s"]))["lang"]
    'es'
    >>> _play_options(["--lang", "français"]) is None
    True
    """
    import types

    opts: dict[str, Any] = {"story": None, "locales": None, "lang": None, "plain": False, "no_color": False,
                            "save_dir": None, "transcript": None, "start": None, "classroom": False,
                            "student": None, "report_dir": None, "watch": False, "draft": False, "tool": None,
                            "script": None, "width": None, "set": None}
    i = 0
    while i < len(argv):
        arg = argv[i]
        name, eq, value = arg.partition("=")
        if name in _TAKES_VALUE:
            if not eq:
                if i + 1 >= len(argv) or argv[i + 1].startswith("-"):
                    return None
                i += 1
                value = argv[i]
            if name == "--lang":
                from adventure.text.catalog import parse_lang_option

                if parse_lang_option(value) is None:
                    return None
            if name == "--width":  # argparse checks it and says what is wrong
                return None
            if name == "--set":
                opts["set"] = (opts["set"] or []) + [value]
            else:
                opts[name[2:].replace("-", "_")] = value
        elif arg in _FLAGS:
            opts[_FLAGS[arg]] = True
        else:
            return None
        i += 1
    return types.SimpleNamespace(**opts)


def _first_positional(argv: list[str]) -> str | None:
    skip = False
    for arg in argv:
        if skip:
            skip = False
            continue
        if arg == "--":
            continue
        if arg.startswith("-"):
            skip = arg in _TAKES_VALUE
            continue
        return arg
    return None
