"""Edit a block-style YAML file in place: change one text, add a key, set the comment above a key.

Tools that write locale files (``i18n import``) use these instead of re-dumping the file, so
a writer's comments, blank lines, key order and quoting survive. Each function takes the
file's text and returns the new text; positions come from :func:`adventure.files.yamlread.node_spans`.
Anything these cannot do safely (a flow-style ``{...}`` mapping, a text where a mapping is
needed) raises :class:`EditError`; the caller then rewrites the file with :func:`dump` or stops.

    >>> text = "scenes:\\n  a:\\n    title: Old   # keep me\\n"
    >>> print(set_value(text, ("scenes", "a", "title"), "New: better"), end="")
    scenes:
      a:
        title: "New: better"   # keep me
    >>> print(insert_value(text, ("scenes", "b", "title"), "B"), end="")
    scenes:
      a:
        title: Old   # keep me
      b:
        title: B
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from adventure.files.yamlspans import Span, node_spans

SCHEMA_LINE = "# yaml-language-server: $schema="
_PLAIN_KEY = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]*\Z")
_RESERVED = {"true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"}
_NUMBER = re.compile(r"[-+]?(\.?[0-9]|0[xob])")


class EditError(Exception):
    """The edit cannot be made safely in place."""


# -- formatting ----------------------------------------------------------------------------

def plain_ok(value: str) -> bool:
    """True when ``value`` can be written without quotes and read back unchanged.

    >>> plain_ok("Run to the river."), plain_ok("Note: this"), plain_ok("yes"), plain_ok("- a")
    (True, False, False, False)
    """
    if not value or value != value.strip() or "\n" in value:
        return False
    if value[0] in "-?:,[]{}#&*!|>'\"%@`" or value.lower() in _RESERVED or _NUMBER.match(value):
        return False
    if ": " in value or " #" in value or value.endswith(":") or "\t" in value:
        return False
    return value.isprintable()


def _block_ok(value: str) -> bool:
    if "\n" not in value.rstrip("\n") and not value.endswith("\n"):
        return False
    if "\r" in value or not value.strip() or value[0] in " \t":
        return False
    lines = value.rstrip("\n").split("\n")
    return all((line == "" or line.strip() != "") and line.isprintable() for line in lines)


def format_scalar(value: str, indent: int, *, style: str = "", flow: bool = False) -> tuple[str, bool]:
    """The text to write after ``key: `` for ``value``, and whether it is a block (``|``).

    A block's text starts with its header and ends with a line break; its lines are indented
    by ``indent`` spaces. ``style`` is the style the value had before, kept when it fits;
    ``flow`` is for a value inside ``{...}``, where blocks and some characters cannot go."""
    multiline = "\n" in value
    if flow:
        if not multiline and style == "'" and value.isprintable():
            return "'" + value.replace("'", "''") + "'", False
        if not multiline and style == "" and plain_ok(value) and not any(c in value for c in ",[]{}"):
            return value, False
        return double_quoted(value), False
    if multiline and _block_ok(value):
        body = value if value.endswith("\n") else value + "\n"
        if value.endswith("\n\n"):
            header = "|+"
        elif value.endswith("\n"):
            header = "|"
        else:
            header = "|-"
        pad = " " * indent
        lines = body[:-1].split("\n")
        return header + "\n" + "".join((pad + line if line else "") + "\n" for line in lines), True
    if not multiline:
        if style == "'" and value.isprintable():
            return "'" + value.replace("'", "''") + "'", False
        if style in ("", "|", ">") and plain_ok(value):
            return value, False
    return double_quoted(value), False


_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\x00": "\\0",
            "\x85": "\\N", "\u2028": "\\L", "\u2029": "\\P"}


def double_quoted(value: str) -> str:
    r"""A YAML double-quoted scalar that reads back as ``value`` (anything not printable is escaped).

    >>> print(double_quoted('say "hi"\n\x7f'))
    "say \"hi\"\n\x7f"
    """
    out = []
    for ch in value:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ch == " " or ch.isprintable():
            out.append(ch)
        elif ord(ch) <= 0xFF:
            out.append(f"\\x{ord(ch):02x}")
        elif ord(ch) <= 0xFFFF:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    return '"' + "".join(out) + '"'


def _key(name: str) -> str:
    return name if _PLAIN_KEY.match(name) and name.lower() not in _RESERVED else double_quoted(name)


# -- edits ---------------------------------------------------------------------------------

def _spans(text: str) -> dict[tuple[str, ...], Span]:
    spans = node_spans(text)
    if spans is None:
        raise EditError("the file is not a plain YAML mapping this tool can edit")
    return spans


def _line_end(text: str, pos: int) -> int:
    """The offset just after the line break that ends the line holding ``pos``."""
    nl = text.find("\n", pos)
    return len(text) if nl < 0 else nl + 1


def set_value(text: str, path: tuple[str, ...], value: str) -> str:
    """Replace the text at ``path`` (which must exist and be a scalar)."""
    span = _spans(text).get(path)
    if span is None:
        raise EditError(f"'{'.'.join(path)}' is not in the file")
    if span.style in ("map", "seq"):
        raise EditError(f"'{'.'.join(path)}' holds a {'mapping' if span.style == 'map' else 'list'}, not a text")
    indent = span.key_col + 2
    new, block = format_scalar(value, indent, style=span.style, flow=span.flow)
    start, end = span.start, span.end
    if span.style in ("|", ">"):
        raw = text[start:end]
        tail = len(raw) - len(raw.rstrip("\n"))
        extra = "" if new.startswith("|+") else "\n" * max(tail - 1, 0)  # blank lines after a |+ are its text
        replacement = (new if block else new + ("\n" if tail else "")) + extra
        return text[:start] + replacement + text[end:]
    if not block:
        return text[:start] + new + text[end:]
    eol = _line_end(text, end)
    rest = text[end:eol].strip()
    if rest and not rest.startswith("#"):
        raise EditError(f"'{'.'.join(path)}' is followed by more on its line")
    header, body = new.split("\n", 1)
    comment = " " + rest if rest else ""
    return text[:start] + header + comment + "\n" + body + text[eol:]


def insert_value(text: str, path: tuple[str, ...], value: str, *, after: str | None = None) -> str:
    """Add ``path: value``, creating the mappings on the way; after the sibling ``after``
    when it exists (so a translation follows the order of the original), else at the end."""
    spans = _spans(text)
    if path in spans:
        raise EditError(f"'{'.'.join(path)}' is already in the file")
    depth = len(path) - 1
    while path[:depth] not in spans:
        depth -= 1
    parent = spans[path[:depth]]
    if parent.style != "map":
        raise EditError(f"'{'.'.join(path[:depth])}' is a text, so '{path[depth]}' cannot go under it")
    if parent.flow:
        raise EditError(f"'{'.'.join(path[:depth]) or 'the file'}' is written in {{...}} style")
    indent = parent.child_col if parent.child_col >= 0 else max(parent.key_col, 0) + 2
    anchor = spans.get(path[:depth] + (after,)) if after is not None and after in parent.keys else None
    pos = anchor.end if anchor is not None else parent.end
    if pos and text[pos - 1:pos] != "\n":
        pos = _line_end(text, pos)
    while pos >= 2 and text[pos - 1] == "\n" and text[pos - 2] == "\n":
        pos -= 1  # before the blank lines that separate this block from the next
    lines = []
    rest = path[depth:]
    for n, name in enumerate(rest[:-1]):
        lines.append(" " * (indent + 2 * n) + _key(name) + ":\n")
    col = indent + 2 * (len(rest) - 1)
    new, block = format_scalar(value, col + 2)
    lines.append(" " * col + _key(rest[-1]) + ": " + new + ("" if block else "\n"))
    prefix = "" if pos == 0 or text[pos - 1] == "\n" else "\n"
    return text[:pos] + prefix + "".join(lines) + text[pos:]


def comment_above(text: str, path: tuple[str, ...]) -> str:
    """The comment lines directly above the key at ``path`` (same indentation), without '#'."""
    span = _spans(text).get(path)
    if span is None or span.key_start < 0:
        return ""
    return "\n".join(_comment_block(text, span)[2])


def _comment_block(text: str, span: Span) -> tuple[int, int, list[str]]:
    """(start, end, lines) of the comment block above a key."""
    line_start = text.rfind("\n", 0, span.key_start) + 1
    pad = " " * span.key_col
    start = line_start
    lines: list[str] = []
    while start > 0:
        prev = text.rfind("\n", 0, start - 1) + 1
        line = text[prev:start - 1]  # without its line break
        if not line.startswith(pad + "#") or SCHEMA_LINE in line:
            break
        body = line[len(pad) + 1:]
        lines.insert(0, body[1:] if body.startswith(" ") else body)
        start = prev
    return start, line_start, lines


def set_comment(text: str, path: tuple[str, ...], comment: str) -> str:
    """Replace the comment lines above the key at ``path`` (an empty comment removes them)."""
    span = _spans(text).get(path)
    if span is None or span.key_start < 0:
        raise EditError(f"'{'.'.join(path)}' is not in the file")
    start, end, _ = _comment_block(text, span)
    pad = " " * span.key_col
    new = "".join(pad + ("# " + line if line else "#") + "\n" for line in comment.split("\n")) if comment.strip() else ""
    return text[:start] + new + text[end:]


# -- whole files ---------------------------------------------------------------------------

def nest(entries: Mapping[str, str]) -> dict[str, object]:
    """Dotted keys to nested mappings.

    >>> nest({"a.b": "x", "a.c": "y"})
    {'a': {'b': 'x', 'c': 'y'}}
    """
    root: dict[str, object] = {}
    for key, value in entries.items():
        node = root
        parts = key.split(".")
        for part in parts[:-1]:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                raise EditError(f"'{key}' needs '{part}' to be a mapping, but it is a text")
            node = child
        node[parts[-1]] = value
    return root


def dump(tree: Mapping[str, object], *, header: str = "", indent: int = 0) -> str:
    """A readable block-style YAML text of nested mappings of texts (``header`` first)."""
    out = [header] if header else []

    def walk(node: Mapping[str, object], level: int) -> None:
        for name, value in node.items():
            pad = " " * level
            if isinstance(value, Mapping):
                out.append(f"{pad}{_key(name)}:\n")
                walk(value, level + 2)
            else:
                new, block = format_scalar(str(value), level + 2)
                out.append(f"{pad}{_key(name)}: {new}" + ("" if block else "\n"))

    walk(tree, indent)
    return "".join(out)
