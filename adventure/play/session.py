"""The command interpreter between a player and the engine. No I/O of its own.

A :class:`Session` takes one line of input and returns a :class:`Reply` of paragraphs. Both
front ends (the prompt_toolkit terminal and the plain pipe mode) drive the same session, so
everything a player can type behaves the same in both, and tests drive it directly::

    s = Session(story, catalog, lang="en", store=None)
    s.begin()
    reply = s.handle("1")

The session coordinates; the parts live beside it: the commands
(:mod:`adventure.play.commands`, one declaration each, handlers in ``cmd_*.py``), the
classroom question flow (:mod:`adventure.play.questions`), the autosave, resuming and leaving
(:mod:`adventure.play.persistence`), live reload (:mod:`adventure.play.reload`) and the
bottom bar (:mod:`adventure.play.toolbar`).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from adventure.classroom import flow as cl
from adventure.core import model as m
from adventure.core.engine import State, new_game
from adventure.play import choosing
from adventure.play.commands import COMMANDS, Registry
from adventure.play.history import History
from adventure.play.persistence import Keeper, local_time
from adventure.play.questions import Questions
from adventure.play.reply import MAX_INPUT, Reply, as_number, clean_input
from adventure.play.saves import SaveError, SaveStore, encode
from adventure.play.transcript import Transcript
from adventure.text import render as r
from adventure.text.catalog import Texts, fold
from adventure.text.render import Para, para

if TYPE_CHECKING:
    from adventure.classroom.report_input import ReportInput
    from adventure.play.script import Script

__all__ = ["MAX_INPUT", "Reply", "Session", "as_number", "clean_input", "utc_now"]


def _sitting_token() -> str:
    """A new sitting's id: 8 random hex digits (``os.urandom``; ``secrets`` would import
    ``random`` and ``hmac`` on the way to the first scene)."""
    import os

    return os.urandom(4).hex()


def utc_now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


class Session:
    """One player's game: the story, the current state, the undo history, the language."""

    def __init__(self, story: m.Story, catalog: m.Catalog, *, lang: str, store: SaveStore | None,
                 transcript: Transcript | None = None, content_note: str | None = "story.content_note",
                 clock: Callable[[], datetime.datetime] = utc_now, start_at: str | None = None,
                 second: str | None = None, classroom: bool = False, student: str | None = None,
                 report_dir: Path | None = None, reloader: Any = None, measure: int | None = None,
                 script: Script | None = None, commands: Registry = COMMANDS,
                 start_vars: dict[str, m.Value] | None = None) -> None:
        self.story = story
        self.catalog = catalog
        self.commands = commands  # what a player can type besides a choice (adventure.play.commands)
        self.lang = lang if lang in story.languages else story.languages[0]
        # Bilingual reading: each paragraph is followed by its text in this language.
        self.second = second if second in story.languages and second != self.lang else None
        self.record = cl.Record(on=classroom or bool(student), student=student)
        self.questions = Questions(self)  # the reflection questions (adventure.play.questions)
        self.report_dir = report_dir
        self.report_paths: tuple[Path, ...] = ()  # the report files this session wrote last
        self._glossary: cl.Glossary | None = None
        self.store = store
        self.transcript = transcript
        self.content_note = content_note if content_note and catalog.get(self.lang, content_note) else None
        self.clock = clock
        self.start_at, self.start_vars = start_at, dict(start_vars or {})  # a writer's trial (adventure.play.trial)
        self._checkpoint_failed = False  # a failing autosave is reported once, not at every step
        self.keeper = Keeper(self, store)  # the autosave, games set aside, leaving (adventure.play.persistence)
        self.state: State | None = None
        self.history = History(story)  # the states before this one; undo pops them
        self._start_notes: list[Para] = []  # what resumable() found, said when the game begins
        self.extra: dict[str, Any] = {}
        self._word_cache: dict[str, str] | None = None
        self.reloader = reloader  # e.g. adventure.play.watch.StoryFiles: .load() -> (LoadResult, diagnostics)
        self._texts: Texts | None = None
        # Reading comfort (adventure.play.reading): the measure lines wrap at (None: the default,
        # 0: the whole window) and the readable transcript the shells copy what they show to.
        self.measure = measure
        self.script = script
        self.notices: list[Para] = []  # said with the next reply (e.g. the transcript stopped)

    # -- helpers ---------------------------------------------------------------------------
    @property
    def trail(self) -> list[str | None]:
        """The choice taken from each state in history (None: a restart)."""
        return self.history.choices()

    @property
    def texts(self) -> Texts:
        texts = self._texts
        # One per language and catalog (a reload brings a new catalog): it remembers work done.
        if texts is None or texts.lang != self.lang or texts.catalog is not self.catalog:
            texts = self._texts = Texts(self.catalog, self.lang)
        return texts

    def t(self, key: str, **subs: object) -> str:
        return self.texts(key, **subs)

    @property
    def second_lang(self) -> r.Second | None:
        """The second language of bilingual reading, with its tag, or None."""
        if self.second is None:
            return None
        return r.Second(Texts(self.catalog, self.second), self.t(f"ui.classroom.tag.{self.second}") + " ")

    @property
    def glossary(self) -> cl.Glossary:
        if self._glossary is None:
            self._glossary = cl.Glossary(self.story, self.catalog)
        return self._glossary

    def msg(self, key: str, kind: str = "message", **subs: object) -> Para:
        return para(kind, self.t(key, **subs))

    def now(self) -> str:
        return self.clock().isoformat(timespec="seconds")

    def log(self, event: str, **data: object) -> None:
        if self.transcript is not None:
            try:
                self.transcript.write(self.now(), event, **data)
            except OSError:
                self.transcript = None  # a full disk must not stop the game

    def current(self) -> State:
        assert self.state is not None, "begin() first"
        return self.state

    _current = current

    def set_languages(self, lang: str, second: str | None) -> None:
        self.lang, self.second = lang, second
        self._word_cache = None

    def replace_story(self, story: m.Story, catalog: m.Catalog) -> None:
        """The story files read again (``reload``): the state is the caller's to reconcile."""
        self.story, self.catalog = story, catalog
        self._word_cache = None
        self.start_at = self.start_at if self.start_at in story.scenes else None  # a trial's scene gone: the start
        self.start_vars = {k: v for k, v in self.start_vars.items() if type(v) is type(story.initial_variables().get(k))}
        if self.lang not in story.languages:
            self.lang = story.languages[0]

    def report_input(self) -> ReportInput:
        """The reading so far, as the plain value a report is built from."""
        from adventure.classroom.report_input import ReportInput

        return ReportInput(self.story, self.texts, self.record, self.lang, self.state, tuple(self.history),
                           tuple(self.trail))

    # -- start -----------------------------------------------------------------------------
    def intro(self) -> list[Para]:
        """Title and content note."""
        return r.title_screen(self.story, self.texts, self.content_note)

    def resumable(self) -> tuple[str, list[Para]] | None:
        """The slot to offer to continue from, with any message about a damaged autosave, or
        None (see :meth:`adventure.play.persistence.Keeper.find_offer`); when there is none, what
        was found on the way (a damaged autosave set aside) is said when the game begins."""
        slot, notes = self.keeper.find_offer()
        if slot is None:
            self._start_notes = notes  # no question to ask: said when the game begins
            return None
        return slot, notes

    def take_start_notes(self) -> list[Para]:
        notes, self._start_notes = self._start_notes, []
        return notes

    def offer_text(self, slot: str) -> str:
        key = "ui.offer_recovery" if slot == self.keeper.lane.recovery else "ui.offer_continue"
        info = self.store.info(slot) if self.store else None
        when = local_time(info.saved_at) if info else ""
        scene = self.t(m.scene_title_key(info.scene)) if info and info.scene in self.story.scenes else ""
        return self.t(key, when=when, scene=scene)

    def begin(self, resume: str | None = None, *, at: str | None = None) -> list[Para]:
        """Start a new game (at the story's start, or at scene ``at`` for a writer testing a
        chapter), or resume from a slot (e.g. the autosave)."""
        self.log("start", story=self.story.id, lang=self.lang)
        self.questions.last_seen = self.clock()
        if resume is not None:
            out = self.keeper.resume(resume)  # an autosave, or the recovery slot (used up once loaded)
            self.record.sittings += 1
            if self.state is not None:
                if not self.record.sitting:  # a save from before sittings had ids
                    self.record.new_sitting(_sitting_token(), self.record.started or self.now())
                return out
        self.state, output = new_game(self.story, at=at or self.start_at, variables=self.start_vars)
        self.history = History(self.story)
        self.record.sittings += 1
        self.record.new_sitting(_sitting_token(), self.now())  # this game's own report
        return self.take_start_notes() + choosing.after_step(self, output, banner=True)

    # -- input -----------------------------------------------------------------------------
    def handle(self, line: str) -> Reply:
        """Interpret one line: a choice number, choice words, or a command (or, while a
        reflection question waits, a line of the answer). Whatever moved the game on is
        autosaved at once, so a crash or a power cut loses nothing."""
        if self.script is not None:
            from adventure.play.reading import to_script

            to_script(self, typed=(self.prompt(), line))
        if self.keeper.leaving:
            paras, leave = self.keeper.leaving_line(clean_input(line)[:MAX_INPUT])
            return Reply(paras, quit=leave)
        mark = self.progress_mark()
        reply = self._checkpoint(self.interpret(line), mark)
        if self.notices:
            reply.paras.extend(self.notices)
            self.notices.clear()
        return reply

    def progress_mark(self) -> tuple[object, ...]:
        record = self.record
        return (self.state, len(self.history), len(record.answers), len(record.skipped), len(record.pending))

    def _checkpoint(self, reply: Reply, mark: tuple[object, ...]) -> Reply:
        """After a step, an undo, a load or an answer: write the autosave quietly (the previous
        autosave is kept). A failure is said once, then the game goes on."""
        if reply.quit or self.state is None or self.progress_mark() == mark:
            return reply
        problem = self.autosave(quiet=True)
        reply.paras += self.keeper.take_notices()
        if problem is not None and not self._checkpoint_failed:
            self._checkpoint_failed = True
            reply.paras.append(problem)
        return reply

    def interpret(self, line: str) -> Reply:
        """One line, without the autosave :meth:`handle` adds."""
        self.questions.count_time()
        if self.record.pending and self.state is not None:
            return self.questions.answer_line(clean_input(line))
        if len(line) > MAX_INPUT:
            return Reply([self.msg("ui.input_too_long")])
        text = clean_input(line).strip()
        if not text:
            return Reply([self.msg("ui.empty_input")])
        words = text.split()
        command = self.command_of(words[0])
        if command is not None:
            reply = self.run_command(command, words[1:])
            if reply is not None:
                shows_other = self.commands.by_id[command].shows_other
                if not reply.quit and (shows_other or not choosing.choices_shown(self, reply.paras)):
                    reply.paras.extend(choosing.choices_again(self))
                return reply
        number = as_number(text)
        if number is not None:
            return choosing.choose_number(self, number)
        chosen = choosing.match_choice(self, text)
        if isinstance(chosen, m.Choice):
            return choosing.take(self, chosen)
        if chosen:
            return Reply([self.msg("ui.ambiguous", options=", ".join(str(i) for i in chosen))])
        return Reply([self.msg("ui.unknown_input", input=text[:40], n=len(choosing.open_choices(self)) or 1)])

    def run_command(self, command: str, args: list[str]) -> Reply | None:
        """Run a command of the registry; None means "not a command after all" (e.g. 'help
        the wounded')."""
        return self.commands.by_id[command].handler(self, args)

    def command_words(self) -> dict[str, str]:
        """Every command word in every language (folded) -> command id."""
        if self._word_cache is None:
            table: dict[str, str] = {}
            for lang in self.story.languages:
                texts = Texts(self.catalog, lang)
                for command in self.commands:
                    for word in texts.words(command.words):
                        table.setdefault(fold(word), command.id)
            self._word_cache = table
        return self._word_cache

    def command_of(self, word: str) -> str | None:
        return self.command_words().get(fold(word))

    def completions(self) -> list[str]:
        """Words for tab completion: commands in the current language, then choice words."""
        words = []
        for command in self.commands.listed():
            words.extend(self.texts.words(command.words)[:1])
        if self.state is not None:
            shown = [self.texts] + ([Texts(self.catalog, self.second)] if self.second else [])
            for c in choosing.open_choices(self):
                for texts in shown:  # both languages when both are shown
                    for w in texts(m.choice_key(self.state.scene, c.id)).split():
                        w = w.strip(".,;:!?¡¿\"'()«»—…").lower()
                        if w and w not in words:  # any length: "ru" completes "run"
                            words.append(w)
        return words

    def show_scene(self, *, banner: bool = True) -> list[Para]:
        return r.scene_paras(self.story, self.texts, self.current(), banner=banner, second=self.second_lang)

    # -- the parts beside the session ------------------------------------------------------
    @property
    def answering(self) -> bool:
        """True while a reflection question waits for the student's answer."""
        return self.questions.answering

    def prompt(self) -> str:
        return self.t("ui.classroom.answer_prompt") if self.answering else "> "

    def answer_ends_now(self, text: str) -> bool:
        """See :meth:`adventure.play.questions.Questions.ends_now`."""
        return self.questions.ends_now(text)

    def answer_text(self, text: str) -> Reply:
        """A whole answer at once (the terminal's multi-line editor). A single line may still
        be ``skip`` or a command, as in plain mode."""
        if self.keeper.leaving:
            return self.handle(text.strip("\n").split("\n")[0])
        mark = self.progress_mark()
        return self._checkpoint(self.questions.answer_text(text), mark)

    def reload(self, *, automatic: bool = False) -> list[Para]:
        """Load the story files again and carry on (see :func:`adventure.play.reload.reload`)."""
        from adventure.play.reload import reload

        return reload(self, automatic=automatic)

    def toolbar(self, width: int | None = None) -> str:
        """The bottom bar (see :func:`adventure.play.toolbar.toolbar`)."""
        from adventure.play.toolbar import toolbar

        return toolbar(self, width)

    # -- saving and leaving (adventure.play.persistence) -----------------------------------
    def write_slot(self, slot: str, *, keep: str | None = None) -> None:
        """Write the current game to ``slot`` (raises SaveError); with ``keep``, the file it
        replaces is kept there (see :meth:`SaveStore.write`)."""
        if self.store is None:
            raise SaveError("ui.save_disabled")
        self.store.write(slot, self.payload(), keep=keep)

    def payload(self) -> dict[str, Any]:
        """The current game as a save."""
        self.extra["classroom"] = self.record.to_json()
        return encode(self.story, self.current(), self.history, language=self.lang,
                      saved_at=self.now(), extra=self.extra)

    def autosave(self, *, quiet: bool = False) -> Para | None:
        """Save to this game's autosave slot, keeping the previous autosave. Returns a message
        (with ``quiet``, only if the save failed). See :class:`adventure.play.persistence.Keeper`."""
        return self.keeper.autosave(quiet=quiet)

    def quit(self) -> list[Para]:
        """Save and say goodbye, when nobody can be asked (end of input, a signal): if the
        save folder fails, the fallback folder is tried, and what happened is said plainly."""
        self.questions.before_leaving()
        out = self.keeper.final_save()
        self.log("quit")
        return out + [self.msg("ui.goodbye")]

    def leave(self) -> Reply:
        """The player quits: save and leave; if saving fails, say so and ask (another folder,
        the fallback folder, back to the game, or leave without saving)."""
        self.questions.before_leaving()
        paras, leave = self.keeper.leave()
        if leave:
            self.log("quit")
        return Reply(paras, quit=leave)

    def recover(self) -> str | None:
        """After an unexpected error: save the state to the recovery slot. Returns its path."""
        return self.keeper.recover()
