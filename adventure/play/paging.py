"""Paging in the terminal: text longer than the window pauses at a ``[more]`` marker.

The terminal shells hand :func:`pages` the lines they are about to write; it cuts them so
that nothing scrolls away before it has been seen: every page but the last fills the window
less one row (the marker's), and the last leaves two rows for the prompt and the bottom bar.
The first page begins with the start of the text, so a scene's title is always seen. Between
pages :func:`wait_for_key` shows the marker, reads one key and erases the marker (it is never
left on the screen). Plain mode never pages. The shells also take from here the width they
wrap at (:func:`wrap_width`) and the copy of what they show for the readable transcript.

    >>> [len(p) for p in pages(list(range(50)), rows=24)]
    [23, 23, 4]
    >>> [len(p) for p in pages(list(range(22)), rows=24)]
    [22]
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from adventure.text.layout import measure, plain, wrap
from adventure.text.render import Para

if TYPE_CHECKING:
    from adventure.play.session import Session

T = TypeVar("T")
PROMPT_ROWS = 2  # the prompt line and the bottom bar
ERASE_LINE = "\r\x1b[K"


def pages(lines: Sequence[T], *, rows: int) -> list[Sequence[T]]:
    """``lines`` cut into pages for a window of ``rows`` rows (one page if it fits)."""
    if rows < 4:  # a window too small to page in: let it scroll
        return [lines]
    page = rows - 1
    out: list[Sequence[T]] = []
    pos = 0
    while len(lines) - pos > rows - PROMPT_ROWS:
        out.append(lines[pos:pos + page])
        pos += page
    out.append(lines[pos:])
    return out


class KeyMode:
    """The terminal ``fd`` in key-at-a-time mode without echo, for the length of a ``with``
    (nothing happens if it is not a terminal). Set before the marker is shown, so a key
    pressed at once is neither echoed nor held back waiting for Enter. Ctrl-C still
    interrupts."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.old: Any = None

    def __enter__(self) -> KeyMode:
        try:
            import termios
            import tty

            self.old = termios.tcgetattr(self.fd)
            tty.setcbreak(self.fd)
        except Exception:  # noqa: BLE001 - not a terminal (termios.error), or no termios
            self.old = None
        return self

    def read(self) -> bytes:
        """One key (an escape sequence comes whole); b"" when not in key mode."""
        if self.old is None:
            return b""
        return os.read(self.fd, 32)

    def __exit__(self, *exc: object) -> None:
        if self.old is not None:
            import termios

            termios.tcsetattr(self.fd, termios.TCSADRAIN, self.old)


def wait_for_key(write: Callable[[str], None], marker: str, *, fd: int, color: bool) -> None:
    """Show ``marker`` (in reverse video with colour), wait for a key, and erase it."""
    with KeyMode(fd) as keys:
        write(f"\x1b[7m{marker}\x1b[0m" if color else marker)
        try:
            keys.read()
        finally:
            write(ERASE_LINE)


def keyboard_fd() -> int:
    """The keyboard's file descriptor, or -1 when input is not a terminal (then no pause)."""
    try:
        fd = sys.stdin.fileno()
        return fd if os.isatty(fd) else -1
    except (AttributeError, ValueError, OSError):
        return -1


def show_paged(lines: Sequence[T], *, rows: int, show: Callable[[Sequence[T]], None],
               write: Callable[[str], None], marker: str, color: bool) -> None:
    """Show ``lines`` a page at a time (``show`` writes one), with ``marker`` between pages
    until a key is pressed; all at once when input is not a keyboard."""
    fd = keyboard_fd()
    for i, page in enumerate(pages(lines, rows=rows if fd >= 0 else 0)):
        if i:
            wait_for_key(write, marker, fd=fd, color=color)
        show(page)


def more_marker(session: Session | None) -> str:
    """The marker, ``[more]`` in the reading language."""
    return session.t("ui.reading.more") if session is not None else "[more]"


def wrap_width(window: int, session: Session | None) -> int:
    """The width to wrap at: the window, or less (the reading measure, see adventure.text.layout)."""
    return measure(window, session.measure if session is not None else None) or window


def script_lines(session: Session | None, paras: list[Para], width: int) -> None:
    """The readable transcript, if one is kept, gets the lines as the terminal shows them."""
    if session is not None and session.script is not None:
        from adventure.play.reading import to_script

        to_script(session, [plain(line).rstrip() for p in paras for line in wrap(p, width)])
