"""What the explorer found, as located, coded diagnostics (W401 to W406, E401, E402).

Each finding names where to look (the scene, choice, ending or note in the story's files) and
how to fix it; a soft-lock or a loop with no way out carries the choices that lead there, as a
line the writer can paste to replay it (:func:`replay_hint`)::

    for d in findings(result, "python play.py"):
        print(d.format())
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from adventure.core.diagnostics import Diagnostic
from adventure.files.diagtext import diag, phrase

if TYPE_CHECKING:
    from adventure.tools.explore import ExploreResult


def _states(n: int) -> object:
    return phrase("explore.state_one" if n == 1 else "explore.state_other", n=f"{n:,}")


def choices_listed(path: list[int]) -> object:
    """The choices of a path as the writer reads them: numbers, or "(none)" in their language."""
    return " ".join(map(str, path)) or phrase("explore.none")


def replay_hint(path: list[int], command: str) -> str:
    """The inputs as a line a writer can paste, for the game started with ``command``.

    >>> replay_hint([1, 2], "python play.py")
    "printf '1\\\\n2\\\\n' | python play.py --plain"
    """
    if not path:
        return f"{command} --plain   (at the very start)"
    return "printf '" + "".join(f"{n}\\n" for n in path) + f"' | {command} --plain"


def findings(res: ExploreResult, command: str) -> list[Diagnostic]:
    story = res.story
    out: list[Diagnostic] = []
    caveat = "" if res.complete else phrase("explore.caveat", states=f"{res.states:,}")

    def add(code: str, pos: tuple[str, int, int], msg_id: str, /, **args: object) -> None:
        out.append(diag(code, pos[0], pos[1], pos[2], msg_id, caveat=caveat, **args))

    if not res.complete:
        add("W406", (story.manifest, 1, 1), "W406.states" if res.stopped_by == "max-states" else "W406.depth",
            states=f"{res.states:,}")
    order = {sid: n for n, sid in enumerate(story.scenes)}
    for sid, scene in story.scenes.items():
        if sid not in res.scene_states:
            add("W401", scene.pos, "W401", scene=sid)
            continue
        for c in scene.choices:
            if c.when is None:
                continue
            yes, no = res.conditions.get((sid, c.id), [0, 0])
            if yes == 0 and no > 0:
                add("W402", c.pos, "W402", choice=c.id, scene=sid, condition=c.when.source, count=_states(no))
            elif no == 0 and yes > 0:
                add("W403", c.pos, "W403", choice=c.id, scene=sid, condition=c.when.source, count=_states(yes))
    for ending in story.endings:
        if ending not in res.endings:
            add("W404", story.ending_pos.get(ending, (story.manifest, 1, 1)), "W404", ending=ending)
    for nid, note in story.notes.items():
        if nid not in res.notes:
            add("W405", note.pos, "W405", note=nid)
    for sid, members in sorted(res.softlocks.items(), key=lambda kv: order.get(kv[0], 0)):
        path = res.path_to(members[0])
        add("E401", story.scenes[sid].pos, "E401", scene=sid, count=_states(len(members)), path=choices_listed(path),
            replay=replay_hint(path, command))
    seen_loops: set[frozenset[str]] = set()
    for loop in res.traps:
        names = frozenset(res.scene_at(i) for i in loop)
        if names in seen_loops:
            continue
        seen_loops.add(names)
        first = min(loop)
        sid = res.scene_at(first)
        path = res.path_to(first)
        listed = ", ".join(f"'{s}'" for s in sorted(names, key=lambda s: order.get(s, 0)))
        add("E402", story.scenes[sid].pos, "E402", scenes=listed, path=choices_listed(path),
            replay=replay_hint(path, command))
    out.sort(key=Diagnostic.sort_key)
    return out
