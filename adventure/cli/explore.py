"""``python play.py explore``: every reachable state, or N random playthroughs.

Exhaustive (the default) walks the whole state space breadth first (see
:mod:`adventure.tools.explore`) and prints located findings, then a summary table; it exits 1 when
a finding is an error (a soft-lock, a loop with no way out). ``--random N --seed S`` plays N
random games instead, prints how often each scene, choice, ending and note was hit, and the
first failing playthrough as inputs you can pipe into ``python play.py``.

A progress bar is drawn on stderr while it runs, only when stderr is a terminal.
"""

from __future__ import annotations

import argparse
import time
from typing import IO, TYPE_CHECKING, Any

from adventure.core.diagnostics import Diagnostic
from adventure.files.diagtext import localise
from adventure.tools import ToolWords, load_for_tool, tool_text
from adventure.tools.explore import DEFAULT_MAX_STATES, ExploreResult, explore, replay_hint
from adventure.tools.explore_random import RandomResult, random_playthroughs

if TYPE_CHECKING:
    from adventure.cli.words import Parser


def configure(parser: Parser) -> None:
    say, add = parser.say, parser.add_argument
    add("--max-states", type=_positive, default=DEFAULT_MAX_STATES, metavar="N",
        help=say("cli.explore.max_states", default=f"{DEFAULT_MAX_STATES:,}"))
    add("--max-depth", type=_positive, metavar="N", help=say("cli.explore.max_depth"))
    add("--visit-cap", type=_positive, metavar="N", help=say("cli.explore.visit_cap"))
    add("--notes-in-state", action="store_true", help=say("cli.explore.notes_in_state"))
    add("--merge-notes", action="store_true", help=say("cli.explore.merge_notes"))
    add("--random", type=_positive, metavar="N", help=say("cli.explore.random"))
    add("--seed", type=int, default=1, metavar="S", help=say("cli.explore.seed"))
    add("--max-steps", type=_positive, default=1000, metavar="N", help=say("cli.explore.max_steps"))
    add("--strict", action="store_true", help=say("cli.explore.strict"))


