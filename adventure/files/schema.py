"""Field-level validation of located YAML nodes, shared by the story and locale loaders.

A :class:`Checker` collects diagnostics for one file while typed accessors turn nodes into
values. Scalars arrive as the text the writer typed (see :mod:`adventure.files.yamlread`), so this
is where ``true`` becomes a bool, ``3`` an int, and ``yes`` or ``010`` a diagnostic instead of
a silent YAML 1.1 surprise.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from adventure.core.diagnostics import Diagnostic, suggest
from adventure.files.yamlread import Map, Node, Scalar, Seq, where

ID_RE = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
STORY_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*\Z")
DATE_RE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})\Z")  # ASCII digits only
INT_RE = re.compile(r"[-+]?(0|[1-9][0-9]*)\Z")
MAX_DIGITS = 15  # a counter never needs more; int() refuses over 4,300 digits with a ValueError
TRUE = {"true", "True", "TRUE"}
FALSE = {"false", "False", "FALSE"}
YAML11_BOOL = {"yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF", "y", "Y", "n", "N"}


def _kind_name(node: Node) -> str:
    if isinstance(node, Map):
        return "a mapping"
    if isinstance(node, Seq):
        return "a list"
    return "empty" if node.is_null else f"'{node.value}'"


class Checker:
    """Collects diagnostics for one file (``path`` as shown to the writer)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.diags: list[Diagnostic] = []

    def add(self, code: str, at: object, message: str, fix: str) -> None:
        line, col = at if isinstance(at, tuple) else where(at)
        self.diags.append(Diagnostic(code, self.path, line, col, message, fix))

    # -- structure -----------------------------------------------------------------------
    def mapping(self, node: Node | None, what: str) -> Map | None:
        if isinstance(node, Map):
            return node
        if node is not None:
            self.add("E202", node, f"{what} should be a mapping of 'key: value' lines, not {_kind_name(node)}",
                     "indent the fields under it as 'key: value' lines")
        return None

    def sequence(self, node: Node | None, what: str) -> Seq | None:
        if isinstance(node, Seq):
            return node
        if node is not None:
            self.add("E202", node, f"{what} should be a list, not {_kind_name(node)}",
                     "write it as [a, b] or as lines starting with '- '")
        return None

    def fields(self, node: Map, allowed: Iterable[str], required: Iterable[str], what: str) -> None:
        """Report unknown fields (with a suggestion) and missing required ones."""
        allowed = tuple(allowed)
        for key in node:
            if key not in allowed:
                self.add("E200", node.keypos[key], f"unknown field '{key}' in {what}",
                         "allowed fields: " + ", ".join(allowed) + suggest(key, allowed))
        for key in required:
            if key not in node:
                self.add("E201", node, f"{what} has no '{key}'", f"add a '{key}:' line")

    # -- scalars -------------------------------------------------------------------------
    def text(self, node: Node | None, what: str) -> str | None:
        if node is None:
            return None
        if isinstance(node, Scalar) and not node.is_null:
            return node.value
        if isinstance(node, Scalar):
            self.add("E202", node, f"{what} is empty", "give it a value")
        else:
            self.add("E202", node, f"{what} should be text, not {_kind_name(node)}",
                     "write a single value")
        return None

    def ident(self, node: Node | None, what: str) -> str | None:
        value = self.text(node, what)
        if value is not None and not ID_RE.match(value):
            self.add("E203", node, f"{what} '{value}' is not a valid id",
                     "ids start with a letter and use only letters, digits and _ (no dots, "
                     "spaces or hyphens)")
            return None
        return value

    def key_ident(self, name: str, at: tuple[int, int], what: str) -> bool:
        if ID_RE.match(name):
            return True
        self.add("E203", at, f"{what} '{name}' is not a valid id",
                 "ids start with a letter and use only letters, digits and _ (no dots, spaces or hyphens)")
        return False

    def boolean(self, node: Node | None, what: str) -> bool | None:
        if node is None:
            return None
        if isinstance(node, Scalar) and node.plain:
            if node.value in TRUE:
                return True
            if node.value in FALSE:
                return False
            if node.value in YAML11_BOOL:
                yes = node.value.lower() in ("yes", "on", "y")
                self.add("E216", node, f"{what} is '{node.value}', which YAML 1.1 reads as a boolean",
                         f"write {'true' if yes else 'false'}")
                return None
        quoted = isinstance(node, Scalar) and not node.plain and node.value.lower() in ("true", "false")
        self.add("E202", node, f"{what} should be true or false, not {_kind_name(node)}",
                 "remove the quotes: write true or false" if quoted else "write true or false")
        return None

    def integer(self, node: Node | None, what: str) -> int | None:
        if node is None:
            return None
        if isinstance(node, Scalar) and node.plain and INT_RE.match(node.value):
            if len(node.value.lstrip("+-")) <= MAX_DIGITS:
                return int(node.value)
            self.add("E202", node, f"{what} has {len(node.value.lstrip('+-'))} digits; the limit is {MAX_DIGITS}",
                     "write a smaller whole number")
            return None
        fix = "write a whole number such as 3"
        if isinstance(node, Scalar) and re.match(r"[-+]?0[0-9]{1,15}\Z", node.value):
            fix = f"write {int(node.value)} without the leading zero (YAML 1.1 reads {node.value} as octal)"
        elif isinstance(node, Scalar) and ":" in node.value:
            fix = "write a whole number; YAML 1.1 reads 12:30 as a base-60 number"
        elif isinstance(node, Scalar) and not node.plain and INT_RE.match(node.value):
            fix = "remove the quotes"
        self.add("E202", node, f"{what} should be a whole number, not {_kind_name(node)}", fix)
        return None

    def value(self, node: Node | None, what: str) -> bool | int | None:
        """A flag or counter value: true/false or a whole number."""
        if isinstance(node, Scalar) and node.plain and (node.value in TRUE or node.value in FALSE
                                                         or node.value in YAML11_BOOL):
            return self.boolean(node, what)
        return self.integer(node, what)

    def date(self, node: Node | None, what: str) -> str | None:
        value = self.text(node, what)
        if value is None:
            return None
        m = DATE_RE.match(value)
        ok = False
        if m:
            import datetime

            try:
                datetime.date(int(m[1]), int(m[2]), int(m[3]))
                ok = True
            except ValueError:
                ok = False
        if not ok:
            self.add("E215", node, f"{what} '{value}' is not a real date", "write it as YYYY-MM-DD, e.g. 1944-06-22")
            return None
        return value

    def id_list(self, node: Node | None, what: str) -> list[tuple[str, tuple[int, int]]]:
        """A list of ids (or a single id) with the place of each."""
        if node is None:
            return []
        items = [node] if isinstance(node, Scalar) else (self.sequence(node, what) or [])
        out = []
        for item in items:
            value = self.ident(item, what)
            if value is not None:
                out.append((value, where(item)))
        return out


def unknown(name: str, options: Mapping[str, object] | Iterable[str]) -> str:
    """A suggestion for an unknown reference."""
    return suggest(name, list(options))
