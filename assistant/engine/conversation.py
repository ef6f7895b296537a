"""The conversation: which question comes next, what an answer means, and what it changes.

``Engine`` is pure: every method takes a review and returns a ``Step`` (new review, events,
next question).  It never saves; the session saves ``step.review`` when ``step.changed``.

Order: facts (those whose ``asked_when`` holds), then criteria whose gate holds, in framework
order.  A fact or gate that is still unknown holds back what depends on it.  On an insufficient
judgement the follow-ups are asked (reasons, then an optional note; in a joint review the case
manager's view, an agreed outcome when they differ, and whether the note is quotable); the flag
is shown once the follow-ups are done.  ``back`` and ``jump`` set ``review.focus``; an answer
to the focused item clears it, and the walk resumes at the first unanswered item.

The engine is built in layers, one job a module: ``state`` (reading a review), ``wording``
(the question), ``changes`` (what an answer changes), ``joint`` and ``answers`` (taking
answers); ``Engine`` adds starting, navigating, notes, teams, flag states and ``finish``.
"""

from __future__ import annotations

import difflib
import re
from datetime import datetime
from typing import TYPE_CHECKING

from assistant.engine.answers import Answers
from assistant.engine.changes import cap_note
from assistant.engine.events import (
    Event,
    Explanation,
    Finished,
    FlagStateChanged,
    Notice,
    Recorded,
    Step,
)
from assistant.engine.items import (
    all_items,
)
from prompts.model import Criterion, Fact
from store.records import (
    MAX_NOTE,
    FlagState,
    FlagStateName,
    Participant,
    Review,
    as_mode,
    as_role,
    name_problem,
    now,
)

if TYPE_CHECKING:
    from assistant.engine.flags import Flag


