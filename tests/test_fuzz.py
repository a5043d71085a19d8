"""Issue 7, point 3: fuzzing story, locale and save files with hypothesis.

Mutated files only ever produce located diagnostics (story and locale files) or a clear save
error (saves) -- never an exception -- and a story that still loads must play: a walk through
it (choices, undo, notes, language switch, save and load) renders without error. Each case
must take under a second of CPU and allocate under 64 MB at its peak (tracemalloc).

CI runs a few hundred cases per kind, derandomized so every run tests the same cases; ``--long``
runs 10,000 per kind. Deep nesting and alias bombs, which could crash the interpreter itself,
run in a subprocess that must exit normally.
"""

from __future__ import annotations

import gc
import json
import shutil
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adventure.core.diagnostics import CODES
from adventure.files.loader import default_locales_dir, load_story
from adventure.files.structure import graph_diagnostics
from adventure.play.saves import SaveError, SaveStore, decode
from adventure.play.session import Session
from adventure.text.layout import plain, wrap
from fuzzkit import dump_save, edit_json, json_edits, mutate, mutations
from playkit import PLAY, ROOT, game_env
from storykit import FIXTURE

CASE_SECONDS = 1.0
CASE_BYTES = 64 * 1024 * 1024
STORY_FILES = ["story/story.yaml", "story/prologue.yaml"]
LOCALE_FILES = ["locales/en/prologue.yaml", "locales/es/prologue.yaml", "locales/en/story.yaml",
                "locales/es/story.yaml", "ui/en/ui.yaml", "ui/es/ui.yaml"]
INPUTS = ["1", "2", "3", "1", "look", "notes", "notes 1", "undo", "lang es", "lang en", "help", "restart",
          "save f", "load f", "saves", "4", "dig", "xyzzy"]


def examples(long_mode: bool, short: int) -> settings:
    return settings(max_examples=10_000 if long_mode else short, derandomize=True, database=None, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
                    print_blob=True)


class Budget:
    """Time of every case, and the peak memory of every tenth (tracemalloc slows a case five
    times over); the worst of each is printed at the end. The ``bounded_memory`` fixture caps
    the whole process as well, so no case can escape the sample unnoticed."""

    def __init__(self, sample_every: int = 10) -> None:
        self.sample_every = sample_every
        self.cases = 0
        self.worst_seconds = 0.0
        self.worst_bytes = 0
        self.started = time.perf_counter()

    def run(self, case: Callable[[], None]) -> None:
        traced = self.cases % self.sample_every == 0
        if traced:
            tracemalloc.start()
        # CPU time, so another process on the machine does not count; and no garbage collection
        # inside the case: a full collection of hypothesis's own heap, late in a 10,000-case
        # run, can take a second by itself (it runs as soon as the case is over).
        gc.disable()
        start = time.process_time()
        try:
            case()
        finally:
            seconds = time.process_time() - start
            gc.enable()
            peak = tracemalloc.get_traced_memory()[1] if traced else 0
            if traced:
                tracemalloc.stop()
        self.cases += 1
        self.worst_bytes = max(self.worst_bytes, peak)
        assert peak < CASE_BYTES, f"a case allocated {peak / 1048576:.0f} MB"
        if not traced:
            self.worst_seconds = max(self.worst_seconds, seconds)
            assert seconds < CASE_SECONDS, f"a case took {seconds:.2f} s"

    def report(self, what: str) -> str:
        return (f"{what}: {self.cases} cases in {time.perf_counter() - self.started:.1f} s; slowest "
                f"{self.worst_seconds * 1000:.0f} ms; largest sampled peak {self.worst_bytes / 1048576:.1f} MB")


@pytest.fixture
def bounded_memory() -> Iterator[None]:
    """The process may grow by at most 512 MB while the fuzz runs (RLIMIT_AS), so a case that
    explodes fails with MemoryError instead of exhausting the machine."""
    import resource

    try:
        pages = int(Path("/proc/self/statm").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        yield
        return
    before = resource.getrlimit(resource.RLIMIT_AS)
    cap = pages * resource.getpagesize() + 512 * 1024 * 1024
    if before[1] != resource.RLIM_INFINITY:
        cap = min(cap, before[1])
    resource.setrlimit(resource.RLIMIT_AS, (cap, before[1]))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, before)


