"""The shape of the package, as rules a test can hold (see docs/architecture.md)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "adventure"


def _imports(path: Path) -> list[tuple[str, str, int]]:
    """(module, imported name, line) for every ``from X import name`` in a module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [(node.module or "", alias.name, node.lineno)
            for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
            for alias in node.names]


def test_no_module_reaches_into_another_module_s_private_names() -> None:
    """A name that begins with ``_`` is its module's own: another module that needs it gets a
    public name instead (explore used the condition parser's tokeniser, translation the loader's
    ``_optional``)."""
    found = [f"{path.relative_to(ROOT)}:{line} imports {name} from {module}"
             for path in sorted(PACKAGE.rglob("*.py"))
             for module, name, line in _imports(path)
             if name.startswith("_") and not name.startswith("__") and module != "__future__"]
    assert not found, found
