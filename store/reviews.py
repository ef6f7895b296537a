"""The store: reviews kept durably in TinyDB files, safe for two processes, audited.

Layout of a store folder (folders 0700, files 0600)::

    store.json              marks the folder as a store: {"format": "case-review-store", ...}
    seal.key                the random key that seals the caches (store.sealed)
    listing.json            every summary in one file, compacted when listing (a cache)
    .lock                   the write lock (flock), see store.locks
    reviews/<key>.json      one TinyDB database per review, written by AtomicJSONStorage
    reviews/<key>.dirty     present only while a save is between its review write and the end
    index/<key>.json        the review's summary for listing (a cache of the review file)
    audit/<key>.jsonl       the review's append-only audit trail, a hash chain (store.audit)
    claims/<key>.json       who has the review open (advisory)
    cache/<name>.json       values derived from reviews, e.g. the report's rows (a cache)

The folder belongs to one user: ``Store.open`` refuses (one line) a store folder that another
user owns or that others can write to, as ssh does with keys, and every folder inside must be
a real folder, not a link.  No file in it is ever opened through a symbolic link
(``O_NOFOLLOW``) or as anything but a regular file (``checked.files``: a FIFO or a device is
refused, reads are bounded), and nothing is replaced or appended to unless it is a regular
file: a link planted where a store file belongs is reported by name and its target never
touched.  A folder where a file belongs is a one-line error, never a traceback.

``<key>`` is a readable slug of the review id plus 16 hex digits of its SHA-256, so any id is a
safe file name and two ids never share a file, even on a case-insensitive drive.

Why one file per review (sharding) rather than one database or a journal: saving an answer
rewrites only that review's file (a few kilobytes, atomically), its small summary file and
appends to its own audit log, so the cost of a save does not depend on how many reviews the
store holds, and damage to one file costs one review, never the store.  Listing must not read
5,000 files either, so it reads ``listing.json``, a snapshot of every summary, and checks each
entry against its review file's identity (inode, size, modification and change times: one
``lstat``; the change time cannot be set back by hand, as the modification time can); entries
that do not match (reviews saved since the snapshot) are taken from the per-review summary file,
or, if that does not match either (an interrupted save, a file restored by hand), rebuilt from
the review file itself.  So the listing is never wrong, and when enough entries were out of date
the listing rewrites the snapshot (compaction).  Saves never touch the snapshot, so their cost
stays flat however large the store grows.  Every cache (snapshot, summary files, derived
caches) is sealed with the store's key (``store.sealed``): an edited cache fails its seal and
is read as missing, so editing a cache alone changes no listing and no report.

One odd review never takes the store down: whatever a review file holds (a naive or absurd
timestamp, a wrong type, a huge value), it is validated before use; one that fails is left out
and reported by name (in the results' ``problems``) while every other review lists, loads,
exports, reports and saves as before.  Every time in a record is aware and in UTC
(``store.records``), so sorting and comparing times never mixes naive and aware ones.

Reading a review does not need the lock (every file is replaced whole).  ``get`` rebuilds a
review without validation only from a file whose identity and CRC-32 are those its sealed
summary recorded when the store wrote it (``_trusted_load``); otherwise it parses a sound,
current review file in one pass with pydantic (``_fast_load``, for reports that load
thousands) or reads it through TinyDB and the same storage class as writes do, migrating
older records and naming the file and the fault when it cannot be read.
``reviews`` loads files by the keys the listing found (no second listing, no hashing ids
again) and reuses any review the listing had to read itself.

Validating a review file costs about 0.06 ms, most of a report over thousands of reviews, so
``derived`` keeps what a caller derives from each review (the report's rows) in
``cache/<name>.json``, keyed like the listing snapshot by the review file's identity, and
loads only the files that changed since.  A cached value is only ever made from a review
loaded as ``get`` loads it, so files that cannot be read are still reported and never counted;
like the snapshot, the cache is written by readers only (best effort), never by saves.

A save, under the store lock: read this review's file (a damaged file is refused and never
written); compare revisions (optimistic concurrency: ConflictError if another process saved
since the caller loaded); create the ``.dirty`` marker; write the review file atomically with
the new record, the caller's summary, this save's audit events (their old values; the new
ones are in the record), each chained to the one before, and the hash of the last (``head``);
then write the summary file, append the audit events, and remove the marker.  The review file
is the truth and is durable before ``save`` returns.  If a crash interrupts the steps after it,
the marker (made durable by the same folder fsync as the review file) tells the next
``Store.open``, listing or save of that review to redo them from the review file: the summary
is rewritten and the events the log does not end with yet are appended (found by their
hashes).  A save whose earlier save cannot be finished is refused, so no event is ever lost.

A save that cannot be written (a full disk, ``ulimit -f``, a read-only drive) raises one
StoreError saying what was not saved and that nothing was lost: the review file is replaced
atomically or not at all, the temporary file is removed, and every earlier answer is intact.
If the disk fills after the review file was written, the answer is saved and the marker
finishes the rest at the next save.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import stat
import zlib
from collections.abc import Callable, Iterator
from dataclasses import field, make_dataclass
from datetime import UTC, datetime
from functools import cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checked import adapter, frozen, validate
from checked.digest import sha256_hex
from checked.files import describe, open_regular, read_fd
from store import sealed
from store.errors import ConflictError, StoreError
from store.listing import select
from store.locks import StoreLock
from store.protocol import AuditTrail, Derived, Found, Listing, Loaded, Order
from store.records import SCHEMA_VERSION, Review, migrate, now

if TYPE_CHECKING:
    from pydantic import ValidationError
    from tinydb.table import Table

    from store.audit import AuditEvent
    from store.claims import Claim
from store.storage import (
    MAX_FILE_BYTES,
    TEMP_SUFFIX,
    atomic_write,
    check_private_dir,
    create_private_file,
    dumps,
    ensure_private_dir,
    read_bytes,
    read_json_file,
)

ENV_VAR = "CASE_REVIEW_STORE"
APP_NAME = "case-review"
STORE_FORMAT = "case-review-store"
LAYOUT = 1
MARKER = "store.json"
SNAPSHOT = "listing.json"
SNAPSHOT_SLACK = 16
CACHE = "cache"  # derived caches (Store.derived), made when first written
LOCK = ".lock"
TABLE = "review"
DOC_ID = 1
_FOLDERS = ("reviews", "index", "audit", "claims")
_KNOWN_NAMES = {MARKER, SNAPSHOT, LOCK, CACHE, sealed.KEY_FILE, *_FOLDERS}
_CACHE_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,40}$")


@frozen(slots=False)
class Actor:
    """Who makes a change, for the audit trail."""

    name: str = ""
    role: str = "case_manager"


@frozen(slots=False)
class ReviewSummary:
    """What the home screen lists for one review, read without loading the review."""

    id: str
    case_ref: str
    framework: str
    mode: str
    status: str
    team: str
    reviewer: str
    updated_at: datetime
    revision: int
    summary: dict[str, Any] = field(default_factory=dict)


def review_key(review_id: str) -> str:
    """A file-name-safe key for any review id: a readable slug plus a hash of the id."""
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", review_id).strip("-")[:48] or "review"
    digest = sha256_hex(review_id.encode("utf-8", "surrogatepass"))[:16]
    return f"{slug}-{digest}"


@cache
def login_name() -> str:
    """Who is logged in, for the audit trail when no reviewer is named ("" if unknown)."""
    try:
        import getpass

        name = getpass.getuser()
    except Exception:  # no user name in the environment and none in the password database
        return ""
    return "".join(ch for ch in name if ch.isprintable())[:200]


def default_path() -> Path:
    import platformdirs

    return platformdirs.user_data_path(APP_NAME)


def resolve_path(path: str | os.PathLike[str] | None = None) -> Path:
    """``--store PATH``, else ``$CASE_REVIEW_STORE``, else the user data directory."""
    if path is not None and str(path).strip():
        chosen = Path(path)
    elif os.environ.get(ENV_VAR, "").strip():
        chosen = Path(os.environ[ENV_VAR].strip())
    else:
        chosen = default_path()
    return chosen.expanduser().absolute()


def _first_error(exc: ValidationError) -> str:
    errors = exc.errors()
    if not errors:
        return "invalid"
    first = errors[0]
    loc = ".".join(str(p) for p in first.get("loc", ())) or "(record)"
    more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
    return f"{loc}: {first.get('msg', 'invalid')}{more}"


def record_from_doc(doc: Any, path: Path, review_id: str | None = None) -> Review:
    """The review held in a review file's document, migrated; StoreError if it is not one."""
    if not isinstance(doc, dict) or not isinstance(doc.get("record"), dict):
        raise StoreError(f"{path}: not a case-review review file (no review record)", path)
    try:
        data = migrate(doc["record"])
    except ValueError as exc:
        raise StoreError(f"{path}: {exc}", path) from None
    review = _validated(data, path, "not a valid review record")
    if review_id is not None and review.id != review_id:
        raise StoreError(f"{path}: holds review {review.id!r}, not {review_id!r}", path)
    return review


