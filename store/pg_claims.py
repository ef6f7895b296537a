"""Who has a review open, on the PostgreSQL store: claim rows held by a session's lock.

A claim is advisory, as on the file store (``store.claims``): it lets a second session say
"open in another session"; the revision check in ``save`` is what keeps answers from being
lost.  On a shared database the sessions may run on many machines, so whether the claiming
process is still alive is not asked of the operating system but of the server: a claim is a
row in ``case_review.claims`` (who, host, process id, when, until when, and the server
process of the claiming connection) plus a session-level advisory lock that the claiming
connection holds on the review (``pg_try_advisory_lock`` on a key made from the review id).
The server drops that lock the moment the connection ends, however the process ended (kill -9
included), and ``pg_locks`` shows every session's locks to every user, so a claim counts only
while its row is younger than ``CLAIM_TTL`` and its connection still holds the lock: a
crashed session's claim is stale at once, with nothing to clean up.

(A connection pooler in transaction mode would break the session lock: the store needs a
session of its own, as psycopg gives it.)
"""

from __future__ import annotations

import os
import socket
from typing import TYPE_CHECKING, Any

from checked.digest import sha256_hex
from store.claims import CLAIM_TTL
from store.pg_values import to_db

if TYPE_CHECKING:
    import psycopg

# pg_advisory_lock(int4, int4): the first key marks case-review claims ("CRV" + 1).
CLAIM_SPACE = 0x435256_01


def lock_key(review_id: str) -> int:
    """The second advisory lock key of a review: 31 bits of the SHA-256 of its id."""
    return int(sha256_hex(review_id.encode("utf-8", "surrogatepass"))[:8], 16) & 0x7FFFFFFF


_LIVE = """
SELECT c.who, c.host, c.pid, c.at, c.backend_pid = pg_backend_pid() AS mine
FROM case_review.claims c
WHERE c.review_id = %(id)s AND c.expires_at > now() AND EXISTS (
    SELECT 1 FROM pg_locks l
    WHERE l.locktype = 'advisory' AND l.granted AND l.pid = c.backend_pid
      AND l.classid = %(space)s::oid AND l.objid = %(key)s::oid AND l.objsubid = 2)
"""


def _describe(row: tuple[Any, ...], label: str) -> str:
    who, host, pid, at = row[0], row[1], row[2], row[3]
    by = f" by {who}" if who else ""
    when = at.astimezone().strftime("%Y-%m-%d %H:%M")
    return (
        f"{label} is open in another session{by} (process {pid} on {host}, since {when}); "
        "answers saved there and here are both kept, but one of you will be asked to reload"
    )


def _params(review_id: str) -> dict[str, Any]:
    return {"id": to_db(review_id), "space": CLAIM_SPACE, "key": lock_key(review_id)}


def claimed_by(conn: psycopg.Connection[Any], review_id: str, label: str) -> str | None:
    """A message if another live session has the review open, else None."""
    row = conn.execute(_LIVE, _params(review_id)).fetchone()
    if row is None or row[4]:
        return None
    return _describe(row, label)


def claim(
    conn: psycopg.Connection[Any],
    review_id: str,
    label: str,
    held: set[str],
    *,
    who: str = "",
    force: bool = False,
) -> str | None:
    """Claim the review for this connection (see ``ReviewStore.claim``); ``held`` is the set
    of reviews whose lock this connection already holds."""
    params = _params(review_id)
    message = claimed_by(conn, review_id, label)
    if message is not None and not force:
        return message
    if review_id not in held:
        row = conn.execute("SELECT pg_try_advisory_lock(%(space)s, %(key)s)", params).fetchone()
        if row and row[0]:
            held.add(review_id)
    conn.execute(
        """
        INSERT INTO case_review.claims
            (review_id, who, host, pid, at, expires_at, backend_pid)
        VALUES (%(id)s, %(who)s, %(host)s, %(pid)s, now(), now() + %(ttl)s, pg_backend_pid())
        ON CONFLICT (review_id) DO UPDATE SET
            who = EXCLUDED.who, host = EXCLUDED.host, pid = EXCLUDED.pid, at = EXCLUDED.at,
            expires_at = EXCLUDED.expires_at, backend_pid = EXCLUDED.backend_pid
        """,
        {
            **params,
            "who": to_db(who[:200]),
            "host": to_db(socket.gethostname()[:255]),
            "pid": os.getpid(),
            "ttl": CLAIM_TTL,
        },
    )
    return message


def release(conn: psycopg.Connection[Any], review_id: str, held: set[str]) -> None:
    """Drop this connection's claim (another session's claim is left alone)."""
    params = _params(review_id)
    conn.execute(
        "DELETE FROM case_review.claims WHERE review_id = %(id)s "
        "AND backend_pid = pg_backend_pid()",
        params,
    )
    if review_id in held:
        held.discard(review_id)
        conn.execute("SELECT pg_advisory_unlock(%(space)s, %(key)s)", params)


__all__ = ["claim", "claimed_by", "lock_key", "release"]
