"""``explore``: the exhaustive walk is exact (checked against a brute-force walk of random
stories), finds soft-locks and loops, and its replays really lead there; random playthroughs
are reproducible."""

from __future__ import annotations

import io
import random
import subprocess
import sys
from collections import deque
from pathlib import Path

import pytest

from adventure.cli import main
from adventure.core.engine import available, is_stuck, new_game, step
from adventure.files.loader import load_story
from adventure.tools.explore import Abstraction, explore
from adventure.tools.explore_random import random_playthroughs
from storykit import FIXTURE, FIXTURE_ARGS, load_dir, load_fixture, write_story

ROOT = Path(__file__).resolve().parent.parent
ONE = "story/one.yaml"
# MINI as written has a real soft-lock (see test_mini_story_soft_lock); this makes it clean.
CLEAN = ("        once: true", "        once: false")


def run_tool(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), stdout=out, stderr=io.StringIO(), env={})
    return code, out.getvalue()


def test_fixture_explores_completely_without_errors() -> None:
    result = load_fixture()
    assert result.ok and result.story is not None
    res = explore(result.story)
    assert res.complete and res.errors == []
    assert set(res.endings) == set(result.story.endings)
    assert set(res.scene_states) == set(result.story.scenes)
    assert res.notes == set(result.story.notes)
    for info in res.endings.values():  # the shortest way to each ending really gets there
        state, _ = new_game(result.story)
        for n in info.path or []:
            state, _ = step(result.story, state, available(result.story, state)[n - 1].id)
        assert state.ending is not None


@pytest.mark.slow
def test_shipped_story_has_no_soft_locks_or_traps(long_mode: bool) -> None:
    """Short: the first 20 choices of every path. Long (--long): every reachable state
    (notes left out of the state, as by default)."""
    result = load_story()
    assert result.ok and result.story is not None
    if long_mode:
        res = explore(result.story, max_states=5_000_000)
        assert res.complete
        assert set(res.scene_states) == set(result.story.scenes) and set(res.endings) == set(result.story.endings)
        assert res.notes == set(result.story.notes)
    else:
        res = explore(result.story, max_depth=20)
    assert res.errors == [], [d.format() for d in res.errors]


def test_mini_story_soft_lock(tmp_path: Path) -> None:
    """MINI: take the flag, go back, go on, go back: 'go' needs n == 0, 'flag' was once only."""
    result = load_dir(write_story(tmp_path))
    assert result.story is not None
    res = explore(result.story)
    [finding] = [d for d in res.findings if d.code == "E401"]
    assert finding.line == 3 and "choices 2 1 1 1" in finding.message
    state, _ = new_game(result.story)
    for n in (2, 1, 1, 1):
        state, _ = step(result.story, state, available(result.story, state)[n - 1].id)
    assert is_stuck(result.story, state)


def test_soft_lock_replay_works_in_the_real_game(tmp_path: Path) -> None:
    root = write_story(tmp_path / "s")
    code, out = run_tool("explore", "--story", str(root / "story"), "--locales", str(root / "locales"))
    assert code == 1 and "error E401" in out
    inputs = out.split("printf '")[1].split("'")[0].replace("\\n", "\n")
    done = subprocess.run([sys.executable, str(ROOT / "play.py"), "--story", str(root / "story"), "--locales",
                           str(root / "locales"), "--lang", "en"], input=inputs, capture_output=True, text=True,
                          env={"HENGYANG_SAVE_DIR": str(tmp_path / "saves"), "PATH": "", "HOME": str(tmp_path)},
                          timeout=60)
    assert "No choice is open here" in done.stdout


def test_loop_with_no_way_out(tmp_path: Path) -> None:
    result = load_dir(write_story(tmp_path, {ONE: [CLEAN, ("      end: c", "      end: a")]}))
    assert result.story is not None
    res = explore(result.story)
    [loop] = [d for d in res.findings if d.code == "E402"]
    assert "'a', 'b'" in loop.message and not res.softlocks
    assert {d.code for d in res.findings} == {"E402", "W401", "W404"}


def test_clean_mini_story_has_no_findings(tmp_path: Path) -> None:
    result = load_dir(write_story(tmp_path, {ONE: [CLEAN]}))
    assert result.story is not None
    res = explore(result.story)
    assert res.complete and res.findings == []


def test_bounds_are_reported(tmp_path: Path) -> None:
    result = load_dir(write_story(tmp_path, {ONE: [CLEAN]}))
    assert result.story is not None
    res = explore(result.story, max_states=3)
    assert not res.complete and res.stopped_by == "max-states" and res.states == 3
    assert any(d.code == "W406" for d in res.findings)
    assert not res.errors  # an unexplored state is never called a soft-lock or a trap
    res = explore(result.story, max_depth=1)
    assert res.stopped_by == "max-depth" and res.depth == 1


