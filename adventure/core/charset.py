"""Text for terminals that cannot show it all (``LC_ALL=C``, an ASCII-only console).

Printing "Prólogo · día 3" to an ASCII stream raises UnicodeEncodeError; the plain
``errors="replace"`` fallback shows "Pr?logo ? d?a 3". Here accents are dropped and common
punctuation gets an ASCII stand-in, so the Spanish text stays readable::

    >>> fallback("¿Prólogo · día 3 — «sí»?", "ascii")
    'Prologo . dia 3 - "si"?'
    >>> fallback("no change", "utf-8")
    'no change'

:func:`use_fallback` registers the same rule as a codec error handler for text streams.

This module is also the one home of the *control-character rule* (docs/security.md): C0
controls except newline and tab, DEL, C1 controls, and the bidirectional overrides and
isolates (U+202A-202E, U+2066-2069). :func:`find_control` is how the story, locale and
save readers refuse them; :func:`strip_controls` is how every writer (terminal, HTML,
Markdown, PO, CSV, dot, Mermaid, JSON) drops them; :func:`printable` is the last guard
before anything reaches a terminal; :func:`visible` shows one in a message without
sending it::

    >>> find_control("ok\\tline\\n"), find_control("title\\x1b]0;x\\x07")
    (None, 5)
    >>> strip_controls("a\\u202eb\\x9bc"), visible("a\\x1bb")
    ('abc', 'a<U+001B>b')
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


# The control-character rule: C0 but newline and tab, DEL, C1, bidi overrides and isolates.
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f" + BIDI_CONTROLS + "]")
_CONTROL_NO_CR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f" + BIDI_CONTROLS + "]")
_CONTROL_NO_BIDI = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROL_NO_CR_NO_BIDI = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Languages written right to left, whose text may need bidi isolates. None is supported yet
# in the shipped story; a locale of one of these may then use U+2066-2069 and U+202A-202E.
RTL_LANGUAGES = frozenset({"ar", "he", "fa", "ur", "yi", "ps", "sd", "ug", "dv", "ckb", "syr"})
_NAMES = {0x1b: "ESC", 0x07: "BEL", 0x08: "BS", 0x0d: "CR", 0x7f: "DEL", 0x9b: "CSI", 0x9d: "OSC",
          0x202e: "RIGHT-TO-LEFT OVERRIDE", 0x202d: "LEFT-TO-RIGHT OVERRIDE"}


def find_control(text: str, *, line_ends: bool = False, bidi: bool = False) -> int | None:
    """The index of the first character the rule refuses in ``text``, or None.

    ``line_ends`` also lets a carriage return pass (a file's CRLF line ends, not a scalar's
    text); ``bidi`` lets the bidi controls pass (text of a right-to-left language)."""
    if text.isprintable():
        return None
    if bidi:
        rule = _CONTROL_NO_CR_NO_BIDI if line_ends else _CONTROL_NO_BIDI
    else:
        rule = _CONTROL_NO_CR if line_ends else CONTROL
    found = rule.search(text)
    return found.start() if found else None


def describe(ch: str) -> str:
    """``U+001B (ESC)``: a refused character, named for a message."""
    name = _NAMES.get(ord(ch))
    return f"U+{ord(ch):04X}" + (f" ({name})" if name else "")


def strip_controls(text: str) -> str:
    """``text`` without any character the rule refuses (newlines and tabs kept)."""
    if text.isprintable():
        return text
    return CONTROL.sub("", text)


def visible(text: str) -> str:
    """``text`` with each refused character written as ``<U+001B>``: safe to print, and
    still shows the writer where the character is."""
    if text.isprintable():
        return text
    return CONTROL.sub(lambda mt: f"<U+{ord(mt.group()):04X}>", text)


def printable(text: str) -> str:
    """``text`` without control characters (line breaks kept; a tab becomes a space).

    >>> printable("scene \\x1b]0;owned\\x07\\x1b[2J\\tgone\\u202e\\n")
    'scene ]0;owned[2J gone\\n'
    """
    if text.isprintable():
        return text
    return CONTROL.sub("", text.replace("\t", " "))


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
