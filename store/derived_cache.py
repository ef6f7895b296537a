"""Values derived from reviews and kept between runs: ``Store.derived`` (the report's rows).

Validating a review file costs about 0.06 ms, most of a report over thousands of reviews, so
``derived`` keeps what a caller derives from each review in ``cache/<name>.log``, a sealed
append-only log (``store.sealedlog``) of ``[key, [stamp, value]]`` lines, and loads only the
review files whose identity changed since their value was derived.  A reader that derived
values afresh appends them (one line each, best effort, never waiting for the lock); the log
is rewritten only when it is missing, of another ``version``, asked to be rebuilt, or has more
superseded lines than current ones (compaction, now and then).  Review files are never
written here.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from store import sealedlog
from store.errors import StoreError
from store.file_listing import listing
from store.layout import CACHE, CACHE_NAME, LAYOUT
from store.protocol import Derived
from store.storage import TEMP_SUFFIX, ensure_private_dir
from store.summary import FRAMEWORK, STATUS, TEAM

if TYPE_CHECKING:
    from store.folder import StoreFolder
    from store.records import Review

SLACK_LINES = 16  # superseded lines a log may carry beyond its current ones


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
    kept so that unchanged reviews are not loaded again.

    ``derive`` must return plain JSON data (dicts with string keys, lists, strings, numbers,
    booleans, None) so that a value read back equals a fresh one; ``version`` names its
    output shape and must change whenever ``derive`` does (a log of another version is
    ignored, then replaced).

    A kept value is used only for a review file whose identity (inode, size, modification and
    change times, as in the listing) is exactly the one it had when the value was derived
    from it, which is only ever done from a review loaded (validated, migrated) as ``get``
    loads it; any other file is loaded again.  So a review saved, restored or damaged since
    is always read afresh, and files that cannot be read are left out and named in the
    result's ``problems`` exactly as ``reviews`` does.  The log is sealed, as are the listing
    rows the filters read: a line edited by hand fails its seal and is ignored, so editing it
    cannot change what is derived.  ``rebuild`` ignores the kept values and writes the log
    afresh (for a caller that found a kept value it cannot use).
    """
    if not CACHE_NAME.match(name):
        raise ValueError(f"not a cache name: {name!r}")
    path = folder.path / CACHE / f"{name}.log"
    state = sealedlog.read(folder, path)
    usable = state.usable("derived", version) and not rebuild
    old: dict[str, Any] = state.values if usable else {}
    listed, problems = listing(folder)
    team_key = team.casefold() if team is not None else None
    reviews_dir = str(folder.reviews_dir)
    values: list[Any] = []
    fresh: list[tuple[str, Any]] = []
    current: list[tuple[str, Any]] = []  # every value still current, for a compaction
    for item in listed:
        hit = old.get(item.key)
        if not (type(hit) is list and len(hit) == 2 and hit[0] == item.stamp):
            hit = None
        row = item.row
        wanted = (
            (status is None or row[STATUS] == status)
            and (team_key is None or row[TEAM].casefold() == team_key)
            and (framework is None or row[FRAMEWORK] == framework)
        )
        if not wanted:
            if hit is not None:
                current.append((item.key, hit))  # still current: kept for other filters
            continue
        if hit is None:
            review = item.review
            if review is None:
                try:
                    review = folder._load_many(f"{reviews_dir}/{item.key}.json", row[0])
                except KeyError:
                    continue
                except StoreError as exc:
                    problems.append(str(exc))
                    continue
            hit = [item.stamp, derive(review)]
            fresh.append((item.key, hit))
        current.append((item.key, hit))
        values.append(hit[1])
    header = {"log": "derived", "layout": LAYOUT, "version": version}
    if not usable and (fresh or state.header is not None):
        _write(folder, path, header, current)
    elif fresh:
        superseded = state.lines + len(fresh) - len(current)
        if superseded > len(current) + SLACK_LINES:
            _write(folder, path, header, current)
        else:
            sealedlog.append(folder, path, fresh, header, wait=False)
    return Derived(values, problems)


def _write(folder: StoreFolder, path: Path, header: dict[str, Any], items: list[Any]) -> None:
    """Write the log afresh; best effort, never waiting for the lock.  Under the lock nobody
    else writes there, so leftover temporary files from an interrupted write go first."""
    with contextlib.suppress(OSError, StoreError), folder.quick_lock():
        ensure_private_dir(path.parent)
        for name in os.listdir(path.parent):
            if name.startswith(".") and name.endswith(TEMP_SUFFIX):
                with contextlib.suppress(OSError):
                    os.unlink(path.parent / name)
        sealedlog.rewrite(folder, path, header, items)
