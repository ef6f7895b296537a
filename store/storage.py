"""Durable files: atomic replacement, private files and folders, JSON that is read strictly.

TinyDB's own ``JSONStorage`` rewrites its file in place (seek, write, truncate), so a crash in
the middle leaves a file that does not load.  ``AtomicJSONStorage`` (``store.tinydb_storage``,
imported only when a review file is written or repaired: TinyDB stays off the start-up path)
is built on ``atomic_write`` and ``read_json_file`` here, the store's single durability point:

* ``write`` serialises the whole database to a temporary file in the same folder (created
  0600), fsyncs it, renames it over the real file with ``os.replace`` (atomic on POSIX) and
  fsyncs the folder so the rename itself survives a power cut.  A reader, or a crash at any
  instant, sees either the old file or the new one, never a mixture.
* ``read`` refuses anything it cannot fully understand (not UTF-8, not JSON, truncated, not an
  object of tables, empty) with a ``StoreError`` naming the file, and from then on the storage
  refuses to write, so a damaged file is never overwritten: its bytes stay as they were for
  someone to inspect or restore.

* Nothing is ever written through a symbolic link or onto anything but a regular file
  (``check_replaceable``; temporary files are created ``O_EXCL | O_NOFOLLOW``), nothing is read
  but a regular file, at most MAX_FILE_BYTES (``checked.files``), and every folder inside a
  store must be a real folder of this user that no one else can write to
  (``check_private_dir``).

Locking is not done here: the store holds its lock (``store.locks``) around every
read-modify-write, because TinyDB reads and then writes in two separate calls.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from checked.files import Refused, kind, not_regular, read_bounded
from store.errors import StoreError

FILE_MODE = 0o600
DIR_MODE = 0o700
MAX_FILE_BYTES = 64 * 1024 * 1024
TEMP_SUFFIX = ".tmp"


def ensure_private_dir(path: Path, *, follow: bool = False) -> None:
    """Create ``path`` and any missing parents as owner-only folders (0700, whatever the umask).

    Folders that already exist are left as they are (the store never changes the mode of a
    folder it did not create), but ``path`` itself must then be a real folder (a link to one
    only with ``follow``) that this user owns and nobody else can write to
    (``check_private_dir``).
    """
    missing: list[Path] = []
    probe = path
    while not os.path.lexists(probe):
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    for folder in reversed(missing):
        try:
            os.mkdir(folder, DIR_MODE)
        except FileExistsError:
            continue  # another process created it at the same moment
        except OSError as exc:
            raise StoreError(f"{folder}: cannot create the folder: {_why(exc)}", folder) from None
        os.chmod(folder, DIR_MODE)
    check_private_dir(path, follow=follow)


def check_private_dir(path: Path, *, follow: bool) -> os.stat_result:
    """StoreError (one line) unless ``path`` is a folder this user owns that no other user can
    write to; as ssh does with its keys, the store refuses a folder others could plant files
    or links in.  ``follow`` is for the store folder itself, which may be reached through a
    link its owner made; folders inside the store must be real folders."""
    try:
        st = os.stat(path) if follow else os.lstat(path)
    except OSError as exc:
        raise StoreError(f"{path}: cannot be read: {_why(exc)}", path) from None
    if stat.S_ISLNK(st.st_mode):
        raise StoreError(
            f"{path}: is a symbolic link, not a folder; the store never follows links inside "
            f"it (remove the link)",
            path,
        )
    if not stat.S_ISDIR(st.st_mode):
        raise StoreError(f"{path}: {not_regular_dir(st.st_mode)}", path)
    uid = os.getuid()
    if st.st_uid != uid:
        raise StoreError(
            f"{path}: belongs to another user (uid {st.st_uid}); a store must belong to the "
            f"user who runs case-review",
            path,
        )
    if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise StoreError(
            f"{path}: other users can write to this folder (mode "
            f"{stat.S_IMODE(st.st_mode):04o}); refusing to use it (run: chmod 700 {path})",
            path,
        )
    return st


def not_regular_dir(mode: int) -> str:
    return f"is {kind(mode)}, not a folder"


def fsync_dir(path: Path) -> None:
    """Make the folder's entries (a rename, a new file) durable."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def temp_name(path: Path) -> Path:
    """A temporary file beside ``path``; hidden, so listings skip it."""
    return path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}{TEMP_SUFFIX}")


