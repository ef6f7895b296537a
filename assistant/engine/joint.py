"""The follow-ups of a joint review (SPEC §10): the case manager's view, their own judgement
after a disagreement, the outcome agreed after discussion, and whether a note is quotable.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from assistant.engine.changes import Changes, Given, cap_note, join_note, reader
from assistant.engine.events import (
    Event,
    Notice,
    Recorded,
    Step,
)
from assistant.engine.wording import (
    OUTCOME_WORDS,
    outcome_label,
)
from prompts.model import Criterion
from store.records import (
    Outcome,
    Review,
    View,
)

if TYPE_CHECKING:
    pass


class JointFollowUps(Changes):
    """Joint review follow-ups: the case manager's view, the agreed outcome, quotable notes."""

    def _answer_view(self, review: Review, criterion: Criterion, given: Given) -> Step:
        """Joint mode: does the case manager agree with the inspector's judgement?  "Yes" and
        "no" answer that question; an answer that states a judgement gives their view."""
        text, values = given.text, given.values
        judgement = review.judgements[criterion.id]
        outcome: Outcome | None = None
        note = ""
        if values is not None:
            agrees = values == ["agree"]
        else:
            lowered = text.lower()
            yes_no = reader().read_yes_no(text)
            reading = reader().interpret(criterion, text)
            stated = reading.outcome if reading.outcome in criterion.outcomes else None
            if re.search(r"\bdisagree|\bdo(es)? not agree|\bdon'?t agree", lowered):
                agrees = False
            elif re.search(r"\bagree", lowered):
                agrees = True
            elif yes_no is not None:
                agrees = yes_no
            elif stated is not None:
                agrees = stated == judgement.outcome
            else:
                return Step(
                    review,
                    (
                        Notice(
                            "Does the case manager agree? Say yes or no, or give their view "
                            "(e.g. 'they think it was sufficient').",
                            "clarify",
                        ),
                    ),
                    given.question,
                )
            note = cap_note(reading.note)[0] if reading.note else ""
            if not agrees and reading.note and stated is not None and stated != judgement.outcome:
                outcome = stated  # their own judgement was given with the disagreement
        view = View(agrees=agrees, outcome=judgement.outcome if agrees else outcome, note=note)
        judgement = judgement.copy(view=view)
        shown = "Case manager agrees" if view.agrees else "Case manager disagrees"
        if not view.agrees and view.outcome:
            shown += f" (their view: {outcome_label(view.outcome)})"
        events: list[Event] = [Recorded(criterion.id, "view", shown)]
        return self._follow_on(review, criterion.id, judgement, "view", events, given.at)

    def _answer_view_outcome(self, review: Review, criterion: Criterion, given: Given) -> Step:
        """Joint mode, after a disagreement: the case manager's own judgement."""
        judgement = review.judgements[criterion.id]
        note = ""
        if given.values is not None:
            outcome = given.values[0]
        else:
            reading = reader().interpret(criterion, given.text)
            if reading.outcome not in criterion.outcomes:
                options = ", ".join(OUTCOME_WORDS[o] for o in criterion.outcomes)
                return Step(
                    review,
                    (Notice(f"Which judgement does the case manager give? {options}.", "clarify"),),
                    given.question,
                )
            outcome, note = reading.outcome, cap_note(reading.note)[0]
        old = judgement.view or View(agrees=False)
        view = old.copy(outcome=outcome, note=join_note(old.note, note) if note else old.note)
        judgement = judgement.copy(view=view)
        events: list[Event] = [
            Recorded(criterion.id, "view_outcome", f"Case manager's view: {outcome_label(outcome)}")
        ]
        return self._follow_on(review, criterion.id, judgement, "view_outcome", events, given.at)

    def _answer_agreed(self, review: Review, criterion: Criterion, given: Given) -> Step:
        question = given.question
        text = given.text
        values = given.values
        at = given.at
        judgement = review.judgements[criterion.id]
        if values is None:
            reading = reader().interpret(criterion, text)
            if reading.outcome not in criterion.outcomes:
                return Step(
                    review,
                    (
                        Notice(
                            "Pick the judgement recorded after discussion, or "
                            "say the inspector's judgement stands.",
                            "clarify",
                        ),
                    ),
                    question,
                )
            values = [reading.outcome]
        agreed = judgement.outcome if values[0] == "stands" else values[0]
        shown = (
            f"The inspector's judgement stands: {outcome_label(agreed)}"
            if values[0] == "stands"
            else f"Agreed: {outcome_label(agreed)}"
        )
        update: dict[str, object] = {"outcome": agreed, "discussed": True}
        if agreed != "insufficient":
            update["reasons"] = ()
        if agreed != judgement.outcome:
            update["answer"] = None  # what was said ("partly") was said of the other judgement
        judgement = judgement.copy(**update)
        events: list[Event] = [Recorded(criterion.id, "agreed", shown)]
        if agreed == "insufficient" and not judgement.reasons:
            # Changed to insufficient after the discussion: what fell short, then the rest.
            return self._follow_on(review, criterion.id, judgement, "confirm", events, at)
        return self._follow_on(review, criterion.id, judgement, "agreed", events, at)

    def _answer_evidence(self, review: Review, criterion: Criterion, given: Given) -> Step:
        """Joint mode: the interview evidence on which the inspector changed the judgement."""
        judgement = review.judgements[criterion.id]
        text = given.text.strip()
        if not text or text.lower().strip(".! ") in ("none", "no", "nothing", "-"):
            return Step(
                review,
                (
                    Notice(
                        "Say what the case manager showed or said that changed the judgement "
                        "(or skip).",
                        "clarify",
                    ),
                ),
                given.question,
            )
        evidence, notices = cap_note(text)
        judgement = judgement.copy(interview_evidence=evidence)
        before = outcome_label(judgement.inspector_outcome)
        after = outcome_label(judgement.outcome, judgement.answer)
        events: list[Event] = [
            *notices,
            Recorded(
                criterion.id,
                "evidence",
                f"Changed on interview evidence from {before} to {after}: {evidence}",
            ),
        ]
        return self._follow_on(review, criterion.id, judgement, "evidence", events, given.at)

    def _answer_quotable(self, review: Review, criterion: Criterion, given: Given) -> Step:
        question = given.question
        text = given.text
        values = given.values
        at = given.at
        judgement = review.judgements[criterion.id]
        if values is not None:
            quotable = values == ["yes"]
        else:
            answer = reader().read_yes_no(text)
            if answer is None:
                return Step(review, (Notice("Please answer yes or no.", "clarify"),), question)
            quotable = answer
        judgement = judgement.copy(quotable=quotable)
        events: list[Event] = [
            Recorded(criterion.id, "quotable", "Quotable" if quotable else "Not quotable")
        ]
        return self._follow_on(review, criterion.id, judgement, "quotable", events, at)
