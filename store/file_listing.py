"""The file store's listing: every review's summary, without loading the reviews.

The summaries are kept in ``listing.log`` (``store.sealedlog``): each save appends its
review's row (``store.summary``: the summary's values, the review file's identity and the
CRC-32 of its bytes) under the store lock, so keeping the listing costs one short line per
save however large the store; the log is compacted by a save now and then (``compact``), and
never rewritten by a reader except to rebuild one that is missing or does not open.

A listing is never wrong: it lists the review files themselves (``reviews/``), and takes each
one's row only if the row's stamp is the file's identity now (inode, size, modification and
change times: one ``lstat``; the change time cannot be set back by hand, as the modification
time can).  A review without a current row (its file restored or edited by hand, a save cut
short before its row) is read from its sealed summary file, or failing that from the review
file itself (validated), and the row found is appended to the log for the next listing.  In
one process the log is read once and then only what was appended since.

Rows are sorted and filtered as they are (text and numbers; ``select``), and a
``ReviewSummary`` is made only for the page asked for, so a page costs the same whichever
page it is.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checked.files import describe
from store import sealedlog
from store.errors import StoreError
from store.layout import LAYOUT, review_key
from store.review_files import record_from_doc
from store.summary import (
    CASE_REF,
    COUNTS,
    CRC,
    ID,
    REVISION,
    TEAM,
    UPDATED_AT,
    ReviewSummary,
    make_entry,
    make_row,
    row_ok,
    row_summary,
    summary_from_entry,
)

if TYPE_CHECKING:
    from store.folder import StoreFolder
    from store.protocol import Order
    from store.records import Review

HEADER = {"log": "listing", "layout": LAYOUT}


class Listed:
    """One listed review: its file key, its row (checked against the file's ``stamp``, taken
    before any read of the file) and the review itself when the listing had to read its file
    anyway (so ``reviews`` does not read it twice)."""

    __slots__ = ("key", "review", "row", "stamp")

    def __init__(self, key: str, row: list[Any], review: Review | None, stamp: list[int]):
        self.key = key
        self.row = row
        self.review = review
        self.stamp = stamp

    @property
    def crc(self) -> int | None:
        crc = self.row[CRC]
        return crc if type(crc) is int else None

    @property
    def summary(self) -> ReviewSummary:
        return row_summary(self.row)


def scan(folder: StoreFolder) -> list[str]:
    """The keys of the review files."""
    try:
        names = os.listdir(folder.reviews_dir)
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise StoreError(f"{folder.reviews_dir}: cannot be read: {describe(exc)}") from None
    return [n[:-5] for n in names if n.endswith(".json") and not n.startswith(".")]


def read_log(folder: StoreFolder) -> sealedlog.LogState:
    """The listing log, read afresh or (in this process) from where it was last read."""
    state = sealedlog.read(folder, folder.listing_log, folder._log)
    if not state.usable("listing"):
        state = sealedlog.LogState(ino=state.ino)
    folder._log = state
    return state


def listing(
    folder: StoreFolder, *, order: bool = True, keep: bool = True
) -> tuple[list[Listed], list[str]]:
    """Every review (see ``Listed``), most recently updated first (``order``), and the files
    that could not be read (see the module docstring).  ``keep``: append the rows it had to
    find to the log."""
    from store.saving import recover

    problems: list[str] = folder._open_problems
    folder._open_problems = []
    unfinished = folder._pending()
    if unfinished:
        recover(folder, unfinished, problems)
    keys = scan(folder)
    state = read_log(folder)
    rows = state.values
    reviews_dir = str(folder.reviews_dir)
    out: list[Listed] = []
    repairs: list[tuple[str, Any]] = []
    try:  # each file looked up in the folder itself, not along the whole path
        folder_fd = os.open(reviews_dir, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError as exc:
        raise StoreError(f"{reviews_dir}: cannot be read: {describe(exc)}") from None
    append, stat = out.append, os.stat
    try:
        for key in keys:
            name = key + ".json"
            try:
                st = stat(name, dir_fd=folder_fd, follow_symlinks=False)
            except FileNotFoundError:
                continue
            except OSError as exc:
                problems.append(f"{reviews_dir}/{name}: cannot be read: {describe(exc)}")
                continue
            stamp = [st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]
            row = rows.get(key)
            if row_ok(row, stamp):
                append(Listed(key, row, None, stamp))
                continue
            try:
                found, review = row_from_files(folder, key, f"{reviews_dir}/{name}", stamp)
            except StoreError as exc:
                problems.append(str(exc))
                continue
            if found is not None:
                repairs.append((key, found))
                out.append(Listed(key, found, review, stamp))
    finally:
        os.close(folder_fd)
    if repairs and keep:
        _keep(folder, state, repairs, out)
    if order:
        out.sort(key=lambda item: (item.row[UPDATED_AT], item.row[ID]), reverse=True)
    return out, list(dict.fromkeys(problems))


def row_from_files(
    folder: StoreFolder, key: str, review_path: str, stamp: list[int]
) -> tuple[list[Any] | None, Review | None]:
    """A review's row when the log has no current one: from its sealed summary file if that
    is current, else from the review file itself (StoreError if it cannot be read; None if
    it is gone)."""
    entry = folder._read_sealed(folder.index_dir / f"{key}.json")
    if entry is not None and summary_from_entry(entry, stamp) is not None:
        with contextlib.suppress(KeyError, TypeError, ValueError, AttributeError):
            row = make_row(entry)
            if row_ok(row, stamp):
                return row, None
    doc = folder._read_doc(Path(review_path))
    if doc is None:
        return None, None
    review = record_from_doc(doc, Path(review_path))
    if review_key(review.id) != key:
        raise StoreError(f"{review_path}: holds review {review.id!r}, whose file this is not")
    return make_row(make_entry(review, doc.get("summary"), stamp)), review


def _keep(
    folder: StoreFolder,
    state: sealedlog.LogState,
    repairs: list[tuple[str, Any]],
    listed: list[Listed],
) -> None:
    """Keep the rows a listing had to find for the next one: appended to the log (best
    effort, never waiting for the lock); a log that is missing or does not open is written
    afresh from this listing's rows."""
    if state.header is not None:
        sealedlog.append(folder, folder.listing_log, repairs, HEADER, wait=False)
        return
    rows = [(item.key, item.row) for item in listed]
    with contextlib.suppress(OSError, StoreError), folder.quick_lock():
        sealedlog.rewrite(folder, folder.listing_log, HEADER, rows)
    folder._log = None


