"""Locks: the store-wide write lock, and advisory claims on one review.

The write lock is ``fcntl.flock`` on ``<store>/.lock``.  Every read-modify-write of the store
(a save, crash recovery, a claim) holds it, so two processes never interleave their writes.
It is held for a few milliseconds (one review file, one index file, one audit append), never
while a person is typing.  The kernel drops it when a process dies, even by SIGKILL.  Reads
take no lock: every file is replaced atomically, so a reader sees a whole old or whole new file.

A claim is advisory: ``<store>/claims/<key>.json`` records which process has a review open
(process id, its start time, host name, time) so a second session can warn "open in another
session".  Nothing stops a second session from editing; the revision check in ``save`` is what
keeps answers from being overwritten silently.  A claim is stale when its process is gone (same
host: the process id no longer runs, or runs a different program started later) or, for a
claim made on another host, when it is older than ``CLAIM_TTL``.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import socket
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from store.errors import StoreError
from store.storage import FILE_MODE

LOCK_TIMEOUT = 30.0
CLAIM_TTL = timedelta(hours=12)


class StoreLock:
    """Exclusive, re-entrant (per thread of one Store) flock on the store's lock file."""

    def __init__(self, path: Path, timeout: float = LOCK_TIMEOUT) -> None:
        self.path = path
        self.timeout = timeout
        self._thread_lock = threading.RLock()
        self._depth = 0
        self._fd: int | None = None

    def __enter__(self) -> StoreLock:
        self._thread_lock.acquire()
        try:
            if self._depth == 0:
                self._fd = self._acquire()
            self._depth += 1
        except BaseException:
            self._thread_lock.release()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self._depth -= 1
            if self._depth == 0 and self._fd is not None:
                fd, self._fd = self._fd, None
                try:
                    fcntl.flock(fd, fcntl.LOCK_UN)
                finally:
                    os.close(fd)
        finally:
            self._thread_lock.release()

    @property
    def held(self) -> bool:
        return self._depth > 0

    def _acquire(self) -> int:
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, FILE_MODE)
        except OSError as exc:
            raise StoreError(
                f"{self.path}: cannot open the store's lock file: {exc.strerror}", self.path
            ) from None
        # A lock file someone else owns on a shared drive cannot be chmod-ed: still lockable.
        with contextlib.suppress(OSError):
            os.fchmod(fd, FILE_MODE)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd
        except OSError as exc:
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                os.close(fd)
                raise StoreError(
                    f"{self.path}: cannot lock the store: {exc.strerror}", self.path
                ) from None
        return self._wait(fd)

    def _wait(self, fd: int) -> int:
        """Block for the lock, in the kernel's queue (fair to a busy writer), with a timeout.

        A blocking flock cannot time out, so a helper thread waits for it; if the timeout
        passes first, the helper gives the lock back as soon as it gets it.
        """
        got = threading.Event()
        guard = threading.Lock()
        state: dict[str, Any] = {"abandoned": False, "error": None}

        def wait() -> None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
            except OSError as exc:
                state["error"] = exc
            with guard:
                if state["abandoned"]:
                    os.close(fd)  # closing releases the lock
                    return
                got.set()

        threading.Thread(target=wait, name="store-lock", daemon=True).start()
        got.wait(self.timeout)
        with guard:
            if not got.is_set():
                state["abandoned"] = True
                raise StoreError(
                    f"{self.path}: another process has held the store's lock for over "
                    f"{self.timeout:.0f} s; try again, or look for a stuck case-review process",
                    self.path,
                )
        if state["error"] is not None:
            os.close(fd)
            raise StoreError(
                f"{self.path}: cannot lock the store: {state['error'].strerror}", self.path
            )
        return fd


# -- claims ------------------------------------------------------------------------------------


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


@dataclass(frozen=True)
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
        try:
            return cls(
                review_id=str(data["review_id"]),
                pid=int(data["pid"]),
                host=str(data["host"]),
                at=datetime.fromisoformat(data["at"]),
                started=None if data.get("started") is None else int(data["started"]),
                who=str(data.get("who", "")),
            )
        except (KeyError, TypeError, ValueError):
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
