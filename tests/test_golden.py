"""Golden playthroughs, played straight and with a save/load round trip after every input (as
ink runs its suite twice, once through JSON).

A ``tests/golden/*.golden`` file holds lines::

    story shipped | story prologue    which story (the shipped one, or a tests/fixtures/ folder)
    lang en                           the language
    set VAR VALUE                     (optional) a variable's value when starting mid-story
    start SCENE                       (optional) start at a scene instead of the beginning
    > input                           typed at the prompt
    = scene_id                        the scene after it
    ~ text                            text that must appear in the reply
    ! ending_id                       the ending reached
"""

from __future__ import annotations

from pathlib import Path

import pytest

from adventure.files.loader import load_story
from adventure.play.saves import SaveStore
from adventure.play.session import Session

GOLDEN = sorted((Path(__file__).parent / "golden").glob("*.golden"))
FIXTURES = Path(__file__).parent / "fixtures"


def parse(path: Path) -> tuple[str, str, list[tuple[str, str, int]]]:
    lang = "en"
    story = "shipped"
    steps = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.rstrip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("lang "):
            lang = line.split()[1]
            continue
        if line.startswith("story "):
            story = line.split()[1]
            continue
        if line.startswith(("start ", "set ")):
            steps.append((line.split()[0], line.split(None, 1)[1], number))
            continue
        kind, _, rest = line.partition(" ")
        assert kind in (">", "=", "~", "!"), f"{path.name}:{number}: unknown line"
        steps.append((kind, rest, number))
    return story, lang, steps


def play(path: Path, *, round_trip: bool, tmp_path: Path) -> list[str]:
    which, lang, steps = parse(path)
    result = load_story() if which == "shipped" else load_story(FIXTURES / which / "story", FIXTURES / which / "locales")
    assert result.ok and result.story is not None and result.catalog is not None
    store = SaveStore(tmp_path / "saves")
    session = Session(result.story, result.catalog, lang=lang, store=store)
    start = next((arg for kind, arg, _ in steps if kind == "start"), None)
    preset = {}
    for kind, arg, _ in steps:
        if kind == "set":
            name, value = arg.split()
            preset[name] = value == "true" if value in ("true", "false") else int(value)
    if start is not None or preset:
        from adventure.core.engine import new_game

        session.state, output = new_game(result.story, at=start, variables=preset)
        output = "\n".join(p.text for p in session.show_scene())
    else:
        output = "\n".join(p.text for p in session.begin())
    trace = []
    for kind, arg, number in steps:
        where = f"{path.name}:{number}"
        if kind in ("start", "set"):
            continue
        if kind == ">":
            reply = session.handle(arg)
            output = "\n".join(p.text for p in reply.paras)
            trace.append(f"> {arg}")
            if round_trip:
                session.write_slot("golden")
                fresh = Session(result.story, result.catalog, lang=session.lang, store=store)
                fresh.begin(resume="golden")
                assert fresh.state == session.state, f"{where}: state differs after save/load"
                assert fresh.history == session.history, f"{where}: history differs after save/load"
                session = fresh
        elif kind == "=":
            assert session.state is not None
            assert session.state.scene == arg, f"{where}: at {session.state.scene}, expected {arg}"
            trace.append(f"= {arg}")
        elif kind == "!":
            assert session.state is not None and session.state.ending == arg, f"{where}: ending {session.state.ending}"
            trace.append(f"! {arg}")
        elif kind == "~":
            assert arg in output, f"{where}: {arg!r} not in the output:\n{output}"
    return trace


@pytest.mark.parametrize("path", GOLDEN, ids=[p.stem for p in GOLDEN])
def test_golden_playthrough(path: Path, tmp_path: Path) -> None:
    play(path, round_trip=False, tmp_path=tmp_path)


@pytest.mark.parametrize("path", GOLDEN, ids=[p.stem for p in GOLDEN])
def test_golden_playthrough_through_saves(path: Path, tmp_path: Path) -> None:
    straight = play(path, round_trip=False, tmp_path=tmp_path / "a")
    through_saves = play(path, round_trip=True, tmp_path=tmp_path / "b")
    assert straight == through_saves


def test_there_are_golden_files() -> None:
    assert len(GOLDEN) >= 2
