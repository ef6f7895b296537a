"""What the home screen lists, without Textual: the page size, a page, and the first page
listed ahead of the app.

``prefetch`` starts listing the home screen's first page the moment the store is open, before
Textual is even imported: in a child process (``os.fork``) where it can, so the listing runs
on another core while this process imports and starts the app, and the rows are usually
ready when the home screen first asks for them; in a thread where it cannot (no ``fork``, or
threads running already).  The child only reads the store (as any listing does, it may append
a row it had to find to the listing log) and sends the page back as JSON through a pipe; if
anything goes wrong there the home screen simply lists the page itself.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
from concurrent.futures import Future
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from store import Listing, ReviewStore, ReviewSummary

PAGE = 100  # rows listed at a time
_FIELDS = ("id", "case_ref", "framework", "mode", "status", "team", "reviewer", "revision")


def page(
    store: ReviewStore, offset: int = 0, *, team: str | None = None, query: str | None = None
) -> Listing:
    """One page of the home screen: the most urgent reviews first."""
    return store.summaries(team=team, query=query, order="urgency", offset=offset, limit=PAGE)


def prefetch(store: ReviewStore) -> Future[Listing]:
    """The first page, being listed (see the module docstring)."""
    if hasattr(os, "fork") and threading.active_count() == 1:
        with contextlib.suppress(OSError):
            return _in_child(store)
    future: Future[Listing] = Future()
    threading.Thread(target=_fill, args=(future, lambda: page(store)), daemon=True).start()
    return future


def _fill(future: Future[Listing], make: Any) -> None:
    try:
        future.set_result(make())
    except BaseException as exc:  # for the home screen to list the page itself
        future.set_exception(exc)


def _in_child(store: ReviewStore) -> Future[Listing]:
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: list, send, and leave without running anything of the parent's
        status = 1
        try:
            os.close(read_end)
            data = _encode(page(store))
            view = memoryview(data)
            while view:
                view = view[os.write(write_end, view) :]
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    future: Future[Listing] = Future()

    def collect() -> Listing:
        try:
            with os.fdopen(read_end, "rb") as pipe:
                data = pipe.read()
        finally:
            _, status = os.waitpid(pid, 0)
        if status != 0 or not data:
            raise RuntimeError("the listing process failed")
        return _decode(data)

    threading.Thread(target=_fill, args=(future, collect), daemon=True).start()
    return future


def _encode(listing: Listing) -> bytes:
    rows = [
        [*(getattr(s, name) for name in _FIELDS), s.updated_at.isoformat(), s.summary]
        for s in listing
    ]
    return json.dumps({"rows": rows, "total": listing.total, "problems": listing.problems}).encode()


def _decode(data: bytes) -> Listing:
    from store import Listing, ReviewSummary

    sent = json.loads(data)
    summaries: list[ReviewSummary] = []
    for row in sent["rows"]:
        values = dict(zip(_FIELDS, row[: len(_FIELDS)], strict=True))
        summaries.append(
            ReviewSummary(**values, updated_at=datetime.fromisoformat(row[-2]), summary=row[-1])
        )
    return Listing(summaries, sent["problems"], total=sent["total"])
