"""Classroom reading, driven through the session: questions at chapter ends, answers kept in
saves and transcripts, the glossary, bilingual reading, progress and the student's report."""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path

import pytest

from adventure.classroom import flow as cl
from adventure.files.loader import load_story
from adventure.play.saves import SaveStore
from adventure.play.session import Session
from adventure.play.transcript import Transcript, read_transcript
from storykit import FIXTURE, load_dir, write_story

CLASSROOM = Path(__file__).resolve().parent / "fixtures" / "classroom"
# From the start to the end of the prologue (digging on the way), then into the battery.
TO_CHAPTER_END = ["1", "1", "2", "1", "2", "1", "1", "1"]


def load():  # type: ignore[no-untyped-def]
    result = load_story(CLASSROOM / "story", CLASSROOM / "locales")
    assert result.ok, [d.format() for d in result.diagnostics]
    return result


def make(tmp_path: Path, lang: str = "en", *, classroom: bool = True, student: str | None = "Ana",
         second: str | None = None, transcript: Path | None = None) -> Session:
    result = load()
    clock = iter(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.timezone.utc) + datetime.timedelta(seconds=20 * i)
                 for i in range(100_000))
    s = Session(result.story, result.catalog, lang=lang, store=SaveStore(tmp_path / "saves"),
                transcript=Transcript(transcript) if transcript else None, clock=lambda: next(clock),
                classroom=classroom, student=student, second=second, report_dir=tmp_path / "reports")
    s.begin()
    return s


def report_file(tmp_path: Path, student: str, suffix: str) -> Path:
    """The one report of ``student`` (``<name>_<date>_<time>_<sitting id>.<suffix>``)."""
    found = sorted((tmp_path / "reports").glob(f"{student}_2026-03-02_*_*.{suffix}"))
    assert len(found) == 1, found
    assert re.fullmatch(rf"{re.escape(student)}_2026-03-02_\d{{4}}_[0-9a-f]{{8}}\.{suffix}", found[0].name)
    return found[0]


def text(reply) -> str:  # type: ignore[no-untyped-def]
    paras = reply.paras if hasattr(reply, "paras") else reply
    return "\n".join(p.text for p in paras)


def play(s: Session, inputs: list[str]) -> str:
    return "\n".join(text(s.handle(i)) for i in inputs)


def test_questions_come_at_the_chapter_end_before_the_next_chapter(tmp_path: Path) -> None:
    s = make(tmp_path)
    out = play(s, TO_CHAPTER_END[:-1])
    assert "Reflection" not in out
    out = text(s.handle(TO_CHAPTER_END[-1]))
    assert "End of “Prologue: The order”" in out
    assert "Reflection 1 of 2" in out and "Why did the order say two weeks?" in out
    assert "To start: I think …" in out  # the sentence starter
    assert "The hill" not in out  # the next chapter waits for the answers
    assert s.answering and s.prompt() == "answer> "


def test_multi_line_answer_ends_with_an_empty_line_and_is_saved(tmp_path: Path) -> None:
    s = make(tmp_path)
    play(s, TO_CHAPTER_END)
    assert text(s.handle("They needed time.")).startswith("(Go on writing")
    assert text(s.handle("  More time than they had.")) == ""
    out = text(s.handle(""))
    assert "Your answer is kept." in out and "Reflection 2 of 2" in out
    assert s.record.answers["q_orders"]["text"] == "They needed time.\n  More time than they had."
    out = text(s.handle("skip"))
    assert "Skipped" in out and "The hill" in out and "I. The battery" in out  # now the next chapter
    assert not s.answering and s.prompt() == "> "
    s.handle("save mine")
    saved = json.loads((tmp_path / "saves" / "mine.json").read_text(encoding="utf-8"))
    assert saved["extra"]["classroom"]["answers"]["q_orders"]["text"].endswith("More time than they had.")
    assert saved["extra"]["classroom"]["skipped"] == ["q_cliffs"]
    other = make(tmp_path / "other")
    other.store = s.store
    other.handle("load mine")
    assert other.record.answers == s.record.answers and other.trail == s.trail


