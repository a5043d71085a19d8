"""Issue 10: the undo history is kept compactly (snapshots plus the choices between them),
old saves still load, and a changed story limits undo with a message."""

from __future__ import annotations

import datetime
import json
import random
import shutil
from pathlib import Path

import pytest

from adventure.core.engine import State, available, new_game, step
from adventure.files.loader import load_story
from adventure.play.history import RESTART, History
from adventure.play.saves import SAVE_VERSION, SaveStore, decode, encode
from adventure.play.session import Session
from playkit import ROOT, copy_fixture, edit
from storykit import FIXTURE, load_fixture

V1_FIXTURE = Path(__file__).resolve().parent / "fixtures" / "saves" / "version1.json"


def session(root: Path, saves: Path, *, lang: str = "en") -> Session:
    result = load_story(root / "story", root / "locales")
    assert result.ok and result.story is not None and result.catalog is not None
    clock = iter(datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc) + datetime.timedelta(seconds=i)
                 for i in range(10**6))
    s = Session(result.story, result.catalog, lang=lang, store=SaveStore(saves), clock=lambda: next(clock))
    s.begin()
    return s


def text(reply) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(p.text for p in reply.paras)


def random_game(s: Session, steps: int, seed: int = 1) -> list[State]:
    """``steps`` choices (a restart when the story ends) straight through the step API, as
    the session takes them, without an autosave for each; returns every state, first to last."""
    rng = random.Random(seed)
    story = s.story
    state = s.state
    assert state is not None
    states = [state]
    for _ in range(steps):
        choices = available(story, state)
        if choices:
            choice = rng.choice(choices).id
            s.history.push(state, choice)
            state = step(story, state, choice)[0]
        else:
            s.history.push(state, RESTART + story.start)
            state = new_game(story)[0]
        states.append(state)
    s.state = state
    return states


def test_a_100000_step_game_saves_under_a_megabyte_and_undoes_to_the_start(tmp_path: Path) -> None:
    s = session(ROOT, tmp_path / "saves")
    states = random_game(s, 100_000)
    s.write_slot("long")
    size = (tmp_path / "saves" / "long.json").stat().st_size
    assert size < 1_000_000, size
    loaded = decode(s.story, s.store.read("long"))  # type: ignore[union-attr]
    assert loaded.state == states[-1] and loaded.messages == []
    history = loaded.history
    assert len(history) == 100_000
    for expected in reversed(states[-3000:-1]):  # undo, one step at a time, across snapshots
        assert history.pop() == expected
    while len(history) > 1:
        history.pop()
    assert history.pop() == states[0]
    fresh = Session(s.story, s.catalog, lang="en", store=s.store)
    fresh.begin(resume="long")
    assert fresh.state == states[-1]
    for expected in reversed(states[-5:-1]):  # the session's undo, autosaving each time
        assert "One step back" in text(fresh.handle("undo"))
        assert fresh.state == expected


def test_the_save_grows_by_a_few_bytes_a_step(tmp_path: Path) -> None:
    s = session(ROOT, tmp_path / "saves")
    random_game(s, 2_000)
    s.write_slot("a")
    random_game(s, 2_000, seed=2)
    s.write_slot("b")
    a, b = ((tmp_path / "saves" / f"{n}.json").stat().st_size for n in "ab")
    assert (b - a) / 2_000 < 8, (a, b)


def test_history_equals_its_states_and_survives_a_round_trip(tmp_path: Path) -> None:
    s = session(FIXTURE, tmp_path / "saves")
    s.history = History(s.story, every=3)
    states = random_game(s, 40, seed=4)
    assert list(s.history) == states[:-1] and s.history == states[:-1]
    assert s.history[-1] == states[-2] and s.history[0] == states[0] and len(s.history[2:5]) == 3
    s.write_slot("rt")
    loaded = decode(s.story, s.store.read("rt"))  # type: ignore[union-attr]
    assert loaded.history == states[:-1]
    assert loaded.history.choices() == s.history.choices()


