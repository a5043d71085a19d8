"""The reading edition: the whole story as a book, in HTML or Markdown.

Every scene becomes a numbered section (``§12``) and every choice a link to the section it
leads to, written out as text (``→ §12``) so nothing is lost on paper. Chapters come in
order, each scene of a chapter in reading order (breadth-first from the chapter's start),
with the chapter's reflection questions at its end; then the historical notes with their
sources, the glossary and the list of sources. The HTML is one self-contained file: no
scripts, no fonts or images from the network; it reads on a phone and prints cleanly.
Both are Jinja2 templates (``templates/edition.html.j2``, ``edition.md.j2``, the style in
``edition.css``) rendered through :mod:`adventure.classroom.templating`, which escapes every
text for its format; this module gives them the book and the pieces a text is made of::

    book = build_book(story, catalog, "en", second="es")
    Path("book.html").write_text(to_html(book), encoding="utf-8")

It works for any story the loader accepts; a story without classroom data simply has no
questions, glossary or source list.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from adventure.classroom.flow import lang_name
from adventure.classroom.templating import environment, md
from adventure.core import model as m
from adventure.core.charset import strip_controls
from adventure.text.catalog import Texts, fill, fold
from adventure.text.markup import TERM_MARK_RE, md_code, md_text
from adventure.text.render import speaker_name, split_blocks

VAR_MARK = "…"  # stands for a value that depends on the reader's choices


@dataclass(frozen=True)
class Book:
    story: m.Story
    catalog: m.Catalog
    lang: str
    second: str | None
    order: tuple[str, ...]  # scene ids in book order
    numbers: dict[str, int]  # scene id -> section number
    note_numbers: dict[str, int]  # note id -> N number
    unlocked_in: dict[str, list[str]]  # note id -> scene ids that unlock it

    @property
    def texts(self) -> Texts:
        return Texts(self.catalog, self.lang)

    @property
    def second_texts(self) -> Texts | None:
        return Texts(self.catalog, self.second) if self.second else None


def reading_order(story: m.Story) -> list[str]:
    """Scene ids chapter by chapter; inside a chapter breadth-first from its start along the
    choices, then any scene not reached that way, in the order of the files."""
    order: list[str] = []
    seen: set[str] = set()
    by_chapter: dict[str, list[str]] = {}
    for sid, scene in story.scenes.items():
        by_chapter.setdefault(scene.chapter, []).append(sid)
    chapters = [c.id for c in story.chapters] + [c for c in by_chapter if c not in {x.id for x in story.chapters}]
    starts = {c.id: c.start for c in story.chapters}
    for chapter in chapters:
        members = set(by_chapter.get(chapter, []))
        queue = deque([s for s in [starts.get(chapter)] if s in members])
        while queue:
            sid = queue.popleft()
            if sid in seen:
                continue
            seen.add(sid)
            order.append(sid)
            for choice in story.scenes[sid].choices:
                if choice.to in members and choice.to not in seen:
                    queue.append(choice.to)
        for sid in by_chapter.get(chapter, []):
            if sid not in seen:
                seen.add(sid)
                order.append(sid)
    return order


def build_book(story: m.Story, catalog: m.Catalog, lang: str, *, second: str | None = None) -> Book:
    order = reading_order(story)
    numbers = {sid: i for i, sid in enumerate(order, 1)}
    unlocked_in: dict[str, list[str]] = {}
    for sid in order:
        scene = story.scenes[sid]
        for effect in list(scene.effects) + [e for c in scene.choices for e in c.effects]:
            if effect.op == "note" and sid not in unlocked_in.setdefault(effect.target, []):
                unlocked_in[effect.target].append(sid)
    notes = sorted(story.notes, key=lambda n: min((numbers[s] for s in unlocked_in.get(n, [])), default=10**9))
    return Book(story, catalog, lang, second if second != lang else None, tuple(order), numbers,
                {n: i for i, n in enumerate(notes, 1)}, unlocked_in)


def _fill_vars(text: str) -> str:
    return fill(text, _AnyVar())


class _AnyVar(dict):  # type: ignore[type-arg]
    """Every {name} stands for a value that depends on the reader's choices."""

    def __contains__(self, key: object) -> bool:
        return True

    def __getitem__(self, key: str) -> str:
        return VAR_MARK


