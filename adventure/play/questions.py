"""The classroom question flow: reflection questions at a chapter's end, answered a line at a
time (plain mode) or whole (the terminal's answer editor), or skipped; the glossary terms a
scene uses for the first time; the time spent; the report once the ending's questions are done.

The session holds one :class:`Questions` and hands it the lines typed while a question waits;
the answers themselves live in the session's :class:`~adventure.classroom.flow.Record`.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from adventure.classroom import flow as cl
from adventure.core import model as m
from adventure.play.reply import Reply, clean_input, squeeze
from adventure.text.catalog import Texts, fold
from adventure.text.render import BLANK, Para

if TYPE_CHECKING:
    from adventure.play.session import Session


class Questions:
    """The questions of one session: the answer being typed, the chapter waiting behind them."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.draft: list[str] = []  # lines of an answer being typed in plain mode
        self.deferred: list[Para] = []  # the next chapter, shown once the questions are done
        self.report_due = False  # write the report once the ending's questions are done
        self.batch_total = 0  # questions asked together (for "question 2 of 3")
        self.defined_now: set[str] = set()  # glossary terms explained in this sitting
        self.last_seen: datetime.datetime | None = None

    @property
    def answering(self) -> bool:
        """True while a reflection question waits for the student's answer."""
        s = self.session
        return bool(s.record.pending) and s.state is not None and not s.keeper.leaving

    def count_time(self) -> None:
        now = self.session.clock()
        if self.last_seen is not None:
            gap = (now - self.last_seen).total_seconds()
            self.session.record.seconds += int(min(cl.IDLE_CAP, max(0.0, gap)))
        self.last_seen = now

    def first_terms(self) -> list[Para]:
        """In classroom mode, the glossary terms this scene uses for the first time."""
        s = self.session
        if not s.record.on or not s.glossary or s.state is None:
            return []
        raw = s.texts.raw(m.scene_text_key(s.state.scene))
        # Once per term in each sitting, in the reading language only (define gives both).
        new = [t for t in s.glossary.terms_in(raw) if t not in self.defined_now]
        self.defined_now.update(new)
        s.record.defined.extend(t for t in new if t not in s.record.defined)
        return cl.inline_term_paras(s.texts, new, None)

    def chapter_end(self, chapters: list[str], *, ending: bool) -> list[Para]:
        """At a chapter's end: its reflection questions (classroom mode); at an ending, the
        report once they are answered."""
        s = self.session
        self.report_due = ending and (s.record.on or s.record.student is not None)
        pending: list[str] = []
        if not s.record.on:
            s.record.read_before(chapters)
        if s.record.on:
            for chapter in chapters:
                pending += [q for q in cl.unanswered(s.story, s.record, chapter) if q not in pending]
        s.record.pending = pending
        self.batch_total = len(pending)
        if not pending:
            return self.report_if_due()
        chapter_title = s.t(m.chapter_title_key(chapters[0]))
        heading = "ui.classroom.story_end" if ending else "ui.classroom.chapter_end"
        out = [BLANK, s.msg(heading, "heading", chapter=chapter_title), s.msg("ui.classroom.reflect_intro"), BLANK]
        return out + self.ask_next()

    def ask_next(self) -> list[Para]:
        s = self.session
        while s.record.pending:
            question = cl.question_by_id(s.story, s.record.pending[0])
            if question is None:  # a question the story no longer has
                s.record.pending.pop(0)
                continue
            total = max(self.batch_total, len(s.record.pending))
            index = total - len(s.record.pending) + 1
            return cl.question_paras(s.texts, question, index, total, s.second_lang)
        return self.done()

    def done(self) -> list[Para]:
        out, self.deferred = self.deferred, []
        return ([BLANK] + out if out else []) + self.report_if_due()

    def drop(self) -> list[Para]:
        """Classroom mode turned off: the waiting questions go, the game goes on."""
        if not self.session.record.pending:
            return []
        self.session.record.pending = []
        self.draft = []
        return self.done()

    def report_if_due(self) -> list[Para]:
        if not self.report_due:
            return []
        self.report_due = False
        from adventure.play.cmd_classroom import write_report

        return [BLANK] + write_report(self.session)

    def skip_words(self) -> set[str]:
        s = self.session
        words: set[str] = set()
        for lang in s.story.languages:
            words.update(fold(w) for w in Texts(s.catalog, lang).words("ui.classroom.skip_words"))
        return words

    def answer_line(self, line: str) -> Reply:
        """Plain mode: each line adds to the answer; an empty line finishes it. Before the
        first line, ``skip`` skips and a few commands (notes, define, help...) still work."""
        s = self.session
        text = line.rstrip()
        stripped = text.strip()
        if self.draft:
            if not stripped:
                return Reply(self.submit("\n".join(self.draft)))
            self.draft.append(text)
            return Reply([])
        if not stripped:
            return Reply([s.msg("ui.classroom.answer_empty")])
        if fold(stripped) in self.skip_words():
            return Reply(self.skip())
        words = stripped.split()
        command = s.command_of(words[0])
        if s.commands.works_while_answering(s, command, words[1:]):
            reply = s.run_command(command, words[1:])  # type: ignore[arg-type]
            if reply is not None:
                if self.answering and not reply.quit:
                    reply.paras += [BLANK, s.msg("ui.classroom.still_waiting", "meta")]
                return reply
        self.draft.append(text)
        return Reply([s.msg("ui.classroom.answer_more", "meta")])

    def ends_now(self, text: str) -> bool:
        """For the terminal's answer editor: does Enter on this one line hand it over at once
        (``skip``, or a command that works while answering) rather than start a new line?"""
        s = self.session
        stripped = text.strip()
        if not stripped:
            return True
        if fold(stripped) in self.skip_words():
            return True
        words = stripped.split()
        return s.commands.works_while_answering(s, s.command_of(words[0]), words[1:])

    def answer_text(self, text: str) -> Reply:
        """A whole answer at once (the terminal's multi-line editor). A single line may still
        be ``skip`` or a command, as in plain mode."""
        self.count_time()
        if not self.answering:
            return self.session.interpret(text)
        text = "\n".join(clean_input(line) for line in text.split("\n"))  # no escape codes in answers
        lines = text.strip("\n").split("\n")
        if len(lines) == 1:
            reply = self.answer_line(lines[0])
            if not self.draft:
                return reply
        return Reply(self.submit(text))

    def submit(self, text: str) -> list[Para]:
        """Keep the student's answer to the waiting question and ask the next one."""
        s = self.session
        self.draft = []
        question = cl.question_by_id(s.story, s.record.pending[0]) if s.record.pending else None
        if question is None:
            return self.ask_next()
        text = "\n".join(line.rstrip() for line in text.strip("\n").splitlines()).strip()
        if not text:
            return [s.msg("ui.classroom.answer_empty")]
        if fold(text) in self.skip_words():
            return self.skip()
        s.record.answer(question, text, lang=s.lang, at=s.now())
        s.log("reflection", question=question.id, chapter=question.chapter, answer=text)
        return squeeze([s.msg("ui.classroom.answer_kept", "meta"), BLANK] + self.ask_next())

    def skip(self) -> list[Para]:
        s = self.session
        self.draft = []
        question = cl.question_by_id(s.story, s.record.pending[0])
        if question is None:
            return self.ask_next()
        s.record.skip(question)
        s.log("reflection_skipped", question=question.id, chapter=question.chapter)
        # At the story's last ending there is no coming back to ask again.
        skipped = "ui.reading.skipped_at_end" if self.report_due else "ui.classroom.skipped"
        return squeeze([s.msg(skipped, "meta"), BLANK] + self.ask_next())

    def restore(self, extra: dict[str, Any]) -> None:
        """A game loaded: its record, merged, not replaced (answers given since that save are
        kept; the newest wins)."""
        saved = self.session.record.merge(cl.Record.from_json(extra.get("classroom")))
        self.session.record = saved
        self.draft = []
        self.deferred = []
        self.batch_total = len(saved.pending)

    def before_leaving(self) -> None:
        if self.draft and self.session.record.pending:  # a half-typed answer is kept, never lost
            self.submit("\n".join(self.draft))
        self.count_time()
