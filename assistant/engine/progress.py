"""Progress and summaries of a review: per section, per item, and the index line the store keeps."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

from assistant.engine.conversation import Engine
from assistant.engine.facts import show_fact
from assistant.engine.items import criterion_applies, fact_relevant
from assistant.engine.wording import judgement_label, outcome_label
from checked import frozen
from store.records import Review

if TYPE_CHECKING:
    from assistant.engine.flags import Flag


@frozen(slots=False)
class SectionProgress:
    id: str
    title: str
    answered: int
    applicable: int
    open_flags: int
    urgent_flags: int


@frozen(slots=False)
class Progress:
    facts_answered: int
    facts_relevant: int
    sections: tuple[SectionProgress, ...]
    answered: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 0


ItemState = Literal["answered", "unanswered", "skipped", "set_aside", "waiting"]


@frozen(slots=False)
class SummaryRow:
    item: str
    kind: Literal["fact", "criterion"]
    section: str | None
    text: str
    answer: str
    reasons: str
    note: str
    state: ItemState
    flagged: bool
    urgent: bool
    disagreement: bool = False
    quotable: bool = False
    marks: tuple[str, ...] = ()  # e.g. "case manager disagrees", "quotable", "kept despite ..."


def progress(engine: Engine, review: Review, flags: Sequence[Flag] | None = None) -> Progress:
    """Answered and applicable items, and open flags, per section (``flags``: the review's
    flags when the caller has them).  Overall, a fact answered or skipped counts as done, and
    a review whose every live criterion is judged is done (SPEC §4: its facts are optional)."""
    fw = engine.fw
    facts_relevant = [f for f in fw.facts if fact_relevant(f, review.facts) is True]
    facts_answered = sum(1 for f in facts_relevant if f.id in review.facts)
    flags = [f for f in (engine.flags(review) if flags is None else flags) if f.open]
    sections = []
    for section in fw.sections:
        live = [c for c in fw.criteria_in(section.id) if criterion_applies(c, review.facts)]
        done = sum(
            1 for c in live if c.id in review.judgements and not review.judgements[c.id].pending
        )
        mine = [f for f in flags if f.section == section.id]
        sections.append(
            SectionProgress(
                section.id,
                section.title,
                done,
                len(live),
                len(mine),
                sum(f.urgent for f in mine),
            )
        )
    total = len(facts_relevant) + sum(s.applicable for s in sections)
    if all(s.answered == s.applicable for s in sections):
        answered = total  # complete: the optional facts left out are never asked again
    else:  # a fact skipped is settled: it comes back only at the end, for a second chance
        settled = sum(1 for f in facts_relevant if f.id in review.facts or f.id in review.skipped)
        answered = settled + sum(s.answered for s in sections)
    return Progress(facts_answered, len(facts_relevant), tuple(sections), answered, total)


def summary_rows(engine: Engine, review: Review) -> list[SummaryRow]:
    fw = engine.fw
    flagged = {f.criterion: f for f in engine.flags(review) if f.source == "judgement"}
    rows: list[SummaryRow] = []
    for fact in fw.facts:
        relevant = fact_relevant(fact, review.facts)
        if fact.id in review.facts:
            state: ItemState = "answered" if relevant else "set_aside"
        elif relevant is None:
            state = "waiting"
        elif not relevant:
            continue
        else:
            state = "skipped" if fact.id in review.skipped else "unanswered"
        rows.append(
            SummaryRow(
                fact.id,
                "fact",
                None,
                fact.question,
                show_fact(fact, review.facts.get(fact.id)),
                "",
                "",
                state,
                False,
                False,
            )
        )
    for criterion in fw.criteria:
        applies = criterion_applies(criterion, review.facts)
        judgement = review.judgements.get(criterion.id)
        if applies is False and judgement is None:
            continue
        if applies is False:
            state = "set_aside"
        elif applies is None:
            state = "waiting"
        elif judgement is not None:
            state = "answered"
        else:
            state = "skipped" if criterion.id in review.skipped else "unanswered"
        reasons = ""
        if judgement and judgement.reasons:
            reasons = "; ".join(r.label for x in judgement.reasons if (r := criterion.reason(x)))
        marks: list[str] = []
        if judgement and judgement.view and not judgement.view.agrees:
            view = judgement.view.outcome
            marks.append("case manager disagrees" + (f": {outcome_label(view)}" if view else ""))
        if judgement and judgement.interview_evidence:
            before = outcome_label(judgement.inspector_outcome)
            marks.append(
                f"changed on interview evidence (was {before}): {judgement.interview_evidence}"
            )
        if judgement and judgement.quotable:
            marks.append("quotable")
        if judgement and judgement.kept_despite:
            titles = [c.title for c in fw.checks if c.id in judgement.kept_despite]
            marks.append("kept against the check: " + "; ".join(titles))
        rows.append(
            SummaryRow(
                marks=tuple(marks),
                item=criterion.id,
                kind="criterion",
                section=criterion.section,
                text=criterion.title,
                answer=judgement_label(judgement),
                reasons=reasons,
                note=judgement.note if judgement else "",
                state=state,
                flagged=criterion.id in flagged and applies is not False,
                urgent=criterion.severity == "urgent",
                disagreement=bool(judgement and judgement.view and not judgement.view.agrees),
                quotable=bool(judgement and judgement.quotable),
            )
        )
    return rows


def index_summary(engine: Engine, review: Review) -> dict[str, int]:
    """The small dict the store keeps beside each review for fast listing."""
    all_flags = engine.flags(review)
    p = progress(engine, review, all_flags)
    flags = [f for f in all_flags if f.open]
    return {
        "answered": p.answered,
        "total": p.total,
        "open_flags": len(flags),
        "urgent_flags": sum(f.urgent for f in flags),
    }
