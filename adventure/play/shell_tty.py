"""The terminal front end: prompt_toolkit owns the terminal.

Styled paragraphs are printed with prompt_toolkit's formatted text (never with colorama's
stream wrapper); the prompt has a bottom toolbar (chapter, date in the siege, notes x/y),
tab completion of commands and choice words, and history on the up arrow. Ctrl-C clears a
line that has text and, on an empty line, asks whether to quit; Ctrl-D quits. Quitting
autosaves.

To feel instant, the start does not wait for prompt_toolkit (the largest import by far): the
title, the question before the story (press Enter, or continue from the autosave) and the
first scene are written by :class:`AnsiWriter` -- the same wrapping and the same styles as
escape codes -- and read as one line in the terminal's normal line mode, while a background
thread imports prompt_toolkit. prompt_toolkit takes the terminal from the first prompt on.
One owner at a time: nothing is written by the first while the second runs.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Any

from adventure.core.charset import fallback, printable
from adventure.play.paging import more_marker, script_lines, show_paged, wrap_width
from adventure.play.persistence import interrupt_handled, opening, start
from adventure.play.session import Session
from adventure.play.tty_prompts import (
    ASK_QUIT,
    ask_answer,
    ask_yes_no,
    bind_ctrl_c,
    guard_bindings,
    guarded,
    quiet_handled_interrupts,
)
from adventure.text.layout import plain, wrap
from adventure.text.render import Para

STYLE_RULES = {
    "title": "bold",
    "chapter": "bold ansiyellow",
    "heading": "bold ansicyan",
    "meta": "italic ansibrightblack",
    "credit": "italic ansibrightblack",
    "text": "",
    "speaker": "bold ansigreen",
    "speech": "",
    "quote": "italic",
    "choice": "ansiyellow",
    "number": "bold ansiyellow",
    "note": "ansimagenta",
    "message": "",
    "error": "ansired",
    "ending": "bold ansimagenta",
    "help": "",
    "command": "bold",
    "term": "underline",
    "bottom-toolbar": "reverse",
    "second": "italic ansibrightblue",
    "langtag": "ansibrightblack",
    "question": "bold",
    "glossary": "italic",
}

_RELOAD = object()
WATCH_INTERVAL = 0.5  # seconds between checks of the story files with --watch


def _watcher(session: Session) -> Any:
    """A prompt ``pre_run`` hook: poll the story files while the prompt waits, and end the
    prompt (keeping its text) when they change."""

    def start() -> None:
        import asyncio

        from prompt_toolkit.application.current import get_app

        app = get_app()

        async def poll() -> None:
            while True:
                await asyncio.sleep(WATCH_INTERVAL)
                if session.reloader.changed():
                    app.exit(result=(_RELOAD, app.current_buffer.text))
                    return

        app.create_background_task(poll())

    return start

_SGR = {"bold": "1", "italic": "3", "underline": "4", "reverse": "7",
        **{f"ansi{name}": str(30 + i) for i, name in enumerate(
            ("black", "red", "green", "yellow", "blue", "magenta", "cyan", "gray"))},
        **{f"ansibright{name}": str(90 + i) for i, name in enumerate(
            ("black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"))}}


def sgr(rule: str) -> str:
    """The escape code for a style rule of :data:`STYLE_RULES` ("" for no style).

    >>> sgr("bold ansicyan")
    '\\x1b[0;1;36m'
    """
    codes = [_SGR[word] for word in rule.split() if word in _SGR]
    return f"\x1b[0;{';'.join(codes)}m" if codes else ""


def on_screen(paras: list[Para], *, color: bool) -> list[Para]:
    """In colour, colour tells the second language apart; plain text keeps its "Spanish:" tag."""
    if not color:
        return paras
    return [p._replace(spans=tuple(sp for sp in p.spans if sp[0] != "langtag")) if p.kind == "second" else p
            for p in paras]


class AnsiWriter:
    """Writes paragraphs before prompt_toolkit is loaded: wrapped like :class:`TerminalWriter`
    and styled with the same rules, as escape codes on the text stream."""

    def __init__(self, stream: Any, *, color: bool, session: Session | None = None) -> None:
        self.stream = stream
        self.color = color
        self.codes = {k: sgr(v) for k, v in STYLE_RULES.items()} if color else {}
        self.encoding = getattr(stream, "encoding", None)
        self.session = session

    def fit(self, text: str) -> str:
        """Text the terminal's encoding can show (ASCII stand-ins under ``LC_ALL=C``)."""
        return fallback(printable(text), self.encoding)

    def window(self) -> int:
        try:
            return max(20, os.get_terminal_size(self.stream.fileno()).columns - 1)
        except (AttributeError, ValueError, OSError):
            return 79

    def width(self) -> int:
        return wrap_width(self.window(), self.session)

    def rows(self) -> int:
        try:
            return os.get_terminal_size(self.stream.fileno()).lines
        except (AttributeError, ValueError, OSError):
            return 0

    def paras(self, paras: list[Para]) -> None:
        width = self.width()
        paras = on_screen(paras, color=self.color)
        script_lines(self.session, paras, width)
        codes = self.codes
        out = []
        for p in paras:
            for line in wrap(p, width):
                if not self.color:
                    out.append(self.fit(plain(line).rstrip()) + "\n")
                    continue
                parts: list[str] = []
                run_code = ""
                run: list[str] = []
                for style, text in line:  # one escape code per run of the same look
                    code = codes.get(style, "")
                    if code != run_code and run:
                        parts.append(f"{run_code}{''.join(run)}\x1b[0m" if run_code else "".join(run))
                        run = []
                    run_code = code
                    run.append(self.fit(text))
                if run:
                    parts.append(f"{run_code}{''.join(run)}\x1b[0m" if run_code else "".join(run))
                out.append("".join(parts) + "\n")
        show_paged(out, rows=self.rows(), show=lambda page: self._write("".join(page)), write=self._write,
                   marker=self.fit(more_marker(self.session)), color=self.color)

    def _write(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()

    def ask(self, message: str) -> str:
        """Ask for one line in the terminal's own line mode (EOFError at Ctrl-D).

        The line is read straight from the file descriptor: a terminal in line mode hands
        over one line per read, so anything typed after it stays for prompt_toolkit."""
        self.stream.write(self.fit(message))
        self.stream.flush()
        fd = sys.stdin.fileno()
        data = os.read(fd, 4096)
        if not data:
            raise EOFError
        return data.decode("utf-8", errors="replace").rstrip("\r\n")


class ToolkitImport:
    """prompt_toolkit imported in a background thread while the player reads."""

    MODULES = ("prompt_toolkit", "prompt_toolkit.shortcuts", "prompt_toolkit.completion",
               "prompt_toolkit.history", "prompt_toolkit.key_binding", "prompt_toolkit.styles",
               "prompt_toolkit.output.vt100", "prompt_toolkit.formatted_text",
               "ctypes")  # prompt_toolkit imports ctypes when its first prompt starts

    def __init__(self) -> None:
        import threading

        self._thread = threading.Thread(target=self._run, name="import-prompt_toolkit")

    def _run(self) -> None:
        import importlib

        try:
            for name in self.MODULES:
                importlib.import_module(name)
        except Exception:  # noqa: BLE001 - the main thread imports again and reports it
            pass

    def start(self) -> ToolkitImport:
        self._thread.start()
        return self

    def wait(self) -> None:
        self._thread.join()


class TerminalWriter:
    """Prints paragraphs through prompt_toolkit, wrapped to the current width."""

    def __init__(self, output: Any, *, color: bool, session: Session | None = None) -> None:
        from prompt_toolkit.styles import Style

        self.output = output
        self.session = session
        self.color = color
        self.encoding = getattr(getattr(output, "stdout", None), "encoding", None) or "utf-8"
        self.style = Style.from_dict({k: v for k, v in STYLE_RULES.items() if v}) if color else None

    def fit(self, text: str) -> str:
        """Text the terminal's encoding can show (ASCII stand-ins under ``LC_ALL=C``)."""
        return fallback(printable(text), self.encoding)

    def window(self) -> int:
        try:
            return max(20, self.output.get_size().columns - 1)
        except Exception:  # pragma: no cover - a terminal that cannot say its size
            return 79

    def width(self) -> int:
        return wrap_width(self.window(), self.session)

    def rows(self) -> int:
        try:
            return int(self.output.get_size().rows)
        except Exception:  # pragma: no cover - a terminal that cannot say its size
            return 0

    def paras(self, paras: list[Para]) -> None:
        width = self.width()
        paras = on_screen(paras, color=self.color)
        script_lines(self.session, paras, width)
        lines = [line for p in paras for line in wrap(p, width)]
        show_paged(lines, rows=self.rows(), show=self._page, write=self._write,
                   marker=self.fit(more_marker(self.session)), color=self.color)

    def _write(self, text: str) -> None:
        self.output.write_raw(text)
        self.output.flush()

    def _page(self, lines: Sequence[list[tuple[str, str]]]) -> None:
        if not self.color:
            self.output.write_raw(self.fit("".join(plain(line).rstrip() + "\n" for line in lines)))
            self.output.flush()
            return
        from prompt_toolkit import print_formatted_text
        from prompt_toolkit.formatted_text import FormattedText

        fragments: list[tuple[str, str]] = []
        for line in lines:
            fragments.extend((f"class:{style}", self.fit(text)) for style, text in line)
            fragments.append(("", "\n"))
        print_formatted_text(FormattedText(fragments), end="", style=self.style, output=self.output)


def make_output(stdout: Any) -> Any:
    """prompt_toolkit's VT100 output without cursor-position requests.

    A terminal that never answers a CPR stalls the prompt for two seconds and gets a printed
    warning. Without CPR, prompt_toolkit cannot tell how many rows lie below the cursor and
    would hide the bottom toolbar, so we answer "two" (the prompt and the toolbar): the
    terminal scrolls by a line if it must, and nothing waits for an answer."""
    from prompt_toolkit.output.vt100 import Vt100_Output

    class Output(Vt100_Output):  # type: ignore[misc]
        def get_rows_below_cursor_position(self) -> int:
            return 2

    output = Output.from_pty(stdout)
    output.enable_cpr = False
    return output


def run_tty(session: Session, *, color: bool, watch: bool = False) -> int:
    """Play in a real terminal until the player quits. Returns the exit code. With ``watch``,
    the story files are polled while the prompt waits and reloaded when they change; what
    was being typed is kept."""
    lean = AnsiWriter(sys.stdout, color=color, session=session)
    lean.paras(session.intro())
    if watch:
        lean.paras([Para("meta", (("meta", session.t("ui.watching")),))])
    toolkit = ToolkitImport().start()  # while the player reads the title
    try:
        slot, notes = opening(session)  # claims this game's autosave; another game is said
        if notes:
            lean.paras(notes)
        answer = None
        if slot is not None:
            answer = ask_yes_no(session, session.offer_text(slot), ask=lean.ask, on_interrupt=None,
                                continuing=True)
            if answer is None:  # Ctrl-C / Ctrl-D: leave, and leave the autosave as it is
                lean.paras([Para("message", (("message", session.t("ui.goodbye")),))])
                return 0
        else:
            try:
                lean.ask(session.t("ui.press_enter") + " ")
            except (EOFError, KeyboardInterrupt):
                lean.paras([Para("message", (("message", session.t("ui.goodbye")),))])
                return 0
        lean.paras(start(session, slot, answer))
    finally:
        toolkit.wait()
    return _prompt_loop(session, color=color, watch=watch)


def _prompt_loop(session: Session, *, color: bool, watch: bool) -> int:
    """From the first prompt on, prompt_toolkit owns the terminal."""
    from prompt_toolkit import PromptSession
    from prompt_toolkit.completion import WordCompleter
    from prompt_toolkit.history import InMemoryHistory

    quiet_handled_interrupts()  # a Ctrl-C the game handled is not shown again as a traceback
    output = make_output(sys.stdout)
    writer = TerminalWriter(output, color=color, session=session)

    bindings = guard_bindings()

    bind_ctrl_c(bindings)

    completer = WordCompleter(guarded(session.completions, []), ignore_case=True, sentence=False)
    prompt_session: PromptSession[Any] = PromptSession(
        history=InMemoryHistory(), completer=completer, key_bindings=bindings, output=output,
        complete_while_typing=False, style=writer.style,
        bottom_toolbar=guarded(lambda: " " + writer.fit(session.toolbar(width=writer.window())), ""),
    )
    if not color:
        from prompt_toolkit.output import ColorDepth

        prompt_session.color_depth = ColorDepth.DEPTH_1_BIT
    pending = ""
    pre_run = _watcher(session) if watch and session.reloader is not None else None
    while True:
        interrupt_handled(session)  # Ctrl-C interrupts again from here (see adventure.play.game)
        try:
            if session.answering:
                line = ask_answer(session, output=output, style=writer.style, color=color)
                if line is not ASK_QUIT:
                    reply = session.answer_text(line)
                    writer.paras([Para("blank", ())] + reply.paras)
                    if reply.quit:
                        return 0
                    continue
            else:
                line = prompt_session.prompt("> ", default=pending, pre_run=pre_run, handle_sigint=False)
        except EOFError:  # Ctrl-D: the player quits
            reply = session.leave()
            writer.paras(reply.paras)
            if reply.quit:
                return 0
            continue
        except KeyboardInterrupt:  # pragma: no cover - the key binding handles Ctrl-C
            line = ASK_QUIT
        pending = ""
        if isinstance(line, tuple) and line and line[0] is _RELOAD:
            pending = line[1]  # the files changed while the player was typing: keep the text
            reloaded = session.reload(automatic=True)
            if reloaded:
                writer.paras([Para("blank", ())] + reloaded)
            continue
        if line is ASK_QUIT:
            if ask_yes_no(session, session.t("ui.quit_confirm"), output=output, on_interrupt=True):
                reply = session.leave()
                writer.paras(reply.paras)
                if reply.quit:
                    return 0
            continue
        reply = session.handle(line)
        writer.paras([Para("blank", ())] + reply.paras)
        if reply.quit:
            return 0
