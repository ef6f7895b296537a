"""One review as the report reads it: a compact row of plain JSON data.

The report needs little of a review: who and what it is (id, case reference, framework, mode,
team, status), when it was completed, its facts (for the gates) and, per judgement, the
outcome, the reasons, a quotable note and whether a joint review's case manager agreed.
``row`` takes exactly that; the aggregation (``aggregate.build_report``) counts rows only, so
reviews loaded in memory and rows kept by the store's derived cache (``Store.derived``, used by
``report_from_store``) go through the same code.

Rows are plain JSON (lists, dicts with string keys, strings, booleans, None) so a row read back
from the cache equals a fresh one.  ``ROW_VERSION`` names the shape and must change whenever
``row`` does: the store then ignores cached rows of the old shape.

A row is ``[id, case_ref, framework, mode, team, status, when, facts, judgements, oversight]``
where
``when`` is the ISO time the review was completed (else last updated; naive times read as UTC)
and ``judgements`` maps a criterion id to ``"s"``, ``"i"``, ``"p"`` or ``"n"`` (sufficient,
insufficient, insufficient said as "partly", not applicable) when there is nothing more to
say, else to ``[letter, [reason ids], quotable note or "", agrees: true | false | null, pair]``
where ``pair`` is a joint review's agreement pair (``"si"``: the inspector said sufficient
before the discussion, the case manager insufficient; see ``report.agreement``) or ``""``;
``oversight`` is ``{"created": ISO time, "signed": ISO time or None, "signed_completed": ISO
time or None}``: when the review was started (the latest of a case's reviews is the one
started last) and when it was countersigned, with the completion it countersigned.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from store.records import Judgement, Review

__all__ = ["OUTCOMES", "ROW_VERSION", "row", "row_date"]

ROW_VERSION = "report-row-4"
LETTERS = {"sufficient": "s", "insufficient": "i", "not_applicable": "n"}
PARTLY = "p"  # insufficient, said "partly"
OUTCOMES = {**{letter: outcome for outcome, letter in LETTERS.items()}, PARTLY: "insufficient"}


def _when(review: Review) -> datetime:
    when = review.completed_at or review.updated_at
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when


def row(review: Review) -> list[Any]:
    """The review as the report reads it (see the module docstring)."""
    judgements: dict[str, Any] = {}
    for cid, j in review.judgements.items():
        letter = (
            PARTLY if j.answer == "partly" and j.outcome == "insufficient" else LETTERS[j.outcome]
        )
        quote = j.note if j.quotable and j.note.strip() else ""
        agrees = None if j.view is None else j.view.agrees
        pair = _pair(j) if review.mode == "joint" else ""
        if j.reasons or quote or agrees is not None:
            judgements[cid] = [letter, list(j.reasons), quote, agrees, pair]
        else:
            judgements[cid] = letter
    return [
        review.id,
        review.case_ref,
        review.framework,
        review.mode,
        review.team,
        review.status,
        _when(review).isoformat(),
        {k: list(v) if isinstance(v, (list, tuple)) else v for k, v in review.facts.items()},
        judgements,
        _oversight(review),
    ]


def _iso(when: datetime | None) -> str | None:
    if when is None:
        return None
    return (when.replace(tzinfo=UTC) if when.tzinfo is None else when).isoformat()


def _oversight(review: Review) -> dict[str, Any]:
    sig = review.countersignature
    return {
        "created": _iso(review.created_at),
        "signed": _iso(sig.at) if sig else None,
        "signed_completed": _iso(sig.completed_at) if sig else None,
    }


def _pair(j: Judgement) -> str:
    """The (inspector, case manager) pair of letters, when both judged it sufficient or
    insufficient; the inspector's judgement is the one before the discussion."""
    if j.view is None:
        return ""
    inspector = j.inspector_outcome or j.outcome
    manager = inspector if j.view.agrees else j.view.outcome
    judged = ("sufficient", "insufficient")
    if inspector not in judged or manager not in judged:
        return ""
    return LETTERS[inspector] + LETTERS[str(manager)]


def row_date(when: str) -> date:
    """The local date of a row's ISO time."""
    return datetime.fromisoformat(when).astimezone().date()
