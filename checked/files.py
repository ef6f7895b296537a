"""Files from outside, opened safely: regular files only, links not followed, reads bounded.

Every input the program reads from a path (a framework file, an import file, a store file)
goes through ``read_bounded``, which the framework loader, the importer and the store share:

* The file is opened with ``O_NONBLOCK`` and checked with ``fstat`` before a byte is read: a
  FIFO, a device (``/dev/zero``), a socket or a folder is refused with one line, so a FIFO
  named ``x.toml`` cannot hang a listing and a device cannot be read forever.
* At most ``limit`` bytes are read, whatever size the file claims (``/proc`` files say 0, a
  file can grow while it is read): the first read asks for the size ``fstat`` gave plus one,
  so a normal file is read in one call without allocating the whole limit, and reading goes
  on in bounded steps only until end of file or ``limit + 1`` bytes, which is refused.
* With ``follow=False`` (the store) a symbolic link is never followed: ``O_NOFOLLOW`` makes
  the open fail on a link, which is reported as one.

Errors are ``OSError`` subclasses with a readable ``strerror``, so callers that already turn
``OSError`` into a one-line message need nothing new.
"""

from __future__ import annotations

import errno
import os
import stat
from typing import BinaryIO

STEP = 1 << 20  # bytes read per call once a file turned out larger than it said


class Refused(OSError):
    """A path that is not a regular file (or is too large): never read or written through."""

    def __init__(self, reason: str, path: str | os.PathLike[str] | None = None) -> None:
        super().__init__(errno.EINVAL, reason)
        self.filename = os.fspath(path) if path is not None else None
        self.reason = reason


class TooLarge(Refused):
    """More bytes than the limit."""


def kind(mode: int) -> str:
    """What a non-regular file is, in words."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def not_regular(mode: int) -> str:
    return f"is {kind(mode)}, not a regular file" if not stat.S_ISREG(mode) else ""


def open_regular(
    path: str | os.PathLike[str], flags: int = os.O_RDONLY, *, follow: bool = False, mode=0o600
) -> tuple[int, os.stat_result]:
    """``os.open`` that refuses links (unless ``follow``) and anything but a regular file.

    Returns the descriptor and its ``fstat``.  Opening never blocks on a FIFO (``O_NONBLOCK``,
    which has no effect on a regular file's reads and writes).  Raises ``Refused`` for
    a link or a non-regular file, ``OSError`` otherwise (``FileNotFoundError``, ...).
    """
    extra = os.O_NONBLOCK | os.O_CLOEXEC | (0 if follow else os.O_NOFOLLOW)
    try:
        fd = os.open(path, flags | extra, mode)
    except OSError as exc:
        if exc.errno == errno.ELOOP and not follow:
            raise Refused("is a symbolic link; links are never followed", path) from None
        if exc.errno == errno.EISDIR:
            raise Refused("is a folder, not a regular file", path) from None
        if exc.errno == errno.ENXIO:  # a FIFO opened for writing with no reader
            raise Refused("is a FIFO (named pipe), not a regular file", path) from None
        raise
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise Refused(not_regular(st.st_mode), path)
    except BaseException:
        os.close(fd)
        raise
    return fd, st


def read_fd(fd: int, size_hint: int, limit: int, path: str | os.PathLike[str] | None) -> bytes:
    """Read to end of file, at most ``limit`` bytes (``TooLarge`` beyond)."""
    if size_hint > limit:
        raise TooLarge(f"is larger than {_size(limit)}", path)
    first = os.read(fd, size_hint + 1)
    if len(first) <= size_hint:  # the common case: one read, the size was true
        rest = os.read(fd, 1) if len(first) == size_hint else b""
        if not rest:
            return first
        parts = [first, rest]
    else:
        parts = [first]
    total = sum(len(p) for p in parts)
    while total <= limit:
        chunk = os.read(fd, min(STEP, limit + 1 - total))
        if not chunk:
            return b"".join(parts)
        parts.append(chunk)
        total += len(chunk)
    raise TooLarge(f"is larger than {_size(limit)}", path)


def read_bounded(path: str | os.PathLike[str], limit: int, *, follow: bool = False) -> bytes:
    """The bytes of a regular file, at most ``limit`` of them (see the module docstring)."""
    fd, st = open_regular(path, follow=follow)
    try:
        return read_fd(fd, st.st_size, limit, path)
    finally:
        os.close(fd)


def read_stream(stream: BinaryIO, limit: int, what: str = "standard input") -> bytes:
    """At most ``limit`` bytes from a binary stream (standard input), ``TooLarge`` beyond."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(f"is larger than {_size(limit)}", what)
    return data


def _size(limit: int) -> str:
    if limit >= 2**20 and limit % 2**20 == 0:
        return f"{limit // 2**20} MB"
    if limit >= 10**6 and limit % 10**6 == 0:
        return f"{limit // 10**6} MB"
    return f"{limit:,} bytes"


def describe(exc: OSError) -> str:
    """An OSError in a few words (``Refused`` gives its reason)."""
    if isinstance(exc, Refused):
        return exc.reason
    return exc.strerror or exc.__class__.__name__
