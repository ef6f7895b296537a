"""`case-review store copy FROM TO` and `case-review store check SPEC`.

FROM, TO and SPEC name stores as ``--store`` does: a folder, ``memory:``, or
``postgresql://...`` (libpq's URL; its environment, password file and service file work as
libpq reads them).  ``copy`` copies every review FROM holds that TO lacks, audit trails
included, and can be run again to finish an interrupted copy (``store.copy``); on a terminal it
shows a progress bar, otherwise a line of counts every ``EVERY`` reviews, then one line of
totals on stdout.  ``check`` says whether a copy from SPEC would go through: that the store can
be reached and used (a database's schema version), and each review that could not be copied
(an unreadable review or audit trail), without writing anything.

Errors (an unreachable server, a wrong password, a database of a newer schema version, a
folder that is not a store) are one line on stderr, never a traceback, and exit 1 with nothing
written; reviews that could not be copied are named one a line, the rest copied, and the
command exits 1.  Passwords are never printed: stores are named by their ``location``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

PROG = "case-review store"
EVERY = 1000  # reviews between two lines of counts when stderr is not a terminal


def _err(text: str) -> None:
    print(f"{PROG}: {text}", file=sys.stderr)


@contextmanager
def _progress(label: str) -> Iterator[Callable[[int, int], None]]:
    """A progress callback: a bar on a terminal, else a line of counts now and then."""
    if sys.stderr.isatty():
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

        with Progress(
            f"[bold]{label}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
        ) as bar:
            task = bar.add_task(label, total=None)

            def show(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            yield show
        return

    def count(done: int, total: int) -> None:
        if done % EVERY == 0 or done == total:
            print(f"{label}: {done:,} of {total:,} reviews", file=sys.stderr, flush=True)

    yield count


def run(args: argparse.Namespace) -> int:
    command = getattr(args, "store_command", None)
    if command == "copy":
        return run_copy(args)
    if command == "check":
        return run_check(args)
    _err("say what to do: copy FROM TO, or check SPEC")
    return 1


def run_copy(args: argparse.Namespace) -> int:
    from store import StoreError, open_store
    from store.copy import copy, inspect

    try:
        source, _notes = inspect(args.source)  # (FROM is never made or migrated)
        if source is None:
            _err(f"{args.source}: no store there to copy from (see: case-review store check)")
            return 1
        target = open_store(args.target)
        with _progress("copying") as progress:
            done = copy(source, target, progress)
    except StoreError as exc:
        _err(str(exc))
        return 1
    for problem in done.problems:
        print(problem, file=sys.stderr)
    line = (
        f"copied {done.copied:,}, already present {done.present:,} "
        f"(from {source.location} to {target.location})"
    )
    if done.learning:
        line += f", learning-mode skipped {done.learning:,} (never stored)"
    if done.not_copied:
        line += f", not copied {done.not_copied:,} (named above)"
    print(line)
    return 1 if done.not_copied else 0


def run_check(args: argparse.Namespace) -> int:
    from store import StoreError
    from store.copy import inspect, plan

    try:
        store, notes = inspect(args.spec)
        for note in notes:
            print(note)
        if store is None:
            return 0
        with _progress("checking") as progress:
            found = plan(store, progress)
    except StoreError as exc:
        _err(str(exc))
        return 1
    for problem in found.problems:
        print(problem)
    if found.not_copied:
        print(
            f"{store.location}: {found.not_copied:,} of {found.total:,} reviews could not be "
            "copied (named above); the rest could"
        )
        return 1
    learning = f"; {found.learning:,} learning-mode (never copied)" if found.learning else ""
    print(
        f"{store.location}: {found.copied:,} reviews, every one readable with its audit trail: "
        f"nothing would stop a copy{learning}"
    )
    return 0
