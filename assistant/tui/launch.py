"""Entry points from the command line into the app (placeholder until the app lands)."""

from __future__ import annotations

import argparse
import sys


def run_home(args: argparse.Namespace) -> int:
    print(
        "Case Review Assistant: the terminal app is not built yet.\n"
        "Try `case-review frameworks` or `case-review --help`.",
        file=sys.stderr,
    )
    return 0


def run_review(args: argparse.Namespace) -> int:
    return run_home(args)
