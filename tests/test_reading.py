"""Reading in a terminal as well as in a book: the measure, the readable transcript (script),
choices in view, the recap when coming back, paging (see also test_reading_terminal.py)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from adventure.files.loader import load_story
from adventure.play.saves import SaveStore
from adventure.play.session import Session
from adventure.play.shell_plain import PlainWriter, run_plain
from adventure.text.layout import DEFAULT_MEASURE, width_of
from playkit import run_pipe
from storykit import FIXTURE

STORY = ["--story", str(FIXTURE / "story"), "--locales", str(FIXTURE / "locales")]


def load():  # type: ignore[no-untyped-def]
    result = load_story(FIXTURE / "story", FIXTURE / "locales")
    assert result.ok
    return result


def session(tmp_path: Path, **kw: object) -> Session:
    result = load()
    return Session(result.story, result.catalog, store=SaveStore(tmp_path / "saves"), **{"lang": "en", **kw})  # type: ignore[arg-type]


def widest(text: str) -> int:
    return max(width_of(line) for line in text.splitlines())


# -- the measure ---------------------------------------------------------------------------

def test_paragraphs_wrap_at_the_measure_in_a_wide_window(tmp_path: Path) -> None:
    s = session(tmp_path)
    out = io.StringIO()
    writer = PlainWriter(out, 199, s)  # a 200-column window
    writer.paras(s.begin())
    assert DEFAULT_MEASURE - 10 <= widest(out.getvalue()) <= DEFAULT_MEASURE
    narrow = io.StringIO()
    PlainWriter(narrow, 49, s).paras(s.show_scene())  # a window narrower than the measure wins
    assert widest(narrow.getvalue()) <= 49


def test_width_setting_in_the_game_and_on_the_command_line(tmp_path: Path) -> None:
    s = session(tmp_path)
    s.begin()
    assert "72 columns" in "\n".join(p.text for p in s.handle("width").paras)
    assert "60 columns" in "\n".join(p.text for p in s.handle("width 60").paras) and s.measure == 60
    out = io.StringIO()
    PlainWriter(out, 199, s).paras(s.show_scene())
    assert 50 <= widest(out.getvalue()) <= 60
    assert "20 to 300" in "\n".join(p.text for p in s.handle("width 7").paras) and s.measure == 60
    s.handle("width full")
    out = io.StringIO()
    PlainWriter(out, 199, s).paras(s.show_scene())
    assert widest(out.getvalue()) > 100
    es = session(tmp_path, lang="es")
    es.begin()
    assert "50 columnas" in "\n".join(p.text for p in es.handle("ancho 50").paras) and es.measure == 50
    # --width on the command line; even through a pipe an explicit width wraps
    proc = run_pipe(tmp_path / "saves2", b"quit\n", "--plain", "--width", "40", *STORY[:0])
    assert proc.returncode == 0 and widest(proc.stdout.decode()) <= 40
    bad = run_pipe(tmp_path / "saves3", b"", "--width", "7")
    assert bad.returncode == 2 and b"--width" in bad.stderr and b"Traceback" not in bad.stderr


def test_bilingual_reading_keeps_each_pair_together(tmp_path: Path) -> None:
    s = session(tmp_path, second="es")
    out = io.StringIO()
    PlainWriter(out, 79, s).paras(s.begin())
    lines = out.getvalue().splitlines()
    i = next(n for n, ln in enumerate(lines) if ln.startswith("  Spanish: La noticia"))
    assert lines[i - 1] and not lines[i - 1].startswith(" ")  # right under its English paragraph
    j = i
    while lines[j + 1]:  # every wrapped line of the translation stays indented under it
        j += 1
        assert lines[j].startswith("  ")
    assert j > i


# -- the readable transcript ---------------------------------------------------------------

PLAYTHROUGH = b"notes\n1\nnotes 1\nlang es\n1\nwidth 50\nmirar\nsave uno\nquit\n"


def test_script_file_reads_the_same_as_the_screen(tmp_path: Path) -> None:
    script = tmp_path / "reading.txt"
    script.write_text("An earlier sitting.\n", encoding="utf-8")  # appended to, never truncated
    proc = run_pipe(tmp_path / "saves", PLAYTHROUGH, "--plain", "--script", str(script), *STORY)
    assert proc.returncode == 0, proc.stderr
    screen = proc.stdout.decode()
    kept = script.read_text(encoding="utf-8")
    assert kept.startswith("An earlier sitting.\n\nTranscript started ")
    body = kept.split("\n", 4)[4]  # after the earlier text: a blank line, the heading, a blank line
    assert body == screen  # the text shown, both languages as shown, and what was typed
    assert "> notes 1\n" in body and "> lang es\n" in body and "Las notas" not in body[:100]
    assert "\x1b" not in kept


def test_script_on_and_off_in_the_game_and_markdown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # a file name alone is in the current folder
    s = session(tmp_path, report_dir=tmp_path / "reports")
    out = io.StringIO()
    data = io.BytesIO(b"script notes.md\n1\nguion no\n2\n")
    run_plain(s, stdin=data, stdout=out, width=None, echo=True)
    text = (tmp_path / "notes.md").read_text(encoding="utf-8")
    assert "**\\> 1**" in text and "**\\> guion no**" in text  # what was typed, in bold
    assert "\\> 2" not in text  # after script off nothing more is kept
    assert "\u00a0\u00a0" in text and "\n    " not in text  # indentation kept, never a code block
    shown = out.getvalue()
    assert "Keeping a transcript in notes.md" in shown and "The transcript in notes.md is closed." in shown


def test_script_refuses_a_file_that_is_not_text_and_survives_a_failing_disk(tmp_path: Path) -> None:
    s = session(tmp_path, report_dir=tmp_path / "reports")
    s.begin()
    assert "cannot be a transcript file" in "\n".join(p.text for p in s.handle("script play.py").paras)
    assert s.script is None
    said = "\n".join(p.text for p in s.handle("script on").paras)
    assert str(tmp_path / "reports" / "script.txt") in said and s.script is not None

    class Full(io.StringIO):
        def write(self, text: str) -> int:
            raise OSError(28, "No space left on device")

    s.script._file = Full()  # type: ignore[union-attr]  # as a disk that stops taking writes
    reply = "\n".join(p.text for p in s.handle("1").paras)
    assert "could not be written (No space left on device)" in reply and s.script is None
    assert s.state is not None and s.state.scene != "pro_changsha"  # the game went on
    control = session(tmp_path, report_dir=tmp_path / "r2")
    control.begin()
    control.handle("script on")
    control.handle("\x1b[31mred\x07 1")
    kept = (tmp_path / "r2" / "script.txt").read_text(encoding="utf-8")
    assert "> red 1" in kept and "\x1b" not in kept and "\x07" not in kept


# -- choices in view -----------------------------------------------------------------------

def test_choices_follow_any_command_that_prints_something_else(tmp_path: Path) -> None:
    s = session(tmp_path, classroom=True, report_dir=tmp_path / "reports")
    s.begin()
    for command in ("notes", "help", "define", "progress", "saves", "width", "notes 1", "define abatis"):
        out = [p.text for p in s.handle(command).paras]
        assert "Your choices:" in out, command
        numbered = [p.text for p in s.show_scene() if p.kind == "choice"]
        assert len(numbered) >= 2 and out[-len(numbered):] == numbered, command  # as in the scene
    look = [p.text for p in s.handle("look").paras]
    assert "Your choices:" not in look  # the scene shows them itself
    es = session(tmp_path, lang="es")
    es.begin()
    assert "Tus opciones:" in [p.text for p in es.handle("notas").paras]


# -- the small things ----------------------------------------------------------------------

def classroom(tmp_path: Path, **kw: object) -> Session:
    from test_classroom import make

    return make(tmp_path, **kw)  # type: ignore[arg-type]


def test_classroom_definitions_once_per_sitting_in_the_reading_language_with_spacing(tmp_path: Path) -> None:
    s = classroom(tmp_path, second="es")
    s.handle("1")
    shown = [p.text for p in s.handle("1").paras]
    i = shown.index("saddle: The low ground between two hilltops.")
    assert shown[i - 1] == "" and shown[i + 1] == "abatis: A barrier of felled trees."
    assert shown[i + 2] == "" and shown[i + 3].startswith("New historical note")  # a blank line between
    assert not any("collado" in line and ":" in line and line.startswith("  Spanish: collado") for line in shown)
    assert not any(line.startswith("  Spanish: collado") or line.startswith("Spanish: collado") for line in shown)
    s.handle("undo")
    again = "\n".join(p.text for p in s.handle("1").paras)
    assert "saddle: The low ground" not in again  # once in a sitting
    s.handle("quit")
    later = classroom(tmp_path, second="es")  # a new sitting, from the autosave
    later.handle("continue")
    later.handle("undo")
    assert "saddle: The low ground" in "\n".join(p.text for p in later.handle("1").paras)


def test_no_asked_again_at_the_last_ending(tmp_path: Path) -> None:
    from test_classroom import TO_CHAPTER_END, play

    s = classroom(tmp_path)
    chapter_end = play(s, TO_CHAPTER_END + ["skip"])
    assert "You will be asked again" in chapter_end  # at a chapter's end it is true
    play(s, ["skip"])
    s.handle("1")  # the last ending: its question
    out = "\n".join(p.text for p in s.handle("skip").paras)
    assert "Skipped." in out and "asked again" not in out


def test_help_is_complete(tmp_path: Path) -> None:
    from adventure.play.commands import COMMANDS

    assert len(COMMANDS.listed()) >= 17
    for lang, both in (("en", "lang both"), ("es", "idioma ambos")):
        s = session(tmp_path, lang=lang)
        s.begin()
        shown = "\n".join(p.text for p in s.handle("help" if lang == "en" else "ayuda").paras)
        assert both in shown
        for cmd in COMMANDS.listed():
            assert s.texts.words(cmd.words)[0] in shown and s.t(cmd.help).split(":")[0] in shown, cmd.id


def test_tab_completes_short_choice_words_in_both_languages(tmp_path: Path) -> None:
    from prompt_toolkit.completion import WordCompleter
    from prompt_toolkit.document import Document

    s = session(tmp_path)
    s.begin()
    completer = WordCompleter(s.completions, ignore_case=True, sentence=False)
    offered = [c.text for c in completer.get_completions(Document("ru"), None)]  # type: ignore[arg-type]
    assert "run" in offered
    assert "corre" not in s.completions()
    s.handle("lang both")
    offered = [c.text for c in completer.get_completions(Document("corr"), None)]  # type: ignore[arg-type]
    assert "correr" in offered  # the Spanish choice words too, when both are shown


def test_the_bar_drops_whole_items_and_never_cuts_a_number(tmp_path: Path) -> None:
    s = session(tmp_path)
    s.begin()
    full = s.toolbar()
    assert full.endswith("notes 1/3")
    for width in range(5, len(full) + 2):
        bar = s.toolbar(width=width)
        assert len(bar) < width
        assert bar == "" or bar.endswith("notes 1/3"), (width, bar)


def test_saves_are_aligned_by_display_width(tmp_path: Path) -> None:
    s = session(tmp_path)
    s.begin()
    s.handle("1")  # an autosave too
    s.handle("save a")
    s.handle("save chapter-two")
    lines = [p.text for p in s.handle("saves").paras if p.kind == "help"]
    assert len(lines) == 3  # with the autosave
    columns = {line.index("Prologue") for line in lines}
    assert len(columns) == 1, lines


def test_spanish_words_for_the_reading_commands(tmp_path: Path) -> None:
    s = session(tmp_path, lang="es", report_dir=tmp_path / "informes")
    s.begin()
    said = "\n".join(p.text for p in s.handle("guion sí").paras)
    assert "Se guarda una copia en" in said and s.script is not None
    assert "está cerrada" in "\n".join(p.text for p in s.handle("guion no").paras) and s.script is None
    assert (tmp_path / "informes" / "script.txt").exists()
    assert "toda la ventana" in "\n".join(p.text for p in s.handle("ancho completo").paras) and s.measure == 0
    assert s.texts("ui.reading.more") == "[más]"


def test_a_students_script_goes_beside_the_reports_under_their_name(tmp_path: Path) -> None:
    s = classroom(tmp_path)  # --student "Ana", reports in tmp_path/reports
    said = "\n".join(p.text for p in s.handle("script on").paras)
    assert str(tmp_path / "reports" / "Ana-script.txt") in said
    s.handle("1")
    s.handle("script off")
    first = (tmp_path / "reports" / "Ana-script.txt").read_text(encoding="utf-8")
    s.handle("script on")
    s.handle("notes")
    s.handle("script off")
    both = (tmp_path / "reports" / "Ana-script.txt").read_text(encoding="utf-8")
    assert both.startswith(first) and "> notes" in both[len(first):]  # added to, never overwritten


def test_reading_commands_work_while_a_question_waits(tmp_path: Path) -> None:
    from test_classroom import TO_CHAPTER_END, play

    s = classroom(tmp_path)
    play(s, TO_CHAPTER_END)
    assert s.answering
    out = "\n".join(p.text for p in s.handle("width 60").paras)
    assert "60 columns" in out and "still waiting" in out and s.measure == 60
    s.handle("script on")
    assert s.script is not None and s.answering
    s.handle("script off")
