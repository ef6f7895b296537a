"""The ``memory`` store: reviews kept in this process only (learning mode and tests).

It keeps the file store's promises that make sense without files: a save checks the review's
revision (a stale save raises ConflictError), validates the record it keeps, bumps the
revision and audits the change; reviews come back as saved.  Nothing is ever written to disk,
so a practice run in learning mode leaves the real store untouched (SPEC §9).  Learning-mode
reviews are welcome here (the file store refuses them).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from store.errors import ConflictError, StoreError
from store.listing import select
from store.protocol import AuditTrail, Derived, Found, Listing, Loaded, Order
from store.records import Review, now

if TYPE_CHECKING:
    from store.audit import AuditEvent
    from store.reviews import Actor
    from store.trail import Verdict


class MemoryStore:
    """Reviews in a dict, for one process."""

    def __init__(self, name: str = "memory") -> None:
        self.name = name
        self._reviews: dict[str, Review] = {}
        self._summaries: dict[str, dict[str, Any]] = {}
        self._audit: dict[str, list[AuditEvent]] = {}
        self._claims: dict[str, str] = {}

    def __repr__(self) -> str:
        return f"MemoryStore({self.name!r})"

    @property
    def persistent(self) -> bool:
        return False

    @property
    def location(self) -> str:
        return f"memory ({self.name})" if self.name != "memory" else "memory"

    # -- reading ------------------------------------------------------------------------------

    def get(self, review_id: str) -> Review:
        """The stored review; KeyError if there is none."""
        return self._reviews[review_id]

    def exists(self, review_id: str) -> bool:
        return review_id in self._reviews

    def summaries(
        self,
        *,
        team: str | None = None,
        query: str | None = None,
        order: Order = "updated",
        offset: int = 0,
        limit: int | None = None,
    ) -> Listing:
        from store.reviews import ReviewSummary

        every = [
            ReviewSummary(
                id=r.id,
                case_ref=r.case_ref,
                framework=r.framework,
                mode=r.mode,
                status=r.status,
                team=r.team,
                reviewer=r.reviewer,
                updated_at=r.updated_at,
                revision=r.revision,
                summary=dict(self._summaries.get(r.id, {})),
            )
            for r in self._reviews.values()
        ]
        page, total = select(every, team=team, query=query, order=order, offset=offset, limit=limit)
        return Listing(page, total=total)

    def reviews(
        self,
        *,
        status: str | None = None,
        team: str | None = None,
        framework: str | None = None,
    ) -> Loaded:
        team_key = team.casefold() if team is not None else None

        def produce(problems: list[str]) -> Iterator[Review]:
            for review in list(self._reviews.values()):
                if status is not None and review.status != status:
                    continue
                if team_key is not None and review.team.casefold() != team_key:
                    continue
                if framework is not None and review.framework != framework:
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
        """``derive(review)`` for every matching review (nothing to cache in memory)."""
        chosen = self.reviews(status=status, team=team, framework=framework)
        return Derived(derive(r) for r in chosen)

    def find_case(self, case_ref: str, mode: str | None = None) -> Found:
        """The most recently updated non-learning review of this case (any mode when
        ``mode`` is None; a learning review only when asked for by mode)."""
        wanted = case_ref.strip().casefold()
        matches = [
            r
            for r in self._reviews.values()
            if r.case_ref.casefold() == wanted
            and (r.mode == mode if mode is not None else r.mode != "learning")
        ]
        return Found(max(matches, key=lambda r: (r.updated_at, r.revision), default=None))

    def audit(self, review_id: str | None = None) -> AuditTrail:
        if review_id is not None:
            return AuditTrail(self._audit.get(review_id, []))
        every = (e for log in self._audit.values() for e in log)
        return AuditTrail(sorted(every, key=lambda e: e.at))

    def verify(self, ref: str | None = None) -> Verdict:
        """The memory store keeps its trail in this process: it checks that each review's
        answers are what its events say (there is no file to tamper with)."""
        from store.trail import verify_events

        ids = list(self._reviews)
        if ref is not None:
            wanted = ref.strip().casefold()
            ids = [i for i in ids if i == ref or self._reviews[i].case_ref.casefold() == wanted]
            if not ids:
                raise KeyError(ref)
        return verify_events({i: (self._reviews[i], self._audit.get(i, [])) for i in ids})

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
        """Keep ``review`` if nobody saved it since it was loaded (see ``Store.save``)."""
        from checked import validate
        from store import audit as audit_log

        old = self._reviews.get(review.id)
        stored = old.revision if old is not None else 0
        if review.revision != stored:
            raise ConflictError(
                f"{self.name}: review {review.case_ref} was changed in another session since "
                f"it was loaded (loaded revision {review.revision}, stored revision {stored}); "
                "reload it and try again",
                expected=review.revision,
                stored=stored,
            )
        at = now()
        changes: dict[str, Any] = {"revision": stored + 1}
        if touch:
            changes["updated_at"] = at
        new = review.copy(**changes)
        from pydantic import ValidationError

        try:  # never keep a record that could not be read back
            validate(Review, new.to_data())
        except ValidationError as exc:
            errors = exc.errors()
            where = ".".join(str(p) for p in errors[0]["loc"]) if errors else "(record)"
            what = errors[0]["msg"] if errors else "invalid"
            raise StoreError(
                f"{self.location}: not saved, not a valid review: {where}: {what}"
            ) from None
        events = audit_log.diff(old, new, who=actor.name, role=actor.role, action=action, at=at)
        self._reviews[new.id] = new
        self._summaries[new.id] = dict(summary or {})
        self._audit.setdefault(new.id, []).extend(events)
        return new

    # -- claims -------------------------------------------------------------------------------

    def claim(self, review_id: str, *, who: str = "", force: bool = False) -> str | None:
        """One process: every claim is this process's own."""
        self._claims[review_id] = who
        return None

    def claimed_by(self, review_id: str) -> str | None:
        return None

    def release(self, review_id: str) -> None:
        self._claims.pop(review_id, None)
