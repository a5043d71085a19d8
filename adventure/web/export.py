"""Write the browser edition: one self-contained HTML page that plays the whole story.

The page holds the story's data bundle (:mod:`adventure.web.bundle`) as JSON in a
``<script type="application/json">`` element, and the hand-written runtime (``runtime.js``,
``store.js``, ``record.js``, and the page: ``page_common.js``, ``page_scene.js``, ``page_panels.js``, ``shell.js``) and style (``page.css``) inline. Its Content-Security-Policy allows
only that script and that style, by their SHA-256 hashes: nothing is loaded from anywhere,
so it plays from ``file://``, a USB stick or a learning platform::

    page = build_page(story, catalog, lang="es")
    Path("hengyang-1944-web.html").write_text(page, encoding="utf-8")
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from importlib import resources

from adventure import ENGINE_VERSION
from adventure.classroom.report import REPORT_CSS
from adventure.core import model as m
from adventure.web.bundle import build_bundle

#: The page's script, in order: the engine, saves and reports, the report record, then the page in four parts
#: (page_common.js says how they share their functions).
SCRIPTS = ("runtime.js", "store.js", "record.js", "page_common.js", "page_scene.js", "page_panels.js", "shell.js")
MAX_BYTES = 1_500_000  # the shipped story's page must stay under this (tests/test_web_browser.py)


def _asset(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def script_json(data: object) -> str:
    """JSON that is safe inside a ``<script>`` element: no ``<``, ``>`` or ``&`` at all, so
    no text from the story can close the element or open a comment.

    >>> script_json({"t": "</script><!--"})
    '{"t":"\\\\u003c/script\\\\u003e\\\\u003c!--"}'
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") \
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def build_page(story: m.Story, catalog: m.Catalog, *, lang: str, second: str | None = None,
               classroom: bool = False) -> str:
    """The whole page; ``lang`` (and ``second``, for bilingual reading) is how it opens."""
    bundle = build_bundle(story, catalog)
    bundle["start_lang"] = lang
    bundle["start_second"] = second
    bundle["classroom"] = classroom
    bundle["report_css"] = REPORT_CSS
    bundle["engine"] = ENGINE_VERSION
    script = "\n".join(_asset(name) for name in SCRIPTS)
    style = _asset("page.css")
    csp = (f"default-src 'none'; script-src {_hash(script)}; style-src {_hash(style)}; img-src 'none'; "
           "connect-src 'none'; font-src 'none'; media-src 'none'; object-src 'none'; frame-src 'none'; "
           "worker-src 'none'; manifest-src 'none'; form-action 'none'; base-uri 'none'")
    texts = bundle["text"][lang]
    values = {
        "LANG": html.escape(lang, quote=True), "CSP": html.escape(csp, quote=False).replace('"', "&quot;"),
        "TITLE": html.escape(texts["title"]), "SKIP": html.escape(texts["ui"].get("ui.web.skip_link", "")),
        "NOSCRIPT": html.escape(texts["ui"].get("ui.web.noscript", "")),
        "STYLE": style, "BUNDLE": script_json(bundle), "SCRIPT": script,
    }
    if "</script" in script.lower() or "</style" in style.lower():  # pragma: no cover - our own files
        raise ValueError("an asset closes its own element")
    return re.sub(r"@@([A-Z]+)@@", lambda mt: values[mt.group(1)], _asset("page.html"))
