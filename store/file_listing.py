"""The file store's listing: every review's summary, without loading the reviews.

Listing must not read 5,000 files, so it reads ``listing.json``, a snapshot of every summary,
and checks each entry against its review file's identity (inode, size, modification and change
times: one ``lstat``; the change time cannot be set back by hand, as the modification time
can); entries that do not match (reviews saved since the snapshot) are taken from the
per-review summary file, or, if that does not match either (an interrupted save, a file
restored by hand), rebuilt from the review file itself.  So the listing is never wrong, and
when enough entries were out of date the listing rewrites the snapshot (compaction).  Saves
never touch the snapshot, so their cost stays flat however large the store grows.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checked.files import describe
from store.errors import StoreError
from store.layout import LAYOUT, LOCK, SNAPSHOT, review_key
from store.locks import StoreLock
from store.review_files import record_from_doc
from store.storage import atomic_write, dumps
from store.summary import ReviewSummary, make_entry, summary_from_entry

if TYPE_CHECKING:
    from store.folder import StoreFolder
    from store.records import Review

SNAPSHOT_SLACK = 16

# One listed review: its file key, its summary, the review itself when the listing had to
# read its file anyway (so ``reviews`` does not read it twice), the file's stamp as listed
# (taken before any read of the file) and the CRC-32 its sealed entry records.
Listed = tuple[str, ReviewSummary, "Review | None", list[int], "int | None"]


def scan(folder: StoreFolder) -> tuple[list[str], list[str]]:
    """The keys of the review files, and of the saves a crash left unfinished (markers)."""
    keys: list[str] = []
    dirty: list[str] = []
    try:
        entries = list(os.scandir(folder.reviews_dir))
    except FileNotFoundError:
        return keys, dirty
    except OSError as exc:
        raise StoreError(f"{folder.reviews_dir}: cannot be read: {describe(exc)}") from None
    for entry in entries:
        name = entry.name
        if name.startswith("."):
            continue
        if name.endswith(".json"):
            keys.append(name[:-5])
        elif name.endswith(".dirty"):
            dirty.append(name[:-6])
    return keys, dirty


def read_snapshot(folder: StoreFolder) -> dict[str, Any]:
    data = folder._read_sealed(folder.path / SNAPSHOT)
    entries = data.get("entries") if data is not None else None
    return entries if isinstance(entries, dict) else {}


def listing(folder: StoreFolder) -> tuple[list[Listed], list[str]]:
    """Every review's summary (see ``Listed``), most recently updated first, and the files
    that could not be read.

    Reads the listing snapshot, checks every entry against its review file's identity, and
    reads the per-review summary file, or failing that the review file itself, only for
    reviews saved since the snapshot was written.  When more than ``SNAPSHOT_SLACK`` entries
    were out of date the snapshot is rewritten (compaction; it is a cache, saves never touch
    it, so their cost stays flat)."""
    from store.saving import recover

    problems: list[str] = folder._open_problems
    folder._open_problems = []
    keys, dirty = scan(folder)
    if dirty:
        recover(folder, dirty, problems)
    snapshot = read_snapshot(folder)
    reviews_dir = str(folder.reviews_dir)
    out: list[Listed] = []
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
        summary = summary_from_entry(entry, stamp)
        review: Review | None = None
        if summary is None:
            misses += 1
            entry = folder._read_sealed(folder.index_dir / f"{key}.json")
            summary = summary_from_entry(entry, stamp)
        if summary is None:
            try:
                doc = folder._read_doc(Path(review_path))
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
            entry = make_entry(review, doc.get("summary"), stamp)
            summary = summary_from_entry(entry, stamp)
            if summary is None:  # (cannot happen for a validated review)
                continue
        entries[key] = entry
        crc = entry.get("crc") if isinstance(entry, dict) else None
        out.append((key, summary, review, stamp, crc if isinstance(crc, int) else None))
    if misses > SNAPSHOT_SLACK or len(snapshot) - (len(entries) - misses) > SNAPSHOT_SLACK:
        write_snapshot(folder, entries)
    out.sort(key=lambda item: (item[1].updated_at, item[1].id), reverse=True)
    return out, list(dict.fromkeys(problems))


def write_snapshot(folder: StoreFolder, entries: dict[str, Any]) -> None:
    """Compact the listing into one file; best effort (a read-only store just lists slower).

    A listing never waits for the lock: if a save holds it, the snapshot waits for the
    next listing.
    """
    path = folder.path / SNAPSHOT
    data = folder._sealed(path, dumps({"layout": LAYOUT, "entries": entries}))
    if data is None:
        return
    quick = StoreLock(folder.path / LOCK, timeout=0.05)
    with contextlib.suppress(OSError, StoreError), quick:
        atomic_write(path, data)
