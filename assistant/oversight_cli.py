"""Management oversight from the command line (SPEC §10).

- ``case-review countersign REVIEW_ID --by NAME [--comment TEXT]`` countersigns a complete
  review, which locks it; ``case-review unlock REVIEW_ID --by NAME --why TEXT`` lifts that.
  Both go through a ``Session`` (so the change is merged, saved and audited as
  ``countersigned`` / ``unlocked``) and print one line; an unknown id, a review not complete or
  not countersigned is one line on stderr and exit 1.
- ``case-review actions [--team T] [--case REF] [--state open|done|all] [--format text|json]``
  lists every flag as an action across reviews, urgent and oldest first, with its age, and the
  escalation log; ``case-review actions done ACTION_ID --by NAME [--note TEXT]`` closes one.

The role recorded for these changes is ``manager`` unless ``--role`` says otherwise.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from typing import Any

from assistant.text import printable


def _err(command: str, message: str) -> int:
    print(f"case-review {command}: {' '.join(message.split())}", file=sys.stderr)
    return 1


def _role(args: argparse.Namespace) -> str:
    return getattr(args, "role", None) or "manager"


def _name(args: argparse.Namespace, command: str) -> str | None:
    from store.records import name_problem

    by = " ".join((getattr(args, "by", None) or "").split())
    problem = name_problem(by, "The name given with --by") if by else "--by NAME is needed"
    if problem:
        _err(command, problem)
        return None
    return by


def _session_for(args: argparse.Namespace, command: str, by: str) -> Any:
    """A session on the review ``args.review_id`` (None after saying why there is none)."""
    from assistant.session import Session, engine_for
    from prompts import FrameworkError, get_framework
    from store import Actor, StoreError, open_store

    try:
        store = open_store(getattr(args, "store", None))
        review = store.get(args.review_id)
        fw = get_framework(review.framework)
        return Session.open(
            store, engine_for(fw), "", review_id=review.id, actor=Actor(by, _role(args))
        )
    except KeyError:
        _err(
            command,
            f"there is no review with id {args.review_id!r} (the id of case-review export "
            "and of case-review actions, not the case reference)",
        )
    except (StoreError, FrameworkError) as exc:
        _err(command, str(exc))
    return None


def _said(step: Any) -> tuple[list[str], list[str]]:
    """What a session step says: (lines, problems)."""
    from assistant.engine.events import Notice
    from assistant.presenter import present_events

    lines: list[str] = []
    problems: list[str] = []
    for event, message in ((e, m) for e in step.events for m in present_events((e,))):
        text = " ".join(message.plain_lines())
        (problems if isinstance(event, Notice) and event.kind == "problem" else lines).append(text)
    return lines, problems


def run_countersign(args: argparse.Namespace) -> int:
    return _lock_change(args, "countersign", getattr(args, "comment", None), locks=True)


def run_unlock(args: argparse.Namespace) -> int:
    return _lock_change(args, "unlock", getattr(args, "why", None), locks=False)


def _lock_change(args: argparse.Namespace, command: str, text: str | None, *, locks: bool) -> int:
    """``countersign`` (``locks``) or ``unlock`` the review ``args`` names, by ``--by``."""
    by = _name(args, command)
    if by is None:
        return 1
    session = _session_for(args, command, by)
    if session is None:
        return 1
    act = session.countersign if locks else session.unlock
    try:
        step = act(by, text or "", role=_role(args))
    finally:
        session.close()
    lines, problems = _said(step)
    if problems or step.review.locked != locks:
        return _err(command, problems[0] if problems else f"not {command}ed")
    review = step.review
    print(f"{printable(review.case_ref, single_line=True)} ({review.id}): " + " ".join(lines))
    return 0


def run_actions(args: argparse.Namespace) -> int:
    if getattr(args, "actions_command", None) == "done":
        return _run_done(args)
    from assistant.actions import list_actions
    from store import StoreError, open_store

    try:
        store = open_store(getattr(args, "store", None))
        found = list_actions(
            store,
            team=getattr(args, "team", None),
            case=getattr(args, "case", None),
            state=getattr(args, "state", None) or "open",
        )
    except StoreError as exc:
        return _err("actions", str(exc))
    for problem in found.problems:
        print(f"case-review actions: warning: not read: {problem}", file=sys.stderr)
    if getattr(args, "format", "text") == "json":
        document = {
            "format": "case-review-actions/1",
            "generated_at": datetime.now(UTC).isoformat(),
            "filters": {
                "team": getattr(args, "team", None),
                "case": getattr(args, "case", None),
                "state": getattr(args, "state", None) or "open",
            },
            "actions": found.actions,
            "escalations": found.escalations,
        }
        print(json.dumps(document, indent=2, ensure_ascii=False))
        return 0
    for line in text_lines(found.actions, found.escalations, getattr(args, "state", "open")):
        print(line)
    return 0


def _one(text: str) -> str:
    return printable(text, single_line=True)


def action_line(action: dict[str, Any]) -> str:
    """``!! URGENT  41 days  HAR-03  cy.plan: title: reasons``: one action, on one line."""
    urgent = "!! URGENT " if action["severity"] == "urgent" else ""
    state = "" if action["state"] == "open" else " (done)"
    reasons = "; ".join(action["reason_labels"])
    age = action["age_days"]
    return (
        f"{urgent}{age} day{'' if age == 1 else 's'}  {_one(action['case_ref'])}  "
        f"{action['criterion']}: {_one(action['title'])}"
        + (f": {_one(reasons)}" if reasons else "")
        + state
    )


def text_lines(
    actions: list[dict[str, Any]], escalations: list[dict[str, Any]], state: str | None
) -> list[str]:
    which = {"open": "open ", "done": "done ", "all": ""}.get(state or "open", "")
    lines = [f"{len(actions)} {which}action(s), urgent and oldest first:"]
    if not actions:
        lines = [f"No {which}actions."]
    for action in actions:
        lines.append(action_line(action))
        lines.append(f"    id {action['id']}; raised {action['raised_at'][:10]}")
        if action["state"] == "done":
            closed = (action["closed_at"] or "")[:10]
            who = f" by {_one(action['closed_by'])}" if action["closed_by"] else ""
            lines.append(
                f"    done {closed}{who}" + (f": {_one(action['note'])}" if action["note"] else "")
            )
    if escalations:
        lines.append("")
        lines.append(f"Escalations of urgent concerns ({len(escalations)}):")
        for e in escalations:
            told = _one(e["told"]) or "no one named"
            when = f" on {e['told_on']}" if e["told_on"] else ""
            did = _one(e["response"]) or "not recorded yet"
            lines.append(f"  {_one(e['case_ref'])}  {e['criterion']}: {_one(e['concern'])}")
            lines.append(f"    told {told}{when}; what they did: {did}")
    return lines


def _run_done(args: argparse.Namespace) -> int:
    from assistant.actions import ActionError, close_action
    from store import Actor, StoreError, open_store

    by = _name(args, "actions done")
    if by is None:
        return 1
    try:
        store = open_store(getattr(args, "store", None))
        message = close_action(
            store, args.action_id, Actor(by, _role(args)), note=getattr(args, "note", None) or ""
        )
    except ActionError as exc:
        return _err("actions done", str(exc))
    except StoreError as exc:
        return _err("actions done", str(exc))
    print(_one(message))
    return 0
