"""``python -m benchmarks`` (or ``python benchmarks/run.py``): one table of figures and ratios.

For the shipped story and synthetic stories of N = 100, 1,000 and 10,000 scenes
(``--quick``: N <= 1,000 only), each figure the median of several runs with min–max, every
baseline measured alternately with what it is compared to, in the same run:

* start: first text on screen (the title), first scene text (the player presses Enter the
  moment "Press Enter to begin" appears) and prompt ready (the bottom toolbar is drawn), for
  the whole process in a pseudo-terminal, against the floor: a process that only imports
  prompt_toolkit, yaml and colorama;
* ``check``: cold (empty cache) and after one file changed, against a bare
  ``yaml.load(..., Loader=CSafeLoader)`` of the same files in a fresh process;
* random walk: steps per second of the engine (``step`` plus rendering the scene through the
  catalog, as the game does) against a naive dict walker over the same graph;
* ``explore`` states per second; save and load time; peak RSS of the game against the floor's;
* ``history`` (shipped story only): the autosave's size and the time of one step's autosave in
  games of 10, 10,000 and 100,000 steps (the undo history is kept compactly: issue 10).
* ``lsp``: a change sent to the language server process until the edited file's diagnostics
  are published (:mod:`benchmarks.lsp`).

See docs/performance.md for what each figure means and the last recorded table.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import synth  # noqa: E402
from benchmarks.ptyrun import Step, run  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
PLAY = str(ROOT / "play.py")
# The floor prints a line when its imports are done (timed), then waits for a line (so its
# memory can be read while it runs) and exits.
FLOOR_CODE = "import prompt_toolkit, yaml, colorama, sys; print('floor ' + 'ready', flush=True); sys.stdin.readline()"
BARE_CODE = ("import sys, yaml\n"
             "for p in sys.argv[1:]:\n"
             "    with open(p, 'rb') as f:\n"
             "        yaml.load(f.read(), Loader=yaml.CSafeLoader)\n")
WALK_LIMIT = 200


# -- figures -------------------------------------------------------------------------------

class Fig:
    """Repeated measurements of one quantity."""

    def __init__(self, values: list[float], unit: str) -> None:
        self.values = values
        self.unit = unit

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    def __str__(self) -> str:
        if not self.values:
            return "n/a"
        lo, hi = min(self.values), max(self.values)
        return f"{_num(self.median, self.unit)} ({_num(lo, self.unit, bare=True)}–{_num(hi, self.unit, bare=True)})"


def _num(x: float, unit: str, *, bare: bool = False) -> str:
    if unit == "s":
        text = f"{x * 1000:.0f} ms" if x < 1 else f"{x:.2f} s"
        return text.split()[0] if bare and x < 1 else (text.split()[0] if bare else text)
    if unit == "ms":
        return f"{x:.2f}" + ("" if bare else " ms")
    if unit == "MB":
        return f"{x:.1f}" + ("" if bare else " MB")
    if unit == "/s":
        return f"{x:,.0f}" + ("" if bare else "/s")
    if unit == "x":
        return f"{x:.2f}" + ("" if bare else "×")
    return f"{x:g}"


def ratio(a: Fig, b: Fig) -> Fig:
    """Ratios of paired runs (a[i] / b[i]); the runs were measured alternately."""
    return Fig([x / y for x, y in zip(a.values, b.values, strict=False) if y], "x")


# -- stories -------------------------------------------------------------------------------

class Subject:
    """A story to measure: the shipped one, or a synthetic one with its neutral graph."""

    def __init__(self, name: str, root: Path, graph: dict | None) -> None:
        self.name = name
        self.root = root
        self.story = root / "story"
        self.locales = root / "locales"
        self.graph = graph

    def args(self) -> list[str]:
        return ["--story", str(self.story), "--locales", str(self.locales)]

    def files(self) -> list[Path]:
        return sorted(self.story.glob("*.yaml")) + sorted(self.locales.glob("*/*.yaml"))


def make_subjects(work: Path, sizes: list[int], seed: int) -> list[Subject]:
    shipped = work / "shipped"
    shutil.copytree(ROOT / "story", shipped / "story")
    shutil.copytree(ROOT / "locales", shipped / "locales")
    subjects = [Subject("shipped", shipped, None)]
    for n in sizes:
        graph = synth.make_graph(n, seed)
        synth.write_story(graph, work / f"n{n}")
        subjects.append(Subject(f"N={n:,}", work / f"n{n}", graph))
    return subjects


def base_env(work: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("LC_", "LANG", "NO_COLOR", "HENGYANG_", "PYTHON"))}
    env.update({"TERM": "xterm-256color", "LANG": "en_US.UTF-8", "HENGYANG_CACHE_DIR": str(work / "cache")})
    env.update(extra)
    return env


# -- start in a terminal -------------------------------------------------------------------

def first_scene_title(subject: Subject) -> str:
    from adventure.core.model import scene_title_key
    from adventure.files.loader import load_story

    result = load_story(subject.story, subject.locales)
    assert result.ok and result.story and result.catalog, f"{subject.name} does not load"
    title = result.catalog.get("en", scene_title_key(result.story.start))
    return title or ""


def measure_start(subject: Subject, work: Path, reps: int) -> dict[str, Fig]:
    title = first_scene_title(subject)
    env = base_env(work)
    # Warm the parsed-story cache, as any start after the first one finds it.
    subprocess.run([PY, PLAY, "check", *subject.args()], env=env, capture_output=True, check=False)
    out: dict[str, list[float]] = {k: [] for k in ("title", "scene", "prompt", "floor", "rss", "floor_rss")}
    for i in range(reps):
        floor = run([PY, "-c", FLOOR_CODE], [Step("ready", rb"floor ready", b"\r", sample_memory=True)], env=env)
        out["floor"].append(floor.times["ready"])
        out["floor_rss"].append(floor.peak_kb / 1024)
        saves = work / f"saves-{subject.name}-{i}"
        game = run([PY, PLAY, *subject.args()], [
            Step("title", rb"Press Enter to begin", b"\r"),
            Step("scene", re.escape(title.encode())),
            Step("prompt", rb"notes \d+/\d+", b"quit\r", sample_memory=True),
        ], env=dict(env, HENGYANG_SAVE_DIR=str(saves)), cwd=str(ROOT))
        for k in ("title", "scene", "prompt"):
            out[k].append(game.times[k])
        out["rss"].append(game.peak_kb / 1024)
        shutil.rmtree(saves, ignore_errors=True)
    figs = {k: Fig(v, "MB" if "rss" in k else "s") for k, v in out.items()}
    return figs


# -- check -----------------------------------------------------------------------------------

def _wall(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(argv, env=env, capture_output=True, cwd=str(ROOT))
    took = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"{argv[:4]} failed: {proc.stderr[-800:]!r}")
    return took


def measure_check(subject: Subject, work: Path, reps: int) -> dict[str, Fig]:
    files = [str(p) for p in subject.files()]
    check = [PY, PLAY, "check", *subject.args()]
    cold: list[float] = []
    bare: list[float] = []
    edited: list[float] = []
    for i in range(reps):
        bare.append(_wall([PY, "-c", BARE_CODE, *files], base_env(work)))
        cache = work / f"cache-cold-{i}"
        cold.append(_wall(check, base_env(work, HENGYANG_CACHE_DIR=str(cache))))
        shutil.rmtree(cache, ignore_errors=True)
    # One file changed: a scene title in one English locale file, then check again.
    env = base_env(work, HENGYANG_CACHE_DIR=str(work / "cache-edit"))
    _wall(check, env)
    target = sorted((subject.locales / "en").glob("*.yaml"), key=lambda p: p.stat().st_size)[-1]
    original = target.read_text(encoding="utf-8")
    try:
        for i in range(reps):
            target.write_text(re.sub(r"(title: ?\"?)", rf"\g<1>({i}) ", original, count=1), encoding="utf-8")
            edited.append(_wall(check, env))
    finally:
        target.write_text(original, encoding="utf-8")
    return {"cold": Fig(cold, "s"), "bare": Fig(bare, "s"), "edited": Fig(edited, "s")}


# -- random walks ------------------------------------------------------------------------------

def engine_walker(subject: Subject, seed: int) -> Callable[[float], tuple[int, float]]:
    from adventure.core.engine import available, new_game, step
    from adventure.files.loader import load_story
    from adventure.text.catalog import Texts
    from adventure.text.render import scene_paras

    result = load_story(subject.story, subject.locales)
    story, catalog = result.story, result.catalog
    assert story is not None and catalog is not None
    gc.freeze()  # as the game does once the story is loaded (adventure.play.game.play)
    texts = Texts(catalog, "en")
    rng = random.Random(seed)

    def walk(seconds: float) -> tuple[int, float]:
        steps = 0
        start = time.perf_counter()
        while time.perf_counter() - start < seconds:
            state, _ = new_game(story)
            scene_paras(story, texts, state, banner=True)
            for _ in range(WALK_LIMIT):
                if state.ending is not None:
                    break
                choices = available(story, state)
                if not choices:
                    break
                state, _ = step(story, state, rng.choice(choices).id)
                scene_paras(story, texts, state)
                steps += 1
        return steps, time.perf_counter() - start

    return walk


def naive_walker(graph: dict, seed: int) -> Callable[[float], tuple[int, float]]:
    """The simplest walker of the neutral graph: dicts, a flag test, text joined per scene."""
    knots = graph["knots"]
    end = graph["end"]
    rng = random.Random(seed)

    def render(knot: dict, flags: dict) -> str:
        shown = [c for c in knot["choices"] if c["condition"] is None or flags[c["condition"]]]
        return "\n".join(knot["text"]) + "\n" + "\n".join(f"{i}. {c['text']}" for i, c in enumerate(shown, 1))

    def walk(seconds: float) -> tuple[int, float]:
        steps = 0
        start = time.perf_counter()
        while time.perf_counter() - start < seconds:
            flags = dict(graph["vars"])
            current = graph["start"]
            render(knots[current], flags)
            for _ in range(WALK_LIMIT):
                shown = [c for c in knots[current]["choices"] if c["condition"] is None or flags[c["condition"]]]
                if not shown:
                    break
                choice = rng.choice(shown)
                if choice["set"]:
                    flags.update(choice["set"])
                current = choice["target"]
                steps += 1
                if current == end:
                    break
                render(knots[current], flags)
        return steps, time.perf_counter() - start

    return walk


def measure_walk(subject: Subject, reps: int, seconds: float, seed: int) -> dict[str, Fig]:
    engine = engine_walker(subject, seed)
    naive = naive_walker(subject.graph, seed) if subject.graph else None
    ours: list[float] = []
    theirs: list[float] = []
    for _ in range(reps):
        steps, took = engine(seconds)
        ours.append(steps / took)
        if naive is not None:
            steps, took = naive(seconds)
            theirs.append(steps / took)
    return {"engine": Fig(ours, "/s"), "naive": Fig(theirs, "/s")}


# -- explore, saves ------------------------------------------------------------------------------

def measure_explore(subject: Subject, reps: int) -> Fig | str:
    from adventure.files.loader import load_story
    from adventure.tools.explore import explore

    result = load_story(subject.story, subject.locales)
    if result.story is None:
        return "n/a"
    rates = []
    for _ in range(reps):
        start = time.perf_counter()
        report = explore(result.story, max_states=50_000)
        took = time.perf_counter() - start
        rates.append(report.states / took if took else 0.0)
    return Fig(rates, "/s")


def measure_saves(subject: Subject, work: Path, reps: int, seed: int) -> dict[str, Fig]:
    from adventure.core.engine import available
    from adventure.files.loader import load_story
    from adventure.play.saves import SaveStore, decode
    from adventure.play.session import Session

    result = load_story(subject.story, subject.locales)
    assert result.story is not None and result.catalog is not None
    store = SaveStore(work / f"saves-bench-{subject.name}")
    session = Session(result.story, result.catalog, lang="en", store=store)
    session.begin()
    rng = random.Random(seed)
    for _ in range(50):  # a game of 50 choices, so the save holds 50 states of undo history
        state = session.state
        assert state is not None
        choices = available(result.story, state)
        if state.ending is not None or not choices:
            break
        session.handle(str(rng.randrange(len(choices)) + 1))
    save: list[float] = []
    load: list[float] = []
    for _ in range(reps):
        start = time.perf_counter()
        session.write_slot("bench")
        save.append(time.perf_counter() - start)
        start = time.perf_counter()
        decode(result.story, store.read("bench"), slot="bench")
        load.append(time.perf_counter() - start)
    return {"save": Fig([s * 1000 for s in save], "ms"), "load": Fig([s * 1000 for s in load], "ms")}


HISTORY_STEPS = (10, 10_000, 100_000)


def measure_history(work: Path, reps: int, seed: int) -> dict[int, dict[str, Fig]]:
    """Per game length: the autosave's size, one autosave as a step writes it (rotation and
    fsync included), and a whole step through the session (choice, text, autosave).

    The game is built through the step API (a restart when the story ends), as the session
    keeps it, without writing 100,000 autosaves on the way."""
    from adventure.core.engine import available, new_game, step
    from adventure.files.loader import load_story
    from adventure.play.history import RESTART
    from adventure.play.saves import AUTOSAVE, AUTOSAVE_PREVIOUS, SaveStore, encode
    from adventure.play.savestore import dump
    from adventure.play.session import Session

    result = load_story(ROOT / "story", ROOT / "locales")
    story, catalog = result.story, result.catalog
    assert story is not None and catalog is not None
    out: dict[int, dict[str, Fig]] = {}
    for steps in HISTORY_STEPS:
        folder = work / f"saves-history-{steps}"
        session = Session(story, catalog, lang="en", store=SaveStore(folder))
        session.begin()
        rng = random.Random(seed)
        state = session.state
        assert state is not None
        for _ in range(steps):
            choices = available(story, state)
            if choices:
                choice = rng.choice(choices).id
                session.history.push(state, choice)
                state = step(story, state, choice)[0]
            else:
                session.history.push(state, RESTART + story.start)
                state = new_game(story)[0]
        session.state = state
        session.autosave(quiet=True)
        autosave: list[float] = []
        whole: list[float] = []
        cpu: list[float] = []
        for _ in range(reps):
            state = session.state
            choices = available(story, state)
            if choices:
                choice = rng.choice(choices).id
                session.history.push(state, choice)
                session.state = step(story, state, choice)[0]
            else:
                session.history.push(state, RESTART + story.start)
                session.state = new_game(story)[0]
            start = time.perf_counter()
            dump(encode(story, session.state, session.history, language="en", saved_at="t", extra=session.extra))
            cpu.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            session.write_slot(AUTOSAVE, keep=AUTOSAVE_PREVIOUS)
            autosave.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            session.handle(str(rng.randrange(len(available(story, session.state)) or 1) + 1)
                           if available(story, session.state) else "restart")
            whole.append((time.perf_counter() - start) * 1000)
        size = (folder / "autosave.json").stat().st_size / 1e6
        out[steps] = {"size": Fig([size], "MB"), "autosave": Fig(autosave, "ms"), "step": Fig(whole, "ms"),
                      "cpu": Fig(cpu, "ms")}
        shutil.rmtree(folder, ignore_errors=True)
        gc.collect()
    return out


def render_history(figs: dict[int, dict[str, Fig]]) -> str:
    lines = ["| undo history (shipped story) | " + " | ".join(f"{n:,} steps" for n in figs) + " |",
             "|---|" + "---|" * len(figs)]
    for label, key in (("autosave size (MB; target < 1 at 100,000)", "size"),
                       ("one step's autosave, fsync included (target: flat)", "autosave"),
                       ("  of which encoding the save (no disk)", "cpu"),
                       ("one whole step: choice, text, autosave", "step")):
        cells = [f"{figs[n][key].median:.3f} MB" if key == "size" else str(figs[n][key]) for n in figs]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
# -- the class page -------------------------------------------------------------------------------

CLASS_SIZE = 500


def measure_class(work: Path, reps: int, seed: int) -> dict[str, Fig]:
    """``python play.py class`` on 500 report records (whole process, as a teacher runs it),
    and the same work in this process (read + aggregate + render, without the start-up)."""
    from adventure.classpage.aggregate import build_page
    from adventure.classpage.records import read_folders
    from adventure.classpage.render import render_html
    from adventure.files.loader import load_story
    from benchmarks.make_class import grow_class, make_class

    real, folder = work / "class-real", work / "class-500"
    make_class(real, 50, seed=seed)
    records = grow_class(real, folder, CLASS_SIZE // len(list(real.glob("*.json"))) + 1)[:CLASS_SIZE]
    for extra in sorted(folder.glob("*.json"))[len(records):]:
        extra.unlink()
        extra.with_suffix(".html").unlink()
    out = work / "class.html"
    import resource

    whole, cpu = [], []
    for _ in range(reps):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        whole.append(_wall([PY, PLAY, "class", str(folder), "-o", str(out)], base_env(work)))
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    result = load_story()
    inproc = []
    for _ in range(reps):
        start = time.perf_counter()
        page = build_page(read_folders([folder]), result.story, result.catalog, lang="en", out_dir=work)
        render_html(page, result.catalog, out_dir=work)
        inproc.append(time.perf_counter() - start)
    return {"class": Fig(whole, "s"), "class_cpu": Fig(cpu, "s"), "class_inproc": Fig(inproc, "s"),
            "class_n": Fig([len(records)], "n")}


# -- the table -----------------------------------------------------------------------------------

def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor() or cpu
    return (f"{datetime.date.today().isoformat()} · {os.cpu_count()} CPUs ({cpu}) · "
            f"Python {platform.python_version()} · {platform.system()} {platform.release()}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="only N <= 1,000 (and fewer repetitions)")
    parser.add_argument("--reps", type=int, default=0, help="repetitions per figure (default 7; --quick 5)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sizes", default="", help="comma-separated N (default 100,1000,10000)")
    parser.add_argument("--keep", metavar="DIR", help="work in DIR and keep it (default: a temporary folder)")
    parser.add_argument("--only", default="start,check,walk,explore,saves,history,class,lsp",
                        help="comma-separated parts to measure (default: all)")
    args = parser.parse_args(argv)
    sizes = [int(x) for x in args.sizes.split(",") if x] or ([100, 1000] if args.quick else [100, 1000, 10000])
    reps = args.reps or (5 if args.quick else 7)
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="hengyang-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    os.environ["HENGYANG_CACHE_DIR"] = str(work / "cache-inproc")  # in-process loads use a cache too
    try:
        only = set(args.only.split(","))
        if only == {"history"}:  # the shipped story only: no synthetic stories to build
            print(render_history(measure_history(work, reps * 3, args.seed)))
            return 0
        subjects = make_subjects(work, sizes, args.seed)
        cols: dict[str, dict[str, object]] = {}
        for subject in subjects:
            col: dict[str, object] = {k: Fig([], "s") for k in (
                "title", "scene", "prompt", "floor", "rss", "floor_rss", "cold", "bare", "edited", "engine",
                "naive", "save", "load", "lsp")}
            col["explore"] = "n/a"
            cols[subject.name] = col
        # Whole processes first, while this process is small; then what runs in this process.
        for subject in subjects:
            print(f"measuring {subject.name}: start and check ...", file=sys.stderr, flush=True)
            r = max(5, reps - 2) if subject.name == "N=10,000" else reps
            if "start" in only:
                cols[subject.name].update(measure_start(subject, work, r))
            if "check" in only:
                cols[subject.name].update(measure_check(subject, work, r))
        for subject in subjects:
            print(f"measuring {subject.name}: walks, explore, saves ...", file=sys.stderr, flush=True)
            col = cols[subject.name]
            if "walk" in only:
                col.update(measure_walk(subject, reps, 0.4, args.seed))
            if "explore" in only:
                col["explore"] = measure_explore(subject, 3)
            if "saves" in only:
                col.update(measure_saves(subject, work, 15, args.seed))
            if "lsp" in only:
                from benchmarks.lsp import measure_lsp

                col["lsp"] = Fig(measure_lsp(subject.story, subject.locales, 9), "s")
            gc.collect()
        print(render_table(cols, sizes))
        if "history" in only:
            print()
            print(render_history(measure_history(work, reps * 3, args.seed)))
        if "class" in only:
            print("measuring the class page ...", file=sys.stderr, flush=True)
            figs = measure_class(work, reps, args.seed)
            print("")
            print(f"class page, {int(figs['class_n'].values[0])} report records (python play.py class, whole "
                  f"process; target < 2 s): {figs['class']} wall, {figs['class_cpu']} CPU (user + system); "
                  f"in process (read + aggregate + render): {figs['class_inproc']}")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


ROWS: list[tuple[str, Callable[[dict], object]]] = [
    ("start: first text (title) on screen", lambda c: c["title"]),
    ("start: first scene text (Enter pressed at once)", lambda c: c["scene"]),
    ("start: prompt ready", lambda c: c["prompt"]),
    ("floor: import prompt_toolkit, yaml, colorama", lambda c: c["floor"]),
    ("first scene / floor (target ≤ 0.6 shipped)", lambda c: ratio(c["scene"], c["floor"])),
    ("prompt ready / floor (target ≤ 1.1 shipped)", lambda c: ratio(c["prompt"], c["floor"])),
    ("check, cold (empty cache)", lambda c: c["cold"]),
    ("bare yaml.load (CSafeLoader) of the same files", lambda c: c["bare"]),
    ("check cold / bare YAML (target ≤ 1.5 at 10k)", lambda c: ratio(c["cold"], c["bare"])),
    ("check after one file changed (target ≤ 1 s)", lambda c: c["edited"]),
    ("random walk: engine steps/s (step + render)", lambda c: c["engine"]),
    ("random walk: naive dict walker steps/s", lambda c: c["naive"] if c["naive"].values else "n/a (no neutral graph)"),
    ("engine / naive (target ≥ 0.45)", lambda c: ratio(c["engine"], c["naive"]) if c["naive"].values else "n/a"),
    ("explore: states/s", lambda c: c["explore"]),
    ("lsp: an edit to its diagnostics published (target ≤ 0.1 s shipped, ≤ 0.5 s at 10k)", lambda c: c["lsp"]),
    ("save (50 steps of history, atomic write)", lambda c: c["save"]),
    ("load (read + validate)", lambda c: c["load"]),
    ("peak RSS: game", lambda c: c["rss"]),
    ("peak RSS: floor", lambda c: c["floor_rss"]),
    ("peak RSS game / floor (target ≤ 1.2 shipped)", lambda c: ratio(c["rss"], c["floor_rss"])),
]


def render_table(cols: dict[str, dict], sizes: list[int]) -> str:
    names = list(cols)
    lines = [machine(), "", "| | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    for label, get in ROWS:
        lines.append(f"| {label} | " + " | ".join(str(get(cols[n])) for n in names) + " |")
    if "N=1,000" in cols and "N=10,000" in cols and cols["N=1,000"]["cold"].values:
        growth = cols["N=10,000"]["cold"].median / cols["N=1,000"]["cold"].median
        lines.append("")
        lines.append(f"check cold growth, N=10,000 / N=1,000 (medians): {growth:.1f} (target ≤ 12)")
    lines.append("")
    lines.append("Each figure: median (min–max). Ratios pair runs measured alternately.")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
