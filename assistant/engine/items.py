"""What is asked, in which order, and what applies: facts first, then criteria, gated by facts."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from prompts.conditions import evaluate, parse
from prompts.model import Criterion, Fact, Framework


def condition_holds(condition: str | None, facts: Mapping[str, Any]) -> bool | None:
    """True/False when known, None while a fact it needs is unanswered. No condition: True."""
    if condition is None:
        return True
    return evaluate(parse(condition), dict(facts))


def fact_relevant(fact: Fact, facts: Mapping[str, Any]) -> bool | None:
    return condition_holds(fact.asked_when, facts)


def criterion_applies(criterion: Criterion, facts: Mapping[str, Any]) -> bool | None:
    """The gate: True applies, False gated out, None waits for a fact still unanswered."""
    return condition_holds(criterion.applies_when, facts)


def all_items(fw: Framework) -> Iterator[Fact | Criterion]:
    yield from fw.facts
    yield from fw.criteria


def item(fw: Framework, item_id: str) -> Fact | Criterion | None:
    return fw.fact(item_id) or fw.criterion(item_id)


def is_live(fw: Framework, it: Fact | Criterion, facts: Mapping[str, Any]) -> bool:
    """Whether the item is to be asked now (its gate or asked_when is known to hold)."""
    if isinstance(it, Fact):
        return fact_relevant(it, facts) is True
    return criterion_applies(it, facts) is True


def live_items(fw: Framework, facts: Mapping[str, Any]) -> list[Fact | Criterion]:
    return [it for it in all_items(fw) if is_live(fw, it, facts)]


def applicable_criteria(fw: Framework, facts: Mapping[str, Any]) -> set[str]:
    return {c.id for c in fw.criteria if criterion_applies(c, facts) is True}


def gate_text(fw: Framework, criterion: Criterion) -> str:
    """Plain words for why a gated criterion does or does not apply."""
    if not criterion.applies_when:
        return "it applies to every case"
    return f"it applies only when {criterion.applies_when}"
