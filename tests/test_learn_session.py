"""A practice case played through the LearningSession: feedback once a judgement is final, the
score at the end, retry, and the learner's progress in a file of its own (SPEC §9)."""

from __future__ import annotations

import json
import os
import stat

import pytest

from assistant.commands import Command, parse
from assistant.engine.conversation import Engine
from assistant.engine.events import LearningFeedback, LearningScore, ReviewComplete
from assistant.learning_progress import Attempt, ProgressError, best, load, record
from assistant.learning_session import LearningSession
from assistant.presenter import present_events
from prompts import get_framework
from tests.learn_helpers import (
    fact_reply,
    isolated_state,
    model_sufficient,
    practice,
    progress_file,
)


@pytest.fixture
def state_home(tmp_path, monkeypatch):
    return isolated_state(tmp_path, monkeypatch)


def play_facts(learning: LearningSession):
    case = learning.case
    step = learning.start()
    while step.question is not None and step.question.step == "fact":
        step = learning.answer(fact_reply(case, step.question.item))
    return step


def open_case(case_id: str = "victim-poor", **kwargs) -> LearningSession:
    return LearningSession.open(practice(case_id), Engine(get_framework()), **kwargs)


def feedbacks(step) -> list[LearningFeedback]:
    return [e for e in step.events if isinstance(e, LearningFeedback)]


def test_feedback_comes_once_the_judgement_is_final_not_before_its_follow_ups(state_home):
    learning = open_case()
    step = play_facts(learning)
    assert step.question.item == "rr.assessment"
    step = learning.answer("no")  # the model says sufficient
    assert step.question.step == "reasons" and not feedbacks(step)
    step = learning.answer("1")
    assert step.question.step == "note" and not feedbacks(step)
    step = learning.answer("")  # no note: now it is final
    (fb,) = feedbacks(step)
    assert fb.criterion == "rr.assessment" and not fb.matched
    assert fb.cites == ("asset",) and fb.cited == ("Assessment summary (2014-03-10)",)
    said = next(m for m in present_events(step.events) if m.kind == "feedback")
    lines = said.plain_lines()
    assert lines[0].startswith("DIFFERS rr.assessment: ")
    assert "You said insufficient; the model answer is sufficient." in lines
    assert any(line.startswith("See in the case file: asset (Assessment summary") for line in lines)
    assert lines[-1].startswith("What good looks like: ")
    # The flag comes before the feedback, as in a real review.
    kinds = [m.kind for m in present_events(step.events)]
    assert kinds.index("flag") < kinds.index("feedback")


def test_a_note_edited_or_a_why_asked_gives_no_second_feedback(state_home):
    learning = open_case()
    play_facts(learning)
    assert feedbacks(learning.answer("yes"))  # rr.assessment, agrees
    assert not feedbacks(learning.command(Command("note", "read it twice")))
    assert not feedbacks(learning.command(Command("why")))


def test_yes_to_everything_cannot_reach_full_marks_on_a_case_with_deficits(state_home):
    learning = open_case()
    step = play_facts(learning)
    while step.question is not None:
        step = learning.answer("yes")  # a judgement, or keep it against the facts
    (score,) = [e for e in step.events if isinstance(e, LearningScore)]
    sufficient, live = model_sufficient(learning.case)
    assert (score.agreed, score.judged) == (sufficient, live) and sufficient < live
    assert score.lines[-1] == f"Overall: {sufficient} of {live} agreed"
    model = {j.criterion: j.outcome for j in learning.case.judgements}
    assert [c for c, _ in score.revisit] == [
        c.id for c in learning.engine.fw.criteria if model.get(c.id, "sufficient") != "sufficient"
    ]
    assert any(isinstance(e, ReviewComplete) for e in step.events)


def test_retry_walks_the_criteria_to_revisit_and_scores_afresh(state_home):
    learning = open_case()
    step = play_facts(learning)
    while step.question is not None:
        step = learning.answer("yes")
    order = [c.id for c in learning.engine.fw.criteria]
    revisit = sorted(
        (j for j in learning.case.judgements if j.outcome != "sufficient"),
        key=lambda j: order.index(j.criterion),
    )
    step = learning.command(Command("retry"))
    asked = []
    while step.question is not None:
        q = step.question
        if q.step == "judgement":
            asked.append(q.item)
            model = next(j for j in revisit if j.criterion == q.item)
            reply = {"insufficient": "no", "not_applicable": "not applicable"}[model.outcome]
        elif q.step == "reasons":
            reply = " ".join(c.key for c in q.choices if c.value in model.reasons)
        else:
            reply = ""
        step = learning.answer(reply)
        scores = [e for e in step.events if isinstance(e, LearningScore)]
        assert bool(scores) == (step.question is None)  # only once the retry is over
    assert asked == [j.criterion for j in revisit]
    (score,) = scores
    live = model_sufficient(learning.case)[1]
    assert score.lines[-1] == f"Overall: {live} of {live} agreed" and not score.revisit
    # Progress keeps the first answers, not the retry's.
    first = model_sufficient(learning.case)[0]
    assert f"Your progress keeps your first answers: {first} of {live} agreed." in score.lines
    (attempt,) = load(progress_file(state_home))
    assert (attempt.agreed, attempt.judged, attempt.complete) == (first, live, True)


