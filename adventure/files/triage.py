"""The one real mistake first: quiet what follows only from a file that could not be read.

When a file does not parse (a one-space indentation, a tab, a quote left open), the loader
goes on without it, and everything that file defined looks missing: its locale keys look
unused, its scenes unreachable, its chapter fileless, choices into it lead nowhere. Those are
not mistakes; the syntax error is. :func:`focus` keeps the syntax error and drops what the
missing file explains, judging by the words the broken file still holds (an id written in it
is taken to be defined there), then sorts what is left: by file and line, errors first::

    >>> b = Broken("story/one.yaml", "story", None, frozenset({"one", "bridge"}))
    >>> ds = [Diagnostic("E205", "story/two.yaml", 4, 9, "choice 'go' leads to 'bridge', which is not a scene", "x"),
    ...       Diagnostic("E100", "story/one.yaml", 7, 3, "YAML syntax: ...", "y")]
    >>> [d.code for d in focus(ds, [b])]
    ['E100']
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

from adventure.core.diagnostics import Diagnostic

# Codes after which a file is not used at all.
UNREADABLE = frozenset({"E100", "E102", "E103", "E104", "E105", "E106", "E107", "E108", "E109",
                        "E110", "E111"})
# Judgements about the whole story graph: meaningless while part of the story is missing.
_GRAPH = frozenset({"W201", "W202", "W203", "W204", "W205", "W504"})
# References to an id (the quoted name that may be defined in the broken file; -1: the last one).
_REFERENCE = {"E205": -1, "E206": 0, "E208": 0, "E209": 0, "E210": 0, "E212": 0, "E501": 0,
              "W503": 0, "W501": 1, "E219": 0}
_QUOTED = re.compile(r"'([^']*)'")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_LANG = re.compile(r"\bno (\w+) text for\b|has no (\w+) text\b")


class Broken(NamedTuple):
    """A file the loader could not use: its shown path, kind ("manifest", "story" or "locale"),
    language (locale files) and the words it holds (ids it probably defines)."""

    path: str
    kind: str
    lang: str | None
    words: frozenset[str]


def broken_file(path: str, kind: str, lang: str | None, data: bytes | None, stem: str) -> Broken:
    """Describe an unreadable file from whatever bytes it has (``stem``: its name without .yaml,
    the chapter id a story file usually has)."""
    text = data.decode("utf-8", "replace") if data else ""
    return Broken(path, kind, lang, frozenset(_WORD.findall(text)) | {stem})


def is_unreadable(rows: Iterable[tuple[str, ...]]) -> bool:
    """True if a file's diagnostic rows (code first) say it could not be used."""
    return any(row[0] in UNREADABLE for row in rows)


def focus(diags: Iterable[Diagnostic], broken: Iterable[Broken]) -> list[Diagnostic]:
    """``diags`` without what only the ``broken`` files explain: errors, then warnings, each
    sorted by file and line."""
    broken = list(broken)
    out = list(diags)
    if broken:
        story_words: set[str] = set()
        lang_words: dict[str, set[str]] = {}
        for b in broken:
            if b.kind == "locale":
                lang_words.setdefault(b.lang or "", set()).update(b.words)
            else:
                story_words.update(b.words)
        out = [d for d in out if not _explained(d, story_words, lang_words)]
    out.sort(key=Diagnostic.sort_key)
    return out


def _explained(d: Diagnostic, story_words: set[str], lang_words: dict[str, set[str]]) -> bool:
    if d.code in UNREADABLE:
        return False
    names = _QUOTED.findall(d.message)
    if story_words:
        if d.code in _GRAPH:
            return True
        if d.code == "W301" and names and _key_id(names[0]) in story_words:
            return True
        if d.code == "E213" and "has no file" in d.message and names and names[0] in story_words:
            return True
        which = _REFERENCE.get(d.code)
        if which is not None and len(names) > abs(which) - (which < 0) and names[which] in story_words:
            return True
    if lang_words and d.code in ("E300", "W302"):
        found = _LANG.search(d.message)
        lang = found and (found.group(1) or found.group(2))
        words = lang_words.get(lang or "")
        key = names[0] if names else ""
        parts = key.split(".")
        if words is not None and (_key_id(key) in words if parts[0] != "ui" else words.issuperset(parts)):
            return True
    return False


def _key_id(key: str) -> str:
    """The id a locale key is about: ``scenes.bat_bai.title`` -> ``bat_bai``."""
    parts = key.split(".")
    return parts[1] if len(parts) > 1 else parts[0]
