"""Interface texts: every key the code uses exists in both languages, and nothing is left untranslated."""

from __future__ import annotations

import re
from pathlib import Path

from adventure.files.loader import load_story
from adventure.play.commands import COMMANDS
from adventure.play.session import Session
from storykit import load_dir, write_story

ROOT = Path(__file__).resolve().parent.parent
KEY_RE = re.compile(r"""["'](ui\.[a-z_]+(?:\.[a-z_]+)*)["']""")


def catalog():  # type: ignore[no-untyped-def]
    result = load_story()
    assert result.ok and result.catalog is not None
    return result.catalog


def test_every_ui_key_in_the_code_exists_in_both_languages() -> None:
    texts = catalog().texts
    used = set()
    for path in (ROOT / "adventure").rglob("*.py"):
        used |= set(KEY_RE.findall(path.read_text(encoding="utf-8")))
    used |= COMMANDS.keys()  # each command's words and help line, "continue" among them
    assert len(used) > 40
    for lang in ("en", "es"):
        missing = sorted(k for k in used if k not in texts[lang] and f"{k}.other" not in texts[lang])
        assert not missing, f"missing in {lang}: {missing}"


def test_both_languages_have_the_same_interface_keys() -> None:
    texts = catalog().texts
    en = {k for k in texts["en"] if k.startswith("ui.")}
    es = {k for k in texts["es"] if k.startswith("ui.")}
    assert en == es


def test_spanish_interface_is_translated() -> None:
    texts = catalog().texts
    same = sorted(k for k in texts["en"] if k.startswith("ui.") and texts["en"][k] == texts["es"].get(k))
    # Only texts that are the same in both languages by nature.
    assert set(same) <= {"ui.no", "ui.no_words", "ui.slot_line", "ui.cmd.help", "ui.argparse.error",
                         "ui.speaker_separator"} | {k for k in same if k.startswith("ui.lang_names")}, same


def test_a_story_with_its_own_locales_gets_the_engine_interface(tmp_path: Path) -> None:
    result = load_dir(write_story(tmp_path))
    assert result.ok and result.story is not None and result.catalog is not None
    s = Session(result.story, result.catalog, lang="es", store=None)
    s.begin()
    assert "Órdenes" in "\n".join(p.text for p in s.handle("ayuda").paras)


def test_counted_messages_follow_each_languages_plural_rules() -> None:
    """``Tiempo de lectura: 1 minutos`` no more: a count picks the language's plural form."""
    from adventure.classroom.flow import duration
    from adventure.text.catalog import Texts

    cat = catalog()
    es, en = Texts(cat, "es"), Texts(cat, "en")
    assert duration(es, 60) == "1 minuto" and duration(es, 120) == "2 minutos"
    assert es.count("ui.classroom.glossary_heading", 1) == "Glosario: 1 término"
    assert en.count("ui.classroom.glossary_heading", 1) == "Glossary: 1 term"
    assert en.count("ui.classroom.glossary_heading", 0) == "Glossary: 0 terms"
    assert "queda 1 " in es.count("ui.notes_none", 1, total=1) and "quedan 2 " in es.count("ui.notes_none", 2, total=2)
    assert es.count("ui.reload_warnings", 1) == "1 aviso:" and en.count("ui.reload_failed", 3).startswith(
        "The story files now have 3 errors")


def test_plural_rules_serve_a_language_with_more_forms() -> None:
    from adventure.text.plural import categories, category

    assert categories("ru") == ("one", "few", "many", "other")
    assert [category("ru", n) for n in (1, 2, 5, 11, 21, 22, 112)] == ["one", "few", "many", "many", "one", "few", "many"]
    assert [category("ar", n) for n in (0, 1, 2, 3, 11, 100)] == ["zero", "one", "two", "few", "many", "other"]
    assert categories("xx") == ("one", "other") and category("fr", 0) == "one" and category("en", 0) == "other"
