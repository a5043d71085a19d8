"""A third language is data: locale files and one word in the manifest, no code.

``tests/fixtures/trilingual`` is a small story in English, Spanish and French whose French
interface lives in the fixture itself (``locales/fr/ui*.yaml``); the engine ships only English
and Spanish. It loads, passes ``check``, plays in French to its ending, switches language,
reads bilingually and exports, all through the real command line.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from adventure.files.loader import load_story, parse_locale_file
from playkit import PLAY, ROOT, game_env, run_pipe

TRI = Path(__file__).resolve().parent / "fixtures" / "trilingual"
ARGS = ["--story", str(TRI / "story"), "--locales", str(TRI / "locales")]
#: A key shown instead of its text: ``[ui.cmd.x]``, ``[scenes.a.title]``...
UNFILLED = re.compile(r"\[(ui|scenes|notes|story|chapters|endings|characters|glossary|questions|sources)\.")
#: The keys that name the fixture's own language, which the engine's English files cannot know.
OWN = {"ui.lang_names.fr", "ui.classroom.lang_name.fr", "ui.classroom.tag.fr"}
PLACEHOLDER = re.compile(r"(?<!\{)\{([a-z_]+)\}(?!\})")


def _keys(files: list[Path]) -> dict[str, str]:
    out: dict[str, str] = {}
    for path in files:
        for key, text, _line, _col in parse_locale_file(path.read_bytes(), str(path))["entries"]:
            out[key] = text
    return out


def _tool(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, PLAY, *args], capture_output=True, text=True, encoding="utf-8",
                          cwd=str(cwd), env=game_env(cwd), timeout=120)


def _play(tmp_path: Path, lines: str, *args: str) -> str:
    proc = run_pipe(tmp_path / "saves", lines.encode(), "--plain", *args, story=TRI)
    out, err = proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")
    assert proc.returncode == 0 and "Traceback" not in err, err
    assert not UNFILLED.search(out + err), UNFILLED.search(out + err)
    return out


def test_the_french_interface_lacks_no_key() -> None:
    """Every interface key of the engine's English files has its French line here, with the
    same placeholders. When this fails it names the keys: whoever adds a ``ui.*`` key to the
    engine adds its French line to tests/fixtures/trilingual/locales/fr/ui*.yaml too."""
    english = _keys(sorted((ROOT / "locales" / "en").glob("ui*.yaml")))
    french = _keys(sorted((TRI / "locales" / "fr").glob("ui*.yaml")))
    assert len(english) > 300  # the engine's whole interface was read
    missing = sorted(set(english) - set(french))
    assert not missing, ("the French interface of tests/fixtures/trilingual lacks these keys; add them to its "
                         f"locales/fr/ui*.yaml: {', '.join(missing)}")
    stale = sorted(set(french) - set(english) - OWN)
    assert not stale, f"tests/fixtures/trilingual/locales/fr has interface keys the engine no longer has: {stale}"
    differ = [f"{key}: {sorted(set(PLACEHOLDER.findall(french[key])))} in fr, "
              f"{sorted(set(PLACEHOLDER.findall(text)))} in en"
              for key, text in english.items()
              if set(PLACEHOLDER.findall(text)) != set(PLACEHOLDER.findall(french[key]))]
    assert not differ, differ


def test_the_story_loads_in_three_languages_with_no_diagnostic() -> None:
    result = load_story(TRI / "story", TRI / "locales")
    assert result.ok and result.story is not None and result.catalog is not None
    assert result.diagnostics == []
    assert result.story.languages == ("en", "es", "fr")
    fr = result.catalog.texts["fr"]
    assert fr["scenes.riv_bank.title"] == "La rive d'ici" and fr["ui.goodbye"] == "Au revoir."
    assert result.catalog.texts["es"]["ui.goodbye"] == "Hasta pronto."  # from the engine's locales


def test_check_is_clean() -> None:
    proc = _tool("check", *ARGS)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith("OK river-crossing: 5 scenes") and "fr " in proc.stdout
    assert "warning" not in proc.stdout.lower() and "error" not in proc.stdout.lower() and proc.stderr == ""
    strict = _tool("check", "--strict", *ARGS)
    assert strict.returncode == 0, strict.stdout


def test_check_names_a_french_interface_key_that_goes_missing(tmp_path: Path) -> None:
    copy = shutil.copytree(TRI, tmp_path / "tri")
    ui = copy / "locales" / "fr" / "ui.yaml"
    text = ui.read_text(encoding="utf-8")
    assert '  goodbye: "Au revoir."\n' in text
    ui.write_text(text.replace('  goodbye: "Au revoir."\n', ""), encoding="utf-8")
    proc = _tool("check", "--story", str(copy / "story"), "--locales", str(copy / "locales"))
    assert proc.returncode == 1
    assert "E300" in proc.stdout and "no fr text for interface key 'ui.goodbye'" in proc.stdout


def test_a_french_game_plays_to_its_ending_in_french(tmp_path: Path) -> None:
    out = _play(tmp_path, "2\n1\naide\n1\n2\nnotes 1\nprogression\nquitter\n", "--lang", "fr")
    for french in ("La Traversée", "Avant de commencer", "12 avril 1897", "Le passeur\u00a0: Une pièce",
                   "Nouvelle note historique\u00a0: Le péage du bac", "Le gué", "Commandes",
                   "langue suivi du code d'une langue (en, es, fr)", "Déplier la lettre", "La lettre remise",
                   "bourse\u00a0: 2.", "Fin. Tapez annuler", "Le registre du passeur",
                   "Chapitres terminés\u00a0: 1 sur 1 (La rivière)", "Au revoir."):
        assert french in out, french
    for english in ("Type ", "Commands", "Goodbye", "New historical note", "The end"):
        assert english not in out, english
    assert "Le passeur:" not in out  # the speaker's separator is the language's (ui.speaker_separator)


def test_switching_language_and_reading_two_at_once(tmp_path: Path) -> None:
    out = _play(tmp_path, "1\nlang es\nlang fr+en\n1\nlang en+fr\nlang\nhelp\n", "--lang", "fr")
    spanish = out.split("> lang es", 1)[1].split("> lang fr+en", 1)[0]
    assert "Idioma cambiado a español." in spanish and "En la barca" in spanish and "Sur le bac" not in spanish
    both = out.split("> lang fr+en", 1)[1].split("> lang en+fr", 1)[0]
    assert "Lecture en français, chaque paragraphe suivi de sa version en anglais." in both
    assert "Sur le bac\n  Anglais\u00a0: On the ferry" in both
    assert "L'autre rive\n  Anglais\u00a0: The far bank" in both  # the choice taken in French, read in both
    assert "     Anglais\u00a0: Carry the letter straight up to the mill." in both
    # Each paragraph's speaker with its own language's separator (ui.speaker_separator).
    assert "Le passeur\u00a0: Les lettres pèsent" in both and "Anglais\u00a0: The ferryman: Letters are" in both
    english_first = out.split("> lang en+fr", 1)[1]
    assert "Reading in English, each paragraph followed by French." in english_first
    assert "The far bank\n  French: L'autre rive" in english_first
    assert "Available: en (English), es (español), fr (français)." in english_first  # each in its own
    # The lang command's texts name the manifest's languages, not the engine's two.
    assert "Type lang and a code, as in lang es." in english_first
    assert "(lang es+en puts Spanish first)" in english_first
    assert "switch language: lang and a language code (en, es, fr);" in english_first


def test_the_reading_edition_in_french_and_english(tmp_path: Path) -> None:
    for fmt in ("html", "md"):
        book = tmp_path / f"book.{fmt}"
        proc = _tool("export", *ARGS, "--format", fmt, "--lang", "fr+en", "-o", str(book))
        assert proc.returncode == 0 and book.is_file(), proc.stderr
        text = book.read_text(encoding="utf-8")
        assert not UNFILLED.search(text), UNFILLED.search(text)
        for both in ("La rive d'ici", "The near bank", "Comment lire ce livre", "Le péage du bac",
                     "Le registre du passeur", "Glossaire", "Endroit peu profond", "A shallow place"):
            assert both.replace("'", "&#x27;" if fmt == "html" else "'") in text or both in text, (fmt, both)
    html = (tmp_path / "book.html").read_text(encoding="utf-8")
    assert 'lang="fr"' in html and 'lang="en"' in html
    assert "Édition de lecture en français, avec la version en anglais après chaque paragraphe" in html
    # Each speaker with their own language's separator, in the page and in the Markdown.
    assert '<span class="speaker">Le passeur\u00a0:</span>' in html
    assert '<span class="speaker">The ferryman:</span>' in html and "Le passeur:" not in html
    md = (tmp_path / "book.md").read_text(encoding="utf-8")
    assert "**Le passeur\u00a0:**" in md and "**The ferryman:**" in md


def test_the_browser_edition_opens_in_french(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    proc = _tool("export", *ARGS, "--format", "web", "--lang", "fr", "-o", str(page))
    assert proc.returncode == 0 and page.is_file(), proc.stderr
    text = page.read_text(encoding="utf-8")
    assert '"languages":["en","es","fr"]' in text and "Commencer l'histoire" in text
    assert "La Traversée" in text and "Lecture en français." in text
    assert "[ui." not in text


def test_the_class_page_in_french(tmp_path: Path) -> None:
    """A French reader's report, gathered by ``class --lang fr`` (the option once took only en or es)."""
    subprocess.run([sys.executable, PLAY, *ARGS, "--plain", "--lang", "fr"], input=b"2\n1\n2\nrapport Alix\n",
                   capture_output=True, cwd=str(tmp_path), env=game_env(tmp_path / "saves"), timeout=60, check=True)
    assert list((tmp_path / "reports").glob("*.json"))
    proc = _tool("class", *ARGS, str(tmp_path / "reports"), "--lang", "fr", "--format", "md", "-o", "-")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("# La classe\u00a0: La Traversée") and "La lettre remise" in proc.stdout
    assert "Langues de lecture\u00a0: français" in proc.stdout and not UNFILLED.search(proc.stdout)
