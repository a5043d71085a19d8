"""A student's reading report, as Markdown and as one self-contained HTML file.

:func:`report_data` gathers what a teacher reads, in the student's language: the path
(chapters, scenes, the choices made), the notes unlocked with their sources, the reflection
answers (with any earlier answer a newer one replaced), the endings reached, the time spent
and the languages used. :func:`to_markdown` and :func:`to_html` write it, through the Jinja2
templates ``templates/report.md.j2`` and ``report.html.j2``; everything from the story or the
student loses its control characters and is escaped for the format
(:mod:`adventure.classroom.templating`), so a name or an answer can never become markup.

There is one report per student per sitting (a game from its start, continued across runs),
updated in place: its name holds the student's name, the date and time the sitting began
and the sitting's id, so no two students and no two sittings share a file::

    paths = write_report(session.report_input(), Path("reports"), now=datetime.datetime.now())
    # reports/Ana-PÃ©rez_2026-05-04_1005_3f9c2a7e.md and the same .html
    # (and .json, the record: see adventure/classroom/record.py)
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from adventure.classroom import flow as cl
from adventure.classroom.templating import environment
from adventure.core import model as m
from adventure.files.atomic import write_atomic
from adventure.text.catalog import Texts
from adventure.text.markup import md_lines, strip_terms
from adventure.text.render import source_names

if TYPE_CHECKING:  # pragma: no cover
    from adventure.classroom.report_input import ReportInput

TEMPLATES = Path(__file__).resolve().parent / "templates"


class ReportError(Exception):
    """The report could not be written (the message says why)."""


@dataclass
class Step:
    scene: str
    choice: str | None  # the label of the choice taken, None for the last scene
    restarted: bool = False


@dataclass
class ChapterPath:
    title: str
    steps: list[Step] = field(default_factory=list)


@dataclass
class Answer:
    chapter: str  # the chapter's title
    question: str
    text: str | None  # the newest answer, or None
    status: str  # "answered", "skipped", "before" (read before classroom mode), "missing"
    earlier: list[tuple[str, str]] = field(default_factory=list)  # ("Earlier answer (when):", text), oldest first


@dataclass
class ReportData:
    lang: str
    labels: dict[str, str]
    story_title: str
    student: str
    written: str
    time_spent: str
    sittings: int
    languages: str
    progress: list[str]
    position: str
    path: list[ChapterPath]
    answers: list[Answer]
    notes: list[tuple[str, str]]  # title, sources
    looked_up: list[str]
    endings: list[tuple[str, str]] = field(default_factory=list)  # ending title, when reached


_LABELS = ("title", "student", "written", "time", "sittings", "languages", "progress", "position", "path",
           "chose", "restarted", "reflections", "no_answer", "skipped_answer", "read_before", "endings", "notes", "no_notes", "sources", "looked_up", "none", "footer")


def _strip_marks(text: str) -> str:
    return strip_terms(text)


def report_data(reading: ReportInput, now: datetime.datetime) -> ReportData:
    """Everything the report shows, as text in the reading's language."""
    story, texts, record = reading.story, reading.texts, reading.record
    state = reading.state
    assert state is not None
    labels = {name: texts(f"ui.report.{name}") for name in _LABELS}
    p = cl.progress(story, state, record)
    progress = [texts("ui.classroom.progress_chapters_line", n=p.chapters_done, total=p.chapters_total,
                      names=", ".join(texts(m.chapter_title_key(c)) for c in cl.completed_chapters(story, state))
                      or texts("ui.classroom.none_yet")),
                texts("ui.classroom.progress_notes_line", n=p.notes, total=p.notes_total)]
    if p.questions_total:
        progress.append(texts("ui.classroom.progress_reflections_line", n=p.answered, total=p.questions_total))
    scene = story.scenes[state.scene]
    if state.ending is not None:
        position = texts("ui.report.ended", ending=texts(m.ending_title_key(state.ending)))
    else:
        position = texts("ui.report.reading", chapter=texts(m.chapter_title_key(scene.chapter)),
                         scene=texts(m.scene_title_key(scene.id)))
    return ReportData(
        lang=reading.lang, labels=labels, story_title=texts(story.title_key),
        student=record.student or texts("ui.report.anonymous"),
        written=now.astimezone().strftime("%Y-%m-%d %H:%M"),
        time_spent=cl.duration(texts, record.seconds), sittings=max(1, record.sittings),
        languages=", ".join(cl.lang_name(texts, lang) for lang in record.languages) or cl.lang_name(texts, reading.lang),
        progress=progress, position=position, path=_path(reading, texts),
        answers=[_answer(story, texts, record, q, ans) for q, ans in cl.answers_in_order(story, record)],
        notes=[(texts(m.note_title_key(n)), source_names(story, texts, story.notes[n].sources))
               for n in state.notes if n in story.notes],
        looked_up=[texts(m.term_word_key(t)) for t in record.looked_up if t in story.classroom.terms],
        endings=[(texts(m.ending_title_key(x["ending"])), _local(x["at"]))
                 for x in record.endings if x["ending"] in story.endings],
    )


def _answer(story: m.Story, texts: Texts, record: cl.Record, q: m.Question, ans: object) -> Answer:
    text = ans.get("text") if isinstance(ans, dict) else None
    if text:
        status = "answered"
    elif q.id in record.skipped:
        status = "skipped"
    elif q.chapter in record.before:
        status = "before"
    else:
        status = "missing"
    earlier = [(texts("ui.report.earlier_answer", when=_local(a.get("at", ""))), a["text"])
               for a in record.earlier.get(q.id, []) if a.get("text")]
    return Answer(texts(m.chapter_title_key(q.chapter)), _strip_marks(texts(m.question_text_key(q.id))),
                  text or None, status, earlier)


