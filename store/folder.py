"""A store folder's parts, shared by the modules of the file store: its paths, its lock and
key, its sealed caches, and reading one review.

``Store`` (``store.reviews``) is a ``StoreFolder`` with the ``ReviewStore`` methods on top;
the listing (``store.file_listing``), derived caches (``store.derived_cache``), saving and
recovery (``store.saving``) and claims (``store.claims``) each take the folder they work in.

Reading a review does not need the lock (every file is replaced whole).  ``get`` rebuilds a
review without validation only from a file whose identity and CRC-32 are those its sealed
summary recorded when the store wrote it (``review_files.trusted_load``); otherwise it parses
a sound, current review file in one pass with pydantic (``review_files.fast_load``) or reads
it through TinyDB, migrating older records and naming the file and the fault when it cannot
be read.

Every cache (snapshot, summary files, derived caches) is sealed with the store's key
(``store.sealed``): an edited cache fails its seal and is read as missing, so editing a cache
alone changes no listing and no report.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from store import review_files, sealed
from store.layout import CASES, LISTING_LOG, LOCK, PENDING, review_key
from store.locks import StoreLock
from store.storage import read_bytes
from store.summary import ReviewSummary, summary_from_entry

if TYPE_CHECKING:
    from tinydb.table import Table

    from store.records import Review
    from store.sealedlog import LogState


class StoreFolder:
    """The folder of a file store: where each file of a review is, and how a cache is read."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.reviews_dir = path / "reviews"
        self.index_dir = path / "index"
        self.audit_dir = path / "audit"
        self.claims_dir = path / "claims"
        self.pending_dir = path / PENDING
        self.cases_dir = path / CASES
        self.listing_log = path / LISTING_LOG
        self._lock = StoreLock(path / LOCK)
        self._open_problems: list[str] = []  # met opening the store: told with the next listing
        self._key: bytes | None = None  # seals the caches (store.sealed); set by ``open``
        self._log: LogState | None = None  # the listing log as last read in this process
        # The listing log's inode, header and header size, as last seen by a save here.
        self._log_shape: tuple[int, dict[str, Any], int] | None = None
        # Review key -> the head of the audit trail as this process last finished a save of it.
        self._logged: dict[str, str] = {}
        # A layout 1 folder that could not be upgraded (read-only): no case index to trust,
        # so finding a case lists the store.
        self._legacy = False

    def quick_lock(self) -> StoreLock:
        """The store lock for a reader's best-effort write: taken only if it is free now (or
        already held by this thread)."""
        return self._lock if self._lock.held_here() else StoreLock(self.path / LOCK, timeout=0.05)

    # -- paths ------------------------------------------------------------------------------

    def review_path(self, review_id: str) -> Path:
        """The TinyDB file that holds this review."""
        return self.reviews_dir / f"{review_key(review_id)}.json"

    def _paths(self, key: str) -> tuple[Path, Path, Path, Path]:
        """A review's file, its save marker, its summary file and its audit trail."""
        return (
            self.reviews_dir / f"{key}.json",
            self.pending_dir / f"{key}.dirty",
            self.index_dir / f"{key}.json",
            self.audit_dir / f"{key}.jsonl",
        )

    def _pending(self) -> list[str]:
        """The keys of saves a crash left unfinished (their markers in ``pending/``)."""
        try:
            names = os.listdir(self.pending_dir)
        except OSError:
            return []
        return [n[:-6] for n in names if n.endswith(".dirty") and not n.startswith(".")]

    # -- sealed caches ----------------------------------------------------------------------

    def _read_sealed(self, path: Path) -> dict[str, Any] | None:
        """A sealed cache file's object, or None if it is missing, unreadable, not sealed by
        this store (edited, moved, foreign) or not an object: a cache is only ever a cache."""
        try:
            raw = read_bytes(path)
        except OSError:
            return None
        if raw is None or not sealed.is_sealed(self._key, self._name(path), raw):
            return None
        try:
            data = json.loads(raw)  # (sealed: the store wrote it, a JSON object with "seal")
        except (ValueError, RecursionError):
            return None
        if not isinstance(data, dict):
            return None
        data.pop("seal", None)
        return data

    def _sealed(self, path: Path, payload: bytes) -> bytes | None:
        """``payload`` (a JSON object) sealed for ``path``; None when the store has no key."""
        if self._key is None:
            return None
        return sealed.seal(self._key, self._name(path), payload)

    def _name(self, path: Path) -> str:
        return path.relative_to(self.path).as_posix()

    # -- reading one review -----------------------------------------------------------------

    @staticmethod
    def _table(path: Path) -> Table:
        return review_files.table(path)

    def _read_doc(self, path: Path, table: Table | None = None) -> dict[str, Any] | None:
        """The document of a review file (see ``review_files.read_doc``)."""
        return review_files.read_doc(path, table)

    def _read_index(self, path: Path) -> ReviewSummary | None:
        """The summary in a review's sealed summary file, if it is sound (not checked against
        the review file)."""
        entry = self._read_sealed(path)
        return summary_from_entry(entry) if entry is not None else None

    def get(self, review_id: str) -> Review:
        """The stored review; KeyError if there is none, StoreError if its file is unreadable."""
        return self._load(str(self.review_path(review_id)), review_id)

    def _load(self, path: str, review_id: str, stamp: Any = None, crc: Any = None) -> Review:
        """``get`` for a known file: as written if the file is as the store last wrote it
        (``stamp`` and ``crc`` as listed, else from the sealed summary file), else validated in
        one pass if sound and current, else through TinyDB.  For opening one review: it needs
        no pydantic (kept off the app's start-up), but builds the review in Python, about
        twice as slow as pydantic's one pass once pydantic is loaded; loading many,
        ``_load_many`` validates."""
        if stamp is None:
            entry = self._read_sealed(self.index_dir / os.path.basename(path))
            if entry is not None:
                stamp, crc = entry.get("stamp"), entry.get("crc")
        if isinstance(stamp, list) and isinstance(crc, int):
            trusted = review_files.trusted_load(path, review_id, stamp, crc)
            if trusted is not None:
                return trusted
        return self._load_many(path, review_id)

    def _load_many(self, path: str, review_id: str) -> Review:
        """``_load`` for reading many reviews (listings, reports): validated in one pass from
        the file's bytes if sound and current (about 0.06 ms), else through TinyDB."""
        fast = review_files.fast_load(path, review_id)
        if fast is not None:
            return fast
        doc = self._read_doc(Path(path))
        if doc is None:
            raise KeyError(review_id)
        return review_files.record_from_doc(doc, Path(path), review_id)
