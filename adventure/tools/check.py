"""What ``check`` finds in a loaded story: the logic of the command in :mod:`adventure.cli.check`,
shared with the language server (one source of truth for a writer's diagnostics)."""

from __future__ import annotations

from pathlib import Path

from adventure.core.diagnostics import Diagnostic
from adventure.files.loader import LoadResult, default_locales_dir
from adventure.files.structure import graph_diagnostics
from adventure.files.triage import focus
from adventure.tools.translation import translation_diagnostics


def collect(result: LoadResult, locales_dir: Path | None, *, cache: object | None = None,
            command: str = "hengyang") -> list[Diagnostic]:
    """Every diagnostic ``check`` shows for a loaded story: the loader's, the story graph's and
    the translations', without what only an unreadable file explains, errors first (see
    :mod:`adventure.files.triage`)."""
    diags = list(result.diagnostics)
    if result.story is not None:
        diags.extend(graph_diagnostics(result.story, result.catalog))
        diags.extend(translation_diagnostics(result.story, locales_dir or default_locales_dir(),
                                             content_note="story.content_note", cache=cache,
                                             command=command))
    return focus(diags, result.broken)
