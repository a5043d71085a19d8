"""The save folder: slot names, files read as data and never as a trap, atomic writes.

Slot names are any letters and digits of any script (and ``-``, ``_``), NFC-normalised.
Two names that differ only in case (``Partida1``, ``partida1``) are one slot: the file is
named after the case-folded name, so no two slots can land on one file of a case-insensitive
disk, and the name as typed is kept inside the file for listings::

    check_slot("Capítulo2")      # 'Capítulo2'
    slot_key("Capítulo2")        # 'capítulo2' -> capítulo2.json

Reading trusts nothing on the disk: only a regular file is read (a link is followed only to
a regular file in the same folder), it is opened without following a last link and without
blocking (a FIFO, a device), checked again on the open descriptor, and read up to a limit
counted while reading (``st_size`` is 0 for a device or a FIFO). A write never removes the
previous autosave before the new one is safely on disk, and a file that is not a readable
save is set aside (``autosave-damaged-1``), never overwritten.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from adventure.files.atomic import create_atomic, write_atomic
from adventure.play.saferead import NotAFile, TooBig, read_limited

SAVE_FORMAT = "hengyang-save"
SAVE_VERSION = 2
MAX_SAVE_BYTES = 16 * 1024 * 1024
MAX_SLOT = 40  # characters of a slot name
MAX_KEY_BYTES = 200  # the file name's bytes (case folding can lengthen a name)
# Device names Windows reserves in every folder, with any extension: "con.json" is the console.
WINDOWS_DEVICES = re.compile(r"(con|prn|aux|nul|com[0-9]|lpt[0-9])\Z", re.IGNORECASE)
AUTOSAVE = "autosave"
AUTOSAVE_PREVIOUS = "autosave-previous"
RECOVERY = "recovery"
BEFORE_LOAD = "before-load"  # the game that a load replaced, kept so that nothing is lost
EARLIER_GAME = "earlier-game"  # a game set aside when the player starts afresh, kept so that nothing is lost
RESERVED = (AUTOSAVE, AUTOSAVE_PREVIOUS, RECOVERY, BEFORE_LOAD, EARLIER_GAME)
# The game's own slots, with the numbered ones a second game on the folder ("autosave-2") or
# a second game set aside ("before-load-2", "earlier-game-3") uses: loaded like any slot,
# never overwritten by ``save``.
RESERVED_RE = re.compile(r"(autosave(-[0-9]+)?(-previous)?|recovery(-[0-9]+)?|before-load(-[0-9]+)?"
                         r"|earlier-game(-[0-9]+)?)\Z")
DAMAGED = re.compile(r"(.+)-damaged-[0-9]+\Z")  # a file set aside: never written over


class SaveError(Exception):
    """A save that cannot be written or read; ``key``/``subs`` give the player's message."""

    def __init__(self, key: str, **subs: object) -> None:
        super().__init__(key)
        self.key = key
        self.subs = subs


def _name_char(c: str, first: bool) -> bool:
    cat = unicodedata.category(c)
    if cat[0] == "L" or cat == "Nd":
        return True
    return not first and (cat[0] == "M" or c in "-_")


def check_slot(name: str) -> str:
    """A valid slot name (NFC), or :class:`SaveError`. Slots are plain names, never paths.

    >>> check_slot("chapter2"), check_slot("capi\\u0301tulo2") == "capítulo2"
    ('chapter2', True)
    >>> check_slot("../../etc/passwd")
    Traceback (most recent call last):
    ...
    adventure.play.savestore.SaveError: ui.slot_invalid
    """
    nfc = unicodedata.normalize("NFC", name)
    if (not 1 <= len(nfc) <= MAX_SLOT or not all(_name_char(c, i == 0) for i, c in enumerate(nfc))
            or WINDOWS_DEVICES.match(nfc) or len(_fold(nfc).encode("utf-8")) > MAX_KEY_BYTES):
        raise SaveError("ui.slot_invalid", slot=name[:60])
    return nfc


def _fold(name: str) -> str:
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", name).casefold())


def slot_key(name: str) -> str:
    """The file stem of a slot: its name case-folded (``Partida1`` and ``partida1`` are one).

    >>> slot_key("Straße"), slot_key("AUTOSAVE")
    ('strasse', 'autosave')
    """
    return _fold(check_slot(name))


def is_reserved(name: str) -> bool:
    """The game's own slots, in any case (numbered ones too: a second game's ``autosave-2``),
    and the files it set aside (``autosave-damaged-1``).

    >>> is_reserved("Autosave-2"), is_reserved("EARLIER-GAME-3"), is_reserved("chapter2")
    (True, True, False)
    """
    key = _fold(name.strip())
    return key in RESERVED or RESERVED_RE.match(key) is not None or DAMAGED.match(key) is not None


def default_save_dir(env: Mapping[str, str]) -> Path:
    """``HENGYANG_SAVE_DIR`` if set, else the platform's user data folder (XDG on Linux)."""
    override = env.get("HENGYANG_SAVE_DIR")
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("hengyang", appauthor=False)) / "saves"


