"""Print ``name==version`` for the lower bound of every dependency in pyproject.toml (runtime and
the ``test`` extra), as a pip constraints file: ``.ci/run`` installs exactly these on the oldest
Python, so the lowest versions the ranges allow are the ones tested there.

    python .ci/lower_bounds.py > lowest.txt
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    tomllib = None


def requirements(pyproject: Path) -> list[str]:
    text = pyproject.read_text(encoding="utf-8")
    if tomllib is not None:
        project = tomllib.loads(text)["project"]
        return [*project["dependencies"], *project["optional-dependencies"]["test"]]
    block = re.findall(r'^(?:dependencies|test) = \[(.*?)^\]', text, re.S | re.M)
    return re.findall(r'^\s*"([^"]+)"', "\n".join(block), re.M)


def main() -> int:
    pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
    for req in requirements(pyproject):
        spec = req.split(";")[0]
        mt = re.match(r"\s*([A-Za-z0-9_.\-]+)\s*(?:\[.*?\])?\s*(.*)", spec)
        assert mt, req
        lower = re.search(r">=\s*([^,\s]+)", mt[2])
        if lower is None:
            sys.stderr.write(f"{req}: no lower bound\n")
            return 1
        sys.stdout.write(f"{mt[1]}=={lower[1]}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
