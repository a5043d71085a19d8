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

Escaping for the formats the tools write, HTML and Markdown (CommonMark), lives here too:

Every function first drops what the control-character rule refuses
(:func:`adventure.core.charset.strip_controls`), then escapes for its format, so a name, a title,
an answer or a file name shows as written and never becomes markup::

    >>> html_text('<b onclick="x">&\\x1b[2J')
    '&lt;b onclick=&quot;x&quot;&gt;&amp;[2J'
    >>> md_text("<img src=x onerror=alert(1)> *x* [a](b)")
    '\\\\<img src=x onerror=alert\\\\(1\\\\)\\\\> \\\\*x\\\\* \\\\[a\\\\]\\\\(b\\\\)'
    >>> md_code("a`b``c")
    '``` a`b``c ```'

Markdown escaping follows CommonMark: any ASCII punctuation may be backslash-escaped, and an
escaped character is always literal. Inline text escapes every character that can start
markup (emphasis, code, links, images, raw HTML, entities, GFM tables and strikethrough), and
the characters that start a block (``#``, ``>``, ``-``, ``+``, ``=``, ``1.``) where a line
begins; line breaks inside inline text become spaces, so a value cannot start a block of
its own. A code span is fenced with more backticks than any run inside it.
"""

from __future__ import annotations

import html
import re

from adventure.core.charset import strip_controls

#: A glossary mark: group 1 is the text shown, group 2 the term id when it differs.
TERM_MARK_RE = re.compile(r"\[\[([^\[\]|]+?)(?:\|([A-Za-z][A-Za-z0-9_]*))?\]\]")
#: A term mark being typed at the end of a line, up to its id (an editor's cursor: ``[[the ford|fo``).
TERM_BEING_TYPED_RE = re.compile(r"\[\[[^\]|]*\|(\w*)$")
#: An opening ``[[`` (a mark that does not close is reported by the loader).
TERM_OPENING_RE = re.compile(r"\[\[")
#: A speaker at the start of a paragraph: group 1 is the character id.
SPEAKER_RE = re.compile(r"@([A-Za-z][A-Za-z0-9_]*):\s*")
#: A speaker anywhere in a text: at its start or after a blank line (group 1: the id).
SPEAKER_LINE_RE = re.compile(r"(?:\A|\n[ \t]*\n)[ \t]*@([A-Za-z][A-Za-z0-9_]*):")
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


def speakers(text: str) -> list[tuple[str, int]]:
    """The speakers of a text's paragraphs (``@id:`` at a paragraph's start) with the line of
    the text each is on (0-based)::

        >>> speakers("@deng: Go.\\n\\nHe goes.\\n\\n@liu: Wait.")
        [('deng', 0), ('liu', 4)]
    """
    return [(mt.group(1), text.count("\n", 0, mt.start(1))) for mt in SPEAKER_LINE_RE.finditer(text)]


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


# -- escaping for HTML and Markdown --------------------------------------------------------



# Characters that can open inline markup anywhere in a line (CommonMark + GFM).
_MD_INLINE = re.compile(r"([\\`*_{}\[\]()<>#!|~&])")
# Characters that open a block when they start a line: headings, quotes, lists, setext
# underlines, thematic breaks, ordered lists.
_MD_BLOCK_START = re.compile(r"^(\s*)([-+=>#]|\d{1,9}(?=[.)]))")


def html_text(text: str) -> str:
    """Text for HTML content or a quoted attribute: controls dropped, ``<>&"'`` escaped."""
    return html.escape(strip_controls(text), quote=True)


def md_text(text: str, *, trim: bool = False) -> str:
    """Text for a Markdown line (inline): shows as written, never as markup. ``trim`` drops
    spaces at both ends (a whole value: a space just inside ``*...*`` stops the emphasis)."""
    text = strip_controls(text).replace("\r\n", " ").replace("\r", " ").replace("\n", " ")
    if trim:
        text = text.strip()
    text = _MD_INLINE.sub(r"\\\1", text)
    mt = _MD_BLOCK_START.match(text)
    if mt:
        lead, mark = mt.group(1), mt.group(2)
        if mark.isdigit():  # "1944." would be an ordered list: escape the dot after it
            rest = text[mt.end():]
            text = f"{lead}{mark}\\{rest}"
        else:
            text = f"{lead}\\{mark}{text[mt.end():]}"
    return text


def md_lines(text: str) -> list[str]:
    """Multi-line text (an answer) as Markdown lines, each escaped with :func:`md_text`."""
    return [md_text(line) for line in strip_controls(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")]


def md_code(text: str) -> str:
    """A Markdown code span showing ``text`` literally: the fence is one backtick longer than
    the longest run of backticks inside, with spaces inside the fence when needed."""
    text = strip_controls(text).replace("\r\n", " ").replace("\r", " ").replace("\n", " ")
    runs = [len(r) for r in re.findall(r"`+", text)]
    fence = "`" * (max(runs, default=0) + 1)
    pad = " " if text.startswith(("`", " ")) or text.endswith(("`", " ")) or runs else ""
    return f"{fence}{pad}{text}{pad}{fence}"
