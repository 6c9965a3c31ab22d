"""`python -m sim.sweep sweep EXPERIMENT ...`: the sweep command without the main CLI."""

import sys

from sim.cli.sweep import main

sys.exit(main())
