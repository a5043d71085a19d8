"""The shipped story as a whole: size, shape, sources, and every ending played from the very
start in both languages."""

from __future__ import annotations

import re

import pytest

from adventure.core import model as m
from adventure.core.engine import available, new_game, step
from adventure.files.loader import load_story
from adventure.files.structure import graph_diagnostics, summarise
from adventure.play.session import Session

SOURCES = {"000_fcdb49938f735203.txt", "001_0f73165df8b93894.txt", "002_bda323ccd7bffb6d.txt",
           "003_d493f927125c1d58.txt"}
REAL_PEOPLE = {"bai_tianlin", "zang_xiaoxia", "wang_nutao", "fang_xianjue", "ge_xiancai", "yamauchi_iwao"}


@pytest.fixture(scope="module")
def shipped():  # type: ignore[no-untyped-def]
    result = load_story()
    assert result.ok and result.story is not None and result.catalog is not None
    return result


def test_check_is_clean_without_warnings(shipped) -> None:  # type: ignore[no-untyped-def]
    diags = shipped.diagnostics + graph_diagnostics(shipped.story, shipped.catalog)
    assert diags == [], [d.format() for d in diags]


def test_size_of_the_story(shipped) -> None:  # type: ignore[no-untyped-def]
    summary = summarise(shipped.story, shipped.catalog)
    assert summary.scenes >= 60 and summary.notes >= 24 and summary.endings >= 3
    assert summary.words["en"] >= 10_000
    assert 0.85 <= summary.words["es"] / summary.words["en"] <= 1.25, summary.words


def test_every_chapter_has_four_decision_points(shipped) -> None:  # type: ignore[no-untyped-def]
    story = shipped.story
    # The coda is not a chapter of decisions: its scenes offer one choice at a time (tests/
    # test_story_consequences.py), routed by what the player did earlier.
    for chapter in (c for c in story.chapters if c.id != "coda"):
        decisions = [s for s in story.scenes.values() if s.chapter == chapter.id
                     and len({(c.to, c.effects) for c in s.choices}) >= 2]
        assert len(decisions) >= 4, (chapter.id, [s.id for s in decisions])


def test_notes_cite_the_sources(shipped) -> None:  # type: ignore[no-untyped-def]
    for note in shipped.story.notes.values():
        assert note.sources and set(note.sources) <= SOURCES, (note.id, note.sources)
        for lang in ("en", "es"):
            assert shipped.catalog.get(lang, m.note_body_key(note.id))


def test_scenes_with_real_people_speaking_say_they_are_dramatised(shipped) -> None:  # type: ignore[no-untyped-def]
    speaker = re.compile(r"^@([a-z_]+):", re.M)
    for sid in shipped.story.scenes:
        for lang in ("en", "es"):
            text = shipped.catalog.get(lang, m.scene_text_key(sid)) or ""
            if set(speaker.findall(text)) & REAL_PEOPLE:
                credit = shipped.catalog.get(lang, m.scene_credit_key(sid))
                assert credit, f"{sid} ({lang}) has a real person speak but no credit line"


def test_no_english_left_in_spanish(shipped) -> None:  # type: ignore[no-untyped-def]
    en, es = shipped.catalog.texts["en"], shipped.catalog.texts["es"]
    same = [k for k, v in en.items() if not k.startswith(("ui.", "characters.")) and es.get(k) == v
            and len(v.split()) > 2]
    assert same == []
    english = re.compile(r"\b(the|and|you|with|which|would|there)\b")
    leaks = [k for k, v in es.items() if not k.startswith("ui.") and len(english.findall(v)) >= 3]
    assert leaks == [], leaks


def paths_to_endings(story: m.Story, *, walks: int = 3000, seed: int = 1944) -> dict[str, list[str]]:
    """For each ending, a list of choice ids from a new game that reaches it, found by seeded
    random playthroughs of the real engine (conditions and all); the shortest one found."""
    import random

    rng = random.Random(seed)
    found: dict[str, list[str]] = {}
    for _ in range(walks):
        state, _ = new_game(story)
        path: list[str] = []
        while state.ending is None and len(path) < 400:
            choices = available(story, state)
            assert choices, f"stuck at {state.scene} after {path}"
            choice = rng.choice(choices)
            path.append(choice.id)
            state, _ = step(story, state, choice.id)
        assert state.ending is not None, f"no ending after 400 choices: {path[-10:]}"
        if state.ending not in found or len(path) < len(found[state.ending]):
            found[state.ending] = path
    return found


@pytest.fixture(scope="module")
def ending_paths(shipped):  # type: ignore[no-untyped-def]
    return paths_to_endings(shipped.story)


