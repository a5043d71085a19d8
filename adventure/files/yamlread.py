"""Hardened, located YAML reading.

PyYAML's loaders construct Python objects with YAML 1.1 rules (``no`` becomes ``False``,
``010`` becomes 8, ``12:30`` becomes 750), keep the last of two duplicate keys, expand alias
bombs, and the C loader can crash the interpreter on very deep nesting. This module instead
walks the parser's *event stream* (safe at any depth) and builds a small tree itself:

* every scalar is kept as the string the writer typed, with whether it was plain or quoted,
  so the schema layer decides what ``true`` or ``8`` means for each field;
* every node carries its 1-based line and column;
* anchors, aliases and explicit tags are refused, nesting is bounded, duplicate keys are
  reported, and encoding problems (BOM, UTF-16, invalid UTF-8, control characters) are
  located diagnostics rather than exceptions. Control characters are looked for twice: in
  the file's text, and in each scalar's value once YAML has decoded its escapes (``"\\e[2J"``
  in a double-quoted string is an ESC that the file's text does not show).

Nothing in a file is ever executed or constructed as an arbitrary Python object::

    >>> tree, diags = read_yaml_text("a: no\\nb: [1, '2']\\n", "x.yaml")
    >>> tree["a"].value, tree["a"].plain, [s.value for s in tree["b"]]
    ('no', True, ['1', '2'])
"""

from __future__ import annotations

from typing import Any

from adventure.core.charset import describe, find_control, strip_controls
from adventure.core.diagnostics import Diagnostic
from adventure.files.diagtext import diag
from adventure.files.yamlerrors import escaped_control, first_place, is_tab_at, refused, runaway_quote, syntax_error

MAX_DEPTH = 64
MAX_BYTES = 32 * 1024 * 1024

_NULLS = ("", "~", "null", "Null", "NULL")


def pyyaml() -> tuple[Any, type]:
    """PyYAML and its parser: libyaml's when present, the pure-Python one otherwise.

    Imported on first use, not with this module: a game that starts from the parsed-story
    cache never needs YAML, and importing it is a noticeable part of a start."""
    import yaml

    return yaml, getattr(yaml, "CSafeLoader", yaml.SafeLoader)


_yaml = pyyaml  # the reader's own name for it (tests/test_yaml_depth.py puts a stricter parser here)


class Scalar:
    """A scalar exactly as written: its text, whether it was plain (unquoted), its place."""

    __slots__ = ("value", "plain", "line", "col")

    def __init__(self, value: str, plain: bool, line: int, col: int) -> None:
        self.value = value
        self.plain = plain
        self.line = line
        self.col = col

    @property
    def is_null(self) -> bool:
        """An empty plain scalar, ``~`` or ``null``: YAML's way of writing nothing."""
        return self.plain and self.value in _NULLS

    def __repr__(self) -> str:
        return f"Scalar({self.value!r}, plain={self.plain}, at {self.line}:{self.col})"


class Map(dict):  # type: ignore[type-arg]
    """A mapping from key text to nodes; ``keypos`` holds each key's (line, col)."""

    __slots__ = ("line", "col", "keypos")

    def __init__(self, line: int, col: int) -> None:
        super().__init__()
        self.line = line
        self.col = col
        self.keypos: dict[str, tuple[int, int]] = {}


class Seq(list):  # type: ignore[type-arg]
    """A sequence of nodes with its own place."""

    __slots__ = ("line", "col")

    def __init__(self, line: int, col: int) -> None:
        super().__init__()
        self.line = line
        self.col = col


Node = Scalar | Map | Seq


def where(node: object) -> tuple[int, int]:
    """The (line, col) of any node, or (1, 1) for something without a place."""
    return (getattr(node, "line", 1), getattr(node, "col", 1))


def too_large(path: str, size: int) -> Diagnostic:
    """E110 for a file of ``size`` bytes (callers check the size before reading, too)."""
    return diag("E110", path, 1, 1, "E110", size=f"{size / 1048576:.1f}", limit=MAX_BYTES // 1048576)


def decode(data: bytes, path: str) -> tuple[str | None, list[Diagnostic]]:
    """Bytes to text, or a located diagnostic saying why not."""
    diags: list[Diagnostic] = []
    if len(data) > MAX_BYTES:
        diags.append(too_large(path, len(data)))
        return None, diags
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:4096]:
        diags.append(diag("E105", path, 1, 1, "E105.utf16"))
        return None, diags
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        diags.append(diag("E105", path, line, col, "E105.byte", byte=f"0x{data[exc.start]:02x}"))
        return None, diags
    if text.startswith("\ufeff"):
        text = text[1:]
        diags.append(diag("W101", path, 1, 1, "W101"))
    bad = find_control(text, line_ends=True)
    if bad is not None:
        line = text.count("\n", 0, bad) + 1
        col = bad - (text.rfind("\n", 0, bad) + 1) + 1
        diags.append(diag("E108", path, line, col, "E108.text", character=describe(text[bad])))
        return None, diags
    return text, diags


