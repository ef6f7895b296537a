"""Learning mode: a practice case played as a real review, marked as the learner goes (SPEC §9).

``LearningSession`` wraps a ``Session`` on a ``MemoryStore`` of its own (mode ``learning``:
nothing reaches the real store, nothing counts in a report).  The learner answers as in any
review, facts first, then the criteria, through the same ``answer`` and ``command``; each step
the session returns is the review's step with learning events added:

- ``LearningFeedback`` for every criterion whose judgement has just become final (no follow-up
  waiting): agreement with the model answer, the reasons missed or added, the rationale with
  the extracts it cites, and what good looks like;
- ``LearningScore`` when the review becomes complete, at ``finish``, and when a retry ends:
  agreement per section, the criteria to revisit and ``Overall: N of M agreed``.

``retry`` walks the criteria to revisit again (a jump to each in turn) and marks them afresh.
Progress (the case, the date, the score of the learner's first answers) goes to the learner's
own file (``assistant.learning_progress``) as each criterion is first judged.  Everything else
(``why``, ``back``, ``jump``, the review, its flags and progress) is the wrapped session's.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from assistant.commands import Command
from assistant.engine.events import (
    Event,
    Finished,
    LearningFeedback,
    LearningScore,
    Notice,
    ReviewComplete,
    SectionAgreement,
    SectionComplete,
    Step,
)
from assistant.engine.learning import (
    agreed_text,
    closing_lines,
    compare,
    feedback,
    learner_outcome,
    verdict_lines,
)
from assistant.session import Draft, Session
from prompts.practice import live_criteria

if TYPE_CHECKING:
    from pathlib import Path

    from assistant.engine.conversation import Engine
    from assistant.engine.learning import LearningResult
    from assistant.learning_progress import Attempt
    from prompts.practice import PracticeCase
    from store import Actor
    from store.records import Judgement, Review

_SHOWN_BEFORE = (SectionComplete, ReviewComplete, Finished)  # feedback goes before these


def _final(review: Review, criterion: str, live: dict[str, bool | None]) -> Judgement | None:
    """The judgement on ``criterion`` if it is final: given, no follow-up waiting, live."""
    judgement = review.judgements.get(criterion)
    if judgement is None or judgement.pending is not None or live.get(criterion) is not True:
        return None
    return judgement


def _said(judgement: Judgement | None) -> tuple[Any, ...] | None:
    if judgement is None:
        return None
    return (learner_outcome(judgement), tuple(judgement.reasons))


class LearningSession:
    """One practice case being played; reads like a ``Session`` to the front ends."""

    def __init__(
        self, session: Session, case: PracticeCase, *, progress: Path | None = None
    ) -> None:
        self.session = session
        self.case = case
        self.progress_path = progress
        self.first: dict[str, Judgement] = {}  # each criterion's first final judgement
        self.retrying: list[str] = []  # criteria still to judge again in a retry
        self.attempt_id = uuid.uuid4().hex[:12]
        self.started: str = ""
        self._progress_failed = False

    @classmethod
    def open(
        cls,
        case: PracticeCase,
        engine: Engine,
        *,
        actor: Actor | None = None,
        progress: Path | None = None,
        record: bool = True,
    ) -> LearningSession:
        """A new practice review of ``case`` in a memory store of its own.  Progress goes to
        ``progress`` (default: the learner's progress file), or nowhere without ``record``."""
        from assistant.learning_progress import default_path, now_text
        from store import Actor
        from store.memory import MemoryStore

        if engine.fw.id != case.framework:
            raise ValueError(f"practice case {case.id} is written for framework {case.framework}")
        store = MemoryStore(f"practice {case.id}")
        session = Session.open(
            store,
            engine,
            case.case_ref,
            mode="learning",
            actor=actor or Actor("", "learner"),
        )
        learning = cls(session, case, progress=(progress or default_path()) if record else None)
        learning.started = now_text()
        return learning

    def __getattr__(self, name: str) -> Any:
        # The review, its engine, flags and progress, begin, warm_up, close...: the session's.
        if name == "session":  # (not set yet: no endless lookup)
            raise AttributeError(name)
        return getattr(self.session, name)

    # --- the one way in, as a Session ----------------------------------------------------

    def start(self) -> Step:
        return self.session.start()

    def answer(self, text: str | None = None, *, values: list[str] | None = None) -> Step:
        return self.draft_answer(text, values=values).finish()

    def command(self, command: Command) -> Step:
        return self.draft_command(command).finish()

    def draft_answer(self, text: str | None = None, *, values: list[str] | None = None) -> Draft:
        before, retrying = self.session.review, bool(self.retrying)
        return self._marked(before, self.session.draft_answer(text, values=values), retrying)

    def draft_command(self, command: Command) -> Draft:
        if command.name == "retry":
            return _at_once(self.retry())
        if command.name == "case":  # (the front ends show the case file themselves)
            return _at_once(
                self._say("The case file: type case, or /case ID for one extract of it.")
            )
        before, retrying = self.session.review, bool(self.retrying)
        skipped = command.name == "skip" and retrying and self._asking(self.retrying[0])
        if skipped:
            self.retrying.pop(0)  # skipped in a retry: on to the next
        draft = self.session.draft_command(command)
        marked = self._marked(before, draft, retrying, advance=skipped)
        if command.name != "finish":
            return marked

        def finish() -> Step:
            step = marked.finish()
            if not any(isinstance(e, LearningScore) for e in step.events):
                step = step.copy(events=(*step.events, self.score()))
            return step

        return Draft(marked.step, finish)

    def retry(self) -> Step:
        """Judge again the criteria to revisit, one after another; then the score afresh."""
        revisit = list(compare(self.case, self.session.review).revisit)
        if not revisit:
            return self._say("Nothing to revisit: every judgement agrees with the model answer.")
        self.retrying = revisit
        n = len(revisit)
        notice = Notice(
            f"Retry: {'one criterion' if n == 1 else f'{n} criteria'} to judge again "
            f"({', '.join(revisit)}). Read the case file again before you answer."
        )
        step = self.session.command(Command("jump", revisit[0]))
        return step.copy(events=(notice, *step.events))

    # --- marking -------------------------------------------------------------------------

    def _asking(self, criterion: str) -> bool:
        question = self.session.question
        return question is not None and question.item == criterion

    def _say(self, text: str) -> Step:
        return Step(self.session.review, (Notice(text),), self.session.question)

    def _newly_final(self, before: Review, after: Review) -> list[tuple[str, Judgement]]:
        """Criteria whose judgement became final with this step (given, changed or given
        again; a note edited or an answer back in play unchanged says nothing new)."""
        engine = self.session.engine
        old_live, new_live = engine.gates(before.facts), engine.gates(after.facts)
        out = []
        for crit in engine.fw.criteria:
            now = _final(after, crit.id, new_live)
            if now is None:
                continue
            then = _final(before, crit.id, old_live)
            if then is not None and then.copy(note="") == now.copy(note=""):
                continue
            if then is None and before.judgements.get(crit.id) == now:
                continue  # the same answer, live again
            out.append((crit.id, now))
        return out

    def _with_feedback(self, before: Review, step: Step) -> list[Event]:
        """``step``'s events with the feedback on each judgement that just became final, put
        before the sections and the review are said to be complete."""
        added = [self._feedback(c, j) for c, j in self._newly_final(before, step.review)]
        events = list(step.events)
        at = next((i for i, e in enumerate(events) if isinstance(e, _SHOWN_BEFORE)), len(events))
        events[at:at] = added
        return events

    def _marked(
        self, before: Review, draft: Draft, retrying: bool, *, advance: bool = False
    ) -> Draft:
        """A draft of the wrapped session's with the feedback shown at once, marked (see
        ``_mark``) once it is saved: what it shows is the start of what ``finish`` returns."""
        shown = draft.step.copy(events=tuple(self._with_feedback(before, draft.step)))
        return Draft(shown, lambda: self._mark(before, draft.finish(), retrying, advance=advance))

    def _mark(self, before: Review, step: Step, retrying: bool, *, advance: bool = False) -> Step:
        """Add the feedback on the judgements that just became final, go on to the next
        criterion of a retry, and add the score when the review is complete (or a retry
        ends).  Whatever is added after the feedback comes after the step's own events."""
        newly = self._newly_final(before, step.review)
        for criterion, judgement in newly:
            self.first.setdefault(criterion, judgement)
            if criterion in self.retrying:
                self.retrying.remove(criterion)
        events = self._with_feedback(before, step)
        added = bool(newly)
        question = step.question
        if (
            (added or advance)
            and self.retrying
            and (question is None or question.item not in self.retrying)
        ):
            jumped = self.session.command(Command("jump", self.retrying[0]))
            events += jumped.events
            question = jumped.question
        # (In a retry the review completes again after each answer: the score waits for the
        # retry's end.)
        complete = any(isinstance(e, ReviewComplete) for e in events)
        if (retrying and not self.retrying) or (complete and not retrying):
            events.append(self.score())
        if added:
            events += self._record()
        return step.copy(events=tuple(events), question=question)

    def _feedback(self, criterion: str, judgement: Judgement) -> LearningFeedback:
        fb = feedback(self.case, criterion, judgement)
        headings = tuple(
            extract.heading if (extract := self.case.extract(ident)) else "" for ident in fb.cites
        )
        return LearningFeedback(
            criterion=fb.criterion,
            title=fb.title,
            matched=fb.matched,
            verdict=tuple(verdict_lines(self.case, fb)),
            rationale=fb.rationale,
            cites=fb.cites,
            cited=headings,
            good=fb.good,
        )

    def score(self) -> LearningScore:
        """The score of the review as it stands: per section, to revisit, overall."""
        result = compare(self.case, self.session.review)
        lines = closing_lines(result)
        overall = lines.pop()  # "Overall: N of M agreed" stays the last line
        revisit = tuple(
            (f.criterion, f.title) for f in result.criteria if f.judged and not f.matched
        )
        if revisit:
            them = "it" if len(revisit) == 1 else f"those {len(revisit)}"
            lines.append(f"Type retry to judge {them} again.")
        first = self.first_answers()
        if (first.agreed, first.judged) != (result.agreed, result.judged) and first.judged:
            lines.append(
                "Your progress keeps your first answers: "
                f"{agreed_text(first.agreed, first.judged)}."
            )
        lines.append(overall)
        return LearningScore(
            sections=tuple(SectionAgreement(s.title, s.agreed, s.judged) for s in result.sections),
            agreed=result.agreed,
            judged=result.judged,
            revisit=revisit,
            lines=tuple(lines),
        )

    def first_answers(self) -> LearningResult:
        """The learner's first answers, marked."""
        review = self.session.review
        return compare(self.case, review.copy(judgements=dict(self.first)))

    # --- progress ------------------------------------------------------------------------

    def attempt(self) -> Attempt:
        from assistant.learning_progress import Attempt, now_text

        result = self.first_answers()
        live = live_criteria(self.case.framework_model, self.case.facts)
        return Attempt(
            id=self.attempt_id,
            case=self.case.id,
            started=self.started or now_text(),
            at=now_text(),
            agreed=result.agreed,
            judged=result.judged,
            live=len(live),
            complete=all(c in self.first for c in live),
        )

    def _record(self) -> list[Event]:
        """Keep the attempt in the learner's progress file; say so once if that fails."""
        if self.progress_path is None or self._progress_failed:
            return []
        from assistant.learning_progress import ProgressError, record

        try:
            said = record(self.attempt(), self.progress_path)
        except ProgressError as exc:
            self._progress_failed = True
            return [Notice(f"Your practice goes on, but its score is not kept: {exc}", "problem")]
        return [Notice(said, "problem")] if said else []


def _at_once(step: Step) -> Draft:
    """A step already carried out (and saved), as a draft."""
    return Draft(step, lambda: step)
