"""Checks of the texts for the classroom and for reading: speakers, glossary marks, cited
sources, questions per chapter, and the paragraphs that bilingual reading pairs.

Run by :func:`adventure.files.locale_links.link_locales` once every language's texts are known.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from adventure.core import model as m
from adventure.core.diagnostics import Diagnostic, closest
from adventure.files.diagtext import diag
from adventure.files.story_records import MANIFEST
from adventure.text.markup import TERM_OPENING_RE, paragraphs, speakers, term_marks

if TYPE_CHECKING:
    from adventure.files.locale_links import Places


def speaker_diagnostics(story: m.Story, texts: Mapping[str, Mapping[str, str]],
                        places: Mapping[str, Places]) -> list[Diagnostic]:
    """E219 for a paragraph ``@name:`` whose name is not a declared character."""
    out: list[Diagnostic] = []
    declared = set(story.characters)
    for lang in story.languages:
        for key, text in texts.get(lang, {}).items():
            if "@" not in text or key.startswith("ui."):
                continue
            for name, row in speakers(text):
                if name in declared:
                    continue
                path, line, col = places[lang][key]
                if "\n" in text:  # a block (|) text: its lines start on the line after the key
                    line, col = line + 1 + row, 1
                out.append(diag("E219", path, line, col, "E219", speaker=name, key=key, manifest=MANIFEST,
                                closest=closest(name, story.characters)))
    return out


def paragraph_count(text: str) -> int:
    """Paragraphs as the reader sees them (blank-line separated)."""
    return len(paragraphs(text))


def classroom_diagnostics(story: m.Story, texts: Mapping[str, Mapping[str, str]],
                           places: Mapping[str, Places]) -> list[Diagnostic]:
    """Glossary marks, cited sources, questions per chapter, and paragraphs that bilingual
    reading pairs between the languages."""
    out: list[Diagnostic] = []
    terms = story.classroom.terms
    for lang in story.languages:
        for key, text in texts.get(lang, {}).items():
            if "[[" not in text or key.startswith("ui."):
                continue
            path, line, col = places[lang][key]
            marks = term_marks(text)
            starts = {offset for _, _, offset in marks}
            for opening in TERM_OPENING_RE.finditer(text):
                offset = opening.start()
                if offset not in starts and offset - 1 not in starts:
                    snippet = text[offset:offset + 30].split("\n")[0]
                    out.append(diag("W502", path, line, col, "W502", key=key, snippet=snippet))
            if terms:
                for shown, tid, _ in marks:
                    if tid not in terms:
                        out.append(diag("W501", path, line, col, "W501", key=key, shown=shown, term=tid,
                                        closest=closest(tid, terms)))
    if story.classroom.sources:
        for note in story.notes.values():
            for file in note.sources:
                if story.classroom.source_for(file) is None:
                    path, line, col = note.pos
                    known = [s.file for s in story.classroom.sources]
                    out.append(diag("W503", path, line, col, "W503", note=note.id, file=file, closest=closest(file, known)))
    if story.classroom.questions:
        asked = {q.chapter for q in story.classroom.questions}
        for chapter in story.chapters:
            if chapter.id not in asked:
                path, line, col = chapter.pos
                out.append(diag("W504", path, line, col, "W504", chapter=chapter.id))
    base = story.languages[0]
    for lang in story.languages[1:]:
        for key, text in texts.get(lang, {}).items():
            if not key.endswith((".text", ".body", ".definition")) or key.startswith("ui."):
                continue
            theirs = texts.get(base, {}).get(key)
            if theirs is None:
                continue
            mine, other = paragraph_count(text), paragraph_count(theirs)
            if mine != other:
                path, line, col = places[lang][key]
                out.append(diag("W505", path, line, col, "W505", key=key, mine=mine, lang=lang, other=other, base=base))
    return out
