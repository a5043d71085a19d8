"""The writers' documentation stays true: every diagnostic code has an entry in
docs/diagnostics.md (message, cause, example, fix) and a test that triggers it, the message
shown there is the one the tools print, and the README links the guides."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_diagnostics import CASES, EXPLORE_CASES, reported

from adventure.core.diagnostics import CODES

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "diagnostics.md").read_text(encoding="utf-8")
HEADING = re.compile(r"^### ([EW]\d{3}) (\S+) \((error|warning)\)$", re.M)


def entries() -> dict[str, str]:
    found = list(HEADING.finditer(DOC))
    out = {}
    for i, mt in enumerate(found):
        end = found[i + 1].start() if i + 1 < len(found) else len(DOC)
        out[mt[1]] = DOC[mt.start():end]
    return out


def test_every_code_has_a_docs_entry_and_a_triggering_test() -> None:
    documented = entries()
    assert set(documented) == set(CODES), (
        f"document these in docs/diagnostics.md: {sorted(set(CODES) - set(documented))}; "
        f"remove: {sorted(set(documented) - set(CODES))}")
    assert set(CASES) | set(EXPLORE_CASES) == set(CODES), "add a triggering case in tests/test_diagnostics.py"


@pytest.mark.parametrize("code", sorted(CODES))
def test_docs_entry_is_complete(code: str) -> None:
    entry = entries()[code]
    name, severity = HEADING.match(entry.splitlines()[0]).group(2, 3)  # type: ignore[union-attr]
    assert (name, severity) == (CODES[code].name, CODES[code].severity)
    for part in ("**Message**", "**Cause.**", "**Example", "**Fix.**"):
        assert part in entry, f"{code}: no {part} section"
    assert f'<a id="{code.lower()}"></a>' in DOC and f"(#{code.lower()})" in DOC


@pytest.mark.parametrize("code", sorted(CODES))
def test_docs_show_the_message_the_tools_print(code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shown = entries()[code].split("**Message**", 1)[1].strip().splitlines()[0].strip()
    assert f" {CODES[code].severity} {code}: " in shown
    if code == "E110":  # the test lowers the size limit to a few bytes; the page shows a real case
        return
    [d, *_] = reported(code, tmp_path, monkeypatch)
    assert shown == d.format(), f"update the message of {code} in docs/diagnostics.md"


def test_readme_links_the_guides() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for doc in ("docs/writing.md", "docs/escritura.md", "docs/diagnostics.md"):
        assert f"]({doc})" in readme and (ROOT / doc).is_file()


def test_guides_mention_every_tool() -> None:
    for name in ("writing.md", "escritura.md"):
        text = (ROOT / "docs" / name).read_text(encoding="utf-8")
        for command in ("python play.py check", "python play.py explore", "python play.py graph",
                        "python play.py i18n status", "python play.py i18n review", "i18n export", "i18n import",
                        "--watch", "schema/story.schema.json"):
            assert command in text, f"docs/{name} does not mention {command}"


def test_the_teachers_guides_install_the_game_as_the_readme_does() -> None:
    """A teacher installs the game as a command (``pipx install .``, as README's "Set up and
    play" says), not as a writer's editable checkout, and the guides' commands use it."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "pipx install .  " in readme
    for name in ("teachers.md", "docentes.md"):
        text = (ROOT / "docs" / name).read_text(encoding="utf-8")
        assert "`pipx install .`" in text and "pip install -e" not in text, name
        assert "hengyang --student" in text and "hengyang class" in text and "hengyang export --format web" in text