def _validated(data: Any, path: Path, problem: str) -> Review:
    """``data`` validated as a review; StoreError ``PATH: PROBLEM: first error`` if it is not.

    Reads validate what they find; saves validate the record they are about to write, so the
    store never writes a record it could not read back (the records are plain dataclasses, so
    nothing else has checked values the program built itself)."""
    from pydantic import ValidationError

    try:
        return validate(Review, data)
    except ValidationError as exc:
        raise StoreError(f"{path}: {problem}: {_first_error(exc)}", path) from None


@cache
def _file_adapter() -> Any:
    """pydantic's validator for the shape of a sound, current review file (see _fast_load);
    the shape's classes are made here, when first needed, off the start-up path."""

    ignore = {"extra": "ignore"}
    doc: Any = make_dataclass("_ReviewDoc", [("record", Review)], frozen=True)
    doc.__pydantic_config__ = ignore
    review_file: Any = make_dataclass("_ReviewFile", [("review", dict[str, doc])], frozen=True)
    review_file.__pydantic_config__ = ignore
    return adapter(review_file)


def _read_file(path: str) -> bytes | None:
    """A review file's bytes, or None if it is missing, a link, not a regular file, unreadable
    or larger than MAX_FILE_BYTES (the careful path then says which)."""
    try:
        return read_bytes(path)
    except OSError:
        return None


