"""Wrapping styled paragraphs to a width, counting wide (CJK) characters as two columns.

    >>> from adventure.text.render import para
    >>> [plain(line) for line in wrap(para("text", "one two three four five"), 12)]
    ['one two', 'three four', 'five']
"""

from __future__ import annotations

from functools import lru_cache

from adventure.text.render import Para

Line = list[tuple[str, str]]
_PREFIX_STYLE = {"choice": "number", "help": "command"}
DEFAULT_MEASURE = 72  # columns: a comfortable line, as a book's
MIN_MEASURE, MAX_MEASURE = 20, 300


def measure(window: int | None, chosen: int | None) -> int | None:
    """The width paragraphs wrap at: the smaller of the window and the reading measure
    (``chosen``, by default :data:`DEFAULT_MEASURE`; 0 for the whole window). Without a
    window (output to a pipe) only a width the player chose wraps.

    >>> measure(199, None), measure(79, None), measure(50, None), measure(199, 100), measure(199, 0)
    (72, 72, 50, 100, 199)
    >>> measure(None, None), measure(None, 80)
    (None, 80)
    """
    if window is None:
        return chosen or None
    return min(window, chosen or window) if chosen is not None else min(window, DEFAULT_MEASURE)


@lru_cache(maxsize=4096)
def width_of(text: str) -> int:
    if text.isascii() or max(text) < "\u0300":  # Latin letters, accents included: one column each
        return len(text)
    from wcwidth import wcswidth

    w = wcswidth(text)
    return w if w >= 0 else len(text)


def plain(line: Line) -> str:
    return "".join(t for _, t in line)


def _words(spans: tuple[tuple[str, str], ...]) -> list[Line]:
    """Split styled spans into words; a word may carry several styles (``term,``)."""
    words: list[Line] = []
    current: Line = []
    for style, text in spans:
        parts = text.split(" ")
        for i, part in enumerate(parts):
            if i > 0 and current:  # a space ended the word
                words.append(current)
                current = []
            if part:
                current.append((style, part))
    if current:
        words.append(current)
    return words


def wrap(p: Para, width: int | None) -> tuple[Line, ...]:
    """Lines of (style, text) fragments; ``width=None`` keeps each paragraph on one line.

    Remembered per paragraph and width (a scene's paragraphs are the same values every time it
    is shown, and wrapping was most of a step's cost): callers read the lines, never change them.
    """
    try:
        return _wrap_memo(p, width)
    except TypeError:  # a paragraph with an unhashable part: wrap it afresh
        return _wrap(p, width)


def _wrap(p: Para, width: int | None) -> tuple[Line, ...]:
    return tuple(_wrap_lines(p, width))


_wrap_memo = lru_cache(maxsize=8192)(_wrap)


def _wrap_lines(p: Para, width: int | None) -> list[Line]:
    if not p.spans:
        return [[]]
    prefix_style = _PREFIX_STYLE.get(p.kind, p.kind)
    first: Line = [(prefix_style, p.prefix)] if p.prefix else []
    if width is None:
        return [first + [(s, t) for s, t in p.spans if t]]
    indent = " " * width_of(p.prefix)
    room = max(10, width - len(indent))
    lines: list[Line] = []
    current: Line = list(first)
    used = 0
    for word in _words(p.spans):
        w = sum(width_of(t) for _, t in word)
        if used and used + 1 + w > room:
            lines.append(current)
            current = [(p.kind, indent)] if indent else []
            used = 0
        if used:
            current.append((word[0][0], " "))
            used += 1
        current.extend(word)
        used += w
    lines.append(current)
    return lines
