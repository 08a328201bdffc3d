"""Thin entry point: ``python main.py [MAP]`` runs the same as the ``servicemap`` command."""

import sys

from servicemap.cli import main

if __name__ == "__main__":
    sys.exit(main())
