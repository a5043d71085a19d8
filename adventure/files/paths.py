"""Where the shipped story, locales and schema are, and a path as the writer would type it."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path


def data_root() -> Path:
    """The folder holding the shipped ``story/``, ``locales/`` and ``schema/``.

    Installed from a wheel (``pip install .``, ``pipx install .``) they travel inside the
    package, as ``adventure/data/`` (pyproject.toml maps the top-level folders there): the
    folder ``importlib.resources.files("adventure") / "data"`` names, found here without
    importing importlib.resources on the way to the first scene. In a checkout, or an
    editable install, there is no ``adventure/data/`` and the folders beside the package are
    read, so a writer's edits show at once.
    """
    package = Path(__file__).resolve().parent.parent  # adventure/, above adventure/files/
    packaged = package / "data"
    return packaged if (packaged / "story").is_dir() else package.parent


def default_story_dir() -> Path:
    return data_root() / "story"


def default_locales_dir() -> Path:
    return data_root() / "locales"


def display_path(path: Path) -> str:
    """A path as a writer would type it: relative to the working folder when inside it."""
    if path.is_symlink():
        return _display(str(path), os.getcwd())
    # Resolving asks the file system about every folder on the way: a story of 10,000 scenes
    # has hundreds of files in three folders, so each folder is resolved once.
    return str(Path(_display(str(path.parent), os.getcwd())) / path.name)


@lru_cache(maxsize=256)
def _display(path: str, cwd: str) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path(cwd).resolve()))
    except ValueError:
        return path
