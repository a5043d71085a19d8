"""Every id of the story and every place it is written: where it is defined, where it is
used, and where its texts are (the locale keys).

An :class:`Occ` is one occurrence: a kind (``scene``, ``choice``, ``note``, ``variable``,
``ending``, ``character``, ``chapter``, ``term``), the id, a file, a 0-based line and column
and a length, and a role: ``def`` (declared here), ``ref`` (used here) or ``text`` (a locale
key holding its text). Occurrences come from the loader's per-file records (their places are
exact) and, in locale files, from the text itself (keys, ``@speaker:``, ``{variable}``,
``[[shown|term]]``)::

    >>> occs = locale_occurrences(Path("x.yaml"), "scenes:\\n  a:\\n    text: '@bob: Hi {n}.'\\n")
    >>> [(o.kind, o.name, o.role, o.line, o.col) for o in occs]
    [('scene', 'a', 'text', 1, 2), ('character', 'bob', 'ref', 2, 12), ('variable', 'n', 'ref', 2, 21)]
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple

from adventure.files.yamlspans import node_spans
from adventure.text.markup import TERM_MARK_RE

_SECTIONS = {"scenes": "scene", "notes": "note", "chapters": "chapter", "characters": "character",
             "endings": "ending", "glossary": "term"}
_SPEAKER = re.compile(r"(?:^|\n)[ \t]*(?:[A-Za-z_]+:[ \t]*[\"']?)?@([A-Za-z][A-Za-z0-9_]*):")
_PLACEHOLDER = re.compile(r"(?<!\{)\{([A-Za-z_][A-Za-z0-9_]*)\}")
_NAME = re.compile(r"""[A-Za-z_][A-Za-z0-9_]*|"[^"\n]*"|'[^'\n]*'""")
_KEYWORDS = {"and", "or", "not", "true", "false", "visited"}


class Occ(NamedTuple):
    kind: str
    name: str
    path: Path
    line: int
    col: int
    length: int
    role: str


def _lines(text: str) -> list[str]:
    return text.split("\n")


def _find(lines: list[str], line: int, col: int, name: str) -> int:
    """The 0-based column of ``name`` on a 1-based ``line`` at or after 1-based ``col``."""
    if 0 < line <= len(lines):
        at = lines[line - 1].find(name, max(col - 1, 0))
        if at >= 0:
            return at
    return max(col - 1, 0)


def story_occurrences(path: Path, kind: str, rec: dict[str, Any], text: str) -> list[Occ]:
    """The ids a story file (or the manifest) declares and uses."""
    lines = _lines(text)
    out: list[Occ] = []

    def add(k: str, name: str | None, pos: tuple[int, int], role: str) -> None:
        if name:
            out.append(Occ(k, name, path, pos[0] - 1, _find(lines, pos[0], pos[1], name), len(name), role))

    if kind == "manifest":
        for v in rec.get("variables", ()):
            add("variable", v["name"], v["pos"], "def")
        for k, field in (("ending", "endings"), ("character", "characters"), ("chapter", "chapters")):
            for name, pos in rec.get(field, ()):
                add(k, name, pos, "ref" if k == "chapter" else "def")
        info = rec.get("story", {})
        if info.get("start"):
            add("scene", info["start"], info["start_pos"], "ref")
    chapter = rec.get("chapter")
    if chapter:
        add("chapter", chapter["id"], chapter["pos"], "def")
        if chapter.get("start"):
            add("scene", chapter["start"], chapter["start_pos"], "ref")
    for sc in rec.get("scenes", ()):
        add("scene", sc["id"], sc["pos"], "def")
        if sc["witness"]:
            add("character", sc["witness"], sc["witness_pos"], "ref")
        if sc["ending"]:
            add("ending", sc["ending"], sc["ending_pos"], "ref")
        _effects(add, sc["effects"])
        for ch in sc["choices"]:
            add("choice", f"{sc['id']}.{ch['id']}", ch["pos"], "def")
            out[-1] = out[-1]._replace(length=len(ch["id"]), col=_find(lines, ch["pos"][0], ch["pos"][1], ch["id"]))
            if ch["to"]:
                add("scene", ch["to"], ch["to_pos"], "ref")
            if ch["when"]:
                _condition(out, path, lines, ch["when"], ch["when_pos"])
            _effects(add, ch["effects"])
    for n in rec.get("notes", ()):
        add("note", n["id"], n["pos"], "def")
    for t in rec.get("glossary", ()):
        add("term", t["id"], t["pos"], "def")
    return out


