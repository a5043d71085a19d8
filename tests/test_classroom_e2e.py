"""Classroom mode through the real play.py: a terminal (pexpect) and a pipe, in both languages."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pexpect
from test_e2e import env_for

ROOT = Path(__file__).resolve().parent.parent
PLAY = str(ROOT / "play.py")
CLASSROOM = Path(__file__).resolve().parent / "fixtures" / "classroom"
ARGS = ["--story", str(CLASSROOM / "story"), "--locales", str(CLASSROOM / "locales")]
TO_CHAPTER_END = ["1", "1", "2", "1", "2", "1", "1", "1"]
TOOLBAR = r"reflections \d+/\d+"
ANSWER_BAR = "Enter on an empty line: finish"  # the answer editor's bottom bar


def test_classroom_in_a_terminal_with_a_multi_line_answer(tmp_path: Path) -> None:
    child = pexpect.spawn(sys.executable, [PLAY, *ARGS, "--classroom", "--student", "Ana Pérez",
                                           "--report-dir", str(tmp_path / "reports")],
                          env=env_for(tmp_path), cwd=str(ROOT), dimensions=(40, 100), encoding="utf-8", timeout=20)
    child.expect("Press Enter to begin")
    child.sendline("")
    child.expect(TOOLBAR)
    titles = ["Two weeks", "The cliffs", "Until dark", "The city empties", "The first night", "The guns from Kunming",
              "Climb to the battery", ANSWER_BAR]
    for choice, title in zip(TO_CHAPTER_END, titles, strict=True):
        child.sendline(choice)
        child.expect(title)
        if title != ANSWER_BAR:
            child.expect(TOOLBAR)
    child.send("They needed time.\r")
    child.send("More than they had.\r")
    child.send("\r")  # an empty line hands the answer over
    child.expect("Your answer is kept")
    child.expect("Reflection 2 of 2")
    child.expect(ANSWER_BAR)
    child.send("skip\r")
    child.expect("I. The battery")
    child.expect(r"chapters 1/2  ·  notes 3/3  ·  reflections 1/3")
    child.sendline("1")
    child.expect("Reflection 1 of 1")
    child.expect(ANSWER_BAR)
    child.send("I saw the guns.\r\r")
    child.expect("reading report is written")
    child.expect(TOOLBAR)
    child.sendline("quit")
    child.expect(pexpect.EOF)
    md = (tmp_path / "reports").glob("Ana-Pérez_*.md")
    text = next(md).read_text(encoding="utf-8")
    assert "> They needed time.\n> More than they had." in text and "I saw the guns." in text
    assert "*Skipped.*" in text


def test_classroom_through_a_pipe_in_spanish_and_bilingual(tmp_path: Path) -> None:
    lines = TO_CHAPTER_END + ["Necesitaban tiempo.", "Más del que tenían.", "", "saltar", "definir fortines",
                              "progreso", "1", "Vi los cañones.", ""]
    proc = subprocess.run([sys.executable, PLAY, *ARGS, "--lang", "es+en", "--student", "José",
                           "--report-dir", str(tmp_path / "reports")],
                          input="\n".join(lines) + "\n", capture_output=True, text=True, env=env_for(tmp_path),
                          cwd=str(ROOT), timeout=60)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "\x1b" not in out
    assert "Reflexión 1 de 2" in out and "Inglés: Why did the order say two weeks?" in out
    assert "respuesta> Necesitaban tiempo." in out
    assert "Inglés: The pillbox is cold at dawn." in out  # the second language, announced
    assert "Una pequeña posición fortificada." in out and "Inglés: A small fortified post." in out
    assert "Preguntas de reflexión respondidas: 1 de 3" in out
    report = next((tmp_path / "reports").glob("José_*.html")).read_text(encoding="utf-8")
    assert "Necesitaban tiempo.\nMás del que tenían." in report and "Vi los cañones." in report
    assert "español, inglés" in report
    # --student keeps the student's saves apart
    assert (tmp_path / "saves" / "students" / "José" / "autosave.json").is_file()


def test_export_through_play_py(tmp_path: Path) -> None:
    out = tmp_path / "book.html"
    proc = subprocess.run([sys.executable, PLAY, "export", *ARGS, "--format", "html", "--lang", "es", "-o", str(out)],
                          capture_output=True, text=True, cwd=str(ROOT), timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>") and "Wrote" in proc.stdout
