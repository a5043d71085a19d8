"""The game in a browser: one self-contained HTML file that plays the whole story offline.

:mod:`adventure.web.bundle` compiles a loaded story and its catalog into a JSON data bundle
that needs no parsing in the browser (conditions as syntax trees, effects as data, text as
styled paragraphs with placeholder tokens); ``runtime.js`` is the engine's ``step`` in
JavaScript (tested against the Python engine step by step), ``store.js`` the saves and the
Markdown and HTML reports, ``record.js`` the report record the class page reads; the page around
them is ``page_common.js`` (shared state, texts, elements), ``page_scene.js`` (the scene, playing,
reflection questions), ``page_panels.js`` (notes, glossary, saves, report, settings) and
``shell.js`` (saves, title screen, start). :mod:`adventure.web.export` writes the page, every
script inlined in that order.
"""
