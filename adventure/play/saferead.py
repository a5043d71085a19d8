"""Reading a file as data, never as a trap: only a regular file is read (a link is followed
only to a regular file in the same folder), it is opened without following a last link and
without blocking (a FIFO, a device), checked again on the open descriptor, and read up to a
limit counted while reading (``st_size`` is 0 for a device or a FIFO). The save folder
(:mod:`adventure.play.savestore`) reads every file through :func:`read_limited`."""

from __future__ import annotations

import os
import stat
from pathlib import Path

O_FLAGS = (os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
           | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))


class NotAFile(OSError):
    """A directory entry that is not a regular file in the save folder."""


class TooBig(OSError):
    """A file over the size limit (found while reading it)."""


def read_limited(path: Path, limit: int, *, folder: Path | None = None) -> bytes:
    """The bytes of a regular file, at most ``limit`` of them (:class:`TooBig` past that).

    A link is followed only to a regular file in ``folder``; a device, a FIFO, a socket, a
    folder or a link anywhere else raise :class:`NotAFile` without a byte read or a wait."""
    before = os.lstat(path)
    if stat.S_ISLNK(before.st_mode):
        target = Path(os.path.realpath(path))
        if folder is None or target.parent != Path(os.path.realpath(folder)):
            raise NotAFile(path)
        path, before = target, os.lstat(target)
    if not stat.S_ISREG(before.st_mode):
        raise NotAFile(path)
    fd = os.open(path, O_FLAGS)
    try:
        opened = os.fstat(fd)
        if not stat.S_ISREG(opened.st_mode) or (opened.st_dev, opened.st_ino) != (before.st_dev, before.st_ino):
            raise NotAFile(path)  # swapped between the two looks
        chunks = []
        total = 0
        while total <= limit:
            data = os.read(fd, min(1 << 20, limit + 1 - total))
            if not data:
                break
            chunks.append(data)
            total += len(data)
        if total > limit:
            raise TooBig(path)
        return b"".join(chunks)
    finally:
        os.close(fd)
