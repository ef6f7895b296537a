"""The inspection-style report across complete reviews (SPEC §7).

``build_report`` (pure, in ``aggregate``) turns a framework and reviews into ``Report``
figures; one renderer per format turns those into text.  The app's dashboard reads the same
``Report`` values: every figure keeps the reviews behind it.
"""

from __future__ import annotations

from collections.abc import Callable

from assistant.report.aggregate import build_report, review_date
from assistant.report.figures import (
    CaseLink,
    CriterionFigures,
    Finding,
    Quote,
    ReasonFigure,
    RecurringReason,
    Report,
    ReportFilter,
    SectionFigures,
)

__all__ = [
    "FORMATS",
    "CaseLink",
    "CriterionFigures",
    "Finding",
    "Quote",
    "ReasonFigure",
    "RecurringReason",
    "Report",
    "ReportFilter",
    "SectionFigures",
    "build_report",
    "render",
    "review_date",
]

FORMATS = ("text", "md", "html", "json", "csv")


def _renderer(fmt: str) -> Callable[..., str]:
    fn: Callable[..., str]
    if fmt == "text":
        from assistant.report.render_text import render_text as fn
    elif fmt == "md":
        from assistant.report.render_md import render_md as fn
    elif fmt == "html":
        from assistant.report.render_html import render_html as fn
    elif fmt == "json":
        from assistant.report.render_json import render_json as fn
    elif fmt == "csv":
        from assistant.report.render_csv import render_csv as fn
    else:
        raise ValueError(f"unknown report format {fmt!r}; use one of {', '.join(FORMATS)}")
    return fn


def render(report: Report, fmt: str) -> str:
    """The report in one format, as a string (text without escape codes)."""
    return _renderer(fmt)(report)