@pytest.fixture
def fast_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    """No fsync while fuzzing: durability is tested elsewhere; here it only costs time."""
    monkeypatch.setattr("os.fsync", lambda fd: None)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the fixture story with the engine's interface texts beside it (ui/)."""
    root = tmp_path_factory.mktemp("fuzz")
    shutil.copytree(FIXTURE / "story", root / "story")
    shutil.copytree(FIXTURE / "locales", root / "locales")
    for lang in ("en", "es"):
        (root / "ui" / lang).mkdir(parents=True)
        shutil.copy(default_locales_dir() / lang / "ui.yaml", root / "ui" / lang / "ui.yaml")
    return root


ORIGINALS = {name: ((FIXTURE / name) if not name.startswith("ui/") else
                    default_locales_dir() / name.split("/")[1] / "ui.yaml").read_bytes()
             for name in STORY_FILES + LOCALE_FILES}


def check_diagnostics(result: Any) -> None:
    for d in result.diagnostics:
        assert d.code in CODES, d
        assert isinstance(d.path, str) and d.path and d.line >= 0 and d.col >= 0, d
        assert d.message and d.fix and "MemoryError" not in d.message, d
        if d.code not in ("E111", "E217", "E305"):  # folders and unreadable files: the whole file
            assert d.line >= 1 and d.col >= 1, f"not located: {d.format()}"
        d.format()


def walk(result: Any, saves: Path, inputs: list[str]) -> None:
    """Play a story that loaded: every reply rendered as a terminal would render it."""
    story, catalog = result.story, result.catalog
    graph_diagnostics(story, catalog)
    session = Session(story, catalog, lang="en", store=SaveStore(saves))
    paras = session.intro() + session.begin()
    for line in inputs:
        paras += session.handle(line).paras
        session.toolbar()
        session.completions()
    for p in paras:
        for row in wrap(p, 40):
            plain(row)


def load_mutated(workdir: Path, name: str, data: bytes) -> Any:
    target = workdir / name
    target.write_bytes(data)
    try:
        return load_story(workdir / "story", workdir / "locales", ui_dir=workdir / "ui")
    finally:
        target.write_bytes(ORIGINALS[name])


def file_fuzz(files: list[str]) -> Any:
    return st.tuples(st.sampled_from(files), mutations(), st.lists(st.sampled_from(INPUTS), max_size=8))


@pytest.mark.slow
@pytest.mark.usefixtures("bounded_memory", "fast_disk")
@pytest.mark.parametrize("kind", ["story", "locale"])
def test_fuzzed_files_give_located_diagnostics(kind: str, workdir: Path, long_mode: bool) -> None:
    """Mutated story files (or locale files) give located diagnostics, or a story that plays."""
    budget = Budget()
    files = STORY_FILES if kind == "story" else LOCALE_FILES

    @examples(long_mode, 100)
    @given(file_fuzz(files))
    def case(drawn: tuple[str, list[Any], list[str]]) -> None:
        name, muts, inputs = drawn

        def one() -> None:
            result = load_mutated(workdir, name, mutate(ORIGINALS[name], muts))
            check_diagnostics(result)
            if result.ok:
                walk(result, workdir / "saves", inputs)
        budget.run(one)

    case()
    print("\n" + budget.report(f"{kind} fuzz"))


# -- saves ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def real_save(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A save the game made mid-story: history, visits, notes, a once-only choice taken."""
    result = load_story(FIXTURE / "story", FIXTURE / "locales")
    saves = tmp_path_factory.mktemp("real")
    s = Session(result.story, result.catalog, lang="es", store=SaveStore(saves))  # type: ignore[arg-type]
    s.begin()
    for line in ("2", "1", "1", "2", "3", "1"):
        s.handle(line)
    s.handle("save real")
    return (saves / "real.json").read_bytes()


save_cases = st.one_of(
    st.tuples(st.just("bytes"), mutations(max_count=3)),
    st.tuples(st.just("json"), json_edits()),
)


