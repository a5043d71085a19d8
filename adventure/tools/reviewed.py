"""The source text a translation was last reviewed against, found in the project's git history.

A review lock (``locales/<lang>/review.lock``) records, per key, only the short hash of the
source text the translation was checked against. When that text has since changed, a
translator wants to see what changed: :func:`previous_sources` walks back through the commits
of the source file (newest first) until a version of the key has the recorded hash. Nothing is
found (and nothing fails) outside a git work tree or without git.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterable
from pathlib import Path

MAX_COMMITS = 200  # how far back to look for one file


def previous_sources(wanted: Iterable[tuple[str, Path, str]], hash_of: Callable[[str], str]
                     ) -> dict[str, str]:
    """For each ``(key, source file, recorded hash)``, the text the key had in the newest
    committed version of that file whose hash (``hash_of``) is the recorded one."""
    from adventure.files.loader import parse_locale_file

    by_file: dict[Path, dict[str, str]] = {}
    for key, path, recorded in wanted:
        by_file.setdefault(path, {})[key] = recorded
    found: dict[str, str] = {}
    for path, keys in by_file.items():
        folder = path.parent
        log = _git(folder, "log", f"-{MAX_COMMITS}", "--format=%H", "--", path.name)
        if not isinstance(log, str):
            continue
        for commit in log.split():
            data = _git(folder, "show", f"{commit}:./{path.name}", binary=True)
            if data is None:
                continue
            entries = parse_locale_file(data, path.name)["entries"]  # type: ignore[arg-type]
            for key, text, _line, _col in entries:
                if key in keys and key not in found and hash_of(text) == keys[key]:
                    found[key] = text
            if all(k in found for k in keys):
                break
    return found


def _git(cwd: Path, *args: str, binary: bool = False) -> str | bytes | None:  # type: ignore[return]
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    return done.stdout if binary else done.stdout.decode("utf-8", "replace")
