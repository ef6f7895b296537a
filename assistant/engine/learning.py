"""Learning mode's marking: a learner's judgements compared with a practice case's model answers.

Pure: no I/O.  ``feedback`` marks one judgement as the learner gives it (turn by turn);
``compare`` marks a whole review at the end: per criterion, per section (in framework order)
and overall, with the criteria to revisit.  ``closing_lines`` renders the end of a played case
for every front end, finishing with ``Overall: N of M agreed``.

What counts (SPEC §9): the criteria live under the case's model facts.  Of those, the ones the
learner judged (sufficient, insufficient or not applicable) make M; N are those whose outcome
matches the model's.  A "partly" is an insufficient judgement.  Reasons do not change whether a
judgement agrees; the reasons the learner missed or added are reported beside it.

Criterion titles and learning text come from the framework the case was checked against
(``PracticeCase.framework_model``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from checked import frozen
from prompts.model import Criterion, Framework, Outcome
from prompts.practice import PracticeCase, live_criteria

if TYPE_CHECKING:
    from store.records import Judgement, Review

_OUTCOME_WORDS = {
    "sufficient": "sufficient",
    "insufficient": "insufficient",
    "not_applicable": "not applicable",
}


@frozen
class Feedback:
    """A learner's judgement on one criterion beside the model answer.

    ``model`` is None when the criterion does not apply under the case's model facts (the
    learner's facts let it in); ``given`` is None when the learner has not judged it."""

    criterion: str
    section: str
    title: str
    given: Outcome | None
    given_reasons: tuple[str, ...]
    model: Outcome | None
    model_reasons: tuple[str, ...]
    rationale: str
    cites: tuple[str, ...]
    good: str
    applies_when: str | None = None

    @property
    def judged(self) -> bool:
        return self.given is not None

    @property
    def matched(self) -> bool:
        """The outcomes agree (reasons aside)."""
        return self.given is not None and self.given == self.model

    @property
    def missed_reasons(self) -> tuple[str, ...]:
        """Reasons the model gives that the learner did not."""
        return tuple(r for r in self.model_reasons if r not in self.given_reasons)

    @property
    def added_reasons(self) -> tuple[str, ...]:
        """Reasons the learner gave that the model does not."""
        return tuple(r for r in self.given_reasons if r not in self.model_reasons)


@frozen
class SectionScore:
    section: str
    title: str
    agreed: int
    judged: int


@frozen
class FactDifference:
    """A fact the learner answered otherwise than the model."""

    fact: str
    model: Any
    given: Any


@frozen
class LearningResult:
    """A whole practice review marked against the model answers."""

    case_id: str
    criteria: tuple[Feedback, ...]
    sections: tuple[SectionScore, ...]
    facts: tuple[FactDifference, ...] = ()
    not_live: tuple[str, ...] = ()

    @property
    def agreed(self) -> int:
        return sum(s.agreed for s in self.sections)

    @property
    def judged(self) -> int:
        return sum(s.judged for s in self.sections)

    @property
    def revisit(self) -> tuple[str, ...]:
        """Criteria judged otherwise than the model, in framework order."""
        return tuple(f.criterion for f in self.criteria if f.judged and not f.matched)

    @property
    def not_judged(self) -> tuple[str, ...]:
        """Criteria the model judges that the learner left unanswered."""
        return tuple(f.criterion for f in self.criteria if not f.judged)

    def feedback_for(self, criterion_id: str) -> Feedback | None:
        return next((f for f in self.criteria if f.criterion == criterion_id), None)


def learner_outcome(judgement: Judgement | None) -> Outcome | None:
    """The outcome a learner's judgement counts as: "partly" is insufficient."""
    if judgement is None:
        return None
    # Today a "partly" is stored as outcome insufficient; a judgement that also keeps what was
    # said (SPEC §4, the export's optional ``answer``) may carry "partly" beside it.
    if getattr(judgement, "answer", None) == "partly":
        return "insufficient"
    return judgement.outcome


def _criterion(fw: Framework, criterion_id: str) -> Criterion:
    crit = fw.criterion(criterion_id)
    if crit is None:
        raise KeyError(f"{criterion_id!r} is not a criterion of framework {fw.id!r}")
    return crit


def feedback(case: PracticeCase, criterion_id: str, judgement: Judgement | None) -> Feedback:
    """The learner's ``judgement`` on one criterion marked against the model answer; KeyError
    for a criterion the framework does not have."""
    crit = _criterion(case.framework_model, criterion_id)
    model = case.judgement(criterion_id)
    return Feedback(
        criterion=crit.id,
        section=crit.section,
        title=crit.title,
        given=learner_outcome(judgement),
        given_reasons=tuple(judgement.reasons) if judgement is not None else (),
        model=model.outcome if model else None,
        model_reasons=model.reasons if model else (),
        rationale=model.rationale if model else "",
        cites=model.cites if model else (),
        good=crit.learning.good,
        applies_when=crit.applies_when,
    )


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return sorted(a) == sorted(b)
    return bool(a == b and type(a) is type(b))


