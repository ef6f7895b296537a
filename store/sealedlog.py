"""Sealed append-only logs: the listing (``listing.log``) and derived caches (``cache/*.log``).

A log holds one value per key, the last line of a key winning, so keeping it current costs one
appended line per change however many keys it holds: saves append the listing line of the
review they saved, a report appends the rows it had to derive afresh.  Nothing is ever
rewritten to change one value.  A log is compacted (rewritten with the last line of each key
still wanted, atomically) only now and then: when it has grown past twice its size at the last
compaction (``needs_compaction``), so the cost is a constant share of the appends that made
it grow.

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
SLACK = 256 * 1024  # bytes a log may grow past twice its compacted size before compacting
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
    last = raw.rfind(b"\n")
    whole = raw[: last + 1] if last >= 0 else b""
    start = state.end
    state.end += len(whole)
    state.size = st.st_size
    lines = whole.split(b"\n")
    lines.pop()  # (after the last newline)
    if start == 0:
        if not lines or not _good(sealer, lines[0]):
            return LogState(ino=st.st_ino, end=state.end, size=st.st_size)
        try:
            header = json.loads(lines[0][_SEAL + 1 :])
        except ValueError:
            header = None
        if not isinstance(header, dict):
            return LogState(ino=st.st_ino, end=state.end, size=st.st_size)
        state.header = header
        lines = lines[1:]
    payloads = [line[_SEAL + 1 :] for line in lines if _good(sealer, line)]
    state.lines += len(lines)
    values = state.values if start == 0 or earlier is None else dict(state.values)
    for item in _parse(payloads):
        if type(item) is list and len(item) == 2 and type(item[0]) is str:
            values[item[0]] = item[1]
    state.values = values
    return state


def _good(sealer: LineSealer, raw: bytes) -> bool:
    return len(raw) > _SEAL + 1 and raw[_SEAL] == 32 and sealer.check(raw[_SEAL + 1 :], raw[:_SEAL])


def _parse(payloads: list[bytes]) -> list[Any]:
    """The JSON values of sealed lines, parsed in one call (a line the store sealed is JSON;
    one that is not, impossible unless the key leaked, is skipped)."""
    if not payloads:
        return []
    try:
        parsed = json.loads(b"[" + b",".join(payloads) + b"]")
        return parsed if isinstance(parsed, list) else []
    except (ValueError, RecursionError):
        out = []
        for payload in payloads:
            with contextlib.suppress(ValueError, RecursionError):
                out.append(json.loads(payload))
        return out


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


def line(sealer: LineSealer, value: Any) -> bytes:
    """One sealed line (ASCII JSON: text that is not valid Unicode is escaped)."""
    payload = json.dumps(value, separators=(",", ":"), allow_nan=False).encode("ascii")
    return sealer.seal(payload) + b" " + payload + b"\n"


def append(
    folder: StoreFolder,
    path: Path,
    items: list[tuple[str, Any]],
    header: dict[str, Any],
    *,
    wait: bool,
) -> int | None:
    """Append ``[key, value]`` lines (creating the log with ``header`` if there is none); the
    log's size after, or None if nothing could be written.  ``wait``: take the store lock as
    a save does (a save holds it already); else only if it is free now (a reader: best effort,
    never waiting).  Not fsynced: a line lost in a crash is only a cache miss."""
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
                return len(data)
            try:
                if st.st_size and os.pread(fd, 1, st.st_size - 1) != b"\n":
                    data = b"\n" + data  # a torn last line: start on a line of our own
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view) :]
                return st.st_size + len(data)
            finally:
                os.close(fd)
    except (OSError, StoreError):
        return None


def rewrite(
    folder: StoreFolder, path: Path, header: dict[str, Any], items: list[tuple[str, Any]]
) -> None:
    """Replace the log with ``header`` and one line per item, atomically (OSError if it cannot
    be written).  The caller holds the store lock."""
    sealer = _sealer(folder, path)
    if sealer is None:
        return
    body = b"".join(line(sealer, [key, value]) for key, value in items)
    atomic_write(path, line(sealer, {**header, "base": len(body)}) + body)


def needs_compaction(header: dict[str, Any], size: int) -> bool:
    """Whether a log of ``size`` bytes has grown past twice its size at the last compaction
    (the ``base`` its header records)."""
    base = header.get("base")
    if not isinstance(base, int) or base < 0:
        return True
    return size > 2 * base + SLACK


def header_of(folder: StoreFolder, path: Path) -> dict[str, Any] | None:
    """Only the header of a log (its first line), for a save deciding whether to compact."""
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
        return header if isinstance(header, dict) else None
    return None
