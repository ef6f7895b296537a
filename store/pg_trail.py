"""The audit trail on the PostgreSQL store: append-only rows, the file store's hash chain.

Each review's events are rows of ``case_review.audit_events`` numbered from 1 (``seq``), each
holding the event's canonical JSON (``store.audit.canonical``: keys sorted, ASCII) as text,
its SHA-256 and its time.  Each event's ``prev`` is the hash of the event before it in the
same review's trail, exactly as in the file store's logs, and the review's row keeps the hash
of its last event (``head``), so an event edited, removed, inserted or moved, the last one
included, breaks the chain where it happened.  A save appends its events in the transaction
that writes the review, so a trail never runs ahead of or behind its review.  The table refuses
UPDATE, DELETE and TRUNCATE (a trigger), and the chain shows anything done past that.

``verify`` is ``case-review audit verify`` here: for each review, the chain (every ``prev``
the hash of the event before, the numbers without gaps, each row's stored hash that of its
body, the last hash the row's ``head``) and the replay of ``store.trail`` (replaying the
events gives the review's current answers).  Each problem names the review and the event.
Copies (``store copy``) keep events byte for byte: ``trail_data`` gives them as kept and
``adoptable`` / ``append_rows`` write them back unchanged, so the chain holds in the copy.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from store import audit as audit_log
from store.errors import StoreError
from store.pg_values import from_db, to_db
from store.protocol import AuditTrail

if TYPE_CHECKING:
    import psycopg

    from store.audit import AuditEvent
    from store.records import Review
    from store.trail import Verdict

BATCH = 200  # reviews verified per query
_SHOWN = 6


def append(db: psycopg.Connection[Any], review_id: str, events: list[dict[str, Any]]) -> None:
    """Append a save's events (JSON-ready, chained) after the review's last one."""
    if not events:
        return
    row = db.execute(
        "SELECT coalesce(max(seq), 0) FROM case_review.audit_events WHERE review_id = %s",
        (to_db(review_id),),
    ).fetchone()
    last = int(row[0]) if row else 0
    rows = []
    for number, event in enumerate(events, start=last + 1):
        body = audit_log.canonical(event)
        rows.append((number, event["at"], body.decode("ascii"), _sha(body)))
    append_rows(db, review_id, rows)


def append_rows(
    db: psycopg.Connection[Any], review_id: str, rows: list[tuple[int, Any, str, str]]
) -> None:
    """Insert event rows ``(seq, at, body, hash)`` of one review."""
    if not rows:
        return
    key = to_db(review_id)
    db.cursor().executemany(
        "INSERT INTO case_review.audit_events (review_id, seq, at, body, hash) "
        "VALUES (%s, %s, %s::timestamptz, %s, %s)",
        [(key, seq, at, body, digest) for seq, at, body, digest in rows],
    )


def adoptable(
    events: list[dict[str, Any]], review: Review, where: str
) -> list[tuple[int, Any, str, str]]:
    """Rows for events copied from another store, unchanged; StoreError if one is not an
    audit event of this review (nothing is written then)."""
    from checked import validate
    from store.audit import AuditEvent, migrate_event

    rows = []
    for number, event in enumerate(events, start=1):
        try:
            checked: AuditEvent = validate(AuditEvent, migrate_event(event))
        except ValueError as exc:  # pydantic's ValidationError too
            first = str(exc).splitlines()[0] if str(exc) else "invalid"
            raise StoreError(
                f"{where}: review {review.id!r} was not copied: its audit event {number} is "
                f"not a readable audit event ({first})"
            ) from None
        if checked.review_id != review.id:
            raise StoreError(
                f"{where}: review {review.id!r} was not copied: its audit event {number} "
                f"belongs to review {checked.review_id!r}"
            )
        body = audit_log.canonical(event)
        rows.append((number, checked.at, body.decode("ascii"), _sha(body)))
    return rows


def _sha(body: bytes) -> str:
    from checked.digest import sha256_hex

    return sha256_hex(body)


def _event(body: str) -> AuditEvent:
    from checked import validate
    from store.audit import AuditEvent, migrate_event

    data = json.loads(body)
    if not isinstance(data, dict):
        raise ValueError("not an object")
    event: AuditEvent = validate(AuditEvent, migrate_event(data))
    return event


def audit(db: psycopg.Connection[Any], where: str, review_id: str | None) -> AuditTrail:
    """One review's events in order, or every event by time; unreadable ones in problems."""
    if review_id is not None:
        rows = db.execute(
            "SELECT review_id, seq, body FROM case_review.audit_events WHERE review_id = %s "
            "ORDER BY seq",
            (to_db(review_id),),
        ).fetchall()
    else:
        rows = db.execute(
            "SELECT review_id, seq, body FROM case_review.audit_events ORDER BY at, review_id, seq"
        ).fetchall()
    events: list[AuditEvent] = []
    problems: list[str] = []
    for kept_id, seq, body in rows:
        try:
            events.append(_event(body))
        except (ValueError, RecursionError) as exc:
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            problems.append(
                f"{where}: review {from_db(kept_id)!r}: audit event {seq} is not a readable "
                f"audit event ({first})"
            )
    return AuditTrail(events, problems)


