"""The audit trail: what changed between two versions of a review, and the append-only log.

``diff`` compares the stored review with the one being saved, field by field (``status``,
``facts.custody``, ``judgements.rr.plan``, ``flag_states.check:countersign_late``, ...) and
returns one ``AuditEvent`` per change with the old and new values.  Navigation state
(``skipped``, ``focus``) and bookkeeping (``revision``, timestamps) are not changes to the
review and are not audited.

Each review has its own log, ``<store>/audit/<key>.jsonl``: one JSON object per line, appended
with ``O_APPEND`` in a single write and fsynced.  Appending costs the same however many reviews
or events the store holds.  A crash during an append can leave a last line without its newline;
readers skip such a torn line and crash recovery (``store.reviews``) cuts it off before
appending that save's events again from the copy kept in the review file.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import field
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

from checked import FORBID, Doc, frozen, validate
from store.errors import StoreError
from store.records import SCHEMA_VERSION, Record, Review, now
from store.storage import FILE_MODE, dumps, fsync_dir


@frozen
class AuditEvent(Record):
    """One change, appended to the audit trail and never rewritten."""

    __pydantic_config__ = FORBID

    review_id: str
    case_ref: str
    action: Annotated[str, Doc("created, answered, changed, removed, imported, status, ...")]
    schema_version: int = SCHEMA_VERSION
    at: datetime = field(default_factory=now)
    who: str = ""
    role: str = ""
    field: Annotated[str, Doc("e.g. facts.custody or judgements.rr.plan")] = ""
    old: Any = None
    new: Any = None
    revision: Annotated[int, Doc("The review revision this change produced.")] = 0


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


def compact(events: list[AuditEvent]) -> list[dict[str, Any]]:
    """Events as kept in the review file until appended: without ``new``, which is always the
    value now in the record saved with them (``expand`` puts it back)."""
    return [{k: v for k, v in e.to_data().items() if k != "new"} for e in events]


def expand(events: list[dict[str, Any]], record: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {**e, "new": value_at(record, str(e.get("field", "")))}
        for e in events
        if isinstance(e, dict)
    ]


def append(path: Path, events: list[dict[str, Any]]) -> None:
    """Append events (JSON-ready dicts) to a log: one write, O_APPEND, fsync. 0600."""
    if not events:
        return
    data = b"".join(dumps(e) + b"\n" for e in events)
    created = not path.exists()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, FILE_MODE)
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


def cut_torn_tail(path: Path) -> None:
    """Drop an unfinished last line left by a crash mid-append (only called under the lock)."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return
    if size == 0:
        return
    with open(path, "rb+") as handle:
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
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return 0
    if size == 0:
        return 0
    with open(path, "rb") as handle:
        end = _last_newline(handle, size)
        if end == 0:
            return 0
        start = _last_newline(handle, end - 1)
        handle.seek(start)
        line = handle.read(end - start)
    try:
        return int(json.loads(line).get("revision", 0))
    except (ValueError, TypeError, AttributeError):
        return 0


def read(path: Path, problems: list[str] | None = None) -> Iterator[AuditEvent]:
    """Every complete event in a log; damaged lines are reported in ``problems`` and skipped."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except FileNotFoundError:
        return
    except OSError as exc:
        raise StoreError(f"{path}: cannot be read: {exc.strerror}", path) from None
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
        except ValueError as exc:  # pydantic's ValidationError is a ValueError
            if problems is not None:
                first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                problems.append(f"{path}: line {number} is not a readable audit event ({first})")


def migrate_event(data: dict[str, Any]) -> dict[str, Any]:
    """Audit events share the records' schema versions; only the version number moved."""
    version = data.get("schema_version", 0)
    if not isinstance(version, int) or version > SCHEMA_VERSION:
        raise ValueError(f"schema_version {version!r} is newer than this program understands")
    return {**data, "schema_version": SCHEMA_VERSION}


__all__ = ["append", "cut_torn_tail", "diff", "last_revision", "read"]
