"""Issue 7, points 1 and 2: nothing the player saved is ever lost, whatever happens mid-save.

The real game runs through a pipe (plain mode) or a pseudo-terminal; it is killed with
SIGKILL while saving, starved of disk space, limited in file size, and given damaged
autosaves and edited stories.
"""

from __future__ import annotations

import errno
import io
import os
import random
import re
import resource
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from adventure import cli
from adventure.play.saves import SaveError, SaveStore, decode
from playkit import (
    PLAY,
    ROOT,
    TOOLBAR,
    clean_exit,
    copy_fixture,
    edit,
    finish,
    game_env,
    run_pipe,
    save_json,
    spawn,
    story_args,
)
from storykit import check_dir, load_fixture


def assert_every_slot_loads(saves: Path) -> int:
    """Every save file in the folder reads and validates; returns how many there are."""
    story = load_fixture().story
    assert story is not None
    store = SaveStore(saves)
    slots = sorted(p.stem for p in saves.glob("*.json"))
    for slot in slots:
        try:
            decode(story, store.read(slot), slot=slot)
        except SaveError as exc:  # pragma: no cover - the failure this test exists to catch
            raise AssertionError(f"slot {slot} is damaged after a kill: {exc.key}") from None
    return len(slots)


# -- 1. SIGKILL at random moments during consecutive saves -----------------------------------

def _kill_while_saving(saves: Path, rng: random.Random) -> tuple[int, bool]:
    """Start the game, feed it saves (and moves, so the saves differ) without pause, and
    SIGKILL it at a random moment once it is saving. Returns (saves confirmed, torn write seen)."""
    proc = subprocess.Popen([sys.executable, PLAY, *story_args()], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=str(ROOT),
                            env=game_env(saves))
    assert proc.stdin is not None and proc.stdout is not None
    confirmed = 0
    first = threading.Event()
    stop = threading.Event()

    lines_rng = random.Random(rng.random())

    def feed() -> None:
        moves = [b"1\n", b"2\n", b"undo\n", b"look\n"]
        try:
            while not stop.is_set():
                lines = b"".join(b"save s%d\n" % lines_rng.randrange(6) + lines_rng.choice(moves)
                                 for _ in range(20))
                proc.stdin.write(lines)  # type: ignore[union-attr]
                proc.stdin.flush()  # type: ignore[union-attr]
        except (BrokenPipeError, OSError, ValueError):
            pass

    def read() -> None:
        nonlocal confirmed
        for line in proc.stdout:  # type: ignore[union-attr]
            if line.startswith(b"Saved as"):
                confirmed += 1
                first.set()

    feeder = threading.Thread(target=feed, daemon=True)
    reader = threading.Thread(target=read, daemon=True)
    feeder.start()
    reader.start()
    assert first.wait(30), "the game never saved"
    time.sleep(rng.uniform(0, 0.08))
    torn = any(saves.glob(".*.tmp"))  # a write in flight just before the kill (a hint, not proof)
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    stop.set()
    reader.join(30)
    feeder.join(30)
    for stream in (proc.stdin, proc.stdout):
        try:
            stream.close()
        except OSError:  # the pipe to a killed process
            pass
    return confirmed, torn or any(saves.glob(".*.tmp"))


@pytest.mark.slow
def test_sigkill_during_consecutive_saves_never_damages_a_slot(tmp_path: Path, long_mode: bool) -> None:
    target_saves, target_kills = (500, 50) if long_mode else (50, 5)
    rng = random.Random(1944)
    saves = tmp_path / "saves"
    done = kills = torn = 0
    started = time.perf_counter()
    while done < target_saves or kills < target_kills:
        confirmed, tmp_seen = _kill_while_saving(saves, rng)
        done += confirmed
        kills += 1
        torn += tmp_seen
        assert assert_every_slot_loads(saves) >= 1
    # The next start removes whatever a kill left half-written, and the game still plays.
    proc = run_pipe(saves, b"load s0\nquit\n")
    clean_exit(proc, proc.stdout + proc.stderr)
    assert not list(saves.glob(".*.tmp")), "temporary files remain after the next start"
    assert b'Loaded "s0"' in proc.stdout or b'no save called "s0"' in proc.stdout
    assert_every_slot_loads(saves)
    print(f"\nSIGKILL soak: {done} saves confirmed, {kills} kills, {torn} with a write in flight, "
          f"{time.perf_counter() - started:.1f} s")


# -- 1. A full disk or a file-size limit mid-save -------------------------------------------

