"""The locales linked to the story: the catalog, and what each language lacks or has too much.

:func:`link_locales` merges each language's locale records into one table of texts and checks
them against the structure: the keys the story needs (:func:`required_keys`), texts it does not
use, placeholders, plural forms, and the interface keys every language must have
(:func:`interface_diagnostics`). The classroom's checks of the texts are in
:mod:`adventure.files.classroom_checks`.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import repeat
from operator import itemgetter
from types import MappingProxyType
from typing import Any

from adventure.core import model as m
from adventure.core.diagnostics import Diagnostic, Phrase, closest
from adventure.files.classroom_checks import classroom_diagnostics, speaker_diagnostics
from adventure.files.diagtext import diag, english, phrase
from adventure.files.story_records import MANIFEST, Record
from adventure.text.markup import placeholders
from adventure.text.plural import forms_given, missing_forms

#: The language the engine's interface is written in: its ``ui*.yaml`` files name every
#: interface key, and each of a story's languages must have each one (from the story's own
#: locales or the engine's).
INTERFACE_LANGUAGE = "en"


def interface_diagnostics(catalog: m.Catalog, reference: list[Record]) -> list[Diagnostic]:
    """E300 for every interface key of the engine's reference texts that a story language
    lacks: a new language is complete only with the whole interface translated (before,
    a key missing everywhere showed ``[ui.key]`` on screen). Keys the story's first language
    lacks are reported here; the other languages' gaps against the first are reported with
    the other translation checks, so nothing is said twice."""
    out: list[Diagnostic] = []
    base = catalog.languages[0] if catalog.languages else None
    for rec in reference:
        for key, _text, line, col in rec["entries"]:
            if not key.startswith("ui."):
                continue
            for lang in catalog.languages:
                if key in catalog.texts.get(lang, {}):
                    continue
                if lang != base and key in catalog.texts.get(base or "", {}):
                    continue  # reported against the first language already
                out.append(diag("E300", rec["path"], line, col, "E300.interface", lang=lang, key=key))
    return out


_required: list[Any] = [None, None]  # the last (story, keys without a content note): check asks twice


def required_keys(story: m.Story, content_note: str | None = None) -> dict[str, tuple[str, int, int]]:
    """Every locale key the story needs, with the place that needs it (do not change it)."""
    if _required[0] is not story:
        _required[:] = [story, _required_keys(story)]
    keys: dict[str, tuple[str, int, int]] = _required[1]
    if content_note and content_note not in keys:
        keys = dict(keys)
        first = next(iter(story.scenes.values()), None)
        keys[content_note] = first.pos if first else ("story.yaml", 1, 1)
    return keys


def _required_keys(story: m.Story) -> dict[str, tuple[str, int, int]]:
    keys: dict[str, tuple[str, int, int]] = {}
    first = next(iter(story.scenes.values()), None)
    origin = first.pos if first else ("story.yaml", 1, 1)
    keys[story.title_key] = origin
    for ch in story.chapters:
        keys[m.chapter_title_key(ch.id)] = ch.pos
    for sc in story.scenes.values():  # the keys of m.scene_title_key and friends, written out: 10,000s of them
        sid, pos = sc.id, sc.pos
        keys[f"scenes.{sid}.title"] = pos
        keys[f"scenes.{sid}.text"] = pos
        for c in sc.choices:
            keys[f"scenes.{sid}.choices.{c.id}"] = c.pos
    for n in story.notes.values():
        keys[m.note_title_key(n.id)] = n.pos
        keys[m.note_body_key(n.id)] = n.pos
    for e in story.endings:
        keys[m.ending_title_key(e)] = origin
        keys[m.ending_text_key(e)] = origin
    for who in story.characters:
        keys[m.character_name_key(who)] = origin
    for q in story.classroom.questions:
        keys[m.question_text_key(q.id)] = q.pos
    for t in story.classroom.terms.values():
        keys[m.term_word_key(t.id)] = t.pos
        keys[m.term_definition_key(t.id)] = t.pos
    for src in story.classroom.sources:
        keys[m.source_title_key(src.id)] = src.pos
        keys[m.source_about_key(src.id)] = src.pos
    return keys


# Keys a story may define without the structure naming them.
OPTIONAL_PREFIXES = ("story.", "ui.")


def optional_key(key: str, story: m.Story) -> bool:
    if key.startswith(OPTIONAL_PREFIXES):
        return True
    parts = key.split(".")
    if len(parts) != 3:
        return False
    if parts[0] == "questions" and parts[2] == "hint":
        return any(q.id == parts[1] for q in story.classroom.questions)
    if parts[0] == "glossary" and parts[2] == "forms":
        return parts[1] in story.classroom.terms
    return parts[0] == "scenes" and parts[2] == "credit" and parts[1] in story.scenes


_first, _second, _third, _fourth = (itemgetter(i) for i in range(4))


class Places:
    """Where each text of one language is written, ``key -> (path, line, col)``, worked out
    when a diagnostic asks: a story of 10,000 scenes has 150,000 texts a language, and few
    of them ever need their place."""

    __slots__ = ("recs", "owner", "exact", "_index")

    def __init__(self, recs: list[tuple[Record, bool]]) -> None:
        self.recs = recs
        self.owner: dict[str, int] = {}  # key -> the record that defines it
        self.exact: dict[str, tuple[str, int, int]] = {}  # places set one by one (they win)
        self._index: dict[int, dict[str, tuple[str, int, int]]] = {}

    def __contains__(self, key: object) -> bool:
        return key in self.exact or key in self.owner

    def __getitem__(self, key: str) -> tuple[str, int, int]:
        got = self.exact.get(key)
        if got is not None:
            return got
        i = self.owner[key]
        index = self._index.get(i)
        if index is None:
            rec = self.recs[i][0]
            index = self._index[i] = {e[0]: (rec["path"], e[2], e[3]) for e in rec["entries"]}
        return index[key]


def link_locales(story: m.Story, locales: Mapping[str, list[tuple[Record, bool]]],
                  manifest: Record, *, draft: bool = False) -> tuple[m.Catalog, list[Diagnostic]]:
    diags: list[Diagnostic] = []
    texts: dict[str, dict[str, str]] = {}
    places: dict[str, Places] = {}
    for lang, recs in locales.items():
        table: dict[str, str] = {}
        where_ = Places(recs)
        engine_keys: set[str] = set()
        for i, (rec, is_engine) in enumerate(recs):
            entries = rec["entries"]
            keys = list(map(_first, entries))
            if table.keys().isdisjoint(keys) and len(set(keys)) == len(keys):  # the usual case, at C speed
                table.update(zip(keys, map(_second, entries), strict=True))
                where_.owner.update(zip(keys, repeat(i)))  # noqa: B905 - repeat() has no end
                if is_engine:
                    engine_keys.update(keys)
                continue
            for key, text, line, col in entries:
                if key in where_ and key not in engine_keys:
                    first = where_[key]
                    diags.append(diag("E304", rec["path"], line, col, "E304", key=key, first=f"{first[0]}:{first[1]}"))
                    continue
                table[key] = text
                where_.exact[key] = (rec["path"], line, col)
                if is_engine:
                    engine_keys.add(key)
                else:
                    engine_keys.discard(key)
        texts[lang] = table
        places[lang] = where_
    content_note = manifest["story"].get("content_note")
    needed = required_keys(story, content_note)
    base = story.languages[0]
    kinds = set(story.variables)
    for lang in story.languages:
        table = texts.get(lang, {})
        where_ = places[lang] if lang in places else Places([])
        for key in [k for k in needed if k not in table]:
            pos = needed[key]
            has = [other for other in story.languages if key in texts.get(other, {})] if draft else []
            if has:  # drafting: shown from the language that has it, marked as untranslated
                path, line, col = places[has[0]][key]
                diags.append(diag("W302", path, line, col, "W302.draft", key=key, lang=lang, other=has[0]))
                continue
            diags.append(diag("E300", pos[0], pos[1], pos[2], "E300", lang=lang, key=key))
        base_table = texts.get(base, {}) if lang != base else {}
        hint = _UnusedHint(needed)
        for key in [k for k in table if k not in needed]:
            if not optional_key(key, story):
                path, line, col = where_[key]
                diags.append(diag("W301", path, line, col, "W301", key=key, closest=hint(key)))
        # Placeholders: only texts with a brace here or in the first language can have a problem.
        base_braced = {k for k, t in base_table.items() if "{" in t}
        for key in [k for k, t in table.items() if "{" in t or k in base_braced]:
            text = table[key]
            path, line, col = where_[key]
            good, bad = placeholders(text)
            for b in bad:
                diags.append(diag("E302", path, line, col, "E302.syntax", placeholder="{" + b + "}", key=key))
            if not key.startswith("ui."):
                for g in good:
                    if g not in kinds:
                        diags.append(diag("E302", path, line, col, "E302.variable", placeholder="{" + g + "}", key=key,
                                          name=g, manifest=MANIFEST, closest=closest(g, kinds)))
            if key in base_table:
                ours = sorted(set(good))
                theirs = sorted(set(placeholders(texts[base][key])[0]))
                if ours != theirs:
                    diags.append(diag("E301", path, line, col, "E301", key=key, ours=fmt(ours), lang=lang,
                                      theirs=fmt(theirs), base=base))
        diags.extend(map(english, missing_forms(lang, table, texts, places)))
        if lang != base:
            forms = forms_given(texts.get(base, {}), table)  # their missing forms are E306
            for key in [k for k in texts.get(base, {}) if k not in table and k.startswith("ui.") and k not in forms]:
                path, line, col = places[base][key]
                diags.append(diag("E300", path, line, col, "E300.interface", lang=lang, key=key))
    diags.extend(classroom_diagnostics(story, texts, places))
    diags.extend(speaker_diagnostics(story, texts, places))
    frozen = {lang: MappingProxyType(table) for lang, table in texts.items()}
    return m.Catalog(story.languages, MappingProxyType(frozen), draft), diags


class _UnusedHint:
    """The "did you mean" of an unused locale key, among keys of the same shape: the same id's
    other keys (``titel`` -> ``title``), or the same key of a similar id (``bat_bia.title`` ->
    ``bat_bai.title``). Comparing with every needed key instead takes seconds when a whole
    chapter's texts are unused (its story file does not parse)."""

    def __init__(self, needed: Mapping[str, object]) -> None:
        self.needed = needed
        self.by_id: dict[str, list[str]] | None = None

    def __call__(self, key: str) -> str:
        parts = key.split(".", 2)
        if len(parts) < 3:
            return closest(key, [k for k in self.needed if "." not in k.partition(".")[2]])
        if self.by_id is None:
            self.by_id = {}
            for k in self.needed:
                head = k.split(".", 2)
                if len(head) == 3:
                    self.by_id.setdefault(f"{head[0]}.{head[1]}", []).append(k)
        own = self.by_id.get(f"{parts[0]}.{parts[1]}")
        if own is not None:
            return closest(key, own)
        tail = "." + parts[2]
        ids = [k.split(".", 2)[1] for k in self.needed if k.startswith(parts[0] + ".") and k.endswith(tail)]
        import difflib

        best = difflib.get_close_matches(parts[1], ids, n=1, cutoff=0.6)
        return f"{parts[0]}.{best[0]}{tail}" if best else ""



def fmt(names: list[str]) -> str | Phrase:
    return ", ".join("{" + n + "}" for n in names) if names else phrase("kind.none")