@pytest.mark.parametrize("every", [1, 3, 1000])
def test_two_histories_are_equal_exactly_when_their_states_are(tmp_path: Path, every: int) -> None:
    """History == History (what a load and setting a game aside compare) agrees with
    comparing the states one by one, whatever the snapshots: equal after a round trip and
    with the snapshots placed elsewhere, unequal for another game of the same length."""
    s = session(FIXTURE, tmp_path / "saves")
    s.history = History(s.story, every=every)
    states = random_game(s, 40, seed=5)
    s.write_slot("rt")
    loaded = decode(s.story, s.store.read("rt")).history  # type: ignore[union-attr]
    assert loaded == s.history and s.history == loaded
    spaced = History(s.story, every=every + 1)
    for i, state in enumerate(states[:-1]):
        spaced.push(state, s.history.token(i))
    assert spaced == s.history and list(spaced) == states[:-1]
    t = session(FIXTURE, tmp_path / "other")
    t.history = History(t.story, every=every)
    others = random_game(t, 40, seed=6)
    assert others[:-1] != states[:-1]
    assert t.history != s.history and s.history != t.history and loaded != t.history
    t.history.pop()  # one step shorter: not the same game either
    assert t.history != s.history


def test_a_version_1_save_still_loads_with_its_whole_history(tmp_path: Path) -> None:
    story = load_fixture().story
    assert story is not None
    raw = json.loads(V1_FIXTURE.read_text(encoding="utf-8"))
    assert raw["version"] == 1 and isinstance(raw["history"], list)
    loaded = decode(story, raw, slot="version1")
    assert loaded.messages in ([], [("ui.load_story_changed", {})])  # the interface texts may have changed
    assert "trail" not in loaded.extra
    assert [h.scene for h in loaded.history] == [h["scene"] for h in raw["history"]]
    assert loaded.history.choices() == raw["extra"]["trail"]  # the restart stays a restart
    saves = tmp_path / "saves"
    saves.mkdir()
    shutil.copy(V1_FIXTURE, saves / "version1.json")
    result = load_fixture()
    s = Session(result.story, result.catalog, lang="en", store=SaveStore(saves))  # type: ignore[arg-type]
    s.begin()
    assert 'Loaded "version1"' in text(s.handle("load version1"))
    s.handle("save again")
    again = json.loads((saves / "again.json").read_text(encoding="utf-8"))
    assert again["version"] == SAVE_VERSION and again["history"]["length"] == 4
    for h in reversed(raw["history"]):
        assert "One step back" in text(s.handle("undo"))
        assert s.state is not None and s.state.scene == h["scene"]
    assert "nothing to undo" in text(s.handle("undo"))


def test_a_version_2_save_as_written_today_still_loads() -> None:
    """tests/fixtures/saves/version2.json: a save of the compact format, with an undone step
    (its choice stays in the table) and a restart; a later format must keep it loadable."""
    story = load_fixture().story
    assert story is not None
    raw = json.loads((V1_FIXTURE.parent / "version2.json").read_text(encoding="utf-8"))
    assert raw["version"] == 2
    loaded = decode(story, raw, slot="version2")
    assert loaded.messages in ([], [("ui.load_story_changed", {})])
    assert loaded.state.scene == "pro_order"
    assert [h.scene for h in loaded.history] == ["pro_changsha", "pro_order", "pro_cliffs", "pro_changsha"]
    assert loaded.history.choices() == ["headquarters", "south", None, "headquarters"]


def _five_steps(root: Path, saves: Path) -> Session:
    """changsha -headquarters-> order -south-> cliffs -ask-> ask -back-> cliffs -dig-> dig,
    with a snapshot every two states (0, 2, 4)."""
    s = session(root, saves)
    s.history = History(s.story, every=2)
    for _ in range(5):  # the first choice each time
        s.handle("1")
    assert s.state is not None and s.state.scene == "pro_dig" and len(s.history) == 5
    s.handle("save five")
    return s


def test_a_changed_story_limits_undo_and_says_so(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path / "story")
    _five_steps(root, tmp_path / "saves")
    edit(root / "story/prologue.yaml", "      south:\n        to: pro_cliffs\n        effects:\n          - add: {messages: 1}",
         "      south:\n        to: pro_cliffs\n        effects:\n          - add: {messages: 2}")
    s = session(root, tmp_path / "saves")
    reply = text(s.handle("load five"))
    assert "undo goes back only 3 steps" in reply, reply
    for scene in ("pro_cliffs", "pro_cliffs_ask", "pro_cliffs"):
        assert "One step back" in text(s.handle("undo"))
        assert s.state is not None and s.state.scene == scene
    assert "no longer fit the story" in text(s.handle("undo"))
    es = session(root, tmp_path / "saves", lang="es")
    assert "deshacer solo puede retroceder 3 pasos" in text(es.handle("cargar five"))


