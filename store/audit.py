"""The audit trail: what changed between two versions of a review, and the append-only log.

``diff`` compares the stored review with the one being saved, field by field (``status``,
``facts.custody``, ``judgements.rr.plan``, ``flag_states.check:countersign_late``, ...) and
returns one ``AuditEvent`` per change with the old and new values.  Navigation state
(``skipped``, ``focus``) and bookkeeping (``revision``, timestamps) are not changes to the
review and are not audited.

Each review has its own log, ``<store>/audit/<key>.jsonl``: one JSON object per line, appended
with ``O_APPEND`` in a single write and fsynced.  Appending costs the same however many reviews
or events the store holds.  A crash during an append can leave a last line without its newline;
readers skip such a torn line and crash recovery (``store.saving``) cuts it off before
appending what is missing of that save's events from the copy kept in the review file.

Tamper evidence: each event carries ``prev``, the SHA-256 of the canonical JSON (``canonical``:
keys sorted, no spaces, ASCII) of the event before it in the same log, and each line is written
in that canonical form.  The review file keeps the hash of the last event (its ``head``), so an
event edited, removed, inserted or moved anywhere in the log, the last one included, breaks the
chain where it happened; ``store.trail`` checks chains and replays them against the reviews.
Saves cost nothing more for it: the previous hash is the head kept in the review file that the
save reads anyway.  Logs written before the chain existed have events without ``prev``; the
first save after the upgrade chains its events to the last of those (read once from the log's
tail), and ``audit verify`` notes how many events precede the chain.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import field
from pathlib import Path
from typing import Annotated, Any

from checked import FORBID, Doc, frozen, validate
from checked.digest import sha256_hex
from checked.files import open_regular, read_fd
from store.errors import StoreError
from store.records import SCHEMA_VERSION, Record, Review, Time, now
from store.storage import FILE_MODE, fsync_dir

MAX_LOG_BYTES = 256 * 1024 * 1024  # some 100,000 answers to one review; read whole


@frozen
class AuditEvent(Record):
    """One change, appended to the audit trail and never rewritten."""

    __pydantic_config__ = FORBID

    review_id: str
    case_ref: str
    action: Annotated[str, Doc("created, answered, changed, removed, imported, status, ...")]
    schema_version: int = SCHEMA_VERSION
    at: Time = field(default_factory=now)
    who: str = ""
    role: str = ""
    field: Annotated[str, Doc("e.g. facts.custody or judgements.rr.plan")] = ""
    old: Any = None
    new: Any = None
    revision: Annotated[int, Doc("The review revision this change produced.")] = 0
    prev: Annotated[
        str | None,
        Doc("SHA-256 of the canonical JSON of the event before this one in the review's log."),
    ] = None


# Top-level fields whose changes are audited, in the order events are written.
_SCALARS = (
    "case_ref",
    "framework",
    "framework_version",
    "mode",
    "reviewer",
    "reviewer_role",
    "participants",
    "team",
    # oversight (SPEC §10): countersigning, unlocking, escalations, the review re-audited
    "countersignature",
    "unlocks",
    "escalations",
    "earlier_review",
)
_MAPPINGS = ("facts", "judgements", "flag_states")
# What a "created" event records as its new value.
_CREATED = ("case_ref", "framework", "mode", "team", "reviewer")


def _plain(review: Review) -> dict[str, Any]:
    return review.to_data()


def diff(
    old: Review | None,
    new: Review,
    *,
    who: str,
    role: str,
    action: str,
    at: Any,
) -> list[AuditEvent]:
    """The changes that turn ``old`` (None for a new review) into ``new``.

    ``action`` is what the caller says happened.  With the default ``"answered"`` each event
    is named by what it did: ``created``, ``answered`` (a value first given), ``changed``,
    ``removed``, ``status``.  Any other action (``imported``, ``flag``, ...) names every event.
    """
    base = {
        "review_id": new.id,
        "case_ref": new.case_ref,
        "who": who,
        "role": role,
        "at": at,
        "revision": new.revision,
    }
    default = action == "answered"
    events: list[AuditEvent] = []
    after = _plain(new)
    if old is None:
        events.append(
            AuditEvent(
                **base,
                action="created" if default else action,
                field="",
                new={k: after[k] for k in _CREATED},
            )
        )
        before: dict[str, Any] = {
            **{k: after[k] for k in _SCALARS},
            "status": "in_progress",
            **{k: {} for k in _MAPPINGS},
        }
    else:
        before = _plain(old)

    def add(kind: str, field: str, old_value: Any, new_value: Any) -> None:
        events.append(
            AuditEvent(
                **base,
                action=kind if default else action,
                field=field,
                old=old_value,
                new=new_value,
            )
        )

    for name in _SCALARS:
        if before.get(name) != after.get(name):
            add("changed", name, before.get(name), after.get(name))
    for name in _MAPPINGS:
        was: dict[str, Any] = before.get(name) or {}
        now: dict[str, Any] = after.get(name) or {}
        for key in [*was, *(k for k in now if k not in was)]:
            if key not in now:
                add("removed", f"{name}.{key}", was[key], None)
            elif key not in was:
                add("answered", f"{name}.{key}", None, now[key])
            elif was[key] != now[key]:
                add("changed", f"{name}.{key}", was[key], now[key])
    if before.get("status") != after.get("status"):
        add("status", "status", before.get("status"), after.get("status"))
    return events


def value_at(record: dict[str, Any], field: str) -> Any:
    """The value an event's ``field`` names in a JSON-ready record ("" = the created header)."""
    if not field:
        return {k: record.get(k) for k in _CREATED}
    head, _, key = field.partition(".")
    if head in _MAPPINGS and key:
        return (record.get(head) or {}).get(key)
    return record.get(field)


