"""What is asked and what applies: facts first, then criteria, gated by facts."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from prompts.conditions import evaluate, parse
from prompts.model import Criterion, Fact, Framework


def condition_holds(condition: str | None, facts: Mapping[str, Any]) -> bool | None:
    """True/False when known, None while a fact it needs is unanswered. No condition: True."""
    if condition is None:
        return True
    return evaluate(parse(condition), facts)


def fact_relevant(fact: Fact, facts: Mapping[str, Any]) -> bool | None:
    return condition_holds(fact.asked_when, facts)


def criterion_applies(criterion: Criterion, facts: Mapping[str, Any]) -> bool | None:
    """The gate: True applies, False gated out, None waits for a fact still unanswered."""
    return condition_holds(criterion.applies_when, facts)


def all_items(fw: Framework) -> Iterator[Fact | Criterion]:
    """Every question in the order asked: facts, then criteria."""
    yield from fw.facts
    yield from fw.criteria