def _fast_load(path: str, review_id: str) -> Review | None:
    """Load a sound review file of the current schema version in one pass, or return None.

    Reading is the store's hot path (a report loads every review), so a file is first parsed
    and validated straight from its bytes by pydantic, which is about twice as fast as TinyDB's
    ``json.load`` followed by validation.  Anything short of a sound, current record (an older
    schema version that needs ``migrate``, a damaged file, another id) returns None and the
    caller takes the ordinary path through TinyDB, which migrates or reports what is wrong.
    Nothing is ever written here.
    """
    raw = _read_file(path)
    if raw is None:
        return None
    try:
        parsed = _file_adapter().validate_json(raw)
    except ValueError:  # pydantic's ValidationError is a ValueError
        return None
    doc = parsed.review.get(str(DOC_ID))
    if doc is None:
        return None
    record = doc.record
    if record.id != review_id or record.schema_version != SCHEMA_VERSION:
        return None
    return record


def _trusted_load(path: str, review_id: str, stamp: Any, crc: Any) -> Review | None:
    """The review in a file this store wrote itself, built without validation.

    ``stamp`` and ``crc`` are the file's identity (inode, size, modification and change times)
    and the CRC-32 of its bytes, recorded in the review's sealed summary entry when the store
    last wrote the file from a validated review.  If the file still has that identity and
    those bytes its record is known to be sound and is rebuilt directly (no pydantic: this
    keeps pydantic off the start-up path of the app).  Anything else (a changed or replaced
    file, a link, an older schema version, another id, a naive time) returns None and the
    caller validates.
    """
    try:
        fd, st = open_regular(path)
        try:
            if _stamp(st) != stamp:
                return None
            raw = read_fd(fd, st.st_size, MAX_FILE_BYTES, path)
        finally:
            os.close(fd)
        if zlib.crc32(raw) != crc:
            return None
        record = json.loads(raw)["review"][str(DOC_ID)]["record"]
        if record["id"] != review_id or record["schema_version"] != SCHEMA_VERSION:
            return None
        return Review.from_data(record)
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return None


def _entry(
    review: Review, summary: Any, stamp: list[int], crc: int | None = None
) -> dict[str, Any]:
    """What the listing keeps for one review (summary file and snapshot entry); ``crc`` (of
    the review file's bytes, when the store wrote them) lets ``get`` trust the file."""
    return {
        "id": review.id,
        "case_ref": review.case_ref,
        "framework": review.framework,
        "mode": review.mode,
        "status": review.status,
        "team": review.team,
        "reviewer": review.reviewer,
        "updated_at": review.updated_at.isoformat(),
        "revision": review.revision,
        "summary": _counts(summary),
        "stamp": stamp,
        "crc": crc,
    }


def _summary_from_entry(entry: Any, stamp: list[int] | None = None) -> ReviewSummary | None:
    """The summary an entry describes, if it is well formed and (given ``stamp``) current.

    Entries come from the store's own sealed caches or from a review it has just validated
    (``_entry``), so only their shape is checked here, cheaply: a listing reads thousands."""
    try:
        if stamp is not None and entry["stamp"] != stamp:
            return None
        updated_at = datetime.fromisoformat(entry["updated_at"])
        if updated_at.tzinfo is not UTC:
            if updated_at.tzinfo is None:
                return None
            updated_at = updated_at.astimezone(UTC)
        return ReviewSummary(
            id=str(entry["id"]),
            case_ref=str(entry["case_ref"]),
            framework=str(entry["framework"]),
            mode=str(entry["mode"]),
            status=str(entry["status"]),
            team=str(entry["team"]),
            reviewer=str(entry["reviewer"]),
            updated_at=updated_at,
            revision=int(entry["revision"]),
            summary=dict(entry["summary"]),
        )
    except (KeyError, TypeError, ValueError, OverflowError):
        return None


def _counts(summary: Any) -> dict[str, int]:
    """A listing summary as the home screen reads it: counts only (a review file edited by
    hand can hold anything there)."""
    if not isinstance(summary, dict):
        return {}
    return {
        k: v
        for k, v in summary.items()
        if isinstance(k, str) and type(v) is int and -(2**53) <= v <= 2**53
    }


def _stamp(st: os.stat_result) -> list[int]:
    """A file's identity: inode, size, modification and change times (nanoseconds)."""
    return [st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]


