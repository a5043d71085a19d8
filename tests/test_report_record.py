"""The report record: written beside each report, valid against schema/report.schema.json,
read back exactly, and refused (with the file named) when damaged, foreign, newer or edited."""

from __future__ import annotations

import datetime
import io
import json
import re
from pathlib import Path

from jsonschema import Draft7Validator

from adventure.classpage.records import Refused, clean, read_folders, read_record
from adventure.classroom.record import FORMAT, VERSION, checksum
from adventure.cli import main
from adventure.files.loader import load_story
from adventure.play.saves import SaveStore
from adventure.play.session import Session

ROOT = Path(__file__).resolve().parent.parent
CLASSROOM = Path(__file__).resolve().parent / "fixtures" / "classroom"
SCHEMA = json.loads((ROOT / "schema" / "report.schema.json").read_text(encoding="utf-8"))
TO_CHAPTER_END = ["1", "1", "2", "1", "2", "1", "1", "1"]


def make(tmp_path: Path, student: str | None = "Ana") -> Session:
    result = load_story(CLASSROOM / "story", CLASSROOM / "locales")
    assert result.ok and result.story is not None and result.catalog is not None
    clock = iter(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.timezone.utc) + datetime.timedelta(seconds=20 * i)
                 for i in range(100_000))
    s = Session(result.story, result.catalog, lang="en", store=SaveStore(tmp_path / "saves"), clock=lambda: next(clock),
                classroom=True, student=student, report_dir=tmp_path / "reports")
    s.begin()
    return s


def written(tmp_path: Path, student: str | None = "Ana") -> tuple[Session, Path]:
    s = make(tmp_path, student)
    for line in TO_CHAPTER_END + ["They needed time.", "", "skip"]:
        s.handle(line)
    s.handle("report")
    return s, next((tmp_path / "reports").glob("*.json"))


def test_the_record_is_beside_the_report_valid_and_holds_ids(tmp_path: Path) -> None:
    s, path = written(tmp_path)
    assert path.with_suffix(".html").is_file() and path.with_suffix(".md").is_file()
    value = json.loads(path.read_text(encoding="utf-8"))
    assert not list(Draft7Validator(SCHEMA).iter_errors(value))
    assert value["format"] == FORMAT and value["version"] == VERSION and value["engine"] == "0.1.0"
    assert value["story"] == {"id": s.story.id, "hash": s.story.hash}
    assert value["student"] == "Ana" and value["lang"] == "en" and value["languages"] == ["en"]
    assert value["seconds"] == s.record.seconds > 0 and value["sitting"]["sittings"] == 1
    assert value["sitting"]["started"].startswith("2026-03-02T09:00")
    assert value["chapters"] == {"read": ["prologue", "battery"], "finished": ["prologue"], "total": 2}
    steps = value["path"]
    assert [st["scene"] for st in steps] == [st.scene for st in s.history] + [s.state.scene]
    assert [st["choice"] for st in steps[:-1]] == s.trail and steps[-1]["choice"] is None
    first = steps[0]  # the first scene offers two choices: a decision point, named by its scene id
    assert first["decision"] is True and first["choice"] in first["offered"] and len(first["offered"]) > 1
    assert any(st["decision"] is False and "offered" not in st for st in steps)
    qid = next(iter(value["answers"]))
    assert value["answers"][qid]["text"] == "They needed time." and value["skipped"]
    assert value["notes"] == list(s.state.notes) and value["endings"] == []
    assert value["checksum"] == checksum(value)
    report = read_record(path)
    assert report.student == "Ana" and report.path[0].decision and report.answers[qid].text == "They needed time."
    assert report.story_hash == s.story.hash and report.finished == ("prologue",)


def test_the_schema_and_the_reader_refuse_the_same_bad_records(tmp_path: Path) -> None:
    _, path = written(tmp_path)
    good = json.loads(path.read_text(encoding="utf-8"))
    bad_values = [
        {**good, "seconds": -1}, {**good, "student": 5}, {**good, "path": [{"scene": "a b", "chapter": "c",
                                                                              "choice": None, "decision": True}]},
        {**good, "answers": {"q": {"lang": "en"}}}, {**good, "story": {"id": "x", "hash": "NOTHEX"}},
        {**good, "notes": ["../etc"]}, {**good, "languages": ["english!"]},
    ]
    validator = Draft7Validator(SCHEMA)
    for bad in bad_values:
        bad["checksum"] = checksum(bad)
        assert list(validator.iter_errors(bad)), bad
        path.write_text(json.dumps(bad), encoding="utf-8")
        try:
            read_record(path)
        except Refused as exc:
            assert exc.reason == "ui.class.skip.invalid"
        else:
            raise AssertionError(f"accepted: {bad}")


