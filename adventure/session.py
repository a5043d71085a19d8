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
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import model as m
from . import render as r
from .engine import InvalidChoice, Output, State, available, new_game, step
from .i18n import LANGUAGE_NAMES, Texts, fold
from .render import BLANK, Para, para
from .saves import AUTOSAVE, AUTOSAVE_PREVIOUS, RECOVERY, SaveError, SaveStore, check_slot, decode, encode
from .transcript import Transcript

# Command ids and their locale keys: ui.cmd.<id> holds the words, ui.help.<id> the help line.
COMMANDS = ("help", "look", "notes", "save", "load", "saves", "undo", "restart", "lang", "reload", "quit")
QUICK_SLOT = "quick"
# What a save load says about a changed story, and what a reload says instead.
RELOAD_MESSAGES = {
    "ui.load_scene_moved": "ui.reload_scene_moved",
    "ui.load_var_added": "ui.reload_var_added",
    "ui.load_var_dropped": "ui.reload_var_dropped",
    "ui.load_note_dropped": "ui.reload_note_dropped",
}


@dataclass
class Reply:
    paras: list[Para] = field(default_factory=list)
    quit: bool = False


def utc_now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


class Session:
    """One player's game: the story, the current state, the undo history, the language."""

    def __init__(self, story: m.Story, catalog: m.Catalog, *, lang: str, store: SaveStore | None,
                 transcript: Transcript | None = None, content_note: str | None = "story.content_note",
                 clock: Callable[[], datetime.datetime] = utc_now, start_at: str | None = None,
                 reloader: Any = None) -> None:
        self.story = story
        self.catalog = catalog
        self.lang = lang if lang in story.languages else story.languages[0]
        self.store = store
        self.transcript = transcript
        self.content_note = content_note if content_note and catalog.get(self.lang, content_note) else None
        self.clock = clock
        self.start_at = start_at  # a writer's --start scene: new games begin there
        self.state: State | None = None
        self.history: list[State] = []
        self.extra: dict[str, Any] = {}
        self._word_cache: dict[str, str] | None = None
        self.reloader = reloader  # e.g. adventure.watch.StoryFiles: .load() -> (LoadResult, diagnostics)

    # -- helpers ---------------------------------------------------------------------------
    @property
    def texts(self) -> Texts:
        return Texts(self.catalog, self.lang)

    def t(self, key: str, **subs: object) -> str:
        return self.texts(key, **subs)

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
        """The slot to offer to continue from (recovery, autosave or the previous autosave),
        with any message about a damaged autosave, or None."""
        if self.store is None or self.start_at is not None:
            return None
        notes: list[Para] = []
        for slot in (RECOVERY, AUTOSAVE, AUTOSAVE_PREVIOUS):
            if not self.store.exists(slot):
                continue
            try:
                decode(self.story, self.store.read(slot), slot=slot)
            except SaveError as exc:
                notes.append(self.msg(exc.key, "error", **exc.subs))
                continue
            return slot, notes
        return None

    def offer_text(self, slot: str) -> str:
        key = "ui.offer_recovery" if slot == RECOVERY else "ui.offer_continue"
        info = next((s for s in self.store.list() if s.slot == slot), None) if self.store else None
        when = _local_time(info.saved_at) if info else ""
        scene = self.t(m.scene_title_key(info.scene)) if info and info.scene in self.story.scenes else ""
        return self.t(key, when=when, scene=scene)

    def begin(self, resume: str | None = None, *, at: str | None = None) -> list[Para]:
        """Start a new game (at the story's start, or at scene ``at`` for a writer testing a
        chapter), or resume from a slot (e.g. the autosave)."""
        self.log("start", story=self.story.id, lang=self.lang)
        if resume is not None:
            out = self._load(resume, announce=False)
            if self.state is not None:
                if resume == RECOVERY and self.store is not None:
                    try:
                        self.store.path(RECOVERY).unlink()
                    except OSError:
                        pass
                return out
        self.state, output = new_game(self.story, at=at or self.start_at)
        self.history = []
        return self._after_step(output, banner=True)

    # -- input -----------------------------------------------------------------------------
    def handle(self, line: str) -> Reply:
        """Interpret one line: a choice number, choice words, or a command."""
        text = line.strip()
        if not text:
            return Reply([self.msg("ui.empty_input")])
        words = text.split()
        command = self.command_of(words[0])
        args = words[1:]
        if command is not None:
            reply = self._command(command, args)
            if reply is not None:
                return reply
        if text.isdigit():
            return self._choose_number(int(text))
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
                for cmd in COMMANDS + ("continue",):
                    for word in texts.words(f"ui.cmd.{cmd}"):
                        table.setdefault(fold(word), cmd)
            self._word_cache = table
        return self._word_cache

    def command_of(self, word: str) -> str | None:
        return self.command_words().get(fold(word))

    def completions(self) -> list[str]:
        """Words for tab completion: commands in the current language, then choice words."""
        words = []
        for cmd in COMMANDS:
            words.extend(self.texts.words(f"ui.cmd.{cmd}")[:1])
        if self.state is not None:
            for c in self._choices():
                for w in self.t(m.choice_key(self.state.scene, c.id)).split():
                    w = w.strip(".,;:!?¡¿\"'()«»—").lower()
                    if len(w) > 3 and w not in words:
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
        for i, c in enumerate(choices, 1):
            label = fold(self.t(m.choice_key(state.scene, c.id)))
            label_words = [w.strip(".,;:!?¡¿\"'()«»—") for w in label.split()]
            if all(any(lw.startswith(w) for lw in label_words) for w in wanted):
                hits.append(i)
        if len(hits) == 1:
            return choices[hits[0] - 1]
        return hits or None

    def _take(self, choice: m.Choice) -> Reply:
        state = self._current()
        try:
            new, output = step(self.story, state, choice.id)
        except InvalidChoice:  # pragma: no cover - choices come from available()
            return Reply([self.msg("ui.unknown_input", input=choice.id, n=1)])
        self.history.append(state)
        self.state = new
        self.log("choice", scene=state.scene, choice=choice.id)
        old_chapter = self.story.scenes[state.scene].chapter
        return Reply(self._after_step(output, banner=self.story.scenes[new.scene].chapter != old_chapter))

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
        if not output.entered:
            out = [BLANK] + unlocked + ([BLANK] if unlocked else []) + r.after_text(self.story, self.texts, state)
            return out
        return r.scene_paras(self.story, self.texts, state, banner=banner, between=unlocked)

    def show_scene(self, *, banner: bool = True) -> list[Para]:
        return r.scene_paras(self.story, self.texts, self._current(), banner=banner)

    # -- commands --------------------------------------------------------------------------
    def _command(self, command: str, args: list[str]) -> Reply | None:
        """Run a command; None means "not a command after all" (e.g. 'help the wounded')."""
        handler = getattr(self, f"_cmd_{command}")
        return handler(args)  # type: ignore[no-any-return]

    def _cmd_help(self, args: list[str]) -> Reply | None:
        if args:
            return None
        out = [self.msg("ui.help_heading", "heading")]
        names = {cmd: ", ".join(self.texts.words(f"ui.cmd.{cmd}")) for cmd in COMMANDS}
        pad = max(len(n) for n in names.values()) + 2
        for cmd in COMMANDS:
            out.append(Para("help", (("text", self.t(f"ui.help.{cmd}")),), "  " + names[cmd].ljust(pad)))
        out.append(BLANK)
        out.append(self.msg("ui.help_choices", "meta"))
        return Reply(out)

    def _cmd_look(self, args: list[str]) -> Reply | None:
        if args:
            return None
        return Reply(self.show_scene())

    def _cmd_notes(self, args: list[str]) -> Reply | None:
        state = self._current()
        if not args:
            return Reply(r.notes_list_paras(self.story, self.texts, state))
        query = " ".join(args)
        if query.isdigit():
            n = int(query)
            if 1 <= n <= len(state.notes):
                return Reply(r.note_paras(self.story, self.texts, state.notes[n - 1], n))
            return Reply([self.msg("ui.note_not_found", query=query, n=len(state.notes))])
        wanted = fold(query)
        for i, nid in enumerate(state.notes, 1):
            if wanted in fold(self.t(m.note_title_key(nid))):
                return Reply(r.note_paras(self.story, self.texts, nid, i))
        return Reply([self.msg("ui.note_not_found", query=query[:40], n=len(state.notes))])

    def _cmd_save(self, args: list[str]) -> Reply | None:
        if len(args) > 1:
            return Reply([self.msg("ui.slot_one_word", "error")])
        slot = args[0] if args else QUICK_SLOT
        try:
            check_slot(slot)
            if slot in (AUTOSAVE, AUTOSAVE_PREVIOUS, RECOVERY):
                return Reply([self.msg("ui.slot_reserved", "error", slot=slot)])
            self.write_slot(slot)
        except SaveError as exc:
            return Reply([self.msg(exc.key, "error", **exc.subs)])
        self.log("save", slot=slot)
        return Reply([self.msg("ui.saved", slot=slot)])

    def write_slot(self, slot: str) -> None:
        """Write the current game to ``slot`` (raises SaveError)."""
        if self.store is None:
            raise SaveError("ui.save_disabled")
        payload = encode(self.story, self._current(), self.history, language=self.lang,
                         saved_at=self._now(), extra=self.extra)
        self.store.write(slot, payload)

    def _cmd_load(self, args: list[str]) -> Reply | None:
        if len(args) > 1:
            return Reply([self.msg("ui.slot_one_word", "error")])
        if self.store is None:
            return Reply([self.msg("ui.save_disabled", "error")])
        if args:
            slot = args[0]
        else:
            slots = [s for s in self.store.list() if s.ok]
            manual = [s for s in slots if s.slot not in (AUTOSAVE, AUTOSAVE_PREVIOUS, RECOVERY)]
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
        if self.state is not None and slot not in (AUTOSAVE, AUTOSAVE_PREVIOUS, RECOVERY):
            self.autosave()  # the game being replaced is kept, not lost
        self.state = loaded.state
        self.history = loaded.history  # a load replaces the timeline; the language stays the player's
        self.extra = loaded.extra
        self.log("load", slot=slot)
        self.log("scene", scene=self.state.scene, lang=self.lang)
        out = [self.msg("ui.loaded", slot=slot)] if announce else [self.msg("ui.resumed")]
        out += [self.msg(key, "error" if key == "ui.load_scene_moved" else "message", **subs)
                for key, subs in loaded.messages]
        out.append(BLANK)
        return out + self.show_scene()

    def _cmd_saves(self, args: list[str]) -> Reply | None:
        if args:
            return None
        if self.store is None:
            return Reply([self.msg("ui.save_disabled", "error")])
        slots = self.store.list()
        if not slots:
            return Reply([self.msg("ui.no_saves")])
        out = [self.msg("ui.saves_heading", "heading", folder=str(self.store.directory))]
        for info in slots:
            if not info.ok:
                out.append(Para("help", (("text", self.t("ui.slot_damaged")),), f"  {info.slot}  "))
                continue
            chapter = self.t(m.chapter_title_key(info.chapter)) if any(
                c.id == info.chapter for c in self.story.chapters) else info.chapter
            scene = self.t(m.scene_title_key(info.scene)) if info.scene in self.story.scenes else info.scene
            out.append(Para("help", (("text", self.t("ui.slot_line", chapter=chapter, scene=scene,
                                                     when=_local_time(info.saved_at))),), f"  {info.slot}  "))
        return Reply(out)

    def _cmd_undo(self, args: list[str]) -> Reply | None:
        if args:
            return None
        if not self.history:
            return Reply([self.msg("ui.undo_nothing")])
        self.state = self.history.pop()
        self.log("undo", scene=self.state.scene)
        return Reply([self.msg("ui.undone"), BLANK] + self.show_scene(banner=False))

    def _cmd_restart(self, args: list[str]) -> Reply | None:
        if args:
            return None
        self.history.append(self._current())
        self.state, output = new_game(self.story, at=self.start_at)
        self.log("restart")
        return Reply([self.msg("ui.restarted"), BLANK] + self._after_step(output, banner=True))

    def _cmd_lang(self, args: list[str]) -> Reply | None:
        if not args:
            names = ", ".join(f"{code} ({LANGUAGE_NAMES.get(code, code)})" for code in self.story.languages)
            return Reply([self.msg("ui.lang_current", lang=LANGUAGE_NAMES.get(self.lang, self.lang), available=names)])
        wanted = self.language_of(args[0])
        if wanted is None or len(args) > 1:
            return Reply([self.msg("ui.lang_unknown", lang=" ".join(args)[:20],
                                   available=", ".join(self.story.languages))])
        self.lang = wanted
        self.log("lang", lang=wanted)
        self.log("scene", scene=self._current().scene, lang=self.lang)
        return Reply([self.msg("ui.lang_switched"), BLANK] + self.show_scene())

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
        return Reply(self.quit(), quit=True)

    def _cmd_continue(self, args: list[str]) -> Reply | None:
        if args:
            return None
        offer = self.resumable()
        if offer is None:
            return Reply([self.msg("ui.no_autosave")])
        return Reply(self._load(offer[0], announce=True))

    # -- live reload (for writers) ---------------------------------------------------------
    def _cmd_reload(self, args: list[str]) -> Reply | None:
        if args:
            return None
        return Reply(self.reload())

    def reload(self, *, automatic: bool = False) -> list[Para]:
        """Load the story files again and carry on from the same place.

        The state goes through a save's reconciliation (:func:`adventure.saves.decode`): a
        renamed scene falls back to the start of its chapter, new variables take their
        initial values. If the files now have errors, the story being played is kept and the
        errors are shown. ``automatic`` (``--watch``): say nothing when nothing changed."""
        if self.reloader is None:
            return [self.msg("ui.reload_unavailable", "error")]
        result, diags = self.reloader.load()
        errors = [d for d in diags if d.is_error]
        if errors or result.story is None or result.catalog is None:
            self.log("reload", ok=False, errors=len(errors))
            return [self.msg("ui.reload_failed", "error", n=len(errors))] + self._diagnostic_paras(errors)
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
        if self.start_at is not None and self.start_at not in story.scenes:
            self.start_at = None  # the --start scene is gone: restart goes to the story's start
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
            out.append(self.msg("ui.reload_warnings", "meta", n=len(warnings)))
            out += self._diagnostic_paras(warnings)
        return out + [BLANK] + self.show_scene()

    def _diagnostic_paras(self, diags: list[Any], limit: int = 8) -> list[Para]:
        out = [para("meta", "  " + d.format()) for d in diags[:limit]]
        if len(diags) > limit:
            out.append(self.msg("ui.reload_more", "meta", n=len(diags) - limit))
        return out

    # -- leaving ---------------------------------------------------------------------------
    def autosave(self) -> Para | None:
        """Save to the autosave slot, keeping the previous autosave. Returns a message."""
        if self.store is None or self.state is None:
            return None
        try:
            self.store.rotate(AUTOSAVE, AUTOSAVE_PREVIOUS)
            self.write_slot(AUTOSAVE)
        except SaveError as exc:
            return self.msg(exc.key, "error", **exc.subs)
        self.log("save", slot=AUTOSAVE)
        return self.msg("ui.autosaved")

    def quit(self) -> list[Para]:
        out = []
        saved = self.autosave()
        if saved is not None:
            out.append(saved)
        self.log("quit")
        out.append(self.msg("ui.goodbye"))
        return out

    def recover(self) -> str | None:
        """After an unexpected error: save the state to the recovery slot. Returns its path."""
        if self.store is None or self.state is None:
            return None
        try:
            self.write_slot(RECOVERY)
        except SaveError:
            return None
        return str(self.store.path(RECOVERY))

    # -- status ----------------------------------------------------------------------------
    def toolbar(self) -> str:
        """Chapter · date in the siege · notes x/y."""
        if self.state is None:
            return ""
        scene = self.story.scenes[self.state.scene]
        parts = [self.t(m.chapter_title_key(scene.chapter))]
        date = self.texts.date(scene.date, self.story.siege_start)
        if date:
            parts.append(date)
        parts.append(self.t("ui.notes_progress", n=len(self.state.notes), total=len(self.story.notes)))
        return "  ·  ".join(parts)


def _local_time(iso: str) -> str:
    try:
        when = datetime.datetime.fromisoformat(iso)
    except ValueError:
        return iso
    return when.astimezone().strftime("%Y-%m-%d %H:%M")
