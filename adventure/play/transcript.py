"""``--transcript FILE``: one JSON object per line for each event of a session.

Events: ``start``, ``scene`` (scene id, language), ``choice`` (scene and choice ids),
``note`` (note id), ``var`` (name, old, new), ``save``/``load``/``undo``/``restart``,
``lang``, ``ending`` (ending id), ``quit``. Each line also has ``t``, an ISO timestamp::

    {"t": "2026-11-22T10:00:00+00:00", "event": "choice", "scene": "pro_orders", "choice": "listen"}

Every text loses its control characters (:func:`adventure.core.charset.strip_controls`) before it
is written, so ``cat`` or ``tail -f`` of a transcript cannot reach a terminal.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO

from adventure.core.charset import strip_controls


def _clean(value: object) -> object:
    if isinstance(value, str):
        return strip_controls(value)
    if isinstance(value, dict):
        return {strip_controls(str(k)): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


class Transcript:
    """Appends events to a file, one JSON object per line, flushed as it goes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: IO[str] | None = None

    def open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file = open(self.path, "a", encoding="utf-8")

    def write(self, t: str, event: str, **data: object) -> None:
        if self._file is None:
            self.open()
        assert self._file is not None
        record = _clean({"t": t, "event": event, **data})
        self._file.write(json.dumps(record, ensure_ascii=False) + "\n")
        self._file.flush()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


def read_transcript(path: Path) -> list[dict[str, object]]:
    """Every event of a transcript file (lines that are not JSON objects are skipped)."""
    events = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            obj = json.loads(line)
        except ValueError:
            continue
        if isinstance(obj, dict):
            events.append(obj)
    return events
