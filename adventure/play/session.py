"""The command interpreter between a player and the engine. No I/O of its own.

A :class:`Session` takes one line of input and returns a :class:`Reply` of paragraphs. Both
front ends (the prompt_toolkit terminal and the plain pipe mode) drive the same session, so
everything a player can type behaves the same in both, and tests drive it directly::

    s = Session(story, catalog, lang="en", store=None)
    s.begin()
    reply = s.handle("1")
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from adventure.classroom import flow as cl
from adventure.core import model as m
from adventure.core.charset import strip_controls
from adventure.core.engine import InvalidChoice, Output, State, available, new_game, step
from adventure.play.history import RESTART, History
from adventure.play.persistence import Keeper, local_time
from adventure.play.saves import (
    BEFORE_LOAD,
    SaveError,
    SaveStore,
    check_slot,
    decode,
    encode,
    is_reserved,
)
from adventure.play.transcript import Transcript
from adventure.text import render as r
from adventure.text.catalog import Texts, fold
from adventure.text.render import BLANK, Para, para

if TYPE_CHECKING:
    from adventure.play.script import Script

# Command ids and their locale keys: ui.cmd.<id> holds the words, ui.help.<id> the help line.
COMMANDS = ("help", "look", "notes", "save", "load", "saves", "undo", "restart", "lang", "reload", "quit")
# Classroom commands (words in ui_classroom.yaml); shown in help after the others.
CLASSROOM_COMMANDS = ("define", "progress", "classroom", "report")
# Reading comfort (words in ui_reading.yaml; see adventure.play.reading).
READING_COMMANDS = ("width", "script")
ALL_COMMANDS = COMMANDS + READING_COMMANDS + CLASSROOM_COMMANDS
# What a student can type while a reflection question waits (anything else is the answer).
WHILE_ANSWERING = ("help", "look", "notes", "define", "progress", "lang", "save", "saves", "classroom", "quit",
                   "width", "script")
# Commands that print something other than the scene: the choices follow, so they stay in view
# (so do they after any other command whose reply does not end with them).
SHOWS_OTHER = ("help", "notes", "save", "saves", "define", "progress", "classroom", "report", "width", "script")
QUICK_SLOT = "quick"
# What a save load says about a changed story, and what a reload says instead.
RELOAD_MESSAGES = {
    "ui.load_scene_moved": "ui.reload_scene_moved",
    "ui.load_var_added": "ui.reload_var_added",
    "ui.load_var_dropped": "ui.reload_var_dropped",
    "ui.load_note_dropped": "ui.reload_note_dropped",
    "ui.load_undo_cut": "ui.reload_undo_cut",
}
MAX_INPUT = 4096  # characters; a longer line is refused, as in plain mode
_UNDECODABLE = re.compile(r"[\ud800-\udfff]")  # bytes a terminal sent that were not UTF-8
_NUMBER = re.compile(r"[0-9]{1,9}\Z")


def clean_input(line: str) -> str:
    """Typed text without control characters (tabs become spaces; undecodable bytes become
    U+FFFD), so nothing a player types or pipes in is echoed back as a terminal escape sequence.

    >>> clean_input("go\\x1b[31m on\\x00\\tnow\\u202e\\udcff")
    'go[31m on now\\ufffd'
    """
    return _UNDECODABLE.sub("\ufffd", strip_controls(line.replace("\t", " ").replace("\n", "")))


def as_number(text: str) -> int | None:
    """A choice or note number typed in ASCII digits (``²`` or ``١`` are not numbers here).

    >>> as_number("12"), as_number("²"), as_number("9" * 40)
    (12, None, None)
    """
    return int(text) if _NUMBER.match(text) else None


class Reply:
    """What one line of input gives back: paragraphs to show, and whether to leave.

    A plain class rather than a dataclass (importing ``dataclasses`` is ~10 ms of the start);
    it stays changeable, as callers add paragraphs to a reply."""

    __slots__ = ("paras", "quit")

    def __init__(self, paras: list[Para] | None = None, quit: bool = False) -> None:
        self.paras = paras if paras is not None else []
        self.quit = quit

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Reply) and (self.paras, self.quit) == (other.paras, other.quit)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Reply(paras={self.paras!r}, quit={self.quit!r})"


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
                 script: Script | None = None, start_vars: dict[str, m.Value] | None = None) -> None:
        self.story = story
        self.catalog = catalog
        self.lang = lang if lang in story.languages else story.languages[0]
        # Bilingual reading: each paragraph is followed by its text in this language.
        self.second = second if second in story.languages and second != self.lang else None
        self.record = cl.Record(on=classroom or bool(student), student=student)
        self.report_dir = report_dir
        self._draft: list[str] = []  # lines of an answer being typed in plain mode
        self._deferred: list[Para] = []  # the next chapter, shown once the questions are done
        self._report_due = False  # write the report once the ending's questions are done
        self._report_paths: tuple[Path, ...] = ()  # the report files this session wrote last
        self._last_seen: datetime.datetime | None = None
        self._glossary: cl.Glossary | None = None
        self._batch_total = 0
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
        self.notices: list[Para] = []
        self._defined_now: set[str] = set()  # glossary terms explained in this sitting  # said with the next reply (e.g. the transcript stopped)

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

    def _now(self) -> str:
        return self.clock().isoformat(timespec="seconds")

    def log(self, event: str, **data: object) -> None:
        if self.transcript is not None:
            try:
                self.transcript.write(self._now(), event, **data)
            except OSError:
                self.transcript = None  # a full disk must not stop the game

    def _current(self) -> State:
        assert self.state is not None, "begin() first"
        return self.state

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
        self._last_seen = self.clock()
        if resume is not None:
            out = self._resume(resume)
            self.record.sittings += 1
            if self.state is not None:
                if not self.record.sitting:  # a save from before sittings had ids
                    self.record.new_sitting(_sitting_token(), self.record.started or self._now())
                return out
        self.state, output = new_game(self.story, at=at or self.start_at, variables=self.start_vars)
        self.history = History(self.story)
        self.record.sittings += 1
        self.record.new_sitting(_sitting_token(), self._now())  # this game's own report
        notes, self._start_notes = self._start_notes, []
        return notes + self._after_step(output, banner=True)

    def _resume(self, slot: str) -> list[Para]:
        """Continue from an autosave or the recovery slot (which is used up once loaded)."""
        return self.keeper.resume(slot)

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
        mark = self._progress_mark()
        reply = self._checkpoint(self._handle(line), mark)
        if self.notices:
            reply.paras.extend(self.notices)
            self.notices.clear()
        return reply

    def _progress_mark(self) -> tuple[object, ...]:
        record = self.record
        return (self.state, len(self.history), len(record.answers), len(record.skipped), len(record.pending))

    def _checkpoint(self, reply: Reply, mark: tuple[object, ...]) -> Reply:
        """After a step, an undo, a load or an answer: write the autosave quietly (the previous
        autosave is kept). A failure is said once, then the game goes on."""
        if reply.quit or self.state is None or self._progress_mark() == mark:
            return reply
        problem = self.autosave(quiet=True)
        reply.paras += self.keeper.take_notices()
        if problem is not None and not self._checkpoint_failed:
            self._checkpoint_failed = True
            reply.paras.append(problem)
        return reply

    def _handle(self, line: str) -> Reply:
        self._count_time()
        if self.record.pending and self.state is not None:
            return self._answer_line(clean_input(line))
        if len(line) > MAX_INPUT:
            return Reply([self.msg("ui.input_too_long")])
        text = clean_input(line).strip()
        if not text:
            return Reply([self.msg("ui.empty_input")])
        words = text.split()
        command = self.command_of(words[0])
        args = words[1:]
        if command is not None:
            reply = self._command(command, args)
            if reply is not None:
                if not reply.quit and (command in SHOWS_OTHER or not self._choices_shown(reply.paras)):
                    reply.paras.extend(self.choices_again())
                return reply
        number = as_number(text)
        if number is not None:
            return self._choose_number(number)
        chosen = self._match_choice(text)
        if isinstance(chosen, m.Choice):
            return self._take(chosen)
        if chosen:
            return Reply([self.msg("ui.ambiguous", options=", ".join(str(i) for i in chosen))])
        return Reply([self.msg("ui.unknown_input", input=text[:40], n=len(self._choices()) or 1)])

    def command_words(self) -> dict[str, str]:
        """Every command word in every language (folded) -> command id."""
        if self._word_cache is None:
            table: dict[str, str] = {}
            for lang in self.story.languages:
                texts = Texts(self.catalog, lang)
                for cmd in ALL_COMMANDS + ("continue",):
                    for word in texts.words(f"ui.cmd.{cmd}"):
                        table.setdefault(fold(word), cmd)
            self._word_cache = table
        return self._word_cache

    def command_of(self, word: str) -> str | None:
        return self.command_words().get(fold(word))

    def completions(self) -> list[str]:
        """Words for tab completion: commands in the current language, then choice words."""
        words = []
        for cmd in ALL_COMMANDS:
            words.extend(self.texts.words(f"ui.cmd.{cmd}")[:1])
        if self.state is not None:
            shown = [self.texts] + ([Texts(self.catalog, self.second)] if self.second else [])
            for c in self._choices():
                for texts in shown:  # both languages when both are shown
                    for w in texts(m.choice_key(self.state.scene, c.id)).split():
                        w = w.strip(".,;:!?¡¿\"'()«»—…").lower()
                        if w and w not in words:  # any length: "ru" completes "run"
                            words.append(w)
        return words

    def _choices(self) -> tuple[m.Choice, ...]:
        return available(self.story, self._current())

    def _choose_number(self, n: int) -> Reply:
        state = self._current()
        if state.ending is not None:
            return Reply([self.msg("ui.ended_hint")])
        choices = self._choices()
        if not 1 <= n <= len(choices):
            if not choices:
                return Reply([self.msg("ui.stuck", "error")])
            return Reply([self.msg("ui.no_such_choice", n=n, max=len(choices))])
        return self._take(choices[n - 1])

    def _match_choice(self, text: str) -> m.Choice | list[int] | None:
        state = self._current()
        if state.ending is not None:
            return None
        wanted = fold(text).split()
        hits = []
        choices = self._choices()
        languages = [self.lang] + ([self.second] if self.second else [])  # bilingual: either label
        for i, c in enumerate(choices, 1):
            for lang in languages:
                label = fold(Texts(self.catalog, lang)(m.choice_key(state.scene, c.id)))
                label_words = [w.strip(".,;:!?¡¿\"'()«»—") for w in label.split()]
                if all(any(lw.startswith(w) for lw in label_words) for w in wanted):
                    hits.append(i)
                    break
        if len(hits) == 1:
            return choices[hits[0] - 1]
        return hits or None

    def _take(self, choice: m.Choice) -> Reply:
        state = self._current()
        try:
            new, output = step(self.story, state, choice.id)
        except InvalidChoice:  # pragma: no cover - choices come from available()
            return Reply([self.msg("ui.unknown_input", input=choice.id, n=1)])
        self.history.push(state, choice.id)
        self.state = new
        self.log("choice", scene=state.scene, choice=choice.id)
        old_chapter = self.story.scenes[state.scene].chapter
        changed = self.story.scenes[new.scene].chapter != old_chapter
        shown = self._after_step(output, banner=changed)
        if new.ending is not None:
            self.record.reached_ending(new.ending, self._now())
            ended_in = self.story.scenes[new.scene].chapter
            chapters = [old_chapter, ended_in] if changed else [ended_in]
            return Reply(shown + self._chapter_end(chapters, ending=True))
        if changed and not self.record.on:
            self.record.read_before([old_chapter])
        if changed and self.record.on:
            questions = self._chapter_end([old_chapter], ending=False)
            if questions:
                self._deferred = shown
                return Reply(questions[1:] if questions[0] is BLANK else questions)
        return Reply(shown)

    def _after_step(self, output: Output, *, banner: bool) -> list[Para]:
        state = self._current()
        if output.entered:
            self.log("scene", scene=output.scene, lang=self.lang)
        for change in output.changes:
            self.log("var", name=change.name, old=change.old, new=change.new)
        for nid in output.notes:
            self.log("note", note=nid)
        if output.ending is not None:
            self.log("ending", ending=output.ending)
        unlocked = r.note_unlocked_paras(self.story, self.texts, state, output.notes)
        self.record.note_language(self.lang, self.second)
        if not output.entered:
            out = [BLANK] + unlocked + ([BLANK] if unlocked else []) + r.after_text(
                self.story, self.texts, state, self.second_lang)
            return out
        terms = self._first_terms()
        between = terms + ([BLANK] if terms and unlocked else []) + unlocked
        return r.scene_paras(self.story, self.texts, state, banner=banner, between=between, second=self.second_lang)

    def _choices_shown(self, paras: list[Para]) -> bool:
        """Whether ``paras`` end with the open choices (a scene shown again, say)."""
        shown = self.choices_again()[2:]
        return not shown or [p.text for p in paras[-len(shown):]] == [p.text for p in shown]

    def choices_again(self) -> list[Para]:
        """The open choices, under a short heading, for after a command that printed something
        else (nothing while a question waits, at an ending, or with no choice open)."""
        state = self.state
        if state is None or state.ending is not None or self.record.pending:
            return []
        choices = self._choices()
        if not choices:
            return []
        return [BLANK, self.msg("ui.reading.choices_again", "meta")] + r.choice_paras(
            self.story, self.texts, state, choices, self.second_lang)

    def show_scene(self, *, banner: bool = True) -> list[Para]:
        return r.scene_paras(self.story, self.texts, self._current(), banner=banner, second=self.second_lang)

    # -- commands --------------------------------------------------------------------------
    def _command(self, command: str, args: list[str]) -> Reply | None:
        """Run a command; None means "not a command after all" (e.g. 'help the wounded')."""
        handler = getattr(self, f"_cmd_{command}")
        return handler(args)  # type: ignore[no-any-return]

    def _cmd_help(self, args: list[str]) -> Reply | None:
        if args:
            return None
        out = [self.msg("ui.help_heading", "heading")]
        names = {cmd: ", ".join(self.texts.words(f"ui.cmd.{cmd}")) for cmd in ALL_COMMANDS}
        pad = max(len(n) for n in names.values()) + 2
        for cmd in ALL_COMMANDS:
            out.append(Para("help", (("text", self.t(f"ui.help.{cmd}")),), "  " + names[cmd].ljust(pad)))
        out.append(BLANK)
        out.append(self.msg("ui.help_choices", "meta"))
        return Reply(out)

    def _cmd_width(self, args: list[str]) -> Reply | None:
        from adventure.play.reading import width_command

        paras = width_command(self, args)
        return None if paras is None else Reply(paras)

    def _cmd_script(self, args: list[str]) -> Reply | None:
        from adventure.play.reading import script_command

        paras = script_command(self, args)
        return None if paras is None else Reply(paras)

    def _cmd_look(self, args: list[str]) -> Reply | None:
        if args:
            return None
        return Reply(self.show_scene())

    def _cmd_notes(self, args: list[str]) -> Reply | None:
        state = self._current()
        if not args:
            return Reply(r.notes_list_paras(self.story, self.texts, state))
        query = " ".join(args)
        n = as_number(query)
        if n is not None:
            if 1 <= n <= len(state.notes):
                return Reply(r.note_paras(self.story, self.texts, state.notes[n - 1], n, self.second_lang))
            return Reply([self.msg("ui.note_not_found", query=query, n=len(state.notes))])
        wanted = fold(query)
        for i, nid in enumerate(state.notes, 1):
            if wanted in fold(self.t(m.note_title_key(nid))):
                return Reply(r.note_paras(self.story, self.texts, nid, i, self.second_lang))
        return Reply([self.msg("ui.note_not_found", query=query[:40], n=len(state.notes))])

    def _cmd_save(self, args: list[str]) -> Reply | None:
        if len(args) > 1:
            return Reply([self.msg("ui.slot_one_word", "error")])
        slot = args[0] if args else QUICK_SLOT
        try:
            slot = check_slot(slot)
            if is_reserved(slot):
                return Reply([self.msg("ui.slot_reserved", "error", slot=slot)])
            self.write_slot(slot)
        except SaveError as exc:
            return Reply([self.msg(exc.key, "error", **exc.subs)])
        self.log("save", slot=slot)
        return Reply([self.msg("ui.saved", slot=slot)])

    def write_slot(self, slot: str, *, keep: str | None = None) -> None:
        """Write the current game to ``slot`` (raises SaveError); with ``keep``, the file it
        replaces is kept there (see :meth:`SaveStore.write`)."""
        if self.store is None:
            raise SaveError("ui.save_disabled")
        self.store.write(slot, self.payload(), keep=keep)

    def payload(self) -> dict[str, Any]:
        """The current game as a save."""
        self.extra["classroom"] = self.record.to_json()
        return encode(self.story, self._current(), self.history, language=self.lang,
                      saved_at=self._now(), extra=self.extra)

    def _cmd_load(self, args: list[str]) -> Reply | None:
        if len(args) > 1:
            return Reply([self.msg("ui.slot_one_word", "error")])
        if self.store is None:
            return Reply([self.msg("ui.save_disabled", "error")])
        if args:
            slot = args[0]
        else:
            slots = [s for s in self.store.list() if s.ok]
            manual = [s for s in slots if not is_reserved(s.slot)]
            pick = (manual or slots)
            if not pick:
                return Reply([self.msg("ui.no_saves")])
            slot = pick[0].slot
        return Reply(self._load(slot, announce=True))

    def _load(self, slot: str, *, announce: bool) -> list[Para]:
        try:
            check_slot(slot)
            if self.store is None:
                raise SaveError("ui.save_disabled")
            loaded = decode(self.story, self.store.read(slot), slot=slot)
        except SaveError as exc:
            return [self.msg(exc.key, "error", **exc.subs)]
        kept: list[Para] = []
        if (self.state is not None and (self.history or self.state.turn or self.state.scene != self.story.start)
                and (loaded.state, loaded.history) != (self.state, self.history)):
            try:  # the game being replaced is kept, not lost (in a slot no other game overwrites)
                where = self.keeper.keep_current(BEFORE_LOAD)
                kept = [self.msg("ui.kept_before_load", slot=where)]
            except SaveError as exc:
                return [self.msg(exc.key, "error", **exc.subs), self.msg("ui.load_refused_unkept", "error")]
        self.state = loaded.state
        self.history = loaded.history  # a load replaces the timeline; the language stays the player's
        self.extra = loaded.extra
        self._restore_classroom(loaded.extra)
        self.log("load", slot=slot)
        self.log("scene", scene=self.state.scene, lang=self.lang)
        out = [self.msg("ui.loaded", slot=slot)] if announce else [self.msg("ui.resumed")]
        if not announce:  # coming back: where the player was, before the scene
            from adventure.play.reading import recap_paras

            out += recap_paras(self)
        out += kept
        out += [self.msg(key, "error" if key == "ui.load_scene_moved" else "message", **subs)
                for key, subs in loaded.messages]
        out.append(BLANK)
        out += self.show_scene()
        if self.record.pending and self.record.on:
            out += [BLANK, self.msg("ui.classroom.questions_waiting")] + self._ask_next()
        return out

    def _cmd_saves(self, args: list[str]) -> Reply | None:
        if args:
            return None
        if self.store is None:
            return Reply([self.msg("ui.save_disabled", "error")])
        offered, notes = self.keeper.find_offer()  # first, so that a damaged autosave is listed set aside
        slots = self.store.list()
        if not slots:
            return Reply(notes + [self.msg("ui.no_saves")])
        out = notes + [self.msg("ui.saves_heading", "heading", folder=str(self.store.directory))]
        from adventure.text.layout import width_of

        pad = max(width_of(info.slot) for info in slots)
        for info in slots:
            name = f"  {info.slot}{' ' * (pad - width_of(info.slot))}  "  # aligned as the terminal shows them
            if not info.ok:
                why = "ui.slot_not_a_file" if info.problem in ("ui.save_not_a_file", "ui.save_too_big") \
                    else "ui.slot_damaged"
                out.append(Para("help", (("text", self.t(why)),), name))
                continue
            chapter = self.t(m.chapter_title_key(info.chapter)) if any(
                c.id == info.chapter for c in self.story.chapters) else info.chapter
            scene = self.t(m.scene_title_key(info.scene)) if info.scene in self.story.scenes else info.scene
            out.append(Para("help", (("text", self.t("ui.slot_line", chapter=chapter, scene=scene,
                                                     when=local_time(info.saved_at))),), name))
        if self.start_at is None:
            out += [BLANK, self.msg("ui.saves_offer", slot=offered) if offered else self.msg("ui.saves_no_offer")]
        return Reply(out)

    def _cmd_undo(self, args: list[str]) -> Reply | None:
        if args:
            return None
        if not self.history:
            return Reply([self.msg("ui.undo_story_changed" if self.history.cut else "ui.undo_nothing")])
        self.state = self.history.pop()
        self.log("undo", scene=self.state.scene)
        return Reply([self.msg("ui.undone"), BLANK] + self.show_scene(banner=False))

    def _cmd_restart(self, args: list[str]) -> Reply | None:
        if args:
            return None
        self.history.push(self._current(), RESTART + (self.start_at or self.story.start))
        self.state, output = new_game(self.story, at=self.start_at, variables=self.start_vars)
        self.log("restart")
        return Reply([self.msg("ui.restarted"), BLANK] + self._after_step(output, banner=True))

    def _cmd_lang(self, args: list[str]) -> Reply | None:
        if not args:
            names = ", ".join(f"{code} ({cl.lang_name(Texts(self.catalog, code), code)})"
                              for code in self.story.languages)
            current = cl.lang_name(Texts(self.catalog, self.lang), self.lang)
            if self.second:
                current += " + " + cl.lang_name(Texts(self.catalog, self.second), self.second)
            return Reply([self.msg("ui.lang_current", lang=current, available=names),
                          self.msg("ui.classroom.lang_both_hint")])
        pair = self.language_pair(" ".join(args))
        if pair is None:
            return Reply([self.msg("ui.lang_unknown", lang=" ".join(args)[:20],
                                   available=", ".join(self.story.languages))])
        self.lang, self.second = pair
        self._word_cache = None
        self.log("lang", lang=self.lang, **({"second": self.second} if self.second else {}))
        self.log("scene", scene=self._current().scene, lang=self.lang)
        self.record.note_language(self.lang, self.second)
        if self.second:
            done = self.msg("ui.classroom.lang_both_on", first=cl.lang_name(self.texts, self.lang),
                            second=cl.lang_name(self.texts, self.second))
        else:
            done = self.msg("ui.lang_switched")
        return Reply([done, BLANK] + self.show_scene())

    def language_pair(self, text: str) -> tuple[str, str | None] | None:
        """What ``lang`` was given: one language (``es``), ``both`` (the current one first),
        or an order (``es+en``, ``es en``). Returns (first, second or None), or None."""
        words = [w for w in text.replace("+", " ").replace("/", " ").split() if w]
        if len(words) == 1 and fold(words[0]) in self.both_words():
            others = [lang for lang in self.story.languages if lang != self.lang]
            return (self.lang, others[0]) if others else None
        langs = [self.language_of(w) for w in words]
        if not langs or None in langs or len(langs) > 2 or len(set(langs)) != len(langs):
            return None
        return (langs[0], langs[1] if len(langs) == 2 else None)  # type: ignore[return-value]

    def both_words(self) -> set[str]:
        words: set[str] = set()
        for lang in self.story.languages:
            words.update(fold(w) for w in Texts(self.catalog, lang).words("ui.classroom.both_words"))
        return words

    def language_of(self, word: str) -> str | None:
        folded = fold(word)
        for code in self.story.languages:
            names = {code}
            for lang in self.story.languages:
                names.update(fold(w) for w in Texts(self.catalog, lang).words(f"ui.lang_names.{code}"))
            if folded in names:
                return code
        return None

    def _cmd_quit(self, args: list[str]) -> Reply | None:
        if args:
            return None
        return self.leave()

    def _cmd_continue(self, args: list[str]) -> Reply | None:
        if args:
            return None
        offer = self.resumable()
        if offer is None:
            notes, self._start_notes = self._start_notes, []
            return Reply(notes + [self.msg("ui.no_autosave")])
        return Reply(self._resume(offer[0]))

    # -- classroom -------------------------------------------------------------------------
    @property
    def answering(self) -> bool:
        """True while a reflection question waits for the student's answer."""
        return bool(self.record.pending) and self.state is not None and not self.keeper.leaving

    def prompt(self) -> str:
        return self.t("ui.classroom.answer_prompt") if self.answering else "> "

    def _count_time(self) -> None:
        now = self.clock()
        if self._last_seen is not None:
            gap = (now - self._last_seen).total_seconds()
            self.record.seconds += int(min(cl.IDLE_CAP, max(0.0, gap)))
        self._last_seen = now

    def _first_terms(self) -> list[Para]:
        """In classroom mode, the glossary terms this scene uses for the first time."""
        if not self.record.on or not self.glossary or self.state is None:
            return []
        raw = self.texts.raw(m.scene_text_key(self.state.scene))
        # Once per term in each sitting, in the reading language only (define gives both).
        new = [t for t in self.glossary.terms_in(raw) if t not in self._defined_now]
        self._defined_now.update(new)
        self.record.defined.extend(t for t in new if t not in self.record.defined)
        return cl.inline_term_paras(self.texts, new, None)

    def _chapter_end(self, chapters: list[str], *, ending: bool) -> list[Para]:
        """At a chapter's end: its reflection questions (classroom mode); at an ending, the
        report once they are answered."""
        self._report_due = ending and (self.record.on or self.record.student is not None)
        pending: list[str] = []
        if not self.record.on:
            self.record.read_before(chapters)
        if self.record.on:
            for chapter in chapters:
                pending += [q for q in cl.unanswered(self.story, self.record, chapter) if q not in pending]
        self.record.pending = pending
        self._batch_total = len(pending)
        if not pending:
            return self._report_if_due()
        chapter_title = self.t(m.chapter_title_key(chapters[0]))
        heading = "ui.classroom.story_end" if ending else "ui.classroom.chapter_end"
        out = [BLANK, self.msg(heading, "heading", chapter=chapter_title), self.msg("ui.classroom.reflect_intro"),
               BLANK]
        return out + self._ask_next()

    def _ask_next(self) -> list[Para]:
        while self.record.pending:
            question = cl.question_by_id(self.story, self.record.pending[0])
            if question is None:  # a question the story no longer has
                self.record.pending.pop(0)
                continue
            total = max(getattr(self, "_batch_total", 0), len(self.record.pending))
            index = total - len(self.record.pending) + 1
            return cl.question_paras(self.texts, question, index, total, self.second_lang)
        return self._questions_done()

    def _questions_done(self) -> list[Para]:
        out, self._deferred = self._deferred, []
        return ([BLANK] + out if out else []) + self._report_if_due()

    def _report_if_due(self) -> list[Para]:
        if not self._report_due:
            return []
        self._report_due = False
        return [BLANK] + self.write_report()

    def _skip_words(self) -> set[str]:
        words: set[str] = set()
        for lang in self.story.languages:
            words.update(fold(w) for w in Texts(self.catalog, lang).words("ui.classroom.skip_words"))
        return words

    def _answer_line(self, line: str) -> Reply:
        """Plain mode: each line adds to the answer; an empty line finishes it. Before the
        first line, ``skip`` skips and a few commands (notes, define, help...) still work."""
        text = line.rstrip()
        stripped = text.strip()
        if self._draft:
            if not stripped:
                return Reply(self.submit_answer("\n".join(self._draft)))
            self._draft.append(text)
            return Reply([])
        if not stripped:
            return Reply([self.msg("ui.classroom.answer_empty")])
        if fold(stripped) in self._skip_words():
            return Reply(self._skip())
        words = stripped.split()
        command = self.command_of(words[0])
        if command in WHILE_ANSWERING and self._command_while_answering(command, words[1:]):
            reply = self._command(command, words[1:])  # type: ignore[arg-type]
            if reply is not None:
                if self.answering and not reply.quit:
                    reply.paras += [BLANK, self.msg("ui.classroom.still_waiting", "meta")]
                return reply
        self._draft.append(text)
        return Reply([self.msg("ui.classroom.answer_more", "meta")])

    def _command_while_answering(self, command: str | None, args: list[str]) -> bool:
        if not args:
            return True
        if command == "define":
            return True
        if command == "notes":
            return len(args) == 1 and as_number(args[0]) is not None
        if command == "lang":
            return self.language_pair(" ".join(args)) is not None
        return command in ("save", "classroom", "width", "script") and len(args) == 1

    def answer_ends_now(self, text: str) -> bool:
        """For the terminal's answer editor: does Enter on this one line hand it over at once
        (``skip``, or a command that works while answering) rather than start a new line?"""
        stripped = text.strip()
        if not stripped:
            return True
        if fold(stripped) in self._skip_words():
            return True
        words = stripped.split()
        command = self.command_of(words[0])
        return command in WHILE_ANSWERING and self._command_while_answering(command, words[1:])

    def answer_text(self, text: str) -> Reply:
        """A whole answer at once (the terminal's multi-line editor). A single line may still
        be ``skip`` or a command, as in plain mode."""
        if self.keeper.leaving:
            return self.handle(text.strip("\n").split("\n")[0])
        mark = self._progress_mark()
        return self._checkpoint(self._answer_text(text), mark)

    def _answer_text(self, text: str) -> Reply:
        self._count_time()
        if not self.answering:
            return self._handle(text)
        text = "\n".join(clean_input(line) for line in text.split("\n"))  # no escape codes in answers
        lines = text.strip("\n").split("\n")
        if len(lines) == 1:
            reply = self._answer_line(lines[0])
            if not self._draft:
                return reply
        return Reply(self.submit_answer(text))

    def submit_answer(self, text: str) -> list[Para]:
        """Keep the student's answer to the waiting question and ask the next one."""
        self._draft = []
        question = cl.question_by_id(self.story, self.record.pending[0]) if self.record.pending else None
        if question is None:
            return self._ask_next()
        text = "\n".join(line.rstrip() for line in text.strip("\n").splitlines()).strip()
        if not text:
            return [self.msg("ui.classroom.answer_empty")]
        if fold(text) in self._skip_words():
            return self._skip()
        self.record.answer(question, text, lang=self.lang, at=self._now())
        self.log("reflection", question=question.id, chapter=question.chapter, answer=text)
        return _squeeze([self.msg("ui.classroom.answer_kept", "meta"), BLANK] + self._ask_next())

    def _skip(self) -> list[Para]:
        self._draft = []
        question = cl.question_by_id(self.story, self.record.pending[0])
        if question is None:
            return self._ask_next()
        self.record.skip(question)
        self.log("reflection_skipped", question=question.id, chapter=question.chapter)
        # At the story's last ending there is no coming back to ask again.
        skipped = "ui.reading.skipped_at_end" if self._report_due else "ui.classroom.skipped"
        return _squeeze([self.msg(skipped, "meta"), BLANK] + self._ask_next())

    def _restore_classroom(self, extra: dict[str, Any]) -> None:
        # Merged, not replaced: answers given since that save are kept (the newest wins).
        saved = self.record.merge(cl.Record.from_json(extra.get("classroom")))
        self.record = saved
        self._draft = []
        self._deferred = []
        self._batch_total = len(saved.pending)

    def _cmd_define(self, args: list[str]) -> Reply | None:
        glossary = self.glossary
        if not glossary:
            return Reply([self.msg("ui.classroom.no_glossary")])
        if not args:
            words = [self.t(m.term_word_key(t)) for t in glossary.sorted_ids(self.texts)]
            return Reply([para("heading", self.texts.count("ui.classroom.glossary_heading", len(words))),
                          para("text", ", ".join(words)), BLANK, self.msg("ui.classroom.define_hint", "meta")])
        query = " ".join(args)
        hits = glossary.lookup(query)
        if len(hits) == 1:
            tid = hits[0]
            if tid not in self.record.looked_up:
                self.record.looked_up.append(tid)
            self.log("define", term=tid)
            return Reply(cl.term_paras(self.texts, tid, self.second_lang))
        if hits:
            several = ", ".join(self.t(m.term_word_key(t)) for t in hits)
            return Reply([self.msg("ui.classroom.define_several", query=query[:40], words=several)])
        return Reply([self.msg("ui.classroom.define_none", query=query[:40])])

    def _cmd_progress(self, args: list[str]) -> Reply | None:
        if args:
            return None
        return Reply(self.progress_paras())

    def progress_paras(self) -> list[Para]:
        state = self._current()
        p = cl.progress(self.story, state, self.record)
        done = cl.completed_chapters(self.story, state)
        names = ", ".join(self.t(m.chapter_title_key(c)) for c in done) or self.t("ui.classroom.none_yet")
        out = [self.msg("ui.classroom.progress_heading", "heading"),
               self.msg("ui.classroom.progress_chapters_line", n=p.chapters_done, total=p.chapters_total, names=names),
               self.msg("ui.classroom.progress_notes_line", n=p.notes, total=p.notes_total)]
        if p.questions_total:
            out.append(self.msg("ui.classroom.progress_reflections_line", n=p.answered, total=p.questions_total))
        out.append(self.msg("ui.classroom.progress_time_line", time=cl.duration(self.texts, self.record.seconds)))
        out.append(self.msg("ui.classroom.mode_on" if self.record.on else "ui.classroom.mode_off", "meta"))
        return out

    def _cmd_classroom(self, args: list[str]) -> Reply | None:
        if len(args) > 1:
            return None
        if args:
            word = fold(args[0])
            on_words = {fold(w) for lang in self.story.languages
                        for w in Texts(self.catalog, lang).words("ui.classroom.on_words")}
            off_words = {fold(w) for lang in self.story.languages
                         for w in Texts(self.catalog, lang).words("ui.classroom.off_words")}
            if word not in on_words | off_words:
                return None
            turn_on = word in on_words
        else:
            turn_on = not self.record.on
        if turn_on and not self.record.on and self.state is not None:
            self.record.read_before(cl.completed_chapters(self.story, self.state))
        self.record.on = turn_on
        self.log("classroom", on=turn_on)
        if turn_on:
            return Reply([self.msg("ui.classroom.turned_on")])
        out = [self.msg("ui.classroom.turned_off")]
        if self.record.pending:
            self.record.pending = []
            self._draft = []
            out += self._questions_done()
        return Reply(out)

    def _cmd_report(self, args: list[str]) -> Reply | None:
        if args:
            self.record.student = " ".join(args)[:200]
        return Reply(self.write_report())

    def write_report(self) -> list[Para]:
        """Write the student's report (Markdown and HTML) and say where."""
        from adventure.classroom.report import ReportError, write_report

        if self.state is None:
            return []
        if self.report_dir is None:
            return [self.msg("ui.classroom.report_disabled", "error")]
        try:
            paths = write_report(self, self.report_dir, now=self.clock(), replaces=self._report_paths)
            self._report_paths = paths
        except ReportError as exc:
            return [self.msg("ui.classroom.report_failed", "error", error=str(exc))]
        self.log("report", paths=[str(p) for p in paths])
        return [self.msg("ui.classroom.report_written", md=str(paths[0]), html=str(paths[1]))]

    # -- live reload (for writers) ---------------------------------------------------------
    def _cmd_reload(self, args: list[str]) -> Reply | None:
        if args:
            return None
        return Reply(self.reload())

    def reload(self, *, automatic: bool = False) -> list[Para]:
        """Load the story files again and carry on from the same place.

        The state goes through a save's reconciliation (:func:`adventure.play.saves.decode`): a
        renamed scene falls back to the start of its chapter, new variables take their
        initial values. If the files now have errors, the story being played is kept and the
        errors are shown. ``automatic`` (``--watch``): say nothing when nothing changed."""
        if self.reloader is None:
            return [self.msg("ui.reload_unavailable", "error")]
        result, diags = self.reloader.load()
        errors = [d for d in diags if d.is_error]
        if errors or result.story is None or result.catalog is None:
            self.log("reload", ok=False, errors=len(errors))
            return [para("error", self.texts.count("ui.reload_failed", len(errors)))] + self._diagnostic_paras(errors)
        story, catalog = result.story, result.catalog
        if story.hash == self.story.hash:
            return [] if automatic else [self.msg("ui.reload_unchanged")]
        payload = encode(self.story, self._current(), self.history, language=self.lang, saved_at=self._now(),
                         extra=self.extra)
        payload["story"]["id"] = story.id  # a renamed story is still the one being written
        try:
            loaded = decode(story, payload, slot="reload")
        except SaveError as exc:  # pragma: no cover - encode() always writes a readable payload
            return [self.msg(exc.key, "error", **exc.subs)]
        self.story, self.catalog = story, catalog
        self._word_cache = None
        self.start_at = self.start_at if self.start_at in story.scenes else None  # a trial's scene gone: the start
        self.start_vars = {k: v for k, v in self.start_vars.items() if type(v) is type(story.initial_variables().get(k))}
        if self.lang not in story.languages:
            self.lang = story.languages[0]
        self.state, self.history = loaded.state, loaded.history
        self.log("reload", ok=True, story=story.hash)
        self.log("scene", scene=self.state.scene, lang=self.lang)
        out = [self.msg("ui.reload_done")]
        for key, subs in loaded.messages:
            if key in RELOAD_MESSAGES:
                out.append(self.msg(RELOAD_MESSAGES[key], "error" if key == "ui.load_scene_moved" else "message",
                                    **subs))
        warnings = [d for d in diags if not d.is_error]
        if warnings:
            out.append(para("meta", self.texts.count("ui.reload_warnings", len(warnings))))
            out += self._diagnostic_paras(warnings)
        return out + [BLANK] + self.show_scene()

    def _diagnostic_paras(self, diags: list[Any], limit: int = 8) -> list[Para]:
        out = [para("meta", "  " + d.format()) for d in diags[:limit]]
        if len(diags) > limit:
            out.append(self.msg("ui.reload_more", "meta", n=len(diags) - limit,
                                command=getattr(self.reloader, "command", "hengyang")))
        return out

    # -- leaving ---------------------------------------------------------------------------
    def autosave(self, *, quiet: bool = False) -> Para | None:
        """Save to this game's autosave slot, keeping the previous autosave. Returns a message
        (with ``quiet``, only if the save failed). See :class:`adventure.play.persistence.Keeper`."""
        return self.keeper.autosave(quiet=quiet)

    def _before_leaving(self) -> None:
        if self._draft and self.record.pending:  # a half-typed answer is kept, never lost
            self.submit_answer("\n".join(self._draft))
        self._count_time()

    def quit(self) -> list[Para]:
        """Save and say goodbye, when nobody can be asked (end of input, a signal): if the
        save folder fails, the fallback folder is tried, and what happened is said plainly."""
        self._before_leaving()
        out = self.keeper.final_save()
        self.log("quit")
        return out + [self.msg("ui.goodbye")]

    def leave(self) -> Reply:
        """The player quits: save and leave; if saving fails, say so and ask (another folder,
        the fallback folder, back to the game, or leave without saving)."""
        self._before_leaving()
        paras, leave = self.keeper.leave()
        if leave:
            self.log("quit")
        return Reply(paras, quit=leave)

    def recover(self) -> str | None:
        """After an unexpected error: save the state to the recovery slot. Returns its path."""
        return self.keeper.recover()

    # -- status ----------------------------------------------------------------------------
    def toolbar(self, width: int | None = None) -> str:
        """Chapter · date in the siege · notes x/y (in classroom mode: chapters, notes and
        reflections x/y). Given a ``width``, the date shortens to the day of the siege, then
        the chapter title goes, before the progress is cut."""
        if self.state is None:
            return ""
        scene = self.story.scenes[self.state.scene]
        title = self.t(m.chapter_title_key(scene.chapter))
        date = self.texts.date(scene.date, self.story.siege_start)
        if self.record.on:
            p = cl.progress(self.story, self.state, self.record)
            progress = cl.progress_line(self.texts, p).replace(" · ", "  ·  ")
        else:
            progress = self.t("ui.notes_progress", n=len(self.state.notes), total=len(self.story.notes))
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

def _squeeze(paras: list[Para]) -> list[Para]:
    """No two blank lines in a row."""
    out: list[Para] = []
    for p in paras:
        if p is BLANK and out and out[-1] is BLANK:
            continue
        out.append(p)
    return out
