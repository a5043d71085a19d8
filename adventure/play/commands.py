"""The game's commands, as a registry: one declaration per command.

A :class:`Command` says everything the session needs to know of a command: its id, the
``ui.*`` keys of its words (every language's words type it) and of its line in ``help``, its
handler, whether it works while a reflection question waits (and with which words after it),
and whether what it prints is something other than the scene (so the choices follow). The
session dispatches through :data:`COMMANDS`; ``help``, tab completion and the words a player
may type all come from it, and ``tests/test_interface_keys.py`` requires each key it names in
every language. Adding a command is one line here, its handler (a function
``handler(session, args) -> Reply | None``; None means "not this command after all", so
"help the wounded" can still match a choice) and its texts in ``locales/<lang>/ui*.yaml``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, NamedTuple

from adventure.play import cmd_classroom, cmd_game, cmd_lang, cmd_saves, reload
from adventure.play.reply import as_number

if TYPE_CHECKING:
    from adventure.play.reply import Reply
    from adventure.play.session import Session

Handler = Callable[["Session", list[str]], "Reply | None"]
#: Which words after a command still make it a command while a question waits (with none, it
#: always is); anything else typed then is the student's answer.
Allowed = Callable[["Session", list[str]], bool]


def no_words(session: Session, args: list[str]) -> bool:
    return False


def one_word(session: Session, args: list[str]) -> bool:
    return len(args) == 1


def any_words(session: Session, args: list[str]) -> bool:
    return True


def one_number(session: Session, args: list[str]) -> bool:
    return len(args) == 1 and as_number(args[0]) is not None


class Command(NamedTuple):
    """One command of the game."""

    id: str
    words: str  # ui key of the words that type it ("help, ?")
    help: str | None  # ui key of its line in help (None: not listed, e.g. "continue")
    handler: Handler
    while_answering: Allowed | None = None  # None: while a question waits, its words are an answer
    shows_other: bool = False  # prints something other than the scene: the open choices follow
    help_subs: Callable[[Session], dict[str, object]] | None = None  # placeholders of its help line


class Registry:
    """Commands in the order ``help`` lists them; look-up by id."""

    def __init__(self, commands: Iterable[Command]) -> None:
        self.commands = tuple(commands)
        self.by_id = {c.id: c for c in self.commands}
        if len(self.by_id) != len(self.commands):
            raise ValueError("two commands share an id")

    def __iter__(self) -> Iterator[Command]:
        return iter(self.commands)

    def get(self, command_id: str | None) -> Command | None:
        return self.by_id.get(command_id) if command_id is not None else None

    def listed(self) -> tuple[Command, ...]:
        """The commands ``help`` shows and Tab completes."""
        return tuple(c for c in self.commands if c.help is not None)

    def keys(self) -> set[str]:
        """Every ``ui.*`` key the commands name (each must exist in every language)."""
        return {key for c in self.commands for key in (c.words, c.help) if key is not None}

    def plus(self, *commands: Command) -> Registry:
        """This registry with more commands (listed after the others)."""
        return Registry(self.commands + commands)

    def works_while_answering(self, session: Session, command_id: str | None, args: list[str]) -> bool:
        command = self.get(command_id)
        if command is None or command.while_answering is None:
            return False
        return not args or command.while_answering(session, args)


COMMANDS = Registry((
    Command("help", "ui.cmd.help", "ui.help.help", cmd_game.help_command, no_words, shows_other=True),
    Command("look", "ui.cmd.look", "ui.help.look", cmd_game.look, no_words),
    Command("notes", "ui.cmd.notes", "ui.help.notes", cmd_game.notes, one_number, shows_other=True),
    Command("save", "ui.cmd.save", "ui.help.save", cmd_saves.save, one_word, shows_other=True),
    Command("load", "ui.cmd.load", "ui.help.load", cmd_saves.load),
    Command("saves", "ui.cmd.saves", "ui.help.saves", cmd_saves.saves, no_words, shows_other=True),
    Command("undo", "ui.cmd.undo", "ui.help.undo", cmd_game.undo),
    Command("restart", "ui.cmd.restart", "ui.help.restart", cmd_game.restart),
    Command("lang", "ui.cmd.lang", "ui.help.lang", cmd_lang.lang, cmd_lang.valid_choice,
            help_subs=cmd_lang.help_subs),
    Command("reload", "ui.cmd.reload", "ui.help.reload", reload.reload_command),
    Command("quit", "ui.cmd.quit", "ui.help.quit", cmd_game.quit_command, no_words),
    # Reading comfort (adventure.play.reading); words in ui_reading.yaml.
    Command("width", "ui.cmd.width", "ui.help.width", cmd_game.width, one_word, shows_other=True),
    Command("script", "ui.cmd.script", "ui.help.script", cmd_game.script, one_word, shows_other=True),
    # Classroom (adventure.play.cmd_classroom); words in ui_classroom.yaml.
    Command("define", "ui.cmd.define", "ui.help.define", cmd_classroom.define, any_words, shows_other=True),
    Command("progress", "ui.cmd.progress", "ui.help.progress", cmd_classroom.progress, no_words,
            shows_other=True),
    Command("classroom", "ui.cmd.classroom", "ui.help.classroom", cmd_classroom.classroom, one_word,
            shows_other=True),
    Command("report", "ui.cmd.report", "ui.help.report", cmd_classroom.report, shows_other=True),
    # Answers the offer to continue a saved game; not listed in help.
    Command("continue", "ui.cmd.continue", None, cmd_game.continue_command),
))
