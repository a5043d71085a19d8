"""A student's report as a record a program can read: JSON beside the Markdown and HTML.

The record holds ids, never display text: the story's id and content hash, the path as
scene and choice ids (each step saying whether it was a decision point: a scene where the
student had more than one choice), the endings reached, the notes unlocked, the answers by
question id, the languages and the time spent. Its shape is ``schema/report.schema.json``
(format ``hengyang-report``, version :data:`VERSION`); ``python play.py class`` reads it
(:mod:`adventure.classpage.records`). A ``checksum`` over the rest lets a reader tell a
record the game wrote from one edited by hand::

    value = record_value(session.report_input(), now=datetime.datetime.now(datetime.timezone.utc))
    value["path"][0]   # {'scene': 'pro_changsha', 'chapter': 'prologue', 'choice': 'engineers', ...}
"""

from __future__ import annotations

import datetime
import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from adventure import ENGINE_VERSION
from adventure.classroom import flow as cl
from adventure.core.engine import available
from adventure.files.atomic import write_atomic

if TYPE_CHECKING:  # pragma: no cover
    from adventure.classroom.report_input import ReportInput

FORMAT = "hengyang-report"
VERSION = 1


def checksum(value: dict[str, Any]) -> str:
    """SHA-256 of the record without its ``checksum`` key, as canonical JSON.

    >>> checksum({"a": 1, "checksum": "x"}) == checksum({"a": 1})
    True
    """
    body = {k: v for k, v in value.items() if k != "checksum"}
    text = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def record_value(reading: ReportInput, *, now: datetime.datetime) -> dict[str, Any]:
    """The record of a reading (plain JSON data, with its checksum)."""
    story, record = reading.story, reading.record
    state = reading.state
    assert state is not None
    states = list(reading.history) + [state]
    trail: list[str | None] = list(reading.trail)[-len(reading.history):] if reading.history else []
    pad: list[str | None] = [None] * (len(reading.history) - len(trail))
    trail = pad + trail
    path: list[dict[str, Any]] = []
    endings: list[str] = []
    for i, st in enumerate(states):
        scene = story.scenes.get(st.scene)
        if scene is None:
            continue
        choice = trail[i] if i < len(trail) else None
        offered = [c.id for c in available(story, st)]
        step: dict[str, Any] = {"scene": scene.id, "chapter": scene.chapter, "choice": choice,
                                "decision": len(offered) > 1}
        if len(offered) > 1:
            step["offered"] = offered
        if i < len(trail) and choice is None:
            step["restarted"] = True
        path.append(step)
        if st.ending is not None and st.ending not in endings:
            endings.append(st.ending)
    read = list(dict.fromkeys(step["chapter"] for step in path))
    value: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "engine": ENGINE_VERSION,
        "student": record.student,
        "sitting": {"started": record.started, "written": now.astimezone(datetime.timezone.utc).isoformat(),
                    "sittings": max(1, record.sittings)},
        "story": {"id": story.id, "hash": story.hash},
        "lang": reading.lang,
        "languages": list(record.languages) or [reading.lang],
        "seconds": record.seconds,
        "chapters": {"read": [c.id for c in story.chapters if c.id in read],
                     "finished": cl.completed_chapters(story, state),
                     "total": len(story.chapters)},
        "position": {"scene": state.scene, "chapter": story.scenes[state.scene].chapter, "ending": state.ending},
        "path": path,
        "endings": endings,
        "notes": list(state.notes),
        "answers": {qid: {k: v for k, v in ans.items() if k in ("text", "lang", "at", "chapter")}
                    for qid, ans in record.answers.items()},
        "skipped": list(record.skipped),
        "looked_up": list(record.looked_up),
    }
    value["checksum"] = checksum(value)
    return value


def record_path(html_path: Path) -> Path:
    """The record beside a report: ``Ana_2026-05-04.html`` -> ``Ana_2026-05-04.json``."""
    return html_path.with_suffix(".json")


def write_record(reading: ReportInput, html_path: Path, *, now: datetime.datetime) -> Path:
    """Write the record beside the HTML report (atomically); raises OSError."""
    path = record_path(html_path)
    text = json.dumps(record_value(reading, now=now), ensure_ascii=False)
    write_atomic(path, (text + "\n").encode("utf-8"))
    return path
