"""Language at the edge: choosing a language, filling placeholders safely, dates, matching.

The engine never sees a language. The shell asks a :class:`Texts` for the text of a key in
the current language and fills ``{name}`` placeholders from plain values -- never through
``str.format``, so ``{x.__class__}`` or ``{x[0]}`` can reach nothing::

    >>> fill("{n} rounds left {{sic}} {x.__class__}", {"n": 8})
    '8 rounds left {sic} {x.__class__}'
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from adventure.core.model import LANG_CODE_RE, Catalog
from adventure.text.markup import FILL_RE


def parse_lang_option(text: str) -> tuple[str, str | None] | None:
    """The shape of a ``--lang`` value: one code, ``both``, or ``first+second``; None if malformed.
    Whether the story has those languages is checked against the story, not here.

    >>> parse_lang_option("fr+en"), parse_lang_option("both"), parse_lang_option("es")
    (('fr', 'en'), ('both', None), ('es', None))
    >>> parse_lang_option("en+en") is None, parse_lang_option("klingon!") is None
    (True, True)
    """
    if text == "both":
        return ("both", None)
    first, plus, second = text.partition("+")
    if not LANG_CODE_RE.match(first) or (plus and (not LANG_CODE_RE.match(second) or second == first)):
        return None
    return (first, second or None)


def detect_language(env: Mapping[str, str], available: tuple[str, ...]) -> str:
    """The player's language from ``LC_ALL``, ``LC_MESSAGES`` then ``LANG`` (POSIX order): the
    first one set decides; its language if the story has it (``pt_BR`` matches ``pt-BR``, then
    ``pt``), otherwise English if the story has it, otherwise the story's first language.

    >>> detect_language({"LANG": "es_ES.UTF-8"}, ("en", "es"))
    'es'
    >>> detect_language({"LC_ALL": "C", "LANG": "es_ES"}, ("en", "es"))
    'en'
    >>> detect_language({"LANG": "fr_FR.UTF-8"}, ("en", "es", "fr"))
    'fr'
    """
    fallback = "en" if "en" in available else available[0]
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if value:
            tag = value.split(".")[0].split("@")[0].replace("_", "-")
            for code in available:
                if code.lower() == tag.lower():
                    return code
            primary = tag.split("-")[0].lower()
            return primary if primary in available else fallback
    return fallback


def fill(text: str, subs: Mapping[str, object]) -> str:
    """Replace ``{name}`` with ``subs[name]``; ``{{``/``}}`` give braces; anything else stays."""
    if "{" not in text and "}" not in text:
        return text

    def repl(mt: re.Match[str]) -> str:
        whole = mt.group(0)
        if whole == "{{":
            return "{"
        if whole == "}}":
            return "}"
        name = mt.group(1)
        if name in subs:
            return _show(subs[name])
        return whole

    return FILL_RE.sub(repl, text)


def _show(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def fold(text: str) -> str:
    """Case- and accent-insensitive form for matching typed input.

    >>> fold("  Guardar ÚLTIMA ")
    'guardar ultima'
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


_DATES: dict[tuple[str, str | None, str, str, str], str] = {}


class Texts:
    """Text lookup for one language with a fallback to the story's first language."""

    __slots__ = ("catalog", "lang", "_table", "_base", "memo", "_dates")

    def __init__(self, catalog: Catalog, lang: str) -> None:
        self.catalog = catalog
        self.lang = lang
        # What renderers work out once per text in this language (see adventure.text.render).
        self.memo: dict[object, object] = {}
        self._dates: dict[tuple[str, str | None], str] = {}
        empty: Mapping[str, str] = {}
        self._table = catalog.texts.get(lang, empty)
        self._base = catalog.texts.get(catalog.languages[0], empty) if catalog.languages else empty

    def has(self, key: str) -> bool:
        return key in self._table or key in self._base or (self.catalog.draft and self._other(key) is not None)

    def raw(self, key: str) -> str:
        value = self._table.get(key)
        if value is None:
            value = self._base.get(key)
            if value is None:
                value = self._other(key)
                if value is None:
                    return f"[{key}]"
            if self.catalog.draft and not key.startswith("ui."):
                return self._mark(value)
        return value

    def _other(self, key: str) -> str | None:
        """A text only a language other than this one and the first has (drafting)."""
        for lang in self.catalog.languages:
            value = self.catalog.texts.get(lang, {}).get(key)
            if value is not None:
                return value
        return None

    def _mark(self, text: str) -> str:
        """A text shown in another language while drafting, marked as untranslated: a text of
        several paragraphs gets the mark as its own first paragraph (a speaker's line stays one)."""
        mark = self._table.get("ui.untranslated") or self._base.get("ui.untranslated") or "[untranslated]"
        return f"{mark}\n\n{text}" if "\n" in text.strip() else f"{mark} {text}"

    def __call__(self, key: str, **subs: object) -> str:
        return fill(self.raw(key), subs)

    def count(self, key: str, n: int, **subs: object) -> str:
        """The plural form of ``key`` that this language uses for ``n`` (``n`` is filled too);
        a text that is not a mapping of forms is used as it is."""
        from adventure.text.plural import category

        subs.setdefault("n", n)
        for form in (f"{key}.{category(self.lang, n)}", f"{key}.other"):
            value = self._table.get(form)
            if value is not None:
                return fill(value, subs)
        if self.has(key):
            return self(key, **subs)
        base = self._base.get(f"{key}.{category(self.catalog.languages[0], n)}") if self.catalog.languages else None
        return fill(base, subs) if base is not None else self(f"{key}.other", **subs)

    def words(self, key: str) -> list[str]:
        """A comma-separated list in one text (command words, month names)."""
        return [w.strip() for w in self.raw(key).split(",") if w.strip()]

    def date(self, iso: str | None, siege_start: str | None) -> str:
        """A localised date with the day of the siege, e.g. ``28 June 1944 · day 7``."""
        if not iso:
            return ""
        # The same inputs always give the same text; a scene's date is shown with every step.
        text = self._dates.get((iso, siege_start))
        if text is None:
            key = (iso, siege_start, self.raw("ui.months"), self.raw("ui.date"), self.raw("ui.siege_day"))
            text = _DATES.get(key)
            if text is None:
                text = _DATES[key] = self._date(iso, siege_start)
            self._dates[(iso, siege_start)] = text
        return text

    def _date(self, iso: str, siege_start: str | None) -> str:
        import datetime

        year, month, day = (int(x) for x in iso.split("-"))
        months = self.words("ui.months")
        month_name = months[month - 1] if len(months) == 12 else str(month)
        text = self("ui.date", day=day, month=month_name, year=year)
        if siege_start:
            d = datetime.date(year, month, day)
            s = datetime.date.fromisoformat(siege_start)
            if d >= s:
                text += " · " + self("ui.siege_day", n=(d - s).days + 1)
        return text
