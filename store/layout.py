"""Where things are in a store folder: names, keys, the folder's own checks.

Layout of a store folder, layout 2 (folders 0700, files 0600)::

    store.json              marks the folder as a store: {"format": "case-review-store", ...}
    seal.key                the random key that seals the caches (store.sealed)
    .lock                   the write lock (flock), see store.locks
    listing.log             every review's summary, a line per save (store.file_listing)
    reviews/<key>.json      one TinyDB database per review, written by AtomicJSONStorage
    pending/<key>.dirty     present only while a save is between its review write and the end
    index/<key>.json        the review's summary (a cache of the review file)
    cases/<case>.json       the keys of the reviews of one case reference (store.cases)
    audit/<key>.jsonl       the review's append-only audit trail, a hash chain (store.audit)
    claims/<key>.json       who has the review open (advisory)
    cache/<name>.log        values derived from reviews, e.g. the report's rows (a cache)

``<key>`` is a readable slug of the review id plus 16 hex digits of its SHA-256, so any id is a
safe file name and two ids never share a file, even on a case-insensitive drive.  ``<case>``
is 32 hex digits of the SHA-256 of the case reference, ignoring case.

Layout 1 (before version 0.2) kept a listing snapshot (``listing.json``) rewritten by readers,
the save markers beside the review files and derived caches as single files, and had no case
index; ``store.upgrade`` brings such a folder to layout 2 the first time it is opened.

The folder belongs to one user: ``check_folder`` refuses (one line) a store folder that another
user owns or that others can write to, as ssh does with keys, or a folder holding other
files that is not a store yet.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from checked.digest import sha256_hex
from checked.files import describe
from store import sealed
from store.errors import StoreError
from store.storage import TEMP_SUFFIX, check_private_dir, read_json_file

ENV_VAR = "CASE_REVIEW_STORE"
APP_NAME = "case-review"
STORE_FORMAT = "case-review-store"
LAYOUT = 2
MARKER = "store.json"
SNAPSHOT = "listing.json"  # layout 1's listing (removed by the upgrade)
LISTING_LOG = "listing.log"
CACHE = "cache"  # derived caches (Store.derived), made when first written
LOCK = ".lock"
PENDING = "pending"
CASES = "cases"
FOLDERS = ("reviews", "index", "audit", "claims", PENDING, CASES)
KNOWN_NAMES = {MARKER, SNAPSHOT, LISTING_LOG, LOCK, CACHE, sealed.KEY_FILE, *FOLDERS}
CACHE_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,40}$")


def review_key(review_id: str) -> str:
    """A file-name-safe key for any review id: a readable slug plus a hash of the id."""
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", review_id).strip("-")[:48] or "review"
    digest = sha256_hex(review_id.encode("utf-8", "surrogatepass"))[:16]
    return f"{slug}-{digest}"


def case_key(case_ref: str) -> str:
    """The name of a case reference's file in ``cases/``: the same for any spelling that
    differs only in case or surrounding spaces (as ``find_case`` compares them)."""
    return sha256_hex(case_ref.strip().casefold().encode("utf-8", "surrogatepass"))[:32]


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


def file_stamp(st: os.stat_result) -> list[int]:
    """A file's identity: inode, size, modification and change times (nanoseconds)."""
    return [st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]


def check_folder(root: Path) -> int | None:
    """Before opening: ``root`` is missing, or a store folder of this user's that nobody else
    can write to, or an empty (or store-only) folder; else StoreError in one line.  The
    folder's layout (None: not a store yet)."""
    try:
        st = os.stat(root)
    except FileNotFoundError:
        return None
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
        strangers = [n for n in names if n not in KNOWN_NAMES and not n.endswith(TEMP_SUFFIX)]
        if strangers:
            raise StoreError(
                f"{root}: is a folder holding other files ({strangers[0]!r}, ...), not a "
                f"case-review store; choose a new or empty folder",
                root,
            )
        return None
    if not isinstance(marker, dict) or marker.get("format") != STORE_FORMAT:
        raise StoreError(f"{marker_path}: not a case-review store marker", marker_path)
    layout = marker.get("layout")
    if not isinstance(layout, int) or layout > LAYOUT:
        raise StoreError(
            f"{marker_path}: store layout {layout!r} is newer than this program understands "
            f"({LAYOUT}); upgrade case-review-assistant",
            marker_path,
        )
    return layout
