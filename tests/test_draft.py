"""Drafting before translating: with --draft (and the reload of a game started with it) a text
one language lacks is a warning, and the game shows it from the language that has it, marked as
untranslated; without --draft, check is as strict as before."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from adventure.cli import main
from adventure.play.saves import SaveStore
from adventure.play.session import Session
from adventure.play.watch import StoryFiles
from storykit import write_story

ES = "locales/es/text.yaml"
EN = "locales/en/text.yaml"
# Scene b's text written in English only, and scene c's title in Spanish only.
DRAFT: dict[str, object] = {
    ES: ('    text: "Tienes {n} puntos."\n', ""),
    EN: ("    title: Scene C\n", ""),
}


def _check(root: Path, *extra: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(["check", "--story", str(root / "story"), "--locales", str(root / "locales"), *extra],
                env={}, stdout=out)
    return code, out.getvalue()


def test_check_is_strict_without_draft(tmp_path: Path) -> None:
    code, out = _check(write_story(tmp_path, DRAFT))
    assert code == 1
    assert "error E300: no es text for 'scenes.b.text'" in out and "error E300: no en text for 'scenes.c.title'" in out


def test_check_with_draft_warns(tmp_path: Path) -> None:
    code, out = _check(write_story(tmp_path, DRAFT), "--draft")
    assert code == 0, out
    assert "warning W302: 'scenes.b.text' has no es text yet" in out
    assert "warning W302: 'scenes.c.title' has no en text yet" in out
    assert " error " not in out


def test_a_text_missing_everywhere_is_still_an_error(tmp_path: Path) -> None:
    root = write_story(tmp_path, {**DRAFT, "locales/en/text.yaml": [("    text: \"You have {n} points.\"\n", "")]})
    code, out = _check(root, "--draft")
    assert code == 1 and "error E300: no en text for 'scenes.b.text'" in out


@pytest.mark.parametrize(("lang", "shown"), [("es", "[sin traducir] You have 1 points."),
                                             ("en", "[untranslated] Escena C")])
def test_the_game_shows_the_draft_marked(lang: str, shown: str, tmp_path: Path) -> None:
    root = write_story(tmp_path, DRAFT)
    out = io.StringIO()
    code = main(["--story", str(root / "story"), "--locales", str(root / "locales"), "--lang", lang, "--plain",
                 "--draft", "--save-dir", str(tmp_path / "saves")],
                env={}, stdin=io.BytesIO(b"1\n1\n"), stdout=out)
    assert code == 0, out.getvalue()
    assert shown in out.getvalue(), out.getvalue()


def test_a_game_without_draft_does_not_start(tmp_path: Path) -> None:
    root = write_story(tmp_path, DRAFT)
    err = io.StringIO()
    code = main(["--story", str(root / "story"), "--locales", str(root / "locales"), "--plain",
                 "--save-dir", str(tmp_path / "saves")], env={}, stdin=io.BytesIO(b""), stderr=err,
                stdout=io.StringIO())
    assert code == 1 and "E300" in err.getvalue()


def test_reload_of_a_draft_game_accepts_a_new_untranslated_scene(tmp_path: Path) -> None:
    root = write_story(tmp_path)
    files = StoryFiles(root / "story", root / "locales", draft=True)
    result, _ = files.load()
    assert result.ok and result.story is not None and result.catalog is not None
    s = Session(result.story, result.catalog, lang="es", store=SaveStore(tmp_path / "saves"), reloader=files)
    s.begin()
    path = root / ES
    path.write_text(path.read_text(encoding="utf-8").replace("    title: Escena A\n", ""), encoding="utf-8")
    out = "\n".join(p.text for p in s.handle("recargar").paras)
    assert "recargada" in out, out
    assert s.catalog.draft and "[sin traducir] Scene A" in "\n".join(p.text for p in s.handle("mirar").paras)
