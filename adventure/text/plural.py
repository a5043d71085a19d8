"""Plural forms: which form of a counted message a language uses for a number (CLDR rules).

A locale text with a count can be a mapping of plural forms instead of one text::

    minutes:
      one: "{m} minuto"
      other: "{m} minutos"

The loader flattens it to ``minutes.one`` and ``minutes.other``; the shell picks the form with
:func:`category` and ``check`` requires every form the language needs (:func:`categories`,
E306 from :func:`missing_forms`).
The rules are CLDR's for whole numbers, kept in a small table keyed by language; a language
not in the table gets English's (one, other)::

    >>> category("es", 1), category("es", 0), category("en", 21)
    ('one', 'other', 'other')
    >>> category("ru", 21), category("ru", 23), category("ru", 25)
    ('one', 'few', 'many')
    >>> categories("pl")
    ('one', 'few', 'many', 'other')
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from adventure.core.diagnostics import Diagnostic

CATEGORIES = ("zero", "one", "two", "few", "many", "other")


def _one_other(n: int) -> str:
    return "one" if n == 1 else "other"


def _french(n: int) -> str:
    return "one" if n in (0, 1) else "other"


def _east_slavic(n: int) -> str:
    if n % 10 == 1 and n % 100 != 11:
        return "one"
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return "few"
    return "many"


def _polish(n: int) -> str:
    if n == 1:
        return "one"
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return "few"
    return "many"


def _arabic(n: int) -> str:
    if n in (0, 1, 2):
        return ("zero", "one", "two")[n]
    if 3 <= n % 100 <= 10:
        return "few"
    if 11 <= n % 100 <= 99:
        return "many"
    return "other"


def _none(n: int) -> str:
    return "other"


# language -> (the forms its texts must give, the rule for a whole number)
RULES: dict[str, tuple[tuple[str, ...], Callable[[int], str]]] = {
    "en": (("one", "other"), _one_other),
    "es": (("one", "other"), _one_other),
    "de": (("one", "other"), _one_other),
    "it": (("one", "other"), _one_other),
    "nl": (("one", "other"), _one_other),
    "pt": (("one", "other"), _french),
    "fr": (("one", "other"), _french),
    "ru": (("one", "few", "many", "other"), _east_slavic),
    "uk": (("one", "few", "many", "other"), _east_slavic),
    "pl": (("one", "few", "many", "other"), _polish),
    "ar": (("zero", "one", "two", "few", "many", "other"), _arabic),
    "ja": (("other",), _none),
    "zh": (("other",), _none),
}
_FALLBACK = RULES["en"]


def _rule(lang: str) -> tuple[tuple[str, ...], Callable[[int], str]]:
    return RULES.get(lang.split("-")[0].split("_")[0].lower(), _FALLBACK)


def categories(lang: str) -> tuple[str, ...]:
    """The plural forms a text in ``lang`` must give."""
    return _rule(lang)[0]


def category(lang: str, n: int) -> str:
    """The plural form ``lang`` uses for the whole number ``n`` (negative numbers as their size)."""
    return _rule(lang)[1](abs(int(n)))


def plural_groups(keys: object) -> set[str]:
    """The keys of plural texts: those with an ``.other`` form.

    >>> sorted(plural_groups(["notes_none.one", "notes_none.other", "scenes.a.title"]))
    ['notes_none']
    """
    return {k[: -len(".other")] for k in keys if isinstance(k, str) and k.endswith(".other")}  # type: ignore[attr-defined]


def missing_forms(lang: str, table: Mapping[str, str], texts: Mapping[str, Mapping[str, str]],
                  places: Mapping[str, Any]) -> list[Diagnostic]:
    """E306: a text given as plural forms (in any language) lacks a form ``lang`` needs.
    ``table`` is ``lang``'s texts, ``texts`` every language's, ``places`` where each is written
    (``places[lang][key] -> (path, line, col)``)."""
    out: list[Diagnostic] = []
    groups: set[str] = set()
    for other in texts.values():
        groups |= plural_groups(other)
    for group in sorted(groups):
        given = [c for c in CATEGORIES if f"{group}.{c}" in table]
        if not given:
            continue  # no text at all in this language: E300/W302 say so
        for form in categories(lang):
            if form not in given:
                path, line, col = places[lang][f"{group}.{given[0]}"]
                # The texts are the diagnostics catalogue's (ui.diag.E306), filled in by the loader.
                out.append(Diagnostic("E306", path, line, col, "", "", "E306", (
                    ("group", group), ("form", form), ("lang", lang), ("forms", ", ".join(categories(lang))))))
    return out


def forms_given(base: Mapping[str, str], table: Mapping[str, str]) -> set[str]:
    """Every form key (``group.one``...) of the plural texts of ``base`` that ``table`` gives in
    at least one form: E306, not E300, speaks of their missing forms.

    >>> sorted(forms_given({"n.one": "", "n.other": "", "k.one": "", "k.other": ""}, {"n.other": ""}))[:2]
    ['n.few', 'n.many']
    """
    groups = {g for g in plural_groups(base) if any(f"{g}.{c}" in table for c in CATEGORIES)}
    return {f"{g}.{c}" for g in groups for c in CATEGORIES}
