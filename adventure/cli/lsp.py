"""``python play.py lsp``: the language server for writers' editors, over stdin/stdout.

Editors start it themselves (docs/writing.md shows the set-up for VS Code, Neovim, Helix and
Zed). It needs pygls: ``pip install '.[lsp]'``.
"""

from __future__ import annotations

import argparse
from typing import Any


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--draft", action="store_true",
                        help="texts missing in some languages are warnings, as when playing with --draft")
    parser.add_argument("--stdio", action="store_true", help="talk over stdin/stdout (the default; editors pass it)")


def run(args: argparse.Namespace, ctx: Any) -> int:
    try:
        from adventure.lsp.server import serve
    except ImportError:
        ctx.stderr.write("The language server needs pygls: pip install 'hengyang1944[lsp]' "
                         "(or, in a checkout, pip install '.[lsp]').\n")
        return 1
    story_dir, locales_dir = ctx.story_dirs(args)
    return serve(story_dir, locales_dir, draft=args.draft)
