"""Issue 7, point 5: nothing in a story, locale or save file is ever executed, and no name a
player types reaches outside the save folder.

Hostile input is tried where a writer or a player could put it: Python in conditions, format
tricks in placeholders, Python tags in YAML, crafted saves, slot names that are paths. Each
hostile payload would create a marker file if it ever ran; the tests check it never does.
"""

from __future__ import annotations

import builtins
import json
import pickle
from pathlib import Path

import pytest

from adventure.core.conditions import ConditionError, compile_condition
from adventure.files.loader import placeholders
from adventure.play.saves import SAVE_VERSION, SaveError, SaveStore, check_slot, decode
from adventure.play.session import Session
from adventure.text.catalog import fill
from playkit import clean_exit, run_pipe, save_json
from storykit import check_dir, load_dir, load_fixture, write_story

ONE = "story/one.yaml"
EN = "locales/en/text.yaml"
ES = "locales/es/text.yaml"


@pytest.fixture
def marker(tmp_path: Path) -> Path:
    return tmp_path / "executed"


@pytest.fixture
def no_eval(monkeypatch: pytest.MonkeyPatch) -> None:
    """eval, exec, compile and __import__ of os/subprocess fail the test if anything calls them."""
    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("the engine must never evaluate or compile text from a file")

    # The engine imports some modules on first use (PyYAML, for one); importing a module runs
    # its code through exec, so load a story once before exec is forbidden.
    assert load_fixture().ok
    for name in ("eval", "exec"):
        monkeypatch.setattr(builtins, name, forbidden)


# -- conditions --------------------------------------------------------------------------

@pytest.mark.parametrize("condition", [
    "__import__('os').system('touch {marker}')",
    "open('{marker}', 'w')",
    "exec(\"open('{marker}', 'w')\")",
    "n.__class__.__mro__[1].__subclasses__()",
    "[c for c in ().__class__.__base__.__subclasses__()]",
    "(lambda: open('{marker}', 'w'))()",
    "f if __import__('os').system('touch {marker}') else f",
    "globals()",
    "n == 0; import os",
    "n == 0 or breakpoint()",
    "f'{{n}}' == 'x'",
    "n == 0\nimport os",
])
def test_python_in_a_condition_is_refused_and_never_runs(condition: str, tmp_path: Path, marker: Path,
                                                         no_eval: None) -> None:
    text = condition.format(marker=marker)
    quoted = json.dumps(text)  # a YAML double-quoted scalar
    root = write_story(tmp_path / "s", {ONE: ("        when: f", f"        when: {quoted}")})
    diags = [d for d in check_dir(root) if d.code in ("E207", "E206")]
    assert diags and diags[0].path.endswith(ONE) and diags[0].line == 23, [d.format() for d in check_dir(root)]
    with pytest.raises(ConditionError):
        compile_condition(text, variables={"n": "counter", "f": "flag"}, scenes={"a"})
    assert not marker.exists()


# -- placeholders ------------------------------------------------------------------------

TRICKS = ["{n.__class__}", "{n[0]}", "{n.__class__.__init__.__globals__}", "{0}", "{}", "{n!r}",
          "{n:>99999999}", "{n:{n}}", "{__import__}", "{n.real}", "{ n }", "%(n)s", "%s", "${n}"]


@pytest.mark.parametrize("trick", TRICKS)
def test_format_tricks_in_a_text_are_reported_and_shown_literally(trick: str, tmp_path: Path) -> None:
    root = write_story(tmp_path, {EN: ("You have {n} points.", f"You have {{n}} points. {trick}"),
                                  ES: ("Tienes {n} puntos.", f"Tienes {{n}} puntos. {trick}")})
    good, bad = placeholders(trick)
    if bad:
        diags = [d for d in check_dir(root) if d.code == "E302" and d.path.endswith(EN)]
        assert diags and diags[0].line == 21 and "not allowed" in diags[0].message, [d.format() for d in diags]
    # Whatever the checker says, the runtime fills only {name} from plain values: the rest is
    # shown exactly as written (a story with errors still loads far enough to render it).
    result = load_dir(root)
    assert result.story is not None and result.catalog is not None
    s = Session(result.story, result.catalog, lang="en", store=None)
    s.begin()
    shown = [p.text for p in s.handle("2").paras]
    literal = trick.replace("{n}", "0")  # only an exact {name} is ever filled
    assert f"You have 0 points. {literal}" in shown, shown
    assert fill(f"{{n}} {trick}", {"n": 0}) == f"0 {literal}"