def test_every_ending_is_reachable_from_the_start(shipped, ending_paths) -> None:  # type: ignore[no-untyped-def]
    assert set(ending_paths) == set(shipped.story.endings)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_ending_plays_from_the_start(shipped, ending_paths, lang: str) -> None:  # type: ignore[no-untyped-def]
    story, catalog = shipped.story, shipped.catalog
    for ending, path in sorted(ending_paths.items()):
        session = Session(story, catalog, lang=lang, store=None)
        shown = "\n".join(p.text for p in session.begin())
        for choice_id in path:
            assert session.state is not None
            number = [c.id for c in available(story, session.state)].index(choice_id) + 1
            shown += "\n" + "\n".join(p.text for p in session.handle(str(number)).paras)
        assert session.state is not None and session.state.ending == ending
        assert catalog.get(lang, m.ending_title_key(ending)) in shown
        missing = re.findall(r"\[(?:scenes|notes|endings|chapters|characters|ui)\.[^\]]+\]", shown)
        assert missing == [], f"untranslated keys on the way to {ending} in {lang}: {missing}"


@pytest.mark.parametrize("lang, ending", [("en", "last_message"), ("es", "among_the_wounded"),
                                          ("es", "the_letter"), ("en", "terms")])
def test_real_game_reaches_an_ending_through_a_pipe(shipped, ending_paths, lang: str, ending: str,  # type: ignore[no-untyped-def]
                                                   tmp_path) -> None:
    import os
    import subprocess
    import sys
    from pathlib import Path

    story = shipped.story
    state, _ = new_game(story)
    numbers = []
    for choice_id in ending_paths[ending]:
        numbers.append(str([c.id for c in available(story, state)].index(choice_id) + 1))
        state, _ = step(story, state, choice_id)
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "HENGYANG_SAVE_DIR": str(tmp_path)}
    proc = subprocess.run([sys.executable, str(root / "play.py"), "--lang", lang],
                          input="\n".join(numbers).encode(), capture_output=True, cwd=root, env=env, timeout=60)
    out = proc.stdout.decode("utf-8")
    assert proc.returncode == 0 and proc.stderr == b""
    assert shipped.catalog.get(lang, m.ending_title_key(ending)) in out
    assert b"\x1b" not in proc.stdout and "Traceback" not in out


def test_every_source_has_a_title_true_to_the_fact_sheet(shipped) -> None:  # type: ignore[no-untyped-def]
    """The game, the report and the reading edition name sources by title, in each language.
    What each title says is what /work/shared/sources/README.md says the file is."""
    story, catalog = shipped.story, shipped.catalog
    assert {s.file for s in story.classroom.sources} == SOURCES
    expected = {  # file -> words each title must hold, per language (from the fact sheet)
        "000_fcdb49938f735203.txt": {"en": ["Spanish article"], "es": ["en español"]},
        "001_0f73165df8b93894.txt": {"en": ["Defense of Hengyang", "encyclopedia", "1995", "eyewitness"],
                                     "es": ["Defense of Hengyang", "enciclopedia", "1995", "testimonios"]},
        "002_bda323ccd7bffb6d.txt": {"en": ["short copy", "losses"], "es": ["copia breve", "bajas"]},
        "003_d493f927125c1d58.txt": {"en": ["military wiki", "calibres"], "es": ["wiki militar", "calibres"]},
    }
    for src in story.classroom.sources:
        for lang in ("en", "es"):
            title = catalog.texts[lang][m.source_title_key(src.id)]
            assert ".txt" not in title
            for word in expected[src.file][lang]:
                assert word in title, (src.file, lang, title)
    s = Session(story, catalog, lang="es", store=None)
    s.begin()
    s.state = s.state._replace(notes=("ichi_go",))  # type: ignore[union-attr]
    shown = "\n".join(p.text for p in s.handle("notas 1").paras)
    assert "Fuentes: " in shown and ".txt" not in shown and "«Defense of Hengyang»" in shown


def test_no_text_a_player_reads_cites_a_source_by_its_number(shipped) -> None:  # type: ignore[no-untyped-def]
    """A student cannot know what "source 001" is: glossary entries, notes and scenes name the
    source as its title does ("the encyclopedia article", "la wiki militar")."""
    numbered = re.compile(r"\b(?:sources?|fuentes?)\s+(?:\d{3}\b|the\s+\d{3})|\b(?:in|en\s+la)\s+00\d\b", re.I)
    for lang in ("en", "es"):
        found = {k: v for k, v in shipped.catalog.texts[lang].items()
                 if not k.startswith("ui.") and numbered.search(v)}
        assert not found, (lang, found)
    glossary = shipped.catalog.texts["en"]["glossary.ichi_go.definition"]
    assert "the short copy of the article and the military wiki" in glossary
