"""Conditions are data: parsed by a tiny grammar, evaluated in three-valued logic, never eval-ed."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from prompts.conditions import ConditionError, evaluate, parse, references


@pytest.mark.parametrize(
    ("text", "facts", "expected"),
    [
        ("custody", {"custody": True}, True),
        ("custody", {"custody": False}, False),
        ("custody", {}, None),
        ("not custody", {"custody": False}, True),
        ("psr and custody", {"psr": True, "custody": False}, False),
        ("psr and custody", {"psr": True}, None),
        ("psr and custody", {"custody": False}, False),
        ("psr or custody", {"custody": True}, True),
        ("psr or custody", {"custody": False}, None),
        ("level = high", {"level": "high"}, True),
        ("level != high", {"level": "high"}, False),
        ("level in [high, very_high]", {"level": "very_high"}, True),
        ("level in [high, 'very_high']", {"level": "low"}, False),
        ("found has drugs", {"found": ["school", "drugs"]}, True),
        ("found has drugs", {"found": []}, False),
        ("custody = yes", {"custody": True}, True),
        ("(psr or custody) and not mappa", {"psr": True, "mappa": False}, True),
    ],
)
def test_evaluation_is_three_valued(text, facts, expected):
    assert evaluate(parse(text), facts) is expected


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "empty"),
        ("psr and", "ended"),
        ("psr custody", "found 'custody'"),
        ("(psr", "expected ')'"),
        ("level in [high", "expected ']'"),
        ("psr; import os", "unexpected ';'"),
        ("__import__('os').system('x')", "expected"),
        ("not " * 100 + "psr", "nested"),
    ],
)
def test_malformed_conditions_are_refused_with_a_reason(text, fragment):
    with pytest.raises(ConditionError) as info:
        parse(text)
    assert fragment in str(info.value)


def test_references_lists_every_fact_test():
    refs = references(parse("psr and (custody or level in [high]) and not found has x"))
    assert [r.fact for r in refs] == ["psr", "custody", "level", "found"]


@given(st.text(max_size=200))
def test_any_text_parses_or_raises_condition_error(text):
    try:
        node = parse(text)
    except ConditionError:
        return
    assert evaluate(node, {}) in (True, False, None)