def compact(folder: StoreFolder) -> None:
    """Rewrite the listing log with each review's last row (a save, under the store lock, once
    the lines appended since the last compaction come to a quarter of it); rows of reviews no
    longer there are dropped.  Best effort: a log that cannot be rewritten keeps growing and
    still works."""
    state = sealedlog.read(folder, folder.listing_log)
    if not state.usable("listing"):
        return
    keep = []
    reviews_dir = str(folder.reviews_dir)
    for key, row in state.values.items():
        if os.path.lexists(f"{reviews_dir}/{key}.json"):
            keep.append((key, row))
    with contextlib.suppress(OSError, StoreError):
        sealedlog.rewrite(folder, folder.listing_log, HEADER, keep)
    folder._log = None


# -- choosing a page ---------------------------------------------------------------------


def count(row: list[Any], name: str) -> int:
    value = row[COUNTS].get(name, 0)
    return value if type(value) is int else 0


def select(
    listed: list[Listed],
    *,
    team: str | None = None,
    query: str | None = None,
    order: Order = "updated",
    offset: int = 0,
    limit: int | None = None,
) -> tuple[list[ReviewSummary], int]:
    """``store.listing.select`` over rows: the page of summaries the filters ask for, and how
    many matched in all (summaries are made for the page only)."""
    team_key = team.strip().casefold() if team is not None else None
    query_key = query.strip().casefold() if query else None
    rows = [
        item.row
        for item in listed
        if (team_key is None or item.row[TEAM].strip().casefold() == team_key)
        and (query_key is None or query_key in item.row[CASE_REF].casefold())
    ]
    if order == "urgency":  # open urgent flags, then open flags, then the most recent
        rows.sort(
            key=lambda r: (
                count(r, "urgent_flags"),
                count(r, "open_flags"),
                r[UPDATED_AT],
                r[REVISION],
                r[ID],
            ),
            reverse=True,
        )
    else:
        rows.sort(key=lambda r: (r[UPDATED_AT], r[REVISION], r[ID]), reverse=True)
    end = None if limit is None else offset + max(0, limit)
    return [row_summary(r) for r in rows[max(0, offset) : end]], len(rows)
