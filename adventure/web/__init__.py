"""The game in a browser: one self-contained HTML file that plays the whole story offline.

:mod:`adventure.web.bundle` compiles a loaded story and its catalog into a JSON data bundle
that needs no parsing in the browser (conditions as syntax trees, effects as data, text as
styled paragraphs with placeholder tokens); ``runtime.js`` is the engine's ``step`` in
JavaScript (tested against the Python engine step by step), ``shell.js`` the page around it;
:mod:`adventure.web.export` writes the page.
"""
