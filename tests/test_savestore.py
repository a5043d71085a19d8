"""Issue 10: slot names of any script and case, files that are traps, numbers a save cannot
write back, damaged autosaves kept aside."""

from __future__ import annotations

import datetime
import json
import os
import re
import resource
import sys
from pathlib import Path

import pytest

from adventure.play import savestore
from adventure.play.saves import SaveError, SaveStore, decode, slot_key
from adventure.play.session import Session
from playkit import clean_exit, run_pipe, save_json
from storykit import load_fixture


def make(saves: Path, lang: str = "en") -> Session:
    result = load_fixture()
    assert result.ok and result.story is not None and result.catalog is not None
    clock = iter(datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc) + datetime.timedelta(minutes=i)
                 for i in range(100_000))
    s = Session(result.story, result.catalog, lang=lang, store=SaveStore(saves), clock=lambda: next(clock))
    s.begin()
    return s


def text(reply) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(p.text for p in (reply.paras if hasattr(reply, "paras") else reply))


# -- A. slot names -------------------------------------------------------------------------

def test_two_names_in_another_case_are_one_slot_and_one_file(tmp_path: Path) -> None:
    s = make(tmp_path / "saves")
    assert 'Saved as "Partida1"' in text(s.handle("save Partida1"))
    s.handle("1")
    assert 'Saved as "partida1"' in text(s.handle("save partida1"))
    files = sorted(p.name for p in (tmp_path / "saves").iterdir())
    assert files == ["autosave.json", "partida1.json"]
    listing = text(s.handle("saves"))
    assert listing.count("artida1") == 1 and "  partida1  " in listing  # the name last saved under
    at_order = s.state
    s.handle("1")
    assert 'Loaded "PARTIDA1"' in text(s.handle("load PARTIDA1"))
    assert s.state == at_order


def test_letters_of_any_script_and_either_normal_form_name_one_slot(tmp_path: Path) -> None:
    s = make(tmp_path / "saves", lang="es")
    reply = text(s.handle("guardar capítulo2"))
    assert "«capítulo2»" in reply, reply
    decomposed = "capi\u0301tulo2"  # the same name typed with a combining accent
    assert "cargada" in text(s.handle(f"cargar {decomposed}"))
    assert (tmp_path / "saves" / "capítulo2.json").is_file()
    assert save_json(tmp_path / "saves", "capítulo2")["slot"] == "capítulo2"
    for name in ("глава3", "章节四", "Straße"):
        assert "guardada" in text(s.handle(f"guardar {name}")), name
    assert (tmp_path / "saves" / "strasse.json").is_file() and slot_key("STRASSE") == "strasse"


@pytest.mark.parametrize("name", ["AUTOSAVE", "Before-Load", "Autosave-Previous", "RECOVERY", "autosave-damaged-1"])
def test_reserved_names_are_refused_in_any_case(name: str, tmp_path: Path) -> None:
    s = make(tmp_path / "saves")
    reply = text(s.handle(f"save {name}"))
    assert "kept for the game's own saves" in reply, reply
    assert not (tmp_path / "saves" / f"{slot_key(name)}.json").exists() or slot_key(name) == "autosave"


def test_a_slot_an_older_version_wrote_in_capitals_still_loads_and_is_replaced_by_one_file(tmp_path: Path) -> None:
    saves = tmp_path / "saves"
    s = make(saves)
    s.handle("1")
    s.handle("save tmp")
    at_order = s.state
    os.replace(saves / "tmp.json", saves / "Partida1.json")  # as the previous version named it
    s.handle("1")
    assert "Loaded" in text(s.handle("load partida1")) and s.state == at_order
    assert [i.slot for i in s.store.list() if i.slot.lower() == "partida1"] == ["Partida1"]  # type: ignore[union-attr]
    s.handle("save PARTIDA1")
    assert sorted(p.name for p in saves.glob("*artida1*")) == ["partida1.json"]


def test_saves_marks_damaged_slots_and_says_what_continue_offers(tmp_path: Path) -> None:
    saves = tmp_path / "saves"
    s = make(saves)
    s.handle("1")
    s.handle("1")
    (saves / "broken.json").write_text('{"format": "hengyang-save", "vers')
    listing = text(s.handle("saves"))
    assert re.search(r"\n  broken +damaged", listing), listing  # names padded to one column
    assert 'the game offers "autosave"' in listing
    (saves / "autosave.json").write_bytes(b"")  # damaged: set aside, the previous one is offered
    listing = text(s.handle("saves"))
    assert 'kept as "autosave-damaged-1"' in listing and "autosave-damaged-1  damaged" in listing
    assert 'the game offers "autosave-previous"' in listing, listing
    es = make(tmp_path / "other", lang="es")
    es.handle("1")
    assert "el juego ofrece «autosave»" in text(es.handle("partidas"))
    (tmp_path / "other" / "autosave.json").unlink()
    es.handle("guardar una")
    assert "No hay ninguna partida automática desde la que continuar" in text(es.handle("partidas"))