def test_counter_growing_in_a_loop_is_bounded(tmp_path: Path) -> None:
    """A counter that goes up and down in a loop has no end; --max-states stops it."""
    root = write_story(tmp_path, {ONE: [CLEAN, ("        when: n == 0", "        when: n != 99"),
                                        ("          - set: {f: true}", "          - set: {f: true}\n          - sub: {n: 2}")]})
    result = load_dir(root)
    assert result.ok and result.story is not None
    res = explore(result.story, max_states=500)
    assert not res.complete and res.states == 500 and not res.errors


def test_abstraction_keeps_only_what_conditions_read(tmp_path: Path) -> None:
    result = load_dir(write_story(tmp_path, {ONE: [CLEAN]}))
    assert result.story is not None
    abst = Abstraction.of(result.story)
    assert abst.visits == ()  # no visited() in MINI
    assert ("n", "max", 1) in abst.variables  # n only goes up and is compared with 0
    fixture = load_fixture().story
    assert fixture is not None
    caps = dict(Abstraction.of(fixture).visits)
    assert caps and all(c == 1 for c in caps.values())


# -- the walk is exact: compare with a brute-force walk of random stories ------------------

CONDITIONS = ["f0", "not f1", "f0 and not f1", "c0 >= 2", "c0 == 1", "c1 < 1", "c1 > -2", 'visited("s1")',
              'visited("s2") >= 2', 'not visited("s3")', 'visited("s0") == 1 or f1', "c0 > 0 and c1 != 0"]
EFFECTS = ["set: {f0: true}", "set: {f1: true}", "set: {f0: false}", "add: {c0: 1}", "add: {c1: 1}",
           "sub: {c1: 1}", "set: {c1: 0}", "note: n0", "note: n1"]


