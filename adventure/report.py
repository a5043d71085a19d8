"""A student's reading report, as Markdown and as one self-contained HTML file.

:func:`report_data` gathers what a teacher reads, in the student's language: the path
(chapters, scenes, the choices made), the notes unlocked with their sources, the reflection
answers, the time spent and the languages used. :func:`to_markdown` and :func:`to_html`
write it; everything from the story or the student is escaped (HTML-escaped in the HTML,
backslash-escaped in the Markdown), so a name or an answer can never become markup::

    paths = write_report(session, Path("reports"), now=datetime.datetime.now())
    # reports/Ana-Pérez_2026-05-04.md and reports/Ana-Pérez_2026-05-04.html
    # (and reports/Ana-Pérez_2026-05-04.json, the record: see adventure/report_record.py)
"""

from __future__ import annotations

import datetime
import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import classroom as cl
from . import model as m
from .atomic import write_atomic
from .i18n import Texts
from .markup import strip_terms
from .render import source_names

if TYPE_CHECKING:  # pragma: no cover
    from .session import Session


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
    answers: list[tuple[str, str, str | None, bool]]  # chapter title, question, answer, skipped
    notes: list[tuple[str, str]]  # title, sources
    looked_up: list[str]


_LABELS = ("title", "student", "written", "time", "sittings", "languages", "progress", "position", "path",
           "chose", "restarted", "reflections", "no_answer", "skipped_answer", "notes", "no_notes", "sources",
           "looked_up", "none", "footer")


def _strip_marks(text: str) -> str:
    return strip_terms(text)


def report_data(session: Session, now: datetime.datetime) -> ReportData:
    """Everything the report shows, as text in the session's language."""
    story, texts, record = session.story, session.texts, session.record
    state = session.state
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
        lang=session.lang, labels=labels, story_title=texts(story.title_key),
        student=record.student or texts("ui.report.anonymous"),
        written=now.astimezone().strftime("%Y-%m-%d %H:%M"),
        time_spent=cl.duration(texts, record.seconds), sittings=max(1, record.sittings),
        languages=", ".join(cl.lang_name(texts, lang) for lang in record.languages) or cl.lang_name(texts, session.lang),
        progress=progress, position=position, path=_path(session, texts),
        answers=[(texts(m.chapter_title_key(q.chapter)), _strip_marks(texts(m.question_text_key(q.id))),
                  ans.get("text") if ans else None, q.id in record.skipped)
                 for q, ans in cl.answers_in_order(story, record)],
        notes=[(texts(m.note_title_key(n)), source_names(story, texts, story.notes[n].sources))
               for n in state.notes if n in story.notes],
        looked_up=[texts(m.term_word_key(t)) for t in record.looked_up if t in story.classroom.terms],
    )


def _path(session: Session, texts: Texts) -> list[ChapterPath]:
    """The scenes read, chapter by chapter, with the choice taken from each."""
    story = session.story
    states = list(session.history) + ([session.state] if session.state is not None else [])
    trail = list(session.trail)[-len(session.history):] if session.history else []
    trail = [None] * (len(session.history) - len(trail)) + trail
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


# -- Markdown ------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|!~])")


def md(text: str) -> str:
    r"""Escape Markdown so text shows as written and never becomes a link, tag or heading.

    >>> md("<script>*x*</script> [a](b)")
    '\\<script\\>\\*x\\*\\</script\\> \\[a\\](b)'
    """
    return _MD_SPECIAL.sub(r"\\\1", text)


def to_markdown(d: ReportData) -> str:
    L = d.labels
    lines = [f"# {md(L['title'])}: {md(d.story_title)}", "",
             f"- **{md(L['student'])}:** {md(d.student)}",
             f"- **{md(L['written'])}:** {md(d.written)}",
             f"- **{md(L['time'])}:** {md(d.time_spent)} ({md(L['sittings'])}: {d.sittings})",
             f"- **{md(L['languages'])}:** {md(d.languages)}",
             f"- **{md(L['position'])}:** {md(d.position)}", "",
             f"## {md(L['progress'])}", ""]
    lines += [f"- {md(line)}" for line in d.progress]
    lines += ["", f"## {md(L['path'])}", ""]
    for chapter in d.path:
        lines += [f"### {md(chapter.title)}", ""]
        for n, step in enumerate(chapter.steps, 1):
            line = f"{n}. {md(step.scene)}"
            if step.choice:
                line += f" — {md(L['chose'])}: *{md(step.choice)}*"
            if step.restarted:
                line += f" — {md(L['restarted'])}"
            lines.append(line)
        lines.append("")
    lines += [f"## {md(L['reflections'])}", ""]
    if not d.answers:
        lines += [md(L["none"]), ""]
    last = None
    for chapter_title, question, answer, skipped in d.answers:
        if chapter_title != last:
            lines += [f"### {md(chapter_title)}", ""]
            last = chapter_title
        lines += [f"**{md(question)}**", ""]
        if answer:
            lines += ["> " + md(line) if line else ">" for line in answer.splitlines()]
        else:
            lines.append(f"*{md(L['skipped_answer'] if skipped else L['no_answer'])}*")
        lines.append("")
    lines += [f"## {md(L['notes'])}", ""]
    lines += [f"- **{md(title)}** — {md(L['sources'])}: {md(sources)}" for title, sources in d.notes] or [md(L["no_notes"])]
    lines += ["", f"## {md(L['looked_up'])}", "", md(", ".join(d.looked_up)) if d.looked_up else md(L["none"]), "",
              "---", md(L["footer"]), ""]
    return "\n".join(lines)


