"""``python play.py graph``: the story map, as Graphviz dot, Mermaid, or SVG.

Chapters are clusters; each scene is a box with its title, id and what it does on entry
(notes it unlocks, variables it sets); each choice is an arrow labelled with its id, its
condition (``if ...``, dashed) and ``once``; endings have a double border; scenes no path
reaches are red. ``--explore`` also walks the state space (as ``explore`` does) and marks in
orange the scenes no playthrough reaches and in red the choices never offered.

``--format svg`` runs Graphviz's ``dot`` program when it is installed and says how to get it
when it is not. Without ``-o`` the map is written to standard output; with ``-o map.svg``
(``.dot``/``.gv``, ``.mmd``, ``.md``) the format follows the file name unless given.

    >>> _mq('when: "messages > 1"')
    '"when: #quot;messages #gt; 1#quot;"'

Every label loses its control characters first (:func:`adventure.core.charset.strip_controls`); dot
labels are quoted with backslash escapes (a line break is dot's ``\\n``), Mermaid labels are
quoted with Mermaid's entity codes for every character its syntax or its HTML labels read.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, Any

from adventure.core import model as m
from adventure.core.charset import strip_controls
from adventure.files.atomic import write_atomic
from adventure.files.structure import reachable
from adventure.tools import ToolWords, load_for_tool

if TYPE_CHECKING:
    from adventure.cli.words import Parser

FORMATS = ("dot", "mermaid", "svg")
_SUFFIX = {".dot": "dot", ".gv": "dot", ".svg": "svg", ".mmd": "mermaid", ".md": "mermaid"}

COLORS = {
    "unreachable": ("#f4cccc", "#cc0000"),
    "unplayed": ("#fce5cd", "#e69138"),
    "ending": ("#e6d7f2", "#674ea7"),
    "softlock": ("#f4cccc", "#cc0000"),
}


def configure(parser: Parser) -> None:
    say, add = parser.say, parser.add_argument
    add("--format", choices=FORMATS, help=say("cli.graph.format"))
    add("-o", "--output", metavar=say("cli.meta.file"), help=say("cli.graph.output"))
    add("--lang", default=None, metavar=say("cli.meta.lang"), help=say("cli.graph.lang"))
    add("--labels", choices=("id", "text"), default="id", help=say("cli.graph.labels"))
    add("--explore", action="store_true", help=say("cli.graph.explore"))
    add("--max-states", type=int, default=2_000_000, metavar="N", help=say("cli.graph.max_states"))


class Map:
    """What the map shows, worked out once for both output formats."""

    def __init__(self, story: m.Story, catalog: m.Catalog | None, *, lang: str | None = None,
                 labels: str = "id", explored: Any = None, say: ToolWords | None = None) -> None:
        self.say = say or ToolWords({})  # the map's own words, in the writer's language
        self.story = story
        self.catalog = catalog
        self.lang = lang if lang in story.languages else story.languages[0]
        self.labels = labels
        self.reachable = reachable(story)
        self.explored = explored

    def text(self, key: str, fallback: str) -> str:
        value = self.catalog.get(self.lang, key) if self.catalog is not None else None
        return " ".join(value.split()) if value else fallback

    def scene_lines(self, scene: m.Scene) -> list[str]:
        lines = [_short(self.text(m.scene_title_key(scene.id), scene.id), 40), scene.id]
        lines += [_effect(e, self) for e in scene.effects]
        ending = self.ending_of(scene)
        if ending:
            lines.append(self.say("graph.label.ending", title=_short(self.text(m.ending_title_key(ending), ending), 30)))
        tags = self.tags(scene)
        if tags:
            lines.append("(" + ", ".join(self.say(f"graph.tag.{tag}") for tag in tags) + ")")
        return lines

    def ending_of(self, scene: m.Scene) -> str | None:
        if scene.ending:
            return scene.ending
        for e in scene.effects:
            if e.op == "end":
                return e.target
        return None

    def tags(self, scene: m.Scene) -> list[str]:
        out = []
        if scene.id not in self.reachable:
            out.append("unreachable")
        elif self.explored is not None and scene.id not in self.explored.scene_states:
            out.append("unplayed")
        if self.explored is not None and scene.id in self.explored.softlocks:
            out.append("softlock")
        return out

    def kind(self, scene: m.Scene) -> str:
        tags = self.tags(scene)
        if "unreachable" in tags:
            return "unreachable"
        if "softlock" in tags:
            return "softlock"
        if tags:
            return "unplayed"
        if self.ending_of(scene):
            return "ending"
        return "scene"

    def choice_lines(self, scene: m.Scene, choice: m.Choice) -> list[str]:
        label = choice.id
        if self.labels == "text":
            label = _short(self.text(m.choice_key(scene.id, choice.id), choice.id), 32)
        lines = [label]
        if choice.when is not None:
            lines.append(self.say("graph.label.when", condition=choice.when.source))  # whole: a cut one misleads
        if choice.once:
            lines.append(self.say("graph.label.once"))
        lines += [_effect(e, self) for e in choice.effects if e.op != "end"]
        if self.never_offered(scene, choice):
            lines.append(self.say("graph.label.never_offered"))
        elif self.always_true(scene, choice):
            lines.append(self.say("graph.label.always_true"))
        return lines

    def always_true(self, scene: m.Scene, choice: m.Choice) -> bool:
        if self.explored is None or choice.when is None:
            return False
        yes, no = self.explored.conditions.get((scene.id, choice.id), (0, 0))
        return yes > 0 and no == 0

    def never_offered(self, scene: m.Scene, choice: m.Choice) -> bool:
        return (self.explored is not None and scene.id in self.explored.scene_states
                and (scene.id, choice.id) not in self.explored.offered)

    def end_target(self, choice: m.Choice) -> str | None:
        for e in choice.effects:
            if e.op == "end":
                return e.target
        return None

    def title(self) -> str:
        return self.text(self.story.title_key, self.story.id)


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def _effect(e: m.Effect, mp: Map) -> str:
    if e.op is m.Op.NOTE:
        return "+ note: " + e.target
    if e.op is m.Op.END:
        return "ends: " + e.target
    if e.op is m.Op.SET:
        value = ("true" if e.value else "false") if isinstance(e.value, bool) else str(e.value)
        return f"{e.target} = {value}"
    if e.op is m.Op.ADD:
        return f"{e.target} + {e.value}"
    if e.op is m.Op.SUB:
        return f"{e.target} - {e.value}"
    raise m.UnknownOp(e.op, "graph._effect")


# -- dot -----------------------------------------------------------------------------------

def _q(text: str) -> str:
    """A dot quoted string (ID or label): backslash and quote escaped, line breaks as ``\\n``.

    >>> print(_q('a "b"\\\\ \\x1b[2J\\nc'))
    "a \\"b\\"\\\\ [2J\\nc"
    """
    text = strip_controls(text).replace("\r", "")
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def to_dot(story: m.Story, catalog: m.Catalog | None, *, lang: str | None = None, labels: str = "id",
           explored: Any = None, say: ToolWords | None = None) -> str:
    """The story map in Graphviz's dot language."""
    mp = Map(story, catalog, lang=lang, labels=labels, explored=explored, say=say)
    legend = mp.say("graph.label.legend")
    if explored is not None:
        legend += mp.say("graph.label.legend_explored")
    heading = mp.say("graph.label.heading", title=mp.title())
    out = [f"digraph {_q(story.id)} {{",
           f"  graph [label={_q(heading + chr(10) + legend)}, labelloc=t, fontname=\"Helvetica\","
           " rankdir=TB, compound=true];",
           '  node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname="Helvetica", fontsize=11];',
           '  edge [fontname="Helvetica", fontsize=9];',
           f'  "__start" [shape=circle, label={_q(mp.say("graph.label.start"))}, width=0.5, fillcolor="#d9ead3"];',
           f"  \"__start\" -> {_q(story.start)};"]
    by_chapter: dict[str, list[m.Scene]] = {}
    for scene in story.scenes.values():
        by_chapter.setdefault(scene.chapter, []).append(scene)
    for chapter in [c.id for c in story.chapters] + [c for c in by_chapter if c not in {x.id for x in story.chapters}]:
        scenes = by_chapter.get(chapter, [])
        if not scenes:
            continue
        title = mp.text(m.chapter_title_key(chapter), chapter)
        out.append(f"  subgraph {_q('cluster_' + chapter)} {{")
        out.append(f"    label={_q(title)}; style=rounded; color=\"#999999\"; fontname=\"Helvetica\";")
        for scene in scenes:
            attrs = [f"label={_q(chr(10).join(mp.scene_lines(scene)))}"]
            kind = mp.kind(scene)
            if kind in COLORS:
                fill, line = COLORS[kind]
                attrs += [f'fillcolor="{fill}"', f'color="{line}"']
            if mp.ending_of(scene):
                attrs.append("peripheries=2")
            out.append(f"    {_q(scene.id)} [{', '.join(attrs)}];")
        out.append("  }")
    ends_needed: list[str] = []
    for scene in story.scenes.values():
        for choice in scene.choices:
            attrs = [f"label={_q(chr(10).join(mp.choice_lines(scene, choice)))}"]
            if choice.when is not None:
                attrs.append("style=dashed")
            if mp.never_offered(scene, choice):
                attrs.append('color="#cc0000", fontcolor="#cc0000"')
            target = choice.to
            ending = mp.end_target(choice)
            if ending is not None and (choice.to is None):
                target = "__end_" + ending
                if ending not in ends_needed:
                    ends_needed.append(ending)
            if target is None:
                continue
            out.append(f"  {_q(scene.id)} -> {_q(target)} [{', '.join(attrs)}];")
    fill, line = COLORS["ending"]
    for ending in ends_needed:
        label = mp.say("graph.label.ending", title=mp.text(m.ending_title_key(ending), ending))
        out.append(f'  {_q("__end_" + ending)} [label={_q(label)}, shape=doubleoctagon, fillcolor="{fill}", '
                   f'color="{line}"];')
    out.append("}")
    return "\n".join(out) + "\n"


