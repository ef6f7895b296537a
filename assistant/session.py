"""A review session: the engine's steps saved through the store, one answer at a time.

Every front end (the Textual app and the plain line mode) drives a ``Session``: it opens or
resumes the review of a case, passes each input to the engine and saves the new review before
the next question is shown.  If another process saved the same review meanwhile, the store
refuses the save (optimistic concurrency); the session then merges this answer into the newer
version and says so, so neither side's answers are lost silently.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from assistant.commands import Command
from assistant.engine.conversation import Engine
from assistant.engine.events import Notice, NoticeKind, Question, Step
from assistant.text import printable
from store import Actor, ConflictError, Store, StoreError
from store.records import FlagStateName, Review, normalise_case_ref

if TYPE_CHECKING:
    from assistant.engine.flags import Flag
    from assistant.engine.progress import Progress, SummaryRow
    from prompts.model import Framework

MAX_MERGE_ATTEMPTS = 5


def merge(base: Review, ours: Review, theirs: Review) -> tuple[Review, list[str]]:
    """Apply the change base -> ours onto theirs; name items both sides changed."""
    clashes: list[str] = []
    update: dict[str, object] = {}
    for name in ("facts", "judgements", "flag_states"):
        mine_before: dict = getattr(base, name)
        mine_after: dict = getattr(ours, name)
        result = dict(getattr(theirs, name))
        for key in set(mine_before) | set(mine_after):
            if mine_before.get(key) == mine_after.get(key):
                continue
            if result.get(key) != mine_before.get(key) and result.get(key) != mine_after.get(key):
                clashes.append(key)
            if key in mine_after:
                result[key] = mine_after[key]
            else:
                result.pop(key, None)
        update[name] = result
    for name in ("skipped", "focus", "team", "reviewer", "participants"):
        if getattr(base, name) != getattr(ours, name):
            update[name] = getattr(ours, name)
    return theirs.copy(**update), clashes


BeforeSave = Callable[[Step], None]
_ENGINES: dict[int, Engine] = {}


def engine_for(framework: Framework) -> Engine:
    """The engine for a framework (one per framework object, kept for the process): how a
    front end gets the ``Engine`` a ``Session`` needs without driving the engine itself."""
    engine = _ENGINES.get(id(framework))
    if engine is None or engine.fw is not framework:
        engine = _ENGINES[id(framework)] = Engine(framework)
    return engine


@dataclass
class Session:
    """One review being answered: the only way a front end reaches the engine and the store.

    ``answer`` and ``command`` take the user's input and return a ``Step``: the events to show,
    the next question, the flags and the progress, computed once; the review is saved before
    they return.  ``before_save`` (optional) is called with the computed step just before the
    save, so a front end can paint a flag while the disk works.
    """

    store: Store
    engine: Engine
    review: Review
    actor: Actor
    notices: list[str] = field(default_factory=list)
    resumed: bool = False  # an existing review was opened (rather than a new one started)
    _begun: bool = False  # ``begin`` has run
    _changed_on_open: bool = False  # the status or team of the opened review changed: save it

    @property
    def unsaved(self) -> bool:
        """A new review not saved yet (see ``open(create_now=False)``): stored ones have a
        revision."""
        return self.review.revision == 0

    @property
    def complete(self) -> bool:
        return self.review.status == "complete"

    # --- what the front ends read (computed by the engine, kept for the current review) ------

    @property
    def framework(self) -> Framework:
        return self.engine.fw

    @property
    def flags(self) -> list[Flag]:
        return self.engine.flags(self.review)

    @property
    def question(self) -> Question | None:
        return self.engine.question(self.review)

    def progress(self) -> Progress:
        from assistant.engine.progress import progress

        return progress(self.engine, self.review, self.flags)

    def summary_rows(self) -> list[SummaryRow]:
        from assistant.engine.progress import summary_rows

        return summary_rows(self.engine, self.review)

    def checks_not_run(self) -> list[tuple[str, tuple[str, ...]]]:
        """Consistency checks that could not run for want of a fact: (title, fact ids)."""
        return self.engine.checks_not_run(self.review)

    @classmethod
    def open(
        cls,
        store: Store,
        engine: Engine,
        case_ref: str,
        *,
        mode: str | None = None,
        actor: Actor | None = None,
        team: str | None = None,
        new: bool = False,
        review_id: str | None = None,
        create_now: bool = True,
    ) -> Session:
        """Resume the stored review of ``case_ref`` or start (and save) a new one.

        ``review_id`` opens that stored review.  ``new`` starts a new review even when the
        case has one (a re-audit; the earlier review
        is kept as it is).  ``team`` sets the team of a new review, or changes it on the one
        resumed.  With ``create_now=False`` nothing is written here: ``begin()`` saves a new
        review and claims it, or at the latest the first answer does.  The app shows the first
        question first and calls ``begin`` just after (saving validates the record, which needs
        pydantic, which is kept off the start-up path).
        """
        actor = actor or Actor()
        case_ref = normalise_case_ref(case_ref)
        if review_id is not None:
            try:
                found = store.get(review_id)
            except KeyError:
                raise StoreError(f"There is no review {review_id!r} in the store.") from None
            existing: Review | None = found
            case_ref, mode = found.case_ref, found.mode
        else:
            existing = store.find_case(case_ref, mode) if mode else store.find_case(case_ref)
        notices: list[str] = [
            f"A stored review could not be read and was left untouched: {problem}"
            for problem in store.problems()
        ]
        if existing is None and mode and (other := store.find_case(case_ref)) is not None:
            notices.append(
                f"Starting a {mode} review of {other.case_ref}; its {other.mode} review is "
                "kept as it is."
            )
        if existing is not None and existing.framework != engine.fw.id:
            notices.append(
                f"{existing.case_ref} was reviewed with framework {existing.framework}; "
                f"starting a separate {engine.fw.id} review."
            )
            existing = None
        if existing is not None and new:
            notices.append(
                f"Starting a new review of {existing.case_ref} (a re-audit); the earlier "
                f"review, last changed {existing.updated_at:%Y-%m-%d}, is kept as it is."
            )
            existing = None
        changed = False
        if existing is not None:
            review = existing
            if team is not None and team != review.team:
                review = review.copy(team=team)
            # Completion follows the answers (a review made before the rule changed, say).
            review = engine.settle(review, review.updated_at).copy(updated_at=review.updated_at)
            changed = review != existing
        else:
            review = engine.new_review(
                uuid.uuid4().hex,
                case_ref,
                mode=mode or "self",
                reviewer=actor.name,
                role=actor.role,
                team=team or "",
            )
        session = cls(store, engine, review, actor, notices, resumed=existing is not None)
        session._changed_on_open = changed
        if create_now:
            notices.extend(session.begin())
        return session

    def warm_up(self) -> None:
        """Load, while the user reads the first question, what the first answer will need:
        the interpreter and its word lists, flag derivation, record validation (pydantic) and
        the store's writer.  For a background thread; only ever an optimisation."""
        from assistant.engine import flags, interpret  # noqa: F401
        from checked import adapter
        from store import audit, tinydb_storage  # noqa: F401

        question = self.question
        criterion = self.framework.criterion(question.item) if question else None
        interpret.warm([criterion] if criterion else [])
        adapter(Review)  # builds the validator

    def begin(self) -> list[str]:
        """Save a new review for the first time (or the status and team of a resumed one, when
        they changed) and claim the review; return what the user should know (another session
        has it open).  Once is enough; later calls do nothing."""
        if self._begun:
            return []
        if self.unsaved:
            self.review = self._save(self.review, action="created")
        elif self._changed_on_open:
            self.review = self._save(self.review, action="changed")
            self._changed_on_open = False
        self._begun = True
        claimed = self.store.claim(self.review.id)
        return [claimed] if claimed else []

    def start(self) -> Step:
        """The first question: where the review stopped.  What starting changes (a focus left
        from last time) is saved now, or by ``begin`` when the session has not begun (the
        app's first frame writes nothing)."""
        step = self.engine.start(self.review)
        if not self._begun:
            # Nothing written, and no flags: the app's first frame needs only the question.
            if step.changed:
                self.review = step.review
                self._changed_on_open = True
            return step.copy(changed=False)
        return self._finish(step, None)

    # --- the one way in ----------------------------------------------------------------------

    def answer(
        self,
        text: str | None = None,
        *,
        values: list[str] | None = None,
        before_save: BeforeSave | None = None,
    ) -> Step:
        """Take one answer: typed ``text`` (a quick-reply number or word, or free text) or
        quick-reply ``values`` (buttons, a multi-select)."""
        by = self.actor.name
        if values is not None:
            step = self.engine.choose(self.review, values, by=by)
        else:
            step = self.engine.respond(self.review, text or "", by=by)
        return self._finish(step, before_save)

    def command(self, command: Command, *, before_save: BeforeSave | None = None) -> Step:
        """Carry out a command that works on the review (see ``assistant.commands``).  The
        front ends show summaries, flags and help themselves."""
        engine, review, arg = self.engine, self.review, command.argument
        name = command.name
        if name == "back":
            step = engine.back(review)
        elif name == "jump":
            step = (
                engine.jump(review, arg)
                if arg
                else self._say("Say which question: jump ID, e.g. jump rr.plan_review", "clarify")
            )
        elif name == "skip":
            step = engine.skip(review)
        elif name == "why":
            step = engine.why(review, arg or None)
        elif name == "note":
            step = engine.set_note(review, arg)
        elif name in ("done", "open"):
            state: FlagStateName = "done" if name == "done" else "open"
            step = engine.set_flag_state(review, arg, state, by=self.actor.name)
        elif name == "team":
            step = engine.set_team(review, arg)
        elif name == "finish":
            step = engine.finish(review)
        else:
            word = printable(arg if name == "unknown" else name, single_line=True)
            step = self._say(f"Unknown command /{word}. Type /help for the commands.", "problem")
        return self._finish(step, before_save)

    def _say(self, text: str, kind: NoticeKind = "info") -> Step:
        notice = Notice(text, kind)
        return Step(self.review, (notice,), self.engine.question(self.review))

    def _finish(self, step: Step, before_save: BeforeSave | None) -> Step:
        """Save the step's review if it changed; add flags and progress, computed once."""
        flags = tuple(self.engine.flags(step.review))
        if before_save is not None:
            before_save(step.copy(flags=flags))
        if step.changed:
            step = self._store(step)
            flags = tuple(self.engine.flags(step.review))
        else:
            self.review = step.review
        from assistant.engine.progress import progress

        return step.copy(flags=flags, progress=progress(self.engine, step.review, flags))

    def _save(self, review: Review, *, action: str = "answered") -> Review:
        from assistant.engine.progress import index_summary

        summary = index_summary(self.engine, review)
        return self.store.save(review, self.actor, summary=summary, action=action)

    def _store(self, step: Step) -> Step:
        """Save ``step.review``; on a conflict, merge it into the newer version and say so."""
        ours = step.review
        events = list(step.events)
        question = step.question
        if not self._begun:
            events += [Notice(text, "problem") for text in self.begin()]
            ours = ours.copy(revision=self.review.revision)  # begin may have saved it
        base = self.review
        merged = False
        for _ in range(MAX_MERGE_ATTEMPTS):
            try:
                saved = self._save(ours)
                break
            except ConflictError:
                theirs = self.store.get(base.id)
                combined, clashes = merge(base, ours, theirs)
                combined = self.engine.settle(combined)
                text = "This review was also changed in another session; your answer was added "
                text += "to the latest version."
                if clashes:
                    text += f" You both changed {', '.join(clashes)}: your answer is the one kept "
                    text += "(the audit trail has both)."
                events.append(Notice(text, "problem"))
                base, ours = theirs, combined
                merged = True
        else:  # pragma: no cover - only under relentless concurrent writes
            raise ConflictError(f"could not save {base.case_ref}: it keeps changing elsewhere")
        self.review = saved
        if merged:
            question = self.engine.question(saved)  # asked afresh of the merged review
        return step.copy(review=saved, events=tuple(events), question=question)

    def close(self) -> None:
        self.store.release(self.review.id)