def test_commands_still_work_while_a_question_waits(tmp_path: Path) -> None:
    s = make(tmp_path)
    play(s, TO_CHAPTER_END)
    out = text(s.handle("notes 1"))
    assert "The fall of Changsha" in out and "still waiting" in out
    # each source by its title; the file name is for the writer's tools only
    assert "Sources: Encyclopedia; Short article; Wiki" in out and ".txt" not in out
    assert "The low ground" in text(s.handle("define saddle"))
    assert s.answering and not s.record.answers
    # A line that starts like a command but is a sentence is the answer.
    s.handle("notes are useful because they cite sources")
    s.handle("")
    assert s.record.answers["q_orders"]["text"].startswith("notes are useful")


def test_an_empty_first_line_does_not_skip(tmp_path: Path) -> None:
    s = make(tmp_path)
    play(s, TO_CHAPTER_END)
    assert "Type your answer" in text(s.handle(""))
    assert s.answering and not s.record.skipped


def test_spanish_questions_skip_word_and_answer(tmp_path: Path) -> None:
    s = make(tmp_path, "es")
    out = play(s, TO_CHAPTER_END)
    assert "Fin de «Prólogo" in out and "Reflexión 1 de 2" in out and "¿Por qué decía la orden" in out
    assert s.prompt() == "respuesta> "
    s.handle("Necesitaban tiempo.")
    assert "Tu respuesta queda guardada" in text(s.handle(""))
    assert "Pregunta saltada" in text(s.handle("saltar"))
    assert s.record.answers["q_orders"]["lang"] == "es"


def test_questions_at_an_ending_then_the_report(tmp_path: Path) -> None:
    s = make(tmp_path, transcript=tmp_path / "t.jsonl")
    play(s, TO_CHAPTER_END + ["skip", "skip"])
    out = text(s.handle("1"))
    assert out.index("End of the prologue") < out.index("The end of the story") < out.index("Reflection 1 of 1")
    s.handle("I saw the guns.")
    out = text(s.handle(""))
    assert "reading report" in out
    html = report_file(tmp_path, "Ana", "html").read_text(encoding="utf-8")
    md = report_file(tmp_path, "Ana", "md").read_text(encoding="utf-8")
    assert "I saw the guns." in html and "I saw the guns." in md
    events = read_transcript(tmp_path / "t.jsonl")
    reflections = [e for e in events if e["event"] == "reflection"]
    assert reflections == [{**reflections[0], "question": "q_hill", "chapter": "battery", "answer": "I saw the guns."}]
    assert [e["question"] for e in events if e["event"] == "reflection_skipped"] == ["q_orders", "q_cliffs"]
    assert any(e["event"] == "report" for e in events)


def test_answered_questions_are_not_asked_again_after_undo(tmp_path: Path) -> None:
    s = make(tmp_path)
    play(s, TO_CHAPTER_END + ["First.", "", "Second.", ""])
    s.handle("undo")
    out = text(s.handle("1"))
    assert "Reflection" not in out and "The hill" in out


def test_classroom_off_asks_nothing_and_can_be_turned_on_in_game(tmp_path: Path) -> None:
    s = make(tmp_path, classroom=False, student=None)
    out = play(s, TO_CHAPTER_END)
    assert "Reflection" not in out and "The hill" in out
    assert "Classroom mode on" in text(s.handle("classroom"))
    assert "Modo clase desactivado" not in text(s.handle("clase"))  # English session: English reply
    assert not s.record.on
    assert "Classroom mode on" in text(s.handle("classroom on"))


def test_turning_classroom_off_while_a_question_waits_shows_the_next_chapter(tmp_path: Path) -> None:
    s = make(tmp_path)
    play(s, TO_CHAPTER_END)
    out = text(s.handle("classroom off"))
    assert "Classroom mode off" in out and "The hill" in out and not s.answering


def test_first_use_of_a_term_is_explained_once(tmp_path: Path) -> None:
    s = make(tmp_path)
    out = play(s, ["2"])  # to the cliffs: saddles and felled trees are marked
    assert "saddle: The low ground between two hilltops." in out
    assert "abatis: A barrier of felled trees." in out
    out = text(s.handle("look"))
    assert "saddle: The low ground" not in out  # explained once
    plain = make(tmp_path / "p", classroom=False, student=None)
    assert "saddle: The low ground" not in play(plain, ["2"])


