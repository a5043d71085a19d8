"""Starting a game: load the story, pick language and mode, run a shell, never a traceback."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .cache import open_cache
from .cli import Context
from .i18n import detect_language
from .loader import load_story
from .saves import SaveStore, default_save_dir
from .session import Session
from .transcript import Transcript
from .watch import StoryFiles

if TYPE_CHECKING:
    import argparse


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


def choose_mode(args: argparse.Namespace, ctx: Context) -> tuple[bool, bool]:
    """(plain, color): plain when asked, when stdin or stdout is not a terminal, or TERM=dumb;
    colour unless NO_COLOR (non-empty), --no-color or TERM=dumb."""
    dumb = ctx.env.get("TERM", "") == "dumb"
    plain = bool(args.plain) or dumb or not _isatty(ctx.stdin) or not _isatty(ctx.stdout)
    color = not plain and not args.no_color and not ctx.env.get("NO_COLOR")
    return plain, color


def _safe_streams(ctx: Context) -> None:
    """Never die of UnicodeEncodeError on an ASCII-only terminal (LC_ALL=C PYTHONUTF8=0)."""
    for stream in (ctx.stdout, ctx.stderr):
        try:
            if (getattr(stream, "encoding", "utf-8") or "").lower().replace("-", "") not in ("utf8",):
                stream.reconfigure(errors="replace")  # type: ignore[union-attr]
        except (AttributeError, ValueError):
            pass


def resolve_languages(option: str | None, env: Any, available: tuple[str, ...]) -> tuple[str, str | None]:
    """``--lang`` to (language, second language for bilingual reading or None).

    >>> resolve_languages("es+en", {}, ("en", "es"))
    ('es', 'en')
    >>> resolve_languages("both", {"LANG": "es_ES.UTF-8"}, ("en", "es"))
    ('es', 'en')
    >>> resolve_languages(None, {}, ("en", "es"))
    ('en', None)
    """
    if option and "+" in option:
        first, second = option.split("+", 1)
        return first, second
    if option == "both":
        first = detect_language(env, available)
        others = [lang for lang in available if lang != first]
        return first, (others[0] if others else None)
    return option or detect_language(env, available), None


def play(args: argparse.Namespace, ctx: Context) -> int:
    _safe_streams(ctx)
    story_dir, locales_dir = ctx.story_dirs(args)
    cache = open_cache(ctx.env)
    files = StoryFiles(story_dir, locales_dir, cache=cache)  # for reload and --watch
    result = load_story(story_dir, locales_dir, cache=cache)
    if not result.ok or result.story is None or result.catalog is None:
        errors = [d for d in result.diagnostics if d.is_error]
        lang = args.lang if args.lang in ("en", "es") else "en"
        broken = (result.catalog.get(lang, "ui.story_broken") if result.catalog else None) or \
            "The story has errors and cannot start. Run: python play.py check"
        ctx.stderr.write(broken + "\n")
        for d in errors[:5]:
            ctx.stderr.write("  " + d.format() + "\n")
        return 1
    story, catalog = result.story, result.catalog
    if args.start and args.start not in story.scenes:
        ctx.stderr.write(f"--start: there is no scene '{args.start}' (python play.py check lists the story)\n")
        return 2
    # The story lives as long as the game: the garbage collector need never walk it again.
    import gc

    gc.freeze()
    lang, second = resolve_languages(args.lang, ctx.env, story.languages)
    save_dir = Path(args.save_dir).expanduser() if args.save_dir else default_save_dir(ctx.env)
    report_dir = Path(args.report_dir).expanduser() if args.report_dir else save_dir.parent / "reports"
    student = (args.student or "").strip() or None
    if student:  # each student's saves apart, so a shared computer never offers another's game
        from .classroom import slug

        save_dir = save_dir / "students" / slug(student)
    store = SaveStore(save_dir)
    store.clean_temp()
    transcript = Transcript(Path(args.transcript)) if args.transcript else None
    session = Session(story, catalog, lang=lang, store=store, transcript=transcript, start_at=args.start,
                      second=second, classroom=args.classroom, student=student, report_dir=report_dir,
                      reloader=files)
    watch = bool(getattr(args, "watch", False))
    plain, color = choose_mode(args, ctx)
    try:
        if plain:
            from .shell_plain import run_plain

            stdin = getattr(ctx.stdin, "buffer", ctx.stdin)
            width = None
            if _isatty(ctx.stdout):
                import shutil

                width = max(20, shutil.get_terminal_size().columns - 1)
            return run_plain(session, stdin=stdin, stdout=ctx.stdout, width=width, echo=not _isatty(ctx.stdin),
                             watch=watch)
        if sys.platform == "win32":  # escape codes for the old Windows console; a no-op elsewhere
            import colorama

            colorama.just_fix_windows_console()
        from .shell_tty import run_tty

        return run_tty(session, color=color, watch=watch)
    except KeyboardInterrupt:
        ctx.stdout.write("\n")
        for p in session.quit():
            ctx.stdout.write(p.text + "\n")
        return 0
    except Exception:  # an unexpected error: keep the player's state, then say where the report is
        return _crash(session, store, ctx)
    finally:
        if transcript is not None:
            transcript.close()


def _crash(session: Session, store: SaveStore, ctx: Context) -> int:
    import datetime
    import traceback

    recovered = session.recover()
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    report = store.directory.parent / f"crash-{stamp}.txt"
    try:
        report.parent.mkdir(parents=True, exist_ok=True)
        report.write_text(
            f"Hengyang 1944 crash report {stamp}\nrecovery save: {recovered}\n\n" + traceback.format_exc(),
            encoding="utf-8")
        where = str(report)
    except OSError:
        where = "(could not be written)"
    ctx.stderr.write("\n" + session.t("ui.crash", path=where) + "\n")
    return 70

