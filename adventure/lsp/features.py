"""What the editor asks for, answered from a :class:`~.project.Project` and its
:class:`~.index.Index`: diagnostics as LSP values, definitions, references, completion, hover,
rename, document symbols and code actions. Positions are LSP's (0-based lines and columns).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from lsprotocol import types as t

from adventure.core.diagnostics import CODES, Diagnostic
from adventure.files.diagtext import localise, writer_language
from adventure.files.loader import data_root, paragraph_count
from adventure.lsp.index import Index, Occ, locale_occurrences, story_occurrences
from adventure.lsp.project import Project
from adventure.text.markup import NAME_RE, TERM_BEING_TYPED_RE

DOCS = (data_root() / "docs" / "diagnostics.md").as_uri()  # each code has an anchor there
RENAMABLE = ("scene", "note", "variable", "character")


def uri_of(path: Path) -> str:
    return path.resolve().as_uri()


def path_of(uri: str) -> Path:
    from urllib.parse import unquote, urlparse

    return Path(unquote(urlparse(uri).path)).resolve()


# -- the index -----------------------------------------------------------------------------

def build_index(project: Project) -> Index:
    """Every occurrence in the project's files (story files first), from the last load."""
    occs: list[Occ] = []
    for path in project.all_paths():
        kind, rec, _data = project.records[path]
        text = project.text(path)
        if kind == "locale":
            occs += locale_occurrences(path, text)
        else:
            occs += story_occurrences(path, kind, rec, text)
    return Index(occs)


def _range(o: Occ) -> t.Range:
    return t.Range(t.Position(o.line, o.col), t.Position(o.line, o.col + o.length))


def _location(o: Occ) -> t.Location:
    return t.Location(uri_of(o.path), _range(o))


# -- diagnostics ---------------------------------------------------------------------------

def lsp_diagnostic(d: Diagnostic, text: str) -> t.Diagnostic:
    """A diagnostic as the editor shows it: the token at its place underlined, its code linked
    to its entry in docs/diagnostics.md, the fix in the message."""
    lines = text.split("\n")
    line = max(d.line - 1, 0)
    col = max(d.col - 1, 0)
    length = 0
    if d.line > 0 and line < len(lines):
        row = lines[line]
        names = [n for n in re.findall(r"'([^']+)'", d.message) if n]
        if names and not any(row.startswith(n, col) for n in names):
            # A place at the start of a text block (a speaker, a term): find the name on the line.
            found = [(row.find(n, col), n) for n in names if row.find(n, col) >= 0]
            if found:
                col, name = min(found)
                return _diag(d, line, col, len(name))
        mt = re.compile(r"[@A-Za-z0-9_.\-\[{\"']+").match(row, col)
        length = len(mt.group()) if mt else max(len(row) - col, 1)
    if d.line <= 0:
        col, length = 0, len(lines[0]) if lines else 0
    return _diag(d, line, col, length)


def _diag(d: Diagnostic, line: int, col: int, length: int) -> t.Diagnostic:
    en, d = f"{d.message} — {d.fix}", localise(d, writer_language(os.environ))  # the writer's language, as in check
    severity = t.DiagnosticSeverity.Error if d.is_error else t.DiagnosticSeverity.Warning
    return t.Diagnostic(
        range=t.Range(t.Position(line, col), t.Position(line, col + length)),
        message=f"{d.message} — {d.fix}", severity=severity, code=d.code, source="hengyang",
        code_description=t.CodeDescription(href=f"{DOCS}#{d.code.lower()}"),
        data={"fix": d.fix, "name": CODES[d.code].name, "en": en})


# -- definition and references -------------------------------------------------------------

def definition(index: Index, path: Path, pos: t.Position) -> list[t.Location]:
    """From a use to where the id is declared; from a declaration to its texts in every
    language; from a text back to the declaration."""
    o = index.at(path, pos.line, pos.character)
    if o is None:
        return []
    if o.role == "def":
        targets = index.of(o.kind, o.name, "text")
    else:
        targets = index.of(o.kind, o.name, "def")
    return [_location(x) for x in targets]


def references(index: Index, path: Path, pos: t.Position, *, include_declaration: bool = True) -> list[t.Location]:
    o = index.at(path, pos.line, pos.character)
    if o is None:
        return []
    return [_location(x) for x in index.of(o.kind, o.name) if include_declaration or x.role != "def"]


# -- completion ----------------------------------------------------------------------------

_CONTEXTS = [
    (re.compile(r"^\s*(?:to|start):\s*[\"']?(\w*)$"), "scene"),
    (re.compile(r"visited\(\s*[\"'](\w*)$"), "scene"),
    (re.compile(r"^\s*-?\s*note:\s*(\w*)$"), "note"),
    (re.compile(r"^\s*(?:-\s*end|ending):\s*(\w*)$"), "ending"),
    (re.compile(r"^\s*witness:\s*(\w*)$"), "character"),
    (re.compile(r"^\s*chapter:\s*(\w*)$"), "chapter"),
    (re.compile(r"^\s*when:.*?(\w*)$"), "variable"),
    (re.compile(r"^\s*-\s*(?:set|add|sub):\s*\{(?:[^}]*,\s*)?(\w*)$"), "variable"),
    (re.compile(r"(?:^\s*|:\s*[\"']?)@(\w*)$"), "character"),
    (TERM_BEING_TYPED_RE, "term"),
    (re.compile(r"(?<!\{)\{(\w*)$"), "variable"),
]


