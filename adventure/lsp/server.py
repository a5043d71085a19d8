"""The pygls wiring of ``hengyang lsp``: documents in, diagnostics and answers out.

On open and on every change, the edited file and what it touches are checked at once
(:meth:`Project.fast`) and published; when typing pauses (:data:`PAUSE` seconds) the whole
story is checked as ``check`` does and every file's diagnostics are published again.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from lsprotocol import types as t
from pygls.lsp.server import LanguageServer

from adventure.lsp import features as f
from adventure.lsp.index import Index
from adventure.lsp.project import Project

PAUSE = 0.6  # seconds without an edit before the whole story is checked again


class StoryServer(LanguageServer):
    """A language server holding one :class:`Project`."""

    def __init__(self, story_dir: Path | None, locales_dir: Path | None, *, draft: bool = False) -> None:
        from adventure import __version__

        super().__init__("hengyang", __version__)
        self.given = (story_dir, locales_dir)
        self.draft = draft
        self.project: Project | None = None
        self._index: tuple[tuple[int, int], Index] | None = None
        self._pending: asyncio.TimerHandle | None = None

    def setup(self, root: Path | None) -> Project:
        from adventure.files.loader import default_locales_dir, default_story_dir

        story, locales = self.given
        if story is None and root is not None and (root / "story" / "story.yaml").is_file():
            story, locales = root / "story", locales or root / "locales"
        self.project = Project(story or default_story_dir(), locales or default_locales_dir(), draft=self.draft)
        return self.project

    def index(self) -> Index:
        assert self.project is not None
        key = (self.project.version, id(self.project.result))
        if self._index is None or self._index[0] != key:
            self._index = (key, f.build_index(self.project))
        return self._index[1]

    def publish(self, by_file: dict[Path, list[Any]]) -> None:
        assert self.project is not None
        for path, diags in by_file.items():
            text = self.project.text(path)
            self.text_document_publish_diagnostics(t.PublishDiagnosticsParams(
                uri=f.uri_of(path), diagnostics=[f.lsp_diagnostic(d, text) for d in diags]))

    def later(self) -> None:
        """Check the whole story when typing pauses."""
        loop = asyncio.get_running_loop()
        if self._pending is not None:
            self._pending.cancel()
        self._pending = loop.call_later(PAUSE, self._full)

    def _full(self) -> None:
        self._pending = None
        if self.project is not None:
            self.publish(self.project.full())


def make_server(story_dir: Path | None = None, locales_dir: Path | None = None, *, draft: bool = False) -> StoryServer:
    server = StoryServer(story_dir, locales_dir, draft=draft)

    def ready(ls: StoryServer) -> Project:
        if ls.project is None:
            root = ls.workspace.root_path
            ls.publish(ls.setup(Path(root) if root else None).full())
        assert ls.project is not None
        return ls.project

    @server.feature(t.INITIALIZED)
    def initialized(ls: StoryServer, params: t.InitializedParams) -> None:
        ready(ls)

    def changed(ls: StoryServer, uri: str, text: str | None) -> None:
        ready(ls)
        assert ls.project is not None
        path = f.path_of(uri)
        if ls.project.kind(path) is None:
            return
        ls.project.set_text(path, text)
        ls.publish(ls.project.fast(path))
        ls.later()

    @server.feature(t.TEXT_DOCUMENT_DID_OPEN)
    async def did_open(ls: StoryServer, params: t.DidOpenTextDocumentParams) -> None:
        changed(ls, params.text_document.uri, params.text_document.text)

    @server.feature(t.TEXT_DOCUMENT_DID_CHANGE)
    async def did_change(ls: StoryServer, params: t.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        changed(ls, uri, ls.workspace.get_text_document(uri).source)

    @server.feature(t.TEXT_DOCUMENT_DID_SAVE)
    async def did_save(ls: StoryServer, params: t.DidSaveTextDocumentParams) -> None:
        ls.later()

    @server.feature(t.TEXT_DOCUMENT_DID_CLOSE)
    async def did_close(ls: StoryServer, params: t.DidCloseTextDocumentParams) -> None:
        changed(ls, params.text_document.uri, None)

    @server.feature(t.TEXT_DOCUMENT_DEFINITION)
    def definition(ls: StoryServer, params: t.DefinitionParams) -> list[t.Location]:
        return f.definition(ls.index(), f.path_of(params.text_document.uri), params.position)

    @server.feature(t.TEXT_DOCUMENT_REFERENCES)
    def references(ls: StoryServer, params: t.ReferenceParams) -> list[t.Location]:
        return f.references(ls.index(), f.path_of(params.text_document.uri), params.position,
                            include_declaration=params.context.include_declaration)

    @server.feature(t.TEXT_DOCUMENT_COMPLETION, t.CompletionOptions(trigger_characters=[" ", "@", "\"", "|", "{"]))
    def completion(ls: StoryServer, params: t.CompletionParams) -> t.CompletionList:
        assert ls.project is not None
        items = f.completion(ls.project, ls.index(), f.path_of(params.text_document.uri), params.position)
        return t.CompletionList(is_incomplete=False, items=items)

    @server.feature(t.TEXT_DOCUMENT_HOVER)
    def hover(ls: StoryServer, params: t.HoverParams) -> t.Hover | None:
        assert ls.project is not None
        return f.hover(ls.project, ls.index(), f.path_of(params.text_document.uri), params.position)

    @server.feature(t.TEXT_DOCUMENT_PREPARE_RENAME)
    def prepare_rename(ls: StoryServer, params: t.PrepareRenameParams) -> t.Range | None:
        return f.prepare_rename(ls.index(), f.path_of(params.text_document.uri), params.position)

    @server.feature(t.TEXT_DOCUMENT_RENAME)
    def rename(ls: StoryServer, params: t.RenameParams) -> t.WorkspaceEdit | None:
        return f.rename(ls.index(), f.path_of(params.text_document.uri), params.position, params.new_name)

    @server.feature(t.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    def symbols(ls: StoryServer, params: t.DocumentSymbolParams) -> list[t.DocumentSymbol]:
        return f.symbols(ls.index(), f.path_of(params.text_document.uri))

    @server.feature(t.TEXT_DOCUMENT_CODE_ACTION,
                    t.CodeActionOptions(code_action_kinds=[t.CodeActionKind.QuickFix]))
    def code_action(ls: StoryServer, params: t.CodeActionParams) -> list[t.CodeAction]:
        assert ls.project is not None
        return f.code_actions(ls.project, f.path_of(params.text_document.uri), list(params.context.diagnostics))

    return server


def serve(story_dir: Path | None, locales_dir: Path | None, *, draft: bool = False) -> int:
    """Run the server on stdin/stdout until the editor closes it."""
    make_server(story_dir, locales_dir, draft=draft).start_io()
    return 0
