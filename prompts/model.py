"""The framework format: frozen pydantic models of a question bank (SPEC §3).

A framework is pure data: sections, case facts that gate criteria, criteria with their
reasons, consistency checks, local-policy settings and a rating banding.  Cross-references
(unknown ids, wrong types, cycles) are checked by ``prompts.validate``; these models check
the shape of each item.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    field_validator,
)

from prompts.conditions import ConditionError, parse

Id = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)]
CriterionId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
Word = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=120)]

FactType = Literal["yesno", "choice", "multichoice", "date", "text"]
Aspect = Literal[
    "assessment", "review", "planning", "plan_review", "reports", "custody", "oversight", "delivery"
]
Severity = Literal["standard", "urgent"]
Outcome = Literal["sufficient", "insufficient", "not_applicable"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


def _check_condition(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        parse(value)
    except ConditionError as exc:
        raise ValueError(f"condition {value!r}: {exc}") from None
    return value


class Option(_Frozen):
    """One answer a choice or multi-choice fact may take."""

    id: Id
    label: Text
    words: tuple[Word, ...] = ()


class Fact(_Frozen):
    """A fact about the case, asked before the criteria; facts gate criteria and feed checks."""

    id: Id
    type: FactType
    question: Text
    help: str = ""
    options: tuple[Option, ...] = ()
    asked_when: str | None = Field(
        default=None, description="Condition on earlier facts; the fact is asked only when true."
    )

    _cond = field_validator("asked_when")(_check_condition)

    @field_validator("options")
    @classmethod
    def _unique_options(cls, options: tuple[Option, ...]) -> tuple[Option, ...]:
        seen: set[str] = set()
        for option in options:
            if option.id in seen:
                raise ValueError(f"duplicate option id {option.id!r}")
            seen.add(option.id)
        return options

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)


class Reason(_Frozen):
    """A reason an insufficient judgement may give, with the everyday words people use for it."""

    id: Id
    label: Text
    words: tuple[Word, ...] = Field(min_length=1)
    action: str = Field(default="", description="Optional action specific to this reason.")


class Learning(_Frozen):
    why: Text = Field(description="Why the criterion matters.")
    good: Text = Field(description="What good practice looks like.")


class Criterion(_Frozen):
    """One judgement an inspector makes: sufficient, insufficient or (where allowed) n/a."""

    id: CriterionId
    section: Id
    aspect: Aspect
    title: Text = Field(description="What is judged, in a few words.")
    question: Text
    help: str = ""
    applies_when: str | None = Field(default=None, description="Gate: a condition on facts.")
    allow_not_applicable: bool = False
    reasons: tuple[Reason, ...] = Field(min_length=1)
    action: Text = Field(description="What to do when the criterion is flagged.")
    severity: Severity = "standard"
    learning: Learning

    _cond = field_validator("applies_when")(_check_condition)

    @field_validator("reasons")
    @classmethod
    def _unique_reasons(cls, reasons: tuple[Reason, ...]) -> tuple[Reason, ...]:
        seen: set[str] = set()
        for reason in reasons:
            if reason.id in seen:
                raise ValueError(f"duplicate reason id {reason.id!r}")
            seen.add(reason.id)
        return reasons

    def reason(self, reason_id: str) -> Reason | None:
        return next((r for r in self.reasons if r.id == reason_id), None)

    @property
    def outcomes(self) -> tuple[Outcome, ...]:
        if self.allow_not_applicable:
            return ("sufficient", "insufficient", "not_applicable")
        return ("sufficient", "insufficient")


class Section(_Frozen):
    id: Id
    title: Text
    summary: str = ""


class _CheckBase(_Frozen):
    id: Id
    title: Text
    criterion: CriterionId
    reason: Id
    message: Text = Field(description="Shown with the flag; {items} and {days} are filled in.")
    applies_when: str | None = None

    _cond = field_validator("applies_when")(_check_condition)

    def facts_used(self) -> tuple[str, ...]:
        raise NotImplementedError


class SetDifferenceCheck(_CheckBase):
    """Flags when items of multi-choice fact ``present`` are missing from fact ``absent_from``."""

    kind: Literal["set_difference"]
    present: Id
    absent_from: Id

    def facts_used(self) -> tuple[str, ...]:
        return (self.present, self.absent_from)


class DateOrderCheck(_CheckBase):
    """Flags when date fact ``then`` is earlier than date fact ``first``."""

    kind: Literal["date_order"]
    first: Id
    then: Id

    def facts_used(self) -> tuple[str, ...]:
        return (self.first, self.then)


class DateWithinCheck(_CheckBase):
    """Flags when ``end`` falls more than setting ``limit`` days after ``start``."""

    kind: Literal["date_within"]
    start: Id
    end: Id
    limit: Id = Field(description="Id of a setting holding the number of days allowed.")

    def facts_used(self) -> tuple[str, ...]:
        return (self.start, self.end)


class SameChoiceCheck(_CheckBase):
    """Flags when two choice facts are both answered and differ."""

    kind: Literal["same_choice"]
    left: Id
    right: Id

    def facts_used(self) -> tuple[str, ...]:
        return (self.left, self.right)


Check = Annotated[
    SetDifferenceCheck | DateOrderCheck | DateWithinCheck | SameChoiceCheck,
    Field(discriminator="kind"),
]


class Setting(_Frozen):
    """A threshold the checks use.  ``local_policy`` marks values a service must confirm."""

    id: Id
    label: Text
    value: int = Field(ge=0, le=100000)
    unit: Literal["days", "months", "percent"] = "days"
    local_policy: bool = True


class Band(_Frozen):
    id: Id
    label: Text
    min_percent: float = Field(ge=0, le=100)


class Rating(_Frozen):
    """Rating bands, highest first; a criterion takes the first band whose minimum it meets."""

    bands: tuple[Band, ...] = Field(min_length=1)
    local_policy: bool = True
    note: str = ""

    @field_validator("bands")
    @classmethod
    def _ordered(cls, bands: tuple[Band, ...]) -> tuple[Band, ...]:
        minima = [b.min_percent for b in bands]
        if minima != sorted(minima, reverse=True):
            raise ValueError("bands must be listed from the highest minimum to the lowest")
        if minima[-1] != 0:
            raise ValueError("the last band must start at 0 so every percentage has a band")
        return bands

    def band_for(self, percent: float) -> Band:
        return next(b for b in self.bands if percent >= b.min_percent)


class Framework(_Frozen):
    """A whole question bank."""

    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_.\-]*$", max_length=80)]
    title: Text
    version: Text
    description: str = ""
    sections: tuple[Section, ...] = Field(min_length=1)
    facts: tuple[Fact, ...] = ()
    criteria: tuple[Criterion, ...] = Field(min_length=1)
    checks: tuple[Check, ...] = ()
    settings: tuple[Setting, ...] = ()
    rating: Rating

    _by_id: dict[tuple[str, str], Any] = PrivateAttr(default_factory=dict)

    def model_post_init(self, _context: Any) -> None:
        for group in (self.sections, self.facts, self.criteria, self.settings, self.checks):
            for item in group:
                kind = "Check" if isinstance(item, _CheckBase) else type(item).__name__
                self._by_id.setdefault((kind, item.id), item)

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
