"""The undo history, kept as a few snapshots plus the choices taken between them.

``step(story, state, choice)`` is pure and deterministic, so a game is its first state plus
the choices taken: state ``i + 1`` is ``step(story, state_i, choice_i)``. A :class:`History`
keeps one code per step (an index into a table of choice ids), a full snapshot every
:data:`SNAPSHOT_EVERY` steps (and after any step that is not a choice), and the states of
the block being played or undone; any other state is rebuilt by replaying from the snapshot
before it. A restart is the token ``@scene`` (``new_game(story, at=scene)``); a transition
that is neither (an old save's states that no longer chain) is opaque, and the next state
is a snapshot::

    history = History(story)
    history.push(state, "listen")       # the state the choice was taken from
    state = history.pop()               # undo

Why this design (issue 10). A save must hold the whole game so that undo reaches the start,
in one file a player can copy. Per step a save grows by ~3 bytes (a code in a JSON list),
plus a ~850-byte snapshot every 1,000 steps: a 100,000-step game saves in ~0.36 MB where
whole states took ~110 MB. The per-step autosave must not grow with the game either: every
finished chunk of 1,000 codes and every snapshot is formatted once, and their joins are kept,
so an autosave formats only the last chunk and hands the cached pieces to the write (encoding
takes ~0.2 ms at 10 steps and at 100,000; ``python -m benchmarks --only history``). What still
grows is the bytes the kernel copies (~0.36 MB at 100,000 steps), which costs no measurable
time next to the ``fsync`` every save makes. An append-only journal beside the autosave
would make that constant too, but would give a save that is two files, a second format to
validate and repair, and a second file for two games on one folder to fight over; the
figures did not call for it.

Loading checks the chain: each block replayed from its snapshot must arrive at the next
snapshot (the last at the current state). Where it does not (the story changed since the
save, or a hand edit), undo goes back only as far as the states still fit the story:
everything before the failing block is dropped and :attr:`History.cut` says how much. The
last block is checked on loading; the others when undo first reaches them, or all at once
(``verify_all``) when the story's hash differs from the save's.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Iterator, Sequence
from typing import Any, overload

from adventure.core.engine import InvalidChoice, State, new_game, step
from adventure.core.model import Story

SNAPSHOT_EVERY = 1000  # steps between two full states in a save and in memory
CHUNK = 1000  # codes per cached piece of serialised text
OPAQUE = -1  # a transition that is not a choice nor a restart: the next state is a snapshot
RESTART = "@"  # a token "@scene" is new_game(story, at=scene)


def state_to_json(story: Story, state: State) -> dict[str, Any]:
    scene = story.scenes.get(state.scene)
    return {
        "scene": state.scene,
        "chapter": scene.chapter if scene else None,
        "vars": dict(state.vars),
        "visits": dict(state.visits),
        "notes": list(state.notes),
        "taken": sorted(state.taken),
        "ending": state.ending,
        "turn": state.turn,
    }


def apply(story: Story, state: State, token: str | None) -> State | None:
    """The state after ``token`` (a choice id or ``@scene``), or None if it does not fit."""
    if token is None:
        return None
    try:
        if token.startswith(RESTART):
            return new_game(story, at=token[1:])[0]
        return step(story, state, token)[0]
    except (InvalidChoice, KeyError, TypeError, ValueError):
        return None


class History(Sequence[State]):
    """The states before the current one (oldest first), and the choice taken from each."""

    def __init__(self, story: Story, *, every: int = SNAPSHOT_EVERY) -> None:
        self.story = story
        self.every = max(1, every)
        self.cut = 0  # states dropped because they no longer fit the story
        self._codes: list[int] = []  # per state: the table index of the token taken from it
        self._table: list[str] = []
        self._index: dict[str, int] = {}
        self._snaps: dict[int, State] = {}
        self._keys: list[int] = []  # snapshot indices, sorted
        self._cache: dict[int, State] = {}
        self._unverified: set[int] = set()  # snapshot indices whose block was loaded, not checked
        self._chunks: dict[int, bytes] = {}  # serialised full chunks of codes
        self._snap_text: dict[int, bytes] = {}
        self._changes = 0  # counts removals: cached joins made before one are stale
        self._joined: dict[str, tuple[object, bytes]] = {}  # part -> (what it was made from, text)

    # -- as a sequence ---------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._codes)

    @overload
    def __getitem__(self, i: int) -> State: ...

    @overload
    def __getitem__(self, i: slice) -> list[State]: ...

    def __getitem__(self, i: int | slice) -> State | list[State]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        self.verify_all()
        n = len(self._codes)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError("history index out of range")
        return self._state(i)

    def __iter__(self) -> Iterator[State]:
        self.verify_all()
        state: State | None = None
        for i in range(len(self._codes)):
            if i in self._snaps:
                state = self._snaps[i]
            else:
                assert state is not None
                nxt = apply(self.story, state, self.token(i - 1))
                assert nxt is not None, "a checked block replays"
                state = nxt
            yield state

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, (History, list, tuple)):
            return NotImplemented
        if len(self) != len(other):
            return False
        if (isinstance(other, History) and other.story is self.story and other._keys == self._keys
                and all(self.token(i) == other.token(i) for i in range(len(self)))
                and all(self._snaps[k] == other._snaps[k] for k in self._keys)):
            return True  # the same steps from the same snapshots: the same states, without a replay
        return all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"History({len(self)} states, {len(self._keys)} snapshots)"

    def token(self, i: int) -> str | None:
        code = self._codes[i]
        return None if code < 0 else self._table[code]

    def choices(self) -> list[str | None]:
        """The choice id taken from each state (None: a restart or an opaque step)."""
        table = [None if t.startswith(RESTART) else t for t in self._table]
        return [None if c < 0 else table[c] for c in self._codes]

    # -- changing it -----------------------------------------------------------------------
    def push(self, state: State, token: str | None) -> None:
        """Add ``state``, the one ``token`` (a choice id, ``@scene`` or None) was taken from."""
        i = len(self._codes)
        if i == 0 or self._codes[-1] < 0 or i - self._keys[-1] >= self.every:
            self._snaps[i] = state
            self._keys.append(i)
        self._codes.append(self._code(token))
        self._cache[i] = state
        if len(self._cache) > 3 * self.every + 16:
            floor = i - self.every
            self._cache = {k: v for k, v in self._cache.items() if k >= floor}

    def pop(self) -> State:
        """Remove and return the newest state (IndexError when empty). When it is a snapshot
        that ends a loaded block, that block is checked first; if it no longer fits the
        story, everything before is dropped (see :attr:`cut`)."""
        i = len(self._codes) - 1
        if i < 0:
            raise IndexError("pop from an empty history")
        if i in self._snaps and i > 0:
            before = self._keys[-2]
            if before in self._unverified and not self._check(before, i, self._snaps[i]):
                self._drop_before(i)
                i = 0
        state = self._state(i)
        del self._codes[i]
        self._changes += 1
        self._cache.pop(i, None)
        self._chunks.pop(i // CHUNK, None)
        if i in self._snaps:
            del self._snaps[i]
            self._keys.pop()
            self._unverified.discard(i)
            self._snap_text.pop(i, None)
        return state

    def verify_tail(self, current: State) -> bool:
        """Check the last block against the current state; drop all of it if it does not fit."""
        if not self._codes:
            return True
        start = self._keys[-1]
        self._unverified.discard(start)
        if self._check(start, len(self._codes), current, keep=False):
            return True
        self._drop_before(len(self._codes))
        return False

    def verify_all(self) -> None:
        """Check every loaded block, newest first; drop everything before the first that fails."""
        if not self._unverified:
            return
        for k in range(len(self._keys) - 2, -1, -1):
            start, end = self._keys[k], self._keys[k + 1]
            if start in self._unverified and not self._check(start, end, self._snaps[end], keep=False):
                self._drop_before(end)
                break
        self._unverified.clear()

    # -- inside ----------------------------------------------------------------------------
    def _code(self, token: str | None) -> int:
        if token is None:
            return OPAQUE
        code = self._index.get(token)
        if code is None:
            code = self._index[token] = len(self._table)
            self._table.append(token)
        return code

    def _state(self, i: int) -> State:
        state = self._cache.get(i)
        if state is None:
            start = self._keys[bisect.bisect_right(self._keys, i) - 1]
            state = self._replay(start, i)
            assert state is not None, "a checked block replays"
        return state

    def _replay(self, start: int, last: int) -> State | None:
        """Rebuild states ``start .. last`` into the cache; state ``last``, or None if a step
        no longer fits the story."""
        if len(self._cache) > 2 * self.every:
            floor = len(self._codes) - self.every
            self._cache = {k: v for k, v in self._cache.items() if k >= floor}
        state: State | None = self._snaps[start]
        self._cache[start] = state  # type: ignore[assignment]
        for i in range(start, last):
            state = apply(self.story, state, self.token(i))  # type: ignore[arg-type]
            if state is None:
                return None
            self._cache[i + 1] = state
        return state

    def _check(self, start: int, end: int, anchor: State, *, keep: bool = True) -> bool:
        """Whether the block ``start .. end - 1`` replays from its snapshot to ``anchor``
        (with ``keep``, its states stay in the cache for the undos to come)."""
        saved = None if keep else dict(self._cache)
        last = self._replay(start, end - 1)
        if last is None:
            ok = False
        elif self._codes[end - 1] < 0:  # opaque: the next state is whole, nothing to compare
            ok = True
        else:
            ok = apply(self.story, last, self.token(end - 1)) == anchor
        if saved is not None:
            self._cache = saved
        if ok:
            self._unverified.discard(start)
        return ok

    def _drop_before(self, first: int) -> None:
        """Forget states ``0 .. first - 1`` (``first`` must be a snapshot, or the end)."""
        self.cut += first
        self._changes += 1
        self._codes = self._codes[first:]
        self._snaps = {k - first: v for k, v in self._snaps.items() if k >= first}
        self._keys = sorted(self._snaps)
        self._cache = {k - first: v for k, v in self._cache.items() if k >= first}
        self._unverified = {k - first for k in self._unverified if k >= first}
        self._chunks.clear()
        self._snap_text.clear()

    # -- saving ------------------------------------------------------------------------------
    def to_json_pieces(self) -> list[bytes]:
        """The history as ASCII JSON, in pieces to write one after the other:
        ``{"choices": [...], "length": n, "snapshots": {"0": {...}}, "steps": [...]}``.

        Every finished chunk of codes and every snapshot is formatted once, and their joins
        are kept until a removal or a new chunk or snapshot, so saving again after a step
        formats only the last chunk and copies nothing large."""
        n = len(self._codes)
        full = n // CHUNK
        steps = self._join("steps", (full, self._changes), lambda: b",".join(self._chunk(k) for k in range(full)))
        tail = ",".join(map(str, self._codes[full * CHUNK:])).encode("ascii")
        snaps = self._join("snaps", (len(self._keys), self._keys[-1] if self._keys else -1, self._changes),
                           lambda: b",".join(b'"%d":%s' % (i, self._snapshot(i)) for i in self._keys))
        table = self._join("table", len(self._table), lambda: json.dumps(self._table, separators=(",", ":")).encode())
        return [b'{"choices":', table, b',"length":%d,"snapshots":{' % n, snaps, b'},"steps":[', steps,
                b"," if steps and tail else b"", tail, b"]}"]

    def to_json_text(self) -> str:
        return b"".join(self.to_json_pieces()).decode("ascii")

    def _join(self, part: str, made_from: object, make: Any) -> bytes:
        cached = self._joined.get(part)
        if cached is None or cached[0] != made_from:
            cached = self._joined[part] = (made_from, make())
        return cached[1]

    def _chunk(self, k: int) -> bytes:
        text = self._chunks.get(k)
        if text is None:
            text = self._chunks[k] = ",".join(map(str, self._codes[k * CHUNK:(k + 1) * CHUNK])).encode("ascii")
        return text

    def _snapshot(self, i: int) -> bytes:
        text = self._snap_text.get(i)
        if text is None:
            text = self._snap_text[i] = json.dumps(state_to_json(self.story, self._snaps[i]),
                                                   separators=(",", ":"), sort_keys=True).encode("ascii")
        return text

    def to_json(self) -> dict[str, Any]:
        return json.loads(self.to_json_text())  # type: ignore[no-any-return]

    @classmethod
    def from_states(cls, story: Story, states: Sequence[State], current: State,
                    trail: Sequence[str | None] = ()) -> History:
        """A history from full states (an old save, a list): each step is recognised as a
        choice (the trail's first), a restart, or kept opaque with the next state whole."""
        history = cls(story)
        for i, state in enumerate(states):
            after = states[i + 1] if i + 1 < len(states) else current
            hint = trail[i] if i < len(trail) else None
            history.push(state, _infer(story, state, after, hint))
        return history

    @classmethod
    def from_parts(cls, story: Story, table: list[str], codes: list[int], snaps: dict[int, State]) -> History:
        """A loaded history (already validated: codes index the table, snapshot 0 exists, a
        snapshot follows every opaque step). Every block but the last is unchecked."""
        history = cls(story)
        history._table = table
        history._index = {t: i for i, t in enumerate(table)}
        history._codes = codes
        history._snaps = snaps
        history._keys = sorted(snaps)
        history._unverified = set(history._keys[:-1])
        return history


def _infer(story: Story, state: State, after: State, hint: str | None) -> str | None:
    scene = story.scenes.get(state.scene)
    candidates = [hint] if hint else []
    if scene is not None:
        candidates += [c.id for c in scene.choices if c.id != hint]
    for token in candidates:
        if apply(story, state, token) == after:
            return token
    restart = RESTART + after.scene
    if after.scene in story.scenes and apply(story, state, restart) == after:
        return restart
    return None
