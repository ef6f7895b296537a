"""Consistency checks: deficits derived from facts and dates that the user did not state."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from assistant.engine.facts import show_fact
from assistant.engine.items import condition_holds, criterion_applies
from checked import frozen
from prompts.model import (
    Check,
    DateOrderCheck,
    DateWithinCheck,
    Framework,
    SameChoiceCheck,
    SetDifferenceCheck,
)


@frozen(slots=False)
class Finding:
    """A check that fired, with its message filled in from the facts."""

    check: Check
    message: str


def _date(value: Any) -> date | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _fill(template: str, values: Mapping[str, str]) -> str:
    """Fill {name} placeholders without str.format (framework text is data, not code)."""
    out = template
    for key, value in values.items():
        out = out.replace("{" + key + "}", value)
    return out


def run_check(fw: Framework, check: Check, facts: Mapping[str, Any]) -> Finding | None:
    """The finding if the check fires; None if it holds or its facts are not yet known."""
    criterion = fw.criterion(check.criterion)
    if criterion is None or criterion_applies(criterion, facts) is not True:
        return None
    if condition_holds(check.applies_when, facts) is not True:
        return None
    if isinstance(check, SetDifferenceCheck):
        present, planned = facts.get(check.present), facts.get(check.absent_from)
        if not isinstance(present, list) or not isinstance(planned, list):
            return None
        missing = [v for v in present if v not in planned]
        if not missing:
            return None
        fact = fw.fact(check.present)
        items = show_fact(fact, missing) if fact else ", ".join(missing)
        return Finding(check, _fill(check.message, {"items": items.lower()}))
    if isinstance(check, DateOrderCheck):
        first, then = _date(facts.get(check.first)), _date(facts.get(check.then))
        if first is None or then is None or then >= first:
            return None
        return Finding(
            check, _fill(check.message, {"first": first.isoformat(), "then": then.isoformat()})
        )
    if isinstance(check, DateWithinCheck):
        start, end = _date(facts.get(check.start)), _date(facts.get(check.end))
        setting = fw.setting(check.limit)
        if start is None or end is None or setting is None:
            return None
        days = (end - start).days
        if days <= setting.value:
            return None
        return Finding(
            check, _fill(check.message, {"days": str(days), "limit": str(setting.value)})
        )
    assert isinstance(check, SameChoiceCheck)
    left, right = facts.get(check.left), facts.get(check.right)
    if left is None or right is None or left == right:
        return None
    lf, rf = fw.fact(check.left), fw.fact(check.right)
    return Finding(
        check,
        _fill(
            check.message,
            {
                "left": show_fact(lf, left) if lf else str(left),
                "right": show_fact(rf, right) if rf else str(right),
            },
        ),
    )


def run_checks(fw: Framework, facts: Mapping[str, Any]) -> list[Finding]:
    return [f for check in fw.checks if (f := run_check(fw, check, facts)) is not None]
