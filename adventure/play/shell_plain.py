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
"""

from __future__ import annotations

from typing import BinaryIO, TextIO

from adventure.core.charset import printable
from adventure.play.session import Session, clean_input
from adventure.text.layout import plain, wrap
from adventure.text.render import Para

MAX_LINE = 4096
TOO_LONG = object()  # read_line's answer for a line longer than MAX_LINE


class PlainWriter:
    def __init__(self, stream: TextIO, width: int | None) -> None:
        self.stream = stream
        self.width = width

    def paras(self, paras: list[Para]) -> None:
        if not paras:
            return
        lines = []
        for p in paras:
            for line in wrap(p, self.width):
                lines.append(printable(plain(line)).rstrip())
        self.stream.write("\n".join(lines) + "\n")
        self.stream.flush()

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
              watch: bool = False, press_enter: bool = False) -> int:
    """Play until ``quit`` or end of input. Returns the exit code (0). With ``watch``, the
    story files are checked before each input and reloaded when they changed. With
    ``press_enter`` (someone at a dumb terminal) a new game waits for Enter after the title;
    Ctrl-C or Ctrl-D there leaves."""
    out = PlainWriter(stdout, width)
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
    elif press_enter and not _enter_pressed(out, stdin, session):
        out.paras([Para("message", (("message", session.t("ui.goodbye")),))])
        return 0
    out.paras(session.begin())
    interrupted = False
    while True:
        if watch and session.reloader is not None and session.reloader.changed():
            reloaded = session.reload(automatic=True)
            if reloaded:
                out.raw("\n")
                out.paras(reloaded)
        try:  # Ctrl-C as the prompt is written is Ctrl-C at the prompt
            out.raw(session.prompt())
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
        if reply.paras:
            out.raw("\n")
        out.paras(reply.paras)
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