def test_define_in_both_languages_by_any_form(tmp_path: Path) -> None:
    s = make(tmp_path)
    assert "The low ground" in text(s.handle("define saddles"))
    assert "The low ground" in text(s.handle("definir collados"))  # Spanish word, English session
    assert "A barrier of felled trees" in text(s.handle("define felled trees"))  # as the text marks it
    assert "A small fortified post" in text(s.handle("define BUNKER"))
    listing = text(s.handle("define"))
    assert "Glossary: 3 terms" in listing and "abatis, pillbox, saddle" in listing
    assert "no entry" in text(s.handle("define tank"))
    assert s.record.looked_up == ["saddle", "abatis", "pillbox"]
    es = make(tmp_path / "es", "es")
    assert "El terreno bajo entre dos cimas." in text(es.handle("definir collado"))


def test_define_in_a_story_without_classroom_data(tmp_path: Path) -> None:
    result = load_story(FIXTURE / "story", FIXTURE / "locales")
    assert result.ok and result.story is not None and result.catalog is not None
    s = Session(result.story, result.catalog, lang="en", store=None, classroom=True)
    s.begin()
    assert "no glossary" in text(s.handle("define mortar"))
    out = play(s, ["1", "1", "2", "1", "2", "1", "1"])
    assert "Reflection" not in out  # no questions to ask: the story plays on
    assert "Reflection questions" not in text(s.handle("progress"))


def test_bilingual_reading_pairs_paragraphs_and_choices(tmp_path: Path) -> None:
    s = make(tmp_path, second="es", classroom=False, student=None)
    out = text(s.show_scene())
    lines = out.splitlines()
    first = lines.index(next(ln for ln in lines if ln.startswith("The news comes down the railway")))
    # each paragraph, then its translation, indented under it
    assert lines[first + 1].startswith("  Spanish: ")
    assert "Spanish: Las noticias del norte" in out or "Spanish: " in lines[1]
    choice = lines.index(next(ln for ln in lines if ln.strip().startswith("1. Run to division headquarters")))
    assert lines[choice + 1].strip().startswith("Spanish: ")
    # Input in either language is understood.
    assert "cuartel" in lines[choice + 1]
    s.handle("cuartel")
    assert s.state is not None and s.state.scene == "pro_order"


def test_lang_both_and_back(tmp_path: Path) -> None:
    s = make(tmp_path, classroom=False, student=None)
    out = text(s.handle("lang both"))
    assert "Reading in English, each paragraph followed by Spanish" in out and s.second == "es"
    assert "Spanish: " in out
    out = text(s.handle("idioma es+en"))
    assert s.lang == "es" and s.second == "en" and "Inglés: " in out
    assert "Idioma cambiado" in text(s.handle("lang es")) and s.second is None
    assert "not a language" in text(s.handle("lang fr+es")) or "no es un idioma" in text(s.handle("lang fr+es"))
    s.handle("idioma ambos")
    assert s.record.languages == ["en", "es"]


def test_bilingual_note_and_definition(tmp_path: Path) -> None:
    s = make(tmp_path, second="es")
    out = text(s.handle("notes 1"))
    assert "Spanish: " in out
    assert "Spanish: collado" in text(s.handle("define saddle"))


def test_progress_in_the_toolbar_and_the_command(tmp_path: Path) -> None:
    s = make(tmp_path)
    assert "chapters 0/2" in s.toolbar() and "reflections 0/3" in s.toolbar() and "notes 1/3" in s.toolbar()
    play(s, TO_CHAPTER_END + ["An answer.", "", "skip"])
    assert "chapters 1/2" in s.toolbar() and "reflections 1/3" in s.toolbar()
    out = text(s.handle("progress"))
    assert "Chapters completed: 1 of 2 (Prologue: The order)" in out
    assert "Reflection questions answered: 1 of 3" in out
    assert "Time spent reading:" in out
    plain = make(tmp_path / "p", classroom=False, student=None)
    assert "reflections" not in plain.toolbar()


