"""Advisory claims on one review: who has it open.

A claim is advisory: ``<store>/claims/<key>.json`` records which process has a review open
(process id, its start time, host name, time) so a second session can warn "open in another
session".  Nothing stops a second session from editing; the revision check in ``save`` is what
keeps answers from being overwritten silently.  A claim is stale when its process is gone (same
host: the process id no longer runs, or runs a different program started later) or, for a
claim made on another host, when it is older than ``CLAIM_TTL``.  Claims are written under the
store's write lock (``store.locks``); this module is imported when a claim is first read or
made, which the app does just after its first frame.
"""

from __future__ import annotations

import contextlib
import os
import socket
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checked import frozen
from checked.files import describe
from store.errors import StoreError
from store.layout import review_key
from store.storage import atomic_write, dumps, read_json_file

if TYPE_CHECKING:
    from store.folder import StoreFolder

CLAIM_TTL = timedelta(hours=12)


def process_start(pid: int) -> int | None:
    """When process ``pid`` started (clock ticks since boot), where the system says (Linux)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            stat = handle.read()
        return int(stat.rsplit(b")", 1)[1].split()[19])
    except (OSError, ValueError, IndexError):
        return None


def pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, under another user
    except OSError:
        return False
    return True


@frozen(slots=False)
class Claim:
    """Who has a review open: a process on a host, since a time."""

    review_id: str
    pid: int
    host: str
    at: datetime
    started: int | None = None
    who: str = ""

    @classmethod
    def mine(cls, review_id: str, who: str = "") -> Claim:
        pid = os.getpid()
        return cls(review_id, pid, socket.gethostname(), datetime.now(UTC), process_start(pid), who)

    @classmethod
    def from_json(cls, data: Any) -> Claim | None:
        """The claim a claim file holds, or None for anything odd (it is only advisory)."""
        try:
            at = datetime.fromisoformat(data["at"])
            pid, started = data["pid"], data.get("started")
            if at.tzinfo is None or type(pid) is not int or not 0 < pid < 2**31:
                return None
            if started is not None and (type(started) is not int or not 0 <= started < 2**63):
                return None
            return cls(
                review_id=str(data["review_id"]),
                pid=pid,
                host=str(data["host"])[:255],
                at=at.astimezone(UTC),
                started=started,
                who=str(data.get("who", ""))[:200],
            )
        except (KeyError, TypeError, ValueError, OverflowError):
            return None

    def to_json(self) -> dict[str, Any]:
        return {
            "review_id": self.review_id,
            "pid": self.pid,
            "host": self.host,
            "at": self.at.isoformat(),
            "started": self.started,
            "who": self.who,
        }

    def is_mine(self) -> bool:
        return self.pid == os.getpid() and self.host == socket.gethostname()

    def is_stale(self, now: datetime | None = None) -> bool:
        if self.host != socket.gethostname():
            return (now or datetime.now(UTC)) - self.at > CLAIM_TTL
        if not pid_alive(self.pid):
            return True
        if self.started is not None:
            current = process_start(self.pid)
            if current is not None and current != self.started:
                return True  # the process id was reused by a later process
        return False

    def describe(self, label: str) -> str:
        when = self.at.astimezone().strftime("%Y-%m-%d %H:%M")
        by = f" by {self.who}" if self.who else ""
        return (
            f"{label} is open in another session{by} (process {self.pid} on {self.host}, "
            f"since {when}); answers saved there and here are both kept, but one of you "
            f"will be asked to reload"
        )


# -- claims in a store folder (``Store.claim``, ``claimed_by``, ``release``) --------------------


def claim_path(folder: StoreFolder, review_id: str) -> Path:
    return folder.claims_dir / f"{review_key(review_id)}.json"


def _label(folder: StoreFolder, review_id: str) -> str:
    cached = folder._read_index(folder._paths(review_key(review_id))[2])
    return f"Case {cached.case_ref}" if cached else f"Review {review_id}"


def read_claim(folder: StoreFolder, review_id: str) -> Claim | None:
    try:
        data = read_json_file(claim_path(folder, review_id), "claim")
    except StoreError:
        return None  # a damaged claim is no claim: claims are advisory
    return Claim.from_json(data) if data is not None else None


def claimed_by(folder: StoreFolder, review_id: str) -> str | None:
    """A message if another live session has this review open, else None (claims nothing)."""
    existing = read_claim(folder, review_id)
    if existing is None or existing.is_mine() or existing.is_stale():
        return None
    return existing.describe(_label(folder, review_id))


def claim(folder: StoreFolder, review_id: str, *, who: str = "", force: bool = False) -> str | None:
    """Mark this review as open in this process.

    Returns None when the claim is made (no claim, a stale one, or already ours).  When
    another live session holds it, returns a one-line message saying who has it open and
    leaves their claim in place, unless ``force`` is True: then the claim is taken over and
    the message is still returned so the caller can warn.  Claims are advisory only;
    ``save``'s revision check is what prevents lost answers.  A claim that cannot be
    written (a link in its place, a full disk) is a message too, never an error.
    """
    path = claim_path(folder, review_id)
    with folder._lock:
        existing = read_claim(folder, review_id)
        message = None
        if existing is not None and not existing.is_mine() and not existing.is_stale():
            message = existing.describe(_label(folder, review_id))
            if not force:
                return message
        try:
            atomic_write(path, dumps(Claim.mine(review_id, who).to_json()))
        except OSError as exc:
            return (
                f"{path}: could not mark the review as open here ({describe(exc)}); "
                "another session will not be warned"
            )
        return message


def release(folder: StoreFolder, review_id: str) -> None:
    """Drop this process's claim on the review (another session's claim is left alone)."""
    path = claim_path(folder, review_id)
    with folder._lock:
        existing = read_claim(folder, review_id)
        if existing is not None and existing.is_mine():
            with contextlib.suppress(OSError):
                os.unlink(path)
