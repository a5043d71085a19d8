"""Paging in the terminal: text longer than the window pauses at a ``[more]`` marker.

The terminal shells hand :func:`pages` the lines they are about to write; it cuts them so
that nothing scrolls away before it has been seen: every page but the last fills the window
less one row (the marker's), and the last leaves two rows for the prompt and the bottom bar.
The first page begins with the start of the text, so a scene's title is always seen. Between
pages :func:`wait_for_key` shows the marker, reads one key and erases the marker (it is never
left on the screen). Plain mode never pages.

    >>> [len(p) for p in pages(list(range(50)), rows=24)]
    [23, 23, 4]
    >>> [len(p) for p in pages(list(range(22)), rows=24)]
    [22]
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

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
