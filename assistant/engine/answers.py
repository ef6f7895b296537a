"""Taking one answer: a quick reply or free text, to a fact, a judgement or a follow-up.

``respond`` reads typed text (a quick-reply number or word, or free text for the interpreter);
``choose`` takes quick-reply values.  Unclear answers are asked about, never guessed.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING

from assistant.engine.changes import Given, cap_note, join_note, reader
from assistant.engine.escalation import Escalations
from assistant.engine.events import (
    Event,
    Notice,
    Question,
    Recorded,
    Step,
)
from assistant.engine.facts import read_fact, show_fact
from assistant.engine.items import (
    offered,
)
from assistant.engine.wording import (
    SKIP,
    WHY,
    judgement_label,
)
from prompts.model import Criterion
from store.records import (
    ANSWER_OUTCOMES,
    OUTCOME_ANSWERS,
    Answer,
    Judgement,
    Review,
    now,
)

if TYPE_CHECKING:
    pass


REPLY_ANSWERS: dict[str, Answer] = {
    "yes": "yes",
    "no": "no",
    "partly": "partly",
    "not_applicable": "na",
}


def _clean(text: str) -> str:
    return text.strip()


_PARTLY_RE = re.compile(
    r"\b(partly|partially|part(ial)? ?way|in part|to some extent|to a degree|somewhat|half)\b",
    re.IGNORECASE,
)


_NUMBERS = re.compile(r"^\s*\d+(?:\s*[,;\s]\s*\d+)*\s*$")


# Prompts an empty line skips (SPEC §4: an empty line at an optional prompt).
_OPTIONAL_STEPS = ("note", "evidence", "escalate", "escalated_when", "escalation_action")

_SKIP_WORDS = {"skip", "pass", "next", "later", "skip it", "s"}


_NONE_WORDS = {"none", "no", "nothing", "n", "no note", "-", "nope", "no thanks"}


_KEEP_RE = re.compile(r"\b(keep|kept|confirm|stand|stands|correct|right|sure|yes)\b")


_CHANGE_RE = re.compile(r"\b(change|wrong|no|not)\b")


def _confirm_choice(text: str) -> str | None:
    """Free text at the confirm-or-correct question: keep, no or partly; None if unclear."""
    lowered = text.lower()
    if _PARTLY_RE.search(lowered):
        return "partly"
    keep, change = bool(_KEEP_RE.search(lowered)), bool(_CHANGE_RE.search(lowered))
    if keep and not change:
        return "keep"
    if change and not keep:
        return "no"
    return None


class Answers(Escalations):
    # (Engine, the last layer, answers "why"; declared here for the dispatch below.)
    def why(self, review: Review, item_id: str | None = None) -> Step:
        raise NotImplementedError

    """Taking one answer: quick replies and free text, facts, judgements and their follow-ups."""

    def respond(
        self, review: Review, text: str, *, at: datetime | None = None, by: str = ""
    ) -> Step:
        """Take one typed answer (a quick-reply number or word, or free text)."""
        question = self.question(review)
        if question is None:
            return Step(review, (Notice(self._nothing_to_answer(review)),), None)
        text = _clean(text)
        if not text and question.step in _OPTIONAL_STEPS:
            return self.skip(review, at=at)  # an empty line at an optional prompt skips it
        if not text:
            return Step(
                review, (Notice("Type an answer, or pick a quick reply.", "clarify"),), question
            )
        values = self._choice_values(question, text)
        return self._dispatch(review, Given(question, text, values, at or now(), by))

    def choose(
        self, review: Review, values: list[str], *, at: datetime | None = None, by: str = ""
    ) -> Step:
        """Take quick-reply values directly (buttons, multi-select lists)."""
        question = self.question(review)
        if question is None:
            return Step(review, (Notice(self._nothing_to_answer(review)),), None)
        if not values and question.multi:
            values = [SKIP] if question.step == "reasons" else ["none"]
        known = {c.value for c in question.choices}
        unknown = [v for v in values if v not in known]
        if unknown or not values:
            return Step(
                review, (Notice(f"Not a choice here: {', '.join(unknown)}", "problem"),), question
            )
        labels = {c.value: c.label for c in question.choices}
        text = ", ".join(labels[v] for v in values)
        return self._dispatch(review, Given(question, text, values, at or now(), by))

    def _dispatch(self, review: Review, given: Given) -> Step:
        question = given.question
        if given.values == [WHY]:
            return self.why(review, question.item)
        if given.values == [SKIP]:
            return self.skip(review, at=given.at)
        if question.step == "fact":
            return self._answer_fact(review, given)
        criterion = self.fw.criterion(question.item)
        assert criterion is not None
        handler = {
            "confirm": self._answer_confirm,
            "view_outcome": self._answer_view_outcome,
            "judgement": self._answer_judgement,
            "reasons": self._answer_reasons,
            "note": self._answer_note,
            "view": self._answer_view,
            "agreed": self._answer_agreed,
            "evidence": self._answer_evidence,
            "quotable": self._answer_quotable,
            "escalate": self._answer_escalate,
            "escalated_when": self._answer_escalated_when,
            "escalation_action": self._answer_escalation_action,
        }[question.step]
        return handler(review, criterion, given)

    def skip(self, review: Review, *, at: datetime | None = None) -> Step:
        question = self.question(review)
        if question is None:
            return Step(review, (Notice(self._nothing_to_answer(review)),), None)
        if question.step in ("fact", "judgement"):
            item = question.item
            focus = None if review.focus == item else review.focus
            if item in review.skipped:  # skipped again at the end: not asked again this time
                updated = review.copy(deferred=(*review.deferred, item), focus=focus)
                shown = "Skipped again: it stays open (finish lists what is open)"
            else:
                updated = review.copy(skipped=(*review.skipped, item), focus=focus)
                shown = "Skipped: asked again at the end"
            return self._commit(review, updated, [Recorded(item, question.step, shown)], at=at)
        # Skipping a follow-up: no reasons / no note / no view; move on.
        return self._follow_on(
            review,
            question.item,
            review.judgements[question.item],
            question.step,
            [Recorded(question.item, question.step, "Skipped")],
            at,
        )

    def _nothing_to_answer(self, review: Review) -> str:
        if self.is_complete(review):
            return "The review is complete. Type summary to see it, or jump ID to change an answer."
        left = self.unanswered(review)
        return (
            f"{len(left)} question(s) left unanswered: {', '.join(left)}. "
            "Type jump ID to answer one."
        )

    @staticmethod
    def _choice_values(question: Question, text: str) -> list[str] | None:
        """Quick-reply values for ``text`` when it is a number, numbers or a choice label."""
        lowered = text.lower().rstrip("?!. ")
        if lowered in ("why", "why?"):
            return [WHY]
        if lowered in _SKIP_WORDS:
            return [SKIP]
        by_key = {c.key: c.value for c in question.choices}
        if _NUMBERS.match(text):
            keys = re.split(r"[,;\s]+", text.strip())
            if all(k in by_key for k in keys):
                values = list(dict.fromkeys(by_key[k] for k in keys))
                if len(values) == 1 or question.multi:
                    return values
        for choice in question.choices:
            if lowered == choice.label.lower() or lowered == choice.value.replace("_", " "):
                return [choice.value]
        return None

    def _answer_fact(self, review: Review, given: Given) -> Step:
        question = given.question
        text = given.text
        values = given.values
        at = given.at
        fact = self.fw.fact(question.item)
        assert fact is not None
        fact = offered(fact, review.facts)
        value: bool | str | list[str] | None
        if values is not None and fact.type == "yesno":
            value = values == ["yes"]
        elif values is not None and fact.type == "choice":
            value = values[0]
        elif values is not None and fact.type == "multichoice":
            value = [] if "none" in values else [o.id for o in fact.options if o.id in values]
        elif values is not None and fact.type == "date" and values == ["none"]:
            value = ""
        else:
            value, problem = read_fact(fact, text, at.astimezone().date())
            if value is None:
                return Step(
                    review, (Notice(problem or "I did not understand.", "clarify"),), question
                )
        facts = {**review.facts, fact.id: value}
        updated = review.copy(
            facts=facts,
            skipped=tuple(s for s in review.skipped if s != fact.id),
            deferred=tuple(s for s in review.deferred if s != fact.id),
            focus=None if review.focus == fact.id else review.focus,
        )
        events: list[Event] = [Recorded(fact.id, "fact", show_fact(fact, value))]
        return self._commit(review, updated, events, at=at)

    def _answer_judgement(self, review: Review, criterion: Criterion, given: Given) -> Step:
        question = given.question
        text = given.text
        values = given.values
        at = given.at
        by = given.by
        if values is not None:
            given_answer = REPLY_ANSWERS[values[0]]
            said: Answer | None = given_answer
            reading = reader().Reading(ANSWER_OUTCOMES[given_answer], (), "")
        else:
            reading = reader().interpret(criterion, text)
            said = OUTCOME_ANSWERS.get(reading.outcome)
            if reading.partly:
                said = "partly"
        if reading.outcome == "unclear":
            options = " / ".join(c.label for c in question.choices if c.value not in (SKIP, WHY))
            return Step(
                review,
                (
                    Notice(
                        f"I couldn't tell whether that means it was good enough. Was it? "
                        f"{options}. (Or skip.)",
                        "clarify",
                    ),
                ),
                question,
            )
        if reading.outcome == "not_applicable" and not criterion.allow_not_applicable:
            return Step(
                review,
                (
                    Notice(
                        f"{criterion.title} applies to every case, so it cannot be marked not "
                        "applicable. Was it good enough: yes, no or partly?",
                        "clarify",
                    ),
                ),
                question,
            )
        note, notices = cap_note(reading.note)
        judgement = Judgement(
            outcome=reading.outcome,
            reasons=tuple(r for r in reading.reasons if criterion.reason(r)),
            note=note,
            answer=said,
            answered_at=at,
            answered_by=by,
        )
        if review.mode == "joint":
            judgement = judgement.copy(inspector_outcome=reading.outcome)
        judgement = judgement.copy(
            pending=self._next_follow_up(review, criterion.id, judgement, None)
        )
        updated = self._with_judgement(review, criterion.id, judgement)
        updated = updated.copy(
            skipped=tuple(s for s in review.skipped if s != criterion.id),
            deferred=tuple(s for s in review.deferred if s != criterion.id),
            focus=None if review.focus == criterion.id else review.focus,
        )
        shown = judgement_label(judgement)
        if judgement.reasons:
            shown += ": " + "; ".join(
                r.label for x in judgement.reasons if (r := criterion.reason(x))
            )
        events: list[Event] = [*notices, Recorded(criterion.id, "judgement", shown)]
        return self._commit(
            review,
            updated,
            events,
            finished=criterion.id if judgement.pending is None else None,
            at=at,
        )

    def _answer_reasons(self, review: Review, criterion: Criterion, given: Given) -> Step:
        text = given.text
        values = given.values
        at = given.at
        judgement = review.judgements[criterion.id]
        events: list[Event] = []
        if values is not None:
            reasons = tuple(v for v in values if criterion.reason(v))
        else:
            reasons = reader().match_reasons(criterion, text)
            if not reasons:
                if text.lower().strip(".! ") in _NONE_WORDS:
                    reasons = ()
                else:
                    # Keep what was typed as the note and ask again rather than guess.
                    note, notices = cap_note(join_note(judgement.note, text))
                    kept = judgement.copy(note=note)
                    updated = self._with_judgement(review, criterion.id, kept)
                    return self._commit(
                        review,
                        updated,
                        [
                            *notices,
                            Notice(
                                "I kept that as the note, but couldn't match it to a reason. "
                                "Pick the numbers of the reasons that apply (e.g. 1 3), or skip.",
                                "clarify",
                            ),
                        ],
                        at=at,
                    )
        ordered = tuple(r.id for r in criterion.reasons if r.id in reasons)
        judgement = judgement.copy(reasons=ordered)
        labels = [r.label for x in ordered if (r := criterion.reason(x))]
        events.append(Recorded(criterion.id, "reasons", "; ".join(labels) or "No reason given"))
        return self._follow_on(review, criterion.id, judgement, "reasons", events, at)

    def _answer_note(self, review: Review, criterion: Criterion, given: Given) -> Step:
        text = given.text
        at = given.at
        judgement = review.judgements[criterion.id]
        no_note = text.lower().strip(".! ") in _NONE_WORDS
        note, notices = cap_note(judgement.note if no_note else join_note(judgement.note, text))
        judgement = judgement.copy(note=note)
        events: list[Event] = [
            *notices,
            Recorded(criterion.id, "note", "No note" if no_note else note),
        ]
        return self._follow_on(review, criterion.id, judgement, "note", events, at)

    def _answer_confirm(self, review: Review, criterion: Criterion, given: Given) -> Step:
        """Keep a judgement that a consistency check contradicts, or change it."""
        judgement = review.judgements[criterion.id]
        choice = given.values[0] if given.values else _confirm_choice(given.text)
        if choice is None:
            return Step(
                review,
                (Notice("Keep your judgement, or change it to No or Partly?", "clarify"),),
                given.question,
            )
        findings = self.contradictions(review, criterion.id)
        if choice == "keep":
            judgement = judgement.copy(kept_despite=tuple(f.check.id for f in findings))
            shown = f"Kept {judgement_label(judgement)}, against the facts (marked)"
        else:
            reasons = tuple(dict.fromkeys(f.check.reason for f in findings))
            update: dict[str, object] = {
                "outcome": "insufficient",
                "answer": choice,
                "reasons": tuple(r.id for r in criterion.reasons if r.id in reasons),
            }
            if review.mode == "joint":
                update["inspector_outcome"] = "insufficient"
            judgement = judgement.copy(**update)
            labels = [r.label for x in judgement.reasons if (r := criterion.reason(x))]
            shown = f"Changed to {judgement_label(judgement)}: " + "; ".join(labels)
        events: list[Event] = [Recorded(criterion.id, "confirm", shown)]
        return self._follow_on(review, criterion.id, judgement, "confirm", events, given.at)
