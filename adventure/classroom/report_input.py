"""What a student's report and its record are built from: a plain value, not the game.

The session makes one (:meth:`adventure.play.session.Session.report_input`) when it writes a
report; :func:`adventure.classroom.report.report_data` and
:func:`adventure.classroom.record.record_value` read nothing else, so a report can be made
from any reading (the browser edition's test builds the same report from the same value).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:  # pragma: no cover
    from adventure.classroom.flow import Record
    from adventure.core.engine import State
    from adventure.core.model import Story
    from adventure.text.catalog import Texts


class ReportInput(NamedTuple):
    """One reading, as far as it has gone."""

    story: Story
    texts: Texts  # in the student's language
    record: Record  # the classroom record: answers, sittings, time, languages
    lang: str
    state: State | None  # where the reading is now
    history: tuple[State, ...]  # the states before it, oldest first
    trail: tuple[str | None, ...]  # the choice taken from each state in history (None: a restart)
