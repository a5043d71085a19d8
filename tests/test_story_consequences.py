"""Choices that matter longer (issue 14, point 13).

Each long-range decision is played from the very start twice with the real engine: once taking
it and once not. The playthrough that takes it must show its consequence a chapter or more
later (a scene entered, or a choice offered) and the other must not. Every such decision is
listed here by chapter; each chapter before the epilogue has at least two, and the epilogue's
show up in the ending. A last test walks random games and checks that no decision offers two
choices that lead to the same scene with nothing changed that the story ever reads or shows.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping
from typing import NamedTuple

import pytest

from adventure.core import model as m
from adventure.core.engine import available, new_game, step
from adventure.files.loader import load_story
from adventure.play.session import Session

# A neutral route from the first scene to an ending: the choice taken in each scene unless a
# test overrides it (when the preferred choice is not offered, the first one offered is taken).
BASE: dict[str, str] = {
    "pro_changsha": "headquarters", "pro_order": "south", "pro_gate": "hills", "pro_cliffs": "city",
    "pro_dig": "city", "pro_evacuation": "run", "pro_evac_help": "on", "pro_first_night": "line",
    "pro_end": "follow", "bat_arrival": "report", "bat_bai": "rounds", "bat_three_donts": "rounds",
    "bat_rounds": "stay", "bat_path": "stay", "bat_night": "sleep", "bat_other_side": "listen",
    "bat_morning": "go", "bat_oujiating": "on", "bat_days": "rounds", "pil_arrival": "trench",
    "pil_offensive": "zang", "pil_request": "back", "pil_platoon_wait": "watch", "pil_dusk": "stay",
    "pil_eight": "stay", "pil_boxes": "stay", "pil_grind": "stop", "pil_cliffs": "word",
    "pil_halt": "on", "hos_arrival": "inside", "hos_wang": "work", "hos_raid": "run",
    "hos_no_patients": "stop", "hos_liu": "night", "hos_letter": "wards", "hos_fourth": "on",
    "hos_sixth": "battery", "hos_stay": "stay", "epi_north": "line", "epi_bank": "back",
    "epi_line": "watch", "epi_watch": "sleep", "epi_order": "carry", "epi_terms": "lay_down",
    "epi_letter": "keep",
}


class Played(NamedTuple):
    scenes: list[str]
    offered: set[tuple[str, str]]
    ending: str | None
    choices: list[str]


class Decision(NamedTuple):
    chapter: str
    name: str
    take: Mapping[str, str]
    leave: Mapping[str, str]
    shows: tuple[tuple[str, ...], ...]  # ("scene", id) | ("offer", scene, choice) | ("ending", id)


DECISIONS = [
    Decision("prologue", "dig the cliffs", {"pro_cliffs": "dig", "pro_end": "path"}, {},
             (("offer", "bat_arrival", "path"), ("scene", "bat_lead"), ("scene", "coda_path"))),
    Decision("prologue", "help the family with the cart", {"pro_evacuation": "help"}, {},
             (("offer", "epi_terms", "people"), ("scene", "coda_cart"))),
    Decision("battery", "ask for the firing orders", {"bat_bai": "rule"}, {},
             (("offer", "pil_offensive", "rule"),)),
    Decision("battery", "look at the field, and listen", {"bat_night": "look"}, {},
             (("offer", "pil_halt", "field"), ("offer", "epi_watch", "remember"))),
    Decision("battery", "stay with the battery on the clear morning", {"bat_morning": "stay"}, {},
             (("offer", "pil_dusk", "eight"), ("scene", "coda_eight"))),
    Decision("pillbox", "take a rock in the ring", {"pil_request": "wait", "pil_platoon_wait": "rock"},
             {"pil_request": "wait", "pil_platoon_wait": "watch"},
             (("offer", "hos_wang", "hands"), ("scene", "coda_hands"))),
    Decision("pillbox", "follow Zang into the last pillbox", {"pil_cliffs": "follow"}, {"pil_cliffs": "word"},
             (("offer", "hos_no_patients", "pillbox"), ("scene", "coda_pillbox"))),
    Decision("hospital", "write Liu's letter",
             {"hos_arrival": "stretcher", "hos_raid": "carry", "hos_liu": "letter"},
             {"hos_arrival": "stretcher", "hos_raid": "carry", "hos_liu": "sit"},
             (("offer", "epi_terms", "letter"), ("ending", "the_letter"))),
    Decision("hospital", "help the wounded", {"hos_arrival": "stretcher", "hos_raid": "carry",
                                              "hos_no_patients": "belt"}, {},
             (("scene", "coda_wounded"),)),
    Decision("hospital", "stay with the wounded on 6 August", {"hos_sixth": "stay"}, {},
             (("ending", "among_the_wounded"),)),
    Decision("epilogue", "run to headquarters on 7 August", {"epi_north": "headquarters", "epi_bank": "stay"}, {},
             (("scene", "epi_sets"), ("ending", "last_message"))),
    Decision("epilogue", "keep the letter against your skin",
             {"hos_arrival": "stretcher", "hos_raid": "carry", "hos_liu": "letter", "epi_letter": "keep"},
             {"hos_arrival": "stretcher", "hos_raid": "carry", "hos_liu": "letter", "epi_letter": "hide"},
             (("ending", "the_letter"),)),
]


@pytest.fixture(scope="module")
def shipped():  # type: ignore[no-untyped-def]
    result = load_story()
    assert result.ok and result.story is not None and result.catalog is not None
    return result


def play(story: m.Story, overrides: Mapping[str, str]) -> Played:
    """A whole game from the first scene, choosing by ``overrides``, then ``BASE``, then first."""
    prefs = {**BASE, **overrides}
    state, _ = new_game(story)
    scenes, offered, taken = [state.scene], set(), []
    while state.ending is None:
        choices = available(story, state)
        assert choices, f"stuck at {state.scene}"
        offered |= {(state.scene, c.id) for c in choices}
        ids = [c.id for c in choices]
        wanted = prefs.get(state.scene, "")
        pick = wanted if wanted in ids else ids[0]
        taken.append(pick)
        state, _ = step(story, state, pick)
        scenes.append(state.scene)
        assert len(taken) < 300, scenes[-10:]
    return Played(scenes, offered, state.ending, taken)


def shown(played: Played, what: tuple[str, ...]) -> bool:
    if what[0] == "scene":
        return what[1] in played.scenes
    if what[0] == "offer":
        return (what[1], what[2]) in played.offered
    return played.ending == what[1]


def chapter_of(story: m.Story, what: tuple[str, ...]) -> int:
    order = [c.id for c in story.chapters]
    if what[0] == "ending":
        return len(order)  # the ending comes after every chapter
    return order.index(story.scenes[what[1]].chapter)


@pytest.mark.parametrize("decision", DECISIONS, ids=lambda d: d.name.replace(" ", "_"))
def test_a_decision_shows_later_only_when_taken(shipped, decision: Decision) -> None:  # type: ignore[no-untyped-def]
    story = shipped.story
    taken = play(story, decision.take)
    left = play(story, decision.leave)
    # The decision point (the first scene where the two games choose differently) is reached
    # by both, so the difference later is the decision's doing.
    at = next(s for s in decision.take if decision.take[s] != decision.leave.get(s))
    assert at in taken.scenes and at in left.scenes, (decision.name, at)
    for what in decision.shows:
        assert shown(taken, what), (decision.name, "taken", what)
        assert not shown(left, what), (decision.name, "not taken", what)
        if decision.chapter != "epilogue":  # the epilogue's decisions show in the ending
            assert chapter_of(story, what) > [c.id for c in story.chapters].index(decision.chapter), what


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_consequence_is_on_the_screen(shipped, lang: str) -> None:  # type: ignore[no-untyped-def]
    """Played through the real session: the consequence's scene title (or choice label) is
    shown to a player who took the decision, and not to one who did not."""
    story, catalog = shipped.story, shipped.catalog
    for decision in DECISIONS:
        for overrides, expect in ((decision.take, True), (decision.leave, False)):
            choices = play(story, overrides).choices
            session = Session(story, catalog, lang=lang, store=None)
            text = "\n".join(p.text for p in session.begin())
            for cid in choices:
                assert session.state is not None
                number = [c.id for c in available(story, session.state)].index(cid) + 1
                text += "\n" + "\n".join(p.text for p in session.handle(str(number)).paras)
            for what in decision.shows:
                if what[0] == "scene":
                    needle = catalog.get(lang, m.scene_title_key(what[1]))
                elif what[0] == "offer":
                    needle = catalog.get(lang, f"scenes.{what[1]}.choices.{what[2]}")
                else:  # the ending's own text (its title may also be a scene's)
                    needle = " ".join((catalog.get(lang, f"endings.{what[1]}.text") or "").split()[:14])
                assert needle
                assert (needle in text) == expect, (decision.name, lang, expect, needle)


def test_every_chapter_has_two_decisions_that_show_a_chapter_later() -> None:
    for chapter in ("prologue", "battery", "pillbox", "hospital", "epilogue"):
        assert len([d for d in DECISIONS if d.chapter == chapter]) >= 2, chapter


def test_the_coda_remembers_the_whole_path(shipped) -> None:  # type: ignore[no-untyped-def]
    """A runner who did everything is remembered for all of it at every ending; one who did
    nothing of it is remembered for none of it."""
    story = shipped.story
    everything = {"pro_cliffs": "dig", "pro_evacuation": "help", "bat_morning": "stay",
                  "pil_request": "wait", "pil_platoon_wait": "rock", "pil_cliffs": "follow",
                  "hos_arrival": "stretcher", "hos_raid": "carry", "hos_no_patients": "belt"}
    memories = ["coda_cart", "coda_path", "coda_eight", "coda_pillbox", "coda_hands", "coda_wounded"]
    endings = {"terms": {}, "among_the_wounded": {"hos_sixth": "stay"},
               "last_message": {"epi_north": "headquarters", "epi_bank": "stay"},
               "the_letter": {"hos_arrival": "stretcher", "hos_raid": "carry", "hos_liu": "letter"}}
    for ending, route in endings.items():
        full = play(story, {**everything, **route})
        assert full.ending == ending
        assert [s for s in full.scenes if s in memories] == memories, ending
        bare = play(story, route)
        # Liu asks for his letter only from a runner who has helped the wounded.
        expected = {"coda_wounded"} if ending == "the_letter" else set()
        assert bare.ending == ending and set(bare.scenes) & set(memories) == expected, ending
        for game in (full, bare):
            assert {"coda_record", "coda_close"} <= set(game.scenes)


def read_or_shown(story: m.Story, catalog) -> set[str]:  # type: ignore[no-untyped-def]
    names: set[str] = set()
    for scene in story.scenes.values():
        for choice in scene.choices:
            if choice.when is not None:
                names |= set(choice.when.names)
    for lang in story.languages:
        for text in catalog.texts[lang].values():
            names |= set(re.findall(r"(?<!\{)\{([a-z_][a-z0-9_]*)\}", text))
    return names


def test_no_decision_is_the_same_scene_with_nothing_changed(shipped) -> None:  # type: ignore[no-untyped-def]
    story, catalog = shipped.story, shipped.catalog
    matters = read_or_shown(story, catalog)
    rng = random.Random(14)
    for _ in range(1500):
        state, _ = new_game(story)
        while state.ending is None:
            choices = available(story, state)
            seen: dict[tuple[object, ...], str] = {}
            for choice in choices:
                effects = tuple(sorted((e.op, e.target, str(e.value)) for e in choice.effects
                                       if e.op in ("end", "note") or e.target in matters))
                key = (choice.to, effects)
                assert key not in seen, f"{state.scene}: '{seen.get(key)}' and '{choice.id}' change nothing"
                seen[key] = choice.id
            if story.scenes[state.scene].chapter == "coda":  # the coda routes; it asks nothing
                assert len(choices) == 1, (state.scene, [c.id for c in choices])
            state, _ = step(story, state, rng.choice(choices).id)