# -- mermaid -------------------------------------------------------------------------------

def _mq(text: str) -> str:
    """A Mermaid label: quoted, with entity codes for what Mermaid would read as syntax."""
    text = strip_controls(text).replace("\r", "")
    for a, b in (("#", "#35;"), ('"', "#quot;"), ("<", "#lt;"), (">", "#gt;"), ("&", "#amp;"), ("`", "#96;"),
                 ("|", "#124;")):
        text = text.replace(a, b)
    return '"' + text.replace("\n", "<br/>") + '"'


def to_mermaid(story: m.Story, catalog: m.Catalog | None, *, lang: str | None = None, labels: str = "id",
               explored: Any = None, say: ToolWords | None = None) -> str:
    """The story map as a Mermaid flowchart (GitHub and many editors render it)."""
    mp = Map(story, catalog, lang=lang, labels=labels, explored=explored, say=say)
    out = ["flowchart TD", f"  start(({_mq(mp.say('graph.label.start'))})) --> s_" + story.start]
    by_chapter: dict[str, list[m.Scene]] = {}
    for scene in story.scenes.values():
        by_chapter.setdefault(scene.chapter, []).append(scene)
    classes: dict[str, list[str]] = {}
    reading = [c.id for c in story.chapters if c.id in by_chapter] + \
        [c for c in by_chapter if c not in {x.id for x in story.chapters}]
    for chapter in reading:  # chapters in reading order, as in the dot map
        scenes = by_chapter[chapter]
        out.append(f"  subgraph c_{chapter}[{_mq(mp.text(m.chapter_title_key(chapter), chapter))}]")
        for scene in scenes:
            shape = ("([", "])") if mp.ending_of(scene) else ("[", "]")
            out.append(f"    s_{scene.id}{shape[0]}{_mq(chr(10).join(mp.scene_lines(scene)))}{shape[1]}")
            kind = mp.kind(scene)
            if kind != "scene":
                classes.setdefault(kind, []).append(f"s_{scene.id}")
        out.append("  end")
    ends_needed: list[str] = []
    for scene in story.scenes.values():
        for choice in scene.choices:
            target = f"s_{choice.to}" if choice.to is not None else None
            ending = mp.end_target(choice)
            if choice.to is None and ending is not None:
                target = f"e_{ending}"
                if ending not in ends_needed:
                    ends_needed.append(ending)
            if target is None:
                continue
            arrow = "-.->" if choice.when is not None else "-->"
            out.append(f"  s_{scene.id} {arrow}|{_mq(chr(10).join(mp.choice_lines(scene, choice)))}| {target}")
    for ending in ends_needed:
        title = mp.say("graph.label.ending", title=mp.text(m.ending_title_key(ending), ending))
        out.append(f"  e_{ending}{{{{{_mq(title)}}}}}")
        classes.setdefault("ending", []).append(f"e_{ending}")
    for kind, (fill, line) in COLORS.items():
        out.append(f"  classDef {kind} fill:{fill},stroke:{line}")
    for kind, names in classes.items():
        out.append(f"  class {','.join(names)} {kind}")
    return "\n".join(out) + "\n"


