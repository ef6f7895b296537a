"""Management oversight (SPEC §10): countersigning and locking, actions, re-audits.

Pure, like the rest of the engine: every function takes reviews and returns new ones or
values; the session saves.

- **Countersigning**: a manager countersigns a complete review; the delay from completion to
  countersignature is kept with it.  A countersigned review is locked: ``locked_line`` is what
  every front end says when a change is refused, until ``unlock`` (who, why) lifts it; each
  unlock is kept in ``review.unlocks``.
- **Actions**: every flag is an action with a state; ``actions_of`` gives a review's actions
  as plain JSON data (for the store's derived cache and ``case-review actions``), with when
  each was first raised (``FlagState.raised_at``; for reviews made before that was recorded,
  or imported without it, the judgement's ``answered_at``, else when the review was completed
  or last changed).
- **Re-audit**: ``reaudit`` compares a new review of a case with the earlier one: which of
  the earlier flags are resolved, which recur, which no longer apply, and which are new.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from assistant.engine.escalation import escalation_line
from assistant.engine.events import (
    Countersigned,
    EarlierFlags,
    Notice,
    ReauditOutcome,
    Step,
    Unlocked,
)
from assistant.engine.items import criterion_applies
from store.records import (
    MAX_NOTE,
    Countersignature,
    FlagState,
    Review,
    Role,
    Unlock,
    name_problem,
    now,
)

if TYPE_CHECKING:
    from assistant.engine.conversation import Engine
    from assistant.engine.flags import Flag

# The framework setting (local policy) for the days allowed between completing a review and a
# manager countersigning it.
COUNTERSIGN_SETTING = "review_countersign_days"
ACTIONS_VERSION = "actions-1"  # the shape of ``actions_of``; change it when that changes

__all__ = [
    "ACTIONS_VERSION",
    "COUNTERSIGN_SETTING",
    "action_id",
    "actions_of",
    "countersign",
    "countersign_limit",
    "delay_days",
    "earlier_flags",
    "escalation_line",
    "escalations_of",
    "locked_line",
    "reaudit",
    "split_action_id",
    "unlock",
]


def _minute(when: datetime) -> str:
    return when.strftime("%Y-%m-%d %H:%M UTC")


def locked_line(review: Review) -> str:
    """What a front end says when a change to a countersigned review is refused."""
    sig = review.countersignature
    who = f" by {sig.by}" if sig and sig.by else ""
    when = f" on {sig.at:%Y-%m-%d}" if sig else ""
    return (
        f"This review is countersigned{who}{when} and locked: nothing in it can be changed. "
        f"To change it, a manager unlocks it first: case-review unlock {review.id} --by NAME "
        "--why TEXT (in the app: u on the summary)"
    )


def countersign_limit(engine: Engine) -> int | None:
    setting = engine.fw.setting(COUNTERSIGN_SETTING)
    return setting.value if setting is not None else None


def delay_days(completed: datetime | None, signed: datetime) -> float | None:
    """Days (to one decimal place) from completion to countersignature."""
    if completed is None:
        return None
    return round(max(0.0, (signed - completed).total_seconds()) / 86400, 1)


def countersign(
    engine: Engine,
    review: Review,
    by: str,
    comment: str = "",
    *,
    role: Role = "manager",
    at: datetime | None = None,
) -> Step:
    """Countersign a complete review (and so lock it)."""
    question = engine.question(review)
    problem = _who_problem(by)
    if problem is None and review.mode == "learning":
        problem = "A practice review is never countersigned."
    if problem is None and review.status != "complete":
        left = len(engine.open_criteria(review))
        problem = (
            f"Only a complete review can be countersigned; {review.case_ref} has {left} "
            "criterion(s) still open."
        )
    if problem is None and review.countersignature is not None:
        sig = review.countersignature
        problem = f"This review is already countersigned, by {sig.by} on {sig.at:%Y-%m-%d}."
    if problem is not None:
        return Step(review, (Notice(problem, "problem"),), question)
    at = at or now()
    sig = Countersignature(
        by=by.strip(),
        at=at,
        comment=comment.strip()[:MAX_NOTE],
        completed_at=review.completed_at,
        role=role,
    )
    updated = review.copy(countersignature=sig)
    event = Countersigned(
        by=sig.by,
        at=_minute(at),
        comment=sig.comment,
        delay_days=delay_days(review.completed_at, at),
        limit_days=countersign_limit(engine),
    )
    return Step(updated, (event,), question, changed=True)


def unlock(
    engine: Engine,
    review: Review,
    by: str,
    why: str,
    *,
    role: Role = "manager",
    at: datetime | None = None,
) -> Step:
    """Lift the countersignature so the review can be changed; the unlock is kept."""
    question = engine.question(review)
    problem = _who_problem(by)
    if problem is None and not why.strip():
        problem = "Say why the review is unlocked (--why TEXT): the audit trail keeps it."
    if problem is None and review.countersignature is None:
        problem = f"The review of {review.case_ref} is not countersigned, so not locked."
    if problem is not None:
        return Step(review, (Notice(problem, "problem"),), question)
    record = Unlock(
        by=by.strip(),
        at=at or now(),
        why=why.strip()[:MAX_NOTE],
        lifted=review.countersignature,
        role=role,
    )
    updated = review.copy(countersignature=None, unlocks=(*review.unlocks, record))
    return Step(updated, (Unlocked(record.by, record.why),), question, changed=True)


def _who_problem(by: str) -> str | None:
    if not by.strip():
        return "Say who you are (--by NAME): a countersignature names the manager."
    return name_problem(by.strip(), "A name")


# --- actions ---------------------------------------------------------------------------------


def action_id(review_id: str, flag_id: str) -> str:
    """An action's id: the review's id and the flag's, e.g. ``harrow-03#rr.plan``."""
    return f"{review_id}#{flag_id}"


