"""`python -m companion.cli`: the same as `plg-companion`."""

import sys

from companion.cli import main

sys.exit(main())
