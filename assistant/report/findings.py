"""Choosing what a report calls out, from the figures alone, by rules stated in its notes.

- **Key strength**: a criterion in the top rating band with at least ``min_cases`` relevant
  cases (default 3), best first.
- **Area requiring improvement**: a criterion in the bottom rating band with at least
  ``min_cases`` relevant cases, weakest first, named with its most frequent reason(s).
- **Recurring deficit**: a reason id given under more than one criterion, counted across
  them (e.g. ``not_after_change`` for three different reviews), most frequent first.

Figures on fewer cases are still shown, just not called out: one case in two is not a finding.
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant.report.figures import CriterionFigures, Finding, RecurringReason
from assistant.report.phrasing import count_words, proportion_words
from prompts.model import Band, Rating

__all__ = [
    "MIN_CASES",
    "areas",
    "lower_first",
    "recurring",
    "rule_note",
    "section_summary",
    "strengths",
]

MIN_CASES = 3
MAX_RECURRING = 6


def lower_first(label: str) -> str:
    """'Factors not in plan' -> 'factors not in plan'; 'MAPPA ...' keeps its capitals."""
    if len(label) > 1 and label[1].isupper():
        return label
    return label[:1].lower() + label[1:]


def _reason_clause(c: CriterionFigures) -> str:
    top = c.top_reasons()
    if not top:
        return ""
    labels = [lower_first(r.label) for r in top]
    names = labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]
    of = f"{top[0].count} of the {c.insufficient} insufficient"
    if len(top) == 1:
        return f" Most often: {names} ({of})."
    return f" Most often: {names} ({of} each)."


def _short(c: CriterionFigures) -> str:
    return f"{c.title}: {c.proportion} ({c.sufficient} of {c.relevant})"


def strengths(
    criteria: Sequence[CriterionFigures], rating: Rating, min_cases: int = MIN_CASES
) -> tuple[Finding, ...]:
    if len(rating.bands) < 2:
        return ()
    chosen = [c for c in criteria if c.band_rank == 0 and c.relevant >= min_cases]
    chosen.sort(key=lambda c: (-(c.percent or 0), -c.relevant))
    return tuple(
        Finding(c.id, c.section, c.title, f"{c.title}. {c.finding}", _short(c)) for c in chosen
    )


def areas(
    criteria: Sequence[CriterionFigures], rating: Rating, min_cases: int = MIN_CASES
) -> tuple[Finding, ...]:
    if len(rating.bands) < 2:
        return ()
    bottom = len(rating.bands) - 1
    chosen = [c for c in criteria if c.band_rank == bottom and c.relevant >= min_cases]
    chosen.sort(key=lambda c: (c.percent or 0, -c.relevant))
    return tuple(
        Finding(c.id, c.section, c.title, f"{c.title}. {c.finding}{_reason_clause(c)}", _short(c))
        for c in chosen
    )


def section_summary(
    criteria: Sequence[CriterionFigures],
    sufficient: int,
    relevant: int,
    percent_text: str,
    band: Band | None,
    min_cases: int = MIN_CASES,
) -> str:
    """One or two sentences on a section: the overall figure, then strongest and weakest."""
    if relevant == 0:
        return "No criterion in this section had a relevant case."
    band_words = f", {lower_first(band.label)}" if band else ""
    across = (
        "In its one criterion" if len(criteria) == 1 else f"Across its {len(criteria)} criteria"
    )
    if relevant == 1:
        verdict = "was sufficient" if sufficient else "was not sufficient"
        first = f"{across}, the one relevant judgement {verdict} ({percent_text}{band_words})."
    elif sufficient == relevant:
        first = (
            f"{across}, all {relevant} relevant judgements were sufficient "
            f"({percent_text}{band_words})."
        )
    elif sufficient == 0:
        first = (
            f"{across}, none of the {relevant} relevant judgements was sufficient "
            f"({percent_text}{band_words})."
        )
    else:
        words = proportion_words(sufficient, relevant)
        first = (
            f"{across}, {words} of the {relevant} relevant judgements were sufficient "
            f"({sufficient}, {percent_text}{band_words})."
        )
    judged = [c for c in criteria if c.relevant >= min_cases] or [c for c in criteria if c.relevant]
    if len(judged) < 2:
        return first
    best = max(judged, key=lambda c: (c.percent or 0, c.relevant))
    worst = min(judged, key=lambda c: (c.percent or 0, -c.relevant))
    if best.percent == worst.percent:
        return f"{first} Every criterion with relevant cases stood at {best.percent_text}."
    second = (
        f" Strongest: {lower_first(best.title)} ({best.proportion}, "
        f"{count_words(best.sufficient, best.relevant)})."
        f" Weakest: {lower_first(worst.title)} ({worst.proportion}, "
        f"{count_words(worst.sufficient, worst.relevant)}).{_reason_clause(worst)}"
    )
    return first + second


def recurring(criteria: Sequence[CriterionFigures]) -> tuple[RecurringReason, ...]:
    """Reasons given under more than one criterion, with their total count."""
    totals: dict[str, int] = {}
    labels: dict[str, set[str]] = {}
    where: dict[str, list[str]] = {}
    for c in criteria:
        for r in c.reasons:
            if r.count:
                totals[r.id] = totals.get(r.id, 0) + r.count
                labels.setdefault(r.id, set()).add(r.label)
                where.setdefault(r.id, []).append(c.id)

    def label(rid: str) -> str:
        # Criteria may word the same reason id differently ("No plan", "No assessment"):
        # then only the id itself is common to them.
        names = labels[rid]
        return next(iter(names)) if len(names) == 1 else rid.replace("_", " ").capitalize()

    found = [
        RecurringReason(rid, label(rid), totals[rid], tuple(where[rid]))
        for rid in totals
        if len(where[rid]) > 1
    ]
    found.sort(key=lambda r: (-r.count, r.id))
    return tuple(found[:MAX_RECURRING])


def rule_note(rating: Rating, min_cases: int = MIN_CASES) -> str:
    top, bottom = rating.bands[0], rating.bands[-1]
    return (
        f"Key strengths are criteria rated {top.label} (the top band) with at least "
        f"{min_cases} relevant cases; areas requiring improvement are criteria rated "
        f"{bottom.label} (the bottom band) with at least {min_cases} relevant cases, named with "
        "their most frequent reason. Figures on fewer cases are shown but not called out. "
        "Recurring deficits are reasons given under more than one criterion, counted across them."
    )
