"""Writing a file so that it is either the old one or the new one, never half of each.

The data goes to a temporary file in the same folder (named ``.stem.PID.hex.tmp``, so that a
start-up clean-up can tell whose it is), is flushed, optionally ``fsync``-ed, and renamed over
the target with ``os.replace``; with ``durable`` the folder is ``fsync``-ed too, so the rename
itself survives a power cut. With ``keep``, the file being replaced is first linked as ``keep``
(an autosave's previous one), so at every moment one of the two is whole on disk. On any error
the temporary file is removed, the target is left as it was, and the ``OSError`` is raised::

    write_atomic(Path("saves/quick.json"), data)              # a save: durable
    write_atomic(Path("cache/ab12.json"), data, durable=False)  # a cache entry: fast
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path


def temp_name(path: Path) -> Path:
    return path.with_name(f".{path.stem}.{os.getpid()}.{os.urandom(4).hex()}.tmp")


def write_atomic(path: Path, data: bytes | Sequence[bytes], *, durable: bool = True,
                 keep: Path | None = None) -> None:
    """Replace ``path`` with ``data`` (bytes, or pieces written one after the other)
    atomically (see the module docstring)."""
    tmp = temp_name(path)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            for piece in ([data] if isinstance(data, bytes) else data):
                view = memoryview(piece)
                while view:  # a write may take only part of the data (a full disk, a size limit)
                    written = os.write(fd, view)
                    view = view[written:]
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
        if keep is not None:
            keep_copy(path, keep)
        os.replace(tmp, path)
    except BaseException:
        try:
            tmp.unlink()
        except OSError:
            pass
        raise
    if durable:
        fsync_dir(path.parent)


def keep_copy(path: Path, keep: Path) -> None:
    """Make ``keep`` the file now at ``path`` (a hard link, so ``path`` stays in place; where
    links are not supported, a rename). Best effort: a missing ``path`` or a failure leaves
    ``keep`` as it was.

    When ``keep`` is already the same file as ``path`` (a kill came between the link and the
    replace of an earlier write), there is nothing to do: a rename onto another name of the
    same file does nothing and would leave the temporary link behind."""
    try:
        if os.path.samestat(os.stat(path), os.stat(keep)):
            return
    except OSError:
        pass  # either is missing: link as usual
    link = temp_name(keep)
    try:
        os.link(path, link)
        os.replace(link, keep)
        if os.path.lexists(link):  # the rename did nothing (one file under both names after all)
            link.unlink()
    except FileNotFoundError:
        pass
    except OSError:
        try:
            link.unlink()
        except OSError:
            pass
        try:
            os.replace(path, keep)
        except OSError:
            pass


def create_atomic(path: Path, data: bytes) -> bool:
    """Like :func:`write_atomic` (durable), but only if ``path`` does not exist: the finished
    temporary file is hard-linked to ``path``, which fails if it exists, so two processes can
    never both create it. Returns False if ``path`` exists. Where the file system has no hard
    links, it falls back to a check then a rename."""
    tmp = temp_name(path)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(tmp, path)
        except FileExistsError:
            return False
        except OSError:  # no hard links here (FAT, some network folders)
            if os.path.lexists(path):
                return False
            os.replace(tmp, path)
    finally:
        try:
            tmp.unlink()
        except OSError:
            pass
    fsync_dir(path.parent)
    return True


def fsync_dir(directory: Path) -> None:
    """Make a rename in ``directory`` durable (where the platform allows it)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
