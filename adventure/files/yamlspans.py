"""Where each node of a block-style YAML file sits in its text, for tools that edit in place.

:func:`node_spans` reads the same hardened event stream as :mod:`adventure.files.yamlread`
(no anchors, aliases, tags or duplicate keys) and keeps character offsets instead of values:
the language server places its links and :mod:`adventure.files.yamledit` rewrites one value
without touching the rest of the file.
"""

from __future__ import annotations

from adventure.files.yamlread import pyyaml


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
    yaml, _Loader = pyyaml()  # PyYAML is imported on first use (see pyyaml)
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