# -- HTML ----------------------------------------------------------------------------------

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


def e(text: str) -> str:
    """HTML-escape text (quotes too).

    >>> e('<b onclick="x">&')
    '&lt;b onclick=&quot;x&quot;&gt;&amp;'
    """
    return html.escape(text, quote=True)


def to_html(d: ReportData) -> str:
    L = d.labels
    parts = [f'<!DOCTYPE html>\n<html lang="{e(d.lang)}">\n<head>\n<meta charset="utf-8">\n'
             '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
             f"<title>{e(L['title'])}: {e(d.student)}</title>\n<style>{REPORT_CSS}</style>\n</head>\n<body>\n"
             f"<h1>{e(L['title'])}: {e(d.story_title)}</h1>\n<dl>\n"]
    for label, value in ((L["student"], d.student), (L["written"], d.written),
                         (L["time"], f"{d.time_spent} ({L['sittings']}: {d.sittings})"),
                         (L["languages"], d.languages), (L["position"], d.position)):
        parts.append(f"<dt>{e(label)}</dt><dd>{e(value)}</dd>\n")
    parts.append(f"</dl>\n<h2>{e(L['progress'])}</h2>\n<ul>\n")
    parts += [f"<li>{e(line)}</li>\n" for line in d.progress]
    parts.append(f"</ul>\n<h2>{e(L['path'])}</h2>\n")
    for chapter in d.path:
        parts.append(f"<h3>{e(chapter.title)}</h3>\n<ol>\n")
        for step in chapter.steps:
            item = e(step.scene)
            if step.choice:
                item += f' — {e(L["chose"])}: <span class="choice">{e(step.choice)}</span>'
            if step.restarted:
                item += f' — <span class="meta">{e(L["restarted"])}</span>'
            parts.append(f"<li>{item}</li>\n")
        parts.append("</ol>\n")
    parts.append(f"<h2>{e(L['reflections'])}</h2>\n")
    if not d.answers:
        parts.append(f'<p class="missing">{e(L["none"])}</p>\n')
    last = None
    for chapter_title, question, answer, skipped in d.answers:
        if chapter_title != last:
            parts.append(f"<h3>{e(chapter_title)}</h3>\n")
            last = chapter_title
        parts.append(f'<p class="question">{e(question)}</p>\n')
        if answer:
            parts.append(f"<blockquote>{e(answer)}</blockquote>\n")
        else:
            parts.append(f'<p class="missing">{e(L["skipped_answer"] if skipped else L["no_answer"])}</p>\n')
    parts.append(f"<h2>{e(L['notes'])}</h2>\n")
    if d.notes:
        parts.append("<ul>\n")
        parts += [f'<li><strong>{e(t)}</strong><br><span class="meta">{e(L["sources"])}: {e(s)}</span></li>\n'
                  for t, s in d.notes]
        parts.append("</ul>\n")
    else:
        parts.append(f'<p class="missing">{e(L["no_notes"])}</p>\n')
    parts.append(f"<h2>{e(L['looked_up'])}</h2>\n<p>{e(', '.join(d.looked_up) or L['none'])}</p>\n")
    parts.append(f"<footer>{e(L['footer'])}</footer>\n</body>\n</html>\n")
    return "".join(parts)


# -- writing -------------------------------------------------------------------------------

def report_stem(student: str | None, now: datetime.datetime) -> str:
    """``Ana-Pérez_2026-05-04``: the student's name made safe, and the local date."""
    return f"{cl.slug(student or '')}_{now.astimezone().strftime('%Y-%m-%d')}"


def write_report(session: Session, directory: Path, *, now: datetime.datetime) -> tuple[Path, Path]:
    """Write ``<student>_<date>.md`` and ``.html`` into ``directory`` (created if needed);
    a later report of the same student on the same day replaces the earlier one."""
    data = report_data(session, now)
    stem = report_stem(session.record.student, now)
    md_path, html_path = directory / f"{stem}.md", directory / f"{stem}.html"
    try:
        directory.mkdir(parents=True, exist_ok=True)
        write_atomic(md_path, to_markdown(data).encode("utf-8"))
        write_atomic(html_path, to_html(data).encode("utf-8"))
        from .report_record import write_record  # the record a program reads (python play.py class)

        write_record(session, html_path, now=now)
    except OSError as exc:
        raise ReportError(exc.strerror or type(exc).__name__) from None
    return md_path, html_path
