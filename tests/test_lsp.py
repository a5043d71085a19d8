"""The language server end to end: pytest-lsp starts the real ``play.py lsp`` process on a copy
of the shipped story and talks to it as an editor does."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types as t
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

ROOT = Path(__file__).resolve().parent.parent


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, str(ROOT / "play.py"), "lsp"]))
async def client(lsp_client: LanguageClient, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("workspace")
    shutil.copytree(ROOT / "story", root / "story")
    shutil.copytree(ROOT / "locales", root / "locales")
    lsp_client.root = root  # type: ignore[attr-defined]
    await lsp_client.initialize_session(t.InitializeParams(
        capabilities=client_capabilities("neovim"), root_uri=root.as_uri(),
        workspace_folders=[t.WorkspaceFolder(uri=root.as_uri(), name="story")]))
    yield
    await lsp_client.shutdown_session()


def where(client: LanguageClient, name: str) -> Path:
    return client.root / name  # type: ignore[attr-defined,no-any-return]


async def open_doc(client: LanguageClient, path: Path) -> str:
    uri = path.as_uri()
    forget(client, uri)
    client.text_document_did_open(t.DidOpenTextDocumentParams(
        text_document=t.TextDocumentItem(uri=uri, language_id="yaml", version=1, text=path.read_text(encoding="utf-8"))))
    await diagnostics_of(client, uri)
    return uri


async def edit(client: LanguageClient, path: Path, old: str, new: str, version: int = 2) -> list[t.Diagnostic]:
    uri = path.as_uri()
    text = path.read_text(encoding="utf-8")
    assert old in text
    forget(client, uri)
    client.text_document_did_change(t.DidChangeTextDocumentParams(
        text_document=t.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[t.TextDocumentContentChangeWholeDocument(text=text.replace(old, new, 1))]))
    return await diagnostics_of(client, uri)


async def diagnostics_of(client: LanguageClient, uri: str) -> list[t.Diagnostic]:
    """The diagnostics published for ``uri`` since it was last forgotten (see :func:`forget`);
    checked before each wait, so one that came while another was handled is not missed."""
    while uri not in client.diagnostics:
        await client.wait_for_notification(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    return list(client.diagnostics[uri])


def forget(client: LanguageClient, *uris: str) -> None:
    for uri in uris:
        client.diagnostics.pop(uri, None)


def pos_of(path: Path, needle: str, offset: int = 0) -> t.Position:
    text = path.read_text(encoding="utf-8")
    at = text.index(needle) + offset
    line = text.count("\n", 0, at)
    return t.Position(line, at - (text.rfind("\n", 0, at) + 1))


@pytest.mark.asyncio
async def test_a_wrong_target_is_underlined_as_you_type(client: LanguageClient) -> None:
    bat = where(client, "story/battery.yaml")
    await open_doc(client, bat)
    assert not client.diagnostics.get(bat.as_uri())
    diags = await edit(client, bat, "      rounds: bat_rounds", "      rounds: bat_roundz")
    (d,) = [d for d in diags if d.code == "E205"]
    start = pos_of(bat, "      rounds: bat_rounds", len("      rounds: "))
    assert d.range.start == start and d.range.end.character == start.character + len("bat_roundz")
    assert d.severity == t.DiagnosticSeverity.Error and "did you mean 'bat_rounds'" in d.message
    assert d.code_description is not None and d.code_description.href.endswith("diagnostics.md#e205")
    actions = await client.text_document_code_action_async(t.CodeActionParams(
        text_document=t.TextDocumentIdentifier(bat.as_uri()), range=d.range, context=t.CodeActionContext(diagnostics=[d])))
    (fix,) = [a for a in actions or [] if isinstance(a, t.CodeAction) and "bat_rounds" in a.title]
    assert fix.edit is not None and fix.edit.changes is not None
    (text_edit,) = fix.edit.changes[bat.as_uri()]
    assert text_edit.new_text == "bat_rounds" and text_edit.range == d.range


@pytest.mark.asyncio
async def test_definition_from_a_target_to_the_scene_and_on_to_its_texts(client: LanguageClient) -> None:
    bat = where(client, "story/battery.yaml")
    await open_doc(client, bat)
    use = pos_of(bat, "      rounds: bat_rounds", len("      rounds: ") + 2)
    found = await client.text_document_definition_async(t.DefinitionParams(text_document=t.TextDocumentIdentifier(bat.as_uri()), position=use))
    assert isinstance(found, list) and len(found) == 1
    assert found[0].uri == bat.as_uri() and found[0].range.start == pos_of(bat, "  bat_rounds:", 2)
    texts = await client.text_document_definition_async(t.DefinitionParams(
        text_document=t.TextDocumentIdentifier(bat.as_uri()), position=found[0].range.start))
    assert isinstance(texts, list)
    assert sorted(Path(x.uri).parts[-2] for x in texts) == ["en", "es"]  # type: ignore[union-attr]
    refs = await client.text_document_references_async(t.ReferenceParams(
        text_document=t.TextDocumentIdentifier(bat.as_uri()), position=use,
        context=t.ReferenceContext(include_declaration=False)))
    assert refs is not None and len(refs) >= 3


@pytest.mark.asyncio
async def test_completion_hover_and_symbols(client: LanguageClient) -> None:
    bat = where(client, "story/battery.yaml")
    await open_doc(client, bat)
    hov = await client.text_document_hover_async(t.HoverParams(
        text_document=t.TextDocumentIdentifier(bat.as_uri()), position=pos_of(bat, "  bat_rounds:", 3)))
    assert hov is not None and isinstance(hov.contents, t.MarkupContent)
    shown = hov.contents.value
    assert "chapter `battery`" in shown and "*en*" in shown and "*es*" in shown and "words" in shown
    assert "The boxes" in shown and "Las cajas" in shown and "led to from" in shown and "`bat_arrival`" in shown
    syms = await client.text_document_document_symbol_async(t.DocumentSymbolParams(text_document=t.TextDocumentIdentifier(bat.as_uri())))
    assert syms is not None and len(syms) == 1 and syms[0].name == "battery"  # type: ignore[union-attr]
    scenes = {s.name: [c.name for c in s.children or []] for s in syms[0].children or []}  # type: ignore[union-attr]
    assert scenes["bat_arrival"] == ["report", "rounds", "path"]
    await edit(client, bat, "      rounds: bat_rounds", "      rounds: bat_rounds\n      more:\n        to: ")
    at = pos_of(bat, "      rounds: bat_rounds")
    got = await client.text_document_completion_async(t.CompletionParams(
        text_document=t.TextDocumentIdentifier(bat.as_uri()), position=t.Position(at.line + 2, len("        to: "))))
    items = got.items if isinstance(got, t.CompletionList) else got or []
    labels = {i.label: i.detail for i in items}
    assert "bat_rounds" in labels and "pro_order" in labels and labels["bat_rounds"] == "The boxes (en)"


@pytest.mark.asyncio
async def test_rename_a_scene_everywhere_in_one_edit(client: LanguageClient) -> None:
    bat = where(client, "story/battery.yaml")
    await open_doc(client, bat)
    result = await client.text_document_rename_async(t.RenameParams(
        text_document=t.TextDocumentIdentifier(bat.as_uri()), position=pos_of(bat, "  bat_rounds:", 2),
        new_name="bat_boxes"))
    assert result is not None and result.changes is not None
    files = {Path(uri).parts[-2:] for uri in result.changes}
    assert {("story", "battery.yaml"), ("en", "battery.yaml"), ("es", "battery.yaml")} <= files
    # Apply the edit to the three files and check: nothing is left pointing at the old id.
    for uri, edits in result.changes.items():
        path = Path(uri.removeprefix("file://"))
        lines = path.read_text(encoding="utf-8").split("\n")
        for e in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
            row = lines[e.range.start.line]
            assert row[e.range.start.character:e.range.end.character] == "bat_rounds"
            lines[e.range.start.line] = row[:e.range.start.character] + e.new_text + row[e.range.end.character:]
        path.write_text("\n".join(lines), encoding="utf-8")
    from adventure.files.loader import load_story
    from adventure.tools.check import collect

    root = where(client, "")
    result2 = load_story(root / "story", root / "locales")
    assert [d.format() for d in collect(result2, root / "locales")] == []
    assert "bat_boxes" in result2.story.scenes and "bat_rounds" not in result2.story.scenes  # type: ignore[union-attr]


def _without_title(path: Path, scene: str) -> str:
    """The locale file with the title of ``scene`` removed (whatever its wording today)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    at = lines.index(f"  {scene}:")
    title = next(i for i in range(at + 1, len(lines)) if lines[i].startswith("    title:"))
    assert title, scene
    return "\n".join(lines[:title] + lines[title + 1:])


