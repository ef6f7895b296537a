"""Proportions read the way an inspection report writes them, exactly at their boundaries."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistant.report.phrasing import (
    count_words,
    finding,
    percent,
    percent_text,
    proportion_words,
)


@pytest.mark.parametrize(
    ("k", "n", "words"),
    [
        # nothing relevant, none, all
        (0, 0, "no relevant cases"),
        (0, 1, "none"),
        (0, 2, "neither"),
        (0, 4, "none"),
        (1, 1, "all"),
        (2, 2, "both"),
        (12, 12, "all"),
        # only one (n >= 3), before any fraction: "only one of the four cases"
        (1, 3, "only one"),
        (1, 4, "only one"),
        (1, 50, "only one"),
        (1, 2, "half"),
        # all bar one from five cases up ("all bar one of the 14 cases")
        (13, 14, "all bar one"),
        (4, 5, "all bar one"),
        (3, 4, "three-quarters"),
        (2, 3, "two-thirds"),
        # exact landmarks
        (6, 12, "half"),
        (3, 12, "one-quarter"),
        (4, 12, "one-third"),
        (8, 12, "two-thirds"),
        (9, 12, "three-quarters"),
        # either side of one-quarter
        (99, 400, "less than one-quarter"),
        (2, 9, "less than one-quarter"),
        (3, 14, "less than one-quarter"),
        (101, 400, "less than one-third"),
        # either side of one-third, and the 40% edge of "just over one-third"
        (332, 1000, "less than one-third"),
        (334, 1000, "just over one-third"),
        (5, 14, "just over one-third"),
        (4, 10, "just over one-third"),
        (41, 100, "less than half"),
        (5, 12, "less than half"),
        (49, 100, "less than half"),
        # either side of half, and the 60% edge of "just over half"
        (51, 100, "just over half"),
        (8, 14, "just over half"),
        (6, 10, "just over half"),
        (61, 100, "nearly two-thirds"),
        (666, 1000, "nearly two-thirds"),
        (667, 1000, "more than two-thirds"),
        (7, 10, "more than two-thirds"),
        (749, 1000, "more than two-thirds"),
        (751, 1000, "more than three-quarters"),
        (89, 100, "more than three-quarters"),
        # nearly all from 90%, short of all (and not all bar one)
        (18, 20, "nearly all"),
        (90, 100, "nearly all"),
        (899, 1000, "more than three-quarters"),
        (98, 100, "nearly all"),
    ],
)
def test_proportion_in_words(k: int, n: int, words: str) -> None:
    assert proportion_words(k, n) == words


def test_harrow_findings_read_as_published() -> None:
    # "effectively managed in just 5 of the 12 relevant cases"
    assert count_words(5, 12) == "5 of the 12 relevant cases"
    # "Less than one-quarter were good enough"
    assert proportion_words(3, 14) == "less than one-quarter"
    # "Just over half of the reviews were of sufficient quality"
    assert proportion_words(8, 14) == "just over half"
    # "in only one of the four cases"
    assert proportion_words(1, 4) == "only one"
    # "all bar one of the 14 cases inspected being sufficient"
    assert proportion_words(13, 14) == "all bar one"
    # "effective in just over one-third of cases"
    assert proportion_words(5, 14) == "just over one-third"
    # "Adequate reviews were completed in one-quarter of cases"
    assert proportion_words(3, 12) == "one-quarter"


@pytest.mark.parametrize(
    ("k", "n", "sentence"),
    [
        (0, 0, "No relevant cases."),
        (1, 1, "The one relevant case was sufficient."),
        (0, 1, "The one relevant case was not sufficient."),
        (0, 2, "Neither of the 2 relevant cases was sufficient."),
        (0, 4, "None of the 4 relevant cases was sufficient."),
        (2, 2, "Both relevant cases were sufficient."),
        (8, 8, "All 8 relevant cases were sufficient."),
        (1, 4, "Only one of the 4 relevant cases was sufficient."),
        (13, 14, "All bar one of the 14 relevant cases were sufficient."),
        (5, 12, "Less than half of the relevant cases were sufficient: 5 of 12."),
        (3, 12, "One-quarter of the relevant cases were sufficient: 3 of 12."),
        (18, 20, "Nearly all of the relevant cases were sufficient: 18 of 20."),
    ],
)
def test_finding_sentence(k: int, n: int, sentence: str) -> None:
    assert finding(k, n) == sentence


def test_count_words() -> None:
    assert count_words(0, 0) == "no relevant cases"
    assert count_words(1, 1) == "1 of 1 relevant case"
    assert count_words(0, 1) == "0 of 1 relevant case"
    assert count_words(0, 3) == "0 of the 3 relevant cases"


def test_percent_never_divides_by_zero() -> None:
    assert percent(0, 0) is None
    assert percent_text(0, 0) == "–"
    assert percent(5, 12) == 41.7
    assert percent(1, 3) == 33.3
    assert percent_text(5, 12) == "42%"
    assert percent_text(1, 8) == "13%"  # half rounds up, as people round


def test_percent_text_never_rounds_over_a_band_threshold() -> None:
    assert percent_text(796, 1000, (80, 65, 50)) == "79.6%"
    assert percent_text(7999, 10000, (80, 65, 50)) == "79.9%"
    assert percent_text(8, 10, (80, 65, 50)) == "80%"
    assert percent_text(649, 1000, (80, 65, 50)) == "64.9%"
    assert percent_text(796, 1000) == "80%"  # no thresholds given: plain rounding


@pytest.mark.parametrize(("k", "n"), [(-1, 3), (4, 3), (0, -1)])
def test_impossible_counts_are_refused(k: int, n: int) -> None:
    with pytest.raises(ValueError):
        proportion_words(k, n)


@given(st.integers(0, 500).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_every_proportion_has_words_and_no_nan(kn: tuple[int, int]) -> None:
    k, n = kn
    words = proportion_words(k, n)
    assert words and "nan" not in words
    sentence = finding(k, n)
    assert "nan" not in sentence and "0 of 0" not in sentence
    p = percent(k, n)
    assert p is None if n == 0 else (0 <= p <= 100 and not math.isnan(p))


@given(st.integers(1, 400).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_words_never_contradict_the_fraction(kn: tuple[int, int]) -> None:
    k, n = kn
    words = proportion_words(k, n)
    if words.startswith("less than one-quarter"):
        assert 4 * k < n
    elif words.startswith("less than half"):
        assert 2 * k < n
    elif words.startswith("just over half"):
        assert 2 * k > n
    elif words == "nearly all":
        assert 10 * k >= 9 * n and k < n
    elif words == "half":
        assert 2 * k == n
