"""Exhaustive and random path testing of a story: the engine behind ``python play.py explore``.

:func:`explore` walks every reachable state breadth first, with the real :func:`~adventure.core.engine.step`,
and says what a player can and cannot reach: scenes and choices never reached, endings,
notes, soft-locks (a state with no choice open), loops with no way out, and conditions that
are always true or always false in practice (:mod:`adventure.tools.explore_findings`, as
coded diagnostics). :func:`~adventure.tools.explore_random.random_playthroughs` plays N random
games reproducibly from a seed (ChoiceScript's randomtest). Both return plain result objects;
the CLI in :mod:`adventure.cli.explore` only prints them, so benchmarks and tests call these::

    result = explore(load_story().story, max_states=100_000)
    result.complete, result.states, result.states_per_second, result.errors
    for d in result.findings:
        print(d.format())

**What a state is.** The scene, the variables, the visit counts, the once-only choices taken
and the ending; two states with the same *key* are explored once. The unlocked notes are
not part of it: no condition can read a note (conditions read variables and visit counts),
so notes never change which choices are open, and keeping them would multiply the states by
every combination of notes a player can collect. Which notes are unlocked is read from the
``note`` effects of the moves taken and the scenes entered; the most notes a player can hold
at each ending is then an upper bound (see :class:`EndingInfo`). ``notes_in_state=True``
(``--notes-in-state``) keeps them in the key, for the exact figure at the cost of many
more states. Visit counts and counters would make the space infinite in any loop, so the key keeps only
what a condition can tell apart (see :class:`Abstraction`): the visit count of a scene that
no ``visited()`` reads, or a counter no condition reads, is left out; a visit count is kept up
to one more than the largest number a condition compares it with (``visited("x") >= 2``
keeps 0, 1, 2, 3 where 3 means "3 or more"); a counter that only ever goes up (or only
down) saturates the same way. All of these are exact: states with the same key behave the
same from then on (:mod:`adventure.tools.explore_state`). Where a condition compares two
counts with each other the cap is an approximation, and the result says so. Anything still unbounded (a counter that goes both
up and down in a loop) is stopped by ``max_states``.
"""

from __future__ import annotations

import time
from array import array
from collections import deque
from collections.abc import Hashable
from dataclasses import dataclass, field

from adventure.core.diagnostics import Diagnostic
from adventure.core.engine import State, new_game, step
from adventure.core.model import Story
from adventure.tools.explore_findings import findings, replay_hint
from adventure.tools.explore_graph import note_bounds, predecessors, traps
from adventure.tools.explore_state import Abstraction, Progress, choices_now

__all__ = ["DEFAULT_MAX_STATES", "Abstraction", "EndingInfo", "ExploreResult", "explore", "replay_hint"]

DEFAULT_MAX_STATES = 2_000_000


@dataclass
class EndingInfo:
    """How an ending is reached: by how many distinct states, the shortest way, the most notes.

    ``max_notes`` is exact when ``max_notes_exact`` (notes kept in the state); otherwise it is
    an upper bound: the notes unlocked by any move into a state from which this ending can be
    reached (every way to the ending runs through such moves only).
    """

    states: int = 0
    path: list[int] | None = None
    max_notes: int = 0
    max_notes_exact: bool = False


@dataclass
class ExploreResult:
    """Everything :func:`explore` found. ``findings`` are located, coded diagnostics."""

    story: Story
    abstraction: Abstraction
    states: int = 0
    expanded: int = 0
    edges: int = 0
    depth: int = 0
    complete: bool = True
    stopped_by: str | None = None  # "max-states" or "max-depth"
    elapsed: float = 0.0
    scene_states: dict[str, int] = field(default_factory=dict)
    offered: set[tuple[str, str]] = field(default_factory=set)
    taken: set[tuple[str, str]] = field(default_factory=set)
    endings: dict[str, EndingInfo] = field(default_factory=dict)
    notes: set[str] = field(default_factory=set)
    softlocks: dict[str, list[int]] = field(default_factory=dict)  # scene -> state indices
    traps: list[list[int]] = field(default_factory=list)  # each: the states of a loop with no exit
    conditions: dict[tuple[str, str], list[int]] = field(default_factory=dict)  # -> [true, false]
    findings: list[Diagnostic] = field(default_factory=list)
    parent: array = field(default_factory=lambda: array("i"), repr=False)  # type: ignore[type-arg]
    via: array = field(default_factory=lambda: array("H"), repr=False)  # type: ignore[type-arg]
    scene_index: array = field(default_factory=lambda: array("H"), repr=False)  # type: ignore[type-arg]
    scene_ids: list[str] = field(default_factory=list, repr=False)

    def scene_at(self, index: int) -> str:
        """The scene of state number ``index``."""
        return self.scene_ids[self.scene_index[index]]

    @property
    def states_per_second(self) -> float:
        return self.states / self.elapsed if self.elapsed > 0 else float("inf")

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.findings if d.is_error]

    def path_to(self, index: int) -> list[int]:
        """The choice numbers (1-based, as a player types them) that lead to a state."""
        out = []
        while index > 0:
            out.append(self.via[index])
            index = self.parent[index]
        return out[::-1]


