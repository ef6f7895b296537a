"""The file store: reviews kept durably in TinyDB files, safe for two processes, audited.

``Store`` is the ``ReviewStore`` (``store.protocol``) of a folder of files; this module is its
front, and each part of the work has a module of its own:

- ``store.layout``: the folder's layout (which file is where), review keys, the folder's
  own checks (one user's, nobody else can write to it);
- ``store.folder``: paths, the lock and the sealing key, sealed caches, reading one review
  (``store.review_files``: as written, validated in one pass, or through TinyDB);
- ``store.summary``: what the listing keeps for one review;
- ``store.file_listing``: the listing (every review's summary, kept in a sealed append-only
  log, ``store.sealedlog``, and checked against its file);
- ``store.cases``: the case index (which reviews a case reference has: ``find_case`` and
  ``Session.open`` read one small file, never a listing of the store);
- ``store.derived_cache``: values derived from reviews and kept (the report's rows);
- ``store.saving``: a save, and finishing saves a crash interrupted; ``store.upgrade``: a
  folder of an older layout brought up to date once;
- ``store.claims``: who has a review open (advisory); ``store.audit`` and ``store.trail``:
  the hash-chained audit trail; ``store.storage``: atomic files, private folders.

No file in the folder is ever opened through a symbolic link (``O_NOFOLLOW``) or as anything
but a regular file (``checked.files``: a FIFO or a device is refused, reads are bounded), and
nothing is replaced or appended to unless it is a regular file: a link planted where a store
file belongs is reported by name and its target never touched.  A folder where a file
belongs is a one-line error, never a traceback.  One odd review never takes the store down:
it is left out and reported by name (in the results' ``problems``) while every other review
lists, loads, exports, reports and saves as before.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from checked.files import describe
from store import sealed
from store.actor import Actor, login_name
from store.errors import StoreError
from store.folder import StoreFolder
from store.layout import (
    CASES,
    ENV_VAR,
    FOLDERS,
    LAYOUT,
    MARKER,
    PENDING,
    STORE_FORMAT,
    check_folder,
    default_path,
    resolve_path,
    review_key,
)
from store.protocol import AuditTrail, Derived, Found, Listing, Loaded, Order
from store.records import Review, now
from store.review_files import record_from_doc
from store.storage import TEMP_SUFFIX, atomic_write, dumps, ensure_private_dir
from store.summary import (
    CASE_REF,
    CRC,
    FRAMEWORK,
    ID,
    MODE,
    REVISION,
    STAMP,
    STATUS,
    TEAM,
    UPDATED_AT,
    ReviewSummary,
    make_row,
    summary_from_entry,
)

if TYPE_CHECKING:
    from store.audit import AuditEvent
    from store.file_listing import Listed

__all__ = [
    "ENV_VAR",
    "Actor",
    "ReviewSummary",
    "Store",
    "default_path",
    "login_name",
    "record_from_doc",
    "resolve_path",
    "review_key",
]


class Store(StoreFolder):
    """A folder of reviews.  Open with ``Store.open(path)``; see the module docstring."""

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r})"

    @classmethod
    def open(cls, path: str | os.PathLike[str] | None = None) -> Store:
        """Open (creating if missing) the store at ``path`` / $CASE_REVIEW_STORE / default.

        StoreError (one line) for a folder that is not a store, that another user owns or
        others can write to, or that holds a link or a file where a folder belongs."""
        root = resolve_path(path)
        layout = check_folder(root)
        ensure_private_dir(root, follow=True)
        store = cls(root)
        older = layout is not None and layout < LAYOUT
        for folder in FOLDERS:
            if not (older and folder in (PENDING, CASES)):  # (the upgrade makes those)
                ensure_private_dir(root / folder)
        if not os.path.lexists(root / MARKER):
            with store._lock:
                if not os.path.lexists(root / MARKER):
                    marker = {"format": STORE_FORMAT, "layout": LAYOUT, "created_at": str(now())}
                    try:
                        atomic_write(root / MARKER, dumps(marker))
                    except OSError as exc:
                        raise StoreError(
                            f"{root / MARKER}: cannot create the store: {describe(exc)}", root
                        ) from None
        store._key = sealed.load_key(root, create=True)
        if older:
            from store.upgrade import upgrade

            upgrade(store)
        store._recover_interrupted()
        return store

    def _recover_interrupted(self) -> None:
        """At open: finish saves a crash interrupted, remove temporary files it left (only
        small folders are looked at; ``store.saving.recover_interrupted``)."""
        try:
            names = [os.listdir(place) for place in (self.pending_dir, self.claims_dir, self.path)]
        except OSError:
            return
        if any(
            n.endswith(".dirty") or (n.startswith(".") and n.endswith(TEMP_SUFFIX))
            for found in names
            for n in found
        ):
            from store import saving

            saving.recover_interrupted(self)

    @property
    def location(self) -> str:
        return str(self.path)

    @property
    def persistent(self) -> bool:
        return True

    # -- reading ----------------------------------------------------------------------------

    def exists(self, review_id: str) -> bool:
        return os.path.lexists(self.review_path(review_id))

    def summaries(
        self,
        *,
        team: str | None = None,
        query: str | None = None,
        order: Order = "updated",
        offset: int = 0,
        limit: int | None = None,
    ) -> Listing:
        """Review summaries (see ``ReviewStore.summaries``; fast: no review is loaded, see
        ``store.file_listing``).  Unreadable review files are left out and named in the
        listing's ``problems``."""
        from store import file_listing

        items, problems = file_listing.listing(self, order=False)
        page, total = file_listing.select(
            items, team=team, query=query, order=order, offset=offset, limit=limit
        )
        return Listing(page, problems, total=total)

    def _listing(self) -> tuple[list[Listed], list[str]]:
        from store import file_listing

        return file_listing.listing(self)

    def reviews(
        self,
        *,
        status: str | None = None,
        team: str | None = None,
        framework: str | None = None,
    ) -> Loaded:
        """Every stored review matching the filters (team compared case-insensitively), loaded
        as the result is iterated (by the keys the listing found: no second listing, and any
        review the listing had to read itself is not read again); files that cannot be read
        are left out and named in its ``problems``."""

        def produce(problems: list[str]) -> Iterator[Review]:
            listing, listed = self._listing()
            problems.extend(listed)
            team_key = team.casefold() if team is not None else None
            reviews_dir = str(self.reviews_dir)
            for item in listing:
                row, review = item.row, item.review
                if status is not None and row[STATUS] != status:
                    continue
                if team_key is not None and row[TEAM].casefold() != team_key:
                    continue
                if framework is not None and row[FRAMEWORK] != framework:
                    continue
                if review is None:
                    try:
                        review = self._load_many(f"{reviews_dir}/{item.key}.json", row[0])
                    except KeyError:
                        continue
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
        """``derive(review)`` for every matching review, kept between runs (see
        ``store.derived_cache.derived``)."""
        from store import derived_cache

        return derived_cache.derived(
            self,
            name,
            version,
            derive,
            status=status,
            team=team,
            framework=framework,
            rebuild=rebuild,
        )

    def find_case(self, case_ref: str, mode: str | None = None) -> Found:
        """The most recently updated non-learning review of this case reference, if any.

        In constant time: the case's file in ``cases/`` names its reviews (``store.cases``),
        and only those are read, each checked against its own file; a case file that does not
        open is rebuilt from the listing (and, in a folder that could not be upgraded, the
        store is listed)."""
        problems, self._open_problems = self._open_problems, []
        unfinished = self._pending()
        if unfinished:
            from store.saving import recover

            recover(self, unfinished, problems)
        best: tuple[tuple[str, int], str, list[Any], Review | None] | None = None
        for key, row, review in self._case_rows(case_ref, problems):
            if row[MODE] == "learning" or (mode is not None and row[MODE] != mode):
                continue
            rank = (row[UPDATED_AT], row[REVISION])
            if best is None or rank > best[0]:
                best = (rank, key, row, review)
        if best is None:
            return Found(None, tuple(dict.fromkeys(problems)))
        _, key, row, review = best
        if review is None:
            try:
                review = self._load(f"{self.reviews_dir}/{key}.json", row[ID], row[STAMP], row[CRC])
            except KeyError:
                review = None
            except StoreError as exc:
                problems.append(str(exc))
                review = None
        return Found(review, tuple(dict.fromkeys(problems)))

    def _case_rows(
        self, case_ref: str, problems: list[str]
    ) -> list[tuple[str, list[Any], Review | None]]:
        """The reviews of a case reference (ignoring case; any mode): key, listing row, and the
        review itself when it had to be read."""
        from store import cases

        wanted = case_ref.strip().casefold()
        keys = None if self._legacy else cases.keys_of(self, wanted)
        if keys is None:
            keys = cases.rebuild_keys(self, wanted)
            if not self._legacy:
                with contextlib.suppress(OSError, StoreError), self.quick_lock():
                    cases.write(self, wanted, keys)
        rows = []
        for key in keys:
            found = self._case_review(key, problems)
            if found is not None and found[0][CASE_REF].strip().casefold() == wanted:
                rows.append((key, *found))
        return rows

    def _case_keys(self, case_ref: str) -> list[str]:
        """The file keys of the reviews of a case reference (``audit verify REF``)."""
        return [key for key, _, _ in self._case_rows(case_ref, [])]

    def _case_review(self, key: str, problems: list[str]) -> tuple[list[Any], Review | None] | None:
        """One review a case file names: its listing row (from its sealed summary file if
        current, else from the review file itself) and the review when it had to be read;
        None if it is gone or cannot be read (then named in ``problems``)."""
        path = f"{self.reviews_dir}/{key}.json"
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            return None
        except OSError as exc:
            problems.append(f"{path}: cannot be read: {describe(exc)}")
            return None
        stamp = [st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]
        entry = self._read_sealed(self.index_dir / f"{key}.json")
        if entry is not None and summary_from_entry(entry, stamp) is not None:
            with contextlib.suppress(KeyError, TypeError, ValueError, AttributeError):
                return make_row(entry), None
        try:
            from store.file_listing import row_from_files

            row, review = row_from_files(self, key, path, stamp)
        except StoreError as exc:
            problems.append(str(exc))
            return None
        return (row, review) if row is not None else None

    def audit(self, review_id: str | None = None) -> AuditTrail:
        """The audit trail of one review (in order), or of the whole store (by time)."""
        from store import audit as audit_log

        problems: list[str] = []
        if review_id is not None:
            paths = [self._paths(review_key(review_id))[3]]
        else:
            paths = sorted(self.audit_dir.glob("*.jsonl"))
        events: list[AuditEvent] = []
        for path in paths:
            try:
                events.extend(audit_log.read(path, problems))
            except StoreError as exc:
                problems.append(str(exc))
        if review_id is None:
            events.sort(key=lambda e: e.at)
        return AuditTrail(events, problems)

    def verify(self, ref: str | None = None) -> Any:
        """Check the audit trails (``store.trail``): of every review, or of the reviews of
        case ``ref`` (or the review with id ``ref``); KeyError if there is none."""
        from store import trail

        if ref is None:
            return trail.verify(self)
        keys = trail.keys_of(self, ref)
        if not keys:
            raise KeyError(ref)
        return trail.verify(self, keys)

    # -- writing ----------------------------------------------------------------------------

    def save(
        self,
        review: Review,
        actor: Actor,
        *,
        summary: dict[str, Any] | None = None,
        action: str = "answered",
        touch: bool = True,
    ) -> Review:
        """Store ``review`` if nobody else saved it since it was loaded; durable on return.

        ``review.revision`` must equal the stored revision (0 for a new review), else
        ConflictError.  Returns the stored copy: revision + 1 and, unless ``touch`` is False
        (the importer keeps the original timestamps), ``updated_at`` set to now.  The audit
        events (see ``store.audit.diff``) are appended with ``actor`` as who made the change
        (the login name when the actor has none); ``summary`` is kept for the listing as
        given.  StoreError, one line, when it cannot be saved (see ``store.saving``).
        """
        from store import saving

        return saving.save(
            self, review, actor, at=now(), summary=summary, action=action, touch=touch
        )

    # -- claims (advisory, see store.claims) ------------------------------------------------

    def adopt(
        self, review: Review, events: list[dict[str, Any]], summary: dict[str, Any] | None
    ) -> bool:
        """Keep ``review``, copied from another store, with its audit ``events`` as they were
        (``store copy``); False, nothing written, if a review with its id is here already."""
        from store import saving

        return saving.adopt(self, review, events, summary)

    def claimed_by(self, review_id: str) -> str | None:
        """A message if another live session has this review open, else None (claims nothing)."""
        from store import claims

        return claims.claimed_by(self, review_id)

    def claim(self, review_id: str, *, who: str = "", force: bool = False) -> str | None:
        """Mark this review as open in this process; a message if another live session has
        it (see ``store.claims.claim``)."""
        from store import claims

        return claims.claim(self, review_id, who=who, force=force)

    def release(self, review_id: str) -> None:
        """Drop this process's claim on the review (another session's claim is left alone)."""
        from store import claims

        claims.release(self, review_id)
