"""``python -m livingreview_bench``: see :mod:`livingreview_bench.benchmark`."""

import sys

from .benchmark import main

sys.exit(main())
