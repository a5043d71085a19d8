"""``check --stats``: words of scene text per chapter (in reading order) and language, in the
writer's language."""

from __future__ import annotations

import io

from adventure.cli import main
from storykit import write_story


def test_stats_list_each_chapter_in_reading_order(tmp_path) -> None:  # type: ignore[no-untyped-def]
    root = write_story(tmp_path)
    out = io.StringIO()
    assert main(["check", "--stats", "--story", str(root / "story"), "--locales", str(root / "locales")],
                env={}, stdout=out) == 0
    lines = out.getvalue().splitlines()
    assert lines[1] == "Words of scene text, by chapter in reading order:"
    # MINI's scenes: "The first scene. @bob: Hello." (4), "You have {n} points." (3), "The end of it." (4)
    assert lines[2] == "  one: 3 scene(s); en 11  es 8"
    assert lines[3] == "  (endings): 0 scene(s); en 2  es 2"
    assert lines[0].endswith("words of scene text: en 13, es 10.")  # the rows add up to the summary


def test_stats_speak_spanish(tmp_path) -> None:  # type: ignore[no-untyped-def]
    root = write_story(tmp_path)
    out = io.StringIO()
    main(["check", "--stats", "--story", str(root / "story"), "--locales", str(root / "locales")],
         env={"LANG": "es_ES.UTF-8"}, stdout=out)
    assert "  one: 3 escena(s); en 11  es 8" in out.getvalue().splitlines()