def read_yaml_bytes(data: bytes, path: str, *, max_depth: int = MAX_DEPTH) -> tuple[Node | None, list[Diagnostic]]:
    """Decode and read one YAML file given as bytes. See :func:`read_yaml_text`."""
    text, diags = decode(data, path)
    if text is None:
        return None, diags
    tree, more = read_yaml_text(text, path, max_depth=max_depth)
    return tree, diags + more


def read_yaml_text(text: str, path: str, *, max_depth: int = MAX_DEPTH) -> tuple[Node | None, list[Diagnostic]]:
    """Read one YAML document into located nodes.

    Returns ``(tree, diagnostics)``; ``tree`` is None when the file cannot be used at all.
    Duplicate keys are reported and the first value kept, so later checks still run.

    ``max_depth`` alone decides how deep a file may nest, whatever libyaml does: libyaml 0.2.5
    as PyYAML 6.0.4 builds it refuses more than 1,000 levels in its scanner, which reads ahead
    of the events this reader counts, so such a file is read again with PyYAML's pure-Python
    parser (no limit of its own): first only up to where libyaml stopped, which is enough to
    find the level past ``max_depth`` when libyaml's limit is the higher one, else whole.
    """
    yaml, loader_class = _yaml()
    read = _read(yaml, loader_class, text, path, max_depth)
    if isinstance(read, tuple):
        return read
    python_loader = yaml.SafeLoader
    tree, diags = _read(yaml, python_loader, text[:read], path, max_depth)  # type: ignore[misc]
    if any(d.code == "E103" for d in diags):
        return None, diags
    return _read(yaml, python_loader, text, path, max_depth)  # type: ignore[return-value]


def _libyaml_nesting_limit(exc: Exception, loader_class: type, yaml: Any) -> bool:
    """Whether ``exc`` is libyaml refusing deep nesting by a limit of its own."""
    if loader_class is yaml.SafeLoader:
        return False
    problem = str(getattr(exc, "problem", "") or "")
    return "nesting" in problem or "depth" in problem


def _read(yaml: Any, loader_class: type, text: str, path: str,
          max_depth: int) -> tuple[Node | None, list[Diagnostic]] | int:
    """:func:`read_yaml_text` with one parser; the index where libyaml refused deep nesting
    by its own limit, instead of a result, when it did."""
    diags: list[Diagnostic] = []
    # One frame per open collection: [node, is_map, pending key (None: expecting a key)].
    # The loop is written out by hand (no helper calls per event): it runs once per scalar
    # of every file, and is most of the cost of a cold ``check``.
    stack: list[list] = []  # type: ignore[type-arg]
    root: Node | None = None
    documents = 0
    ev_scalar = yaml.ScalarEvent
    ev_map = yaml.MappingStartEvent
    ev_seq = yaml.SequenceStartEvent
    ev_map_end = yaml.MappingEndEvent
    ev_seq_end = yaml.SequenceEndEvent
    ev_alias = yaml.AliasEvent
    ev_doc = yaml.DocumentStartEvent
    ev_stream_end = yaml.StreamEndEvent
    skip_depth = 0  # >0 while skipping the value of a duplicate key
    loader = loader_class(text)
    get_event = loader.get_event
    node: Node

    try:
        while True:
            ev = get_event()
            kind = type(ev)
            if kind is ev_scalar:
                if ev.anchor is not None or ev.tag is not None:
                    err = refused(ev, path)
                    diags.append(err)
                    return None, diags
                if skip_depth:
                    continue
                m = ev.start_mark
                value = ev.value
                if not value.isprintable() and find_control(value) is not None:
                    diags.append(escaped_control(value, path, m.line + 1, m.column + 1))
                    value = strip_controls(value)  # reported; nothing downstream carries it
                node = Scalar(value, ev.implicit[0], m.line + 1, m.column + 1)
            elif kind is ev_map or kind is ev_seq:
                if ev.anchor is not None or ev.tag is not None:
                    diags.append(refused(ev, path))
                    return None, diags
                if skip_depth:
                    skip_depth += 1
                    continue
                m = ev.start_mark
                if len(stack) >= max_depth:
                    diags.append(diag("E103", path, m.line + 1, m.column + 1, "E103", levels=max_depth))
                    return None, diags
                node = Map(m.line + 1, m.column + 1) if kind is ev_map else Seq(m.line + 1, m.column + 1)
            elif kind is ev_map_end or kind is ev_seq_end:
                if skip_depth:
                    skip_depth -= 1
                    continue
                stack.pop()
                continue
            elif kind is ev_doc:
                documents += 1
                if documents > 1:
                    m = ev.start_mark
                    diags.append(diag("E106", path, m.line + 1, m.column + 1, "E106"))
                    break
                continue
            elif kind is ev_alias:
                m = ev.start_mark
                diags.append(diag("E102", path, m.line + 1, m.column + 1, "E102.alias", alias=ev.anchor))
                return None, diags
            elif kind is ev_stream_end or ev is None:
                break
            else:
                continue
            # Attach the node to its parent.
            is_collection = kind is not ev_scalar
            if not stack:
                root = node
            else:
                frame = stack[-1]
                if not frame[1]:
                    frame[0].append(node)
                elif frame[2] is None:  # this node is a key
                    if is_collection:
                        diags.append(diag("E202", path, node.line, node.col, "E202.key"))
                        frame[2] = Scalar("?", True, node.line, node.col)
                        stack.append([node, kind is ev_map, None])  # read on, but into nothing
                        continue
                    frame[2] = node
                    continue
                else:
                    key = frame[2]
                    frame[2] = None
                    parent = frame[0]
                    name = key.value
                    if name in parent:
                        first = parent.keypos[name]
                        diags.append(diag("E101", path, key.line, key.col, "E101", key=name, line=first[0]))
                        if is_collection:
                            skip_depth = 1  # skip the duplicate's nested value
                        continue
                    parent[name] = node
                    parent.keypos[name] = (key.line, key.col)
            if is_collection:
                stack.append([node, kind is ev_map, None])
    except yaml.MarkedYAMLError as exc:
        if _libyaml_nesting_limit(exc, loader_class, yaml):
            raw = exc.problem_mark or exc.context_mark
            return len(text) if raw is None else min(len(text), raw.index + 1)
        mark, problem = first_place(exc, text)
        mark, problem = runaway_quote(text, mark, problem, *_yaml())
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        if is_tab_at(text, mark):
            diags.append(diag("E109", path, line, col, "E109"))
        else:
            diags.append(syntax_error(path, line, col, problem))
        return None, diags
    except (yaml.YAMLError, ValueError, RecursionError, MemoryError) as exc:  # pragma: no cover - defensive
        diags.append(diag("E100", path, 1, 1, "E100.unreadable", error=type(exc).__name__))
        return None, diags
    finally:
        loader.dispose()
    if root is None or (isinstance(root, Scalar) and root.is_null):
        diags.append(diag("E107", path, 1, 1, "E107"))
        return None, diags
    return root, diags


