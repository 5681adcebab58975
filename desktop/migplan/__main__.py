"""``python -m migplan`` and the bundled executable."""

import sys

from migplan.cli import main

if __name__ == "__main__":
    sys.exit(main())
