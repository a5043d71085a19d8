"""Starting a game: load the story, pick language and mode, run a shell, never a traceback."""

from __future__ import annotations

import errno
import os
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import ENGINE_VERSION
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
    """Never die of UnicodeEncodeError on an ASCII-only terminal (LC_ALL=C PYTHONUTF8=0):
    characters the terminal lacks get ASCII stand-ins (see :mod:`adventure.charset`)."""
    for stream in (ctx.stdout, ctx.stderr):
        try:
            if (getattr(stream, "encoding", "utf-8") or "").lower().replace("-", "") not in ("utf8",):
                from .charset import use_fallback

                stream.reconfigure(errors=use_fallback())  # type: ignore[union-attr]
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


class Stopped(BaseException):
    """SIGTERM, SIGHUP (the terminal window was closed) or SIGQUIT: save and leave.

    A BaseException, like KeyboardInterrupt, so that no ``except Exception`` on the way out --
    asyncio's callback runner inside prompt_toolkit above all -- can swallow it."""


def _on_signal(signum: int, frame: object) -> None:
    raise Stopped(signum)


def _lost_terminal(exc: BaseException) -> bool:
    """The reader of our output went away (``| head``), or the terminal did (window closed)."""
    return isinstance(exc, OSError) and (
        isinstance(exc, (BrokenPipeError, ConnectionResetError)) or exc.errno in (errno.EIO, errno.ENXIO))


def _present_streams(ctx: Context) -> Context:
    """``python play.py <&- >&-``: a closed stdin is an empty input, a closed output a sink."""
    if ctx.stdin is not None and ctx.stdout is not None and ctx.stderr is not None:
        return ctx
    import io

    def sink() -> Any:
        return open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - lives as long as the game

    return ctx._replace(stdin=ctx.stdin if ctx.stdin is not None else io.BytesIO(b""),
                        stdout=ctx.stdout if ctx.stdout is not None else sink(),
                        stderr=ctx.stderr if ctx.stderr is not None else sink())


def play(args: argparse.Namespace, ctx: Context) -> int:
    ctx = _present_streams(ctx)
    _safe_streams(ctx)
    save_dir = Path(args.save_dir).expanduser() if args.save_dir else default_save_dir(ctx.env)
    story_dir, locales_dir = ctx.story_dirs(args)
    cache = open_cache(ctx.env)
    files = StoryFiles(story_dir, locales_dir, cache=cache)  # for reload and --watch
    try:
        result = load_story(story_dir, locales_dir, cache=cache)
    except Exception:  # a loader bug: say so briefly, never a traceback
        return _crash(None, save_dir, ctx)
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
                      reloader=files, measure=getattr(args, "width", None))
    script_problem = _open_script(session, getattr(args, "script", None), ctx)
    if script_problem:
        return script_problem
    watch = bool(getattr(args, "watch", False))
    plain, color = choose_mode(args, ctx)
    previous = _catch_signals()
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
        _say(ctx, "\n" + "".join(p.text + "\n" for p in session.quit()))
        return 0
    except Stopped as stop:  # killed politely or the window closed: keep the game, then go
        session.autosave()
        return 128 + int(stop.args[0])
    except OSError as exc:  # saves and transcripts handle their own: this is the terminal or a stream
        saved = session.autosave()
        if _lost_terminal(exc):  # nobody is reading any more: keep the game, leave quietly
            _silence(ctx)
            return 0
        try:  # e.g. output redirected to a full disk
            note = session.t("ui.output_failed", error=exc.strerror or type(exc).__name__)
            ctx.stderr.write(note + (" " + saved.text if saved is not None else "") + "\n")
            ctx.stderr.flush()
        except (OSError, ValueError):
            pass
        _silence(ctx)
        return 74  # EX_IOERR
    except Exception:
        return _crash(session, save_dir, ctx)  # a bug: keep the player's state, say where the report is
    finally:
        _restore_signals(previous)
        if session.script is not None:
            from .reading import stop_script

            stop_script(session)
        if transcript is not None:
            try:
                transcript.close()
            except OSError:  # the last lines of a transcript on a full disk are lost; the game is not
                pass


def _open_script(session: Session, name: str | None, ctx: Context) -> int:
    """``--script FILE``: start the readable transcript before anything is shown (2 if not)."""
    if not name:
        return 0
    from .reading import start_script
    from .script import acceptable

    if not acceptable(name):
        ctx.stderr.write(session.t("ui.reading.script_bad_name", name=name[:60]) + "\n")
        return 2
    said = start_script(session, Path(name).expanduser())
    if session.script is None:
        ctx.stderr.write(said[0].text + "\n")
        return 2
    return 0


def _catch_signals() -> dict[int, Any]:
    previous = {}
    for name in ("SIGTERM", "SIGHUP", "SIGQUIT"):  # SIGQUIT: Ctrl-\ pressed while the game prints
        number = getattr(signal, name, None)
        if number is None:
            continue
        try:
            previous[number] = signal.signal(number, _on_signal)
        except (ValueError, OSError):  # not the main thread, or not allowed here
            pass
    return previous


def _restore_signals(previous: dict[int, Any]) -> None:
    for number, handler in previous.items():
        try:
            signal.signal(number, handler)
        except (ValueError, OSError, TypeError):
            pass


def _say(ctx: Context, text: str) -> None:
    try:
        ctx.stdout.write(text)
        ctx.stdout.flush()
    except (OSError, ValueError):
        pass


def _silence(ctx: Context) -> None:
    """After a broken pipe, point stdout at /dev/null so the interpreter's final flush is quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, ctx.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def _crash(session: Session | None, save_dir: Path, ctx: Context) -> int:
    """Save the state to the recovery slot, write a report, say where, exit 70 (EX_SOFTWARE)."""
    import datetime
    import tempfile
    import traceback

    details = traceback.format_exc()
    recovered = None
    if session is not None:
        try:
            recovered = session.recover()
        except Exception:  # the state itself may be what broke; the report still gets written
            details += "\nThe recovery save failed too:\n" + traceback.format_exc()
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    where = "(could not be written)"
    for folder in (save_dir, Path(tempfile.gettempdir())):
        report = folder / f"crash-{stamp}-{os.getpid()}.txt"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            report.write_text(f"Hengyang 1944 {ENGINE_VERSION} crash report {stamp}\n"
                              f"Python {sys.version.split()[0]} on {sys.platform}\n"
                              f"recovery save: {recovered}\n\n" + details, encoding="utf-8")
            where = str(report)
            break
        except OSError:
            continue
    try:
        message = session.t("ui.crash", path=where) if session is not None else ""
    except Exception:
        message = ""
    if not message:
        message = f"Something went wrong inside the game. A report was written to {where}."
    try:
        ctx.stderr.write("\n" + message + "\n")
        ctx.stderr.flush()
    except (OSError, ValueError):
        pass
    return 70
