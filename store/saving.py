"""Saving a review, and finishing saves a crash interrupted.

Why one file per review (sharding) rather than one database or a journal: saving an answer
rewrites only that review's file (a few kilobytes, atomically) and its small summary file, and
appends to its own audit log and one line to the listing log (``store.file_listing``), so the
cost of a save does not depend on how many reviews the store holds, and damage to one file
costs one review, never the store.  (Now and then, once the listing log has doubled, a save
compacts it: a constant share of the saves that made it grow.)

A save, under the store lock: read this review's file (a damaged file is refused and never
written); compare revisions (optimistic concurrency: ConflictError if another process saved
since the caller loaded); for a new review (or a new case reference), add it to its case's
file in ``cases/`` first (so the case index never lacks a review that exists; a key whose
review never came is skipped);
create the marker ``pending/<key>.dirty``; write the review file atomically with the new
record, the caller's summary, this save's audit events (their old values; the new ones are
in the record), each chained to the one before, and the hash of the last (``head``); then
write the summary file, append the audit events and the listing row, and remove the marker.
The review file is the truth and is durable before ``save`` returns.

If a crash interrupts the steps after it, the marker tells the next ``Store.open``, listing,
lookup or save of that review to redo them from the review file: the summary is rewritten,
the events the log does not end with yet are appended (found by their hashes) and the listing
row appended.  The marker lives in its own small folder so that opening the store finds
markers without listing the reviews; it is not fsynced (a process killed at any moment leaves
it; only a power cut in the millisecond before the review file's own fsync could lose it), so
nothing depends on it alone: a save first checks that the audit trail ends with the head its
review file records and finishes the earlier save if not, and the summary file and listing
row are only ever used where they match the review file.  A save whose earlier save cannot
be finished is refused, so no event is ever lost.

A save that cannot be written (a full disk, ``ulimit -f``, a read-only drive) raises one
StoreError saying what was not saved and that nothing was lost: the review file is replaced
atomically or not at all, the temporary file is removed, and every earlier answer is intact.
If the disk fills after the review file was written, the answer is saved and the marker
finishes the rest at the next save.
"""

from __future__ import annotations

import contextlib
import os
import stat
import zlib
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checked.files import describe, open_regular, read_fd
from store import cases, sealedlog
from store.actor import Actor, login_name
from store.errors import ConflictError, StoreError
from store.layout import file_stamp, review_key
from store.records import SCHEMA_VERSION, Review
from store.review_files import DOC_ID, record_from_doc, validated
from store.storage import (
    MAX_FILE_BYTES,
    TEMP_SUFFIX,
    atomic_write,
    create_private_file,
    dumps,
)
from store.summary import make_entry, make_row

if TYPE_CHECKING:
    from store.folder import StoreFolder

UNFINISHED = "cannot finish an interrupted save: "


