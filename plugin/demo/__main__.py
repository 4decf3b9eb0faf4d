"""``python -m plugin.demo``: see :mod:`plugin.demo.run`."""

import sys

from plugin.demo.run import main

sys.exit(main())
