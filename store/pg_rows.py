"""A review as a row of ``case_review.reviews``: its columns, the SQL that writes them, the
filters the listing uses, and the record read back (validated) from the row.

Every column but ``record`` is written from the validated record by each save, so that the
listing, the filters and the orders are queries on indexed columns (``store.pg_schema``).
Text columns keep any text through ``store.pg_values``; keys for comparisons ignoring case
(``case_key``, ``team_key``) are Python's ``casefold``, as the file store compares them.
"""

from __future__ import annotations

import json
from datetime import UTC
from typing import TYPE_CHECKING, Any

from store.errors import StoreError
from store.pg_values import dump_json, from_db, to_db
from store.records import SCHEMA_VERSION, Review, migrate

if TYPE_CHECKING:
    from store.reviews import ReviewSummary

_MAX_COUNT = 2**53

SUMMARY_COLUMNS = (
    "id, case_ref, framework, mode, status, team, reviewer, updated_at, revision, summary"
)

INSERT = """
INSERT INTO case_review.reviews (
    id, case_ref, case_key, team, team_key, status, mode, framework, reviewer, updated_at,
    revision, schema_version, summary, open_flags, urgent_flags, head, record)
VALUES (
    %(id)s, %(case_ref)s, %(case_key)s, %(team)s, %(team_key)s, %(status)s, %(mode)s,
    %(framework)s, %(reviewer)s, %(updated_at)s, %(revision)s, %(schema_version)s,
    %(summary)s::jsonb, %(open_flags)s, %(urgent_flags)s, %(head)s, %(record)s::json)"""

UPDATE = """
UPDATE case_review.reviews SET
    case_ref = %(case_ref)s, case_key = %(case_key)s, team = %(team)s, team_key = %(team_key)s,
    status = %(status)s, mode = %(mode)s, framework = %(framework)s, reviewer = %(reviewer)s,
    updated_at = %(updated_at)s, revision = %(revision)s, schema_version = %(schema_version)s,
    summary = %(summary)s::jsonb, open_flags = %(open_flags)s,
    urgent_flags = %(urgent_flags)s, head = %(head)s, record = %(record)s::json
WHERE id = %(id)s"""


def counts(summary: Any) -> dict[str, int]:
    """A listing summary as kept: its counts only (as the file store keeps it)."""
    if not isinstance(summary, dict):
        return {}
    return {
        k: v
        for k, v in summary.items()
        if isinstance(k, str) and type(v) is int and -_MAX_COUNT <= v <= _MAX_COUNT
    }


def first_error(exc: Any) -> str:
    """pydantic's first complaint about a record, in one line."""
    errors = exc.errors()
    if not errors:
        return "invalid"
    first = errors[0]
    where = ".".join(str(p) for p in first.get("loc", ())) or "(record)"
    more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
    return f"{where}: {first.get('msg', 'invalid')}{more}"


def filters(
    *,
    team: str | None = None,
    query: str | None = None,
    status: str | None = None,
    framework: str | None = None,
    prefix: str = "",
) -> tuple[str, list[Any]]:
    """A WHERE clause (possibly empty) and its parameters for the protocol's filters."""
    terms: list[str] = []
    params: list[Any] = []
    if team is not None:
        terms.append(f"{prefix}team_key = %s")
        params.append(to_db(team.strip().casefold()))
    if query:
        terms.append(f"strpos({prefix}case_key, %s) > 0")
        params.append(to_db(query.strip().casefold()))
    if status is not None:
        terms.append(f"{prefix}status = %s")
        params.append(to_db(status))
    if framework is not None:
        terms.append(f"{prefix}framework = %s")
        params.append(to_db(framework))
    return (" WHERE " + " AND ".join(terms) if terms else ""), params


def columns(
    review: Review, summary: dict[str, int], head: str | None, record: dict[str, Any]
) -> dict[str, Any]:
    """A review row's columns, from the validated record."""
    return {
        "id": to_db(review.id),
        "case_ref": to_db(review.case_ref),
        "case_key": to_db(review.case_ref.casefold()),
        "team": to_db(review.team),
        "team_key": to_db(review.team.strip().casefold()),
        "status": review.status,
        "mode": review.mode,
        "framework": to_db(review.framework),
        "reviewer": to_db(review.reviewer),
        "updated_at": review.updated_at,
        "revision": review.revision,
        "schema_version": review.schema_version,
        "summary": dump_json(summary),
        "open_flags": summary.get("open_flags", 0),
        "urgent_flags": summary.get("urgent_flags", 0),
        "head": head,
        "record": json.dumps(record, ensure_ascii=False, separators=(",", ":")),
    }


def summary_of(row: tuple[Any, ...]) -> ReviewSummary:
    """The listing's summary of a row (``SUMMARY_COLUMNS``)."""
    from store import ReviewSummary

    kept = row[9]
    if isinstance(kept, dict):
        kept = {from_db(k): v for k, v in kept.items()}
    return ReviewSummary(
        id=from_db(row[0]),
        case_ref=from_db(row[1]),
        framework=from_db(row[2]),
        mode=row[3],
        status=row[4],
        team=from_db(row[5]),
        reviewer=from_db(row[6]),
        updated_at=row[7].astimezone(UTC),
        revision=int(row[8]),
        summary=counts(kept),
    )


def check(record: dict[str, Any], location: str) -> None:
    """Never keep a record that could not be read back (as the file store)."""
    from pydantic import ValidationError

    from checked import validate

    try:
        validate(Review, record)
    except ValidationError as exc:
        raise StoreError(f"{location}: not saved, not a valid review: {first_error(exc)}") from None


def review_of(review_id: str, text: str, location: str) -> Review:
    """A row's record (JSON text) as a review, validated and migrated as the file store
    reads its files (a sound current record in one pass of pydantic, else through
    ``migrate``); StoreError naming the review if it is not one."""
    from pydantic import ValidationError

    from checked import adapter, validate

    try:
        fast: Review | None = adapter(Review).validate_json(text)
    except ValueError:  # (pydantic's ValidationError) the careful path says why
        fast = None
    if fast is not None and fast.schema_version == SCHEMA_VERSION:
        return _same_id(fast, review_id, location)
    try:
        data = json.loads(text)
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        review: Review = validate(Review, migrate(data))
    except ValidationError as exc:
        raise StoreError(
            f"{location}: review {review_id!r}: not a valid review record: {first_error(exc)}"
        ) from None
    except (ValueError, KeyError, TypeError) as exc:
        raise StoreError(f"{location}: review {review_id!r}: not a review record: {exc}") from None
    return _same_id(review, review_id, location)


def _same_id(review: Review, review_id: str, location: str) -> Review:
    if review.id != review_id:
        raise StoreError(f"{location}: the row of review {review_id!r} holds review {review.id!r}")
    return review


def saving(action: str, review: Review) -> str:
    """What a save was saving, for a message."""
    if action == "imported":
        return f"imported review {review.id!r} ({review.case_ref})"
    if action == "created":
        return f"the new review of {review.case_ref}"
    return f"the latest change to {review.case_ref}"
