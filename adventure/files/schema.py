"""Field-level validation of located YAML nodes, shared by the story and locale loaders.

A :class:`Checker` collects diagnostics for one file while typed accessors turn nodes into
values. Scalars arrive as the text the writer typed (see :mod:`adventure.files.yamlread`), so this
is where ``true`` becomes a bool, ``3`` an int, and ``yes`` or ``010`` a diagnostic instead of
a silent YAML 1.1 surprise.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from adventure.core.diagnostics import Diagnostic, Phrase, closest, suggest
from adventure.files.diagtext import diag, phrase
from adventure.files.yamlread import Map, Node, Scalar, Seq, where

ID_RE = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
STORY_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*\Z")
DATE_RE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})\Z")  # ASCII digits only
INT_RE = re.compile(r"[-+]?(0|[1-9][0-9]*)\Z")
MAX_DIGITS = 15  # a counter never needs more; int() refuses over 4,300 digits with a ValueError
TRUE = {"true", "True", "TRUE"}
FALSE = {"false", "False", "FALSE"}
YAML11_BOOL = {"yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF", "y", "Y", "n", "N"}


def _kind_name(node: Node) -> Phrase | str:
    if isinstance(node, Map):
        return phrase("kind.mapping")
    if isinstance(node, Seq):
        return phrase("kind.list")
    return phrase("kind.empty") if node.is_null else f"'{node.value}'"


class Checker:
    """Collects diagnostics for one file (``path`` as shown to the writer). Each accessor's
    ``what`` names the thing read, as a :class:`Phrase` of the diagnostics catalogue (or a
    field's name in quotes, the same in every language)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.diags: list[Diagnostic] = []

    def add(self, code: str, at: object, msg_id: str, /, **args: object) -> None:
        """A diagnostic at ``at`` (a node or a (line, col)) whose texts are ``ui.diag.<msg_id>``."""
        line, col = at if isinstance(at, tuple) else where(at)
        self.diags.append(diag(code, self.path, line, col, msg_id, **args))

    # -- structure -----------------------------------------------------------------------
    def mapping(self, node: Node | None, what: Phrase | str) -> Map | None:
        if isinstance(node, Map):
            return node
        if node is not None:
            self.add("E202", node, "E202.mapping", what=what, kind=_kind_name(node))
        return None

    def sequence(self, node: Node | None, what: Phrase | str) -> Seq | None:
        if isinstance(node, Seq):
            return node
        if node is not None:
            self.add("E202", node, "E202.list", what=what, kind=_kind_name(node))
        return None

    def fields(self, node: Map, allowed: Iterable[str], required: Iterable[str], what: Phrase | str) -> None:
        """Report unknown fields (with a suggestion) and missing required ones."""
        allowed = tuple(allowed)
        for key in node:
            if key not in allowed:
                self.add("E200", node.keypos[key], "E200.field", field=key, what=what, fields=", ".join(allowed),
                         closest=closest(key, allowed))
        for key in required:
            if key not in node:
                self.add("E201", node, "E201.field", what=what, field=key)

    # -- scalars -------------------------------------------------------------------------
    def text(self, node: Node | None, what: Phrase | str) -> str | None:
        if node is None:
            return None
        if isinstance(node, Scalar) and not node.is_null:
            return node.value
        if isinstance(node, Scalar):
            self.add("E202", node, "E202.empty", what=what)
        else:
            self.add("E202", node, "E202.text", what=what, kind=_kind_name(node))
        return None

    def ident(self, node: Node | None, what: Phrase | str) -> str | None:
        value = self.text(node, what)
        if value is not None and not ID_RE.match(value):
            self.add("E203", node, "E203.id", what=what, value=value)
            return None
        return value

    def key_ident(self, name: str, at: tuple[int, int], what: Phrase | str) -> bool:
        if ID_RE.match(name):
            return True
        self.add("E203", at, "E203.id", what=what, value=name)
        return False

    def boolean(self, node: Node | None, what: Phrase | str) -> bool | None:
        if node is None:
            return None
        if isinstance(node, Scalar) and node.plain:
            if node.value in TRUE:
                return True
            if node.value in FALSE:
                return False
            if node.value in YAML11_BOOL:
                yes = node.value.lower() in ("yes", "on", "y")
                self.add("E216", node, "E216", what=what, value=node.value, word="true" if yes else "false")
                return None
        quoted = isinstance(node, Scalar) and not node.plain and node.value.lower() in ("true", "false")
        self.add("E202", node, "E202.bool_quoted" if quoted else "E202.bool", what=what, kind=_kind_name(node))
        return None

    def integer(self, node: Node | None, what: Phrase | str) -> int | None:
        if node is None:
            return None
        if isinstance(node, Scalar) and node.plain and INT_RE.match(node.value):
            if len(node.value.lstrip("+-")) <= MAX_DIGITS:
                return int(node.value)
            self.add("E202", node, "E202.digits", what=what, digits=len(node.value.lstrip("+-")), limit=MAX_DIGITS)
            return None
        key, number = "E202.int", ""
        if isinstance(node, Scalar) and re.match(r"[-+]?0[0-9]{1,15}\Z", node.value):
            key, number = "E202.int_octal", str(int(node.value))
        elif isinstance(node, Scalar) and ":" in node.value:
            key = "E202.int_base60"
        elif isinstance(node, Scalar) and not node.plain and INT_RE.match(node.value):
            key = "E202.int_quoted"
        value = node.value if isinstance(node, Scalar) else ""
        self.add("E202", node, key, what=what, kind=_kind_name(node), number=number, value=value)
        return None

    def value(self, node: Node | None, what: Phrase | str) -> bool | int | None:
        """A flag or counter value: true/false or a whole number."""
        if isinstance(node, Scalar) and node.plain and (node.value in TRUE or node.value in FALSE
                                                         or node.value in YAML11_BOOL):
            return self.boolean(node, what)
        return self.integer(node, what)

    def date(self, node: Node | None, what: Phrase | str) -> str | None:
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
            self.add("E215", node, "E215", what=what, value=value)
            return None
        return value

    def id_list(self, node: Node | None, what: Phrase | str) -> list[tuple[str, tuple[int, int]]]:
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
