"""Exhaustive and random path testing of a story: the engine behind ``python play.py explore``.

:func:`explore` walks every reachable state breadth first, with the real :func:`~adventure.core.engine.step`,
and says what a player can and cannot reach: scenes and choices never reached, endings,
notes, soft-locks (a state with no choice open), loops with no way out, and conditions that
are always true or always false in practice. :func:`random_playthroughs` plays N random games
reproducibly from a seed (ChoiceScript's randomtest). Both return plain result objects; the
CLI in :mod:`adventure.cli.explore` only prints them, so benchmarks and tests call these::

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
same from then on. Where a condition compares two counts with each other the cap is an
approximation, and the result says so. Anything still unbounded (a counter that goes both
up and down in a loop) is stopped by ``max_states``.
"""

from __future__ import annotations

import random
import time
from array import array
from collections import deque
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field

from adventure.core.conditions import Compare, Condition, Num, is_literal, walk
from adventure.core.diagnostics import Diagnostic
from adventure.core.engine import State, new_game, step
from adventure.core.model import Choice, Effect, Op, Story, UnknownOp
from adventure.files.diagtext import diag, phrase

DEFAULT_MAX_STATES = 2_000_000
DEFAULT_VISIT_CAP = 4  # for visit counts compared with other counts (approximate)
Progress = Callable[[int, int, int], None]  # (expanded, discovered, depth)



# -- the state key -------------------------------------------------------------------------

