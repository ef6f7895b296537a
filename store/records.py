"""Record models: what a review is, as stored and exported.

These are plain frozen pydantic values with no I/O; the engine builds new ones from old ones,
the store persists them.  Every record carries ``schema_version``; ``migrate`` brings older
records up to date before validation.

Facts hold JSON-friendly values: ``bool`` for yes/no facts, ``str`` for choice, date
(ISO ``YYYY-MM-DD``) and text facts, ``list[str]`` for multi-choice facts.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

SCHEMA_VERSION = 1

Outcome = Literal["sufficient", "insufficient", "not_applicable"]
Mode = Literal["self", "joint", "learning"]
Status = Literal["in_progress", "complete"]
Role = Literal["case_manager", "inspector", "manager", "learner", "other"]
FollowUp = Literal["reasons", "note", "view", "agreed", "quotable"]
FactValue = bool | str | list[str]

CaseRef = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=40, pattern=r"^[^\x00-\x1f\x7f]+$"
    ),
]
Note = Annotated[str, StringConstraints(max_length=20000)]


def now() -> datetime:
    return datetime.now(UTC)


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Participant(_Record):
    name: Annotated[str, StringConstraints(max_length=200)] = ""
    role: Role = "case_manager"


class View(_Record):
    """The case manager's view of a criterion in a joint review."""

    agrees: bool
    outcome: Outcome | None = None
    note: Note = ""


class Judgement(_Record):
    """The recorded judgement on one criterion (in joint mode: the inspector's, as agreed)."""

    outcome: Outcome
    reasons: tuple[str, ...] = ()
    note: Note = ""
    quotable: bool = False
    view: View | None = Field(default=None, description="Case manager's view (joint mode).")
    inspector_outcome: Outcome | None = Field(
        default=None, description="Joint mode: the inspector's judgement before any agreement."
    )
    pending: FollowUp | None = Field(
        default=None, description="A follow-up question still to ask (reasons, note, ...)."
    )
    answered_at: datetime | None = None
    answered_by: str = ""


class FlagState(_Record):
    """Whether the action a flag recommends has been done (a later re-audit closes flags)."""

    state: Literal["open", "done"] = "open"
    changed_at: datetime | None = None
    changed_by: str = ""
    note: Note = ""


class Review(_Record):
    """One review of one case against one framework."""

    schema_version: int = SCHEMA_VERSION
    id: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    case_ref: CaseRef
    framework: str
    framework_version: str = ""
    mode: Mode = "self"
    reviewer: Annotated[str, StringConstraints(max_length=200)] = ""
    reviewer_role: Role = "case_manager"
    participants: tuple[Participant, ...] = ()
    team: Annotated[str, StringConstraints(max_length=200)] = ""
    status: Status = "in_progress"
    facts: dict[str, FactValue] = Field(default_factory=dict)
    judgements: dict[str, Judgement] = Field(default_factory=dict)
    skipped: tuple[str, ...] = Field(
        default=(), description="Items skipped in this pass; asked again on resume."
    )
    focus: str | None = Field(
        default=None, description="An item the user went back or jumped to, asked next."
    )
    flag_states: dict[str, FlagState] = Field(default_factory=dict)
    created_at: datetime = Field(default_factory=now)
    updated_at: datetime = Field(default_factory=now)
    completed_at: datetime | None = Field(
        default=None, description="When the review was last marked complete."
    )
    revision: int = Field(default=0, description="Bumped by the store on every save.")


class AuditEvent(_Record):
    """One change, appended to the audit trail and never rewritten."""

    schema_version: int = SCHEMA_VERSION
    review_id: str
    case_ref: str
    at: datetime = Field(default_factory=now)
    who: str = ""
    role: str = ""
    action: str = Field(description="created, answered, changed, removed, imported, status, ...")
    field: str = Field(default="", description="e.g. facts.custody or judgements.rr.plan")
    old: Any = None
    new: Any = None
    revision: int = Field(default=0, description="The review revision this change produced.")


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
