"""Commands for reading comfort: ``width`` (the measure) and ``script`` (a readable transcript).

Each takes the :class:`~adventure.play.session.Session` and the words after the command, and
returns the paragraphs to show, or None when the words are not this command after all (so
"width of the river" can still match a choice).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from adventure.play.script import Script, acceptable
from adventure.text.catalog import Texts, fold
from adventure.text.layout import MAX_MEASURE, MIN_MEASURE
from adventure.text.render import Para, para

if TYPE_CHECKING:
    from adventure.play.session import Session

SCRIPT_NAME = "script.txt"


def _words(session: Session, key: str) -> set[str]:
    """A word list of every language of the story (a player may type either)."""
    return {fold(w) for lang in session.story.languages for w in Texts(session.catalog, lang).words(key)}


def width_command(session: Session, args: list[str]) -> list[Para] | None:
    """``width`` says the measure; ``width 60`` sets it; ``width full`` fills the window."""
    t = session.t
    if not args:
        if session.measure == 0:
            return [para("message", t("ui.reading.width_full_now"))]
        from adventure.text.layout import DEFAULT_MEASURE

        return [para("message", t("ui.reading.width_now", n=session.measure or DEFAULT_MEASURE))]
    if len(args) > 1:
        return None
    word = fold(args[0])
    if word in _words(session, "ui.reading.full_words"):
        session.measure = 0
        return [para("message", t("ui.reading.width_full_set"))]
    if not word.isdigit():
        return None
    n = int(word[:6])
    if not MIN_MEASURE <= n <= MAX_MEASURE:
        return [para("error", t("ui.reading.width_bad", min=MIN_MEASURE, max=MAX_MEASURE))]
    session.measure = n
    return [para("message", t("ui.reading.width_set", n=n))]


def default_script_path(session: Session) -> Path:
    """Where ``script on`` writes: beside the reports (the student's name first), or here."""
    name = SCRIPT_NAME
    if session.record.student:
        from adventure.classroom.flow import slug

        name = f"{slug(session.record.student)}-{SCRIPT_NAME}"
    return (session.report_dir or Path.cwd()) / name


def start_script(session: Session, path: Path) -> list[Para]:
    """Open a transcript at ``path`` (appending); the paragraphs say where, or why not."""
    script = Script(path)
    try:
        fresh = not path.exists() or path.stat().st_size == 0
        script.open()
        when = session.clock().astimezone().strftime("%Y-%m-%d %H:%M")
        script.lines(([] if fresh else [""]) + [session.t("ui.reading.script_started", when=when), ""])
    except OSError as exc:
        return [para("error", session.t("ui.reading.script_failed", error=exc.strerror or type(exc).__name__))]
    session.script = script
    return [para("message", session.t("ui.reading.script_on", path=str(path)))]


def script_command(session: Session, args: list[str]) -> list[Para] | None:
    """``script`` / ``script on`` starts a transcript, ``script off`` ends it, ``script
    name.txt`` (or ``.md``) starts one in that file."""
    t = session.t
    if len(args) > 1:
        return None
    word = fold(args[0]) if args else ""
    off = word in _words(session, "ui.classroom.off_words")
    if off or (not args and session.script is not None):
        if session.script is None:
            return [para("message", t("ui.reading.script_not_on"))]
        path = session.script.path
        stop_script(session)
        return [para("message", t("ui.reading.script_off", path=str(path)))]
    if session.script is not None:
        return [para("message", t("ui.reading.script_already", path=str(session.script.path)))]
    if not args or word in _words(session, "ui.classroom.on_words"):
        return start_script(session, default_script_path(session))
    if not acceptable(args[0]):
        return [para("error", t("ui.reading.script_bad_name", name=args[0][:60]))]
    return start_script(session, Path(args[0]).expanduser())


def to_script(session: Session, lines: list[str] | None = None, *, typed: tuple[str, str] | None = None) -> None:
    """Copy lines shown, or a line typed after its prompt, to the transcript. If the file
    cannot be written (a full disk, a removed folder), the transcript stops; the game goes on
    and says so once, with the next reply."""
    script = session.script
    if script is None:
        return
    try:
        if typed is not None:
            script.typed(*typed)
        if lines is not None:
            script.lines(lines)
    except (OSError, ValueError) as exc:  # ValueError: a file closed under us
        stop_script(session)
        session.notices.append(para("error", session.t("ui.reading.script_failed",
                                                             error=getattr(exc, "strerror", None) or type(exc).__name__)))


def stop_script(session: Session) -> None:
    script, session.script = session.script, None
    if script is not None:
        try:
            script.close()
        except (OSError, ValueError):
            pass


RECAP_CHOICES = 3


def recap_paras(session: Session) -> list[Para]:
    """Where the player was, for coming back to a saved game: the chapter, the date in the
    siege, and the last choices made (up to three, oldest first)."""
    from adventure.core import model as m
    from adventure.text.render import BLANK, subs_for

    state = session.state
    if state is None:
        return []
    t = session.t
    scene = session.story.scenes[state.scene]
    out = [BLANK, para("heading", t("ui.reading.recap_heading")),
           para("meta", t("ui.reading.recap_chapter", chapter=t(m.chapter_title_key(scene.chapter))))]
    date = session.texts.date(scene.date, session.story.siege_start)
    if date:
        out.append(para("meta", t("ui.reading.recap_date", date=date)))
    k = min(len(session.history), len(session.trail))  # both end at the present
    taken = [(before, choice) for before, choice in zip(session.history[len(session.history) - k:],
                                                        session.trail[len(session.trail) - k:], strict=True)
             if choice is not None and before.scene in session.story.scenes
             and session.texts.has(m.choice_key(before.scene, choice))][-RECAP_CHOICES:]
    if taken:
        out.append(para("meta", t("ui.reading.recap_choices")))
        for before, choice in taken:
            label = session.texts(m.choice_key(before.scene, choice), **dict(subs_for(session.texts, before)))
            out.append(Para("meta", (("meta", label),), "  - "))
    return out
