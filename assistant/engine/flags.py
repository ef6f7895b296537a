"""Flags: each deficit, derived from the review, with why it matters and what to do.

Flags are not stored; they are derived from the answers every time (an insufficient judgement
of an applicable criterion, or a consistency check that fires), so they can never disagree
with the answers.  Only whether a flag's action is done is stored (``review.flag_states``).
"""

from __future__ import annotations

from typing import Literal

from assistant.engine.checks import run_checks
from assistant.engine.items import CHECK_PREFIX, criterion_applies
from checked import frozen
from prompts.model import Criterion, Framework
from store.records import Review


@frozen(slots=False)
class Flag:
    id: str  # the criterion id, or "check:<check id>"
    criterion: str
    section: str
    title: str
    reasons: tuple[str, ...]
    reason_labels: tuple[str, ...]
    severity: Literal["standard", "urgent"]
    why: str
    action: str
    detail: str
    source: Literal["judgement", "check"]
    state: Literal["open", "done"] = "open"

    @property
    def urgent(self) -> bool:
        return self.severity == "urgent"

    @property
    def open(self) -> bool:
        return self.state == "open"


def _action(criterion: Criterion, reasons: tuple[str, ...]) -> str:
    extra = [r.action for rid in reasons if (r := criterion.reason(rid)) is not None and r.action]
    return " ".join([criterion.action, *extra])


def _labels(criterion: Criterion, reasons: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(r.label if (r := criterion.reason(rid)) else rid for rid in reasons)


def derive_flags(fw: Framework, review: Review) -> list[Flag]:
    """Every flag the review raises, in framework order (judgement flags then check flags)."""
    flags: list[Flag] = []
    states = review.flag_states
    for criterion in fw.criteria:
        judgement = review.judgements.get(criterion.id)
        if judgement is None or judgement.outcome != "insufficient":
            continue
        if criterion_applies(criterion, review.facts) is False:
            continue
        state = states.get(criterion.id)
        flags.append(
            Flag(
                id=criterion.id,
                criterion=criterion.id,
                section=criterion.section,
                title=criterion.title,
                reasons=judgement.reasons,
                reason_labels=_labels(criterion, judgement.reasons),
                severity=criterion.severity,
                why=criterion.learning.why,
                action=_action(criterion, judgement.reasons),
                detail=judgement.note,
                source="judgement",
                state=state.state if state else "open",
            )
        )
    for finding in run_checks(fw, review.facts):
        check = finding.check
        checked = fw.criterion(check.criterion)
        assert checked is not None  # the loader guarantees it
        criterion = checked
        flag_id = CHECK_PREFIX + check.id
        state = states.get(flag_id)
        flags.append(
            Flag(
                id=flag_id,
                criterion=criterion.id,
                section=criterion.section,
                title=check.title,
                reasons=(check.reason,),
                reason_labels=_labels(criterion, (check.reason,)),
                severity=criterion.severity,
                why=criterion.learning.why,
                action=_action(criterion, (check.reason,)),
                detail=finding.message,
                source="check",
                state=state.state if state else "open",
            )
        )
    return flags


def sort_for_attention(flags: list[Flag]) -> list[Flag]:
    """Open before done, urgent before standard, then framework order."""
    order = {f.id: i for i, f in enumerate(flags)}
    return sorted(flags, key=lambda f: (not f.open, not f.urgent, order[f.id]))
