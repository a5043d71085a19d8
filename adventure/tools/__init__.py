"""Writer and teacher tools run as ``python play.py TOOL``; each module has configure() and run()."""

from __future__ import annotations

import argparse
import functools
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

from adventure.files.loader import LoadResult


def load_for_tool(args: argparse.Namespace, ctx: Any, *, why: str, need_ok: bool = False,
                  locales_dir: Path | None = None, stream: IO[str] | None = None) -> LoadResult | None:
    """Load the story a tool works on (through the parsed-story cache).

    When it cannot be used -- no story at all, or, with ``need_ok``, any error -- the errors are
    written one per line, then ``why`` (what the tool cannot do until they are fixed), and None
    is returned; the tool then exits 1::

        result = load_for_tool(args, ctx, why="The story has errors, so it cannot be explored.", need_ok=True)
        if result is None:
            return 1
    """
    from adventure.files.cache import open_cache
    from adventure.files.loader import load_story

    story_dir, given_locales = ctx.story_dirs(args)
    result = load_story(story_dir, locales_dir or given_locales, cache=open_cache(ctx.env))
    if result.story is not None and result.catalog is not None and (result.ok or not need_ok):
        return result
    out = stream or ctx.stdout
    from adventure.files.diagtext import localise, writer_language

    for d in result.diagnostics:
        if d.is_error:
            out.write(localise(d, writer_language(ctx.env)).format() + "\n")
    out.write(why + "\n")
    return None


def tool_text(ctx: Any, key: str, /, **subs: object) -> str:
    """An interface text of the tools (``locales/<lang>/ui_tools.yaml``, key ``ui.<key>``) in the
    writer's language (``LC_ALL`` / ``LC_MESSAGES`` / ``LANG``), English when that has none.

    Read from the engine's own locale files, so it works when the story itself does not load."""
    return ToolWords(ctx.env)(key, **subs)


class ToolWords:
    """The tools' texts in the writer's language: ``words("check.summary", errors=1, ...)``.

    The language is the one :func:`adventure.text.catalog.detect_language` finds in the
    environment among those the engine's own locales have (a new one is a folder there, no
    code); a key that language lacks falls back to English, and a key nobody has is shown as
    itself (tests look for that)."""

    def __init__(self, env: Mapping[str, str]) -> None:
        from adventure.files.loader import default_locales_dir
        from adventure.text.catalog import detect_language

        try:
            have = tuple(sorted(p.name for p in default_locales_dir().iterdir() if (p / "ui_tools.yaml").is_file()))
        except OSError:
            have = ()
        self.lang = detect_language(env, have or ("en",))

    def text(self, key: str) -> str | None:
        """The text of ``ui.<key>`` as written (placeholders not filled), or None."""
        for each in (self.lang, "en"):
            found = _table(each).get(f"ui.{key}")
            if found is not None:
                return found
        return None

    def __call__(self, key: str, /, **subs: object) -> str:
        from adventure.text.catalog import fill

        found = self.text(key)
        return key if found is None else fill(found, subs)


@functools.lru_cache(maxsize=8)
def _table(lang: str) -> dict[str, str]:
    """``locales/<lang>/ui_tools.yaml`` of the engine, key to text (read once per run)."""
    from adventure.files.loader import default_locales_dir, parse_locale_file

    path = default_locales_dir() / lang / "ui_tools.yaml"
    try:
        entries = parse_locale_file(path.read_bytes(), str(path))["entries"]
    except OSError:
        return {}
    return {name: text for name, text, _line, _col in entries}
