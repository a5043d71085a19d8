"""Text for terminals that cannot show it all (``LC_ALL=C``, an ASCII-only console).

Printing "Prólogo · día 3" to an ASCII stream raises UnicodeEncodeError; the plain
``errors="replace"`` fallback shows "Pr?logo ? d?a 3". Here accents are dropped and common
punctuation gets an ASCII stand-in, so the Spanish text stays readable::

    >>> fallback("¿Prólogo · día 3 — «sí»?", "ascii")
    'Prologo . dia 3 - "si"?'
    >>> fallback("no change", "utf-8")
    'no change'

:func:`use_fallback` registers the same rule as a codec error handler for text streams, and
:func:`printable` is the last guard before anything reaches a terminal: no control character
(no escape sequence) from a hand-edited save or any other file is ever printed.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

HANDLER = "hengyang-fallback"

_STAND_INS = {
    "·": ".", "—": "-", "–": "-", "−": "-", "«": '"', "»": '"', "“": '"', "”": '"', "„": '"',
    "‘": "'", "’": "'", "‚": "'", "…": "...", "¿": "", "¡": "", "\u00a0": " ", "\u202f": " ",
    "°": " deg", "×": "x", "€": "EUR", "•": "*", "→": "->", "←": "<-",
}


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """``text`` without control characters (line breaks kept; a tab becomes a space).

    >>> printable("scene \\x1b]0;owned\\x07\\x1b[2J\\tgone\\n")
    'scene ]0;owned[2J gone\\n'
    """
    if text.isprintable():
        return text
    return _CONTROL.sub("", text.replace("\t", " "))


def _one(ch: str, encoding: str) -> str:
    out = _STAND_INS.get(ch)
    if out is None:
        out = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
    try:
        out.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return "?"
    return out if out or ch in _STAND_INS else "?"


def fallback(text: str, encoding: str | None) -> str:
    """``text`` with every character ``encoding`` cannot hold replaced by a stand-in."""
    enc = encoding or "utf-8"
    try:
        text.encode(enc)
        return text
    except UnicodeEncodeError:
        pass
    except LookupError:
        return text
    out = []
    for ch in text:
        try:
            ch.encode(enc)
            out.append(ch)
        except UnicodeEncodeError:
            out.append(_one(ch, enc))
    return "".join(out)


def _handler(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    return "".join(_one(ch, exc.encoding) for ch in exc.object[exc.start:exc.end]), exc.end


def use_fallback() -> str:
    """Register the error handler (idempotent) and return its name for ``reconfigure``."""
    try:
        codecs.lookup_error(HANDLER)
    except LookupError:
        codecs.register_error(HANDLER, _handler)
    return HANDLER