@dataclass(frozen=True)
class Abstraction:
    """How a state is reduced to its key. Built from the story by :meth:`of`.

    ``variables`` lists each variable kept in the key with a mode: ``("exact", 0)``, or
    ``("max", n)`` (values above n count as n: a counter that only goes up) or ``("min", n)``.
    ``visits`` lists the scenes whose visit counts are kept, each with its cap.
    """

    variables: tuple[tuple[str, str, int], ...]
    visits: tuple[tuple[str, int], ...]
    ignored: tuple[str, ...]
    approximate: tuple[str, ...]
    notes: bool = False  # the unlocked notes are part of the key (--notes-in-state)
    note_ids: tuple[str, ...] = ()  # notes and once-only choices ("scene.choice") are kept
    once_ids: tuple[str, ...] = ()  # in the key as bit masks, which take little memory

    @classmethod
    def of(cls, story: Story, *, visit_cap: int | None = None, notes: bool = False) -> Abstraction:
        literals: dict[str, list[int]] = {}  # "var:x" / "scene:x" -> numbers compared with it
        relational: set[str] = set()
        read: set[str] = set()
        for choice in _all_choices(story):
            cond = choice.when
            if cond is None:
                continue
            names = {f"var:{n}" for n in cond.names} | {f"scene:{s}" for s in cond.scenes}
            read |= names
            nums, rel = _condition_numbers(cond)
            for name in names:
                literals.setdefault(name, []).extend(nums)
            if rel:
                relational |= names
        ups: dict[str, set[str]] = {}
        for effect in _all_effects(story):
            if effect.op in (Op.ADD, Op.SUB):
                amount = effect.value if isinstance(effect.value, int) else 0
                going_up = (amount >= 0) == (effect.op is Op.ADD)
                ups.setdefault(effect.target, set()).add("up" if going_up else "down")
            elif effect.op not in (Op.SET, Op.NOTE, Op.END):  # a set only narrows; notes and endings are not abstracted
                raise UnknownOp(effect.op, "explore.abstraction")
        variables = []
        ignored = []
        approximate = []
        for name, var in story.variables.items():
            tag = f"var:{name}"
            if var.kind == "flag":
                if tag in read:
                    variables.append((name, "exact", 0))
                else:
                    ignored.append(name)
                continue
            if tag not in read:
                ignored.append(name)
                continue
            nums = literals.get(tag) or [0]
            moves = ups.get(name, set())
            if tag in relational or moves == {"up", "down"} or not moves:
                variables.append((name, "exact", 0))
            elif moves == {"up"}:
                variables.append((name, "max", max(nums) + 1))
            else:
                variables.append((name, "min", min(nums) - 1))
        visits = []
        for sid in story.scenes:
            tag = f"scene:{sid}"
            if tag not in read:
                continue
            cap = max([0] + [n for n in literals.get(tag, []) if n >= 0]) + 1
            if tag in relational:
                cap = max(cap, visit_cap or DEFAULT_VISIT_CAP)
                approximate.append(f"visits of '{sid}' are compared with another count; "
                                   f"they are kept only up to {cap}")
            elif visit_cap is not None:
                cap = max(cap, visit_cap)
            visits.append((sid, cap))
        once = tuple(f"{s.id}.{c.id}" for s in story.scenes.values() for c in s.choices if c.once)
        return cls(tuple(variables), tuple(visits), tuple(ignored), tuple(approximate), notes,
                   tuple(story.notes), once)

    def key_function(self) -> Callable[[State], Hashable]:
        """The function from a state to its key: states with equal keys are explored once."""
        from operator import itemgetter

        exact = [n for n, mode, _ in self.variables if mode == "exact"]
        clamped = [(n, mode, b) for n, mode, b in self.variables if mode != "exact"]
        get_exact: Callable[[object], tuple[object, ...]]
        if len(exact) > 1:
            get_exact = itemgetter(*exact)  # type: ignore[assignment]
        elif exact:
            one = exact[0]

            def get_exact(v: object) -> tuple[object, ...]:
                return (v[one],)  # type: ignore[index]
        else:
            def get_exact(v: object) -> tuple[object, ...]:
                return ()
        visits = self.visits
        notes = self.notes
        note_bit = {nid: 1 << n for n, nid in enumerate(self.note_ids)}.__getitem__
        once_bit = {cid: 1 << n for n, cid in enumerate(self.once_ids)}.__getitem__

        def key(state: State) -> Hashable:
            variables = state.vars
            values = get_exact(variables)
            if clamped:
                extra = []
                for name, mode, bound in clamped:
                    v = variables[name]
                    extra.append(min(v, bound) if mode == "max" else max(v, bound))  # type: ignore[type-var]
                values = (values, tuple(extra))
            if visits:
                seen = state.visits
                counts: tuple[int, ...] = tuple(min(seen.get(sid, 0), cap) for sid, cap in visits)
            else:
                counts = ()
            return (state.scene, state.ending, values, counts,
                    sum(map(note_bit, state.notes)) if notes else 0, sum(map(once_bit, state.taken)))

        return key

    def describe(self) -> list[str]:
        """One line per rule, for the report."""
        out = []
        if self.visits:
            out.append("visit counts kept for " + ", ".join(f"{s} (up to {c})" for s, c in self.visits))
        else:
            out.append("no condition reads visit counts, so they are not part of the state")
        sat = [f"{n} ({'at least' if mode == 'min' else 'up to'} {b})" for n, mode, b in self.variables
               if mode != "exact"]
        if sat:
            out.append("counters that only move one way saturate: " + ", ".join(sat))
        if self.ignored:
            out.append("variables no condition reads are not part of the state: " + ", ".join(self.ignored))
        if self.notes:
            out.append("the unlocked notes are part of the state (--notes-in-state)")
        else:
            out.append("notes are not part of the state (no condition reads them)")
        out.extend(self.approximate)
        return out


def _condition_numbers(when: Condition) -> tuple[list[int], bool]:
    """The numbers in a condition, and whether it compares two counts with each other."""
    nums = []
    relational = False
    for node in walk(when.tree) if when.tree is not None else ():
        if isinstance(node, Num):
            nums.append(node.value)
        elif isinstance(node, Compare) and not (is_literal(node.left) or is_literal(node.right)):
            relational = True
    return nums, relational


def _all_choices(story: Story) -> list[Choice]:
    return [c for s in story.scenes.values() for c in s.choices]


def _all_effects(story: Story) -> list[Effect]:
    out: list[Effect] = []
    for s in story.scenes.values():
        out.extend(s.effects)
        for c in s.choices:
            out.extend(c.effects)
    return out


# -- exhaustive exploration ----------------------------------------------------------------

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


