"""Classroom guided reading: the record a save keeps, progress, the glossary, the questions.

No I/O. A :class:`Record` is what classroom mode remembers about one student's reading: the
reflection answers, the questions still waiting, the glossary terms already explained,
the languages read in and the time spent. It travels in a save's ``extra`` as plain JSON and
is read back leniently (a damaged part is dropped, never trusted)::

    record = Record.from_json({"on": True, "answers": {"q1": {"text": "Because."}}})
    record.to_json()["answers"]["q1"]["text"]   # 'Because.'

Questions are asked at chapter ends; terms marked ``[[shown|term_id]]`` in the text are
explained the first time they appear; ``define WORD`` looks one up in either language.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any, NamedTuple

from adventure.core import model as m
from adventure.core.engine import State
from adventure.text.catalog import Texts, fold
from adventure.text.markup import term_marks
from adventure.text.render import BLANK, Para, Second, both_texts, line_both, para

IDLE_CAP = 300  # seconds: a longer pause between two inputs counts as this much reading time
MAX_ANSWER = 20_000  # characters kept of one answer
MAX_COUNT = 10**12  # seconds or sittings read from a save (a larger one is dropped: it is not a real count)


class Record:
    """One student's classroom record (kept in the save).

    It lives outside the undo-able game state: undo never takes an answer back, and a load
    merges the loaded record into this one (:meth:`merge`) rather than replacing it, so the
    newest answer to each question wins and the ones it replaced are kept in ``earlier``.
    ``sitting`` names the sitting's report file: made when a game starts, kept in the save,
    so a continued game goes on updating its own report.

    A plain class, not a dataclass: every game makes one, and importing ``dataclasses``
    costs ~10 ms of the start (docs/performance.md)."""

    _FIELDS = ("on", "student", "answers", "skipped", "pending", "defined", "looked_up", "languages",
               "seconds", "sittings", "started", "sitting", "earlier", "endings", "before")

    def __init__(self, on: bool = False, student: str | None = None,
                 answers: dict[str, dict[str, str]] | None = None, skipped: list[str] | None = None,
                 pending: list[str] | None = None, defined: list[str] | None = None,
                 looked_up: list[str] | None = None, languages: list[str] | None = None,
                 seconds: int = 0, sittings: int = 0, started: str = "", sitting: str = "",
                 earlier: dict[str, list[dict[str, str]]] | None = None,
                 endings: list[dict[str, str]] | None = None, before: list[str] | None = None) -> None:
        self.on = on
        self.student = student
        self.answers: dict[str, dict[str, str]] = answers if answers is not None else {}  # question id -> text, lang, at, chapter
        self.skipped: list[str] = skipped if skipped is not None else []
        self.pending: list[str] = pending if pending is not None else []  # questions waiting for an answer, in order
        self.defined: list[str] = defined if defined is not None else []  # terms already explained inline
        self.looked_up: list[str] = looked_up if looked_up is not None else []  # terms the student asked for
        self.languages: list[str] = languages if languages is not None else []  # languages the story was read in
        self.seconds = seconds
        self.sittings = sittings
        self.started = started
        self.sitting = sitting  # the report's id (see new_sitting)
        self.earlier: dict[str, list[dict[str, str]]] = earlier if earlier is not None else {}  # replaced answers, oldest first
        self.endings: list[dict[str, str]] = endings if endings is not None else []  # ending, at: every ending reached
        self.before: list[str] = before if before is not None else []  # chapters read before classroom mode was on

    def __repr__(self) -> str:
        return "Record(" + ", ".join(f"{name}={getattr(self, name)!r}" for name in self._FIELDS) + ")"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Record) and all(getattr(self, n) == getattr(other, n) for n in self._FIELDS)

    __hash__ = None  # type: ignore[assignment]

    def to_json(self) -> dict[str, Any]:
        return {
            "on": self.on, "student": self.student,
            "answers": {k: dict(v) for k, v in self.answers.items()},
            "skipped": list(self.skipped), "pending": list(self.pending), "defined": list(self.defined),
            "looked_up": list(self.looked_up), "languages": list(self.languages),
            "seconds": self.seconds, "sittings": self.sittings, "started": self.started,
            "sitting": self.sitting, "earlier": {k: [dict(a) for a in v] for k, v in self.earlier.items()},
            "endings": [dict(x) for x in self.endings], "before": list(self.before),
        }

    @classmethod
    def from_json(cls, obj: object) -> Record:
        """A record from save data; anything of the wrong shape is left out.

        >>> Record.from_json({"seconds": "lots", "skipped": ["q1", 3], "answers": {"q2": {"text": 5}}})
        Record(on=False, student=None, answers={}, skipped=['q1'], pending=[], defined=[], looked_up=[], \
languages=[], seconds=0, sittings=0, started='', sitting='', earlier={}, endings=[], before=[])
        """
        rec = cls()
        if not isinstance(obj, dict):
            return rec
        rec.on = obj.get("on") is True
        student = obj.get("student")
        rec.student = student[:200] if isinstance(student, str) and student.strip() else None
        answers = obj.get("answers")
        if isinstance(answers, dict):
            for qid, ans in answers.items():
                if isinstance(qid, str) and _is_answer(ans):
                    rec.answers[qid] = _answer_fields(ans)
        earlier = obj.get("earlier")
        if isinstance(earlier, dict):
            for qid, old in earlier.items():
                if isinstance(qid, str) and isinstance(old, list):
                    kept = [_answer_fields(a) for a in old if _is_answer(a)][-MAX_EARLIER:]
                    if kept:
                        rec.earlier[qid] = kept
        for name in ("skipped", "pending", "defined", "looked_up", "languages", "before"):
            value = obj.get(name)
            if isinstance(value, list):
                setattr(rec, name, list(dict.fromkeys(v for v in value if isinstance(v, str))))
        endings = obj.get("endings")
        if isinstance(endings, list):
            rec.endings = [{"ending": x["ending"][:200], "at": x["at"][:40]} for x in endings
                           if isinstance(x, dict) and isinstance(x.get("ending"), str)
                           and isinstance(x.get("at"), str)][-MAX_ENDINGS:]
        for name in ("seconds", "sittings"):
            value = obj.get(name)
            if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_COUNT:
                setattr(rec, name, value)
        started = obj.get("started")
        rec.started = started[:40] if isinstance(started, str) else ""
        sitting = obj.get("sitting")
        rec.sitting = sitting if isinstance(sitting, str) and SITTING_RE.match(sitting) else ""
        return rec

    def new_sitting(self, token: str, at: str) -> None:
        """A new game begins: a new report id (``token``, e.g. 8 hex digits) and start time."""
        self.sitting = token if SITTING_RE.match(token) else ""
        self.started = at

    def note_language(self, *langs: str | None) -> None:
        for lang in langs:
            if lang and lang not in self.languages:
                self.languages.append(lang)

    def answer(self, question: m.Question, text: str, *, lang: str, at: str) -> None:
        new = {"text": text[:MAX_ANSWER], "lang": lang, "at": at, "chapter": question.chapter}
        old = self.answers.get(question.id)
        if old is not None and old.get("text") != new["text"]:
            self._keep_earlier(question.id, old)
        self.answers[question.id] = new
        if question.id in self.skipped:
            self.skipped.remove(question.id)
        if question.id in self.pending:
            self.pending.remove(question.id)

    def _keep_earlier(self, qid: str, old: dict[str, str]) -> None:
        kept = self.earlier.setdefault(qid, [])
        if all((a.get("text"), a.get("at")) != (old.get("text"), old.get("at")) for a in kept):
            kept.append(dict(old))
            kept.sort(key=lambda a: a.get("at", ""))
            del kept[:-MAX_EARLIER]

    def skip(self, question: m.Question) -> None:
        if question.id not in self.skipped and question.id not in self.answers:
            self.skipped.append(question.id)
        if question.id in self.pending:
            self.pending.remove(question.id)

    def reached_ending(self, ending: str, at: str) -> None:
        """Keep an ending reached (every one, with its time: undo does not take it back)."""
        self.endings.append({"ending": ending, "at": at})
        del self.endings[:-MAX_ENDINGS]

    def read_before(self, chapters: list[str]) -> None:
        """Chapters finished while classroom mode was off: their questions were not asked."""
        for chapter in chapters:
            if chapter not in self.before:
                self.before.append(chapter)

    def merge(self, loaded: Record) -> Record:
        """This session's record with a loaded save's record merged in (a load must not
        take back what the student wrote since that save): for each question the newest
        answer wins and the other is kept in ``earlier``; lists are joined; the sitting
        (and so the report) stays this session's when it has one.

        >>> now = Record(answers={"q1": {"text": "later", "at": "2026-05-04T10:30:00"}})
        >>> then = Record(answers={"q1": {"text": "first", "at": "2026-05-04T10:00:00"}}, pending=["q1"])
        >>> out = now.merge(then)
        >>> out.answers["q1"]["text"], [a["text"] for a in out.earlier["q1"]], out.pending
        ('later', ['first'], [])
        """
        out = Record.from_json(loaded.to_json())
        for qid, old in self.earlier.items():
            for a in old:
                out._keep_earlier(qid, a)
        for qid, ans in self.answers.items():
            have = out.answers.get(qid)
            if have is None:
                out.answers[qid] = dict(ans)
            elif have.get("text") != ans.get("text"):
                newer, older = (ans, have) if ans.get("at", "") >= have.get("at", "") else (have, ans)
                out._keep_earlier(qid, older)
                out.answers[qid] = dict(newer)
        out.pending = [q for q in out.pending if q not in out.answers]
        out.skipped = [q for q in dict.fromkeys(out.skipped + self.skipped) if q not in out.answers]
        for name in ("defined", "looked_up", "languages", "before"):
            setattr(out, name, list(dict.fromkeys(getattr(out, name) + getattr(self, name))))
        seen = {(x["ending"], x["at"]) for x in out.endings}
        out.endings = sorted(out.endings + [x for x in self.endings if (x["ending"], x["at"]) not in seen],
                             key=lambda x: x["at"])[-MAX_ENDINGS:]
        out.on = out.on or self.on
        out.student = self.student or out.student
        out.sittings = max(out.sittings, self.sittings)
        if self.sitting:
            same = self.sitting == out.sitting
            out.seconds = max(out.seconds, self.seconds) if same else min(MAX_COUNT, out.seconds + self.seconds)
            out.sitting, out.started = self.sitting, self.started or out.started
        return out


SITTING_RE = re.compile(r"[0-9a-z]{4,16}\Z")
MAX_EARLIER = 20  # replaced answers kept per question
MAX_ENDINGS = 100
MAX_COUNT = 10**9  # seconds or sittings beyond this are not a real reading


def _is_answer(ans: object) -> bool:
    return isinstance(ans, dict) and isinstance(ans.get("text"), str)


def _answer_fields(ans: dict[str, Any]) -> dict[str, str]:
    return {k: v[:MAX_ANSWER] for k, v in ans.items() if k in ("text", "lang", "at", "chapter") and isinstance(v, str)}


def unanswered(story: m.Story, record: Record, chapter_id: str) -> list[str]:
    """The chapter's questions not answered yet (skipped ones are asked again)."""
    return [q.id for q in story.classroom.for_chapter(chapter_id) if q.id not in record.answers]