class SlotInfo(NamedTuple):
    slot: str  # the name to type (as the player wrote it)
    ok: bool
    saved_at: str = ""
    chapter: str = ""
    scene: str = ""
    language: str = ""
    problem: str = ""  # for a slot that is not ok: the ui key saying why


def parse(data: bytes, slot: str) -> dict[str, Any]:
    try:
        obj = json.loads(data.decode("utf-8-sig"))  # a BOM from a Windows editor is harmless
    except (ValueError, RecursionError):
        raise SaveError("ui.save_corrupt", slot=slot) from None
    if not isinstance(obj, dict):
        raise SaveError("ui.save_corrupt", slot=slot)
    return obj


class RawJSON:
    """JSON already formatted (a save's history), as pieces of ASCII to write as they are."""

    __slots__ = ("pieces",)

    def __init__(self, pieces: list[bytes]) -> None:
        self.pieces = pieces

    def loads(self) -> Any:
        return json.loads(b"".join(self.pieces))


def dump(payload: Mapping[str, Any]) -> list[bytes]:
    """A payload as UTF-8 JSON, in pieces. Cannot fail on a value a load accepted: a lone
    surrogate (``"\\ud800"`` is valid JSON) falls back to ASCII escapes; anything else that
    cannot be written (an integer past Python's digit limit) is :class:`SaveError`, not a
    traceback."""
    raw = {k: v for k, v in payload.items() if isinstance(v, RawJSON)}
    rest = {k: v for k, v in payload.items() if not isinstance(v, RawJSON)}
    try:
        text = json.dumps(rest, ensure_ascii=False, indent=1, sort_keys=True)
        try:
            head = text.encode("utf-8")
        except UnicodeEncodeError:
            head = json.dumps(rest, ensure_ascii=True, indent=1, sort_keys=True).encode("ascii")
    except (ValueError, TypeError, RecursionError) as exc:
        raise SaveError("ui.save_failed", error=type(exc).__name__) from None
    if not raw:
        return [head]
    out = [head[:-2]]  # without the closing "\n}"
    for key, value in raw.items():
        out += [b",\n " + json.dumps(key).encode("ascii") + b": ", *value.pieces]
    return out + [b"\n}"]


def _looks_like_save(obj: dict[str, Any]) -> bool:
    version = obj.get("version")
    return (obj.get("format") == SAVE_FORMAT and isinstance(version, int) and not isinstance(version, bool)
            and 1 <= version <= SAVE_VERSION)


