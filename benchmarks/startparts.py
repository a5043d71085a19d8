"""Where the CPU time of a start goes: ``python benchmarks/startparts.py [RUNS]``.

Runs, in a pseudo-terminal, a child that does what ``python play.py`` does on the way to the
first prompt, one part at a time, and notes the CPU time (user + system) each part takes; then
the floor process and a bare ``python`` for comparison. Medians of RUNS (default 7). This is
the profile behind the "prompt ready" paragraph of docs/performance.md.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.ptyrun import Step, run  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent

CHILD = r'''
import os, resource, sys
def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime
marks = [("python starts (interpreter, site)", cpu())]
sys.path.insert(0, ROOT)
import adventure.files.cache, adventure.play.game, adventure.play.session, adventure.play.shell_tty, threading
marks.append(("our modules", cpu()))
from adventure.files.cache import open_cache
from adventure.files.loader import load_story
result = load_story(cache=open_cache(os.environ))
marks.append(("story from the parsed-story cache", cpu()))
from adventure.play.session import Session
from adventure.play.shell_tty import AnsiWriter, ToolkitImport
session = Session(result.story, result.catalog, lang="en", store=None)
lean = AnsiWriter(sys.stdout, color=True)
lean.paras(session.intro())
lean.paras(session.begin())
marks.append(("title and first scene written", cpu()))
ToolkitImport()._run()
marks.append(("prompt_toolkit imported", cpu()))
from prompt_toolkit import PromptSession
from prompt_toolkit.completion import WordCompleter
from prompt_toolkit.history import InMemoryHistory
from prompt_toolkit.key_binding import KeyBindings
from adventure.play.shell_tty import TerminalWriter, make_output
output = make_output(sys.stdout)
writer = TerminalWriter(output, color=True)
prompt = PromptSession(history=InMemoryHistory(), completer=WordCompleter(lambda: session.completions()),
                       key_bindings=KeyBindings(), output=output, complete_while_typing=False,
                       style=writer.style, bottom_toolbar=lambda: " " + session.toolbar())
marks.append(("PromptSession built", cpu()))
prompt.prompt("> ")
marks.append(("first prompt drawn (and one Enter)", cpu()))
with open(OUT, "a", encoding="utf-8") as f:
    before = 0.0
    for name, t in marks:
        f.write(f"{name}\t{(t - before) * 1000:.2f}\n")
        before = t
'''


def main(argv: list[str] | None = None) -> int:
    runs = int((argv if argv is not None else sys.argv[1:] or ["7"])[0])
    work = Path(tempfile.mkdtemp(prefix="hengyang-parts-"))
    out = work / "parts.tsv"
    out.touch()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "HENGYANG_", "PYTHON"))}
    env.update(TERM="xterm-256color", LANG="en_US.UTF-8", HENGYANG_CACHE_DIR=str(work / "cache"))
    code = f"ROOT = {str(ROOT)!r}; OUT = {str(out)!r}\n" + CHILD
    floor_cpu: list[float] = []
    bare_cpu: list[float] = []
    for _ in range(runs + 1):  # the first run fills the cache and is not counted
        run([sys.executable, "-c", code], [Step("prompt", rb"notes \d+/\d+", b"\r")], env=env, cwd=str(ROOT))
        floor = run([sys.executable, "-c", "import prompt_toolkit, yaml, colorama; print('floor ' + 'ready')"],
                    [Step("ready", rb"floor ready")], env=env)
        bare = run([sys.executable, "-c", "print('bare ' + 'ready')"], [Step("ready", rb"bare ready")], env=env)
        floor_cpu.append(floor.cpu)
        bare_cpu.append(bare.cpu)
    rows: dict[str, list[float]] = {}
    lines = out.read_text(encoding="utf-8").splitlines()
    per_run = len(lines) // (runs + 1)
    for line in lines[per_run:]:
        name, ms = line.split("\t")
        rows.setdefault(name, []).append(float(ms))
    total = 0.0
    print(f"CPU time of each part of a start, median of {runs} runs (ms):")
    for name, values in rows.items():
        total += statistics.median(values)
        print(f"  {name:40s} {statistics.median(values):7.1f}")
    print(f"  {'sum, to the first prompt':40s} {total:7.1f}")
    print(f"  {'floor process, whole (with its exit)':40s} {statistics.median(floor_cpu[1:]) * 1000:7.1f}")
    print(f"  {'bare python process, whole':40s} {statistics.median(bare_cpu[1:]) * 1000:7.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