def _local(at: str) -> str:
    """An ISO time from the record as ``2026-05-04 10:05`` in local time (as written if odd)."""
    try:
        return datetime.datetime.fromisoformat(at).astimezone().strftime("%Y-%m-%d %H:%M")
    except (ValueError, OverflowError):
        return at[:40]


def _path(reading: ReportInput, texts: Texts) -> list[ChapterPath]:
    """The scenes read, chapter by chapter, with the choice taken from each."""
    story = reading.story
    states = list(reading.history) + ([reading.state] if reading.state is not None else [])
    taken: list[str | None] = list(reading.trail)[-len(reading.history):] if reading.history else []
    padding: list[str | None] = [None] * (len(reading.history) - len(taken))
    trail = padding + taken
    out: list[ChapterPath] = []
    for i, st in enumerate(states):
        scene = story.scenes.get(st.scene)
        if scene is None:
            continue
        choice_id = trail[i] if i < len(trail) else None
        restarted = i < len(trail) and choice_id is None
        label = None
        if choice_id is not None and choice_id in scene.by_id:
            label = _strip_marks(texts(m.choice_key(scene.id, choice_id)))
        title = texts(m.chapter_title_key(scene.chapter))
        if not out or out[-1].title != title or (out and out[-1].steps and out[-1].steps[-1].restarted):
            out.append(ChapterPath(title))
        out[-1].steps.append(Step(_strip_marks(texts(m.scene_title_key(scene.id))), label, restarted))
    return out


# -- Markdown and HTML ----------------------------------------------------------------------

_STATUS_LABEL = {"skipped": "skipped_answer", "before": "read_before", "missing": "no_answer"}

REPORT_CSS = """
body{font:1rem/1.5 Georgia,'Times New Roman',serif;max-width:42rem;margin:0 auto;padding:1rem;color:#222;
background:#fff}
h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.2rem;border-bottom:1px solid #ccc;margin-top:2rem}
h3{font-size:1rem;margin-bottom:.3rem}dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}
dt{font-weight:bold}dd{margin:0}.choice{font-style:italic}.meta{color:#555}
blockquote{white-space:pre-wrap;border-left:3px solid #888;margin:.5rem 0 1rem;padding:.3rem .8rem;background:#f6f6f6}
.missing{color:#777;font-style:italic}.question{font-weight:bold;margin-bottom:.3rem}footer{margin-top:2rem;color:#666;font-size:.85rem}
@media print{body{max-width:none}h2{break-after:avoid}blockquote{break-inside:avoid}}
"""


def _quote(text: str) -> Any:
    """An answer as a Markdown block quote, each line escaped (adventure.text.markup)."""
    from markupsafe import Markup

    return Markup("\n".join("> " + line if line else ">" for line in md_lines(text)))


def to_markdown(d: ReportData) -> str:
    """The report as Markdown (``templates/report.md.j2``)."""
    env = environment(TEMPLATES, "md")
    return env.get_template("report.md.j2").render(d=d, L=d.labels, status_label=_STATUS_LABEL, quote=_quote)


def to_html(d: ReportData) -> str:
    """The report as one self-contained HTML page (``templates/report.html.j2``, the style inlined)."""
    from markupsafe import Markup

    env = environment(TEMPLATES, "html")
    return env.get_template("report.html.j2").render(d=d, L=d.labels, status_label=_STATUS_LABEL,
                                                     css=Markup(REPORT_CSS))


# -- writing -------------------------------------------------------------------------------

def report_stem(student: str | None, started: datetime.datetime, sitting: str) -> str:
    """``Ana-Pérez_2026-05-04_1005_3f9c2a7e``: the student's name made safe (``student``
    without one), the local date and time the sitting began, and the sitting's id."""
    when = started.astimezone().strftime("%Y-%m-%d_%H%M")
    return f"{cl.slug(student or '')}_{when}_{cl.slug(sitting, fallback='0')}"


def _started(record: cl.Record, now: datetime.datetime) -> datetime.datetime:
    try:
        return datetime.datetime.fromisoformat(record.started)
    except (ValueError, TypeError):
        return now


def write_report(reading: ReportInput, directory: Path, *, now: datetime.datetime,
                 replaces: tuple[Path, ...] = ()) -> tuple[Path, Path]:
    """Write the sitting's report, ``<student>_<date>_<time>_<sitting>.md`` and ``.html``, into
    ``directory`` (created if needed), each atomically. A later report of the same sitting
    replaces it in place. ``replaces``: the files written for this sitting before; one of them under
    another name (the student has given a name since) is removed once the new ones are
    written, so a sitting has one report. No other file is ever removed."""
    data = report_data(reading, now)
    record = reading.record
    stem = report_stem(record.student, _started(record, now), record.sitting)
    md_path, html_path = directory / f"{stem}.md", directory / f"{stem}.html"
    try:
        directory.mkdir(parents=True, exist_ok=True)
        write_atomic(md_path, to_markdown(data).encode("utf-8"))
        write_atomic(html_path, to_html(data).encode("utf-8"))
        from adventure.classroom.record import write_record  # the record a program reads (python play.py class)

        write_record(reading, html_path, now=now)
    except OSError as exc:
        raise ReportError(exc.strerror or type(exc).__name__) from None
    written = (md_path, html_path, html_path.with_suffix(".json"))
    for old in sorted({q for p in replaces for q in (p, p.with_suffix(".json"))}):  # the record goes too
        if old not in written and record.sitting and old.stem.endswith("_" + record.sitting):
            try:
                old.unlink()
            except OSError:
                pass
    return md_path, html_path
