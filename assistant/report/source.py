"""The report over a store: complete reviews read as rows, fast, then aggregated.

Used by ``case-review report`` (``cli.report_from_store``) and the app's dashboard.
"""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

from assistant.report.aggregate import build_report_from_rows
from assistant.report.figures import Report, ReportFilter
from assistant.report.rows import ROW_VERSION, row
from prompts.model import Framework

if TYPE_CHECKING:
    from store import ReviewStore
    from store.protocol import Derived

__all__ = ["CACHE_NAME", "report_over_store"]

CACHE_NAME = "report-rows"


def report_over_store(
    store: ReviewStore, framework: Framework, filters: ReportFilter
) -> tuple[Report, list[str]]:
    """The report over an open store's complete reviews, and the files that could not be read.

    Speed (SPEC §8: under one second for 5,000 reviews).  Validating every review file with
    pydantic is most of the cost of a report (about 0.3 s of 0.5 s for 5,000 reviews, more
    than reading the files or aggregating), so the report reads rows (``rows.row``: the few
    values it counts) through ``ReviewStore.derived``, which keeps each review's row in a cache
    beside the listing snapshot, keyed by the review file's identity, and loads (validates)
    only files saved since.  A row is only ever made from a review loaded exactly as
    ``ReviewStore.get`` loads it, so unreadable files are reported, never counted and never
    written, as before.  Measured alternatives (bench/report.py, RESULTS.md): reading and
    validating every file in one pass per file (TypeAdapter or model, strict or not) stays
    around 0.25-0.3 s; keeping the rows in the listing's own summaries would slow every
    home-screen listing; trimming imports saves little (the process start is about 0.2 s).

    The cyclic garbage collector is paused while thousands of small records are made: they
    make no garbage cycles, and its repeated passes over them cost about a third of the time.
    If a cached row turns out malformed (a damaged or edited cache), the rows are made again
    from the review files themselves and the cache is rewritten.
    """

    def rows_of(*, rebuild: bool = False) -> Derived:
        return store.derived(
            CACHE_NAME,
            ROW_VERSION,
            row,
            status="complete",
            team=filters.team,
            framework=framework.id,
            rebuild=rebuild,
        )

    collecting = gc.isenabled()
    gc.disable()
    try:
        rows = rows_of()
        problems = rows.problems
        try:
            report = build_report_from_rows(framework, rows, filters, problems=problems)
        except (ValueError, TypeError, KeyError, AttributeError):
            rows = rows_of(rebuild=True)
            problems = rows.problems
            report = build_report_from_rows(framework, rows, filters, problems=problems)
    finally:
        if collecting:
            gc.enable()
    return report, problems
