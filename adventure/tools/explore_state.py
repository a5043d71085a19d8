"""A state as the explorer sees it: its key (:class:`Abstraction`) and its open choices.

Two states with the same key behave the same from then on, so the walks of
:mod:`adventure.tools.explore` expand each key once; the module docstring there says what
the key keeps and why. :func:`choices_now` is :func:`~adventure.core.engine.available` that also
counts how each condition came out, for the findings about conditions always true or false::

    key = Abstraction.of(story).key_function()
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass

from adventure.core.conditions import Compare, Condition, Num, is_literal, walk
from adventure.core.engine import State
from adventure.core.model import Choice, Effect, Op, Story, UnknownOp

DEFAULT_VISIT_CAP = 4  # for visit counts compared with other counts (approximate)
Progress = Callable[[int, int, int], None]  # (expanded, discovered, depth)


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
    approximate: tuple[tuple[str, int], ...]  # scenes whose visits are compared with another count, and the cap
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
                approximate.append((sid, cap))
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

    def describe(self) -> list[tuple[str, dict[str, object]]]:
        """One rule per item, for the report: a key under ``ui.explore.state.`` in the tools'
        texts (locales/<lang>/ui_tools.yaml) and its values, for the shell to say in the
        writer's language. Names of scenes and variables go in as they are."""
        out: list[tuple[str, dict[str, object]]] = []
        if self.visits:
            out.append(("visits", {"scenes": [("up_to", s, c) for s, c in self.visits]}))
        else:
            out.append(("no_visits", {}))
        sat = [("at_least" if mode == "min" else "up_to", n, b) for n, mode, b in self.variables if mode != "exact"]
        if sat:
            out.append(("saturate", {"variables": sat}))
        if self.ignored:
            out.append(("ignored", {"variables": list(self.ignored)}))
        out.append(("notes_in" if self.notes else "notes_out", {}))
        out.extend(("approximate", {"scene": sid, "cap": cap}) for sid, cap in self.approximate)
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


def choices_now(scene_choices: tuple[Choice, ...], scene_id: str, state: State,
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
