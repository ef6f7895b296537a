"""What a review's answers mean: which items are live, what is asked now, whether it is complete.

``ReviewState`` holds the framework and reads a review: gates (computed once per set of facts),
the live items, the item asked now (a pending follow-up, the focus, the first unanswered item,
then items skipped earlier), completion (SPEC §4: every live criterion judged; facts that only
feed consistency checks may stay unknown), the checks that could not run, contradictions and
flags.  Pure: no I/O.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING

from assistant.engine.items import (
    all_items,
    criterion_applies,
    fact_relevant,
)
from prompts.conditions import parse, references
from prompts.model import Criterion, Fact, Framework
from store.records import (
    Review,
    now,
)

if TYPE_CHECKING:
    from assistant.engine.checks import Finding
    from assistant.engine.flags import Flag


class ReviewState:
    """What a review's answers mean: gates, the item asked now, completion, flags."""

    def __init__(self, framework: Framework) -> None:
        self.fw = framework
        self._items: dict[str, Fact | Criterion] = {it.id: it for it in all_items(framework)}
        self._section_ids = {
            s.id: [c.id for c in framework.criteria if c.section == s.id]
            for s in framework.sections
        }
        self._gates_for = lru_cache(maxsize=256)(self._compute_gates)
        # What completion waits for: criteria, and the facts their gates name.
        self._blocking = {c.id for c in framework.criteria} | {
            ref.fact
            for c in framework.criteria
            if c.applies_when
            for ref in references(parse(c.applies_when))
        }
        self._flag_memo: list[tuple[dict, dict, dict, list[Flag]]] = []

    def _compute_gates(self, key: tuple) -> dict[str, bool | None]:
        facts = {k: list(v) if isinstance(v, tuple) else v for k, v in key}
        return {
            item_id: (
                fact_relevant(it, facts) if isinstance(it, Fact) else criterion_applies(it, facts)
            )
            for item_id, it in self._items.items()
        }

    def gates(self, facts: dict) -> dict[str, bool | None]:
        """For every fact and criterion: True live, False gated out, None waiting for a fact."""
        key = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in facts.items()))
        return self._gates_for(key)

    def live_ids(self, facts: dict) -> list[str]:
        return [item_id for item_id, state in self.gates(facts).items() if state is True]

    def is_answered(self, review: Review, item_id: str) -> bool:
        return item_id in review.facts or item_id in review.judgements

    def pending(self, review: Review) -> str | None:
        for cid, judgement in review.judgements.items():
            if judgement.pending is not None and self.gates(review.facts).get(cid) is True:
                return cid
        return None

    def current_item(self, review: Review) -> str | None:
        """The item asked now: a pending follow-up, the focus, the first unanswered item in
        order, else (at the end) an item skipped earlier and not skipped again: criteria and
        the facts their gates name first (the review cannot complete without them), then the
        facts that only feed consistency checks."""
        pending = self.pending(review)
        if pending:
            return pending
        live = self.live_ids(review.facts)
        if review.focus and review.focus in live:
            return review.focus
        open_items = [i for i in live if not self.is_answered(review, i)]
        for item_id in open_items:
            if item_id not in review.skipped and item_id not in review.deferred:
                return item_id
        # At the end, what keeps the review from completing first, optional facts last.
        again = [i for i in review.skipped if i in open_items and i not in review.deferred]
        for item_id in sorted(again, key=lambda i: i not in self._blocking):
            return item_id
        return None

    def unanswered(self, review: Review) -> list[str]:
        """Live items without an answer (skipped ones included)."""
        return [i for i in self.live_ids(review.facts) if not self.is_answered(review, i)]

    def open_criteria(self, review: Review) -> list[str]:
        """Criteria that keep the review from completing: live and unjudged, or waiting for a
        fact that decides whether they apply."""
        gates = self.gates(review.facts)
        return [
            c.id
            for c in self.fw.criteria
            if gates[c.id] is None or (gates[c.id] and c.id not in review.judgements)
        ]

    def waiting_on(self, review: Review) -> list[str]:
        """Unanswered facts that decide whether some criterion applies (gate facts)."""

        gates = self.gates(review.facts)
        needed: list[str] = []
        for criterion in self.fw.criteria:
            if gates[criterion.id] is not None or criterion.applies_when is None:
                continue
            for ref in references(parse(criterion.applies_when)):
                if ref.fact not in review.facts and ref.fact not in needed:
                    needed.append(ref.fact)
        return needed

    def is_complete(self, review: Review) -> bool:
        """Every live criterion judged, its follow-ups done, and no criterion waiting for a
        gate.  Facts that only feed consistency checks may stay unknown (SPEC §4)."""
        return not self.pending(review) and not self.open_criteria(review)

    def checks_not_run(self, review: Review) -> list[tuple[str, tuple[str, ...]]]:
        """Consistency checks that could not run for want of a fact: (title, missing fact ids).

        A check counts when its criterion applies and its own condition does not rule it out;
        a fact that is not asked for this case (its ``asked_when`` is false) is not missing."""
        from assistant.engine.items import condition_holds

        gates = self.gates(review.facts)
        out: list[tuple[str, tuple[str, ...]]] = []
        for check in self.fw.checks:
            if gates.get(check.criterion) is not True:
                continue
            if condition_holds(check.applies_when, review.facts) is False:
                continue
            missing = tuple(
                f for f in check.facts_used() if f not in review.facts and gates.get(f) is not False
            )
            if missing:
                out.append((check.title, missing))
        return out

    def contradictions(self, review: Review, criterion_id: str) -> list[Finding]:
        """Consistency checks on this criterion that fire on the review's facts."""
        from assistant.engine.checks import run_checks

        return [f for f in run_checks(self.fw, review.facts) if f.check.criterion == criterion_id]

    def flags(self, review: Review) -> list[Flag]:
        """The review's flags (derived from its answers; the last few results are kept, as a
        flag depends only on the facts, judgements and flag states, which copies share)."""
        from assistant.engine.flags import derive_flags  # (not needed for the first question)

        key = (review.facts, review.judgements, review.flag_states)
        memo = self._flag_memo  # (replaced, never changed in place: a save thread reads it)
        for entry in memo:
            facts, judgements, states, flags = entry
            if facts is key[0] and judgements is key[1] and states is key[2]:
                if entry is not memo[0]:
                    self._flag_memo = [entry, *(e for e in memo if e is not entry)]
                return flags
        flags = derive_flags(self.fw, review)
        self._flag_memo = [(*key, flags), *memo[:3]]
        return flags

    def settle(self, review: Review, at: datetime | None = None) -> Review:
        """The review with its status (and completion time) matching its answers."""
        at = at or now()
        update: dict[str, object] = {"updated_at": at}
        complete = self.is_complete(review)
        if complete and review.status != "complete":
            update.update(status="complete", completed_at=at)
        elif not complete and review.status == "complete":
            update.update(status="in_progress")
        return review.copy(**update)

    def _section_done(self, review: Review, ids: list[str]) -> bool:
        gates = self.gates(review.facts)
        live = [cid for cid in ids if gates[cid] is not False]
        if not live:
            return False
        return all(
            gates[cid] is True
            and cid in review.judgements
            and review.judgements[cid].pending is None
            for cid in live
        )
