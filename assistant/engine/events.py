"""What the engine tells a front end: the next question and the events to show before it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from assistant.engine.flags import Flag
    from store.records import Review

StepKind = Literal["fact", "judgement", "reasons", "note", "view", "agreed", "quotable"]


@dataclass(frozen=True)
class Choice:
    """A quick reply: its number key, its label, and the value it stands for."""

    key: str
    label: str
    value: str


@dataclass(frozen=True)
class Question:
    item: str  # fact id or criterion id, shown in brackets in plain mode
    step: StepKind
    text: str
    help: str
    choices: tuple[Choice, ...]
    multi: bool = False
    section: str | None = None
    current: str | None = None  # the answer already given, when an item is asked again
    number: int = 0
    total: int = 0
    urgent: bool = False
    title: str = ""
    typed: bool = False  # answered by typing (a date, text, a note): digits are not quick keys


@dataclass(frozen=True)
class Recorded:
    """An answer was understood and stored; ``shown`` says how it was read."""

    item: str
    step: StepKind
    shown: str


@dataclass(frozen=True)
class FlagRaised:
    flag: Flag


@dataclass(frozen=True)
class FlagWithdrawn:
    flag: Flag


@dataclass(frozen=True)
class FlagStateChanged:
    flag: Flag


@dataclass(frozen=True)
class CriteriaSetAside:
    """Criteria whose gate became false; their answers are kept in history."""

    ids: tuple[str, ...]


@dataclass(frozen=True)
class CriteriaRestored:
    ids: tuple[str, ...]


@dataclass(frozen=True)
class SectionComplete:
    section: str
    title: str


@dataclass(frozen=True)
class ReviewComplete:
    open_flags: int
    urgent_flags: int


@dataclass(frozen=True)
class Notice:
    text: str
    kind: Literal["info", "problem", "clarify"] = "info"


@dataclass(frozen=True)
class Explanation:
    item: str
    title: str
    why: str
    good: str


Event = (
    Recorded
    | FlagRaised
    | FlagWithdrawn
    | FlagStateChanged
    | CriteriaSetAside
    | CriteriaRestored
    | SectionComplete
    | ReviewComplete
    | Notice
    | Explanation
)


@dataclass(frozen=True)
class Step:
    """The result of one input: the new review, what to show, and what to ask next."""

    review: Review
    events: tuple[Event, ...] = ()
    question: Question | None = None
    changed: bool = False  # the review differs and must be saved
    extra: dict[str, object] = field(default_factory=dict)