# -- the tool ------------------------------------------------------------------------------

def render_svg(dot_text: str, say: Any = None) -> tuple[str | None, str]:
    """SVG from dot through Graphviz, or (None, a message saying why not, in the language of
    ``say``, a :class:`adventure.tools.ToolWords`; English without it)."""
    say = say or ToolWords({})
    exe = shutil.which("dot")
    if exe is None:
        return None, say("graph.no_dot")
    try:
        done = subprocess.run([exe, "-Tsvg"], input=dot_text.encode("utf-8"), capture_output=True, timeout=120)
    except (OSError, subprocess.SubprocessError) as exc:
        return None, say("graph.dot_not_run", error=str(exc))
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()[:5]
        return None, say("graph.dot_failed") + "\n  " + "\n  ".join(detail or [say("graph.no_message")])
    return done.stdout.decode("utf-8", "replace"), ""


def run(args: argparse.Namespace, ctx: Any) -> int:
    say = ToolWords(ctx.env)
    fmt = args.format
    if fmt is None:
        fmt = _SUFFIX.get(Path(args.output).suffix.lower(), "dot") if args.output else "dot"
    result = load_for_tool(args, ctx, why=say("graph.no_map"))
    if result is None or result.story is None:
        return 1
    story = result.story
    if args.lang is not None and args.lang not in story.languages:
        ctx.stderr.write(say("graph.no_lang", lang=args.lang, langs=", ".join(story.languages)) + "\n")
        return 2
    explored = None
    if args.explore:
        if not result.ok:
            ctx.stderr.write(say("graph.no_explore") + "\n")
        else:
            from adventure.tools.explore import explore

            # (Notes are left out of the state: they never change what happens.)
            explored = explore(story, max_states=args.max_states, command=ctx.command)
            if not explored.complete:
                ctx.stderr.write(say("graph.stopped", states=f"{explored.states:,}") + "\n")
    lang = args.lang or (say.lang if say.lang in story.languages else None)  # the writer's, where the story has it
    options = {"lang": lang, "labels": args.labels, "explored": explored, "say": say}
    if fmt == "mermaid":
        text = to_mermaid(story, result.catalog, **options)
        if args.output and Path(args.output).suffix.lower() == ".md":
            text = "```mermaid\n" + text + "```\n"
    else:
        text = to_dot(story, result.catalog, **options)
        if fmt == "svg":
            svg, problem = render_svg(text, say)
            if svg is None:
                ctx.stderr.write(problem + "\n")
                return 1
            text = svg
    if args.output:
        try:
            write_atomic(Path(args.output), text.encode("utf-8"))
        except OSError as exc:
            ctx.stderr.write(say("tools.cannot_write", path=args.output, error=exc.strerror or exc) + "\n")
            return 1
        unreachable = len(story.scenes) - len(reachable(story))
        ctx.stdout.write(say("graph.wrote", path=args.output, format=fmt, scenes=len(story.scenes),
                             choices=sum(len(s.choices) for s in story.scenes.values()),
                             unreachable=say("graph.unreachable", n=unreachable) if unreachable else "") + "\n")
    else:
        ctx.stdout.write(text)
    return 0
