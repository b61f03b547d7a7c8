"""`python -m cybernorms`: the same command line as `cybernorms`."""

import sys

from .cli import main

sys.exit(main())
