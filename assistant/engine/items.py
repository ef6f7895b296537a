"""What is asked and what applies: facts first, then criteria, gated by facts."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any

from prompts.conditions import evaluate, parse
from prompts.model import Criterion, Fact, Framework

CHECK_PREFIX = "check:"  # a flag's id: its criterion id, or "check:<check id>"


def condition_holds(condition: str | None, facts: Mapping[str, Any]) -> bool | None:
    """True/False when known, None while a fact it needs is unanswered. No condition: True."""
    if condition is None:
        return True
    return evaluate(parse(condition), facts)


def fact_relevant(fact: Fact, facts: Mapping[str, Any]) -> bool | None:
    """Whether the fact is asked: its ``asked_when`` holds, and a fact offering the options
    chosen in another (``options_from``) is not asked when none was chosen there."""
    if fact.options_from is not None and facts.get(fact.options_from) == []:
        return False
    return condition_holds(fact.asked_when, facts)


def offered(fact: Fact, facts: Mapping[str, Any]) -> Fact:
    """The fact with only the options it offers for these facts (see ``options_from``)."""
    chosen = facts.get(fact.options_from) if fact.options_from is not None else None
    if not isinstance(chosen, list) or not chosen:
        return fact
    return replace(fact, options=tuple(o for o in fact.options if o.id in chosen))


def criterion_applies(criterion: Criterion, facts: Mapping[str, Any]) -> bool | None:
    """The gate: True applies, False gated out, None waits for a fact still unanswered."""
    return condition_holds(criterion.applies_when, facts)


def all_items(fw: Framework) -> Iterator[Fact | Criterion]:
    """Every question in the order asked: facts, then criteria."""
    yield from fw.facts
    yield from fw.criteria
