"""Values derived from reviews and kept between runs: ``Store.derived`` (the report's rows).

Validating a review file costs about 0.06 ms, most of a report over thousands of reviews, so
``derived`` keeps what a caller derives from each review in ``cache/<name>.json``, keyed like
the listing snapshot by the review file's identity, and loads only the files that changed
since.  A cached value is only ever made from a review loaded as ``get`` loads it, so files
that cannot be read are still reported and never counted; like the snapshot, the cache is
written by readers only (best effort), never by saves.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checked import adapter
from store.errors import StoreError
from store.file_listing import SNAPSHOT_SLACK, listing
from store.layout import CACHE, CACHE_NAME, LAYOUT, LOCK
from store.locks import StoreLock
from store.protocol import Derived
from store.storage import TEMP_SUFFIX, atomic_write, dumps, ensure_private_dir

if TYPE_CHECKING:
    from store.folder import StoreFolder
    from store.records import Review


def derived(
    folder: StoreFolder,
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
    if not CACHE_NAME.match(name):
        raise ValueError(f"not a cache name: {name!r}")
    cache_path = folder.path / CACHE / f"{name}.json"
    cached = folder._read_sealed(cache_path)
    old: Any = None
    if cached is not None and cached.get("layout") == LAYOUT and cached.get("version") == version:
        old = cached.get("entries")
    if not isinstance(old, dict) or rebuild:
        old = {}
    listed, problems = listing(folder)
    team_key = team.casefold() if team is not None else None
    reviews_dir = str(folder.reviews_dir)
    entries: dict[str, Any] = {}
    values: list[Any] = []
    fresh = 0
    for key, entry, review, stamp, _crc in listed:
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
                    review = folder._load_many(f"{reviews_dir}/{key}.json", entry.id)
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
        write_cache(folder, cache_path, payload)
    return Derived(values, problems)


def write_cache(folder: StoreFolder, path: Path, payload: dict[str, Any]) -> None:
    """Replace a derived cache, sealed; best effort, never waiting for the lock (as the
    listing snapshot).  Under the lock nobody else writes there, so leftover temporary
    files from an interrupted write are removed first.  Serialised by pydantic-core (about
    three times as fast as ``json.dumps`` for a few megabytes), or by ``dumps`` for text
    that is not valid Unicode."""
    try:
        data = adapter(Any).dump_json(payload)
    except ValueError:  # pydantic's serialisation error (a lone surrogate, say)
        data = dumps(payload)
    sealed_data = folder._sealed(path, data)
    if sealed_data is None:
        return
    quick = StoreLock(folder.path / LOCK, timeout=0.05)
    with contextlib.suppress(OSError, StoreError), quick:
        ensure_private_dir(path.parent)
        for name in os.listdir(path.parent):
            if name.startswith(".") and name.endswith(TEMP_SUFFIX):
                with contextlib.suppress(OSError):
                    os.unlink(path.parent / name)
        atomic_write(path, sealed_data)