def _choices_now(scene_choices: tuple[Choice, ...], scene_id: str, state: State,
                 tally: dict[tuple[str, str], list[int]]) -> list[Choice]:
    """The available choices (as :func:`engine.available`), counting how each condition came out."""
    out = []
    for c in scene_choices:
        if c.once and f"{scene_id}.{c.id}" in state.taken:
            continue
        if c.when is not None:
            ok = c.when.test(state.vars, state.visits)
            tally[(scene_id, c.id)][0 if ok else 1] += 1
            if not ok:
                continue
        out.append(c)
    return out


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
            choices = _choices_now(scene.choices, scene.id, state, tally)
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
    into = _predecessors(edges, starts, len(ends))
    res.traps = _traps(edges, starts, unexplored, ends, into)
    if not notes_in_state:
        masks = sorted(mask_no, key=mask_no.__getitem__)
        bounds = _note_bounds(edges, edge_note, masks, into, ending_states, start_mask, len(ends))
        for ending, mask in bounds.items():
            endings[ending].max_notes = bin(mask).count("1")
    del into
    res.elapsed = time.perf_counter() - began
    if progress is not None:
        progress(res.expanded, res.states, res.depth)
    res.findings = _findings(res, command)
    return res


def _predecessors(edges: array, starts: array, n: int) -> tuple[array, array]:  # type: ignore[type-arg]
    """The moves into each state, as flat arrays like the moves out:
    ``preds[pred_starts[j]:pred_starts[j + 1]]`` are the states with a move into ``j``."""
    counts = array("q", bytes(8 * (n + 1)))
    for j in edges:
        counts[j + 1] += 1
    for k in range(n):
        counts[k + 1] += counts[k]
    pred_starts = array("q", counts)
    preds = array("i", bytes(4 * len(edges)))
    fill = array("q", counts)
    for i in range(n):
        for e in range(starts[i], starts[i + 1]):
            j = edges[e]
            preds[fill[j]] = i
            fill[j] += 1
    return pred_starts, preds


def _backward(pred_starts: array, preds: array, marked: bytearray) -> None:  # type: ignore[type-arg]
    """Mark every state from which a marked state can be reached."""
    queue = deque(i for i, m in enumerate(marked) if m)
    while queue:
        j = queue.popleft()
        for e in range(pred_starts[j], pred_starts[j + 1]):
            p = preds[e]
            if not marked[p]:
                marked[p] = 1
                queue.append(p)


def _note_bounds(edges: array, edge_note: array, masks: list[int], into: tuple[array, array],  # type: ignore[type-arg]
                 ending_states: dict[str, list[int]], start_mask: int, n: int) -> dict[str, int]:
    """For each ending, the notes (a bit mask) unlocked at the start or by a move into a state
    from which the ending can be reached. Every way to the ending is made of such moves, so
    this bounds the notes a player can hold there (it is exact when one way takes them all)."""
    noted = [(edges[e], masks[m]) for e, m in enumerate(edge_note) if m]
    out: dict[str, int] = {}
    for ending, members in ending_states.items():
        reaches = bytearray(n)
        for j in members:
            reaches[j] = 1
        _backward(*into, reaches)
        mask = start_mask
        for j, m in noted:
            if reaches[j]:
                mask |= m
        out[ending] = mask
    return out


def _traps(edges: array, starts: array, unexplored: bytearray, ends: bytearray,  # type: ignore[type-arg]
           into: tuple[array, array]) -> list[list[int]]:  # type: ignore[type-arg]
    """Loops with no way out: states from which neither an ending nor an unexplored state
    can be reached, grouped into the closed loops they end up in. ``into``: the moves into
    each state (:func:`_predecessors`)."""
    n = len(ends)
    good = bytearray(a | b for a, b in zip(ends, unexplored, strict=True))
    _backward(*into, good)
    doomed = [i for i in range(n) if not good[i]]
    if not doomed:
        return []

    def out_of(v: int) -> array:  # type: ignore[type-arg]
        return edges[starts[v]:starts[v + 1]]

    return _closed_loops(doomed, out_of)


