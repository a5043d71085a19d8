"""The ``lang`` command: one language, ``both`` (bilingual reading) or an order (``es+en``).

Its texts name the story's own languages (from the manifest), so a third language needs no
code. Declared in :mod:`adventure.play.commands`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from adventure.classroom import flow as cl
from adventure.play.reply import Reply
from adventure.text.catalog import Texts, fold
from adventure.text.render import BLANK

if TYPE_CHECKING:
    from adventure.play.session import Session


def _other(session: Session) -> str:
    """Another language of the story than the one being read (itself, if it has one only)."""
    others = [code for code in session.story.languages if code != session.lang]
    return others[0] if others else session.lang


def help_subs(session: Session) -> dict[str, object]:
    """The placeholders of ``ui.help.lang``: the story's language codes."""
    return {"codes": ", ".join(session.story.languages)}


def lang(session: Session, args: list[str]) -> Reply | None:
    s = session
    if not args:
        names = ", ".join(f"{code} ({cl.lang_name(Texts(s.catalog, code), code)})" for code in s.story.languages)
        current = cl.lang_name(Texts(s.catalog, s.lang), s.lang)
        if s.second:
            current += " + " + cl.lang_name(Texts(s.catalog, s.second), s.second)
        other = _other(s)
        return Reply([s.msg("ui.lang_current", lang=current, available=names, example=other),
                      s.msg("ui.classroom.lang_both_hint", pair=f"{other}+{s.lang}",
                            name=cl.lang_name(s.texts, other))])
    pair = language_pair(s, " ".join(args))
    if pair is None:
        return Reply([s.msg("ui.lang_unknown", lang=" ".join(args)[:20], available=", ".join(s.story.languages))])
    s.set_languages(*pair)
    s.log("lang", lang=s.lang, **({"second": s.second} if s.second else {}))
    s.log("scene", scene=s.current().scene, lang=s.lang)
    s.record.note_language(s.lang, s.second)
    if s.second:
        done = s.msg("ui.classroom.lang_both_on", first=cl.lang_name(s.texts, s.lang),
                     second=cl.lang_name(s.texts, s.second))
    else:
        done = s.msg("ui.lang_switched")
    return Reply([done, BLANK] + s.show_scene())


def valid_choice(session: Session, args: list[str]) -> bool:
    """Whether the words after ``lang`` name languages (so it is a command while answering)."""
    return language_pair(session, " ".join(args)) is not None


def language_pair(session: Session, text: str) -> tuple[str, str | None] | None:
    """What ``lang`` was given: one language (``es``), ``both`` (the current one first),
    or an order (``es+en``, ``es en``). Returns (first, second or None), or None."""
    words = [w for w in text.replace("+", " ").replace("/", " ").split() if w]
    if len(words) == 1 and fold(words[0]) in both_words(session):
        others = [code for code in session.story.languages if code != session.lang]
        return (session.lang, others[0]) if others else None
    langs = [language_of(session, w) for w in words]
    if not langs or None in langs or len(langs) > 2 or len(set(langs)) != len(langs):
        return None
    return (langs[0], langs[1] if len(langs) == 2 else None)  # type: ignore[return-value]


def both_words(session: Session) -> set[str]:
    words: set[str] = set()
    for code in session.story.languages:
        words.update(fold(w) for w in Texts(session.catalog, code).words("ui.classroom.both_words"))
    return words


def language_of(session: Session, word: str) -> str | None:
    folded = fold(word)
    for code in session.story.languages:
        names = {code}
        for other in session.story.languages:
            names.update(fold(w) for w in Texts(session.catalog, other).words(f"ui.lang_names.{code}"))
        if folded in names:
            return code
    return None
