"""Escalating an urgent concern (SPEC §10): who was told, when, and what they did.

In a joint review, an urgent flag (a concern for the child's safety) is followed, once the
flag is shown, by three questions: who was told of it, when, and what they did.  Each answer
fills in the concern's ``Escalation`` in ``review.escalations``, the log the summary shows and
``case-review actions`` lists.  Skipping "who was told" logs nothing.  ``escalate`` (the
``/escalate ID`` command) asks the same questions about any judged criterion, in any review,
whenever a concern is passed on later.
"""

from __future__ import annotations

from datetime import datetime

from assistant.engine.changes import Given, cap_note
from assistant.engine.events import Event, Notice, Recorded, Step
from assistant.engine.joint import JointFollowUps
from prompts.model import Criterion
from store.records import MAX_NAME, Escalation, Review, name_problem

_TODAY = {"today", "now", "just now", "this morning", "this afternoon", "earlier today"}
_NOBODY = {"no one", "noone", "nobody", "no one yet", "not yet", "none", "no", "not told"}
_NOTHING_YET = {"nothing yet", "not yet", "don't know", "dont know", "unknown", "none yet"}


class Escalations(JointFollowUps):
    """The escalation questions and the ``escalate`` command."""

    def escalate(self, review: Review, criterion_id: str, *, at: datetime | None = None) -> Step:
        """Ask who was told of a concern on ``criterion_id`` (the current or last judged
        criterion when empty), then when and what they did."""
        target = criterion_id.strip() or self.current_item(review) or ""
        if target not in review.judgements:
            judged = [c.id for c in self.fw.criteria if c.id in review.judgements]
            if not criterion_id.strip() and judged:
                target = judged[-1]
        criterion = self.fw.criterion(target)
        if criterion is None or target not in review.judgements:
            return Step(
                review,
                (
                    Notice(
                        "Say which judged criterion the concern is about: escalate ID, e.g. "
                        "escalate cy.plan.",
                        "problem",
                    ),
                ),
                self.question(review),
            )
        judgement = review.judgements[target].copy(pending="escalate")
        updated = self._with_judgement(review, target, judgement)
        return self._commit(review, updated, [], at=at)

    def _concern(self, criterion: Criterion, review: Review) -> str:
        judgement = review.judgements.get(criterion.id)
        labels = [
            r.label for x in (judgement.reasons if judgement else ()) if (r := criterion.reason(x))
        ]
        concern = criterion.title + (": " + "; ".join(labels) if labels else "")
        if judgement and judgement.note:
            concern += f". {judgement.note}"
        return cap_note(concern)[0]

    def _answer_escalate(self, review: Review, criterion: Criterion, given: Given) -> Step:
        """Who was told (a name and role); "no one yet" logs nothing."""
        text = " ".join(given.text.split())
        lowered = text.lower().strip(".! ")
        if given.values == ["nobody"] or lowered in _NOBODY:
            return self._follow_on(
                review,
                criterion.id,
                review.judgements[criterion.id],
                "escalation_action",
                [Recorded(criterion.id, "escalate", "Not escalated yet")],
                given.at,
            )
        problem = name_problem(text, "Who was told")
        if problem:
            return Step(review, (Notice(problem, "clarify"),), given.question)
        told = text[:MAX_NAME]
        number = len(review.escalations) + 1
        escalation = Escalation(
            id=f"E{number}",
            criterion=criterion.id,
            concern=self._concern(criterion, review),
            told=told,
            logged_by=given.by,
            logged_at=given.at,
        )
        updated = review.copy(escalations=(*review.escalations, escalation))
        return self._follow_on(
            updated,
            criterion.id,
            updated.judgements[criterion.id],
            "escalate",
            [Recorded(criterion.id, "escalate", f"Told: {told}")],
            given.at,
        )

    def _answer_escalated_when(self, review: Review, criterion: Criterion, given: Given) -> Step:
        """When they were told: a date (today, yesterday, 2014-10-20, ...)."""
        from assistant.engine.facts import read_date

        text = given.text.strip().lower()
        day = given.at.astimezone().date()
        if given.values == ["today"] or text.strip(".! ") in _TODAY:
            when: str | None = day.isoformat()
            problem = None
        else:
            when, problem = read_date(given.text, day)
        if when is None:
            return Step(
                review,
                (
                    Notice(
                        problem or "When were they told? A date, e.g. today or 2014-10-20.",
                        "clarify",
                    ),
                ),
                given.question,
            )
        updated = self._update_last(review, criterion.id, told_on=when)
        return self._follow_on(
            updated,
            criterion.id,
            updated.judgements[criterion.id],
            "escalated_when",
            [Recorded(criterion.id, "escalated_when", f"Told on {when}")],
            given.at,
        )

    def _answer_escalation_action(self, review: Review, criterion: Criterion, given: Given) -> Step:
        """What they did about it (free text)."""
        text = given.text.strip()
        if text.lower().strip(".! ") in _NOTHING_YET:
            return self.skip(review, at=given.at)
        response, notices = cap_note(text)
        updated = self._update_last(review, criterion.id, response=response)
        events: list[Event] = [*notices, Recorded(criterion.id, "escalation_action", response)]
        return self._follow_on(
            updated,
            criterion.id,
            updated.judgements[criterion.id],
            "escalation_action",
            events,
            given.at,
        )

    def skip(self, review: Review, *, at: datetime | None = None) -> Step:  # pragma: no cover
        raise NotImplementedError  # (Answers, the next layer, skips)

    @staticmethod
    def _update_last(review: Review, criterion_id: str, **changes: str) -> Review:
        """The review with the latest escalation of ``criterion_id`` changed."""
        escalations = list(review.escalations)
        for i in range(len(escalations) - 1, -1, -1):
            if escalations[i].criterion == criterion_id:
                escalations[i] = escalations[i].copy(**changes)
                break
        return review.copy(escalations=tuple(escalations))


def escalation_line(escalation: Escalation) -> str:
    """One escalation in words: the concern, who was told, when, what they did."""
    told = escalation.told or "no one named"
    when = f" on {escalation.told_on}" if escalation.told_on else " (when not recorded)"
    did = escalation.response or "not recorded yet"
    where = f"{escalation.criterion}: " if escalation.criterion else ""
    return f"{escalation.id} {where}{escalation.concern} - told {told}{when}; what they did: {did}"