def save(
    folder: StoreFolder,
    review: Review,
    actor: Actor,
    *,
    at: datetime,
    summary: dict[str, Any] | None = None,
    action: str = "answered",
    touch: bool = True,
) -> Review:
    """``Store.save`` (see there), the change made at ``at``."""
    if review.mode == "learning":
        raise StoreError(f"{folder.path}: learning-mode reviews are never written to the store")
    summary_data = dict(summary or {})
    try:
        dumps(summary_data)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"the summary passed to save is not plain JSON data: {exc}") from None
    key = review_key(review.id)
    path, marker, _, log_path = folder._paths(key)
    with folder._lock:
        if os.path.lexists(marker):
            problems: list[str] = []
            recover(folder, [key], problems)
            if os.path.lexists(marker):
                why = problems[0] if problems else f"{marker} is still there"
                why = why.removeprefix(f"{path}: ").removeprefix(UNFINISHED)
                raise StoreError(
                    f"{path}: {_what(action, review)} was not saved: the save before it "
                    f"could not be finished ({why}); nothing was lost: everything saved "
                    "before it is safe",
                    path,
                )
        check_targets(folder, key, cases.path_of(folder, review.case_ref), folder.listing_log)
        table = folder._table(path)
        doc = folder._read_doc(path, table)
        old = record_from_doc(doc, path, review.id) if doc is not None else None
        if doc is not None and old is not None:
            _finish_unmarked(folder, key, doc, old, action, review)
        stored = old.revision if old is not None else 0
        if review.revision != stored:
            if old is None:
                why = "is no longer in the store"
            else:
                why = "was changed in another session since it was loaded"
            raise ConflictError(
                f"{path}: review {review.case_ref} {why} (loaded revision "
                f"{review.revision}, stored revision {stored}); reload it and try again",
                path,
                expected=review.revision,
                stored=stored,
            )
        changes: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "revision": stored + 1}
        if touch:
            changes["updated_at"] = at
        new = review.copy(**changes)
        from store import audit as audit_log

        who = actor.name or login_name()
        events = audit_log.diff(old, new, who=who, role=actor.role, action=action, at=at)
        record = new.to_data()
        validated(record, path, "not saved, not a valid review")
        if doc is not None and isinstance(doc.get("head"), str):
            prev: str | None = doc["head"]
        else:  # a new review, or one whose log was written before events were chained
            prev = audit_log.tail_hash(log_path)
        chained, head = audit_log.chain([e.to_data() for e in events], prev)
        new_doc = {
            "record": record,
            "summary": summary_data,
            "audit": audit_log.compact(chained),
        }
        if head or prev:
            new_doc["head"] = head or prev
        made_marker = False
        try:
            if old is None or _case(old) != _case(review):  # (see the docstring)
                cases.add(folder, review.case_ref, key)
            made_marker = create_private_file(marker)
            if doc is None:
                from tinydb.table import Document

                table.insert(Document(new_doc, doc_id=DOC_ID))
            else:
                table.update(partial(_replace, new_doc), doc_ids=[DOC_ID])
        except OSError as exc:
            if made_marker:
                with contextlib.suppress(OSError):
                    os.unlink(marker)
            raise StoreError(
                f"{path}: could not save {_what(action, review)} ({describe(exc)}); "
                "nothing was lost: everything saved before is safe",
                path,
            ) from None
        try:
            finish(folder, key, new_doc, new, recovering=False)
            if (
                old is not None
                and old.case_ref.strip().casefold() != new.case_ref.strip().casefold()
            ):
                cases.remove(folder, old.case_ref, key)
        except (OSError, StoreError) as exc:
            # The review file is written and durable: the answer is saved.  The marker
            # stays, and the next save or open finishes the rest (or says why it cannot).
            why = str(exc) if isinstance(exc, StoreError) else describe(exc)
            folder._open_problems.append(f"{path}: saved; finishing later: {why}")
    return new


def adopt(
    folder: StoreFolder,
    review: Review,
    events: list[dict[str, Any]],
    summary: dict[str, Any] | None,
) -> bool:
    """``Store.adopt``: keep ``review``, copied from another store (``store copy``), with its
    audit ``events`` as they were (JSON objects, chained there); False, nothing written, if a
    review with its id is here already.

    The steps of a save, with the events written as they are rather than made from a diff:
    the case index first, the marker, the audit log (written whole, atomically, replacing any
    log a copy interrupted before it wrote the review file), then the review file with the
    hash of the last event as its ``head`` (the next save chains on from it), then the summary
    file and the listing row.  A copy killed at any moment leaves the whole review or, at
    worst, a log without its review (``audit verify`` names it) that the next run replaces."""
    from store import audit as audit_log

    if review.mode == "learning":
        raise StoreError(f"{folder.path}: learning-mode reviews are never written to the store")
    key = review_key(review.id)
    path, marker, _, log_path = folder._paths(key)
    record = review.to_data()
    validated(record, path, "not copied, not a valid review")
    doc: dict[str, Any] = {"record": record, "summary": dict(summary or {}), "audit": []}
    if events:
        doc["head"] = audit_log.event_hash(events[-1])
    with folder._lock:
        if os.path.lexists(path):
            return False
        check_targets(folder, key, cases.path_of(folder, review.case_ref), folder.listing_log)
        try:
            cases.add(folder, review.case_ref, key)
            create_private_file(marker)
            if events:
                atomic_write(log_path, b"".join(audit_log.canonical(e) + b"\n" for e in events))
            from tinydb.table import Document

            folder._table(path).insert(Document(doc, doc_id=DOC_ID))
        except OSError as exc:
            raise StoreError(
                f"{path}: review {review.id!r} was not copied ({describe(exc)}); nothing else "
                "was changed",
                path,
            ) from None
        try:
            finish(folder, key, doc, review, recovering=False)
        except (OSError, StoreError) as exc:  # (the review is kept: the marker finishes it)
            why = str(exc) if isinstance(exc, StoreError) else describe(exc)
            folder._open_problems.append(f"{path}: copied; finishing later: {why}")
    return True


