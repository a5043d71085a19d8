"""Translators' files: the rows exported for a language, the entries read back, and CSV.

:func:`export_rows` turns a language's status (:mod:`adventure.tools.translation`) into one
:class:`Row` per source text; :func:`to_csv` writes them for a spreadsheet and :func:`read_csv`
reads a spreadsheet's CSV back as :class:`Incoming` entries (PO files: :mod:`adventure.tools.pofile`;
bringing entries into the locale files: :mod:`adventure.tools.importing`). Every cell is
escaped for CSV (:func:`csv_cell`); nothing in an imported file is executed::

    text = to_csv(export_rows(status(locales, "en", "es")), base="en", lang="es")
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from adventure.core.charset import strip_controls
from adventure.files.yamledit import EditError, comment_above
from adventure.tools.translation import Entry, LangStatus, source_hash


@dataclass
class Row:
    """One line of an exported file."""

    key: str
    status: str
    source_hash: str
    source: str
    translation: str
    source_comment: str
    translation_comment: str
    reference: str
    previous: str = ""  # a stale entry: the source text the translation was reviewed against


def export_rows(st: LangStatus, *, todo: bool = False) -> list[Row]:
    rows = []
    comments: dict[Path, str] = {}

    def comment(entry: Entry | None) -> str:
        if entry is None:
            return ""
        if entry.path not in comments:
            try:
                comments[entry.path] = entry.path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                comments[entry.path] = ""
        try:
            return comment_above(comments[entry.path], tuple(entry.key.split(".")))
        except EditError:
            return ""

    from adventure.tools.reviewed import previous_sources

    previous = previous_sources(((k.key, k.source.path, k.reviewed_hash) for k in st.keys
                                 if k.state == "stale" and k.source is not None and k.reviewed_hash), source_hash)
    for k in st.keys:
        if k.source is None:
            continue
        if todo and k.label == "ok":
            continue
        rows.append(Row(k.key, k.label, source_hash(k.source.text), k.source.text,
                        k.target.text if k.target else "", comment(k.source), comment(k.target),
                        f"{k.source.shown}:{k.source.line}", previous.get(k.key, "")))
    return rows


CSV_COLUMNS = ("key", "status", "source_hash", "{base}", "{lang}", "{base}_comment", "{lang}_comment", "reference")


# A cell a spreadsheet would read as a formula (CSV injection): it gets a leading apostrophe,
# which spreadsheets hide and read_csv removes again.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(text: str) -> str:
    """A CSV cell: no control characters, and never a formula.

    >>> csv_cell("=1+2"), csv_cell("-10 degrees"), csv_cell("plain\x1b[2J")
    ("'=1+2", "'-10 degrees", 'plain[2J')
    """
    text = strip_controls(text)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _csv_uncell(text: str) -> str:
    """What :func:`csv_cell` wrote, back (the apostrophe before a formula start dropped)."""
    return text[1:] if text.startswith("'") and text[1:].startswith(_FORMULA_START) else text


def to_csv(rows: list[Row], *, base: str, lang: str) -> str:
    """CSV for spreadsheets (UTF-8; write it with a byte-order mark so Excel reads it right).
    Every cell goes through :func:`csv_cell`; the csv module quotes line breaks and quotes."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([csv_cell(c.format(base=base, lang=lang)) for c in CSV_COLUMNS])
    for r in rows:
        writer.writerow([csv_cell(c) for c in (r.key, r.status, r.source_hash, r.source, r.translation,
                                               r.source_comment, r.translation_comment, r.reference)])
    return buf.getvalue()


@dataclass
class Incoming:
    """One entry of an imported file."""

    key: str
    source: str
    translation: str
    mark: str  # "ok": marked checked; "fuzzy": marked as needing work; "clear": PO, not fuzzy; "unsaid"
    comment: str | None  # the translator's comment, or None when the format has none
    source_hash: str = ""
    line: int = 0


class ImportError_(ValueError):
    """The file cannot be read as an export of this tool."""


def read_csv(text: str, *, base: str, languages: Iterable[str]) -> tuple[str, list[Incoming]]:
    """The language and the rows of an exported CSV (columns found by their header names)."""
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    if not rows:
        raise ImportError_("the file is empty")
    head = [h.strip() for h in rows[0]]
    langs = [lang for lang in languages if lang != base and lang in head]
    if "key" not in head or base not in head or len(langs) != 1:
        raise ImportError_(f"the first row must name the columns: key, {base} and the translation's language "
                           "(as written by i18n export)")
    lang = langs[0]
    col = {name: head.index(name) for name in head}

    def get(row: list[str], name: str) -> str | None:
        i = col.get(name)
        return _csv_uncell(row[i]) if i is not None and i < len(row) else None

    out = []
    for n, row in enumerate(rows[1:], 2):
        if not any(cell.strip() for cell in row):
            continue
        status_ = (get(row, "status") or "").strip().lower()
        mark = "ok" if status_ in ("ok", "reviewed", "done") else "fuzzy" if status_ == "fuzzy" else "unsaid"
        out.append(Incoming((get(row, "key") or "").strip(), get(row, base) or "", get(row, lang) or "",
                            mark, get(row, f"{lang}_comment"), (get(row, "source_hash") or "").strip(), n))
    return lang, out
