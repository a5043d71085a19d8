"""Every diagnostic code, triggered by a small story, at the file and line a writer expects."""

from __future__ import annotations

from pathlib import Path

import pytest

from adventure.core.diagnostics import CODES, Diagnostic
from adventure.files import yamlread
from adventure.tools.explore import explore
from storykit import MINI, check_dir, load_dir, write_story

ONE = "story/one.yaml"
MAN = "story/story.yaml"
EN = "locales/en/text.yaml"
ES = "locales/es/text.yaml"

CLS = "story/classroom.yaml"
CLS_TEXTS: dict[str, object] = {
    "locales/en/cls.yaml": "questions:\n  q1:\n    text: Why?\n",
    "locales/es/cls.yaml": "questions:\n  q1:\n    text: ¿Por qué?\n",
}
GLOSSARY: dict[str, object] = {
    CLS: "glossary: [scene]\n",
    "locales/en/cls.yaml": "glossary:\n  scene:\n    term: scene\n    definition: A part of a story.\n",
    "locales/es/cls.yaml": "glossary:\n  scene:\n    term: escena\n    definition: Una parte de una historia.\n",
}

# code -> (edits, file the diagnostic must name, line)
CASES: dict[str, tuple[dict[str, object], str, int]] = {
    "E100": ({ONE: ("    ending: done", "    ending: [done")}, ONE, 26),  # where the [ opens
    "E101": ({ONE: ("  c:\n", "  a:\n    ending: done\n  c:\n")}, ONE, 25),
    "E102": ({ONE: ("    sources: [x.txt]", "    sources: &s [x.txt]")}, ONE, 29),
    "E103": ({"story/deep.yaml": "x: " + "[" * 100 + "]" * 100 + "\n"}, "story/deep.yaml", 1),
    "E104": ({ONE: ("    ending: done", "    ending: !!python/object:os.system done")}, ONE, 26),
    "E105": ({"story/bad.yaml": b"chapter: x\n\xff\xfe\n"}, "story/bad.yaml", 2),
    "E106": ({"story/multi.yaml": "notes: {}\n---\nx: 1\n"}, "story/multi.yaml", 2),
    "E107": ({"story/empty.yaml": ""}, "story/empty.yaml", 1),
    "E108": ({EN: ("The first scene.", "The first\x07 scene.")}, EN, 13),
    "E109": ({ONE: ("  c:\n    ending: done", "  c:\n\tending: done")}, ONE, 26),
    "E110": ({}, ONE, 1),  # with the size limit lowered below
    "E111": ({}, ONE, 0),  # with reading made to fail below
    "W101": ({ONE: b"\xef\xbb\xbf" + MINI[ONE].encode()}, ONE, 1),
    "E200": ({ONE: ("    witness: bob", "    witness: bob\n    txt: hi")}, ONE, 20),
    "E201": ({ONE: ("    sources: [x.txt]", '    date: "1944-06-22"')}, ONE, 29),
    "E202": ({ONE: ("    ending: done", "    ending: [done]")}, ONE, 26),
    "E203": ({ONE: ("  c:\n", "  c-d:\n    ending: done\n  c:\n")}, ONE, 25),
    "E204": ({MAN: ("chapters: [one]", "chapters: [one, two]"),
              "story/two.yaml": "chapter: two\nscenes:\n  c:\n    ending: done\n"}, "story/two.yaml", 3),
    "E205": ({ONE: ("      end: c", "      end: cc")}, ONE, 24),
    "E206": ({ONE: ("        when: f", "        when: g")}, ONE, 23),
    "E207": ({ONE: ("        when: f", "        when: f = true")}, ONE, 23),
    "E208": ({ONE: ("      - note: n1", "      - note: n2")}, ONE, 6),
    "E209": ({ONE: ("    ending: done", "    ending: finished")}, ONE, 26),
    "E210": ({ONE: ("    witness: bob", "    witness: rob")}, ONE, 19),
    "E211": ({ONE: ("    choices:\n      back:\n        to: a\n        when: f\n      end: c\n", "")}, ONE, 18),
    "E212": ({MAN: ("  start: a", "  start: z")}, MAN, 4),
    "E213": ({ONE: ("chapter: one", "chapter: uno")}, ONE, 1),
    "E214": ({ONE: ("          - add: {n: 1}", "          - add: {f: 1}")}, ONE, 12),
    "E215": ({ONE: ('    date: "1944-06-28"', '    date: "1944-06-31"')}, ONE, 4),
    "E216": ({ONE: ("        once: true", "        once: yes")}, ONE, 15),
    "E217": ({MAN: None}, "story", 0),
    "E218": ({MAN: ("  languages: [en, es]", "  languages: [en, English]")}, MAN, 5),
    "E219": ({EN: ("@bob: Hello.", "@bobb: Hello.")}, EN, 15),
    "E300": ({EN: ("      flag: Raise the flag.\n", "")}, ONE, 13),
    "E301": ({ES: ("Tienes {n} puntos.", "Tienes puntos.")}, ES, 21),
    "E302": ({EN: ("You have {n} points.", "You have {n.__class__} points.")}, EN, 21),
    "E303": ({EN: ("    title: Scene C", "    title: [Scene, C]")}, EN, 26),
    "E304": ({"locales/en/xtra.yaml": "story:\n  title: Again\n"}, "locales/en/xtra.yaml", 2),
    "E305": ({ES: None}, "locales/es", 0),
    "E306": ({EN: ("endings:\n", 'ui:\n  left:\n    one: "{n} left"\n    other: "{n} left"\nendings:\n'),
              ES: ("endings:\n", 'ui:\n  left:\n    other: "quedan {n}"\nendings:\n')}, ES, 34),
    "W301": ({EN: ("    title: Scene C", "    titel: x\n    title: Scene C")}, EN, 26),
    "W201": ({ONE: ("  c:\n", "  lost:\n    ending: done\n  c:\n")}, ONE, 25),
    "W202": ({MAN: ("endings: [done]", "endings: [done, other]")}, MAN, 11),
    "W203": ({ONE: ("    sources: [x.txt]", "    sources: [x.txt]\n  n2:\n    sources: [y.txt]")}, ONE, 30),
    "W204": ({ONE: ("      end: c", "      end: a")}, ONE, 3),
    "W205": ({MAN: ("  f: false", "  f: false\n  m: 0")}, MAN, 11),
    "W302": ({EN: ("    title: Scene A\n", "    title: Scene A\n    credit: Invented.\n")}, EN, 12),
    "W303": ({"locales/es/review.lock": "scenes.a.title 00000000\n"}, ES, 11),
    "W304": ({"locales/es/review.lock": "# lock\n<<<<<<< HEAD\n"}, "locales/es/review.lock", 2),
    "E501": ({CLS: "questions:\n  one: [q1]\n  uno: [q2]\n", **CLS_TEXTS}, CLS, 3),
    "W501": ({**GLOSSARY, EN: ("The first scene.", "The first [[scene|scen]].")}, EN, 12),
    "W502": ({EN: ("The first scene.", "The first [[scene| x]].")}, EN, 12),
    "W503": ({CLS: "sources:\n  y.txt: why\n",
              "locales/en/cls.yaml": "sources:\n  why:\n    title: Why\n    about: A text.\n",
              "locales/es/cls.yaml": "sources:\n  why:\n    title: Por qué\n    about: Un texto.\n"}, ONE, 28),
    "W504": ({CLS: "questions:\n  one: [q1]\n", **CLS_TEXTS, MAN: ("chapters: [one]", "chapters: [one, two]"),
              "story/two.yaml": "chapter: two\nscenes:\n  d:\n    ending: done\n"}, "story/two.yaml", 1),
    "W505": ({ES: ("La primera escena.\n\n      @bob: Hola.", "La primera escena.\n      @bob: Hola.")}, ES, 12),
}

