"""Hostile text through every writer: terminal, ``check``'s own output, the reading edition
(HTML and Markdown), the student's report (HTML and Markdown), PO, CSV, dot, Mermaid and the
JSON transcript.

Each writer gets each hostile string where a story, a locale, a save or a file name could put
it (the loader refuses most of them, so they are put in behind its back: every writer must be
safe on its own). Each output must hold no control character and must parse, in its own
format, into exactly the structure it has for harmless text: no element, attribute, entry,
row, node or edge that was not there.
"""

from __future__ import annotations

import csv
import datetime
import functools
import io
import json
import re
import shutil
import subprocess
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from markdown_it import MarkdownIt

from adventure.classroom.edition import build_book
from adventure.classroom.edition import to_html as edition_html
from adventure.classroom.edition import to_markdown as edition_md
from adventure.cli.graph import to_dot, to_mermaid
from adventure.core import model as m
from adventure.core.charset import find_control, printable, strip_controls
from adventure.core.diagnostics import Diagnostic
from adventure.files.loader import load_story
from adventure.play.saves import SaveStore
from adventure.play.session import Session
from adventure.play.shell_plain import PlainWriter
from adventure.play.transcript import Transcript, read_transcript
from adventure.text.render import para
from adventure.tools.exchange import Row, read_csv, to_csv
from adventure.tools.pofile import read_po, to_po

CLASSROOM = Path(__file__).resolve().parent / "fixtures" / "classroom"
TO_CHAPTER_END = ["1", "1", "2", "1", "2", "1", "1", "1"]

HARMLESS = "plain words"
HOSTILE = {
    "osc_title": "T\x1b]0;owned\x07itle",
    "osc52_clipboard": "x\x1b]52;c;ZWNobyBoaQ==\x07y",
    "clear_screen": "a\x1b[2Jb\x1bc",
    "c1_csi": "a\x9b31mb\x9d0;x\x9c",
    "bidi": "abc\u202eevil\u202c \u2066x\u2069 \u202a\u202b\u202d\u2067\u2068",
    "del_and_c0": "a\x7fb\x00c\x08d\x0be\x0cf\rg",
    "script": '<script>alert(1)</script><img src=x onerror=alert(1)><a href="javascript:x">y</a>',
    "backticks": "``` `a` `` <img src=x onerror=alert(1)> ```",
    "backtick_breakout": "x`<img src=x onerror=alert(1)>`",
    "quotes": "say \"hi\" 'there' \\ end \\\"",
    "newline_injection": 'line\nmsgid "evil"\n#, fuzzy\n"; x -> y [label="pwn"]; \r\nz',
    "mermaid": 'a --> b |x| end\n  click a "javascript:alert(1)" -->|y| z ; %%',
    "formula_eq": '=HYPERLINK("http://evil","x")',
    "formula_plus": "+1+2",
    "formula_minus_at": "-2 @SUM(A1)",
    "markdown": "# head\n> q\n- item\n1. x\n[link](javascript:alert(1)) ![i](x) &lt;b&gt; &#60;script&#62; *e* _u_ | t |",
}


# -- format checks -------------------------------------------------------------------------

class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: Counter[tuple[str, tuple[str, ...]]] = Counter()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[(tag, tuple(sorted(a for a, _ in attrs)))] += 1


def html_structure(text: str) -> Counter[tuple[str, tuple[str, ...]]]:
    parser = _Tags()
    parser.feed(text)
    parser.close()
    return parser.tags


def markdown_structure(text: str) -> tuple[Counter[tuple[str, tuple[str, ...]]], Counter[str]]:
    """The HTML elements a CommonMark renderer makes of ``text``, and its raw-HTML tokens."""
    md = MarkdownIt("commonmark")
    kinds: Counter[str] = Counter()
    for tok in md.parse(text):
        kinds[tok.type] += 1
        for child in tok.children or []:
            kinds[child.type] += 1
    return html_structure(md.render(text)), Counter({k: v for k, v in kinds.items() if k.startswith("html")})