def test_finish_midway_gives_the_score_so_far(state_home):
    learning = open_case()
    play_facts(learning)
    learning.answer("yes")  # rr.assessment agrees
    step = learning.command(Command("finish"))
    (score,) = [e for e in step.events if isinstance(e, LearningScore)]
    assert score.lines[-1] == "Overall: 1 of 1 agreed"
    assert step.question is not None  # the review goes on


def test_the_learning_commands_are_commands_only_in_learning_mode():
    assert parse("case", bare_words=True, learning=True).name == "case"
    assert parse("/case asset", bare_words=False, learning=True).argument == "asset"
    assert parse("case manager never reviewed it", bare_words=True, learning=True) is None
    assert parse("retry", bare_words=True) is None  # an answer in a real review
    assert parse("/retry", bare_words=False).name == "unknown"


def test_progress_is_an_owner_only_file_with_the_date_and_score_of_each_attempt(state_home):
    for _ in range(2):
        learning = open_case()
        play_facts(learning)
        learning.answer("yes")
    path = progress_file(state_home)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700
    attempts = load(path)
    assert [(a.case, a.agreed, a.judged, a.complete) for a in attempts] == [
        ("victim-poor", 1, 1, False)
    ] * 2
    assert len({a.id for a in attempts}) == 2
    assert all(a.started[:4].isdigit() and a.started[10] == "T" for a in attempts)


def test_a_damaged_progress_file_is_reported_and_set_aside_never_overwritten(state_home):
    path = progress_file(state_home)
    path.parent.mkdir(parents=True)
    path.write_bytes(b'{"format": "case-review-learning/1", "attempts": [tru')
    with pytest.raises(ProgressError, match="not valid JSON"):
        load(path)
    learning = open_case()
    play_facts(learning)
    step = learning.answer("yes")
    notices = [m.plain_lines()[0] for m in present_events(step.events) if m.kind == "notice"]
    assert len(notices) == 1 and "a new progress file started" in notices[0]
    (aside,) = path.parent.glob("learning.json.damaged-*")
    assert aside.read_bytes() == b'{"format": "case-review-learning/1", "attempts": [tru'
    assert [a.case for a in load(path)] == ["victim-poor"]


def test_an_unwritable_progress_file_is_said_once_and_the_practice_goes_on(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    learning = open_case(progress=blocked / "learning.json")
    play_facts(learning)
    steps = [learning.answer("yes") for _ in range(3)]  # (the second asks to confirm)
    said = [m.plain_lines()[0] for s in steps for m in present_events(s.events)]
    assert sum("its score is not kept" in line for line in said) == 1
    assert feedbacks(steps[0]) and feedbacks(steps[2])


def test_best_is_the_most_agreed_then_the_fewest_judged():
    def attempt(n, agreed, judged):
        return Attempt(str(n), "a", f"2014-01-0{n}", f"2014-01-0{n}", agreed, judged, 20, False)

    attempts = [attempt(1, 5, 20), attempt(2, 7, 20), attempt(3, 7, 9), attempt(4, 2, 2)]
    assert best(attempts)["a"].id == "3"
    finished = Attempt("5", "a", "2014-01-05", "2014-01-05", 4, 20, 20, True)
    assert best([*attempts, finished])["a"] == finished  # before any unfinished one
    assert finished.score_text() == "4 of 20 agreed"
    assert attempts[0].score_text() == "5 of 20 agreed (unfinished)"


def test_recording_replaces_the_same_attempt(tmp_path):
    path = tmp_path / "p" / "learning.json"
    one = Attempt("x", "victim-poor", "2014-01-01T00:00", "2014-01-01T00:00", 1, 1, 22, False)
    record(one, path)
    record(Attempt(**{**one.__dict__, "agreed": 3, "judged": 4}), path)
    data = json.loads(path.read_text())
    assert data["format"] == "case-review-learning/1"
    assert [(a["agreed"], a["judged"]) for a in data["attempts"]] == [(3, 4)]


def test_a_draft_shows_the_feedback_at_once_and_finish_marks_and_scores(state_home):
    """The app paints a learning draft in the turn of the key (the feedback with it) and
    saves afterwards: what the draft shows is the start of what ``finish`` returns."""
    learning = open_case()
    play_facts(learning)
    learning.answer("no")
    learning.answer("1")
    draft = learning.draft_answer("")  # no note: the judgement is final
    (fb,) = feedbacks(draft.step)
    assert fb.criterion == "rr.assessment"
    assert "rr.assessment" not in learning.first  # marked once saved, not before
    step = draft.finish()
    assert step.events[: len(draft.step.events)] == draft.step.events
    assert "rr.assessment" in learning.first
    draft = learning.draft_command(Command("finish"))
    assert not any(isinstance(e, LearningScore) for e in draft.step.events)
    assert any(isinstance(e, LearningScore) for e in draft.finish().events)
