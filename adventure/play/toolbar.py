"""The terminal's bottom bar: chapter · date in the siege · notes x/y (in classroom mode:
chapters, notes and reflections x/y), shortened to fit the window."""

from __future__ import annotations

from typing import TYPE_CHECKING

from adventure.classroom import flow as cl
from adventure.core import model as m

if TYPE_CHECKING:
    from adventure.play.session import Session


def toolbar(session: Session, width: int | None = None) -> str:
    """The bar's text. Given a ``width``, the date shortens to the day of the siege, then the
    chapter title goes, before the progress is cut."""
    s = session
    if s.state is None:
        return ""
    scene = s.story.scenes[s.state.scene]
    title = s.t(m.chapter_title_key(scene.chapter))
    date = s.texts.date(scene.date, s.story.siege_start)
    if s.record.on:
        p = cl.progress(s.story, s.state, s.record)
        progress = cl.progress_line(s.texts, p).replace(" · ", "  ·  ")
    else:
        progress = s.t("ui.notes_progress", n=len(s.state.notes), total=len(s.story.notes))
    short = date.rsplit(" · ", 1)[-1] if date else ""
    items = progress.split("  ·  ")
    # Whole items go, never part of one: a cut number ("notes 4/3" for 4/33) would mislead.
    tries = [[title, date, progress], [title, short, progress], [short, progress]]
    tries += [items[:n] for n in range(len(items), 0, -1)]
    from adventure.text.layout import width_of

    for parts in tries:
        line = "  ·  ".join(x for x in parts if x)
        if width is None or width_of(line) < width:
            return line
    return ""
