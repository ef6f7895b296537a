"""A review session: the engine's steps saved through the store, one answer at a time.

Every front end (the Textual app and the plain line mode) drives a ``Session``: it opens or
resumes the review of a case, passes each input to the engine and saves the new review before
the next question is shown.  If another process saved the same review meanwhile, the store
refuses the save (optimistic concurrency); the session then merges this answer into the newer
version and says so, so neither side's answers are lost silently.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from assistant.engine.conversation import Engine
from assistant.engine.events import Notice, Step
from store import Actor, ConflictError, Store
from store.records import Review

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


@dataclass
class Session:
    store: Store
    engine: Engine
    review: Review
    actor: Actor
    notices: list[str] = field(default_factory=list)
    resumed: bool = False  # an existing review was opened (rather than a new one started)
    _begun: bool = False  # ``begin`` has run

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
        should know (another session has it open).  Once is enough; later calls do nothing."""
        if self._begun:
            return []
        if self.unsaved:
            from assistant.engine.progress import index_summary

            summary = index_summary(self.engine, self.review)
            self.review = self.store.save(
                self.review, self.actor, summary=summary, action="created"
            )
        self._begun = True
        claimed = self.store.claim(self.review.id)
        return [claimed] if claimed else []

    def start(self) -> Step:
        return self.apply(self.engine.start(self.review))

    def apply(self, step: Step) -> Step:
        """Save the step's review if it changed; return the step with the stored review."""
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
        base = self.review
        from assistant.engine.progress import index_summary  # (not needed to open a review)

        for _ in range(MAX_MERGE_ATTEMPTS):
            try:
                saved = self.store.save(ours, self.actor, summary=index_summary(self.engine, ours))
                break
            except ConflictError:
                theirs = self.store.get(base.id)
                merged, clashes = merge(base, ours, theirs)
                merged = self.engine.settle(merged)
                text = "This review was also changed in another session; your answer was added "
                text += "to the latest version."
                if clashes:
                    text += f" You both changed {', '.join(clashes)}: your answer is the one kept "
                    text += "(the audit trail has both)."
                events.append(Notice(text, "problem"))
                base, ours = theirs, merged
        else:  # pragma: no cover - only under relentless concurrent writes
            raise ConflictError(f"could not save {base.case_ref}: it keeps changing elsewhere")
        self.review = saved
        question = self.engine.question(saved)
        return Step(saved, tuple(events), question, changed=True)

    def close(self) -> None:
        self.store.release(self.review.id)

    # Shorthands the front ends use.
    def respond(self, text: str) -> Step:
        return self.apply(self.engine.respond(self.review, text, by=self.actor.name))

    def choose(self, values: list[str]) -> Step:
        return self.apply(self.engine.choose(self.review, values, by=self.actor.name))
