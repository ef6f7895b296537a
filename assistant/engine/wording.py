"""The question asked next, worded for the user: a fact, a judgement or one of its follow-ups.

Quick replies (``Choice``) are numbered from 1; the labels of outcomes live here so every
front end says "Partly (insufficient)" the same way.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING

from assistant.engine.events import (
    Choice,
    Question,
)
from assistant.engine.facts import show_fact
from assistant.engine.items import (
    offered,
)
from assistant.engine.state import ReviewState
from prompts.model import Criterion, Fact
from store.records import (
    Judgement,
    Review,
)

if TYPE_CHECKING:
    pass


OUTCOME_WORDS = {
    "sufficient": "Yes (sufficient)",
    "insufficient": "No (insufficient)",
    "not_applicable": "Not applicable",
}


PARTLY_WORDS = "Partly (insufficient)"


SKIP, WHY = "skip", "why"


def outcome_label(outcome: str | None, answer: str | None = None) -> str:
    """A judgement in words; "Partly" stays "Partly" (it counts as insufficient)."""
    if answer == "partly" and outcome == "insufficient":
        return PARTLY_WORDS
    return OUTCOME_WORDS.get(outcome or "", "not answered")


def judgement_label(judgement: Judgement | None) -> str:
    if judgement is None:
        return "not answered"
    return outcome_label(judgement.outcome, judgement.answer)


def case_manager(review: Review) -> str:
    """The case manager of a joint review, named when the participants say who."""
    name = next((p.name for p in review.participants if p.role == "case_manager" and p.name), "")
    return f"the case manager ({name})" if name else "the case manager"


def choices(options: list[tuple[str, str]]) -> tuple[Choice, ...]:
    return tuple(Choice(str(i), label, value) for i, (label, value) in enumerate(options, 1))


class Wording(ReviewState):
    """The next question, worded for the user."""

    def question(self, review: Review) -> Question | None:
        item_id = self.current_item(review)
        if item_id is None:
            return None
        live = self.live_ids(review.facts)
        number = live.index(item_id) + 1 if item_id in live else 0
        fact = self.fw.fact(item_id)
        if fact is not None:
            question = self._fact_question(review, fact, number, len(live))
        else:
            criterion = self.fw.criterion(item_id)
            assert criterion is not None
            judgement = review.judgements.get(item_id)
            step = judgement.pending if judgement and judgement.pending else "judgement"
            question = self._criterion_question(review, criterion, step, number, len(live))
        if item_id in review.skipped and item_id != review.focus:
            question = replace(question, returning=True)
        return question

    def _fact_question(self, review: Review, fact: Fact, number: int, total: int) -> Question:
        fact = offered(fact, review.facts)
        if fact.type == "yesno":
            options = [("Yes", "yes"), ("No", "no")]
        elif fact.type in ("choice", "multichoice"):
            options = [(o.label, o.id) for o in fact.options]
            if fact.type == "multichoice":
                options.append(("None of these", "none"))
        elif fact.type == "date":
            options = [("None / not yet", "none")]
        else:
            options = []
        options += [("Skip", SKIP), ("Why?", WHY)]
        choices = tuple(Choice(str(i), label, value) for i, (label, value) in enumerate(options, 1))
        current = show_fact(fact, review.facts[fact.id]) if fact.id in review.facts else None
        return Question(
            item=fact.id,
            step="fact",
            text=fact.question,
            help=fact.help,
            choices=choices,
            multi=fact.type == "multichoice",
            typed=fact.type in ("date", "text"),
            current=current,
            number=number,
            total=total,
            title="About the case",
        )

    def _criterion_question(
        self, review: Review, criterion: Criterion, step: str, number: int, total: int
    ) -> Question:
        judgement = review.judgements.get(criterion.id)
        ask = partial(
            Question,
            item=criterion.id,
            section=criterion.section,
            number=number,
            total=total,
            urgent=criterion.severity == "urgent",
            title=criterion.title,
        )
        if step == "judgement":
            options = [("Yes", "yes"), ("No", "no"), ("Partly", "partly")]
            if criterion.allow_not_applicable:
                options.append(("Not applicable", "not_applicable"))
            options += [("Skip", SKIP), ("Why?", WHY)]
            current = None
            if judgement is not None:
                current = judgement_label(judgement)
                if judgement.reasons:
                    labels = [r.label for rid in judgement.reasons if (r := criterion.reason(rid))]
                    current += ": " + "; ".join(labels)
            return ask(
                step="judgement",
                text=criterion.question,
                help=criterion.help,
                choices=choices(options),
                current=current,
            )
        if step == "confirm":
            said = judgement_label(judgement).split(" (")[0]
            evidence = " ".join(f.message for f in self.contradictions(review, criterion.id))
            return ask(
                step="confirm",
                text=(
                    f"You answered {said}, but the case facts say otherwise: {evidence} "
                    "Keep your judgement, or change it?"
                ),
                help="A judgement kept against the facts is marked as such in the summary "
                "and the export.",
                choices=choices(
                    [
                        (f"Keep {said}", "keep"),
                        ("Change to No", "no"),
                        ("Change to Partly", "partly"),
                    ]
                ),
            )
        if step == "view_outcome":
            options = [(OUTCOME_WORDS[o], o) for o in criterion.outcomes]
            return ask(
                step="view_outcome",
                text="What is the case manager's own judgement?",
                help="Pick one, or say it in words with their reasons; it is recorded beside "
                "the inspector's judgement.",
                choices=choices(options),
            )
        if step == "reasons":
            options = [(r.label, r.id) for r in criterion.reasons] + [("None of these", SKIP)]
            return ask(
                step="reasons",
                text="What fell short? Pick every reason that applies.",
                help="Give the numbers (e.g. 1 3) or say it in your own words.",
                choices=choices(options),
                multi=True,
            )
        if step == "note":
            return ask(
                step="note",
                text="Add an evidence note: what in the case record shows this? (or skip)",
                help="A sentence or two. Case references only; no names.",
                choices=choices([("Skip", SKIP)]),
                typed=True,
            )
        if step == "view":
            recorded = judgement_label(judgement)
            return ask(
                step="view",
                text=f"Does {case_manager(review)} agree with the judgement ({recorded})?",
                help="Say agree or disagree, or give the case manager's view in words.",
                choices=choices([("Agree", "agree"), ("Disagree", "disagree")]),
            )
        if step == "agreed":
            options = [(OUTCOME_WORDS[o], o) for o in criterion.outcomes]
            options.append(("Still disagree: the inspector's judgement stands", "stands"))
            return ask(
                step="agreed",
                text="After discussion, which judgement is recorded?",
                help="The disagreement stays visible in the summary and the report.",
                choices=choices(options),
            )
        if step == "evidence":
            before = outcome_label(judgement.inspector_outcome if judgement else None)
            after = judgement_label(judgement)
            return ask(
                step="evidence",
                text=(
                    f"The judgement changed after the discussion, from {before} to {after}. "
                    "What did the interview show that changed it?"
                ),
                help="Recorded as changed on interview evidence; the judgement before the "
                "discussion is kept beside the one that stands.",
                choices=choices([("Skip", SKIP)]),
                typed=True,
            )
        if step == "escalate":
            return ask(
                step="escalate",
                text="This is an urgent concern for the child's safety. Who was told about it "
                "(name and role)?",
                help="The escalation log records who was told, when and what they did; it is "
                "shown on the summary and listed by case-review actions.",
                choices=choices([("No one told yet", "nobody"), ("Skip", SKIP)]),
                typed=True,
            )
        if step == "escalated_when":
            return ask(
                step="escalated_when",
                text="When were they told? (a date)",
                help="Today, yesterday or a date such as 2014-10-20.",
                choices=choices([("Today", "today"), ("Skip", SKIP)]),
                typed=True,
            )
        if step == "escalation_action":
            return ask(
                step="escalation_action",
                text="What did they do about it? (or skip if not known yet)",
                help="For example: made a referral to children's social care the same day.",
                choices=choices([("Skip", SKIP)]),
                typed=True,
            )
        return ask(
            step="quotable",
            text="Mark this note as a quotable finding for the report?",
            help="Quotable notes appear under their criterion in the inspection-style report.",
            choices=choices([("Yes", "yes"), ("No", "no")]),
        )
