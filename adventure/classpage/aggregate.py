"""From report records to the figures of the class page, as plain values in one language.

No I/O. :func:`build_page` groups the records by story version (the version of the loaded
story first; the others are listed apart, never mixed in), merges the sittings of each
student (the furthest progress, every answer, the time of each game once), and counts::

    page = build_page(found, story, catalog, lang="en", out_dir=Path("."))
    page.decisions[0].bars[0]   # Bar(key='A', label='Run to division headquarters.', n=10, total=30)

A decision point is a scene where a student had more than one choice (the record marks it);
a student counts once for each choice taken there (so a student who came back and chose
otherwise counts twice). Key choices are the ones that change what the story remembers (a
flag set by the choice or by the scene it leads to): they are shown beside each answer.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import statistics
import unicodedata
import urllib.parse
from collections import Counter
from pathlib import Path
from typing import NamedTuple

from adventure.classpage.records import Found, Report, Skipped
from adventure.classroom.flow import duration
from adventure.core import model as m
from adventure.files.loader import TERM_MARK_RE
from adventure.text.catalog import Texts, fold

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


class Bar(NamedTuple):
    key: str  # A, B, C... as the chart labels the bar
    label: str
    n: int  # students
    total: int

    @property
    def pct(self) -> int:
        return round(100 * self.n / self.total) if self.total else 0


class Chart(NamedTuple):
    anchor: str
    title: str
    subtitle: str
    total: int  # students who reached it
    bars: tuple[Bar, ...]


class Link(NamedTuple):
    href: str
    label: str


class Student(NamedTuple):
    anchor: str
    name: str
    chapters_done: int
    chapters_total: int
    answered: int
    questions_total: int
    ending: str  # the ending's title, or where the student stopped
    ended: bool
    time: str
    seconds: int
    sittings: int
    languages: str
    key_choices: tuple[tuple[str, str], ...]  # (chapter id, choice text)
    path: tuple[tuple[str, str], ...]  # (scene title, choice text) at each decision
    reports: tuple[Link, ...]


class Card(NamedTuple):
    student: Student
    texts: tuple[str, ...]
    choices: tuple[str, ...]  # the student's key choices up to the question's chapter


class Question(NamedTuple):
    anchor: str
    chapter: str
    text: str
    cards: tuple[Card, ...]
    unanswered: int


class Other(NamedTuple):
    """Reports of another story, or of another version of this one: listed apart."""

    story_id: str
    story_hash: str
    rows: tuple[tuple[str, str, str, tuple[Link, ...]], ...]  # name, chapters, ending or position, reports


class Page(NamedTuple):
    lang: str
    story_title: str
    story_id: str
    story_hash: str
    version_differs: str  # the reports' version when none match the loaded story, else ''
    students: tuple[Student, ...]
    started: int
    chapters: tuple[Bar, ...]
    endings: Chart
    time_median: str
    time_min: str
    time_max: str
    languages: tuple[Bar, ...]
    decisions: tuple[Chart, ...]
    notes: Chart
    questions: tuple[Question, ...]
    others: tuple[Other, ...]
    skipped: tuple[Skipped, ...]
    anonymised: bool
    records: int


def _strip(text: str) -> str:
    return TERM_MARK_RE.sub(lambda mt: mt.group(1), text)


def student_key(report: Report) -> str:
    """Sittings of one student share this: the name, NFC, spaces collapsed, case folded;
    a report without a name is a student of its own."""
    if report.student is None:
        return "\0" + str(report.file)
    return " ".join(unicodedata.normalize("NFC", report.student).split()).casefold()


def pseudonyms(keys: list[str]) -> dict[str, int]:
    """Stable numbers for students: ranked by a hash keyed with the whole class list, so the
    same reports give the same numbers on every run, and the order says nothing of the names.

    >>> pseudonyms(["b", "a"]) == pseudonyms(["a", "b"])
    True
    """
    secret = hashlib.sha256("\n".join(sorted(keys)).encode("utf-8")).digest()
    ranked = sorted(keys, key=lambda k: hmac.new(secret, k.encode("utf-8"), hashlib.sha256).hexdigest())
    return {k: i for i, k in enumerate(ranked, 1)}


def report_link(record: Path, out_dir: Path) -> str | None:
    """A relative URL from the page to the HTML report beside the record, or None."""
    html = record.with_suffix(".html")
    if not html.is_file():
        return None
    try:
        rel = os.path.relpath(os.path.abspath(html), os.path.abspath(out_dir))
    except ValueError:  # another drive on Windows
        return None
    href = urllib.parse.quote(Path(rel).as_posix(), safe="/")
    return href if href.startswith("../") else "./" + href


def _group(reports: list[Report], story: m.Story) -> tuple[list[Report], str, dict[tuple[str, str], list[Report]]]:
    groups: dict[tuple[str, str], list[Report]] = {}
    for r in reports:
        groups.setdefault((r.story_id, r.story_hash), []).append(r)
    main_key = (story.id, story.hash)
    differs = ""
    if main_key not in groups:
        same_story = [k for k in groups if k[0] == story.id]
        if same_story:
            main_key = max(same_story, key=lambda k: (len(groups[k]), k[1]))
            differs = main_key[1]
    main = groups.pop(main_key, [])
    return main, differs, groups


def key_choices(story: m.Story) -> set[tuple[str, str]]:
    """(scene, choice) pairs that set a flag, by the choice or by the scene it leads to."""
    out = set()
    for scene in story.scenes.values():
        for c in scene.choices:
            effects = c.effects + (story.scenes[c.to].effects if c.to is not None and c.to in story.scenes else ())
            if any(e.op == "set" for e in effects):
                out.add((scene.id, c.id))
    return out


class _Merged(NamedTuple):
    key: str
    reports: list[Report]
    best: Report
    finished: set[str]
    endings: list[str]
    decisions: set[tuple[str, str]]
    seconds: int
    sittings: int
    answers: dict[str, tuple[str, ...]]  # every different answer to a question, oldest first


def _merge(key: str, reports: list[Report]) -> _Merged:
    reports = sorted(reports, key=lambda r: (r.written, str(r.file)))
    best = max(reports, key=lambda r: (r.ending is not None, len(r.finished), len(r.path), r.written))
    games: dict[str, Report] = {}
    for r in reports:  # one game continued over several lessons: its last report counts
        g = r.started or str(r.file)
        if g not in games or (r.seconds, r.sittings) >= (games[g].seconds, games[g].sittings):
            games[g] = r
    endings: list[str] = []
    for r in reports:
        endings += [e for e in r.endings if e not in endings]
    decisions = {(s.scene, s.choice) for r in reports for s in r.path if s.decision and s.choice}
    given: dict[str, list[tuple[str, str]]] = {}
    for r in reports:
        for qid, ans in r.answers.items():
            given.setdefault(qid, []).append((ans.at, ans.text))
    answers = {qid: tuple(dict.fromkeys(text for _, text in sorted(pairs))) for qid, pairs in given.items()}
    return _Merged(key, reports, best, {c for r in reports for c in r.finished}, endings, decisions,
                   sum(r.seconds for r in games.values()), sum(r.sittings for r in games.values()), answers)


def build_page(found: Found, story: m.Story, catalog: m.Catalog, *, lang: str, out_dir: Path,
               anonymise: bool = False) -> Page:
    t = Texts(catalog, lang)

    titles: dict[str, str] = {}

    def title(key: str, fallback: str) -> str:
        if key not in titles:
            titles[key] = _strip(t(key)) if t.has(key) else fallback
        return titles[key]

    main, differs, other_groups = _group(found.reports, story)
    by_student: dict[str, list[Report]] = {}
    for r in main:
        by_student.setdefault(student_key(r), []).append(r)
    merged = [_merge(k, rs) for k, rs in by_student.items()]
    numbers = pseudonyms([x.key for x in merged]) if anonymise else {}
    anonymous = 0

    def name_of(x: _Merged) -> str:
        nonlocal anonymous
        if anonymise:
            return t("ui.class.pseudonym", n=numbers[x.key])
        if x.best.student is None:
            anonymous += 1
            return t("ui.class.no_name", n=anonymous)
        return x.best.student

    merged.sort(key=lambda x: (numbers.get(x.key, 0), fold(x.best.student or "\uffff"), x.key))
    keys = key_choices(story)
    questions = story.classroom.questions
    students: list[Student] = []
    for i, x in enumerate(merged, 1):
        b = x.best
        if b.ending is not None:
            ending = title(m.ending_title_key(b.ending), b.ending)
        else:
            ending = t("ui.class.stopped_in", chapter=title(m.chapter_title_key(b.chapter), b.chapter))
        path = tuple((title(m.scene_title_key(s.scene), s.scene), title(m.choice_key(s.scene, s.choice), s.choice))
                     for s in b.path if s.decision and s.choice)
        kc = tuple(dict.fromkeys((s.chapter, title(m.choice_key(s.scene, s.choice), s.choice))
                                 for s in b.path if s.choice and (s.scene, s.choice) in keys))
        links = [report_link(r.file, out_dir) for r in x.reports] if not anonymise else []
        students.append(Student(
            anchor=f"s{i}", name=name_of(x), chapters_done=len(x.finished), chapters_total=len(story.chapters),
            answered=len(x.answers.keys() & {q.id for q in questions}),
            questions_total=len(questions), ending=ending, ended=b.ending is not None,
            time=duration(t, x.seconds), seconds=x.seconds, sittings=x.sittings,
            languages=", ".join(_lang_name(t, c) for c in dict.fromkeys(c for r in x.reports for c in r.languages)),
            key_choices=kc, path=path,
            reports=tuple(Link(h, t("ui.class.report_n", n=n) if len(links) > 1 else t("ui.class.report"))
                          for n, h in enumerate(links, 1) if h)))
    n = len(students)
    ending_counts = Counter(e for x in merged for e in x.endings)
    endings = Chart("endings", t("ui.class.endings_heading"), "", n, tuple(
        Bar(_key(j), title(m.ending_title_key(e), e), ending_counts[e], n)
        for j, e in enumerate(story.endings)))
    note_counts = Counter(nid for x in merged for nid in {nid for r in x.reports for nid in r.notes})
    notes = Chart("notes", t("ui.class.notes_heading"), "", n, tuple(
        Bar(_key(j), title(m.note_title_key(nid), nid), note_counts[nid], n) for j, nid in enumerate(story.notes)))
    chapters = tuple(Bar(_key(j), title(m.chapter_title_key(c.id), c.id),
                         sum(1 for x in merged if c.id in x.finished), n) for j, c in enumerate(story.chapters))
    lang_counts = Counter(c for x in merged for c in dict.fromkeys(c for r in x.reports for c in r.languages))
    languages = tuple(Bar(_key(j), _lang_name(t, c), k, n) for j, (c, k) in enumerate(lang_counts.most_common()))
    seconds = [x.seconds for x in merged]
    return Page(
        lang=lang, story_title=t(story.title_key), story_id=story.id, story_hash=story.hash, version_differs=differs,
        students=tuple(students), started=n, chapters=chapters, endings=endings,
        time_median=duration(t, int(statistics.median(seconds))) if seconds else "",
        time_min=duration(t, min(seconds)) if seconds else "", time_max=duration(t, max(seconds)) if seconds else "",
        languages=languages, decisions=_decisions(story, merged, title), notes=notes,
        questions=_questions(story, merged, students, t, title),
        others=tuple(_other(k, rs, out_dir, t, anonymise) for k, rs in sorted(other_groups.items())),
        skipped=tuple(found.skipped), anonymised=anonymise, records=len(found.reports))


def _key(j: int) -> str:
    return LETTERS[j % 26] + (str(j // 26 + 1) if j >= 26 else "")


def _lang_name(t: Texts, code: str) -> str:
    key = f"ui.classroom.lang_name.{code}"
    return t(key) if t.has(key) else code


def _decisions(story: m.Story, merged: list[_Merged], title) -> tuple[Chart, ...]:  # type: ignore[no-untyped-def]
    order = {c.id: i for i, c in enumerate(story.chapters)}
    scenes = sorted(enumerate(story.scenes.values()), key=lambda p: (order.get(p[1].chapter, 99), p[0]))
    counts: Counter[tuple[str, str]] = Counter(d for x in merged for d in x.decisions)
    reached: Counter[str] = Counter(s for x in merged for s in {d[0] for d in x.decisions})
    out = []
    for _, scene in scenes:
        if not reached[scene.id]:
            continue
        total = reached[scene.id]
        bars = tuple(Bar(_key(j), title(m.choice_key(scene.id, c.id), c.id), counts[(scene.id, c.id)], total)
                     for j, c in enumerate(scene.choices))
        out.append(Chart(f"d-{scene.id}", title(m.scene_title_key(scene.id), scene.id),
                         title(m.chapter_title_key(scene.chapter), scene.chapter), total, bars))
    return tuple(out)


def _questions(story: m.Story, merged: list[_Merged], students: list[Student], t: Texts,
               title) -> tuple[Question, ...]:  # type: ignore[no-untyped-def]
    out = []
    order = {c.id: i for i, c in enumerate(story.chapters)}
    for q in story.classroom.questions:
        cards = []
        upto = order.get(q.chapter, len(order))
        for x, st in zip(merged, students, strict=True):
            texts = x.answers.get(q.id)
            if texts:
                choices = tuple(dict.fromkeys(text for ch, text in st.key_choices if order.get(ch, 0) <= upto))
                cards.append(Card(st, texts, choices))
        out.append(Question(f"q-{q.id}", title(m.chapter_title_key(q.chapter), q.chapter),
                            title(m.question_text_key(q.id), q.id), tuple(cards), len(merged) - len(cards)))
    return tuple(out)


def _other(key: tuple[str, str], reports: list[Report], out_dir: Path, t: Texts, anonymise: bool) -> Other:
    rows = []
    numbers = pseudonyms(sorted({student_key(r) for r in reports})) if anonymise else {}
    for r in sorted(reports, key=lambda r: (numbers.get(student_key(r), 0), fold(r.student or ""), r.written)):
        name = t("ui.class.pseudonym", n=numbers[student_key(r)]) if anonymise else (r.student or t("ui.class.no_name", n=1))
        where = r.ending or r.chapter
        link = None if anonymise else report_link(r.file, out_dir)
        rows.append((name, f"{len(r.finished)}/{r.chapters_total}", where,
                     (Link(link, t("ui.class.report")),) if link else ()))
    return Other(key[0], key[1], tuple(rows))
