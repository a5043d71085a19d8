"""The command line in the writer's language: help lines, argparse's own words, and the
messages about arguments.

Every text is a key of ``locales/<lang>/ui_tools.yaml`` (``ui.cli.*`` for our help lines,
``ui.argparse.*`` for argparse's words), read through :class:`adventure.tools.ToolWords`, so
the language is found as for ``check``'s summary (``LC_ALL`` / ``LC_MESSAGES`` / ``LANG``) and
a translator finds them beside every other text of the game, checked by ``check`` and ``i18n``.

argparse says "usage:", "options", "show this help message and exit", "error: ..." through
``gettext``, which would want a compiled ``.mo`` file for a Spanish writer: a second format for
the same work, built by another tool, that ``check``, ``i18n`` and the French fixture would not
see. So :class:`Parser` answers argparse's ``gettext`` itself: while one of our parsers is
being built, parsing or writing its help (and only then), argparse's module-level ``_`` is our
:func:`_gettext`, which looks argparse's English (its *msgid*, listed in :data:`ARGPARSE`) up
in the locale files; the name is put back as it was afterwards, so other users of argparse in
the process are not affected. A message argparse adds in a later Python stays English until
it is listed here; it never fails.
"""

from __future__ import annotations

import argparse
import functools
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from adventure.tools import ToolWords

#: argparse's own words (its gettext msgids in Python 3.10 to 3.13), with the key of each
#: under ``ui.argparse.`` and names for its unnamed ``%s`` / ``%r`` (as ``{names}`` in YAML).
ARGPARSE: dict[str, tuple[str, tuple[str, ...]]] = {
    "usage: ": ("usage", ()),
    "positional arguments": ("positional", ()),
    "options": ("options", ()),
    "show this help message and exit": ("help", ()),
    "%(prog)s: error: %(message)s\n": ("error", ()),
    "argument %(argument_name)s: %(message)s": ("argument", ()),
    "unrecognized arguments: %s": ("unrecognized", ("args",)),
    "the following arguments are required: %s": ("required", ("args",)),
    "one of the arguments %s is required": ("one_required", ("args",)),
    "not allowed with argument %s": ("not_allowed", ("arg",)),
    "ignored explicit argument %r": ("ignored_explicit", ("value",)),
    "expected one argument": ("expected_one", ()),
    "expected at most one argument": ("expected_at_most_one", ()),
    "expected at least one argument": ("expected_at_least_one", ()),
    "ambiguous option: %(option)s could match %(matches)s": ("ambiguous", ()),
    "invalid %(type)s value: %(value)r": ("invalid_value", ()),
    "invalid choice: %(value)r (choose from %(choices)s)": ("invalid_choice", ()),
}
_SPEC = re.compile(r"%(?:\((\w+)\))?([sr])")

#: The words of the parser at work (English until one is).
_current: list[ToolWords] = []


def words() -> ToolWords:
    """The words of the parser at work, for argparse ``type=`` functions' messages."""
    return _current[-1] if _current else ToolWords({})


def as_format(msgid: str, text: str, names: tuple[str, ...] = ()) -> str:
    """A translation written with ``{names}`` turned into the %-format argparse fills in.

    >>> as_format("unrecognized arguments: %s", "argumentos desconocidos: {args}", ("args",))
    'argumentos desconocidos: %s'
    >>> as_format("%(prog)s: error: %(message)s\\n", "{prog}: 100% error: {message}")
    '%(prog)s: 100%% error: %(message)s\\n'
    """
    out = text.strip().replace("%", "%%")
    unnamed = iter(names)
    for name, conv in _SPEC.findall(msgid):
        label = name or next(unnamed, "")
        out = out.replace("{" + label + "}", f"%({name}){conv}" if name else f"%{conv}")
    lead = msgid[:len(msgid) - len(msgid.lstrip())]
    trail = msgid[len(msgid.rstrip()):]
    return lead + out + trail


_tables: dict[str, dict[str, str]] = {}  # language -> argparse's msgid -> its %-format there


def _gettext(msgid: str) -> str:
    w = words()
    table = _tables.get(w.lang)
    if table is None:
        table = _tables[w.lang] = {}
        for each, (key, names) in ARGPARSE.items():
            text = w.text(f"argparse.{key}")
            if text is not None:
                table[each] = as_format(each, text, names)
    return table.get(msgid, msgid)


@contextmanager
def speaking(w: ToolWords) -> Iterator[None]:
    """argparse speaks ``w``'s language inside this block (see the module docstring)."""
    saved = getattr(argparse, "_", None)
    _current.append(w)
    argparse._ = _gettext  # type: ignore[attr-defined]
    try:
        yield
    finally:
        _current.pop()
        argparse._ = saved  # type: ignore[attr-defined]


_UNSAFE_METAVAR = re.compile(r"[\s()\[\]|]+")


def _safe(options: dict[str, Any]) -> dict[str, Any]:
    """Texts from the locale files made harmless for argparse: a ``%`` in a help line is text,
    not a format (argparse %-formats help lines), and a metavar has no space, bracket or bar
    (argparse's usage wrapper splits the usage line on them: it garbles the line, and some
    Python versions fail an assertion)."""
    help_text = options.get("help")
    if isinstance(help_text, str) and help_text is not argparse.SUPPRESS:
        options["help"] = help_text.replace("%", "%%")
    metavar = options.get("metavar")
    if isinstance(metavar, str):
        options["metavar"] = _UNSAFE_METAVAR.sub("_", metavar.strip()) or "X"
    return options


class Parser(argparse.ArgumentParser):
    """An ArgumentParser speaking the writer's language (``words``): its help lines are ours,
    written as keys (``parser.say("cli.check.strict")``), and argparse's own words are looked
    up in our locale files while it works. Its subparsers are Parsers with the same words."""

    def __init__(self, *args: Any, words: ToolWords | None = None, **kwargs: Any) -> None:
        self.words = words or ToolWords({})
        with speaking(self.words):
            super().__init__(*args, **kwargs)

    def say(self, key: str, /, **subs: object) -> str:
        """Our text ``ui.<key>`` in the parser's language."""
        return self.words(key, **subs)

    def add_argument(self, *args: Any, **kwargs: Any) -> Any:
        return super().add_argument(*args, **_safe(kwargs))

    def add_subparsers(self, **kwargs: Any) -> Any:
        kwargs.setdefault("parser_class", functools.partial(Parser, words=self.words))
        action = super().add_subparsers(**_safe(kwargs))
        add_parser = action.add_parser

        def add_safe_parser(name: str, **options: Any) -> Any:  # a tool's help line is %-formatted too
            return add_parser(name, **_safe(options))

        action.add_parser = add_safe_parser  # type: ignore[method-assign]
        return action

    def parse_args(self, args: Any = None, namespace: Any = None) -> Any:  # type: ignore[override]
        with speaking(self.words):
            return super().parse_args(args, namespace)

    def parse_known_args(self, args: Any = None, namespace: Any = None) -> Any:
        with speaking(self.words):
            return super().parse_known_args(args, namespace)

    def error(self, message: str) -> Any:
        with speaking(self.words):
            # Python before 3.12 writes "argument X: …" without passing it through gettext.
            if message.startswith("argument ") and ": " in message:
                name, _sep, rest = message[len("argument "):].partition(": ")
                message = _gettext("argument %(argument_name)s: %(message)s") % {
                    "argument_name": name, "message": rest}
            return super().error(message)

    def format_usage(self) -> str:
        with speaking(self.words):
            return super().format_usage()

    def format_help(self) -> str:
        with speaking(self.words):
            return super().format_help()

