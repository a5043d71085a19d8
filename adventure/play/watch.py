"""Live reload: load a game's story files again, and notice when they change.

A :class:`StoryFiles` remembers where the story came from. The ``reload`` command calls
:meth:`StoryFiles.load`; with ``--watch`` the shells call :meth:`StoryFiles.changed` (it only
compares each file's modification time and size, so it is cheap to poll) and reload when a
file was saved. Keeping the player's state across the reload is the session's job
(:meth:`adventure.play.session.Session.reload`)::

    files = StoryFiles(Path("story"), Path("locales"))
    result, diagnostics = files.load()
    ...
    if files.changed():
        session.reload()
"""

from __future__ import annotations

from pathlib import Path

from adventure.core.diagnostics import Diagnostic
from adventure.files.loader import LoadResult, default_locales_dir, default_story_dir, load_story

Fingerprint = tuple[tuple[str, int, int], ...]


class StoryFiles:
    """The story and locale folders of one game."""

    def __init__(self, story_dir: Path | None, locales_dir: Path | None, *, cache: object | None = None,
                 command: str = "hengyang", draft: bool = False) -> None:
        self.story_dir = story_dir or default_story_dir()
        self.command = command  # how the player started the game, for the messages that name it
        self.draft = draft  # a game started with --draft reloads as a draft too
        self.cache = cache  # the parsed-story cache (adventure.files.cache), or None
        self.locales_dir = locales_dir or default_locales_dir()
        self.ui_dir = default_locales_dir()
        self.seen: Fingerprint = self.fingerprint()

    def paths(self) -> list[Path]:
        """Every file whose change matters: story files, locale files, interface files."""
        out: list[Path] = []
        try:
            out += sorted(self.story_dir.glob("*.yaml"))
            out += sorted(self.locales_dir.glob("*/*.yaml"))
            if self.ui_dir.resolve() != self.locales_dir.resolve():
                out += sorted(self.ui_dir.glob("*/ui*.yaml"))
        except OSError:
            pass
        return out

    def fingerprint(self) -> Fingerprint:
        rows = []
        for path in self.paths():
            try:
                st = path.stat()
            except OSError:
                continue
            rows.append((str(path), st.st_mtime_ns, st.st_size))
        return tuple(rows)

    def changed(self) -> bool:
        """True once after the files changed (a file saved, added or removed)."""
        now = self.fingerprint()
        if now == self.seen:
            return False
        self.seen = now
        return True

    def load(self) -> tuple[LoadResult, list[Diagnostic]]:
        """Load the story again: the result, and every diagnostic ``check`` would show
        (loading, the story graph, translations), sorted."""
        # Imported here, not with the module: every game makes a StoryFiles, few reload, and
        # these are a quarter of the time before the first scene (docs/performance.md).
        from adventure.files.structure import graph_diagnostics
        from adventure.tools.translation import translation_diagnostics

        self.seen = self.fingerprint()
        result = load_story(self.story_dir, self.locales_dir, cache=self.cache, draft=self.draft)
        diags = list(result.diagnostics)
        if result.story is not None and result.ok:
            diags += graph_diagnostics(result.story, result.catalog)
            diags += translation_diagnostics(result.story, self.locales_dir, content_note="story.content_note",
                                             cache=self.cache, command=self.command)
        diags.sort(key=Diagnostic.sort_key)
        return result, diags
