"""The Jinja2 environments the written pages share: HTML that autoescapes, Markdown that escapes.

The reading edition, the student's report (this layer) and the class page
(:mod:`adventure.classpage`) are Jinja2 templates shipped as package data in a ``templates/``
folder beside their module. :func:`environment` gives the one way to render them:

* ``"html"``: autoescape on, so every ``{{ }}`` is HTML-escaped (quotes too); a text from the
  story or a student is text, never markup, and loses its control characters first (the
  environment's ``finalize`` is :func:`adventure.text.markup.html_text`, which does both).
* ``"md"``: every ``{{ }}`` goes through :func:`md` (the environment's ``finalize``), the one
  Markdown escape of these pages, unless the value is ``Markup`` (a piece already written as
  Markdown, such as a link whose label was escaped); its filter ``anchor`` writes an id for a
  link (:func:`anchor`).

Both use ``StrictUndefined`` (a misspelt name fails, rather than printing nothing) and keep the
template's trailing newline. Jinja2 is imported when a page is first rendered, never on the
way to the first scene::

    html = environment(Path(__file__).parent / "templates", "html").get_template("x.html.j2").render(...)
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from adventure.text.markup import html_text, md_text

if TYPE_CHECKING:
    import jinja2

_NOT_AN_ID = re.compile(r"[^A-Za-z0-9_-]")


def md(text: str) -> str:
    """A whole value as Markdown inline text without control characters (adventure.text.markup),
    trimmed: a space just inside ``*...*`` would stop the emphasis.

    >>> md(" *not emphasis* ")
    '\\\\*not emphasis\\\\*'
    """
    return md_text(text, trim=True)


def anchor(ident: object) -> Any:
    """An id for a Markdown link or an ``<a id>``, as written (ids are letters, digits and
    underscores; anything else is dropped), marked as already Markdown."""
    from markupsafe import Markup

    return Markup(_NOT_AN_ID.sub("", str(ident)))


def _html_finalize(value: Any) -> Any:
    """None prints as nothing; a plain string loses its control characters and is escaped here
    (as Markup, so autoescape does not escape it twice); Markup is already HTML."""
    from markupsafe import Markup

    if value is None:
        return ""
    if isinstance(value, str) and not hasattr(value, "__html__"):
        return Markup(html_text(value))
    return value


def _md_finalize(value: Any) -> Any:
    from markupsafe import Markup

    if isinstance(value, Markup):
        return str(value)
    if value is None:
        return ""
    return md(str(value))


@functools.lru_cache(maxsize=8)
def environment(folder: Path, kind: str) -> jinja2.Environment:
    """The environment for the templates in ``folder``: ``kind`` is ``"html"`` or ``"md"``
    (see the module docstring). Made once per folder and kind."""
    import jinja2

    loader = jinja2.FileSystemLoader(str(folder))
    if kind == "html":
        env = jinja2.Environment(loader=loader, autoescape=True, finalize=_html_finalize,
                                 undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    else:
        env = jinja2.Environment(loader=loader, autoescape=False, finalize=_md_finalize,
                                 undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
        env.filters["anchor"] = anchor
    return env
