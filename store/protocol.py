"""The storage seam: the ``ReviewStore`` protocol every backend implements, and its results.

Nothing outside ``store/`` knows which backend it has: the conversation, the app, the
reports, import and export, learning mode and the command line all take a ``ReviewStore``
from ``store.open_store`` (``--store PATH``, ``memory:``, ``postgresql://...``).  Backends:
``store.reviews.Store`` (the default: a folder of TinyDB files) and ``store.memory.MemoryStore``
(learning mode and tests); one contract suite (``tests/test_store_contract.py``) shows that
every backend keeps the promises of SPEC §5.

Problems come back with the results that met them (``Listing.problems``, ``Found.problems``,
...): a review that cannot be read is named there and left out, never written, and there is
no state on the store that a second thread could race.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeVar, runtime_checkable

if TYPE_CHECKING:
    from store.audit import AuditEvent  # noqa: F401  (named in a base class below)
    from store.records import Review
    from store.reviews import Actor, ReviewSummary
    from store.trail import Verdict

__all__ = [
    "AuditTrail",
    "Derived",
    "Found",
    "Listing",
    "Loaded",
    "Order",
    "ReviewStore",
]

Order = Literal["updated", "urgency"]
_T = TypeVar("_T")


class _WithProblems(list[_T]):
    """A list of results, and the stored reviews that could not be read (one line each,
    naming the review and what is wrong)."""

    def __init__(self, items: Iterable[_T] = (), problems: Iterable[str] = ()) -> None:
        super().__init__(items)
        self.problems: list[str] = list(dict.fromkeys(problems))


class Listing(_WithProblems["ReviewSummary"]):
    """One page of review summaries; ``total`` counts every match, not just this page."""

    def __init__(
        self,
        items: Iterable[ReviewSummary] = (),
        problems: Iterable[str] = (),
        *,
        total: int | None = None,
    ) -> None:
        super().__init__(items, problems)
        self.total = len(self) if total is None else total


class Derived(_WithProblems[Any]):
    """Values derived from the matching reviews (``ReviewStore.derived``)."""


class AuditTrail(_WithProblems["AuditEvent"]):
    """Audit events in order (one review's) or by time (the store's)."""


class Loaded:
    """The matching reviews, loaded one at a time as they are iterated; ``problems`` holds
    the reviews that could not be read, once the iteration has reached them."""

    def __init__(self, produce: Callable[[list[str]], Iterator[Review]]) -> None:
        self.problems: list[str] = []
        self._produce = produce

    def __iter__(self) -> Iterator[Review]:
        return self._produce(self.problems)


@dataclass(frozen=True)
class Found:
    """The review of a case (None when the case has none) and the problems met looking."""

    review: Review | None
    problems: tuple[str, ...] = field(default=())


@runtime_checkable
class ReviewStore(Protocol):
    """Where reviews are kept.  Every method is safe against another process using the same
    store; a save is durable when it returns."""

    @property
    def location(self) -> str:
        """What the user is told the store is (a folder, ``memory``, a database without its
        credentials)."""
        ...

    @property
    def persistent(self) -> bool:
        """Whether reviews outlive the process (False for the memory store)."""
        ...

    # -- reading ------------------------------------------------------------------------------

    def get(self, review_id: str) -> Review:
        """The stored review; KeyError if there is none, StoreError if it cannot be read."""
        ...

    def exists(self, review_id: str) -> bool:
        """Whether a review with this id is stored (readable or not)."""
        ...

    def find_case(self, case_ref: str, mode: str | None = None) -> Found:
        """The most recently updated review of this case reference (of ``mode`` if given;
        learning reviews only when ``mode`` asks for them)."""
        ...

    def summaries(
        self,
        *,
        team: str | None = None,
        query: str | None = None,
        order: Order = "updated",
        offset: int = 0,
        limit: int | None = None,
    ) -> Listing:
        """Review summaries without loading the reviews: of ``team`` (ignoring case), whose
        case reference contains ``query`` (ignoring case), most recently updated first or the
        most urgent first (open urgent flags, then open flags), ``limit`` of them from
        ``offset``."""
        ...

    def reviews(
        self,
        *,
        status: str | None = None,
        team: str | None = None,
        framework: str | None = None,
    ) -> Loaded:
        """Every stored review matching the filters (team ignoring case), loaded as needed."""
        ...

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
        """``derive(review)`` for every matching review; a backend may keep the values (named
        ``name``, shape ``version``) so that later calls read only reviews saved since."""
        ...

    def audit(self, review_id: str | None = None) -> AuditTrail:
        """The audit trail of one review (in order), or of the whole store (by time)."""
        ...

    def verify(self, ref: str | None = None) -> Verdict:
        """Check the audit trails' hash chains, and that each review's answers are what its
        trail says: of every review, or of case (or review id) ``ref``; KeyError if none."""
        ...

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
        """Store ``review`` if nobody saved it since it was loaded (``review.revision`` equals
        the stored revision, 0 for a new review), else ConflictError; returns the stored copy
        (revision + 1, ``updated_at`` now unless ``touch`` is False) and appends the changes to
        the audit trail with ``actor``; ``summary`` is kept for the listing."""
        ...

    # -- who has a review open (advisory) ------------------------------------------------------

    def claim(self, review_id: str, *, who: str = "", force: bool = False) -> str | None:
        """Mark the review open in this process; a message if another live session has it."""
        ...

    def claimed_by(self, review_id: str) -> str | None:
        """A message if another live session has the review open, else None."""
        ...

    def release(self, review_id: str) -> None:
        """Drop this process's claim on the review."""
        ...
