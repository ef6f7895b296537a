"""What the listing keeps for one review: ``ReviewSummary``, and the entry it is kept as.

An entry (a review's summary file, a line of the listing) holds the summary's fields, the
counts the conversation saved beside the review (``summary``: answered, open and urgent
flags), the review file's identity when the entry was made (``stamp``: inode, size,
modification and change times) and, when the store wrote that file itself, the CRC-32 of its
bytes (``crc``), which lets ``get`` trust the file without validating it again.
"""

from __future__ import annotations

from dataclasses import field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeGuard

from checked import frozen

if TYPE_CHECKING:
    from store.records import Review


@frozen(slots=False)
class ReviewSummary:
    """What the home screen lists for one review, read without loading the review."""

    id: str
    case_ref: str
    framework: str
    mode: str
    status: str
    team: str
    reviewer: str
    updated_at: datetime
    revision: int
    summary: dict[str, Any] = field(default_factory=dict)


def make_entry(
    review: Review, summary: Any, stamp: list[int], crc: int | None = None
) -> dict[str, Any]:
    """What the listing keeps for one review (summary file and snapshot entry); ``crc`` (of
    the review file's bytes, when the store wrote them) lets ``get`` trust the file."""
    return {
        "id": review.id,
        "case_ref": review.case_ref,
        "framework": review.framework,
        "mode": review.mode,
        "status": review.status,
        "team": review.team,
        "reviewer": review.reviewer,
        "updated_at": review.updated_at.isoformat(),
        "revision": review.revision,
        "summary": counts(summary),
        "stamp": stamp,
        "crc": crc,
    }


def summary_from_entry(entry: Any, stamp: list[int] | None = None) -> ReviewSummary | None:
    """The summary an entry describes, if it is well formed and (given ``stamp``) current.

    Entries come from the store's own sealed caches or from a review it has just validated
    (``make_entry``), so only their shape is checked here, cheaply: a listing reads thousands."""
    try:
        if stamp is not None and entry["stamp"] != stamp:
            return None
        updated_at = datetime.fromisoformat(entry["updated_at"])
        if updated_at.tzinfo is not UTC:
            if updated_at.tzinfo is None:
                return None
            updated_at = updated_at.astimezone(UTC)
        return ReviewSummary(
            id=str(entry["id"]),
            case_ref=str(entry["case_ref"]),
            framework=str(entry["framework"]),
            mode=str(entry["mode"]),
            status=str(entry["status"]),
            team=str(entry["team"]),
            reviewer=str(entry["reviewer"]),
            updated_at=updated_at,
            revision=int(entry["revision"]),
            summary=dict(entry["summary"]),
        )
    except (KeyError, TypeError, ValueError, OverflowError):
        return None


def counts(summary: Any) -> dict[str, int]:
    """A listing summary as the home screen reads it: counts only (a review file edited by
    hand can hold anything there)."""
    if not isinstance(summary, dict):
        return {}
    return {
        k: v
        for k, v in summary.items()
        if isinstance(k, str) and type(v) is int and -(2**53) <= v <= 2**53
    }


# -- listing rows: an entry as one line of listing.log ---------------------------------------
#
# ``[id, case_ref, framework, mode, status, team, reviewer, updated_at, revision, counts,
# stamp, crc]``: the entry's values in a fixed order (a third smaller than the entry and
# parsed faster; a listing reads thousands).  ``updated_at`` is the ISO text of a UTC time
# (``+00:00``), so rows sort by it as text: a time with no fraction of a second ("...:00+00:00")
# sorts before the same second with one ("...:00.5+00:00"), as '+' comes before '.'.

ID, CASE_REF, FRAMEWORK, MODE, STATUS, TEAM, REVIEWER, UPDATED_AT, REVISION, COUNTS = range(10)
STAMP, CRC = 10, 11
_ROW_LENGTH = 12


def make_row(entry: dict[str, Any]) -> list[Any]:
    """The row of an entry (``make_entry``'s, or a sound sealed summary file's)."""
    return [
        entry["id"],
        entry["case_ref"],
        entry["framework"],
        entry["mode"],
        entry["status"],
        entry["team"],
        entry["reviewer"],
        _utc_text(entry["updated_at"]),
        entry["revision"],
        counts(entry.get("summary")),
        entry["stamp"],
        entry.get("crc") if isinstance(entry.get("crc"), int) else None,
    ]


def _utc_text(text: str) -> str:
    if text.endswith("+00:00"):
        return text
    moment = datetime.fromisoformat(text)
    return (moment if moment.tzinfo is UTC else moment.astimezone(UTC)).isoformat()


def row_ok(row: Any, stamp: list[int]) -> TypeGuard[list[Any]]:
    """Whether ``row`` is a well-formed row of the review file with this stamp (rows come
    from the store's own sealed log, so only what sorting and filtering rely on is checked,
    cheaply: a listing checks thousands; ``row_summary`` makes the rest plain)."""
    return (
        type(row) is list
        and len(row) == _ROW_LENGTH
        and row[STAMP] == stamp
        and type(row[ID]) is str
        and type(row[CASE_REF]) is str
        and type(row[TEAM]) is str
        and type(row[UPDATED_AT]) is str
        and row[UPDATED_AT].endswith("+00:00")
        and type(row[REVISION]) is int
        and type(row[COUNTS]) is dict
    )


def row_summary(row: list[Any]) -> ReviewSummary:
    """The summary a (checked) row describes."""
    return ReviewSummary(
        id=row[ID],
        case_ref=row[CASE_REF],
        framework=str(row[FRAMEWORK]),
        mode=str(row[MODE]),
        status=str(row[STATUS]),
        team=row[TEAM],
        reviewer=str(row[REVIEWER]),
        updated_at=datetime.fromisoformat(row[UPDATED_AT]),
        revision=row[REVISION],
        summary=counts(row[COUNTS]),
    )
