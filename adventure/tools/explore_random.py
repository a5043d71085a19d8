"""Random playthroughs: N games choosing at random, reproducible from a seed (ChoiceScript's randomtest).

:func:`random_playthroughs` counts how often each scene, choice, ending and note is reached and
keeps the first game that failed (a soft-lock, or no ending after ``max_steps`` choices) with the
inputs that replay it::

    result = random_playthroughs(story, runs=1000, seed=1)
    result.outcomes, result.first_failure
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field

from adventure.core.diagnostics import Diagnostic
from adventure.core.engine import new_game, step
from adventure.core.model import Story
from adventure.files.diagtext import diag
from adventure.tools.explore_findings import choices_listed, replay_hint
from adventure.tools.explore_state import Progress, choices_now


@dataclass
class Playthrough:
    """One random game: its number, how it ended, where, and the inputs that replay it."""

    number: int
    outcome: str  # "ending", "soft-lock" or "unfinished"
    scene: str
    ending: str | None
    inputs: list[int]


@dataclass
class RandomResult:
    """Hit counts over N random playthroughs, and the first that failed."""

    story: Story
    runs: int
    seed: int
    max_steps: int
    scenes: dict[str, int] = field(default_factory=dict)   # times entered
    choices: dict[tuple[str, str], int] = field(default_factory=dict)  # times taken
    endings: dict[str, int] = field(default_factory=dict)  # playthroughs ending there
    notes: dict[str, int] = field(default_factory=dict)    # playthroughs unlocking it
    outcomes: dict[str, int] = field(default_factory=dict)
    steps: int = 0
    first_failure: Playthrough | None = None
    softlocks: dict[str, Playthrough] = field(default_factory=dict)  # scene -> first playthrough
    elapsed: float = 0.0
    findings: list[Diagnostic] = field(default_factory=list)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.findings if d.is_error]


def random_playthroughs(story: Story, *, runs: int, seed: int, max_steps: int = 1000,
                        progress: Progress | None = None, command: str = "hengyang") -> RandomResult:
    """Play ``runs`` games choosing at random (reproducible: the same seed gives the same
    games). A game fails when no choice is open (soft-lock); one that has not ended after
    ``max_steps`` choices is counted as unfinished. ``command``: as for :func:`explore`."""
    began = time.perf_counter()
    rng = random.Random(seed)
    res = RandomResult(story, runs, seed, max_steps)
    res.scenes = dict.fromkeys(story.scenes, 0)
    res.choices = {(s.id, c.id): 0 for s in story.scenes.values() for c in s.choices}
    res.endings = dict.fromkeys(story.endings, 0)
    res.notes = dict.fromkeys(story.notes, 0)
    res.outcomes = {"ending": 0, "soft-lock": 0, "unfinished": 0}
    scenes = story.scenes
    tally: dict[tuple[str, str], list[int]] = {
        (s.id, c.id): [0, 0] for s in story.scenes.values() for c in s.choices if c.when is not None}
    for number in range(1, runs + 1):
        state, out = new_game(story)
        res.scenes[state.scene] += 1
        inputs: list[int] = []
        outcome = "unfinished"
        for _ in range(max_steps):
            if state.ending is not None:
                outcome = "ending"
                break
            scene = scenes[state.scene]
            choices = choices_now(scene.choices, scene.id, state, tally)
            if not choices:
                outcome = "soft-lock"
                break
            pick = rng.randrange(len(choices))
            inputs.append(pick + 1)
            c = choices[pick]
            res.choices[(scene.id, c.id)] += 1
            state, out = step(story, state, c.id)
            if out.entered:
                res.scenes[state.scene] += 1
        else:
            if state.ending is not None:
                outcome = "ending"
        res.steps += len(inputs)
        res.outcomes[outcome] += 1
        for nid in set(state.notes):
            res.notes[nid] = res.notes.get(nid, 0) + 1
        if state.ending is not None:
            res.endings[state.ending] = res.endings.get(state.ending, 0) + 1
        if outcome != "ending":
            played = Playthrough(number, outcome, state.scene, state.ending, inputs)
            if outcome == "soft-lock":
                res.softlocks.setdefault(state.scene, played)
                if res.first_failure is None or res.first_failure.outcome != "soft-lock":
                    res.first_failure = played
            elif res.first_failure is None:
                res.first_failure = played
        if progress is not None and not number & 63:
            progress(number, runs, 0)
    res.elapsed = time.perf_counter() - began
    for sid, played in res.softlocks.items():
        pos = scenes[sid].pos
        res.findings.append(diag("E401", pos[0], pos[1], pos[2], "E401.random", scene=sid, number=played.number,
                                 path=choices_listed(played.inputs), replay=replay_hint(played.inputs, command)))
    res.findings.sort(key=Diagnostic.sort_key)
    return res
