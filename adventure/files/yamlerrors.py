"""What went wrong in a YAML file, said where the writer made the mistake.

The hardened reader (:mod:`adventure.files.yamlread`) walks PyYAML's events; when PyYAML stops
with a syntax error, or meets something the reader refuses (an anchor, a tag, a control
character written as an escape), this module turns it into a located diagnostic with a fix.
PyYAML reports many mistakes far from where they were made (an unclosed quote is noticed where
the text runs out), so the place is worked back to the line that opened the construct.
"""

from __future__ import annotations

from typing import Any

from adventure.core.charset import describe, find_control
from adventure.core.diagnostics import Diagnostic, Phrase
from adventure.files.diagtext import diag, phrase, render_phrase


def escaped_control(value: str, path: str, line: int, col: int) -> Diagnostic:
    """E108 for a control character that only YAML's decoding shows (``"\\e"``, ``"\\x9b"``)."""
    bad = find_control(value)
    assert bad is not None
    return diag("E108", path, line, col, "E108.escape", character=describe(value[bad]))


def refused(ev: object, path: str) -> Diagnostic:
    m = ev.start_mark  # type: ignore[attr-defined]
    line, col = m.line + 1, m.column + 1
    if ev.anchor is not None:  # type: ignore[attr-defined]
        return diag("E102", path, line, col, "E102.anchor", anchor=ev.anchor)  # type: ignore[attr-defined]
    return diag("E104", path, line, col, "E104", tag=ev.tag)  # type: ignore[attr-defined]


# Errors whose problem PyYAML finds far from where it started: a quote or bracket left open is
# noticed only where the text runs out (or at the next line that cannot belong to it).
_OPENED = {
    "while scanning a quoted scalar": "yaml.opened_quote",
    "while parsing a flow sequence": "yaml.opened_list",
    "while parsing a flow mapping": "yaml.opened_mapping",
}


def first_place(exc: Any, text: str) -> tuple[Any, str | Phrase]:
    """Where a syntax error started and what it is, from PyYAML's two marks: the context mark
    (where the construct being read began) for something left open, the problem mark otherwise.
    The problem is PyYAML's own words, or a :class:`Phrase` of the catalogue for what this
    module worked out.

    An unclosed quote on line 4 of a 600-line file is reported on line 4, not at the end."""
    problem = exc.problem or exc.context or "invalid YAML"
    opened = _OPENED.get(exc.context or "")
    if opened and exc.context_mark is not None:
        return exc.context_mark, phrase(opened, then=problem)
    if exc.context == "while scanning a simple key" and exc.context_mark is not None:
        return exc.context_mark, phrase("yaml.after_key", problem=problem)
    pm = exc.problem_mark
    if pm is not None and ("expected key" in problem or "expected <block end>" in problem):
        first = _lone_deeper_first_line(text, pm.line)
        if first is not None:
            return _Mark(first[0], first[1]), phrase("yaml.indented_further")
    return exc.problem_mark or exc.context_mark, problem


class _Mark:
    """A place in the text, like PyYAML's marks (0-based)."""

    def __init__(self, line: int, column: int) -> None:
        self.line = line
        self.column = column
        self.index = None


def _lone_deeper_first_line(text: str, bad: int) -> tuple[int, int] | None:
    """When line ``bad`` (0-based) sits between its parent's indentation and that of the line
    just under the parent, which one is wrong? If the parent's block holds that one line only,
    and ``bad`` has siblings after it, the one line is (a key indented a space too far); else
    ``bad`` is (a key dedented too far). Returns the (line, column) of the first, or None."""
    lines = text.split("\n")

    def indent(n: int) -> int | None:
        stripped = lines[n].lstrip(" ")
        return None if not stripped or stripped.startswith("#") else len(lines[n]) - len(stripped)

    i = indent(bad) if bad < len(lines) else None
    if i is None:
        return None
    above = [n for n in range(bad - 1, -1, -1) if indent(n) is not None]
    block = [n for n in above if indent(n) > i]  # type: ignore[operator]
    parent = next((n for n in above if indent(n) < i), None)  # type: ignore[operator]
    if parent is None or not block:
        return None
    block = [n for n in block if n > parent]
    first = min(block, default=None)
    if first is None or any(indent(n) != indent(first) for n in block):
        return None
    after = 0
    for n in range(bad + 1, len(lines)):
        k = indent(n)
        if k is None:
            continue
        if k < i:
            break
        after += k == i
    if len(block) == 1 and after:
        return first, indent(first)  # type: ignore[return-value]
    return None


def runaway_quote(text: str, mark: Any, problem: str | Phrase, yaml: Any,
                  loader_class: type) -> tuple[Any, str | Phrase]:
    """A quote left open swallows the following lines up to the next quote, and PyYAML reports
    the line after it: if a quoted text spanning several lines ends on the line of the error,
    the mistake is where that text opened (``yaml`` and ``loader_class``: the reader's PyYAML)::

        >>> from adventure.files.yamlread import read_yaml_text
        >>> _, diags = read_yaml_text('a: "x\\nb: 1\\nc: "y"\\n', "f.yaml")
        >>> diags[0].line, diags[0].message
        (1, 'YAML syntax: a quote opened here is never closed (it runs on to line 3)')
    """
    if mark is None or (isinstance(problem, Phrase) and problem.key != "yaml.after_key"):  # placed already
        return mark, problem
    runaway = None
    loader = loader_class(text)
    try:
        while True:
            tok = loader.get_token()
            if tok is None or tok.start_mark.line > mark.line:
                break
            if type(tok) is yaml.ScalarToken and tok.style in ('"', "'") \
                    and tok.end_mark.line > tok.start_mark.line:
                runaway = tok
    except (yaml.YAMLError, ValueError, RecursionError):
        pass
    finally:
        loader.dispose()
    if runaway is None or runaway.end_mark.line != mark.line:
        return mark, problem
    return runaway.start_mark, phrase("yaml.runaway", line=mark.line + 1)


def is_tab_at(text: str, mark: object) -> bool:
    if mark is None:
        return False
    index = getattr(mark, "index", None)
    if index is None:
        return False
    line_start = text.rfind("\n", 0, index) + 1
    line_end = text.find("\n", index)
    line = text[line_start: line_end if line_end >= 0 else len(text)]
    return "\t" in line[: max(1, index - line_start + 1)] or "\t" in line[:len(line) - len(line.lstrip(" \t"))]


def syntax_error(path: str, line: int, col: int, problem: str | Phrase) -> Diagnostic:
    """E100 for ``problem`` (PyYAML's words or a :class:`Phrase`), with the fix that fits it."""
    return diag("E100", path, line, col, "E100." + syntax_fix(problem), problem=problem)


def syntax_fix(problem: str | Phrase) -> str:
    """The id of the fix for a syntax problem (``ui.diag.E100.<id>``), from its English."""
    problem = render_phrase(problem, "en") if isinstance(problem, Phrase) else problem
    if "mapping values are not allowed" in problem:
        return "colon"
    if "could not find expected ':'" in problem:
        return "key_value"
    if "did not find expected key" in problem or "expected <block end>" in problem:
        return "line_up"
    if "found undefined alias" in problem or "found character" in problem:
        return "special"
    if "indented further" in problem:
        return "indented_further"
    if "quote opened here is never closed" in problem:
        return "close_quote"
    if "never closed" in problem:
        return "close_bracket"
    if "end of the stream" in problem or "found unexpected end" in problem:
        return "not_closed"
    return "general"
