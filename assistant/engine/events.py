"""What the engine tells a front end: the next question and the events to show before it."""

from __future__ import annotations

from dataclasses import field, replace
from typing import TYPE_CHECKING, Any, Literal

from checked import frozen

if TYPE_CHECKING:
    from assistant.engine.flags import Flag
    from assistant.engine.progress import Progress
    from store.records import Review

NoticeKind = Literal["info", "problem", "clarify"]
StepKind = Literal[
    "fact",
    "judgement",
    "confirm",
    "reasons",
    "note",
    "view",
    "view_outcome",
    "agreed",
    "evidence",
    "quotable",
    "escalate",
    "escalated_when",
    "escalation_action",
]


@frozen(slots=False)
class Choice:
    """A quick reply: its number key, its label, and the value it stands for."""

    key: str
    label: str
    value: str


@frozen(slots=False)
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
    returning: bool = False  # skipped earlier, asked again at the end


@frozen(slots=False)
class Recorded:
    """An answer was understood and stored; ``shown`` says how it was read."""

    item: str
    step: StepKind
    shown: str


@frozen(slots=False)
class FlagRaised:
    flag: Flag


@frozen(slots=False)
class FlagWithdrawn:
    flag: Flag


@frozen(slots=False)
class FlagStateChanged:
    flag: Flag


@frozen(slots=False)
class CriteriaSetAside:
    """Criteria whose gate became false; their answers are kept in history."""

    ids: tuple[str, ...]


@frozen(slots=False)
class CriteriaRestored:
    ids: tuple[str, ...]


@frozen(slots=False)
class SectionComplete:
    section: str
    title: str


@frozen(slots=False)
class ReviewComplete:
    open_flags: int
    urgent_flags: int
    checks_not_run: tuple[str, ...] = ()  # titles of checks that lacked a fact


@frozen(slots=False)
class Finished:
    """The answer to ``finish``: what is still open (nothing, when the review is complete)."""

    complete: bool
    open_criteria: tuple[str, ...]
    waiting_on: tuple[str, ...]  # unknown facts that decide whether criteria apply
    pending: str | None  # a criterion whose follow-up question waits
    optional_open: tuple[str, ...]  # facts left unknown that only feed checks
    checks_not_run: tuple[str, ...]


@frozen(slots=False)
class Countersigned:
    """A manager countersigned the review; it is locked until unlocked.  ``delay_days``: from
    completion to countersignature; ``limit_days``: the framework's local limit (None: none)."""

    by: str
    at: str  # YYYY-MM-DD HH:MM, UTC
    comment: str
    delay_days: float | None
    limit_days: int | None


@frozen(slots=False)
class Unlocked:
    by: str
    why: str


@frozen(slots=False)
class EarlierFlags:
    """A re-audit starts: the flags of the earlier review of the case."""

    review_id: str
    when: str  # the day the earlier review was completed (or last changed), YYYY-MM-DD
    flags: tuple[Flag, ...]


@frozen(slots=False)
class ReauditOutcome:
    """A re-audit, once complete, against the earlier review: the earlier flags now resolved,
    those that recur, those whose criterion no longer applies, and the new ones."""

    review_id: str
    resolved: tuple[Flag, ...]
    recurring: tuple[Flag, ...]
    not_applicable: tuple[Flag, ...]
    new: tuple[Flag, ...]


@frozen(slots=False)
class Notice:
    text: str
    kind: NoticeKind = "info"


@frozen(slots=False)
class Explanation:
    item: str
    title: str
    why: str
    good: str


@frozen(slots=False)
class LearningFeedback:
    """Learning mode: the learner's judgement on one criterion, once final, beside the model
    answer (SPEC §9).  ``cites`` are the ids of the case-file extracts that decide it and
    ``cited`` their headings, in the same order."""

    criterion: str
    title: str
    matched: bool
    verdict: tuple[str, ...]  # agreement with the model answer; reasons missed or added
    rationale: str
    cites: tuple[str, ...]
    cited: tuple[str, ...]
    good: str  # what good looks like


@frozen(slots=False)
class SectionAgreement:
    title: str
    agreed: int
    judged: int


@frozen(slots=False)
class LearningScore:
    """Learning mode, at the end of a played case (or at ``finish``): agreement with the model
    answers per section and overall, and the criteria to revisit.  ``lines`` say it all in
    words, ending with ``Overall: N of M agreed``."""

    sections: tuple[SectionAgreement, ...]
    agreed: int
    judged: int
    revisit: tuple[tuple[str, str], ...]  # (criterion id, title), in framework order
    lines: tuple[str, ...]


Event = (
    Recorded
    | FlagRaised
    | FlagWithdrawn
    | FlagStateChanged
    | CriteriaSetAside
    | CriteriaRestored
    | SectionComplete
    | ReviewComplete
    | Finished
    | Countersigned
    | Unlocked
    | EarlierFlags
    | ReauditOutcome
    | Notice
    | Explanation
    | LearningFeedback
    | LearningScore
)


@frozen(slots=False)
class Step:
    """The result of one input: the new review, what to show, and what to ask next."""

    review: Review
    events: tuple[Event, ...] = ()
    question: Question | None = None
    changed: bool = False  # the review differs and must be saved
    extra: dict[str, object] = field(default_factory=dict)
    # Filled in by the session, once per input: the review's flags and its progress.
    flags: tuple[Flag, ...] = ()
    progress: Progress | None = None

    def copy(self, **changes: Any) -> Step:
        return replace(self, **changes)