class Store:
    """A folder of reviews.  Open with ``Store.open(path)``; see the module docstring."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.reviews_dir = path / "reviews"
        self.index_dir = path / "index"
        self.audit_dir = path / "audit"
        self.claims_dir = path / "claims"
        self._lock = StoreLock(path / LOCK)
        self._open_problems: list[str] = []  # met opening the store: told with the next listing
        self._key: bytes | None = None  # seals the caches (store.sealed); set by ``open``

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r})"

    # -- opening ----------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | os.PathLike[str] | None = None) -> Store:
        """Open (creating if missing) the store at ``path`` / $CASE_REVIEW_STORE / default.

        StoreError (one line) for a folder that is not a store, that another user owns or
        others can write to, or that holds a link or a file where a folder belongs."""
        root = resolve_path(path)
        cls._check_folder(root)
        ensure_private_dir(root, follow=True)
        store = cls(root)
        for folder in _FOLDERS:
            ensure_private_dir(root / folder)
        if not os.path.lexists(root / MARKER):
            with store._lock:
                if not os.path.lexists(root / MARKER):
                    marker = {"format": STORE_FORMAT, "layout": LAYOUT, "created_at": str(now())}
                    try:
                        atomic_write(root / MARKER, dumps(marker))
                    except OSError as exc:
                        raise StoreError(
                            f"{root / MARKER}: cannot create the store: {describe(exc)}", root
                        ) from None
        store._key = sealed.load_key(root, create=True)
        store._recover_interrupted()
        return store

    @staticmethod
    def _check_folder(root: Path) -> None:
        try:
            st = os.stat(root)
        except FileNotFoundError:
            return
        except OSError as exc:
            raise StoreError(f"{root}: cannot be read: {describe(exc)}", root) from None
        if not stat.S_ISDIR(st.st_mode):
            raise StoreError(f"{root}: is a file, not a store folder", root)
        check_private_dir(root, follow=True)
        marker_path = root / MARKER
        marker = read_json_file(marker_path, "store marker")
        if marker is None:
            try:
                names = os.listdir(root)
            except OSError as exc:
                raise StoreError(f"{root}: cannot be read: {describe(exc)}", root) from None
            strangers = [n for n in names if n not in _KNOWN_NAMES and not n.endswith(TEMP_SUFFIX)]
            if strangers:
                raise StoreError(
                    f"{root}: is a folder holding other files ({strangers[0]!r}, ...), not a "
                    f"case-review store; choose a new or empty folder",
                    root,
                )
            return
        if not isinstance(marker, dict) or marker.get("format") != STORE_FORMAT:
            raise StoreError(f"{marker_path}: not a case-review store marker", marker_path)
        layout = marker.get("layout")
        if not isinstance(layout, int) or layout > LAYOUT:
            raise StoreError(
                f"{marker_path}: store layout {layout!r} is newer than this program understands "
                f"({LAYOUT}); upgrade case-review-assistant",
                marker_path,
            )

    # -- paths ------------------------------------------------------------------------------

    def review_path(self, review_id: str) -> Path:
        """The TinyDB file that holds this review."""
        return self.reviews_dir / f"{review_key(review_id)}.json"

    def _paths(self, key: str) -> tuple[Path, Path, Path, Path]:
        return (
            self.reviews_dir / f"{key}.json",
            self.reviews_dir / f"{key}.dirty",
            self.index_dir / f"{key}.json",
            self.audit_dir / f"{key}.jsonl",
        )

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

    # -- reading ----------------------------------------------------------------------------

    @staticmethod
    def _table(path: Path) -> Table:
        from tinydb import TinyDB

        from store.tinydb_storage import AtomicJSONStorage

        return TinyDB(path, storage=AtomicJSONStorage).table(TABLE)

    def _read_doc(self, path: Path, table: Table | None = None) -> dict[str, Any] | None:
        """The document of a review file; None if there is no file; StoreError if damaged (or
        a link, a folder, a FIFO: never followed or read)."""
        if not os.path.lexists(path):
            return None
        doc = (table or self._table(path)).get(doc_id=DOC_ID)
        if doc is None:
            if os.path.lexists(path):
                raise StoreError(
                    f"{path}: not a case-review review file (no table {TABLE!r} record)", path
                )
            return None
        return dict(doc)

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
            trusted = _trusted_load(path, review_id, stamp, crc)
            if trusted is not None:
                return trusted
        return self._load_many(path, review_id)

    def _load_many(self, path: str, review_id: str) -> Review:
        """``_load`` for reading many reviews (listings, reports): validated in one pass from
        the file's bytes if sound and current (about 0.06 ms), else through TinyDB."""
        fast = _fast_load(path, review_id)
        if fast is not None:
            return fast
        doc = self._read_doc(Path(path))
        if doc is None:
            raise KeyError(review_id)
        return record_from_doc(doc, Path(path), review_id)

    def _scan(self) -> tuple[list[str], list[str]]:
        keys: list[str] = []
        dirty: list[str] = []
        try:
            entries = list(os.scandir(self.reviews_dir))
        except FileNotFoundError:
            return keys, dirty
        except OSError as exc:
            raise StoreError(f"{self.reviews_dir}: cannot be read: {describe(exc)}") from None
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            if name.endswith(".json"):
                keys.append(name[:-5])
            elif name.endswith(".dirty"):
                dirty.append(name[:-6])
        return keys, dirty

    def _read_index(self, path: Path) -> ReviewSummary | None:
        entry = self._read_sealed(path)
        return _summary_from_entry(entry) if entry is not None else None

    def _read_snapshot(self) -> dict[str, Any]:
        data = self._read_sealed(self.path / SNAPSHOT)
        entries = data.get("entries") if data is not None else None
        return entries if isinstance(entries, dict) else {}

    def summaries(
        self,
        *,
        team: str | None = None,
        query: str | None = None,
        order: Order = "updated",
        offset: int = 0,
        limit: int | None = None,
    ) -> Listing:
        """Review summaries (see ``ReviewStore.summaries``; fast: no review is loaded).

        Reads the listing snapshot, checks every entry against its review file's identity
        (inode, size, modification and change times), and reads the per-review summary file,
        or failing that the review file itself, only for reviews saved since the snapshot was
        written.  When more than ``SNAPSHOT_SLACK`` entries were out of date the snapshot is
        rewritten (compaction; it is a cache, saves never touch it, so their cost stays flat).
        Unreadable review files are left out and named in the listing's ``problems``.
        """
        items, problems = self._listing()
        page, total = select(
            (item[1] for item in items),
            team=team,
            query=query,
            order=order,
            offset=offset,
            limit=limit,
        )
        return Listing(page, problems, total=total)

    def _listing(
        self,
    ) -> tuple[list[tuple[str, ReviewSummary, Review | None, list[int], int | None]], list[str]]:
        """``summaries`` with each review's file key, the review itself when the listing had
        to read its file anyway (so ``reviews`` does not read it twice), the file's stamp as
        listed (taken before any read of the file) and the CRC-32 its sealed entry records;
        and the files that could not be read."""
        problems: list[str] = self._open_problems
        self._open_problems = []
        keys, dirty = self._scan()
        if dirty:
            self._recover(dirty, problems)
        snapshot = self._read_snapshot()
        reviews_dir = str(self.reviews_dir)
        out: list[tuple[str, ReviewSummary, Review | None, list[int], int | None]] = []
        entries: dict[str, Any] = {}
        misses = 0
        for key in keys:
            review_path = f"{reviews_dir}/{key}.json"
            try:
                st = os.lstat(review_path)
            except FileNotFoundError:
                continue
            except OSError as exc:
                problems.append(f"{review_path}: cannot be read: {describe(exc)}")
                continue
            stamp = [st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]
            entry = snapshot.get(key)
            summary = _summary_from_entry(entry, stamp)
            review: Review | None = None
            if summary is None:
                misses += 1
                entry = self._read_sealed(self.index_dir / f"{key}.json")
                summary = _summary_from_entry(entry, stamp)
            if summary is None:
                try:
                    doc = self._read_doc(Path(review_path))
                    if doc is None:
                        continue
                    review = record_from_doc(doc, Path(review_path))
                except StoreError as exc:
                    problems.append(str(exc))
                    continue
                if review_key(review.id) != key:
                    problems.append(
                        f"{review_path}: holds review {review.id!r}, whose file this is not"
                    )
                    continue
                entry = _entry(review, doc.get("summary"), stamp)
                summary = _summary_from_entry(entry, stamp)
                if summary is None:  # (cannot happen for a validated review)
                    continue
            entries[key] = entry
            crc = entry.get("crc") if isinstance(entry, dict) else None
            out.append((key, summary, review, stamp, crc if isinstance(crc, int) else None))
        if misses > SNAPSHOT_SLACK or len(snapshot) - (len(entries) - misses) > SNAPSHOT_SLACK:
            self._write_snapshot(entries)
        out.sort(key=lambda item: (item[1].updated_at, item[1].id), reverse=True)
        return out, _unique(problems)

    def _write_snapshot(self, entries: dict[str, Any]) -> None:
        """Compact the listing into one file; best effort (a read-only store just lists slower).

        A listing never waits for the lock: if a save holds it, the snapshot waits for the
        next listing.
        """
        path = self.path / SNAPSHOT
        data = self._sealed(path, dumps({"layout": LAYOUT, "entries": entries}))
        if data is None:
            return
        quick = StoreLock(self.path / LOCK, timeout=0.05)
        with contextlib.suppress(OSError, StoreError), quick:
            atomic_write(path, data)

    def reviews(
        self,
        *,
        status: str | None = None,
        team: str | None = None,
        framework: str | None = None,
    ) -> Loaded:
        """Every stored review matching the filters (team compared case-insensitively), loaded
        as the result is iterated; files that cannot be read are left out and named in its
        ``problems``."""

        def produce(problems: list[str]) -> Iterator[Review]:
            listing, listed = self._listing()
            problems.extend(listed)
            team_key = team.casefold() if team is not None else None
            reviews_dir = str(self.reviews_dir)
            for key, entry, review, _stamp, _crc in listing:
                if status is not None and entry.status != status:
                    continue
                if team_key is not None and entry.team.casefold() != team_key:
                    continue
                if framework is not None and entry.framework != framework:
                    continue
                if review is None:
                    try:
                        review = self._load_many(f"{reviews_dir}/{key}.json", entry.id)
                    except KeyError:
                        continue
                    except StoreError as exc:
                        problems.append(str(exc))
                        continue
                yield review

        return Loaded(produce)

    def derived(
        self,
        name: str,
        version: str,
        derive: Callable[[Review], Any],
        *,
        status: str | None = None,
        team: str | None = None,
        framework: str | None = None,
        rebuild: bool = False,
    ) -> Derived:
        """``derive(review)`` for every stored review matching the filters, in listing order,
        cached by review file identity so that unchanged reviews are not loaded again.

        For reports over thousands of reviews, where validating every record file is most of
        the time.  ``derive`` must return plain JSON data (dicts with string keys, lists,
        strings, numbers, booleans, None) so that a value read back from the cache equals a
        fresh one; ``version`` names its output shape and must change whenever ``derive``
        does (a cache of another version is ignored).

        A cached value is used only for a review file whose identity (inode, size,
        modification and change times, as in the listing) is exactly the one it had when the
        value was derived from it, which is only ever done from a review loaded (validated,
        migrated) as ``get`` loads it; any other file is loaded again.  So a review saved,
        restored or damaged since is always read afresh, and files that cannot be read are
        left out and named in the result's ``problems`` exactly as ``reviews`` does.  The cache is
        sealed (``store.sealed``), as are the listing entries the filters read: a cache edited
        by hand fails its seal and is ignored, so editing it cannot change what is derived.
        Review files are never written.  The cache (``cache/<name>.json``) is rewritten, best
        effort and without waiting for the lock, when more than ``SNAPSHOT_SLACK`` values were
        derived afresh or dropped; a missing, damaged or foreign cache is treated as empty.
        ``rebuild`` ignores the cache and rewrites it (for a caller that found a cached value
        it cannot use).
        """
        if not _CACHE_NAME.match(name):
            raise ValueError(f"not a cache name: {name!r}")
        cache_path = self.path / CACHE / f"{name}.json"
        cached = self._read_sealed(cache_path)
        old: Any = None
        if (
            cached is not None
            and cached.get("layout") == LAYOUT
            and cached.get("version") == version
        ):
            old = cached.get("entries")
        if not isinstance(old, dict) or rebuild:
            old = {}
        listing, problems = self._listing()
        team_key = team.casefold() if team is not None else None
        reviews_dir = str(self.reviews_dir)
        entries: dict[str, Any] = {}
        values: list[Any] = []
        fresh = 0
        for key, entry, review, stamp, _crc in listing:
            hit = old.get(key)
            if not (isinstance(hit, dict) and hit.get("stamp") == stamp and "value" in hit):
                hit = None
            wanted = (
                (status is None or entry.status == status)
                and (team_key is None or entry.team.casefold() == team_key)
                and (framework is None or entry.framework == framework)
            )
            if not wanted:
                if hit is not None:
                    entries[key] = hit  # still current: kept for other filters
                continue
            if hit is None:
                if review is None:
                    try:
                        review = self._load_many(f"{reviews_dir}/{key}.json", entry.id)
                    except KeyError:
                        continue
                    except StoreError as exc:
                        problems.append(str(exc))
                        continue
                hit = {"stamp": stamp, "value": derive(review)}
                fresh += 1
            entries[key] = hit
            values.append(hit["value"])
        dropped = len(old) - (len(entries) - fresh)
        if fresh > SNAPSHOT_SLACK or dropped > SNAPSHOT_SLACK or (rebuild and cached is not None):
            payload = {"layout": LAYOUT, "version": version, "entries": entries}
            self._write_cache(cache_path, payload)
        return Derived(values, problems)

    def _write_cache(self, path: Path, payload: dict[str, Any]) -> None:
        """Replace a derived cache, sealed; best effort, never waiting for the lock (as the
        listing snapshot).  Under the lock nobody else writes there, so leftover temporary
        files from an interrupted write are removed first.  Serialised by pydantic-core (about
        three times as fast as ``json.dumps`` for a few megabytes), or by ``dumps`` for text
        that is not valid Unicode."""
        try:
            data = adapter(Any).dump_json(payload)
        except ValueError:  # pydantic's serialisation error (a lone surrogate, say)
            data = dumps(payload)
        sealed_data = self._sealed(path, data)
        if sealed_data is None:
            return
        quick = StoreLock(self.path / LOCK, timeout=0.05)
        with contextlib.suppress(OSError, StoreError), quick:
            ensure_private_dir(path.parent)
            for name in os.listdir(path.parent):
                if name.startswith(".") and name.endswith(TEMP_SUFFIX):
                    with contextlib.suppress(OSError):
                        os.unlink(path.parent / name)
            atomic_write(path, sealed_data)

    def find_case(self, case_ref: str, mode: str | None = None) -> Found:
        """The most recently updated non-learning review of this case reference, if any."""
        wanted = case_ref.strip().casefold()
        listing, problems = self._listing()
        matches = [
            item
            for item in listing
            if item[1].case_ref.casefold() == wanted
            and item[1].mode != "learning"
            and (mode is None or item[1].mode == mode)
        ]
        if not matches:
            return Found(None, tuple(problems))
        key, latest, review, stamp, crc = max(
            matches, key=lambda i: (i[1].updated_at, i[1].revision)
        )
        if review is None:  # (else the listing had to read it)
            try:
                review = self._load(f"{self.reviews_dir}/{key}.json", latest.id, stamp, crc)
            except KeyError:
                review = None
        return Found(review, tuple(problems))

    @property
    def location(self) -> str:
        return str(self.path)

    @property
    def persistent(self) -> bool:
        return True

    def exists(self, review_id: str) -> bool:
        return os.path.lexists(self.review_path(review_id))

    def audit(self, review_id: str | None = None) -> AuditTrail:
        """The audit trail of one review (in order), or of the whole store (by time)."""
        from store import audit as audit_log

        problems: list[str] = []
        if review_id is not None:
            paths = [self._paths(review_key(review_id))[3]]
        else:
            paths = sorted(self.audit_dir.glob("*.jsonl"))
        events: list[AuditEvent] = []
        for path in paths:
            try:
                events.extend(audit_log.read(path, problems))
            except StoreError as exc:
                problems.append(str(exc))
        if review_id is None:
            events.sort(key=lambda e: e.at)
        return AuditTrail(events, problems)

    def verify(self, ref: str | None = None) -> Any:
        """Check the audit trails (``store.trail``): of every review, or of the reviews of
        case ``ref`` (or the review with id ``ref``); KeyError if there is none."""
        from store import trail

        if ref is None:
            return trail.verify(self)
        keys = trail.keys_of(self, ref)
        if not keys:
            raise KeyError(ref)
        return trail.verify(self, keys)

    # -- writing ----------------------------------------------------------------------------

    def save(
        self,
        review: Review,
        actor: Actor,
        *,
        summary: dict[str, Any] | None = None,
        action: str = "answered",
        touch: bool = True,
    ) -> Review:
        """Store ``review`` if nobody else saved it since it was loaded; durable on return.

        ``review.revision`` must equal the stored revision (0 for a new review), else
        ConflictError.  Returns the stored copy: revision + 1 and, unless ``touch`` is False
        (the importer keeps the original timestamps), ``updated_at`` set to now.  The audit
        events (see ``store.audit.diff``) are appended with ``actor`` as who made the change
        (the login name when the actor has none); ``summary`` is kept for the listing as
        given.  StoreError, one line, when it cannot be saved (see the module docstring).
        """
        if review.mode == "learning":
            raise StoreError(f"{self.path}: learning-mode reviews are never written to the store")
        summary_data = dict(summary or {})
        try:
            dumps(summary_data)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"the summary passed to save is not plain JSON data: {exc}") from None
        key = review_key(review.id)
        path, marker, _, log_path = self._paths(key)
        with self._lock:
            if os.path.lexists(marker):
                problems: list[str] = []
                self._recover([key], problems)
                if os.path.lexists(marker):
                    why = problems[0] if problems else f"{marker} is still there"
                    why = why.removeprefix(f"{path}: ").removeprefix(_UNFINISHED)
                    raise StoreError(
                        f"{path}: {_what(action, review)} was not saved: the save before it "
                        f"could not be finished ({why}); nothing was lost: everything saved "
                        "before it is safe",
                        path,
                    )
            self._check_targets(key)
            table = self._table(path)
            doc = self._read_doc(path, table)
            old = record_from_doc(doc, path, review.id) if doc is not None else None
            stored = old.revision if old is not None else 0
            if review.revision != stored:
                if old is None:
                    why = "is no longer in the store"
                else:
                    why = "was changed in another session since it was loaded"
                raise ConflictError(
                    f"{path}: review {review.case_ref} {why} (loaded revision "
                    f"{review.revision}, stored revision {stored}); reload it and try again",
                    path,
                    expected=review.revision,
                    stored=stored,
                )
            at = now()
            changes: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "revision": stored + 1}
            if touch:
                changes["updated_at"] = at
            new = review.copy(**changes)
            from store import audit as audit_log

            who = actor.name or login_name()
            events = audit_log.diff(old, new, who=who, role=actor.role, action=action, at=at)
            record = new.to_data()
            _validated(record, path, "not saved, not a valid review")
            if doc is not None and isinstance(doc.get("head"), str):
                prev: str | None = doc["head"]
            else:  # a new review, or one whose log was written before events were chained
                prev = audit_log.tail_hash(log_path)
            chained, head = audit_log.chain([e.to_data() for e in events], prev)
            new_doc = {
                "record": record,
                "summary": summary_data,
                "audit": audit_log.compact(chained),
            }
            if head or prev:
                new_doc["head"] = head or prev
            made_marker = False
            try:
                made_marker = create_private_file(marker)
                if doc is None:
                    from tinydb.table import Document

                    table.insert(Document(new_doc, doc_id=DOC_ID))
                else:
                    table.update(partial(_replace, new_doc), doc_ids=[DOC_ID])
            except OSError as exc:
                if made_marker:
                    with contextlib.suppress(OSError):
                        os.unlink(marker)
                raise StoreError(
                    f"{path}: could not save {_what(action, review)} ({describe(exc)}); "
                    "nothing was lost: everything saved before is safe",
                    path,
                ) from None
            try:
                self._finish(key, new_doc, new, recovering=False)
            except (OSError, StoreError) as exc:
                # The review file is written and durable: the answer is saved.  The marker
                # stays, and the next save or open finishes the rest (or says why it cannot).
                why = str(exc) if isinstance(exc, StoreError) else describe(exc)
                self._open_problems.append(f"{path}: saved; finishing later: {why}")
        return new

    def _check_targets(self, key: str) -> None:
        """Before a save writes anything: every file it will replace or append to is a regular
        file or missing (a planted link or a folder is refused, its target never touched)."""
        for path in self._paths(key):
            try:
                st = os.lstat(path)
            except FileNotFoundError:
                continue
            except OSError as exc:
                raise StoreError(f"{path}: cannot be read: {describe(exc)}", path) from None
            if path.suffix == ".dirty" and stat.S_ISLNK(st.st_mode):
                continue  # an empty marker: only ever removed, never opened
            if not stat.S_ISREG(st.st_mode):
                from checked.files import not_regular

                raise StoreError(
                    f"{path}: {not_regular(st.st_mode)}; nothing was saved (the store never "
                    "writes through a link; remove it)",
                    path,
                )

    def _finish(self, key: str, doc: dict[str, Any], review: Review, *, recovering: bool) -> None:
        """After the review file is written: summary file, audit events, then drop the marker."""
        from store import audit as audit_log

        review_path, marker, index_path, log_path = self._paths(key)
        fd, st = open_regular(review_path)
        try:
            raw = read_fd(fd, st.st_size, MAX_FILE_BYTES, review_path)
        finally:
            os.close(fd)
        index = _entry(review, doc.get("summary"), _stamp(st), zlib.crc32(raw))
        data = self._sealed(index_path, dumps(index))
        if data is not None:
            atomic_write(index_path, data)
        events = doc.get("audit")
        if isinstance(events, list) and events:
            events = audit_log.expand(events, doc["record"])
            if recovering:
                audit_log.cut_torn_tail(log_path)
                events = _not_yet_logged(events, log_path, doc.get("head"), review.revision)
            audit_log.append(log_path, events)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(marker)

    def _recover(self, keys: list[str], problems: list[str]) -> None:
        """Finish saves a crash interrupted (see the module docstring); idempotent."""
        with self._lock:
            for key in keys:
                review_path, marker, _, _ = self._paths(key)
                if not os.path.lexists(marker):
                    continue  # another process finished it meanwhile
                try:
                    self._check_targets(key)
                    doc = self._read_doc(review_path)
                    if doc is None:  # the crash came before the first write of a new review
                        os.unlink(marker)
                        continue
                    review = record_from_doc(doc, review_path)
                    self._finish(key, doc, review, recovering=True)
                except StoreError as exc:
                    problems.append(str(exc))  # damaged: leave everything as it is
                except OSError as exc:
                    problems.append(f"{review_path}: {_UNFINISHED}{describe(exc)}")

    def _recover_interrupted(self) -> None:
        """At open: finish interrupted saves and remove temporary files a crash left behind."""
        folders = (self.reviews_dir, self.index_dir, self.claims_dir, self.path)
        try:
            names = os.listdir(self.reviews_dir)
            others = [n for folder in folders[1:] for n in os.listdir(folder)]
        except OSError:
            return
        dirty = [n[:-6] for n in names if n.endswith(".dirty") and not n.startswith(".")]
        temps = [n for n in names + others if n.startswith(".") and n.endswith(TEMP_SUFFIX)]
        if not dirty and not temps:
            return
        problems: list[str] = []
        try:
            with self._lock:
                self._recover(dirty, problems)
                # Under the lock nobody is writing, so every temporary file is a leftover
                # (unlink removes a link itself, never its target).
                for folder in folders:
                    for name in os.listdir(folder):
                        if name.startswith(".") and name.endswith(TEMP_SUFFIX):
                            with contextlib.suppress(OSError):
                                os.unlink(folder / name)
        except (StoreError, OSError) as exc:
            problems.append(str(exc))
        self._open_problems = problems

    # -- claims -----------------------------------------------------------------------------

    def _claim_path(self, review_id: str) -> Path:
        return self.claims_dir / f"{review_key(review_id)}.json"

    def _label(self, review_id: str) -> str:
        cached = self._read_index(self._paths(review_key(review_id))[2])
        return f"Case {cached.case_ref}" if cached else f"Review {review_id}"

    def _read_claim(self, review_id: str) -> Claim | None:
        from store.claims import Claim

        try:
            data = read_json_file(self._claim_path(review_id), "claim")
        except StoreError:
            return None  # a damaged claim is no claim: claims are advisory
        return Claim.from_json(data) if data is not None else None

    def claimed_by(self, review_id: str) -> str | None:
        """A message if another live session has this review open, else None (claims nothing)."""
        existing = self._read_claim(review_id)
        if existing is None or existing.is_mine() or existing.is_stale():
            return None
        return existing.describe(self._label(review_id))

    def claim(self, review_id: str, *, who: str = "", force: bool = False) -> str | None:
        """Mark this review as open in this process.

        Returns None when the claim is made (no claim, a stale one, or already ours).  When
        another live session holds it, returns a one-line message saying who has it open and
        leaves their claim in place, unless ``force`` is True: then the claim is taken over and
        the message is still returned so the caller can warn.  Claims are advisory only;
        ``save``'s revision check is what prevents lost answers.  A claim that cannot be
        written (a link in its place, a full disk) is a message too, never an error.
        """
        path = self._claim_path(review_id)
        with self._lock:
            existing = self._read_claim(review_id)
            message = None
            if existing is not None and not existing.is_mine() and not existing.is_stale():
                message = existing.describe(self._label(review_id))
                if not force:
                    return message
            from store.claims import Claim

            try:
                atomic_write(path, dumps(Claim.mine(review_id, who).to_json()))
            except OSError as exc:
                return (
                    f"{path}: could not mark the review as open here ({describe(exc)}); "
                    "another session will not be warned"
                )
            return message

    def release(self, review_id: str) -> None:
        """Drop this process's claim on the review (another session's claim is left alone)."""
        path = self._claim_path(review_id)
        with self._lock:
            existing = self._read_claim(review_id)
            if existing is not None and existing.is_mine():
                with contextlib.suppress(OSError):
                    os.unlink(path)


_UNFINISHED = "cannot finish an interrupted save: "


def _what(action: str, review: Review) -> str:
    """What a save was saving, for a message."""
    if action == "imported":
        return f"imported review {review.id!r} ({review.case_ref})"
    if action == "created":
        return f"the new review of {review.case_ref}"
    return f"the latest change to {review.case_ref}"


def _not_yet_logged(
    events: list[dict[str, Any]], log: Path, head: Any, revision: int
) -> list[dict[str, Any]]:
    """Of a save's events, those the log does not end with yet (crash recovery).  The log's
    last hash says where it stopped: at the head (all there), at one of these events (the rest
    are missing), or just before them (all missing).  Events from before the chain existed
    are matched by the revision they produced, as before."""
    from store import audit as audit_log

    last = audit_log.tail_hash(log)
    if head is not None and last == head:
        return []
    hashes = [audit_log.event_hash(e) for e in events]
    if last in hashes:
        return events[hashes.index(last) + 1 :]
    if "prev" in events[0] and events[0]["prev"] == last:
        return events
    return events if audit_log.last_revision(log) < revision else []


def _replace(new: dict[str, Any], doc: dict[str, Any]) -> None:
    doc.clear()
    doc.update(new)


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))
