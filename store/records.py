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
from typing import Annotated, Any, Literal, get_args

from checked import FORBID, Doc, Num, Str, frozen, to_data
from checked.times import Aware, parse_time

SCHEMA_VERSION = 2

Outcome = Literal["sufficient", "insufficient", "not_applicable"]
Mode = Literal["self", "joint", "learning"]
Status = Literal["in_progress", "complete"]
Role = Literal["case_manager", "inspector", "manager", "learner", "other"]
MODES: tuple[Mode, ...] = get_args(Mode)
ROLES: tuple[Role, ...] = get_args(Role)


def as_mode(text: str) -> Mode:
    """``text`` as a review mode; ValueError naming the modes if it is not one."""
    for mode in MODES:
        if text == mode:
            return mode
    raise ValueError(f"not a review mode: {text!r} (one of {', '.join(MODES)})")


def as_role(text: str) -> Role:
    """``text`` as a role; ValueError naming the roles if it is not one."""
    for role in ROLES:
        if text == role:
            return role
    raise ValueError(f"not a role: {text!r} (one of {', '.join(ROLES)})")


FollowUp = Literal[
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
Answer = Literal["yes", "no", "partly", "na"]
# What was said, and the outcome it stands for ("partly" counts as insufficient).
ANSWER_OUTCOMES: dict[str, str] = {
    "yes": "sufficient",
    "no": "insufficient",
    "partly": "insufficient",
    "na": "not_applicable",
}
OUTCOME_ANSWERS: dict[str, Answer] = {
    "sufficient": "yes",
    "insufficient": "no",
    "not_applicable": "na",
}

MAX_CASE_REF = 40
MAX_NOTE = 20_000
MAX_NAME = 200
# No control, format (zero-width, bidi), line or paragraph separator characters.
_UNPRINTABLE = r"\p{Cc}\p{Cf}\p{Zl}\p{Zp}"
CaseRef = Annotated[
    str,
    Str(strip=True, min_length=1, max_length=MAX_CASE_REF, pattern=f"^[^{_UNPRINTABLE}]+$"),
]
Note = Annotated[str, Str(max_length=MAX_NOTE)]
# Names, and ids (facts, reasons, frameworks); input refuses unprintable names: name_problem.
Name = Annotated[str, Str(max_length=MAX_NAME)]
FactValue = bool | Note | list[Name]
# Every time in a record has its time zone and is held in UTC: a naive time is refused.
Time = Annotated[datetime, Aware()]
Count = Annotated[int, Num(ge=0, le=2**53)]


def _unprintable(text: str) -> str | None:
    """The first character of ``text`` that has no place in a reference or a name."""
    import unicodedata

    return next((c for c in text if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp")), None)


def normalise_case_ref(text: str) -> str:
    """A case reference as stored: NFKC-normalised (full-width and compatibility forms fold
    to their plain letters) and stripped."""
    import unicodedata

    return unicodedata.normalize("NFKC", text).strip()


def case_ref_problem(text: str) -> str | None:
    """None if ``text`` (normalised) is a usable case reference, else what is wrong with it."""
    ref = normalise_case_ref(text)
    if not ref:
        return "A case reference is needed, e.g. HAR-01."
    if len(ref) > MAX_CASE_REF:
        return (
            f"A case reference is at most {MAX_CASE_REF} characters (use the team's "
            "pseudonymous code)."
        )
    bad = _unprintable(ref)
    if bad is not None:
        return (
            f"A case reference cannot contain control or invisible characters (U+{ord(bad):04X})."
        )
    return None


def name_problem(text: str, what: str = "A name") -> str | None:
    """None if ``text`` is a usable team or person name, else what is wrong with it."""
    if len(text) > MAX_NAME:
        return f"{what} is at most {MAX_NAME} characters."
    bad = _unprintable(text)
    if bad is not None:
        return f"{what} cannot contain control or invisible characters (U+{ord(bad):04X})."
    return None


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
    answer: Annotated[
        Answer | None,
        Doc("What was said: yes, no, partly or na; 'partly' counts as insufficient."),
    ] = None
    kept_despite: Annotated[
        tuple[str, ...],
        Doc("Consistency checks this judgement contradicts, kept after the user confirmed it."),
    ] = ()
    view: Annotated[View | None, Doc("Case manager's view (joint mode).")] = None
    inspector_outcome: Annotated[
        Outcome | None, Doc("Joint mode: the inspector's judgement before any agreement.")
    ] = None
    discussed: Annotated[
        bool,
        Doc(
            "Joint mode: after a disagreement, the judgement that stands was recorded (agreed, "
            "or the inspector's judgement stands)."
        ),
    ] = False
    interview_evidence: Annotated[
        Note,
        Doc(
            "Joint mode: what the interview showed that made the inspector change the judgement "
            "after the discussion (inspector_outcome is the judgement before, outcome after)."
        ),
    ] = ""
    pending: Annotated[
        FollowUp | None, Doc("A follow-up question still to ask (reasons, note, ...).")
    ] = None
    answered_at: Time | None = None
    answered_by: Name = ""


FlagStateName = Literal["open", "done"]


@frozen
class FlagState(Record):
    """Whether the action a flag recommends has been done (a later re-audit closes flags)."""

    __pydantic_config__ = FORBID

    state: FlagStateName = "open"
    changed_at: Time | None = None
    changed_by: Name = ""
    note: Note = ""
    raised_at: Annotated[
        Time | None, Doc("When the flag (the action it asks for) was first raised.")
    ] = None


@frozen
class Countersignature(Record):
    """A manager's countersignature of a complete review: the review is locked while it
    stands (SPEC §10)."""

    __pydantic_config__ = FORBID

    by: Name
    at: Time
    comment: Note = ""
    completed_at: Annotated[
        Time | None, Doc("When the review countersigned was completed (the delay runs from it).")
    ] = None
    role: Role = "manager"


@frozen
class Unlock(Record):
    """A countersigned review unlocked so that it can be changed: who, when, why, and the
    countersignature it lifted."""

    __pydantic_config__ = FORBID

    by: Name
    at: Time
    why: Note
    lifted: Countersignature | None = None
    role: Role = "manager"


@frozen
class Escalation(Record):
    """An urgent concern raised in a review and passed on: who was told, when, what they did."""

    __pydantic_config__ = FORBID

    id: Annotated[str, Str(min_length=1, max_length=200)]
    criterion: Name = ""
    concern: Note = ""
    told: Annotated[Name, Doc("Who was told (name and role).")] = ""
    told_on: Annotated[Name, Doc("When they were told: a date, YYYY-MM-DD.")] = ""
    response: Annotated[Note, Doc("What they did about it.")] = ""
    logged_by: Name = ""
    logged_at: Time | None = None


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
        tuple[str, ...], Doc("Items skipped; asked again at the end, after every other item.")
    ] = ()
    deferred: Annotated[
        tuple[str, ...],
        Doc("Skipped items skipped again at the end; asked again when the review is resumed."),
    ] = ()
    focus: Annotated[str | None, Doc("An item the user went back or jumped to, asked next.")] = None
    flag_states: dict[str, FlagState] = field(default_factory=dict)
    created_at: Time = field(default_factory=now)
    updated_at: Time = field(default_factory=now)
    completed_at: Annotated[Time | None, Doc("When the review was last marked complete.")] = None
    countersignature: Annotated[
        Countersignature | None, Doc("A manager's countersignature; the review is locked.")
    ] = None
    unlocks: Annotated[
        tuple[Unlock, ...], Doc("Every unlocking of a countersigned review, oldest first.")
    ] = ()
    escalations: Annotated[
        tuple[Escalation, ...], Doc("Urgent concerns passed on, oldest first.")
    ] = ()
    earlier_review: Annotated[
        str | None, Doc("A re-audit: the id of the earlier review of the same case.")
    ] = None
    revision: Annotated[Count, Doc("Bumped by the store on every save.")] = 0

    @property
    def locked(self) -> bool:
        """Countersigned, so nothing may change until it is unlocked."""
        return self.countersignature is not None

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
                "deferred": tuple(data.get("deferred", ())),
                "flag_states": {
                    k: FlagState(
                        **{
                            **v,
                            "changed_at": parse_time(v["changed_at"]),
                            "raised_at": parse_time(v.get("raised_at")),
                        }
                    )
                    for k, v in data["flag_states"].items()
                },
                "created_at": parse_time(data["created_at"]),
                "updated_at": parse_time(data["updated_at"]),
                "completed_at": parse_time(data["completed_at"]),
                "countersignature": _countersignature(data.get("countersignature")),
                "unlocks": tuple(
                    Unlock(
                        **{
                            **u,
                            "at": parse_time(u["at"]),
                            "lifted": _countersignature(u.get("lifted")),
                        }
                    )
                    for u in data.get("unlocks", ())
                ),
                "escalations": tuple(
                    Escalation(**{**e, "logged_at": parse_time(e.get("logged_at"))})
                    for e in data.get("escalations", ())
                ),
            }
        )