def _positive(text: str) -> int:
    from adventure.cli.words import words

    try:
        value = int(text.replace(",", "").replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(words()("cli.error.not_whole", value=text[:40])) from None
    if value < 1:
        raise argparse.ArgumentTypeError(words()("cli.error.at_least_one"))
    return value


class ProgressBar:
    """A one-line progress bar on a terminal stream; silent when the stream is not a terminal."""

    def __init__(self, stream: IO[str], total: int, unit: str) -> None:
        try:
            self.live = bool(stream.isatty())
        except (AttributeError, ValueError, OSError):
            self.live = False
        self.stream = stream
        self.total = max(1, total)
        self.unit = unit
        self.began = time.perf_counter()
        self.last = 0.0
        self.drawn = False

    def update(self, done: int, found: int, depth: int) -> None:
        if not self.live:
            return
        now = time.perf_counter()
        if now - self.last < 0.1:
            return
        self.last = now
        fraction = min(1.0, found / self.total)
        width = 24
        filled = int(fraction * width)
        rate = done / max(now - self.began, 1e-9)
        extra = f" · depth {depth}" if depth else ""
        self.stream.write(f"\r  [{'#' * filled}{'.' * (width - filled)}] {found:,}/{self.total:,} {self.unit}"
                          f"{extra} · {rate:,.0f}/s\x1b[K")
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


def run(args: argparse.Namespace, ctx: Any) -> int:
    result = load_for_tool(args, ctx, need_ok=True, why=tool_text(ctx, "explore.no_story", command=ctx.command))
    if result is None or result.story is None:
        return 1
    story = result.story
    out = ctx.stdout
    if args.random:
        bar = ProgressBar(ctx.stderr, args.random, "games")
        try:
            rres = random_playthroughs(story, runs=args.random, seed=args.seed, max_steps=args.max_steps,
                                       progress=bar.update, command=ctx.command)
        finally:
            bar.close()
        report_random(rres, out, args, ctx.command, ToolWords(ctx.env))
        findings = rres.findings
    else:
        if args.merge_notes:
            ctx.stderr.write(tool_text(ctx, "explore.merge_notes") + "\n")
        bar = ProgressBar(ctx.stderr, args.max_states, "states")
        try:
            eres = explore(story, max_states=args.max_states, max_depth=args.max_depth, visit_cap=args.visit_cap,
                           notes_in_state=args.notes_in_state and not args.merge_notes, progress=bar.update,
                           command=ctx.command)
        finally:
            bar.close()
        report_explore(eres, out, ToolWords(ctx.env))
        findings = eres.findings
    errors = sum(1 for d in findings if d.is_error)
    return 1 if errors or (args.strict and findings) else 0


def _table(out: IO[str], rows: list[tuple[str, str, str, str]]) -> None:
    w0 = max(len(r[0]) for r in rows)
    w1 = max(len(r[1]) for r in rows)
    w2 = max(len(r[2]) for r in rows)
    for a, b, c, d in rows:
        out.write(f"  {a.ljust(w0)}  {b.rjust(w1)}  {c.rjust(w2)}  {d}".rstrip() + "\n")


def _rule(say: ToolWords, key: str, subs: dict[str, object]) -> str:
    """One rule of the state's key (:meth:`Abstraction.describe`) in the writer's language."""
    def listed(items: object) -> str:
        if not isinstance(items, list):
            return str(items)
        return ", ".join(say(f"explore.state.{item[0]}", name=item[1], n=item[2]) if isinstance(item, tuple)
                         else str(item) for item in items)

    return say(f"explore.state.{key}", **{name: listed(value) for name, value in subs.items()})


def _findings(out: IO[str], findings: list[Diagnostic], lang: str) -> None:
    for d in findings:
        out.write(localise(d, lang).format() + "\n")  # in the writer's language, as check prints them
    if findings:
        out.write("\n")


def report_explore(res: ExploreResult, out: IO[str], say: ToolWords | None = None) -> None:
    say = say or ToolWords({})
    story = res.story
    _findings(out, res.findings, say.lang)
    total_choices = sum(len(s.choices) for s in story.scenes.values())
    errors = len(res.errors)
    softlocks = sum(len(v) for v in res.softlocks.values())
    out.write(say("explore.explored", story=story.id, how=say("explore.complete") if res.complete else
                  say("explore.stopped", bound=res.stopped_by)) + "\n")
    rows = [("", say("explore.col.reached"), say("explore.col.of"), ""),
            (say("explore.row.scenes"), f"{len(res.scene_states):,}", f"{len(story.scenes):,}", ""),
            (say("explore.row.choices"), f"{len(res.taken):,}", f"{total_choices:,}", say("explore.note.choices")),
            (say("explore.row.endings"), f"{len(res.endings):,}", f"{len(story.endings):,}", ""),
            (say("explore.row.notes"), f"{len(res.notes):,}", f"{len(story.notes):,}", say("explore.note.notes")),
            (say("explore.row.states"), f"{res.states:,}", "",
             say("explore.note.states", depth=res.depth, moves=f"{res.edges:,}")),
            (say("explore.row.softlocks"), f"{softlocks:,}", "",
             say("explore.note.softlocks", scenes=len(res.softlocks)) if softlocks else ""),
            (say("explore.row.traps"), f"{len(res.traps):,}", "", "")]
    _table(out, rows)
    if res.endings:
        out.write(say("explore.endings") + "\n")
        for ending in story.endings:
            info = res.endings.get(ending)
            if info is None:
                out.write("  " + say("explore.never_reached", ending=ending) + "\n")
                continue
            path = " ".join(map(str, info.path or [])) or say("explore.no_path")
            most = say("explore.most_notes" if info.max_notes_exact else "explore.most_notes_bound",
                       n=info.max_notes, total=len(story.notes))
            out.write("  " + say("explore.ending_line", ending=ending, states=f"{info.states:,}", most=most,
                                 path=path) + "\n")
    out.write(say("explore.the_state", parts="; ".join(_rule(say, key, subs) for key, subs in res.abstraction.describe()))
              + "\n")
    warnings = len(res.findings) - errors
    out.write(say("explore.timing", states=f"{res.states:,}", seconds=f"{res.elapsed:.2f}",
                  rate=f"{res.states_per_second:,.0f}", errors=errors, warnings=warnings) + "\n")


def report_random(res: RandomResult, out: IO[str], args: argparse.Namespace, command: str,
                  say: ToolWords | None = None) -> None:
    say = say or ToolWords({})
    story = res.story
    _findings(out, res.findings, say.lang)
    o = res.outcomes
    out.write(say("explore.random_head", runs=f"{res.runs:,}", story=story.id, seed=res.seed,
                  steps=f"{res.max_steps:,}", ended=f"{o['ending']:,}", locked=f"{o['soft-lock']:,}",
                  unfinished=f"{o['unfinished']:,}") + "\n")
    never = say("explore.never")

    def section(kind: str, counts: dict[str, int]) -> None:
        out.write(say(f"explore.section.{kind}") + "\n")
        width = max([len(k) for k in counts] + [1])
        for name, n in counts.items():
            flag = "   " + never if n == 0 else ""
            out.write(f"  {name.ljust(width)}  {n:>8,}{flag}\n")

    section("scenes", res.scenes)
    section("choices", {f"{s}.{c}": n for (s, c), n in res.choices.items()})
    section("endings", res.endings)
    section("notes", res.notes)
    fail = res.first_failure
    if fail is not None:
        what = say("explore.fail_locked") if fail.outcome == "soft-lock" else \
            say("explore.fail_unfinished", n=f"{len(fail.inputs):,}")
        out.write(say("explore.first_failure", number=fail.number, what=what, scene=fail.scene) + "\n")
        out.write("  " + say("explore.inputs") + " " + " ".join(map(str, fail.inputs)) + "\n")
        out.write("  " + say("explore.replay") + " " + replay_hint(fail.inputs, command) + _dirs(args) + "\n")
    rate = res.steps / res.elapsed if res.elapsed > 0 else 0.0
    out.write(say("explore.random_timing", steps=f"{res.steps:,}", seconds=f"{res.elapsed:.2f}",
                  rate=f"{rate:,.0f}") + "\n")


def _dirs(args: argparse.Namespace) -> str:
    extra = ""
    if getattr(args, "story", None):
        extra += f" --story {args.story}"
    if getattr(args, "locales", None):
        extra += f" --locales {args.locales}"
    return extra
