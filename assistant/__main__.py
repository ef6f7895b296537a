"""`python -m assistant` runs the `case-review` command."""

import sys

from assistant.cli import main

sys.exit(main())
