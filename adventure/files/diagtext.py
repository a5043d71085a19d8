"""Diagnostics in the writer's language: their texts live in a catalogue, not in the code.

Each place that finds a problem names its text by an id and gives the arguments::

    >>> d = diag("E205", "story/a.yaml", 3, 9, "E205", choice="go", target="brigde", closest="bridge")
    >>> d.message, d.fix
    ("choice 'go' leads to 'brigde', which is not a scene", "use an existing scene id; did you mean 'bridge'?")
    >>> localise(d, "es").message
    "la opción 'go' lleva a 'brigde', que no es una escena"

The texts are ``ui.diag.<id>.message`` and ``ui.diag.<id>.fix`` in
``locales/<lang>/ui_diagnostics.yaml`` (the engine's interface texts, so ``check`` requires
each of them in every language like any ``ui.*`` key); a :class:`Phrase` argument ("the
scene 'x'") is ``ui.diag.<id>`` there too, and ``ui.diag.did_you_mean`` follows a fix whose
argument ``closest`` names a likely spelling. The English rendering is kept in the
diagnostic (``message``, ``fix``) for every reader that wants English; :func:`localise`
renders the same diagnostic in another language. Ids and paths stay as written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import cast

from adventure.core.diagnostics import Args, Diagnostic, Phrase
from adventure.files.paths import default_locales_dir
from adventure.text.catalog import detect_language, fill

PREFIX = "ui.diag."
FILE = "ui_diagnostics.yaml"
#: The language the catalogue is complete in, and the one ``message`` and ``fix`` are kept in.
BASE = "en"


@lru_cache(maxsize=8)
def texts(lang: str) -> Mapping[str, str]:
    """The diagnostics catalogue of ``lang`` from the engine's locales (empty if it has none)."""
    from adventure.files.yamlread import decode, read_flat_mapping, read_yaml_bytes

    path = default_locales_dir() / lang / FILE
    try:
        data = path.read_bytes()
    except OSError:
        return {}
    text, _ = decode(data, str(path))
    flat = read_flat_mapping(text) if text is not None else None
    if flat is None:  # not the plain nested mapping it should be: read what can be read
        tree, _ = read_yaml_bytes(data, str(path))
        flat = list(_flat(tree, ""))
    return {key: value for key, value, _line, _col in flat if key.startswith(PREFIX)}


def _flat(node: object, prefix: str) -> list[tuple[str, str, int, int]]:
    from adventure.files.yamlread import Map, Scalar

    out: list[tuple[str, str, int, int]] = []
    if isinstance(node, Map):
        for key, value in node.items():
            if isinstance(value, Scalar):
                out.append((prefix + key, value.value, value.line, value.col))
            else:
                out.extend(_flat(value, prefix + key + "."))
    return out


def freeze(args: Mapping[str, object] | Args | list[object]) -> Args:
    """Arguments as the hashable pairs a diagnostic keeps (also from a cached record's JSON lists)."""
    pairs: Iterable[object] = args.items() if isinstance(args, Mapping) else args
    out: list[tuple[str, object]] = []
    for pair in pairs:
        both = cast("tuple[object, object]", pair)
        name, value = str(both[0]), both[1]
        kept: object
        if isinstance(value, list | tuple) and len(value) == 2 and isinstance(value[0], str) \
                and isinstance(value[1], list | tuple):  # a Phrase, or one back from JSON
            kept = Phrase(value[0], freeze(value[1]))
        else:
            kept = value if isinstance(value, str) else str(value)
        out.append((name, kept))
    return tuple(out)


def phrase(key: str, /, **args: object) -> Phrase:
    """A piece of a message to translate, given as an argument: ``phrase("what.scene", id=sid)``."""
    return Phrase(key, freeze(args))


def diag(code: str, path: str, line: int, col: int, msg_id: str, /, **args: object) -> Diagnostic:
    """A diagnostic whose texts are ``ui.diag.<msg_id>.message`` / ``.fix`` filled with ``args``."""
    frozen = freeze(args)
    return Diagnostic(code, path, line, col, render(msg_id, "message", frozen, BASE),
                      render(msg_id, "fix", frozen, BASE), msg_id, frozen)


def from_row(row: list[object] | tuple[object, ...]) -> Diagnostic:
    """A diagnostic again from the plain row a record keeps (see ``story_records.diag_rows``)."""
    code, path, line, col, message, fix = row[:6]
    key = str(row[6]) if len(row) > 6 else ""
    args = freeze(row[7]) if len(row) > 7 else ()  # type: ignore[arg-type]
    return Diagnostic(str(code), str(path), int(line), int(col), str(message), str(fix), key, args)  # type: ignore[call-overload]


def english(d: Diagnostic) -> Diagnostic:
    """``d`` with its English texts rendered from its key: for a diagnostic made below this
    layer with a key and arguments only (:func:`adventure.text.plural.missing_forms`), and for
    one read back from the parsed-story cache (its texts may have been reworded since)."""
    if not d.key:
        return d
    return d._replace(message=render(d.key, "message", d.args, BASE), fix=render(d.key, "fix", d.args, BASE))


def localise(d: Diagnostic, lang: str) -> Diagnostic:
    """``d`` with its message and fix in ``lang`` (English where ``lang`` lacks a text)."""
    if not d.key or lang == BASE:
        return d
    return d._replace(message=render(d.key, "message", d.args, lang), fix=render(d.key, "fix", d.args, lang))


def writer_language(env: Mapping[str, str]) -> str:
    """The writer's language (``LC_ALL`` / ``LC_MESSAGES`` / ``LANG``) among the languages whose
    diagnostics the engine's locales have, English otherwise."""
    try:
        have = tuple(sorted(p.name for p in default_locales_dir().iterdir() if (p / FILE).is_file()))
    except OSError:
        have = ()
    return detect_language(env, have or (BASE,))


def render(key: str, part: str, args: Args, lang: str) -> str:
    """``ui.diag.<key>.<part>`` in ``lang`` filled with ``args`` (a Phrase rendered first)."""
    subs: dict[str, object] = {}
    for name, value in args:
        subs[name] = render_phrase(value, lang) if isinstance(value, Phrase) else value
    out = fill(_text(f"{key}.{part}", lang), subs)
    if part == "fix" and subs.get("closest"):
        out += fill(_text("did_you_mean", lang), {"name": subs["closest"]})
    return out


def render_phrase(p: Phrase, lang: str) -> str:
    """A :class:`Phrase` as text in ``lang``."""
    subs = {name: render_phrase(value, lang) if isinstance(value, Phrase) else value for name, value in p.args}
    return fill(_text(p.key, lang), subs)


def _text(key: str, lang: str) -> str:
    full = PREFIX + key
    got = texts(lang).get(full)
    if got is None and lang != BASE:
        got = texts(BASE).get(full)
    return got if got is not None else f"[{full}]"