def explore(story: Story, *, max_states: int = DEFAULT_MAX_STATES, max_depth: int | None = None,
            visit_cap: int | None = None, notes_in_state: bool = False,
            progress: Progress | None = None, command: str = "hengyang") -> ExploreResult:
    """Walk every reachable state breadth first (up to ``max_states`` states and
    ``max_depth`` choices) and report what is reachable. See the module docstring.
    ``notes_in_state`` keeps the unlocked notes in the state, for the exact most notes at
    each ending (many more states). ``command`` is how the writer starts the game, for the
    replay lines of the findings.

    Memory stays near a few hundred bytes per state: only the frontier keeps whole states
    (with their visit counts cut down to what conditions read), and the graph is kept in
    flat arrays."""
    began = time.perf_counter()
    abst = Abstraction.of(story, visit_cap=visit_cap, notes=notes_in_state)
    res = ExploreResult(story, abst)
    tally: dict[tuple[str, str], list[int]] = {
        (s.id, c.id): [0, 0] for s in story.scenes.values() for c in s.choices if c.when is not None}
    res.conditions = tally
    caps = dict(abst.visits)

    def slim(st: State) -> State:
        """The same state with only the visit counts a condition can read (capped), and its
        notes only when they are part of the key (so each move reports every note it unlocks)."""
        small = {sid: (n if n <= caps[sid] else caps[sid]) for sid, n in st.visits.items() if sid in caps}
        return State(st.scene, st.vars, small, st.notes if notes_in_state else (), st.taken, st.ending, 0)

    first = new_game(story)[0]
    start = slim(first)
    note_bit = {nid: 1 << n for n, nid in enumerate(story.notes)}
    start_mask = sum(note_bit.get(n, 0) for n in first.notes)
    mask_no: dict[int, int] = {0: 0}  # each distinct set of notes a move unlocks, numbered
    edge_note = array("H")  # per move (without notes in the state): the number of its notes' set
    ending_states: dict[str, list[int]] = {}
    scene_no = {sid: n for n, sid in enumerate(story.scenes)}
    res.scene_ids = list(story.scenes)
    parent, via = array("i", [-1]), array("H", [0])
    depth_of, scene_idx = array("I", [0]), array("H", [scene_no[start.scene]])
    edges, starts = array("i"), array("q", [0])  # the moves out of state i: edges[starts[i]:starts[i + 1]]
    unexplored = bytearray()  # 1: not (fully) expanded, so it may still lead anywhere
    ends = bytearray()  # 1: a state at an ending
    key = abst.key_function()
    index: dict[Hashable, int] = {key(start): 0}
    frontier: deque[State] = deque([start])
    scenes = story.scenes
    offered, taken, notes = res.offered, res.taken, res.notes
    endings = res.endings
    softlocks = res.softlocks
    hit_states = hit_depth = False
    res.parent, res.via, res.scene_index = parent, via, scene_idx

    def discovered(j: int, st: State) -> None:
        notes.update(st.notes)
        if st.ending is not None:
            info = endings.get(st.ending)
            if info is None:
                info = endings[st.ending] = EndingInfo(path=res.path_to(j), max_notes_exact=notes_in_state)
            info.states += 1
            if notes_in_state:
                if len(st.notes) > info.max_notes:
                    info.max_notes = len(st.notes)
            else:
                ending_states.setdefault(st.ending, []).append(j)

    notes.update(first.notes)
    discovered(0, first if notes_in_state else start)
    i = 0
    while frontier:
        state = frontier.popleft()
        d = depth_of[i]
        is_end = state.ending is not None
        ends.append(is_end)
        if is_end:
            unexplored.append(0)
        elif max_depth is not None and d >= max_depth:
            hit_depth = True
            unexplored.append(1)
        else:
            scene = scenes[state.scene]
            choices = choices_now(scene.choices, scene.id, state, tally)
            if not choices:
                softlocks.setdefault(scene.id, []).append(i)
            full = True
            for number, c in enumerate(choices, 1):
                pair = (scene.id, c.id)
                offered.add(pair)
                taken.add(pair)
                new, output = step(story, state, c.id)
                if output.notes:
                    notes.update(output.notes)
                k = key(new)
                j = index.get(k)
                if j is None:
                    if len(parent) >= max_states:
                        full = False
                        continue
                    j = len(parent)
                    index[k] = j
                    frontier.append(slim(new))
                    parent.append(i)
                    via.append(number)
                    depth_of.append(d + 1)
                    scene_idx.append(scene_no[new.scene])
                    discovered(j, new)
                edges.append(j)
                if not notes_in_state:  # which notes this move unlocks (the state carries none)
                    mask = sum(note_bit.get(n, 0) for n in output.notes) if output.notes else 0
                    m = mask_no.get(mask)
                    if m is None:
                        m = mask_no[mask] = len(mask_no)
                    edge_note.append(m)
            if not full:
                hit_states = True
            unexplored.append(0 if full else 1)
        starts.append(len(edges))
        i += 1
        if progress is not None and not i & 1023:
            progress(i, len(parent), d)
    del index
    res.expanded = i
    res.states = len(parent)
    res.edges = len(edges)
    res.depth = max(depth_of)
    res.stopped_by = "max-states" if hit_states else "max-depth" if hit_depth else None
    res.complete = res.stopped_by is None
    for n in scene_idx:
        sid = res.scene_ids[n]
        res.scene_states[sid] = res.scene_states.get(sid, 0) + 1
    into = predecessors(edges, starts, len(ends))
    res.traps = traps(edges, starts, unexplored, ends, into)
    if not notes_in_state:
        masks = sorted(mask_no, key=mask_no.__getitem__)
        bounds = note_bounds(edges, edge_note, masks, into, ending_states, start_mask, len(ends))
        for ending, mask in bounds.items():
            endings[ending].max_notes = bin(mask).count("1")
    del into
    res.elapsed = time.perf_counter() - began
    if progress is not None:
        progress(res.expanded, res.states, res.depth)
    res.findings = findings(res, command)
    return res
