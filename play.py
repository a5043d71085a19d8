#!/usr/bin/env python3
"""Hengyang 1944: start the game (``python play.py``) or a tool (``python play.py check``)."""

import sys

from adventure.cli import main

if __name__ == "__main__":
    sys.exit(main())
