"""Saves: round trips, damaged and foreign files, story edits since saving, slot names."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from adventure.core.engine import new_game, step
from adventure.core.model import Story
from adventure.play.saves import SAVE_VERSION, SaveError, SaveStore, check_slot, decode, encode
from storykit import load_dir, write_story


def load(root: Path) -> Story:
    result = load_dir(root)
    assert result.ok, [d.format() for d in result.diagnostics]
    assert result.story is not None
    return result.story


@pytest.fixture
def story(tmp_path: Path) -> Story:
    return load(write_story(tmp_path / "s"))


def played(story: Story):  # type: ignore[no-untyped-def]
    history = []
    state, _ = new_game(story)
    for choice in ("flag", "back", "go"):
        history.append(state)
        state, _ = step(story, state, choice)
    return state, history


def test_round_trip_keeps_state_and_history(story: Story, tmp_path: Path) -> None:
    state, history = played(story)
    store = SaveStore(tmp_path / "saves")
    store.write("one", encode(story, state, history, language="es", saved_at="2026-01-01T00:00:00+00:00",
                              extra={"answers": {"q1": "text"}}))
    loaded = decode(story, store.read("one"), slot="one")
    assert loaded.state == state and loaded.history == history
    assert loaded.language == "es" and loaded.extra == {"answers": {"q1": "text"}}
    assert loaded.messages == []


def test_save_file_has_explicit_keys(story: Story, tmp_path: Path) -> None:
    state, history = played(story)
    store = SaveStore(tmp_path)
    path = store.write("x", encode(story, state, history, language="en", saved_at="t"))
    data = json.loads(path.read_text(encoding="utf-8"))
    assert {"format", "version", "engine", "story", "language", "saved_at", "state", "history"} <= set(data)
    assert data["version"] == SAVE_VERSION and data["story"] == {"id": "mini", "hash": story.hash}
    assert {"scene", "vars", "visits", "notes", "taken", "ending"} <= set(data["state"])


@pytest.mark.parametrize("content, key", [
    (b"", "ui.save_corrupt"),
    (b"{not json", "ui.save_corrupt"),
    (b"[1, 2]", "ui.save_corrupt"),
    (b"\xff\xfe\x00", "ui.save_corrupt"),
    (b"[" * 100000, "ui.save_corrupt"),
    (json.dumps({"format": "something-else"}).encode(), "ui.save_foreign"),
    (json.dumps({"format": "hengyang-save", "version": 99, "story": {"id": "mini"}}).encode(), "ui.save_newer"),
    (json.dumps({"format": "hengyang-save", "version": 1, "story": {"id": "other"}}).encode(), "ui.save_other_story"),
    (json.dumps({"format": "hengyang-save", "version": 1, "story": {"id": "mini"}, "state": {"scene": 3}}).encode(),
     "ui.save_corrupt"),
    (json.dumps({"format": "hengyang-save", "version": "1"}).encode(), "ui.save_corrupt"),
])
def test_bad_saves_give_a_clear_error(story: Story, tmp_path: Path, content: bytes, key: str) -> None:
    store = SaveStore(tmp_path)
    (tmp_path / "bad.json").write_bytes(content)
    with pytest.raises(SaveError) as info:
        decode(story, store.read("bad"), slot="bad")
    assert info.value.key == key


def test_truncated_save_is_corrupt(story: Story, tmp_path: Path) -> None:
    state, history = played(story)
    store = SaveStore(tmp_path)
    path = store.write("t", encode(story, state, history, language="en", saved_at="t"))
    data = path.read_bytes()
    for cut in (1, len(data) // 3, len(data) - 2):
        path.write_bytes(data[:cut])
        with pytest.raises(SaveError) as info:
            decode(story, store.read("t"), slot="t")
        assert info.value.key == "ui.save_corrupt"


def test_wrong_types_inside_state_are_refused(story: Story, tmp_path: Path) -> None:
    state, history = played(story)
    base = encode(story, state, history, language="en", saved_at="t")
    for path, value in ((("state", "vars"), {"n": "1"}), (("state", "visits"), {"a": -1}),
                        (("state", "notes"), [1]), (("state", "ending"), 5), (("history",), {"x": 1})):
        bad = json.loads(json.dumps(base))
        target = bad
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value
        with pytest.raises(SaveError):
            decode(story, bad, slot="x")


def test_missing_slot(story: Story, tmp_path: Path) -> None:
    with pytest.raises(SaveError) as info:
        SaveStore(tmp_path).read("nothing")
    assert info.value.key == "ui.save_missing"


def save_then_edit(tmp_path: Path, edits: dict[str, object]):  # type: ignore[no-untyped-def]
    story = load(write_story(tmp_path / "before"))
    state, history = played(story)
    payload = encode(story, state, history, language="en", saved_at="t")
    after = load(write_story(tmp_path / "after", edits))
    return decode(after, json.loads(json.dumps(payload)), slot="x"), after


def test_renamed_scene_restores_to_chapter_start(tmp_path: Path) -> None:
    loaded, _ = save_then_edit(tmp_path, {
        "story/one.yaml": [("  b:\n", "  bb:\n"), ("to: b\n", "to: bb\n")],
        "locales/en/text.yaml": ("  b:\n    title: Scene B", "  bb:\n    title: Scene B"),
        "locales/es/text.yaml": ("  b:\n    title: Escena B", "  bb:\n    title: Escena B"),
    })
    assert loaded.state.scene == "a"
    assert ("ui.load_scene_moved", {"scene": "b"}) in loaded.messages
    assert "b" not in loaded.state.visits and loaded.state.visits["a"] == 2


def test_removed_scene_without_chapter_goes_to_start(tmp_path: Path) -> None:
    story = load(write_story(tmp_path / "s"))
    state, history = played(story)
    payload = encode(story, state, history, language="en", saved_at="t")
    payload["state"]["scene"] = "gone"
    payload["state"]["chapter"] = "also_gone"
    loaded = decode(story, payload, slot="x")
    assert loaded.state.scene == story.start


def test_removed_and_added_variables(tmp_path: Path) -> None:
    loaded, _ = save_then_edit(tmp_path, {
        "story/story.yaml": ("  n: 0\n", "  m: 7\n"),
        "story/one.yaml": [("when: n == 0", "when: m == 7"), ("add: {n: 1}", "add: {m: 1}")],
        "locales/en/text.yaml": ("You have {n} points.", "You have {m} points."),
        "locales/es/text.yaml": ("Tienes {n} puntos.", "Tienes {m} puntos."),
    })
    assert loaded.state.vars == {"m": 7, "f": True}
    assert ("ui.load_var_dropped", {"names": "n"}) in loaded.messages
    assert ("ui.load_var_added", {"name": "m"}) in loaded.messages


def test_removed_note_is_dropped(tmp_path: Path) -> None:
    loaded, _ = save_then_edit(tmp_path, {
        "story/one.yaml": [("note: n1", "note: n2"), ("  n1:\n    sources", "  n2:\n    sources")],
        "locales/en/text.yaml": ("  n1:\n", "  n2:\n"),
        "locales/es/text.yaml": ("  n1:\n", "  n2:\n"),
    })
    assert loaded.state.notes == ()
    assert ("ui.load_note_dropped", {"names": "n1"}) in loaded.messages


@pytest.mark.parametrize("name", ["../../etc/passwd", "..", "a/b", "a\\b", "", " ", "x" * 41, ".hidden",
                                  "name.json", "con\x00", "-dash", "CON", "nul", "²", "a b", "x\u202ey", "\u0301a",
                                  "ß" * 40 + "ﬃ"])
def test_slot_names_cannot_escape(name: str, tmp_path: Path) -> None:
    with pytest.raises(SaveError) as info:
        check_slot(name)
    assert info.value.key == "ui.slot_invalid"
    with pytest.raises(SaveError):
        SaveStore(tmp_path).path(name)


@pytest.mark.parametrize("name", ["quick", "chapter2", "my-save", "A_1", "ñandú", "capítulo2", "глава3", "章节四",
                                  "हिंदी", "x" * 40])
def test_good_slot_names(name: str, tmp_path: Path) -> None:
    assert SaveStore(tmp_path).path(name).parent == tmp_path


def test_failed_write_leaves_previous_slot(story: Story, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    state, history = played(story)
    store = SaveStore(tmp_path)
    store.write("s", encode(story, state, [], language="en", saved_at="first"))
    real_write = os.write

    def full_disk(fd: int, data: bytes) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "write", full_disk)
    with pytest.raises(SaveError) as info:
        store.write("s", encode(story, state, history, language="en", saved_at="second"))
    monkeypatch.setattr(os, "write", real_write)
    assert info.value.key == "ui.save_failed" and "No space" in str(info.value.subs["error"])
    assert store.read("s")["saved_at"] == "first"
    assert not list(tmp_path.glob(".*.tmp")), "the temporary file is removed"


def _dead_pid() -> int:
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(proc.stdout)


def test_stale_temporary_files_are_cleaned(tmp_path: Path) -> None:
    (tmp_path / f".quick.{_dead_pid()}.abcd.tmp").write_text("half a save")
    (tmp_path / ".odd.tmp").write_text("no pid in the name")
    (tmp_path / "keep.json").write_text("{}")
    assert SaveStore(tmp_path).clean_temp() == 2
    assert [p.name for p in tmp_path.iterdir()] == ["keep.json"]


def test_a_running_games_temporary_file_is_left_alone(tmp_path: Path) -> None:
    """Two windows on one save folder: the second start must not delete the first one's
    in-flight save. (Our own pid counts as gone: the file cannot be ours in flight.)"""
    import subprocess
    import sys

    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        (tmp_path / f".quick.{other.pid}.abcd.tmp").write_text("being written")
        (tmp_path / f".quick.{os.getpid()}.abcd.tmp").write_text("ours, left by an earlier failure")
        assert SaveStore(tmp_path).clean_temp() == 1
        assert [p.name for p in tmp_path.iterdir()] == [f".quick.{other.pid}.abcd.tmp"]
    finally:
        other.kill()
        other.wait()
    assert SaveStore(tmp_path).clean_temp() == 1


def test_listing_marks_damaged_slots(story: Story, tmp_path: Path) -> None:
    state, history = played(story)
    store = SaveStore(tmp_path)
    store.write("good", encode(story, state, history, language="en", saved_at="2026-01-02T00:00:00+00:00"))
    (tmp_path / "bad.json").write_text("{")
    (tmp_path / "not a slot.json").write_text("{}")
    infos = {i.slot: i for i in store.list()}
    assert set(infos) == {"good", "bad"}
    assert infos["good"].ok and infos["good"].scene == "b" and not infos["bad"].ok