@pytest.mark.asyncio
async def test_a_misspelt_speaker_and_a_missing_translation_stub(client: LanguageClient) -> None:
    en = where(client, "locales/en/battery.yaml")
    await open_doc(client, en)
    diags = await edit(client, en, "@battery_sergeant:", "@battery_sargent:")
    (d,) = [d for d in diags if d.code == "E219"]
    assert "did you mean 'battery_sergeant'" in d.message
    actions = await client.text_document_code_action_async(t.CodeActionParams(
        text_document=t.TextDocumentIdentifier(en.as_uri()), range=d.range, context=t.CodeActionContext(diagnostics=[d])))
    (fix,) = [a for a in actions or [] if isinstance(a, t.CodeAction)]
    (text_edit,) = fix.edit.changes[en.as_uri()]  # type: ignore[union-attr,index]
    edited = en.read_text(encoding="utf-8").replace("@battery_sergeant:", "@battery_sargent:", 1).split("\n")
    row = edited[text_edit.range.start.line]
    assert row[text_edit.range.start.character:text_edit.range.end.character] == "battery_sargent"
    assert text_edit.new_text == "battery_sergeant"
    es = where(client, "locales/es/battery.yaml")
    await open_doc(client, es)
    bat = where(client, "story/battery.yaml")
    forget(client, bat.as_uri())
    client.text_document_did_change(t.DidChangeTextDocumentParams(
        text_document=t.VersionedTextDocumentIdentifier(uri=es.as_uri(), version=3),
        content_changes=[t.TextDocumentContentChangeWholeDocument(text=_without_title(es, "bat_rounds"))]))
    for _ in range(10):  # a whole-story pass from the earlier edit may publish first: wait for this one's
        story_diags = await diagnostics_of(client, bat.as_uri())
        if any(x.code == "E300" for x in story_diags):
            break
        forget(client, bat.as_uri())
    (missing,) = [x for x in story_diags if x.code == "E300"]
    assert "no es text for 'scenes.bat_rounds.title'" in missing.message
    actions = await client.text_document_code_action_async(t.CodeActionParams(
        text_document=t.TextDocumentIdentifier(bat.as_uri()), range=missing.range, context=t.CodeActionContext(diagnostics=[missing])))
    (stub,) = [a for a in actions or [] if isinstance(a, t.CodeAction) and "Add" in a.title]
    (whole,) = stub.edit.changes[es.as_uri()]  # type: ignore[union-attr,index]
    assert "scenes.bat_rounds.title" in stub.title and "title: TODO" in whole.new_text


def test_the_game_never_imports_the_language_server(tmp_path: Path) -> None:
    """pygls is an extra for writers: nothing on the way to (and through) a game imports it."""
    import subprocess

    code = ("import io, sys; from adventure.cli import main; "
            "main(['--plain', '--save-dir', sys.argv[1]], stdin=io.BytesIO(b'1\\n'), stdout=io.StringIO()); "
            "print(sorted(m for m in sys.modules if m.startswith(('pygls', 'lsprotocol', 'adventure.lsp'))))")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True,
                          cwd=ROOT, check=True, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stdout + done.stderr
