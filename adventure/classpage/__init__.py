"""The class page: every student's report record in some folders, on one page for the teacher.

``python play.py class DIR...`` (:mod:`adventure.cli.classpage`) runs the parts in order::

    records   -> find and read the report records (JSON), refusing damaged or foreign ones
    aggregate -> one student per name (sittings merged), grouped by story version; the figures
    render    -> the page, HTML or Markdown, from Jinja2 templates (templates/)

Nothing here runs on the way to the game's first scene, and importing it has no side effects.
"""
