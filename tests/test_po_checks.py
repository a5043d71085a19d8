"""Translators' files that real tools check: GNU gettext's ``msgfmt -c`` rejects a translation
that drops a {placeholder} (the python-brace-format flag); a stale entry carries the English it
was reviewed against as ``#| msgid`` (read back with polib, as Poedit would show it); and
``i18n import`` refuses an entry whose placeholders differ from the English."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import polib
import pytest

from adventure.cli import main
from storykit import write_story

EN = "locales/en/text.yaml"
ES = "locales/es/text.yaml"
GIT = ["git", "-c", "user.name=Writer", "-c", "user.email=writer@example.org", "-c", "commit.gpgsign=false"]


def run_tool(root: Path, *argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main([*argv, "--story", str(root / "story"), "--locales", str(root / "locales")],
                stdout=out, stderr=out, env={})
    return code, out.getvalue()


def msgfmt(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)], capture_output=True, text=True, check=False)


@pytest.fixture
def story(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = write_story(tmp_path / "work")
    monkeypatch.chdir(root)
    assert run_tool(root, "i18n", "review", "--all")[0] == 0
    return root


def test_msgfmt_rejects_a_translation_that_drops_a_placeholder(story: Path, tmp_path: Path) -> None:
    po = tmp_path / "es.po"
    assert run_tool(story, "i18n", "export", "-o", str(po))[0] == 0
    entry = polib.pofile(str(po)).find("You have {n} points.", msgctxt="scenes.b.text")
    assert entry is not None and "python-brace-format" in entry.flags
    assert msgfmt(po).returncode == 0, msgfmt(po).stderr
    text = po.read_text(encoding="utf-8")
    assert 'msgstr "Tienes {n} puntos."' in text
    po.write_text(text.replace('msgstr "Tienes {n} puntos."', 'msgstr "Tienes puntos."'), encoding="utf-8")
    done = msgfmt(po)
    assert done.returncode != 0 and "argument 'n'" in done.stderr, done.stderr


def test_a_stale_entry_carries_the_english_it_was_reviewed_against(story: Path, tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q"], cwd=story, check=True)
    subprocess.run([*GIT, "add", "-A"], cwd=story, check=True)
    subprocess.run([*GIT, "commit", "-qm", "first"], cwd=story, check=True)
    en = story / EN
    en.write_text(en.read_text(encoding="utf-8").replace("    title: Scene B", "    title: The second scene"),
                  encoding="utf-8")
    subprocess.run([*GIT, "commit", "-qam", "second"], cwd=story, check=True)
    po = tmp_path / "es.po"
    assert run_tool(story, "i18n", "export", "-o", str(po))[0] == 0
    entry = polib.pofile(str(po)).find("The second scene", msgctxt="scenes.b.title")
    assert entry is not None and "fuzzy" in entry.flags
    assert entry.previous_msgid == "Scene B" and entry.previous_msgctxt == "scenes.b.title"
    assert msgfmt(po).returncode == 0, msgfmt(po).stderr
    fresh = polib.pofile(str(po)).find("Scene A", msgctxt="scenes.a.title")
    assert fresh is not None and fresh.previous_msgid is None  # only stale entries have one


def test_outside_git_a_stale_entry_has_no_previous_text(story: Path, tmp_path: Path) -> None:
    en = story / EN
    en.write_text(en.read_text(encoding="utf-8").replace("    title: Scene B", "    title: The second scene"),
                  encoding="utf-8")
    po = tmp_path / "es.po"
    assert run_tool(story, "i18n", "export", "-o", str(po))[0] == 0
    entry = polib.pofile(str(po)).find("The second scene", msgctxt="scenes.b.title")
    assert entry is not None and "fuzzy" in entry.flags and entry.previous_msgid is None


def test_import_refuses_an_entry_whose_placeholders_differ(story: Path, tmp_path: Path) -> None:
    po = tmp_path / "es.po"
    run_tool(story, "i18n", "export", "-o", str(po))
    pofile = polib.pofile(str(po))
    pofile.find("You have {n} points.", msgctxt="scenes.b.text").msgstr = "Tienes {m} puntos."
    pofile.find("Scene A", msgctxt="scenes.a.title").msgstr = "La escena A"
    pofile.save(str(po))
    es = story / ES
    before = es.read_text(encoding="utf-8")
    code, out = run_tool(story, "i18n", "import", str(po))
    assert code == 1
    assert "refused, placeholders differ" in out and "scenes.b.text: {m} in the file, {n} in en" in out, out
    after = es.read_text(encoding="utf-8")
    assert "Tienes {n} puntos." in after and "{m}" not in after  # nothing written for it
    assert "La escena A" in after and after != before  # the good entry is imported


def test_plural_forms_are_one_entry_with_msgid_plural_and_come_back_per_form(story: Path, tmp_path: Path) -> None:
    (story / "locales" / "en" / "counts.yaml").write_text(
        'counts:\n  points:\n    one: "{n} point"\n    other: "{n} points"\n', encoding="utf-8")
    (story / "locales" / "es" / "counts.yaml").write_text(
        'counts:\n  points:\n    one: "{n} punto"\n    other: "{n} puntos"\n', encoding="utf-8")
    po = tmp_path / "es.po"
    assert run_tool(story, "i18n", "export", "-o", str(po))[0] == 0
    pofile = polib.pofile(str(po))
    assert pofile.metadata["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    entry = pofile.find("{n} point", msgctxt="counts.points")
    assert entry is not None and entry.msgid_plural == "{n} points" and entry.msgstr == ""
    assert entry.msgstr_plural == {0: "{n} punto", 1: "{n} puntos"}
    assert [e.msgctxt for e in pofile].count("counts.points") == 1  # one entry, not one per form
    assert msgfmt(po).returncode == 0, msgfmt(po).stderr
    entry.msgstr_plural[1] = "{n} puntitos"
    pofile.save(str(po))
    code, out = run_tool(story, "i18n", "import", str(po))
    assert code == 0 and "updated: 1" in out, out
    es = (story / "locales" / "es" / "counts.yaml").read_text(encoding="utf-8")
    assert "{n} puntitos" in es and "{n} punto\"" in es
    entry.msgstr_plural[0] = "punto"  # a form that drops the placeholder (msgfmt allows it; the import refuses it)
    pofile.save(str(po))
    code, out = run_tool(story, "i18n", "import", str(po))
    assert code == 1 and "counts.points.one: no placeholder in the file, {n} in en" in out, out


@pytest.mark.parametrize("lang", ["en", "es", "fr", "pt", "de", "ru", "uk", "pl", "ar", "ja", "zh", "xx"])
def test_the_plural_forms_header_picks_the_form_the_game_picks(lang: str) -> None:
    """msgstr[i] of a PO entry is the i-th form of the language: the header's expression must
    choose, for every count, the form adventure.text.plural chooses (Python's gettext reads it)."""
    import gettext

    from adventure.text.plural import categories, category
    from adventure.tools.pofile import plural_forms

    header = plural_forms(lang)
    nplurals = int(header.split("nplurals=")[1].split(";")[0])
    pick = gettext.c2py(header.split("plural=")[1].rstrip(";"))
    assert nplurals == len(categories(lang))
    for n in range(0, 1200):
        assert categories(lang)[pick(n)] == category(lang, n), (lang, n)