def completion(project: Project, index: Index, path: Path, pos: t.Position) -> list[t.CompletionItem]:
    lines = project.text(path).split("\n")
    prefix = lines[pos.line][:pos.character] if pos.line < len(lines) else ""
    kind = None
    for rx, k in _CONTEXTS:
        if rx.search(prefix):
            kind = k
            break
    if kind is None and _under_choices(lines, pos.line, prefix):
        kind = "scene"  # the shorthand `choice_id: target`
    if kind is None:
        return []
    items = []
    for name in index.names(kind):
        detail = _title(project, kind, name)
        items.append(t.CompletionItem(label=name, detail=detail, kind=t.CompletionItemKind.Reference))
    return items


def _under_choices(lines: list[str], line: int, prefix: str) -> bool:
    mt = re.match(r"^(\s+)\w+:\s*(\w*)$", prefix)
    if not mt:
        return False
    indent = len(mt.group(1))
    for n in range(line - 1, -1, -1):
        above = lines[n]
        stripped = above.lstrip(" ")
        if not stripped or stripped.startswith("#"):
            continue
        if len(above) - len(stripped) < indent:
            return stripped.rstrip() == "choices:"
    return False


def _texts(project: Project) -> dict[str, Any]:
    result = project.result
    return dict(result.catalog.texts) if result is not None and result.catalog is not None else {}


def _title(project: Project, kind: str, name: str) -> str:
    texts = _texts(project)
    section = {"scene": "scenes", "note": "notes", "chapter": "chapters", "ending": "endings",
               "character": "characters", "term": "glossary"}.get(kind)
    if section is None:
        return kind
    for lang, table in texts.items():
        for leaf in ("title", "name", "term"):
            value = table.get(f"{section}.{name}.{leaf}")
            if value:
                return f"{value} ({lang})"
    return kind


# -- hover ---------------------------------------------------------------------------------

def hover(project: Project, index: Index, path: Path, pos: t.Position) -> t.Hover | None:
    """An id's texts in every language, its chapter, its word count and what leads to it."""
    o = index.at(path, pos.line, pos.character)
    if o is None:
        return None
    parts = [f"**{o.kind}** `{o.name}`"]
    result = project.result
    story = result.story if result is not None else None
    section = {"scene": "scenes", "note": "notes", "chapter": "chapters", "ending": "endings",
               "character": "characters", "term": "glossary", "choice": "scenes"}.get(o.kind)
    key = f"scenes.{o.name.replace('.', '.choices.', 1)}" if o.kind == "choice" else f"{section}.{o.name}"
    if story is not None and o.kind == "scene" and o.name in story.scenes:
        scene = story.scenes[o.name]
        parts.append(f"chapter `{scene.chapter}`")
        leads = [f"`{s.id}` › `{c.id}`" for s in story.scenes.values() for c in s.choices if c.to == o.name]
        parts.append("led to from: " + (", ".join(leads) if leads else "nothing (the start?)"
                                        if o.name == story.start else "nothing"))
    for lang, table in _texts(project).items():
        found = {k[len(key) + 1:]: v for k, v in table.items() if k.startswith(key + ".") or k == key}
        if not found:
            parts.append(f"*{lang}*: no text")
            continue
        words = sum(len(v.split()) for v in found.values())
        body = "\n".join(f"- {leaf or key}: {v.strip()[:400]}" for leaf, v in found.items()
                         if not leaf.startswith("choices."))
        parts.append(f"*{lang}* ({words} words, {sum(paragraph_count(v) for v in found.values())} paragraphs)\n{body}")
    return t.Hover(contents=t.MarkupContent(t.MarkupKind.Markdown, "\n\n".join(parts)), range=_range(o))


# -- rename --------------------------------------------------------------------------------

def prepare_rename(index: Index, path: Path, pos: t.Position) -> t.Range | None:
    o = index.at(path, pos.line, pos.character)
    return _range(o) if o is not None and o.kind in RENAMABLE else None


def rename(index: Index, path: Path, pos: t.Position, new_name: str) -> t.WorkspaceEdit | None:
    """One edit across the story files, every locale file and every reference."""
    o = index.at(path, pos.line, pos.character)
    if o is None or o.kind not in RENAMABLE or not NAME_RE.match(new_name):
        return None
    changes: dict[str, list[t.TextEdit]] = {}
    for x in index.of(o.kind, o.name):
        changes.setdefault(uri_of(x.path), []).append(t.TextEdit(_range(x), new_name))
    if o.kind == "scene":  # its choices' locale keys live under scenes.<id> too: already covered
        pass
    return t.WorkspaceEdit(changes=changes)