def _effects(add: Any, effects: Iterable[dict[str, Any]]) -> None:
    for e in effects:
        k = {"note": "note", "end": "ending"}.get(e["op"], "variable")
        add(k, e["target"], e["pos"], "ref")


def _condition(out: list[Occ], path: Path, lines: list[str], when: str, pos: tuple[int, int]) -> None:
    """Variables and ``visited("scene")`` in a condition, placed on its line."""
    line = pos[0]
    if not 0 < line <= len(lines):
        return
    start = lines[line - 1].find(when, max(pos[1] - 1, 0))
    if start < 0:
        return
    previous = ""
    for mt in _NAME.finditer(when):
        token = mt.group()
        if token[0] in "\"'":
            if previous == "visited":
                out.append(Occ("scene", token[1:-1], path, line - 1, start + mt.start() + 1, len(token) - 2, "ref"))
        elif token not in _KEYWORDS:
            out.append(Occ("variable", token, path, line - 1, start + mt.start(), len(token), "ref"))
        previous = token


def locale_occurrences(path: Path, text: str) -> list[Occ]:
    """Locale keys naming an id (``scenes.<id>``, ``scenes.<id>.choices.<choice>``...), and the
    speakers, placeholders and glossary terms in the texts."""
    out: list[Occ] = []
    spans = node_spans(text)
    starts = [0]
    for mt in re.finditer("\n", text):
        starts.append(mt.end())

    def place(offset: int) -> tuple[int, int]:
        import bisect

        line = bisect.bisect_right(starts, offset) - 1
        return line, offset - starts[line]

    for key_path, span in (spans or {}).items():
        if len(key_path) == 2 and key_path[0] in _SECTIONS and span.key_start >= 0:
            line, col = place(span.key_start)
            out.append(Occ(_SECTIONS[key_path[0]], key_path[1], path, line, col, len(key_path[1]), "text"))
        elif len(key_path) == 4 and key_path[0] == "scenes" and key_path[2] == "choices" and span.key_start >= 0:
            line, col = place(span.key_start)
            out.append(Occ("choice", f"{key_path[1]}.{key_path[3]}", path, line, col, len(key_path[3]), "text"))
    for rx, kind, group in ((_SPEAKER, "character", 1), (_PLACEHOLDER, "variable", 1), (TERM_MARK_RE, "term", 2)):
        for mt in rx.finditer(text):
            name = mt.group(group) or (mt.group(1) if kind == "term" else None)
            if not name or (kind == "term" and not mt.group(2) and not re.fullmatch(r"[A-Za-z]\w*", name)):
                continue
            at = mt.start(group) if mt.group(group) else mt.start(1)
            line, col = place(at)
            out.append(Occ(kind, name, path, line, col, len(name), "ref"))
    return out


class Index:
    """Every occurrence of the project's files, found by place or by id."""

    def __init__(self, occs: Iterable[Occ]) -> None:
        self.by_file: dict[Path, list[Occ]] = {}
        self.by_id: dict[tuple[str, str], list[Occ]] = {}
        for o in occs:
            self.by_file.setdefault(o.path, []).append(o)
            self.by_id.setdefault((o.kind, o.name), []).append(o)

    def at(self, path: Path, line: int, col: int) -> Occ | None:
        """The occurrence under a 0-based position, if any."""
        for o in self.by_file.get(path, ()):
            if o.line == line and o.col <= col <= o.col + o.length:
                return o
        return None

    def of(self, kind: str, name: str, role: str | None = None) -> list[Occ]:
        return [o for o in self.by_id.get((kind, name), ()) if role is None or o.role == role]

    def names(self, kind: str) -> list[str]:
        return sorted({name for (k, name), occs in self.by_id.items() if k == kind
                       and any(o.role == "def" for o in occs)})