def test_damaged_foreign_newer_and_edited_records_are_skipped_with_the_file_named(tmp_path: Path) -> None:
    _, path = written(tmp_path)
    good = json.loads(path.read_text(encoding="utf-8"))
    folder = tmp_path / "reports" / "more"
    folder.mkdir()
    (folder / "cut.json").write_text(path.read_text(encoding="utf-8")[:200], encoding="utf-8")
    (folder / "package.json").write_text('{"name": "left-pad"}', encoding="utf-8")
    (folder / "newer.json").write_text(json.dumps({**good, "version": 2}), encoding="utf-8")
    (folder / "edited.json").write_text(json.dumps({**good, "seconds": 99999}), encoding="utf-8")
    (folder / "nan.json").write_text(re.sub(r'"seconds": ?[0-9]+', '"seconds": NaN', path.read_text(encoding="utf-8")),
                                     encoding="utf-8")
    (folder / "deep.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    (folder / "twice.json").write_text('{"format": "hengyang-report", "format": "x"}', encoding="utf-8")
    found = read_folders([tmp_path / "reports"])
    assert [r.file for r in found.reports] == [path]
    reasons = {s.file.name: s.reason.rsplit(".", 1)[1] for s in found.skipped}
    assert reasons == {"cut.json": "damaged", "package.json": "foreign", "newer.json": "newer",
                       "edited.json": "edited", "nan.json": "damaged", "deep.json": "damaged", "twice.json": "damaged"}
    out, err = io.StringIO(), io.StringIO()
    code = main(["class", str(tmp_path / "reports"), "-o", str(tmp_path / "class.html")], env={"LANG": "en_GB.UTF-8"},
                stdout=out, stderr=err)
    assert code == 0, err.getvalue()
    lines = err.getvalue().splitlines()
    assert f"Skipped {folder / 'newer.json'}: written by a newer version of the game (format 2): update the game to read it" in lines
    assert f"Skipped {folder / 'edited.json'}: changed by hand since the game wrote it (its checksum does not match)" in lines
    assert len(lines) == 7 and "Traceback" not in err.getvalue()
    assert "1 student from 1 report (7 files skipped)" in out.getvalue()
    page = (tmp_path / "class.html").read_text(encoding="utf-8")
    assert "more/package.json</bdi></code>: not a reading report" in page


def test_reading_a_record_never_runs_anything_in_it(tmp_path: Path) -> None:
    _, path = written(tmp_path, student="__import__('os').system('touch pwned') !!python/object {{7*7}}")
    value = json.loads(path.read_text(encoding="utf-8"))
    value["answers"] = {"q1": {"text": "${7*7} {{ 7*7 }} {% raw %} !!python/object/apply:os.system ['touch pwned']"}}
    value["checksum"] = checksum(value)
    path.write_text(json.dumps(value), encoding="utf-8")
    report = read_record(path)
    assert report.student == value["student"] and report.answers["q1"].text == value["answers"]["q1"]["text"]
    out = io.StringIO()
    assert main(["class", str(tmp_path / "reports"), "-o", "-", "--format", "md"], stdout=out,
                stderr=io.StringIO()) == 0
    text = out.getvalue()
    assert "\\{\\{7\\*7\\}\\}" in text
    # Nothing was evaluated: no line that shows the name or the answer shows 49. Link targets are
    # left out first: they hold the temporary folder (e.g. pytest-490) and a random sitting id,
    # either of which may contain "49" by chance.
    shown = [re.sub(r"\(<[^>]*>\)|<[^>]*>", "", line) for line in text.splitlines()]
    assert not [line for line in shown if ("7\\*7" in line or "touch pwned" in line) and "49" in line]
    assert not (tmp_path / "pwned").exists() and not Path("pwned").exists()


def test_clean_removes_bidi_overrides_and_controls_only() -> None:
    assert clean("a\u202eb\u2066c\u2069d\x1b[31me\u200ff\n\tg") == "abcd[31me\u200ff\n\tg"