# Codes found by `python play.py explore` (the reachable state space), not by check:
# code -> (edits, file, line, options for explore()).
CLEAN = ("        once: true", "        once: false")  # MINI itself has a soft-lock (E401)
UNPLAYED: dict[str, object] = {
    ONE: [CLEAN, ("      end: c\n", "      end: c\n      odd:\n        to: d\n        when: n == 9\n"),
          ("  c:\n", "  d:\n    effects:\n      - note: n2\n    ending: other\n  c:\n"),
          ("    sources: [x.txt]", "    sources: [x.txt]\n  n2:\n    sources: [y.txt]")],
    MAN: ("endings: [done]", "endings: [done, other]"),
    EN: [("      end: Finish.\n", "      end: Finish.\n      odd: Odd.\n"),
         ("  c:\n    title: Scene C", "  d:\n    title: D\n    text: D.\n  c:\n    title: Scene C"),
         ("endings:\n", "endings:\n  other:\n    title: O\n    text: O.\n"),
         ("notes:\n", "notes:\n  n2:\n    title: N2\n    body: B2.\n")],
    ES: [("      end: Terminar.\n", "      end: Terminar.\n      odd: Raro.\n"),
         ("  c:\n    title: Escena C", "  d:\n    title: D\n    text: D.\n  c:\n    title: Escena C"),
         ("endings:\n", "endings:\n  other:\n    title: O\n    text: O.\n"),
         ("notes:\n", "notes:\n  n2:\n    title: N2\n    body: B2.\n")],
}
EXPLORE_CASES: dict[str, tuple[dict[str, object], str, int, dict[str, int]]] = {
    "E401": ({}, ONE, 3, {}),
    "E402": ({ONE: [CLEAN, ("      end: c", "      end: a")]}, ONE, 18, {}),
    "W401": (UNPLAYED, ONE, 28, {}),
    "W402": (UNPLAYED, ONE, 25, {}),
    "W403": ({ONE: ("        once: true", "        once: false\n        when: n < 5")}, ONE, 13, {}),
    "W404": (UNPLAYED, MAN, 11, {}),
    "W405": (UNPLAYED, ONE, 37, {}),
    "W406": ({ONE: [CLEAN]}, MAN, 1, {"max_states": 3}),
}


