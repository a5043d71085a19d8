"""Chapter III, "The hospital", walked exhaustively: every route from ``hos_arrival``, for each
combination of the earlier state it reads, ends at the epilogue's entry or, for the
among_the_wounded ending, at the coda that follows its last scene, with its four notes unlocked
and its state set as the bible says.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from adventure.core.engine import State, available, new_game, step
from adventure.core.model import Story
from adventure.files.loader import load_story

ENTRY = "hos_arrival"
EXIT = "epi_north"
CODA = "coda_record"  # the coda after hos_end_wounded, which ends the story as among_the_wounded
NOTES = {"wang_nutao", "reinforcements_4_august", "the_hospital", "last_eight_rounds"}
EARLIER = [
    {"ground_rounds": g, "worn_hands": g > 0, "stayed_in_pillbox": p} for g in (0, 4) for p in (False, True)
]


@pytest.fixture(scope="module")
def story() -> Story:
    result = load_story()
    assert result.ok and result.story is not None
    return result.story


def routes(story: Story, state: State, path: tuple[str, ...] = ()) -> Iterator[tuple[State, tuple[str, ...]]]:
    """Every finished route from ``state``: (final state, scenes visited in order)."""
    path = path + (state.scene,)
    if state.ending is not None or state.scene in (EXIT, CODA):
        yield state, path
        return
    choices = available(story, state)
    assert choices, f"no choice open at {state.scene} after {' > '.join(path)}"
    for choice in choices:
        nxt, _ = step(story, state, choice.id)
        yield from routes(story, nxt, path)


@pytest.mark.parametrize("earlier", EARLIER, ids=lambda e: f"g{e['ground_rounds']}-p{e['stayed_in_pillbox']}")
def test_every_route_through_the_hospital(story: Story, earlier: dict[str, int | bool]) -> None:
    start, _ = new_game(story, at=ENTRY, variables=earlier)
    finished = list(routes(story, start))
    endings = {state.scene for state, _ in finished}
    assert endings == {CODA, EXIT}
    for state, path in finished:
        where = " > ".join(path)
        assert all(story.scenes[s].chapter == "hospital" for s in path[:-1]), where
        assert NOTES <= set(state.notes), where
        assert state.vars["messages"] > 0, where
        # The ending follows only from choosing to stay, and only through its scene.
        assert state.ending is None, where
        if state.scene == CODA:
            assert path[-2] == "hos_end_wounded", where
            assert state.vars["stayed_with_wounded"] is True, where
        # The letter is written only for a runner who has helped the wounded at least twice.
        assert state.vars["carried_letter"] == ("hos_letter" in path), where
        if state.vars["carried_letter"]:
            assert state.vars["helped_wounded"] >= 2, where
        # Scenes that depend on earlier chapters appear only with that state.
        assert ("hos_hands" in path) <= bool(earlier["worn_hands"]), where
        assert ("hos_pillbox_told" in path) <= bool(earlier["stayed_in_pillbox"]), where


def test_choices_that_read_earlier_chapters_are_offered(story: Story) -> None:
    """With the earlier state set, the variant scenes are reachable; without it, they are not."""
    seen: dict[bool, set[str]] = {}
    for worn in (False, True):
        start, _ = new_game(story, at=ENTRY, variables={"ground_rounds": 3 if worn else 0, "worn_hands": worn,
                                                        "stayed_in_pillbox": worn})
        seen[worn] = {s for _, path in routes(story, start) for s in path}
    assert {"hos_hands", "hos_pillbox_told"} <= seen[True]
    assert not {"hos_hands", "hos_pillbox_told"} & seen[False]
    every = {sid for sid, sc in story.scenes.items() if sc.chapter == "hospital"}
    assert every <= seen[True] | seen[False]
