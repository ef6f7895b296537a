"""Record models: what a review is, as stored and exported.

These are plain frozen values with no I/O (dataclasses whose field types carry their
constraints, see ``checked``); the engine builds new ones from old ones with ``copy``, the
store persists their ``to_data()`` and validates what it reads with pydantic
(``checked.validate``).  Every record carries ``schema_version``; ``migrate`` brings older
records up to date before validation.

Facts hold JSON-friendly values: ``bool`` for yes/no facts, ``str`` for choice, date
(ISO ``YYYY-MM-DD``) and text facts, ``list[str]`` for multi-choice facts.

Every time in a record (``Time``) carries its time zone and is held in UTC: validation refuses
a naive time and converts another offset, and records read back without validation accept
only UTC times (``parse_time``).  Texts, ids and counts are bounded, so a hand-edited file
with a huge value is refused by name rather than carried into listings and reports.
"""

from __future__ import annotations

from dataclasses import field, replace
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from checked import FORBID, Doc, Num, Str, frozen, to_data
from checked.times import Aware, parse_time

SCHEMA_VERSION = 1

Outcome = Literal["sufficient", "insufficient", "not_applicable"]
Mode = Literal["self", "joint", "learning"]
Status = Literal["in_progress", "complete"]
Role = Literal["case_manager", "inspector", "manager", "learner", "other"]
FollowUp = Literal["reasons", "note", "view", "agreed", "quotable"]

CaseRef = Annotated[
    str, Str(strip=True, min_length=1, max_length=40, pattern=r"^[^\x00-\x1f\x7f]+$")
]
Note = Annotated[str, Str(max_length=20000)]
Name = Annotated[str, Str(max_length=200)]  # also ids: facts, reasons, frameworks
FactValue = bool | Note | list[Name]
# Every time in a record has its time zone and is held in UTC: a naive time is refused.
Time = Annotated[datetime, Aware()]
Count = Annotated[int, Num(ge=0, le=2**53)]


def now() -> datetime:
    return datetime.now(UTC)


class Record:
    """Frozen record values: ``copy(**changes)`` makes a changed copy (nothing re-validated,
    as pydantic's ``model_copy``), ``to_data()`` the JSON-ready form that is stored."""

    __slots__ = ()

    def copy(self, **changes: Any) -> Any:
        return replace(self, **changes)  # type: ignore[type-var]

    def to_data(self) -> dict[str, Any]:
        return to_data(self)


@frozen
class Participant(Record):
    __pydantic_config__ = FORBID

    name: Name = ""
    role: Role = "case_manager"


@frozen
class View(Record):
    """The case manager's view of a criterion in a joint review."""

    __pydantic_config__ = FORBID

    agrees: bool
    outcome: Outcome | None = None
    note: Note = ""


@frozen
class Judgement(Record):
    """The recorded judgement on one criterion (in joint mode: the inspector's, as agreed)."""

    __pydantic_config__ = FORBID

    outcome: Outcome
    reasons: tuple[Name, ...] = ()
    note: Note = ""
    quotable: bool = False
    view: Annotated[View | None, Doc("Case manager's view (joint mode).")] = None
    inspector_outcome: Annotated[
        Outcome | None, Doc("Joint mode: the inspector's judgement before any agreement.")
    ] = None
    pending: Annotated[
        FollowUp | None, Doc("A follow-up question still to ask (reasons, note, ...).")
    ] = None
    answered_at: Time | None = None
    answered_by: Name = ""


@frozen
class FlagState(Record):
    """Whether the action a flag recommends has been done (a later re-audit closes flags)."""

    __pydantic_config__ = FORBID

    state: Literal["open", "done"] = "open"
    changed_at: Time | None = None
    changed_by: Name = ""
    note: Note = ""


@frozen
class Review(Record):
    """One review of one case against one framework."""

    __pydantic_config__ = FORBID

    id: Annotated[str, Str(min_length=1, max_length=200)]
    case_ref: CaseRef
    framework: Name
    schema_version: Count = SCHEMA_VERSION
    framework_version: Name = ""
    mode: Mode = "self"
    reviewer: Name = ""
    reviewer_role: Role = "case_manager"
    participants: tuple[Participant, ...] = ()
    team: Name = ""
    status: Status = "in_progress"
    facts: dict[Name, FactValue] = field(default_factory=dict)
    judgements: dict[str, Judgement] = field(default_factory=dict)
    skipped: Annotated[
        tuple[str, ...], Doc("Items skipped in this pass; asked again on resume.")
    ] = ()
    focus: Annotated[str | None, Doc("An item the user went back or jumped to, asked next.")] = None
    flag_states: dict[str, FlagState] = field(default_factory=dict)
    created_at: Time = field(default_factory=now)
    updated_at: Time = field(default_factory=now)
    completed_at: Annotated[Time | None, Doc("When the review was last marked complete.")] = None
    revision: Annotated[Count, Doc("Bumped by the store on every save.")] = 0

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Review:
        """A review from the data ``to_data`` made of a validated review, read back without
        validation (the store does this only for files it wrote itself and has not seen
        change since); KeyError, TypeError or ValueError if the data is not such."""
        return cls(
            **{
                **data,
                "participants": tuple(Participant(**p) for p in data["participants"]),
                "facts": dict(data["facts"]),
                "judgements": {k: _judgement_from_data(v) for k, v in data["judgements"].items()},
                "skipped": tuple(data["skipped"]),
                "flag_states": {
                    k: FlagState(**{**v, "changed_at": parse_time(v["changed_at"])})
                    for k, v in data["flag_states"].items()
                },
                "created_at": parse_time(data["created_at"]),
                "updated_at": parse_time(data["updated_at"]),
                "completed_at": parse_time(data["completed_at"]),
            }
        )


def _judgement_from_data(data: dict[str, Any]) -> Judgement:
    view = data["view"]
    return Judgement(
        **{
            **data,
            "reasons": tuple(data["reasons"]),
            "view": View(**view) if view is not None else None,
            "answered_at": parse_time(data["answered_at"]),
        }
    )


def migrate(data: dict[str, Any]) -> dict[str, Any]:
    """Bring a stored record dict up to SCHEMA_VERSION (a copy; the input is untouched).

    Version 0 (before versions were written) named the case reference ``case`` and kept
    judgements' reasons as a comma-separated string.
    """
    out = dict(data)
    version = out.get("schema_version", 0)
    if not isinstance(version, int) or version > SCHEMA_VERSION:
        raise ValueError(
            f"schema_version {version!r} is newer than this program understands "
            f"({SCHEMA_VERSION}); upgrade case-review-assistant"
        )
    if version < 1:
        if "case" in out and "case_ref" not in out:
            out["case_ref"] = out.pop("case")
        judgements = out.get("judgements")
        if isinstance(judgements, dict):
            fixed = {}
            for key, value in judgements.items():
                if isinstance(value, dict) and isinstance(value.get("reasons"), str):
                    value = {
                        **value,
                        "reasons": [r.strip() for r in value["reasons"].split(",") if r.strip()],
                    }
                fixed[key] = value
            out["judgements"] = fixed
        out["schema_version"] = 1
    return out