def check_replaceable(path: Path) -> None:
    """``Refused`` (an OSError) if ``path`` exists and is not a regular file: a link planted
    where a store file belongs is never replaced or written through, a folder never removed."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    if not stat.S_ISREG(st.st_mode):
        raise Refused(f"{not_regular(st.st_mode)}; not replaced", path)


def atomic_write(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Replace ``path`` with ``data``: temp file, fsync, os.replace, fsync the folder. 0600.

    ``path`` must be a regular file or missing (``check_replaceable``).  On any failure (a full
    disk, a file size limit) the temporary file is removed and ``path`` is left as it was; the
    OSError is raised for the caller to word.  ``durable=False`` leaves out both fsyncs, for
    a caller writing many files that syncs their folder once at the end (``fsync_dir``)."""
    tmp, fd = _temporary_beside(path)
    try:
        os.fchmod(fd, FILE_MODE)
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        if durable:
            os.fsync(fd)
    except BaseException:
        os.close(fd)
        _unlink_quietly(tmp)
        raise
    _put_in_place(fd, tmp, path, durable=durable)


def create_private_file(path: Path) -> bool:
    """Create an empty 0600 file if it is missing; True if this call created it.  Whatever
    already has the name (even a link) is left alone and never opened."""
    try:
        fd = os.open(
            path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, FILE_MODE
        )
    except FileExistsError:
        return False
    try:
        os.fchmod(fd, FILE_MODE)
    finally:
        os.close(fd)
    return True


def read_bytes(path: Path | str, limit: int = MAX_FILE_BYTES) -> bytes | None:
    """A store file's bytes; None if it does not exist; OSError (``Refused`` for a link, a
    FIFO, a folder, a device or a file over ``limit``) if it cannot be read."""
    try:
        return read_bounded(path, limit)
    except FileNotFoundError:
        return None


def read_json_file(path: Path, what: str = "file") -> Any | None:
    """Parse a JSON file; ``None`` if it does not exist; StoreError (one line) if unreadable.

    Never follows a link, never opens anything but a regular file, reads at most
    MAX_FILE_BYTES (see ``checked.files``)."""
    try:
        raw = read_bytes(path)
    except Refused as exc:
        raise StoreError(f"{path}: {exc.reason}; not a {what}", path) from None
    except OSError as exc:
        raise StoreError(f"{path}: cannot be read: {_why(exc)}", path) from None
    if raw is None:
        return None
    return parse_json_bytes(raw, path, what)


def parse_json_bytes(raw: bytes, path: Path, what: str = "file") -> Any:
    if len(raw) > MAX_FILE_BYTES:
        raise StoreError(f"{path}: larger than {MAX_FILE_BYTES // 2**20} MB; not a {what}", path)
    if not raw.strip():
        raise StoreError(f"{path}: the {what} is empty (damaged or truncated)", path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise StoreError(
            f"{path}: not UTF-8 text (bad byte at offset {exc.start}); the {what} is damaged", path
        ) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise StoreError(
            f"{path}: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}); "
            f"the {what} is truncated or damaged",
            path,
        ) from None
    except (ValueError, RecursionError) as exc:
        raise StoreError(f"{path}: not valid JSON ({exc}); the {what} is damaged", path) from None


def dumps(data: Any) -> bytes:
    """Compact UTF-8 JSON; text that is not valid Unicode (a lone surrogate) is escaped."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(data, separators=(",", ":"), allow_nan=False).encode("ascii")


def _unlink_quietly(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def _why(exc: OSError) -> str:
    if isinstance(exc, Refused):
        return exc.reason
    return exc.strerror or exc.__class__.__name__


@contextlib.contextmanager
def atomic_writer(path: Path) -> Iterator[IO[bytes]]:
    """``atomic_write`` for data written a piece at a time (an export of any size): a
    buffered file to write to; once the block ends, ``path`` is replaced with what was written
    (fsynced, owner-only).  If the block fails, or the data cannot be written, the temporary
    file is removed and ``path`` left as it was (the OSError is raised for the caller)."""
    tmp, fd = _temporary_beside(path)
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "wb", closefd=False) as out:
            yield out
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        _unlink_quietly(tmp)
        raise
    _put_in_place(fd, tmp, path, durable=True)


def _temporary_beside(path: Path) -> tuple[Path, int]:
    """A new owner-only temporary file next to ``path`` (a regular file or missing), open for
    writing; never through a link."""
    check_replaceable(path)
    tmp = temp_name(path)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    return tmp, os.open(tmp, flags, FILE_MODE)


def _put_in_place(fd: int, tmp: Path, path: Path, *, durable: bool) -> None:
    """Close the written temporary file and move it over ``path`` (removed if that fails);
    ``durable``: the folder is fsynced."""
    os.close(fd)
    try:
        os.replace(tmp, path)
    except BaseException:
        _unlink_quietly(tmp)
        raise
    if durable:
        fsync_dir(path.parent)
