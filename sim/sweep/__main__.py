"""`python -m sim.sweep sweep EXPERIMENT ...`: the sweep command without the main CLI."""

import sys

from sim.sweep.cli import main

sys.exit(main())
