"""The terminal's prompts (prompt_toolkit, imported only when a prompt is shown): the key
bindings every prompt gets, Ctrl-C, a one-off line, a yes/no question in any language, and
the reflection answer editor."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from adventure.core.charset import fallback, printable
from adventure.play.persistence import answer_of
from adventure.play.session import Session

T = TypeVar("T")
#: What a prompt returns when Ctrl-C was pressed on an empty line: the caller asks whether to quit.
ASK_QUIT = object()

# Every prompt runs with ``handle_sigint=False``. In a prompt the terminal is in raw mode and
# Ctrl-C arrives as a key (bound below); a real SIGINT (Ctrl-C pressed while the game prints, or
# ``kill -INT``) then raises KeyboardInterrupt, which the game turns into "save and quit". With
# prompt_toolkit's own handler, a SIGINT landing as a prompt ends was scheduled on a finished
# application and asyncio printed "Exception in callback KeyProcessor.send_sigint()".


class _HandledInterrupt:
    """A logging filter for asyncio's logger: drops "Task exception was never retrieved" when
    the exception is a KeyboardInterrupt.

    A SIGINT landing while prompt_toolkit's loop runs a step raises KeyboardInterrupt there;
    asyncio both stores it in the step's task and lets it out of the loop, where the game
    handles it (save and quit). The task, collected later, then logs the same interrupt
    with a traceback over the game's goodbye. Every other asyncio message still shows."""

    def filter(self, record: Any) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not isinstance(exc, KeyboardInterrupt)


def quiet_handled_interrupts() -> None:
    """Install :class:`_HandledInterrupt` on asyncio's logger (once; called by the terminal shell)."""
    import logging

    log = logging.getLogger("asyncio")
    if not any(isinstance(f, _HandledInterrupt) for f in log.filters):
        log.addFilter(_HandledInterrupt())


def guard_bindings() -> Any:
    """Key bindings every prompt of the game gets: mouse reports are ignored.

    The game never turns mouse reporting on, yet a pasted ``ESC [ 31 m`` (a colour code copied
    from another terminal) or a terminal's stray report parses as a mouse event, and
    prompt_toolkit's handler then fails to unpack it and prints "Unhandled exception in event
    loop" over the game. Bindings added later win, so this one replaces that handler."""
    from prompt_toolkit.key_binding import KeyBindings
    from prompt_toolkit.keys import Keys

    bindings = KeyBindings()

    @bindings.add(Keys.Vt100MouseEvent)
    def _(event: Any) -> None:
        return None

    return bindings


def guarded(fn: Callable[[], T], fallback: T) -> Callable[[], T]:
    """``fn`` for prompt_toolkit to call from its event loop (completions, the toolbar).

    prompt_toolkit catches an exception there itself, prints its traceback and waits for
    "Press ENTER to continue". Instead the prompt ends with that exception, so the game's own
    crash handling keeps the player's state in the recovery slot and writes a report."""
    def call() -> T:
        try:
            return fn()
        except Exception as exc:
            from prompt_toolkit.application.current import get_app

            app = get_app()
            if not app.is_running or app.future is None or app.future.done():
                raise
            app.exit(exception=exc)
            return fallback

    return call


def bind_ctrl_c(bindings: Any) -> None:
    """Ctrl-C clears a line that has text; on an empty line it ends the prompt with
    :data:`ASK_QUIT`, and the caller asks whether to quit."""

    @bindings.add("c-c")
    def _(event: Any) -> None:
        buffer = event.app.current_buffer
        if buffer.text:
            buffer.reset()
        else:
            event.app.exit(result=ASK_QUIT)


def ask_line(message: str, *, output: Any) -> str:
    """A one-off prompt (raises EOFError / KeyboardInterrupt like any prompt)."""
    from prompt_toolkit import PromptSession

    return PromptSession(output=output, key_bindings=guard_bindings()).prompt(_fit(output, message),
                                                                            handle_sigint=False)


def _fit(output: Any, text: str) -> str:
    """Text for this terminal: no control characters, ASCII stand-ins where it lacks a character."""
    return fallback(printable(text), getattr(getattr(output, "stdout", None), "encoding", None))


def ask_yes_no(session: Session, question: str, *, output: Any = None, default: bool = True,
               on_interrupt: bool | None = False, ask: Callable[[str], str] | None = None,
               continuing: bool = False) -> bool | None:
    """Ask a yes/no question, answered in any language (Enter takes ``default``; Ctrl-C/Ctrl-D
    take ``on_interrupt``; with ``continuing``, ``continue`` is yes). ``ask`` reads the answer
    (by default a prompt_toolkit prompt on ``output``)."""
    if ask is None:
        def ask(message: str) -> str:
            return ask_line(message, output=output)
    while True:
        try:
            answer = ask(f"{question} {session.t('ui.yes_no')} ").strip().lower()
        except (EOFError, KeyboardInterrupt):
            return on_interrupt
        if not answer:
            return default
        said = answer_of(session, answer, continuing=continuing)
        if said is not None:
            return said


def ask_answer(session: Session, *, output: Any, style: Any, color: bool) -> Any:
    """The reflection answer editor: Enter on an empty last line (or on a one-line ``skip``
    or command) hands the text over; otherwise Enter starts a new line. Arrow keys move
    through the answer to edit it. Returns the text, or raises EOFError/KeyboardInterrupt."""
    from prompt_toolkit import PromptSession

    bindings = guard_bindings()

    @bindings.add("enter")
    def _(event: Any) -> None:
        buffer = event.current_buffer
        doc = buffer.document
        single = "\n" not in doc.text
        if (doc.is_cursor_at_the_end and (doc.current_line.strip() == "" or (single and session.answer_ends_now(doc.text)))):
            buffer.validate_and_handle()
        else:
            buffer.insert_text("\n")

    bind_ctrl_c(bindings)

    prompt_session: PromptSession[Any] = PromptSession(
        multiline=True, key_bindings=bindings, output=output, style=style,
        prompt_continuation=lambda width, line_number, wrap_count: " " * (width - 2) + "| ",
        bottom_toolbar=guarded(lambda: " " + _fit(output, session.t("ui.classroom.answer_toolbar")), ""),
    )
    if not color:
        from prompt_toolkit.output import ColorDepth

        prompt_session.color_depth = ColorDepth.DEPTH_1_BIT
    return prompt_session.prompt(_fit(output, session.prompt()), handle_sigint=False)
