"""Plain mode: for pipes, scripts and screen readers. One input per line, no escape codes.

It drives the same :class:`~adventure.session.Session` as the terminal: the same text and
choices, without colour, toolbar or cursor movement. In bilingual reading each paragraph of
the second language starts with its name ("Spanish: ..."), so a screen reader announces it.
A reflection answer is typed line by line and ends with an empty line (the prompt says
``answer>`` meanwhile). Paragraphs are wrapped to the terminal
width when output is a terminal and left whole (one paragraph per line) when it is not.
When input is not a terminal each line read is echoed after the prompt, so the output reads
as a transcript.
"""

from __future__ import annotations

from typing import BinaryIO, TextIO

from .charset import printable
from .layout import measure, plain, wrap
from .render import BLANK, Para
from .session import Session, clean_input

MAX_LINE = 4096
TOO_LONG = object()  # read_line's answer for a line longer than MAX_LINE


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
            from .reading import to_script

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


def run_plain(session: Session, *, stdin: BinaryIO, stdout: TextIO, width: int | None, echo: bool,
              watch: bool = False) -> int:
    """Play until ``quit`` or end of input. Returns the exit code (0). With ``watch``, the
    story files are checked before each input and reloaded when they changed."""
    out = PlainWriter(stdout, width, session)
    out.paras(session.intro())
    if watch:
        out.paras([Para("meta", (("meta", session.t("ui.watching")),))])
    offer = session.resumable()
    if offer is not None:
        slot, notes = offer
        if notes:
            out.paras(notes)
        out.paras([Para("message", (("message", session.offer_text(slot)),)),
                   Para("message", (("message", session.t("ui.continue_hint")),))])
        out.raw("\n")
    out.paras(session.begin())
    interrupted = False
    while True:
        if watch and session.reloader is not None and session.reloader.changed():
            reloaded = session.reload(automatic=True)
            if reloaded:
                out.raw("\n")
                out.paras(reloaded)
        out.raw(session.prompt())
        try:
            line = read_line(stdin)
        except KeyboardInterrupt:
            if interrupted:
                out.raw("\n")
                out.paras(session.quit())
                return 0
            interrupted = True
            out.raw("\n" + session.t("ui.interrupted") + "\n")
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
