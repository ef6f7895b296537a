"""The file store: reviews kept durably in TinyDB files, safe for two processes, audited.

``Store`` is the ``ReviewStore`` (``store.protocol``) of a folder of files; this module is its
front, and each part of the work has a module of its own:

- ``store.layout``: the folder's layout (which file is where), review keys, the folder's
  own checks (one user's, nobody else can write to it);
- ``store.folder``: paths, the lock and the sealing key, sealed caches, reading one review
  (``store.review_files``: as written, validated in one pass, or through TinyDB);
- ``store.summary``: what the listing keeps for one review;
- ``store.file_listing``: the listing (every review's summary, checked against its file);
- ``store.derived_cache``: values derived from reviews and kept (the report's rows);
- ``store.saving``: a save, and finishing saves a crash interrupted;
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

import os
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from checked.files import describe
from store import file_listing, saving, sealed
from store.actor import Actor, login_name
from store.errors import StoreError
from store.folder import StoreFolder
from store.layout import (
    ENV_VAR,
    FOLDERS,
    LAYOUT,
    MARKER,
    STORE_FORMAT,
    check_folder,
    default_path,
    resolve_path,
    review_key,
)
from store.listing import select
from store.protocol import AuditTrail, Derived, Found, Listing, Loaded, Order
from store.records import Review, now
from store.review_files import record_from_doc
from store.storage import atomic_write, dumps, ensure_private_dir
from store.summary import ReviewSummary

if TYPE_CHECKING:
    from store.audit import AuditEvent

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
        check_folder(root)
        ensure_private_dir(root, follow=True)
        store = cls(root)
        for folder in FOLDERS:
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
        saving.recover_interrupted(store)
        return store

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
        items, problems = self._listing()
        page, total = select(
            (item[1] for item in items),
            team=team,
            query=query,
            order=order,
            offset=offset,
            limit=limit,
        )
        return Listing(page, problems, total=total)

    def _listing(self) -> tuple[list[file_listing.Listed], list[str]]:
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
            for key, entry, review, _stamp, _crc in listing:
                if status is not None and entry.status != status:
                    continue
                if team_key is not None and entry.team.casefold() != team_key:
                    continue
                if framework is not None and entry.framework != framework:
                    continue
                if review is None:
                    try:
                        review = self._load_many(f"{reviews_dir}/{key}.json", entry.id)
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
        """The most recently updated non-learning review of this case reference, if any."""
        wanted = case_ref.strip().casefold()
        listing, problems = self._listing()
        matches = [
            item
            for item in listing
            if item[1].case_ref.casefold() == wanted
            and item[1].mode != "learning"
            and (mode is None or item[1].mode == mode)
        ]
        if not matches:
            return Found(None, tuple(problems))
        key, latest, review, stamp, crc = max(
            matches, key=lambda i: (i[1].updated_at, i[1].revision)
        )
        if review is None:  # (else the listing had to read it)
            try:
                review = self._load(f"{self.reviews_dir}/{key}.json", latest.id, stamp, crc)
            except KeyError:
                review = None
        return Found(review, tuple(problems))

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
        return saving.save(
            self, review, actor, at=now(), summary=summary, action=action, touch=touch
        )

    # -- claims (advisory, see store.claims) ------------------------------------------------

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
