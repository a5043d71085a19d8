"""Student reports never overwrite each other and never lose an answer (issue 10, point 5).

One report per student per sitting (a game from its start, continued across runs), named
``<name or "student">_<date>_<time>_<sitting id>``, updated in place; answers kept across
loads and undo (the newest answer to a question wins, the others are kept); chapters read
before classroom mode was on say so.
"""

from __future__ import annotations

import datetime
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from adventure.files.loader import LoadResult, load_story
from adventure.play.saves import AUTOSAVE, SaveStore
from adventure.play.session import Session

CLASSROOM = Path(__file__).resolve().parent / "fixtures" / "classroom"
TO_CHAPTER_END = ["1", "1", "2", "1", "2", "1", "1", "1"]  # the prologue read, into the battery
STEM = re.compile(r"(?P<name>.+)_(?P<date>\d{4}-\d{2}-\d{2})_(?P<time>\d{4})_(?P<sitting>[0-9a-f]{8})")


@pytest.fixture(scope="module")
def story() -> LoadResult:
    result = load_story(CLASSROOM / "story", CLASSROOM / "locales")
    assert result.ok
    return result


def clock_from(start: datetime.datetime) -> Callable[[], datetime.datetime]:
    ticks = iter(start + datetime.timedelta(seconds=20 * i) for i in range(100_000))
    return lambda: next(ticks)


MORNING = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.timezone.utc)


def session(result: LoadResult, tmp_path: Path, *, saves: str = "saves", student: str | None = None,
            classroom: bool = True, lang: str = "en", clock: Callable[[], datetime.datetime] | None = None,
            resume: str | None = None) -> Session:
    s = Session(result.story, result.catalog, lang=lang, store=SaveStore(tmp_path / saves),
                clock=clock or clock_from(MORNING), classroom=classroom, student=student,
                report_dir=tmp_path / "reports")
    s.begin(resume)
    return s


def play(s: Session, lines: list[str]) -> str:
    return "\n".join(p.text for line in lines for p in s.handle(line).paras)


def reports(tmp_path: Path, suffix: str = "md") -> list[Path]:
    return sorted((tmp_path / "reports").glob(f"*.{suffix}"))


def test_thirty_unnamed_students_on_one_day_leave_thirty_reports(story: LoadResult, tmp_path: Path) -> None:
    for n in range(30):  # one classroom: the same minute, no names, one report folder
        s = session(story, tmp_path, saves=f"saves{n}", clock=lambda: MORNING)
        play(s, ["1", "report"])
    md, html = reports(tmp_path), reports(tmp_path, "html")
    assert len(md) == len(html) == 30
    stems = [STEM.fullmatch(p.stem) for p in md]
    assert all(stems) and {m["name"] for m in stems if m} == {"student"}  # type: ignore[index]
    assert len({m["sitting"] for m in stems if m}) == 30  # type: ignore[index]
    assert {p.stem for p in md} == {p.stem for p in html}


def test_one_student_two_games_two_reports_and_a_continued_game_updates_its_own(story: LoadResult,
                                                                               tmp_path: Path) -> None:
    first = session(story, tmp_path, student="Ana")
    play(first, ["1", "report"])
    [report] = reports(tmp_path)
    first.quit()
    # The next lesson: the game is continued, and its report is the same file, updated.
    again = session(story, tmp_path, student="Ana", resume=AUTOSAVE)
    assert again.record.sitting == first.record.sitting
    play(again, ["1", "report"])
    assert reports(tmp_path) == [report]
    # A new game (another sitting) the same day: a report of its own beside the first.
    other = session(story, tmp_path, saves="other", student="Ana")
    play(other, ["report"])
    assert len(reports(tmp_path)) == 2 and report in reports(tmp_path)


def two_endings(tmp_path: Path) -> LoadResult:
    """The classroom fixture with a second ending: from the hill, ``rest`` ends elsewhere."""
    root = tmp_path / "twoend"
    shutil.copytree(CLASSROOM, root)

    def edit(rel: str, old: str, new: str) -> None:
        path = root / rel
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    edit("story/battery.yaml", "      rest: bat_end\n", "      rest: bat_other\n")
    edit("story/battery.yaml", "    ending: prologue_end\n", "    ending: prologue_end\n  bat_other:\n    ending: other_end\n")
    edit("story/story.yaml", "  - prologue_end\n", "  - prologue_end\n  - other_end\n")
    for lang, title in (("en", "Another ending"), ("es", "Otro final")):
        with open(root / f"locales/{lang}/battery.yaml", "a", encoding="utf-8") as f:
            f.write(f"  bat_other:\n    title: {title}\n    text: Quiet.\n")
        edit(f"locales/{lang}/story.yaml", "\nendings:\n", f"\nendings:\n  other_end:\n    title: {title}\n    text: Over.\n")
    result = load_story(root / "story", root / "locales")
    assert result.ok, [d.format() for d in result.diagnostics if d.is_error]
    return result