def read_flat_mapping(text: str, *, max_depth: int = MAX_DEPTH) -> list[tuple[str, str, int, int]] | None:
    """A document made only of nested mappings with text values, flattened in order to
    ``(dotted.key, text, line, col)``; None if it is anything else.

    This is the fast way through the common case of a locale file; for None (a list, a null
    or dotted key, a duplicate key, an anchor, a syntax error...) read it with
    :func:`read_yaml_text`, which locates every problem. Both agree wherever this one answers::

        >>> read_flat_mapping("a:\\n  b: x\\nc: 'y'\\n")
        [('a.b', 'x', 2, 6), ('c', 'y', 3, 4)]
        >>> read_flat_mapping("a: [x]\\n") is None
        True
    """
    yaml, loader_class = _yaml()
    ev_scalar = yaml.ScalarEvent
    ev_map = yaml.MappingStartEvent
    ev_map_end = yaml.MappingEndEvent
    passing = (yaml.StreamStartEvent, yaml.DocumentEndEvent)
    ev_doc = yaml.DocumentStartEvent
    ev_stream_end = yaml.StreamEndEvent
    out: list[tuple[str, str, int, int]] = []
    prefixes: list[str] = []  # the dotted prefix of each open mapping
    seen: set[str] = set()  # every full key so far, to find duplicates
    key: str | None = None  # the key waiting for its value
    documents = 0
    loader = loader_class(text)
    get_event = loader.get_event
    try:
        while True:
            ev = get_event()
            kind = type(ev)
            if kind is ev_scalar:
                if ev.anchor is not None or ev.tag is not None or not prefixes:
                    return None
                if not ev.value.isprintable() and find_control(ev.value) is not None:
                    return None  # the long way reports it (E108)
                if key is None:
                    key = ev.value
                    if not key or "." in key:
                        return None
                    full = prefixes[-1] + key
                    if full in seen:
                        return None
                    seen.add(full)
                    continue
                value = ev.value
                if ev.implicit[0] and value in _NULLS:
                    return None
                m = ev.start_mark
                out.append((prefixes[-1] + key, value, m.line + 1, m.column + 1))
                key = None
            elif kind is ev_map:
                if ev.anchor is not None or ev.tag is not None or len(prefixes) >= max_depth:
                    return None
                if not prefixes:
                    if documents != 1:
                        return None
                    prefixes.append("")
                elif key is None:
                    return None  # a mapping used as a key
                else:
                    prefixes.append(prefixes[-1] + key + ".")
                    key = None
            elif kind is ev_map_end:
                prefixes.pop()
            elif kind is ev_doc:
                documents += 1
                if documents > 1:
                    return None
            elif kind in passing:
                continue
            elif kind is ev_stream_end:
                break
            else:  # a sequence, an alias, no event at all
                return None
    except (yaml.YAMLError, ValueError, RecursionError, MemoryError):
        return None
    finally:
        loader.dispose()
    return out if documents == 1 else None
