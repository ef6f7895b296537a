"""How often case managers agreed with the inspector in joint reviews (SPEC §10).

A pair is (the inspector's judgement before the discussion, the case manager's judgement: the
same when they agreed, else their own), counted only when both are sufficient or insufficient.
Agreement is the share of pairs that match; Cohen's kappa corrects it for the agreement two
raters would reach by chance given how often each said sufficient:

    kappa = (p_o - p_e) / (1 - p_e),  p_o = agreed / n,
    p_e = p_inspector(s) * p_case_manager(s) + p_inspector(i) * p_case_manager(i)

Kappa is undefined (None) when chance agreement is certain (both always said the same one
thing), where any formula would divide by zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["Agreement", "PairCounts", "agreement"]


@dataclass(slots=True)
class PairCounts:
    """Counts of (inspector, case manager) pairs: s = sufficient, i = insufficient."""

    ss: int = 0
    si: int = 0
    is_: int = 0
    ii: int = 0

    def add(self, pair: str) -> None:
        if pair == "ss":
            self.ss += 1
        elif pair == "si":
            self.si += 1
        elif pair == "is":
            self.is_ += 1
        elif pair == "ii":
            self.ii += 1
        else:
            raise ValueError(f"not an agreement pair: {pair!r}")

    def merge(self, other: PairCounts) -> None:
        self.ss += other.ss
        self.si += other.si
        self.is_ += other.is_
        self.ii += other.ii


@dataclass(frozen=True, slots=True)
class Agreement:
    n: int  # pairs
    agreed: int
    percent: float  # 0-100
    kappa: float | None

    def as_json(self) -> dict[str, Any]:
        return {"n": self.n, "percent": self.percent, "kappa": self.kappa}


def agreement(counts: PairCounts) -> Agreement | None:
    """The agreement over these pairs, or None when there are none."""
    n = counts.ss + counts.si + counts.is_ + counts.ii
    if n == 0:
        return None
    agreed = counts.ss + counts.ii
    p_o = agreed / n
    inspector_s = (counts.ss + counts.si) / n
    manager_s = (counts.ss + counts.is_) / n
    p_e = inspector_s * manager_s + (1 - inspector_s) * (1 - manager_s)
    kappa = None if p_e >= 1 else round((p_o - p_e) / (1 - p_e), 3)
    return Agreement(n=n, agreed=agreed, percent=round(100 * p_o, 1), kappa=kappa)
