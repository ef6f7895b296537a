"""A review session: the engine's steps saved through the store, one answer at a time.

Every front end (the Textual app and the plain line mode) drives a ``Session``: it opens or
resumes the review of a case, passes each input to the engine and saves the new review before
the next question is shown.  If another process saved the same review meanwhile, the store
refuses the save (optimistic concurrency); the session then merges this answer into the newer
version and says so, so neither side's answers are lost silently.

Two windows on one case.  A follow-up still to ask (``Judgement.pending``: the reasons or the
note of an insufficient judgement, ...) belongs to the window that asked the judgement: the
other window's next answer must never be taken as that follow-up.  So a session keeps two
copies of its review: ``stored``, as the store has it, and ``review``, the window's own view,
which is the stored review without the follow-ups another window is asking (``foreign``).
The engine only ever sees the view; before saving, the foreign follow-ups are put back so
that the other window finds its follow-up where it left it.  A merge combines answers field by
field (facts key by key, judgements criterion by criterion and field by field, flag states flag
by flag): what this window changed since it last saw the review wins, everything else is taken
from the newer version, and each window is told which items changed under it.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from assistant.commands import Command
from assistant.engine.conversation import Engine
from assistant.engine.events import (
    Notice,
    NoticeKind,
    Question,
    ReviewComplete,
    Step,
)
from assistant.engine.oversight import locked_line
from assistant.session_oversight import MAX_MERGE_ATTEMPTS, SessionOversight, participants_of
from assistant.text import printable
from store import Actor, ConflictError, ReviewStore, StoreError
from store.records import (
    FlagStateName,
    Judgement,
    Review,
    normalise_case_ref,
)

if TYPE_CHECKING:
    from assistant.engine.flags import Flag
    from assistant.engine.progress import Progress, SummaryRow
    from prompts.model import Framework


_JUDGEMENT_FIELDS = tuple(f.name for f in dataclasses.fields(Judgement))


def _merge_values(base: Any, ours: Any, theirs: Any) -> tuple[Any, bool]:
    """One value of a three-way merge, and whether both sides changed it differently."""
    if ours == base:
        return theirs, False
    return ours, theirs not in (base, ours)


def _merge_judgement(
    base: Judgement | None, ours: Judgement, theirs: Judgement
) -> tuple[Judgement, bool]:
    """Field by field: what this window changed since ``base``, else the newer version's."""
    if base is None:  # both answered it afresh: this window's answer is the one it gave
        return ours, ours != theirs
    changes: dict[str, Any] = {}
    clash = False
    for name in _JUDGEMENT_FIELDS:
        value, clashed = _merge_values(
            getattr(base, name), getattr(ours, name), getattr(theirs, name)
        )
        changes[name] = value
        clash = clash or clashed
    return dataclasses.replace(theirs, **changes), clash


def merge(base: Review, ours: Review, theirs: Review) -> tuple[Review, list[str], list[str]]:
    """Apply the change ``base`` -> ``ours`` onto ``theirs`` (the newer stored version).

    Returns the merged review, the items both sides changed differently (``ours`` is kept
    for them; the audit trail has both) and the items the other side changed (for a notice).
    Facts and flag states merge key by key, judgements criterion by criterion and field by
    field, so an answer given in one window never overwrites a different part of an answer
    given in the other.  ``ours`` must carry the other window's follow-ups as ``base`` had
    them (the session puts them back before saving): a follow-up this window did not touch is
    taken from ``theirs``, never replaced by this window's view.
    """
    clashes: list[str] = []
    changed: list[str] = []
    update: dict[str, object] = {}
    for name in ("facts", "judgements", "flag_states"):
        mine_before: dict = getattr(base, name)
        mine_after: dict = getattr(ours, name)
        newer: dict = getattr(theirs, name)
        result = dict(newer)
        keys = [*mine_before, *(k for k in [*mine_after, *newer] if k not in mine_before)]
        for key in dict.fromkeys(keys):
            label = key if name != "flag_states" else f"flag {key}"
            if mine_before.get(key) != newer.get(key):
                changed.append(label)
            was, now, there = mine_before.get(key), mine_after.get(key), newer.get(key)
            if was == now:
                continue  # not ours to change: the newer version stands
            if now is None:
                result.pop(key, None)
                if there != was:
                    clashes.append(label)
                continue
            if name == "judgements" and there is not None:
                result[key], clash = _merge_judgement(was, now, there)
            else:
                result[key], clash = now, there not in (was, now)
            if clash:
                clashes.append(label)
        update[name] = result
    for name in (
        "skipped",
        "focus",
        "team",
        "reviewer",
        "participants",
        "countersignature",
        "unlocks",
        "escalations",
    ):
        if getattr(base, name) != getattr(ours, name):
            update[name] = getattr(ours, name)
    return theirs.copy(**update), clashes, changed


