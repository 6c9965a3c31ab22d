"""`python -m sim ...` is the `powerstruggle` command."""

import sys

from sim.cli import main

sys.exit(main())
