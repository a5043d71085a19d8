"""The story against its sources and its translation (issue 14).

- Spanish: one rendering per term, held by the table in docs/escritura.md (its "No usar"
  column); a quotation repeated in two scenes is the same words in both.
- Every scene where someone speaks says, in a credit line the player sees, that it is
  dramatised; the hospital scenes say that Wang Nutao's placement there is invented.
- Every ending unlocks the figures and the disagreements between the sources; the killing of
  the wounded in the hospital is said to be the Japanese army's doing in both languages.
- Repairs of the damaged source text are marked in brackets.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from adventure.core import model as m
from adventure.core.engine import available, new_game, step
from adventure.files.loader import load_story

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def shipped():  # type: ignore[no-untyped-def]
    result = load_story()
    assert result.ok and result.story is not None and result.catalog is not None
    return result


def terminology() -> list[tuple[str, str, list[str]]]:
    """(English, Spanish, forbidden renderings) from the table in docs/escritura.md."""
    doc = (ROOT / "docs" / "escritura.md").read_text(encoding="utf-8")
    block = doc.split("<!-- terminología -->")[1].split("<!-- /terminología -->")[0]
    rows = []
    for line in block.strip().splitlines()[2:]:
        english, spanish, banned = (cell.strip() for cell in line.strip().strip("|").split("|"))
        rows.append((english, spanish, re.findall(r"`([^`]+)`", banned)))
    return rows


def test_the_terminology_table_is_there_and_forbids_the_old_renderings() -> None:
    rows = terminology()
    banned = {b for _, _, bs in rows for b in bs}
    assert len(rows) >= 10
    assert {"las crónicas", "tiro rápido", "granadas de mortero", "palabras grabadas",
            "a lo que no se puede apuntar", "carretilla de arena"} <= banned


def test_spanish_texts_keep_to_the_terminology_table(shipped) -> None:  # type: ignore[no-untyped-def]
    texts = {k: v for k, v in shipped.catalog.texts["es"].items()
             if not k.startswith("ui.") and not k.endswith(".forms")}
    found = []
    for english, _, banned in terminology():
        for variant in banned:
            pattern = re.compile(r"\b" + re.escape(variant).replace(r"\ ", r"\s+") + r"\b")
            found += [(english, variant, key) for key, text in texts.items() if pattern.search(text)]
    assert found == [], found


def _words(text: str) -> str:
    return " ".join(re.sub(r"[«»“”\"'‘’>]", " ", text).split())


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_repeated_quotation_is_the_same_words(shipped, lang: str) -> None:  # type: ignore[no-untyped-def]
    get = shipped.catalog.get
    # The runner repeats the sergeant's Three Don'ts "the way it was said to you".
    rule = [p.split(":", 1)[1] for p in get(lang, m.scene_text_key("bat_three_donts")).split("\n\n")
            if p.startswith("@sergeant:")][1:4]
    repeated = _words(get(lang, m.scene_text_key("pil_rule")))
    for line in rule:
        assert _words(line) in repeated, line
    # Yamauchi Iwao's words in the epilogue are a part of his words in Chapter I.
    quote = [p for p in get(lang, m.scene_text_key("epi_other_side")).split("\n\n") if p.startswith(">")]
    assert quote and _words(quote[0]) in _words(get(lang, m.scene_text_key("bat_yamauchi")))


@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_scene_with_speech_has_a_credit_line(shipped, lang: str) -> None:  # type: ignore[no-untyped-def]
    speech = re.compile(r"^@[a-z_]+:", re.M)
    invented = re.compile(r"invent|invenci", re.I)
    missing = []
    for sid in shipped.story.scenes:
        text = shipped.catalog.get(lang, m.scene_text_key(sid)) or ""
        if speech.search(text):
            credit = shipped.catalog.get(lang, m.scene_credit_key(sid)) or ""
            if not invented.search(credit):
                missing.append(sid)
    assert missing == []


@pytest.mark.parametrize("lang, words", [("en", ("invented", "Reserve 10th Division")),
                                         ("es", ("invención", "10.ª División de Reserva"))])
def test_wang_nutaos_place_in_the_hospital_is_said_to_be_invented(shipped, lang: str, words) -> None:  # type: ignore[no-untyped-def]
    for sid in ("hos_arrival", "hos_wang"):
        credit = shipped.catalog.get(lang, m.scene_credit_key(sid))
        assert all(w in credit for w in words) and ("hospital" in credit), (sid, credit)


@pytest.mark.parametrize("lang, killers", [("en", "the Japanese killed about a thousand wounded Chinese"),
                                           ("es", "los japoneses mataron a unos mil heridos chinos")])
def test_the_hospital_dead_were_killed_by_the_japanese_in_both_languages(shipped, lang: str, killers: str) -> None:  # type: ignore[no-untyped-def]
    assert killers in " ".join(shipped.catalog.get(lang, m.scene_text_key("hos_after")).split())


@pytest.mark.parametrize("lang", ["en", "es"])
def test_repairs_of_the_damaged_source_are_in_brackets(shipped, lang: str) -> None:  # type: ignore[no-untyped-def]
    oujiating = shipped.catalog.get(lang, m.scene_text_key("bat_oujiating"))
    dusk = shipped.catalog.get(lang, m.scene_text_key("pil_dusk"))
    assert oujiating.count("[e]nemy" if lang == "en" else "[enemigos]") == 3
    assert ("[c]aptured" if lang == "en" else "[capturados]") in dusk
    assert "[…]" in oujiating and dusk.count("[…]") == 3


def test_every_ending_reaches_the_figures_and_the_disagreements(shipped) -> None:  # type: ignore[no-untyped-def]
    """Random games to every ending: the two notes are unlocked before the story ends (in the
    scene the ending's last chapter closes on), not only in the optional aside."""
    import random

    story = shipped.story
    rng = random.Random(8)
    endings: set[str] = set()
    for _ in range(400):
        state, _ = new_game(story)
        unlocked_before_coda = None
        while state.ending is None:
            if story.scenes[state.scene].chapter == "coda" and unlocked_before_coda is None:
                unlocked_before_coda = set(state.notes)
            state, _ = step(story, state, rng.choice(available(story, state)).id)
        assert unlocked_before_coda is not None
        assert {"strength_casualties", "sources_disagree"} <= unlocked_before_coda, state.ending
        endings.add(state.ending)
    assert endings == set(story.endings)


# What each reflection question takes for granted the student has read, by the time the
# chapter ends: scenes (any one of a tuple is enough) and notes. An empty entry means the
# question states what it asks about. A new question must be listed here.
RELIES: dict[str, tuple[tuple[tuple[str, ...], ...], tuple[str, ...]]] = {
    "pro_two_weeks": ((), ()), "pro_first_choice": ((("pro_changsha",),), ()), "pro_invented": ((), ()),
    "bat_three_donts": ((), ()), "bat_enjoyable": ((), ("bai_tianlin",)), "bat_other_side": ((), ()),
    "pil_out_of_rounds": ((("pil_dusk",),), ()), "pil_last_pillbox": ((("pil_pillbox", "pil_word"),), ()),
    "pil_interview": ((("pil_dusk",),), ("zang_xiaoxia",)),
    "hos_no_patients": ((("hos_no_patients",),), ("wang_nutao",)), "hos_stay_or_go": ((("hos_sixth",),), ()),
    "hos_unnamed": ((), ("the_hospital",)),
    "epi_telegrams": ((("epi_unsent",),), ("fang_telegram", "chiang_telegram")),
    "epi_disagree": ((), ("strength_casualties", "sources_disagree")), "epi_both_sides": ((), ()),
    "coda_unkept": ((("coda_record",),), ()), "coda_echo": ((), ()),
}


def test_no_reflection_question_relies_on_optional_content(shipped) -> None:  # type: ignore[no-untyped-def]
    import random

    story = shipped.story
    questions = {q.id: q.chapter for q in story.classroom.questions}
    assert set(questions) == set(RELIES)
    rng = random.Random(44)
    for _ in range(400):
        state, _ = new_game(story)
        seen = {state.scene}
        while True:
            chapter = story.scenes[state.scene].chapter
            if state.ending is None:
                state, _ = step(story, state, rng.choice(available(story, state)).id)
            if state.ending is not None or story.scenes[state.scene].chapter != chapter:
                for qid in (q for q, c in questions.items() if c == chapter):
                    scenes, notes = RELIES[qid]
                    for anyof in scenes:
                        assert set(anyof) & seen, (qid, anyof)
                    assert set(notes) <= set(state.notes), (qid, notes)
            if state.ending is not None:
                break
            seen.add(state.scene)