@pytest.mark.slow
@pytest.mark.usefixtures("bounded_memory", "fast_disk")
def test_fuzzed_save_files_give_a_clear_error_or_load(tmp_path: Path, real_save: bytes, long_mode: bool) -> None:
    result = load_story(FIXTURE / "story", FIXTURE / "locales")
    assert result.ok
    story, catalog = result.story, result.catalog
    original = json.loads(real_save)
    saves = tmp_path / "saves"
    saves.mkdir()
    store = SaveStore(saves)
    budget = Budget()
    outcomes = {"loaded": 0, "refused": 0}

    @examples(long_mode, 150)
    @given(save_cases, st.lists(st.sampled_from(INPUTS), max_size=6))
    def case(drawn: tuple[str, Any], inputs: list[str]) -> None:
        kind, muts = drawn
        data = mutate(real_save, muts) if kind == "bytes" else dump_save(edit_json(original, muts))

        def one() -> None:
            for slot in ("fuzz", "autosave", "recovery"):
                (saves / f"{slot}.json").write_bytes(data)
            try:
                decode(story, store.read("fuzz"), slot="fuzz")  # type: ignore[arg-type]
                outcomes["loaded"] += 1
            except SaveError as exc:
                assert exc.key.startswith("ui.save_"), exc.key
                assert catalog.get("en", exc.key), exc.key  # type: ignore[union-attr]
                outcomes["refused"] += 1
            session = Session(story, catalog, lang="en", store=store)  # type: ignore[arg-type]
            offer = session.resumable()
            if offer is not None:
                session.offer_text(offer[0])
            paras = session.begin(offer[0] if offer else None)
            for line in ["saves", "load fuzz", *inputs, "undo", "undo", "save again", "load again", "saves"]:
                paras += session.handle(line).paras
            session.toolbar()
            paras += session.quit()
            for p in paras:
                for row in wrap(p, 40):
                    plain(row)
            assert decode(story, store.read("again"), slot="again")  # type: ignore[arg-type]
            for p in saves.glob("*.json"):
                p.unlink()
        budget.run(one)

    case()
    assert outcomes["loaded"] and outcomes["refused"], outcomes
    print("\n" + budget.report("save fuzz") + f"; {outcomes['loaded']} loaded, {outcomes['refused']} refused")


# -- deep nesting and bombs: in a subprocess, which must exit normally -----------------------

def _deep_cases(depth: int) -> dict[str, bytes]:
    laughs = [b'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        laughs.append(b"a%d: &a%d [" % (i, i) + b",".join([b"*a%d" % (i - 1)] * 9) + b"]")
    return {
        "flow_lists": b"x: " + b"[" * depth + b"]" * depth + b"\n",
        "flow_maps": b"x: " + b"{a: " * depth + b"1" + b"}" * depth + b"\n",
        "compact_block_lists": b"x:\n" + b"- " * depth + b"a\n",
        "indented_maps": b"".join(b" " * i + b"k:\n" for i in range(min(depth, 2000))) + b" " * 2000 + b"v\n",
        "unclosed": b"x: " + b"[{" * depth + b"\n",
        "billion_laughs": b"\n".join(laughs) + b"\n",
        "recursive_alias": b"a: &a [*a]\n",
        "merge_bomb": b"base: &b {x: 1}\n" + b"".join(b"m%d: {<<: *b}\n" % i for i in range(2000)),
    }


@pytest.mark.parametrize("depth", [100, 50_000, 1_000_000])
def test_deep_nesting_and_alias_bombs_never_crash_the_interpreter(tmp_path: Path, depth: int) -> None:
    """``python play.py check`` and the game itself, on a story whose story and locale folders
    hold every hazard, in a subprocess with 1 GB of address space: a normal exit (1, the story
    has errors) with a located diagnostic for each file -- not a signal, not a traceback.
    (PyYAML's C loader dies of a segfault at about 40,000 levels.)"""
    import resource

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    root = tmp_path / "story"
    shutil.copytree(FIXTURE, root)
    names = []
    for name, data in _deep_cases(depth).items():
        for folder in ("story", "locales/en"):
            (root / folder / f"hazard_{name}.yaml").write_bytes(data)
            names.append(f"{folder}/hazard_{name}.yaml")
    args = ["--story", str(root / "story"), "--locales", str(root / "locales")]
    for command in (["check", *args], args):
        started = time.perf_counter()
        proc = subprocess.run([sys.executable, PLAY, *command], input=b"quit\n", capture_output=True, cwd=str(ROOT),
                              env=game_env(tmp_path / "saves"), timeout=120, preexec_fn=limit)
        took = time.perf_counter() - started
        output = (proc.stdout + proc.stderr).decode("utf-8", "replace")
        assert proc.returncode == 1, f"exit {proc.returncode}\n{output[-2000:]}"
        assert "Traceback" not in output and "MemoryError" not in output, output[-2000:]
        assert took < 30, f"{took:.1f} s"
        if command[0] == "check":
            for name in names:
                found = [line for line in output.splitlines() if f"/{name}:" in line and " error E" in line]
                assert any(code in line for line in found for code in ("E100", "E102", "E103")), (name, output[-3000:])
        else:
            assert "The story has errors and cannot start" in output
