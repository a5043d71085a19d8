"""Translation status: what is missing, extra, untranslated or stale, and the review lock.

A translation is *stale* when the source text (the story's first language, English) changed
after the translation was last reviewed. To know that, each language folder keeps a
``review.lock`` beside its YAML files: one line per reviewed key with a short hash of the
source text the translation was checked against (as Yarn Spinner's lock column does)::

    # Reviewed translations for locales/es: key, then the hash of the English text it was checked against.
    scenes.pro_changsha.title 1b2c3d4e

It is not a ``.yaml`` file, so the loader never reads it as locale text; ``python play.py
i18n review KEY...`` writes it. The hash ignores line wrapping (see :func:`source_hash`).

Export and import for translators (CSV for spreadsheets, PO for Poedit and friends) live
here too; :mod:`adventure.cli.i18n` only prints. Nothing in an imported file is executed.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import repeat
from operator import itemgetter
from pathlib import Path

from adventure.core import model as m
from adventure.core.charset import find_control, strip_controls, visible
from adventure.core.diagnostics import Diagnostic, suggest
from adventure.files.atomic import write_atomic
from adventure.files.diagtext import diag
from adventure.files.loader import data_root, display_path, locale_files, optional_key, parse_locale_file, required_keys
from adventure.files.yamledit import (
    SCHEMA_LINE,
    EditError,
    comment_above,
    dump,
    insert_value,
    nest,
    set_comment,
    set_value,
)
from adventure.text.markup import placeholders

LOCK_NAME = "review.lock"
HASH_LEN = 8
_LOCK_LINE = re.compile(r"([A-Za-z0-9_][A-Za-z0-9_.-]*)\s+([0-9a-f]{" + str(HASH_LEN) + r"})\Z")


def normalise(text: str) -> str:
    """Text as a reader sees it: paragraphs kept, line wrapping and extra spaces ignored.

    >>> normalise("One\\n  line.\\n\\n\\nTwo.\\n")
    'One line.\\n\\nTwo.'
    """
    return "\n\n".join(" ".join(p.split()) for p in re.split(r"\n\s*\n", text.strip()) if p.strip())


def source_hash(text: str) -> str:
    """The short hash of a source text recorded when a translation is reviewed.

    >>> source_hash("The cliffs") == source_hash("The   cliffs\\n")
    True
    """
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()[:HASH_LEN]


# -- reading the locale files --------------------------------------------------------------

@dataclass(frozen=True)
class Entry:
    key: str
    text: str
    path: Path
    shown: str
    line: int
    col: int


@dataclass
class LocaleIndex:
    """Every text of one language in a locales folder, with where it is written."""

    lang: str
    folder: Path
    entries: dict[str, Entry] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)

    @classmethod
    def read(cls, locales_dir: Path, lang: str) -> LocaleIndex:
        index = cls(lang, locales_dir / lang)
        for path in locale_files(locales_dir, lang):
            index.files.append(path)
            try:
                data = path.read_bytes()
            except OSError:
                continue  # the loader reports unreadable files
            shown = display_path(path)
            for key, text, line, col in parse_locale_file(data, shown)["entries"]:
                index.entries.setdefault(key, Entry(key, text, path, shown, line, col))
        return index


def read_lock(path: Path, *, command: str = "hengyang") -> tuple[dict[str, str], list[Diagnostic]]:
    """The review lock of one language: key -> source hash, and a warning per bad line
    (``command``: how the writer starts the game, named in the fixes)."""
    lock: dict[str, str] = {}
    diags: list[Diagnostic] = []
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return lock, diags
    except (OSError, UnicodeDecodeError) as exc:
        diags.append(diag("W304", display_path(path), 0, 0, "W304.unreadable", error=exc, command=command, lang=path.parent.name))
        return lock, diags
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        mt = _LOCK_LINE.match(line)
        if mt is None:
            diags.append(diag("W304", display_path(path), n, 1, "W304.line", line=line[:60], command=command))
            continue
        lock[mt[1]] = mt[2]
    return lock, diags


def write_lock(path: Path, lock: dict[str, str], *, source: str) -> None:
    """Write a review lock atomically, keys sorted so diffs and merges stay small."""
    lines = [f"# Reviewed translations for {path.parent.name}: each key, then the short hash of the {source} text",
             "# the translation was last checked against. Written by the `i18n review` tool; see docs/writing.md.",
             ""]
    lines += [f"{key} {lock[key]}" for key in sorted(lock)]
    _write_atomic(path, "\n".join(lines) + "\n")


def _write_atomic(path: Path, text: str) -> None:
    """A locale file or lock written through the one atomic write (durable: fsync, then rename)."""
    write_atomic(path, text.encode("utf-8"))


# -- status --------------------------------------------------------------------------------

@dataclass
class KeyStatus:
    key: str
    source: Entry | None
    target: Entry | None
    state: str  # "ok", "missing", "extra", "stale", "unreviewed"
    identical: bool = False
    reviewed_hash: str | None = None

    @property
    def label(self) -> str:
        """One word for exports: missing, stale, identical, unreviewed, extra or ok."""
        if self.state in ("missing", "extra", "stale"):
            return self.state
        if self.identical:
            return "identical"
        return self.state


@dataclass
class LangStatus:
    """How one language stands against the source language."""

    lang: str
    base: str
    folder: Path
    keys: list[KeyStatus]
    lock_path: Path
    lock: dict[str, str]
    lock_diags: list[Diagnostic]

    def of(self, state: str) -> list[KeyStatus]:
        if state == "identical":
            return [k for k in self.keys if k.identical]
        if state == "present":
            return [k for k in self.keys if k.target is not None and k.source is not None]
        return [k for k in self.keys if k.state == state]


def status(locales_dir: Path, base: str, lang: str, *, source: LocaleIndex | None = None,
           command: str = "hengyang") -> LangStatus:
    """Compare ``lang`` with ``base`` key by key (the keys in the story's locales folder)."""
    src = source or LocaleIndex.read(locales_dir, base)
    tgt = LocaleIndex.read(locales_dir, lang)
    lock_path = locales_dir / lang / LOCK_NAME
    lock, lock_diags = read_lock(lock_path, command=command)
    out = []
    for key, s in src.entries.items():
        t = tgt.entries.get(key)
        if t is None:
            out.append(KeyStatus(key, s, None, "missing"))
            continue
        recorded = lock.get(key)
        current = source_hash(s.text)
        state = "unreviewed" if recorded is None else ("ok" if recorded == current else "stale")
        identical = normalise(s.text) == normalise(t.text) and state != "ok"
        out.append(KeyStatus(key, s, t, state, identical, recorded))
    for key, t in tgt.entries.items():
        if key not in src.entries:
            out.append(KeyStatus(key, None, t, "extra"))
    return LangStatus(lang, base, locales_dir / lang, out, lock_path, lock, lock_diags)


def _texts_at(locales_dir: Path, lang: str, cache: object | None) -> dict[str, tuple[str, str, int, int]]:
    """key -> (text, shown path, line, col) for one language, as :meth:`LocaleIndex.read`
    finds them (the first definition wins), through the parsed-story cache when given."""
    read = []
    for path in locale_files(locales_dir, lang):
        try:
            data = path.read_bytes()
        except OSError:
            continue  # the loader reports unreadable files
        shown = display_path(path)
        rec = cache.get(path, shown, data, "locale") if cache is not None else parse_locale_file(data, shown)  # type: ignore[attr-defined]
        read.append((rec["entries"], shown))
    out: dict[str, tuple[str, str, int, int]] = {}
    for entries, shown in reversed(read):  # last file first, so the first definition wins
        places = zip(map(itemgetter(1), entries), repeat(shown), map(itemgetter(2), entries),  # noqa: B905
                     map(itemgetter(3), entries))
        out.update(zip(map(itemgetter(0), entries), places, strict=True))
    return out


def translation_diagnostics(story: m.Story, locales_dir: Path, *, content_note: str | None = None,
                            cache: object | None = None, command: str = "hengyang") -> list[Diagnostic]:
    """For ``check``: W302 for texts a language lacks that the loader does not already report
    (optional texts such as a scene's credit line, which fall back to the source language),
    W303 for stale translations, W304 for unreadable review-lock lines. The same judgement as
    :func:`status`, worked out only where it can give a warning (a story of 10,000 scenes has
    300,000 texts); ``cache`` is the parsed-story cache the loader used, if any; ``command`` is how
    the writer starts the game, named in the fixes."""
    base = story.languages[0]
    src = _texts_at(locales_dir, base, cache)
    needed = required_keys(story, content_note)
    out: list[Diagnostic] = []
    for lang in story.languages[1:]:
        tgt = _texts_at(locales_dir, lang, cache)
        lock, lock_diags = read_lock(locales_dir / lang / LOCK_NAME, command=command)
        out.extend(lock_diags)
        for key in [k for k in src if k not in tgt]:  # missing
            if key in needed or key.startswith("ui.") or not optional_key(key, story) or key == content_note:
                continue  # E300 or W301 already says so
            s = src[key]
            out.append(diag("W302", s[1], s[2], s[3], "W302", key=key, lang=lang, base=base, folder=display_path(locales_dir / lang)))
        for key, recorded in lock.items():  # stale: reviewed against another source text
            was, now = src.get(key), tgt.get(key)
            if was is not None and now is not None and recorded != source_hash(was[0]):
                out.append(diag("W303", now[1], now[2], now[3], "W303", base=base, key=key, lang=lang, command=command))
    return out


# -- review --------------------------------------------------------------------------------

@dataclass
class ReviewOutcome:
    recorded: list[str] = field(default_factory=list)   # keys whose hash was written
    was_stale: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)    # already reviewed against this text
    not_found: list[tuple[str, str]] = field(default_factory=list)  # (pattern, hint)
    untranslated: list[str] = field(default_factory=list)  # present in the source only
    pruned: list[str] = field(default_factory=list)


