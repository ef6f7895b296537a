"""The conversation: which question comes next, what an answer means, and what it changes.

``Engine`` is pure: every method takes a review and returns a ``Step`` (new review, events,
next question).  It never saves; the session saves ``step.review`` when ``step.changed``.

Order: facts (those whose ``asked_when`` holds), then criteria whose gate holds, in framework
order.  A fact or gate that is still unknown holds back what depends on it.  On an insufficient
judgement the follow-ups are asked (reasons, then an optional note; in a joint review the case
manager's view, an agreed outcome when they differ, and whether the note is quotable); the flag
is shown once the follow-ups are done.  ``back`` and ``jump`` set ``review.focus``; an answer
to the focused item clears it, and the walk resumes at the first unanswered item.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import replace
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

from assistant.engine.events import (
    Choice,
    CriteriaRestored,
    CriteriaSetAside,
    Event,
    Explanation,
    Finished,
    FlagRaised,
    FlagStateChanged,
    FlagWithdrawn,
    Notice,
    Question,
    Recorded,
    ReviewComplete,
    SectionComplete,
    Step,
)
from assistant.engine.facts import read_fact, show_fact
from assistant.engine.items import (
    CHECK_PREFIX,
    all_items,
    criterion_applies,
    fact_relevant,
    offered,
)
from prompts.model import Criterion, Fact, Framework
from store.records import (
    ANSWER_OUTCOMES,
    MAX_NOTE,
    OUTCOME_ANSWERS,
    FlagState,
    FollowUp,
    Judgement,
    Review,
    View,
    name_problem,
    now,
)

if TYPE_CHECKING:
    from assistant.engine.checks import Finding
    from assistant.engine.flags import Flag

FOLLOW_UPS: tuple[FollowUp, ...] = (
    "confirm",
    "reasons",
    "note",
    "view",
    "view_outcome",
    "agreed",
    "quotable",
)
OUTCOME_WORDS = {
    "sufficient": "Yes (sufficient)",
    "insufficient": "No (insufficient)",
    "not_applicable": "Not applicable",
}
PARTLY_WORDS = "Partly (insufficient)"
# A quick reply's value -> what was said (its outcome: ANSWER_OUTCOMES).
REPLY_ANSWERS = {"yes": "yes", "no": "no", "partly": "partly", "not_applicable": "na"}
_PARTLY_RE = re.compile(
    r"\b(partly|partially|part(ial)? ?way|in part|to some extent|to a degree|somewhat|half)\b",
    re.IGNORECASE,
)
SKIP, WHY = "skip", "why"


def _reader():  # type: ignore[no-untyped-def]
    """The free-text interpreter, imported with the first typed answer (it compiles some 30
    patterns when imported, which the first frame of the app need not wait for)."""
    from assistant.engine import interpret

    return interpret


_NUMBERS = re.compile(r"^\s*\d+(?:\s*[,;\s]\s*\d+)*\s*$")
_SKIP_WORDS = {"skip", "pass", "next", "later", "skip it", "s"}
_NONE_WORDS = {"none", "no", "nothing", "n", "no note", "-", "nope", "no thanks"}


class _Input(NamedTuple):
    """One answer on its way to a handler."""

    question: Question
    text: str
    values: list[str] | None  # quick-reply values, when the answer was one
    at: datetime
    by: str


def _clean(text: str) -> str:
    return text.strip()


def outcome_label(outcome: str | None, answer: str | None = None) -> str:
    """A judgement in words; "Partly" stays "Partly" (it counts as insufficient)."""
    if answer == "partly" and outcome == "insufficient":
        return PARTLY_WORDS
    return OUTCOME_WORDS.get(outcome or "", "not answered")


def judgement_label(judgement: Judgement | None) -> str:
    if judgement is None:
        return "not answered"
    return outcome_label(judgement.outcome, judgement.answer)


class Engine:
    """The guided review for one framework."""

    def __init__(self, framework: Framework) -> None:
        self.fw = framework
        self._items: dict[str, Fact | Criterion] = {it.id: it for it in all_items(framework)}
        self._section_ids = {
            s.id: [c.id for c in framework.criteria if c.section == s.id]
            for s in framework.sections
        }
        self._gates_for = lru_cache(maxsize=256)(self._compute_gates)
        self._flag_memo: list[tuple[dict, dict, dict, list[Flag]]] = []

    # --- gates, computed once per set of facts ---------------------------------------------

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

    # --- reading the state ---------------------------------------------------------------

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
    ) -> Review:
        at = at or now()
        return Review(
            id=review_id,
            case_ref=case_ref,
            framework=self.fw.id,
            framework_version=self.fw.version,
            mode=mode,  # type: ignore[arg-type]
            reviewer=reviewer,
            reviewer_role=role,  # type: ignore[arg-type]
            team=team,
            created_at=at,
            updated_at=at,
        )

    def is_answered(self, review: Review, item_id: str) -> bool:
        return item_id in review.facts or item_id in review.judgements

    def pending(self, review: Review) -> str | None:
        for cid, judgement in review.judgements.items():
            if judgement.pending is not None and self.gates(review.facts).get(cid) is True:
                return cid
        return None

    def current_item(self, review: Review) -> str | None:
        """The item asked now: a pending follow-up, the focus, the first unanswered item in
        order, else (at the end) the first item skipped earlier and not skipped again."""
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
        for item_id in review.skipped:
            if item_id in open_items and item_id not in review.deferred:
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
        from prompts.conditions import parse, references

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

    def flags(self, review: Review) -> list[Flag]:
        """The review's flags (derived from its answers; the last few results are kept, as a
        flag depends only on the facts, judgements and flag states, which copies share)."""
        from assistant.engine.flags import derive_flags  # (not needed for the first question)

        key = (review.facts, review.judgements, review.flag_states)
        for i, (facts, judgements, states, flags) in enumerate(self._flag_memo):
            if facts is key[0] and judgements is key[1] and states is key[2]:
                if i:
                    self._flag_memo.insert(0, self._flag_memo.pop(i))
                return flags
        flags = derive_flags(self.fw, review)
        self._flag_memo.insert(0, (*key, flags))
        del self._flag_memo[4:]
        return flags

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
        common = {
            "item": criterion.id,
            "section": criterion.section,
            "number": number,
            "total": total,
            "urgent": criterion.severity == "urgent",
            "title": criterion.title,
        }
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
            return Question(
                step="judgement",
                text=criterion.question,
                help=criterion.help,
                choices=_choices(options),
                current=current,
                **common,  # type: ignore[arg-type]
            )
        if step == "confirm":
            said = judgement_label(judgement).split(" (")[0]
            evidence = " ".join(f.message for f in self.contradictions(review, criterion.id))
            return Question(
                step="confirm",
                text=(
                    f"You answered {said}, but the case facts say otherwise: {evidence} "
                    "Keep your judgement, or change it?"
                ),
                help="A judgement kept against the facts is marked as such in the summary "
                "and the export.",
                choices=_choices(
                    [
                        (f"Keep {said}", "keep"),
                        ("Change to No", "no"),
                        ("Change to Partly", "partly"),
                    ]
                ),
                **common,  # type: ignore[arg-type]
            )
        if step == "view_outcome":
            options = [(OUTCOME_WORDS[o], o) for o in criterion.outcomes]
            return Question(
                step="view_outcome",
                text="What is the case manager's own judgement?",
                help="Pick one, or say it in words with their reasons; it is recorded beside "
                "the inspector's judgement.",
                choices=_choices(options),
                **common,  # type: ignore[arg-type]
            )
        if step == "reasons":
            options = [(r.label, r.id) for r in criterion.reasons] + [("None of these", SKIP)]
            return Question(
                step="reasons",
                text="What fell short? Pick every reason that applies.",
                help="Give the numbers (e.g. 1 3) or say it in your own words.",
                choices=_choices(options),
                multi=True,
                **common,  # type: ignore[arg-type]
            )
        if step == "note":
            return Question(
                step="note",
                text="Add an evidence note: what in the case record shows this? (or skip)",
                help="A sentence or two. Case references only; no names.",
                choices=_choices([("Skip", SKIP)]),
                typed=True,
                **common,  # type: ignore[arg-type]
            )
        if step == "view":
            recorded = judgement_label(judgement)
            return Question(
                step="view",
                text=f"Does the case manager agree with the judgement ({recorded})?",
                help="Say agree or disagree, or give the case manager's view in words.",
                choices=_choices([("Agree", "agree"), ("Disagree", "disagree")]),
                **common,  # type: ignore[arg-type]
            )
        if step == "agreed":
            options = [(OUTCOME_WORDS[o], o) for o in criterion.outcomes]
            options.append(("Still disagree: the inspector's judgement stands", "stands"))
            return Question(
                step="agreed",
                text="After discussion, which judgement is recorded?",
                help="The disagreement stays visible in the summary and the report.",
                choices=_choices(options),
                **common,  # type: ignore[arg-type]
            )
        return Question(
            step="quotable",
            text="Mark this note as a quotable finding for the report?",
            help="Quotable notes appear under their criterion in the inspection-style report.",
            choices=_choices([("Yes", "yes"), ("No", "no")]),
            **common,  # type: ignore[arg-type]
        )

    # --- starting and navigating ---------------------------------------------------------

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
            return f"{it.id} waits for an earlier answer: it is asked when {condition}."
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

    # --- answering -----------------------------------------------------------------------

    def respond(
        self, review: Review, text: str, *, at: datetime | None = None, by: str = ""
    ) -> Step:
        """Take one typed answer (a quick-reply number or word, or free text)."""
        question = self.question(review)
        if question is None:
            return Step(review, (Notice(self._nothing_to_answer(review)),), None)
        text = _clean(text)
        if not text and question.step == "note":
            return self.skip(review, at=at)  # an empty line at an optional prompt skips it
        if not text:
            return Step(
                review, (Notice("Type an answer, or pick a quick reply.", "clarify"),), question
            )
        values = self._choice_values(question, text)
        return self._dispatch(review, _Input(question, text, values, at or now(), by))

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
        return self._dispatch(review, _Input(question, text, values, at or now(), by))

    def _dispatch(self, review: Review, given: _Input) -> Step:
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
            "quotable": self._answer_quotable,
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

    def _answer_fact(self, review: Review, given: _Input) -> Step:
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

    def _answer_judgement(self, review: Review, criterion: Criterion, given: _Input) -> Step:
        question = given.question
        text = given.text
        values = given.values
        at = given.at
        by = given.by
        if values is not None:
            said = REPLY_ANSWERS[values[0]]
            reading = _reader().Reading(ANSWER_OUTCOMES[said], (), "")  # type: ignore[arg-type]
        else:
            reading = _reader().interpret(criterion, text)
            said = OUTCOME_ANSWERS.get(reading.outcome, "")
            if reading.outcome == "insufficient" and _PARTLY_RE.search(text):
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
        note, notices = _cap_note(reading.note)
        judgement = Judgement(
            outcome=reading.outcome,
            reasons=tuple(r for r in reading.reasons if criterion.reason(r)),
            note=note,
            answer=said or None,  # type: ignore[arg-type]
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

    def _answer_reasons(self, review: Review, criterion: Criterion, given: _Input) -> Step:
        text = given.text
        values = given.values
        at = given.at
        judgement = review.judgements[criterion.id]
        events: list[Event] = []
        if values is not None:
            reasons = tuple(v for v in values if criterion.reason(v))
        else:
            reasons = _reader().match_reasons(criterion, text)
            if not reasons:
                if text.lower().strip(".! ") in _NONE_WORDS:
                    reasons = ()
                else:
                    # Keep what was typed as the note and ask again rather than guess.
                    note, notices = _cap_note(_join_note(judgement.note, text))
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

    def _answer_note(self, review: Review, criterion: Criterion, given: _Input) -> Step:
        text = given.text
        at = given.at
        judgement = review.judgements[criterion.id]
        no_note = text.lower().strip(".! ") in _NONE_WORDS
        note, notices = _cap_note(judgement.note if no_note else _join_note(judgement.note, text))
        judgement = judgement.copy(note=note)
        events: list[Event] = [
            *notices,
            Recorded(criterion.id, "note", "No note" if no_note else note),
        ]
        return self._follow_on(review, criterion.id, judgement, "note", events, at)

    def _answer_confirm(self, review: Review, criterion: Criterion, given: _Input) -> Step:
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

    def _answer_view(self, review: Review, criterion: Criterion, given: _Input) -> Step:
        """Joint mode: does the case manager agree with the inspector's judgement?  "Yes" and
        "no" answer that question; an answer that states a judgement gives their view."""
        text, values = given.text, given.values
        judgement = review.judgements[criterion.id]
        outcome: str | None = None
        note = ""
        if values is not None:
            agrees = values == ["agree"]
        else:
            lowered = text.lower()
            yes_no = _reader().read_yes_no(text)
            reading = _reader().interpret(criterion, text)
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
            note = _cap_note(reading.note)[0] if reading.note else ""
            if not agrees and reading.note and stated is not None and stated != judgement.outcome:
                outcome = stated  # their own judgement was given with the disagreement
        view = View(agrees=agrees, outcome=judgement.outcome if agrees else outcome, note=note)
        judgement = judgement.copy(view=view)
        shown = "Case manager agrees" if view.agrees else "Case manager disagrees"
        if not view.agrees and view.outcome:
            shown += f" (their view: {outcome_label(view.outcome)})"
        events: list[Event] = [Recorded(criterion.id, "view", shown)]
        return self._follow_on(review, criterion.id, judgement, "view", events, given.at)

    def _answer_view_outcome(self, review: Review, criterion: Criterion, given: _Input) -> Step:
        """Joint mode, after a disagreement: the case manager's own judgement."""
        judgement = review.judgements[criterion.id]
        note = ""
        if given.values is not None:
            outcome = given.values[0]
        else:
            reading = _reader().interpret(criterion, given.text)
            if reading.outcome not in criterion.outcomes:
                options = ", ".join(OUTCOME_WORDS[o] for o in criterion.outcomes)
                return Step(
                    review,
                    (Notice(f"Which judgement does the case manager give? {options}.", "clarify"),),
                    given.question,
                )
            outcome, note = reading.outcome, _cap_note(reading.note)[0]
        old = judgement.view or View(agrees=False)
        view = old.copy(outcome=outcome, note=_join_note(old.note, note) if note else old.note)
        judgement = judgement.copy(view=view)
        events: list[Event] = [
            Recorded(criterion.id, "view_outcome", f"Case manager's view: {outcome_label(outcome)}")
        ]
        return self._follow_on(review, criterion.id, judgement, "view_outcome", events, given.at)

    def _answer_agreed(self, review: Review, criterion: Criterion, given: _Input) -> Step:
        question = given.question
        text = given.text
        values = given.values
        at = given.at
        judgement = review.judgements[criterion.id]
        if values is None:
            reading = _reader().interpret(criterion, text)
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
        update: dict[str, object] = {"outcome": agreed}
        if agreed != "insufficient":
            update["reasons"] = ()
        judgement = judgement.copy(**update)
        events: list[Event] = [Recorded(criterion.id, "agreed", shown)]
        return self._follow_on(review, criterion.id, judgement, "agreed", events, at)

    def _answer_quotable(self, review: Review, criterion: Criterion, given: _Input) -> Step:
        question = given.question
        text = given.text
        values = given.values
        at = given.at
        judgement = review.judgements[criterion.id]
        if values is not None:
            quotable = values == ["yes"]
        else:
            answer = _reader().read_yes_no(text)
            if answer is None:
                return Step(review, (Notice("Please answer yes or no.", "clarify"),), question)
            quotable = answer
        judgement = judgement.copy(quotable=quotable, pending=None)
        updated = self._with_judgement(review, criterion.id, judgement)
        return self._commit(
            review,
            updated,
            [Recorded(criterion.id, "quotable", "Quotable" if quotable else "Not quotable")],
            finished=criterion.id,
            at=at,
        )

    # --- notes and flag states -----------------------------------------------------------

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
        note, notices = _cap_note(text.strip())
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
        state: str,
        *,
        at: datetime | None = None,
        by: str = "",
    ) -> Step:
        """Mark a flag's action done (or open again); ``flag_id`` as ``find_flag`` takes it."""
        flag, problem = self.find_flag(review, flag_id)
        if flag is None:
            return Step(review, (Notice(problem, "problem"),), self.question(review))
        flag_id = flag.id
        states = {
            **review.flag_states,
            flag_id: FlagState(state=state, changed_at=at or now(), changed_by=by),  # type: ignore[arg-type]
        }
        updated = review.copy(flag_states=states)
        new_flag = next(f for f in self.flags(updated) if f.id == flag_id)
        return self._commit(review, updated, [FlagStateChanged(new_flag)], at=at)

    # --- internals -----------------------------------------------------------------------

    @staticmethod
    def _with_judgement(review: Review, criterion_id: str, judgement: Judgement) -> Review:
        return review.copy(judgements={**review.judgements, criterion_id: judgement})

    def _follow_on(
        self,
        review: Review,
        criterion_id: str,
        judgement: Judgement,
        after: str,
        events: list[Event],
        at: datetime | None,
    ) -> Step:
        """Store ``judgement`` once step ``after`` is answered: ask its next follow-up, or,
        when there is none, show its flag."""
        pending = self._next_follow_up(review, criterion_id, judgement, after)
        judgement = judgement.copy(pending=pending)
        updated = self._with_judgement(review, criterion_id, judgement)
        finished = criterion_id if pending is None else None
        return self._commit(review, updated, events, finished=finished, at=at)

    def contradictions(self, review: Review, criterion_id: str) -> list[Finding]:
        """Consistency checks on this criterion that fire on the review's facts."""
        from assistant.engine.checks import run_checks

        return [f for f in run_checks(self.fw, review.facts) if f.check.criterion == criterion_id]

    def _next_follow_up(
        self, review: Review, criterion_id: str, judgement: Judgement, after: str | None
    ) -> FollowUp | None:
        start = 0 if after is None else FOLLOW_UPS.index(after) + 1  # type: ignore[arg-type]
        joint = review.mode == "joint"
        view = judgement.view
        for step in FOLLOW_UPS[start:]:
            if (
                step == "confirm"
                and judgement.outcome != "insufficient"
                and not judgement.kept_despite
                and self.contradictions(review, criterion_id)
            ):
                return step
            if step == "reasons" and judgement.outcome == "insufficient" and not judgement.reasons:
                return step
            if step == "note" and judgement.outcome == "insufficient" and not judgement.note:
                return step
            if step == "view" and joint and view is None:
                return step
            if step == "view_outcome" and joint and view and not view.agrees and not view.outcome:
                return step
            if step == "agreed" and joint and view is not None and not view.agrees:
                return step
            if step == "quotable" and joint and judgement.note and not judgement.quotable:
                return step
        return None

    def _commit(
        self,
        before: Review,
        after: Review,
        events: list[Event],
        *,
        finished: str | None = None,
        at: datetime | None = None,
    ) -> Step:
        """Work out what the change means: flags, gates, sections, completion."""
        old_flags = {f.id: f for f in self.flags(before)}
        new_flags = {f.id: f for f in self.flags(after)}
        pending = {cid for cid, j in after.judgements.items() if j.pending is not None}
        out: list[Event] = list(events)

        old_gates, new_gates = self.gates(before.facts), self.gates(after.facts)
        old_live = {c.id for c in self.fw.criteria if old_gates[c.id] is True}
        new_live = {c.id for c in self.fw.criteria if new_gates[c.id] is True}
        dropped = [c.id for c in self.fw.criteria if c.id in old_live - new_live]
        restored = [
            c.id
            for c in self.fw.criteria
            if c.id in new_live - old_live and c.id in after.judgements
        ]
        if dropped:
            out.append(CriteriaSetAside(tuple(dropped)))
        if restored:
            out.append(CriteriaRestored(tuple(restored)))

        for flag_id, flag in old_flags.items():
            if flag_id not in new_flags:
                out.append(FlagWithdrawn(flag))
        for flag_id, flag in new_flags.items():
            waiting = flag.source == "judgement" and flag.criterion in pending
            if waiting:
                continue
            is_new = flag_id not in old_flags or flag_id == finished
            if is_new or (flag.source == "check" and flag.detail != old_flags[flag_id].detail):
                out.append(FlagRaised(flag))
                judged = after.judgements.get(flag.criterion)
                if (
                    flag.source == "check"
                    and flag_id not in old_flags
                    and judged is not None
                    and judged.pending is None
                    and judged.outcome != "insufficient"
                    and flag_id.removeprefix(CHECK_PREFIX) not in judged.kept_despite
                ):
                    out.append(
                        Notice(
                            f"This contradicts your judgement on {flag.criterion} "
                            f"({judgement_label(judged)}). Type jump {flag.criterion} to look "
                            "at it again.",
                            "problem",
                        )
                    )

        for section in self.fw.sections:
            ids = self._section_ids[section.id]
            if not self._section_done(before, ids) and self._section_done(after, ids):
                out.append(SectionComplete(section.id, section.title))

        was_complete = after.status == "complete"
        after = self.settle(after, at)
        if after.status == "complete" and not was_complete:
            open_flags = [f for f in new_flags.values() if f.open]
            out.append(
                ReviewComplete(
                    len(open_flags),
                    sum(f.urgent for f in open_flags),
                    tuple(title for title, _ in self.checks_not_run(after)),
                )
            )
        return Step(after, tuple(out), self.question(after), changed=True)

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


def _choices(options: list[tuple[str, str]]) -> tuple[Choice, ...]:
    return tuple(Choice(str(i), label, value) for i, (label, value) in enumerate(options, 1))


def _join_note(old: str, new: str) -> str:
    new = new.strip()
    if not old:
        return new
    return f"{old}\n{new}" if new else old


def _cap_note(note: str) -> tuple[str, list[Event]]:
    if len(note) <= MAX_NOTE:
        return note, []
    return note[:MAX_NOTE], [
        Notice(
            f"That note was longer than {MAX_NOTE:,} characters; the rest was not kept.", "problem"
        )
    ]