def question_by_id(story: m.Story, question_id: str) -> m.Question | None:
    return next((q for q in story.classroom.questions if q.id == question_id), None)


def lang_name(texts: Texts, code: str) -> str:
    """A language's name in the reader's language (``inglés``)."""
    key = f"ui.classroom.lang_name.{code}"
    return texts(key) if texts.has(key) else code


# -- progress ------------------------------------------------------------------------------

class Progress(NamedTuple):
    chapters_done: int
    chapters_total: int
    notes: int
    notes_total: int
    answered: int
    questions_total: int


def completed_chapters(story: m.Story, state: State) -> list[str]:
    """Chapters the reader has finished: read and left for another chapter, or ended in.

    Read from the state's visits, so undo and restart change it too."""
    current = story.scenes[state.scene].chapter
    visited = {story.scenes[s].chapter for s in state.visits if s in story.scenes}
    done = [c.id for c in story.chapters if c.id in visited and c.id != current]
    if state.ending is not None:
        done.append(current)
    return done


def progress(story: m.Story, state: State, record: Record) -> Progress:
    asked = {q.id for q in story.classroom.questions}
    return Progress(len(completed_chapters(story, state)), len(story.chapters), len(state.notes), len(story.notes),
                    len(asked & set(record.answers)), len(asked))


