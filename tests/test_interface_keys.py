"""Every interface text the code asks for exists in every language the engine ships.

A key the code uses but no locale defines used to show ``[ui.cmd.x]`` on screen, and ``check``
said nothing. Literal keys are read from the source; keys built at run time (one per command,
report label, language) are checked over every value they can take.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from adventure.files.loader import load_story

ROOT = Path(__file__).resolve().parent.parent
KEY = re.compile(r"ui\.[a-z0-9_]+(?:\.[a-z0-9_]+)*\Z")


def _literal_keys() -> dict[str, str]:
    keys: dict[str, str] = {}
    for path in sorted((ROOT / "adventure").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and KEY.match(node.value):
                keys.setdefault(node.value, f"{path.relative_to(ROOT)}:{node.lineno}")
    return keys


def _dynamic_keys() -> set[str]:
    from adventure.classroom import report
    from adventure.play.commands import COMMANDS

    story = load_story(ROOT / "story", ROOT / "locales").story
    assert story is not None
    keys = COMMANDS.keys()  # each command's words and help line, as the registry names them
    keys |= {f"ui.report.{name}" for name in report._LABELS}
    for code in story.languages:
        keys |= {f"ui.classroom.lang_name.{code}", f"ui.classroom.tag.{code}", f"ui.lang_names.{code}"}
    return keys


@pytest.fixture(scope="module")
def catalog():  # type: ignore[no-untyped-def]
    result = load_story(ROOT / "story", ROOT / "locales")
    assert result.catalog is not None
    return result.catalog


def test_every_literal_interface_key_exists_in_every_language(catalog) -> None:  # type: ignore[no-untyped-def]
    literal = _literal_keys()
    assert len(literal) > 100  # the scan finds the keys (a broken pattern would find none)
    prefixes = {k for k in literal if any(other.startswith(k + ".") for other in catalog.texts["en"])}
    missing = [f"{key} ({where}) in {lang}" for key, where in literal.items() if key not in prefixes
               for lang in catalog.languages if key not in catalog.texts[lang]]
    assert not missing, missing


def test_every_key_built_at_run_time_exists_in_every_language(catalog) -> None:  # type: ignore[no-untyped-def]
    missing = [f"{key} in {lang}" for key in sorted(_dynamic_keys()) for lang in catalog.languages
               if key not in catalog.texts[lang]]
    assert not missing, missing


def test_check_requires_the_whole_interface_in_a_new_language(tmp_path: Path) -> None:
    """A story in a language the engine has no interface texts for is not clean: each interface
    key is an E300 naming the language, at the key's place in the engine's English file."""
    from storykit import write_story

    root = write_story(tmp_path, {"story/story.yaml": ("languages: [en, es]", "languages: [en, es, fr]")})
    (root / "locales" / "fr").mkdir()
    (root / "locales" / "fr" / "text.yaml").write_text(
        (root / "locales" / "es" / "text.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    result = load_story(root / "story", root / "locales")
    gaps = [d for d in result.diagnostics if d.code == "E300" and "interface key" in d.message]
    assert gaps and all("no fr text" in d.message and d.path.endswith(".yaml") and d.line > 0 for d in gaps)
    assert result.catalog is not None
    interface = {k for k in result.catalog.texts["en"] if k.startswith("ui.")}
    assert len(interface) > 100 and {d.message.split("'")[1] for d in gaps} == interface


def test_check_requires_every_key_the_command_registry_names() -> None:
    """``check`` requires, in every language of a story, each key of the engine's English
    interface files (E300, above); each key the command registry names is one of them, so a
    command whose words or help a language lacks is an E300, not ``[ui.cmd.x]`` on screen."""
    from adventure.files.loader import parse_locale_file
    from adventure.play.commands import COMMANDS

    reference = {key for path in sorted((ROOT / "locales" / "en").glob("ui*.yaml"))
                 for key, _text, _line, _col in parse_locale_file(path.read_bytes(), str(path))["entries"]}
    named = COMMANDS.keys()
    assert len(named) == 2 * len(COMMANDS.listed()) + 1  # words and help of each, and "continue"'s words
    assert not named - reference, sorted(named - reference)
