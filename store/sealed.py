"""Sealed caches: files only this store can have written, so editing one changes nothing.

The store keeps caches beside the review files (the listing snapshot, each review's summary
file, the derived caches such as the report's rows).  Each is only a faster way to read what
the review files say, and is checked against them by file identity; but a cache is plain JSON,
and an edited cache (a count changed, a status flipped, an entry moved) could otherwise change
what a listing or a report shows without anyone touching a review.  So every cache file is
sealed: its last member, ``"seal"``, is a keyed BLAKE2b digest of the rest of the file and of
its own name within the store, made with a random key kept in the store folder (``seal.key``,
0600, created with the store, never written anywhere else); the file stays plain JSON.  A cache
whose seal does not match (edited, truncated, copied from another review's name or another
store, written by older code) is treated as missing and rebuilt from the review files.

This is tamper evidence for the caches alone, as the audit chain is for the trail: someone
who can read ``seal.key`` could forge a seal, but then they could as well edit the review
files, which ``case-review audit verify`` checks against the trail.

BLAKE2b comes from ``_blake2`` (the module behind ``hashlib.blake2b``): importing hashlib
itself costs about 2 ms of the app's start, this about 0.2 ms.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

from store.errors import StoreError

KEY_FILE = "seal.key"
KEY_BYTES = 32
_DIGEST = 32
_OPEN = b',"seal":"'
_CLOSE = b'"}'
_SUFFIX_LEN = len(_OPEN) + 2 * _DIGEST + len(_CLOSE)


def _blake2b(key: bytes) -> Any:
    try:
        from _blake2 import blake2b
    except ImportError:  # pragma: no cover - a Python built without it
        from hashlib import blake2b
    return blake2b(key=key, digest_size=_DIGEST)


def _mac(key: bytes, name: str, *parts: bytes | memoryview) -> bytes:
    """The seal of a file's content (given in parts, so a large cache is never copied)."""
    label = name.encode("utf-8", "surrogatepass")
    digest = _blake2b(key)
    digest.update(len(label).to_bytes(4, "big") + label)
    for part in parts:
        digest.update(part)
    return digest.hexdigest().encode("ascii")


def seal(key: bytes, name: str, payload: bytes) -> bytes:
    """A JSON object's bytes with its seal added as its last member, so the file is still the
    plain JSON object it was, plus ``"seal"``.  ``name`` is the file's place in the store
    (``index/<key>.json``), so a sealed file moved to another name does not open."""
    if not (payload.startswith(b"{") and payload.endswith(b"}")) or payload == b"{}":
        raise ValueError("only a JSON object with members can be sealed")
    return b"".join((memoryview(payload)[:-1], _OPEN, _mac(key, name, payload), _CLOSE))


def is_sealed(key: bytes | None, name: str, raw: bytes | None) -> bool:
    """True if ``raw`` is a file this store sealed under ``name`` and nobody changed since.
    The file is then a JSON object whose last member is ``"seal"`` (drop it after parsing)."""
    if key is None or raw is None or len(raw) <= _SUFFIX_LEN:
        return False
    suffix = raw[-_SUFFIX_LEN:]
    if not (suffix.startswith(_OPEN) and suffix.endswith(_CLOSE)):
        return False
    body = memoryview(raw)[:-_SUFFIX_LEN]
    from _operator import _compare_digest  # hmac.compare_digest, without importing hashlib

    return _compare_digest(suffix[len(_OPEN) : -len(_CLOSE)], _mac(key, name, body, b"}"))


def load_key(folder: Path, *, create: bool) -> bytes | None:
    """The store's sealing key; made (random, 0600) if missing and ``create``; None if there is
    none and it cannot be made (a read-only store: its caches are then never trusted).

    A key file that is a link, a folder or the wrong size is an error: the store was tampered
    with, or a file is in the key's place; nothing is replaced silently."""
    from store.storage import FILE_MODE, fsync_dir, read_bytes

    path = folder / KEY_FILE
    try:
        raw = read_bytes(path, limit=KEY_BYTES + 1)
    except OSError as exc:
        from checked.files import describe

        raise StoreError(f"{path}: the store's key {describe(exc)}", path) from None
    if raw is not None:
        if len(raw) != KEY_BYTES:
            raise StoreError(
                f"{path}: the store's key is damaged ({len(raw)} bytes, not {KEY_BYTES}); "
                f"remove it and the store makes a new one (only caches depend on it)",
                path,
            )
        return raw
    if not create:
        return None
    key = os.urandom(KEY_BYTES)
    temp = folder / f".{KEY_FILE}.{os.getpid()}.{os.urandom(4).hex()}.tmp"
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, FILE_MODE)
        try:
            os.fchmod(fd, FILE_MODE)
            os.write(fd, key)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.link(temp, path)  # never replaces a key another process made meanwhile
        fsync_dir(folder)
    except FileExistsError:
        return load_key(folder, create=False)
    except OSError:
        return None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temp)
    return key


class LineSealer:
    """Seals for the lines of an append-only log (``store.sealedlog``): each line's seal is
    the keyed BLAKE2b of the log's name and the line's own bytes, so a line is checked alone,
    and a line copied from another log (another name) does not open.  The keyed state is made
    once and copied for each line (a tenth of the cost of keying every line afresh)."""

    def __init__(self, key: bytes, name: str) -> None:
        label = name.encode("utf-8", "surrogatepass")
        self._base = _blake2b(key)
        self._base.update(len(label).to_bytes(4, "big") + label)

    def seal(self, payload: bytes | memoryview) -> bytes:
        """The seal of one line's payload: 64 hex digits."""
        digest = self._base.copy()
        digest.update(payload)
        return digest.hexdigest().encode("ascii")

    def check(self, payload: bytes | memoryview, seal_hex: bytes | memoryview) -> bool:
        from _operator import _compare_digest

        return _compare_digest(bytes(seal_hex), self.seal(payload))