# -- symbols -------------------------------------------------------------------------------

def symbols(index: Index, path: Path) -> list[t.DocumentSymbol]:
    """Chapter › scenes › choices (story files); ids with texts (locale files)."""
    occs = [o for o in index.by_file.get(path, ()) if o.role in ("def", "text")]
    chapter = next((o for o in occs if o.kind == "chapter"), None)
    out: list[t.DocumentSymbol] = []
    scene: t.DocumentSymbol | None = None
    kinds = {"scene": t.SymbolKind.Class, "choice": t.SymbolKind.Method, "note": t.SymbolKind.String,
             "chapter": t.SymbolKind.Module, "variable": t.SymbolKind.Variable, "ending": t.SymbolKind.Event,
             "character": t.SymbolKind.Object, "term": t.SymbolKind.Key}
    for o in occs:
        if o is chapter:
            continue
        name = o.name.split(".", 1)[1] if o.kind == "choice" else o.name
        sym = t.DocumentSymbol(name=name, kind=kinds[o.kind], range=_range(o), selection_range=_range(o),
                               detail=o.kind, children=[])
        if o.kind == "choice" and scene is not None and o.name.startswith(scene.name + "."):
            scene.children.append(sym)  # type: ignore[union-attr]
            continue
        out.append(sym)
        scene = sym if o.kind == "scene" else None
    if chapter is not None:
        return [t.DocumentSymbol(name=chapter.name, kind=t.SymbolKind.Module, range=_range(chapter),
                                 selection_range=_range(chapter), detail="chapter", children=out)]
    return out


# -- code actions --------------------------------------------------------------------------

_MEAN = re.compile(r"did you mean '([^']+)'")
_MISSING = re.compile(r"no (\w+) text for '([^']+)'")


def code_actions(project: Project, path: Path, diagnostics: list[t.Diagnostic]) -> list[t.CodeAction]:
    """Apply a "did you mean"; add a missing text as a stub in the right locale file."""
    out: list[t.CodeAction] = []
    for d in diagnostics:
        mean = _MEAN.search(_english(d))
        if mean and d.code not in ("W301",):
            out.append(t.CodeAction(title=f"Change to '{mean.group(1)}'", kind=t.CodeActionKind.QuickFix,
                                    diagnostics=[d], is_preferred=True,
                                    edit=t.WorkspaceEdit(changes={uri_of(path): [
                                        t.TextEdit(_word_range(project, path, d), mean.group(1))]})))
        missing = _MISSING.search(_english(d))
        if missing and d.code == "E300":
            action = _stub(project, path, missing.group(1), missing.group(2), d)
            if action is not None:
                out.append(action)
    return out


def _english(d: t.Diagnostic) -> str:
    """A published diagnostic's text in English (the quick fixes read its arguments there)."""
    return str(d.data.get("en", d.message)) if isinstance(d.data, dict) else d.message


def _word_range(project: Project, path: Path, d: t.Diagnostic) -> t.Range:
    lines = project.text(path).split("\n")
    line = d.range.start.line
    col = d.range.start.character
    text = lines[line] if line < len(lines) else ""
    if text[col:col + 1] == "@":
        col += 1
    mt = re.compile(r"[A-Za-z0-9_]+").match(text, col)
    end = mt.end() if mt else d.range.end.character
    return t.Range(t.Position(line, col), t.Position(line, end))


def _stub(project: Project, path: Path, lang: str, key: str, d: t.Diagnostic) -> t.CodeAction | None:
    from adventure.files.yamledit import EditError, insert_value

    target = project.locales_dir / lang / path.name
    try:
        text = project.text(target) if target.exists() or target in project.overlay else ""
        new = insert_value(text, tuple(key.split(".")), "TODO") if text else _fresh(key)
    except (EditError, ValueError):
        return None
    lines = text.split("\n")
    whole = t.Range(t.Position(0, 0), t.Position(len(lines), 0))
    if not text:
        edit = t.WorkspaceEdit(document_changes=[
            t.CreateFile(uri=uri_of(target), kind="create"),
            t.TextDocumentEdit(text_document=t.OptionalVersionedTextDocumentIdentifier(uri=uri_of(target), version=None),
                               edits=[t.TextEdit(t.Range(t.Position(0, 0), t.Position(0, 0)), new)])])
    else:
        edit = t.WorkspaceEdit(changes={uri_of(target): [t.TextEdit(whole, new)]})
    return t.CodeAction(title=f"Add '{key}' to locales/{lang}/{path.name} (a TODO stub)",
                        kind=t.CodeActionKind.QuickFix, diagnostics=[d], edit=edit)


def _fresh(key: str) -> str:
    parts = key.split(".")
    return "".join("  " * i + f"{p}:\n" for i, p in enumerate(parts[:-1])) + "  " * (len(parts) - 1) + \
        f"{parts[-1]}: TODO\n"
