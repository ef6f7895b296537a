"""Pieces of wording and drawing every renderer shares: the scope line and text bars.

Strings returned here may contain user text (team names); each renderer escapes them for
its own format.
"""

from __future__ import annotations

from assistant.report.agreement import Agreement
from assistant.report.figures import CriterionFigures, Report

__all__ = [
    "BAND_COLOURS",
    "band_colour",
    "bar_cells",
    "countersign_lines",
    "finding_with_percent",
    "heading_lines",
    "reasons_heading",
    "scope_line",
]

# Colours by band position, top band first; a framework with more bands reuses the last.
BAND_COLOURS = ("#1a7f37", "#4d9a2a", "#c98a00", "#c2331f")
NO_BAND_COLOUR = "#8a8a8a"


def band_colour(rank: int | None, bands: int) -> str:
    """A colour for a band position, spread so the bottom band is always red."""
    if rank is None:
        return NO_BAND_COLOUR
    if bands <= 1:
        return BAND_COLOURS[0]
    index = round(rank * (len(BAND_COLOURS) - 1) / (bands - 1))
    return BAND_COLOURS[index]


def bar_cells(percent: float | None, width: int) -> str:
    """A bar of ``width`` cells in block characters; empty cells as light shade."""
    if percent is None:
        return "·" * width
    eighths = round(percent / 100 * width * 8)
    full, part = divmod(eighths, 8)
    partial = " ▏▎▍▌▋▊▉"[part] if part else ""
    bar = "█" * full + partial
    return bar + "░" * (width - len(bar))


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def scope_line(report: Report) -> str:
    """What the report covers, in one sentence."""
    if report.reviews == 0:
        return "No complete reviews match: there are no figures to report yet."
    bits = [f"{_plural(report.reviews, 'complete review')} of {_plural(report.cases, 'case')}"]
    team = report.filters.team
    if team is not None:
        bits.append(f"team {team}")
    elif report.teams and report.teams != ("",):
        named = [t for t in report.teams if t]
        bits.append(f"{_plural(len(named), 'team')}" if len(named) > 3 else ", ".join(named))
    if report.first_completed and report.last_completed:
        if report.first_completed == report.last_completed:
            bits.append(f"completed on {report.first_completed.isoformat()}")
        else:
            bits.append(
                f"completed {report.first_completed.isoformat()} to "
                f"{report.last_completed.isoformat()}"
            )
    return "; ".join(bits) + "."


def heading_lines(report: Report) -> list[str]:
    """Framework, filters and date of the report."""
    f = report.filters
    lines = [
        f"Framework: {report.framework_id} version {report.framework_version}",
    ]
    asked = []
    if f.team is not None:
        asked.append(f"team {f.team}")
    if f.since:
        asked.append(f"completed on or after {f.since.isoformat()}")
    if f.until:
        asked.append(f"completed on or before {f.until.isoformat()}")
    if asked:
        lines.append("Filters: " + ", ".join(asked))
    lines.append(f"Generated: {report.generated_at.strftime('%Y-%m-%d %H:%M %Z').strip()}")
    return lines


def finding_with_percent(c: CriterionFigures) -> str:
    """The finding sentence with its percentage: "... sufficient: 5 of 12 (42%)."."""
    if not c.relevant:
        return c.finding
    partly = f"; {c.partly} of the insufficient judged partly" if c.partly else ""
    return f"{c.finding.rstrip('.')} ({c.percent_text}{partly})."


def reasons_heading(c: CriterionFigures) -> str:
    if c.insufficient == 1:
        return "Reasons given in the one insufficient case"
    return f"Reasons given among the {c.insufficient} insufficient cases"


def agreement_text(a: Agreement) -> str:
    """ "agreed in 18 of 24 (75%); Cohen's kappa 0.46" (kappa "not defined" when chance
    agreement is certain)."""
    kappa = f"{a.kappa:.2f}" if a.kappa is not None else "not defined (no variation)"
    return f"agreed in {a.agreed} of {a.n} ({a.percent:g}%); Cohen's kappa {kappa}"


def agreement_lines(report: Report) -> list[str]:
    """The report's agreement paragraph: overall, then each criterion, the lowest first."""
    if report.agreement is None:
        return []
    lines = [
        "In the joint reviews the case manager "
        + agreement_text(report.agreement)
        + " (pairs where both judged sufficient or insufficient)."
    ]
    for c in report.lowest_agreement():
        assert c.agreement is not None
        lines.append(f"{c.title} ({c.id}): {agreement_text(c.agreement)}")
    return lines


def _days(value: float) -> str:
    return f"{value:g} day{'' if value == 1 else 's'}"


def countersign_lines(report: Report) -> list[str]:
    """Management oversight: how long countersigning took, against the local limit."""
    c = report.countersigning
    if c is None:
        return []
    limit = (
        f"the local limit of {_days(c.limit_days)}"
        + (" (local policy: confirm it)" if c.local_policy else "")
        if c.limit_days is not None
        else "no local limit set (framework setting review_countersign_days)"
    )
    lines = [
        f"{c.countersigned} of {_plural(c.reviews, 'complete review')} countersigned, against "
        f"{limit}."
    ]
    if c.countersigned:
        median = _days(c.median_days or 0.0)
        longest = _days(c.longest_days or 0.0)
        timing = f"Median delay from completion {median}, longest {longest}"
        if c.limit_days is not None:
            timing += f"; {c.within_limit} within the limit, {c.late} later"
        lines.append(timing + ".")
    if c.late_cases:
        shown = ", ".join(link.case_ref for link in c.late_cases[:12])
        more = "…" if len(c.late_cases) > 12 else ""
        lines.append(f"Countersigned late: {shown}{more}.")
    if c.awaiting:
        overdue = (
            f", {c.awaiting_overdue} of them past the limit" if c.limit_days is not None else ""
        )
        lines.append(f"{c.awaiting} await countersignature{overdue}.")
    return lines


def countersign_short(report: Report) -> str:
    """Countersigning in one short line (the dashboard): "3 of 14 countersigned (2 within
    the 10-day limit, median 4 days); 11 awaiting, 9 past the limit"."""
    c = report.countersigning
    if c is None:
        return ""
    text = f"{c.countersigned} of {c.reviews} countersigned"
    parts = []
    if c.limit_days is not None and c.countersigned:
        parts.append(f"{c.within_limit} within the {c.limit_days}-day limit")
    elif c.limit_days is not None:
        parts.append(f"limit {c.limit_days} days")
    if c.median_days is not None:
        parts.append(f"median {_days(c.median_days)}")
    text += f" ({', '.join(parts)})" if parts else ""
    if c.awaiting:
        text += f"; {c.awaiting} awaiting"
        if c.limit_days is not None:
            text += f", {c.awaiting_overdue} past the limit"
    return text