def test_one_student_reaching_two_endings_has_one_report_holding_both(tmp_path: Path) -> None:
    s = session(two_endings(tmp_path), tmp_path, student="Ana")
    out = play(s, TO_CHAPTER_END + ["skip", "skip", "1", "I saw the guns.", ""])
    assert "reading report" in out
    [report] = reports(tmp_path)
    assert "End of the prologue" in report.read_text(encoding="utf-8")
    out = play(s, ["undo", "2"])  # back to the hill, and the other way: the other ending
    assert "reading report" in out
    assert reports(tmp_path) == [report]  # the same file, updated in place
    md = report.read_text(encoding="utf-8")
    line = next(ln for ln in md.splitlines() if ln.startswith("- **Endings reached:**"))
    assert "End of the prologue" in line and "Another ending" in line
    assert "I saw the guns." in md  # the answer given at the first ending is still there
    html = reports(tmp_path, "html")[0].read_text(encoding="utf-8")
    assert "<dt>Endings reached</dt>" in html and "Another ending" in html


def test_answers_survive_undo_and_loading_an_earlier_save(story: LoadResult, tmp_path: Path) -> None:
    s = session(story, tmp_path, student="Ana")
    play(s, ["save early"] + TO_CHAPTER_END + ["Because they hoped.", "", "The cliffs.", ""])
    assert set(s.record.answers) == {"q_orders", "q_cliffs"}
    play(s, ["undo", "undo", "undo"])
    assert set(s.record.answers) == {"q_orders", "q_cliffs"}
    out = play(s, ["load early"])
    assert "Loaded" in out
    assert s.record.answers["q_orders"]["text"] == "Because they hoped."
    assert set(s.record.answers) == {"q_orders", "q_cliffs"}
    # The questions already answered are not asked again at the chapter end.
    out = play(s, TO_CHAPTER_END)
    assert "Reflection" not in out and not s.answering
    play(s, ["report"])
    assert "Because they hoped." in reports(tmp_path)[0].read_text(encoding="utf-8")


def test_the_newest_answer_wins_and_the_earlier_one_is_kept(story: LoadResult, tmp_path: Path) -> None:
    old = session(story, tmp_path, student="Ana")
    play(old, TO_CHAPTER_END + ["Two weeks was a guess.", "", "skip", "save one"])
    later = MORNING + datetime.timedelta(days=1)
    new = session(story, tmp_path, saves="saves2", student="Ana", clock=clock_from(later))
    play(new, TO_CHAPTER_END + ["They needed time to dig.", "", "skip"])
    shutil.copy(tmp_path / "saves" / "one.json", tmp_path / "saves2" / "one.json")
    play(new, ["load one", "report"])
    assert new.record.answers["q_orders"]["text"] == "They needed time to dig."
    assert [a["text"] for a in new.record.earlier["q_orders"]] == ["Two weeks was a guess."]
    [md] = [p for p in reports(tmp_path) if new.record.sitting in p.name]
    text = md.read_text(encoding="utf-8")
    assert text.index("They needed time to dig.") < text.index("Earlier answer") < text.index("Two weeks was a guess.")
    # ...and kept in the save, so the next load has it too.
    play(new, ["save two"])
    saved = json.loads((tmp_path / "saves2" / "two.json").read_text(encoding="utf-8"))
    assert saved["extra"]["classroom"]["earlier"]["q_orders"][0]["text"] == "Two weeks was a guess."


