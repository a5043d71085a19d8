"""The class page written out: HTML or Markdown, from Jinja2 templates shipped in templates/.

The environments are the ones every written page uses (:mod:`adventure.classroom.templating`):
the HTML one autoescapes every ``{{ }}`` (control characters dropped first); the Markdown one
passes every ``{{ }}`` through :func:`adventure.classroom.templating.md` (its ``finalize``), so
in both a student's name or answer is text, never markup, without a template having to
remember a filter.

The charts are plain SVG written by the template (``class.html.j2``, macro ``chart``) rather
than made by a charting library: a horizontal bar chart is a handful of ``<rect>`` and
``<text>`` elements whose sizes are simple arithmetic, the page must work with no script
and no network, and a library (matplotlib, pygal...) would add megabytes and a second
escaping path for labels that come from students. Each chart carries a ``<title>`` and
``<desc>`` for screen readers and a table with the same figures as text::

    html = render_html(page, catalog)
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from markupsafe import Markup

from adventure.classpage.aggregate import Bar, Link, Page
from adventure.classroom.templating import environment, md
from adventure.core.model import Catalog
from adventure.text.catalog import Texts

TEMPLATES = Path(__file__).resolve().parent / "templates"


def _env(kind: str) -> Any:
    return environment(TEMPLATES, kind)


def _shown(out_dir: Path) -> Any:
    def shown(path: Path) -> str:
        try:
            return os.path.relpath(path, out_dir)
        except ValueError:
            return str(path)
    return shown


def _globals(page: Page, catalog: Catalog, out_dir: Path) -> dict[str, Any]:
    texts = Texts(catalog, page.lang)
    return {"page": page, "t": texts, "shown": _shown(out_dir)}


def render_html(page: Page, catalog: Catalog, *, out_dir: Path = Path(".")) -> str:
    return _env("html").get_template("class.html.j2").render(**_globals(page, catalog, out_dir))


def _bar(b: Bar) -> Markup:
    return Markup("█" * round(20 * b.n / b.total) if b.total else "")


def _mdlink(link: Link) -> Markup:
    # The href is a percent-encoded relative path (aggregate.report_link): no ')' or space.
    return Markup(f"[{md(link.label)}](<{link.href}>)")


def render_md(page: Page, catalog: Catalog, *, out_dir: Path = Path(".")) -> str:
    return _env("md").get_template("class.md.j2").render(bar=_bar, mdlink=_mdlink, **_globals(page, catalog, out_dir))
