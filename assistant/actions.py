"""Actions across reviews (SPEC §10): every flag is an action with a state.

``list_actions`` derives each stored review's flags with the engine (``engine.oversight.
actions_of``: the same flags the conversation raises), through ``ReviewStore.derived`` so
that a review unchanged since the last listing is not loaded again, and returns them urgent
and oldest first, with their age.  ``close_action`` closes (or reopens) one through a
``Session``, so it is saved, merged with another window's answers and audited like any other
change, and refused, saying so, when the review is countersigned (locked).  The escalation
log of every review comes with the actions.  Used by ``case-review actions`` and the app's
actions screen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

from checked.digest import sha256_hex

if TYPE_CHECKING:
    from prompts.model import Framework
    from store import Actor, ReviewStore

StateFilter = Literal["open", "done", "all"]


@dataclass
class ActionList:
    """Actions (plain dicts, see ``engine.oversight.actions_of``, each with ``age_days``), the
    escalation log, and the reviews that could not be read."""

    actions: list[dict[str, Any]] = field(default_factory=list)
    escalations: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _cache_name(fw: Framework) -> str:
    return "actions-" + sha256_hex(fw.id.encode("utf-8"))[:12]


def _age_days(raised_at: str, now: datetime) -> int:
    return max(0, (now - datetime.fromisoformat(raised_at)).days)


def sort_key(action: dict[str, Any]) -> tuple[Any, ...]:
    """Open first, then urgent first, then the oldest first."""
    return (
        action["state"] != "open",
        action["severity"] != "urgent",
        action["raised_at"],
        action["case_ref"].casefold(),
        action["id"],
    )


def list_actions(
    store: ReviewStore,
    *,
    team: str | None = None,
    case: str | None = None,
    state: StateFilter = "open",
    now: datetime | None = None,
) -> ActionList:
    """The actions of every stored review (of ``team``, of case ``case``, in ``state``)."""
    from assistant.engine.oversight import ACTIONS_VERSION, actions_of, escalations_of
    from assistant.session import engine_for
    from prompts import installed

    now = now or datetime.now(UTC)
    frameworks, _problems = installed()
    out = ActionList()
    wanted_case = case.strip().casefold() if case else None
    for fw in frameworks:
        engine = engine_for(fw)

        def derive(review: Any, engine: Any = engine) -> dict[str, Any]:
            return {"actions": actions_of(engine, review), "escalations": escalations_of(review)}

        derived = store.derived(
            _cache_name(fw),
            f"{ACTIONS_VERSION}:{fw.id}:{fw.version}",
            derive,
            team=team,
            framework=fw.id,
        )
        out.problems.extend(derived.problems)
        for value in derived:
            for action in value["actions"]:
                if wanted_case is not None and action["case_ref"].casefold() != wanted_case:
                    continue
                if state != "all" and action["state"] != state:
                    continue
                out.actions.append({**action, "age_days": _age_days(action["raised_at"], now)})
            for escalation in value["escalations"]:
                if wanted_case is None or escalation["case_ref"].casefold() == wanted_case:
                    out.escalations.append(escalation)
    out.actions.sort(key=sort_key)
    out.escalations.sort(key=lambda e: (e["logged_at"] or "", e["id"]))
    out.problems = list(dict.fromkeys(out.problems))
    return out


class ActionError(Exception):
    """A one-line reason an action cannot be closed."""


def find_action(store: ReviewStore, action_id: str) -> tuple[str, str]:
    """(review id, flag id) of an action id (``REVIEW_ID#FLAG_ID``; a unique start of the
    review id will do); ActionError saying why when there is none."""
    from assistant.engine.oversight import split_action_id

    parts = split_action_id(action_id)
    if parts is None:
        raise ActionError(
            f"{action_id!r} is not an action id: they read REVIEW_ID#FLAG_ID, e.g. "
            "harrow-03#rr.plan (case-review actions lists them)"
        )
    review_part, flag_id = parts
    if store.exists(review_part):
        return review_part, flag_id
    matches = sorted(
        {s.id for s in store.summaries() if s.id.startswith(review_part) and s.mode != "learning"}
    )
    if len(matches) == 1:
        return matches[0], flag_id
    if matches:
        raise ActionError(
            f"{review_part!r} starts the ids of {len(matches)} reviews; give more of it"
        )
    raise ActionError(f"there is no review {review_part!r} in the store (action {action_id!r})")


def close_action(
    store: ReviewStore,
    action_id: str,
    actor: Actor,
    *,
    note: str = "",
    state: Literal["open", "done"] = "done",
) -> str:
    """Close (or reopen) one action through a session; what happened, in one line.
    ActionError when the action or its review cannot be found or the review is locked."""
    from assistant.engine.events import FlagStateChanged, Notice
    from assistant.engine.oversight import action_id as make_id
    from assistant.session import Session, engine_for
    from prompts import FrameworkError, get_framework
    from store import StoreError

    review_id, flag_id = find_action(store, action_id)
    try:
        review = store.get(review_id)
        fw = get_framework(review.framework)
    except KeyError:
        raise ActionError(f"there is no review {review_id!r} in the store") from None
    except (StoreError, FrameworkError) as exc:
        raise ActionError(" ".join(str(exc).split())) from None
    if not any(f.id == flag_id for f in engine_for(fw).flags(review)):
        known = ", ".join(make_id(review.id, f.id) for f in engine_for(fw).flags(review))
        raise ActionError(
            f"review {review.case_ref} ({review.id}) has no flag {flag_id!r}"
            + (f"; its actions: {known}" if known else "; it has no flags")
        )
    session = Session.open(store, engine_for(fw), "", review_id=review_id, actor=actor)
    try:
        step = session.set_action_state(flag_id, state, note=note)
    finally:
        session.close()
    changed = [e for e in step.events if isinstance(e, FlagStateChanged)]
    if not changed:
        problems = [e.text for e in step.events if isinstance(e, Notice)]
        raise ActionError(problems[0] if problems else "nothing was changed")
    flag = changed[0].flag
    return (
        f"Action {make_id(review.id, flag.id)} ({review.case_ref}, {flag.criterion}) is now "
        f"{flag.state}."
    )
