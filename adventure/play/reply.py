"""What one line of input gives back (:class:`Reply`), and the cleaning of what was typed.

The session, its command handlers and the classroom question flow all speak in replies; this
module is theirs in common, so that none of them imports another for it.
"""

from __future__ import annotations

import re

from adventure.core.charset import strip_controls
from adventure.text.render import BLANK, Para

MAX_INPUT = 4096  # characters; a longer line is refused, as in plain mode
_UNDECODABLE = re.compile(r"[\ud800-\udfff]")  # bytes a terminal sent that were not UTF-8
_NUMBER = re.compile(r"[0-9]{1,9}\Z")


def clean_input(line: str) -> str:
    """Typed text without control characters (tabs become spaces; undecodable bytes become
    U+FFFD), so nothing a player types or pipes in is echoed back as a terminal escape sequence.

    >>> clean_input("go\\x1b[31m on\\x00\\tnow\\u202e\\udcff")
    'go[31m on now\\ufffd'
    """
    return _UNDECODABLE.sub("\ufffd", strip_controls(line.replace("\t", " ").replace("\n", "")))


def as_number(text: str) -> int | None:
    """A choice or note number typed in ASCII digits (``²`` or ``١`` are not numbers here).

    >>> as_number("12"), as_number("²"), as_number("9" * 40)
    (12, None, None)
    """
    return int(text) if _NUMBER.match(text) else None


class Reply:
    """What one line of input gives back: paragraphs to show, and whether to leave.

    A plain class rather than a dataclass (importing ``dataclasses`` is ~10 ms of the start);
    it stays changeable, as callers add paragraphs to a reply."""

    __slots__ = ("paras", "quit")

    def __init__(self, paras: list[Para] | None = None, quit: bool = False) -> None:
        self.paras = paras if paras is not None else []
        self.quit = quit

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Reply) and (self.paras, self.quit) == (other.paras, other.quit)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Reply(paras={self.paras!r}, quit={self.quit!r})"


def squeeze(paras: list[Para]) -> list[Para]:
    """No two blank lines in a row."""
    out: list[Para] = []
    for p in paras:
        if p is BLANK and out and out[-1] is BLANK:
            continue
        out.append(p)
    return out
