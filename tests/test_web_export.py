"""``play.py export --format web``: the page, its data bundle and its lock (no browser needed;
tests/test_web_browser.py plays it in Chromium, tests/test_web_runtime.py compares engines)."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
from pathlib import Path

from adventure.cli import main
from adventure.files.loader import load_story
from adventure.web.bundle import build_bundle, condition_tree, parts
from adventure.web.export import MAX_BYTES, build_page
from storykit import load_dir, write_story

ROOT = Path(__file__).resolve().parent.parent


def export(tmp_path: Path, *args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    assert main(["export", "--format", "web", *args, "-o", str(tmp_path / "game.html")], stdout=out, stderr=err) == 0
    return (tmp_path / "game.html").read_text(encoding="utf-8"), out.getvalue()


def bundle_of(page: str) -> dict:
    m = re.search(r'<script type="application/json" id="bundle">(.*?)</script>', page, re.S)
    assert m
    return json.loads(m.group(1))


def test_the_shipped_story_exports_to_one_small_page(tmp_path: Path) -> None:
    page, said = export(tmp_path, "--lang", "es", "--classroom")
    assert len(page.encode("utf-8")) <= MAX_BYTES
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    claimed = re.search(r"one HTML file \(about\s+(\d+) KB for this story\)", readme)
    assert claimed and abs(len(page.encode("utf-8")) / 1000 - int(claimed.group(1))) < 25, "update README's size"
    assert said.startswith("Wrote ") and "plays offline in a browser" in said
    assert '<html lang="es">' in page
    data = bundle_of(page)
    story = load_story().story
    assert story is not None
    assert data["start_lang"] == "es" and data["classroom"] is True and set(data["text"]) == {"en", "es"}
    assert set(data["scenes"]) == set(story.scenes) and data["notes"] == list(story.notes)
    assert all(k.startswith("ui.") for k in data["text"]["es"]["ui"]) and "ui.web.begin" in data["text"]["es"]["ui"]


def test_the_policy_allows_exactly_the_shipped_script_and_style(tmp_path: Path) -> None:
    page, _ = export(tmp_path)
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert csp
    script = re.search(r"<script>(.*)</script>", page, re.S)
    style = re.search(r"<style>(.*?)</style>", page, re.S)
    assert script and style

    def sha(text: str) -> str:
        return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"

    assert f"script-src {sha(script.group(1))};" in csp.group(1)
    assert f"style-src {sha(style.group(1))};" in csp.group(1)
    assert "default-src 'none'" in csp.group(1) and "unsafe" not in csp.group(1)


def test_story_text_cannot_close_the_data_element(tmp_path: Path) -> None:
    root = write_story(tmp_path / "s", {"locales/en/text.yaml": ("The first scene.", "</script><script>alert(1)</script> &amp;")})
    result = load_dir(root)
    assert result.ok and result.story is not None and result.catalog is not None
    page = build_page(result.story, result.catalog, lang="en")
    assert page.count("</script>") == 2 and "alert(1)" in page
    data = bundle_of(page)
    assert "</script><script>alert(1)</script> &amp;" in json.dumps(data["text"]["en"]["scenes"]["a"][3], ensure_ascii=False)


def test_text_is_compiled_into_paragraphs_with_placeholder_tokens(tmp_path: Path) -> None:
    result = load_dir(write_story(tmp_path / "s"))
    assert result.story is not None and result.catalog is not None
    data = build_bundle(result.story, result.catalog)
    en = data["text"]["en"]["scenes"]
    assert en["b"][3] == [["text", None, [["text", ["You have ", {"v": "n"}, " points."]]]]]
    assert en["a"][3] == [["text", None, [["text", "The first scene."]]], ["speech", "Bob", [["text", "Hello."]]]]
    assert en["a"][1] == "28 June 1944 · day 7"
    assert data["scenes"]["a"]["choices"][0] == ["go", "b", ["==", ["v", "n"], ["n", 0]], False, [["add", "n", 1]]]
    assert data["scenes"]["a"]["effects"] == [["note", "n1", None]]


def test_glossary_marks_become_term_spans() -> None:
    from adventure.web.bundle import spans

    assert spans("text", "the [[pillboxes|pillbox]] and [[abatis]] at {n}", {"n"}) == [
        ["text", "the "], ["term", "pillboxes", "pillbox"], ["text", " and "], ["term", "abatis", "abatis"],
        ["text", [" at ", {"v": "n"}]]]
    assert parts("{{n}} {n} {x}", {"n"}) == ["{n} ", {"v": "n"}, " {x}"]
    from adventure.core.conditions import compile_condition

    when = compile_condition('not (a or b) and visited("x") >= -1', variables={"a": "flag", "b": "flag"}, scenes={"x"})
    assert condition_tree(when) == [
        "and", ["not", ["or", ["v", "a"], ["v", "b"]]], [">=", ["s", "x"], ["n", -1]]]


def test_any_story_exports_bilingual_and_a_missing_language_is_a_message(tmp_path: Path) -> None:
    args = ["export", "--format", "web", "--story", str(write_story(tmp_path / "s") / "story"),
            "--locales", str(tmp_path / "s" / "locales")]
    assert main([*args, "--lang", "es+en", "-o", str(tmp_path / "x.html")], stdout=io.StringIO(), stderr=io.StringIO()) == 0
    data = bundle_of((tmp_path / "x.html").read_text(encoding="utf-8"))
    assert (data["start_lang"], data["start_second"], data["classroom"]) == ("es", "en", False)
    (tmp_path / "s" / "story" / "story.yaml").write_text(
        (tmp_path / "s" / "story" / "story.yaml").read_text(encoding="utf-8").replace("[en, es]", "[en]"), encoding="utf-8")
    err = io.StringIO()
    assert main([*args, "--lang", "es", "-o", str(tmp_path / "y.html")], stdout=io.StringIO(), stderr=err) == 2
    assert "no language 'es'" in err.getvalue() and not (tmp_path / "y.html").exists()


def test_each_script_of_the_page_stays_small_and_all_are_inlined(tmp_path: Path) -> None:
    """The page's JavaScript follows the modules' ~400-line rule (tests/test_architecture.py),
    and every file of it is in the one script the page runs."""
    from adventure.web.export import SCRIPTS

    web = ROOT / "adventure" / "web"
    scripts = sorted(p.name for p in web.glob("*.js"))
    assert sorted(SCRIPTS) == scripts and SCRIPTS[0] == "runtime.js" and SCRIPTS[-1] == "shell.js"
    sizes = {name: len((web / name).read_text(encoding="utf-8").splitlines()) for name in scripts}
    assert all(n <= 420 for n in sizes.values()), sizes
    page, _ = export(tmp_path)
    script = re.search(r"<script>(.*)</script>", page, re.S)
    assert script and all((web / name).read_text(encoding="utf-8") in script.group(1) for name in scripts)
