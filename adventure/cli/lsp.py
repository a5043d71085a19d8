"""``python play.py lsp``: the language server for writers' editors, over stdin/stdout.

Editors start it themselves (docs/writing.md shows the set-up for VS Code, Neovim, Helix and
Zed). It needs pygls: ``pip install '.[lsp]'``.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from adventure.tools import tool_text

if TYPE_CHECKING:
    from adventure.cli.words import Parser


def configure(parser: Parser) -> None:
    parser.add_argument("--draft", action="store_true", help=parser.say("cli.lsp.draft"))
    parser.add_argument("--stdio", action="store_true", help=parser.say("cli.lsp.stdio"))


def run(args: argparse.Namespace, ctx: Any) -> int:
    try:
        from adventure.lsp.server import serve
    except ImportError:
        ctx.stderr.write(tool_text(ctx, "cli.lsp.needs_pygls") + "\n")
        return 1
    story_dir, locales_dir = ctx.story_dirs(args)
    return serve(story_dir, locales_dir, draft=args.draft)
