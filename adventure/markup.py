"""The markup of story texts, in one place: every rule the loader checks, the renderer shows,
the tools count and the exporters write is defined here once.

* ``[[shown|term_id]]`` (or ``[[term_id]]``) marks a glossary term;
* ``@character:`` at the start of a paragraph is a speaker;
* ``>`` at the start of a paragraph is a quotation;
* ``{name}`` is a placeholder filled from a variable (``{{`` and ``}}`` are literal braces);
* a blank line separates paragraphs.

    >>> term_marks("the [[pillboxes|pillbox]] and [[abatis]]")
    [('pillboxes', 'pillbox', 4), ('abatis', 'abatis', 30)]
    >>> placeholders("{rounds} rounds {{literal}} {x.__class__}")
    (['rounds'], ['x.__class__'])
    >>> strip_terms("the [[pillboxes|pillbox]]"), paragraphs("one\\n\\n\\ntwo\\n")
    ('the pillboxes', ['one', 'two'])
"""

from __future__ import annotations

import re

#: A glossary mark: group 1 is the text shown, group 2 the term id when it differs.
TERM_MARK_RE = re.compile(r"\[\[([^\[\]|]+?)(?:\|([A-Za-z][A-Za-z0-9_]*))?\]\]")
#: An opening ``[[`` (a mark that does not close is reported by the loader).
TERM_OPENING_RE = re.compile(r"\[\[")
#: A speaker at the start of a paragraph: group 1 is the character id.
SPEAKER_RE = re.compile(r"@([A-Za-z][A-Za-z0-9_]*):\s*")
#: A blank line (with any spaces): the paragraph break.
PARAGRAPH_BREAK_RE = re.compile(r"\n\s*\n")
#: Any ``{...}`` (and the literal ``{{`` / ``}}``): what the checker inspects.
PLACEHOLDER_RE = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")
#: The placeholders that are filled: a plain name, nothing else (never ``str.format``).
FILL_RE = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}")
NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
#: What a word count leaves out: speaker tags, quotation marks, placeholders.
_NOT_WORDS_RE = re.compile(r"^@[A-Za-z0-9_]+:|^>|\{[^}]*\}", re.M)


def term_marks(text: str) -> list[tuple[str, str, int]]:
    """Every term mark in ``text``: (shown, term id, offset)."""
    return [(mt.group(1), mt.group(2) or mt.group(1), mt.start()) for mt in TERM_MARK_RE.finditer(text)]


def strip_terms(text: str) -> str:
    """The text as read: each mark replaced by the words it shows."""
    return TERM_MARK_RE.sub(lambda mt: mt.group(1), text) if "[[" in text else text


def placeholders(text: str) -> tuple[list[str], list[str]]:
    """The ``{name}`` placeholders in ``text`` and any malformed ones (``{x.y}``, ``{0}``)."""
    good: list[str] = []
    bad: list[str] = []
    for mt in PLACEHOLDER_RE.finditer(text):
        inner = mt.group(1)
        if inner is None:
            continue
        (good if NAME_RE.match(inner) else bad).append(inner)
    return good, bad


def paragraphs(text: str) -> list[str]:
    """The paragraphs as the reader sees them (blank-line separated, none empty)."""
    return [b for b in PARAGRAPH_BREAK_RE.split(text.strip()) if b.strip()]


def count_words(text: str) -> int:
    """Words a reader reads: markup, speaker tags and placeholders do not count.

    >>> count_words("@deng: The [[pillboxes|pillbox]] held {n} days.")
    4
    """
    text = strip_terms(text)
    if "@" in text or ">" in text or "{" in text:
        text = _NOT_WORDS_RE.sub(" ", text)
    return len(text.split())
