"""Effect operations are one enumeration, and every consumer handles each member.

Adding an operation to :class:`adventure.core.model.Op` fails these tests until the step function,
the loader, the explorer, the graph, the JSON schema and the writers' guide all know it; and a
consumer handed an operation it does not know raises instead of guessing (before, an unknown
op fell silently into ``sub`` in the engine and was drawn as "-" by the graph).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from adventure.cli.graph import _effect
from adventure.core import model as m
from adventure.core.engine import _apply
from adventure.files.loader import EFFECT_OPS
from adventure.tools.explore_state import Abstraction

ROOT = Path(__file__).resolve().parent.parent


class Fake(str):
    """Not a member of Op: what a consumer would see if a new member had no branch there."""

    @property
    def on_variable(self) -> bool:
        return False


def test_the_loader_accepts_exactly_the_members() -> None:
    assert EFFECT_OPS == tuple(op.value for op in m.Op)


def test_the_schema_and_the_guide_name_every_member() -> None:
    schema = json.loads((ROOT / "schema" / "story.schema.json").read_text(encoding="utf-8"))
    assert set(schema["definitions"]["effect"]["properties"]) == {op.value for op in m.Op}
    guide = (ROOT / "docs" / "writing.md").read_text(encoding="utf-8")
    for op in m.Op:
        assert f"{op.value}:" in guide, f"docs/writing.md does not show the '{op.value}' effect"


@pytest.mark.parametrize("op", list(m.Op))
def test_the_step_function_and_the_graph_handle_each_member(op: m.Op) -> None:
    target = "n" if op.on_variable else "x"
    effect = m.Effect(op, target, 2 if op.on_variable else None)
    variables: dict[str, m.Value] = {"n": 5}
    changes: list = []
    notes: list[str] = []
    ending = _apply((effect,), variables, (), changes, notes)
    assert (variables["n"], notes, ending) == {
        m.Op.SET: (2, [], None), m.Op.ADD: (7, [], None), m.Op.SUB: (3, [], None),
        m.Op.NOTE: (5, ["x"], None), m.Op.END: (5, [], "x")}[op]
    labels = {o: _effect(m.Effect(o, "n", 2), None) for o in m.Op}  # type: ignore[arg-type]
    assert len(set(labels.values())) == len(m.Op)  # no two members drawn alike


def test_an_unknown_operation_raises_in_every_consumer() -> None:
    bogus = m.Effect(Fake("mul"), "n", 2)  # type: ignore[arg-type]
    with pytest.raises(m.UnknownOp):
        _apply((bogus,), {"n": 1}, (), [], [])
    with pytest.raises(m.UnknownOp):
        _effect(bogus, None)  # type: ignore[arg-type]


def test_the_explorer_raises_on_an_unknown_operation(monkeypatch: pytest.MonkeyPatch) -> None:
    from adventure.tools import explore_state
    from storykit import load_fixture

    story = load_fixture().story
    assert story is not None
    Abstraction.of(story)  # the shipped operations are all known
    bogus = m.Effect(Fake("mul"), "n", 2)  # type: ignore[arg-type]
    monkeypatch.setattr(explore_state, "_all_effects", lambda s: [bogus])
    with pytest.raises(m.UnknownOp):
        Abstraction.of(story)


def test_counters_saturate_at_the_bound_every_save_can_hold() -> None:
    """A crafted save may hold a counter at the bound; one more ``add`` must not take the game
    past what a save can hold (the property test found 10^15 + 1 unreadable)."""
    variables: dict[str, m.Value] = {"n": m.MAX_NUMBER - 1}
    _apply((m.Effect(m.Op.ADD, "n", 5),), variables, (), [], [])
    assert variables["n"] == m.MAX_NUMBER
    _apply((m.Effect(m.Op.SUB, "n", 3 * m.MAX_NUMBER),), variables, (), [], [])
    assert variables["n"] == -m.MAX_NUMBER
