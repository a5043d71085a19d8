"""The explored state graph's questions, answered on its flat arrays: which states lead where.

:func:`explore <adventure.tools.explore.explore>` keeps the moves out of state ``i`` as
``edges[starts[i]:starts[i + 1]]``; :func:`predecessors` turns them round, :func:`traps` finds the
loops with no way out (iterative Tarjan), and :func:`note_bounds` the most notes a player can
hold at each ending. Arrays, not objects, keep a graph of millions of states in memory::

    into = predecessors(edges, starts, n)
    loops = traps(edges, starts, unexplored, ends, into)
"""

from __future__ import annotations

from array import array
from collections import deque
from collections.abc import Callable, Iterable


def predecessors(edges: array, starts: array, n: int) -> tuple[array, array]:  # type: ignore[type-arg]
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


def note_bounds(edges: array, edge_note: array, masks: list[int], into: tuple[array, array],  # type: ignore[type-arg]
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


def traps(edges: array, starts: array, unexplored: bytearray, ends: bytearray,  # type: ignore[type-arg]
           into: tuple[array, array]) -> list[list[int]]:  # type: ignore[type-arg]
    """Loops with no way out: states from which neither an ending nor an unexplored state
    can be reached, grouped into the closed loops they end up in. ``into``: the moves into
    each state (:func:`predecessors`)."""
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
