"""``python play.py i18n``: translation status, review, export and import.

* ``i18n status`` — per language: keys present, missing, extra, identical to the source
  (probably untranslated), stale (the source text changed since the translation was last
  reviewed) and not yet reviewed, each listed with its file and line.
* ``i18n review KEY...`` (a key, or a prefix such as ``scenes.pro_well``) or ``--all`` — record
  that the translations were checked against the current source text (in ``review.lock``).
* ``i18n export --format csv|po [-o FILE] [--todo]`` — for a spreadsheet or Poedit.
* ``i18n import FILE`` — bring the work back: texts, translator comments and reviews; the
  YAML files are edited in place, keeping comments and layout. ``--dry-run`` only reports.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from adventure.files.atomic import write_atomic
from adventure.files.diagtext import localise
from adventure.files.loader import default_locales_dir, display_path
from adventure.tools import ToolWords, load_for_tool
from adventure.tools.exchange import ImportError_, export_rows, read_csv, to_csv
from adventure.tools.importing import import_entries
from adventure.tools.pofile import read_po, to_po
from adventure.tools.translation import LangStatus, review, status

if TYPE_CHECKING:
    from adventure.cli.words import Parser


def configure(parser: Parser) -> None:
    say = parser.say
    sub = parser.add_subparsers(dest="action", metavar=say("cli.meta.action"), required=True)
    for action in ("status", "review", "export", "import"):
        help_text = say(f"cli.i18n.{action}")
        p = sub.add_parser(action, help=help_text, description=help_text)
        if action == "status":
            p.add_argument("--brief", action="store_true", help=say("cli.i18n.brief"))
            p.add_argument("--strict", action="store_true", help=say("cli.i18n.strict"))
        elif action == "review":
            p.add_argument("keys", nargs="*", metavar=say("cli.meta.key"), help=say("cli.i18n.keys"))
            p.add_argument("--all", action="store_true", help=say("cli.i18n.all"))
            p.add_argument("--dry-run", action="store_true", help=say("cli.i18n.review_dry_run"))
        elif action == "export":
            p.add_argument("--format", choices=("csv", "po"), help=say("cli.i18n.export_format"))
            p.add_argument("-o", "--output", metavar=say("cli.meta.file"), help=say("cli.i18n.output"))
            p.add_argument("--todo", action="store_true", help=say("cli.i18n.todo"))
        else:
            p.add_argument("file", metavar=say("cli.meta.file"), help=say("cli.i18n.file"))
            p.add_argument("--format", choices=("csv", "po"), help=say("cli.i18n.import_format"))
            p.add_argument("--dry-run", action="store_true", help=say("cli.i18n.import_dry_run"))
        _lang(p)


def _lang(p: Parser) -> None:
    say = p.say
    p.add_argument("--lang", metavar=say("cli.meta.lang"), help=say("cli.i18n.lang"))
    # The common options also work after the action (``i18n status --story DIR``).
    p.add_argument("--story", metavar=say("cli.meta.dir"), default=argparse.SUPPRESS, help=say("cli.common.story"))
    p.add_argument("--locales", metavar=say("cli.meta.dir"), default=argparse.SUPPRESS,
                   help=say("cli.common.locales"))


def run(args: argparse.Namespace, ctx: Any) -> int:
    locales_dir = ctx.story_dirs(args)[1] or default_locales_dir()
    say = ToolWords(ctx.env)
    result = load_for_tool(args, ctx, locales_dir=locales_dir, why=say("i18n.no_manifest"))
    if result is None or result.story is None:
        return 1
    base = result.story.languages[0]
    others = list(result.story.languages[1:])
    if args.lang:
        if args.lang == base or args.lang not in result.story.languages:
            ctx.stderr.write(say("i18n.lang_one_of", langs=", ".join(others) or say("i18n.none")) + "\n")
            return 2
        others = [args.lang]
    out: IO[str] = ctx.stdout
    if args.action == "status":
        return _status(out, locales_dir, base, others, args, ctx.command, say)
    if args.action == "review":
        return _review(out, ctx.stderr, locales_dir, base, others, args, say)
    if args.action == "export":
        if len(others) != 1:
            ctx.stderr.write(say("i18n.export_which") + "\n")
            return 2
        return _export(ctx, locales_dir, base, others[0], result.story.id, args, say)
    return _import(ctx, locales_dir, base, list(result.story.languages), args, say)


def _status(out: IO[str], locales_dir: Path, base: str, langs: list[str], args: argparse.Namespace,
            command: str, say: ToolWords) -> int:
    bad = 0
    for lang in langs:
        st = status(locales_dir, base, lang, command=command)
        present = st.of("present")
        missing, extra, stale = st.of("missing"), st.of("extra"), st.of("stale")
        identical, unreviewed = st.of("identical"), st.of("unreviewed")
        total = len([k for k in st.keys if k.source is not None])
        out.write(say("i18n.against", lang=lang, base=base, folder=f"{display_path(st.folder)}/") + "\n")
        rows = [("present", len(present), {"total": total}), ("missing", len(missing), {}),
                ("extra", len(extra), {}), ("identical", len(identical), {}), ("stale", len(stale), {}),
                ("unreviewed", len(unreviewed), {})]
        names = {row: say(f"i18n.row.{row}") for row, _n, _subs in rows}
        width = max(13, max(len(name) + 1 for name in names.values()))
        for row, n, subs in rows:
            out.write(f"  {names[row]:<{width}}{n:>6}   {say(f'i18n.row_note.{row}', lang=lang, base=base, **subs)}\n")
        for d in st.lock_diags:
            out.write("  " + localise(d, say.lang).format() + "\n")
        if not args.brief:
            _list(out, say("i18n.list.missing", lang=lang),
                  [(k.key, f"{k.source.shown}:{k.source.line}") for k in missing if k.source])
            _list(out, say("i18n.list.stale", lang=lang, command=command),
                  [(k.key, f"{k.target.shown}:{k.target.line}") for k in stale if k.target])
            _list(out, say("i18n.list.identical", base=base),
                  [(k.key, f"{k.target.shown}:{k.target.line}") for k in identical if k.target])
            _list(out, say("i18n.list.unreviewed"),
                  [(k.key, f"{k.target.shown}:{k.target.line}") for k in unreviewed if k.target and not k.identical])
            _list(out, say("i18n.list.extra", lang=lang),
                  [(k.key, f"{k.target.shown}:{k.target.line}") for k in extra if k.target])
        bad += len(missing) + len(stale)
    return 1 if args.strict and bad else 0


def _list(out: IO[str], title: str, items: list[tuple[str, str]]) -> None:
    if not items:
        return
    out.write(f"{title}:\n")
    width = max(len(k) for k, _ in items)
    for key, where in items:
        out.write(f"  {key.ljust(width)}  {where}\n")


def _review(out: IO[str], err: IO[str], locales_dir: Path, base: str, langs: list[str],
            args: argparse.Namespace, say: ToolWords) -> int:
    if not args.keys and not args.all:
        err.write(say("i18n.review_what") + "\n")
        return 2
    code = 0
    for lang in langs:
        st: LangStatus = status(locales_dir, base, lang)
        res = review(st, args.keys, everything=args.all, dry_run=args.dry_run)
        out.write(say("i18n.would_record" if args.dry_run else "i18n.recorded", lang=lang, n=len(res.recorded),
                      path=display_path(st.lock_path)))
        details = []
        if res.was_stale:
            details.append(say("i18n.were_stale", n=len(res.was_stale)))
        if res.already:
            details.append(say("i18n.already", n=len(res.already)))
        if res.pruned:
            details.append(say("i18n.pruned", n=len(res.pruned)))
        out.write((" (" + "; ".join(details) + ")" if details else "") + ".\n")
        if not args.all:
            for key in res.recorded:
                out.write(f"  {key}\n")
        if args.all:
            identical = [k.key for k in st.of("identical")]
            if identical:
                out.write("  " + say("i18n.identical_reviewed", n=len(identical), base=base) + "\n")
        for key in res.untranslated:
            out.write("  " + say("i18n.untranslated", key=key, lang=lang) + "\n")
            code = 1
        for pattern, near in res.not_found:
            hint = say("i18n.did_you_mean", key=near) if near else ""
            out.write("  " + say("i18n.no_such_key", key=pattern, hint=hint) + "\n")
            code = 1
    return code


def _export(ctx: Any, locales_dir: Path, base: str, lang: str, story_id: str, args: argparse.Namespace,
            say: ToolWords) -> int:
    fmt = args.format or (Path(args.output).suffix.lstrip(".").lower() if args.output else "po")
    if fmt not in ("csv", "po"):
        ctx.stderr.write(say("i18n.format_from_output", name=args.output) + "\n")
        return 2
    st = status(locales_dir, base, lang)
    rows = export_rows(st, todo=args.todo)
    text = to_csv(rows, base=base, lang=lang) if fmt == "csv" else to_po(rows, base=base, lang=lang, story_id=story_id)
    if args.output:
        try:
            write_atomic(Path(args.output), text.encode("utf-8-sig" if fmt == "csv" else "utf-8"))
        except OSError as exc:
            ctx.stderr.write(say("tools.cannot_write", path=args.output, error=exc.strerror or exc) + "\n")
            return 1
        counts: dict[str, int] = {}
        for r in rows:
            counts[r.status] = counts.get(r.status, 0) + 1
        summary = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
        ctx.stdout.write(say("i18n.wrote", path=args.output, n=len(rows), lang=lang,
                             summary=summary or say("i18n.none_exported")) + "\n")
    else:
        ctx.stdout.write(text)
    return 0


def _import(ctx: Any, locales_dir: Path, base: str, languages: list[str], args: argparse.Namespace,
            say: ToolWords) -> int:
    path = Path(args.file)
    fmt = args.format or path.suffix.lstrip(".").lower()
    if fmt not in ("csv", "po"):
        ctx.stderr.write(say("i18n.format_of_file", name=args.file) + "\n")
        return 2
    try:
        data = path.read_bytes()
    except OSError as exc:
        ctx.stderr.write(say("tools.cannot_read", path=args.file, error=exc.strerror or exc) + "\n")
        return 1
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        ctx.stderr.write(say("i18n.not_utf8", name=args.file) + "\n")
        return 1
    try:
        if fmt == "po":
            header, entries = read_po(text)
            lang = args.lang or header.get("Language", "")
        else:
            lang, entries = read_csv(text, base=base, languages=languages)
            if args.lang and args.lang != lang:
                raise ImportError_(f"the file holds '{lang}', not '{args.lang}'")
    except ImportError_ as exc:
        ctx.stderr.write(f"{args.file}: {exc}\n")
        return 1
    if lang == base or lang not in languages:
        ctx.stderr.write(say("i18n.which_lang", name=args.file, lang=lang or "?",
                             langs=", ".join(x for x in languages if x != base)) + "\n")
        return 1
    st = status(locales_dir, base, lang)
    rep = import_entries(st, entries, locales_dir=locales_dir, dry_run=args.dry_run)
    out = ctx.stdout
    out.write(say("i18n.would_import" if args.dry_run else "i18n.imported", lang=lang, name=args.file,
                  n=len(entries)) + "\n")
    lines = [("updated", [k for k in rep.updated]), ("added", [f"{k} -> {f}" for k, f in rep.added]),
             ("reviewed", rep.reviewed), ("comments", rep.comments),
             ("still_stale", rep.still_stale), ("not_reviewed", rep.not_reviewed),
             ("empty", rep.empty), ("unknown", rep.unknown), ("placeholders", rep.placeholders)]
    for name, keys in lines:
        if keys:
            out.write(f"  {say(f'i18n.import_row.{name}')}: {len(keys)}\n")
            for key in keys:
                out.write(f"    {key}\n")
    out.write(f"  {say('i18n.import_row.unchanged')}: {rep.unchanged}\n")
    if rep.still_stale:
        out.write("  " + say("i18n.still_stale_why", base=base) + "\n")
    for name in rep.rewritten:
        out.write("  " + say("i18n.rewritten", name=name) + "\n")
    for problem in rep.problems:
        out.write("  " + say("i18n.problem", problem=problem) + "\n")
    if rep.files:
        out.write(say("i18n.wrote_files", files=", ".join(rep.files)) + "\n")
    return 1 if rep.problems or rep.placeholders else 0
