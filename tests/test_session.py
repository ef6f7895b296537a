"""Sessions save every answer before the next question and never lose another session's answers."""

from __future__ import annotations

from assistant.engine.conversation import Engine
from assistant.engine.events import Notice
from assistant.session import Session
from prompts import get_framework
from store import Actor, Store


def open_session(root, name: str) -> Session:
    return Session.open(Store.open(root), Engine(get_framework()), "HAR-60", actor=Actor(name))


def test_each_answer_is_stored_before_the_next_question(tmp_path):
    session = open_session(tmp_path, "A")
    session.start()
    step = session.answer("yes")
    assert step.question.item == "custody"
    stored = Store.open(tmp_path).get(session.review.id)
    assert stored.facts == {"psr": True}
    events = Store.open(tmp_path).audit(session.review.id)
    assert any(e.field == "facts.psr" and e.new is True and e.who == "A" for e in events)


def test_two_sessions_on_one_review_keep_both_answers_and_say_so(tmp_path):
    first = open_session(tmp_path, "A")
    first.start()
    second = open_session(tmp_path, "B")
    second.start()
    first.answer("yes")  # psr
    step = second.answer("no")  # also psr, from a stale copy: a clash
    notices = [e.text for e in step.events if isinstance(e, Notice)]
    assert any("also changed in another session" in n and "psr" in n for n in notices)
    step = first.answer("yes")  # first's next question: custody
    stored = Store.open(tmp_path).get(first.review.id)
    assert stored.facts["psr"] is False  # the later answer is kept...
    assert stored.facts["custody"] is True  # ...and neither session lost an answer
    history = [e for e in Store.open(tmp_path).audit(first.review.id) if e.field == "facts.psr"]
    assert [e.new for e in history] == [True, False]  # ...and the audit trail has both


def test_a_joint_review_of_a_self_audited_case_is_a_separate_review(tmp_path):
    engine, store = Engine(get_framework()), Store.open(tmp_path)
    mine = Session.open(store, engine, "HAR-61", actor=Actor("CM"))
    mine.start()
    mine.answer("yes")
    assert not mine.resumed
    joint = Session.open(store, engine, "HAR-61", mode="joint", actor=Actor("Insp", "inspector"))
    assert not joint.resumed and joint.review.mode == "joint"
    assert any("its self review is kept" in n for n in joint.notices)
    assert joint.review.id != mine.review.id
    again = Session.open(store, engine, "HAR-61", mode="self", actor=Actor("CM"))
    assert again.resumed and again.review.id == mine.review.id
    assert again.review.facts == {"psr": True}


def test_a_whole_review_runs_on_the_memory_store_and_writes_no_file(tmp_path, monkeypatch):
    from store.memory import MemoryStore

    monkeypatch.chdir(tmp_path)
    store = MemoryStore()
    session = Session.open(store, Engine(get_framework()), "PRAC-01", mode="learning",
                           actor=Actor("Learner", "learner"))  # fmt: skip
    step = session.start()
    for _ in range(200):
        if step.question is None:
            break
        q = step.question
        if q.step == "fact":
            step = session.answer("no" if q.choices[0].label == "Yes" else "skip")
        else:
            step = session.answer("1")  # Yes, or keep it against a check
    stored = store.get(session.review.id)
    assert step.question is None or step.question.returning
    assert stored.status == "complete" and stored.mode == "learning"
    assert stored.revision == session.review.revision > 5
    assert store.audit(stored.id)[0].action == "created"
    assert list(tmp_path.iterdir()) == []
