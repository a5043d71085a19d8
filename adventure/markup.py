"""Escaping text for the formats the tools write: HTML and Markdown (CommonMark).

Every function first drops what the control-character rule refuses
(:func:`adventure.charset.strip_controls`), then escapes for its format, so a name, a title,
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

from .charset import strip_controls

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
