"""The save commands: ``save``, ``load``, ``saves``, and loading a slot (which resuming an
autosave uses too). Declared in :mod:`adventure.play.commands`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from adventure.core import model as m
from adventure.play.persistence import local_time
from adventure.play.reply import Reply
from adventure.play.saves import BEFORE_LOAD, SaveError, check_slot, decode, is_reserved
from adventure.text.render import BLANK, Para

if TYPE_CHECKING:
    from adventure.play.session import Session

QUICK_SLOT = "quick"


def save(session: Session, args: list[str]) -> Reply | None:
    if len(args) > 1:
        return Reply([session.msg("ui.slot_one_word", "error")])
    slot = args[0] if args else QUICK_SLOT
    try:
        slot = check_slot(slot)
        if is_reserved(slot):
            return Reply([session.msg("ui.slot_reserved", "error", slot=slot)])
        session.write_slot(slot)
    except SaveError as exc:
        return Reply([session.msg(exc.key, "error", **exc.subs)])
    session.log("save", slot=slot)
    return Reply([session.msg("ui.saved", slot=slot)])


def load(session: Session, args: list[str]) -> Reply | None:
    if len(args) > 1:
        return Reply([session.msg("ui.slot_one_word", "error")])
    if session.store is None:
        return Reply([session.msg("ui.save_disabled", "error")])
    if args:
        slot = args[0]
    else:
        slots = [s for s in session.store.list() if s.ok]
        manual = [s for s in slots if not is_reserved(s.slot)]
        pick = (manual or slots)
        if not pick:
            return Reply([session.msg("ui.no_saves")])
        slot = pick[0].slot
    return Reply(load_slot(session, slot, announce=True))


def load_slot(session: Session, slot: str, *, announce: bool) -> list[Para]:
    """Replace the game with the one in ``slot`` (the game replaced is kept first, if it is
    worth keeping); ``announce``: a ``load`` (else coming back to a game: a recap first)."""
    s = session
    try:
        check_slot(slot)
        if s.store is None:
            raise SaveError("ui.save_disabled")
        loaded = decode(s.story, s.store.read(slot), slot=slot)
    except SaveError as exc:
        return [s.msg(exc.key, "error", **exc.subs)]
    kept: list[Para] = []
    if (s.state is not None and (s.history or s.state.turn or s.state.scene != s.story.start)
            and (loaded.state, loaded.history) != (s.state, s.history)):
        try:  # the game being replaced is kept, not lost (in a slot no other game overwrites)
            where = s.keeper.keep_current(BEFORE_LOAD)
            kept = [s.msg("ui.kept_before_load", slot=where)]
        except SaveError as exc:
            return [s.msg(exc.key, "error", **exc.subs), s.msg("ui.load_refused_unkept", "error")]
    s.state = loaded.state
    s.history = loaded.history  # a load replaces the timeline; the language stays the player's
    s.extra = loaded.extra
    s.questions.restore(loaded.extra)
    s.log("load", slot=slot)
    s.log("scene", scene=s.state.scene, lang=s.lang)
    out = [s.msg("ui.loaded", slot=slot)] if announce else [s.msg("ui.resumed")]
    if not announce:  # coming back: where the player was, before the scene
        from adventure.play.reading import recap_paras

        out += recap_paras(s)
    out += kept
    out += [s.msg(key, "error" if key == "ui.load_scene_moved" else "message", **subs)
            for key, subs in loaded.messages]
    out.append(BLANK)
    out += s.show_scene()
    if s.record.pending and s.record.on:
        out += [BLANK, s.msg("ui.classroom.questions_waiting")] + s.questions.ask_next()
    return out


def saves(session: Session, args: list[str]) -> Reply | None:
    if args:
        return None
    s = session
    if s.store is None:
        return Reply([s.msg("ui.save_disabled", "error")])
    offered, notes = s.keeper.find_offer()  # first, so that a damaged autosave is listed set aside
    slots = s.store.list()
    if not slots:
        return Reply(notes + [s.msg("ui.no_saves")])
    out = notes + [s.msg("ui.saves_heading", "heading", folder=str(s.store.directory))]
    from adventure.text.layout import width_of

    pad = max(width_of(info.slot) for info in slots)
    for info in slots:
        name = f"  {info.slot}{' ' * (pad - width_of(info.slot))}  "  # aligned as the terminal shows them
        if not info.ok:
            why = "ui.slot_not_a_file" if info.problem in ("ui.save_not_a_file", "ui.save_too_big") \
                else "ui.slot_damaged"
            out.append(Para("help", (("text", s.t(why)),), name))
            continue
        chapter = s.t(m.chapter_title_key(info.chapter)) if any(
            c.id == info.chapter for c in s.story.chapters) else info.chapter
        scene = s.t(m.scene_title_key(info.scene)) if info.scene in s.story.scenes else info.scene
        out.append(Para("help", (("text", s.t("ui.slot_line", chapter=chapter, scene=scene,
                                              when=local_time(info.saved_at))),), name))
    if s.start_at is None:
        out += [BLANK, s.msg("ui.saves_offer", slot=offered) if offered else s.msg("ui.saves_no_offer")]
    return Reply(out)