@functools.lru_cache(maxsize=4)
def dot_shape(text: str) -> tuple[int, int]:
    """How many objects (nodes, clusters) and edges Graphviz lays out from ``text``."""
    done = subprocess.run(["dot", "-Tjson0"], input=text.encode(), capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
    graph = json.loads(done.stdout)
    return len(graph.get("objects", [])), len(graph.get("edges", []))


def mermaid_shape(text: str) -> str:
    """A Mermaid file with every quoted label replaced by ``"L"``: its syntax alone."""
    return re.sub(r'"[^"\n]*"', '"L"', text)


# -- the writers ---------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def _load():  # type: ignore[no-untyped-def]
    result = load_story(CLASSROOM / "story", CLASSROOM / "locales")
    assert result.ok
    return result


def _inject(story: m.Story, catalog: m.Catalog, value: str) -> tuple[m.Story, m.Catalog]:
    """``value`` as a scene, chapter, choice, ending, note and source title, and as a source's file name."""
    scene = story.scenes[story.start]
    keys = [m.scene_title_key(scene.id), m.chapter_title_key(scene.chapter), m.choice_key(scene.id, scene.choices[0].id),
            *(m.ending_title_key(x) for x in story.endings), *(m.note_title_key(n) for n in story.notes),
            *(m.source_title_key(s.id) for s in story.classroom.sources)]
    texts = {lang: {**catalog.texts[lang], **{k: value for k in keys}} for lang in catalog.texts}
    sources = tuple(s._replace(file=f"{value}{s.file}") for s in story.classroom.sources)
    notes = {nid: n._replace(sources=tuple(f"{value}{f}" for f in n.sources) + (f"uncited{value}",))
             for nid, n in story.notes.items()}
    return (story._replace(classroom=story.classroom._replace(sources=sources), notes=notes),
            m.Catalog(catalog.languages, texts))


def w_terminal(value: str, tmp_path: Path) -> str:
    out = io.StringIO()
    PlainWriter(out, 60).paras([para("text", value), para("meta", value)])
    return out.getvalue()


def w_check(value: str, tmp_path: Path) -> str:
    return Diagnostic("E205", f"story/{value}.yaml", 3, 4, f"target '{value}' names no scene", "fix it").format() + "\n"


def w_edition_html(value: str, tmp_path: Path) -> str:
    result = _load()
    story, catalog = _inject(result.story, result.catalog, value)
    return edition_html(build_book(story, catalog, "en", second="es"))


def w_edition_md(value: str, tmp_path: Path) -> str:
    result = _load()
    story, catalog = _inject(result.story, result.catalog, value)
    return edition_md(build_book(story, catalog, "en", second="es"))


def _report(value: str, tmp_path: Path, suffix: str) -> str:
    """A save whose reflection answer and student name were crafted, loaded, then reported."""
    result = _load()
    clock = iter(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.timezone.utc) + datetime.timedelta(seconds=20 * i)
                 for i in range(10_000))

    def session() -> Session:
        return Session(result.story, result.catalog, lang="en", store=SaveStore(tmp_path / "saves"),
                       clock=lambda: next(clock), classroom=True, report_dir=tmp_path / "reports")

    s = session()
    s.begin()
    for line in TO_CHAPTER_END + ["An answer.", "", "skip"]:
        s.handle(line)
    s.handle("save one")
    path = tmp_path / "saves" / "one.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["extra"]["classroom"]["answers"]["q_orders"]["text"] = value + "\n" + value
    data["extra"]["classroom"]["student"] = value
    path.write_text(json.dumps(data), encoding="utf-8")
    s = session()
    s.begin()
    s.handle("load one")
    s.handle("report")
    [found] = (tmp_path / "reports").glob(f"*.{suffix}")
    return found.read_text(encoding="utf-8")


def w_report_html(value: str, tmp_path: Path) -> str:
    return _report(value, tmp_path, "html")


def w_report_md(value: str, tmp_path: Path) -> str:
    return _report(value, tmp_path, "md")


def _rows(value: str) -> list[Row]:
    return [Row("scenes.a.title", "stale", "abcd1234", value, value, value, value, f"locales/en/{value}.yaml:3"),
            Row("scenes.a.text", "ok", "abcd1235", "Harmless.", "Inofensivo.", "", "", "locales/en/x.yaml:4")]


def w_po(value: str, tmp_path: Path) -> str:
    return to_po(_rows(value), base="en", lang="es", story_id="mini")


def w_csv(value: str, tmp_path: Path) -> str:
    return to_csv(_rows(value), base="en", lang="es")