def _closed_loops(doomed: list[int], out_of: Callable[[int], Iterable[int]]) -> list[list[int]]:
    """Strongly connected components of the doomed states that nothing leaves, and that are
    loops (more than one state, or a state that leads to itself). Iterative Tarjan."""
    inside = set(doomed)
    index_of: dict[int, int] = {}
    low: dict[int, int] = {}
    on_stack: set[int] = set()
    stack: list[int] = []
    comps: list[list[int]] = []
    counter = 0
    for root in doomed:
        if root in index_of:
            continue
        work = [(root, 0)]
        while work:
            v, pi = work.pop()
            if pi == 0:
                index_of[v] = low[v] = counter
                counter += 1
                stack.append(v)
                on_stack.add(v)
            children = [w for w in out_of(v) if w in inside]
            recurse = False
            for k in range(pi, len(children)):
                w = children[k]
                if w not in index_of:
                    work.append((v, k + 1))
                    work.append((w, 0))
                    recurse = True
                    break
                if w in on_stack:
                    low[v] = min(low[v], index_of[w])
            if recurse:
                continue
            if low[v] == index_of[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                comps.append(comp)
            if work:
                u = work[-1][0]
                low[u] = min(low[u], low[v])
    loops = []
    for comp in comps:
        members = set(comp)
        leaves = any(w not in members for v in comp for w in out_of(v))
        if leaves:
            continue
        if len(comp) > 1 or any(v in out_of(v) for v in comp):
            loops.append(sorted(comp))
    return loops


def _states(n: int) -> object:
    return phrase("explore.state_one" if n == 1 else "explore.state_other", n=f"{n:,}")


def _choices(path: list[int]) -> object:
    return " ".join(map(str, path)) or phrase("explore.none")


def replay_hint(path: list[int], command: str) -> str:
    """The inputs as a line a writer can paste, for the game started with ``command``.

    >>> replay_hint([1, 2], "python play.py")
    "printf '1\\\\n2\\\\n' | python play.py --plain"
    """
    if not path:
        return f"{command} --plain   (at the very start)"
    return "printf '" + "".join(f"{n}\\n" for n in path) + f"' | {command} --plain"


def _findings(res: ExploreResult, command: str) -> list[Diagnostic]:
    story = res.story
    out: list[Diagnostic] = []
    caveat = "" if res.complete else phrase("explore.caveat", states=f"{res.states:,}")

    def add(code: str, pos: tuple[str, int, int], msg_id: str, /, **args: object) -> None:
        out.append(diag(code, pos[0], pos[1], pos[2], msg_id, caveat=caveat, **args))

    if not res.complete:
        add("W406", (story.manifest, 1, 1), "W406.states" if res.stopped_by == "max-states" else "W406.depth",
            states=f"{res.states:,}")
    order = {sid: n for n, sid in enumerate(story.scenes)}
    for sid, scene in story.scenes.items():
        if sid not in res.scene_states:
            add("W401", scene.pos, "W401", scene=sid)
            continue
        for c in scene.choices:
            if c.when is None:
                continue
            yes, no = res.conditions.get((sid, c.id), [0, 0])
            if yes == 0 and no > 0:
                add("W402", c.pos, "W402", choice=c.id, scene=sid, condition=c.when.source, count=_states(no))
            elif no == 0 and yes > 0:
                add("W403", c.pos, "W403", choice=c.id, scene=sid, condition=c.when.source, count=_states(yes))
    for ending in story.endings:
        if ending not in res.endings:
            add("W404", story.ending_pos.get(ending, (story.manifest, 1, 1)), "W404", ending=ending)
    for nid, note in story.notes.items():
        if nid not in res.notes:
            add("W405", note.pos, "W405", note=nid)
    for sid, members in sorted(res.softlocks.items(), key=lambda kv: order.get(kv[0], 0)):
        path = res.path_to(members[0])
        add("E401", story.scenes[sid].pos, "E401", scene=sid, count=_states(len(members)), path=_choices(path),
            replay=replay_hint(path, command))
    seen_loops: set[frozenset[str]] = set()
    for loop in res.traps:
        names = frozenset(res.scene_at(i) for i in loop)
        if names in seen_loops:
            continue
        seen_loops.add(names)
        first = min(loop)
        sid = res.scene_at(first)
        path = res.path_to(first)
        listed = ", ".join(f"'{s}'" for s in sorted(names, key=lambda s: order.get(s, 0)))
        add("E402", story.scenes[sid].pos, "E402", scenes=listed, path=_choices(path), replay=replay_hint(path, command))
    out.sort(key=Diagnostic.sort_key)
    return out


# -- random playthroughs -------------------------------------------------------------------

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
            choices = _choices_now(scene.choices, scene.id, state, tally)
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
                                 path=_choices(played.inputs), replay=replay_hint(played.inputs, command)))
    res.findings.sort(key=Diagnostic.sort_key)
    return res
