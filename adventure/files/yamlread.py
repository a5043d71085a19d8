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

MAX_DEPTH = 64
MAX_BYTES = 32 * 1024 * 1024

_NULLS = ("", "~", "null", "Null", "NULL")


def _yaml() -> tuple[Any, type]:
    """PyYAML and its parser: libyaml's when present, the pure-Python one otherwise.

    Imported on first use, not with this module: a game that starts from the parsed-story
    cache never needs YAML, and importing it is a noticeable part of a start."""
    import yaml

    return yaml, getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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
    return Diagnostic("E110", path, 1, 1,
                      f"the file is {size / 1048576:.1f} MB; the limit is {MAX_BYTES // 1048576} MB",
                      "split it into several files (one per chapter, say)")


def decode(data: bytes, path: str) -> tuple[str | None, list[Diagnostic]]:
    """Bytes to text, or a located diagnostic saying why not."""
    diags: list[Diagnostic] = []
    if len(data) > MAX_BYTES:
        diags.append(too_large(path, len(data)))
        return None, diags
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:4096]:
        diags.append(Diagnostic(
            "E105", path, 1, 1, "the file looks like UTF-16 (or binary), not UTF-8",
            "save it again as UTF-8 (in most editors: File > Save with encoding > UTF-8)"))
        return None, diags
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        diags.append(Diagnostic(
            "E105", path, line, col, f"byte 0x{data[exc.start]:02x} is not valid UTF-8",
            "save the file as UTF-8; the text near this place may have been pasted from "
            "another encoding"))
        return None, diags
    if text.startswith("\ufeff"):
        text = text[1:]
        diags.append(Diagnostic(
            "W101", path, 1, 1, "the file starts with a byte-order mark (BOM)",
            "save it as UTF-8 without BOM; the engine ignores the mark"))
    bad = find_control(text, line_ends=True)
    if bad is not None:
        line = text.count("\n", 0, bad) + 1
        col = bad - (text.rfind("\n", 0, bad) + 1) + 1
        diags.append(Diagnostic(
            "E108", path, line, col,
            f"control character {describe(text[bad])} in the text",
            "delete it; it is invisible in most editors, so retype the text around it"))
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
                    err = _refused(ev, path)
                    diags.append(err)
                    return None, diags
                if skip_depth:
                    continue
                m = ev.start_mark
                value = ev.value
                if not value.isprintable() and find_control(value) is not None:
                    diags.append(_escaped_control(value, path, m.line + 1, m.column + 1))
                    value = strip_controls(value)  # reported; nothing downstream carries it
                node = Scalar(value, ev.implicit[0], m.line + 1, m.column + 1)
            elif kind is ev_map or kind is ev_seq:
                if ev.anchor is not None or ev.tag is not None:
                    diags.append(_refused(ev, path))
                    return None, diags
                if skip_depth:
                    skip_depth += 1
                    continue
                m = ev.start_mark
                if len(stack) >= max_depth:
                    diags.append(Diagnostic(
                        "E103", path, m.line + 1, m.column + 1, f"nesting deeper than {max_depth} levels",
                        "flatten the structure; story files need only a few levels"))
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
                    diags.append(Diagnostic(
                        "E106", path, m.line + 1, m.column + 1,
                        "a second YAML document starts here ('---')",
                        "keep one document per file: remove the '---' line or move the rest to its own file"))
                    break
                continue
            elif kind is ev_alias:
                m = ev.start_mark
                diags.append(Diagnostic(
                    "E102", path, m.line + 1, m.column + 1, f"alias '*{ev.anchor}' is not allowed",
                    "write the value out in full; anchors and aliases are refused so a file "
                    "cannot expand into a huge structure"))
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
                        diags.append(Diagnostic(
                            "E202", path, node.line, node.col, "a key must be plain text, not a list or mapping",
                            "write the key as a simple word"))
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
                        diags.append(Diagnostic(
                            "E101", path, key.line, key.col,
                            f"duplicate key '{name}' (first at line {first[0]}); YAML would silently keep only the last",
                            "remove one of the two, or merge them"))
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
        mark, problem = _first_place(exc, text)
        mark, problem = _runaway_quote(text, mark, problem)
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        if _is_tab_at(text, mark):
            diags.append(Diagnostic(
                "E109", path, line, col, "a tab character is used for indentation",
                "indent with spaces only (set your editor to insert spaces for Tab)"))
        else:
            diags.append(Diagnostic("E100", path, line, col, f"YAML syntax: {problem}", _syntax_fix(problem)))
        return None, diags
    except (yaml.YAMLError, ValueError, RecursionError, MemoryError) as exc:  # pragma: no cover - defensive
        diags.append(Diagnostic("E100", path, 1, 1, f"YAML could not be read: {type(exc).__name__}",
                                "check the file for unusual syntax"))
        return None, diags
    finally:
        loader.dispose()
    if root is None or (isinstance(root, Scalar) and root.is_null):
        diags.append(Diagnostic("E107", path, 1, 1, "the file holds no data",
                                "add content, or delete the file"))
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