def trail_data(
    db: psycopg.Connection[Any], where: str, review_id: str
) -> tuple[list[dict[str, Any]], list[str]]:
    """One review's events as kept (parsed JSON objects), and those that cannot be parsed."""
    rows = db.execute(
        "SELECT seq, body FROM case_review.audit_events WHERE review_id = %s ORDER BY seq",
        (to_db(review_id),),
    ).fetchall()
    events: list[dict[str, Any]] = []
    problems: list[str] = []
    for seq, body in rows:
        try:
            data = json.loads(body)
            if not isinstance(data, dict):
                raise ValueError("not an object")
            events.append(data)
        except (ValueError, RecursionError):
            problems.append(f"{where}: review {review_id!r}: audit event {seq} is not readable")
    return events, problems


def verify(
    db: psycopg.Connection[Any],
    where: str,
    load: Callable[[str, str], Review],
    ref: str | None,
) -> Verdict:
    """Check chains and replays (see the module docstring); KeyError if ``ref`` names no
    review."""
    from store.trail import Verdict

    if ref is None:
        ids = [r[0] for r in db.execute("SELECT id FROM case_review.reviews ORDER BY id")]
    else:
        ids = [
            r[0]
            for r in db.execute(
                "SELECT id FROM case_review.reviews WHERE id = %s OR case_key = %s ORDER BY id",
                (to_db(ref), to_db(ref.strip().casefold())),
            )
        ]
        if not ids:
            raise KeyError(ref)
    verdict = Verdict()
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        reviews = {
            r[0]: (r[1], r[2])
            for r in db.execute(
                "SELECT id, head, record::text FROM case_review.reviews WHERE id = ANY(%s)",
                (chunk,),
            )
        }
        trails: dict[str, list[tuple[int, str, str]]] = {kept_id: [] for kept_id in chunk}
        for kept_id, seq, body, digest in db.execute(
            "SELECT review_id, seq, body, hash FROM case_review.audit_events "
            "WHERE review_id = ANY(%s) ORDER BY review_id, seq",
            (chunk,),
        ):
            trails[kept_id].append((seq, body, digest))
        for kept_id in chunk:
            if kept_id in reviews:
                head, text = reviews[kept_id]
                _verify_one(from_db(kept_id), head, text, trails[kept_id], load, verdict)
    return verdict


def _verify_one(
    review_id: str,
    head: str | None,
    text: str,
    trail: list[tuple[int, str, str]],
    load: Callable[[str, str], Review],
    verdict: Verdict,
) -> None:
    from store.trail import verify_events

    verdict.reviews += 1
    try:
        review = load(review_id, text)
    except StoreError as exc:
        verdict.problems.append(f"review {review_id}: the review cannot be read: {exc}")
        return
    label = f"{review.case_ref} (review {review.id})"
    problems: list[str] = []
    if not trail and review.revision > 0:
        verdict.problems.append(f"{label}: the review has no audit trail")
        return
    last: str | None = None
    events: list[AuditEvent] = []
    for expected, (seq, body, digest) in enumerate(trail, start=1):
        if seq != expected:
            problems.append(f"event {seq}: events {expected} to {seq - 1} are missing")
        try:
            data = json.loads(body)
            if not isinstance(data, dict):
                raise ValueError("not an object")
        except (ValueError, RecursionError):
            problems.append(f"event {seq}: not a readable event (edited or damaged)")
            last = None
            continue
        if "prev" in data and data["prev"] != last:
            if seq == 1:
                problems.append(
                    "event 1: the chain does not start here: it names an event before it, so "
                    "events were removed from the start"
                )
            else:
                problems.append(
                    f"event {seq}: the chain breaks between events {seq - 1} and {seq}: event "
                    f"{seq - 1} was edited, or events between them were removed, inserted or "
                    "reordered"
                )
        elif "prev" not in data and last is not None:
            problems.append(f"event {seq}: an event without the hash of the one before")
        if data.get("review_id") != review.id:
            problems.append(f"event {seq}: an event of another review")
        last = audit_log.event_hash(data)
        if digest != _sha(body.encode("ascii", "backslashreplace")):
            problems.append(f"event {seq}: its text is not what was written (its hash differs)")
        try:
            events.append(_event(body))
        except (ValueError, RecursionError):
            problems.append(f"event {seq}: not a valid audit event")
    verdict.events += len(trail)
    if trail and head is not None and last != head:
        problems.append(
            f"event {trail[-1][0]}: the trail ends here, but the review says another event was "
            "written last: this event was edited, or events were removed from or added to the end"
        )
    if trail and head is None:
        problems.append("the review does not name its last event (its head was removed)")
    replay = verify_events({review.id: (review, events)})
    problems.extend(p.removeprefix(f"{label}: ") for p in replay.problems)
    verdict.problems.extend(f"{label}: {p}" for p in problems)
