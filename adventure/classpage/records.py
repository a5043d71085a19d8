"""Finding and reading report records (``schema/report.schema.json``); nothing in them runs.

A record is read with :func:`json.loads` (no code, no YAML tags), checked key by key against
the shape the schema documents, and its checksum compared; anything else is refused with a
reason (a locale key) naming the file::

    found = read_folders([Path("reports")])
    found.reports[0].student      # 'Ana Pérez'
    found.skipped[0]              # Skipped(path=..., reason='ui.class.skip.edited')

Names and answers are cleaned of control characters and of the Unicode bidirectional
controls that could make text display in another order than it was written.
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple

from adventure.classroom.record import FORMAT, VERSION, checksum

MAX_BYTES = 4_000_000  # a record is a few kilobytes; a bigger file is not one
MAX_FILES = 5_000
_ID = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]{0,99}\Z")
_LANG = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})?\Z")
_HASH = re.compile(r"[0-9a-f]{8,64}\Z")
# C0/C1 controls but tab and newline; bidi embeddings, overrides and isolates.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff]")


class Step(NamedTuple):
    scene: str
    chapter: str
    choice: str | None
    decision: bool
    restarted: bool = False


class Answer(NamedTuple):
    text: str
    lang: str
    at: str


class Report(NamedTuple):
    """One record, read and checked."""

    file: Path
    student: str | None
    started: str
    written: str
    sittings: int
    story_id: str
    story_hash: str
    engine: str
    lang: str
    languages: tuple[str, ...]
    seconds: int
    read: tuple[str, ...]
    finished: tuple[str, ...]
    chapters_total: int
    scene: str
    chapter: str
    ending: str | None
    path: tuple[Step, ...]
    endings: tuple[str, ...]
    notes: tuple[str, ...]
    answers: dict[str, Answer]
    skipped_questions: tuple[str, ...]


class Skipped(NamedTuple):
    file: Path
    reason: str  # a locale key: ui.class.skip.*
    detail: str = ""


class Found(NamedTuple):
    reports: list[Report]
    skipped: list[Skipped]


class Refused(Exception):
    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


def clean(text: str) -> str:
    r"""Text safe to show: no control characters, no bidi overrides.

    >>> clean("Ana\u202eevil\x07 \n ok")
    'Anaevil \n ok'
    """
    return _UNSAFE.sub("", text)


def find_records(folders: Iterable[Path]) -> list[Path]:
    """Every ``*.json`` under the folders (recursively, symlinked folders not followed), sorted."""
    out: set[Path] = set()
    for folder in folders:
        if folder.is_file():
            out.add(folder)
            continue
        for root, dirs, files in os.walk(folder):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            out.update(Path(root) / f for f in files if f.lower().endswith(".json") and not f.startswith("."))
            if len(out) > MAX_FILES:
                break
    return sorted(out)[:MAX_FILES]


def read_folders(folders: Iterable[Path]) -> Found:
    found = Found([], [])
    for path in find_records(folders):
        try:
            found.reports.append(read_record(path))
        except Refused as exc:
            found.skipped.append(Skipped(path, exc.reason, exc.detail))
    return found


def read_record(path: Path) -> Report:
    """Read one record; raises :class:`Refused` with the reason."""
    try:
        if path.stat().st_size > MAX_BYTES:
            raise Refused("ui.class.skip.too_large")
        data = path.read_bytes()
    except OSError as exc:
        raise Refused("ui.class.skip.unreadable", exc.strerror or type(exc).__name__) from None
    try:
        value = json.loads(data.decode("utf-8"), parse_constant=_no_constant, object_pairs_hook=_no_duplicates)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise Refused("ui.class.skip.damaged", str(exc)[:120]) from None
    return parse_record(value, path)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        raise ValueError("a key appears twice")
    return out


def parse_record(value: Any, path: Path) -> Report:
    if not isinstance(value, dict) or value.get("format") != FORMAT:
        raise Refused("ui.class.skip.foreign")
    version = value.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise Refused("ui.class.skip.invalid", "version")
    if version > VERSION:
        raise Refused("ui.class.skip.newer", str(version))
    try:
        same = value.get("checksum") == checksum(value)
    except UnicodeEncodeError:  # a lone surrogate ("\\ud800"): no program of ours writes one
        raise Refused("ui.class.skip.damaged", "lone surrogate") from None
    if not same:
        raise Refused("ui.class.skip.edited")
    try:
        return _report(value, path)
    except (KeyError, TypeError, ValueError) as exc:
        raise Refused("ui.class.skip.invalid", str(exc)[:120]) from None


@functools.lru_cache(maxsize=4096)
def _id_text(v: str) -> bool:
    return _ID.match(v) is not None


def _is_id(v: object) -> bool:
    return type(v) is str and _id_text(v)


def _str(obj: dict[str, Any], key: str, *, limit: int = 200, pattern: re.Pattern[str] | None = None,
         null: bool = False) -> Any:
    v = obj[key]
    if v is None and null:
        return None
    if not isinstance(v, str) or len(v) > limit or (pattern is not None and not pattern.match(v)):
        raise ValueError(key)
    return v


def _int(obj: dict[str, Any], key: str, *, low: int = 0) -> int:
    v = obj[key]
    if not isinstance(v, int) or isinstance(v, bool) or v < low:
        raise ValueError(key)
    return v


def _ids(obj: dict[str, Any], key: str) -> tuple[str, ...]:
    v = obj[key]
    if not isinstance(v, list) or not all(_is_id(x) for x in v):
        raise ValueError(key)
    return tuple(v)


def _obj(obj: dict[str, Any], key: str) -> dict[str, Any]:
    v = obj[key]
    if not isinstance(v, dict):
        raise ValueError(key)
    return v


def _report(v: dict[str, Any], path: Path) -> Report:
    sitting, story, chapters, position = _obj(v, "sitting"), _obj(v, "story"), _obj(v, "chapters"), _obj(v, "position")
    steps = []
    raw_path = v["path"]
    if not isinstance(raw_path, list):
        raise ValueError("path")
    for s in raw_path:  # the longest part of a record: checked inline, each id once
        if type(s) is not dict:
            raise ValueError("path")
        scene, chapter, choice, decision = s.get("scene"), s.get("chapter"), s.get("choice"), s.get("decision")
        if not (_is_id(scene) and _is_id(chapter) and (choice is None or _is_id(choice)) and type(decision) is bool):
            raise ValueError("path")
        steps.append(Step(scene, chapter, choice, decision, s.get("restarted") is True))  # type: ignore[arg-type]
    answers: dict[str, Answer] = {}
    raw_answers = _obj(v, "answers")
    for qid, ans in raw_answers.items():
        if not _ID.match(qid) or not isinstance(ans, dict):
            raise ValueError("answers")
        lang, at = ans.get("lang"), ans.get("at")
        answers[qid] = Answer(clean(_str(ans, "text", limit=20_000)), lang if isinstance(lang, str) else "",
                              at if isinstance(at, str) else "")
    student = _str(v, "student", null=True)
    student = clean(student).strip() or None if student is not None else None
    languages = _ids(v, "languages")
    if not all(_LANG.match(x) for x in languages):
        raise ValueError("languages")
    return Report(
        file=path, student=student,
        started=_str(sitting, "started", limit=40), written=_str(sitting, "written", limit=40),
        sittings=_int(sitting, "sittings", low=1),
        story_id=_str(story, "id", limit=100, pattern=_ID), story_hash=_str(story, "hash", pattern=_HASH),
        engine=clean(_str(v, "engine", limit=40)), lang=_str(v, "lang", pattern=_LANG), languages=languages,
        seconds=_int(v, "seconds"),
        read=_ids(chapters, "read"), finished=_ids(chapters, "finished"), chapters_total=_int(chapters, "total"),
        scene=_str(position, "scene", pattern=_ID), chapter=_str(position, "chapter", pattern=_ID),
        ending=_str(position, "ending", pattern=_ID, null=True),
        path=tuple(steps), endings=_ids(v, "endings"), notes=_ids(v, "notes"), answers=answers,
        skipped_questions=_ids(v, "skipped"),
    )