def _escaped_control(value: str, path: str, line: int, col: int) -> Diagnostic:
    """E108 for a control character that only YAML's decoding shows (``"\\e"``, ``"\\x9b"``)."""
    bad = find_control(value)
    assert bad is not None
    return Diagnostic("E108", path, line, col,
                      f"control character {describe(value[bad])} in the text of this value "
                      "(written as an escape such as \\e, \\x1b or \\u202e in a quoted string)",
                      "remove the escape; story and locale text cannot hold terminal or bidi controls")


def _refused(ev: object, path: str) -> Diagnostic:
    m = ev.start_mark  # type: ignore[attr-defined]
    line, col = m.line + 1, m.column + 1
    if ev.anchor is not None:  # type: ignore[attr-defined]
        return Diagnostic("E102", path, line, col, f"anchor '&{ev.anchor}' is not allowed",  # type: ignore[attr-defined]
                          "remove the anchor and write values out in full")
    return Diagnostic("E104", path, line, col, f"explicit tag '{ev.tag}' is not allowed",  # type: ignore[attr-defined]
                      "remove the tag; quote the value if you want it kept as text")


# Errors whose problem PyYAML finds far from where it started: a quote or bracket left open is
# noticed only where the text runs out (or at the next line that cannot belong to it).
_OPENED = {
    "while scanning a quoted scalar": "a quote opened here is never closed",
    "while parsing a flow sequence": "a '[' opened here is never closed",
    "while parsing a flow mapping": "a '{' opened here is never closed",
}


def _first_place(exc: Any, text: str) -> tuple[Any, str]:
    """Where a syntax error started and what it is, from PyYAML's two marks: the context mark
    (where the construct being read began) for something left open, the problem mark otherwise.

    An unclosed quote on line 4 of a 600-line file is reported on line 4, not at the end."""
    problem = exc.problem or exc.context or "invalid YAML"
    opened = _OPENED.get(exc.context or "")
    if opened and exc.context_mark is not None:
        return exc.context_mark, f"{opened} (then: {problem})"
    if exc.context == "while scanning a simple key" and exc.context_mark is not None:
        return exc.context_mark, f"{problem} after this key"
    pm = exc.problem_mark
    if pm is not None and ("expected key" in problem or "expected <block end>" in problem):
        first = _lone_deeper_first_line(text, pm.line)
        if first is not None:
            return _Mark(first[0], first[1]), "this line is indented further than the lines after it"
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


def _runaway_quote(text: str, mark: Any, problem: str) -> tuple[Any, str]:
    """A quote left open swallows the following lines up to the next quote, and PyYAML reports
    the line after it: if a quoted text spanning several lines ends on the line of the error,
    the mistake is where that text opened::

        >>> _, diags = read_yaml_text('a: "x\\nb: 1\\nc: "y"\\n', "f.yaml")
        >>> diags[0].line, diags[0].message
        (1, 'YAML syntax: a quote opened here is never closed (it runs on to line 3)')
    """
    if mark is None or "never closed" in problem or "indented further" in problem:
        return mark, problem
    yaml, loader_class = _yaml()
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
    return runaway.start_mark, f"a quote opened here is never closed (it runs on to line {mark.line + 1})"


def _is_tab_at(text: str, mark: object) -> bool:
    if mark is None:
        return False
    index = getattr(mark, "index", None)
    if index is None:
        return False
    line_start = text.rfind("\n", 0, index) + 1
    line_end = text.find("\n", index)
    line = text[line_start: line_end if line_end >= 0 else len(text)]
    return "\t" in line[: max(1, index - line_start + 1)] or "\t" in line[:len(line) - len(line.lstrip(" \t"))]


def _syntax_fix(problem: str) -> str:
    if "mapping values are not allowed" in problem:
        return "a ':' inside text needs the whole value in quotes, e.g. text: \"Note: ...\""
    if "could not find expected ':'" in problem:
        return "each line of a mapping needs 'key: value'; check the indentation of this line"
    if "did not find expected key" in problem or "expected <block end>" in problem:
        return "check the indentation: items of one mapping must line up exactly"
    if "found undefined alias" in problem or "found character" in problem:
        return "quote the value if it starts with a special character such as * & ! % @ or `"
    if "indented further" in problem:
        return "line it up with the keys after it: one mapping's keys use exactly the same spaces"
    if "quote opened here is never closed" in problem:
        return "close the quote at the end of the text (a text of several lines is written with | instead)"
    if "never closed" in problem:
        return "close it where the list or mapping ends, on the same line"
    if "end of the stream" in problem or "found unexpected end" in problem:
        return "a quote or bracket is not closed"
    return "fix the YAML at this place (quote text that contains ':' or starts with a symbol)"


