"""The condition language: what it accepts, how it evaluates, and what it refuses unrun."""

from __future__ import annotations

import pytest

from adventure.core.conditions import ConditionError, compile_condition

VARS = {"rounds": "counter", "helped": "flag", "saw": "flag"}
SCENES = {"a", "b"}


def ok(src: str, variables: dict[str, object], visits: dict[str, int] | None = None) -> bool:
    return compile_condition(src, variables=VARS, scenes=SCENES).test(variables, visits or {})


BASE = {"rounds": 3, "helped": True, "saw": False}


@pytest.mark.parametrize("src, expected", [
    ("rounds > 2", True),
    ("rounds >= 4", False),
    ("rounds == 3 and helped", True),
    ("rounds < 3 or saw", False),
    ("not saw", True),
    ("not (helped and saw)", True),
    ("helped == true", True),
    ("saw != false", False),
    ("rounds <= -1", False),
    ('visited("a")', True),
    ('visited("b")', False),
    ('visited("a") >= 2 or rounds == 3', True),
    ("((rounds > 1)) and ((helped))", True),
    ("true", True),
    ("false or not false", True),
    ("rounds", True),
    ("not not helped", True),
])
def test_valid_conditions_evaluate(src: str, expected: bool) -> None:
    assert ok(src, BASE, {"a": 1}) is expected


def test_condition_reports_what_it_reads() -> None:
    c = compile_condition('rounds > 1 and visited("b")', variables=VARS, scenes=SCENES)
    assert c.names == frozenset({"rounds"}) and c.scenes == frozenset({"b"})


@pytest.mark.parametrize("src, code, fragment", [
    ("__import__('os').system('echo pwned')", "E207", "attribute access"),
    ("__import__('os')", "E207", "calls are not allowed"),
    ("open('/etc/passwd')", "E207", "calls are not allowed"),
    ("rounds.__class__", "E207", "attribute access"),
    ("rounds[0]", "E207", "indexing"),
    ("lambda: 1", "E207", "unexpected ':'"),
    ("rounds = 3", "E207", "=="),
    ("helped && saw", "E207", "and"),
    ("helped || saw", "E207", "or"),
    ("!helped", "E207", "not"),
    ("rounds + 1 > 2", "E207", "arithmetic"),
    ("unknown > 1", "E206", "not a declared variable"),
    ('visited("nowhere")', "E205", "names no scene"),
    ("visited(a)", "E207", "quoted scene id"),
    ("helped > 1", "E207", "compares a flag with a number"),
    ("helped < saw", "E207", "needs numbers"),
    ("rounds > 2 2", "E207", "unexpected"),
    ("(rounds > 1", "E207", "expected ')'"),
    ("", "E207", "empty"),
    ("and", "E207", "needs something"),
    ("'text'", "E207", "text is only allowed"),
    ("{x.__class__}", "E207", "unexpected '{'"),
    ("not " * 70 + "helped", "E207", "too deeply"),
    ("x" * 2001, "E207", "longer than"),
])
def test_hostile_or_broken_conditions_are_refused(src: str, code: str, fragment: str,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("the condition parser must never evaluate Python")

    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    with pytest.raises(ConditionError) as info:
        compile_condition(src, variables=VARS, scenes=SCENES)
    assert info.value.code == code
    assert fragment in info.value.message + " " + info.value.fix
    assert info.value.col >= 1


def test_error_column_points_at_the_problem() -> None:
    with pytest.raises(ConditionError) as info:
        compile_condition("rounds > 1 and bogus", variables=VARS, scenes=SCENES)
    assert info.value.col == len("rounds > 1 and ") + 1