def split_action_id(text: str) -> tuple[str, str] | None:
    """(review id or a prefix of it, flag id) of an action id; None if it is not one."""
    review_part, sep, flag_id = text.strip().rpartition("#")
    if not sep or not review_part or not flag_id:
        return None
    return review_part, flag_id


def _raised_at(review: Review, flag: Flag, state: FlagState | None) -> datetime:
    if state is not None and state.raised_at is not None:
        return state.raised_at
    judgement = review.judgements.get(flag.criterion)
    if judgement is not None and judgement.answered_at is not None:
        return judgement.answered_at
    return review.completed_at or review.updated_at


def actions_of(engine: Engine, review: Review) -> list[dict[str, Any]]:
    """The review's flags as actions, plain JSON data (for caches and ``--format json``)."""
    out: list[dict[str, Any]] = []
    for flag in engine.flags(review):
        state = review.flag_states.get(flag.id)
        done = state is not None and state.state == "done"
        out.append(
            {
                "id": action_id(review.id, flag.id),
                "review_id": review.id,
                "case_ref": review.case_ref,
                "team": review.team,
                "mode": review.mode,
                "review_status": review.status,
                "criterion": flag.criterion,
                "flag": flag.id,
                "source": flag.source,
                "title": flag.title,
                "reasons": list(flag.reasons),
                "reason_labels": list(flag.reason_labels),
                "severity": flag.severity,
                "state": flag.state,
                "raised_at": _raised_at(review, flag, state).isoformat(),
                "detail": flag.detail,
                "action": flag.action,
                "closed_at": state.changed_at.isoformat()
                if done and state is not None and state.changed_at
                else None,
                "closed_by": state.changed_by if done and state is not None else "",
                "note": state.note if state is not None else "",
                "locked": review.locked,
            }
        )
    return out


def escalations_of(review: Review) -> list[dict[str, Any]]:
    """The review's escalation log, plain JSON data."""
    return [
        {
            "id": f"{review.id}#{e.id}",
            "review_id": review.id,
            "case_ref": review.case_ref,
            "team": review.team,
            "criterion": e.criterion,
            "concern": e.concern,
            "told": e.told,
            "told_on": e.told_on or None,
            "response": e.response,
            "logged_by": e.logged_by,
            "logged_at": e.logged_at.isoformat() if e.logged_at else None,
        }
        for e in review.escalations
    ]


# --- re-audit --------------------------------------------------------------------------------


def _when(review: Review) -> str:
    return f"{(review.completed_at or review.updated_at):%Y-%m-%d}"


def earlier_flags(engine: Engine, earlier: Review) -> EarlierFlags:
    """The earlier review's flags, shown as a re-audit starts."""
    return EarlierFlags(earlier.id, _when(earlier), tuple(engine.flags(earlier)))


def reaudit(engine: Engine, earlier: Review, review: Review) -> ReauditOutcome:
    """The earlier review's flags against this one's: resolved (the criterion is now judged
    sufficient or not applicable, or the check no longer finds it), recurring (raised again),
    no longer applicable (the criterion's gate is now false), and the new flags."""
    before = engine.flags(earlier)
    now_flags = engine.flags(review)
    now_ids = {f.id for f in now_flags}
    before_ids = {f.id for f in before}
    resolved, recurring, not_applicable = [], [], []
    for flag in before:
        if flag.id in now_ids:
            recurring.append(next(f for f in now_flags if f.id == flag.id))
            continue
        criterion = engine.fw.criterion(flag.criterion)
        if criterion is not None and criterion_applies(criterion, review.facts) is False:
            not_applicable.append(flag)
        else:
            resolved.append(flag)
    new = [f for f in now_flags if f.id not in before_ids]
    return ReauditOutcome(
        earlier.id, tuple(resolved), tuple(recurring), tuple(not_applicable), tuple(new)
    )
