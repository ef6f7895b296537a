"""Reading one review file: as the store wrote it, validated in one pass, or through TinyDB.

A review file is a TinyDB database (table ``review``, document 1) holding the record, the
listing summary, the last save's audit events and the head of the audit chain.  Whatever a
review file holds (a naive or absurd timestamp, a wrong type, a huge value), it is validated
before use; one that fails is reported by name and never written.  Every time in a record is
aware and in UTC (``store.records``), so sorting and comparing times never mixes naive and
aware ones.

Three ways in, fastest first: ``trusted_load`` rebuilds the record without validation from a
file whose identity and CRC-32 are those its sealed summary recorded when the store wrote it
(no pydantic: this keeps pydantic off the app's start-up); ``fast_load`` parses and validates
a sound, current file in one pass with pydantic (for reports that load thousands);
``read_doc`` + ``record_from_doc`` read it through TinyDB and the same storage class as writes
do, migrating older records and naming the file and the fault when it cannot be read.
"""

from __future__ import annotations

import json
import os
import zlib
from dataclasses import make_dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checked import adapter, validate
from checked.files import open_regular, read_fd
from store.errors import StoreError
from store.layout import file_stamp
from store.records import SCHEMA_VERSION, Review, migrate
from store.storage import MAX_FILE_BYTES, read_bytes

if TYPE_CHECKING:
    from pydantic import ValidationError
    from tinydb.table import Table

TABLE = "review"
DOC_ID = 1


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
    review = validated(data, path, "not a valid review record")
    if review_id is not None and review.id != review_id:
        raise StoreError(f"{path}: holds review {review.id!r}, not {review_id!r}", path)
    return review


def validated(data: Any, path: Path, problem: str) -> Review:
    """``data`` validated as a review; StoreError ``PATH: PROBLEM: first error`` if it is not.

    Reads validate what they find; saves validate the record they are about to write, so the
    store never writes a record it could not read back (the records are plain dataclasses, so
    nothing else has checked values the program built itself)."""
    from pydantic import ValidationError

    try:
        return validate(Review, data)
    except ValidationError as exc:
        raise StoreError(f"{path}: {problem}: {_first_error(exc)}", path) from None


def table(path: Path) -> Table:
    """The review file's TinyDB table, read and written through ``AtomicJSONStorage``."""
    from tinydb import TinyDB

    from store.tinydb_storage import AtomicJSONStorage

    return TinyDB(path, storage=AtomicJSONStorage).table(TABLE)


def read_doc(path: Path, review_table: Table | None = None) -> dict[str, Any] | None:
    """The document of a review file; None if there is no file; StoreError if damaged (or
    a link, a folder, a FIFO: never followed or read)."""
    if not os.path.lexists(path):
        return None
    doc = (review_table or table(path)).get(doc_id=DOC_ID)
    if doc is None:
        if os.path.lexists(path):
            raise StoreError(
                f"{path}: not a case-review review file (no table {TABLE!r} record)", path
            )
        return None
    return dict(doc)


@cache
def _file_adapter() -> Any:
    """pydantic's validator for the shape of a sound, current review file (see fast_load);
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


def fast_load(path: str, review_id: str) -> Review | None:
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


def trusted_load(path: str, review_id: str, stamp: Any, crc: Any) -> Review | None:
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
            if file_stamp(st) != stamp:
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
