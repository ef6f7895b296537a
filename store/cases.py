"""The case index: which reviews each case reference has, so one review opens in constant time.

``cases/<case>.json`` (``<case>``: ``layout.case_key``, a hash of the reference ignoring case)
holds the file keys of every review of that case reference, sealed like every cache
(``store.sealed``) with its own name, so a file edited, or moved to another case's name, does
not open.  A save adds its review's key (under the store lock, before its save marker is
removed, so a crash in between is finished by recovery like the rest of the save); the file is
written only when a case gets a new review, never for an answer.  ``find_case`` reads this one
file and then only the reviews it names, each checked against its own file (its summary's
stamp, or the review file itself), never a listing of the store.  No file means the case has
no review; a file that does not open is rebuilt from the listing (``rebuild``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from store.layout import case_key
from store.storage import atomic_write, dumps

if TYPE_CHECKING:
    from store.folder import StoreFolder

DAMAGED = None  # what ``keys_of`` returns for a file that is there but does not open


def path_of(folder: StoreFolder, case_ref: str) -> Path:
    return folder.cases_dir / f"{case_key(case_ref)}.json"


def keys_of(folder: StoreFolder, case_ref: str) -> list[str] | None:
    """The keys of the case's reviews ([] when it has none); None when its file is there but
    cannot be trusted (damaged, edited, not a regular file: see ``rebuild``)."""
    path = path_of(folder, case_ref)
    data = folder._read_sealed(path)
    if data is None:
        try:
            path.lstat()
        except FileNotFoundError:
            return []
        except OSError:
            return DAMAGED
        return DAMAGED
    keys = data.get("keys")
    if data.get("case") != case_ref.strip().casefold() or not isinstance(keys, list):
        return DAMAGED
    return [k for k in keys if isinstance(k, str)]


def write(folder: StoreFolder, case_ref: str, keys: list[str], *, durable: bool = True) -> None:
    """Replace the case's file (the caller holds the store lock); OSError if it cannot."""
    path = path_of(folder, case_ref)
    payload = dumps({"case": case_ref.strip().casefold(), "keys": sorted(set(keys))})
    data = folder._sealed(path, payload)
    if data is not None:
        atomic_write(path, data, durable=durable)


def add(folder: StoreFolder, case_ref: str, key: str) -> None:
    """Make sure the case's file names ``key`` (a save; under the store lock)."""
    keys = keys_of(folder, case_ref)
    if keys is not None and key in keys:
        return
    if keys is None:  # a damaged file: what it should hold is the listing's to say
        keys = rebuild_keys(folder, case_ref)
    write(folder, case_ref, [*keys, key])


def remove(folder: StoreFolder, case_ref: str, key: str) -> None:
    """Drop ``key`` from a case's file (a review whose case reference changed)."""
    keys = keys_of(folder, case_ref)
    if keys and key in keys:
        write(folder, case_ref, [k for k in keys if k != key])


def rebuild_keys(folder: StoreFolder, case_ref: str) -> list[str]:
    """The keys of the case's reviews as the listing finds them (slow: every review)."""
    from store.file_listing import listing
    from store.summary import CASE_REF

    wanted = case_ref.strip().casefold()
    listed, _ = listing(folder)
    return [item.key for item in listed if item.row[CASE_REF].casefold() == wanted]
