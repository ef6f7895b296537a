"""The PostgreSQL store's tables, made and migrated by the program itself.

Everything lives in the schema ``case_review`` of the database the store spec names, so the
store can share a database with other things.  ``case_review.schema_version`` has a row for
every migration applied.  The migrations are SQL strings in this module (``MIGRATIONS``, in
order, never edited once released: a change is a new migration); ``migrate`` applies those the
database lacks, all in one transaction, under an advisory lock so that two
programs opening a new database at once do not both create it.  A database whose version is
newer than ``LATEST`` is refused before anything is written (``check_version``).

The tables (see each migration):

- ``reviews``: one row per review: the record (``record``, the truth, validated before it is
  written and when it is read) as PostgreSQL's ``json``, not ``jsonb``: ``json`` keeps the
  text exactly as written, so the order of a review's answers (the order they were given,
  which the file store and the export keep) survives, and so does any text a note may hold
  (``jsonb`` sorts keys and refuses ``\u0000``); SQL reads it with the same ``->``/``->>``
  operators (``record::jsonb`` for the rest).  Beside it, the columns the listing, the
  filters and the orders use, written from the validated record by every save: id, case
  reference (and its
  ``casefold``, ``case_key``), team (and ``team_key``), status, mode, framework, reviewer,
  ``updated_at``, revision, the record's schema version, the listing summary (counts, JSONB,
  and its open and urgent flag counts as columns for the urgency order), the hash of the
  review's last audit event (``head``), and ``stamp``, a number from a sequence that a
  trigger sets on every insert and update, so any change to a row, a hand edit included,
  gives it a new stamp (the derived values below are keyed by it).
- ``audit_events``: the audit trail, append-only (a trigger refuses UPDATE, DELETE and
  TRUNCATE): per review, events numbered from 1 (``seq``), each the canonical JSON of an
  ``AuditEvent`` (``body``, text: canonical JSON is ASCII, so any text a review holds fits)
  chained by ``prev`` exactly as in the file store (``store.audit``), with its hash and time.
- ``claims``: who has a review open (advisory; see ``store.pg_claims``).
- ``derived`` (migration 2): values a caller derives from each review (the report's rows),
  keyed by the review's ``stamp``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from store.errors import StoreError

if TYPE_CHECKING:
    import psycopg

SCHEMA = "case_review"
# pg_advisory_lock key for migrations: "CRV" + 0, within PostgreSQL's bigint.
MIGRATION_LOCK = 0x435256_00

MIGRATIONS: tuple[tuple[int, str], ...] = (
    (
        1,
        """
CREATE SCHEMA IF NOT EXISTS case_review;

CREATE TABLE case_review.schema_version (
    version integer PRIMARY KEY,
    applied_at timestamptz NOT NULL DEFAULT now(),
    program text NOT NULL DEFAULT ''
);

CREATE SEQUENCE case_review.review_stamps;

CREATE TABLE case_review.reviews (
    id text COLLATE "C" PRIMARY KEY,
    case_ref text NOT NULL,
    case_key text COLLATE "C" NOT NULL,
    team text NOT NULL,
    team_key text COLLATE "C" NOT NULL,
    status text NOT NULL,
    mode text NOT NULL,
    framework text COLLATE "C" NOT NULL,
    reviewer text NOT NULL,
    updated_at timestamptz NOT NULL,
    revision bigint NOT NULL CHECK (revision >= 0),
    schema_version integer NOT NULL,
    summary jsonb NOT NULL DEFAULT '{}',
    open_flags bigint NOT NULL DEFAULT 0,
    urgent_flags bigint NOT NULL DEFAULT 0,
    head text,
    stamp bigint NOT NULL DEFAULT 0,
    record json NOT NULL
);
CREATE INDEX reviews_by_update ON case_review.reviews (updated_at DESC, revision DESC, id DESC);
CREATE INDEX reviews_by_urgency ON case_review.reviews
    (urgent_flags DESC, open_flags DESC, updated_at DESC, revision DESC, id DESC);
CREATE INDEX reviews_by_case ON case_review.reviews (case_key);
CREATE INDEX reviews_by_team ON case_review.reviews (team_key);
CREATE INDEX reviews_by_status ON case_review.reviews (status, framework, team_key);

CREATE FUNCTION case_review.new_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.stamp := nextval('case_review.review_stamps');
    RETURN NEW;
END $$;
CREATE TRIGGER reviews_stamp BEFORE INSERT OR UPDATE ON case_review.reviews
    FOR EACH ROW EXECUTE FUNCTION case_review.new_stamp();

CREATE TABLE case_review.audit_events (
    review_id text COLLATE "C" NOT NULL REFERENCES case_review.reviews (id),
    seq integer NOT NULL CHECK (seq > 0),
    at timestamptz NOT NULL,
    body text NOT NULL,
    hash text NOT NULL,
    PRIMARY KEY (review_id, seq)
);
CREATE INDEX audit_events_by_time ON case_review.audit_events (at);

CREATE FUNCTION case_review.append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the case-review audit trail is append-only (% refused)', TG_OP;
END $$;
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON case_review.audit_events
    FOR EACH ROW EXECUTE FUNCTION case_review.append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON case_review.audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION case_review.append_only();

CREATE TABLE case_review.claims (
    review_id text COLLATE "C" PRIMARY KEY,
    who text NOT NULL DEFAULT '',
    host text NOT NULL DEFAULT '',
    pid integer NOT NULL DEFAULT 0,
    at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    backend_pid integer NOT NULL
);
""",
    ),
    (
        2,
        """
CREATE TABLE case_review.derived (
    name text COLLATE "C" NOT NULL,
    review_id text COLLATE "C" NOT NULL REFERENCES case_review.reviews (id),
    version text NOT NULL,
    stamp bigint NOT NULL,
    value text NOT NULL,
    PRIMARY KEY (name, review_id)
);
""",
    ),
)
LATEST = MIGRATIONS[-1][0]


def current_version(conn: psycopg.Connection[Any]) -> int:
    """The database's schema version: 0 when it has no case-review tables yet."""
    row = conn.execute("SELECT to_regclass('case_review.schema_version') IS NOT NULL").fetchone()
    if not row or not row[0]:
        return 0
    row = conn.execute(
        "SELECT coalesce(max(version), 0) FROM case_review.schema_version"
    ).fetchone()
    return int(row[0]) if row else 0


def check_version(version: int, where: str) -> None:
    """StoreError (one line) for a database made by a newer program."""
    if version > LATEST:
        raise StoreError(
            f"{where}: the database's case-review tables are at schema version {version}, "
            f"newer than this program understands ({LATEST}); nothing was written: upgrade "
            "case-review-assistant"
        )


def migrate(conn: psycopg.Connection[Any], where: str, *, upto: int = LATEST) -> int:
    """Bring the database's tables to version ``upto`` (the latest by default) in one
    transaction; returns the version found.  Nothing is written when the database is newer."""
    found = current_version(conn)
    check_version(found, where)
    if found >= upto:
        return found
    # The lock is taken before the transaction begins: a transaction that began before another
    # program committed its tables would not see them in its catalog caches.
    conn.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK,))
    try:
        with conn.transaction():
            found = current_version(conn)  # another program may have migrated meanwhile
            check_version(found, where)
            for version, sql in MIGRATIONS:
                if found < version <= upto:
                    conn.execute(sql.encode())
                    conn.execute(
                        "INSERT INTO case_review.schema_version (version, program) VALUES (%s, %s)",
                        (version, "case-review-assistant"),
                    )
    finally:
        if not conn.broken:
            conn.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK,))
    return found