def test_fill_never_formats() -> None:
    class Loud:
        def __format__(self, spec: str) -> str:
            raise AssertionError("format() was called")

        def __str__(self) -> str:
            return "loud"

    assert fill("{x} {x!r} {x:>5} {x.y}", {"x": Loud()}) == "loud {x!r} {x:>5} {x.y}"


# -- YAML tags ---------------------------------------------------------------------------

TAGS = [
    "!!python/object/apply:os.system ['touch {marker}']",
    "!!python/object/new:subprocess.Popen [['touch', '{marker}']]",
    "!!python/name:os.system",
    "!!python/module:os",
    "!!python/object:builtins.object {{}}",
    "!<tag:yaml.org,2002:python/object/apply:os.system> ['touch {marker}']",
    "!shell touch {marker}",
]


@pytest.mark.parametrize("tag", TAGS)
@pytest.mark.parametrize("where", [ONE, EN])
def test_python_tags_are_refused_and_never_run(tag: str, where: str, tmp_path: Path, marker: Path,
                                               no_eval: None) -> None:
    value = tag.format(marker=marker)
    edit = ("    ending: done", f"    ending: {value}") if where == ONE else \
        ("    title: Scene C", f"    title: {value}")
    root = write_story(tmp_path / "s", {where: edit})
    diags = [d for d in check_dir(root) if d.code == "E104"]
    assert diags and diags[0].path.endswith(where) and diags[0].line == 26
    assert not marker.exists()


def test_the_engine_never_uses_an_unsafe_yaml_loader_or_pickle() -> None:
    """A source check to back the behaviour, on the syntax tree of every engine module: no
    eval/exec/compile/__import__, no yaml.load & co. (YAML is read by yamlread through parser
    events), no pickle, marshal, shelve or subprocess, no os.system, no str.format(...)."""
    import ast

    found = []
    for path in (Path(__file__).resolve().parent.parent / "adventure").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            where = f"{path.name}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] + ([node.module] if isinstance(node, ast.ImportFrom) else [])
                for name in names:
                    if name and name.split(".")[0] in ("pickle", "marshal", "shelve", "subprocess", "dill"):
                        found.append(f"{where} imports {name}")
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            if isinstance(func, ast.Name) and func.id in ("eval", "exec", "compile", "__import__"):
                found.append(f"{where} calls {func.id}")
            if isinstance(func, ast.Attribute):
                owner = func.value.id if isinstance(func.value, ast.Name) else ""
                if owner == "yaml" and func.attr in ("load", "load_all", "unsafe_load", "full_load", "safe_load",
                                                     "safe_load_all", "compose"):
                    found.append(f"{where} calls yaml.{func.attr}")
                if (owner, func.attr) in (("os", "system"), ("os", "popen"), ("importlib", "import_module")) \
                        and (path.parent.name, path.name) != ("cli", "__init__.py"):
                    # the command line imports its own tool modules by fixed name
                    found.append(f"{where} calls {owner}.{func.attr}")
                if func.attr == "format_map" or (func.attr == "format" and (node.args or node.keywords)):
                    found.append(f"{where} calls .{func.attr}(...)")
    # Reviewed uses, each safe for the reason given; anything new fails until it is reviewed too.
    reviewed = {
        "exchange.py calls .format(...)": "fills CSV column names from the engine's own constants",
        "graph.py imports subprocess": "runs Graphviz `dot -Tsvg` (fixed argv, no shell) on a graph it wrote",
        "reviewed.py imports subprocess": "runs `git log` / `git show` (fixed argv, no shell; the only "
                                         "variable parts are a commit hash git printed and the file's own name) "
                                         "to find the English a stale translation was reviewed against",
        "shell_tty.py calls importlib.import_module": "imports prompt_toolkit's own modules, by fixed names, "
                                                      "in a background thread while the player reads",
    }
    unreviewed = [f for f in found if f.split(":")[0] + " " + f.split(" ", 1)[1] not in reviewed]
    assert not unreviewed, unreviewed


