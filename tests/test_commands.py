"""The command registry: adding a command is one declaration, its handler and its texts.

A toy command registered beside the game's own is typed in either language, listed in
``help``, completed by Tab, run while a question waits only with the words its declaration
allows, and gives way to a choice when its handler says the words are not for it."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from adventure.core import model as m
from adventure.play.commands import COMMANDS, Command, Registry, one_word
from adventure.play.reply import Reply
from adventure.play.saves import SaveStore
from adventure.play.session import Session
from adventure.text.render import para
from storykit import load_fixture

TOY_TEXTS = {  # what the locale files would hold: ui.cmd.<id> (its words), ui.help.<id> (its help line)
    "en": {"ui.cmd.toy": "toy, spin", "ui.help.toy": "spin the toy top"},
    "es": {"ui.cmd.toy": "peonza", "ui.help.toy": "hace girar la peonza"},
}
calls: list[list[str]] = []


def spin(session: Session, args: list[str]) -> Reply | None:
    """The toy's handler: ``toy`` or ``toy 3``; anything longer is not this command."""
    if len(args) > 1:
        return None
    calls.append(args)
    return Reply([para("message", f"The top spins {args[0] if args else 1} times.")])


TOY = Command("toy", "ui.cmd.toy", "ui.help.toy", spin, one_word, shows_other=True)


def toy_session(tmp_path: Path, lang: str = "en") -> Session:
    result = load_fixture()
    assert result.story is not None and result.catalog is not None
    texts = {code: {**table, **TOY_TEXTS[code]} for code, table in result.catalog.texts.items()}
    catalog = m.Catalog(result.catalog.languages, texts)
    s = Session(result.story, catalog, lang=lang, store=SaveStore(tmp_path / "saves"),
                clock=lambda: datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc), commands=COMMANDS.plus(TOY))
    s.begin()
    return s


def text(reply: Reply) -> str:
    return "\n".join(p.text for p in reply.paras)


def test_a_registered_command_is_dispatched_in_every_language(tmp_path: Path) -> None:
    calls.clear()
    s = toy_session(tmp_path)
    out = text(s.handle("toy 3"))
    assert "The top spins 3 times." in out and "Your choices:" in out  # its reply, then the choices
    assert "The top spins 1 times." in text(s.handle("SPIN"))
    assert "The top spins 1 times." in text(s.handle("peonza"))  # a Spanish word works in English too
    assert calls == [["3"], [], []]
    assert "didn't understand" in text(s.handle("toy with the idea"))  # not for it: read as a choice
    assert calls == [["3"], [], []] and s.history == []


def test_a_registered_command_is_listed_in_help_and_completed(tmp_path: Path) -> None:
    s = toy_session(tmp_path)
    listed = [p for p in s.handle("help").paras if p.kind == "help"]
    assert listed[-1].prefix.strip() == "toy, spin" and listed[-1].text.endswith(" spin the toy top")
    assert len(listed) == len(COMMANDS.listed()) + 1
    assert "toy" in s.completions()
    spanish = toy_session(tmp_path / "es", lang="es")
    assert "hace girar la peonza" in text(spanish.handle("ayuda")) and "peonza" in spanish.completions()


def test_while_answering_a_command_takes_only_the_words_its_declaration_allows(tmp_path: Path) -> None:
    s = toy_session(tmp_path)
    assert s.answer_ends_now("toy") and s.answer_ends_now("toy 3")  # one word: still the command
    assert not s.answer_ends_now("toy box of tin")  # more: the start of an answer
    assert not s.answer_ends_now("undo")  # declared without while_answering: always an answer


def test_every_command_of_the_game_has_its_texts_in_every_language() -> None:
    result = load_fixture()
    assert result.catalog is not None
    missing = [f"{key} in {lang}" for key in sorted(COMMANDS.keys()) for lang in result.catalog.languages
               if key not in result.catalog.texts[lang]]
    assert not missing, missing


def test_two_commands_cannot_share_an_id() -> None:
    with pytest.raises(ValueError):
        COMMANDS.plus(Command("look", "ui.cmd.toy", "ui.help.toy", spin))
    assert isinstance(COMMANDS.plus(TOY), Registry) and COMMANDS.get("toy") is None  # plus() leaves COMMANDS be