def _countersignature(data: dict[str, Any] | None) -> Countersignature | None:
    if data is None:
        return None
    return Countersignature(
        **{
            **data,
            "at": parse_time(data["at"]),
            "completed_at": parse_time(data.get("completed_at")),
        }
    )


def _judgement_from_data(data: dict[str, Any]) -> Judgement:
    view = data["view"]
    return Judgement(
        **{
            **data,
            "reasons": tuple(data["reasons"]),
            "kept_despite": tuple(data.get("kept_despite", ())),
            "view": View(**view) if view is not None else None,
            "answered_at": parse_time(data["answered_at"]),
        }
    )


def migrate(data: dict[str, Any]) -> dict[str, Any]:
    """Bring a stored record dict up to SCHEMA_VERSION (a copy; the input is untouched).

    Version 0 (before versions were written) named the case reference ``case`` and kept
    judgements' reasons as a comma-separated string.  Version 1 allowed invisible (format)
    characters in case references.
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
    if out["schema_version"] < 2:
        # Version 2 refuses invisible (format) characters in case references and stores them
        # NFKC-normalised; it added judgements' answer and kept_despite, and deferred items.
        ref = out.get("case_ref")
        if isinstance(ref, str):
            ref = normalise_case_ref(ref)
            out["case_ref"] = "".join(c for c in ref if _unprintable(c) is None) or ref
        out["schema_version"] = 2
    return out
