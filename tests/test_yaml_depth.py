"""Issue 10, point 2: the project's own depth limit (``yamlread.MAX_DEPTH``) decides what nesting
is refused, whatever libyaml does. libyaml 0.2.5 as PyYAML 6.0.4 builds it refuses more than
1,000 levels in its scanner ("exceeded maximum nesting depth"), which reads ahead of the events
the reader counts; a libyaml with a lower limit than ours must not refuse what we accept.

A parser with a limit of its own is simulated by a loader class that refuses past N levels the
way libyaml does (a ``ScannerError`` with that problem), so both directions are tested with
whichever PyYAML is installed.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from adventure.files import yamlread
from adventure.files.yamlread import Map, read_flat_mapping, read_yaml_text


def _limited(limit: int) -> type:
    """A loader that refuses nesting past ``limit`` as libyaml does: on the event stream, before
    the reader sees the level (it raises on the opening of level ``limit + 1``)."""

    class Limited(yaml.SafeLoader):  # a subclass: not the pure-Python parser the reader falls back to
        depth = 0

        def get_event(self) -> Any:
            ev = super().get_event()
            if isinstance(ev, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                self.depth += 1
                if self.depth > limit:
                    raise yaml.scanner.ScannerError("while increasing flow level", ev.start_mark,
                                                    "exceeded maximum nesting depth", ev.start_mark)
            elif isinstance(ev, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                self.depth -= 1
            return ev

    return Limited


@pytest.fixture
def parser_limit(monkeypatch: pytest.MonkeyPatch) -> Any:
    def use(limit: int) -> None:
        monkeypatch.setattr(yamlread, "_yaml", lambda: (yaml, _limited(limit)))
    return use


def _nested(levels: int) -> str:
    return "x: " + "[" * (levels - 1) + "1" + "]" * (levels - 1) + "\n"


def test_a_parser_stricter_than_the_project_does_not_refuse_what_the_project_accepts(parser_limit: Any) -> None:
    parser_limit(10)
    ok = _nested(yamlread.MAX_DEPTH)  # the root mapping plus MAX_DEPTH - 1 lists: the deepest accepted
    tree, diags = read_yaml_text(ok, "ok.yaml")
    assert isinstance(tree, Map) and diags == []
    tree, diags = read_yaml_text(_nested(yamlread.MAX_DEPTH + 1), "deep.yaml")
    assert tree is None and [(d.code, d.line, d.col) for d in diags] == [("E103", 1, 4 + yamlread.MAX_DEPTH - 1)]


def test_a_parser_looser_than_the_project_still_meets_e103_first(parser_limit: Any) -> None:
    parser_limit(1000)
    tree, diags = read_yaml_text(_nested(200), "deep.yaml")
    assert tree is None and [d.code for d in diags] == ["E103"]


def test_the_limit_is_the_callers_whatever_the_parser(parser_limit: Any) -> None:
    parser_limit(5)
    assert read_yaml_text(_nested(30), "x.yaml", max_depth=40)[0] is not None
    assert [d.code for d in read_yaml_text(_nested(30), "x.yaml", max_depth=20)[1]] == ["E103"]


def test_other_syntax_errors_are_still_reported_as_the_parser_gives_them(parser_limit: Any) -> None:
    parser_limit(5)
    tree, diags = read_yaml_text("a: [1, 2\n", "x.yaml")
    assert tree is None and [d.code for d in diags] == ["E100"]


def test_a_libyaml_refusal_past_the_limit_is_e103_at_the_level_past_it() -> None:
    """With the installed PyYAML (6.0.4's libyaml refuses this itself, 6.0.3's does not)."""
    deep = "x: " + "[" * 5000
    tree, diags = read_yaml_text(deep, "deep.yaml")
    assert tree is None and [(d.code, d.line, d.col) for d in diags] == [("E103", 1, 4 + yamlread.MAX_DEPTH - 1)]


def test_the_fast_locale_reader_leaves_deep_files_to_the_full_reader() -> None:
    assert read_flat_mapping("a: " + "{b: " * 3000 + "c" + "}" * 3000 + "\n") is None
