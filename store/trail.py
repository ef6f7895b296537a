"""Checking the audit trail: every chain intact, every review what its trail says.

``verify(store, review_ids)`` is what ``case-review audit verify [REF]`` runs.  For each review:

1. **The chain** (``store.audit``): every event's ``prev`` is the hash of the line before it,
   and the hash of the last line is the ``head`` the review file keeps.  An event edited,
   removed, inserted or moved breaks the chain at the first line after the change (or at the
   end, against the head).  Lines written before events carried hashes come first and are
   not covered: that is a note, not a failure.
2. **The replay**: starting from nothing, applying each event's new value in order
   (``facts.custody`` -> the fact, ``judgements.rr.plan`` -> the judgement, ``status``, ...)
   must give the review's current facts, judgements, flag states and status.  So a review file
   edited by hand (an answer changed without an event) is found even when its log is intact.

Each problem is one line naming the review (case reference and id), the log line when there
is one, and what is wrong.  Nothing is written.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from store import audit as audit_log
from store.errors import StoreError

if TYPE_CHECKING:
    from store.audit import AuditEvent
    from store.records import Review
    from store.reviews import Store

_MAPPINGS = ("facts", "judgements", "flag_states")
_HEADER = ("case_ref", "framework", "mode", "team", "reviewer")
_SHOWN = 6  # differing items named in one problem line


@dataclass
class Verdict:
    """What ``verify`` found: problems (each a line), notes, and what was checked."""

    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    reviews: int = 0
    events: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(store: Store, keys: list[str] | None = None) -> Verdict:
    """Check the trails of the reviews stored under ``keys`` (every review when None)."""
    verdict = Verdict()
    if keys is None:
        keys = sorted(_keys(store))
    for key in keys:
        _verify_one(store, key, verdict)
    return verdict


def verify_events(reviews: dict[str, tuple[Review, list[AuditEvent]]]) -> Verdict:
    """The replay check (2. above) for reviews whose events are held in memory (the memory
    store: there is no log file whose chain could be edited)."""
    verdict = Verdict()
    for review, events in reviews.values():
        verdict.reviews += 1
        verdict.events += len(events)
        data = [e.to_data() for e in events]
        differs = _replay_differs(review.to_data(), data)
        if differs:
            shown = ", ".join(differs[:_SHOWN]) + (" ..." if len(differs) > _SHOWN else "")
            verdict.problems.append(
                f"{review.case_ref} (review {review.id}): the review's current answers are not "
                f"what its trail says: {shown}"
            )
    return verdict


def _keys(store: Store) -> set[str]:
    found: set[str] = set()
    for folder, suffix in ((store.reviews_dir, ".json"), (store.audit_dir, ".jsonl")):
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        found.update(n[: -len(suffix)] for n in names if n.endswith(suffix) and n[0] != ".")
    return found


def _verify_one(store: Store, key: str, verdict: Verdict) -> None:
    from store.reviews import record_from_doc

    review_path = store.reviews_dir / f"{key}.json"
    log_path = store.audit_dir / f"{key}.jsonl"
    log_name = f"{log_path.parent.name}/{log_path.name}"
    label = key
    try:
        doc = store._read_doc(review_path)
        review = record_from_doc(doc, review_path) if doc is not None else None
    except StoreError as exc:
        verdict.reviews += 1
        verdict.problems.append(f"{label}: the review file cannot be read: {exc}")
        return
    if review is None:
        if os.path.lexists(log_path):
            verdict.problems.append(
                f"{log_name}: an audit trail with no review file ({review_path.name} is missing)"
            )
        return
    verdict.reviews += 1
    label = f"{review.case_ref} (review {review.id})"
    problems: list[str] = []
    try:
        raw = audit_log.read_log(log_path)
    except OSError as exc:
        from checked.files import describe

        verdict.problems.append(f"{label}: {log_name}: cannot be read: {describe(exc)}")
        return
    if raw is None:
        if review.revision > 0:
            verdict.problems.append(f"{label}: {log_name} is missing: the review has no trail")
        return
    lines = raw.split(b"\n")
    torn = lines.pop()
    if torn.strip():
        verdict.notes.append(
            f"{label}: {log_name} ends in an unfinished line (an interrupted save); it is "
            "finished or cut by the next save"
        )
    events: list[tuple[int, dict[str, Any]]] = []
    last_hash: str | None = None
    chain_from: int | None = None
    for number, line in enumerate(lines, start=1):
        try:
            event = json.loads(line)
            if not isinstance(event, dict):
                raise ValueError("not an object")
        except (ValueError, RecursionError):
            problems.append(f"{log_name} line {number}: not a readable event (edited or damaged)")
            last_hash = None
            continue
        digest = audit_log.event_hash(event)
        if "prev" in event:
            if chain_from is None:
                chain_from = number
            if event["prev"] != last_hash and number == 1:
                problems.append(
                    f"{log_name} line 1: the chain does not start here: it names an event "
                    "before it, so events were removed from the start"
                )
            elif event["prev"] != last_hash:
                problems.append(
                    f"{log_name} line {number}: the chain breaks between lines {number - 1} "
                    f"and {number}: line {number - 1} was edited, or events between them were "
                    "removed, inserted or reordered"
                )
        elif chain_from is not None:
            problems.append(
                f"{log_name} line {number}: an event without the hash of the one before, "
                "after the chain began (inserted or edited)"
            )
        if event.get("review_id") != review.id:
            problems.append(f"{log_name} line {number}: an event of another review")
        last_hash = digest
        events.append((number, event))
    verdict.events += len(events)
    head = doc.get("head") if isinstance(doc, dict) else None
    if head is not None and last_hash != head:
        problems.append(
            f"{log_name} line {len(lines)}: the trail ends here, but the review file says "
            "another event was written last: this event was edited, or events were removed "
            "from or added to the end"
        )
    if chain_from is None and events:
        verdict.notes.append(
            f"{label}: all {len(events)} events of {log_name} were written before events "
            "carried hashes; its chain starts with the next change"
        )
    elif chain_from is not None and chain_from > 1:
        verdict.notes.append(
            f"{label}: the first {chain_from - 1} events of {log_name} were written before "
            f"events carried hashes; the chain starts at line {chain_from}"
        )
    differs = _replay_differs(review.to_data(), [e for _, e in events])
    if differs:
        shown = ", ".join(differs[:_SHOWN]) + (" ..." if len(differs) > _SHOWN else "")
        problems.append(
            f"the review's current answers are not what its trail says: {shown} (the review "
            "file was changed without an event, or events were changed)"
        )
    verdict.problems.extend(f"{label}: {p}" for p in problems)


def _replay_differs(record: dict[str, Any], events: list[dict[str, Any]]) -> list[str]:
    """The fields where replaying ``events`` does not give ``record``."""
    state: dict[str, Any] = {name: {} for name in _MAPPINGS}
    state["status"] = "in_progress"
    for event in events:
        name = event.get("field", "")
        new = event.get("new")
        if not isinstance(name, str):
            continue
        if name == "":  # created (or imported): the review starts here
            state = {n: {} for n in _MAPPINGS}
            state["status"] = "in_progress"
            if isinstance(new, dict):
                state.update({k: new.get(k) for k in _HEADER})
            continue
        head, _, item = name.partition(".")
        if head in _MAPPINGS and item:
            if new is None:
                state[head].pop(item, None)
            else:
                state[head][item] = new
        else:
            state[name] = new
    differs: list[str] = []
    for name in _MAPPINGS:
        now, replayed = record.get(name) or {}, state[name]
        defaults = _item_defaults().get(name, {})
        for item in [*now, *(k for k in replayed if k not in now)]:
            then = replayed.get(item)
            if isinstance(then, dict):  # (a field added since the event took its default)
                then = {**defaults, **then}
            if _json(now.get(item)) != _json(then):
                differs.append(f"{name}.{item}")
    for name, value in state.items():
        if name not in _MAPPINGS and _json(record.get(name)) != _json(value):
            differs.append(name)
    return differs


@cache
def _item_defaults() -> dict[str, dict[str, Any]]:
    """The default of every field that has one, of a judgement and of a flag's state: an event
    written before a field was added to the record holds no value for it, and the review read
    now holds its default (``judgements.x`` of a review saved before joint reviews recorded
    ``discussed`` is replayed with ``discussed: false``)."""
    from dataclasses import MISSING, fields

    from store.records import FlagState, Judgement

    return {
        name: {f.name: f.default for f in fields(kind) if f.default is not MISSING}
        for name, kind in (("judgements", Judgement), ("flag_states", FlagState))
    }


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def keys_of(store: Store, ref: str) -> list[str]:
    """The file keys of the reviews of case ``ref`` (any mode), or of the review with id ``ref``."""
    from store.reviews import review_key

    keys = store._case_keys(ref)
    if not keys and Path(store.review_path(ref)).exists():
        keys = [review_key(ref)]
    return keys
