"""Moving reviews between stores, audit trails included: ``case-review store copy FROM TO``.

Any two backends (a folder, ``memory:``, ``postgresql://...``).  Each review is read from FROM
with its audit trail, exactly as kept, and kept in TO as it was: the same record (revision and
times), the same events with the same hashes, so ``case-review audit verify`` gives at TO what
it gives at FROM.  TO keeps a copied review through its ``adopt`` (PostgreSQL: one
transaction; a folder: ``store.saving.adopt``, trail first, review last); a store that cannot
take a trail as it was (the memory store) saves the review anew, its trail starting with the
copy.  A trail whose events carry no hashes at all (the memory store keeps none) is chained as
it is copied.

Resumable, as ``import`` is: a review whose id TO already holds is skipped and counted, never
overwritten, so a copy that was interrupted (a lost connection, kill -9) is finished by running
it again.  Each review is copied whole or not at all (see each store's ``adopt``).

What stops a review from being copied is named, one line each, and the rest are copied: a
review FROM cannot read (a damaged file, a row edited by hand), a trail it cannot read whole
(copying part of it would break the chain at TO), a learning review (never stored).  ``plan``
is the copy's reading without any writing, for ``case-review store check``; ``inspect`` opens
a store without making or migrating anything (the command opens FROM with it, so a copy from
a folder or a database that holds no store writes nothing anywhere).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from store.errors import ConflictError, StoreError

if TYPE_CHECKING:
    from store.protocol import ReviewStore
    from store.records import Review

Progress = Callable[[int, int], None]  # (reviews done, reviews in all)


@dataclass
class Copied:
    """What a copy did (or, for ``plan``, would do)."""

    total: int = 0
    copied: int = 0
    present: int = 0
    learning: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def not_copied(self) -> int:
        return len(self.problems)


def trail_of(store: ReviewStore, review_id: str) -> tuple[list[dict[str, Any]], list[str]]:
    """A review's audit events as JSON objects, as the store keeps them, and those it could
    not read."""
    own = getattr(store, "trail_data", None)
    if callable(own):
        events, problems = own(review_id)
        return list(events), list(problems)
    trail = store.audit(review_id)
    return [e.to_data() for e in trail], list(trail.problems)


def chained(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``events`` as they are, or chained if none of them carries a hash (see above)."""
    if not events or any(e.get("prev") is not None for e in events):
        return events
    from store import audit as audit_log

    return audit_log.chain([{k: v for k, v in e.items() if k != "prev"} for e in events], None)[0]


def _read(
    source: ReviewStore, counts: Copied
) -> Iterator[tuple[Review, list[dict[str, Any]], dict[str, Any]]]:
    """Every review FROM holds that can be copied, with its trail and listing summary."""
    listing = source.summaries()
    counts.total = listing.total + len(listing.problems)
    counts.problems.extend(f"not read: {p}" for p in listing.problems)
    for summary in listing:
        if summary.mode == "learning":
            counts.learning += 1
            continue
        try:
            review = source.get(summary.id)
        except KeyError:
            counts.total -= 1  # gone since it was listed
            continue
        except StoreError as exc:
            counts.problems.append(f"not read: {exc}")
            continue
        events, problems = trail_of(source, review.id)
        if problems:
            counts.problems.append(
                f"not copied: review {review.id!r} ({review.case_ref}): its audit trail cannot "
                f"be read whole: {problems[0]}"
            )
            continue
        yield review, chained(events), dict(summary.summary)


def plan(source: ReviewStore, progress: Progress | None = None) -> Copied:
    """What ``copy`` would read from ``source``, and what would stop it; nothing written."""
    counts = Copied()
    for _review, _events, _summary in _read(source, counts):
        counts.copied += 1
        if progress is not None:
            progress(counts.copied + counts.learning + counts.not_copied, counts.total)
    return counts


def copy(source: ReviewStore, target: ReviewStore, progress: Progress | None = None) -> Copied:
    """Copy every review of ``source`` that ``target`` lacks (see the module docstring)."""
    if source.location == target.location:
        raise StoreError(f"{source.location}: FROM and TO are the same store; nothing to copy")
    counts = Copied()
    for review, events, summary in _read(source, counts):
        if target.exists(review.id) or not adopt(target, review, events, summary):
            counts.present += 1
        else:
            counts.copied += 1
        if progress is not None:
            done = counts.copied + counts.present + counts.learning + counts.not_copied
            progress(done, counts.total)
    return counts


def adopt(
    target: ReviewStore, review: Review, events: list[dict[str, Any]], summary: dict[str, Any]
) -> bool:
    """Keep ``review`` with its trail in ``target``; False if it is there already."""
    own = getattr(target, "adopt", None)
    if callable(own):
        return bool(own(review, events, summary))
    from store.reviews import Actor

    try:  # a store that keeps no trail of its own making (memory): saved anew
        target.save(
            review.copy(revision=0),
            Actor("store copy", "other"),
            summary=summary,
            action="copied",
            touch=False,
        )
    except ConflictError:
        return False
    return True


def inspect(spec: str) -> tuple[ReviewStore | None, list[str]]:
    """The store ``spec`` names, opened without creating or migrating anything (None when
    there is nothing there yet), and notes on it; StoreError (one line) if it cannot be used
    (unreachable, a wrong password, a newer schema version, a folder that is not a store)."""
    from store.backends import MEMORY, is_database, open_store, store_spec

    chosen = store_spec(spec)
    if is_database(chosen):
        try:
            from store.postgres import PostgresStore
        except ImportError:
            return open_store(chosen), []  # (says, in one line, what is missing)
        from store.pg_schema import LATEST

        database = PostgresStore.open(chosen, create=False)
        version = database.schema_version()
        where = database.location
        if version == 0:
            database.close()
            return None, [
                f"{where}: reachable; no case-review tables yet (a copy to it makes them)"
            ]
        notes = [f"{where}: reachable; schema version {version} (this program's: {LATEST})"]
        if version < LATEST:
            notes.append(f"{where}: the tables are migrated to version {LATEST} when next opened")
        return database, notes
    if chosen.lower() in (MEMORY, "memory"):
        return open_store(chosen), ["memory: a store of this process only, empty"]
    from store.reviews import resolve_path

    path = resolve_path(chosen or None)
    if not path.exists():
        return None, [f"{path}: no store there yet (a copy to it makes one)"]
    return open_store(chosen), []
