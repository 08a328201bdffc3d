"""``python -m servicemap``: the same entry as the ``servicemap`` command."""

import sys

from servicemap.cli import main

sys.exit(main())
