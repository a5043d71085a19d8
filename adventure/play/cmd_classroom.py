"""The classroom commands: ``define``, ``progress``, ``classroom`` (on or off) and ``report``,
and writing the student's report. Declared in :mod:`adventure.play.commands`; the reflection
questions themselves are :mod:`adventure.play.questions`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from adventure.classroom import flow as cl
from adventure.core import model as m
from adventure.play.reply import Reply
from adventure.text.catalog import Texts, fold
from adventure.text.render import BLANK, Para, para

if TYPE_CHECKING:
    from adventure.play.session import Session


def define(session: Session, args: list[str]) -> Reply | None:
    s = session
    glossary = s.glossary
    if not glossary:
        return Reply([s.msg("ui.classroom.no_glossary")])
    if not args:
        words = [s.t(m.term_word_key(t)) for t in glossary.sorted_ids(s.texts)]
        return Reply([para("heading", s.texts.count("ui.classroom.glossary_heading", len(words))),
                      para("text", ", ".join(words)), BLANK, s.msg("ui.classroom.define_hint", "meta")])
    query = " ".join(args)
    hits = glossary.lookup(query)
    if len(hits) == 1:
        tid = hits[0]
        if tid not in s.record.looked_up:
            s.record.looked_up.append(tid)
        s.log("define", term=tid)
        return Reply(cl.term_paras(s.texts, tid, s.second_lang))
    if hits:
        several = ", ".join(s.t(m.term_word_key(t)) for t in hits)
        return Reply([s.msg("ui.classroom.define_several", query=query[:40], words=several)])
    return Reply([s.msg("ui.classroom.define_none", query=query[:40])])


def progress(session: Session, args: list[str]) -> Reply | None:
    if args:
        return None
    return Reply(progress_paras(session))


def progress_paras(session: Session) -> list[Para]:
    s = session
    state = s.current()
    p = cl.progress(s.story, state, s.record)
    done = cl.completed_chapters(s.story, state)
    names = ", ".join(s.t(m.chapter_title_key(c)) for c in done) or s.t("ui.classroom.none_yet")
    out = [s.msg("ui.classroom.progress_heading", "heading"),
           s.msg("ui.classroom.progress_chapters_line", n=p.chapters_done, total=p.chapters_total, names=names),
           s.msg("ui.classroom.progress_notes_line", n=p.notes, total=p.notes_total)]
    if p.questions_total:
        out.append(s.msg("ui.classroom.progress_reflections_line", n=p.answered, total=p.questions_total))
    out.append(s.msg("ui.classroom.progress_time_line", time=cl.duration(s.texts, s.record.seconds)))
    out.append(s.msg("ui.classroom.mode_on" if s.record.on else "ui.classroom.mode_off", "meta"))
    return out


def classroom(session: Session, args: list[str]) -> Reply | None:
    s = session
    if len(args) > 1:
        return None
    if args:
        word = fold(args[0])
        on_words = {fold(w) for lang in s.story.languages
                    for w in Texts(s.catalog, lang).words("ui.classroom.on_words")}
        off_words = {fold(w) for lang in s.story.languages
                     for w in Texts(s.catalog, lang).words("ui.classroom.off_words")}
        if word not in on_words | off_words:
            return None
        turn_on = word in on_words
    else:
        turn_on = not s.record.on
    if turn_on and not s.record.on and s.state is not None:
        s.record.read_before(cl.completed_chapters(s.story, s.state))
    s.record.on = turn_on
    s.log("classroom", on=turn_on)
    if turn_on:
        return Reply([s.msg("ui.classroom.turned_on")])
    return Reply([s.msg("ui.classroom.turned_off")] + s.questions.drop())


def report(session: Session, args: list[str]) -> Reply | None:
    if args:
        session.record.student = " ".join(args)[:200]
    return Reply(write_report(session))


def write_report(session: Session) -> list[Para]:
    """Write the student's report (Markdown and HTML) and say where."""
    from adventure.classroom.report import ReportError
    from adventure.classroom.report import write_report as write

    s = session
    if s.state is None:
        return []
    if s.report_dir is None:
        return [s.msg("ui.classroom.report_disabled", "error")]
    try:
        paths = write(s.report_input(), s.report_dir, now=s.clock(), replaces=s.report_paths)
        s.report_paths = paths
    except ReportError as exc:
        return [s.msg("ui.classroom.report_failed", "error", error=str(exc))]
    s.log("report", paths=[str(p) for p in paths])
    return [s.msg("ui.classroom.report_written", md=str(paths[0]), html=str(paths[1]))]
