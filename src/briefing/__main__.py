"""`python -m briefing` runs the same command line as `build.py`."""

import sys

from briefing.cli import main

sys.exit(main())
