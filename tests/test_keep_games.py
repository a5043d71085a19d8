"""Issue 10, point 3, case by case: starting afresh, the continue question in every mode, two
games on one save folder, a save folder that cannot be written, Ctrl-C during the last save.
(The property behind them all is tested in test_nothing_lost.py.)"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from adventure import cli
from adventure.play.saves import SaveStore, decode
from adventure.play.session import Session
from playkit import PLAY, ROOT, TOOLBAR, clean_exit, finish, game_env, run_pipe, save_json, spawn, story_args
from storykit import FIXTURE_ARGS, load_fixture

STORY = load_fixture().story


def at_the_cliffs(saves: Path) -> bytes:
    """An autosave at "The cliffs" (choice 2 from the first scene); returns its bytes."""
    proc = run_pipe(saves, b"2\nquit\n")
    clean_exit(proc, proc.stdout + proc.stderr)
    assert save_json(saves, "autosave")["summary"]["scene"] == "pro_cliffs"
    return (saves / "autosave.json").read_bytes()


def play_here(saves: Path, data: bytes, *args: str) -> str:
    """The real game (cli.main) in this process, with piped input; its output."""
    out = io.StringIO()
    code = cli.main([*FIXTURE_ARGS, "--save-dir", str(saves), *args], env={**os.environ, "LANG": "en_US.UTF-8"},
                    stdin=io.BytesIO(data), stdout=out, stderr=out)
    assert code == 0, out.getvalue()[-2000:]
    assert "Traceback" not in out.getvalue()
    return out.getvalue()


def listed(saves: Path) -> dict[str, str]:
    """Slot -> scene, as ``saves`` lists them."""
    return {info.slot: info.scene for info in SaveStore(saves).list() if info.ok}


# -- starting afresh keeps the game on file -------------------------------------------------

def test_the_readme_scripted_run_keeps_the_game_on_file(tmp_path: Path) -> None:
    """``printf '1\\n2\\nnotes\\n' | python play.py`` over an autosave at The cliffs used to
    start afresh and rotate it away: now it is kept in a named slot, and the run says so."""
    saves = tmp_path / "saves"
    at_the_cliffs(saves)
    proc = run_pipe(saves, b"1\n2\nnotes\n")
    out = proc.stdout.decode("utf-8")
    clean_exit(proc, out + proc.stderr.decode())
    question = out.index("Continue from it? [Y/n]")
    assert question < out.index("The news from the north"), "the question comes before the scene"
    assert 'your earlier game is kept as "earlier-game"' in out and "type load earlier-game" in out
    assert "> 1\n" in out and "The city empties" in out, "the script's first line is its first move"
    slots = listed(saves)
    assert slots["earlier-game"] == "pro_cliffs" and slots["autosave"] == "pro_evacuation"
    again = run_pipe(saves, b"n\nload earlier-game\nquit\n")
    assert b'Loaded "earlier-game"' in again.stdout and b"The cliffs" in again.stdout


def test_the_same_in_spanish(tmp_path: Path) -> None:
    saves = tmp_path / "saves"
    at_the_cliffs(saves)
    out = play_here(saves, b"1\n", "--lang", "es")
    assert "¿Quieres continuarla? [S/n]" in out
    assert "tu partida anterior se conserva como «earlier-game»" in out


@pytest.mark.parametrize("word", ["n", "no", "N", "No"])
def test_answering_no_keeps_the_game_and_says_where(tmp_path: Path, word: str) -> None:
    saves = tmp_path / "saves"
    at_the_cliffs(saves)
    out = play_here(saves, f"{word}\n1\n".encode())
    assert 'Your earlier game is kept as "earlier-game": type load earlier-game' in out
    assert listed(saves)["earlier-game"] == "pro_cliffs"
    assert "I didn't understand" not in out


def test_a_game_kept_twice_is_stored_once_and_kept_slots_are_never_overwritten(tmp_path: Path) -> None:
    saves = tmp_path / "saves"
    at_the_cliffs(saves)
    play_here(saves, b"n\n2\n")  # kept: the cliffs; then a second game, also at the cliffs
    out = play_here(saves, b"n\n1\n")  # that one is the same game: the kept slot is named again
    assert 'kept as "earlier-game"' in out
    out = play_here(saves, b"n\n")  # a game at the order (one step): a different game
    assert 'kept as "earlier-game-2"' in out
    out = play_here(saves, b"n\n")  # a game that never left its first scene: nothing to keep
    assert "kept as" not in out
    assert {k: v for k, v in listed(saves).items() if k.startswith("earlier")} == {
        "earlier-game": "pro_cliffs", "earlier-game-2": "pro_order"}
    out = play_here(saves, b"n\nsave earlier-game-2\nsave Earlier-Game\nsave AUTOSAVE-2\n")
    assert out.count("kept for the game") == 3


def test_a_game_started_without_the_question_keeps_the_autosave_it_replaces(tmp_path: Path) -> None:
    """A session begun directly (a writer's --start, a test) would rotate the autosave away at
    its first step: it keeps the game first, and says so."""
    result = load_fixture()
    assert result.story is not None and result.catalog is not None
    first = Session(result.story, result.catalog, lang="en", store=SaveStore(tmp_path))
    first.begin()
    first.handle("2")
    cliffs = first.state
    first.quit()
    second = Session(result.story, result.catalog, lang="en", store=SaveStore(tmp_path))
    second.begin()
    reply = second.handle("1")
    assert any('is kept as "earlier-game"' in p.text for p in reply.paras)
    assert decode(result.story, SaveStore(tmp_path).read("earlier-game")).state == cliffs


def test_each_replaced_game_is_kept_across_several_loads(tmp_path: Path) -> None:
    result = load_fixture()
    assert result.story is not None and result.catalog is not None
    s = Session(result.story, result.catalog, lang="en", store=SaveStore(tmp_path))
    s.begin()
    s.handle("save fork")
    s.handle("1")
    one = s.state
    s.handle("load fork")  # the game at the order: before-load
    s.handle("2")
    two = s.state
    reply = s.handle("load fork")  # the game at the cliffs: before-load-2, not over the first
    assert any('kept as "before-load-2"' in p.text for p in reply.paras)
    store = SaveStore(tmp_path)
    assert decode(result.story, store.read("before-load")).state == one
    assert decode(result.story, store.read("before-load-2")).state == two
    s.handle("load autosave")  # the game it is playing: nothing to keep
    assert not store.exists("before-load-3")


# -- the continue question in every mode ----------------------------------------------------

@pytest.mark.parametrize("word", ["y", "yes", "s", "sí", "si", "continue", "continuar", "", "YES", "Sí", "CONTINUAR"])
def test_every_yes_word_continues_in_plain_mode(tmp_path: Path, word: str) -> None:
    saves = tmp_path / "saves"
    at_the_cliffs(saves)
    out = play_here(saves, f"{word}\nlook\n".encode())
    assert "Continuing where you left off" in out and "kept as" not in out
    assert out.index("Continue from it?") < out.index("The cliffs\n"), "asked before any scene"
    assert "The news from the north" not in out


def test_end_of_input_at_the_question_leaves_the_game_as_it_was(tmp_path: Path) -> None:
    saves = tmp_path / "saves"
    before = at_the_cliffs(saves)
    out = play_here(saves, b"")
    assert out.rstrip().endswith("Goodbye.")
    assert (saves / "autosave.json").read_bytes() == before and sorted(listed(saves)) == ["autosave"]


def test_plain_mode_in_a_terminal_asks_first_and_asks_again(tmp_path: Path) -> None:
    saves = tmp_path / "saves"
    at_the_cliffs(saves)
    child = spawn(saves, "--plain")
    child.expect(r"Continue from it\? \[Y/n\] ")
    assert b"The news from the north" not in child.log.getvalue()
    child.sendline("maybe")
    child.expect("Please answer yes or no")
    child.expect(r"\[Y/n\] ")
    child.sendline("sí")
    child.expect("Continuing where you left off")
    child.expect("> ")
    child.sendline("quit")
    clean_exit(child, finish(child))


@pytest.mark.parametrize("word, continued", [("continuar", True), ("n", False)])
def test_the_question_in_a_terminal(tmp_path: Path, word: str, continued: bool) -> None:
    saves = tmp_path / "saves"
    at_the_cliffs(saves)
    child = spawn(saves)
    child.expect(r"Continue from it\? \[Y/n\]")
    child.sendline(word)
    child.expect("Continuing where you left off" if continued else 'kept as "earlier-game"')
    child.expect(TOOLBAR)
    child.sendline("quit")
    clean_exit(child, finish(child))
    assert ("earlier-game" in listed(saves)) is not continued


# -- two games on one save folder -----------------------------------------------------------

def test_a_second_game_is_told_and_neither_overwrites_the_other(tmp_path: Path) -> None:
    saves = tmp_path / "saves"
    at_the_cliffs(saves)
    first = subprocess.Popen([sys.executable, PLAY, *story_args()], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, cwd=str(ROOT), env=game_env(saves))
    assert first.stdin is not None and first.stdout is not None
    first.stdin.write(b"y\n1\nzzmark\n")  # continues at the cliffs, takes a step
    first.stdin.flush()
    seen = b""
    while b'understand "zzmark' not in seen:
        chunk = first.stdout.read1(65536)
        assert chunk, seen
        seen += chunk
    mine = (saves / "autosave.json").read_bytes()
    second = run_pipe(saves, b"1\n2\nquit\n")
    out = second.stdout.decode("utf-8")
    clean_exit(second, out + second.stderr.decode())
    assert "Another game is already running on this save folder" in out and 'autosaves as "autosave-2"' in out
    assert 'Your game was saved as "autosave-2"' in out
    assert (saves / "autosave.json").read_bytes() == mine, "the second game never touches the first one's autosave"
    assert listed(saves)["autosave-2"] == "pro_evacuation"
    spanish = run_pipe(saves, b"salir\n", "--lang", "es")
    assert "Ya hay otra partida abierta en esta carpeta" in spanish.stdout.decode("utf-8")
    # The first game is killed: the OS drops its lock, so the next game is the first again.
    first.send_signal(signal.SIGKILL)
    first.wait(30)
    first.stdin.close()
    first.stdout.close()
    third = run_pipe(saves, b"y\nquit\n")
    out = third.stdout.decode("utf-8")
    clean_exit(third, out + third.stderr.decode())
    assert "Another game" not in out and "Continuing where you left off" in out
    assert (saves / ".lock").exists()
    assert listed(saves)["autosave"] == save_json(saves, "autosave")["summary"]["scene"]


# -- a save folder that cannot be written ---------------------------------------------------

def unwritable(tmp_path: Path) -> Path:
    """A save folder that can never be made (under a regular file): writes fail even as root."""
    (tmp_path / "a-file").write_text("not a folder")
    return tmp_path / "a-file" / "saves"


def test_quitting_when_saving_fails_asks_and_saves_in_the_fallback_folder(tmp_path: Path) -> None:
    fallback = tmp_path / "fallback"
    proc = run_pipe(fallback, b"1\nquit\n\n", "--save-dir", str(unwritable(tmp_path)))
    out = proc.stdout.decode("utf-8")
    clean_exit(proc, out + proc.stderr.decode())
    assert "Your game could not be saved in" in out and "If you leave now, what you played" in out
    assert f"Press Enter to save it in {fallback}" in out
    assert f'Your game was saved in {fallback} as "autosave"' in out and out.rstrip().endswith("Goodbye.")
    assert save_json(fallback, "autosave")["summary"]["scene"] == "pro_order"
    assert "the game goes on" not in out.split("> quit")[1]


def test_quitting_when_saving_fails_can_go_back_save_elsewhere_or_leave_unsaved(tmp_path: Path) -> None:
    bad = unwritable(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    proc = run_pipe(tmp_path / "fallback", f"1\nquit\ncontinue\n2\nquit\n{bad}\n{elsewhere}\n".encode(),
                    "--save-dir", str(bad))
    out = proc.stdout.decode("utf-8")
    clean_exit(proc, out + proc.stderr.decode())
    assert "Back to the game" in out and "The city empties" in out
    assert "It could not be saved in" in out and f"Your game was saved in {elsewhere}" in out
    assert save_json(elsewhere, "autosave")["summary"]["scene"] == "pro_evacuation"
    proc = run_pipe(tmp_path / "fallback2", b"1\nquit\nsalir\n", "--save-dir", str(bad))
    out = proc.stdout.decode("utf-8")
    clean_exit(proc, out + proc.stderr.decode())
    assert "You leave without saving this session." in out and not (tmp_path / "fallback2").exists()


def test_end_of_input_when_saving_fails_saves_in_the_fallback_folder_and_says_so(tmp_path: Path) -> None:
    fallback = tmp_path / "fallback"
    proc = run_pipe(fallback, b"1\n", "--save-dir", str(unwritable(tmp_path)), "--lang", "es")
    out = proc.stdout.decode("utf-8")
    clean_exit(proc, out + proc.stderr.decode())
    assert f"Tu partida se ha guardado en {fallback}" in out
    assert save_json(fallback, "autosave")["summary"]["scene"] == "pro_order"


# -- Ctrl-C during the save on the way out --------------------------------------------------

def test_a_second_ctrl_c_during_the_save_on_quit_cannot_stop_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A real SIGINT arrives during every save: the first interrupts the game (mid-step), the
    others arrive during the save on the way out. The game is saved, with no traceback."""
    saves = tmp_path / "saves"
    real_write = SaveStore.write
    sent = []

    def interrupted_write(self: SaveStore, slot: str, payload: object, **kwargs: Any) -> Path:
        sent.append(slot)
        os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C, as the save begins
        return real_write(self, slot, payload, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(SaveStore, "write", interrupted_write)
    out = play_here(saves, b"1\n2\n")
    assert len(sent) >= 2, "a SIGINT arrived during the save on the way out too"
    assert "Goodbye." in out and "Traceback" not in out
    assert save_json(saves, "autosave")["summary"]["scene"] in ("pro_order", "pro_changsha")
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_third_game_takes_the_third_autosave_and_a_closed_one_frees_its_own(tmp_path: Path) -> None:
    from adventure.play.persistence import opening

    result = load_fixture()
    assert result.story is not None and result.catalog is not None
    games = [Session(result.story, result.catalog, lang="en", store=SaveStore(tmp_path)) for _ in range(3)]
    said = [opening(s)[1] for s in games]
    assert [s.keeper.lane.autosave for s in games] == ["autosave", "autosave-2", "autosave-3"]
    assert said[0] == [] and 'this one autosaves as "autosave-3"' in said[2][0].text
    games[1].keeper.release()  # the second game ends: the next one takes its place
    late = Session(result.story, result.catalog, lang="en", store=SaveStore(tmp_path))
    opening(late)
    assert late.keeper.lane.autosave == "autosave-2"
    for s in games + [late]:
        s.keeper.release()


def test_the_fallback_folder_is_the_user_folder_unless_that_is_the_one_failing(tmp_path: Path) -> None:
    import tempfile

    result = load_fixture()
    assert result.story is not None and result.catalog is not None
    s = Session(result.story, result.catalog, lang="en", store=SaveStore(tmp_path / "saves"))
    s.keeper.fallback = lambda: tmp_path / "user"
    assert s.keeper.fallback_dir() == tmp_path / "user"
    s.keeper.fallback = lambda: tmp_path / "saves"
    assert s.keeper.fallback_dir().parent == Path(tempfile.gettempdir())
