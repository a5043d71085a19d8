"""A transcript a person can read (``script`` / ``guion``, ``--script FILE``), as Inform's SCRIPT.

The shells hand a :class:`Script` every line they show (wrapped as on the screen, in the
languages shown) and every line the player types, after its prompt. The file is appended to,
never truncated; control characters and escape codes never reach it. A name ending in ``.md``
gives Markdown: the same lines, escaped, each ending in a hard line break, indentation kept
with no-break spaces (so no line turns into code or a list), and what the player typed in
bold::

    >>> import io
    >>> out = io.StringIO()
    >>> s = Script(Path("x.md"), stream=out)
    >>> s.lines(["1. Run *now*", "   Inglés: go", ""]); s.typed("> ", "run")
    >>> for line in out.getvalue().splitlines(): print(repr(line))
    '1\\\\. Run \\\\*now\\\\*  '
    '\\xa0\\xa0\\xa0Inglés: go  '
    ''
    '**\\\\> run**  '
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import IO

from adventure.core.charset import printable

SUFFIXES = (".txt", ".md", ".markdown", ".text")
_MD_ANYWHERE = re.compile(r"([\\`*_\[\]<>&|~])")
_MD_LINE_START = re.compile(r"^([#+=-]|\d+(?=[.)]))")
_ESCAPES = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)?|.)?")


def acceptable(name: str) -> bool:
    """A transcript file name: text or Markdown by its extension.

    >>> acceptable("reading.md"), acceptable("notes.TXT"), acceptable("play.py"), acceptable("x/.md")
    (True, True, False, False)
    """
    path = Path(name)
    return path.suffix.lower() in SUFFIXES and bool(path.stem) and not path.name.startswith(".")


def clean(text: str) -> str:
    """One line as text: no escape sequences, no control characters.

    >>> clean("a\\x1b[31mred\\x1b[0m\\x07 b\\tc")
    'ared b c'
    """
    return printable(_ESCAPES.sub("", text)).replace("\n", " ").rstrip()


def markdown_line(line: str) -> str:
    """One screen line as Markdown that shows the same text.

    >>> markdown_line("# not a heading <b> & 2. x")
    '\\\\# not a heading \\\\<b\\\\> \\\\& 2. x  '
    """
    if not line:
        return ""
    body = line.lstrip(" ")
    indent = "\u00a0" * (len(line) - len(body))
    body = _MD_ANYWHERE.sub(r"\\\1", body)
    body = _MD_LINE_START.sub(lambda mt: mt.group(1) + "\\" if mt.group(1)[0].isdigit() else "\\" + mt.group(1), body, count=1)
    return f"{indent}{body}  "


class Script:
    """Appends what is shown and typed to ``path`` (plain text, or Markdown for ``.md``)."""

    def __init__(self, path: Path, *, stream: IO[str] | None = None) -> None:
        self.path = path
        self.markdown = path.suffix.lower() in (".md", ".markdown")
        self._file: IO[str] | None = stream

    def open(self) -> None:
        """Open for appending (raises OSError); a file that exists is added to."""
        if self._file is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = open(self.path, "a", encoding="utf-8", newline="\n")  # noqa: SIM115

    def lines(self, lines: Iterable[str]) -> None:
        """Lines as shown on the screen (already wrapped)."""
        self.open()
        assert self._file is not None
        cleaned = [clean(line) for line in lines]
        if self.markdown:
            cleaned = [markdown_line(line) for line in cleaned]
        self._file.write("".join(line + "\n" for line in cleaned))
        self._file.flush()

    def typed(self, prompt: str, line: str) -> None:
        """What the player typed, after the prompt it was typed at."""
        self.open()
        assert self._file is not None
        text = clean(prompt + line)
        if self.markdown:
            text = f"**{markdown_line(text).rstrip()}**  " if text.strip() else ""
        self._file.write(text + "\n")
        self._file.flush()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