def review(st: LangStatus, patterns: Iterable[str], *, everything: bool = False, dry_run: bool = False) -> ReviewOutcome:
    """Record the current source hash for the given keys (a key or a prefix such as
    ``scenes.pro_well``), or for every translated key. Writes the lock unless ``dry_run``."""
    res = ReviewOutcome()
    lock = dict(st.lock)
    by_key = {k.key: k for k in st.keys}
    chosen: list[KeyStatus] = []
    if everything:
        chosen = [k for k in st.keys if k.source is not None and k.target is not None]
    for pattern in patterns:
        hits = [k for k in st.keys if k.key == pattern or k.key.startswith(pattern.rstrip(".") + ".")]
        if not hits:
            res.not_found.append((pattern, suggest(pattern, list(by_key))))
        chosen.extend(hits)
    seen = set()
    for k in chosen:
        if k.key in seen:
            continue
        seen.add(k.key)
        if k.source is None:
            continue
        if k.target is None:
            res.untranslated.append(k.key)
            continue
        current = source_hash(k.source.text)
        if lock.get(k.key) == current:
            res.already.append(k.key)
            continue
        if k.state == "stale":
            res.was_stale.append(k.key)
        lock[k.key] = current
        res.recorded.append(k.key)
    if everything:
        present = {k.key for k in st.keys if k.source is not None and k.target is not None}
        res.pruned = sorted(key for key in lock if key not in present)
        for key in res.pruned:
            del lock[key]
    if (res.recorded or res.pruned) and not dry_run:
        write_lock(st.lock_path, lock, source=st.base)
        st.lock = lock
    return res


