"""The report as CSV: a header row, one row per criterion, then one row of the figures over
every criterion (``criterion`` = ``(all)``: the overall agreement in joint reviews, and the
countersigning figures, which belong to whole reviews and are left empty on criterion rows),
for spreadsheets.

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
    "countersigned",
    "countersigned_late",
    "awaiting_countersignature",
    "awaiting_past_limit",
    "countersign_median_days",
    "countersign_limit_days",
)
OVERALL = "(all)"


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
                *([""] * 6),
            ]
        )
    writer.writerow(_overall(report))
    return out.getvalue()


def _overall(report: Report) -> list[object]:
    """The row over every criterion: totals, the overall agreement, countersigning."""
    crit = report.criteria
    sufficient = sum(c.sufficient for c in crit)
    relevant = sum(c.relevant for c in crit)
    a = report.agreement
    s = report.countersigning
    return [
        "",
        OVERALL,
        "All criteria",
        sufficient,
        relevant - sufficient,
        sum(c.partly for c in crit),
        relevant,
        sum(c.not_applicable for c in crit),
        f"{100 * sufficient / relevant:.1f}" if relevant else "",
        "",
        "",
        "",
        "",
        "",
        sum(c.no_reason for c in crit),
        report.disagreements,
        a.n if a else "",
        f"{a.percent:.1f}" if a else "",
        "" if a is None or a.kappa is None else a.kappa,
        sum(len(c.quotes) for c in crit),
        s.countersigned if s else "",
        s.late if s else "",
        s.awaiting if s else "",
        s.awaiting_overdue if s else "",
        "" if s is None or s.median_days is None else s.median_days,
        "" if s is None or s.limit_days is None else s.limit_days,
    ]
