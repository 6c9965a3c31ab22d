"""`python -m sim ...` is the `powerstruggle` command."""

import sys

from sim.cli.commands import main

sys.exit(main())