# -- export --------------------------------------------------------------------------------

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


def _po_line(text: str) -> str:
    """Text for a one-line PO comment: no control characters, no line break."""
    return " ".join(strip_controls(text).replace("\r", "\n").split("\n"))


def _po_string(text: str) -> str:
    """A PO string, quoted and escaped (backslash, quote, tab, line breaks); no control characters."""
    text = strip_controls(text)

    def esc(s: str) -> str:
        return s.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\r", "\\r").replace("\n", "\\n")

    if "\n" not in text.rstrip("\n") or len(text) < 70 and text.count("\n") <= 1:
        return f'"{esc(text)}"'
    parts = text.split("\n")
    pieces = [p + "\n" for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])
    return '""\n' + "\n".join(f'"{esc(p)}"' for p in pieces)


def to_po(rows: list[Row], *, base: str, lang: str, story_id: str) -> str:
    """A gettext PO file: msgctxt is the key, msgid the source, msgstr the translation; stale
    and identical (probably untranslated) entries are marked fuzzy."""
    import datetime

    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M+0000")
    story_id, lang, base = _po_line(story_id), _po_line(lang), _po_line(base)
    out = [f"# {story_id}: {lang} translation of the {base} texts. Exported by the `i18n export` tool.",
           "# msgctxt is the key; do not change it. Clear 'fuzzy' when a text is checked; import with",
           "# the `i18n import FILE` tool.",
           'msgid ""', 'msgstr ""',
           f'"Project-Id-Version: {story_id}\\n"', f'"POT-Creation-Date: {now}\\n"', f'"PO-Revision-Date: {now}\\n"',
           '"Last-Translator: \\n"', '"Language-Team: \\n"',
           f'"Language: {lang}\\n"', '"MIME-Version: 1.0\\n"',
           '"Content-Type: text/plain; charset=UTF-8\\n"', '"Content-Transfer-Encoding: 8bit\\n"',
           f'"X-Source-Language: {base}\\n"', ""]
    for r in rows:
        for line in r.translation_comment.split("\n") if r.translation_comment else []:
            out.append(f"# {_po_line(line)}".rstrip())
        for line in r.source_comment.split("\n") if r.source_comment else []:
            out.append(f"#. {_po_line(line)}".rstrip())
        out.append(f"#. source-hash: {_po_line(r.source_hash)}")
        out.append(f"#: {_po_line(r.reference)}")
        flags = (["fuzzy"] if r.status in ("stale", "identical") else []) + \
            (["python-brace-format"] if placeholders(r.source)[0] else [])
        if flags:  # msgfmt -c then rejects a translation that drops or renames a {placeholder}
            out.append("#, " + ", ".join(flags))
        if r.previous:  # Poedit and msgmerge show what changed since the last review
            out.append(f"#| msgctxt {_po_string(r.key)}")
            out.extend("#| " + ("msgid " if i == 0 else "") + piece
                       for i, piece in enumerate(_po_string(r.previous).split("\n")))
        out.append(f"msgctxt {_po_string(r.key)}")
        out.append(f"msgid {_po_string(r.source)}")
        translation = r.translation
        if translation and r.source.endswith("\n") != translation.endswith("\n"):
            translation = translation.rstrip("\n") + ("\n" if r.source.endswith("\n") else "")
        out.append(f"msgstr {_po_string(translation)}")
        out.append("")
    return "\n".join(out)


