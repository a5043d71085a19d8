"""Choosing: a choice by its number or by words of its label (in either language when both
are shown), the step it takes, and what the player sees after it (the scene, the notes it
unlocked, the glossary terms new to the reader, the questions at a chapter's end)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from adventure.core import model as m
from adventure.core.engine import InvalidChoice, Output, available, step
from adventure.play.reply import Reply
from adventure.text import render as r
from adventure.text.catalog import Texts, fold
from adventure.text.render import BLANK, Para

if TYPE_CHECKING:
    from adventure.play.session import Session


def open_choices(session: Session) -> tuple[m.Choice, ...]:
    return available(session.story, session.current())


def choose_number(session: Session, n: int) -> Reply:
    state = session.current()
    if state.ending is not None:
        return Reply([session.msg("ui.ended_hint")])
    choices = open_choices(session)
    if not 1 <= n <= len(choices):
        if not choices:
            return Reply([session.msg("ui.stuck", "error")])
        return Reply([session.msg("ui.no_such_choice", n=n, max=len(choices))])
    return take(session, choices[n - 1])


def match_choice(session: Session, text: str) -> m.Choice | list[int] | None:
    state = session.current()
    if state.ending is not None:
        return None
    wanted = fold(text).split()
    hits = []
    choices = open_choices(session)
    languages = [session.lang] + ([session.second] if session.second else [])  # bilingual: either label
    for i, c in enumerate(choices, 1):
        for lang in languages:
            label = fold(Texts(session.catalog, lang)(m.choice_key(state.scene, c.id)))
            label_words = [w.strip(".,;:!?¡¿\"'()«»—") for w in label.split()]
            if all(any(lw.startswith(w) for lw in label_words) for w in wanted):
                hits.append(i)
                break
    if len(hits) == 1:
        return choices[hits[0] - 1]
    return hits or None


def take(session: Session, choice: m.Choice) -> Reply:
    state = session.current()
    try:
        new, output = step(session.story, state, choice.id)
    except InvalidChoice:  # pragma: no cover - choices come from available()
        return Reply([session.msg("ui.unknown_input", input=choice.id, n=1)])
    session.history.push(state, choice.id)
    session.state = new
    session.log("choice", scene=state.scene, choice=choice.id)
    old_chapter = session.story.scenes[state.scene].chapter
    changed = session.story.scenes[new.scene].chapter != old_chapter
    shown = after_step(session, output, banner=changed)
    if new.ending is not None:
        session.record.reached_ending(new.ending, session.now())
        ended_in = session.story.scenes[new.scene].chapter
        chapters = [old_chapter, ended_in] if changed else [ended_in]
        return Reply(shown + session.questions.chapter_end(chapters, ending=True))
    if changed and not session.record.on:
        session.record.read_before([old_chapter])
    if changed and session.record.on:
        questions = session.questions.chapter_end([old_chapter], ending=False)
        if questions:
            session.questions.deferred = shown
            return Reply(questions[1:] if questions[0] is BLANK else questions)
    return Reply(shown)


def after_step(session: Session, output: Output, *, banner: bool) -> list[Para]:
    state = session.current()
    if output.entered:
        session.log("scene", scene=output.scene, lang=session.lang)
    for change in output.changes:
        session.log("var", name=change.name, old=change.old, new=change.new)
    for nid in output.notes:
        session.log("note", note=nid)
    if output.ending is not None:
        session.log("ending", ending=output.ending)
    unlocked = r.note_unlocked_paras(session.story, session.texts, state, output.notes)
    session.record.note_language(session.lang, session.second)
    if not output.entered:
        return [BLANK] + unlocked + ([BLANK] if unlocked else []) + r.after_text(
            session.story, session.texts, state, session.second_lang)
    terms = session.questions.first_terms()
    between = terms + ([BLANK] if terms and unlocked else []) + unlocked
    return r.scene_paras(session.story, session.texts, state, banner=banner, between=between, second=session.second_lang)


def choices_shown(session: Session, paras: list[Para]) -> bool:
    """Whether ``paras`` end with the open choices (a scene shown again, say)."""
    shown = choices_again(session)[2:]
    return not shown or [p.text for p in paras[-len(shown):]] == [p.text for p in shown]


def choices_again(session: Session) -> list[Para]:
    """The open choices, under a short heading, for after a command that printed something
    else (nothing while a question waits, at an ending, or with no choice open)."""
    state = session.state
    if state is None or state.ending is not None or session.record.pending:
        return []
    choices = open_choices(session)
    if not choices:
        return []
    return [BLANK, session.msg("ui.reading.choices_again", "meta")] + r.choice_paras(
        session.story, session.texts, state, choices, session.second_lang)