def _endings_by_scene(story: m.Story) -> dict[str, str]:
    """Ending id -> the first scene that is that ending (its coda is printed there)."""
    out: dict[str, str] = {}
    for sid in reading_order(story):
        ending = story.scenes[sid].ending
        if ending and ending not in out:
            out[ending] = sid
    return out


# -- what the templates are given -----------------------------------------------------------

TEMPLATES = Path(__file__).resolve().parent / "templates"


def _segments(text: str, terms: object) -> list[tuple[str, str | None, bool]]:
    """A one-line text as (piece, term id or None, whether the glossary ``terms`` has it): the
    values filled with the mark for "depends on your choices", the term marks taken apart."""
    text = _fill_vars(text)
    out: list[tuple[str, str | None, bool]] = []
    pos = 0
    for mt in TERM_MARK_RE.finditer(text):
        tid = mt.group(2) or mt.group(1)
        out.append((text[pos:mt.start()], None, False))
        out.append((mt.group(1), tid, tid in terms))  # type: ignore[operator]
        pos = mt.end()
    out.append((text[pos:], None, False))
    return out


def _context(book: Book) -> dict[str, Any]:
    """What both templates are given: the book, its texts and the order of everything."""
    story = book.story
    t = book.texts
    t2 = book.second_texts
    by_chapter: dict[str, list[str]] = {}
    for sid in book.order:
        by_chapter.setdefault(story.scenes[sid].chapter, []).append(sid)
    known = [c.id for c in story.chapters]
    placed = _endings_by_scene(story)
    used = {ef.target for s in story.scenes.values()
            for ef in list(s.effects) + [x for c in s.choices for x in c.effects] if ef.op == "end"}

    def blocks(texts: Texts, key: str) -> list[tuple[str, str | None, str]]:
        # The speaker with the language's separator ("Bai:", "Bai\u00a0:"); the space after it is the page's.
        sep = texts("ui.speaker_separator").rstrip(" ")
        return [(kind, speaker_name(texts, speaker) + sep if speaker is not None else None, body)
                for kind, speaker, body in split_blocks(texts.raw(key))]

    def paragraphs(key: str) -> list[tuple[Any, Any]]:
        """Each paragraph of a text in the book's language with the second language's beside it."""
        first = blocks(t, key)
        second = blocks(t2, key) if t2 is not None and t2.has(key) else []
        n = max(len(first), len(second))
        return [(first[i] if i < len(first) else None, second[i] if i < len(second) else None) for i in range(n)]

    return {
        # keys: the model's functions naming a text (scene_title_key...)
        "b": book, "story": story, "t": t, "t2": t2, "keys": m, "lang_name": lang_name, "var_mark": VAR_MARK,
        "chapters": [(c, by_chapter.get(c, [])) for c in known + [c for c in by_chapter if c not in known]],
        "placed": placed, "loose": [x for x in story.endings if x in used and x not in placed],
        "notes": sorted(book.note_numbers, key=book.note_numbers.__getitem__),
        "terms": sorted(story.classroom.terms, key=lambda x: fold(t(m.term_word_key(x)))),
        "paragraphs": paragraphs,
    }


def to_html(book: Book) -> str:
    """The book as one self-contained HTML page."""
    terms = book.story.classroom.terms
    env = environment(TEMPLATES, "html")
    return env.get_template("edition.html.j2").render(segments=lambda text: _segments(text, terms), **_context(book))


# -- Markdown ------------------------------------------------------------------------------

def _md_inline(text: str) -> str:
    """A one-line text as Markdown: escaped, its term marks as *emphasis*."""
    text = strip_controls(_fill_vars(text)).strip()
    out, pos = [], 0
    for mt in TERM_MARK_RE.finditer(text):
        out.append(md_text(text[pos:mt.start()]))
        out.append(f"*{md(mt.group(1))}*")
        pos = mt.end()
    out.append(md_text(text[pos:]))
    return "".join(out)


def to_markdown(book: Book) -> str:
    """The book as Markdown: the same sections, with explicit anchors and ``→ §n`` targets."""
    from markupsafe import Markup

    env = environment(TEMPLATES, "md")
    context = _context(book)
    context["chapters"] = [(c, sids) for c, sids in context["chapters"] if sids]
    return env.get_template("edition.md.j2").render(inline=lambda text: Markup(_md_inline(text)),
                                                    code=lambda text: Markup(md_code(text)), **context)
