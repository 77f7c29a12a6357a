#!/usr/bin/env python3
"""Build situation briefs from the dossiers under facts/ (see README.md).

This file only makes the package importable from a plain checkout and calls
its command line; all logic lives in src/briefing.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))

from briefing.cli import main

if __name__ == "__main__":
    sys.exit(main())
