"""The benchmark's synthetic stories and walkers stay correct (their speed is not tested here)."""

from __future__ import annotations

import gc
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from adventure.files.loader import load_story  # noqa: E402
from benchmarks import synth  # noqa: E402
from benchmarks.run import Subject, engine_walker, naive_walker  # noqa: E402


def test_a_synthetic_story_loads_clean_and_its_graph_converts_back(tmp_path: Path) -> None:
    graph = synth.make_graph(230, seed=5)
    assert graph["format"] == "synthetic-ink-graph/1" and len(graph["knots"]) == 230
    synth.main(["230", "--seed", "5", "-o", str(tmp_path / "a")])
    assert json.loads((tmp_path / "a" / "graph.json").read_text(encoding="utf-8")) == graph
    synth.main(["--from-graph", str(tmp_path / "a" / "graph.json"), "-o", str(tmp_path / "b")])
    for path in sorted((tmp_path / "a").rglob("*.yaml")):
        assert path.read_bytes() == (tmp_path / "b" / path.relative_to(tmp_path / "a")).read_bytes()
    result = load_story(tmp_path / "a" / "story", tmp_path / "a" / "locales")
    assert result.ok, [d.format() for d in result.diagnostics if d.is_error]
    assert result.story is not None and len(result.story.scenes) == 230
    assert len(list((tmp_path / "a" / "story").glob("ch*.yaml"))) == 3  # 100 scenes a chapter file
    conditional = [c for k in graph["knots"].values() for c in k["choices"] if c["condition"]]
    assert 0.15 < len(conditional) / 230 < 0.45


def test_both_walkers_walk_the_same_graph(tmp_path: Path) -> None:
    synth.main(["60", "-o", str(tmp_path)])
    graph = json.loads((tmp_path / "graph.json").read_text(encoding="utf-8"))
    subject = Subject("N=60", tmp_path, graph)
    try:
        steps, took = engine_walker(subject, 1)(0.05)
    finally:
        gc.unfreeze()  # the walker freezes the loaded story, as the game does; not in the test run
    assert steps > 0 and took > 0
    steps, took = naive_walker(graph, 1)(0.05)
    assert steps > 0 and took > 0
