"""Entry points from the command line into the app: `case-review` and `case-review review REF`."""

from __future__ import annotations

import argparse
import gc
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from prompts.model import Framework
    from store import Actor, ReviewStore


def _prepare(args: argparse.Namespace) -> tuple[ReviewStore, Framework, Actor] | None:
    # Start-up allocates hundreds of thousands of objects that live as long as the app; the
    # collector's passes over them cost about 30 ms before the first frame.  The app turns the
    # collector back on once that frame is painted, with those objects frozen out of it.
    gc.disable()
    from assistant.cli_framework import framework_from_args
    from store import Actor, StoreError, open_store

    fw = framework_from_args(args)
    if fw is None:
        return None
    try:
        store = open_store(args.store)
    except StoreError as exc:
        print(f"case-review: {exc}", file=sys.stderr)
        return None
    return store, fw, Actor(args.reviewer or "", args.role or "case_manager")


def run_home(args: argparse.Namespace) -> int:
    prepared = _prepare(args)
    if prepared is None:
        return 1
    # The home screen's first page is listed while the app is imported and started.
    from assistant.tui.home_page import prefetch

    page = prefetch(prepared[0])
    from assistant.tui.app import CaseReviewApp

    CaseReviewApp(*prepared, first_page=page).run()
    return 0


def run_review(args: argparse.Namespace) -> int:
    from assistant.cli_framework import refuse_bad_review_args
    from store.records import normalise_case_ref

    if refuse_bad_review_args(args):
        return 2
    prepared = _prepare(args)
    if prepared is None:
        return 1
    from assistant.tui.app import CaseReviewApp

    case_manager = getattr(args, "case_manager", None)
    CaseReviewApp(
        *prepared,
        open_case=normalise_case_ref(args.case_ref),
        mode=args.mode or ("joint" if case_manager else None),
        team=args.team,
        new=args.new,
        case_manager=case_manager,
    ).run()
    return 0