def _finish_unmarked(
    folder: StoreFolder, key: str, doc: dict[str, Any], old: Review, action: str, review: Review
) -> None:
    """Finish the save before this one if its marker was lost (a power cut before the marker
    reached the disk; see the module docstring): its audit events are in the review file
    (``head``) but the audit trail does not end with them."""
    from store import audit as audit_log

    head = doc.get("head")
    log_path = folder._paths(key)[3]
    if not isinstance(head, str) or folder._logged.get(key) == head:
        return  # (this process finished the save that made it: no need to read the trail)
    if audit_log.tail_hash(log_path) == head:
        return
    try:
        finish(folder, key, doc, old, recovering=True)
    except (OSError, StoreError) as exc:
        why = str(exc) if isinstance(exc, StoreError) else describe(exc)
        path = folder._paths(key)[0]
        raise StoreError(
            f"{path}: {_what(action, review)} was not saved: the save before it could not be "
            f"finished ({why}); nothing was lost: everything saved before it is safe",
            path,
        ) from None


def check_targets(folder: StoreFolder, key: str, *more: Path) -> None:
    """Before a save writes anything: every file it will replace or append to is a regular
    file or missing (a planted link or a folder is refused, its target never touched)."""
    for path in (*folder._paths(key), *more):
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise StoreError(f"{path}: cannot be read: {describe(exc)}", path) from None
        if path.suffix == ".dirty" and stat.S_ISLNK(st.st_mode):
            continue  # an empty marker: only ever removed, never opened
        if not stat.S_ISREG(st.st_mode):
            from checked.files import not_regular

            raise StoreError(
                f"{path}: {not_regular(st.st_mode)}; nothing was saved (the store never "
                "writes through a link; remove it)",
                path,
            )


def finish(
    folder: StoreFolder, key: str, doc: dict[str, Any], review: Review, *, recovering: bool
) -> None:
    """After the review file is written: summary file, audit events, then drop the marker."""
    from store import audit as audit_log

    review_path, marker, index_path, log_path = folder._paths(key)
    fd, st = open_regular(review_path)
    try:
        raw = read_fd(fd, st.st_size, MAX_FILE_BYTES, review_path)
    finally:
        os.close(fd)
    index = make_entry(review, doc.get("summary"), file_stamp(st), zlib.crc32(raw))
    data = folder._sealed(index_path, dumps(index))
    if data is not None:
        atomic_write(index_path, data)
    if recovering:
        cases.add(folder, review.case_ref, key)
    events = doc.get("audit")
    if isinstance(events, list) and events:
        events = audit_log.expand(events, doc["record"])
        if recovering:
            audit_log.cut_torn_tail(log_path)
            events = _not_yet_logged(events, log_path, doc.get("head"), review.revision)
        audit_log.append(log_path, events)
    if isinstance(doc.get("head"), str):
        folder._logged[key] = doc["head"]
    _list(folder, key, make_row(index))
    with contextlib.suppress(FileNotFoundError):
        os.unlink(marker)


