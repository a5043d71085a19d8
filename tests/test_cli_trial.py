"""A writer's trial: ``--start SCENE --set NAME=VALUE`` begins a game at a scene in the state it
needs, never touching the player's own game (see adventure/play/trial.py for what a trial is)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from adventure.cli import main
from adventure.play.session import Session
from adventure.play.trial import TrialError, parse_sets
from playkit import copy_fixture, edit, run_pipe, story_args
from storykit import load_fixture

PATH_CHOICE = "Lead them up the path you helped to dig."  # pro_guns, offered only when dug


def _cli(*args: str, lang: str = "en_US.UTF-8", saves: Path, data: str = "") -> tuple[int, str, str]:
    """The command line as the ``hengyang`` entry point runs it (adventure.cli.main)."""
    out, err = io.StringIO(), io.StringIO()
    code = main([*story_args(), "--plain", *args], env={"LANG": lang, "HENGYANG_SAVE_DIR": str(saves)},
                stdin=io.BytesIO(data.encode()), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_trial_begins_at_the_scene_with_the_values_set(tmp_path: Path) -> None:
    proc = run_pipe(tmp_path / "saves", b"1\n", "--start", "pro_guns", "--set", "dug=true", "--set", "messages=5")
    out, err = proc.stdout.decode(), proc.stderr.decode()
    assert proc.returncode == 0 and "Traceback" not in err, err
    assert 'Trial from scene "pro_guns" (The guns from Kunming): saves are off' in out
    assert "Set on arriving: dug=true, messages=5." in out
    assert "The news from the north" not in out  # the story's own start is not played
    assert PATH_CHOICE in out  # dug=true opens the choice...
    assert "Messages carried since Changsha fell: 6." in out  # ...and messages=5, plus its own 1
    assert not (tmp_path / "saves").exists()  # nothing saved, no lock taken


def test_without_set_the_variables_keep_their_initial_values(tmp_path: Path) -> None:
    proc = run_pipe(tmp_path / "saves", b"1\n", "--start", "pro_guns")
    out = proc.stdout.decode()
    assert proc.returncode == 0 and PATH_CHOICE not in out and "Set on arriving" not in out
    assert "Messages carried since Changsha fell: 0." in out


def test_a_trial_leaves_the_players_game_and_saves_as_they_were(tmp_path: Path) -> None:
    saves = tmp_path / "saves"
    real = run_pipe(saves, b"2\nsave mine\n")  # the player's own game: an autosave and a slot
    assert real.returncode == 0
    before = _files(saves)
    assert "autosave.json" in before and "mine.json" in before
    trial = run_pipe(saves, b"save mine\nload mine\n1\nrestart\n1\nquit\n", "--start", "pro_guns",
                     "--set", "dug=true")
    out = trial.stdout.decode()
    assert trial.returncode == 0 and "Traceback" not in trial.stderr.decode()
    assert out.count("Saving is not available in this session.") == 2  # save and load both refused
    assert "Continue" not in out  # no offer of the player's game
    assert _files(saves) == before  # byte for byte
    again = run_pipe(saves, b"\n")  # and the player is offered their own game, as before
    assert "Continue from it?" in again.stdout.decode() and "The cliffs" in again.stdout.decode()


def test_restart_begins_the_same_trial_again(tmp_path: Path) -> None:
    proc = run_pipe(tmp_path / "saves", b"restart\n", "--start", "pro_guns", "--set", "dug=true")
    out = proc.stdout.decode()
    assert proc.returncode == 0 and out.count(PATH_CHOICE) == 2 and "The news from the north" not in out


def test_set_alone_tries_the_story_from_its_start(tmp_path: Path) -> None:
    code, out, err = _cli("--set", "messages=2", saves=tmp_path / "saves")
    assert code == 0 and 'Trial from scene "pro_changsha"' in out and "messages=2" in out, err


def test_a_trial_works_with_draft(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path / "story")
    edit(root / "locales" / "es" / "prologue.yaml", "    title: Los cañones de Kunming\n", "")
    proc = run_pipe(tmp_path / "saves", b"", "--draft", "--lang", "es", "--start", "pro_guns", "--set", "dug=true",
                    story=root)
    out = proc.stdout.decode()
    assert proc.returncode == 0 and "Traceback" not in proc.stderr.decode()
    assert "Prueba desde la escena «pro_guns»" in out and "[sin traducir] The guns from Kunming" in out
    assert "Valores al llegar: dug=true." in out


@pytest.mark.parametrize(("args", "said"), [
    (["--start", "pro_gun"], '--start: there is no scene "pro_gun"; did you mean "pro_guns"?'),
    (["--start", "zzzz"], '--start: there is no scene "zzzz". hengyang check lists the story.'),
    (["--start", "pro_guns", "--set", "dg=true"], '--set: the story declares no variable "dg"; did you mean "dug"?'),
    (["--start", "pro_guns", "--set", "zzzz=1"], '--set: the story declares no variable "zzzz"'),
    (["--start", "pro_guns", "--set", "dug=3"], '--set dug: "3" is not true or false, and dug is a flag.'),
    (["--start", "pro_guns", "--set", "messages=lots"], '--set messages: "lots" is not a whole number'),
    (["--start", "pro_guns", "--set", "messages=true"], '--set messages: "true" is not a whole number'),
    (["--start", "pro_guns", "--set", "messages=1.5"], '--set messages: "1.5" is not a whole number'),
    (["--start", "pro_guns", "--set", "messages=" + "9" * 16], "is out of range; a counter stays between"),
    (["--start", "pro_guns", "--set", "messages=" + "9" * 5000], "is not a whole number"),
    (["--start", "pro_guns", "--set", "dug"], '--set "dug": write a variable, = and its value'),
    (["--start", "pro_guns", "--set", "=true"], '--set "=true": write a variable'),
    (["--start", "pro_guns", "--set", "dug="], '--set "dug=": write a variable'),
    (["--start", "pro_guns", "--set", "dug=true", "--set", "dug=false"], '--set: "dug" is given twice'),
])
def test_every_mistake_is_one_line_and_exit_2(args: list[str], said: str, tmp_path: Path) -> None:
    code, out, err = _cli(*args, saves=tmp_path / "saves")
    assert code == 2 and "Traceback" not in err and out == ""
    assert err.count("\n") == 1 and said in err, err
    assert not (tmp_path / "saves").exists()


def test_the_mistakes_are_said_in_the_writers_language(tmp_path: Path) -> None:
    code, _out, err = _cli("--start", "pro_gun", lang="es_ES.UTF-8", saves=tmp_path)
    assert code == 2 and err == "--start: no hay ninguna escena «pro_gun»; ¿querías decir «pro_guns»?\n"
    code, _out, err = _cli("--start", "pro_guns", "--set", "dug=sí", lang="es_ES.UTF-8", saves=tmp_path)
    assert code == 2 and err == "--set dug: «sí» no es true ni false, y dug es un indicador.\n"


def test_a_malformed_set_through_a_pipe_is_said_too(tmp_path: Path) -> None:
    proc = run_pipe(tmp_path / "saves", b"", "--start", "pro_guns", "--set")
    assert proc.returncode == 2 and b"--set" in proc.stderr and b"Traceback" not in proc.stderr


def test_the_values_are_the_state_on_arriving_and_the_entry_effects_apply_after() -> None:
    """--set is what the variables hold as the scene is entered; the scene's own effects then
    run as in play (pro_dig sets dug); visits and notes start at the trial's scene."""
    result = load_fixture()
    assert result.story is not None and result.catalog is not None
    s = Session(result.story, result.catalog, lang="en", store=None, start_at="pro_dig",
                start_vars={"dug": False, "messages": 4})
    s.begin()
    assert s.state is not None
    assert s.state.vars == {"dug": True, "messages": 4, "helped_civilians": False}
    assert dict(s.state.visits) == {"pro_dig": 1}
    cliffs = Session(result.story, result.catalog, lang="en", store=None, start_at="pro_cliffs")
    cliffs.begin()
    assert cliffs.state is not None and cliffs.state.notes == ("defences",)  # its entry note, no earlier one


