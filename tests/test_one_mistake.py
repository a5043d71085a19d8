"""`check` points at the one real mistake: a dozen real single mistakes, each made in a copy of
the shipped story, each give exactly one error (nothing that only follows from the broken file)
at the line where the writer went wrong."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from adventure.cli import main
from adventure.files.loader import data_root as project_root

BAT = "story/battery.yaml"
EN = "locales/en/battery.yaml"
ES = "locales/es/battery.yaml"

# name -> (file, text in the shipped file, the mistaken text, line of the error counted from the
# line where that text begins (so story edits above it move nothing), code)
MISTAKES: dict[str, tuple[str, str, str, int, str]] = {
    "sibling key one space too far": (BAT, "      - note: bai_tianlin\n    choices:", "      - note: bai_tianlin\n     choices:", 1, "E100"),
    "first key one space too far": (BAT, "  bat_bai:\n    date:", "  bat_bai:\n     date:", 1, "E100"),
    "scene key one space short": (BAT, "  bat_bai:\n    date:", " bat_bai:\n    date:", 0, "E100"),
    "when: dedented": (BAT, "        to: bat_path\n        when: dug", "        to: bat_path\n       when: dug", 1, "E100"),
    "a tab for indentation": (BAT, "  bat_bai:\n    date:", "  bat_bai:\n\tdate:", 1, "E109"),
    "unclosed quote in a story file": (BAT, '  bat_bai:\n    date: "1944-06-23"', '  bat_bai:\n    date: "1944-06-23', 1, "E100"),
    "unclosed bracket": (BAT, "      - set: {knows_three_donts: true}", "      - set: {knows_three_donts: true", 0, "E100"),
    "key without its colon": (BAT, "  bat_rounds:\n", "  bat_rounds\n", 0, "E100"),
    "unclosed quote in a locale file": (EN, 'title: "I. The mortar battery"', 'title: "I. The mortar battery', 0, "E100"),
    "unclosed quote in the Spanish file": (ES, 'title: "I. La batería de morteros"', 'title: "I. La batería de morteros', 0, "E100"),
    "colon inside unquoted text": (EN, "    title: Bai Tianlin\n", "    title: Bai Tianlin: the commander\n", 0, "E100"),
    "a tab in a locale file": (EN, "    title: Bai Tianlin\n", "\ttitle: Bai Tianlin\n", 0, "E109"),
    "text starting with @": (EN, "    title: Bai Tianlin\n", "    title: @bai_tianlin\n", 0, "E100"),
}


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("shipped")
    shutil.copytree(project_root() / "story", root / "story")
    shutil.copytree(project_root() / "locales", root / "locales")
    return root


@pytest.mark.parametrize("name", sorted(MISTAKES))
def test_one_mistake_gives_one_error(name: str, shipped: Path, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    path, old, new, line, code = MISTAKES[name]
    root = tmp_path / "copy"
    shutil.copytree(shipped, root)
    text = (root / path).read_text(encoding="utf-8")
    assert text.count(old) >= 1, f"the shipped {path} changed: {old!r} is gone"
    (root / path).write_text(text.replace(old, new, 1), encoding="utf-8")
    line += text[:text.index(old)].count("\n") + 1
    monkeypatch.chdir(root)
    assert main(["check", "--story", "story", "--locales", "locales"], env={"LANG": "en_GB.UTF-8"}) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == [out[0], "1 error(s), 0 warning(s)."], "\n".join(out)
    assert out[0].startswith(f"{path}:{line}:") and f" error {code}: " in out[0], out[0]


def test_summary_speaks_spanish(shipped: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "copy"
    shutil.copytree(shipped, root)
    (root / BAT).write_text((root / BAT).read_text(encoding="utf-8").replace("  bat_rounds:\n", "  bat_rounds\n"),
                            encoding="utf-8")
    monkeypatch.chdir(root)
    assert main(["check", "--story", "story", "--locales", "locales"], env={"LANG": "es_ES.UTF-8"}) == 1
    assert capsys.readouterr().out.splitlines()[-1] == "1 error(es), 0 aviso(s)."


def test_a_real_second_mistake_still_shows(shipped: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """Only what the broken file explains is quiet: a wrong target elsewhere is still an error."""
    root = tmp_path / "copy"
    shutil.copytree(shipped, root)
    (root / BAT).write_text((root / BAT).read_text(encoding="utf-8").replace("  bat_rounds:\n", "  bat_rounds\n"),
                            encoding="utf-8")
    pro = root / "story/prologue.yaml"
    text = pro.read_text(encoding="utf-8")
    target = next(word for word in ("pro_order", "pro_street") if f": {word}\n" in text)
    pro.write_text(text.replace(f": {target}\n", ": no_such_scene\n", 1), encoding="utf-8")
    monkeypatch.chdir(root)
    assert main(["check", "--story", "story", "--locales", "locales"], env={}) == 1
    out = capsys.readouterr().out.splitlines()
    assert [ln.split(": ")[1].split()[-1] for ln in out[:-1]] == ["E100", "E205"], out
