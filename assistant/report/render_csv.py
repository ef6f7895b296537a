"""The report as CSV: a header row, then one row per criterion, for spreadsheets.

Reasons go in one cell ("reason_id=count; ...") because each criterion has its own reasons.
Cells that a spreadsheet would read as a formula (starting = + - @) are prefixed with an
apostrophe; counts and percentages are plain numbers.
"""

from __future__ import annotations

import csv
import io

from assistant.report.figures import Report

__all__ = ["COLUMNS", "render_csv"]

COLUMNS = (
    "section",
    "criterion",
    "title",
    "sufficient",
    "insufficient",
    "partly",
    "relevant",
    "not_applicable",
    "percent",
    "band",
    "proportion",
    "count_words",
    "reasons",
    "top_reason",
    "insufficient_without_reason",
    "disagreements",
    "agreement_pairs",
    "agreement_percent",
    "agreement_kappa",
    "quotable_notes",
)


def _cell(text: str) -> str:
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def render_csv(report: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for c in report.criteria:
        top = c.top_reasons()
        writer.writerow(
            [
                _cell(c.section),
                _cell(c.id),
                _cell(c.title),
                c.sufficient,
                c.insufficient,
                c.partly,
                c.relevant,
                c.not_applicable,
                "" if c.percent is None else f"{c.percent:.1f}",
                _cell(c.band.label) if c.band else "",
                c.proportion,
                c.count_words,
                "; ".join(f"{r.id}={r.count}" for r in c.reasons if r.count),
                "; ".join(r.id for r in top),
                c.no_reason,
                c.disagreements,
                c.agreement.n if c.agreement else "",
                f"{c.agreement.percent:.1f}" if c.agreement else "",
                "" if c.agreement is None or c.agreement.kappa is None else c.agreement.kappa,
                len(c.quotes),
            ]
        )
    return out.getvalue()