def random_story(rng: random.Random, root: Path) -> Path:
    n = rng.randint(4, 7)
    scenes = [f"s{i}" for i in range(n)]
    lines = ["chapter: one", "scenes:"]
    en = ["story:", "  title: R", "chapters:", "  one:", "    title: One", "scenes:"]
    for sid in scenes:
        lines.append(f"  {sid}:")
        en += [f"  {sid}:", "    title: T", "    text: X"]
        if rng.random() < 0.4:
            lines.append("    effects:")
            lines += [f"      - {e}" for e in rng.sample(EFFECTS, rng.randint(1, 2))]
        lines.append("    choices:")
        en.append("    choices:")
        for k in range(rng.randint(1, 3)):
            target = rng.choice(scenes + ["end"])
            lines.append(f"      k{k}:")
            en.append(f"      k{k}: C")
            if target == "end":
                lines += ["        effects:", "          - end: done"]
            else:
                lines.append(f"        to: {target}")
                if rng.random() < 0.3:
                    lines += ["        effects:", f"          - {rng.choice(EFFECTS)}"]
            if rng.random() < 0.5:
                lines.append(f"        when: '{rng.choice(CONDITIONS)}'")
            if rng.random() < 0.25:
                lines.append("        once: true")
    lines += ["notes:", "  n0:", "    sources: [a.txt]", "  n1:", "    sources: [b.txt]"]
    en += ["notes:", "  n0:", "    title: N", "    body: B", "  n1:", "    title: N", "    body: B",
           "endings:", "  done:", "    title: D", "    text: E"]
    files = {
        "story/story.yaml": "story:\n  id: r\n  title: story.title\n  start: s0\n  languages: [en]\nchapters: [one]\n"
                            "variables:\n  f0: false\n  f1: false\n  c0: 0\n  c1: 0\nendings: [done]\n",
        "story/one.yaml": "\n".join(lines) + "\n",
        "locales/en/text.yaml": "\n".join(en) + "\n",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def brute_force(story, depth: int):  # type: ignore[no-untyped-def]
    """Breadth first over exact states (every visit count, every variable), to ``depth``."""
    start, _ = new_game(story)

    def key(s):  # type: ignore[no-untyped-def]
        return (s.scene, s.ending, tuple(sorted(s.vars.items())), tuple(sorted(s.visits.items())),
                frozenset(s.notes), s.taken)

    seen = {key(start): 0}
    queue = deque([(start, 0)])
    scenes, offered, notes, endings, locks, outcomes = set(), set(), set(), set(), set(), set()
    most: dict[str, int] = {}  # ending -> the most notes held there
    while queue:
        s, d = queue.popleft()
        scenes.add(s.scene)
        notes |= set(s.notes)
        if s.ending is not None:
            endings.add(s.ending)
            most[s.ending] = max(most.get(s.ending, 0), len(s.notes))
            continue
        if d >= depth:
            continue
        scene = story.scenes[s.scene]
        for c in scene.choices:
            if c.when is not None and not (c.once and f"{s.scene}.{c.id}" in s.taken):
                outcomes.add((s.scene, c.id, c.when.test(s.vars, s.visits)))
        choices = available(story, s)
        if not choices:
            locks.add(s.scene)
        for c in choices:
            offered.add((s.scene, c.id))
            new, _ = step(story, s, c.id)
            k = key(new)
            if k not in seen:
                seen[k] = d + 1
                queue.append((new, d + 1))
    return scenes, offered, notes, endings, locks, outcomes, most


@pytest.mark.parametrize("seed", range(40))
def test_exploration_matches_brute_force_on_random_stories(seed: int, tmp_path: Path) -> None:
    rng = random.Random(seed)
    result = load_dir(random_story(rng, tmp_path))
    assert result.ok and result.story is not None, [d.format() for d in result.diagnostics if d.is_error]
    depth = 7
    *want, most = brute_force(result.story, depth)
    for in_state in (False, True):
        res = explore(result.story, max_depth=depth, notes_in_state=in_state)
        outcomes = {(s, c, b) for (s, c), (yes, no) in res.conditions.items()
                    for b, n in ((True, yes), (False, no)) if n}
        got = [set(res.scene_states), res.offered, res.notes, set(res.endings), set(res.softlocks), outcomes]
        assert got == want
        for ending, info in res.endings.items():  # exact with notes in the state, else a bound
            assert info.max_notes_exact == in_state
            assert info.max_notes == most[ending] if in_state else most[ending] <= info.max_notes <= len(res.notes)


def branching_notes_story(root: Path, count: int) -> Path:
    """``count`` scenes in a row; in each the player reads its note or not (two choices, both
    on to the next scene), so the notes held at the end come in 2**count combinations. One
    more note, ``never``, is unlocked by a choice no condition lets a player take."""
    lines = ["chapter: one", "scenes:"]
    en = ["story:", "  title: R", "chapters:", "  one:", "    title: One", "scenes:"]
    for k in range(count):
        last = k + 1 == count
        read = (["        effects:", f"          - note: n{k}", "          - end: done"] if last else
                [f"        to: s{k + 1}", "        effects:", f"          - note: n{k}"])
        skip = ["        effects:", "          - end: done"] if last else [f"        to: s{k + 1}"]
        lines += [f"  s{k}:", "    choices:", "      read:", *read, "      skip:", *skip]
        en += [f"  s{k}:", "    title: T", "    text: X", "    choices:", "      read: Read", "      skip: Skip"]
    lines += ["  s0_locked:", "    choices:", "      never:", "        when: locked", "        effects:",
              "          - note: never", "          - end: done"]
    en += ["  s0_locked:", "    title: T", "    text: X", "    choices:", "      never: Never"]
    lines += ["notes:"] + [x for k in range(count) for x in (f"  n{k}:", "    sources: [a.txt]")]
    lines += ["  never:", "    sources: [a.txt]"]
    en += ["notes:"] + [x for k in range(count) for x in (f"  n{k}:", "    title: N", "    body: B")]
    en += ["  never:", "    title: N", "    body: B", "endings:", "  done:", "    title: D", "    text: E"]
    files = {
        "story/story.yaml": "story:\n  id: r\n  title: story.title\n  start: s0\n  languages: [en]\n"
                            "chapters: [one]\nvariables:\n  locked: false\nendings: [done]\n",
        "story/one.yaml": "\n".join(lines) + "\n",
        "locales/en/text.yaml": "\n".join(en) + "\n",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_notes_do_not_multiply_the_states(tmp_path: Path) -> None:
    """Notes unlocked along independent branches: left out of the state (the default), the
    states grow with the scenes, not with the combinations of notes; the notes never
    unlocked are still reported, and the most notes at the ending is still right."""
    counts = {}
    for count in (4, 12):
        result = load_dir(branching_notes_story(tmp_path / str(count), count))
        assert result.ok and result.story is not None, [d.format() for d in result.diagnostics if d.is_error]
        res = explore(result.story)
        assert res.complete
        counts[count] = res.states
        assert res.notes == {f"n{k}" for k in range(count)}
        [w405] = [d for d in res.findings if d.code == "W405"]
        assert "'never'" in w405.message
        info = res.endings["done"]
        assert info.max_notes == count and not info.max_notes_exact
        exact = explore(result.story, notes_in_state=True)
        assert exact.endings["done"].max_notes == count and exact.endings["done"].max_notes_exact
        assert exact.notes == res.notes and [d.code for d in exact.findings] == [d.code for d in res.findings]
        assert exact.states >= 2 ** count  # kept in the state, every combination is a state
    # One start state, one state per later scene, one ending: linear in the scenes.
    assert counts == {4: 4 + 1, 12: 12 + 1}


# -- random playthroughs -------------------------------------------------------------------

def test_random_playthroughs_are_reproducible_and_count_hits(tmp_path: Path) -> None:
    result = load_dir(write_story(tmp_path))
    assert result.story is not None
    a = random_playthroughs(result.story, runs=200, seed=5)
    b = random_playthroughs(result.story, runs=200, seed=5)
    assert (a.scenes, a.choices, a.endings, a.outcomes) == (b.scenes, b.choices, b.endings, b.outcomes)
    assert sum(a.outcomes.values()) == 200 and a.scenes["a"] >= 200
    assert a.outcomes["soft-lock"] > 0 and a.first_failure is not None and a.errors
    state, _ = new_game(result.story)
    for n in a.first_failure.inputs:
        state, _ = step(result.story, state, available(result.story, state)[n - 1].id)
    assert is_stuck(result.story, state) and state.scene == a.first_failure.scene
    c = random_playthroughs(result.story, runs=200, seed=6)
    assert c.choices != a.choices


def test_random_cli_prints_counts_and_the_replay(tmp_path: Path) -> None:
    root = write_story(tmp_path)
    code, out = run_tool("explore", "--random", "100", "--seed", "3", "--story", str(root / "story"),
                         "--locales", str(root / "locales"))
    assert code == 1
    assert "100 random playthroughs" in out and "Scenes (times entered)" in out and "a.flag" in out
    assert "First failing playthrough" in out and "printf '" in out and f"--story {root / 'story'}" in out


def test_unfinished_playthroughs_are_counted(tmp_path: Path) -> None:
    result = load_dir(write_story(tmp_path, {ONE: [CLEAN, ("      end: c", "      end: a")]}))
    assert result.story is not None
    res = random_playthroughs(result.story, runs=5, seed=1, max_steps=20)
    assert res.outcomes["unfinished"] == 5 and res.first_failure is not None
    assert len(res.first_failure.inputs) == 20 and not res.errors


# -- the command line ----------------------------------------------------------------------

def test_explore_cli_summary_and_exit_codes(tmp_path: Path) -> None:
    code, out = run_tool("explore", *FIXTURE_ARGS)
    assert code == 0
    for word in ("scenes", "choices", "endings", "notes", "soft-locks", "loops with no way out", "states/s"):
        assert word in out
    code, out = run_tool("explore", *FIXTURE_ARGS, "--max-states", "5")
    assert code == 0 and "W406" in out
    code, _ = run_tool("explore", *FIXTURE_ARGS, "--max-states", "5", "--strict")
    assert code == 1
    broken = write_story(tmp_path, {ONE: ("      end: c", "      end: cc")})
    code, out = run_tool("explore", "--story", str(broken / "story"), "--locales", str(broken / "locales"))
    assert code == 1 and "E205" in out and "cannot be explored" in out


def test_explore_cli_notes_flags() -> None:
    """By default the most notes at each ending is labelled a bound; --notes-in-state gives
    the exact figure; --merge-notes (the old way to leave notes out) still runs, with a reminder."""
    def run(*flags: str) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        code = main(["explore", *FIXTURE_ARGS, *flags], stdout=out, stderr=err, env={})
        return code, out.getvalue(), err.getvalue()

    code, default, _ = run()
    assert code == 0 and "(a bound; --notes-in-state for the exact figure)" in default
    assert "notes are not part of the state" in default
    code, exact, _ = run("--notes-in-state")
    assert code == 0 and "(a bound" not in exact and "notes are part of the state (--notes-in-state)" in exact
    code, merged, err = run("--merge-notes")
    assert code == 0 and "--merge-notes is deprecated" in err
    assert merged.splitlines()[:-1] == default.splitlines()[:-1]  # all but the timing line


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    from adventure.cli import explore as tool

    monkeypatch.setattr(tool.time, "perf_counter", iter(range(0, 10_000)).__next__)
    bar = tool.ProgressBar(FakeTerminal(), 100, "states")
    bar.update(10, 50, 3)
    bar.close()
    assert "50/100 states" in bar.stream.getvalue() and "\x1b[K" in bar.stream.getvalue()
    quiet = tool.ProgressBar(io.StringIO(), 100, "states")
    quiet.update(10, 50, 3)
    quiet.close()
    assert quiet.stream.getvalue() == ""


def test_fixture_path_is_a_story() -> None:
    assert (FIXTURE / "story" / "story.yaml").is_file()