def test_time_spent_caps_long_pauses() -> None:
    result = load()
    now = [datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.timezone.utc)]
    s = Session(result.story, result.catalog, lang="en", store=None, clock=lambda: now[0], classroom=True)
    s.begin()
    now[0] += datetime.timedelta(minutes=2)
    s.handle("look")
    now[0] += datetime.timedelta(hours=3)  # the student went home
    s.handle("look")
    assert s.record.seconds == 120 + cl.IDLE_CAP


def test_report_lists_path_choices_notes_and_escapes_everything(tmp_path: Path) -> None:
    s = make(tmp_path, student='<script>alert("x")</script> & Co')
    play(s, TO_CHAPTER_END + ["<b>bold</b> & *stars*", "", "skip"])
    s.handle("define saddle")
    out = text(s.handle("report"))
    assert "reading report" in out
    files = [report_file(tmp_path, "script-alert-x-script-Co", "html"), report_file(tmp_path, "script-alert-x-script-Co", "md")]
    assert len([p for p in (tmp_path / "reports").iterdir() if p.suffix != ".json"]) == 2  # the record: test_report_record
    html = files[0].read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;alert(&quot;x&quot;)" in html
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; *stars*" in html
    assert "Run to division headquarters." in html  # a choice made
    assert "The fall of Changsha" in html and "Encyclopedia" in html and "001_0f73165df8b93894" not in html
    assert "Chapters completed: 1 of 2" in html and "English" in html
    assert "saddle" in html  # words looked up
    assert "http" not in html.replace("http-equiv", "")  # self-contained
    md = files[1].read_text(encoding="utf-8")
    assert "\\<b\\>bold\\</b\\> \\& \\*stars\\*" in md and "\\<script\\>" in md
    assert "### Prologue: The order" in md


def test_report_command_takes_a_name_and_a_second_report_replaces_the_first(tmp_path: Path) -> None:
    s = make(tmp_path, student=None)
    s.handle("report")  # no name yet: "student_..."
    assert report_file(tmp_path, "student", "md")
    s.handle("report Li Wei")
    s.handle("1")
    s.handle("report")
    md = report_file(tmp_path, "Li-Wei", "md")
    # One sitting, one report: the unnamed one became Li Wei's (same sitting id), updated in place.
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == [md.with_suffix(".html").name,
                                                                        md.with_suffix(".json").name, md.name]
    assert md.stem.endswith("_" + s.record.sitting)
    assert "Two weeks" in md.read_text(encoding="utf-8")


def test_report_in_spanish(tmp_path: Path) -> None:
    s = make(tmp_path, "es", student="José")
    play(s, TO_CHAPTER_END + ["Porque sí.", "", "saltar"])
    s.handle("informe")
    md = report_file(tmp_path, "José", "md").read_text(encoding="utf-8")
    assert "# Informe de lectura" in md and "Porque sí." in md and "eligió" in md and "La saltó." in md


def test_report_failure_is_a_message(tmp_path: Path) -> None:
    s = make(tmp_path)
    (tmp_path / "reports").write_text("a file where the folder should be", encoding="utf-8")
    out = text(s.handle("report"))
    assert "could not be written" in out and s.state is not None


def test_a_damaged_classroom_record_in_a_save_is_dropped_not_trusted(tmp_path: Path) -> None:
    s = make(tmp_path)
    s.handle("save one")
    path = tmp_path / "saves" / "one.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["extra"]["classroom"] = {"answers": {"q_orders": {"text": ["not", "text"]}}, "pending": [1, "nope"],
                                  "seconds": -5, "student": 7}
    data["extra"]["trail"] = "garbage"
    path.write_text(json.dumps(data), encoding="utf-8")
    read_so_far = s.record.seconds
    out = text(s.handle("load one"))
    assert "Loaded" in out
    # Nothing of the damaged record is taken; the time this session has read is kept.
    assert s.record.answers == {} and s.record.seconds >= read_so_far and s.record.student == "Ana"
    assert s.record.pending == []  # an unknown question id is dropped when it would be asked
    assert "The news from the north" in text(s.handle("look"))


