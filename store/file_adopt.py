"""A review copied into the file store with its audit trail as it was (``store copy`` to a
folder).

``Store.save`` writes a review's new events itself (from ``store.audit.diff``), so a copy, whose
events already happened, writes the review file and its log the way a save leaves them: the
log (``audit/<key>.jsonl``) holds the events exactly as they were (their canonical JSON, each
chained to the one before by the source store), and the review file (written through the
store's own ``AtomicJSONStorage``) keeps the record, its listing summary and the hash of the
last event as its ``head``.  The next save of the review chains on from that head, and
``audit verify`` checks the copied chain as any other.

Under the store's write lock: nothing is written when the review file exists (the review is
already there: ``False``); the log is written first, replacing atomically any log a copy
interrupted before it wrote the review file, then the review file, atomically.  So a copy
killed at any moment leaves either the whole review or, at worst, a log without its review
(``audit verify`` names it) that the next run of the copy replaces; never a review without
its trail.  Files are never written through a link (``store.storage.atomic_write``).

This module knows the file store's layout (``store.reviews``): it belongs beside
``Store.save`` and moves there if the file store's internals change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from store.errors import StoreError

if TYPE_CHECKING:
    from store.records import Review
    from store.reviews import Store


def adopt(
    store: Store, review: Review, events: list[dict[str, Any]], summary: dict[str, Any] | None
) -> bool:
    """Keep ``review`` and its ``events`` (JSON objects, chained) in the file store ``store``
    as they are; False (nothing written) if a review with its id is already there."""
    from pydantic import ValidationError

    from checked import validate
    from checked.files import describe
    from store import audit as audit_log
    from store.locks import StoreLock
    from store.records import Review as ReviewType
    from store.reviews import DOC_ID, LOCK, TABLE, review_key
    from store.storage import atomic_write, check_private_dir
    from store.tinydb_storage import AtomicJSONStorage

    if review.mode == "learning":
        raise StoreError(f"{store.path}: learning-mode reviews are never written to the store")
    record = review.to_data()
    try:
        validate(ReviewType, record)
    except ValidationError as exc:
        errors = exc.errors()
        where = ".".join(str(p) for p in errors[0]["loc"]) if errors else "(record)"
        what = errors[0]["msg"] if errors else "invalid"
        raise StoreError(
            f"{store.path}: review {review.id!r} was not copied, not a valid review: {where}: "
            f"{what}"
        ) from None
    review_path = store.review_path(review.id)
    log_path = store.audit_dir / f"{review_key(review.id)}.jsonl"
    doc: dict[str, Any] = {"record": record, "summary": dict(summary or {}), "audit": []}
    if events:
        doc["head"] = audit_log.event_hash(events[-1])
    log = b"".join(audit_log.canonical(e) + b"\n" for e in events)
    with StoreLock(store.path / LOCK):
        check_private_dir(store.reviews_dir, follow=False)
        check_private_dir(store.audit_dir, follow=False)
        if store.exists(review.id):
            return False
        try:
            if events:
                atomic_write(log_path, log)
            AtomicJSONStorage(review_path).write({TABLE: {str(DOC_ID): doc}})
        except OSError as exc:
            raise StoreError(
                f"{review_path}: review {review.id!r} was not copied ({describe(exc)}); "
                "nothing else was changed",
                review_path,
            ) from None
    return True
