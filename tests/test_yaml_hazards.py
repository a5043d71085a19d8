"""Issue 7, point 4: every YAML hazard of PyYAML 6 / libyaml is a located diagnostic, or the
value is kept exactly as the writer typed it -- in story files and in locale files.

(tests/test_diagnostics.py triggers each code once in a story file; here each hazard is tried
in the places a writer meets it, with the text a writer would type.)
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from adventure.cli import main
from adventure.files import yamlread
from adventure.files.yamlread import Map, Scalar, read_yaml_bytes, read_yaml_text
from adventure.play.session import Session
from storykit import MINI, check_dir, load_dir, write_story

ONE = "story/one.yaml"
MAN = "story/story.yaml"
EN = "locales/en/text.yaml"
ES = "locales/es/text.yaml"


def codes_at(root: Path) -> list[tuple[str, str, int, int]]:
    return [(d.code, d.path, d.line, d.col) for d in check_dir(root)]


def reported(root: Path, code: str, path: str) -> tuple[int, int]:
    """The place of the first ``code`` in ``path`` (the test fails if there is none)."""
    for c, p, line, col in codes_at(root):
        if c == code and p.endswith(path):
            assert line >= 1 and col >= 1, "located"
            return line, col
    raise AssertionError(f"{code} not reported in {path}: {codes_at(root)}")


# -- aliases, anchors, tags, nesting, duplicates: story and locale files ---------------------

@pytest.mark.parametrize("path, old, new, code, line", [
    (ONE, "    sources: [x.txt]", "    sources: &s [x.txt]", "E102", 29),
    (EN, "    title: Scene C", "    title: &t Scene C", "E102", 26),
    (EN, "    title: Scene C", "    title: *t", "E102", 26),
    (ES, "  c:\n    title: Escena C", "  c: &c\n    title: Escena C", "E102", 25),
    (EN, "    title: Scene C", "    title: !!python/object/apply:os.system ['true']", "E104", 26),
    (EN, "    title: Scene C", "    title: !!str Scene C", "E104", 26),
    (ONE, "    ending: done", "    ending: !!timestamp x", "E104", 26),  # safe_load: AttributeError
    (ONE, "        once: true", "        once: !!bool maybe", "E104", 15),  # safe_load: KeyError
    (MAN, "  n: 0", "  n: !!int abc", "E104", 9),  # safe_load: ValueError
    (EN, "    title: Scene C", "    title: Scene C\n    title: Another C", "E101", 27),
    (ES, "    title: Escena C", "    title: Escena C\n    title: Otra C", "E101", 27),
])
def test_yaml_features_are_refused_with_a_place(tmp_path: Path, path: str, old: str, new: str, code: str,
                                                line: int) -> None:
    root = write_story(tmp_path, {path: (old, new)})
    assert reported(root, code, path)[0] == line


def test_duplicate_key_keeps_the_first_and_says_so() -> None:
    tree, diags = read_yaml_text("a: first\nb: 1\na: second\n", "x.yaml")
    assert isinstance(tree, Map) and tree["a"].value == "first"
    assert [(d.code, d.line, d.col) for d in diags] == [("E101", 3, 1)]
    assert "first at line 1" in diags[0].message


def _with_peak(fn, *args):  # type: ignore[no-untyped-def]
    """``fn(*args)`` (a tuple result spread) and the peak memory Python allocated meanwhile:
    a count, not a clock, so a loaded machine cannot fail it."""
    import tracemalloc

    tracemalloc.start()
    try:
        result = fn(*args)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return (*result, peak) if isinstance(result, tuple) else (result, peak)


def test_billion_laughs_is_refused_at_the_first_anchor_without_expanding() -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]")
    tree, diags, peak = _with_peak(read_yaml_text, "\n".join(lines) + "\n", "bomb.yaml")
    assert tree is None and [(d.code, d.line, d.col) for d in diags] == [("E102", 1, 5)]
    assert peak < 1024**2  # nothing expanded: 9^10 "lol"s would need gigabytes


@pytest.mark.parametrize("text", [
    "x: " + "[" * 200_000 + "]" * 200_000,
    "x: " + "{a: " * 100_000 + "1" + "}" * 100_000,
    "x:\n" + "- " * 100_000 + "a\n",
    "x: " + "[{" * 100_000,  # never closed
])
def test_deep_nesting_is_refused_before_anything_is_built(text: str) -> None:
    """Safe in-process because the reader walks parser events: nothing recursive is built.
    (The subprocess test in test_fuzz.py proves the interpreter survives the same files.)"""
    tree, diags, peak = _with_peak(read_yaml_text, text, "deep.yaml")
    # The project's limit decides, whatever libyaml's own (PyYAML 6.0.4's libyaml refuses
    # 1,000 levels itself, with a syntax error): tests/test_yaml_depth.py.
    assert tree is None and diags[-1].code == "E103" and diags[-1].line >= 1
    assert peak < 64 * 1024**2  # nothing built of the 100,000 levels (the text itself is 400 KB)


def test_nesting_limit_is_exact() -> None:
    ok = "x: " + "[" * (yamlread.MAX_DEPTH - 1) + "]" * (yamlread.MAX_DEPTH - 1)
    assert read_yaml_text(ok, "ok.yaml")[0] is not None
    deep = "x: " + "[" * yamlread.MAX_DEPTH + "]" * yamlread.MAX_DEPTH
    assert [d.code for d in read_yaml_text(deep, "deep.yaml")[1]] == ["E103"]


# -- YAML 1.1 scalars: kept as typed, or reported --------------------------------------------

YAML11 = ["no", "yes", "on", "off", "y", "n", "NO", "010", "0o10", "0x1F", "12:30", "190:20:30", "2024-01-01",
          "1944-06-22 10:00:00", "1_000", "1e3", ".inf", ".nan", "true", "+1"]


@pytest.mark.parametrize("typed", YAML11)
def test_locale_text_stays_exactly_as_typed(typed: str, tmp_path: Path) -> None:
    """A translator writes `no`, `010`, `12:30` or `2024-01-01` as a text: the player reads
    exactly that, not False, 8, 750 or a date."""
    root = write_story(tmp_path, {
        EN: [("    title: Scene A", f"    title: {typed}"), ("      go: Go on.", f"      go: {typed}"),
             ("    title: Note one", f"    title: {typed}")],
    })
    result = load_dir(root)
    assert result.ok, [d.format() for d in result.diagnostics]
    assert result.catalog is not None and result.story is not None
    assert result.catalog.get("en", "scenes.a.title") == typed
    s = Session(result.story, result.catalog, lang="en", store=None)
    shown = [p.text for p in s.begin()]
    assert typed in shown, shown
    assert "  1. " + typed in shown
    assert any(f"New historical note: {typed} " in t for t in shown)


@pytest.mark.parametrize("typed", ["no", "yes", "on", "off", "y", "n", "null_x", "true_story"])
def test_ids_that_yaml_11_would_turn_into_booleans_stay_ids(typed: str, tmp_path: Path) -> None:
    """Scene ids, choice ids, targets and variable names are the text typed."""
    root = write_story(tmp_path, {
        ONE: [("  b:\n", f"  {typed}:\n"), ("to: b\n", f"to: {typed}\n"), ("      go:\n", f"      {typed}:\n")],
        EN: [("  b:\n    title: Scene B", f"  {typed}:\n    title: Scene B"), ("      go: Go on.", f"      {typed}: Go.")],
        ES: [("  b:\n    title: Escena B", f"  {typed}:\n    title: Escena B"), ("      go: Seguir.", f"      {typed}: Ir.")],
    })
    result = load_dir(root)
    assert result.ok, [d.format() for d in result.diagnostics]
    assert result.story is not None
    assert typed in result.story.scenes and result.story.scenes["a"].by_id[typed].to == typed


@pytest.mark.parametrize("path, old, new, code, hint", [
    (ONE, "        once: true", "        once: yes", "E216", "write true"),
    (ONE, "        once: true", "        once: off", "E216", "write false"),
    (ONE, "          - set: {f: true}", "          - set: {f: no}", "E216", "write false"),
    (MAN, "  n: 0", "  n: 010", "E202", "octal"),
    (MAN, "  n: 0", "  n: 12:30", "E202", "base-60"),
    (MAN, "  n: 0", "  n: 0x10", "E202", "whole number"),
    (MAN, "  n: 0", "  n: 1e3", "E202", "whole number"),
    (MAN, "  n: 0", "  n: 1_000", "E202", "whole number"),
    (MAN, "  n: 0", '  n: "3"', "E202", "remove the quotes"),
    (MAN, "  n: 0", "  n: " + "9" * 5000, "E202", "smaller"),  # int() would raise ValueError
    (ONE, '    date: "1944-06-28"', "    date: 1944-06-31", "E215", "YYYY-MM-DD"),
    (ONE, '    date: "1944-06-28"', "    date: 28/06/1944", "E215", "YYYY-MM-DD"),
    (ONE, '    date: "1944-06-28"', "    date: ١٩٤٤-٠٦-٢٨", "E215", "YYYY-MM-DD"),  # digits, but not ASCII
    (ONE, "      end: c", "      end: 010", "E203", "start with a letter"),
    (ONE, "        when: n == 0", "        when: n == " + "9" * 30, "E207", "smaller number"),
])
def test_yaml_11_values_are_reported_with_a_fix(tmp_path: Path, path: str, old: str, new: str, code: str,
                                                hint: str) -> None:
    root = write_story(tmp_path, {path: (old, new)})
    diags = [d for d in check_dir(root) if d.code == code and d.path.endswith(path)]
    assert diags and diags[0].line >= 1, [d.format() for d in check_dir(root)]
    assert hint in diags[0].message + " " + diags[0].fix, diags[0].format()


def test_unquoted_dates_in_story_files_are_kept_as_text(tmp_path: Path) -> None:
    root = write_story(tmp_path, {ONE: ('    date: "1944-06-28"', "    date: 1944-06-28")})
    result = load_dir(root)
    assert result.ok and result.story is not None
    assert result.story.scenes["a"].date == "1944-06-28"


# -- encodings, control characters, empty, several documents, size ------------------------------

@pytest.mark.parametrize("name, data, code, line", [
    ("tabs", MINI[EN].replace("    title: Scene C", "\ttitle: Scene C").encode(), "E109", 26),
    ("bom", b"\xef\xbb\xbf" + MINI[EN].encode(), "W101", 1),
    ("utf16_bom", b"\xff\xfe" + MINI[EN].encode("utf-16-le"), "E105", 1),
    ("utf16_no_bom", MINI[EN].encode("utf-16-be"), "E105", 1),
    ("utf32", MINI[EN].encode("utf-32"), "E105", 1),
    ("latin1", MINI[EN].replace("Scene C", "Escena Ñ").encode("latin-1"), "E105", 26),
    ("escape", MINI[EN].replace("The end of it.", "The end \x1b[2J of it.").encode(), "E108", 27),
    ("nul_late", (MINI[EN] + "\n" * 5000 + "x: \x00\n").encode(), "E108", MINI[EN].count("\n") + 5001),
    ("empty", b"", "E107", 1),
    ("comments_only", b"# nothing here\n# still nothing\n", "E107", 1),
    ("null_document", b"~\n", "E107", 1),
    ("documents", (MINI[EN] + "---\nmore: text\n").encode(), "E106", MINI[EN].count("\n") + 1),
    ("scalar_document", b"just a sentence\n", "E202", 1),
    ("list_document", b"- a\n- b\n", "E202", 1),
], ids=lambda v: v if isinstance(v, str) and len(v) < 20 else "")
def test_encoding_and_shape_problems_in_a_locale_file(name: str, data: bytes, code: str, line: int,
                                                     tmp_path: Path) -> None:
    root = write_story(tmp_path, {EN: data})
    assert reported(root, code, EN)[0] == line


# Control characters YAML decodes from escapes in double-quoted text: the file's bytes are clean,
# the value is not. Each is E108 at the value, in a locale and in a story file, and `check`'s
# own output carries none of them to the writer's terminal.
ESCAPED = {
    "osc_title": r'"The end \e]0;owned\a of it."',
    "osc52_clipboard": r'"The end \e]52;c;ZWNobyBoaQ==\a of it."',
    "clear_screen": r'"The end \e[2J of it."',
    "c1_csi": r'"The end \x9b of it."',
    "c1_utf8": r'"The end \u009b of it."',
    "bidi_override": r'"The end \u202e of it."',
    "bidi_isolate": r'"The end \u2066 of it."',
    "delete": r'"The end \x7f of it."',
    "carriage_return": r'"The end \r of it."',
}


@pytest.mark.parametrize("name", sorted(ESCAPED))
def test_control_characters_written_as_escapes_are_refused_at_the_value(name: str, tmp_path: Path) -> None:
    root = write_story(tmp_path, {EN: MINI[EN].replace("text: The end of it.", "text: " + ESCAPED[name])})
    assert reported(root, "E108", EN) == (27, 11)
    out = io.StringIO()
    assert main(["check", "--story", str(root / "story"), "--locales", str(root / "locales")],
                env={"HENGYANG_NO_CACHE": "1"}, stdout=out, stderr=io.StringIO()) == 1
    text = out.getvalue()
    assert "error E108" in text and "<U+" not in text  # the message names the character, the line holds none
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", text)


def test_control_characters_in_story_values_and_keys_are_refused(tmp_path: Path) -> None:
    tree, diags = read_yaml_text('a: "x\\e[2Jy"\n"k\\x9b": 1\nb: ok\n', "story/one.yaml")
    assert [(d.code, d.line, d.col) for d in diags] == [("E108", 1, 4), ("E108", 2, 1)]
    assert isinstance(tree, Map) and tree["a"].value == "x[2Jy" and "k" in tree and tree["b"].value == "ok"
    assert "U+001B (ESC)" in diags[0].message and "U+009B (CSI)" in diags[1].message


def test_raw_c1_and_bidi_characters_in_a_file_are_refused(tmp_path: Path) -> None:
    for raw in ("\x9b", "\u202e", "\u2067"):
        root = write_story(tmp_path / repr(raw), {EN: MINI[EN].replace("The end of it.", f"The end {raw}of it.")})
        assert reported(root, "E108", EN) == (27, 19)


def test_a_50_megabyte_file_is_refused_at_once(tmp_path: Path) -> None:
    root = write_story(tmp_path)
    big = root / "story" / "huge.yaml"
    with big.open("wb") as f:
        chunk = b"# " + b"padding " * 127 + b"\n"
        for _ in range(50 * 1024 * 1024 // len(chunk) + 1):
            f.write(chunk)
    assert big.stat().st_size >= 50 * 1024 * 1024
    line, col, peak = _with_peak(reported, root, "E110", "story/huge.yaml")
    assert (line, col) == (1, 1) and peak < 32 * 1024**2  # refused by its size, never read
    message = next(d for d in check_dir(root) if d.code == "E110").message
    assert "50.0 MB" in message and "32 MB" in message


def test_directives_are_harmless() -> None:
    tree, diags = read_yaml_bytes(b"%YAML 1.1\n---\na: no\n", "x.yaml")
    assert isinstance(tree, Map) and isinstance(tree["a"], Scalar) and tree["a"].value == "no" and not diags
    tree, diags = read_yaml_bytes(b"%TAG !e! tag:example.com,2000:\n---\na: !e!thing 1\n", "x.yaml")
    assert tree is None and [d.code for d in diags] == ["E104"]
