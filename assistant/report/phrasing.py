"""Proportions in words, the way inspection reports write them.

Everything here takes ``sufficient`` (k) and ``relevant`` (n) counts and compares exact
fractions (never rounded floats), so "exactly one-quarter" and "just under" never blur.

``proportion_words(k, n)`` — the first rule that matches wins:

=====  ==========================================  ==============================
order  when                                        words
=====  ==========================================  ==============================
1      n = 0                                       no relevant cases
2      k = 0                                       none (neither, when n = 2)
3      k = n                                       all (both, when n = 2)
4      k = 1 and n >= 3                            only one
5      k = n - 1 and n >= 5                        all bar one
6      k/n is exactly 1/2, 1/4, 3/4, 1/3 or 2/3    half, one-quarter, three-quarters,
                                                   one-third, two-thirds
7      0 < k/n < 1/4                               less than one-quarter
8      1/4 < k/n < 1/3                             less than one-third
9      1/3 < k/n <= 2/5                            just over one-third
10     2/5 < k/n < 1/2                             less than half
11     1/2 < k/n <= 3/5                            just over half
12     3/5 < k/n < 2/3                             nearly two-thirds
13     2/3 < k/n < 3/4                             more than two-thirds
14     3/4 < k/n < 9/10                            more than three-quarters
15     9/10 <= k/n < 1                             nearly all
=====  ==========================================  ==============================

``count_words`` gives the exact figure ("5 of the 12 relevant cases") and ``finding`` a
sentence combining both ("Less than half of the relevant cases were sufficient: 5 of 12.").
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from fractions import Fraction

__all__ = [
    "count_words",
    "finding",
    "percent",
    "percent_text",
    "proportion_words",
]

_EXACT: tuple[tuple[Fraction, str], ...] = (
    (Fraction(1, 2), "half"),
    (Fraction(1, 4), "one-quarter"),
    (Fraction(3, 4), "three-quarters"),
    (Fraction(1, 3), "one-third"),
    (Fraction(2, 3), "two-thirds"),
)

# (upper bound, upper bound included?, words) for fractions that are not exact landmarks,
# checked in order; the lower bound of each range is the previous upper bound.
_RANGES: tuple[tuple[Fraction, bool, str], ...] = (
    (Fraction(1, 4), False, "less than one-quarter"),
    (Fraction(1, 3), False, "less than one-third"),
    (Fraction(2, 5), True, "just over one-third"),
    (Fraction(1, 2), False, "less than half"),
    (Fraction(3, 5), True, "just over half"),
    (Fraction(2, 3), False, "nearly two-thirds"),
    (Fraction(3, 4), False, "more than two-thirds"),
    (Fraction(9, 10), False, "more than three-quarters"),
    (Fraction(1, 1), False, "nearly all"),
)


def _check(k: int, n: int) -> None:
    if n < 0 or k < 0 or k > n:
        raise ValueError(f"cannot phrase {k} of {n}")


def proportion_words(k: int, n: int) -> str:
    """The proportion k of n in an inspector's words ("less than one-quarter", "all")."""
    _check(k, n)
    if n == 0:
        return "no relevant cases"
    if k == 0:
        return "neither" if n == 2 else "none"
    if k == n:
        return "both" if n == 2 else "all"
    if k == 1 and n >= 3:
        return "only one"
    if k == n - 1 and n >= 5:
        return "all bar one"
    p = Fraction(k, n)
    for value, words in _EXACT:
        if p == value:
            return words
    for upper, inclusive, words in _RANGES:
        if p < upper or (inclusive and p == upper):
            return words
    raise AssertionError(f"no rule for {k} of {n}")  # pragma: no cover - ranges end at 1


def count_words(k: int, n: int) -> str:
    """The exact figure: "5 of the 12 relevant cases", "1 of 1 relevant case"."""
    _check(k, n)
    if n == 0:
        return "no relevant cases"
    if n == 1:
        return f"{k} of 1 relevant case"
    return f"{k} of the {n} relevant cases"


def finding(k: int, n: int) -> str:
    """One sentence on a criterion's figures, as an inspection report would put it."""
    _check(k, n)
    if n == 0:
        return "No relevant cases."
    if n == 1:
        return (
            "The one relevant case was sufficient."
            if k == 1
            else "The one relevant case was not sufficient."
        )
    if k == 0:
        if n == 2:
            return "Neither of the 2 relevant cases was sufficient."
        return f"None of the {n} relevant cases was sufficient."
    if k == n:
        return (
            "Both relevant cases were sufficient."
            if n == 2
            else f"All {n} relevant cases were sufficient."
        )
    words = proportion_words(k, n)
    if words == "only one":
        return f"Only one of the {n} relevant cases was sufficient."
    if words == "all bar one":
        return f"All bar one of the {n} relevant cases were sufficient."
    return f"{words[0].upper()}{words[1:]} of the relevant cases were sufficient: {k} of {n}."


def percent(k: int, n: int) -> float | None:
    """k of n as a percentage (one decimal place), or None when nothing is relevant."""
    _check(k, n)
    if n == 0:
        return None
    return round(100 * k / n, 1)


def percent_text(k: int, n: int, thresholds: Iterable[float] = ()) -> str:
    """A whole-number percentage ("42%"); "–" when nothing is relevant.

    Rounding must not lift a figure over a band threshold it does not reach: 79.6% with an
    80% band reads "79.6%", not "80%".  Such figures get one decimal place, truncated.
    """
    _check(k, n)
    if n == 0:
        return "–"
    exact = Fraction(100 * k, n)
    whole = math.floor(exact + Fraction(1, 2))  # half up, as people round
    if any(exact < Fraction(t) <= whole for t in thresholds):
        tenths = (exact * 10).numerator // (exact * 10).denominator
        return f"{tenths / 10:.1f}%"
    return f"{whole}%"
