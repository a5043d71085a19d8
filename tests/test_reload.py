"""Live reload: ``reload`` / ``recargar`` and ``--watch`` keep the player's state across edits,
show diagnostics without leaving the game, and keep the old story when the new one is broken."""

from __future__ import annotations

import io
import os
import shutil
import sys
from pathlib import Path

import pexpect

from adventure.play.saves import SaveStore
from adventure.play.session import Session
from adventure.play.shell_plain import run_plain
from adventure.play.watch import StoryFiles
from storykit import FIXTURE

ROOT = Path(__file__).resolve().parent.parent


def copy_fixture(tmp_path: Path) -> Path:
    root = tmp_path / "story"
    shutil.copytree(FIXTURE, root)
    return root


def make(root: Path, tmp_path: Path, lang: str = "en") -> Session:
    files = StoryFiles(root / "story", root / "locales")
    result, _ = files.load()
    assert result.ok and result.story is not None and result.catalog is not None
    s = Session(result.story, result.catalog, lang=lang, store=SaveStore(tmp_path / "saves"), reloader=files)
    s.begin()
    return s


def text(paras) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(p.text for p in paras)


def edit(path: Path, old: str, new: str) -> None:
    body = path.read_text(encoding="utf-8")
    assert old in body, old
    path.write_text(body.replace(old, new), encoding="utf-8")


def test_reload_shows_new_text_and_keeps_the_state(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path)
    s = make(root, tmp_path)
    s.handle("1")
    s.handle("1")  # to the cliffs, with one message carried
    before, history = s.state, list(s.history)
    assert before is not None and before.scene == "pro_cliffs"
    edit(root / "locales/en/prologue.yaml", "    title: The cliffs", "    title: The cut cliffs")
    out = text(s.handle("reload").paras)
    assert "Story reloaded" in out and "The cut cliffs" in out
    assert s.state is not None
    assert (s.state.scene, dict(s.state.vars), dict(s.state.visits), s.state.notes) == \
        (before.scene, dict(before.vars), dict(before.visits), before.notes)
    assert len(s.history) == len(history)
    assert "have not changed" in text(s.handle("reload").paras)
    s.handle("undo")
    assert s.state is not None and s.state.scene == history[-1].scene


def test_reload_with_errors_keeps_playing_the_old_story(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path)
    s = make(root, tmp_path)
    old_story = s.story
    edit(root / "story/prologue.yaml", "      headquarters: pro_order", "      headquarters: pro_ordr")
    out = text(s.handle("reload").paras)
    assert "1 error," in out and "E205" in out and "prologue.yaml:" in out and "pro_order" in out
    assert s.story is old_story
    assert "Two weeks" in text(s.handle("1").paras)  # the game goes on


def test_reload_falls_back_when_the_scene_was_renamed(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path)
    s = make(root, tmp_path)
    s.handle("1")
    assert s.state is not None and s.state.scene == "pro_order"
    for path in (root / "story/prologue.yaml", root / "locales/en/prologue.yaml", root / "locales/es/prologue.yaml"):
        body = path.read_text(encoding="utf-8").replace("pro_order:", "pro_orders:").replace(": pro_order\n", ": pro_orders\n")
        path.write_text(body, encoding="utf-8")
    out = text(s.handle("reload").paras)
    assert 'Scene "pro_order" no longer exists' in out
    assert s.state is not None and s.state.scene == "pro_changsha"  # the start of its chapter
    assert s.state.notes  # what was unlocked is kept
    assert s.story.scenes.get("pro_orders") is not None


def test_restart_after_the_start_scene_was_renamed(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path)
    files = StoryFiles(root / "story", root / "locales")
    result, _ = files.load()
    assert result.story is not None and result.catalog is not None
    s = Session(result.story, result.catalog, lang="en", store=None, reloader=files, start_at="pro_order")
    s.begin()
    for path in (root / "story/prologue.yaml", root / "locales/en/prologue.yaml", root / "locales/es/prologue.yaml"):
        body = path.read_text(encoding="utf-8").replace("pro_order:", "pro_orders:").replace(": pro_order\n", ": pro_orders\n")
        path.write_text(body, encoding="utf-8")
    s.handle("reload")
    s.handle("restart")
    assert s.state is not None and s.state.scene == "pro_changsha"


