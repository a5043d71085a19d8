"""The commands of the game itself: ``help``, ``look``, ``notes``, ``undo``, ``restart``,
``quit``, ``continue``, and reading comfort's ``width`` and ``script``.

Each handler takes the session and the words after the command and returns a
:class:`~adventure.play.reply.Reply`, or None when the words are not this command after all.
They are declared in :mod:`adventure.play.commands`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from adventure.core import model as m
from adventure.core.engine import new_game
from adventure.play.choosing import after_step
from adventure.play.history import RESTART
from adventure.play.reply import Reply, as_number
from adventure.text import render as r
from adventure.text.catalog import fold
from adventure.text.render import BLANK, Para

if TYPE_CHECKING:
    from adventure.play.session import Session


def help_command(session: Session, args: list[str]) -> Reply | None:
    if args:
        return None
    out = [session.msg("ui.help_heading", "heading")]
    listed = session.commands.listed()
    names = {c.id: ", ".join(session.texts.words(c.words)) for c in listed}
    pad = max(len(n) for n in names.values()) + 2
    for c in listed:
        assert c.help is not None
        subs = c.help_subs(session) if c.help_subs is not None else {}
        out.append(Para("help", (("text", session.t(c.help, **subs)),), "  " + names[c.id].ljust(pad)))
    out.append(BLANK)
    out.append(session.msg("ui.help_choices", "meta"))
    return Reply(out)


def look(session: Session, args: list[str]) -> Reply | None:
    if args:
        return None
    return Reply(session.show_scene())


def notes(session: Session, args: list[str]) -> Reply | None:
    state = session.current()
    if not args:
        return Reply(r.notes_list_paras(session.story, session.texts, state))
    query = " ".join(args)
    n = as_number(query)
    if n is not None:
        if 1 <= n <= len(state.notes):
            return Reply(r.note_paras(session.story, session.texts, state.notes[n - 1], n, session.second_lang))
        return Reply([session.msg("ui.note_not_found", query=query, n=len(state.notes))])
    wanted = fold(query)
    for i, nid in enumerate(state.notes, 1):
        if wanted in fold(session.t(m.note_title_key(nid))):
            return Reply(r.note_paras(session.story, session.texts, nid, i, session.second_lang))
    return Reply([session.msg("ui.note_not_found", query=query[:40], n=len(state.notes))])


def undo(session: Session, args: list[str]) -> Reply | None:
    if args:
        return None
    if not session.history:
        return Reply([session.msg("ui.undo_story_changed" if session.history.cut else "ui.undo_nothing")])
    session.state = session.history.pop()
    session.log("undo", scene=session.state.scene)
    return Reply([session.msg("ui.undone"), BLANK] + session.show_scene(banner=False))


def restart(session: Session, args: list[str]) -> Reply | None:
    if args:
        return None
    session.history.push(session.current(), RESTART + (session.start_at or session.story.start))
    session.state, output = new_game(session.story, at=session.start_at, variables=session.start_vars)
    session.log("restart")
    return Reply([session.msg("ui.restarted"), BLANK] + after_step(session, output, banner=True))


def quit_command(session: Session, args: list[str]) -> Reply | None:
    if args:
        return None
    return session.leave()


def continue_command(session: Session, args: list[str]) -> Reply | None:
    if args:
        return None
    offer = session.resumable()
    if offer is None:
        return Reply(session.take_start_notes() + [session.msg("ui.no_autosave")])
    return Reply(session.keeper.resume(offer[0]))


def width(session: Session, args: list[str]) -> Reply | None:
    from adventure.play.reading import width_command

    paras = width_command(session, args)
    return None if paras is None else Reply(paras)


def script(session: Session, args: list[str]) -> Reply | None:
    from adventure.play.reading import script_command

    paras = script_command(session, args)
    return None if paras is None else Reply(paras)
