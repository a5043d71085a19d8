"""The pure step function: effects, once-only choices, visit counts, endings, undo."""

from __future__ import annotations

from pathlib import Path

import pytest

from adventure.core.engine import InvalidChoice, State, available, is_stuck, new_game, step
from adventure.core.model import Story
from storykit import load_dir, write_story


@pytest.fixture
def story(tmp_path: Path) -> Story:
    result = load_dir(write_story(tmp_path))
    assert result.ok, [d.format() for d in result.diagnostics]
    assert result.story is not None
    return result.story


def ids(story: Story, state: State) -> list[str]:
    return [c.id for c in available(story, state)]


def test_new_game_enters_start_and_applies_entry_effects(story: Story) -> None:
    state, out = new_game(story)
    assert state.scene == "a" and state.visits == {"a": 1}
    assert state.notes == ("n1",) and out.notes == ("n1",)
    assert state.vars == {"n": 0, "f": False} and state.ending is None and state.turn == 0


def test_step_applies_effects_and_moves(story: Story) -> None:
    state, _ = new_game(story)
    new, out = step(story, state, "go")
    assert new.scene == "b" and new.vars["n"] == 1 and new.turn == 1
    assert [(c.name, c.old, c.new) for c in out.changes] == [("n", 0, 1)]
    assert out.entered and out.choice == "go" and out.scene == "b"


def test_step_is_pure(story: Story) -> None:
    state, _ = new_game(story)
    before = (dict(state.vars), dict(state.visits), state.notes, state.taken)
    a = step(story, state, "go")
    b = step(story, state, "go")
    assert a == b
    assert (dict(state.vars), dict(state.visits), state.notes, state.taken) == before


def test_conditions_filter_choices(story: Story) -> None:
    state, _ = new_game(story)
    state, _ = step(story, state, "go")  # n == 1 now, f still false
    assert ids(story, state) == ["end"]  # 'back' needs f
    with pytest.raises(InvalidChoice):
        step(story, state, "back")


def test_once_only_choice_disappears_after_being_taken(story: Story) -> None:
    state, _ = new_game(story)
    state, _ = step(story, state, "flag")
    assert state.vars["f"] is True and "a.flag" in state.taken
    assert ids(story, state) == ["back", "end"]
    state, _ = step(story, state, "back")
    assert state.visits["a"] == 2
    assert ids(story, state) == ["go"]  # 'flag' is gone, 'go' still open (n == 0)
    with pytest.raises(InvalidChoice):
        step(story, state, "flag")


def test_visit_counts_and_ending(story: Story) -> None:
    state, _ = new_game(story)
    state, _ = step(story, state, "go")
    state, out = step(story, state, "end")
    assert state.scene == "c" and state.ending == "done" and out.ending == "done"
    assert state.visits == {"a": 1, "b": 1, "c": 1}
    assert available(story, state) == () and not is_stuck(story, state)
    with pytest.raises(InvalidChoice):
        step(story, state, "end")


def test_unknown_choice_is_refused(story: Story) -> None:
    state, _ = new_game(story)
    with pytest.raises(InvalidChoice):
        step(story, state, "nope")


def test_undo_is_keeping_earlier_states(story: Story) -> None:
    history = []
    state, _ = new_game(story)
    for choice in ("flag", "back", "go"):
        history.append(state)
        state, _ = step(story, state, choice)
    while history:
        state = history.pop()
    assert state == new_game(story)[0]


def test_end_effect_ends_without_moving(tmp_path: Path) -> None:
    root = write_story(tmp_path, {"story/one.yaml": ("      end: c", "      stop:\n        effects:\n          - end: done\n      end: c"),
                                  "locales/en/text.yaml": ("      end: Finish.", "      end: Finish.\n      stop: Stop."),
                                  "locales/es/text.yaml": ("      end: Terminar.", "      end: Terminar.\n      stop: Parar.")})
    result = load_dir(root)
    assert result.ok, [d.format() for d in result.diagnostics]
    story = result.story
    assert story is not None
    state, _ = new_game(story)
    state, _ = step(story, state, "go")
    state, out = step(story, state, "stop")
    assert state.scene == "b" and state.ending == "done" and not out.entered


def test_soft_lock_is_detected(tmp_path: Path) -> None:
    root = write_story(tmp_path, {"story/one.yaml": ("      end: c", "      end:\n        to: c\n        when: n > 5")})
    story = load_dir(root).story
    assert story is not None
    state, _ = new_game(story)
    state, _ = step(story, state, "go")
    assert is_stuck(story, state)


def test_shipped_story_random_walks_never_crash() -> None:
    import random

    from adventure.files.loader import load_story

    result = load_story()
    assert result.ok and result.story is not None
    story = result.story
    rng = random.Random(7)
    endings = set()
    for _ in range(200):
        state, _ = new_game(story)
        for _ in range(300):
            choices = available(story, state)
            if not choices:
                break
            state, _ = step(story, state, rng.choice(choices).id)
        assert state.ending is not None, f"stuck at {state.scene}"
        endings.add(state.ending)
    from adventure.files.structure import endings_reached, reachable

    assert endings == endings_reached(story, reachable(story)), "random walks find every reachable ending"
