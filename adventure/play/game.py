"""Starting a game: load the story, pick language and mode, run a shell, never a traceback."""

from __future__ import annotations

import errno
import os
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from adventure import ENGINE_VERSION
from adventure.files.cache import open_cache
from adventure.files.loader import load_story
from adventure.play.saves import SaveStore, default_save_dir
from adventure.play.session import Session
from adventure.play.transcript import Transcript
from adventure.play.watch import StoryFiles
from adventure.text.catalog import Texts, detect_language, fill

if TYPE_CHECKING:  # annotations only: the command line is the layer above the game
    from adventure.cli import Context

if TYPE_CHECKING:
    import argparse


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


def choose_mode(args: argparse.Namespace, ctx: Context) -> tuple[bool, bool]:
    """(plain, color): plain when asked, when stdin or stdout is not a terminal, or TERM=dumb
    (a terminal that cannot move the cursor: no escape codes at all, but see :func:`dumb_terminal`);
    colour unless NO_COLOR (non-empty), --no-color or TERM=dumb."""
    dumb = ctx.env.get("TERM", "") == "dumb"
    plain = bool(args.plain) or dumb or not _isatty(ctx.stdin) or not _isatty(ctx.stdout)
    color = not plain and not args.no_color and not ctx.env.get("NO_COLOR")
    return plain, color


def dumb_terminal(args: argparse.Namespace, ctx: Context) -> bool:
    """Someone types at a terminal that cannot move the cursor (``TERM=dumb``, e.g. Emacs's
    shell): plain output, but asked to press Enter before the story, as in a terminal."""
    return (ctx.env.get("TERM", "") == "dumb" and not args.plain and _isatty(ctx.stdin)
            and _isatty(ctx.stdout))


def _safe_streams(ctx: Context) -> None:
    """Never die of UnicodeEncodeError on an ASCII-only terminal (LC_ALL=C PYTHONUTF8=0):
    characters the terminal lacks get ASCII stand-ins (see :mod:`adventure.core.charset`)."""
    for stream in (ctx.stdout, ctx.stderr):
        try:
            if (getattr(stream, "encoding", "utf-8") or "").lower().replace("-", "") not in ("utf8",):
                from adventure.core.charset import use_fallback

                stream.reconfigure(errors=use_fallback())  # type: ignore[attr-defined]
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


class SignalGate:
    """Ctrl-C (SIGINT) and the termination signals interrupt the game once; until a shell says
    the game goes on (:meth:`reopen`, e.g. "Line cancelled", or the next prompt), any further
    one is counted, not raised. So the save on the way out -- begun when the first one
    arrived -- always finishes: a second Ctrl-C during it cannot leave a traceback or an
    unsaved game."""

    def __init__(self) -> None:
        self.open = True
        self.held = 0  # signals that arrived while closed

    def on_sigint(self, signum: int, frame: object) -> None:
        if not self.open:
            self.held += 1
            return
        self.open = False
        raise KeyboardInterrupt

    def on_stop(self, signum: int, frame: object) -> None:
        if not self.open:
            self.held += 1
            return
        self.open = False
        raise Stopped(signum)

    def close(self) -> None:
        self.open = False

    def reopen(self) -> None:
        self.open = True


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
    draft = bool(getattr(args, "draft", False))
    command = _with_folders(ctx.command, story_dir, locales_dir)  # what "Run: … check" must say to check this story
    files = StoryFiles(story_dir, locales_dir, cache=cache, command=command, draft=draft)  # for reload and --watch
    try:
        result = load_story(story_dir, locales_dir, cache=cache, draft=draft)
    except Exception:  # a loader bug: say so briefly, never a traceback
        return _crash(None, save_dir, ctx)
    if not result.ok or result.story is None or result.catalog is None:
        errors = [d for d in result.diagnostics if d.is_error]
        catalog_langs = result.catalog.languages if result.catalog else ()
        lang = next((code for code in (args.lang or "").split("+") if code in catalog_langs),
                    detect_language(ctx.env, tuple(catalog_langs) or ("en",)))  # the player's, as in play
        broken = (result.catalog.get(lang, "ui.story_broken") if result.catalog else None) or \
            "The story has errors and cannot start. Run: {command} check"
        ctx.stderr.write(fill(broken, {"command": command}) + "\n")
        from adventure.files.diagtext import localise  # only when the story is broken

        for d in errors[:5]:
            ctx.stderr.write("  " + localise(d, lang).format() + "\n")
        return 1
    story, catalog = result.story, result.catalog
    # The story lives as long as the game: the garbage collector need never walk it again.
    import gc

    gc.freeze()
    lang, second = resolve_languages(args.lang, ctx.env, story.languages)
    missing = [code for code in (lang, second) if code and code not in story.languages]
    if missing:
        first = lang if lang in story.languages else detect_language(ctx.env, story.languages)
        ctx.stderr.write(Texts(catalog, first)("ui.lang_unknown", lang=missing[0],
                                               available=", ".join(story.languages)) + "\n")
        return 2
    trial = _trial(args, story, Texts(catalog, lang), ctx)  # a writer's --start / --set (adventure.play.trial)
    if trial is None:
        return 2
    start_at, start_vars = trial
    report_dir: Path | None = Path(args.report_dir).expanduser() if args.report_dir else save_dir.parent / "reports"
    if start_at is not None and not args.report_dir:
        report_dir = None  # a trial writes no classroom report unless asked to (--report-dir)
    student = (args.student or "").strip() or None
    if student:  # each student's saves apart, so a shared computer never offers another's game
        from adventure.classroom.flow import slug

        save_dir = save_dir / "students" / slug(student)
    store = SaveStore(save_dir) if start_at is None else None  # a trial never touches the player's saves
    if store is not None:
        store.clean_temp()
    transcript = Transcript(Path(args.transcript)) if args.transcript else None
    session = Session(story, catalog, lang=lang, store=store, transcript=transcript, start_at=start_at,
                      start_vars=start_vars,
                      second=second, classroom=args.classroom, student=student, report_dir=report_dir,
                      reloader=files, measure=getattr(args, "width", None))
    session.keeper.fallback = lambda: default_save_dir(ctx.env)  # asked only if saving fails
    script_problem = _open_script(session, getattr(args, "script", None), ctx)
    if script_problem:
        session.keeper.release()
        return script_problem
    watch = bool(getattr(args, "watch", False))
    plain, color = choose_mode(args, ctx)
    gate = SignalGate()
    session.keeper.on_handled = gate.reopen
    previous = _catch_signals(gate)
    try:
        if plain:
            from adventure.play.shell_plain import run_plain

            stdin = getattr(ctx.stdin, "buffer", ctx.stdin)
            width = None
            if _isatty(ctx.stdout):
                import shutil

                width = max(20, shutil.get_terminal_size().columns - 1)
            return run_plain(session, stdin=stdin, stdout=ctx.stdout,  # type: ignore[arg-type]
                             width=width, echo=not _isatty(ctx.stdin), watch=watch,
                             press_enter=dumb_terminal(args, ctx))
        if sys.platform == "win32":  # escape codes for the old Windows console; a no-op elsewhere
            import colorama

            colorama.just_fix_windows_console()
        from adventure.play.shell_tty import run_tty

        return run_tty(session, color=color, watch=watch)
    except KeyboardInterrupt:  # Ctrl-C outside a prompt: save (no second Ctrl-C can stop it), go
        gate.close()
        _say(ctx, "\n" + "".join(p.text + "\n" for p in _finish(session.quit)))
        return 0
    except Stopped as stop:  # killed politely or the window closed: keep the game, then go
        gate.close()
        _finish(session.quit)
        return 128 + int(stop.args[0])
    except OSError as exc:  # saves and transcripts handle their own: this is the terminal or a stream
        gate.close()
        saved = next(iter(_finish(session.keeper.final_save)), None)
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
        gate.close()  # no Ctrl-C in the middle of the recovery save
        return _crash(session, save_dir, ctx)  # a bug: keep the player's state, say where the report is
    finally:
        _restore_signals(previous)
        session.keeper.release()
        if session.script is not None:
            from adventure.play.reading import stop_script

            stop_script(session)
        if transcript is not None:
            try:
                transcript.close()
            except OSError:  # the last lines of a transcript on a full disk are lost; the game is not
                pass


