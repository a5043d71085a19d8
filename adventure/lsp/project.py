"""The story as the editor sees it: files on disk overlaid with unsaved documents, checked
with the loader and diagnostics of ``check``, fast enough to answer every keystroke.

Two passes, one source of truth (:func:`adventure.files.loader.link` and
:func:`adventure.cli.check.collect`):

* :meth:`Project.full` loads everything as ``check`` does (per-file records memoised, so a
  file is parsed again only when its bytes change) and gives every diagnostic of every file;
* :meth:`Project.fast` answers an edit: it parses the edited file again and links only what
  it touches -- the edited file, the locale files holding its keys (or the story file whose
  keys a locale file holds), the files referring to ids it added or removed -- against the
  rest of the story reduced to the ids those files name. Story-wide warnings (reachability,
  translation review) are kept from the last full pass, which the server runs again when
  typing pauses.

    >>> from adventure.files.loader import data_root as project_root
    >>> p = Project(project_root() / "story", project_root() / "locales")
    >>> diags = p.full()
    >>> sum(len(v) for v in diags.values())
    0
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from adventure.core.diagnostics import Diagnostic
from adventure.files.loader import (
    MANIFEST,
    LoadResult,
    default_locales_dir,
    display_path,
    link,
    load_story,
    locale_files,
    parse_file,
    story_files,
)
from adventure.files.triage import broken_file, focus, is_unreadable

# Codes the link stage does not give; an edit keeps them from the last full pass.
LATE = frozenset({"W201", "W202", "W203", "W204", "W205", "W303", "W304"})
_VISITED = re.compile(r"""visited\(\s*["']([A-Za-z_][A-Za-z0-9_]*)["']\s*\)""")


class _Memo:
    """The parsed-story cache interface of :mod:`adventure.files.cache`, in memory: a file is parsed
    again only when its bytes change."""

    refresh = False

    def __init__(self, project: Project) -> None:
        self.project = project
        self.parsed: dict[tuple[Path, bytes], dict[str, Any]] = {}

    def get(self, path: Path, shown: str, data: bytes, kind: str) -> dict[str, Any]:
        key = (path.resolve(), data)
        rec = self.parsed.get(key)
        if rec is None:
            for old in [k for k in self.parsed if k[0] == key[0]]:
                del self.parsed[old]
            rec = self.parsed[key] = parse_file(data, shown, kind)
        self.project.records[key[0]] = (kind, rec, data)
        return rec


class Project:
    """One story folder and its locales folder, with the editor's open documents."""

    def __init__(self, story_dir: Path, locales_dir: Path, *, draft: bool = False) -> None:
        self.story_dir = story_dir.resolve()
        self.locales_dir = locales_dir.resolve()
        self.ui_dir = default_locales_dir().resolve()
        self.draft = draft
        self.overlay: dict[Path, bytes] = {}
        self.records: dict[Path, tuple[str, dict[str, Any], bytes]] = {}
        self.memo = _Memo(self)
        self.result: LoadResult | None = None
        self.published: dict[Path, list[Diagnostic]] = {}
        self._meta: dict[int, tuple[dict[str, Any], set[str], set[str]]] = {}
        self._splits: dict[int, tuple[dict[str, Any], list[Any], dict[str, list[Any]]]] = {}
        self.version = 0  # grows with every change; features cache what they build per version

    # -- files ---------------------------------------------------------------------------
    def kind(self, path: Path) -> str | None:
        """"manifest", "story", "locale" or None for a file this project does not serve."""
        path = path.resolve()
        if path.suffix != ".yaml":
            return None
        if path.parent == self.story_dir:
            return "manifest" if path.name == MANIFEST else "story"
        if path.parent.parent in (self.locales_dir, self.ui_dir):
            return "locale"
        return None

    def read(self, path: Path) -> bytes:
        data = self.overlay.get(path.resolve())
        return data if data is not None else path.read_bytes()

    def text(self, path: Path) -> str:
        """A file's text as the editor has it (an empty string if it cannot be read)."""
        try:
            return self.read(path).decode("utf-8", "replace")
        except OSError:
            return ""

    def set_text(self, path: Path, text: str | None) -> None:
        """The editor's text of a document (None: closed, read it from disk again)."""
        path = path.resolve()
        if text is None:
            self.overlay.pop(path, None)
        else:
            self.overlay[path] = text.encode("utf-8")
        self.version += 1

    # -- the full pass -------------------------------------------------------------------
    def full(self) -> dict[Path, list[Diagnostic]]:
        """Every diagnostic ``check`` gives, by file (files that had some and now have none
        get an empty list, so the editor clears them)."""
        from adventure.tools.check import collect

        for path in list(self.records):
            if not path.exists() and path not in self.overlay:
                del self.records[path]
        result = load_story(self.story_dir, self.locales_dir, cache=self.memo, reader=self.read, draft=self.draft)
        self.result = result
        return self._publish(collect(result, self.locales_dir, cache=self.memo), None)

    # -- an edit -------------------------------------------------------------------------
    def fast(self, path: Path) -> dict[Path, list[Diagnostic]]:
        """The diagnostics of the files an edit of ``path`` touches (see the module doc)."""
        path = path.resolve()
        kind = self.kind(path)
        before = self.records.get(path)
        if kind is None:
            return {}
        if kind == "manifest" or before is None or self.result is None or self.result.story is None:
            return self.full()
        try:
            data = self.read(path)
        except OSError:
            return self.full()
        rec = self.memo.get(path, display_path(path), data, kind)
        touched = self._touched(path, kind, before[1], rec)
        return self._publish(self._scoped(touched), touched)

    def _meta_of(self, kind: str, rec: dict[str, Any]) -> tuple[set[str], set[str]]:
        """(ids a record defines or holds texts for, ids it refers to)."""
        memo = self._meta.get(id(rec))
        if memo is not None and memo[0] is rec:
            return memo[1], memo[2]
        defined: set[str] = set()
        refs: set[str] = set()
        if kind == "locale":
            for key, _text, _line, _col in rec["entries"]:
                parts = key.split(".", 2)
                if len(parts) > 1:
                    defined.add(parts[1])
        else:
            defined.update(sc["id"] for sc in rec.get("scenes", ()))
            defined.update(n["id"] for n in rec.get("notes", ()))
            if rec.get("chapter"):
                defined.add(rec["chapter"]["id"])
                if rec["chapter"]["start"]:
                    refs.add(rec["chapter"]["start"])
            for sc in rec.get("scenes", ()):
                for ch in sc["choices"]:
                    if ch["to"]:
                        refs.add(ch["to"])
                    if ch["when"] and "visited" in ch["when"]:
                        refs.update(_VISITED.findall(ch["when"]))
        self._meta[id(rec)] = (rec, defined, refs)
        return defined, refs

    def _split(self, rec: dict[str, Any]) -> tuple[list[Any], dict[str, list[Any]]]:
        """A locale record's entries: those not about a scene, and those about each scene."""
        memo = self._splits.get(id(rec))
        if memo is not None and memo[0] is rec:
            return memo[1], memo[2]
        rest: list[Any] = []
        by_scene: dict[str, list[Any]] = {}
        for e in rec["entries"]:
            if e[0].startswith("scenes."):
                by_scene.setdefault(_key_id(e[0]), []).append(e)
            else:
                rest.append(e)
        self._splits[id(rec)] = (rec, rest, by_scene)
        return rest, by_scene

    def _touched(self, path: Path, kind: str, old: dict[str, Any], new: dict[str, Any]) -> set[Path]:
        old_def, _ = self._meta_of(kind, old)
        new_def, _ = self._meta_of(kind, new)
        ids = old_def | new_def
        changed = old_def ^ new_def
        out = {path}
        for other, (okind, rec, _data) in self.records.items():
            if other == path or okind == "manifest":
                continue
            defined, refs = self._meta_of(okind, rec)
            if okind == "locale" and other.parent.parent == self.ui_dir and self.ui_dir != self.locales_dir:
                continue
            if (okind == "locale" or kind == "locale") and not defined.isdisjoint(ids):
                out.add(other)
            elif okind == "story" and not refs.isdisjoint(changed):
                out.add(other)
        return out

    def _scoped(self, touched: set[Path]) -> list[Diagnostic]:
        """Link the touched files against the rest of the story reduced to what they name."""
        manifest = self.records.get(self.story_dir / MANIFEST)
        if manifest is None:
            return []
        wanted: set[str] = set()
        every_scene: set[str] = set()
        for p, (kind, rec, _data) in self.records.items():
            if kind == "story":
                every_scene.update(sc["id"] for sc in rec["scenes"])
                chapter = rec.get("chapter")
                if chapter is not None and rec["scenes"]:  # each chapter keeps its start
                    wanted.add(chapter["start"] or rec["scenes"][0]["id"])
            if p in touched and kind != "manifest":
                defined, refs = self._meta_of(kind, rec)
                wanted |= defined | refs
        info = manifest[1].get("story", {})
        wanted.add(info.get("start") or "")
        unresolved = set()
        for p in touched:
            if p in self.records and self.records[p][0] == "story":
                unresolved |= self._meta_of("story", self.records[p][1])[1] - every_scene
        for name in unresolved:  # "did you mean" among the ids that look alike (check compares all)
            pool = [c for c in every_scene if c[:3] == name[:3] and abs(len(c) - len(name)) <= 2]
            wanted.update(difflib.get_close_matches(name, pool, n=1, cutoff=0.6))
        stories = []
        for p in story_files(self.story_dir):
            if p.name == MANIFEST or p.resolve() not in self.records:
                continue
            rec = self.records[p.resolve()][1]
            if p.resolve() not in touched:  # only the scenes it names, as bare ids
                rec = {**rec, "diags": [], "scenes": [_bare(sc) for sc in rec["scenes"] if sc["id"] in wanted]}
            stories.append(rec)
        locales: dict[str, list[tuple[dict[str, Any], bool]]] = {}
        for lang in info.get("languages") or ["en"]:
            recs: list[tuple[dict[str, Any], bool]] = []
            for p in locale_files(self.locales_dir, lang):
                got = self.records.get(p.resolve())
                if got is None:
                    continue
                rec = got[1]
                if p.resolve() not in touched:  # other texts whole; scenes' texts only for those named
                    rest, by_scene = self._split(rec)
                    entries = list(rest)
                    for w in wanted.intersection(by_scene):
                        entries += by_scene[w]
                    rec = {"path": rec["path"], "diags": [], "entries": entries}
                recs.append((rec, False))
            locales[lang] = recs
        _story, _catalog, diags = link(manifest[1], stories, locales, content_hash="", draft=self.draft)
        shown = {self.records[p][1]["path"] for p in touched if p in self.records}
        broken = [broken_file(rec["path"], kind, p.parent.name if kind == "locale" else None, data, p.stem)
                  for p, (kind, rec, data) in self.records.items() if is_unreadable(rec["diags"])]
        return [d for d in focus(diags, broken) if d.path in shown]

    def _publish(self, diags: Iterable[Diagnostic], touched: set[Path] | None) -> dict[Path, list[Diagnostic]]:
        by_file: dict[Path, list[Diagnostic]] = {}
        for d in diags:
            by_file.setdefault(Path(d.path).resolve(), []).append(d)
        if touched is not None:  # an edit: story-wide warnings stay from the last full pass
            for p in touched:
                kept = [d for d in self.published.get(p, []) if d.code in LATE or (d.code == "W302" and not self.draft)]
                if kept:
                    by_file[p] = sorted(by_file.get(p, []) + kept, key=Diagnostic.sort_key)
            scope = touched
        else:
            scope = set(self.published) | set(by_file)
        out = {p: by_file.get(p, []) for p in scope}
        self.published.update(out)
        return out

    def all_paths(self) -> list[Path]:
        """Every story and locale file of the project, as last loaded."""
        return sorted(p for p, (kind, _rec, _data) in self.records.items()
                      if kind != "locale" or p.parent.parent == self.locales_dir)


def _bare(scene: dict[str, Any]) -> dict[str, Any]:
    """A scene of a file the edit does not touch: its id and choice ids, nothing to check."""
    return {**scene, "effects": [], "witness": None, "ending": None,
            "choices": [{**ch, "to": None, "when": None, "effects": []} for ch in scene["choices"]]}


def _key_id(key: str) -> str:
    parts = key.split(".", 2)
    return parts[1] if len(parts) > 1 else ""
