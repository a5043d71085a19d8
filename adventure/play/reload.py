"""Live reload for writers: load the story files again and carry on from the same place
(the ``reload`` command, and ``--watch`` when the files change)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from adventure.play.reply import Reply
from adventure.play.saves import SaveError, decode, encode
from adventure.text.render import BLANK, Para, para

if TYPE_CHECKING:
    from adventure.play.session import Session

# What a save load says about a changed story, and what a reload says instead.
RELOAD_MESSAGES = {
    "ui.load_scene_moved": "ui.reload_scene_moved",
    "ui.load_var_added": "ui.reload_var_added",
    "ui.load_var_dropped": "ui.reload_var_dropped",
    "ui.load_note_dropped": "ui.reload_note_dropped",
    "ui.load_undo_cut": "ui.reload_undo_cut",
}


def reload_command(session: Session, args: list[str]) -> Reply | None:
    if args:
        return None
    return Reply(reload(session))


def reload(session: Session, *, automatic: bool = False) -> list[Para]:
    """Load the story files again and carry on from the same place.

    The state goes through a save's reconciliation (:func:`adventure.play.saves.decode`): a
    renamed scene falls back to the start of its chapter, new variables take their
    initial values. If the files now have errors, the story being played is kept and the
    errors are shown. ``automatic`` (``--watch``): say nothing when nothing changed."""
    s = session
    if s.reloader is None:
        return [s.msg("ui.reload_unavailable", "error")]
    result, diags = s.reloader.load()
    errors = [d for d in diags if d.is_error]
    if errors or result.story is None or result.catalog is None:
        s.log("reload", ok=False, errors=len(errors))
        return [para("error", s.texts.count("ui.reload_failed", len(errors)))] + diagnostic_paras(s, errors)
    story, catalog = result.story, result.catalog
    if story.hash == s.story.hash:
        return [] if automatic else [s.msg("ui.reload_unchanged")]
    payload = encode(s.story, s.current(), s.history, language=s.lang, saved_at=s.now(), extra=s.extra)
    payload["story"]["id"] = story.id  # a renamed story is still the one being written
    try:
        loaded = decode(story, payload, slot="reload")
    except SaveError as exc:  # pragma: no cover - encode() always writes a readable payload
        return [s.msg(exc.key, "error", **exc.subs)]
    s.replace_story(story, catalog)
    s.state, s.history = loaded.state, loaded.history
    s.log("reload", ok=True, story=story.hash)
    s.log("scene", scene=s.state.scene, lang=s.lang)
    out = [s.msg("ui.reload_done")]
    for key, subs in loaded.messages:
        if key in RELOAD_MESSAGES:
            out.append(s.msg(RELOAD_MESSAGES[key], "error" if key == "ui.load_scene_moved" else "message", **subs))
    warnings = [d for d in diags if not d.is_error]
    if warnings:
        out.append(para("meta", s.texts.count("ui.reload_warnings", len(warnings))))
        out += diagnostic_paras(s, warnings)
    return out + [BLANK] + s.show_scene()


def diagnostic_paras(session: Session, diags: list[Any], limit: int = 8) -> list[Para]:
    from adventure.files.diagtext import localise  # only when a reload found something

    out = [para("meta", "  " + localise(d, session.lang).format()) for d in diags[:limit]]
    if len(diags) > limit:
        out.append(session.msg("ui.reload_more", "meta", n=len(diags) - limit,
                               command=getattr(session.reloader, "command", "hengyang")))
    return out