def _limit_file_size(limit: int):  # type: ignore[no-untyped-def]
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def test_file_size_limit_mid_save_keeps_the_previous_slot(tmp_path: Path) -> None:
    """RLIMIT_FSIZE in the real game: the second save outgrows the limit half-way through the
    write (EFBIG). The player is told, the first save is intact, and the game goes on."""
    saves = tmp_path / "saves"
    saves.mkdir()
    proc = run_pipe(saves, b"save a\n1\n1\n1\nsave a\nlook\nnotes\nsave b\nquit\n",
                    preexec=_limit_file_size(1000))
    out = proc.stdout.decode("utf-8")
    clean_exit(proc, out + proc.stderr.decode("utf-8", "replace"))
    assert out.count('Saved as "a"') == 1, out
    failures = re.findall(r"The game could not be saved \(([^)]*)\)\. Your previous save is untouched", out)
    assert len(failures) >= 2 and "large" in failures[0], out  # save a, save b (and the autosave)
    assert "Historical notes unlocked" in out, "the game went on after the failed save"
    assert save_json(saves, "a")["summary"]["scene"] == "pro_changsha", "slot a holds the first save"
    assert not (saves / "b.json").exists()
    assert not list(saves.glob(".*.tmp")), "the half-written temporary file is removed"
    assert_every_slot_loads(saves)


def _play_in_process(saves: Path, script: bytes) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    # No parsed-story cache: its files would be writes too, and it would live in the real home.
    code = cli.main([*story_args(), "--save-dir", str(saves)], env={"LANG": "en_US.UTF-8", "HENGYANG_NO_CACHE": "1"},
                    stdin=io.BytesIO(script), stdout=stdout, stderr=stderr)
    return code, stdout.getvalue(), stderr.getvalue()


@pytest.mark.parametrize("failing", ["write", "fsync", "replace"])
def test_full_disk_mid_save_keeps_the_previous_slot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    failing: str) -> None:
    """The whole game in-process, with the disk filling up after the first save: a write that
    stops part-way, an fsync or a rename that fails. Every later save fails cleanly."""
    saves = tmp_path / "saves"
    real = {"write": os.write, "fsync": os.fsync, "replace": os.replace}
    state = {"saves": 0}

    def write(fd: int, data: bytes) -> int:
        if state["saves"] >= 1 and failing == "write":
            if len(data) > 64:
                return real["write"](fd, bytes(data[:64]))  # part of the file reaches the disk...
            raise OSError(errno.ENOSPC, "No space left on device")  # ...then the disk is full
        return real["write"](fd, data)

    def fsync(fd: int) -> None:
        if state["saves"] >= 1 and failing == "fsync":
            raise OSError(errno.EIO, "Input/output error")
        real["fsync"](fd)

    def replace(src: object, dst: object) -> None:
        if str(dst).endswith(".json"):
            state["saves"] += 1
            if state["saves"] > 1 and failing == "replace":
                raise OSError(errno.ENOSPC, "No space left on device")
        real["replace"](src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "write", write)
    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    code, out, err = _play_in_process(saves, b"save a\n1\nsave a\nlook\nsave b\n2\nquit\n")
    clean_exit(code, out + err)
    assert out.count('Saved as "a"') == 1, out
    # The autosave after the first step (said once, not at every step), a, b, and the autosave on quit.
    assert out.count("The game could not be saved") == 4, out
    assert "Take the envelope for the southern gate" in out, "the game went on"
    for name, function in real.items():  # the disk works again (undo() would also undo the test's home)
        monkeypatch.setattr(os, name, function)
    assert save_json(saves, "a")["summary"]["scene"] == "pro_changsha"
    assert not (saves / "b.json").exists()
    assert not list(saves.glob(".*.tmp"))
    assert_every_slot_loads(saves)


# -- 1. The newest autosave damaged: the previous one is offered ----------------------------

def _two_autosaves(saves: Path) -> None:
    """Quit twice, at different scenes: autosave (pro_cliffs) and autosave-previous (pro_order)."""
    clean_exit(proc := run_pipe(saves, b"1\nquit\n"), proc.stdout + proc.stderr)
    clean_exit(proc := run_pipe(saves, b"continue\n1\nquit\n"), proc.stdout + proc.stderr)
    assert save_json(saves, "autosave")["summary"]["scene"] == "pro_cliffs"
    assert save_json(saves, "autosave-previous")["summary"]["scene"] == "pro_order"


def test_damaged_newest_autosave_offers_the_previous_one_in_a_pipe(tmp_path: Path, long_mode: bool) -> None:
    """Truncated mid-write (in long mode also: empty, zeroed)."""
    damages = [b"{\"format\": \"hengyang-save\", \"vers", b"", b"\x00" * 300]
    for n, damage in enumerate(damages if long_mode else damages[:1]):
        saves = tmp_path / f"saves{n}"
        _two_autosaves(saves)
        (saves / "autosave.json").write_bytes(damage)
        proc = run_pipe(saves, b"continue\nquit\n")
        out = proc.stdout.decode("utf-8")
        clean_exit(proc, out + proc.stderr.decode())
        damaged = out.index('The save "autosave" is damaged')
        offer = out.index("You have an autosave from")
        assert damaged < offer, out
        assert "(Two weeks)" in out[offer:offer + 200], "the offer names the previous autosave's scene"
        assert "Continuing where you left off" in out
        assert "Take the envelope for the southern gate" in out  # the choices of pro_order


