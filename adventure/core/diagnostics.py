"""Located, coded diagnostics for writers.

Every problem the loader or a checker finds is a :class:`Diagnostic` with a file, a 1-based
line and column, a stable code, a message and a fix. They are collected, never raised, so a
writer sees every problem in one run::

    >>> d = Diagnostic("E205", "story/prologue.yaml", 12, 9, "target 'fals' names no scene",
    ...                "did you mean 'falls'?")
    >>> d.format()
    "story/prologue.yaml:12:9: error E205: target 'fals' names no scene — did you mean 'falls'?"

The catalogue :data:`CODES` is the single list of codes; a test checks that each code is
triggered by a fixture story and documented.
"""

from __future__ import annotations

from typing import NamedTuple


class Code(NamedTuple):
    """One entry of the diagnostic catalogue."""

    name: str
    severity: str  # "error" or "warning"
    summary: str


CODES: dict[str, Code] = {
    # -- reading files ---------------------------------------------------------------------
    "E100": Code("yaml-syntax", "error", "The file is not valid YAML."),
    "E101": Code("duplicate-key", "error", "A mapping has the same key twice."),
    "E102": Code("yaml-alias", "error", "Anchors (&name) and aliases (*name) are not allowed."),
    "E103": Code("too-deep", "error", "The YAML is nested deeper than the engine accepts."),
    "E104": Code("yaml-tag", "error", "Explicit YAML tags (!!type, !custom) are not allowed."),
    "E105": Code("encoding", "error", "The file is not UTF-8 text."),
    "E106": Code("multiple-documents", "error", "A file holds more than one YAML document."),
    "E107": Code("empty-file", "error", "The file holds no data."),
    "E108": Code("control-character", "error", "The file holds a control character."),
    "E109": Code("tab-indent", "error", "A tab is used where YAML needs spaces."),
    "E110": Code("file-too-large", "error", "The file is larger than the engine accepts."),
    "E111": Code("unreadable-file", "error", "A file or folder could not be read."),
    "W101": Code("byte-order-mark", "warning", "The file starts with a byte-order mark."),
    # -- story structure -------------------------------------------------------------------
    "E200": Code("unknown-field", "error", "A field is not part of the format."),
    "E201": Code("missing-field", "error", "A required field is missing."),
    "E202": Code("wrong-type", "error", "A field has the wrong type of value."),
    "E203": Code("bad-id", "error", "An id is not a valid identifier."),
    "E204": Code("duplicate-id", "error", "Two things share one id."),
    "E205": Code("unknown-target", "error", "A choice leads to a scene that does not exist."),
    "E206": Code("undeclared-variable", "error", "A variable is used but not declared."),
    "E207": Code("condition-syntax", "error", "A condition cannot be parsed."),
    "E208": Code("unknown-note", "error", "A note is referenced but not defined."),
    "E209": Code("unknown-ending", "error", "An ending is referenced but not declared."),
    "E210": Code("unknown-character", "error", "A character is referenced but not declared."),
    "E211": Code("dead-end", "error", "A scene has no choices and is not an ending."),
    "E212": Code("bad-start", "error", "The start scene does not exist."),
    "E213": Code("unknown-chapter", "error", "A chapter is not listed in the manifest, or has no file."),
    "E214": Code("effect-type", "error", "An effect does not fit the variable's type."),
    "E215": Code("bad-date", "error", "A date is not a real YYYY-MM-DD date."),
    "E216": Code("yaml11-boolean", "error", "yes/no/on/off is used where true/false is meant."),
    "E217": Code("no-manifest", "error", "The story folder has no story.yaml manifest."),
    "E218": Code("bad-language-code", "error", "A language in the manifest is not a language code."),
    "E219": Code("unknown-speaker", "error", "A paragraph's @speaker: names no declared character."),
    # -- locales ---------------------------------------------------------------------------
    "E300": Code("missing-text", "error", "A locale has no text for a key the story needs."),
    "E301": Code("placeholder-mismatch", "error", "A text's {placeholders} differ between languages."),
    "E302": Code("bad-placeholder", "error", "A placeholder is malformed or names no variable."),
    "E303": Code("locale-type", "error", "A locale entry is not text."),
    "E304": Code("duplicate-text-key", "error", "Two locale files define the same key."),
    "E305": Code("missing-locale", "error", "A language has no locale folder."),
    "E306": Code("missing-plural-form", "error", "A text with plural forms lacks a form its language needs."),
    "W301": Code("unused-text", "warning", "A locale key is not used by the story or the interface."),
    "W302": Code("missing-translation", "warning",
                 "A text exists in the first language but not in another, so players see it untranslated."),
    "W303": Code("stale-translation", "warning",
                 "The source text changed since the translation was last reviewed."),
    "W304": Code("bad-review-lock", "warning", "A line of a review.lock file cannot be read."),
    # -- story graph -----------------------------------------------------------------------
    "W201": Code("unreachable-scene", "warning", "No path from the start leads to a scene."),
    "W202": Code("unreachable-ending", "warning", "No path from the start reaches an ending."),
    "W203": Code("note-never-unlocked", "warning", "A note is defined but nothing unlocks it."),
    "W204": Code("no-way-to-end", "warning", "From a scene no path leads to any ending."),
    "W205": Code("unused-variable", "warning", "A variable is declared but never read."),
    # -- explore: the reachable state space (python play.py explore) ------------------------
    "E401": Code("soft-lock", "error", "A player can reach a state where no choice is open."),
    "E402": Code("no-way-out", "error", "A player can enter a loop that never leads to an ending."),
    "W401": Code("scene-never-reached", "warning", "No playthrough reaches a scene."),
    "W402": Code("condition-always-false", "warning", "A choice's condition is false whenever its scene is shown."),
    "W403": Code("condition-always-true", "warning", "A choice's condition is true whenever its scene is shown."),
    "W404": Code("ending-never-reached", "warning", "No playthrough reaches an ending."),
    "W405": Code("note-never-unlocked-in-play", "warning", "No playthrough unlocks a note."),
    "W406": Code("exploration-incomplete", "warning", "Exploration stopped at a bound before the end."),
    # -- classroom (questions, glossary, sources, bilingual reading) ------------------------
    "E501": Code("question-chapter", "error", "Reflection questions name a chapter the manifest does not list."),
    "W501": Code("unknown-term", "warning", "Text marks a glossary term the glossary does not define."),
    "W502": Code("term-markup", "warning", "Glossary term markup [[...]] does not parse."),
    "W503": Code("unknown-source", "warning", "A note cites a source file the list of sources does not name."),
    "W504": Code("no-questions", "warning", "A chapter has no reflection questions while others do."),
    "W505": Code("paragraph-mismatch", "warning", "A text has a different number of paragraphs in two languages."),
}