def progress_line(texts: Texts, p: Progress) -> str:
    """``chapters 1/5 · notes 3/27 · reflections 2/15`` in the reader's language."""
    parts = [texts("ui.classroom.progress_chapters", n=p.chapters_done, total=p.chapters_total),
             texts("ui.notes_progress", n=p.notes, total=p.notes_total)]
    if p.questions_total:
        parts.append(texts("ui.classroom.progress_reflections", n=p.answered, total=p.questions_total))
    return " · ".join(parts)


def duration(texts: Texts, seconds: int) -> str:
    """Reading time as ``1 h 05 min`` / ``12 min``."""
    minutes = max(0, seconds) // 60
    if minutes == 0:
        return texts("ui.classroom.under_a_minute")
    if minutes >= 60:
        return texts("ui.classroom.hours", h=minutes // 60, m=f"{minutes % 60:02d}")
    return texts.count("ui.classroom.minutes", minutes, m=minutes)


# -- glossary ------------------------------------------------------------------------------

class Glossary:
    """Looks terms up by any form a reader may type, in any language of the story: the
    headword, the listed other forms, the words the text itself marks, the id."""

    def __init__(self, story: m.Story, catalog: m.Catalog) -> None:
        self.story = story
        self.catalog = catalog
        self.forms: dict[str, set[str]] = {}
        for tid in story.classroom.terms:
            words = {tid, tid.replace("_", " "), tid.replace("_", "-")}
            for lang in story.languages:
                texts = Texts(catalog, lang)
                if texts.has(m.term_word_key(tid)):
                    words.add(texts(m.term_word_key(tid)))
                if texts.has(m.term_forms_key(tid)):
                    words.update(texts.words(m.term_forms_key(tid)))
            for word in words:
                self.forms.setdefault(fold(word), set()).add(tid)
        for lang in story.languages:
            for text in catalog.texts.get(lang, {}).values():
                if "[[" in text:
                    for shown, tid, _ in term_marks(text):
                        if tid in story.classroom.terms:
                            self.forms.setdefault(fold(shown), set()).add(tid)

    def __bool__(self) -> bool:
        return bool(self.story.classroom.terms)

    def lookup(self, query: str) -> list[str]:
        """Term ids for what the reader typed: an exact form, else forms it begins."""
        wanted = fold(query).strip(".,;:!?¡¿\"'()«»")
        if not wanted:
            return []
        if wanted in self.forms:
            return sorted(self.forms[wanted])
        hits: set[str] = set()
        for form, tids in self.forms.items():
            if form.startswith(wanted) or any(w.startswith(wanted) for w in form.split()):
                hits |= tids
        return sorted(hits)

    def terms_in(self, raw: str) -> list[str]:
        """Glossary terms marked in a text, in order of first appearance."""
        out: list[str] = []
        for _, tid, _ in term_marks(raw):
            if tid in self.story.classroom.terms and tid not in out:
                out.append(tid)
        return out

    def sorted_ids(self, texts: Texts) -> list[str]:
        return sorted(self.story.classroom.terms, key=lambda t: fold(texts(m.term_word_key(t))))


def term_paras(texts: Texts, term_id: str, second: Second | None = None) -> list[Para]:
    """A glossary entry, as ``define`` shows it."""
    out = line_both("heading", m.term_word_key(term_id), texts, second)
    out.append(BLANK)
    out.extend(both_texts(m.term_definition_key(term_id), texts, {}, second))
    return out


def inline_term_paras(texts: Texts, term_ids: list[str], second: Second | None = None) -> list[Para]:
    """Terms met for the first time, explained under the text: ``pillbox: a small...``."""
    out: list[Para] = []
    for tid in term_ids:
        word = texts(m.term_word_key(tid))
        out.append(Para("glossary", (("term", word), ("glossary", ": " + texts(m.term_definition_key(tid))))))
        if second is not None and second.texts.has(m.term_definition_key(tid)):
            other = second.texts(m.term_word_key(tid))
            out.append(Para("second", (("langtag", second.tag), ("term", other),
                                       ("second", ": " + second.texts(m.term_definition_key(tid))))))
    return out


# -- questions -----------------------------------------------------------------------------

def question_paras(texts: Texts, question: m.Question, index: int, total: int,
                   second: Second | None = None) -> list[Para]:
    """One reflection question with its sentence starter and how to answer."""
    out = [para("meta", texts("ui.classroom.reflection_n", n=index, total=total))]
    out.extend(line_both("question", m.question_text_key(question.id), texts, second))
    hint = m.question_hint_key(question.id)
    if texts.has(hint):
        out.append(para("meta", texts("ui.classroom.hint", hint=texts(hint))))
    out.append(para("meta", texts("ui.classroom.how_to_answer")))
    return out


# -- file names ----------------------------------------------------------------------------

_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}


def slug(name: str, *, fallback: str = "student") -> str:
    """A safe file-name part from any name: letters and digits of any script, ``-`` for the
    rest, at most 60 characters; never empty, never a path, never a reserved device name.

    >>> slug("  Ana María  Pérez ")
    'Ana-María-Pérez'
    >>> slug("../../etc/passwd")
    'etc-passwd'
    >>> slug("王小明"), slug("NUL"), slug("///")
    ('王小明', 'NUL_', 'student')
    """
    text = unicodedata.normalize("NFC", name)
    text = "".join(c if c.isalnum() else "-" for c in text)
    text = re.sub(r"-{2,}", "-", text).strip("-")[:60].strip("-")
    if not text:
        return fallback
    if text.lower() in _WINDOWS_RESERVED:
        text += "_"
    return text


def answers_in_order(story: m.Story, record: Record) -> list[tuple[m.Question, Mapping[str, str] | None]]:
    """Every question of the story with the student's answer (or None)."""
    return [(q, record.answers.get(q.id)) for q in story.classroom.questions]
