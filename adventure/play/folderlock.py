"""One running game per autosave: an OS lock on a file of the save folder.

The lock is ``flock`` on POSIX and ``msvcrt.locking`` on Windows: the OS drops it when the file
is closed or the process ends, however it ends, so a SIGKILL or a power cut never leaves a
stale lock, and no pid is ever checked for staleness. Two opens conflict even within one
process. ``.lock`` guards lane 1 (``autosave``), ``.lock-2`` lane 2 (``autosave-2``)...::

    lock = FolderLock(lock_path(folder, 1))
    if lock.acquire(now="2026-12-02T19:00:00+00:00"):
        ...  # this game owns the autosave until lock.release() or the process ends
"""

from __future__ import annotations

import json
import os
from pathlib import Path


def _try_lock(fd: int) -> bool:
    try:
        import fcntl
    except ImportError:  # Windows: a byte-range lock, also released when the process ends
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        except OSError:
            return False
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:  # BlockingIOError: another open file holds it
        return False
    return True


class FolderLock:
    """An exclusive OS lock on one file of the save folder (``flock`` on POSIX, ``locking``
    on Windows). The OS drops it when the file is closed or the process ends -- a SIGKILL or a
    power cut cannot leave a stale lock -- and two opens conflict even within one process.
    The file holds who took it (pid, host, time), to tell the other game; it is never trusted
    for anything else."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd: int | None = None

    def acquire(self, *, now: str) -> bool:
        """Take the lock if it is free (raises OSError if the file cannot be opened)."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        if not _try_lock(fd):
            os.close(fd)
            return False
        self.fd = fd
        import socket  # only here: it is not needed on the way to the first scene otherwise

        try:
            info = json.dumps({"pid": os.getpid(), "host": socket.gethostname()[:100], "started": now})
            os.ftruncate(fd, 0)
            os.lseek(fd, 0, os.SEEK_SET)
            os.write(fd, info.encode("utf-8"))
        except OSError:
            pass
        return True

    def holder(self) -> dict[str, str]:
        """Who holds the lock, as far as its file says (empty strings where it does not)."""
        try:
            with open(self.path, "rb") as f:
                obj = json.loads(f.read(1000).decode("utf-8"))
        except (OSError, ValueError):
            obj = {}
        obj = obj if isinstance(obj, dict) else {}
        return {k: str(obj.get(k, ""))[:100] for k in ("pid", "host", "started")}

    def release(self) -> None:
        if self.fd is not None:
            try:
                os.close(self.fd)  # closing drops the lock
            except OSError:
                pass
            self.fd = None


def lock_path(directory: Path, number: int) -> Path:
    return directory / (".lock" if number == 1 else f".lock-{number}")
