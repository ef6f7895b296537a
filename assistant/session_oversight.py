"""The oversight part of a ``Session`` (SPEC §10): countersigning and unlocking, closing an
action, taking what another session saved, and a re-audit's earlier review.

A mixin of ``assistant.session.Session``, kept apart so that the session's module keeps to its
one job (answers saved, merged with another window's); every method here goes through the
same store, engine and refusal of a locked review as the answers do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant.engine.events import Notice, ReauditOutcome, Step
from assistant.engine.oversight import locked_line
from store import Actor, ConflictError, StoreError
from store.records import FlagStateName, Participant, Review, as_role

if TYPE_CHECKING:
    from assistant.engine.conversation import Engine
    from assistant.engine.events import NoticeKind
    from store import ReviewStore

MAX_MERGE_ATTEMPTS = 5  # saves retried on a conflict before giving up


class SessionOversight:
    """Countersign, unlock, close an action, refresh, the earlier review of a re-audit."""

    if TYPE_CHECKING:  # (the Session's fields and methods these use)
        store: ReviewStore
        engine: Engine
        review: Review
        actor: Actor
        _begun: bool
        _earlier: Review | None

        def _stored(self) -> Review: ...
        def _set_stored(self, stored: Review, *, mine: set[str]) -> None: ...
        def _finish(self, step: Step, *, navigation: bool = False) -> Step: ...
        def _say(self, text: str, kind: NoticeKind = "info") -> Step: ...
        def _summary(self, review: Review) -> dict[str, int]: ...
        def begin(self) -> list[str]: ...

    def _refused(self) -> Step:
        return Step(
            self.review,
            (Notice(locked_line(self.review), "problem"),),
            self.engine.question(self.review),
        )

    @property
    def locked(self) -> bool:
        return self.review.locked

    def countersign(self, by: str, comment: str = "", *, role: str = "manager") -> Step:
        """Countersign this (complete) review, which locks it."""
        from assistant.engine.oversight import countersign

        step = countersign(self.engine, self._stored(), by, comment, role=as_role(role))
        return self._finish_oversight(step, "countersigned", Actor(by.strip(), role))

    def unlock(self, by: str, why: str, *, role: str = "manager") -> Step:
        """Lift the countersignature (who, and why, kept in the review and its audit trail)."""
        from assistant.engine.oversight import unlock

        step = unlock(self.engine, self._stored(), by, why, role=as_role(role))
        return self._finish_oversight(step, "unlocked", Actor(by.strip(), role))

    def set_action_state(self, flag_id: str, state: FlagStateName, *, note: str = "") -> Step:
        """Close (or reopen) the action a flag asks for, with a note; refused when locked."""
        step = self.engine.set_flag_state(
            self.review, flag_id, state, by=self.actor.name, note=note
        )
        return self._finish(step)

    def _finish_oversight(self, step: Step, action: str, actor: Actor) -> Step:
        """Save a countersignature or an unlock (audited as such); on a conflict, put it on
        the newer version when that still allows it."""
        if not step.changed:
            return step.copy(flags=tuple(self.engine.flags(self.review)))
        if not self._begun:
            self.begin()
        ours = step.review
        for _ in range(MAX_MERGE_ATTEMPTS):
            try:
                saved = self.store.save(ours, actor, summary=self._summary(ours), action=action)
                break
            except ConflictError:
                theirs = self.store.get(ours.id)
                if (theirs.status != "complete") or (theirs.locked == ours.locked):
                    # No longer complete, or countersigned (or unlocked) elsewhere meanwhile.
                    self._set_stored(theirs, mine=set())
                    return self._say(
                        "The review was changed in another session meanwhile; look at it "
                        "again before countersigning or unlocking it.",
                        "problem",
                    )
                ours = theirs.copy(countersignature=ours.countersignature, unlocks=ours.unlocks)
        else:  # pragma: no cover - only under relentless concurrent writes
            raise ConflictError(f"could not save {ours.case_ref}: it keeps changing elsewhere")
        self._set_stored(saved, mine=set())
        return step.copy(review=self.review, flags=tuple(self.engine.flags(self.review)))

    def refresh(self) -> bool:
        """Take the stored review when another session saved it since (an action closed
        elsewhere, a countersignature); True if it changed.  This window's follow-ups stay
        its own."""
        try:
            stored = self.store.get(self.review.id)
        except (KeyError, StoreError):
            return False
        if stored.revision == self._stored().revision:
            return False
        mine = {cid for cid, j in self.review.judgements.items() if j.pending is not None}
        self._set_stored(stored, mine=mine)
        return True

    def earlier(self) -> Review | None:
        """The earlier review of the case, when this one is a re-audit (None if it cannot be
        read, or is of another framework)."""
        ident = self.review.earlier_review
        if not ident:
            return None
        if self._earlier is None or self._earlier.id != ident:
            try:
                found = self.store.get(ident)
            except (KeyError, StoreError):
                return None
            if found.framework != self.engine.fw.id:
                return None
            self._earlier = found
        return self._earlier

    def reaudit_outcome(self, review: Review | None = None) -> ReauditOutcome | None:
        """A complete re-audit against the earlier review: resolved and recurring flags."""
        review = review or self.review
        earlier = self.earlier()
        if earlier is None or review.status != "complete":
            return None
        from assistant.engine.oversight import reaudit

        return reaudit(self.engine, earlier, review)


def participants_of(
    known: tuple[Participant, ...], actor: Actor, case_manager: str
) -> tuple[Participant, ...]:
    """A joint review's participants: the inspector (the actor) and the case manager."""
    out = list(known)
    if actor.name and not any(p.role == "inspector" for p in out):
        out.insert(0, Participant(name=actor.name, role="inspector"))
    manager = " ".join(case_manager.split())
    if manager:
        out = [p for p in out if p.role != "case_manager"]
        out.append(Participant(name=manager, role="case_manager"))
    return tuple(out)
