"""What an answer changes: the follow-up asked next, and the events a change means.

``Changes._commit`` compares the review before and after an answer and says what it means:
flags raised and withdrawn, criteria set aside or restored by a changed gate, sections and the
review completed, and a judgement a newly fired check contradicts.  ``_follow_on`` moves a
judgement on to its next follow-up (confirm against a check, reasons, note, the joint steps) or
raises its flag when there is none.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple, get_args

from assistant.engine.events import (
    CriteriaRestored,
    CriteriaSetAside,
    Event,
    FlagRaised,
    FlagWithdrawn,
    Notice,
    Question,
    ReviewComplete,
    SectionComplete,
    Step,
)
from assistant.engine.items import (
    CHECK_PREFIX,
)
from assistant.engine.wording import (
    Wording,
    judgement_label,
)
from store.records import (
    MAX_NOTE,
    FlagState,
    FollowUp,
    Judgement,
    Review,
    now,
)

if TYPE_CHECKING:
    from types import ModuleType

    from assistant.engine.flags import Flag


FOLLOW_UPS: tuple[FollowUp, ...] = get_args(FollowUp)  # in the order they are asked
# Asked once the flag is shown: who was told of an urgent concern, when, what they did.
ESCALATION_STEPS: tuple[FollowUp, ...] = ("escalate", "escalated_when", "escalation_action")


def reader() -> ModuleType:
    """The free-text interpreter, imported with the first typed answer (it compiles some 30
    patterns when imported, which the first frame of the app need not wait for)."""
    from assistant.engine import interpret

    return interpret


class Given(NamedTuple):
    """One answer on its way to a handler."""

    question: Question
    text: str
    values: list[str] | None  # quick-reply values, when the answer was one
    at: datetime
    by: str


def join_note(old: str, new: str) -> str:
    new = new.strip()
    if not old:
        return new
    return f"{old}\n{new}" if new else old


def cap_note(note: str) -> tuple[str, list[Event]]:
    if len(note) <= MAX_NOTE:
        return note, []
    return note[:MAX_NOTE], [
        Notice(
            f"That note was longer than {MAX_NOTE:,} characters; the rest was not kept.", "problem"
        )
    ]


class Changes(Wording):
    """What an answer changes: follow-ups, flags raised and withdrawn, gates, completion."""

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
        # The flag shows once the questions about the judgement are done: before those about
        # escalating it (the concern is on screen when asked who was told of it).
        done_now = pending is None or pending in ESCALATION_STEPS
        finished = criterion_id if done_now and after not in ESCALATION_STEPS else None
        return self._commit(review, updated, events, finished=finished, at=at)

    def _next_follow_up(
        self, review: Review, criterion_id: str, judgement: Judgement, after: str | None
    ) -> FollowUp | None:
        start = 0 if after is None else FOLLOW_UPS.index(after) + 1
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
            if (
                step == "agreed"
                and joint
                and view is not None
                and not view.agrees
                and not judgement.discussed
            ):
                return step
            if (
                step == "evidence"
                and joint
                and judgement.discussed
                and judgement.inspector_outcome is not None
                and judgement.outcome != judgement.inspector_outcome
                and not judgement.interview_evidence
            ):
                return step
            if step == "quotable" and joint and judgement.note and not judgement.quotable:
                return step
            if step in ESCALATION_STEPS:
                wanted = self._escalation_step(review, criterion_id, judgement, step, joint)
                if wanted:
                    return step
        return None

    def _escalation_step(
        self, review: Review, criterion_id: str, judgement: Judgement, step: str, joint: bool
    ) -> bool:
        """Whether to ask this escalation question: in a joint review, who was told of an urgent
        concern (once per criterion), then when, then what they did."""
        mine = [e for e in review.escalations if e.criterion == criterion_id]
        if step == "escalate":
            criterion = self.fw.criterion(criterion_id)
            return (
                joint
                and not mine
                and judgement.outcome == "insufficient"
                and criterion is not None
                and criterion.severity == "urgent"
            )
        last = mine[-1] if mine else None
        if last is None or not last.told:
            return False
        if step == "escalated_when":
            return not last.told_on
        return not last.response

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
        pending = {
            cid
            for cid, j in after.judgements.items()
            if j.pending is not None and j.pending not in ESCALATION_STEPS
        }
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

        unshown = {  # judgements whose flag was never shown: their follow-ups were under way
            cid
            for cid, j in before.judgements.items()
            if j.pending is not None and j.pending not in ESCALATION_STEPS
        }
        for flag_id, flag in old_flags.items():
            if flag_id not in new_flags:
                if flag.source == "judgement" and flag.criterion in unshown:
                    continue
                out.append(FlagWithdrawn(flag))
        raised = self._raised(after, old_flags, new_flags, at)
        if raised is not None:
            after = raised
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

    @staticmethod
    def _raised(
        review: Review, old: dict[str, Flag], new: dict[str, Flag], at: datetime | None
    ) -> Review | None:
        """The review with the time each newly raised flag was first raised (its action's
        age runs from then); None when no flag is new or all were raised before."""
        states = review.flag_states
        fresh = [
            flag_id
            for flag_id in new
            if flag_id not in old and (states.get(flag_id) or FlagState()).raised_at is None
        ]
        if not fresh:
            return None
        when = at or now()
        update = {
            flag_id: (states.get(flag_id) or FlagState()).copy(raised_at=when) for flag_id in fresh
        }
        return review.copy(flag_states={**states, **update})
