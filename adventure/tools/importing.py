"""Bringing translators' work back: texts, translator comments and reviews into the locale files.

:func:`import_entries` takes the :class:`~adventure.tools.exchange.Incoming` entries read from a
CSV or PO file and edits the YAML files in place (comments and layout kept), refusing what would
harm the game: a control character, or placeholders that differ from the source text. Each file
is checked to read back as intended before it is written through the one atomic write; the
review lock is updated last::

    report = import_entries(status(locales, "en", "es"), entries, locales_dir=locales)
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from adventure.core.charset import find_control, visible
from adventure.files.atomic import write_atomic
from adventure.files.loader import data_root, display_path, parse_locale_file
from adventure.files.yamledit import (
    SCHEMA_LINE,
    EditError,
    comment_above,
    dump,
    insert_value,
    nest,
    set_comment,
    set_value,
)
from adventure.text.markup import placeholders
from adventure.tools.exchange import Incoming
from adventure.tools.translation import KeyStatus, LangStatus, normalise, source_hash, write_lock


@dataclass
class ImportReport:
    """What an import changed (or would change, with ``dry_run``)."""

    lang: str
    updated: list[str] = field(default_factory=list)
    added: list[tuple[str, str]] = field(default_factory=list)  # (key, file)
    reviewed: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    still_stale: list[str] = field(default_factory=list)   # the source changed after the export
    not_reviewed: list[str] = field(default_factory=list)  # changed, but marked as needing work
    empty: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    placeholders: list[str] = field(default_factory=list)  # refused: {names} differ from the source
    unchanged: int = 0
    files: list[str] = field(default_factory=list)
    rewritten: list[str] = field(default_factory=list)  # written out again whole (comments inside lost)
    problems: list[str] = field(default_factory=list)


def import_entries(st: LangStatus, incoming: list[Incoming], *, locales_dir: Path, dry_run: bool = False) -> ImportReport:
    """Bring translated texts, reviews and translator comments back into the locale files."""
    rep = ImportReport(st.lang)
    by_key = {k.key: k for k in st.keys}
    base_order = [k.key for k in st.keys if k.source is not None]
    edits: dict[Path, list[tuple[str, tuple[str, ...], str, str | None]]] = {}  # path -> (op, path, value, after)
    lock = dict(st.lock)
    lock_changed = False
    for item in incoming:
        bad = next((f for f, text in (("key", item.key), ("translation", item.translation),
                                      ("comment", item.comment or "")) if find_control(text) is not None), None)
        if bad is not None:  # refused, never written into a locale file (check would refuse it: E108)
            rep.problems.append(f"line {item.line}: the {bad} of '{visible(item.key)[:80]}' holds a control "
                                "character (an invisible character such as ESC); not imported")
            continue
        k = by_key.get(item.key)
        if k is None or k.source is None:
            rep.unknown.append(item.key)
            continue
        new = item.translation
        if not new.strip():
            rep.empty.append(item.key)
            continue
        ours, theirs = sorted(set(placeholders(new)[0])), sorted(set(placeholders(k.source.text)[0]))
        if ours != theirs:  # refused: the game would show a raw {name} or lose a number
            rep.placeholders.append(f"{item.key}: {_braces(ours)} in the file, {_braces(theirs)} in {st.base}")
            continue
        parts = tuple(item.key.split("."))
        old = k.target.text if k.target is not None else None
        changed = old is None or normalise(old) != normalise(new)  # re-wrapping alone is no change
        file_hash = source_hash(item.source) if item.source.strip() else item.source_hash
        current = source_hash(k.source.text)
        if k.target is None:
            target = st.folder / k.source.path.name
            after = _previous_sibling(item.key, base_order, by_key)
            edits.setdefault(target, []).append(("insert", parts, new, after))
            rep.added.append((item.key, display_path(target)))
        elif changed:
            edits.setdefault(k.target.path, []).append(("set", parts, new, None))
            rep.updated.append(item.key)
        if item.comment is not None:
            if k.target is not None:
                try:
                    have = comment_above(k.target.path.read_text(encoding="utf-8"), parts)
                except (OSError, UnicodeDecodeError, EditError):
                    have = item.comment
                if have.strip() != item.comment.strip():
                    edits.setdefault(k.target.path, []).append(("comment", parts, item.comment, None))
                    rep.comments.append(item.key)
            elif item.comment.strip():
                edits.setdefault(st.folder / k.source.path.name, []).append(("comment", parts, item.comment, None))
                rep.comments.append(item.key)
        checked = item.mark in ("ok", "clear")
        counts = item.mark != "fuzzy" and (
            changed or (checked and (k.state == "stale" or k.identical)) or (item.mark == "ok" and k.state != "ok"))
        if counts and file_hash:
            if lock.get(item.key) != file_hash:
                lock[item.key] = file_hash
                lock_changed = True
                if file_hash == current:
                    rep.reviewed.append(item.key)
            if file_hash != current:
                rep.still_stale.append(item.key)
        elif changed:
            rep.not_reviewed.append(item.key)
        if not changed and not counts:
            rep.unchanged += 1
    if dry_run:
        return rep
    for path, ops in edits.items():
        problem, rewritten = _apply_edits(path, ops, locales_dir)
        if rewritten:
            rep.rewritten.append(display_path(path))
        if problem:
            rep.problems.append(problem)
            touched = {".".join(p) for _, p, _, _ in ops}
            rep.updated = [k for k in rep.updated if k not in touched]
            rep.added = [(k, f) for k, f in rep.added if k not in touched]
            for key in touched:
                if key in lock and lock.get(key) != st.lock.get(key):
                    if st.lock.get(key) is None:
                        del lock[key]
                    else:
                        lock[key] = st.lock[key]
            continue
        rep.files.append(display_path(path))
    if lock_changed and lock != st.lock:
        write_lock(st.lock_path, lock, source=st.base)
        st.lock = lock
        rep.files.append(display_path(st.lock_path))
    return rep


def _braces(names: list[str]) -> str:
    return ", ".join("{" + n + "}" for n in names) or "no placeholder"


def _previous_sibling(key: str, order: list[str], by_key: dict[str, KeyStatus]) -> str | None:
    """The sibling just before ``key`` in the source order that the translation already has."""
    parts = key.split(".")
    parent = parts[:-1]
    i = order.index(key)
    for other in reversed(order[:i]):
        o = other.split(".")
        # The nearest earlier key sharing the longest prefix names the sibling to follow.
        common = 0
        while common < min(len(o), len(parts)) and o[common] == parts[common]:
            common += 1
        if common < len(parent):
            continue
        sibling = o[len(parent)] if len(o) > len(parent) else None
        if sibling is not None and sibling != parts[len(parent)] and by_key.get(other) and by_key[other].target:
            return sibling
    return None


def _apply_edits(path: Path, ops: list[tuple[str, tuple[str, ...], str, str | None]],
                 locales_dir: Path) -> tuple[str, bool]:
    """Edit one locale file in place, check the result reads back as intended, write it.
    Returns a problem message ("" on success) and whether the file had to be written out whole."""
    try:
        text = path.read_text(encoding="utf-8") if path.exists() else None
    except (OSError, UnicodeDecodeError) as exc:
        return f"{display_path(path)}: cannot read it ({exc}); nothing imported into it", False
    rewritten = False
    before = {} if text is None else {k: v for k, v, _, _ in parse_locale_file(text.encode("utf-8"), "x")["entries"]}
    expected = dict(before)
    for op, parts, value, _ in ops:
        if op in ("set", "insert"):
            expected[".".join(parts)] = value
    if text is None:
        schema = os.path.relpath(data_root() / "schema" / "locale.schema.json", path.parent)
        header = f"{SCHEMA_LINE}{schema.replace(os.sep, '/')}\n# Added by the `i18n import` tool.\n"
        new_text = dump(nest({k: v for k, v in expected.items()}), header=header)
        comments = [(parts, value) for op, parts, value, _ in ops if op == "comment"]
        try:
            for parts, value in comments:
                new_text = set_comment(new_text, parts, value)
        except EditError:
            pass
    else:
        new_text = text
        try:
            for op, parts, value, after in ops:
                if op == "set":
                    new_text = set_value(new_text, parts, value)
                elif op == "insert":
                    new_text = insert_value(new_text, parts, value, after=after)
                elif op == "comment":
                    new_text = set_comment(new_text, parts, value)
        except EditError:
            # The file's layout does not allow an edit in place: write it out again, readably,
            # keeping its opening comment lines (the schema line first).
            head = "".join(line for line in _leading_comments(text))
            rewritten = True
            try:
                new_text = dump(nest(expected), header=head)
            except EditError as exc:
                return f"{display_path(path)}: {exc}; nothing imported into it", False
    after_rec = parse_locale_file(new_text.encode("utf-8"), "x")
    got = {k: v for k, v, _, _ in after_rec["entries"]}
    if got != expected or any(row[0].startswith("E") for row in after_rec["diags"]):
        return (f"{display_path(path)}: the edited file would not read back as intended; nothing imported into it",
                False)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, new_text.encode("utf-8"))
    return "", rewritten


def _leading_comments(text: str) -> list[str]:
    out = []
    for line in text.splitlines(keepends=True):
        if line.startswith("#"):
            out.append(line)
        else:
            break
    return out