# -- reading exported files back -----------------------------------------------------------

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


_PO_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}


def _po_unquote(s: str, line: int) -> str:
    s = s.strip()
    if len(s) < 2 or not (s.startswith('"') and s.endswith('"')):
        raise ImportError_(f"line {line}: expected a quoted string")
    body = s[1:-1]
    return re.sub(r'\\(.)', lambda mt: _PO_ESCAPES.get(mt[1], mt[1]), body)


def read_po(text: str) -> tuple[dict[str, str], list[Incoming]]:
    """The header fields and the entries of a PO file (obsolete entries are ignored)."""
    entries: list[dict[str, object]] = []
    cur: dict[str, object] = {}
    field_name = ""

    def finish() -> None:
        nonlocal cur, field_name
        if "msgid" in cur:
            entries.append(cur)
        cur = {}
        field_name = ""

    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#"):
            if "msgid" in cur:
                finish()
            cur.setdefault("line", n)
            kind = line[1:2]
            if kind == ",":
                cur.setdefault("flags", set()).update(f.strip() for f in line[2:].split(","))  # type: ignore[attr-defined]
            elif kind == ".":
                cur.setdefault("extracted", []).append(line[2:].strip())  # type: ignore[attr-defined]
            elif kind in (":", "|"):
                pass
            else:
                cur.setdefault("comments", []).append(raw.lstrip()[2:] if raw.lstrip().startswith("# ") else raw.lstrip()[1:])  # type: ignore[attr-defined]
            continue
        if line.startswith('"'):
            if not field_name:
                raise ImportError_(f"line {n}: a string with no msgid/msgstr before it")
            cur[field_name] = str(cur[field_name]) + _po_unquote(line, n)
            continue
        word, _, rest = line.partition(" ")
        if word in ("msgctxt", "msgid", "msgstr", "msgid_plural") or word.startswith("msgstr["):
            if word == "msgctxt" and "msgid" in cur:
                finish()
            if word == "msgid" and "msgid" in cur:
                finish()
            cur.setdefault("line", n)
            field_name = "msgstr" if word.startswith("msgstr") else word
            cur[field_name] = _po_unquote(rest, n)
            continue
        raise ImportError_(f"line {n}: '{visible(line[:40])}' is not PO syntax")
    finish()
    header: dict[str, str] = {}
    out = []
    for e in entries:
        if e.get("msgid") == "" and "msgctxt" not in e:
            for hline in str(e.get("msgstr", "")).split("\n"):
                name, _, value = hline.partition(":")
                if name.strip():
                    header[name.strip()] = value.strip()
            continue
        if "msgctxt" not in e:
            continue  # not one of ours: every exported entry has its key as context
        extracted = [str(x) for x in e.get("extracted", [])]  # type: ignore[attr-defined]
        hashes = [x.split(":", 1)[1].strip() for x in extracted if x.startswith("source-hash:")]
        flags = e.get("flags", set())
        out.append(Incoming(str(e["msgctxt"]), str(e["msgid"]), str(e.get("msgstr", "")),
                            "fuzzy" if "fuzzy" in flags else "clear",  # type: ignore[operator]
                            "\n".join(str(c) for c in e.get("comments", [])),  # type: ignore[attr-defined]
                            hashes[0] if hashes else "", int(e.get("line", 0))))  # type: ignore[call-overload]
    return header, out


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