# -- crafted saves -----------------------------------------------------------------------

def _base(tmp_path: Path) -> dict[str, object]:
    proc = run_pipe(tmp_path / "base", b"2\ndig\nsave base\nquit\n")
    clean_exit(proc, proc.stdout + proc.stderr)
    return save_json(tmp_path / "base", "base")


def _set(obj: dict[str, object], path: tuple[str, ...], value: object) -> dict[str, object]:
    copy = json.loads(json.dumps(obj))
    target = copy
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return copy


CRAFTED: list[tuple[str, tuple[str, ...], object, str]] = [
    ("huge counter", ("state", "vars", "messages"), 10**4000, "ui.save_corrupt"),
    ("huge turn", ("state", "turn"), 10**18, "ui.save_corrupt"),
    ("negative turn", ("state", "turn"), -1, "ui.save_corrupt"),
    ("negative visits", ("state", "visits", "pro_dig"), -3, "ui.save_corrupt"),
    ("float", ("state", "vars", "messages"), 1.5, "ui.save_corrupt"),
    ("string number", ("state", "vars", "messages"), "1", "ui.save_corrupt"),
    ("flag as list", ("state", "vars", "dug"), [True], "ui.save_corrupt"),
    ("state as list", ("state",), [], "ui.save_corrupt"),
    ("notes as text", ("state", "notes"), "defences", "ui.save_corrupt"),
    ("history as text", ("history",), "x", "ui.save_corrupt"),
    ("deep extra", ("extra",), {"x": json.loads("[" * 100 + "]" * 100)}, "ui.save_corrupt"),
    ("version as text", ("version",), "1", "ui.save_corrupt"),
    ("version as bool", ("version",), True, "ui.save_corrupt"),
    ("newer version", ("version",), SAVE_VERSION + 1, "ui.save_newer"),
    ("huge version", ("version",), 10**4000, "ui.save_newer"),
    ("history step past the table", ("history", "steps"), [99, 0, 0], "ui.save_corrupt"),
    ("history length wrong", ("history", "length"), 7, "ui.save_corrupt"),
    ("history without its first state", ("history", "snapshots"), {}, "ui.save_corrupt"),
    ("history snapshot index as text", ("history", "snapshots"), {"zero": {}}, "ui.save_corrupt"),
    ("history step as float", ("history", "steps"), [0.0, 0, 0], "ui.save_corrupt"),
    ("other story", ("story", "id"), "another-story", "ui.save_other_story"),
    ("foreign format", ("format",), "__proto__", "ui.save_foreign"),
]


@pytest.mark.parametrize("name, path, value, key", CRAFTED, ids=[c[0] for c in CRAFTED])
def test_crafted_saves_are_refused_clearly(name: str, path: tuple[str, ...], value: object, key: str,
                                           tmp_path: Path) -> None:
    story = load_fixture().story
    assert story is not None
    with pytest.raises(SaveError) as info:
        decode(story, _set(_base_cached(tmp_path), path, value), slot="x")
    assert info.value.key == key


_BASE: dict[str, object] = {}


def _base_cached(tmp_path: Path) -> dict[str, object]:
    if not _BASE:
        _BASE.update(_base(tmp_path))
    return _BASE


