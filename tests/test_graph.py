"""``graph``: the story map in dot, Mermaid and SVG, with what a writer needs marked."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from adventure.cli import graph, main
from adventure.tools.explore import explore
from storykit import FIXTURE_ARGS, load_dir, load_fixture, write_story

ONE = "story/one.yaml"
CLEAN = ("        once: true", "        once: false")


def run_tool(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err, env={})
    return code, out.getvalue(), err.getvalue()


def dirs(root: Path) -> list[str]:
    return ["--story", str(root / "story"), "--locales", str(root / "locales")]


def test_dot_has_chapters_endings_conditions_and_notes() -> None:
    result = load_fixture()
    assert result.story is not None
    dot = graph.to_dot(result.story, result.catalog)
    assert dot.startswith('digraph "hengyang-1944" {') and dot.rstrip().endswith("}")
    assert 'subgraph "cluster_prologue"' in dot and 'label="Prologue: The order"' in dot
    assert '"__start" -> "pro_changsha"' in dot
    assert '"pro_cliffs" -> "pro_dig" [label="dig\\nif not dug", style=dashed]' in dot
    assert "+ note: changsha_falls" in dot and "ask\\nonce" in dot
    assert "peripheries=2" in dot and "ending: End of the prologue" in dot
    assert dot.count(" -> ") == 1 + sum(len(s.choices) for s in result.story.scenes.values())
    es = graph.to_dot(result.story, result.catalog, lang="es")
    assert "Las noticias del norte" in es or "Noticias del norte" in es


def test_unreachable_and_unplayed_scenes_are_highlighted(tmp_path: Path) -> None:
    edits = {ONE: [CLEAN, ("  c:\n", "  lost:\n    ending: done\n  c:\n"),
                   ("      end: c\n", "      end: c\n      odd:\n        to: c\n        when: n == 9\n")],
             "locales/en/text.yaml": [("  c:\n    title: Scene C", "  lost:\n    title: Lost\n    text: L.\n"
                                       "  c:\n    title: Scene C"), ("      end: Finish.\n", "      end: Finish.\n      odd: Odd.\n")],
             "locales/es/text.yaml": [("  c:\n    title: Escena C", "  lost:\n    title: Perdida\n    text: P.\n"
                                       "  c:\n    title: Escena C"), ("      end: Terminar.\n", "      end: Terminar.\n      odd: Raro.\n")]}
    result = load_dir(write_story(tmp_path, edits))
    assert result.ok and result.story is not None
    dot = graph.to_dot(result.story, result.catalog)
    lost = next(line for line in dot.splitlines() if line.strip().startswith('"lost" ['))
    assert "(unreachable)" in lost and "#cc0000" in lost
    explored = graph.to_dot(result.story, result.catalog, explored=explore(result.story))
    odd = next(line for line in explored.splitlines() if '"b" -> "c" [label="odd' in line)
    assert "(never offered)" in odd and "#cc0000" in odd
    mermaid = graph.to_mermaid(result.story, result.catalog, explored=explore(result.story))
    assert "class s_lost unreachable" in mermaid


def test_a_choice_that_ends_the_story_leads_to_an_ending_node(tmp_path: Path) -> None:
    result = load_dir(write_story(tmp_path, {ONE: ("      end: c", "      end:\n        effects:\n          - end: done")}))
    assert result.story is not None
    dot = graph.to_dot(result.story, result.catalog)
    assert '"b" -> "__end_done"' in dot and 'shape=doubleoctagon' in dot
    mermaid = graph.to_mermaid(result.story, result.catalog)
    assert "s_b -->|\"end\"| e_done" in mermaid and 'e_done{{"ending: Done"}}' in mermaid


def test_mermaid_is_safe_for_any_ids_and_labels(tmp_path: Path) -> None:
    # "end" is a Mermaid keyword, so ids are prefixed; quotes and < > in labels become entities.
    result = load_dir(write_story(tmp_path, {
        ONE: [("  c:\n", "  end:\n    ending: done\n  c:\n"), ("        when: n == 0", "        when: n < 1"),
              ("      end: c", "      end: end")],
        "locales/en/text.yaml": ("  c:\n    title: Scene C", '  end:\n    title: The "end"\n    text: E.\n  c:\n    title: Scene C'),
        "locales/es/text.yaml": ("  c:\n    title: Escena C", '  end:\n    title: El «fin»\n    text: F.\n  c:\n    title: Escena C'),
    }))
    assert result.story is not None
    text = graph.to_mermaid(result.story, result.catalog)
    assert text.startswith("flowchart TD\n")
    assert "s_end([\"The #quot;end#quot;<br/>end" in text and "if n #lt; 1" in text
    for line in text.splitlines()[1:]:
        assert line.startswith("  "), line


def test_cli_formats_and_files(tmp_path: Path) -> None:
    code, out, _ = run_tool("graph", *FIXTURE_ARGS)
    assert code == 0 and out.startswith("digraph")
    code, out, _ = run_tool("graph", "--format", "mermaid", "--labels", "text", *FIXTURE_ARGS)
    assert code == 0 and "Run to division headquarters" in out
    md = tmp_path / "map.md"
    code, out, _ = run_tool("graph", "-o", str(md), *FIXTURE_ARGS)
    assert code == 0 and "Wrote" in out and md.read_text(encoding="utf-8").startswith("```mermaid\nflowchart TD")
    code, _, err = run_tool("graph", "--lang", "fr", *FIXTURE_ARGS)
    assert code == 2 and "not a language" in err


def test_svg_without_graphviz_says_how_to_get_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(graph.shutil, "which", lambda name: None)
    code, out, err = run_tool("graph", "--format", "svg", "-o", str(tmp_path / "m.svg"), *FIXTURE_ARGS)
    assert code == 1 and "Graphviz" in err and "--format mermaid" in err and "Traceback" not in err + out
    assert not (tmp_path / "m.svg").exists()


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
def test_svg_with_graphviz(tmp_path: Path) -> None:
    target = tmp_path / "map.svg"
    code, out, err = run_tool("graph", "-o", str(target), "--explore", *FIXTURE_ARGS)
    assert code == 0, err
    svg = target.read_text(encoding="utf-8")
    assert "<svg" in svg and "The cliffs" in svg and "Fengshushan" in svg


def test_broken_story_gives_a_message_not_a_traceback(tmp_path: Path) -> None:
    root = write_story(tmp_path, {"story/story.yaml": "story: [\n"})
    code, out, _ = run_tool("graph", *dirs(root))
    assert code == 1 and "E100" in out and "no map" in out


def test_chapters_in_reading_order_and_whole_conditions(tmp_path: Path) -> None:
    from adventure.cli.graph import to_dot, to_mermaid
    from adventure.files.loader import load_story

    result = load_story()
    assert result.story is not None
    order = [c.id for c in result.story.chapters]
    long_when = max((c.when.source for s in result.story.scenes.values() for c in s.choices if c.when),
                    key=len)
    for text in (to_dot(result.story, result.catalog), to_mermaid(result.story, result.catalog)):
        places = [text.index(f"cluster_{c}" if "digraph" in text else f"c_{c}[") for c in order]
        assert places == sorted(places), order
        shown = long_when if "digraph" in text else graph._mq(long_when)[1:-1]  # Mermaid's entity codes
        tail = shown[-20:]  # past the 40 characters a condition used to be cut to
        assert tail in text and shown[:14] in text, shown
