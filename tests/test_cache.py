"""The parsed-story cache: invalidated by any change, identical results, damage ignored."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from adventure.cli import main
from adventure.core.conditions import Condition
from adventure.files import cache as cache_mod
from adventure.files import loader
from adventure.files.cache import ParseCache, compute_engine_key, default_cache_dir, engine_key, open_cache
from adventure.files.loader import LoadResult, load_story
from storykit import FIXTURE, MINI, write_story

ROOT = Path(__file__).resolve().parent.parent


def plain(obj: Any) -> Any:
    """A comparable form of what the loader built (a condition by its source and reads)."""
    if isinstance(obj, Condition):
        return ("condition", obj.source, sorted(obj.names), sorted(obj.scenes))
    if isinstance(obj, tuple) and hasattr(obj, "_fields"):
        return (type(obj).__name__, {f: plain(getattr(obj, f)) for f in obj._fields})
    if isinstance(obj, (list, tuple)):
        return [plain(x) for x in obj]
    if hasattr(obj, "items"):
        return {k: plain(v) for k, v in obj.items()}
    return obj


def same(a: LoadResult, b: LoadResult) -> None:
    assert plain(a.story) == plain(b.story)
    assert plain(a.catalog) == plain(b.catalog)
    assert a.diagnostics == b.diagnostics
    assert a.files == b.files


def new_cache(tmp_path: Path, engine: str = "test-engine") -> ParseCache:
    return ParseCache(tmp_path / "cache", engine)


def load(root: Path, cache: ParseCache | None) -> LoadResult:
    return load_story(root / "story", root / "locales", cache=cache)


# A story with problems of every stage: stage 1 (an unknown field, a duplicate key), link
# (an unknown target, an undeclared variable in a condition) and locales (a missing text).
BROKEN = {
    "story/one.yaml": [("    ending: done", "    ending: done\n    colour: red"),
                       ("      end: c", "      end: c\n      far: nowhere\n      odd:\n        to: a\n        when: x > 1")],
    "locales/es/text.yaml": ("      flag: Izar la bandera.\n", ""),
}


@pytest.mark.parametrize("edits", [None, BROKEN], ids=["clean", "with-problems"])
def test_same_story_catalog_and_diagnostics_without_cache_cold_and_warm(tmp_path: Path, edits: Any) -> None:
    root = write_story(tmp_path / "s", edits)
    bare = load(root, None)
    cache = new_cache(tmp_path)
    cold = load(root, cache)
    assert cache.misses == len(bare.files) and cache.hits == 0
    warm_cache = new_cache(tmp_path)
    warm = load(root, warm_cache)
    assert warm_cache.hits == len(bare.files) and warm_cache.misses == 0
    same(bare, cold)
    same(bare, warm)
    if edits:
        assert {d.code for d in bare.diagnostics} >= {"E200", "E205", "E206", "E300"}


def test_same_results_for_the_frozen_prologue(tmp_path: Path) -> None:
    bare = load(FIXTURE, None)
    load(FIXTURE, new_cache(tmp_path))
    warm_cache = new_cache(tmp_path)
    same(bare, load(FIXTURE, warm_cache))
    assert warm_cache.misses == 0


def test_any_edit_reparses_that_file_only(tmp_path: Path) -> None:
    root = write_story(tmp_path / "s")
    load(root, new_cache(tmp_path))
    text = root / "locales/en/text.yaml"
    text.write_text(text.read_text(encoding="utf-8").replace("Scene A", "Scene Alpha"), encoding="utf-8")
    cache = new_cache(tmp_path)
    result = load(root, cache)
    assert cache.misses == 1
    assert result.catalog is not None and result.catalog.get("en", "scenes.a.title") == "Scene Alpha"
    same(load(root, None), result)
    # A change of one byte that YAML reads the same way still counts as a change.
    text.write_bytes(text.read_bytes() + b"\n")
    cache = new_cache(tmp_path)
    load(root, cache)
    assert cache.misses == 1


def test_an_added_or_removed_file_is_seen(tmp_path: Path) -> None:
    root = write_story(tmp_path / "s")
    load(root, new_cache(tmp_path))
    extra = root / "locales/en/extra.yaml"
    extra.write_text("scenes:\n  a:\n    credit: A credit.\n", encoding="utf-8")
    cache = new_cache(tmp_path)
    added = load(root, cache)
    assert cache.misses == 1
    assert added.catalog is not None and added.catalog.get("en", "scenes.a.credit") == "A credit."
    same(load(root, None), added)
    extra.unlink()
    cache = new_cache(tmp_path)
    removed = load(root, cache)
    assert cache.misses == 0
    assert removed.catalog is not None and removed.catalog.get("en", "scenes.a.credit") is None
    same(load(root, None), removed)


def test_an_engine_upgrade_or_a_changed_loader_makes_every_entry_stale(tmp_path: Path) -> None:
    root = write_story(tmp_path / "s")
    first = load(root, new_cache(tmp_path, "0.1.0-aaaa"))
    upgraded = new_cache(tmp_path, "0.2.0-aaaa")
    same(first, load(root, upgraded))
    assert upgraded.hits == 0 and upgraded.misses == len(first.files)
    # The key follows the version and the source of every module that shapes a record.
    package = tmp_path / "pkg"
    shutil.copytree(ROOT / "adventure", package, ignore=shutil.ignore_patterns("__pycache__"))
    key = compute_engine_key(package, "0.1.0")
    assert key is not None and key == compute_engine_key(package, "0.1.0")
    assert compute_engine_key(package, "0.1.1") != key
    for name in cache_mod.RECORD_SOURCES:
        path = package / name
        original = path.read_bytes()
        path.write_bytes(original + b"\n# changed\n")
        assert compute_engine_key(package, "0.1.0") != key, name
        path.write_bytes(original)
    (package / cache_mod.RECORD_SOURCES[0]).unlink()
    assert compute_engine_key(package, "0.1.0") is None  # unreadable sources: no cache at all
    assert engine_key() == compute_engine_key(ROOT / "adventure", cache_mod.ENGINE_VERSION)


@pytest.mark.parametrize("damage", ["garbage", "empty", "truncated", "body-edited", "header-only",
                                    "forged-record", "not-an-object", "binary"])
def test_a_damaged_cache_is_ignored_and_rebuilt_silently(tmp_path: Path, damage: str) -> None:
    root = write_story(tmp_path / "s")
    bare = load(root, None)
    load(root, new_cache(tmp_path))
    entries = sorted((tmp_path / "cache").glob("*.json"))
    assert len(entries) == len(bare.files)
    for entry in entries:
        data = entry.read_bytes()
        header, _, body = data.partition(b"\n")
        if damage == "garbage":
            entry.write_bytes(b"{not json")
        elif damage == "empty":
            entry.write_bytes(b"")
        elif damage == "truncated":
            entry.write_bytes(data[: len(data) // 2])
        elif damage == "body-edited":
            entry.write_bytes(header + b"\n" + body.replace(b"Scene", b"Sc\\u00e8ne"))
        elif damage == "header-only":
            entry.write_bytes(header + b"\n")
        elif damage == "forged-record":  # a checksum that matches a record of the wrong shape
            forged = json.dumps({"path": json.loads(header)["shown"], "scenes": 5, "entries": "x"}).encode()
            fixed = json.loads(header)
            fixed["body"] = cache_mod.sha256(forged).hexdigest()
            entry.write_bytes(json.dumps(fixed).encode() + b"\n" + forged)
        elif damage == "not-an-object":
            entry.write_bytes(b"[1, 2]\n[]")
        else:
            entry.write_bytes(bytes(range(256)) * 4)
    cache = new_cache(tmp_path)
    same(bare, load(root, cache))
    again = new_cache(tmp_path)
    same(bare, load(root, again))
    assert again.hits == len(bare.files) and again.misses == 0  # every entry was rewritten


def test_a_cache_that_cannot_be_written_only_costs_time(tmp_path: Path) -> None:
    root = write_story(tmp_path / "s")
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the folder should be", encoding="utf-8")
    cache = ParseCache(blocker / "sub", "x")
    same(load(root, None), load(root, cache))
    assert cache.misses > 0


def test_where_the_cache_lives_and_how_to_turn_it_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = {"XDG_CACHE_HOME": str(tmp_path / "xdg")}
    assert default_cache_dir(env) == tmp_path / "xdg" / "hengyang" / "parsed"
    assert default_cache_dir({**env, "HENGYANG_CACHE_DIR": str(tmp_path / "mine")}) == tmp_path / "mine"
    assert default_cache_dir({**env, "HENGYANG_NO_CACHE": "1"}) is None
    assert open_cache({**env, "HENGYANG_NO_CACHE": "1"}) is None
    assert default_cache_dir({**env, "HENGYANG_NO_CACHE": "0"}) == tmp_path / "xdg" / "hengyang" / "parsed"
    opened = open_cache(env)
    assert opened is not None and opened.engine == engine_key()


def test_check_and_the_game_both_use_the_cache(tmp_path: Path) -> None:
    root = write_story(tmp_path / "s")
    where = tmp_path / "c"
    env = {"HENGYANG_CACHE_DIR": str(where), "HENGYANG_SAVE_DIR": str(tmp_path / "saves")}
    args = ["--story", str(root / "story"), "--locales", str(root / "locales")]
    out = io.StringIO()
    assert main(["check", *args], env=env, stdout=out, stderr=io.StringIO()) == 0
    entries = {p.name: p.stat().st_mtime_ns for p in where.glob("*.json")}
    assert len(entries) == len(load(root, None).files)
    again = io.StringIO()
    assert main(["check", *args], env=env, stdout=again, stderr=io.StringIO()) == 0
    assert again.getvalue() == out.getvalue()
    assert {p.name: p.stat().st_mtime_ns for p in where.glob("*.json")} == entries  # read, not rewritten
    shutil.rmtree(where)
    played = io.StringIO()
    code = main(args, env=env, stdin=io.BytesIO(b"1\nquit\n"), stdout=played, stderr=io.StringIO())
    assert code == 0 and "Scene A" in played.getvalue()
    assert len(list(where.glob("*.json"))) == len(entries)
    # Turned off: nothing is written.
    shutil.rmtree(where)
    env["HENGYANG_NO_CACHE"] = "1"
    assert main(["check", *args], env=env, stdout=io.StringIO(), stderr=io.StringIO()) == 0
    assert not where.exists()


# -- the fast reading of locale files agrees with the general one ----------------------------

def _general(data: bytes, path: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    with monkeypatch.context() as m:
        m.setattr(loader, "read_flat_mapping", lambda text: None)
        return loader.parse_locale_file(data, path)


@pytest.mark.parametrize("text", [
    MINI["locales/en/text.yaml"], MINI["locales/es/text.yaml"],
    (FIXTURE / "locales/en/prologue.yaml").read_text(encoding="utf-8"),
    "a: [x]\n", "a:\n  b: ~\n", "a.b: x\n", "'': x\n", "a: x\na: y\n", "a: &x y\n", "a: !!str y\n",
    "just text\n", "", "a: x\n---\nb: y\n", "a:\n  - b\n", "? [a]\n: x\n", "a: {b: c, d: 'e'}\n",
    "a: |\n  two\n  lines\nb: >\n  folded\n  text\n", "\ufeffa: x\n", "a: x\n\tb: y\n", "a: 'unclosed\n",
])
def test_flat_locale_reading_agrees_with_the_tree(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    data = text.encode("utf-8")
    assert loader.parse_locale_file(data, "x.yaml") == _general(data, "x.yaml", monkeypatch)


_keys = st.text(alphabet="abcxyz_.é ", min_size=0, max_size=6)
_values = st.one_of(st.text(max_size=30), st.sampled_from(["~", "null", "yes", "1", "", "{n} left", "a: b"]))
_trees = st.recursive(_values, lambda inner: st.dictionaries(_keys, inner, max_size=4), max_leaves=12)


@settings(max_examples=150, deadline=None)
@given(tree=st.dictionaries(_keys, _trees, max_size=5), style=st.sampled_from([None, '"', "'", "|"]))
def test_flat_locale_reading_agrees_on_generated_files(tree: dict[str, Any], style: str | None) -> None:
    text = yaml.safe_dump(tree, allow_unicode=True, default_style=style, sort_keys=False)
    data = text.encode("utf-8")
    fast = loader.parse_locale_file(data, "x.yaml")
    original = loader.read_flat_mapping
    try:
        loader.read_flat_mapping = lambda text: None  # type: ignore[assignment]
        slow = loader.parse_locale_file(data, "x.yaml")
    finally:
        loader.read_flat_mapping = original
    assert fast == slow


def test_the_story_hash_is_the_story_not_the_interface_wording(tmp_path: Path) -> None:
    """Saves and reports name the story by its content hash; rewording an interface message
    (a ui*.yaml file) must not make every report "another version of the story"."""
    root = write_story(tmp_path / "s")
    first = load(root, None)
    (root / "locales" / "en" / "ui_extra.yaml").write_text('ui:\n  extra_note: "A reworded message."\n',
                                                          encoding="utf-8")
    second = load(root, None)
    assert first.story is not None and second.story is not None
    assert second.story.hash == first.story.hash
    (root / "locales" / "en" / "text.yaml").write_text(
        (root / "locales" / "en" / "text.yaml").read_text(encoding="utf-8").replace("The first scene.", "The opening."),
        encoding="utf-8")
    assert load(root, None).story.hash != first.story.hash  # type: ignore[union-attr]
