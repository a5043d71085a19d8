"""``python play.py check``: load everything, report every problem in one run.

Each problem is one line, ``path:line:col: error CODE: message — how to fix``; warnings say
``warning CODE`` and do not fail the run (among them: translations missing or stale since
their last review, see ``python play.py i18n status``). A clean story prints a one-line summary (scenes,
choices, endings, notes, words per language) and exits 0; any error exits 1.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from adventure.files.cache import open_cache
from adventure.files.diagtext import localise, writer_language
from adventure.files.loader import load_story
from adventure.files.structure import summarise
from adventure.tools import tool_text
from adventure.tools.check import collect

if TYPE_CHECKING:
    from adventure.cli.words import Parser


def configure(parser: Parser) -> None:
    say = parser.say
    parser.add_argument("--strict", action="store_true", help=say("cli.check.strict"))
    parser.add_argument("--stats", action="store_true", help=say("cli.check.stats"))
    parser.add_argument("--draft", action="store_true", help=say("cli.check.draft"))


def run(args: argparse.Namespace, ctx: Any) -> int:
    story_dir, locales_dir = ctx.story_dirs(args)
    cache = open_cache(ctx.env)
    result = load_story(story_dir, locales_dir, cache=cache, draft=args.draft)
    # What was loaded lives until the end: the garbage collector need not walk it again
    # (at 10,000 scenes that walk, once now and once at exit, is a fifth of a check).
    import gc

    gc.freeze()
    diags = collect(result, locales_dir, cache=cache, command=ctx.command)
    lang = writer_language(ctx.env)  # each message and fix in the writer's language, like the summary
    for d in diags:
        ctx.stdout.write(localise(d, lang).format() + "\n")
    errors = sum(1 for d in diags if d.is_error)
    warnings = len(diags) - errors
    if errors or (args.strict and warnings):
        ctx.stdout.write(tool_text(ctx, "check.summary", errors=errors, warnings=warnings) + "\n")
        return 1
    assert result.story is not None and result.catalog is not None
    summary = summarise(result.story, result.catalog)
    line = tool_text(ctx, "cli.check.ok", story=result.story.id, scenes=summary.scenes, choices=summary.choices,
                     endings=summary.endings, notes=summary.notes,
                     words=", ".join(f"{lang} {n:,}" for lang, n in summary.words.items()))
    tail = tool_text(ctx, "check.warnings_tail", warnings=warnings) if warnings else ""
    ctx.stdout.write(f"{line}{tail}.\n")
    if args.stats:
        ctx.stdout.write(tool_text(ctx, "check.stats_header") + "\n")
        for chapter, scenes, words in chapter_words(result.story, result.catalog):
            shown = "  ".join(f"{lang} {n:,}" for lang, n in words.items())
            name = chapter or tool_text(ctx, "check.stats_endings")
            ctx.stdout.write("  " + tool_text(ctx, "check.stats_row", chapter=name, scenes=scenes, words=shown) + "\n")
    return 0


def chapter_words(story: Any, catalog: Any) -> list[tuple[str | None, int, dict[str, int]]]:
    """(chapter id, scenes, words of scene text per language) for each chapter in reading
    order, then (None, 0, words) for the endings' texts; the sums are the summary's figures.

    >>> from adventure.files.loader import load_story
    >>> r = load_story()
    >>> rows = chapter_words(r.story, r.catalog)
    >>> sum(w["en"] for _, _, w in rows) == summarise(r.story, r.catalog).words["en"]
    True
    """
    from adventure.core.model import ending_text_key, scene_text_key
    from adventure.files.structure import count_words

    order = [c.id for c in story.chapters]
    order += sorted({s.chapter for s in story.scenes.values()} - set(order))
    rows: list[tuple[str | None, int, dict[str, int]]] = []
    for cid in order:
        ids = [sid for sid, s in story.scenes.items() if s.chapter == cid]
        words = {lang: sum(count_words(catalog.texts.get(lang, {}).get(scene_text_key(sid), "")) for sid in ids)
                 for lang in story.languages}
        rows.append((cid, len(ids), words))
    if story.endings:
        rows.append((None, 0, {lang: sum(count_words(catalog.texts.get(lang, {}).get(ending_text_key(e), ""))
                                         for e in story.endings) for lang in story.languages}))
    return rows