@pytest.mark.parametrize("lang, before, missing", [
    ("en", "Read before classroom mode was on", "Not reached yet."),
    ("es", "Leído antes de activar el modo clase", "Aún no ha llegado."),
])
def test_chapters_read_before_classroom_mode_say_so(story: LoadResult, tmp_path: Path, lang: str, before: str,
                                                    missing: str) -> None:
    s = session(story, tmp_path, classroom=False, lang=lang)
    play(s, TO_CHAPTER_END)  # the prologue read with classroom mode off: no questions
    assert not s.answering
    play(s, ["classroom" if lang == "en" else "clase"])
    assert s.record.on
    play(s, ["report" if lang == "en" else "informe"])
    md = reports(tmp_path)[0].read_text(encoding="utf-8")
    assert md.count(before) == 2  # q_orders and q_cliffs: the prologue's questions
    assert md.count(missing) == 1  # q_hill: the battery is not finished
    html = reports(tmp_path, "html")[0].read_text(encoding="utf-8")
    assert html.count(before) == 2


def test_a_crafted_answer_in_a_save_reaches_the_report_inert(story: LoadResult, tmp_path: Path) -> None:
    s = session(story, tmp_path)
    play(s, TO_CHAPTER_END + ["Fine.", "", "skip", "save one"])
    path = tmp_path / "saves" / "one.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["extra"]["classroom"]["answers"]["q_orders"]["text"] = (
        "<img src=x onerror=alert(1)>\x1b]52;c;ZWNobyBoaQ==\x07\x9b2J\u202egnp.exe")
    path.write_text(json.dumps(data), encoding="utf-8")
    t = session(story, tmp_path)
    out = play(t, ["load one"])
    assert "control characters" in out and "classroom.answers.q_orders.text" in out
    play(t, ["report"])
    html = reports(tmp_path, "html")[0].read_text(encoding="utf-8")
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;]52;c;ZWNobyBoaQ==2Jgnp.exe" in html
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", html)


def test_a_copied_save_never_removes_another_students_report(story: LoadResult, tmp_path: Path) -> None:
    ana = session(story, tmp_path, student="Ana")
    play(ana, ["1", "report"])
    ana.quit()
    shutil.copytree(tmp_path / "saves", tmp_path / "bea-saves")  # Bea continues a copy of Ana's game
    bea = session(story, tmp_path, saves="bea-saves", student="Bea", resume=AUTOSAVE)
    assert bea.record.sitting == ana.record.sitting
    play(bea, ["report", "1", "report"])
    names = sorted(STEM.fullmatch(p.stem)["name"] for p in reports(tmp_path))  # type: ignore[index]
    assert names == ["Ana", "Bea"]


def test_a_report_is_built_from_a_plain_value_without_a_game(story: LoadResult, tmp_path: Path) -> None:
    """``write_report`` reads a :class:`ReportInput` (story, texts, record, language, states,
    choices taken), not the session: the same value written twice gives the same report, and
    one made by hand (no session at all) gives the path it names."""
    from adventure.classroom import flow as cl
    from adventure.classroom.report import report_data, to_markdown, write_report
    from adventure.classroom.report_input import ReportInput
    from adventure.core.engine import new_game, step
    from adventure.core.model import choice_key
    from adventure.text.catalog import Texts
    from adventure.text.markup import strip_terms

    assert story.story is not None and story.catalog is not None
    s = Session(story.story, story.catalog, lang="en", store=None, classroom=True, student="Ana")
    s.begin()
    s.handle("1")
    value = s.report_input()
    assert isinstance(value, tuple) and value.state == s.state and value.history == tuple(s.history)
    now = datetime.datetime(2026, 5, 4, 10, 5, tzinfo=datetime.timezone.utc)
    s.handle("1")  # the game goes on; the value it made before does not
    assert to_markdown(report_data(value, now)) == to_markdown(report_data(value, now))
    assert value.state != s.state

    first, _ = new_game(story.story)
    choice = story.story.scenes[first.scene].choices[0].id
    second, _ = step(story.story, first, choice)
    record = cl.Record(on=True, student="Bo")
    record.new_sitting("0badcafe", now.isoformat())
    by_hand = ReportInput(story.story, Texts(story.catalog, "es"), record, "es", second, (first,), (choice,))
    md_path, html_path = write_report(by_hand, tmp_path, now=now)
    text = md_path.read_text(encoding="utf-8")
    label = strip_terms(Texts(story.catalog, "es")(choice_key(first.scene, choice)))
    assert md_path.name.startswith("Bo_") and md_path.stem.endswith("_0badcafe") and html_path.is_file()
    assert "Bo" in text and label in text  # the choice taken, as the Spanish reader read it
    assert json.loads(html_path.with_suffix(".json").read_text(encoding="utf-8"))["path"][0]["choice"] == choice