# -- import --------------------------------------------------------------------------------

@dataclass
class ImportReport:
    """What an import changed (or would change, with ``dry_run``)."""

    lang: str
    updated: list[str] = field(default_factory=list)
    added: list[tuple[str, str]] = field(default_factory=list)  # (key, file)
    reviewed: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    still_stale: list[str] = field(default_factory=list)   # the source changed after the export
    not_reviewed: list[str] = field(default_factory=list)  # changed, but marked as needing work
    empty: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    placeholders: list[str] = field(default_factory=list)  # refused: {names} differ from the source
    unchanged: int = 0
    files: list[str] = field(default_factory=list)
    rewritten: list[str] = field(default_factory=list)  # written out again whole (comments inside lost)
    problems: list[str] = field(default_factory=list)


def import_entries(st: LangStatus, incoming: list[Incoming], *, locales_dir: Path, dry_run: bool = False) -> ImportReport:
    """Bring translated texts, reviews and translator comments back into the locale files."""
    rep = ImportReport(st.lang)
    by_key = {k.key: k for k in st.keys}
    base_order = [k.key for k in st.keys if k.source is not None]
    edits: dict[Path, list[tuple[str, tuple[str, ...], str, str | None]]] = {}  # path -> (op, path, value, after)
    lock = dict(st.lock)
    lock_changed = False
    for item in incoming:
        bad = next((f for f, text in (("key", item.key), ("translation", item.translation),
                                      ("comment", item.comment or "")) if find_control(text) is not None), None)
        if bad is not None:  # refused, never written into a locale file (check would refuse it: E108)
            rep.problems.append(f"line {item.line}: the {bad} of '{visible(item.key)[:80]}' holds a control "
                                "character (an invisible character such as ESC); not imported")
            continue
        k = by_key.get(item.key)
        if k is None or k.source is None:
            rep.unknown.append(item.key)
            continue
        new = item.translation
        if not new.strip():
            rep.empty.append(item.key)
            continue
        ours, theirs = sorted(set(placeholders(new)[0])), sorted(set(placeholders(k.source.text)[0]))
        if ours != theirs:  # refused: the game would show a raw {name} or lose a number
            rep.placeholders.append(f"{item.key}: {_braces(ours)} in the file, {_braces(theirs)} in {st.base}")
            continue
        parts = tuple(item.key.split("."))
        old = k.target.text if k.target is not None else None
        changed = old is None or normalise(old) != normalise(new)  # re-wrapping alone is no change
        file_hash = source_hash(item.source) if item.source.strip() else item.source_hash
        current = source_hash(k.source.text)
        if k.target is None:
            target = st.folder / k.source.path.name
            after = _previous_sibling(item.key, base_order, by_key)
            edits.setdefault(target, []).append(("insert", parts, new, after))
            rep.added.append((item.key, display_path(target)))
        elif changed:
            edits.setdefault(k.target.path, []).append(("set", parts, new, None))
            rep.updated.append(item.key)
        if item.comment is not None:
            if k.target is not None:
                try:
                    have = comment_above(k.target.path.read_text(encoding="utf-8"), parts)
                except (OSError, UnicodeDecodeError, EditError):
                    have = item.comment
                if have.strip() != item.comment.strip():
                    edits.setdefault(k.target.path, []).append(("comment", parts, item.comment, None))
                    rep.comments.append(item.key)
            elif item.comment.strip():
                edits.setdefault(st.folder / k.source.path.name, []).append(("comment", parts, item.comment, None))
                rep.comments.append(item.key)
        checked = item.mark in ("ok", "clear")
        counts = item.mark != "fuzzy" and (
            changed or (checked and (k.state == "stale" or k.identical)) or (item.mark == "ok" and k.state != "ok"))
        if counts and file_hash:
            if lock.get(item.key) != file_hash:
                lock[item.key] = file_hash
                lock_changed = True
                if file_hash == current:
                    rep.reviewed.append(item.key)
            if file_hash != current:
                rep.still_stale.append(item.key)
        elif changed:
            rep.not_reviewed.append(item.key)
        if not changed and not counts:
            rep.unchanged += 1
    if dry_run:
        return rep
    for path, ops in edits.items():
        problem, rewritten = _apply_edits(path, ops, locales_dir)
        if rewritten:
            rep.rewritten.append(display_path(path))
        if problem:
            rep.problems.append(problem)
            touched = {".".join(p) for _, p, _, _ in ops}
            rep.updated = [k for k in rep.updated if k not in touched]
            rep.added = [(k, f) for k, f in rep.added if k not in touched]
            for key in touched:
                if key in lock and lock.get(key) != st.lock.get(key):
                    if st.lock.get(key) is None:
                        del lock[key]
                    else:
                        lock[key] = st.lock[key]
            continue
        rep.files.append(display_path(path))
    if lock_changed and lock != st.lock:
        write_lock(st.lock_path, lock, source=st.base)
        st.lock = lock
        rep.files.append(display_path(st.lock_path))
    return rep


