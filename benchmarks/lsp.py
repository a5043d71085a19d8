"""The ``lsp`` figure: an edit sent to the real language server process until the edited
file's diagnostics are published (the median of repeated edits), as an editor sees it.

Each edit makes a choice lead to a scene that does not exist, or back; after each, the
benchmark waits for the whole-story pass the server runs when typing pauses, so every edit is
measured the same way (a writer typing, then pausing).
"""

from __future__ import annotations

import asyncio
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def measure_lsp(story: Path, locales: Path, reps: int) -> list[float]:
    """Seconds from each change sent to the edited file's diagnostics received."""
    return asyncio.run(_measure(story, locales, reps))


async def _measure(story: Path, locales: Path, reps: int) -> list[float]:
    from lsprotocol import types as t
    from pytest_lsp.client import make_test_lsp_client

    files = sorted(p for p in story.glob("*.yaml") if p.name != "story.yaml")
    target = files[len(files) // 2]
    text = target.read_text(encoding="utf-8")
    found = re.search(r"^(\s+(?:to|\w+): )([a-z]\w*)$", text, re.M)
    assert found is not None, f"no choice target in {target}"
    wrong = text[:found.start(2)] + found.group(2) + "x" + text[found.end(2):]
    uri = target.resolve().as_uri()
    client = make_test_lsp_client()
    await client.start_io(sys.executable, str(ROOT / "play.py"), "lsp", "--story", str(story),
                          "--locales", str(locales))

    async def published() -> list[t.Diagnostic]:
        while uri not in client.diagnostics:
            await client.wait_for_notification(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        return list(client.diagnostics.pop(uri))

    try:
        await client.initialize_session(t.InitializeParams(capabilities=t.ClientCapabilities(),
                                                           root_uri=story.parent.resolve().as_uri()))
        client.diagnostics.pop(uri, None)
        client.text_document_did_open(t.DidOpenTextDocumentParams(
            text_document=t.TextDocumentItem(uri=uri, language_id="yaml", version=1, text=text)))
        await published()
        times: list[float] = []
        for i in range(reps):
            client.diagnostics.pop(uri, None)
            body = wrong if i % 2 == 0 else text
            start = time.perf_counter()
            client.text_document_did_change(t.DidChangeTextDocumentParams(
                text_document=t.VersionedTextDocumentIdentifier(uri=uri, version=i + 2),
                content_changes=[t.TextDocumentContentChangeWholeDocument(text=body)]))
            diags = await published()
            times.append(time.perf_counter() - start)
            assert any(d.code == "E205" for d in diags) == (i % 2 == 0), diags
            await published()  # the whole-story pass after the pause
        return times
    finally:
        await client.shutdown_session()