@pytest.mark.parametrize("raw", [
    pickle.dumps({"format": "hengyang-save"}),
    b"\x80\x04\x95" + b"cos\nsystem\n(S'touch x'\ntR.",
    b"[" * 200_000,
    b'{"format": "hengyang-save", "version": 1e999}',
    b'{"format": "hengyang-save", "version": NaN}',
    b'{"a": ' * 5000 + b"1" + b"}" * 5000,
    b"\xef\xbb\xbf\xef\xbb\xbf{}",
])
def test_raw_bytes_that_are_not_a_save(raw: bytes, tmp_path: Path) -> None:
    store = SaveStore(tmp_path)
    (tmp_path / "x.json").write_bytes(raw)
    story = load_fixture().story
    with pytest.raises(SaveError) as info:
        decode(story, store.read("x"), slot="x")  # type: ignore[arg-type]
    assert info.value.key in ("ui.save_corrupt", "ui.save_foreign")


def test_hostile_names_and_escape_codes_in_a_save_are_inert_in_the_real_game(tmp_path: Path) -> None:
    """Variable and note names like __proto__, and terminal escape sequences in every text
    field of a save: the save loads (what no longer fits is dropped, with a message), and the
    game's output carries no escape byte."""
    base = _base_cached(tmp_path)
    esc = "\x1b]0;owned\x07\x1b[2J\x1b[31m"
    crafted = _set(base, ("state", "vars", "__proto__"), 1)
    crafted = _set(crafted, ("state", "vars", "constructor" + esc), True)
    crafted = _set(crafted, ("state", "notes"), ["defences", "__proto__", esc])
    crafted = _set(crafted, ("state", "scene"), "gone" + esc)
    crafted = _set(crafted, ("summary",), {"chapter": esc, "scene": esc})
    crafted = _set(crafted, ("saved_at",), esc)
    crafted["__proto__"] = {"polluted": True}
    other = _set(base, ("story", "id"), "x" + esc)
    saves = tmp_path / "saves"
    saves.mkdir()
    (saves / "crafted.json").write_text(json.dumps(crafted), encoding="utf-8")
    (saves / "other.json").write_text(json.dumps(other), encoding="utf-8")
    proc = run_pipe(saves, b"saves\nload other\nload crafted\nnotes\nsaves\nquit\n")
    out = proc.stdout.decode("utf-8")
    clean_exit(proc, out + proc.stderr.decode())
    assert "\x1b" not in out and "\x07" not in out
    assert 'Loaded "crafted"' in out and "no longer exists" in out
    assert "dropped what it no longer uses (__proto__, constructor]0;owned[2J[31m)" in out
    assert "belongs to another story" in out


# -- slot names --------------------------------------------------------------------------

HOSTILE_SLOTS = ["../../etc/passwd", "..", ".", "/tmp/x", "a/b", "a\\b", "~root", "$HOME", "con", "NUL", "com1",
                 "lpt9", "x.json", ".hidden", "a b", "x\u202e", "²", "x" * 41, "-rf", "a\x00b", "%2e%2e"]


@pytest.mark.parametrize("slot", HOSTILE_SLOTS)
def test_slot_names_that_are_paths_or_devices_are_refused(slot: str, tmp_path: Path) -> None:
    with pytest.raises(SaveError) as info:
        check_slot(slot)
    assert info.value.key == "ui.slot_invalid"


def test_slot_names_through_the_real_game_never_touch_anything_outside(tmp_path: Path) -> None:
    saves = tmp_path / "deep" / "saves"
    outside = tmp_path / "deep" / "victim.json"
    outside.parent.mkdir()
    outside.write_text('{"keep": true}')
    commands = b"".join(b"save %s\nload %s\n" % (s.encode(), s.encode()) for s in
                        ["../victim", "../../deep/victim", str(outside).encode().decode(), "con", "..", "a/../b"])
    proc = run_pipe(saves, commands + b"quit\n")
    out = proc.stdout.decode("utf-8")
    clean_exit(proc, out + proc.stderr.decode())
    assert out.count("cannot be a save name") == 12, out
    assert outside.read_text() == '{"keep": true}'
    assert sorted(p.name for p in saves.iterdir()) == [".lock", "autosave.json"]  # .lock: see persistence.py
    assert sorted(p.name for p in (tmp_path / "deep").iterdir()) == ["saves", "victim.json"]