def _mask(review: Review, foreign: set[str]) -> Review:
    """``review`` without the follow-ups of the criteria in ``foreign`` (another window's)."""
    hidden = {
        cid: j.copy(pending=None)
        for cid, j in review.judgements.items()
        if cid in foreign and j.pending is not None
    }
    return review.copy(judgements={**review.judgements, **hidden}) if hidden else review


@dataclass(frozen=True)
class Draft:
    """One input's step, computed but not saved yet: its events, flags and next question can
    be shown at once (the pure engine takes well under a millisecond), while ``finish`` (the
    save: disk or database) runs elsewhere, a worker thread in the app.  ``finish`` returns
    the final step: the draft's events first, then any added by saving (a merge, a re-audit's
    outcome), and the progress."""

    step: Step
    finish: Callable[[], Step]


_ENGINES: dict[int, Engine] = {}


def engine_for(framework: Framework) -> Engine:
    """The engine for a framework (one per framework object, kept for the process): how a
    front end gets the ``Engine`` a ``Session`` needs without driving the engine itself."""
    engine = _ENGINES.get(id(framework))
    if engine is None or engine.fw is not framework:
        engine = _ENGINES[id(framework)] = Engine(framework)
    return engine


@dataclass
class Session(SessionOversight):
    """One review being answered: the only way a front end reaches the engine and the store.

    ``answer`` and ``command`` take the user's input and return a ``Step``: the events to show,
    the next question, the flags and the progress, computed once; the review is saved before
    they return.  ``draft_answer`` and ``draft_command`` split the two: the step computed
    (nothing saved) and a ``finish`` that saves it, so a front end can paint a flag in the
    same turn as the key that gave it, and save afterwards.
    """

    store: ReviewStore
    engine: Engine
    review: Review  # this window's view: the stored review without other windows' follow-ups
    actor: Actor
    notices: list[str] = field(default_factory=list)
    resumed: bool = False  # an existing review was opened (rather than a new one started)
    _begun: bool = False  # ``begin`` has run
    _changed_on_open: bool = False  # the status or team of the opened review changed: save it
    stored: Review | None = None  # the review as last loaded or saved (None: as ``review``)
    foreign: dict[str, str] = field(default_factory=dict)  # criterion -> its follow-up there
    _earlier: Review | None = None  # the earlier review of a re-audit, once read

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
        store: ReviewStore,
        engine: Engine,
        case_ref: str,
        *,
        mode: str | None = None,
        actor: Actor | None = None,
        team: str | None = None,
        new: bool = False,
        review_id: str | None = None,
        create_now: bool = True,
        case_manager: str | None = None,
    ) -> Session:
        """Resume the stored review of ``case_ref`` or start (and save) a new one.

        ``review_id`` opens that stored review.  ``new`` starts a new review even when the
        case has one (a re-audit; the earlier review is kept as it is, and the new one records
        it: its flags are shown at the start and compared at the end).  ``team`` sets the team
        of a new review, or changes it on the one resumed.  ``case_manager`` names the case
        manager of a joint review (the actor is the inspector); the participants are recorded
        with their roles.  With ``create_now=False`` nothing is written here: ``begin()`` saves
        a new review and claims it, or at the latest the first answer does.  The app shows the first
        question first and calls ``begin`` just after (saving validates the record, which needs
        pydantic, which is kept off the start-up path).
        """
        actor = actor or Actor()
        case_ref = normalise_case_ref(case_ref)
        problems: tuple[str, ...] = ()
        if review_id is not None:
            try:
                found = store.get(review_id)
            except KeyError:
                raise StoreError(f"There is no review {review_id!r} in the store.") from None
            existing: Review | None = found
            case_ref, mode = found.case_ref, found.mode
        else:
            looked = store.find_case(case_ref, mode)
            existing, problems = looked.review, looked.problems
        notices: list[str] = [
            f"A stored review could not be read and was left untouched: {problem}"
            for problem in problems
        ]
        other = store.find_case(case_ref).review if existing is None and mode else None
        if other is not None:
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
        earlier: str | None = None
        if existing is not None and new:
            notices.append(
                f"Starting a new review of {existing.case_ref} (a re-audit); the earlier "
                f"review, last changed {existing.updated_at:%Y-%m-%d}, is kept as it is."
            )
            earlier = existing.id
            existing = None
        changed = False
        if existing is not None:
            review = existing
            if review.locked:
                notices.append(locked_line(review))
                if team is not None and team != review.team:
                    notices.append("The team was not changed: the review is locked.")
            else:
                if team is not None and team != review.team:
                    review = review.copy(team=team)
                if case_manager and review.mode == "joint":
                    review = review.copy(
                        participants=participants_of(review.participants, actor, case_manager)
                    )
                # Completion follows the answers (a review made before the rule changed).
                review = engine.settle(review, review.updated_at).copy(updated_at=review.updated_at)
            changed = review != existing
        else:
            chosen = mode or "self"
            review = engine.new_review(
                uuid.uuid4().hex,
                case_ref,
                mode=chosen,
                reviewer=actor.name,
                role=actor.role,
                team=team or "",
                participants=participants_of((), actor, case_manager or "")
                if chosen == "joint"
                else (),
                earlier_review=earlier,
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
        has it open).  Once is enough; later calls do nothing.

        A resumed review's follow-ups are this window's to ask (it picks up where the review
        was left), unless another live session has the review open: then they are that
        session's, and this window does not ask them."""
        if self._begun:
            return []
        if self.unsaved:
            self.review = self.stored = self._save(self.review, action="created")
        elif self._changed_on_open and not self.review.locked:
            self.review = self.stored = self._save(self.review, action="changed")
            self._changed_on_open = False
        self._begun = True
        claimed = self.store.claim(self.review.id)
        if claimed and self.resumed and self.store.claimed_by(self.review.id):
            # Another live session has it open: its follow-ups are its own to ask.
            self._set_stored(self._stored(), mine=set())
        return [claimed] if claimed else []

    def _stored(self) -> Review:
        return self.stored if self.stored is not None else self.review

    def _set_stored(self, stored: Review, *, mine: set[str]) -> None:
        """Take ``stored`` as the review in the store; follow-ups not in ``mine`` (criteria
        whose follow-up this window asked) are another window's and hidden from the view."""
        self.foreign = {
            cid: j.pending
            for cid, j in stored.judgements.items()
            if j.pending is not None and cid not in mine
        }
        self.stored = stored
        self.review = _mask(stored, set(self.foreign))

    def _with_foreign(self, ours: Review) -> Review:
        """This window's new review with the other window's follow-ups put back where it left
        them (unless this window has since answered that criterion differently)."""
        stored = self._stored()
        restored = {}
        for cid, pending in self.foreign.items():
            judgement = ours.judgements.get(cid)
            there = stored.judgements.get(cid)
            if judgement is None or there is None or judgement.pending is not None:
                continue
            if judgement.outcome == there.outcome:
                restored[cid] = judgement.copy(pending=pending)
        if not restored:
            return ours
        return self.engine.settle(ours.copy(judgements={**ours.judgements, **restored}))

    def start(self) -> Step:
        """The first question: where the review stopped.  What starting changes (a focus left
        from last time) is saved now, or by ``begin`` when the session has not begun (the
        app's first frame writes nothing)."""
        step = self.engine.start(self.review)
        earlier = self.earlier()
        if earlier is not None and not self.complete:
            from assistant.engine.oversight import earlier_flags

            step = step.copy(events=(earlier_flags(self.engine, earlier), *step.events))
        if self.review.locked:  # (a focus left from last time is cleared in memory only)
            self.review = step.review
            return step.copy(changed=False)
        if not self._begun:
            # Nothing written, and no flags: the app's first frame needs only the question.
            if step.changed:
                self.review = step.review
                self._changed_on_open = True
            return step.copy(changed=False)
        return self._finish(step)

    # --- the one way in ----------------------------------------------------------------------

    def answer(self, text: str | None = None, *, values: list[str] | None = None) -> Step:
        """Take one answer: typed ``text`` (a quick-reply number or word, or free text) or
        quick-reply ``values`` (buttons, a multi-select); saved before it returns."""
        return self.draft_answer(text, values=values).finish()

    def command(self, command: Command) -> Step:
        """Carry out a command that works on the review (see ``assistant.commands``); saved
        before it returns.  The front ends show summaries, flags and help themselves."""
        return self.draft_command(command).finish()

    def draft_answer(self, text: str | None = None, *, values: list[str] | None = None) -> Draft:
        """``answer``, computed but not saved: ``finish()`` saves it."""
        by = self.actor.name
        if values is not None:
            step = self.engine.choose(self.review, values, by=by)
        else:
            step = self.engine.respond(self.review, text or "", by=by)
        return self._draft(step)

    def draft_command(self, command: Command) -> Draft:
        """``command``, computed but not saved: ``finish()`` saves it."""
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
        elif name == "escalate":
            step = engine.escalate(review, arg)
        elif name == "finish":
            step = engine.finish(review)
        else:
            word = printable(arg if name == "unknown" else name, single_line=True)
            step = self._say(f"Unknown command /{word}. Type /help for the commands.", "problem")
        return self._draft(step, navigation=name in ("jump", "back"))

    def _say(self, text: str, kind: NoticeKind = "info") -> Step:
        notice = Notice(text, kind)
        return Step(self.review, (notice,), self.engine.question(self.review))

    def _finish(self, step: Step, *, navigation: bool = False) -> Step:
        """A step computed by the engine, saved (see ``_draft``)."""
        return self._draft(step, navigation=navigation).finish()

    def _draft(self, step: Step, *, navigation: bool = False) -> Draft:
        """The step with its flags (computed once), and a ``finish`` that saves its review if
        it changed and adds the progress.  Nothing here touches the store.

        A countersigned review is locked: a step that would change it is refused with one line
        saying so (going back or jumping to a question moves in this window only)."""
        if step.changed and self.review.locked:
            if navigation:
                self.review = step.review
                step = step.copy(changed=False)
            else:
                step = self._refused()
        drafted = step.copy(flags=tuple(self.engine.flags(step.review)))
        return Draft(drafted, lambda: self._settled(drafted))

    def _settled(self, step: Step) -> Step:
        """Save a drafted step's review if it changed (a completed re-audit gets its outcome);
        the flags again if saving changed the review, and the progress."""
        flags = step.flags
        if step.changed:
            if any(isinstance(e, ReviewComplete) for e in step.events):
                outcome = self.reaudit_outcome(step.review)
                if outcome is not None:
                    step = step.copy(events=(*step.events, outcome))
            before = step.review
            step = self._store(step)
            if step.review is not before:
                flags = tuple(self.engine.flags(step.review))
        else:
            self.review = step.review
        from assistant.engine.progress import progress

        return step.copy(flags=flags, progress=progress(self.engine, step.review, flags))

    def _summary(self, review: Review) -> dict[str, int]:
        from assistant.engine.progress import index_summary

        return index_summary(self.engine, review)

    def _save(self, review: Review, *, action: str = "answered") -> Review:
        summary = self._summary(review)
        return self.store.save(review, self.actor, summary=summary, action=action)

    def _store(self, step: Step) -> Step:
        """Save ``step.review``; on a conflict, merge it into the newer version and say so."""
        ours = step.review
        events = list(step.events)
        question = step.question
        if not self._begun:
            events += [Notice(text, "problem") for text in self.begin()]
            ours = ours.copy(revision=self.review.revision)  # begin may have saved it
        mine = {cid for cid, j in ours.judgements.items() if j.pending is not None}
        base = self._stored()
        ours = self._with_foreign(ours)
        merged = False
        for _ in range(MAX_MERGE_ATTEMPTS):
            try:
                saved = self._save(ours)
                break
            except ConflictError:
                theirs = self.store.get(base.id)
                if theirs.locked and ours.countersignature != theirs.countersignature:
                    # Countersigned in another session meanwhile: nothing more may change.
                    self._set_stored(theirs, mine=set())
                    return self._refused()
                combined, clashes, changed = merge(base, ours, theirs)
                combined = self.engine.settle(combined)
                events.append(Notice(_merge_notice(changed, clashes), "problem"))
                base, ours = theirs, combined
                merged = True
        else:  # pragma: no cover - only under relentless concurrent writes
            raise ConflictError(f"could not save {base.case_ref}: it keeps changing elsewhere")
        self._set_stored(saved, mine=mine)
        if merged or self.foreign:
            question = self.engine.question(self.review)  # asked afresh of this window's view
        return step.copy(review=self.review, events=tuple(events), question=question)

    def close(self) -> None:
        self.store.release(self.review.id)


def _merge_notice(changed: list[str], clashes: list[str]) -> str:
    """What a window is told when its answer was merged into a newer version."""
    text = "This review was also changed in another session"
    if changed:
        shown = ", ".join(changed[:8]) + (" ..." if len(changed) > 8 else "")
        text += f" ({shown})"
    text += "; your answer was added to the latest version."
    if clashes:
        text += f" You both changed {', '.join(clashes)}: your answer is the one kept "
        text += "(the audit trail has both)."
    return text
