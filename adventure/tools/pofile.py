"""PO files for Poedit and friends, written and read through polib.

:func:`to_po` writes a gettext PO file from the exported rows (:mod:`adventure.tools.exchange`):
msgctxt is the key, msgid the source text, msgstr the translation. A text holding a
``{placeholder}`` is flagged ``python-brace-format``, so ``msgfmt -c`` rejects a translation that
drops or renames one; a stale entry carries the source text it was last reviewed against as
``#| msgid`` (Poedit shows what changed); a text given as plural forms (``minutes.one``,
``minutes.other``) is one entry with ``msgid_plural`` and ``msgstr[n]`` in the order of the
language's forms (:func:`adventure.text.plural.categories`), with its ``Plural-Forms`` header.
:func:`read_po` reads such a file back as :class:`~adventure.tools.exchange.Incoming` entries.

polib writes the quoting and escaping; every text is first stripped of control characters.
Before polib reads a file, :func:`_checked` makes sure every line is PO syntax (polib passes
over some mistakes silently) and decodes the C escapes gettext knows but polib does not
(``\\a``, ``\\x1b``...), so a control character hidden in an escape is seen and refused on
import, as ``msgfmt`` would see it. polib is imported only here, when a PO file is written or
read::

    text = to_po(rows, base="en", lang="es", story_id="hengyang1944")
    header, entries = read_po(text)
"""

from __future__ import annotations

import datetime
import os
import re
from typing import TYPE_CHECKING

from adventure.core.charset import find_control, strip_controls, visible
from adventure.text.markup import placeholders
from adventure.text.plural import CATEGORIES, categories, plural_groups
from adventure.tools.exchange import ImportError_, Incoming, Row

if TYPE_CHECKING:
    import polib

# gettext's Plural-Forms for the languages adventure.text.plural knows: msgstr[i] is the form
# categories(lang)[i]; a language not listed counts as English does (as plural.py does).
PLURAL_FORMS = {
    "one_other": "nplurals=2; plural=(n != 1);",
    "fr": "nplurals=2; plural=(n > 1);",
    "pt": "nplurals=2; plural=(n > 1);",
    "ru": "nplurals=4; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<12 || n%100>14) ? 1 : 2);",
    "uk": "nplurals=4; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<12 || n%100>14) ? 1 : 2);",
    "pl": "nplurals=4; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<12 || n%100>14) ? 1 : 2);",
    "ar": "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5);",
    "ja": "nplurals=1; plural=0;",
    "zh": "nplurals=1; plural=0;",
}

_KEYWORD = re.compile(r"(msgctxt|msgid|msgid_plural|msgstr|msgstr\[\d+\])\s+(.*)\Z")
_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"\Z')
_ESCAPE = re.compile(r"\\(x[0-9A-Fa-f]{1,2}|[0-7]{1,3}|.)")
_C_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "v": "\v"}


def plural_forms(lang: str) -> str:
    """The ``Plural-Forms`` header of ``lang``.

    >>> plural_forms("es"), plural_forms("fr-CA")
    ('nplurals=2; plural=(n != 1);', 'nplurals=2; plural=(n > 1);')
    """
    return PLURAL_FORMS.get(lang.split("-")[0].split("_")[0].lower(), PLURAL_FORMS["one_other"])


def _line(text: str) -> str:
    """Text for a one-line PO comment or header field: no control characters, no line break."""
    return " ".join(strip_controls(text).replace("\r", "\n").split("\n"))


def _text(text: str) -> str:
    return strip_controls(text)


def _msgstr(source: str, translation: str) -> str:
    """The translation, ending in a line break exactly when the source does (``msgfmt -c``)."""
    translation = _text(translation)
    if translation and source.endswith("\n") != translation.endswith("\n"):
        translation = translation.rstrip("\n") + ("\n" if source.endswith("\n") else "")
    return translation


def _comments(rows: list[Row]) -> tuple[str, str]:
    first = rows[0]
    tcomment = "\n".join(_line(c) for c in first.translation_comment.split("\n")) if first.translation_comment else ""
    extracted = [_line(c) for c in first.source_comment.split("\n")] if first.source_comment else []
    if len(rows) == 1:
        extracted.append(f"source-hash: {_line(first.source_hash)}")
    else:
        extracted.append("source-hash: " + " ".join(f"{r.key.rsplit('.', 1)[1]}={_line(r.source_hash)}" for r in rows))
    return tcomment, "\n".join(extracted)


def _entry(rows: list[Row], lang: str, group: str | None) -> polib.POEntry:
    import polib

    tcomment, extracted = _comments(rows)
    sources = "".join(r.source for r in rows)
    flags = (["fuzzy"] if any(r.status in ("stale", "identical") for r in rows) else []) + \
        (["python-brace-format"] if placeholders(sources)[0] else [])  # msgfmt -c then checks them
    occurrences = [(where, line) for where, _, line in (_line(r.reference).rpartition(":") for r in rows)]
    entry = polib.POEntry(msgctxt=_line(group or rows[0].key), tcomment=tcomment, comment=extracted,
                          occurrences=occurrences, flags=flags)
    if group is None:
        r = rows[0]
        entry.msgid, entry.msgstr = _text(r.source), _msgstr(r.source, r.translation)
        if r.previous:  # Poedit and msgmerge show what changed since the last review
            entry.previous_msgctxt, entry.previous_msgid = entry.msgctxt, _text(r.previous)
        return entry
    by_form = {r.key.rsplit(".", 1)[1]: r for r in rows}
    one, other = by_form.get("one", rows[0]), by_form.get("other", rows[-1])
    entry.msgid, entry.msgid_plural = _text(one.source), _text(other.source)
    entry.msgstr_plural = {i: _msgstr(by_form[form].source, by_form[form].translation) if form in by_form else ""
                           for i, form in enumerate(categories(lang))}
    if one.previous or other.previous:
        entry.previous_msgctxt = entry.msgctxt
        entry.previous_msgid, entry.previous_msgid_plural = _text(one.previous or one.source), \
            _text(other.previous or other.source)
    return entry


