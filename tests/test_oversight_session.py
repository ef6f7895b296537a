"""Oversight through the session and the interchange format (SPEC §10, issue 14): a review
countersigned in another window refuses this window's next answer; a locked review can be
looked through (jump) without anything being written; countersigning asks for a complete
review; the new optional fields of case-review/1 survive export and import."""

from __future__ import annotations

import json

from assistant.commands import Command
from assistant.engine.conversation import Engine
from assistant.exchange import export_review, import_reviews, validate_document
from assistant.session import Session
from prompts import get_framework
from store import Actor, Store
from tests.test_joint_review import joint_session
from tests.tui_helpers import FACTS


def finish(session: Session) -> None:
    step = session.start()
    while step.question is not None:
        q = step.question
        if q.step == "fact":
            step = session.answer(FACTS[q.item])
        elif q.step in ("view", "agreed", "quotable", "judgement"):
            step = session.answer("1" if q.step != "quotable" else "no")
        else:
            step = session.answer("skip")
    assert session.complete


def test_a_countersignature_given_in_another_window_refuses_this_windows_answer(tmp_path):
    engine = Engine(get_framework())
    mine = Session.open(Store.open(tmp_path), engine, "OS-01", actor=Actor("Sam"))
    finish(mine)
    manager = Session.open(
        Store.open(tmp_path), engine, "", review_id=mine.review.id, actor=Actor("Mo")
    )
    assert manager.countersign("Mo Manager").review.locked
    before = Store.open(tmp_path).get(mine.review.id)

    # This window still thinks it unlocked: its next save (going to rr.plan) is refused.
    step = mine.command(Command("jump", "rr.plan"))
    (notice,) = [e.text for e in step.events]
    assert notice.startswith("This review is countersigned by Mo Manager on ")
    step = mine.answer("no")
    assert not step.changed
    after = Store.open(tmp_path).get(mine.review.id)
    assert after.revision == before.revision and after.judgements == before.judgements
    assert mine.locked, "this window now knows it is locked"

    # Looking through a locked review writes nothing.
    step = mine.command(Command("jump", "cy.plan"))
    assert step.question is not None and step.question.item == "cy.plan"
    assert Store.open(tmp_path).get(mine.review.id).revision == before.revision
    step = mine.command(Command("note", "One more thing"))
    assert step.events[0].text.startswith("This review is countersigned")
    assert Store.open(tmp_path).get(mine.review.id).revision == before.revision


def test_only_a_complete_review_is_countersigned_and_only_once(tmp_path):
    session = Session.open(
        Store.open(tmp_path), Engine(get_framework()), "OS-02", actor=Actor("Sam")
    )
    session.start()
    step = session.countersign("Mo")
    assert "Only a complete review can be countersigned" in step.events[0].text
    assert not session.locked
    finish(session)
    assert session.countersign("").events[0].text.startswith("Say who you are")
    assert session.countersign("Mo").review.locked
    assert "already countersigned" in session.countersign("Mo").events[0].text
    assert "Say why" in session.unlock("Mo", " ").events[0].text
    assert not session.unlock("Mo", "A correction").review.locked


def test_the_oversight_fields_survive_export_and_import(tmp_path):
    session = joint_session(tmp_path / "one", "OS-03")
    session.answer("yes")
    session.answer("disagree")
    session.answer("2")
    session.answer("2")
    session.answer("1")
    session.answer("")
    session.answer("The interview showed the gap")
    session.command(Command("jump", "cy.plan"))
    for answer in ("no", "skip", "", "agree", "Jo, duty manager", "2014-10-21", "Referral"):
        session.answer(answer)
    finish(session)
    session.countersign("Mo Manager", "Fine")
    session.unlock("Mo Manager", "One more note")
    session.countersign("Mo Manager")
    fw = get_framework()
    original = Store.open(tmp_path / "one").get(session.review.id)
    exported = export_review(original, fw)
    for key in ("countersignature", "unlocks", "escalations"):
        assert exported[key], key
    assert exported["judgements"]["rr.assessment"]["interview_evidence"]
    assert exported["judgements"]["rr.assessment"]["discussed"] is True
    assert "discussed" not in exported["judgements"]["rr.assessment_review"]
    assert exported["flag_states"]["cy.plan"]["raised_at"]

    document = json.loads(json.dumps({"format": "case-review/1", "reviews": [exported]}))
    reviews, problems = validate_document(document)
    assert problems == []
    other = Store.open(tmp_path / "two")
    import_reviews(other, reviews, Actor("Importer"))
    again = other.get(original.id)
    assert export_review(again, fw) == exported
    assert again.locked and again.unlocks[0].why == "One more note"

    # A countersignature on a review that is not complete is refused by name.
    bad = {**exported, "status": "in_progress"}
    _reviews, problems = validate_document({"format": "case-review/1", "reviews": [bad]})
    assert "reviews[0].countersignature: only a complete review can be countersigned" in problems
    # A re-audit's earlier review travels too.
    later = {**exported, "id": "later", "earlier_review": original.id}
    reviews, problems = validate_document({"format": "case-review/1", "reviews": [later]})
    assert problems == [] and reviews[0].earlier_review == original.id
