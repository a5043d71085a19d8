"""``python play.py class DIR...`` (or ``hengyang class``): the whole class on one page.

Reads every report record (``*.json`` beside each student's report) in the folders, recursively,
and writes one self-contained page for the teacher: the class at a glance, how the class chose
at each decision, the endings and notes, the reflection answers side by side, and a row per
student with a link to their own report. ``--format md`` writes Markdown instead of HTML;
``--anonymise`` replaces names with stable pseudonyms; ``--lang en|es`` is the page's
language (default: from the environment, as the game). A file that is not a sound record is
skipped with a line naming it (on standard error, and listed on the page). See docs/teachers.md.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from adventure.tools import load_for_tool, tool_text

if TYPE_CHECKING:
    from adventure.cli.words import Parser


def configure(parser: Parser) -> None:
    say, add = parser.say, parser.add_argument
    add("folders", nargs="+", metavar=say("cli.meta.dir"), help=say("cli.class.folders"))
    add("-o", "--output", metavar=say("cli.meta.file"), help=say("cli.class.output"))
    add("--format", choices=("html", "md"), default="html", help=say("cli.class.format"))
    add("--anonymise", "--anonymize", dest="anonymise", action="store_true", help=say("cli.class.anonymise"))
    add("--lang", metavar=say("cli.meta.lang"), help=say("cli.class.lang"))


def run(args: argparse.Namespace, ctx: Any) -> int:
    from adventure.classpage.aggregate import build_page
    from adventure.classpage.records import read_folders
    from adventure.classpage.render import render_html, render_md
    from adventure.files.atomic import write_atomic
    from adventure.text.catalog import Texts, detect_language

    result = load_for_tool(args, ctx, stream=ctx.stderr,
                           why=tool_text(ctx, "tools.class_no_story", command=ctx.command))
    if result is None or result.story is None or result.catalog is None:
        return 1
    story, catalog = result.story, result.catalog
    lang = args.lang if args.lang in story.languages else detect_language(ctx.env, story.languages)
    t = Texts(catalog, lang)
    folders = [Path(f).expanduser() for f in args.folders]
    missing = [f for f in folders if not f.exists()]
    for f in missing:
        ctx.stderr.write(f"class: {t('ui.class.skip.unreadable', detail=str(f))}\n")
    if missing:
        return 2
    found = read_folders(folders)
    for s in found.skipped:
        ctx.stderr.write(t("ui.class.skipped_line", file=str(s.file), reason=t(s.reason, detail=s.detail)) + "\n")
    if not found.reports:
        ctx.stderr.write(t("ui.class.none_found", folders=", ".join(map(str, folders))) + "\n")
        return 1
    to_stdout = args.output == "-"
    path = Path(args.output or f"class.{args.format}").expanduser()
    out_dir = Path.cwd() if to_stdout else path.parent
    page = build_page(found, story, catalog, lang=lang, out_dir=out_dir, anonymise=args.anonymise)
    text = (render_html if args.format == "html" else render_md)(page, catalog, out_dir=out_dir)
    if to_stdout:
        ctx.stdout.write(text)
        return 0
    try:
        if path.parent != Path(""):
            path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, text.encode("utf-8"), durable=False)
    except OSError as exc:
        ctx.stderr.write(t("ui.class.cannot_write", path=str(path), error=exc.strerror or type(exc).__name__) + "\n")
        return 1
    ctx.stdout.write(t("ui.class.wrote", path=str(path), students=t.count("ui.class.n_students", len(page.students)),
                       records=t.count("ui.class.n_reports", len(found.reports)),
                       skipped=t.count("ui.class.n_skipped", len(found.skipped))) + "\n")
    return 0