#: A diagnostic's arguments: ``(name, value)`` pairs; a value is text (an id, a path, a number
#: written out) or a :class:`Phrase`, itself rendered in the writer's language.
Args = tuple[tuple[str, object], ...]


class Phrase(NamedTuple):
    """A piece of a message that is itself text to translate ("the scene 'x'"): the id of its
    text in the diagnostics catalogue and its arguments."""

    key: str
    args: Args = ()


class Diagnostic(NamedTuple):
    """A located problem. ``line`` and ``col`` are 1-based; 0 means "the whole file".

    ``message`` and ``fix`` are the English texts; ``key`` and ``args`` say which texts of the
    diagnostics catalogue (``locales/<lang>/ui_diagnostics.yaml``) they are, so a shell can show
    them in the writer's language (:mod:`adventure.files.diagtext`)."""

    code: str
    path: str
    line: int
    col: int
    message: str
    fix: str
    key: str = ""
    args: Args = ()

    @property
    def severity(self) -> str:
        return CODES[self.code].severity

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def format(self) -> str:
        """One line for a terminal: a control character in a file name or a quoted value is
        shown as ``<U+001B>``, never sent (``check`` must not be a way to reach the writer's
        terminal), and a line break cannot split the line."""
        from adventure.core.charset import visible

        line = f"{self.path}:{self.line}:{self.col}: {self.severity} {self.code}: {self.message} — {self.fix}"
        return visible(line).replace("\n", " ")

    def sort_key(self) -> tuple[bool, str, int, int, str]:
        """Errors first, then warnings; each by file, line and column."""
        return (not self.is_error, self.path, self.line, self.col, self.code)


def has_errors(diagnostics: list[Diagnostic]) -> bool:
    """True when any diagnostic is an error (warnings do not fail a run)."""
    return any(d.is_error for d in diagnostics)


def suggest(name: str, candidates: object) -> str:
    """A "did you mean" hint for a misspelt id, to append to a fix, or an empty string.

    >>> "use an existing scene id" + suggest("changsa", ["changsha", "kunming"])
    "use an existing scene id; did you mean 'changsha'?"
    """
    close = closest(name, candidates)
    return f"; did you mean '{close}'?" if close else ""


def closest(name: str, candidates: object) -> str:
    """The candidate a misspelt ``name`` most likely meant, or an empty string; a diagnostic
    passes it as its argument ``closest`` and the catalogue says "did you mean" in each language.

    >>> closest("changsa", ["changsha", "kunming"]), closest("x", ["changsha"])
    ('changsha', '')
    """
    import difflib

    try:
        names = [c for c in candidates if isinstance(c, str)]  # type: ignore[attr-defined]
    except TypeError:
        return ""
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    return close[0] if close else ""
