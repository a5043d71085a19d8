"""``python -m adventure``: the same as ``python play.py``."""

from __future__ import annotations

import sys

from adventure.cli import main

if __name__ == "__main__":
    sys.exit(main())