def _braces(names: list[str]) -> str:
    return ", ".join("{" + n + "}" for n in names) or "no placeholder"


def _previous_sibling(key: str, order: list[str], by_key: dict[str, KeyStatus]) -> str | None:
    """The sibling just before ``key`` in the source order that the translation already has."""
    parts = key.split(".")
    parent = parts[:-1]
    i = order.index(key)
    for other in reversed(order[:i]):
        o = other.split(".")
        # The nearest earlier key sharing the longest prefix names the sibling to follow.
        common = 0
        while common < min(len(o), len(parts)) and o[common] == parts[common]:
            common += 1
        if common < len(parent):
            continue
        sibling = o[len(parent)] if len(o) > len(parent) else None
        if sibling is not None and sibling != parts[len(parent)] and by_key.get(other) and by_key[other].target:
            return sibling
    return None


def _apply_edits(path: Path, ops: list[tuple[str, tuple[str, ...], str, str | None]],
                 locales_dir: Path) -> tuple[str, bool]:
    """Edit one locale file in place, check the result reads back as intended, write it.
    Returns a problem message ("" on success) and whether the file had to be written out whole."""
    try:
        text = path.read_text(encoding="utf-8") if path.exists() else None
    except (OSError, UnicodeDecodeError) as exc:
        return f"{display_path(path)}: cannot read it ({exc}); nothing imported into it", False
    rewritten = False
    before = {} if text is None else {k: v for k, v, _, _ in parse_locale_file(text.encode("utf-8"), "x")["entries"]}
    expected = dict(before)
    for op, parts, value, _ in ops:
        if op in ("set", "insert"):
            expected[".".join(parts)] = value
    if text is None:
        schema = os.path.relpath(data_root() / "schema" / "locale.schema.json", path.parent)
        header = f"{SCHEMA_LINE}{schema.replace(os.sep, '/')}\n# Added by the `i18n import` tool.\n"
        new_text = dump(nest({k: v for k, v in expected.items()}), header=header)
        comments = [(parts, value) for op, parts, value, _ in ops if op == "comment"]
        try:
            for parts, value in comments:
                new_text = set_comment(new_text, parts, value)
        except EditError:
            pass
    else:
        new_text = text
        try:
            for op, parts, value, after in ops:
                if op == "set":
                    new_text = set_value(new_text, parts, value)
                elif op == "insert":
                    new_text = insert_value(new_text, parts, value, after=after)
                elif op == "comment":
                    new_text = set_comment(new_text, parts, value)
        except EditError:
            # The file's layout does not allow an edit in place: write it out again, readably,
            # keeping its opening comment lines (the schema line first).
            head = "".join(line for line in _leading_comments(text))
            rewritten = True
            try:
                new_text = dump(nest(expected), header=head)
            except EditError as exc:
                return f"{display_path(path)}: {exc}; nothing imported into it", False
    after_rec = parse_locale_file(new_text.encode("utf-8"), "x")
    got = {k: v for k, v, _, _ in after_rec["entries"]}
    if got != expected or any(row[0].startswith("E") for row in after_rec["diags"]):
        return (f"{display_path(path)}: the edited file would not read back as intended; nothing imported into it",
                False)
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_atomic(path, new_text)
    return "", rewritten


def _leading_comments(text: str) -> list[str]:
    out = []
    for line in text.splitlines(keepends=True):
        if line.startswith("#"):
            out.append(line)
        else:
            break
    return out