class Span:
    """Where a node of a block-style file sits in its text, for tools that edit YAML in place.

    ``start``/``end`` are character offsets of the value (for a mapping: of its first key and
    of the end of its last value); ``key_start``/``key_col`` place the key that holds it (the
    root has none); ``style`` is the scalar style (``""`` plain, ``'"'``, ``"'"``, ``"|"``,
    ``">"``) or ``"map"``/``"seq"``; ``flow`` is True for ``{...}``/``[...]``; ``child_col`` is the
    column of a mapping's keys; ``keys`` lists a mapping's keys in order. A scalar's ``flow`` says
    it sits inside a ``{...}`` mapping.
    """

    __slots__ = ("start", "end", "key_start", "key_col", "style", "flow", "child_col", "keys")

    def __init__(self, start: int, style: str, key_start: int, key_col: int, flow: bool = False) -> None:
        self.start = start
        self.end = start
        self.key_start = key_start
        self.key_col = key_col
        self.style = style
        self.flow = flow
        self.child_col = -1
        self.keys: list[str] = []

    def __repr__(self) -> str:
        return f"Span({self.style or 'plain'} {self.start}-{self.end}, key at {self.key_start})"


def node_spans(text: str) -> dict[tuple[str, ...], Span] | None:
    """The place of every mapping and scalar in ``text`` by key path (``()`` is the root), read
    from the same hardened event stream as :func:`read_yaml_text`; None if the text is not a
    plain mapping this reader accepts (or holds anchors, aliases, tags or duplicate keys).

    >>> spans = node_spans("a:\\n  b: 'x'\\n")
    >>> s = spans[("a", "b")]; (s.style, s.start, s.end, s.key_col)
    ("'", 8, 11, 2)
    """
    yaml, _Loader = _yaml()  # PyYAML is imported on first use (see _yaml)
    spans: dict[tuple[str, ...], Span] = {}
    # Each open mapping: [path, span, pending key (or None), pending key start, key col].
    stack: list[list] = []  # type: ignore[type-arg]
    seq_depth = 0
    try:
        for ev in yaml.parse(text, Loader=_Loader):
            kind = type(ev)
            if kind in (yaml.AliasEvent,) or (getattr(ev, "anchor", None) is not None) or \
                    (kind in (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent) and ev.tag is not None):
                return None
            if seq_depth:
                if kind is yaml.SequenceStartEvent:
                    seq_depth += 1
                elif kind is yaml.SequenceEndEvent:
                    seq_depth -= 1
                    if not seq_depth:
                        _close_value(stack, ev.end_mark.index)
                continue
            if kind is yaml.ScalarEvent:
                if not stack:
                    return None
                frame = stack[-1]
                if frame[2] is None:
                    if ev.value in frame[1].keys:
                        return None
                    frame[2], frame[3], frame[4] = ev.value, ev.start_mark.index, ev.start_mark.column
                    if frame[1].child_col < 0:
                        frame[1].child_col = ev.start_mark.column
                    frame[1].keys.append(ev.value)
                    continue
                span = Span(ev.start_mark.index, ev.style or "", frame[3], frame[4], frame[1].flow)
                span.end = ev.end_mark.index
                spans[tuple(frame[0]) + (frame[2],)] = span
                _close_value(stack, span.end)
            elif kind is yaml.MappingStartEvent:
                if stack:
                    frame = stack[-1]
                    if frame[2] is None:
                        return None  # a mapping as a key
                    path = tuple(frame[0]) + (frame[2],)
                    span = Span(ev.start_mark.index, "map", frame[3], frame[4], bool(ev.flow_style))
                else:
                    path = ()
                    span = Span(ev.start_mark.index, "map", -1, -1, bool(ev.flow_style))
                spans[path] = span
                stack.append([path, span, None, -1, -1])
            elif kind is yaml.MappingEndEvent:
                frame = stack.pop()
                if frame[1].flow:
                    frame[1].end = ev.end_mark.index
                if stack:
                    _close_value(stack, frame[1].end)
            elif kind is yaml.SequenceStartEvent:
                if not stack or stack[-1][2] is None:
                    return None
                frame = stack[-1]
                span = Span(ev.start_mark.index, "seq", frame[3], frame[4], bool(ev.flow_style))
                spans[tuple(frame[0]) + (frame[2],)] = span
                seq_depth = 1
    except (yaml.YAMLError, ValueError, RecursionError):
        return None
    return spans if () in spans else None


def _close_value(stack: list, end: int) -> None:  # type: ignore[type-arg]
    """A value of the innermost mapping ended at ``end``: the mapping now reaches that far."""
    frame = stack[-1]
    frame[2] = None
    frame[1].end = max(end, frame[1].end)
