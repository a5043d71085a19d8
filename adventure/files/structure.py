"""Structural checks over a loaded story graph, and the ``check`` summary.

These look at the graph without running conditions (the ``explore`` tool walks the real
state space): scenes no path reaches, endings nothing leads to, scenes from which no path
leads to an ending, notes nothing unlocks, variables nothing reads.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from adventure.core import model as m
from adventure.core.diagnostics import Diagnostic
from adventure.files.diagtext import diag
from adventure.text.markup import count_words, placeholders  # noqa: F401 - count_words re-exported for the tools


def successors(story: m.Story, scene_id: str) -> list[str]:
    scenes = story.scenes
    return [c.to for c in scenes[scene_id].choices if c.to is not None and c.to in scenes]


def _ends(scene: m.Scene) -> bool:
    """The scene is an ending, or it or one of its choices ends the story."""
    if scene.ending:
        return True
    for e in scene.effects:
        if e.op == "end":
            return True
    for c in scene.choices:
        for e in c.effects:
            if e.op == "end":
                return True
    return False


def reachable(story: m.Story) -> set[str]:
    """Scene ids reachable from the start, ignoring conditions."""
    if story.start not in story.scenes:
        return set()
    seen = {story.start}
    queue = deque([story.start])
    scenes = story.scenes
    while queue:
        for nxt in [c.to for c in scenes[queue.popleft()].choices if c.to is not None and c.to in scenes]:
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


def endings_reached(story: m.Story, scenes: set[str]) -> set[str]:
    found = set()
    for sid in scenes:
        scene = story.scenes[sid]
        if scene.ending:
            found.add(scene.ending)
        for effect in list(scene.effects) + [e for c in scene.choices for e in c.effects]:
            if effect.op == "end":
                found.add(effect.target)
    return found


def can_finish(story: m.Story) -> set[str]:
    """Scene ids from which some path (ignoring conditions) reaches an ending."""
    preds: dict[str, list[str]] = {sid: [] for sid in story.scenes}
    done = set()
    for sid, scene in story.scenes.items():
        if _ends(scene):
            done.add(sid)
        for c in scene.choices:
            if c.to is not None and c.to in preds:
                preds[c.to].append(sid)
    queue = deque(done)
    while queue:
        for p in preds[queue.popleft()]:
            if p not in done:
                done.add(p)
                queue.append(p)
    return done


def graph_diagnostics(story: m.Story, catalog: m.Catalog | None) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    seen = reachable(story)
    for sid, scene in story.scenes.items():
        if sid not in seen:
            path, line, col = scene.pos
            out.append(diag("W201", path, line, col, "W201", scene=sid))
    reached = endings_reached(story, seen)
    for ending in story.endings:
        if ending not in reached:
            path, line, col = story.ending_pos.get(ending, (story.manifest, 1, 1))
            out.append(diag("W202", path, line, col, "W202", ending=ending))
    finish = can_finish(story)
    for sid in sorted(seen - finish):
        path, line, col = story.scenes[sid].pos
        out.append(diag("W204", path, line, col, "W204", scene=sid))
    unlocked = set()
    for s in story.scenes.values():
        for e in s.effects:
            if e.op == "note":
                unlocked.add(e.target)
        for c in s.choices:
            for e in c.effects:
                if e.op == "note":
                    unlocked.add(e.target)
    for nid, note in story.notes.items():
        if nid not in unlocked:
            path, line, col = note.pos
            out.append(diag("W203", path, line, col, "W203", note=nid))
    read: set[str] = set()
    for scene in story.scenes.values():
        for c in scene.choices:
            if c.when is not None:
                read |= c.when.names
    if catalog is not None:
        for table in catalog.texts.values():
            for text in [t for k, t in table.items() if "{" in t and not k.startswith("ui.")]:
                read.update(placeholders(text)[0])
    for name, var in story.variables.items():
        if name not in read:
            path, line, col = var.pos
            out.append(diag("W205", path, line, col, "W205", variable=name))
    return out




@dataclass
class Summary:
    scenes: int
    choices: int
    endings: int
    notes: int
    words: dict[str, int]

    def line(self, story_id: str) -> str:
        words = ", ".join(f"{lang} {n:,}" for lang, n in self.words.items())
        return (f"{story_id}: {self.scenes} scenes, {self.choices} choices, {self.endings} endings, "
                f"{self.notes} notes; words of scene text: {words}")


def summarise(story: m.Story, catalog: m.Catalog) -> Summary:
    words = {}
    for lang in story.languages:
        table = catalog.texts.get(lang, {})
        total = 0
        for sid in story.scenes:
            total += count_words(table.get(m.scene_text_key(sid), ""))
        for e in story.endings:
            total += count_words(table.get(m.ending_text_key(e), ""))
        words[lang] = total
    return Summary(len(story.scenes), sum(len(s.choices) for s in story.scenes.values()), len(story.endings),
                   len(story.notes), words)
