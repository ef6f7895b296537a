"""Sessions save every answer before the next question and never lose another session's answers."""

from __future__ import annotations

import queue
import re
import subprocess
import threading

import pytest

from assistant.engine.conversation import Engine
from assistant.engine.events import Notice
from assistant.session import Session, merge
from prompts import get_framework
from store import Actor, Store
from tests.conftest import case_review, cli_env


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


# -- two windows on one case, as two real processes ---------------------------------------------


class Window:
    """`case-review chat --plain` in a real process, fed one line at a time."""

    QUESTION = re.compile(r"\[([a-z_]+(?:\.[a-z_]+)?)\]$")

    def __init__(self, root, case_ref: str) -> None:
        self.process = subprocess.Popen(
            [*case_review(), "chat", "--plain", "--store", str(root), "--case", case_ref],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=cli_env(),
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.seen: list[str] = []

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def until_question(self) -> tuple[str, list[str]]:
        """The id of the next question asked, and every line up to it."""
        got: list[str] = []
        while True:
            line = self.lines.get(timeout=60)
            assert line is not None, "\n".join(self.seen + got) + self.process.stderr.read()
            got.append(line)
            match = self.QUESTION.search(line)
            if match:
                self.seen += got
                return match.group(1), got

    def say(self, text: str) -> tuple[str, list[str]]:
        self.process.stdin.write(text + "\n")
        self.process.stdin.flush()
        return self.until_question()

    def close(self) -> str:
        self.process.stdin.close()
        self.process.wait(timeout=60)
        return self.process.stderr.read()


@pytest.mark.slow
def test_a_merge_never_takes_over_the_other_windows_follow_up(tmp_path):
    """Reproduced: A answered custody "no" and MAPPA "no" while B was in the follow-up of
    rr.assessment; A's answers became B's reason and note, and were lost as answers."""
    root = tmp_path / "store"
    a = Window(root, "HAR-70")
    assert a.until_question()[0] == "psr"
    assert a.say("no")[0] == "custody"
    b = Window(root, "HAR-70")
    assert b.until_question()[0] == "custody"
    assert b.say("jump rr.assessment")[0] == "rr.assessment"
    asked, _ = b.say("no")  # insufficient: B is asked for the reasons now
    assert asked == "rr.assessment"

    asked, lines = a.say("no")  # custody, from a stale copy: merged with B's answer
    assert asked == "mappa", lines  # A's next question is A's own, not B's follow-up
    assert any("another session" in line and "rr.assessment" in line for line in lines)
    assert a.say("no")[0] == "victim"  # mappa

    asked, lines = b.say("1")  # B's first reason for rr.assessment
    assert asked == "rr.assessment"  # now B's optional note
    assert any("another session" in line and "custody" in line for line in lines), lines
    b.say("B's note on the assessment")
    assert a.close() == "" and b.close() == ""

    store = Store.open(root)
    (review,) = [store.get(s.id) for s in store.summaries()]
    assert review.facts == {"psr": False, "custody": False, "mappa": False}
    reasons = get_framework().criterion("rr.assessment").reasons
    judgement = review.judgements["rr.assessment"]
    assert judgement.outcome == "insufficient"
    assert judgement.reasons == (reasons[0].id,)
    assert judgement.note == "B's note on the assessment"
    assert judgement.pending is None
    others = {cid: j for cid, j in review.judgements.items() if cid != "rr.assessment"}
    assert all(j.note != "B's note on the assessment" and not j.reasons for j in others.values())
    events = store.audit(review.id)
    assert [e.new for e in events if e.field == "facts.mappa"] == [False]
    assert Store.open(root).verify().ok


def test_merging_combines_judgements_field_by_field_and_keeps_the_other_follow_up():
    from store.records import Judgement, Review

    base = Review(
        id="r",
        case_ref="HAR-71",
        framework="sqs-youth-2014",
        judgements={"rr.plan": Judgement(outcome="insufficient", pending="reasons")},
    )
    # This window added a note to rr.plan (its reasons are the other window's follow-up).
    ours = base.copy(
        judgements={"rr.plan": Judgement(outcome="insufficient", note="n", pending="reasons")},
        facts={"custody": False},
    )
    # The other window answered the reasons meanwhile and moved on to its note.
    theirs = base.copy(
        judgements={
            "rr.plan": Judgement(outcome="insufficient", reasons=("not_done",), pending="note")
        },
        facts={"psr": True},
        revision=2,
    )
    merged, clashes, changed = merge(base, ours, theirs)
    assert merged.facts == {"psr": True, "custody": False}
    assert merged.judgements["rr.plan"] == Judgement(
        outcome="insufficient", reasons=("not_done",), note="n", pending="note"
    )
    assert clashes == [] and changed == ["psr", "rr.plan"]


def test_a_draft_has_the_flag_before_anything_is_saved_and_finish_saves_it(tmp_path):
    """The app paints a draft in the turn of the key that gave it and saves it afterwards: the
    draft carries the events and flags, touches no store, and ``finish`` saves and returns
    the draft's events first."""
    from assistant.commands import Command
    from assistant.engine.events import FlagRaised

    session = open_session(tmp_path, "A")
    session.start()
    session.command(Command("jump", "rr.assessment"))
    saved_before = Store.open(tmp_path).get(session.review.id).revision
    draft = session.draft_answer("no analysis of why he offends and no strengths recorded")
    raised = [e.flag.criterion for e in draft.step.events if isinstance(e, FlagRaised)]
    assert raised == ["rr.assessment"]
    assert [f.criterion for f in draft.step.flags] == ["rr.assessment"]
    assert draft.step.changed and draft.step.progress is None
    assert Store.open(tmp_path).get(session.review.id).revision == saved_before  # nothing yet
    assert "rr.assessment" not in session.review.judgements
    step = draft.finish()
    assert step.events[: len(draft.step.events)] == draft.step.events
    assert step.progress is not None and step.progress.answered == 1
    stored = Store.open(tmp_path).get(session.review.id)
    assert stored.revision == saved_before + 1
    assert stored.judgements["rr.assessment"].outcome == "insufficient"


def test_a_locked_review_refuses_a_draft_and_saves_nothing(tmp_path):
    from assistant.engine.events import Notice

    session = open_session(tmp_path, "A")
    session.start()
    session.review = session.review.copy(countersignature=_signature())
    draft = session.draft_answer("yes")
    assert not draft.step.changed
    assert any(isinstance(e, Notice) and "countersigned" in e.text for e in draft.step.events)
    step = draft.finish()
    assert Store.open(tmp_path).get(session.review.id).facts == {}
    assert step.events == draft.step.events


def _signature():
    import datetime as dt

    from store.records import Countersignature

    return Countersignature(by="TM", at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC))


def test_an_answer_refused_on_a_locked_review_keeps_the_reviews_flags(tmp_path):
    """The refusal is shown with the flags and progress as they stand (the side panel reads
    them from the step)."""
    from assistant.commands import Command

    session = open_session(tmp_path, "A")
    session.start()
    session.command(Command("jump", "rr.assessment"))
    session.answer("no strengths recorded at all")
    session.review = session.review.copy(countersignature=_signature())
    step = session.draft_answer("yes").finish()
    assert [f.criterion for f in step.flags] == ["rr.assessment"]
    assert step.progress is not None and step.progress.sections[0].open_flags == 1
