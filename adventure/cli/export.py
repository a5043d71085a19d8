"""``python play.py export``: the whole story as a reading edition, to read or to print.

``--format html`` (default) writes one self-contained page (no network; readable on a phone;
prints with every link written out as its target); ``--format md`` writes Markdown;
``--format web`` writes the game itself as one HTML file that plays offline in a browser
(see :mod:`adventure.web`; ``--lang`` is the language it opens in; ``--classroom`` starts it
in classroom mode).
``--lang en|es|both|en+es|es+en``: ``both`` follows each paragraph with the other language.
``-o FILE`` names the file (``-`` for standard output); by default it is
``<story id>-<lang>.<html|md>`` in the current folder. Works with ``--story``/``--locales``.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from adventure.classroom.edition import build_book, to_html, to_markdown
from adventure.cli import lang_option
from adventure.files.atomic import write_atomic
from adventure.tools import ToolWords, load_for_tool

if TYPE_CHECKING:
    from adventure.cli.words import Parser


def configure(parser: Parser) -> None:
    say = parser.say
    parser.add_argument("--format", choices=("html", "md", "web"), default="html", help=say("cli.export.format"))
    parser.add_argument("--lang", type=lang_option, default=None, metavar=say("cli.meta.lang"),
                        help=say("cli.export.lang"))
    parser.add_argument("--classroom", action="store_true", help=say("cli.export.classroom"))
    parser.add_argument("-o", "--output", metavar=say("cli.meta.file"), help=say("cli.export.output"))


def run(args: argparse.Namespace, ctx: Any) -> int:
    say = ToolWords(ctx.env)
    result = load_for_tool(args, ctx, need_ok=True, stream=ctx.stderr,
                           why=say("export.no_book", command=ctx.command))
    if result is None or result.story is None or result.catalog is None:
        return 1
    story = result.story
    langs = story.languages
    option = args.lang or langs[0]
    if option == "both":
        option = "+".join(langs[:2])
    lang, _, second = option.partition("+")
    for code in (lang, second):
        if code and code not in story.languages:
            ctx.stderr.write(say("export.no_lang", lang=code, langs=", ".join(story.languages)) + "\n")
            return 2
    if args.format == "web":
        from adventure.web.export import build_page

        text = build_page(story, result.catalog, lang=lang, second=second or None, classroom=args.classroom)
        summary = say("export.summary_web", kb=len(text.encode("utf-8")) // 1024, scenes=len(story.scenes))
    else:
        book = build_book(story, result.catalog, lang, second=second or None)
        text = to_html(book) if args.format == "html" else to_markdown(book)
        summary = say("export.summary_book", sections=len(book.order))
    if args.output == "-":
        ctx.stdout.write(text)
        return 0
    suffix = "-web.html" if args.format == "web" else f".{args.format}"
    name = args.output or f"{story.id}-{option.replace('+', '-')}{suffix}"
    path = Path(name).expanduser()
    try:
        if path.parent != Path(""):
            path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, text.encode("utf-8"))
    except OSError as exc:
        ctx.stderr.write("export: " + say("tools.cannot_write", path=path, error=exc.strerror or exc) + "\n")
        return 1
    ctx.stdout.write(say("export.wrote", path=path, summary=summary, notes=len(story.notes),
                         terms=len(story.classroom.terms), questions=len(story.classroom.questions)) + "\n")
    return 0
