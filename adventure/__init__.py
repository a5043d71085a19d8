"""Hengyang 1944: an interactive-fiction engine for the terminal.

The package is split into small modules around one pure core::

    yamlread   -> located, hardened YAML reading (no aliases, tags or duplicate keys)
    loader     -> story + locale files to an immutable Story and a Catalog, with diagnostics
    engine     -> State and the pure step function
    render     -> a View of the state, resolved to styled paragraphs in a language
    session    -> the command interpreter (no I/O)
    shell_*    -> the terminal (prompt_toolkit) and plain (pipe / screen reader) front ends
    saves      -> JSON saves, written atomically

Importing the package has no side effects.
"""

from __future__ import annotations

__version__ = "0.1.0"
ENGINE_VERSION = __version__
