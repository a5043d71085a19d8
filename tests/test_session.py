"""The command interpreter, driven directly: every command in both languages."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from adventure.play.saves import SaveStore
from adventure.play.session import Session
from adventure.play.transcript import Transcript, read_transcript
from storykit import load_fixture


def make(tmp_path: Path, lang: str = "en", transcript: Path | None = None) -> Session:
    result = load_fixture()
    assert result.ok and result.story is not None and result.catalog is not None
    clock = iter(datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc) + datetime.timedelta(minutes=i)
                 for i in range(10_000))
    s = Session(result.story, result.catalog, lang=lang, store=SaveStore(tmp_path / "saves"),
                transcript=Transcript(transcript) if transcript else None, clock=lambda: next(clock))
    s.begin()
    return s


def text(reply) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(p.text for p in reply.paras)


def test_unknown_and_empty_input_get_help_and_change_nothing(tmp_path: Path) -> None:
    s = make(tmp_path)
    before = s.state
    assert "didn't understand" in text(s.handle("xyzzy"))
    assert "Type the number" in text(s.handle("   "))
    assert "There is no choice 9" in text(s.handle("9"))
    assert "There is no choice 0" in text(s.handle("0"))
    assert s.state == before and s.history == []


def test_spanish_messages(tmp_path: Path) -> None:
    s = make(tmp_path, "es")
    assert "No he entendido" in text(s.handle("xyzzy"))
    assert "Órdenes" in text(s.handle("ayuda"))


def test_choice_by_words_and_ambiguity(tmp_path: Path) -> None:
    s = make(tmp_path)
    assert "more than one choice" in text(s.handle("run"))  # both choices start "Run to"
    s.handle("engineers")
    assert s.state is not None and s.state.scene == "pro_cliffs"


def test_command_words_work_in_both_languages(tmp_path: Path) -> None:
    s = make(tmp_path, "en")
    assert "Historical notes unlocked: 1 of 3" in text(s.handle("notas"))
    assert "Commands" in text(s.handle("?"))


def test_help_followed_by_words_is_a_choice_not_help(tmp_path: Path) -> None:
    s = make(tmp_path)
    reply = text(s.handle("help me"))
    assert "Commands" not in reply


def test_notes_by_number_and_title(tmp_path: Path) -> None:
    s = make(tmp_path)
    s.handle("1")
    assert "Sources: 001_0f73165df8b93894.txt" in text(s.handle("notes 1"))
    assert "Chiang Kai-shek contacted" in text(s.handle("notes weeks"))
    assert "No unlocked note matches" in text(s.handle("notes 7"))
    assert "No unlocked note matches" in text(s.handle("notes kunming"))


def test_undo_back_to_the_start_and_no_further(tmp_path: Path) -> None:
    s = make(tmp_path)
    start = s.state
    for choice in ("1", "2", "1"):
        s.handle(choice)
    for _ in range(3):
        assert "One step back" in text(s.handle("undo"))
    assert s.state == start
    assert "nothing to undo" in text(s.handle("undo"))


def test_restart_can_be_undone(tmp_path: Path) -> None:
    s = make(tmp_path)
    s.handle("1")
    where = s.state
    s.handle("restart")
    assert s.state is not None and s.state.scene == "pro_changsha"
    s.handle("undo")
    assert s.state == where


def test_save_load_and_list(tmp_path: Path) -> None:
    s = make(tmp_path)
    s.handle("1")
    assert 'Saved as "mine"' in text(s.handle("save mine"))
    saved_state = s.state
    s.handle("2")
    assert 'Loaded "mine"' in text(s.handle("load mine"))
    assert s.state == saved_state
    listing = text(s.handle("saves"))
    assert "mine" in listing and "Two weeks" in listing and "Prologue: The order" in listing
    assert "cannot be a save name" in text(s.handle("save ../../etc/passwd"))
    assert "kept for the game" in text(s.handle("save autosave"))
    assert "no save called" in text(s.handle("load nothing"))


def test_load_without_name_takes_the_newest_manual_save(tmp_path: Path) -> None:
    s = make(tmp_path)
    s.handle("save first")
    s.handle("1")
    s.handle("save second")
    state = s.state
    s.handle("2")
    s.handle("load")
    assert s.state == state


def test_load_keeps_the_replaced_game(tmp_path: Path) -> None:
    s = make(tmp_path)
    s.handle("save early")
    s.handle("1")
    s.handle("2")
    progressed = s.state
    reply = text(s.handle("load early"))
    assert 'kept as "before-load"' in reply and "load before-load" in reply
    assert s.store is not None
    from adventure.play.saves import decode

    assert decode(s.story, s.store.read("before-load")).state == progressed
    for _ in range(3):  # later steps and autosaves do not touch it
        s.handle("1")
    assert decode(s.story, s.store.read("before-load")).state == progressed
    s.handle("load before-load")
    assert s.state == progressed
    assert "kept for the game" in text(s.handle("save before-load"))


def test_every_step_is_autosaved_at_once(tmp_path: Path) -> None:
    """A crash or a power cut after any step loses nothing: the autosave already holds it,
    and the previous autosave the step before."""
    from adventure.play.saves import decode

    s = make(tmp_path)
    assert s.store is not None
    s.handle("1")
    first = s.state
    assert decode(s.story, s.store.read("autosave")).state == first
    s.handle("2")
    assert decode(s.story, s.store.read("autosave")).state == s.state
    assert decode(s.story, s.store.read("autosave-previous")).state == first
    s.handle("undo")
    assert decode(s.story, s.store.read("autosave")).state == first
    s.handle("notes")  # reading changes nothing: nothing is written
    mtime = s.store.path("autosave").stat().st_mtime_ns
    s.handle("help")
    assert s.store.path("autosave").stat().st_mtime_ns == mtime


def test_a_failing_autosave_is_said_once_and_the_game_goes_on(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from adventure.play.saves import SaveError

    s = make(tmp_path)
    assert s.store is not None

    def full(*args: object, **kwargs: object) -> None:
        raise SaveError("ui.save_failed", error="No space left on device")

    monkeypatch.setattr(s.store, "write", full)
    first = text(s.handle("1"))
    second = text(s.handle("1"))
    assert "could not be saved" in first and "could not be saved" not in second
    assert s.state is not None and s.state.turn == 2


def test_damaged_save_is_reported_and_game_goes_on(tmp_path: Path) -> None:
    s = make(tmp_path)
    s.handle("save x")
    assert s.store is not None
    s.store.path("x").write_text("{broken")
    state = s.state
    assert "damaged" in text(s.handle("load x"))
    assert s.state == state
    assert "damaged" in text(s.handle("saves"))


def test_language_switch_keeps_state_and_shows_scene_again(tmp_path: Path) -> None:
    s = make(tmp_path)
    s.handle("1")
    state = s.state
    reply = text(s.handle("lang es"))
    assert s.lang == "es" and s.state == state
    assert "Dos semanas" in reply and "Idioma cambiado" in reply
    reply = text(s.handle("idioma inglés"))
    assert s.lang == "en" and "Two weeks" in reply
    assert "not a language" in text(s.handle("lang fr"))
    assert "Language: English" in text(s.handle("lang"))


def test_quit_autosaves_and_continue_offers_it(tmp_path: Path) -> None:
    s = make(tmp_path)
    s.handle("1")
    state = s.state
    reply = s.handle("quit")
    assert reply.quit and "saved" in text(reply)
    again = make(tmp_path)
    offer = again.resumable()
    assert offer is not None and offer[0] == "autosave"
    assert "Two weeks" in again.offer_text("autosave")
    again.handle("continue")
    assert again.state == state


def test_corrupt_autosave_offers_the_previous_one(tmp_path: Path) -> None:
    s = make(tmp_path)
    s.handle("1")
    s.quit()  # autosave holds scene 2
    first = s.state
    s.handle("2")
    s.quit()  # autosave holds scene 3, the previous autosave scene 2
    assert s.store is not None
    s.store.path("autosave").write_text("{")
    again = make(tmp_path)
    offer = again.resumable()
    assert offer is not None
    slot, notes = offer
    assert slot == "autosave-previous" and any("damaged" in p.text for p in notes)
    again.begin(resume=slot)
    assert again.state == first


def test_toolbar_shows_chapter_date_and_notes(tmp_path: Path) -> None:
    s = make(tmp_path)
    assert s.toolbar() == "Prologue: The order  ·  19 June 1944  ·  notes 1/3"
    s.handle("2")
    s.handle("lang es")
    assert s.toolbar() == "Prólogo: La orden  ·  20 de junio de 1944  ·  notas 2/3"


def test_siege_day_in_dates(tmp_path: Path) -> None:
    s = make(tmp_path)
    assert s.texts.date("1944-06-28", "1944-06-22") == "28 June 1944 · day 7"
    assert s.texts.date("1944-06-21", "1944-06-22") == "21 June 1944"
    s.handle("lang es")
    assert s.texts.date("1944-08-08", "1944-06-22") == "8 de agosto de 1944 · día 48"


def test_completions_offer_commands_and_choice_words(tmp_path: Path) -> None:
    s = make(tmp_path)
    words = s.completions()
    assert "help" in words and "notes" in words and "headquarters" in words and "engineers" in words
    s.handle("lang es")
    assert "ayuda" in s.completions()


def test_transcript_records_events(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    s = make(tmp_path, transcript=path)
    s.handle("1")
    s.handle("save a")
    s.handle("undo")
    s.handle("lang es")
    s.handle("load a")
    s.quit()
    assert s.transcript is not None
    s.transcript.close()
    events = read_transcript(path)
    kinds = [e["event"] for e in events]
    for kind in ("start", "scene", "choice", "note", "save", "undo", "lang", "load", "quit"):
        assert kind in kinds, kind
    choice = next(e for e in events if e["event"] == "choice")
    assert choice == {"t": choice["t"], "event": "choice", "scene": "pro_changsha", "choice": "headquarters"}
    assert {"event": "scene", "scene": "pro_changsha", "lang": "en"}.items() <= events[1].items()


def test_transcript_records_variables_and_endings(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    s = make(tmp_path, transcript=path)
    for line in ("1", "1", "dig", "1", "run", "1", "1"):
        s.handle(line)
    assert s.state is not None and s.state.ending == "prologue_end"
    events = read_transcript(path)
    assert {"event": "var", "name": "messages", "old": 0, "new": 1}.items() <= next(
        e for e in events if e["event"] == "var").items()
    assert any(e["event"] == "ending" and e["ending"] == "prologue_end" for e in events)


@pytest.mark.parametrize("line", ["%s%s%s", "{x.__class__}", "\x1b[2J", "🙂" * 50, "load ../../x", "notes -1"])
def test_odd_input_never_breaks_the_session(tmp_path: Path, line: str) -> None:
    s = make(tmp_path)
    state = s.state
    s.handle(line)
    assert s.state == state