def test_every_code_has_a_case() -> None:
    assert not set(CASES) & set(EXPLORE_CASES)
    assert set(CASES) | set(EXPLORE_CASES) == set(CODES), "add a case here for every new diagnostic code"


def reported(code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Diagnostic]:
    """Run the case for ``code``; the diagnostics of that code at the place it expects."""
    if code in EXPLORE_CASES:
        edits, where, line, options = EXPLORE_CASES[code]
        root = write_story(tmp_path, edits)
        monkeypatch.chdir(root)
        result = load_dir(root)
        assert result.ok and result.story is not None, [d.format() for d in result.diagnostics if d.is_error]
        found = explore(result.story, command="python play.py", **options).findings
    else:
        edits, where, line = CASES[code]
        root = write_story(tmp_path, edits)
        _break_things(code, monkeypatch)
        monkeypatch.chdir(root)
        found = check_dir(root)
    return [d for d in found if d.code == code and (d.path, d.line) == (where, line)]


def _break_things(code: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if code == "E110":
        monkeypatch.setattr(yamlread, "MAX_BYTES", 200)
    if code == "E111":
        real = Path.read_bytes

        def failing(self: Path) -> bytes:
            if self.name == "one.yaml":
                raise PermissionError(13, "Permission denied")
            return real(self)

        monkeypatch.setattr(Path, "read_bytes", failing)


@pytest.mark.parametrize("code", sorted(CASES))
def test_code_is_reported_where_it_happens(code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    edits, where, line = CASES[code]
    root = write_story(tmp_path, edits)
    _break_things(code, monkeypatch)
    monkeypatch.chdir(root)
    diags = check_dir(root)
    found = [d for d in diags if d.code == code]
    assert found, f"{code} not reported; got: " + "; ".join(d.format() for d in diags)
    places = [(d.path, d.line) for d in found]
    assert (where, line) in places, f"{code} reported at {places}, expected {(where, line)}"
    for d in found:
        text = d.format()
        assert text.startswith(f"{d.path}:{d.line}:{d.col}: {CODES[code].severity} {code}: ")
        assert " — " in text and d.fix, "every diagnostic says how to fix it"
        for leftover in ("%r", "%s", "{}", "{0}", "{!r}"):
            assert leftover not in text, text


@pytest.mark.parametrize("code", sorted(EXPLORE_CASES))
def test_explore_code_is_reported_where_it_happens(code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    edits, where, line, options = EXPLORE_CASES[code]
    root = write_story(tmp_path, edits)
    monkeypatch.chdir(root)
    result = load_dir(root)
    assert result.ok and result.story is not None, [d.format() for d in result.diagnostics if d.is_error]
    found = [d for d in explore(result.story, **options).findings if d.code == code]
    assert found, f"{code} not reported"
    assert (where, line) in [(d.path, d.line) for d in found]
    for d in found:
        assert d.format().startswith(f"{d.path}:{d.line}:{d.col}: {CODES[code].severity} {code}: ") and d.fix


def test_clean_story_has_no_diagnostics(tmp_path: Path) -> None:
    assert check_dir(write_story(tmp_path)) == []


def test_all_problems_reported_in_one_run(tmp_path: Path) -> None:
    root = write_story(tmp_path, {
        ONE: ("      end: c", "      end: cc"),
        MAN: ("  start: a", "  start: z"),
        EN: ("      flag: Raise the flag.\n", ""),
    })
    codes = {d.code for d in check_dir(root)}
    assert {"E205", "E212", "E300"} <= codes


def test_diagnostics_sort_by_place() -> None:
    a = Diagnostic("E205", "b.yaml", 3, 1, "m", "f")
    b = Diagnostic("E205", "a.yaml", 9, 1, "m", "f")
    assert sorted([a, b], key=Diagnostic.sort_key) == [b, a]


def test_condition_error_points_into_the_condition(tmp_path: Path) -> None:
    root = write_story(tmp_path, {ONE: ("        when: n == 0", "        when: n == 0 and __import__('os')")})
    d = next(d for d in check_dir(root) if d.code == "E207")
    assert (d.line, d.col) == (10, 15 + len("n == 0 and "))  # at "__import__"
    assert "calls are not allowed" in d.message
