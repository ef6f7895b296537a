"""Sealed append-only logs: the listing (``listing.log``) and derived caches (``cache/*.log``).

A log holds one value per key, the last line of a key winning, so keeping it current costs one
appended line per change however many keys it holds: saves append the listing line of the
review they saved, a report appends the rows it had to derive afresh.  Nothing is ever
rewritten to change one value.  A log is compacted (rewritten with the last line of each key
still wanted, atomically) only now and then: when its appended lines come to a quarter of its
body (``needs_compaction``), so the cost is a constant share of the appends that made it grow.

Format: lines ``<seal> <JSON>\\n``.  The first line is the header, a JSON object naming the
log (``log``), the store layout, the shape of its values (``version``) and its size when it
was last compacted (``base``); every other line is a JSON array ``[key, value]``.  Each line
is sealed alone (``store.sealed.LineSealer``: keyed BLAKE2b of the log's name and the line),
so a line edited, truncated or copied from another log is skipped, and a log whose header does
not open is no log at all.  A torn last line (a crash mid-append) has no newline and is
ignored; the next append starts on a new line.  Like every store file a log is owner-only,
never opened through a link or as anything but a regular file, and only a cache: a value is
used only where it matches what it was made from (the listing checks each against its review
file's identity), and a missing or damaged log is rebuilt from the review files.

In one process, ``read`` takes the state of an earlier read and reads only what was appended
since (the same file, grown), so a second listing costs what changed.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checked.files import open_regular, read_fd
from store.errors import StoreError
from store.layout import LAYOUT
from store.sealed import LineSealer
from store.storage import atomic_write

if TYPE_CHECKING:
    from store.folder import StoreFolder

MAX_LOG_BYTES = 2 * 1024 * 1024 * 1024
SLACK = 64 * 1024  # bytes of appended lines a log may carry beyond a quarter of its body
_SEAL = 64  # hex digits


@dataclass
class LogState:
    """What a read found: the header (None: no usable log), each key's last value, how many
    value lines were read (superseded ones included), and where the read stopped."""

    header: dict[str, Any] | None = None
    values: dict[str, Any] = field(default_factory=dict)
    lines: int = 0
    end: int = 0
    ino: int | None = None
    size: int = 0

    def usable(self, kind: str, version: str | None = None) -> bool:
        h = self.header
        return (
            h is not None
            and h.get("log") == kind
            and h.get("layout") == LAYOUT
            and (version is None or h.get("version") == version)
        )


def _sealer(folder: StoreFolder, path: Path) -> LineSealer | None:
    key = folder._key
    return LineSealer(key, folder._name(path)) if key is not None else None


def read(folder: StoreFolder, path: Path, earlier: LogState | None = None) -> LogState:
    """The log at ``path`` (see ``LogState``); an empty state if it is missing, unreadable,
    not a regular file or not sealed by this store.  Given ``earlier`` (a read of the same
    file in this process), only the lines appended since are read."""
    sealer = _sealer(folder, path)
    if sealer is None:
        return LogState()
    try:
        fd, st = open_regular(path)
    except OSError:
        return LogState()
    try:
        if (
            earlier is not None
            and earlier.header is not None
            and earlier.ino == st.st_ino
            and earlier.end <= st.st_size
        ):
            if earlier.end == st.st_size:
                return earlier
            state = LogState(earlier.header, earlier.values, earlier.lines, earlier.end, st.st_ino)
            raw = _pread_all(fd, state.end, st.st_size - state.end)
        else:
            state = LogState(ino=st.st_ino)
            raw = read_fd(fd, st.st_size, MAX_LOG_BYTES, path)
    except OSError:
        return LogState()
    finally:
        os.close(fd)
    state.size = st.st_size
    values = state.values if state.end == 0 else dict(state.values)
    start = 0
    if state.end == 0:
        body = _header_and_body(folder, path, sealer, raw, state)
        if body is None:
            return LogState(ino=st.st_ino, size=st.st_size)
        items = _parse(body.replace(b"\n", b",").rstrip(b","))
        _take(items, values)
        state.lines = len(items)
        start = state.end
    last = raw.rfind(b"\n", start) + 1
    lines = raw[start:last].split(b"\n") if last > start else [b""]
    lines.pop()  # (after the last newline)
    state.end += max(0, last - start)
    payloads = [line[_SEAL + 1 :] for line in lines if _good(sealer, line)]
    state.lines += len(lines)
    _take(_parse(b",".join(payloads)), values)
    state.values = values
    return state


def _header_and_body(
    folder: StoreFolder, path: Path, sealer: LineSealer, raw: bytes, state: LogState
) -> bytes | None:
    """Read the header into ``state`` and return the body, checked against its seal (None if
    either does not open); ``state.end`` is then where the appended lines start."""
    first = raw.find(b"\n")
    if first < 0 or not _good(sealer, raw[:first]):
        return None
    try:
        header = json.loads(raw[_SEAL + 1 : first])
    except (ValueError, RecursionError):
        return None
    base = header.get("base") if isinstance(header, dict) else None
    if type(base) is not int or not 0 <= base <= len(raw) - first - 1:
        return None
    body = raw[first + 1 : first + 1 + base]
    if base and header.get("body") != _body_sealer(folder, path).seal(body).decode():
        return None
    state.header = header
    state.end = first + 1 + base
    return body


def _body_sealer(folder: StoreFolder, path: Path) -> LineSealer:
    assert folder._key is not None
    return LineSealer(folder._key, folder._name(path) + "#body")


def _take(items: list[Any], values: dict[str, Any]) -> None:
    for item in items:
        if type(item) is list and len(item) == 2 and type(item[0]) is str:
            values[item[0]] = item[1]


def _good(sealer: LineSealer, raw: bytes) -> bool:
    return len(raw) > _SEAL + 1 and raw[_SEAL] == 32 and sealer.check(raw[_SEAL + 1 :], raw[:_SEAL])


def _parse(joined: bytes) -> list[Any]:
    """The JSON values of lines joined by commas, in one parse (a line the store sealed is
    JSON; if one is not, impossible unless the key leaked, each is parsed alone and the bad
    ones skipped)."""
    if not joined:
        return []
    try:
        parsed = json.loads(b"[" + joined + b"]")
        return parsed if isinstance(parsed, list) else []
    except (ValueError, RecursionError):
        out = []
        for payload in _split_values(joined):
            with contextlib.suppress(ValueError, RecursionError):
                out.append(json.loads(payload))
        return out


def _split_values(joined: bytes) -> list[bytes]:
    """Lines joined by commas, apart again (every value is an array: ``],[`` separates)."""
    return [part if part.startswith(b"[") else b"[" + part for part in joined.split(b"],[")]


def _pread_all(fd: int, offset: int, size: int) -> bytes:
    parts = []
    while size > 0:
        chunk = os.pread(fd, min(size, 1 << 24), offset)
        if not chunk:
            break
        parts.append(chunk)
        offset += len(chunk)
        size -= len(chunk)
    return b"".join(parts)


def _payload(value: Any) -> bytes:
    """A value as one line of ASCII JSON (text that is not valid Unicode is escaped)."""
    return json.dumps(value, separators=(",", ":"), allow_nan=False).encode("ascii")


def line(sealer: LineSealer, value: Any) -> bytes:
    """One sealed line."""
    payload = _payload(value)
    return sealer.seal(payload) + b" " + payload + b"\n"


def append(
    folder: StoreFolder,
    path: Path,
    items: list[tuple[str, Any]],
    header: dict[str, Any],
    *,
    wait: bool,
) -> tuple[int, int] | None:
    """Append ``[key, value]`` lines (creating the log with ``header`` if there is none); the
    log's size after and its inode, or None if nothing could be written.  ``wait``: take the
    store lock as a save does (a save holds it already); else only if it is free now (a
    reader: best effort, never waiting).  Not fsynced: a line lost in a crash is only a cache
    miss."""
    sealer = _sealer(folder, path)
    if sealer is None or not items:
        return None
    data = b"".join(line(sealer, [key, value]) for key, value in items)
    lock = folder._lock if wait else folder.quick_lock()
    try:
        with lock:
            try:
                fd, st = open_regular(path, os.O_RDWR | os.O_APPEND)
            except FileNotFoundError:
                rewrite(folder, path, header, items)
                return os.lstat(path).st_size, os.lstat(path).st_ino
            try:
                if st.st_size and os.pread(fd, 1, st.st_size - 1) != b"\n":
                    data = b"\n" + data  # a torn last line: start on a line of our own
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view) :]
                return st.st_size + len(data), st.st_ino
            finally:
                os.close(fd)
    except (OSError, StoreError):
        return None


def rewrite(
    folder: StoreFolder, path: Path, header: dict[str, Any], items: list[tuple[str, Any]]
) -> None:
    """Replace the log with ``header`` and a body of one line per item, atomically (OSError
    if it cannot be written).  The caller holds the store lock."""
    sealer = _sealer(folder, path)
    if sealer is None:
        return
    body = b"".join(_payload([key, value]) + b"\n" for key, value in items)
    seal = _body_sealer(folder, path).seal(body).decode()
    atomic_write(path, line(sealer, {**header, "base": len(body), "body": seal}) + body)


def needs_compaction(header: dict[str, Any], size: int, header_size: int) -> bool:
    """Whether a log of ``size`` bytes has appended lines past a quarter of its body (the
    ``base`` its header records) and ``SLACK``."""
    base = header.get("base")
    if not isinstance(base, int) or base < 0:
        return True
    return size - header_size - base > base // 4 + SLACK


def header_of(folder: StoreFolder, path: Path) -> tuple[dict[str, Any], int] | None:
    """Only the header of a log and its size in bytes (for a save deciding whether to
    compact), or None."""
    sealer = _sealer(folder, path)
    if sealer is None:
        return None
    try:
        fd, _ = open_regular(path)
    except OSError:
        return None
    try:
        first = os.pread(fd, 4096, 0).split(b"\n", 1)[0]
    except OSError:
        return None
    finally:
        os.close(fd)
    if not _good(sealer, first):
        return None
    with contextlib.suppress(ValueError):
        header = json.loads(first[_SEAL + 1 :])
        return (header, len(first) + 1) if isinstance(header, dict) else None
    return None
