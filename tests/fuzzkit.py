"""Mutations for fuzzing story, locale and save files with hypothesis.

A mutation is drawn by hypothesis and applied to the bytes of a real file of the frozen fixture
story (or of a real save), so most cases are *almost* valid: the places where a parser or a
checker meets something it did not expect. The snippets are the hazards of issue 7 (aliases,
tags, YAML 1.1 scalars, tabs, BOMs, control characters, format-string tricks, huge numbers...).

    data = mutate(original, [("insert", 120, 3), ("line_dup", 4, 0)])
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

SNIPPETS: list[bytes] = [
    b"&a ", b"*a", b"&a [*a, *a]", b"<<: *a", b"!!python/object/apply:os.system ['touch /tmp/pwned']",
    b"!!python/name:os.system", b"!!binary aGk=", b"!!timestamp x", b"!!bool maybe", b"!!int abc", b"!foo",
    b"%YAML 1.1\n", b"%TAG ! tag:x,2000:\n", b"---\n", b"...\n", b"--- |\n", b"? ", b"? [a]\n: b\n",
    b"yes", b"no", b"on", b"off", b"y", b"NO", b"010", b"0o10", b"0x1F", b"12:30", b"190:20:30", b"1_000",
    b"2024-01-01", b"2001-12-14t21:59:43.10-05:00", b"1e3", b".inf", b"-.inf", b".nan", b"~", b"null", b"",
    b"9" * 40, b"-" + b"9" * 20, b"+1", b"-0", b"true", b"True", b"FALSE",
    b"{x.__class__}", b"{x[0]}", b"{0}", b"{}", b"{{", b"}}", b"{messages!r}", b"{messages:>99999}",
    b"%s", b"%(x)s", b"${HOME}", b"$(touch /tmp/pwned)", b"`id`",
    b"__import__('os').system('id')", b"visited(\"pro_dig\")", b"visited(1)", b"not not not", b"and or",
    b"messages > 99999999999999999999", b"dug == 1", b"(((((", b")))", b" == ", b" < ",
    b"@deng:", b"@nobody:", b"> ", b"[[", b"]]", b"[[x|y]]", b"[[|]]", b"\\", b"\\u0000", b"\\x1b[31m",
    b"\t", b"\t\t- x", b"\r", b"\r\n", b"\xef\xbb\xbf", b"\xff\xfe", b"\x00", b"\x07", b"\x1b[2J", b"\x7f",
    b"\xc2\x85", b"\xe2\x80\xa8", b"\xed\xa0\x80", b"\xc3", b"\xf4\x90\x80\x80", b"\xe4\xb8\xad\xe6\x96\x87",
    b"\xf0\x9f\x99\x82", b"\xcc\x81", b"\xe2\x80\xae",
    b"[", b"]", b"{", b"}", b":", b": ", b"- ", b"#", b"'", b'"', b"|", b">-", b"|+", b",", b"*", b"&", b"!", b"%",
    b"\n  ", b"\n    ", b"\n", b"  ", b"    ",
    b"scenes:", b"choices:", b"to: ", b"when: ", b"effects:", b"- set: {dug: 1}", b"- add: {dug: 1}",
    b"- note: nothing", b"- end: prologue_end", b"ending: prologue_end", b"once: maybe", b"date: 1944-02-30",
    b"chapter: prologue", b"start: pro_end", b"pro_end", b"pro_changsha", b"languages: [en, en]",
    b"[" * 70 + b"]" * 70, b"{a: " * 70 + b"}" * 70,
]

# One mutation: (kind, position, argument); positions are taken modulo the data's length.
KINDS = ("insert", "replace", "delete", "byte", "line_dup", "line_del", "line_swap", "indent", "dedent",
         "word", "text")


@st.composite
def mutations(draw: Any, max_count: int = 4) -> list[tuple[str, int, Any]]:
    out = []
    for _ in range(draw(st.integers(1, max_count))):
        kind = draw(st.sampled_from(KINDS))
        pos = draw(st.integers(0, 1 << 20))
        if kind in ("insert", "replace", "word"):
            arg: Any = draw(st.sampled_from(SNIPPETS))
        elif kind == "text":
            arg = draw(st.one_of(st.binary(max_size=12), st.text(max_size=12).map(lambda t: t.encode("utf-8",
                                                                                                       "surrogatepass"))))
        elif kind == "byte":
            arg = draw(st.integers(0, 255))
        else:
            arg = draw(st.integers(0, 1 << 20))
        out.append((kind, pos, arg))
    return out


def mutate(data: bytes, muts: list[tuple[str, int, Any]]) -> bytes:
    """Apply drawn mutations to ``data`` (deterministic for the same arguments)."""
    for kind, pos, arg in muts:
        n = len(data)
        at = pos % (n + 1)
        lines = data.split(b"\n")
        li = pos % len(lines)
        if kind == "insert":
            data = data[:at] + arg + data[at:]
        elif kind == "replace":
            data = data[:at] + arg + data[at + max(1, len(arg)):]
        elif kind == "delete":
            data = data[:at] + data[at + 1 + pos % 40:]
        elif kind == "byte" and n:
            data = data[:at % n] + bytes([arg]) + data[at % n + 1:]
        elif kind == "line_dup":
            lines.insert(li, lines[li])
            data = b"\n".join(lines)
        elif kind == "line_del" and len(lines) > 1:
            del lines[li]
            data = b"\n".join(lines)
        elif kind == "line_swap":
            lj = arg % len(lines)
            lines[li], lines[lj] = lines[lj], lines[li]
            data = b"\n".join(lines)
        elif kind == "indent":
            lines[li] = b" " * (1 + arg % 4) + lines[li]
            data = b"\n".join(lines)
        elif kind == "dedent":
            lines[li] = lines[li][1 + arg % 4:] if lines[li].startswith(b" ") else lines[li]
            data = b"\n".join(lines)
        elif kind == "word":
            # replace the word (or value) that starts at or after ``at``
            start = at
            while start < n and not data[start:start + 1].isalnum():
                start += 1
            end = start
            while end < n and (data[end:end + 1].isalnum() or data[end:end + 1] in b"_-."):
                end += 1
            data = data[:start] + arg + data[end:]
        elif kind == "text":
            data = data[:at] + arg + data[at:]
    return data


# -- JSON values for crafted saves --------------------------------------------------------

json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(-(10**30), 10**30), st.just(10**4000),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=20),
    st.sampled_from(["pro_dig", "pro_end", "prologue", "messages", "dug", "defences", "__proto__", "constructor",
                     "../../etc/passwd", "en", "es", "xx", "", "1944-06-22", "0001-01-01T00:00:00+05:00",
                     "9999-12-31T23:59:59-12:00", "{x.__class__}", "\x1b[31m", "hengyang-save", "hengyang-1944"]),
)
json_values = st.recursive(json_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=5), st.dictionaries(st.one_of(st.text(max_size=8), st.sampled_from(
        ["scene", "vars", "visits", "notes", "taken", "ending", "turn", "chapter", "summary", "saved_at", "__proto__"])),
        inner, max_size=5)), max_leaves=20)


@st.composite
def json_edits(draw: Any) -> list[tuple[tuple[Any, ...], str, Any]]:
    """Edits to a parsed save: (path of keys/indices, "set" | "del" | "wrap", value)."""
    out = []
    for _ in range(draw(st.integers(1, 4))):
        path = tuple(draw(st.lists(st.one_of(st.sampled_from(
            ["format", "version", "engine", "story", "id", "hash", "language", "saved_at", "summary", "chapter",
             "scene", "state", "history", "extra", "vars", "visits", "notes", "taken", "ending", "turn", "messages",
             "dug", "pro_dig", "pro_changsha"]), st.integers(0, 3)), min_size=1, max_size=4)))
        action = draw(st.sampled_from(["set", "set", "del", "wrap", "deep"]))
        out.append((path, action, draw(json_values) if action == "set" else draw(st.integers(1, 3000))))
    return out


def edit_json(obj: Any, edits: list[tuple[tuple[Any, ...], str, Any]]) -> Any:
    """Apply ``json_edits`` to a deep copy of ``obj``; keys that do not exist are created."""
    obj = json.loads(json.dumps(obj))
    for path, action, value in edits:
        parent = obj
        for key in path[:-1]:
            if isinstance(parent, dict):
                parent = parent.setdefault(key if isinstance(key, str) else str(key), {})
            elif isinstance(parent, list) and isinstance(key, int) and key < len(parent):
                parent = parent[key]
            else:
                break
        last = path[-1]
        if isinstance(parent, list):
            if not isinstance(last, int) or last >= len(parent):
                continue
        elif isinstance(parent, dict):
            last = last if isinstance(last, str) else str(last)
        else:
            continue
        if action == "set":
            parent[last] = value
        elif action == "del":
            if isinstance(parent, dict):
                parent.pop(last, None)
            else:
                del parent[last]
        elif action == "wrap":
            current = parent[last] if (isinstance(parent, list) or last in parent) else None
            parent[last] = [current]
        elif action == "deep":
            parent[last] = f"__DEEP_{value}__"  # expanded by dump_save: json.dumps cannot nest so deep
    return obj


def dump_save(obj: Any) -> bytes:
    """A crafted save as JSON bytes (``deep`` edits become thousands of nested lists)."""
    import re

    text = json.dumps(obj)
    return re.sub(r'"__DEEP_(\d+)__"', lambda m: "[" * int(m[1]) + "0" + "]" * int(m[1]), text).encode("utf-8")