# -- B. files are data, never a trap --------------------------------------------------------

def _traps(saves: Path, outside: Path) -> None:
    saves.mkdir(parents=True, exist_ok=True)
    outside.write_text('{"format": "hengyang-save", "version": 1}')
    os.symlink("/dev/zero", saves / "x.json")
    os.symlink("/dev/urandom", saves / "u.json")
    os.mkfifo(saves / "y.json")
    os.symlink(outside, saves / "z.json")
    os.symlink("/", saves / "d.json")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs and /dev/zero are POSIX")
def test_links_devices_and_fifos_are_refused_without_reading_a_byte(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    saves = tmp_path / "saves"
    _traps(saves, tmp_path / "outside.json")
    read_from: list[int] = []
    real_read = os.read

    def counting_read(fd: int, n: int) -> bytes:
        data = real_read(fd, n)
        read_from.append(len(data))
        return data

    monkeypatch.setattr(os, "read", counting_read)
    store = SaveStore(saves)
    for slot in ("x", "u", "y", "z", "d"):
        with pytest.raises(SaveError) as info:
            store.read(slot)
        assert info.value.key == "ui.save_not_a_file", slot
    listing = {i.slot: i for i in store.list()}
    assert {k: (v.ok, v.problem) for k, v in listing.items()} == {
        k: (False, "ui.save_not_a_file") for k in ("x", "u", "y", "z", "d")}
    assert sum(read_from) == 0


def test_a_link_to_a_save_in_the_same_folder_is_read(tmp_path: Path) -> None:
    saves = tmp_path / "saves"
    s = make(saves)
    s.handle("save real")
    os.symlink("real.json", saves / "alias.json")
    assert SaveStore(saves).read("alias")["slot"] == "real"


def test_the_size_limit_is_counted_while_reading(tmp_path: Path) -> None:
    (tmp_path / "big.json").write_bytes(b" " * 5000 + b"{}")
    with pytest.raises(SaveError) as info:
        SaveStore(tmp_path, limit=4096).read("big")
    assert info.value.key == "ui.save_too_big"
    with pytest.raises(savestore.TooBig):
        savestore.read_limited(tmp_path / "big.json", 100)
    assert savestore.read_limited(tmp_path / "big.json", 5002).endswith(b"{}")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs and /dev/zero are POSIX")
def test_traps_in_the_save_folder_through_the_real_game(tmp_path: Path) -> None:
    """Start, saves, load of each: a clear message, the game goes on, memory stays small
    (the process may not grow past 1 GB of address space; reading /dev/zero took 9 GB)."""
    saves = tmp_path / "saves"
    _traps(saves, tmp_path / "outside.json")
    os.symlink("/dev/zero", saves / "autosave.json")

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    proc = run_pipe(saves, b"saves\nload x\nload u\nload y\nload z\n1\nsaves\nquit\n", preexec=limit, timeout=120)
    out = proc.stdout.decode("utf-8")
    clean_exit(proc, out + proc.stderr.decode())
    for slot in ("x", "u", "y", "z"):
        assert f'The save "{slot}" is not a regular file' in out, out
    assert 'The save "autosave" is not a regular file' in out and 'kept as "autosave-damaged-1"' in out
    assert "not a save file (a link, a device or a pipe); left alone" in out
    assert "Take the envelope" in out or "cliffs" in out.lower()  # the game went on
    assert os.readlink(saves / "x.json") == "/dev/zero"  # left alone
    assert os.readlink(saves / "autosave-damaged-1.json") == "/dev/zero"
    assert save_json(saves, "autosave")["format"] == "hengyang-save"
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KB on Linux
    print(f"peak RSS of the game with traps in its save folder: {peak / 1024:.0f} MB", file=sys.stderr)


# -- C. numbers a save could not write back -----------------------------------------------------

def _huge_seconds_save(saves: Path) -> None:
    s = make(saves)
    s.handle("1")
    s.handle("save x")
    text_ = (saves / "x.json").read_text(encoding="utf-8")
    obj = json.loads(text_)
    obj["extra"]["classroom"]["seconds"] = 10**4300 - 1  # 4,300 digits: json reads it; a second more, it cannot write it
    obj["extra"]["free"] = {"n": -10**4299, "f": float("inf"), "s": "\ud800 lone", "ok": 7}
    (saves / "autosave.json").write_text(json.dumps(obj), encoding="utf-8")


def test_a_4300_digit_number_loads_bounded_and_every_later_save_succeeds(tmp_path: Path) -> None:
    saves = tmp_path / "saves"
    _huge_seconds_save(saves)
    s = make(saves)
    reply = text(s.handle("continue"))
    assert "Continuing where you left off" in reply, reply
    assert s.record.seconds < 10**15
    assert s.extra["free"] == {"s": "\ud800 lone", "ok": 7}
    s.handle("1")
    s.write_slot("again")
    assert s.quit() and save_json(saves, "autosave")["extra"]["free"]["ok"] == 7
    again = decode(s.story, s.store.read("again"))  # type: ignore[union-attr]
    assert again.extra["free"]["s"] == "\ud800 lone"


def test_the_same_save_through_the_real_game_continues_twice(tmp_path: Path) -> None:
    saves = tmp_path / "saves"
    _huge_seconds_save(saves)
    for _ in range(2):
        proc = run_pipe(saves, b"continue\nlook\nquit\n")
        out = proc.stdout.decode("utf-8")
        clean_exit(proc, out + proc.stderr.decode())
        assert "Continuing where you left off" in out and "could not be saved" not in out, out


def test_a_failed_autosave_never_removes_the_good_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    saves = tmp_path / "saves"
    s = make(saves)
    s.handle("1")
    s.handle("1")
    good, previous = (saves / "autosave.json").read_bytes(), (saves / "autosave-previous.json").read_bytes()

    def unwritable(payload: object) -> bytes:
        raise SaveError("ui.save_failed", error="ValueError")

    monkeypatch.setattr(savestore, "dump", unwritable)
    assert "could not be saved" in text(s.handle("undo"))
    assert (saves / "autosave.json").read_bytes() == good
    assert (saves / "autosave-previous.json").read_bytes() == previous

    def full_disk(fd: int, data: bytes) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.undo()
    monkeypatch.setattr(os, "write", full_disk)
    s.handle("1")
    monkeypatch.undo()
    assert (saves / "autosave.json").read_bytes() == good
    assert (saves / "autosave-previous.json").read_bytes() == previous


# -- D. a damaged autosave and no good previous one -----------------------------------------------

def test_a_damaged_autosave_is_said_at_start_and_kept_aside(tmp_path: Path) -> None:
    saves = tmp_path / "saves"
    saves.mkdir()
    damaged = b'{"format": "hengyang-save", "version": 2, "sta'
    (saves / "autosave.json").write_bytes(damaged)
    proc = run_pipe(saves, b"continue\n1\n1\nsaves\nquit\n")
    out = proc.stdout.decode("utf-8")
    clean_exit(proc, out + proc.stderr.decode())
    first_scene = out.index("1.")
    said = out.index('The save "autosave" is damaged')
    assert said < first_scene, out  # at start, before the first scene's choices
    assert 'kept as "autosave-damaged-1"' in out
    assert "There is no autosave to continue from" in out
    assert "autosave-damaged-1  damaged" in out
    assert (saves / "autosave-damaged-1.json").read_bytes() == damaged
    assert save_json(saves, "autosave")["format"] == "hengyang-save"
    proc = run_pipe(saves, b"quit\n")  # the next start offers the new autosave, and keeps the damaged one
    assert (saves / "autosave-damaged-1.json").read_bytes() == damaged
    assert not (saves / "autosave-damaged-2.json").exists()


def test_a_damaged_autosave_that_appears_mid_game_is_set_aside_not_overwritten(tmp_path: Path) -> None:
    saves = tmp_path / "saves"
    s = make(saves)
    s.handle("1")
    (saves / "autosave.json").write_bytes(b"\x00" * 64)  # another program, a disk error
    s.handle("1")
    assert (saves / "autosave-damaged-1.json").read_bytes() == b"\x00" * 64
    assert decode(s.story, s.store.read("autosave")).state == s.state  # type: ignore[union-attr]
    assert s.store.set_aside_log == [("autosave", "autosave-damaged-1")]  # type: ignore[union-attr]


def test_the_previous_autosave_is_a_link_made_before_the_new_one_replaces_it(tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Between the two renames both files exist: a kill there loses nothing."""
    saves = tmp_path / "saves"
    s = make(saves)
    s.handle("1")
    seen: list[set[str]] = []
    real_replace = os.replace

    def watching(src: object, dst: object) -> None:
        seen.append({p.name for p in saves.glob("*.json")})
        real_replace(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", watching)
    s.handle("1")
    assert seen and all({"autosave.json"} <= names for names in seen)


def test_a_kill_between_link_and_replace_leaves_no_temporary_file_behind(tmp_path: Path) -> None:
    """A SIGKILL after the previous autosave was linked but before the new one replaced it
    leaves ``autosave`` and ``autosave-previous`` as one file. The next autosave must keep
    that file and leave no ``.tmp`` (rename(2) onto another name of the same file does
    nothing, which once left the temporary link in the folder at every start)."""
    saves = tmp_path / "saves"
    s = make(saves)
    s.handle("1")
    auto, previous = saves / "autosave.json", saves / "autosave-previous.json"
    previous.unlink(missing_ok=True)
    os.link(auto, previous)  # what the kill left
    before = auto.read_bytes()
    s.handle("1")
    assert not list(saves.glob(".*.tmp")), list(saves.glob(".*.tmp"))
    assert previous.read_bytes() == before and auto.read_bytes() != before
    assert not os.path.samestat(os.stat(auto), os.stat(previous))


# -- C. the property: whatever a load accepts, the game can save again ------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_BIG = 10**4300 - 1  # json reads and writes up to 4,300 digits; one more second and it cannot
_numbers = st.one_of(st.integers(min_value=-_BIG, max_value=_BIG), st.integers(-3, 3), st.sampled_from([_BIG, -_BIG]),
                     st.floats(allow_nan=True, allow_infinity=True), st.booleans())
_texts = st.one_of(st.text(max_size=8), st.sampled_from(["\ud800", "a\udfffb", "\x1b[2J", "\u202e", "ok"]))
_json = st.recursive(st.one_of(st.none(), _numbers, _texts),
                     lambda kids: st.one_of(st.lists(kids, max_size=4), st.dictionaries(_texts, kids, max_size=4)),
                     max_leaves=12)
_PATHS = [("state", "vars", "messages"), ("state", "vars", "dug"), ("state", "turn"), ("state", "visits", "pro_changsha"),
          ("state", "notes"), ("state", "ending"), ("extra", "classroom", "seconds"), ("extra", "classroom", "sittings"),
          ("extra", "classroom", "answers"), ("extra", "classroom", "pending"), ("extra", "free"), ("extra", "trail"),
          ("history", "steps"), ("history", "length"), ("history", "choices"), ("history", "snapshots", "0", "turn"),
          ("history", "snapshots", "0", "vars", "messages"), ("version",), ("language",), ("saved_at",), ("summary",),
          ("slot",), ("story", "hash")]
_edges = st.sampled_from([_BIG, -_BIG, 10**15, 10**15 + 1, float("nan"), "\ud800"])
_values = st.one_of(_edges, _numbers, _json)
_PROPERTY: dict[str, object] = {}


def _property_base() -> tuple[Session, dict[str, object], Path]:
    if not _PROPERTY:
        import tempfile

        folder = Path(tempfile.mkdtemp(prefix="hengyang-property-"))
        s = make(folder / "saves")
        s.record.on = True
        for _ in range(4):
            s.handle("1")
        s.handle("save base")
        _PROPERTY.update(session=s, base=json.loads((folder / "saves" / "base.json").read_text("utf-8")), folder=folder)
    return _PROPERTY["session"], _PROPERTY["base"], _PROPERTY["folder"]  # type: ignore[return-value]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits=st.lists(st.tuples(st.sampled_from(_PATHS), _values), min_size=1, max_size=6))
def test_whatever_a_load_accepts_the_game_can_save_again(edits: list[tuple[tuple[str, ...], object]]) -> None:
    s, base, folder = _property_base()
    obj = json.loads(json.dumps(base))
    for path, value in edits:
        target = obj
        for key in path[:-1]:
            if not isinstance(target, dict):
                break
            target = target.setdefault(key, {})
        else:
            if isinstance(target, dict):
                target[path[-1]] = value
    saves = folder / "saves"
    (saves / "h.json").write_text(json.dumps(obj), encoding="utf-8")
    try:
        decode(s.story, obj, slot="h")
    except SaveError:
        return  # refused with a message: nothing to save again
    reply = text(s.handle("load h"))
    assert 'Loaded "h"' in reply, reply
    s.write_slot("again")  # must not raise: a SaveError here is the bug this test exists for
    again = decode(s.story, s.store.read("again"))  # type: ignore[union-attr]
    assert again.state == s.state and again.history == list(s.history)
    s.handle("1")  # a step after the load autosaves too
    assert decode(s.story, s.store.read("autosave")).state == s.state  # type: ignore[union-attr]
