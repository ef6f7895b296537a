"""The store-wide write lock (advisory claims on one review are in ``store.claims``).

The write lock is ``fcntl.flock`` on ``<store>/.lock``.  Every read-modify-write of the store
(a save, crash recovery, a claim) holds it, so two processes never interleave their writes.
It is held for a few milliseconds (one review file, one index file, one audit append), never
while a person is typing.  The kernel drops it when a process dies, even by SIGKILL.  Reads
take no lock: every file is replaced atomically, so a reader sees a whole old or whole new file.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import threading
from pathlib import Path
from typing import Any

from checked.files import describe, open_regular
from store.errors import StoreError
from store.storage import FILE_MODE

LOCK_TIMEOUT = 30.0


class StoreLock:
    """Exclusive, re-entrant (per thread of one Store) flock on the store's lock file."""

    def __init__(self, path: Path, timeout: float = LOCK_TIMEOUT) -> None:
        self.path = path
        self.timeout = timeout
        self._thread_lock = threading.RLock()
        self._depth = 0
        self._fd: int | None = None
        self._owner: int | None = None

    def __enter__(self) -> StoreLock:
        self._thread_lock.acquire()
        try:
            if self._depth == 0:
                self._fd = self._acquire()
                self._owner = threading.get_ident()
            self._depth += 1
        except BaseException:
            self._thread_lock.release()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self._depth -= 1
            if self._depth == 0 and self._fd is not None:
                fd, self._fd, self._owner = self._fd, None, None
                try:
                    fcntl.flock(fd, fcntl.LOCK_UN)
                finally:
                    os.close(fd)
        finally:
            self._thread_lock.release()

    @property
    def held(self) -> bool:
        return self._depth > 0

    def held_here(self) -> bool:
        """Held by the calling thread (which may then take it again)."""
        return self._depth > 0 and self._owner == threading.get_ident()

    def _acquire(self) -> int:
        try:  # never through a link, never anything but a regular file
            fd, _ = open_regular(self.path, os.O_RDWR | os.O_CREAT, mode=FILE_MODE)
        except OSError as exc:
            raise StoreError(
                f"{self.path}: cannot open the store's lock file: {describe(exc)}", self.path
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
