"""The JSON Schemas in schema/: every shipped YAML file points at the right one and is valid
against it, and the schemas reject what the loader rejects (so an editor flags it early)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from jsonschema import Draft7Validator

from adventure.files.schema import INT_RE
from adventure.files.yamlread import Map, Node, Scalar, Seq, read_yaml_bytes
from storykit import MINI, write_story

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = {name: json.loads((ROOT / "schema" / f"{name}.schema.json").read_text(encoding="utf-8"))
           for name in ("story", "locale")}
HEADER = re.compile(r"# yaml-language-server: \$schema=(\S+)\Z")


def to_json(node: Node) -> object:
    """The located tree as JSON types, as the loader reads it: plain true/false are booleans,
    plain whole numbers are integers, YAML's nothing (an empty plain value, ~, null) is null,
    everything else is the text as written."""
    if isinstance(node, Map):
        return {k: to_json(v) for k, v in node.items()}
    if isinstance(node, Seq):
        return [to_json(v) for v in node]
    assert isinstance(node, Scalar)
    if node.plain:
        if node.value in ("true", "True", "TRUE"):
            return True
        if node.value in ("false", "False", "FALSE"):
            return False
        if INT_RE.match(node.value):
            return int(node.value)
        if node.is_null:
            return None
    return node.value


def validator(kind: str) -> Draft7Validator:
    return Draft7Validator(SCHEMAS[kind])


def errors(kind: str, path: Path) -> list[str]:
    tree, diags = read_yaml_bytes(path.read_bytes(), str(path))
    assert tree is not None, [d.format() for d in diags]
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator(kind).iter_errors(to_json(tree))]


def shipped() -> list[tuple[str, Path]]:
    out = []
    for base in (ROOT, ROOT / "tests" / "fixtures" / "prologue"):
        out += [("story", p) for p in sorted((base / "story").glob("*.yaml"))]
        out += [("locale", p) for p in sorted((base / "locales").glob("*/*.yaml"))]
    return out


def test_the_schemas_are_valid_schemas() -> None:
    for schema in SCHEMAS.values():
        Draft7Validator.check_schema(schema)


def test_there_are_files_to_check() -> None:
    kinds = [k for k, _ in shipped()]
    assert kinds.count("story") >= 4 and kinds.count("locale") >= 8


@pytest.mark.parametrize("kind,path", shipped(), ids=lambda x: str(x.relative_to(ROOT)) if isinstance(x, Path) else x)
def test_shipped_file_names_its_schema_and_is_valid(kind: str, path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    mt = HEADER.match(first)
    assert mt, f"{path} must start with '# yaml-language-server: $schema=...'"
    assert (path.parent / mt[1]).resolve() == (ROOT / "schema" / f"{kind}.schema.json").resolve()
    assert errors(kind, path) == []


def test_the_test_story_kit_is_valid(tmp_path: Path) -> None:
    root = write_story(tmp_path)
    for name in MINI:
        assert errors("story" if name.startswith("story/") else "locale", root / name) == [], name


# Edits from tests/test_diagnostics.py that the schema catches as well as the loader.
ONE, MAN, EN = "story/one.yaml", "story/story.yaml", "locales/en/text.yaml"
REJECTED = {
    "E200 unknown field": (ONE, ("    witness: bob", "    witness: bob\n    txt: hi")),
    "E201 note without sources": (ONE, ("    sources: [x.txt]", '    date: "1944-06-22"')),
    "E202 list for an ending": (ONE, ("    ending: done", "    ending: [done]")),
    "E203 bad scene id": (ONE, ("  c:\n", "  c-d:\n    ending: done\n  c:\n")),
    "E211 no choices, no ending": (ONE, ("    choices:\n      back:\n        to: a\n        when: f\n      end: c\n", "")),
    "E216 yes for true": (ONE, ("        once: true", "        once: yes")),
    "E218 bad language code": (MAN, ("  languages: [en, es]", "  languages: [en, English]")),
    "E201 choice with nowhere to go": (ONE, ("        to: b\n        once: true", "        once: true")),
    "E202 octal-looking number": (MAN, ("  n: 0", "  n: 010")),
    "E200 manifest field in a chapter": (ONE, ("chapter: one", "chapter: one\nvariables: {x: 1}")),
    "E303 a list as text": (EN, ("    title: Scene C", "    title: [Scene, C]")),
    "E303 no text": (EN, ("    title: Scene C", "    title:")),
    "E203 dotted locale key": (EN, ("    title: Scene C", "    title.x: Scene C")),
}


@pytest.mark.parametrize("case", sorted(REJECTED))
def test_the_schema_rejects_what_the_loader_rejects(case: str, tmp_path: Path) -> None:
    name, edit = REJECTED[case]
    root = write_story(tmp_path, {name: edit})
    assert errors("story" if name.startswith("story/") else "locale", root / name), case
