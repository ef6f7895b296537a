"""The report as data: frozen values every renderer (and the app's dashboard) reads.

Built by ``assistant.report.aggregate.build_report``; nothing here does I/O or formatting
beyond the words computed at build time.  Each figure keeps the reviews behind it
(``CaseLink``), so a dashboard can open the cases behind any number with one key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from assistant.report.agreement import Agreement
from prompts.model import Band, Rating

__all__ = [
    "CaseLink",
    "Countersigning",
    "CriterionFigures",
    "Finding",
    "Quote",
    "ReasonFigure",
    "RecurringReason",
    "Report",
    "ReportFilter",
    "SectionFigures",
]


@dataclass(frozen=True, slots=True)
class ReportFilter:
    """Which complete reviews the report covers.

    ``team`` matches ignoring case; ``since`` and ``until`` are inclusive and compare the
    local date a review was completed (or, lacking that, last updated).  ``latest`` counts
    only the latest of the matching reviews of each case (a re-audit replaces the earlier
    review, so a case is not counted twice).
    """

    team: str | None = None
    since: date | None = None
    until: date | None = None
    latest: bool = False


@dataclass(frozen=True, slots=True)
class CaseLink:
    """One review behind a figure."""

    review_id: str
    case_ref: str
    team: str = ""
    mode: str = "self"


@dataclass(frozen=True, slots=True)
class ReasonFigure:
    """How often one reason was given among a criterion's insufficient judgements."""

    id: str
    label: str
    count: int
    cases: tuple[CaseLink, ...] = ()
    in_framework: bool = True


@dataclass(frozen=True, slots=True)
class Quote:
    """A note marked quotable, with the case it came from."""

    case_ref: str
    review_id: str
    outcome: str
    note: str


@dataclass(frozen=True, slots=True)
class CriterionFigures:
    """Everything the report says about one criterion."""

    id: str
    section: str
    title: str
    severity: str
    sufficient: int
    insufficient: int
    not_applicable: int
    percent: float | None
    percent_text: str
    proportion: str
    count_words: str
    finding: str
    band: Band | None
    band_rank: int | None  # 0 = the top band
    reasons: tuple[ReasonFigure, ...]
    no_reason: int  # insufficient judgements that gave no reason
    quotes: tuple[Quote, ...]
    views: int  # joint-review judgements with the case manager's view recorded
    disagreements: int  # ... of which the case manager did not agree
    partly: int = 0  # insufficient judgements given as "partly"
    agreement: Agreement | None = None  # joint reviews: inspector and case manager
    cases: Mapping[str, tuple[CaseLink, ...]] = field(default_factory=dict)

    @property
    def relevant(self) -> int:
        return self.sufficient + self.insufficient

    def reason_counts(self) -> dict[str, int]:
        return {r.id: r.count for r in self.reasons}

    def cases_for(self, what: str) -> tuple[CaseLink, ...]:
        """The reviews behind one figure: an outcome ("sufficient", "insufficient",
        "not_applicable"), "relevant" (both judged outcomes) or a reason id."""
        if what == "relevant":
            return self.cases.get("sufficient", ()) + self.cases.get("insufficient", ())
        if what in self.cases:
            return self.cases[what]
        return next((r.cases for r in self.reasons if r.id == what), ())

    def top_reasons(self) -> tuple[ReasonFigure, ...]:
        """The most frequent reason(s), ties included; empty when none was given."""
        best = max((r.count for r in self.reasons), default=0)
        return tuple(r for r in self.reasons if best and r.count == best)


@dataclass(frozen=True, slots=True)
class Finding:
    """A key strength or an area requiring improvement, chosen from the figures."""

    criterion: str
    section: str
    title: str
    text: str  # full: title, the finding sentence and, for areas, the most frequent reason
    short: str = ""  # for overviews: "Plan of work ...: less than one-quarter (3 of 14)"


@dataclass(frozen=True, slots=True)
class RecurringReason:
    """A deficit given under more than one criterion (e.g. not reviewed after a change)."""

    id: str
    label: str
    count: int
    criteria: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SectionFigures:
    id: str
    title: str
    question: str
    criteria: tuple[CriterionFigures, ...]
    sufficient: int
    relevant: int
    percent: float | None
    percent_text: str
    band: Band | None
    band_rank: int | None
    summary: str
    strengths: tuple[Finding, ...]
    areas: tuple[Finding, ...]


@dataclass(frozen=True, slots=True)
class Countersigning:
    """Management oversight of the reviews counted: how long countersigning took, against the
    framework's local limit (SPEC §10).  Delays are in days from completion to
    countersignature; a review still awaiting countersignature is overdue once older than the
    limit."""

    limit_days: int | None
    local_policy: bool
    reviews: int  # complete reviews counted
    countersigned: int
    within_limit: int
    late: int
    awaiting: int
    awaiting_overdue: int
    median_days: float | None
    longest_days: float | None
    late_cases: tuple[CaseLink, ...] = ()
    awaiting_cases: tuple[CaseLink, ...] = ()

    def as_json(self) -> dict[str, object]:
        return {
            "limit_days": self.limit_days,
            "local_policy": self.local_policy,
            "reviews": self.reviews,
            "countersigned": self.countersigned,
            "within_limit": self.within_limit,
            "late": self.late,
            "awaiting": self.awaiting,
            "awaiting_overdue": self.awaiting_overdue,
            "median_days": self.median_days,
            "longest_days": self.longest_days,
            "late_cases": [c.case_ref for c in self.late_cases],
        }


@dataclass(frozen=True, slots=True)
class Report:
    framework_id: str
    framework_title: str
    framework_version: str
    rating: Rating
    filters: ReportFilter
    generated_at: datetime
    reviews: int
    cases: int  # distinct case references
    teams: tuple[str, ...]
    first_completed: date | None
    last_completed: date | None
    left_out: Mapping[str, int]  # why reviews offered to the report were not counted
    sections: tuple[SectionFigures, ...]
    criteria: tuple[CriterionFigures, ...]
    strengths: tuple[Finding, ...]
    areas: tuple[Finding, ...]
    recurring: tuple[RecurringReason, ...]
    min_cases: int
    notes: tuple[str, ...]
    problems: tuple[str, ...] = ()
    agreement: Agreement | None = None  # over every criterion of the joint reviews
    countersigning: Countersigning | None = None  # None when no review is counted

    def lowest_agreement(self) -> tuple[CriterionFigures, ...]:
        """Criteria with agreement figures, the lowest agreement first (they show where
        practitioners read the standard differently from the inspector)."""
        judged = [(c, c.agreement) for c in self.criteria if c.agreement is not None]
        judged.sort(key=lambda pair: (pair[1].percent, -pair[1].n))
        return tuple(c for c, _ in judged)

    def criterion(self, criterion_id: str) -> CriterionFigures | None:
        return next((c for c in self.criteria if c.id == criterion_id), None)

    def section(self, section_id: str) -> SectionFigures | None:
        return next((s for s in self.sections if s.id == section_id), None)

    @property
    def disagreements(self) -> int:
        return sum(c.disagreements for c in self.criteria)