def test_pending_questions_survive_quit_and_resume(tmp_path: Path) -> None:
    s = make(tmp_path)
    play(s, TO_CHAPTER_END + ["Half an answer"])
    s.quit()  # the half-typed answer is kept
    assert s.record.answers["q_orders"]["text"] == "Half an answer"
    again = make(tmp_path / "x")
    again.store = s.store
    out = "\n".join(p.text for p in again.begin("autosave"))
    assert "Reflection questions are waiting" in out and "What were the cliffs for?" in out


def test_slug_makes_safe_file_names() -> None:
    for name in ["../x", "a/b\\c", "CON", "", "   ", "é" * 200, "Ана", "x\x00y", "..", "a:b*c?d"]:
        s = cl.slug(name)
        assert s and "/" not in s and "\\" not in s and "\x00" not in s and not s.startswith(".")
        assert len(s) <= 61 and s.lower() not in ("con", "nul")


def test_story_with_classroom_data_is_clean_and_without_it_still_loads(tmp_path: Path) -> None:
    from storykit import check_dir

    assert check_dir(CLASSROOM.parent / "classroom" / ".." / "classroom") is not None
    root = write_story(tmp_path, {"locales/en/text.yaml": ("The first scene.", "The first [[scene|unknown]].")})
    result = load_dir(root)
    assert result.ok  # no glossary: marks only style the text, nothing to report
    assert not [d for d in check_dir(root) if d.code.startswith(("W4", "E4"))]


@pytest.mark.parametrize("lang", ["en", "es"])
def test_shipped_classroom_data_covers_every_chapter_and_term(lang: str) -> None:
    result = load_story()
    assert result.ok and result.story is not None and result.catalog is not None
    story = result.story
    for chapter in story.chapters:
        assert 2 <= len(story.classroom.for_chapter(chapter.id)) <= 3, chapter.id
    bible_terms = {"pillbox", "mortar", "abatis", "corps", "division", "regiment", "brigade", "battalion", "company",
                   "platoon", "battery", "firing_port", "incendiary", "ichi_go", "runner", "saddle",
                   "anti_tank_gun", "field_gun", "bazooka", "medic", "garrison"}
    assert set(story.classroom.terms) == bible_terms
    texts = result.catalog.texts[lang]
    for tid in bible_terms:
        assert len(texts[f"glossary.{tid}.definition"].split()) >= 12


@pytest.mark.parametrize(("guide", "lang"), [("teachers.md", "en"), ("docentes.md", "es")])
def test_the_guides_list_every_question_and_are_linked_from_the_readme(guide: str, lang: str) -> None:
    root = Path(__file__).resolve().parent.parent
    text = " ".join((root / "docs" / guide).read_text(encoding="utf-8").split())
    result = load_story()
    assert result.story is not None and result.catalog is not None
    for q in result.story.classroom.questions:
        assert " ".join(result.catalog.texts[lang][f"questions.{q.id}.text"].split()) in text, q.id
    for chapter in result.story.chapters:
        assert result.catalog.texts[lang][f"chapters.{chapter.id}.title"].split(":")[-1].strip() in text
    assert f"docs/{guide}" in (root / "README.md").read_text(encoding="utf-8")


def test_toolbar_fits_the_terminal_width(tmp_path: Path) -> None:
    s = make(tmp_path, "es")
    play(s, TO_CHAPTER_END + ["saltar", "saltar"])
    full = s.toolbar()
    assert "28 de junio de 1944 · día 7" in full and "reflexiones 0/3" in full
    narrow = s.toolbar(width=len(full) - 5)
    assert "de 1944" not in narrow and "día 7" in narrow and "reflexiones 0/3" in narrow and "batería" in narrow
    # Too narrow for all: whole items go, never part of a number.
    assert s.toolbar(width=50) == "capítulos 1/2  ·  notas 3/3  ·  reflexiones 0/3"
    assert s.toolbar(width=30) == "capítulos 1/2  ·  notas 3/3"
    assert s.toolbar(width=10) == ""
