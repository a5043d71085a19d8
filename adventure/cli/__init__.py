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

    from adventure.cli.words import Parser
    from adventure.tools import ToolWords

TOOLS: dict[str, tuple[str, str]] = {  # name: (module, key of its help line under ui.cli.tools.)
    "check": ("adventure.cli.check", "check"),
    "class": ("adventure.cli.classpage", "class"),
    "export": ("adventure.cli.export", "export"),
    "explore": ("adventure.cli.explore", "explore"),
    "graph": ("adventure.cli.graph", "graph"),
    "i18n": ("adventure.cli.i18n", "i18n"),
    "lsp": ("adventure.cli.lsp", "lsp"),
}


def lang_option(text: str) -> str:
    """argparse's check of a ``--lang`` value's shape (the story's own list is checked later)."""
    import argparse

    from adventure.cli.words import words
    from adventure.text.catalog import parse_lang_option

    if parse_lang_option(text) is None:
        raise argparse.ArgumentTypeError(words()("cli.error.lang", value=text))
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


def _common(parser: Parser, *, suppress: bool) -> None:
    import argparse

    default = argparse.SUPPRESS if suppress else None
    say = parser.say
    parser.add_argument("--story", metavar=say("cli.meta.dir"), default=default, help=say("cli.common.story"))
    parser.add_argument("--locales", metavar=say("cli.meta.dir"), default=default, help=say("cli.common.locales"))


def build_parser(*, tools: bool = True, only: str | None = None, prog: str = "hengyang",
                 words: ToolWords | None = None) -> Parser:
    """The whole command line, in the language of ``words`` (English by default). With
    ``only``, the options of that tool alone are set up (the others are listed with their
    help line), so running one tool imports no other."""
    import argparse

    from adventure.cli.words import Parser
    from adventure.tools import ToolWords

    w = words or ToolWords({})
    parser = Parser(prog=prog, words=w, description=w("cli.description"), epilog=w("cli.epilog"))
    _common(parser, suppress=False)
    add = parser.add_argument
    add("--lang", type=lang_option, metavar=w("cli.meta.lang"), help=w("cli.play.lang"))
    add("--plain", action="store_true", help=w("cli.play.plain"))
    add("--no-color", "--no-colour", dest="no_color", action="store_true", help=w("cli.play.no_color"))
    add("--save-dir", metavar=w("cli.meta.dir"), help=w("cli.play.save_dir"))
    add("--transcript", metavar=w("cli.meta.file"), help=w("cli.play.transcript"))
    add("--script", metavar=w("cli.meta.file"), help=w("cli.play.script"))
    add("--width", metavar="N", type=_width, help=w("cli.play.width"))
    add("--start", metavar=w("cli.meta.scene"), help=w("cli.play.start"))
    add("--set", metavar=w("cli.meta.name_value"), action="append", help=w("cli.play.set"))
    add("--classroom", action="store_true", help=w("cli.play.classroom"))
    add("--student", metavar=w("cli.meta.name"), help=w("cli.play.student"))
    add("--report-dir", metavar=w("cli.meta.dir"), help=w("cli.play.report_dir"))
    add("--watch", action="store_true", help=w("cli.play.watch"))
    add("--version", action=_version_action(), nargs=0, default=argparse.SUPPRESS, help=w("cli.play.version"))
    add("--draft", action="store_true", help=w("cli.play.draft"))
    if not tools:
        parser.set_defaults(tool=None)
        return parser
    sub = parser.add_subparsers(dest="tool", metavar=w("cli.meta.tool"))
    for name, (module, key) in TOOLS.items():
        help_text = w(f"cli.tools.{key}")
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
        from adventure.cli.words import words

        raise argparse.ArgumentTypeError(words()("cli.error.width", low=MIN_MEASURE, high=MAX_MEASURE))
    return int(text)


def _words(env: Mapping[str, str]) -> ToolWords:
    """The tools' words in the writer's language (see :class:`adventure.tools.ToolWords`)."""
    from adventure.tools import ToolWords

    return ToolWords(env)


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
        if quick is None:
            quick = build_parser(tools=False, prog=command, words=_words(env)).parse_args(argv)
        return play(quick, ctx)
    first = _first_positional(argv)
    args = build_parser(only=first if first in TOOLS else None, prog=command, words=_words(env)).parse_args(argv)
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
