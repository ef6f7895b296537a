"""The framework format: frozen models of a question bank (SPEC §3).

A framework is pure data: sections, case facts that gate criteria, criteria with their
reasons, consistency checks, local-policy settings and a rating banding.  The models are frozen
dataclasses whose field types carry their constraints (see ``checked``): a framework file is
validated by pydantic when it is loaded (``prompts.loader``), and what a field validator would
check (conditions that parse, unique ids, ordered bands) is checked in ``__post_init__``.
Cross-references (unknown ids, wrong types, cycles) are checked by the loader's
``cross_check``.  ``Framework.from_data`` rebuilds a framework from data validated before (the
loader's cache) without pydantic.
"""

from __future__ import annotations

from dataclasses import field
from typing import Annotated, Any, Literal

from checked import FORBID_STRIP, Doc, MinItems, Num, Str, Tagged, frozen
from prompts.conditions import ConditionError, parse

Id = Annotated[str, Str(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)]
CriterionId = Annotated[str, Str(pattern=r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")]
Text = Annotated[str, Str(strip=True, min_length=1, max_length=4000)]
Word = Annotated[str, Str(strip=True, min_length=2, max_length=120)]
FrameworkId = Annotated[str, Str(pattern=r"^[a-z0-9][a-z0-9_.\-]*$", max_length=80)]

FactType = Literal["yesno", "choice", "multichoice", "date", "text"]
Aspect = Literal[
    "assessment", "review", "planning", "plan_review", "reports", "custody", "oversight", "delivery"
]
Severity = Literal["standard", "urgent"]
Outcome = Literal["sufficient", "insufficient", "not_applicable"]


# These run in __post_init__, whose errors pydantic places on the item, not the field: each
# message starts with the field's name so a problem still reads "ITEM: FIELD: what is wrong".


def _check_condition(name: str, value: str | None) -> None:
    if value is None:
        return
    try:
        parse(value)
    except ConditionError as exc:
        raise ValueError(f"{name}: condition {value!r}: {exc}") from None


def _check_unique(name: str, kind: str, items: tuple[Any, ...]) -> None:
    seen: set[str] = set()
    for item in items:
        if item.id in seen:
            raise ValueError(f"{name}: duplicate {kind} id {item.id!r}")
        seen.add(item.id)


@frozen
class Option:
    """One answer a choice or multi-choice fact may take."""

    __pydantic_config__ = FORBID_STRIP

    id: Id
    label: Text
    words: tuple[Word, ...] = ()


@frozen
class Fact:
    """A fact about the case, asked before the criteria; facts gate criteria and feed checks."""

    __pydantic_config__ = FORBID_STRIP

    id: Id
    type: FactType
    question: Text
    help: str = ""
    options: tuple[Option, ...] = ()
    asked_when: Annotated[
        str | None, Doc("Condition on earlier facts; the fact is asked only when true.")
    ] = None
    options_from: Annotated[
        str | None,
        Doc(
            "A multi-choice fact whose chosen options are the only ones offered here (e.g. "
            "the plan's factors among those the assessment found); not asked when none was "
            "chosen there."
        ),
    ] = None

    def __post_init__(self) -> None:
        _check_condition("asked_when", self.asked_when)
        _check_unique("options", "option", self.options)

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)


@frozen
class Reason:
    """A reason an insufficient judgement may give, with the everyday words people use for it."""

    __pydantic_config__ = FORBID_STRIP

    id: Id
    label: Text
    words: Annotated[tuple[Word, ...], MinItems(1)]
    action: Annotated[str, Doc("Optional action specific to this reason.")] = ""


@frozen
class Learning:
    __pydantic_config__ = FORBID_STRIP

    why: Annotated[Text, Doc("Why the criterion matters.")]
    good: Annotated[Text, Doc("What good practice looks like.")]


@frozen
class Criterion:
    """One judgement an inspector makes: sufficient, insufficient or (where allowed) n/a."""

    __pydantic_config__ = FORBID_STRIP

    id: CriterionId
    section: Id
    aspect: Aspect
    title: Annotated[Text, Doc("What is judged, in a few words.")]
    question: Text
    reasons: Annotated[tuple[Reason, ...], MinItems(1)]
    action: Annotated[Text, Doc("What to do when the criterion is flagged.")]
    learning: Learning
    help: str = ""
    applies_when: Annotated[str | None, Doc("Gate: a condition on facts.")] = None
    allow_not_applicable: bool = False
    not_applicable_words: Annotated[
        tuple[Word, ...],
        Doc(
            "Situations that make the criterion not apply to the case, as people say them "
            "('youth caution', 'no identifiable victim'): an answer saying one reads as not "
            "applicable, unless a word of the criterion's reasons follows ('no victim work')."
        ),
    ] = ()
    other_work_words: Annotated[
        tuple[Word, ...],
        Doc(
            "Names of other pieces of work in the case that an answer may speak of instead "
            "of the one this criterion judges ('the RMP', 'AssetPlus'): an answer whose "
            "subject is one of them and which names no reason of this criterion is about "
            "another part of the case, and the chat asks."
        ),
    ] = ()
    severity: Severity = "standard"

    def __post_init__(self) -> None:
        _check_condition("applies_when", self.applies_when)
        _check_unique("reasons", "reason", self.reasons)

    def reason(self, reason_id: str) -> Reason | None:
        return next((r for r in self.reasons if r.id == reason_id), None)

    @property
    def outcomes(self) -> tuple[Outcome, ...]:
        if self.allow_not_applicable:
            return ("sufficient", "insufficient", "not_applicable")
        return ("sufficient", "insufficient")


@frozen
class Section:
    __pydantic_config__ = FORBID_STRIP

    id: Id
    title: Text
    summary: str = ""


@frozen
class _CheckBase:
    __pydantic_config__ = FORBID_STRIP

    id: Id
    title: Text
    criterion: CriterionId
    reason: Id
    message: Annotated[Text, Doc("Shown with the flag; {items} and {days} are filled in.")]

    def facts_used(self) -> tuple[str, ...]:
        raise NotImplementedError


@frozen
class SetDifferenceCheck(_CheckBase):
    """Flags when items of multi-choice fact ``present`` are missing from fact ``absent_from``."""

    kind: Literal["set_difference"]
    present: Id
    absent_from: Id
    applies_when: str | None = None

    def __post_init__(self) -> None:
        _check_condition("applies_when", self.applies_when)

    def facts_used(self) -> tuple[str, ...]:
        return (self.present, self.absent_from)


@frozen
class DateOrderCheck(_CheckBase):
    """Flags when date fact ``then`` is earlier than date fact ``first``."""

    kind: Literal["date_order"]
    first: Id
    then: Id
    applies_when: str | None = None

    def __post_init__(self) -> None:
        _check_condition("applies_when", self.applies_when)

    def facts_used(self) -> tuple[str, ...]:
        return (self.first, self.then)


@frozen
class DateWithinCheck(_CheckBase):
    """Flags when ``end`` falls more than setting ``limit`` days after ``start``."""

    kind: Literal["date_within"]
    start: Id
    end: Id
    limit: Annotated[Id, Doc("Id of a setting holding the number of days allowed.")]
    applies_when: str | None = None

    def __post_init__(self) -> None:
        _check_condition("applies_when", self.applies_when)

    def facts_used(self) -> tuple[str, ...]:
        return (self.start, self.end)


@frozen
class SameChoiceCheck(_CheckBase):
    """Flags when two choice facts are both answered and differ."""

    kind: Literal["same_choice"]
    left: Id
    right: Id
    applies_when: str | None = None

    def __post_init__(self) -> None:
        _check_condition("applies_when", self.applies_when)

    def facts_used(self) -> tuple[str, ...]:
        return (self.left, self.right)


CHECK_KINDS: dict[
    str, type[SetDifferenceCheck | DateOrderCheck | DateWithinCheck | SameChoiceCheck]
] = {
    "set_difference": SetDifferenceCheck,
    "date_order": DateOrderCheck,
    "date_within": DateWithinCheck,
    "same_choice": SameChoiceCheck,
}

Check = Annotated[
    SetDifferenceCheck | DateOrderCheck | DateWithinCheck | SameChoiceCheck, Tagged("kind")
]


@frozen
class Setting:
    """A threshold the checks use.  ``local_policy`` marks values a service must confirm."""

    __pydantic_config__ = FORBID_STRIP

    id: Id
    label: Text
    value: Annotated[int, Num(ge=0, le=100000)]
    unit: Literal["days", "months", "percent"] = "days"
    local_policy: bool = True


@frozen
class Band:
    __pydantic_config__ = FORBID_STRIP

    id: Id
    label: Text
    min_percent: Annotated[float, Num(ge=0, le=100)]


@frozen
class Rating:
    """Rating bands, highest first; a criterion takes the first band whose minimum it meets."""

    __pydantic_config__ = FORBID_STRIP

    bands: Annotated[tuple[Band, ...], MinItems(1)]
    local_policy: bool = True
    note: str = ""

    def __post_init__(self) -> None:
        minima = [b.min_percent for b in self.bands]
        if minima != sorted(minima, reverse=True):
            raise ValueError("bands: must be listed from the highest minimum to the lowest")
        if minima and minima[-1] != 0:
            raise ValueError("bands: the last band must start at 0 so every percentage has a band")

    def band_for(self, percent: float) -> Band:
        return next(b for b in self.bands if percent >= b.min_percent)


@frozen(slots=False)
class Framework:
    """A whole question bank."""

    __pydantic_config__ = FORBID_STRIP

    id: FrameworkId
    title: Text
    version: Text
    sections: Annotated[tuple[Section, ...], MinItems(1)]
    criteria: Annotated[tuple[Criterion, ...], MinItems(1)]
    rating: Rating
    description: str = ""
    facts: tuple[Fact, ...] = ()
    checks: tuple[Check, ...] = ()
    settings: tuple[Setting, ...] = ()
    _by_id: dict[tuple[str, str], Any] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        by_id = self._by_id
        for group in (self.sections, self.facts, self.criteria, self.settings, self.checks):
            for item in group:
                kind = "Check" if isinstance(item, _CheckBase) else type(item).__name__
                by_id.setdefault((kind, item.id), item)

    def criterion(self, criterion_id: str) -> Criterion | None:
        return self._by_id.get(("Criterion", criterion_id))

    def fact(self, fact_id: str) -> Fact | None:
        return self._by_id.get(("Fact", fact_id))

    def section(self, section_id: str) -> Section | None:
        return self._by_id.get(("Section", section_id))

    def setting(self, setting_id: str) -> Setting | None:
        return self._by_id.get(("Setting", setting_id))

    def criteria_in(self, section_id: str) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if c.section == section_id)

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Framework:
        """A framework from data made by ``checked.to_data`` of a validated framework (the
        loader's cache); KeyError, TypeError or ValueError if the data is not such."""
        return cls(
            id=data["id"],
            title=data["title"],
            version=data["version"],
            description=data["description"],
            sections=tuple(Section(**s) for s in data["sections"]),
            facts=tuple(
                Fact(
                    **{
                        **f,
                        "options": tuple(
                            Option(**{**o, "words": tuple(o["words"])}) for o in f["options"]
                        ),
                    }
                )
                for f in data["facts"]
            ),
            criteria=tuple(
                Criterion(
                    **{
                        **c,
                        "reasons": tuple(
                            Reason(**{**r, "words": tuple(r["words"])}) for r in c["reasons"]
                        ),
                        "learning": Learning(**c["learning"]),
                        "not_applicable_words": tuple(c.get("not_applicable_words", ())),
                        "other_work_words": tuple(c.get("other_work_words", ())),
                    }
                )
                for c in data["criteria"]
            ),
            checks=tuple(CHECK_KINDS[k["kind"]](**k) for k in data["checks"]),
            settings=tuple(Setting(**s) for s in data["settings"]),
            rating=Rating(
                **{**data["rating"], "bands": tuple(Band(**b) for b in data["rating"]["bands"])}
            ),
        )