def fact_differences(case: PracticeCase, facts: Mapping[str, Any]) -> tuple[FactDifference, ...]:
    """Facts the learner answered differently from the model, in framework order."""
    out = []
    for fact in case.framework_model.facts:
        if fact.id in facts and facts[fact.id] is not None and fact.id in case.facts:
            model, given = case.facts[fact.id], facts[fact.id]
            if not _same(model, given):
                out.append(FactDifference(fact.id, model, given))
    return tuple(out)


def compare(case: PracticeCase, review: Review) -> LearningResult:
    """Mark a learner's review of ``case``; ValueError if the review is of another framework."""
    fw = case.framework_model
    if review.framework != case.framework:
        raise ValueError(
            f"the review uses framework {review.framework!r}, the practice case {case.framework!r}"
        )
    live = set(live_criteria(fw, case.facts))
    marked = tuple(
        feedback(case, c.id, review.judgements.get(c.id)) for c in fw.criteria if c.id in live
    )
    sections = []
    for section in fw.sections:
        mine = [f for f in marked if f.section == section.id]
        if mine:
            judged = [f for f in mine if f.judged]
            sections.append(
                SectionScore(
                    section=section.id,
                    title=section.title,
                    agreed=sum(1 for f in judged if f.matched),
                    judged=len(judged),
                )
            )
    not_live = tuple(c.id for c in fw.criteria if c.id in review.judgements and c.id not in live)
    return LearningResult(
        case_id=case.id,
        criteria=marked,
        sections=tuple(sections),
        facts=fact_differences(case, review.facts),
        not_live=not_live,
    )


# -- words ------------------------------------------------------------------------------------


def agreed_text(agreed: int, judged: int) -> str:
    return f"{agreed} of {judged} agreed"


def overall_line(result: LearningResult) -> str:
    """The line every played case ends with: ``Overall: N of M agreed``."""
    return f"Overall: {agreed_text(result.agreed, result.judged)}"


def section_line(score: SectionScore) -> str:
    return f"{score.title}: {agreed_text(score.agreed, score.judged)}"


def _outcome_text(outcome: Outcome | None) -> str:
    return _OUTCOME_WORDS.get(outcome or "", "not judged")


def _reason_labels(crit: Criterion, reasons: tuple[str, ...]) -> str:
    return "; ".join((r.label if (r := crit.reason(x)) else x) for x in reasons)


def verdict_lines(case: PracticeCase, fb: Feedback) -> list[str]:
    """The first lines of the feedback: agreement with the model answer, and the reasons missed
    or added (the rationale and good practice follow them in ``feedback_lines``)."""
    crit = _criterion(case.framework_model, fb.criterion)
    model = _outcome_text(fb.model)
    if fb.model_reasons:
        model += f" ({_reason_labels(crit, fb.model_reasons)})"
    if fb.model is None:
        lines = [
            f"In the model answer {fb.title} does not apply to this case "
            f"(it applies when {fb.applies_when})."
        ]
    elif not fb.judged:
        lines = [f"Not judged. The model answer: {model}."]
    elif fb.matched:
        lines = [f"Agrees with the model answer: {model}."]
    else:
        lines = [f"You said {_outcome_text(fb.given)}; the model answer is {model}."]
    if fb.matched and fb.model == "insufficient":  # else the first line says it all
        if fb.missed_reasons:
            lines.append(f"Reasons you missed: {_reason_labels(crit, fb.missed_reasons)}.")
        if fb.added_reasons:
            lines.append(
                f"Reasons the model does not give: {_reason_labels(crit, fb.added_reasons)}."
            )
    return lines


def feedback_lines(case: PracticeCase, fb: Feedback) -> list[str]:
    """The turn-by-turn feedback as plain lines: agreement, reasons, rationale, good practice."""
    lines = verdict_lines(case, fb)
    if fb.rationale:
        cites = ", ".join(fb.cites)
        lines.append(f"Why: {fb.rationale} (See: {cites}.)")
    lines.append(f"What good looks like: {fb.good}")
    return lines


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(value) or "none"
    return str(value)


def closing_lines(result: LearningResult) -> list[str]:
    """The end of a played case: a score per section, the facts answered otherwise than the
    model (they decide which criteria apply), the criteria to revisit, and last the
    ``Overall: N of M agreed`` line."""
    lines = [section_line(s) for s in result.sections]
    if result.facts:
        lines.append(
            "Facts the model answers otherwise: "
            + "; ".join(f"{d.fact} (model: {_shown(d.model)})" for d in result.facts)
        )
    if result.not_live:
        lines.append("Judged, but not part of this case: " + ", ".join(result.not_live))
    if result.revisit:
        lines.append("To revisit:")
        lines += [
            f"  {f.title} [{f.criterion}]" for f in result.criteria if f.judged and not f.matched
        ]
    elif result.judged:
        lines.append("Nothing to revisit: every judgement agrees with the model answer.")
    lines.append(overall_line(result))
    return lines
