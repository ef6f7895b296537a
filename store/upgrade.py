"""Bringing a store folder of layout 1 to layout 2, once, the first time it is opened.

Layout 1 had no case index and no listing log: its listing was a snapshot rewritten by
readers, its save markers sat beside the review files, its derived caches were single files.
The upgrade, under the store lock: moves any save marker to ``pending/`` and finishes those
saves, lists every review (from its sealed summary file, or the review file itself), writes
the listing log and one case file per case reference (without an fsync each: the folder and
then the whole file system are synced once at the end), removes the old snapshot and caches,
and only then marks the folder layout 2.  A crash midway leaves layout 1, and the next open
does it again.  It reads every review's summary once: about a second for 10,000 reviews.

A folder that cannot be upgraded (a read-only copy) still opens: it is used as it is
(``StoreFolder._legacy``), finding a case by listing the store.
"""

from __future__ import annotations

import contextlib
import os
from typing import TYPE_CHECKING

from store import cases, sealedlog
from store.errors import StoreError
from store.file_listing import HEADER, listing
from store.layout import CACHE, LAYOUT, MARKER, SNAPSHOT, STORE_FORMAT
from store.records import now
from store.storage import atomic_write, dumps, ensure_private_dir, fsync_dir, read_json_file
from store.summary import CASE_REF

if TYPE_CHECKING:
    from store.folder import StoreFolder


def upgrade(folder: StoreFolder) -> None:
    """Upgrade ``folder`` (opened, its key loaded) to the current layout; if it cannot be
    written, mark it legacy and leave it as it is."""
    try:
        with folder._lock:
            _upgrade(folder)
    except (OSError, StoreError):
        folder._legacy = True


def _upgrade(folder: StoreFolder) -> None:
    marker_path = folder.path / MARKER
    marker = read_json_file(marker_path, "store marker")
    if not isinstance(marker, dict) or marker.get("layout", 0) >= LAYOUT:
        return  # another process upgraded it meanwhile
    ensure_private_dir(folder.pending_dir)
    ensure_private_dir(folder.cases_dir)
    for name in os.listdir(folder.reviews_dir):
        if name.endswith(".dirty") and not name.startswith("."):
            os.replace(folder.reviews_dir / name, folder.pending_dir / name)
    fsync_dir(folder.pending_dir)
    fsync_dir(folder.reviews_dir)
    earlier, folder._open_problems = folder._open_problems, []
    listed, problems = listing(folder, order=False, keep=False)  # (finishes pending saves)
    if folder._pending():
        raise StoreError(f"{folder.pending_dir}: a save could not be finished")
    by_case: dict[str, list[str]] = {}
    for item in listed:
        by_case.setdefault(item.row[CASE_REF].strip().casefold(), []).append(item.key)
    for case_ref, keys in by_case.items():
        cases.write(folder, case_ref, keys, durable=False)
    sealedlog.rewrite(folder, folder.listing_log, HEADER, [(i.key, i.row) for i in listed])
    fsync_dir(folder.cases_dir)
    os.sync()  # every case file's content, before the folder says layout 2
    with contextlib.suppress(FileNotFoundError):
        os.unlink(folder.path / SNAPSHOT)
    with contextlib.suppress(OSError):
        for name in os.listdir(folder.path / CACHE):
            if name.endswith(".json"):
                os.unlink(folder.path / CACHE / name)
    created = marker.get("created_at") or str(now())
    upgraded = {"format": STORE_FORMAT, "layout": LAYOUT, "created_at": created}
    atomic_write(marker_path, dumps({**upgraded, "upgraded_at": str(now())}))
    folder._log = None
    folder._open_problems = [*earlier, *problems]