class Engine(Answers):
    """The guided review for one framework."""

    def new_review(
        self,
        review_id: str,
        case_ref: str,
        *,
        mode: str = "self",
        reviewer: str = "",
        role: str = "case_manager",
        team: str = "",
        at: datetime | None = None,
        participants: tuple[Participant, ...] = (),
        earlier_review: str | None = None,
    ) -> Review:
        at = at or now()
        return Review(
            participants=participants,
            earlier_review=earlier_review,
            id=review_id,
            case_ref=case_ref,
            framework=self.fw.id,
            framework_version=self.fw.version,
            mode=as_mode(mode),
            reviewer=reviewer,
            reviewer_role=as_role(role),
            team=team,
            created_at=at,
            updated_at=at,
        )

    def start(self, review: Review) -> Step:
        """Begin or resume at the first unanswered question in order; items skipped earlier
        come back at the end (those skipped twice too, once more per resume)."""
        changed = bool(review.deferred) or review.focus is not None
        if changed:
            review = review.copy(deferred=(), focus=None)
        return Step(review, (), self.question(review), changed)

    def back(self, review: Review) -> Step:
        live = self.live_ids(review.facts)
        current = self.current_item(review)
        if current is None:
            target = live[-1] if live else None
        else:
            idx = live.index(current) if current in live else 0
            target = live[idx - 1] if idx > 0 else None
        if target is None:
            return Step(review, (Notice("This is the first question."),), self.question(review))
        return self._go(review, target)

    def jump(self, review: Review, item_id: str) -> Step:
        item_id = item_id.strip()
        it = self.fw.fact(item_id) or self.fw.criterion(item_id)
        if it is None:
            ids = [x.id for x in all_items(self.fw)]
            close = difflib.get_close_matches(item_id, ids, n=3, cutoff=0.5)
            hint = f" Did you mean {', '.join(close)}?" if close else ""
            return Step(
                review,
                (Notice(f"There is no question with id {item_id!r}.{hint}", "problem"),),
                self.question(review),
            )
        if self.gates(review.facts)[it.id] is not True:
            return Step(
                review, (Notice(self._why_not_live(review, it), "problem"),), self.question(review)
            )
        return self._go(review, item_id)

    def _why_not_live(self, review: Review, it: Fact | Criterion) -> str:
        condition = it.asked_when if isinstance(it, Fact) else it.applies_when
        state = self.gates(review.facts)[it.id]
        if state is None:
            # Name the unanswered facts it depends on, with their questions and how to go there.
            named = set(re.findall(r"[a-z][a-z0-9_]*", condition or ""))
            waiting = [f for f in self.fw.facts if f.id in named and f.id not in review.facts]
            first = (
                f" First answer: {waiting[0].question} (jump {waiting[0].id})" if waiting else ""
            )
            return f"{it.id} waits for an earlier answer: it is asked when {condition}.{first}"
        return f"{it.id} does not apply to this case: it is asked only when {condition}."

    def _go(self, review: Review, target: str) -> Step:
        events: list[Event] = []
        updated = self._finish_follow_ups(review)
        updated = updated.copy(focus=target)
        return self._commit(review, updated, events, finished=self.pending(review))

    def _finish_follow_ups(self, review: Review) -> Review:
        if not any(j.pending for j in review.judgements.values()):
            return review
        judgements = {
            cid: (j.copy(pending=None) if j.pending else j) for cid, j in review.judgements.items()
        }
        return review.copy(judgements=judgements)

    def why(self, review: Review, item_id: str | None = None) -> Step:
        item_id = item_id or self.current_item(review)
        it = (self.fw.fact(item_id) or self.fw.criterion(item_id)) if item_id else None
        if it is None:
            return Step(
                review, (Notice("There is no question to explain."),), self.question(review)
            )
        if isinstance(it, Fact):
            why = it.help or "This fact decides which criteria apply to the case."
            event = Explanation(it.id, it.question, why, "")
        else:
            event = Explanation(it.id, it.title, it.learning.why, it.learning.good)
        return Step(review, (event,), self.question(review))

    def set_note(
        self, review: Review, text: str, item_id: str | None = None, *, at: datetime | None = None
    ) -> Step:
        """Replace the note on a criterion (the current one, or the last judged)."""
        target = item_id or self.current_item(review)
        if target is None or target not in review.judgements:
            judged = [c.id for c in self.fw.criteria if c.id in review.judgements]
            target = item_id or (judged[-1] if judged else None)
        if target is None or target not in review.judgements:
            return Step(
                review,
                (Notice("Answer a criterion first, then add a note to it.", "problem"),),
                self.question(review),
            )
        note, notices = cap_note(text.strip())
        judgement = review.judgements[target].copy(note=note)
        updated = self._with_judgement(review, target, judgement)
        return self._commit(
            review, updated, [*notices, Recorded(target, "note", note or "No note")], at=at
        )

    def set_team(self, review: Review, team: str, *, at: datetime | None = None) -> Step:
        """Set the team the review counts for in reports (empty: no team)."""
        team = " ".join(team.split())
        problem = name_problem(team, "A team name")
        if problem:
            return Step(review, (Notice(problem, "problem"),), self.question(review))
        shown = f"Team: {team}" if team else "Team cleared"
        updated = review.copy(team=team)
        return self._commit(review, updated, [Recorded("team", "fact", shown)], at=at)

    def finish(self, review: Review) -> Step:
        """What is still open; the review is finished when nothing is (SPEC §4)."""
        gates = self.gates(review.facts)
        optional = [f.id for f in self.fw.facts if gates[f.id] is True and f.id not in review.facts]
        event = Finished(
            complete=self.is_complete(review),
            open_criteria=tuple(c for c in self.open_criteria(review) if gates[c] is True),
            waiting_on=tuple(self.waiting_on(review)),
            pending=self.pending(review),
            optional_open=tuple(optional),
            checks_not_run=tuple(title for title, _ in self.checks_not_run(review)),
        )
        question = None if event.complete else self.question(review)
        return Step(review, (event,), question)

    def find_flag(self, review: Review, wanted: str) -> tuple[Flag | None, str]:
        """The flag ``wanted`` names (its id, or its criterion's id when that names one flag);
        else None and what to say."""
        flags = self.flags(review)
        wanted = wanted.strip()
        ids = ", ".join(f.id for f in flags) or "none yet"
        if not wanted:
            return None, f"Say which flag: done ID. The flags: {ids}."
        exact = [f for f in flags if f.id == wanted]
        if exact:
            return exact[0], ""
        same = [f for f in flags if f.criterion == wanted]
        if len(same) == 1:
            return same[0], ""
        if same:
            return None, (
                f"{wanted} has {len(same)} flags: {', '.join(f.id for f in same)}. "
                "Say which one by its id."
            )
        return None, f"There is no flag {wanted!r} on this review. The flags: {ids}."

    def set_flag_state(
        self,
        review: Review,
        flag_id: str,
        state: FlagStateName,
        *,
        at: datetime | None = None,
        by: str = "",
        note: str = "",
    ) -> Step:
        """Mark a flag's action done (or open again), with an optional note; ``flag_id`` as
        ``find_flag`` takes it.  When the flag was raised is kept."""
        flag, problem = self.find_flag(review, flag_id)
        if flag is None:
            return Step(review, (Notice(problem, "problem"),), self.question(review))
        flag_id = flag.id
        old = review.flag_states.get(flag_id) or FlagState()
        changed = old.copy(
            state=state, changed_at=at or now(), changed_by=by, note=note.strip()[:MAX_NOTE]
        )
        states = {**review.flag_states, flag_id: changed}
        updated = review.copy(flag_states=states)
        new_flag = next(f for f in self.flags(updated) if f.id == flag_id)
        return self._commit(review, updated, [FlagStateChanged(new_flag)], at=at)