def _with_folders(command: str, story_dir: Path | None, locales_dir: Path | None) -> str:
    """``command`` with the ``--story`` / ``--locales`` the player gave, quoted for a shell, so
    that "Run: … check" checks the story that failed, not the shipped one."""
    import shlex

    for option, folder in (("--story", story_dir), ("--locales", locales_dir)):
        if folder is not None:
            command += f" {option} {shlex.quote(str(folder))}"
    return command


def _trial(args: argparse.Namespace, story: Any, t: Texts, ctx: Context) -> tuple[str | None, dict[str, Any]] | None:
    """``--start SCENE`` and ``--set NAME=VALUE``: (the scene, the values), (None, {}) when this
    is no trial, or None after saying on one line what is wrong (see :mod:`adventure.play.trial`)."""
    start, sets = getattr(args, "start", None), list(getattr(args, "set", None) or [])
    if start is None and not sets:
        return None, {}
    from adventure.play.trial import TrialError, check_scene, parse_sets

    try:
        check_scene(story, start or story.start)
        return start or story.start, parse_sets(story, sets)
    except TrialError as exc:
        ctx.stderr.write(t(exc.key, command=ctx.command, **exc.subs) + "\n")
        return None


def _finish(save: Any) -> list[Any]:
    """Run the save on the way out to its end. The gate is closed, so no signal interrupts it;
    a KeyboardInterrupt raised just before the gate closed (or where the gate is not the
    handler) only makes it start again -- every write is atomic."""
    for _ in range(3):
        try:
            return list(save())
        except KeyboardInterrupt:
            continue
    return []


def _open_script(session: Session, name: str | None, ctx: Context) -> int:
    """``--script FILE``: start the readable transcript before anything is shown (2 if not)."""
    if not name:
        return 0
    from adventure.play.reading import start_script
    from adventure.play.script import acceptable

    if not acceptable(name):
        ctx.stderr.write(session.t("ui.reading.script_bad_name", name=name[:60]) + "\n")
        return 2
    said = start_script(session, Path(name).expanduser())
    if session.script is None:
        ctx.stderr.write(said[0].text + "\n")
        return 2
    return 0


def _catch_signals(gate: SignalGate) -> dict[int, Any]:
    previous = {}
    for name in ("SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT"):  # SIGQUIT: Ctrl-\ pressed while the game prints
        number = getattr(signal, name, None)
        if number is None:
            continue
        try:
            previous[number] = signal.signal(number, gate.on_sigint if name == "SIGINT" else gate.on_stop)
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
