"""`case-review audit verify [REF]`: show that nothing in the audit trail was edited or removed.

Checks every review's chain of event hashes and that its current answers are what replaying
its trail gives (``store.trail``), for the whole store or the reviews of one case (REF is a
case reference, or a review id).  Each problem is printed on a line of its own naming the
review, the log line and what is wrong, and the command exits 1; otherwise it prints one line
saying what was checked and exits 0.  Notes (events written before they carried hashes, an
interrupted save) are printed as ``note:`` lines and are not failures.
"""

from __future__ import annotations

import argparse
import sys

PROG = "case-review audit verify"


def run(args: argparse.Namespace) -> int:
    from store import StoreError, open_store

    ref = getattr(args, "ref", None)
    try:
        store = open_store(getattr(args, "store", None))
        verdict = store.verify(ref)
    except KeyError:
        print(f"{PROG}: no review of case {ref!r} (and no review with that id)", file=sys.stderr)
        return 1
    except StoreError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 1
    for note in verdict.notes:
        print(f"note: {note}")
    counts = f"{verdict.reviews} review(s), {verdict.events} event(s)"
    scope = f" of case {ref}" if ref else ""
    if verdict.ok:
        print(
            f"audit verify: OK{scope}: {counts}; every chain is intact and every review's "
            "answers are what its trail says"
        )
        return 0
    for problem in verdict.problems:
        print(f"BROKEN: {problem}")
    print(f"audit verify: {len(verdict.problems)} problem(s){scope} in {counts} checked")
    return 1