class SaveStore:
    """The save folder: atomic writes, validated reads, listing and temp-file cleanup."""

    def __init__(self, directory: Path, *, limit: int = MAX_SAVE_BYTES) -> None:
        self.directory = directory
        self.limit = limit
        self.set_aside_log: list[tuple[str, str]] = []  # (slot, name it was kept as)
        self._mine: dict[str, tuple[int, int, int]] = {}  # key -> what our last write left

    def path(self, slot: str) -> Path:
        """Where ``slot`` is (an older file named in another case, if that is what exists)."""
        key = slot_key(slot)
        path = self.directory / f"{key}.json"
        if not os.path.lexists(path):
            legacy = self._legacy(key)
            if legacy:
                return legacy[0]
        return path

    def _legacy(self, key: str) -> list[Path]:
        """Files of slot ``key`` written under another case by an older version."""
        try:
            names = os.listdir(self.directory)
        except OSError:
            return []
        out = []
        for name in sorted(names):
            stem = name[:-5]
            if name.endswith(".json") and stem != key and _valid(stem) and _fold(stem) == key:
                out.append(self.directory / name)
        return out

    def clean_temp(self) -> int:
        """Remove temporary files left by a crash mid-save. Returns how many.

        A temporary file of a game still running (a second window on the same save folder)
        is left alone: its name holds the pid of the process writing it."""
        removed = 0
        try:
            for p in self.directory.glob(".*.tmp"):
                if _writer_alive(p.name):
                    continue
                try:
                    p.unlink()
                    removed += 1
                except OSError:
                    pass
        except OSError:
            pass
        return removed

    def write(self, slot: str, payload: Mapping[str, Any], *, keep: str | None = None) -> Path:
        """Write atomically: temp file in the same folder, fsync, ``os.replace``, fsync folder.
        With ``keep`` (an autosave's previous slot), the file being replaced is kept there,
        linked before the new one takes its place, so one of them is always whole on disk; a
        file in the way that is not a readable save is set aside instead (:meth:`set_aside`).

        On any failure the previous file of the slot is untouched and :class:`SaveError`
        is raised."""
        name = check_slot(slot)
        key = _fold(name)
        target = self.directory / f"{key}.json"
        data = dump({**payload, "slot": name})
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            kept = None
            if keep is not None and os.path.lexists(target):
                if self._foreign(key, target):
                    self.set_aside(name)
                else:
                    kept = self.directory / f"{slot_key(keep)}.json"
            write_atomic(target, data, durable=True, keep=kept)
            st = os.stat(target)
            self._mine[key] = (st.st_ino, st.st_size, st.st_mtime_ns)
        except OSError as exc:
            raise SaveError("ui.save_failed", error=exc.strerror or type(exc).__name__) from None
        if not is_reserved(key):
            for old in self._legacy(key):  # the same slot under an older file name
                try:
                    if not os.path.samestat(os.lstat(old), os.lstat(target)):  # a case-blind disk: one file
                        old.unlink()
                except OSError:
                    pass
        return target

    def create(self, slot: str, payload: Mapping[str, Any]) -> bool:
        """Write a slot that does not exist yet, atomically: False if it exists (even if
        another process made it a moment ago), never overwriting it. Raises SaveError."""
        name = check_slot(slot)
        target = self.directory / f"{_fold(name)}.json"
        data = b"".join(dump({**payload, "slot": name}))
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            return create_atomic(target, data)
        except OSError as exc:
            raise SaveError("ui.save_failed", error=exc.strerror or type(exc).__name__) from None

    def _foreign(self, key: str, target: Path) -> bool:
        """Whether the file at ``target`` is not a save we can read (and must not replace)."""
        try:
            st = os.lstat(target)
        except OSError:
            return False
        if self._mine.get(key) == (st.st_ino, st.st_size, st.st_mtime_ns):
            return False
        try:
            return not _looks_like_save(parse(read_limited(target, self.limit), key))
        except (SaveError, OSError):
            return True

    def set_aside(self, slot: str) -> str | None:
        """Move a slot's file to ``<slot>-damaged-<n>`` (the first free n). Returns that name."""
        key = slot_key(slot)
        source = self.directory / f"{key}.json"
        for n in range(1, 1000):
            name = f"{key}-damaged-{n}"
            dest = self.directory / f"{name}.json"
            if os.path.lexists(dest):
                continue
            try:
                os.rename(source, dest)
            except OSError:
                return None
            self.set_aside_log.append((key, name))
            return name
        return None

    def exists(self, slot: str) -> bool:
        """Whether the folder has an entry for ``slot`` (of any kind: reading says what it is)."""
        try:
            return os.path.lexists(self.path(slot))
        except SaveError:
            return False

    def read(self, slot: str) -> dict[str, Any]:
        """The parsed JSON of a slot, or :class:`SaveError` (missing, not a file, too big,
        unreadable, corrupt)."""
        path = self.path(slot)
        try:
            data = read_limited(path, self.limit, folder=self.directory)
        except FileNotFoundError:
            raise SaveError("ui.save_missing", slot=slot) from None
        except NotAFile:
            raise SaveError("ui.save_not_a_file", slot=slot) from None
        except TooBig:
            raise SaveError("ui.save_too_big", slot=slot, size=self.limit // (1024 * 1024)) from None
        except OSError as exc:
            raise SaveError("ui.save_unreadable", slot=slot, error=exc.strerror or "") from None
        return parse(data, slot)

    def info(self, slot: str) -> SlotInfo:
        """What one slot holds, for a listing or the continue question."""
        try:
            obj = self.read(slot)
        except SaveError as exc:
            return SlotInfo(slot, False, problem=exc.key)
        if not _looks_like_save(obj):
            return SlotInfo(slot, False, problem="ui.save_corrupt")
        summary = obj.get("summary")
        summary = summary if isinstance(summary, dict) else {}
        shown = obj.get("slot")
        if not (isinstance(shown, str) and _valid(shown) and _fold(shown) == _fold(slot)):
            shown = slot
        return SlotInfo(shown, True, _text(obj.get("saved_at")), _text(summary.get("chapter")),
                        _text(summary.get("scene")), _text(obj.get("language")))

    def list(self) -> list[SlotInfo]:
        """Every slot, newest first, with what it holds (or ``ok=False`` and why)."""
        try:
            names = sorted(os.listdir(self.directory))
        except OSError:
            return []
        stems: dict[str, str] = {}
        for name in names:
            stem = name[:-5]
            if name.endswith(".json") and _valid(stem):
                key = _fold(stem)
                if key not in stems or stem == key:
                    stems[key] = stem
        out = [self.info(stem) for stem in stems.values()]
        out.sort(key=lambda s: s.saved_at, reverse=True)
        return out


def _valid(name: str) -> bool:
    try:
        check_slot(name)
    except SaveError:
        return False
    return True


def _writer_alive(name: str) -> bool:
    """Whether the process that named a temporary file ``.slot.PID.hex.tmp`` still runs."""
    parts = name.split(".")
    if len(parts) < 5 or not parts[-3].isdigit():
        return False
    pid = int(parts[-3])
    if pid == os.getpid():
        return False
    if os.name != "posix":  # os.kill(pid, 0) would terminate the process on Windows
        return False
    try:
        os.kill(pid, 0)
    except PermissionError:
        return True  # it exists, and belongs to another user
    except (OSError, OverflowError, ValueError):  # ProcessLookupError: it has gone
        return False
    return True


def _text(value: object) -> str:
    """A listing field: a short string, or empty for anything a hand edit put there."""
    return value[:80] if isinstance(value, str) else ""
