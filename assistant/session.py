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
from dataclasses import dataclass, field
from typing import Any

from assistant.engine.conversation import Engine
from assistant.engine.events import Notice, Step
from store import Actor, ConflictError, Store
from store.records import Judgement, Review

MAX_MERGE_ATTEMPTS = 5
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
    for name in ("skipped", "focus", "team", "reviewer", "participants"):
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


@dataclass
class Session:
    store: Store
    engine: Engine
    review: Review  # this window's view: the stored review without other windows' follow-ups
    actor: Actor
    notices: list[str] = field(default_factory=list)
    resumed: bool = False  # an existing review was opened (rather than a new one started)
    _begun: bool = False  # ``begin`` has run
    stored: Review | None = None  # the review as last loaded or saved (None: as ``review``)
    foreign: dict[str, str] = field(default_factory=dict)  # criterion -> its follow-up there

    @property
    def unsaved(self) -> bool:
        """A new review not saved yet (see ``open(create_now=False)``): stored ones have a
        revision."""
        return self.review.revision == 0

    @classmethod
    def open(
        cls,
        store: Store,
        engine: Engine,
        case_ref: str,
        *,
        mode: str | None = None,
        actor: Actor | None = None,
        team: str = "",
        create_now: bool = True,
    ) -> Session:
        """Resume the stored review of ``case_ref`` or start (and save) a new one.

        With ``create_now=False`` nothing is written here: ``begin()`` saves a new review and
        claims it, or at the latest the first answer (``apply``) does.  The app shows the
        first question first and calls ``begin`` just after (saving validates the record,
        which needs pydantic, which is kept off the start-up path).
        """
        actor = actor or Actor()
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
        resumed = existing is not None
        if existing is not None:
            review = existing
        else:
            review = engine.new_review(
                uuid.uuid4().hex,
                case_ref,
                mode=mode or "self",
                reviewer=actor.name,
                role=actor.role,
                team=team,
            )
        session = cls(store, engine, review, actor, notices, resumed=resumed)
        if create_now:
            notices.extend(session.begin())
        return session

    def begin(self) -> list[str]:
        """Save a new review for the first time and claim the review; return what the user
        should know (another session has it open).  Once is enough; later calls do nothing.

        A resumed review's follow-ups are this window's to ask (it picks up where the review
        was left), unless another live session has the review open: then they are that
        session's, and this window does not ask them."""
        if self._begun:
            return []
        if self.unsaved:
            from assistant.engine.progress import index_summary

            summary = index_summary(self.engine, self.review)
            self.review = self.store.save(
                self.review, self.actor, summary=summary, action="created"
            )
            self.stored = self.review
        self._begun = True
        claimed = self.store.claim(self.review.id)
        if claimed and self.resumed and self.store.claimed_by(self.review.id):
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
        return self.apply(self.engine.start(self.review))

    def apply(self, step: Step) -> Step:
        """Save the step's review if it changed; return the step with this window's view of
        the stored review."""
        if not step.changed:
            self.review = step.review
            return step
        ours = step.review
        events = list(step.events)
        if not self._begun:
            new = self.unsaved
            events += [Notice(text, "problem") for text in self.begin()]
            if new:
                ours = ours.copy(revision=self.review.revision)
        mine = {cid for cid, j in ours.judgements.items() if j.pending is not None}
        base = self._stored()
        ours = self._with_foreign(ours)
        from assistant.engine.progress import index_summary  # (not needed to open a review)

        for _ in range(MAX_MERGE_ATTEMPTS):
            try:
                saved = self.store.save(ours, self.actor, summary=index_summary(self.engine, ours))
                break
            except ConflictError:
                theirs = self.store.get(base.id)
                merged, clashes, changed = merge(base, ours, theirs)
                merged = self.engine.settle(merged)
                events.append(Notice(_merge_notice(changed, clashes), "problem"))
                base, ours = theirs, merged
        else:  # pragma: no cover - only under relentless concurrent writes
            raise ConflictError(f"could not save {base.case_ref}: it keeps changing elsewhere")
        self._set_stored(saved, mine=mine)
        question = self.engine.question(self.review)
        return Step(self.review, tuple(events), question, changed=True)

    def close(self) -> None:
        self.store.release(self.review.id)

    # Shorthands the front ends use.
    def respond(self, text: str) -> Step:
        return self.apply(self.engine.respond(self.review, text, by=self.actor.name))

    def choose(self, values: list[str]) -> Step:
        return self.apply(self.engine.choose(self.review, values, by=self.actor.name))


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