def test_damaged_newest_autosave_offers_the_previous_one_in_a_terminal(tmp_path: Path) -> None:
    saves = tmp_path / "saves"
    _two_autosaves(saves)
    (saves / "autosave.json").write_bytes(b"{\"format\": \"hengyang-save\", \"version\": 1, \"sta")
    child = spawn(saves)
    child.expect('The save "autosave" is damaged')
    child.expect(r"You have an autosave from .*\(Two weeks\)\. Continue from it\?")
    child.sendline("y")
    child.expect("Continuing where you left off")
    child.expect("Take the envelope for the southern gate")
    child.expect(TOOLBAR)
    child.sendline("quit")
    clean_exit(child, finish(child))


# -- 2. Saves across story edits, through the real game -------------------------------------

def _remove_block(path: Path, key: str) -> None:
    """Delete ``  key:`` and its indented lines from a YAML file."""
    text = path.read_text(encoding="utf-8")
    new, n = re.subn(rf"(?m)^  {key}:\n(?:(?:    .*)?\n)*", "", text)
    assert n == 1, f"{key} not found in {path}"
    path.write_text(new, encoding="utf-8")


def _rename_scene(root: Path) -> None:
    edit(root / "story/prologue.yaml", "pro_dig", "pro_digging")
    for lang in ("en", "es"):
        edit(root / f"locales/{lang}/prologue.yaml", "  pro_dig:\n", "  pro_digging:\n")


def _remove_scene(root: Path) -> None:
    story = root / "story/prologue.yaml"
    _remove_block(story, "pro_dig")
    edit(story, "      dig:\n        to: pro_dig\n        when: not dug\n", "")
    for lang in ("en", "es"):
        locale = root / f"locales/{lang}/prologue.yaml"
        _remove_block(locale, "pro_dig")
        text = locale.read_text(encoding="utf-8")
        text, n = re.subn(r"(?m)^      dig: .*\n", "", text)
        assert n == 1
        locale.write_text(text, encoding="utf-8")


def _remove_variable(root: Path) -> None:
    edit(root / "story/story.yaml", "  dug: false               # the runner helped cut the cliffs on the southern hills\n",
         "")
    story = root / "story/prologue.yaml"
    edit(story, "    effects:\n      - set: {dug: true}\n", "")
    edit(story, "        when: not dug\n", "")
    edit(story, "        when: dug\n", "")


def _add_variable(root: Path) -> None:
    edit(root / "story/story.yaml", "variables:\n", "variables:\n  rations: 3\n")


def _remove_note(root: Path) -> None:
    edit(root / "story/prologue.yaml", "    effects:\n      - note: defences\n", "")
    _remove_block(root / "story/prologue.yaml", "defences")
    for lang in ("en", "es"):
        _remove_block(root / f"locales/{lang}/prologue.yaml", "defences")


EDITS = {
    "renamed scene": (_rename_scene, ['scene "pro_dig" no longer exists', "start of its chapter"], "pro_changsha"),
    "removed scene": (_remove_scene, ['scene "pro_dig" no longer exists'], "pro_changsha"),
    "removed variable": (_remove_variable, ["dropped what it no longer uses (dug)"], "pro_dig"),
    "added variable": (_add_variable, ['"rations" starts from its default value'], "pro_dig"),
    "removed note": (_remove_note, ["notes that no longer exist were removed (defences)"], "pro_dig"),
}


@pytest.fixture(scope="module")
def save_before_edits(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A manual save made by the real game at pro_dig (dug=true, three notes unlocked)."""
    saves = tmp_path_factory.mktemp("before") / "saves"
    proc = run_pipe(saves, b"2\ndig\nsave before\nquit\n")
    clean_exit(proc, proc.stdout + proc.stderr)
    assert save_json(saves, "before")["state"]["scene"] == "pro_dig"
    return saves


@pytest.mark.parametrize("name", sorted(EDITS))
def test_save_from_before_a_story_edit_loads_with_a_message(name: str, tmp_path: Path,
                                                            save_before_edits: Path) -> None:
    change, messages, scene = EDITS[name]
    root = copy_fixture(tmp_path / "story")
    change(root)
    errors = [d.format() for d in check_dir(root) if d.is_error]
    assert not errors, errors  # the edit itself is a clean story
    saves = tmp_path / "saves"
    saves.mkdir()
    (saves / "before.json").write_bytes((save_before_edits / "before.json").read_bytes())
    proc = run_pipe(saves, b"load before\nsave after\nquit\n", story=root)
    out = proc.stdout.decode("utf-8")
    clean_exit(proc, out + proc.stderr.decode())
    assert 'Loaded "before"' in out, out
    for message in messages:
        assert message in out, out
    assert save_json(saves, "after")["state"]["scene"] == scene
    assert 'Saved as "after"' in out
