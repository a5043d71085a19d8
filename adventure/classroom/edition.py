"""The reading edition: the whole story as a book, in HTML or Markdown.

Every scene becomes a numbered section (``§12``) and every choice a link to the section it
leads to, written out as text (``→ §12``) so nothing is lost on paper. Chapters come in
order, each scene of a chapter in reading order (breadth-first from the chapter's start),
with the chapter's reflection questions at its end; then the historical notes with their
sources, the glossary and the list of sources. The HTML is one self-contained file: no
scripts, no fonts or images from the network; it reads on a phone and prints cleanly::

    book = build_book(story, catalog, "en", second="es")
    Path("book.html").write_text(to_html(book), encoding="utf-8")

It works for any story the loader accepts; a story without classroom data simply has no
questions, glossary or source list.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from adventure.classroom.flow import lang_name
from adventure.core import model as m
from adventure.core.charset import strip_controls
from adventure.text.catalog import Texts, fill, fold
from adventure.text.markup import TERM_MARK_RE, html_text, md_code, md_text
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


# -- HTML ----------------------------------------------------------------------------------

BOOK_CSS = """
:root{--ink:#1d1d1d;--soft:#5b5b5b;--line:#d8d2c4;--paper:#fffdf7;--accent:#7a2e1f;--second:#24466b}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0 auto;max-width:40rem;padding:1rem 1.1rem 4rem;background:var(--paper);color:var(--ink);
font:1.05rem/1.6 Georgia,'Times New Roman',serif;overflow-wrap:break-word}
h1{font-size:2rem;line-height:1.2;margin:2rem 0 .3rem}
h2{font-size:1.5rem;margin:3rem 0 1rem;border-bottom:2px solid var(--line);padding-bottom:.3rem}
h3{font-size:1.15rem;margin:2.2rem 0 .2rem}
a{color:var(--accent)}
.subtitle,.meta,.credit,.legend{color:var(--soft)}
.meta,.credit{font-size:.92rem;margin:.1rem 0}.credit{font-style:italic}
.num{color:var(--accent);font-variant-numeric:tabular-nums;margin-right:.4rem}
.second{color:var(--second);font-style:italic}
p.second{margin-top:-.6rem}
h3 .second,.entry-second{display:block;font-size:.95rem;font-weight:normal}
blockquote{margin:1rem 0 1rem .4rem;padding:.1rem 0 .1rem 1rem;border-left:3px solid var(--line)}
.speaker{font-weight:bold;font-variant:small-caps}
a.term,span.term{color:inherit;text-decoration:underline dotted;text-underline-offset:.2em}
ol.choices{list-style:none;padding:0;margin:1rem 0 0}
ol.choices li{margin:.4rem 0;padding:.45rem .7rem;border:1px solid var(--line);border-radius:.4rem;background:#fff}
ol.choices a{text-decoration:none;display:block}
.go{white-space:nowrap;font-weight:bold}
.cond{color:var(--soft);font-size:.85rem}
.unlocks{font-size:.92rem;color:var(--soft)}
.ending{margin:1.2rem 0;padding:.8rem 1rem;border:2px solid var(--accent);border-radius:.4rem}
.ending h4{margin:0 0 .4rem;color:var(--accent)}
.questions{background:#f4efe2;padding:.8rem 1rem;border-radius:.4rem;margin-top:2rem}
.questions h3{margin-top:0}.hint{color:var(--soft);font-size:.92rem}
nav.toc ol{padding-left:1.2rem}
dl.glossary dt{font-weight:bold;margin-top:.8rem}dl.glossary dd{margin:0 0 0 1rem}
.top{font-size:.85rem}
.scene{scroll-margin-top:1rem}
@media (max-width:30rem){body{font-size:1rem;padding:.6rem .8rem 3rem}h1{font-size:1.6rem}}
@media print{
 @page{margin:18mm 16mm}
 body{max-width:none;background:#fff;font-size:11pt;padding:0}
 a{color:inherit;text-decoration:none}
 a.term{text-decoration:underline dotted}
 .top,.skip{display:none}
 nav.toc{break-after:page}
 section.chapter{break-before:page}
 h2,h3,h4{break-after:avoid}
 ol.choices li{break-inside:avoid;border-color:#999}
 .ending,.questions,blockquote{break-inside:avoid}
 .second{color:#333}
}
"""


e = html_text  # HTML-escaped, control characters dropped (adventure.text.markup)


class _Html:
    def __init__(self, book: Book) -> None:
        self.book = book
        self.story = book.story
        self.out: list[str] = []

    # inline text: escape, then turn term marks into glossary links
    def inline(self, text: str) -> str:
        text = _fill_vars(text)
        pos = 0
        parts = []
        for mt in TERM_MARK_RE.finditer(text):
            parts.append(e(text[pos:mt.start()]))
            shown, tid = mt.group(1), mt.group(2) or mt.group(1)
            if tid in self.story.classroom.terms:
                parts.append(f'<a class="term" href="#g-{e(tid)}">{e(shown)}</a>')
            else:
                parts.append(f'<span class="term">{e(shown)}</span>')
            pos = mt.end()
        parts.append(e(text[pos:]))
        return "".join(parts)

    def blocks(self, raw: str, texts: Texts, *, cls: str = "", lang: str = "") -> list[str]:
        attrs = (f' class="{cls}"' if cls else "") + (f' lang="{lang}"' if lang else "")
        out = []
        for kind, speaker, body in split_blocks(raw):
            if kind == "quote":
                out.append(f"<blockquote{attrs}><p>{self.inline(body)}</p></blockquote>")
            elif kind == "speech" and speaker is not None:
                name = e(speaker_name(texts, speaker))
                out.append(f'<p{attrs}><span class="speaker">{name}:</span> {self.inline(body)}</p>')
            else:
                out.append(f"<p{attrs}>{self.inline(body)}</p>")
        return out

    def text(self, key: str) -> None:
        """A text in the book's language, each paragraph followed by the second language's."""
        b = self.book
        first = self.blocks(b.texts.raw(key), b.texts)
        second: list[str] = []
        if b.second_texts is not None and b.second_texts.has(key):
            second = self.blocks(b.second_texts.raw(key), b.second_texts, cls="second", lang=b.second or "")
        for i in range(max(len(first), len(second))):
            if i < len(first):
                self.out.append(first[i])
            if i < len(second):
                self.out.append(second[i])

    def line(self, key: str, **subs: object) -> tuple[str, str]:
        """(first language, second language or "") of a one-line text, escaped."""
        b = self.book
        first = self.inline(b.texts(key, **subs))
        second = ""
        if b.second_texts is not None and b.second_texts.has(key):
            second = f'<span class="second" lang="{e(b.second or "")}">{self.inline(b.second_texts(key, **subs))}</span>'
        return first, second

    def ui(self, key: str, **subs: object) -> str:
        return e(self.book.texts(key, **subs))

    def build(self) -> str:
        b, story, o = self.book, self.story, self.out
        title = b.texts(story.title_key)
        o.append(f'<!DOCTYPE html>\n<html lang="{e(b.lang)}">\n<head>\n<meta charset="utf-8">\n'
                 '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
                 f'<meta name="generator" content="Hengyang 1944 reading edition">\n'
                 f"<title>{e(title)}</title>\n<style>{BOOK_CSS}</style>\n</head>\n<body>\n")
        o.append(f'<header id="top">\n<h1>{e(title)}</h1>')
        if b.texts.has("story.subtitle"):
            o.append(f'<p class="subtitle">{e(b.texts("story.subtitle"))}</p>')
        edition = self.ui("ui.edition.edition_line", lang=lang_name(b.texts, b.lang)) if not b.second else \
            self.ui("ui.edition.edition_line_both", lang=lang_name(b.texts, b.lang), second=lang_name(b.texts, b.second))
        o.append(f'<p class="meta">{edition}</p>\n</header>')
        if b.texts.has("story.content_note"):
            o.append(f'<section id="content-note">\n<h2>{self.ui("ui.content_note_heading")}</h2>')
            self.text("story.content_note")
            o.append("</section>")
        self.contents()
        o.append(f'<section id="how-to-read">\n<h2>{self.ui("ui.edition.how_heading")}</h2>')
        for key in ("ui.edition.how_sections", "ui.edition.how_conditions", "ui.edition.how_values",
                    "ui.edition.how_terms"):
            o.append(f'<p class="legend">{self.ui(key, start=b.numbers.get(story.start, 1), mark=VAR_MARK)}</p>')
        o.append("</section>")
        self.chapters()
        self.loose_endings()
        self.notes()
        self.glossary()
        self.sources()
        o.append(f'<footer><p class="meta">{self.ui("ui.edition.footer")}</p></footer>\n</body>\n</html>\n')
        return "\n".join(o)

    def contents(self) -> None:
        b, o = self.book, self.out
        o.append(f'<nav class="toc" aria-label="{self.ui("ui.edition.contents")}">\n'
                 f'<h2>{self.ui("ui.edition.contents")}</h2>\n<ol>')
        for chapter in self.story.chapters:
            first, _ = self.line(m.chapter_title_key(chapter.id))
            o.append(f'<li><a href="#c-{e(chapter.id)}">{first}</a> '
                     f'<span class="meta">§{b.numbers.get(chapter.start, 0)}</span></li>')
        if self._loose():
            o.append(f'<li><a href="#other-endings">{self.ui("ui.edition.other_endings")}</a></li>')
        if self.story.notes:
            o.append(f'<li><a href="#notes">{self.ui("ui.edition.notes_heading")}</a></li>')
        if self.story.classroom.terms:
            o.append(f'<li><a href="#glossary">{self.ui("ui.edition.glossary_heading")}</a></li>')
        if self.story.classroom.sources:
            o.append(f'<li><a href="#sources">{self.ui("ui.edition.sources_heading")}</a></li>')
        o.append("</ol>\n</nav>")

    def chapters(self) -> None:
        b, o = self.book, self.out
        by_chapter: dict[str, list[str]] = {}
        for sid in b.order:
            by_chapter.setdefault(self.story.scenes[sid].chapter, []).append(sid)
        known = [c.id for c in self.story.chapters]
        for chapter in known + [c for c in by_chapter if c not in known]:
            first, second = self.line(m.chapter_title_key(chapter))
            o.append(f'<section class="chapter" id="c-{e(chapter)}">\n<h2>{first}'
                     + (f'<span class="entry-second">{second}</span>' if second else "") + "</h2>")
            for sid in by_chapter.get(chapter, []):
                self.scene(sid)
            self.questions(chapter)
            o.append(f'<p class="top"><a href="#top">{self.ui("ui.edition.back_to_top")}</a></p>\n</section>')

    def scene(self, sid: str) -> None:
        b, o, story = self.book, self.out, self.story
        scene = story.scenes[sid]
        first, second = self.line(m.scene_title_key(sid))
        o.append(f'<section class="scene" id="s-{e(sid)}">\n<h3><span class="num">§{b.numbers[sid]}</span>{first}'
                 + (f" {second}" if second else "") + "</h3>")
        date = b.texts.date(scene.date, story.siege_start)
        if date:
            o.append(f'<p class="meta">{e(date)}</p>')
        if b.texts.has(m.scene_credit_key(sid)):
            cf, cs = self.line(m.scene_credit_key(sid))
            o.append(f'<p class="credit">{cf}' + (f"<br>{cs}" if cs else "") + "</p>")
        self.text(m.scene_text_key(sid))
        self.unlocks([ef.target for ef in scene.effects if ef.op == "note"])
        if scene.ending:
            self.ending(scene.ending, anchor=_endings_by_scene(story).get(scene.ending) == sid)
        if scene.choices:
            o.append('<ol class="choices">')
            for choice in scene.choices:
                self.choice(sid, choice)
            o.append("</ol>")
        o.append("</section>")

    def choice(self, sid: str, choice: m.Choice) -> None:
        b = self.book
        label, second = self.line(m.choice_key(sid, choice.id))
        ends = [ef.target for ef in choice.effects if ef.op == "end"]
        if choice.to is not None and not ends:
            href, go = f"#s-{e(choice.to)}", f"→ §{b.numbers.get(choice.to, 0)}"
        else:
            ending = ends[0] if ends else ""
            href = f"#e-{e(ending)}"
            go = "→ " + self.ui("ui.edition.ending_ref", ending=b.texts(m.ending_title_key(ending)))
        extra = ""
        if choice.when is not None:
            extra += f' <span class="cond">◇ {self.ui("ui.edition.conditional")}</span>'
        notes = [ef.target for ef in choice.effects if ef.op == "note"]
        if notes:
            extra += " " + self._note_refs(notes)
        self.out.append(f'<li><a href="{href}">{label}' + (f"<br>{second}" if second else "")
                        + f' <span class="go">{go}</span></a>{extra}</li>')

    def _note_refs(self, note_ids: list[str]) -> str:
        b = self.book
        refs = ", ".join(f'<a href="#n-{e(n)}">N{b.note_numbers[n]} {e(b.texts(m.note_title_key(n)))}</a>'
                         for n in note_ids if n in b.note_numbers)
        return f'<span class="unlocks">{self.ui("ui.edition.unlocks")} {refs}</span>'

    def unlocks(self, note_ids: list[str]) -> None:
        if note_ids:
            self.out.append(f"<p>{self._note_refs(note_ids)}</p>")

    def ending(self, ending: str, *, anchor: bool) -> None:
        first, second = self.line(m.ending_title_key(ending))
        ident = f' id="e-{e(ending)}"' if anchor else ""
        self.out.append(f'<div class="ending"{ident}>\n<h4>{self.ui("ui.edition.ending_label")}: {first}'
                        + (f" {second}" if second else "") + "</h4>")
        self.text(m.ending_text_key(ending))
        self.out.append("</div>")

    def _loose(self) -> list[str]:
        """Endings reached only by an effect, with no scene of their own."""
        placed = _endings_by_scene(self.story)
        used = {ef.target for s in self.story.scenes.values()
                for ef in list(s.effects) + [x for c in s.choices for x in c.effects] if ef.op == "end"}
        return [x for x in self.story.endings if x in used and x not in placed]

    def loose_endings(self) -> None:
        loose = self._loose()
        if not loose:
            return
        self.out.append(f'<section class="chapter" id="other-endings">\n<h2>{self.ui("ui.edition.other_endings")}</h2>')
        for ending in loose:
            self.ending(ending, anchor=True)
        self.out.append("</section>")

    def questions(self, chapter: str) -> None:
        questions = self.story.classroom.for_chapter(chapter)
        if not questions:
            return
        b, o = self.book, self.out
        o.append(f'<div class="questions">\n<h3>{self.ui("ui.edition.questions_heading")}</h3>\n<ol>')
        for q in questions:
            first, second = self.line(m.question_text_key(q.id))
            item = first + (f"<br>{second}" if second else "")
            if b.texts.has(m.question_hint_key(q.id)):
                item += f'<br><span class="hint">{self.ui("ui.classroom.hint", hint=b.texts(m.question_hint_key(q.id)))}</span>'
            o.append(f"<li>{item}</li>")
        o.append("</ol>\n</div>")

    def notes(self) -> None:
        b, o = self.book, self.out
        if not self.story.notes:
            return
        o.append(f'<section class="chapter" id="notes">\n<h2>{self.ui("ui.edition.notes_heading")}</h2>')
        for nid in sorted(b.note_numbers, key=b.note_numbers.get):  # type: ignore[arg-type]
            note = self.story.notes[nid]
            first, second = self.line(m.note_title_key(nid))
            o.append(f'<section id="n-{e(nid)}">\n<h3><span class="num">N{b.note_numbers[nid]}</span>{first}'
                     + (f" {second}" if second else "") + "</h3>")
            date = b.texts.date(note.date, self.story.siege_start)
            if date:
                o.append(f'<p class="meta">{e(date)}</p>')
            self.text(m.note_body_key(nid))
            sources = []
            for file in note.sources:
                src = self.story.classroom.source_for(file)
                if src is not None and b.texts.has(m.source_title_key(src.id)):
                    sources.append(f'<a href="#src-{e(src.id)}">{e(b.texts(m.source_title_key(src.id)))}</a>')
                else:
                    sources.append(f"<code>{e(file)}</code>")
            o.append(f'<p class="meta">{self.ui("ui.edition.sources_label")}: {"; ".join(sources)}</p>')
            where = b.unlocked_in.get(nid, [])
            if where:
                refs = ", ".join(f'<a href="#s-{e(s)}">§{b.numbers[s]}</a>' for s in where)
                o.append(f'<p class="meta">{self.ui("ui.edition.found_in")} {refs}</p>')
            o.append("</section>")
        o.append("</section>")

    def glossary(self) -> None:
        b, o = self.book, self.out
        terms = self.story.classroom.terms
        if not terms:
            return
        o.append(f'<section class="chapter" id="glossary">\n<h2>{self.ui("ui.edition.glossary_heading")}</h2>\n'
                 '<dl class="glossary">')
        for tid in sorted(terms, key=lambda t: fold(b.texts(m.term_word_key(t)))):
            first, second = self.line(m.term_word_key(tid))
            o.append(f'<dt id="g-{e(tid)}">{first}' + (f" · {second}" if second else "") + "</dt>")
            d1 = self.inline(b.texts(m.term_definition_key(tid)))
            o.append(f"<dd><p>{d1}</p>")
            if b.second_texts is not None and b.second_texts.has(m.term_definition_key(tid)):
                d2 = self.inline(b.second_texts(m.term_definition_key(tid)))
                o.append(f'<p class="second" lang="{e(b.second or "")}">{d2}</p>')
            o.append("</dd>")
        o.append("</dl>\n</section>")

    def sources(self) -> None:
        b, o = self.book, self.out
        if not self.story.classroom.sources:
            return
        o.append(f'<section class="chapter" id="sources">\n<h2>{self.ui("ui.edition.sources_heading")}</h2>\n<ol>')
        for src in self.story.classroom.sources:
            title = e(b.texts(m.source_title_key(src.id)))
            about = e(b.texts(m.source_about_key(src.id)))
            o.append(f'<li id="src-{e(src.id)}"><strong>{title}</strong><br>{about}</li>')
        o.append("</ol>\n</section>")


def to_html(book: Book) -> str:
    """The book as one self-contained HTML page."""
    return _Html(book).build()


# -- Markdown ------------------------------------------------------------------------------

def _md(text: str) -> str:
    """A whole value as Markdown inline text (adventure.text.markup), trimmed: a space just inside
    ``*...*`` would stop the emphasis."""
    return md_text(text, trim=True)


def _md_inline(text: str) -> str:
    text = strip_controls(_fill_vars(text)).strip()
    out, pos = [], 0
    for mt in TERM_MARK_RE.finditer(text):
        out.append(md_text(text[pos:mt.start()]))
        out.append(f"*{_md(mt.group(1))}*")
        pos = mt.end()
    out.append(md_text(text[pos:]))
    return "".join(out)


def to_markdown(book: Book) -> str:
    """The book as Markdown: the same sections, with explicit anchors and ``→ §n`` targets."""
    b, story = book, book.story
    t, t2 = b.texts, b.second_texts
    lines: list[str] = []

    def text(key: str) -> None:
        first = _md_blocks(t.raw(key), t)
        second = _md_blocks(t2.raw(key), t2) if t2 is not None and t2.has(key) else []
        for i in range(max(len(first), len(second))):
            if i < len(first):
                lines.extend([first[i], ""])
            if i < len(second):
                lines.extend(["> *" + _md(t(f"ui.classroom.tag.{b.second}")) + "* " + second[i].lstrip("> "), ""])

    def both(key: str, **subs: object) -> str:
        first = _md_inline(t(key, **subs))
        if t2 is not None and t2.has(key):
            return f"{first} / *{_md_inline(t2(key, **subs))}*"
        return first

    lines += [f"# {_md(t(story.title_key))}", ""]
    if t.has("story.subtitle"):
        lines += [f"*{_md(t('story.subtitle'))}*", ""]
    if t.has("story.content_note"):
        lines += [f"## {_md(t('ui.content_note_heading'))}", ""]
        text("story.content_note")
    lines += [f"## {_md(t('ui.edition.how_heading'))}", ""]
    for key in ("ui.edition.how_sections", "ui.edition.how_conditions", "ui.edition.how_values",
                "ui.edition.how_terms"):
        lines += [_md(t(key, start=b.numbers.get(story.start, 1), mark=VAR_MARK)), ""]
    placed = _endings_by_scene(story)
    current = None
    for sid in b.order:
        scene = story.scenes[sid]
        if scene.chapter != current:
            if current is not None:
                lines += _md_questions(b, current)
            current = scene.chapter
            lines += [f'<a id="c-{scene.chapter}"></a>', "", f"## {both(m.chapter_title_key(scene.chapter))}", ""]
        lines += [f'<a id="s-{sid}"></a>', "", f"### §{b.numbers[sid]} {both(m.scene_title_key(sid))}", ""]
        date = t.date(scene.date, story.siege_start)
        if date:
            lines += [f"*{_md(date)}*", ""]
        if t.has(m.scene_credit_key(sid)):
            lines += [f"*{both(m.scene_credit_key(sid))}*", ""]
        text(m.scene_text_key(sid))
        notes = [ef.target for ef in scene.effects if ef.op == "note"]
        if notes:
            lines += [_md(t("ui.edition.unlocks")) + " " + ", ".join(
                f"[N{b.note_numbers[n]} {_md(t(m.note_title_key(n)))}](#n-{n})" for n in notes), ""]
        if scene.ending:
            if placed.get(scene.ending) == sid:
                lines += [f'<a id="e-{scene.ending}"></a>', ""]
            lines += [f"**{_md(t('ui.edition.ending_label'))}: {both(m.ending_title_key(scene.ending))}**", ""]
            text(m.ending_text_key(scene.ending))
        for choice in scene.choices:
            ends = [ef.target for ef in choice.effects if ef.op == "end"]
            if choice.to is not None and not ends:
                target = f"[→ §{b.numbers.get(choice.to, 0)}](#s-{choice.to})"
            else:
                target = f"[→ {_md(t('ui.edition.ending_ref', ending=t(m.ending_title_key(ends[0]))))}](#e-{ends[0]})"
            cond = f" ◇ *{_md(t('ui.edition.conditional'))}*" if choice.when is not None else ""
            lines.append(f"- {both(m.choice_key(sid, choice.id))} {target}{cond}")
        lines.append("")
    if current is not None:
        lines += _md_questions(b, current)
    loose = [x for x in story.endings if x not in placed and any(
        ef.op == "end" and ef.target == x for s in story.scenes.values()
        for ef in list(s.effects) + [y for c in s.choices for y in c.effects])]
    if loose:
        lines += [f"## {_md(t('ui.edition.other_endings'))}", ""]
        for ending in loose:
            lines += [f'<a id="e-{ending}"></a>', "", f"**{both(m.ending_title_key(ending))}**", ""]
            text(m.ending_text_key(ending))
    if story.notes:
        lines += [f"## {_md(t('ui.edition.notes_heading'))}", ""]
        for nid in sorted(b.note_numbers, key=b.note_numbers.get):  # type: ignore[arg-type]
            note = story.notes[nid]
            lines += [f'<a id="n-{nid}"></a>', "", f"### N{b.note_numbers[nid]} {both(m.note_title_key(nid))}", ""]
            text(m.note_body_key(nid))
            cites = []
            for file in note.sources:
                src = story.classroom.source_for(file)
                cites.append(_md(t(m.source_title_key(src.id))) if src else md_code(file))
            lines += [f"*{_md(t('ui.edition.sources_label'))}:* " + "; ".join(cites), ""]
    if story.classroom.terms:
        lines += [f"## {_md(t('ui.edition.glossary_heading'))}", ""]
        for tid in sorted(story.classroom.terms, key=lambda x: fold(t(m.term_word_key(x)))):
            lines += [f'<a id="g-{tid}"></a>', "", f"**{both(m.term_word_key(tid))}**: "
                      + _md_inline(t(m.term_definition_key(tid))), ""]
            if t2 is not None and t2.has(m.term_definition_key(tid)):
                lines += [f"> *{_md_inline(t2(m.term_definition_key(tid)))}*", ""]
    if story.classroom.sources:
        lines += [f"## {_md(t('ui.edition.sources_heading'))}", ""]
        for src in story.classroom.sources:
            lines += [f"- **{_md(t(m.source_title_key(src.id)))}**: {_md(t(m.source_about_key(src.id)))}"]
        lines.append("")
    lines += ["---", "", _md(t("ui.edition.footer")), ""]
    return "\n".join(lines)


def _md_blocks(raw: str, texts: Texts) -> list[str]:
    out = []
    for kind, speaker, body in split_blocks(raw):
        if kind == "quote":
            out.append("> " + _md_inline(body))
        elif kind == "speech" and speaker is not None:
            out.append(f"**{_md(speaker_name(texts, speaker))}:** {_md_inline(body)}")
        else:
            out.append(_md_inline(body))
    return out


def _md_questions(book: Book, chapter: str) -> list[str]:
    questions = book.story.classroom.for_chapter(chapter)
    if not questions:
        return []
    t = book.texts
    lines = [f"#### {_md(t('ui.edition.questions_heading'))}", ""]
    for i, q in enumerate(questions, 1):
        line = f"{i}. {_md_inline(t(m.question_text_key(q.id)))}"
        if book.second_texts is not None and book.second_texts.has(m.question_text_key(q.id)):
            line += f" / *{_md_inline(book.second_texts(m.question_text_key(q.id)))}*"
        lines.append(line)
    return lines + [""]