def test_reload_reports_new_variables_and_warnings_in_spanish(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path)
    s = make(root, tmp_path, lang="es")
    edit(root / "story/story.yaml", "  messages: 0", "  messages: 0\n  courage: 0")
    out = text(s.handle("recargar").paras)
    assert "Historia recargada" in out and "«courage» es nueva" in out
    assert "1 aviso:" in out and "W205" in out
    assert s.state is not None and s.state.vars["courage"] == 0


def test_reload_is_listed_in_help_in_both_languages(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path)
    s = make(root, tmp_path)
    assert "reload" in text(s.handle("help").paras)
    s.handle("lang es")
    assert "recargar" in text(s.handle("ayuda").paras)


def test_reload_without_a_reloader(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path)
    s = make(root, tmp_path)
    s.reloader = None
    assert "not available" in text(s.handle("reload").paras)


def test_story_files_notice_changes(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path)
    files = StoryFiles(root / "story", root / "locales")
    assert not files.changed()
    (root / "locales/en/extra.yaml").write_text("story:\n  subtitle: x\n", encoding="utf-8")
    assert files.changed() and not files.changed()
    target = root / "story/prologue.yaml"
    stat = target.stat()
    target.write_text(target.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same time, new size
    assert files.changed()


class EditingInput(io.BytesIO):
    """Input for plain mode that edits the story between two lines, as a writer would."""

    def __init__(self, lines: list[bytes], on_line: dict[int, object]) -> None:
        super().__init__(b"")
        self.lines = lines
        self.on_line = on_line
        self.n = 0

    def readline(self, size: int = -1) -> bytes:  # type: ignore[override]
        action = self.on_line.get(self.n)
        if callable(action):
            action()
        if self.n >= len(self.lines):
            return b""
        self.n += 1
        return self.lines[self.n - 1]


def test_plain_mode_watch_reloads_before_the_next_input(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path)
    s = Session(*_loaded(root), lang="en", store=None, reloader=StoryFiles(root / "story", root / "locales"))
    stdin = EditingInput([b"1\n", b"look\n"], {1: lambda: edit(root / "locales/en/prologue.yaml",
                                                               "    title: Two weeks", "    title: Fourteen days")})
    out = io.StringIO()
    assert run_plain(s, stdin=stdin, stdout=out, width=None, echo=True, watch=True) == 0
    shown = out.getvalue()
    assert "Watching the story files" in shown
    assert shown.index("Two weeks") < shown.index("Story reloaded") < shown.index("Fourteen days")


def _loaded(root: Path):  # type: ignore[no-untyped-def]
    result, _ = StoryFiles(root / "story", root / "locales").load()
    assert result.story is not None and result.catalog is not None
    return result.story, result.catalog


def test_terminal_watch_reloads_while_the_prompt_waits(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "NO_COLOR"))}
    env.update({"HENGYANG_SAVE_DIR": str(tmp_path / "saves"), "TERM": "xterm-256color", "LANG": "en_US.UTF-8",
                "PYTHONUNBUFFERED": "1"})
    child = pexpect.spawn(sys.executable, [str(ROOT / "play.py"), "--story", str(root / "story"), "--locales",
                                           str(root / "locales"), "--watch"],
                          env=env, cwd=str(ROOT), dimensions=(40, 100), encoding="utf-8", timeout=15)
    try:
        child.expect("Watching the story files")
        child.expect("Press Enter to begin")
        child.sendline("")
        child.expect("Run to division headquarters")
        child.expect(r"notes \d+/\d+")
        child.send("hel")  # typing, not yet Enter
        child.expect("hel")  # the line editor has it (echoed), so the reload lands mid-line
        edit(root / "locales/en/prologue.yaml", "    title: The news from the north", "    title: News from Changsha")
        child.expect("Story reloaded")
        child.expect("News from Changsha")
        child.sendline("p")  # completes "help" typed across the reload
        child.expect("Commands")
        child.sendline("quit")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
