"""The ``postgresql`` store: reviews shared by a team in one PostgreSQL database (psycopg 3).

Opened by ``store.open_store`` for ``--store postgresql://...`` (or ``$CASE_REVIEW_STORE``);
psycopg is imported only then.  ``store.pg_connect`` reaches the database (libpq's own URL,
environment, password and service files; credentials never shown), ``store.pg_schema`` makes
and migrates the tables (SQL in that module; a newer database is refused before anything is
written), ``store.pg_rows`` a review as a row (its columns, read back validated),
``store.pg_values`` any text in those columns, ``store.pg_trail`` the audit trail and
``store.pg_claims`` who has a review open.

The promises of SPEC §5, here:

- **A save is one transaction** (``save``): the review's row is read ``FOR UPDATE`` (a second
  save of the same review waits for the first to commit), its stored revision compared with the
  one the caller loaded (``ConflictError`` when another session saved since; for a new review
  the primary key does the same: the second insert waits, then is refused as a conflict), the
  new record validated as the file store validates it, then the row written and the audit
  events appended, chained to the ``head`` the row keeps.  Nothing is visible to anyone before
  the commit and everything is after it, so a process killed at any moment leaves the review
  as it was or as saved, never half of it, and never an event without its answer.
- **The cost of a save does not grow with the store**: a save touches one row by its primary
  key, appends a few events under their own key and updates the indexes of one row.
- **The listing and the filters are queries** on indexed columns (``summaries``, ``reviews``,
  ``find_case``); ``derived`` keeps each review's value (the report's row) in a table keyed
  by the review row's ``stamp`` (which a trigger renews on every change, hand edits included),
  so a report derives again only the reviews saved since, and reads the rest in one query.
- **Every record is validated** when saved and when read (``checked.validate``, with the
  records' own migrations): a row edited by hand into something that is not a review is left
  out and named, by id, in the result's ``problems``; every other review reads and saves as
  before.  A review that cannot be read is never overwritten.
- **Two processes** share the store through the database itself; one process may use a store
  from several threads (every use of the connection is serialised by a lock, and a lazy
  ``reviews`` result reads in batches, holding no cursor between them).

``location`` is the database as libpq reached it, never with a password.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

import psycopg

from store import pg_claims, pg_rows, pg_schema, pg_trail
from store.errors import ConflictError, StoreError
from store.pg_connect import connect, located, one_line
from store.pg_rows import INSERT, SUMMARY_COLUMNS, UPDATE, columns, counts, filters, saving
from store.pg_values import from_db, to_db
from store.protocol import AuditTrail, Derived, Found, Listing, Loaded, Order
from store.records import SCHEMA_VERSION, Review, now

if TYPE_CHECKING:
    from store.reviews import Actor
    from store.trail import Verdict

_T = TypeVar("_T")
BATCH = 500  # reviews read per query by ``reviews`` and ``verify``


class PostgresStore:
    """Reviews in a PostgreSQL database.  Open with ``PostgresStore.open(spec)``."""

    def __init__(self, conn: psycopg.Connection[Any], spec: str) -> None:
        self._conn = conn
        self._spec = spec
        self._location = located(conn)
        self._lock = threading.RLock()
        self._held: set[str] = set()  # reviews whose claim lock this connection holds

    def __repr__(self) -> str:
        return f"PostgresStore({self._location!r})"

    @classmethod
    def open(cls, spec: str, *, create: bool = True) -> PostgresStore:
        """Connect and bring the tables to the latest version (``create``), or only check
        that this program can use them; StoreError in one line (unreachable, refused, a
        newer schema) with nothing written."""
        conn = connect(spec)
        where = located(conn)
        try:
            if create:
                pg_schema.migrate(conn, where)
            else:
                pg_schema.check_version(pg_schema.current_version(conn), where)
        except psycopg.Error as exc:
            conn.close()
            raise StoreError(
                f"{where}: cannot make or check the case-review tables: {one_line(exc, spec)}"
            ) from None
        except StoreError:
            conn.close()
            raise
        return cls(conn, spec)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    @property
    def location(self) -> str:
        return self._location

    @property
    def persistent(self) -> bool:
        return True

    def schema_version(self) -> int:
        return self._run("cannot read the schema version", pg_schema.current_version)

    # -- the connection -----------------------------------------------------------------------

    def _db(self) -> psycopg.Connection[Any]:
        """The connection, made again if the server dropped it (claims are then lost)."""
        if self._conn.closed or self._conn.broken:
            self._held.clear()
            self._conn = connect(self._spec)
        return self._conn

    def _failed(self, exc: psycopg.Error, what: str) -> StoreError:
        return StoreError(f"{self._location}: {what}: {one_line(exc, self._spec)}")

    def _run(self, what: str, work: Callable[[psycopg.Connection[Any]], _T]) -> _T:
        """``work(connection)`` under the lock; once more on a new connection if the server
        dropped this one (a restart, an idle timeout: safe for a save too, whose revision
        check refuses it if the first attempt was committed after all); any other database
        error is a StoreError saying ``what`` failed."""
        with self._lock:
            for attempt in (1, 2):
                db = self._db()
                try:
                    return work(db)
                except psycopg.errors.UniqueViolation:
                    raise
                except psycopg.OperationalError as exc:
                    if attempt == 1 and (db.broken or db.closed):
                        continue
                    raise self._failed(exc, what) from None
                except psycopg.Error as exc:
                    raise self._failed(exc, what) from None
        raise AssertionError("unreachable")  # (the loop returns or raises)

    # -- reading ------------------------------------------------------------------------------

    def _review(self, review_id: str, text: str) -> Review:
        return pg_rows.review_of(review_id, text, self._location)

    def get(self, review_id: str) -> Review:
        """The stored review; KeyError if there is none, StoreError if it cannot be read."""
        row = self._run(
            f"cannot read review {review_id!r}",
            lambda db: db.execute(
                "SELECT record::text FROM case_review.reviews WHERE id = %s", (to_db(review_id),)
            ).fetchone(),
        )
        if row is None:
            raise KeyError(review_id)
        return self._review(review_id, row[0])

    def exists(self, review_id: str) -> bool:
        row = self._run(
            "cannot read the reviews",
            lambda db: db.execute(
                "SELECT 1 FROM case_review.reviews WHERE id = %s", (to_db(review_id),)
            ).fetchone(),
        )
        return row is not None

    def find_case(self, case_ref: str, mode: str | None = None) -> Found:
        """The most recently updated review of this case (see ``ReviewStore.find_case``); a
        row that cannot be read is named in ``problems`` and the next one taken."""
        sql = "SELECT id, record::text FROM case_review.reviews WHERE case_key = %s"
        params: list[Any] = [to_db(case_ref.strip().casefold())]
        if mode is None:
            sql += " AND mode <> 'learning'"
        else:
            sql += " AND mode = %s"
            params.append(to_db(mode))
        sql += " ORDER BY updated_at DESC, revision DESC, id DESC"
        rows = self._run(
            f"cannot look up case {case_ref!r}", lambda db: db.execute(sql, params).fetchall()
        )
        problems: list[str] = []
        for review_id, text in rows:
            try:
                return Found(self._review(from_db(review_id), text), tuple(problems))
            except StoreError as exc:
                problems.append(str(exc))
        return Found(None, tuple(problems))

    def summaries(
        self,
        *,
        team: str | None = None,
        query: str | None = None,
        order: Order = "updated",
        offset: int = 0,
        limit: int | None = None,
    ) -> Listing:
        """Review summaries, filtered, ordered and paged by the database (no record read)."""
        where, params = filters(team=team, query=query)
        by = "updated_at DESC, revision DESC, id DESC"
        if order == "urgency":
            by = "urgent_flags DESC, open_flags DESC, " + by
        start = max(0, int(offset))
        size = None if limit is None else max(0, int(limit))
        page = f" OFFSET {start}" + (f" LIMIT {size}" if size is not None else "")
        sql = f"SELECT {SUMMARY_COLUMNS} FROM case_review.reviews{where} ORDER BY {by}{page}"

        def page_and_total(db: psycopg.Connection[Any]) -> tuple[list[Any], int]:
            # A page read by its index; the rows are counted apart only when the page does
            # not show where the matches end.
            rows = db.execute(sql, params).fetchall()
            if (size is None or len(rows) < size) and (rows or start == 0):
                return rows, start + len(rows)
            count = db.execute(f"SELECT count(*) FROM case_review.reviews{where}", params)
            found = count.fetchone()
            return rows, int(found[0]) if found else 0

        rows, total = self._run("cannot list the reviews", page_and_total)
        return Listing([pg_rows.summary_of(r) for r in rows], total=total)

    def _ids(self, where: str, params: list[Any]) -> list[str]:
        """The ids of the matching reviews, in listing order (most recently updated first)."""
        sql = f"SELECT id FROM case_review.reviews{where} ORDER BY updated_at DESC, id DESC"
        rows = self._run("cannot list the reviews", lambda db: db.execute(sql, params).fetchall())
        return [r[0] for r in rows]

    def _records(self, ids: list[str]) -> dict[str, str]:
        """The records (JSON text) of reviews by their ids as kept."""
        rows = self._run(
            "cannot read the reviews",
            lambda db: db.execute(
                "SELECT id, record::text FROM case_review.reviews WHERE id = ANY(%s)", (ids,)
            ).fetchall(),
        )
        return {r[0]: r[1] for r in rows}

    def reviews(
        self,
        *,
        status: str | None = None,
        team: str | None = None,
        framework: str | None = None,
    ) -> Loaded:
        """Every matching review, in listing order, read ``BATCH`` at a time as iterated."""
        where, params = filters(team=team, status=status, framework=framework)

        def produce(problems: list[str]) -> Iterator[Review]:
            ids = self._ids(where, params)
            for start in range(0, len(ids), BATCH):
                chunk = ids[start : start + BATCH]
                records = self._records(chunk)
                for kept_id in chunk:
                    text = records.get(kept_id)
                    if text is None:
                        continue
                    try:
                        review = self._review(from_db(kept_id), text)
                    except StoreError as exc:
                        problems.append(str(exc))
                        continue
                    yield review

        return Loaded(produce)

    def derived(
        self,
        name: str,
        version: str,
        derive: Callable[[Review], Any],
        *,
        status: str | None = None,
        team: str | None = None,
        framework: str | None = None,
        rebuild: bool = False,
    ) -> Derived:
        """``derive(review)`` for every matching review, in listing order, kept in the
        ``derived`` table by the review row's stamp: only reviews changed since (or never
        derived) are read and validated; the rest come back in one query.  ``derive`` must
        return plain JSON data.  Keeping the values is best effort (a read-only user still
        gets them, derived afresh)."""
        where, params = filters(team=team, status=status, framework=framework, prefix="r.")
        hit = "d.version = %s AND d.stamp = r.stamp" if not rebuild else "false"
        sql = (
            f"SELECT r.id, r.stamp, CASE WHEN {hit} THEN d.value END "
            "FROM case_review.reviews r LEFT JOIN case_review.derived d "
            f"ON d.name = %s AND d.review_id = r.id{where} "
            "ORDER BY r.updated_at DESC, r.id DESC"
        )
        head = [version, name] if not rebuild else [name]

        def read(db: psycopg.Connection[Any]) -> list[Any]:
            with db.transaction():  # room to sort the values in memory (some MB of rows)
                db.execute("SET LOCAL work_mem = '64MB'")
                return db.execute(sql, [*head, *params]).fetchall()

        rows = self._run("cannot read the reviews", read)
        cached = [r[2] for r in rows if r[2] is not None]
        values: list[Any] = json.loads("[" + ",".join(cached) + "]") if cached else []
        missing = [(r[0], r[1]) for r in rows if r[2] is None]
        problems: list[str] = []
        fresh: dict[str, Any] = {}
        keep: list[tuple[str, str, str, int, str]] = []
        for start in range(0, len(missing), BATCH):
            chunk = missing[start : start + BATCH]
            records = self._records([kept_id for kept_id, _ in chunk])
            for kept_id, stamp in chunk:
                text = records.get(kept_id)
                if text is None:
                    continue
                try:
                    review = self._review(from_db(kept_id), text)
                except StoreError as exc:
                    problems.append(str(exc))
                    continue
                value = derive(review)
                fresh[kept_id] = value
                keep.append((name, kept_id, version, stamp, json.dumps(value)))
        if keep:
            self._keep_derived(keep)
        if not missing:
            return Derived(values, problems)
        out: list[Any] = []
        values_iter = iter(values)
        for kept_id, _stamp, value_text in rows:
            if value_text is not None:
                out.append(next(values_iter))
            elif kept_id in fresh:
                out.append(fresh[kept_id])
        return Derived(out, problems)

    def _keep_derived(self, rows: list[tuple[str, str, str, int, str]]) -> None:
        """Store derived values (best effort: a value not kept is derived again next time)."""

        def keep(db: psycopg.Connection[Any]) -> None:
            with db.transaction():
                db.cursor().executemany(
                    """
                    INSERT INTO case_review.derived (name, review_id, version, stamp, value)
                    VALUES (%s, %s, %s, %s, %s)
                    ON CONFLICT (name, review_id) DO UPDATE SET
                        version = EXCLUDED.version, stamp = EXCLUDED.stamp,
                        value = EXCLUDED.value
                    """,
                    rows,
                )

        with contextlib.suppress(StoreError):
            self._run("the derived values were not kept", keep)

    # -- the audit trail ------------------------------------------------------------------------

    def audit(self, review_id: str | None = None) -> AuditTrail:
        """The audit trail of one review (in order), or of the whole store (by time)."""
        return self._run(
            "cannot read the audit trail",
            lambda db: pg_trail.audit(db, self._location, review_id),
        )

    def trail_data(self, review_id: str) -> tuple[list[dict[str, Any]], list[str]]:
        """One review's audit events exactly as kept (JSON objects, for ``store copy``)."""
        return self._run(
            "cannot read the audit trail",
            lambda db: pg_trail.trail_data(db, self._location, review_id),
        )

    def verify(self, ref: str | None = None) -> Verdict:
        """Check the audit trails' chains and replay them against the reviews (``audit
        verify``): of every review, or of case (or review id) ``ref``; KeyError if none."""
        return self._run(
            "cannot read the audit trail",
            lambda db: pg_trail.verify(db, self._location, self._review, ref),
        )

    # -- writing ------------------------------------------------------------------------------

    def save(
        self,
        review: Review,
        actor: Actor,
        *,
        summary: dict[str, Any] | None = None,
        action: str = "answered",
        touch: bool = True,
    ) -> Review:
        """Store ``review`` if nobody saved it since it was loaded, in one transaction (see
        the module docstring and ``ReviewStore.save``); durable on return."""
        if review.mode == "learning":
            raise StoreError(
                f"{self._location}: learning-mode reviews are never written to the store"
            )
        kept = counts(summary)

        def save(db: psycopg.Connection[Any]) -> Review:
            with db.transaction():
                return self._save(db, review, actor, kept, action, touch)

        try:
            return self._run(f"{saving(action, review)} was not saved", save)
        except psycopg.errors.UniqueViolation:
            raise ConflictError(
                f"{self._location}: review {review.case_ref} was created in another session "
                "while this one was creating it; reload it and try again",
                expected=review.revision,
                stored=1,
            ) from None

    def _save(
        self,
        db: psycopg.Connection[Any],
        review: Review,
        actor: Actor,
        summary: dict[str, int],
        action: str,
        touch: bool,
    ) -> Review:
        from store import audit as audit_log
        from store.reviews import login_name

        row = db.execute(
            "SELECT revision, head, record::text FROM case_review.reviews WHERE id = %s FOR UPDATE",
            (to_db(review.id),),
        ).fetchone()
        old: Review | None = None
        if row is not None:
            try:
                old = self._review(review.id, row[2])
            except StoreError as exc:
                raise StoreError(
                    f"{saving(action, review)} was not saved: the stored review cannot be read "
                    f"and is never overwritten ({exc})"
                ) from None
        stored = int(row[0]) if row is not None else 0
        if review.revision != stored:
            why = (
                "is no longer in the store"
                if row is None
                else "was changed in another session since it was loaded"
            )
            raise ConflictError(
                f"{self._location}: review {review.case_ref} {why} (loaded revision "
                f"{review.revision}, stored revision {stored}); reload it and try again",
                expected=review.revision,
                stored=stored,
            )
        at = now()
        changes: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "revision": stored + 1}
        if touch:
            changes["updated_at"] = at
        new = review.copy(**changes)
        record = new.to_data()
        pg_rows.check(record, self._location)
        who = actor.name or login_name()
        events = audit_log.diff(old, new, who=who, role=actor.role, action=action, at=at)
        prev = row[1] if row is not None else None
        chained, head = audit_log.chain([e.to_data() for e in events], prev)
        values = columns(new, summary, head or prev, record)
        if row is None:
            db.execute(INSERT, values)
        else:
            db.execute(UPDATE, values)
        pg_trail.append(db, new.id, chained)
        return new

    def adopt(
        self, review: Review, events: list[dict[str, Any]], summary: dict[str, Any] | None
    ) -> bool:
        """Keep a review copied from another store as it is (its revision and times), with
        its audit events exactly as they were (their chain unchanged), in one transaction;
        False if a review with its id is already here (nothing is written then)."""
        if review.mode == "learning":
            raise StoreError(
                f"{self._location}: learning-mode reviews are never written to the store"
            )
        record = review.to_data()
        pg_rows.check(record, self._location)
        rows = pg_trail.adoptable(events, review, self._location)
        head = rows[-1][3] if rows else None
        values = columns(review, counts(summary), head, record)

        def keep(db: psycopg.Connection[Any]) -> bool:
            with db.transaction():
                made = db.execute(INSERT + " ON CONFLICT (id) DO NOTHING RETURNING id", values)
                if made.fetchone() is None:
                    return False
                pg_trail.append_rows(db, review.id, rows)
            return True

        return self._run(f"review {review.id!r} was not copied", keep)

    # -- claims -------------------------------------------------------------------------------

    def _label(self, review_id: str) -> str:
        row = (
            self._db()
            .execute("SELECT case_ref FROM case_review.reviews WHERE id = %s", (to_db(review_id),))
            .fetchone()
        )
        return f"Case {from_db(row[0])}" if row else f"Review {review_id}"

    def claim(self, review_id: str, *, who: str = "", force: bool = False) -> str | None:
        """Mark the review open in this session (``store.pg_claims``); a message if another
        live session has it, or if the claim could not be made (claims are advisory)."""
        try:
            with self._lock:
                db = self._db()
                label = self._label(review_id)
                return pg_claims.claim(db, review_id, label, self._held, who=who, force=force)
        except (psycopg.Error, StoreError) as exc:
            why = one_line(exc, self._spec) if isinstance(exc, psycopg.Error) else str(exc)
            return (
                f"{self._location}: could not mark the review as open here ({why}); another "
                "session will not be warned"
            )

    def claimed_by(self, review_id: str) -> str | None:
        try:
            with self._lock:
                db = self._db()
                return pg_claims.claimed_by(db, review_id, self._label(review_id))
        except (psycopg.Error, StoreError):
            return None  # advisory: a claim that cannot be read is no claim

    def release(self, review_id: str) -> None:
        try:
            with self._lock:
                pg_claims.release(self._db(), review_id, self._held)
        except (psycopg.Error, StoreError):
            pass  # the claim goes with the session anyway