def to_po(rows: list[Row], *, base: str, lang: str, story_id: str) -> str:
    """A gettext PO file: msgctxt is the key, msgid the source, msgstr the translation; stale
    and identical (probably untranslated) entries are marked fuzzy."""
    import polib

    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M+0000")
    story_id, lang, base = _line(story_id), _line(lang), _line(base)
    po = polib.POFile(wrapwidth=0)
    po.header = (f"{story_id}: {lang} translation of the {base} texts. Exported by the `i18n export` tool.\n"
                 "msgctxt is the key; do not change it. Clear 'fuzzy' when a text is checked; import with\n"
                 "the `i18n import FILE` tool.")
    po.metadata = {"Project-Id-Version": story_id, "POT-Creation-Date": now, "PO-Revision-Date": now,
                   "Last-Translator": "", "Language-Team": "", "Language": lang, "MIME-Version": "1.0",
                   "Content-Type": "text/plain; charset=UTF-8", "Content-Transfer-Encoding": "8bit",
                   "Plural-Forms": plural_forms(lang), "X-Source-Language": base}
    groups = plural_groups(r.key for r in rows)
    done: set[str] = set()
    for r in rows:
        group, _, form = r.key.rpartition(".")
        if group in groups and form in CATEGORIES:
            if group not in done:
                done.add(group)
                po.append(_entry([x for x in rows if x.key.rpartition(".")[0] == group
                                  and x.key.rpartition(".")[2] in CATEGORIES], lang, group))
            continue
        po.append(_entry([r], lang, None))
    return str(po) + "\n"


# -- reading ----------------------------------------------------------------------------------

def _decode(mt: re.Match[str]) -> str:
    """One C escape as gettext reads it: a control character becomes BEL (refused on import
    without splitting the line), a plain character itself; polib's own escapes are kept."""
    code = mt[1]
    if code in ("n", "t", "r", '"', "\\"):
        return mt[0]
    if code[0] == "x":
        ch = chr(int(code[1:], 16))
    elif code[0] in "01234567":
        ch = chr(int(code, 8))
    else:
        ch = _C_ESCAPES.get(code, mt[0])
        if len(ch) != 1:
            return ch  # an escape gettext does not know: left for polib, which keeps it as written
    if find_control(ch) is not None:
        return "\a"
    return {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"}.get(ch, ch)


def _checked(text: str) -> str:
    """``text`` with every line checked to be PO syntax, and the C escapes polib does not know
    decoded (see the module docstring); the lines stay where they were, for polib's line numbers."""
    out = []
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            out.append(raw)
            continue
        mt = _KEYWORD.match(line)
        if mt is None and not line.startswith('"'):
            raise ImportError_(f"line {n}: '{visible(line[:40])}' is not PO syntax")
        quoted = mt[2].strip() if mt else line
        if not _QUOTED.match(quoted):
            raise ImportError_(f"line {n}: expected a quoted string")
        out.append(line[: len(line) - len(quoted)] + '"' + _ESCAPE.sub(_decode, quoted[1:-1]) + '"')
    checked = "\n".join(out) + "\n"
    while os.path.isfile(checked):  # polib would read a file of that name instead of the text
        checked += "\n"
    return checked


def read_po(text: str) -> tuple[dict[str, str], list[Incoming]]:
    """The header fields and the entries of a PO file (obsolete entries are ignored; an entry
    with plural forms gives one entry per form of the header's language)."""
    import polib

    try:
        po = polib.pofile(_checked(text.lstrip("\ufeff")))
    except (OSError, ValueError) as exc:  # polib reports a syntax error as an OSError
        raise ImportError_(visible(str(exc))) from None
    header = {str(k): str(v) for k, v in po.metadata.items()}
    forms = categories(header.get("Language", "").strip())
    out = []
    for e in po:
        if e.obsolete or e.msgctxt is None:
            continue  # not one of ours: every exported entry has its key as context
        hashes = [x.split(":", 1)[1].strip() for x in e.comment.split("\n") if x.startswith("source-hash:")]
        mark = "fuzzy" if "fuzzy" in e.flags else "clear"
        line = int(e.linenum or 0)
        if not e.msgid_plural:
            out.append(Incoming(e.msgctxt, e.msgid, e.msgstr, mark, e.tcomment, hashes[0] if hashes else "", line))
            continue
        by_form = dict(h.split("=", 1) for h in (hashes[0].split() if hashes else []) if "=" in h)
        sources = {"one": e.msgid, "other": e.msgid_plural}
        for i, text_ in sorted(e.msgstr_plural.items()):
            if not 0 <= int(i) < len(forms):
                raise ImportError_(f"line {line}: '{visible(e.msgctxt)[:80]}' has a msgstr[{i}], but "
                                   f"{header.get('Language', 'its language')} has {len(forms)} plural form(s)")
            form = forms[int(i)]
            out.append(Incoming(f"{e.msgctxt}.{form}", sources.get(form, ""), text_, mark,
                                e.tcomment if int(i) == 0 else None, by_form.get(form, ""), line))
    return header, out
