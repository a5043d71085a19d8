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
from adventure.tools import load_for_tool, tool_text
from adventure.tools.explore import (
    DEFAULT_MAX_STATES,
    ExploreResult,
    RandomResult,
    explore,
    random_playthroughs,
    replay_hint,
)

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
        report_random(rres, out, args, ctx.command)
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
        report_explore(eres, out)
        findings = eres.findings
    errors = sum(1 for d in findings if d.is_error)
    return 1 if errors or (args.strict and findings) else 0


def _table(out: IO[str], rows: list[tuple[str, str, str, str]]) -> None:
    w0 = max(len(r[0]) for r in rows)
    w1 = max(len(r[1]) for r in rows)
    w2 = max(len(r[2]) for r in rows)
    for a, b, c, d in rows:
        out.write(f"  {a.ljust(w0)}  {b.rjust(w1)}  {c.rjust(w2)}  {d}".rstrip() + "\n")


def _findings(out: IO[str], findings: list[Diagnostic]) -> None:
    for d in findings:
        out.write(d.format() + "\n")
    if findings:
        out.write("\n")


def report_explore(res: ExploreResult, out: IO[str]) -> None:
    story = res.story
    _findings(out, res.findings)
    total_choices = sum(len(s.choices) for s in story.scenes.values())
    errors = len(res.errors)
    softlocks = sum(len(v) for v in res.softlocks.values())
    out.write(f"Explored {story.id}: " + ("every reachable state" if res.complete else
                                          f"stopped at the {res.stopped_by} bound") + "\n")
    rows = [("", "reached", "of", ""),
            ("scenes", f"{len(res.scene_states):,}", f"{len(story.scenes):,}", ""),
            ("choices", f"{len(res.taken):,}", f"{total_choices:,}", "taken at least once"),
            ("endings", f"{len(res.endings):,}", f"{len(story.endings):,}", ""),
            ("notes", f"{len(res.notes):,}", f"{len(story.notes):,}", "unlocked in some playthrough"),
            ("states", f"{res.states:,}", "", f"deepest {res.depth} choices, {res.edges:,} moves"),
            ("soft-locks", f"{softlocks:,}", "", f"states in {len(res.softlocks)} scene(s)" if softlocks else ""),
            ("loops with no way out", f"{len(res.traps):,}", "", "")]
    _table(out, rows)
    if res.endings:
        out.write("Endings:\n")
        for ending in story.endings:
            info = res.endings.get(ending)
            if info is None:
                out.write(f"  {ending}: never reached\n")
                continue
            path = " ".join(map(str, info.path or [])) or "(none)"
            most = (f"at most {info.max_notes}/{len(story.notes)} notes" if info.max_notes_exact else
                    f"at most {info.max_notes}/{len(story.notes)} notes (a bound; --notes-in-state for the exact figure)")
            out.write(f"  {ending}: {info.states:,} state(s); {most}; shortest way: {path}\n")
    out.write("The state: " + "; ".join(res.abstraction.describe()) + ".\n")
    warnings = len(res.findings) - errors
    out.write(f"{res.states:,} states in {res.elapsed:.2f} s ({res.states_per_second:,.0f} states/s); "
              f"{errors} error(s), {warnings} warning(s).\n")


def report_random(res: RandomResult, out: IO[str], args: argparse.Namespace, command: str) -> None:
    story = res.story
    _findings(out, res.findings)
    o = res.outcomes
    out.write(f"{res.runs:,} random playthroughs of {story.id} (seed {res.seed}, at most {res.max_steps:,} choices "
              f"each): {o['ending']:,} ended, {o['soft-lock']:,} soft-locked, {o['unfinished']:,} unfinished.\n")

    def section(title: str, counts: dict[str, int], note: str) -> None:
        out.write(f"{title} ({note}):\n")
        width = max([len(k) for k in counts] + [1])
        for name, n in counts.items():
            flag = "   never" if n == 0 else ""
            out.write(f"  {name.ljust(width)}  {n:>8,}{flag}\n")

    section("Scenes", res.scenes, "times entered")
    section("Choices", {f"{s}.{c}": n for (s, c), n in res.choices.items()}, "times taken")
    section("Endings", res.endings, "playthroughs ending there")
    section("Notes", res.notes, "playthroughs unlocking it")
    fail = res.first_failure
    if fail is not None:
        what = "no choice is open" if fail.outcome == "soft-lock" else f"not ended after {len(fail.inputs):,} choices"
        out.write(f"First failing playthrough: #{fail.number} ({what}, in scene '{fail.scene}').\n")
        out.write("  inputs: " + " ".join(map(str, fail.inputs)) + "\n")
        out.write("  replay: " + replay_hint(fail.inputs, command) + _dirs(args) + "\n")
    rate = res.steps / res.elapsed if res.elapsed > 0 else 0.0
    out.write(f"{res.steps:,} choices in {res.elapsed:.2f} s ({rate:,.0f} choices/s).\n")


def _dirs(args: argparse.Namespace) -> str:
    extra = ""
    if getattr(args, "story", None):
        extra += f" --story {args.story}"
    if getattr(args, "locales", None):
        extra += f" --locales {args.locales}"
    return extra