def compact(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Events (JSON-ready, chained) as kept in the review file until appended: without
    ``new``, which is always the value now in the record saved with them (``expand`` puts it
    back, and the event's hash, taken with it, still holds)."""
    return [{k: v for k, v in e.items() if k != "new"} for e in events]


def expand(events: list[dict[str, Any]], record: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {**e, "new": value_at(record, str(e.get("field", "")))}
        for e in events
        if isinstance(e, dict)
    ]


def canonical(event: dict[str, Any]) -> bytes:
    """An event's canonical JSON: what each log line holds and what its hash is taken of."""
    text = json.dumps(event, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return text.encode("ascii")  # ensure_ascii (the default): any text, even lone surrogates


def event_hash(event: dict[str, Any]) -> str:
    return sha256_hex(canonical(event))


def chain(events: list[dict[str, Any]], prev: str | None) -> tuple[list[dict[str, Any]], str]:
    """``events`` (JSON-ready, ``new`` included) each with the hash of the one before; and the
    hash of the last (the log's new head)."""
    out = []
    for event in events:
        event = {**event, "prev": prev}
        prev = event_hash(event)
        out.append(event)
    assert prev is not None or not out
    return out, prev or ""


def append(path: Path, events: list[dict[str, Any]]) -> None:
    """Append events (JSON-ready dicts) to a log: one write, O_APPEND, fsync. 0600.

    The log is never opened through a link or as anything but a regular file
    (``checked.files.Refused``, an OSError)."""
    if not events:
        return
    data = b"".join(canonical(e) + b"\n" for e in events)
    created = not os.path.lexists(path)
    fd, _ = open_regular(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, mode=FILE_MODE)
    try:
        if created:
            os.fchmod(fd, FILE_MODE)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)
    if created:
        fsync_dir(path.parent)


def read_log(path: Path) -> bytes | None:
    """A log's bytes (None if there is none); OSError if it cannot be read (a link, ...)."""
    try:
        fd, st = open_regular(path)
    except FileNotFoundError:
        return None
    try:
        return read_fd(fd, st.st_size, MAX_LOG_BYTES, path)
    finally:
        os.close(fd)


def tail(path: Path) -> dict[str, Any] | None:
    """The last complete event of a log (None if none or unreadable), reading only its tail."""
    try:
        fd, st = open_regular(path)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        size = st.st_size
        if size == 0:
            return None
        end = _last_newline(handle, size)
        if end == 0:
            return None
        start = _last_newline(handle, end - 1)
        handle.seek(start)
        line = handle.read(end - start)
    try:
        data = json.loads(line)
    except (ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) else None


def tail_hash(path: Path) -> str | None:
    """The hash of a log's last complete event, None if it has none."""
    last = tail(path)
    return event_hash(last) if last is not None else None


def cut_torn_tail(path: Path) -> None:
    """Drop an unfinished last line left by a crash mid-append (only called under the lock)."""
    try:
        fd, st = open_regular(path, os.O_RDWR)
    except FileNotFoundError:
        return
    size = st.st_size
    with os.fdopen(fd, "rb+") as handle:
        if size == 0:
            return
        handle.seek(size - 1)
        if handle.read(1) == b"\n":
            return
        end = _last_newline(handle, size)
        handle.truncate(end)
        handle.flush()
        os.fsync(handle.fileno())


def _last_newline(handle: Any, size: int) -> int:
    """Offset just after the last newline before ``size`` (0 if none)."""
    pos = size
    while pos > 0:
        start = max(0, pos - 65536)
        handle.seek(start)
        chunk = handle.read(pos - start)
        index = chunk.rfind(b"\n")
        if index >= 0:
            return start + index + 1
        pos = start
    return 0


def last_revision(path: Path) -> int:
    """The revision of the last complete event in a log (0 if none), reading only its tail."""
    last = tail(path)
    try:
        return int(last.get("revision", 0)) if last is not None else 0
    except (ValueError, TypeError, OverflowError):
        return 0


def read(path: Path, problems: list[str] | None = None) -> Iterator[AuditEvent]:
    """Every complete event in a log; damaged lines are reported in ``problems`` and skipped."""
    try:
        raw = read_log(path)
    except OSError as exc:
        from checked.files import describe

        raise StoreError(f"{path}: cannot be read: {describe(exc)}", path) from None
    if raw is None:
        return
    lines = raw.split(b"\n")
    lines.pop()  # after the last newline: empty, or a torn line still being written
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            if not isinstance(data, dict):
                raise ValueError("not an object")
            yield validate(AuditEvent, migrate_event(data))
        except (ValueError, RecursionError) as exc:  # pydantic's ValidationError: ValueError
            if problems is not None:
                first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                problems.append(f"{path}: line {number} is not a readable audit event ({first})")


def migrate_event(data: dict[str, Any]) -> dict[str, Any]:
    """Audit events share the records' schema versions; only the version number moved."""
    version = data.get("schema_version", 0)
    if not isinstance(version, int) or version > SCHEMA_VERSION:
        raise ValueError(f"schema_version {version!r} is newer than this program understands")
    return {**data, "schema_version": SCHEMA_VERSION}


__all__ = [
    "append",
    "canonical",
    "chain",
    "cut_torn_tail",
    "diff",
    "event_hash",
    "last_revision",
    "read",
    "tail_hash",
]
