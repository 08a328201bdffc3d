"""``python -m servicemap``: the same entry as the ``servicemap`` command. Guarded, since the
simulation's spawned worker processes import the main module again (as ``__mp_main__``)."""

import sys

from servicemap.cli import main

if __name__ == "__main__":
    sys.exit(main())
