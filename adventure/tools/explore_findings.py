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

if TYPE_CHECKING:
    from adventure.tools.explore import ExploreResult


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


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
    caveat = "" if res.complete else f" in the {res.states:,} states explored"

    def add(code: str, pos: tuple[str, int, int], message: str, fix: str) -> None:
        out.append(Diagnostic(code, pos[0], pos[1], pos[2], message, fix))

    if not res.complete:
        what = (f"the bound of {res.states:,} states (--max-states)" if res.stopped_by == "max-states"
                else "the depth bound (--max-depth)")
        add("W406", (story.manifest, 1, 1), f"exploration stopped at {what}; findings about what is never "
            "reached are only for the states explored",
            "raise --max-states / --max-depth, or look for a counter that grows in a loop")
    order = {sid: n for n, sid in enumerate(story.scenes)}
    for sid, scene in story.scenes.items():
        if sid not in res.scene_states:
            add("W401", scene.pos, f"scene '{sid}' is never reached in play{caveat}",
                "lead a choice to it whose conditions a player can meet, or remove it")
            continue
        for c in scene.choices:
            if c.when is None:
                continue
            yes, no = res.conditions.get((sid, c.id), [0, 0])
            if yes == 0 and no > 0:
                add("W402", c.pos, f"the condition of choice '{c.id}' in '{sid}' ('{c.when.source}') is "
                    f"false every time the scene is shown ({_count(no, 'state')}){caveat}, so the choice is never offered",
                    "check the condition against the effects that should make it true, or remove the choice")
            elif no == 0 and yes > 0:
                add("W403", c.pos, f"the condition of choice '{c.id}' in '{sid}' ('{c.when.source}') is "
                    f"true every time the scene is shown ({_count(yes, 'state')}){caveat}",
                    "remove the 'when:' if the choice should always be there, or fix the condition")
    for ending in story.endings:
        if ending not in res.endings:
            add("W404", story.ending_pos.get(ending, (story.manifest, 1, 1)),
                f"ending '{ending}' is never reached in play{caveat}",
                "lead a reachable choice or scene to it, or remove it from 'endings:'")
    for nid, note in story.notes.items():
        if nid not in res.notes:
            add("W405", note.pos, f"note '{nid}' is never unlocked in play{caveat}",
                "unlock it ('- note: " + nid + "') in a scene or choice a player reaches")
    for sid, members in sorted(res.softlocks.items(), key=lambda kv: order.get(kv[0], 0)):
        path = res.path_to(members[0])
        add("E401", story.scenes[sid].pos,
            f"soft-lock: in scene '{sid}' no choice is open ({_count(len(members), 'state')}; the shortest way "
            f"there: choices {' '.join(map(str, path)) or '(none)'})",
            "make sure a choice is always open here (one without 'when:', or conditions that cover "
            f"every case); replay it with: {replay_hint(path, command)}")
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
        add("E402", story.scenes[sid].pos,
            f"no way out: once here, a player can only go round {listed} and never reach an ending "
            f"(the shortest way in: choices {' '.join(map(str, path)) or '(none)'})",
            f"give the loop a choice that leads on towards an ending; replay it with: {replay_hint(path, command)}")
    out.sort(key=Diagnostic.sort_key)
    return out