def test_a_hand_edited_step_is_found_when_undo_reaches_it(tmp_path: Path) -> None:
    s = _five_steps(FIXTURE, tmp_path / "saves")
    path = tmp_path / "saves" / "five.json"
    obj = json.loads(path.read_text(encoding="utf-8"))
    table = obj["history"]["choices"]
    table.append("engineers")
    obj["history"]["steps"][0] = len(table) - 1  # changsha -engineers-> cliffs, then "south" fails
    path.write_text(json.dumps(obj), encoding="utf-8")
    fresh = session(FIXTURE, tmp_path / "saves")
    assert "undo goes back" not in text(fresh.handle("load five"))  # the same story: checked lazily
    for _ in range(3):
        assert "One step back" in text(fresh.handle("undo"))
    assert "no longer fit the story" in text(fresh.handle("undo"))
    assert s.store is not None


def test_a_history_that_does_not_reach_the_current_state_is_dropped_with_a_message(tmp_path: Path) -> None:
    s = _five_steps(FIXTURE, tmp_path / "saves")
    obj = json.loads((tmp_path / "saves" / "five.json").read_text(encoding="utf-8"))
    obj["state"]["vars"]["messages"] = 5  # the last step no longer leads here
    loaded = decode(s.story, obj, slot="five")
    assert ("ui.load_undo_cut", {"n": 0}) in loaded.messages and len(loaded.history) == 0


def test_restarts_are_tokens_not_snapshots(tmp_path: Path) -> None:
    s = session(FIXTURE, tmp_path / "saves")
    for _ in range(50):
        s.handle("1")
        s.handle("restart")
    s.write_slot("r")
    obj = json.loads((tmp_path / "saves" / "r.json").read_text(encoding="utf-8"))
    assert len(obj["history"]["snapshots"]) == 1 and RESTART + s.story.start in obj["history"]["choices"]
    assert s.trail.count(None) == 50
    loaded = decode(s.story, obj)
    assert loaded.history == list(s.history)


@pytest.mark.parametrize("every", [1, 2, 7])
def test_any_snapshot_spacing_gives_the_same_states(every: int) -> None:
    story = load_fixture().story
    assert story is not None
    rng = random.Random(every)
    history = History(story, every=every)
    state = new_game(story)[0]
    states = []
    for _ in range(60):
        choices = available(story, state)
        token = rng.choice(choices).id if choices else RESTART + story.start
        states.append(state)
        history.push(state, token)
        state = step(story, state, token)[0] if choices else new_game(story)[0]
    loaded = decode(story, encode(story, state, history, language="en", saved_at="t") | {"history": history.to_json()})
    assert loaded.history == states
    while states:
        assert loaded.history.pop() == states.pop()


def test_a_bad_step_before_an_opaque_one_is_found_on_loading(tmp_path: Path) -> None:
    s = _five_steps(FIXTURE, tmp_path / "saves")
    obj = json.loads((tmp_path / "saves" / "five.json").read_text(encoding="utf-8"))
    obj["history"]["choices"].append("nowhere")
    obj["history"]["steps"] = [0, 0, 0, 0, -1]  # ends opaque: the current state is whole anyway
    obj["history"]["steps"][3] = len(obj["history"]["choices"]) - 1
    obj["history"]["snapshots"] = {"0": obj["history"]["snapshots"]["0"]}
    loaded = decode(s.story, obj, slot="five")
    assert ("ui.load_undo_cut", {"n": 0}) in loaded.messages and len(loaded.history) == 0


def test_a_live_reload_that_changes_a_step_taken_limits_undo_and_says_so(tmp_path: Path) -> None:
    from adventure.play.watch import StoryFiles

    root = copy_fixture(tmp_path / "story")
    files = StoryFiles(root / "story", root / "locales")
    result, _ = files.load()
    assert result.story is not None and result.catalog is not None
    s = Session(result.story, result.catalog, lang="en", store=SaveStore(tmp_path / "saves"), reloader=files)
    s.begin()
    s.history = History(s.story, every=2)
    for _ in range(5):
        s.handle("1")
    edit(root / "story/prologue.yaml", "      south:\n        to: pro_cliffs\n        effects:\n          - add: {messages: 1}",
         "      south:\n        to: pro_cliffs\n        effects:\n          - add: {messages: 2}")
    reply = text(s.handle("reload"))
    assert "Story reloaded" in reply and "undo now goes back only 3 steps" in reply, reply
    for _ in range(3):
        assert "One step back" in text(s.handle("undo"))
    assert "no longer fit the story" in text(s.handle("undo"))