def _list(folder: StoreFolder, key: str, row: list[Any]) -> None:
    """Append the review's listing row; compact the listing log once the lines appended since
    its last compaction come to a quarter of it (its header is read once per log file)."""
    from store.file_listing import HEADER, compact

    appended = sealedlog.append(folder, folder.listing_log, [(key, row)], HEADER, wait=True)
    if appended is None or appended[0] <= sealedlog.SLACK:
        return
    size, inode = appended
    shape = folder._log_shape
    if shape is None or shape[0] != inode:
        found = sealedlog.header_of(folder, folder.listing_log)
        shape = folder._log_shape = (inode, *found) if found is not None else None
    if shape is None or sealedlog.needs_compaction(shape[1], size, shape[2]):
        compact(folder)
        folder._log_shape = None


def recover(folder: StoreFolder, keys: list[str], problems: list[str]) -> None:
    """Finish saves a crash interrupted (see the module docstring); idempotent."""
    with folder._lock:
        for key in keys:
            review_path, marker, _, _ = folder._paths(key)
            if not os.path.lexists(marker):
                continue  # another process finished it meanwhile
            try:
                check_targets(folder, key)
                doc = folder._read_doc(review_path)
                if doc is None:  # the crash came before the first write of a new review
                    os.unlink(marker)
                    continue
                review = record_from_doc(doc, review_path)
                finish(folder, key, doc, review, recovering=True)
            except StoreError as exc:
                problems.append(str(exc))  # damaged: leave everything as it is
            except OSError as exc:
                problems.append(f"{review_path}: {UNFINISHED}{describe(exc)}")


def recover_interrupted(folder: StoreFolder) -> None:
    """At open: finish interrupted saves and remove temporary files a crash left behind.

    Only small folders are looked at (the markers in ``pending/``, the store folder itself,
    claims): a temporary file in ``reviews/``, ``index/`` or ``cases/`` is only ever left by a
    save cut short, which leaves its marker, so those are swept only when there are markers."""
    small = (folder.pending_dir, folder.claims_dir, folder.path)
    try:
        names = {place: os.listdir(place) for place in small}
    except OSError:
        return
    dirty = [n[:-6] for n in names[folder.pending_dir] if n.endswith(".dirty") and n[0] != "."]
    temps = [n for found in names.values() for n in found if _temporary(n)]
    if not dirty and not temps:
        return
    problems: list[str] = []
    places = (*small, folder.reviews_dir, folder.index_dir, folder.cases_dir) if dirty else small
    try:
        with folder._lock:
            recover(folder, dirty, problems)
            # Under the lock nobody is writing, so every temporary file is a leftover
            # (unlink removes a link itself, never its target).
            for place in places:
                for name in os.listdir(place):
                    if _temporary(name):
                        with contextlib.suppress(OSError):
                            os.unlink(place / name)
    except (StoreError, OSError) as exc:
        problems.append(str(exc))
    folder._open_problems = problems


def _temporary(name: str) -> bool:
    return name.startswith(".") and name.endswith(TEMP_SUFFIX)


def _case(review: Review) -> str:
    return review.case_ref.strip().casefold()


def _what(action: str, review: Review) -> str:
    """What a save was saving, for a message."""
    if action == "imported":
        return f"imported review {review.id!r} ({review.case_ref})"
    if action == "created":
        return f"the new review of {review.case_ref}"
    return f"the latest change to {review.case_ref}"


def _not_yet_logged(
    events: list[dict[str, Any]], log: Path, head: Any, revision: int
) -> list[dict[str, Any]]:
    """Of a save's events, those the log does not end with yet (crash recovery).  The log's
    last hash says where it stopped: at the head (all there), at one of these events (the rest
    are missing), or just before them (all missing).  Events from before the chain existed
    are matched by the revision they produced, as before."""
    from store import audit as audit_log

    last = audit_log.tail_hash(log)
    if head is not None and last == head:
        return []
    hashes = [audit_log.event_hash(e) for e in events]
    if last in hashes:
        return events[hashes.index(last) + 1 :]
    if "prev" in events[0] and events[0]["prev"] == last:
        return events
    return events if audit_log.last_revision(log) < revision else []


def _replace(new: dict[str, Any], doc: dict[str, Any]) -> None:
    doc.clear()
    doc.update(new)