def w_dot(value: str, tmp_path: Path) -> str:
    result = _load()
    story, catalog = _inject(result.story, result.catalog, value)
    return to_dot(story, catalog, labels="text")


def w_mermaid(value: str, tmp_path: Path) -> str:
    result = _load()
    story, catalog = _inject(result.story, result.catalog, value)
    return to_mermaid(story, catalog, labels="text")


def w_json(value: str, tmp_path: Path) -> str:
    t = Transcript(tmp_path / "t.jsonl")
    t.write("2026-03-02T09:00:00+00:00", "reflection", question="q1", answer=value, nested={"k": [value]})
    t.close()
    return (tmp_path / "t.jsonl").read_text(encoding="utf-8")


WRITERS = {"terminal": w_terminal, "check": w_check, "edition_html": w_edition_html, "edition_md": w_edition_md,
           "report_html": w_report_html, "report_md": w_report_md, "po": w_po, "csv": w_csv, "dot": w_dot,
           "mermaid": w_mermaid, "json": w_json}


# -- the test ------------------------------------------------------------------------------

def _parses_as_before(kind: str, out: str, base: str, value: str, tmp_path: Path) -> None:
    if kind in ("edition_html", "report_html"):
        assert html_structure(out) == html_structure(base)
    elif kind in ("edition_md", "report_md"):
        assert markdown_structure(out) == markdown_structure(base)
    elif kind == "po":
        header, entries = read_po(out)
        assert len(entries) == 2 and entries[0].source == strip_controls(value)
        assert entries[0].translation == strip_controls(value)
        po = polib.pofile(out)
        assert [e.msgctxt for e in po] == ["scenes.a.title", "scenes.a.text"]
        assert po[0].msgid == strip_controls(value)
        if shutil.which("msgfmt"):
            (tmp_path / "x.po").write_text(out, encoding="utf-8")
            done = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(tmp_path / "x.po")],
                                  capture_output=True, text=True)
            assert done.returncode == 0, done.stderr
    elif kind == "csv":
        rows = list(csv.reader(io.StringIO(out)))
        assert len(rows) == len(list(csv.reader(io.StringIO(base)))) == 3
        assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row)
        lang, incoming = read_csv(out, base="en", languages=["en", "es"])
        assert lang == "es" and incoming[0].source == strip_controls(value)
        assert incoming[0].translation == strip_controls(value)
    elif kind == "dot":
        assert out.count("\n") == base.count("\n")
        if shutil.which("dot"):
            assert dot_shape(out) == dot_shape(base)
    elif kind == "mermaid":
        assert mermaid_shape(out) == mermaid_shape(base)
        for label in re.findall(r'"([^"\n]*)"', out):
            assert "<" not in label.replace("<br/>", "") and ">" not in label.replace("<br/>", "")
            assert "`" not in label and "|" not in label and "&" not in label
    elif kind == "json":
        [event] = [json.loads(line) for line in out.splitlines()]
        assert event["answer"] == strip_controls(value) and event["nested"] == {"k": [strip_controls(value)]}
        assert read_transcript(tmp_path / "t.jsonl")[0]["answer"] == strip_controls(value)
    elif kind == "terminal":  # the text is all there, without its controls (tabs as spaces)
        words = " ".join(printable(value).split())
        assert " ".join(out.split()).count(words) == 2
    elif kind == "check":  # one diagnostic, one line; each control shown as <U+XXXX>, never sent
        assert out.count("\n") == base.count("\n") == 1
        assert ("<U+" in out) == (find_control(value) is not None)
    else:  # pragma: no cover
        raise AssertionError(kind)


_BASELINE: dict[str, str] = {}


@pytest.mark.parametrize("hostile", sorted(HOSTILE))
@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_hostile_text_through_every_writer(writer: str, hostile: str, tmp_path: Path) -> None:
    value = HOSTILE[hostile]
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    out = WRITERS[writer](value, tmp_path / "a")
    if writer not in _BASELINE:  # the same harmless output for every hostile string
        _BASELINE[writer] = WRITERS[writer](HARMLESS, tmp_path / "b")
    base = _BASELINE[writer]
    bad = find_control(out)
    assert bad is None, f"{writer} wrote {out[bad]!r} at {bad}: {out[max(0, bad - 40):bad + 40]!r}"
    _parses_as_before(writer, out, base, value, tmp_path / "a")
