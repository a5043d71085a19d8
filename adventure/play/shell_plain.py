"""Plain mode: for pipes, scripts and screen readers. One input per line, no escape codes.

It drives the same :class:`~adventure.play.session.Session` as the terminal: the same text and
choices, without colour, toolbar or cursor movement. In bilingual reading each paragraph of
the second language starts with its name ("Spanish: ..."), so a screen reader announces it.
A reflection answer is typed line by line and ends with an empty line (the prompt says
``answer>`` meanwhile). Paragraphs are wrapped to the terminal
width when output is a terminal and left whole (one paragraph per line) when it is not.
When input is not a terminal each line read is echoed after the prompt, so the output reads
as a transcript. On a terminal that cannot move the cursor (``TERM=dumb``) the game runs here
too, and asks to press Enter before the story as the terminal front end does (``press_enter``).

With a saved game, "Continue from it? [Y/n]" is asked before any scene (see
:func:`ask_to_continue`): from a pipe, a first line that does not answer it is played as the
first move of a new game, the saved game being kept in a named slot first.
"""

from __future__ import annotations

from typing import BinaryIO, TextIO

from adventure.core.charset import printable
from adventure.play.persistence import answer_of, interrupt_handled, opening, start
from adventure.play.reply import clean_input
from adventure.play.session import Session
from adventure.text.layout import measure, plain, wrap
from adventure.text.render import BLANK, Para

MAX_LINE = 4096
TOO_LONG = object()  # read_line's answer for a line longer than MAX_LINE
LEAVE = object()  # the continue question's answer at the end of input or Ctrl-C


class PlainWriter:
    """Writes paragraphs wrapped to the window (``window``: None for a pipe) and the reading
    measure, and copies each line to the session's readable transcript, if one is kept."""

    def __init__(self, stream: TextIO, width: int | None, session: Session | None = None) -> None:
        self.stream = stream
        self.window = width
        self.session = session

    @property
    def width(self) -> int | None:
        return measure(self.window, self.session.measure if self.session is not None else None)

    def paras(self, paras: list[Para]) -> None:
        if not paras:
            return
        lines = []
        width = self.width
        for p in paras:
            for line in wrap(p, width):
                lines.append(printable(plain(line)).rstrip())
        self.stream.write("\n".join(lines) + "\n")
        self.stream.flush()
        if self.session is not None and self.session.script is not None:
            from adventure.play.reading import to_script

            to_script(self.session, lines)

    def raw(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()


def read_line(stdin: BinaryIO) -> str | object | None:
    """One line of input (without its end), decoded leniently; None at end of input;
    :data:`TOO_LONG` for a line over :data:`MAX_LINE` bytes (the whole line is skipped)."""
    data = stdin.readline(MAX_LINE + 1)
    if not data:
        return None
    if len(data) > MAX_LINE and not data.endswith(b"\n"):
        while True:  # skip the rest of an enormous line
            more = stdin.readline(65536)
            if not more or more.endswith(b"\n"):
                break
        return TOO_LONG
    return data.decode("utf-8", errors="replace").rstrip("\r\n")


def ask_to_continue(session: Session, slot: str, *, stdin: BinaryIO, out: PlainWriter,
                    echo: bool) -> tuple[bool | None | object, str | object | None]:
    """The continue question, before any scene: (answer, line to play first).

    Yes (Enter, ``y``, ``sí``, ``continue``...) or no in any language is the answer. From a
    terminal anything else asks again; from a pipe the line is no answer (None) and is kept
    to be played first, so a script still runs as written. At the end of input or Ctrl-C the
    answer is :data:`LEAVE`: leave, and leave the saved game as it is."""
    question = f"{session.offer_text(slot)} {session.t('ui.yes_no')} "
    while True:
        out.raw(printable(question))
        try:
            line = read_line(stdin)
        except KeyboardInterrupt:
            out.raw("\n")
            return LEAVE, None
        if line is None:
            out.raw("\n")
            return LEAVE, None
        if isinstance(line, str):
            answer = answer_of(session, clean_input(line))
            if answer is not None:
                out.raw(clean_input(line) + "\n" if echo else "")
                return answer, None
        if echo:
            out.raw("\n")
            return None, line
        out.raw(session.t("ui.yes_no_again") + "\n")


def run_plain(session: Session, *, stdin: BinaryIO, stdout: TextIO, width: int | None, echo: bool,
              watch: bool = False, press_enter: bool = False) -> int:
    """Play until ``quit`` or end of input. Returns the exit code (0). With ``watch``, the
    story files are checked before each input and reloaded when they changed. With
    ``press_enter`` (someone at a dumb terminal) a new game waits for Enter after the title;
    Ctrl-C or Ctrl-D there leaves."""
    out = PlainWriter(stdout, width, session)
    out.paras(session.intro())
    if watch:
        out.paras([Para("meta", (("meta", session.t("ui.watching")),))])
    slot, notes = opening(session)
    out.paras(notes)
    first: str | object | None = None
    answer: bool | None | object = None
    if slot is not None:
        answer, first = ask_to_continue(session, slot, stdin=stdin, out=out, echo=echo)
        if answer is LEAVE:
            out.paras([Para("message", (("message", session.t("ui.goodbye")),))])
            return 0
        out.raw("\n")
    elif press_enter and not _enter_pressed(out, stdin, session):
        out.paras([Para("message", (("message", session.t("ui.goodbye")),))])
        return 0
    out.paras(start(session, slot, answer if isinstance(answer, bool) else None))
    interrupted = False
    while True:
        if watch and session.reloader is not None and session.reloader.changed():
            reloaded = session.reload(automatic=True)
            if reloaded:
                out.raw("\n")
                out.paras(reloaded)
        try:  # Ctrl-C as the prompt is written is Ctrl-C at the prompt
            out.raw(session.prompt())
            if first is not None:
                line, first = first, None
            else:
                line = read_line(stdin)
        except KeyboardInterrupt:
            if interrupted:
                out.raw("\n")
                reply = session.leave()
                out.paras(reply.paras)
                if reply.quit:
                    return 0
                interrupted = False
                interrupt_handled(session)
                continue
            interrupted = True
            out.raw("\n" + session.t("ui.interrupted") + "\n")
            interrupt_handled(session)
            continue
        interrupted = False
        if line is None:
            out.raw("\n")
            out.paras(session.quit())
            return 0
        if line is TOO_LONG:
            out.raw(("…\n" if echo else "") + session.t("ui.input_too_long") + "\n")
            continue
        assert isinstance(line, str)
        if echo:
            out.raw(clean_input(line) + "\n")  # never echo an escape sequence
        reply = session.handle(line)
        out.paras([BLANK] + reply.paras if reply.paras else [])
        if reply.quit:
            return 0


def _enter_pressed(out: PlainWriter, stdin: BinaryIO, session: Session) -> bool:
    """Ask to press Enter; False at Ctrl-C or the end of input (Ctrl-D)."""
    try:
        out.raw(session.t("ui.press_enter") + " ")
        line = read_line(stdin)
    except KeyboardInterrupt:
        line = None
    out.raw("\n" if line is None else "")
    return line is not None