def test_a_reload_drops_a_value_the_story_no_longer_declares(tmp_path: Path) -> None:
    from adventure.play.watch import StoryFiles

    root = copy_fixture(tmp_path / "story")
    files = StoryFiles(root / "story", root / "locales")
    result, _ = files.load()
    assert result.story is not None and result.catalog is not None
    s = Session(result.story, result.catalog, lang="en", store=None, start_at="pro_guns",
                start_vars={"helped_civilians": True, "messages": 3}, reloader=files)
    s.begin()
    for name in ("story.yaml", "prologue.yaml"):  # the writer renames a variable
        edit(root / "story" / name, "helped_civilians", "helped_family")
    assert s.reload()[0].text == "Story reloaded; you are where you were."
    assert s.start_vars == {"messages": 3}
    reply = s.handle("restart")  # the trial begins again with what still fits, no crash
    assert s.state is not None and s.state.scene == "pro_guns" and s.state.vars["messages"] == 3, reply


def test_parse_sets_reads_by_the_declared_type() -> None:
    result = load_fixture()
    assert result.story is not None
    assert parse_sets(result.story, ["dug=True", " messages = -3 ", "helped_civilians=FALSE"]) == {
        "dug": True, "messages": -3, "helped_civilians": False}
    with pytest.raises(TrialError) as caught:
        parse_sets(result.story, ["messages=+1_000"])
    assert caught.value.key == "ui.trial.not_number"


def test_a_trial_in_a_terminal_says_so_and_saves_nothing(tmp_path: Path) -> None:
    import pexpect

    from playkit import spawn

    child = spawn(tmp_path / "saves", "--start", "pro_guns", "--set", "dug=true")
    child.expect("Press Enter to begin")  # no continue question, even with a game on file
    shown = child.log.getvalue().decode()
    assert 'Trial from scene "pro_guns"' in shown and "Set on arriving: dug=true." in shown
    child.send("\r")
    child.expect("Lead them up")
    child.send("save x\r")
    child.expect("Saving is not available")
    child.send("quit\r")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0 and not (tmp_path / "saves").exists()
