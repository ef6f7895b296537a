"""Choosing a page of review summaries: filters, order and paging that backends share.

A backend that can do this in its own query language (PostgreSQL) does; the file and memory
stores filter their summaries here.  Urgency is the order the home screen shows: reviews with
open urgent flags first, then those with more open flags, then the most recently updated.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from store.protocol import Order
    from store.reviews import ReviewSummary


def count(summary: ReviewSummary, name: str) -> int:
    """A count kept in the summary (``open_flags``, ``urgent_flags``, ...), 0 if absent."""
    value = summary.summary.get(name, 0)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def urgency(summary: ReviewSummary) -> tuple[int, int]:
    return (count(summary, "urgent_flags"), count(summary, "open_flags"))


def select(
    summaries: Iterable[ReviewSummary],
    *,
    team: str | None = None,
    query: str | None = None,
    order: Order = "updated",
    offset: int = 0,
    limit: int | None = None,
) -> tuple[list[ReviewSummary], int]:
    """The page of ``summaries`` the filters ask for, and how many matched in all."""
    team_key = team.strip().casefold() if team is not None else None
    query_key = query.strip().casefold() if query else None
    chosen = [
        s
        for s in summaries
        if (team_key is None or s.team.strip().casefold() == team_key)
        and (query_key is None or query_key in s.case_ref.casefold())
    ]
    chosen.sort(key=lambda s: (s.updated_at, s.revision, s.id), reverse=True)
    if order == "urgency":
        chosen.sort(key=urgency, reverse=True)  # (stable: most recent first within a level)
    end = None if limit is None else offset + max(0, limit)
    return chosen[max(0, offset) : end], len(chosen)
