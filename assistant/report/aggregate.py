"""Framework + reviews -> report figures.  Pure: no I/O, no rendering, no clock unless asked.

Reviews are counted as rows (``assistant.report.rows``): the few values the report reads,
in plain JSON data, so the store can keep them for the next report (``Store.derived``).

What counts (SPEC §7):
- only complete reviews of this framework, never learning-mode ones, within the filters;
- a judgement counts only where its criterion applies: a criterion whose gate
  (``applies_when``) evaluates to false on the review's facts is left out, whatever was
  recorded (an unknown gate does not exclude: the judgement was made);
- ``relevant`` = judged sufficient or insufficient; not applicable and unanswered are out;
- reasons are counted among insufficient judgements, each reason once per judgement.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from assistant.report import findings
from assistant.report.agreement import PairCounts, agreement
from assistant.report.figures import (
    CaseLink,
    Countersigning,
    CriterionFigures,
    Quote,
    ReasonFigure,
    Report,
    ReportFilter,
    SectionFigures,
)
from assistant.report.phrasing import (
    count_words,
    finding,
    percent,
    percent_text,
    proportion_words,
)
from assistant.report.rows import OUTCOMES, row, row_date
from prompts.conditions import evaluate, parse
from prompts.model import Band, Criterion, Framework, Rating
from store.records import Review

__all__ = ["build_report", "build_report_from_rows", "review_date"]

_WHY_LEFT_OUT = {
    "in_progress": "in progress",
    "learning": "learning-mode",
    "other_framework": "for another framework",
    "other_team": "from other teams",
    "outside_dates": "outside the dates asked for",
    "earlier_review": "earlier reviews of cases reviewed again since (latest only)",
}


def review_date(review: Review) -> date:
    """The date a review counts from: when it was completed (else last updated), local time."""
    when = review.completed_at or review.updated_at
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone().date()


class _Tally:
    """Mutable counts for one criterion while reviews stream past."""

    __slots__ = (
        "criterion",
        "disagreements",
        "insufficient",
        "na",
        "no_reason",
        "pairs",
        "partly",
        "quotes",
        "reasons",
        "sufficient",
        "views",
    )

    def __init__(self, criterion: Criterion) -> None:
        self.criterion = criterion
        self.sufficient: list[CaseLink] = []
        self.insufficient: list[CaseLink] = []
        self.na: list[CaseLink] = []
        self.reasons: dict[str, list[CaseLink]] = {r.id: [] for r in criterion.reasons}
        self.no_reason = 0
        self.partly = 0
        self.pairs = PairCounts()
        self.quotes: list[Quote] = []
        self.views = 0
        self.disagreements = 0


def _band(rating: Rating, k: int, n: int) -> tuple[Band | None, int | None]:
    if n == 0:
        return None, None
    band = rating.band_for(100 * k / n)
    return band, rating.bands.index(band)


def _figures(t: _Tally, rating: Rating, thresholds: tuple[float, ...]) -> CriterionFigures:
    c = t.criterion
    k, n = len(t.sufficient), len(t.sufficient) + len(t.insufficient)
    band, rank = _band(rating, k, n)
    reasons = tuple(
        ReasonFigure(
            id=rid,
            label=(r.label if (r := c.reason(rid)) else rid),
            count=len(links),
            cases=tuple(links),
            in_framework=r is not None,
        )
        for rid, links in t.reasons.items()
    )
    return CriterionFigures(
        id=c.id,
        section=c.section,
        title=c.title,
        severity=c.severity,
        sufficient=k,
        insufficient=n - k,
        not_applicable=len(t.na),
        percent=percent(k, n),
        percent_text=percent_text(k, n, thresholds),
        proportion=proportion_words(k, n),
        count_words=count_words(k, n),
        finding=finding(k, n),
        band=band,
        band_rank=rank,
        reasons=reasons,
        no_reason=t.no_reason,
        partly=t.partly,
        agreement=agreement(t.pairs),
        quotes=tuple(sorted(t.quotes, key=lambda q: (q.case_ref, q.review_id))),
        views=t.views,
        disagreements=t.disagreements,
        cases={
            "sufficient": tuple(t.sufficient),
            "insufficient": tuple(t.insufficient),
            "not_applicable": tuple(t.na),
        },
    )


def build_report(
    framework: Framework,
    reviews: Iterable[Review],
    filters: ReportFilter | None = None,
    *,
    min_cases: int = findings.MIN_CASES,
    generated_at: datetime | None = None,
    problems: Sequence[str] = (),
) -> Report:
    """Aggregate the reviews that count into the report's figures.

    ``reviews`` may hold anything the store returned: reviews that do not count (in
    progress, learning mode, other framework, other team, outside the dates) are counted in
    ``Report.left_out`` and otherwise ignored.  ``problems`` are store files that could not
    be read; the report names them in its notes.
    """
    return build_report_from_rows(
        framework,
        (row(review) for review in reviews),
        filters,
        min_cases=min_cases,
        generated_at=generated_at,
        problems=problems,
    )


def build_report_from_rows(
    framework: Framework,
    rows: Iterable[Sequence[Any]],
    filters: ReportFilter | None = None,
    *,
    min_cases: int = findings.MIN_CASES,
    generated_at: datetime | None = None,
    problems: Sequence[str] = (),
) -> Report:
    """``build_report`` over reviews already reduced to rows (``assistant.report.rows``).

    A malformed row (only a damaged or tampered cache could hold one) raises ``ValueError``,
    ``TypeError``, ``KeyError`` or ``AttributeError``; ``report_from_store`` then reports from
    the review files instead.
    """
    filters = filters or ReportFilter()
    # Teams match as the store matches them: ignoring case (and surrounding spaces).
    team_key = filters.team.strip().casefold() if filters.team is not None else None
    rating = framework.rating
    thresholds = tuple(b.min_percent for b in rating.bands if b.min_percent > 0)
    tallies = {c.id: _Tally(c) for c in framework.criteria}
    gates = {c.id: parse(c.applies_when) for c in framework.criteria if c.applies_when}
    left_out = dict.fromkeys(_WHY_LEFT_OUT, 0)
    counted = 0
    case_refs: dict[str, int] = {}
    teams: set[str] = set()
    first: date | None = None
    last: date | None = None
    unknown_criteria: set[str] = set()
    gated_out = 0
    days: dict[str, date] = {}
    generated = generated_at or datetime.now(UTC)
    kept: list[Sequence[Any]] = []

    for row_ in rows:
        _id, case_ref, framework_id, mode, team, status, when = row_[:7]
        if status != "complete":
            left_out["in_progress"] += 1
            continue
        if mode == "learning":
            left_out["learning"] += 1
            continue
        if framework_id != framework.id:
            left_out["other_framework"] += 1
            continue
        if team_key is not None and team.strip().casefold() != team_key:
            left_out["other_team"] += 1
            continue
        day = days.get(when)
        if day is None:
            day = days[when] = row_date(when)
        if (filters.since and day < filters.since) or (filters.until and day > filters.until):
            left_out["outside_dates"] += 1
            continue
        kept.append(row_)
    if filters.latest:
        kept, left_out["earlier_review"] = _latest(kept)
    signing = _SigningTally()

    for row_ in kept:
        review_id, case_ref, framework_id, mode, team, status, when, facts, judgements = row_[:9]
        oversight = row_[9] if len(row_) > 9 else {}
        day = days[when]
        counted += 1
        case_refs[case_ref] = case_refs.get(case_ref, 0) + 1
        teams.add(team)
        first = day if first is None or day < first else first
        last = day if last is None or day > last else last
        link = CaseLink(review_id, case_ref, team, mode)
        signing.add(link, when, oversight)
        gate_cache: dict[str, bool | None] = {}
        for cid, judgement in judgements.items():
            tally = tallies.get(cid)
            if tally is None:
                unknown_criteria.add(cid)
                continue
            gate = gates.get(cid)
            if gate is not None:
                key = tally.criterion.applies_when or ""
                if key not in gate_cache:
                    gate_cache[key] = evaluate(gate, facts)
                if gate_cache[key] is False:
                    gated_out += 1
                    continue
            if type(judgement) is str:
                letter, reasons, quote, agrees, pair = judgement, (), "", None, ""
            else:
                letter, reasons, quote, agrees, pair = judgement
            if letter == "s":
                tally.sufficient.append(link)
            elif letter == "i" or letter == "p":
                tally.insufficient.append(link)
                tally.partly += letter == "p"
                if reasons:
                    for rid in dict.fromkeys(reasons):
                        tally.reasons.setdefault(rid, []).append(link)
                else:
                    tally.no_reason += 1
            elif letter == "n":
                tally.na.append(link)
            else:
                raise ValueError(f"not an outcome: {letter!r}")
            if quote:
                tally.quotes.append(Quote(case_ref, review_id, OUTCOMES[letter], quote))
            if agrees is not None and letter != "n":
                tally.views += 1
                if not agrees:
                    tally.disagreements += 1
            if pair:
                tally.pairs.add(pair)

    criteria = tuple(_figures(tallies[c.id], rating, thresholds) for c in framework.criteria)
    overall = PairCounts()
    for tally in tallies.values():
        overall.merge(tally.pairs)
    sections = tuple(
        _section(framework, s.id, s.title, s.summary, criteria, rating, thresholds, min_cases)
        for s in framework.sections
    )
    notes = _notes(framework, min_cases, left_out, case_refs, unknown_criteria, gated_out, problems)
    return Report(
        framework_id=framework.id,
        framework_title=framework.title,
        framework_version=framework.version,
        rating=rating,
        filters=filters,
        generated_at=generated,
        reviews=counted,
        cases=len(case_refs),
        teams=tuple(sorted(teams)),
        first_completed=first,
        last_completed=last,
        left_out={k: v for k, v in left_out.items() if v},
        sections=sections,
        criteria=criteria,
        strengths=tuple(f for s in sections for f in s.strengths),
        areas=tuple(f for s in sections for f in s.areas),
        recurring=findings.recurring(criteria),
        min_cases=min_cases,
        notes=notes,
        problems=tuple(problems),
        agreement=agreement(overall),
        countersigning=signing.figures(framework, generated) if counted else None,
    )


def _latest(rows: list[Sequence[Any]]) -> tuple[list[Sequence[Any]], int]:
    """The latest review of each case (started last; then completed last), and how many
    earlier ones were left out."""
    best: dict[str, Sequence[Any]] = {}

    def order(r: Sequence[Any]) -> tuple[str, str, str]:
        extra = r[9] if len(r) > 9 and isinstance(r[9], dict) else {}
        return (str(extra.get("created") or ""), str(r[6]), str(r[0]))

    for r in rows:
        key = str(r[1]).strip().casefold()
        if key not in best or order(r) > order(best[key]):
            best[key] = r
    chosen = {id(r) for r in best.values()}
    return [r for r in rows if id(r) in chosen], len(rows) - len(best)


class _SigningTally:
    """Countersigning delays of the reviews counted."""

    def __init__(self) -> None:
        self.delays: list[float] = []
        self.signed: list[tuple[CaseLink, float]] = []
        self.awaiting: list[tuple[CaseLink, float]] = []
        self.reviews = 0

    def add(self, link: CaseLink, when: str, oversight: dict[str, Any]) -> None:
        self.reviews += 1
        completed = _time(oversight.get("signed_completed") or when)
        signed = oversight.get("signed")
        if signed:
            delay = max(0.0, (_time(signed) - completed).total_seconds() / 86400)
            self.delays.append(delay)
            self.signed.append((link, delay))
        else:
            self.awaiting.append((link, completed.timestamp()))

    def figures(self, framework: Framework, generated: datetime) -> Countersigning:
        from assistant.engine.oversight import COUNTERSIGN_SETTING

        setting = framework.setting(COUNTERSIGN_SETTING)
        limit = setting.value if setting is not None else None
        late = [link for link, delay in self.signed if limit is not None and delay > limit]
        now = generated.timestamp()
        overdue = [
            link
            for link, completed in self.awaiting
            if limit is not None and (now - completed) / 86400 > limit
        ]
        ordered = sorted(self.delays)
        median = None
        if ordered:
            mid = len(ordered) // 2
            median = ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2
        return Countersigning(
            limit_days=limit,
            local_policy=setting.local_policy if setting is not None else False,
            reviews=self.reviews,
            countersigned=len(self.delays),
            within_limit=len(self.delays) - len(late),
            late=len(late),
            awaiting=len(self.awaiting),
            awaiting_overdue=len(overdue),
            median_days=round(median, 1) if median is not None else None,
            longest_days=round(ordered[-1], 1) if ordered else None,
            late_cases=tuple(late),
            awaiting_cases=tuple(link for link, _ in self.awaiting),
        )


def _time(text: str) -> datetime:
    when = datetime.fromisoformat(text)
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when


def _section(
    framework: Framework,
    section_id: str,
    title: str,
    question: str,
    all_criteria: tuple[CriterionFigures, ...],
    rating: Rating,
    thresholds: tuple[float, ...],
    min_cases: int,
) -> SectionFigures:
    criteria = tuple(c for c in all_criteria if c.section == section_id)
    k = sum(c.sufficient for c in criteria)
    n = sum(c.relevant for c in criteria)
    band, rank = _band(rating, k, n)
    pct_text = percent_text(k, n, thresholds)
    return SectionFigures(
        id=section_id,
        title=title,
        question=question,
        criteria=criteria,
        sufficient=k,
        relevant=n,
        percent=percent(k, n),
        percent_text=pct_text,
        band=band,
        band_rank=rank,
        summary=findings.section_summary(criteria, k, n, pct_text, band, min_cases),
        strengths=findings.strengths(criteria, rating, min_cases),
        areas=findings.areas(criteria, rating, min_cases),
    )


def _bands_note(rating: Rating) -> str:
    parts = []
    for i, band in enumerate(rating.bands):
        if i == 0:
            parts.append(f"{band.label} {band.min_percent:g}% and above")
        elif band.min_percent > 0:
            parts.append(f"{band.label} {band.min_percent:g}%")
        else:
            parts.append(f"{band.label} below {rating.bands[i - 1].min_percent:g}%")
    text = "Rating bands (share of relevant cases judged sufficient): " + ", ".join(parts) + "."
    if rating.note:
        text += f" {rating.note}"
    elif rating.local_policy:
        text += " These bands are local policy: confirm them before publishing."
    return text


def _notes(
    framework: Framework,
    min_cases: int,
    left_out: dict[str, int],
    case_refs: dict[str, int],
    unknown_criteria: set[str],
    gated_out: int,
    problems: Sequence[str],
) -> tuple[str, ...]:
    notes = [
        "Only complete reviews count; learning-mode reviews never do. A judgement counts "
        "only where its criterion applies to the case.",
        "Relevant cases are those judged sufficient or insufficient: not applicable and "
        "unanswered criteria are left out of every figure.",
        _bands_note(framework.rating),
        findings.rule_note(framework.rating, min_cases),
        "Proportions in words follow fixed boundaries on the exact fraction: 'less than "
        "one-quarter' is under 25%, 'one-quarter' exactly 25%, 'just over half' above 50% and "
        "up to 60%, 'nearly all' 90% or more but not all.",
    ]
    dropped = [f"{n} {_WHY_LEFT_OUT[why]}" for why, n in left_out.items() if n]
    if dropped:
        notes.append("Reviews not counted: " + ", ".join(dropped) + ".")
    repeated = sum(1 for n in case_refs.values() if n > 1)
    if repeated:
        notes.append(
            f"{repeated} case{'s were' if repeated > 1 else ' was'} reviewed more than once; "
            "each complete review counts."
        )
    if gated_out:
        notes.append(
            f"{gated_out} judgement{'s' if gated_out > 1 else ''} on criteria that did not "
            "apply to the case (by its facts) were left out."
        )
    if unknown_criteria:
        notes.append(
            "Judgements on criteria this framework version does not have were left out: "
            + ", ".join(sorted(unknown_criteria)[:10])
            + ("…" if len(unknown_criteria) > 10 else "")
            + "."
        )
    if problems:
        notes.append(
            f"{len(problems)} store file{'s' if len(problems) > 1 else ''} could not be read "
            "and {} not included.".format("are" if len(problems) > 1 else "is")
        )
    return tuple(notes)
