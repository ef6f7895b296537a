"""The engine tells the user's stories: guided questions, gates, follow-ups and flags at once."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.engine.conversation import Engine
from assistant.engine.events import (
    CriteriaRestored,
    CriteriaSetAside,
    Explanation,
    FlagRaised,
    FlagWithdrawn,
    Notice,
    ReviewComplete,
    SectionComplete,
    Step,
)
from assistant.engine.progress import index_summary, progress, summary_rows

# Facts of a case with a court report, no custody, no MAPPA, a victim and no non-compliance,
# in which the plan covers every factor the assessment found.
SQS_FACTS = {
    "psr": "yes",
    "custody": "no",
    "mappa": "no",
    "victim": "yes",
    "non_compliance": "no",
    "risk_level_assessment": "medium",
    "risk_level_psr": "medium",
    "assessment_factors": "family, peers",
    "plan_factors": "family, peers",
    "significant_change": "no",
    "last_assessment_review_date": "2014-08-01",
    "plan_date": "2014-06-01",
    "first_plan_review_date": "2014-08-15",
    "assessment_date": "2014-05-20",
    "countersign_date": "2014-05-22",
}


def answer_facts(engine: Engine, step: Step, facts: dict[str, str]) -> Step:
    while step.question is not None and step.question.step == "fact":
        item = step.question.item
        step = engine.respond(step.review, facts[item])
        assert step.question is None or step.question.item != item, step.events
    return step


def answer_until(engine: Engine, step: Step, item: str, reply: str = "yes") -> Step:
    while step.question is not None and step.question.item != item:
        step = engine.respond(step.review, reply)
    assert step.question is not None, f"{item} was never asked"
    return step


def start(engine: Engine, mode: str = "self") -> Step:
    return engine.start(engine.new_review("r1", "HAR-01", mode=mode))


@pytest.fixture
def sqs_engine(sqs) -> Engine:
    return Engine(sqs)


@pytest.fixture
def mini_engine(mini) -> Engine:
    return Engine(mini)


def flags_in(step: Step, kind=FlagRaised) -> list:
    return [e.flag for e in step.events if isinstance(e, kind)]


def test_facts_are_asked_first_then_criteria_in_framework_order(sqs_engine, sqs):
    step = start(sqs_engine)
    assert step.question.item == sqs.facts[0].id and step.question.step == "fact"
    step = answer_facts(sqs_engine, step, SQS_FACTS)
    assert step.question.item == "rr.assessment"
    asked = []
    while step.question is not None:
        asked.append(step.question.item)
        step = sqs_engine.respond(step.review, "yes")
    applicable = [c.id for c in sqs.criteria if c.applies_when in (None, "psr", "victim")]
    assert asked == applicable
    assert step.review.status == "complete"
    assert any(isinstance(e, ReviewComplete) for e in step.events)


def test_a_plan_not_reviewed_after_a_significant_change_is_flagged_at_once(sqs_engine, sqs):
    step = answer_facts(sqs_engine, start(sqs_engine), SQS_FACTS)
    step = answer_until(sqs_engine, step, "rr.plan_review")
    step = sqs_engine.respond(step.review, "nope, never reviewed after he moved placement")
    (flag,) = flags_in(step)
    assert flag.criterion == "rr.plan_review"
    assert flag.reasons == ("not_revised",)
    assert flag.action.startswith(sqs.criterion("rr.plan_review").action)
    assert flag.why == sqs.criterion("rr.plan_review").learning.why
    assert flag.detail == "nope, never reviewed after he moved placement"
    assert step.question.item != "rr.plan_review"  # no follow-up needed: reasons and note given


def test_a_quick_no_asks_reasons_then_a_note_then_raises_the_flag(sqs_engine):
    step = answer_facts(sqs_engine, start(sqs_engine), SQS_FACTS)
    step = sqs_engine.respond(step.review, "2")  # No
    assert step.question.step == "reasons" and step.question.multi
    assert not flags_in(step)
    # The state already holds the flag: every insufficient judgement has its flag.
    assert [f.criterion for f in sqs_engine.flags(step.review)] == ["rr.assessment"]
    keys = {c.value: c.key for c in step.question.choices}
    step = sqs_engine.respond(step.review, f"{keys['drivers_missed']} {keys['not_done']}")
    assert step.question.step == "note"
    step = sqs_engine.respond(step.review, "Assessment says nothing about why he offends.")
    (flag,) = flags_in(step)
    assert flag.reasons == ("drivers_missed", "not_done")
    assert flag.detail == "Assessment says nothing about why he offends."
    assert step.question.item == "rr.assessment_review"


def test_answering_custody_no_removes_the_custody_criteria_and_yes_restores_them(sqs_engine):
    facts = {**SQS_FACTS, "custody": "yes"}
    step = answer_facts(sqs_engine, start(sqs_engine), facts)
    step = answer_until(sqs_engine, step, "rr.custody_plan")
    step = sqs_engine.respond(step.review, "no custodial sentence plan from the YOI yet")
    assert flags_in(step)[0].criterion == "rr.custody_plan"
    step = answer_until(sqs_engine, step, "pp.custody")
    step = sqs_engine.respond(step.review, "yes")
    custody_ids = {"rr.custody_plan", "pp.custody", "cy.custody"}

    step = sqs_engine.jump(step.review, "custody")
    step = sqs_engine.respond(step.review, "no")
    (aside,) = [e for e in step.events if isinstance(e, CriteriaSetAside)]
    assert set(aside.ids) == custody_ids
    assert [f.criterion for f in flags_in(step, FlagWithdrawn)] == ["rr.custody_plan"]
    rows = {r.item: r for r in summary_rows(sqs_engine, step.review)}
    assert rows["rr.custody_plan"].state == "set_aside"  # the answer is kept in history
    assert "rr.custody_plan" in step.review.judgements
    assert sqs_engine.jump(step.review, "cy.custody").question.item != "cy.custody"

    step = sqs_engine.jump(step.review, "custody")
    step = sqs_engine.respond(step.review, "yes")
    (restored,) = [e for e in step.events if isinstance(e, CriteriaRestored)]
    assert set(restored.ids) == {"rr.custody_plan", "pp.custody"}  # those with answers
    assert step.review.judgements["pp.custody"].outcome == "sufficient"
    assert [f.criterion for f in flags_in(step)] == ["rr.custody_plan"]


def test_a_consistency_check_flags_factors_missing_from_the_plan_although_all_said_yes(
    sqs_engine,
):
    facts = {
        **SQS_FACTS,
        "assessment_factors": "family, peers, substance misuse",
        "plan_factors": "family",
    }
    step = start(sqs_engine)
    raised = []
    while step.question is not None:
        reply = facts[step.question.item] if step.question.step == "fact" else "yes"
        step = sqs_engine.respond(step.review, reply)
        raised += flags_in(step)
    (flag,) = raised
    assert flag.source == "check" and flag.criterion == "rr.plan"
    assert flag.reasons == ("factors_not_in_plan",)
    assert "peer" in flag.detail.lower() and "substance" in flag.detail.lower()
    assert all(j.outcome == "sufficient" for j in step.review.judgements.values())
    assert step.review.status == "complete"


def test_checks_fire_as_soon_as_their_facts_are_known(mini_engine):
    step = start(mini_engine)
    for reply in ["yes", "high"]:
        step = mini_engine.respond(step.review, reply)
    step = mini_engine.respond(step.review, "low")  # court_level differs from level
    (flag,) = flags_in(step)
    assert flag.id == "check:levels_differ"
    assert flag.detail == "Court says Low, assessment says High."


def test_date_checks_use_the_local_policy_setting(mini_engine, mini):
    step = start(mini_engine)
    for reply in ["no", "low", "none", "none", "2014-01-01"]:
        step = mini_engine.respond(step.review, reply)
    step = mini_engine.respond(step.review, "6/1/2014")  # day first: 6 January, 5 days later
    assert not flags_in(step)
    step = mini_engine.back(step.review)
    step = mini_engine.respond(step.review, "7 Jan 2014")
    (flag,) = flags_in(step)
    assert flag.id == "check:signed_late" and "6 days" in flag.detail and "5 allowed" in flag.detail


def test_going_back_and_changing_an_answer_withdraws_the_flag(mini_engine):
    step = start(mini_engine)
    for reply in ["no", "low", "none", "none", "none", "none"]:
        step = mini_engine.respond(step.review, reply)
    assert step.question.item == "aa.first"
    step = mini_engine.respond(step.review, "no")
    step = mini_engine.respond(step.review, "1")
    step = mini_engine.respond(step.review, "skip")
    assert flags_in(step)[0].criterion == "aa.first"
    step = mini_engine.back(step.review)
    assert step.question.item == "aa.first"
    assert step.question.current.startswith("No (insufficient)")
    step = mini_engine.respond(step.review, "yes")
    assert [f.criterion for f in flags_in(step, FlagWithdrawn)] == ["aa.first"]
    assert mini_engine.flags(step.review) == []
    assert step.question.item == "bb.plan"  # on to the first unanswered question


def test_unclear_answers_are_asked_about_not_guessed(mini_engine):
    step = start(mini_engine)
    for reply in ["no", "low", "none", "none", "none", "none"]:
        step = mini_engine.respond(step.review, reply)
    before = step.review
    step = mini_engine.respond(before, "I'm not sure, I'd have to check the file")
    assert step.review == before and not step.changed
    assert step.question.item == "aa.first"
    assert any(isinstance(e, Notice) and e.kind == "clarify" for e in step.events)


def test_not_applicable_is_refused_where_the_framework_does_not_allow_it(mini_engine):
    step = start(mini_engine)
    for reply in ["no", "low", "none", "none", "none", "none"]:
        step = mini_engine.respond(step.review, reply)
    step = mini_engine.respond(step.review, "n/a")
    assert step.question.item == "aa.first" and "aa.first" not in step.review.judgements
    step = mini_engine.respond(step.review, "yes")
    assert [c.label for c in step.question.choices][:4] == ["Yes", "No", "Partly", "Not applicable"]
    step = mini_engine.respond(step.review, "4")
    assert step.review.judgements["bb.plan"].outcome == "not_applicable"


def test_bad_fact_answers_get_a_clear_message_and_lose_nothing(mini_engine):
    step = start(mini_engine)
    step = mini_engine.respond(step.review, "yes")
    step2 = mini_engine.respond(step.review, "purple")
    assert step2.review == step.review and step2.question.item == "level"
    (notice,) = step2.events
    assert "1) Low" in notice.text
    step = mini_engine.respond(step.review, "low")
    step = mini_engine.respond(step.review, "high")
    step = mini_engine.respond(step.review, "drugs and biscuits")
    assert step.question.item == "found"
    step = mini_engine.respond(step.review, "drugs and home")
    assert step.review.facts["found"] == ["drugs", "home"]
    step = mini_engine.respond(step.review, "none")
    step = mini_engine.respond(step.review, "31/02/2014")
    assert step.question.item == "done_date" and "date" in step.events[0].text


def test_a_skipped_question_comes_back_at_the_end_and_skipping_it_again_leaves_it_open(
    mini_engine,
):
    step = start(mini_engine)
    step = mini_engine.respond(step.review, "skip")
    assert step.question.item == "level" and "court" not in step.review.facts
    asked = []
    while step.question is not None and step.question.item != "court":
        asked.append(step.question.item)
        step = mini_engine.respond(step.review, "1")
    # Everything else was asked first; the skipped gate comes back at the end.
    assert asked and step.question is not None and step.question.item == "court"
    step = mini_engine.respond(step.review, "skip")
    assert step.question is None, "skipped twice: not asked again in this pass"
    # The court report criterion waits for the skipped gate: the review is not complete.
    assert step.review.status == "in_progress"
    assert mini_engine.unanswered(step.review) == ["court"]
    resumed = mini_engine.start(step.review)
    assert resumed.question.item == "court"
    step = mini_engine.respond(resumed.review, "yes")
    assert step.question.item == "court_level"


def test_resume_continues_at_the_first_unanswered_question_and_skipped_ones_come_last(
    mini_engine,
):
    step = start(mini_engine)
    step = mini_engine.respond(step.review, "yes")  # court
    step = mini_engine.respond(step.review, "skip")  # level
    assert step.question.item == "court_level"
    resumed = mini_engine.start(step.review)  # stopped here; opened again later
    assert resumed.question.item == "court_level", "not the skipped one first"
    step = resumed
    while step.question is not None and step.question.item != "level":
        step = mini_engine.respond(step.review, "1")
    assert step.question is not None and step.question.item == "level"
    assert mini_engine.unanswered(step.review) == ["level"]


def test_every_criterion_judged_with_optional_facts_skipped_is_complete(mini_engine):
    step = start(mini_engine)
    step = mini_engine.respond(step.review, "no")  # court: the only gate fact
    completed = None
    while step.question is not None:
        if step.question.step == "fact":
            step = mini_engine.respond(step.review, "skip")
        else:
            step = mini_engine.respond(step.review, "yes")
        completed = completed or next(
            (e for e in step.events if isinstance(e, ReviewComplete)), None
        )
    assert step.review.status == "complete"
    assert completed is not None and completed.checks_not_run, "says which checks lacked a fact"
    done = progress(mini_engine, step.review)  # the facts left out do not hold progress back
    assert done.answered == done.total and done.percent == 100
    assert done.facts_answered < done.facts_relevant
    assert step.review.completed_at is not None
    not_run = dict(mini_engine.checks_not_run(step.review))
    assert any("found" in missing for missing in not_run.values())


def test_why_explains_without_changing_anything(sqs_engine, sqs):
    step = answer_facts(sqs_engine, start(sqs_engine), SQS_FACTS)
    step2 = sqs_engine.respond(step.review, "why?")
    (explanation,) = step2.events
    assert isinstance(explanation, Explanation)
    assert explanation.why == sqs.criterion("rr.assessment").learning.why
    assert step2.review == step.review and step2.question == step.question


def test_jump_to_unknown_or_gated_out_items_explains_why(sqs_engine):
    step = answer_facts(sqs_engine, start(sqs_engine), SQS_FACTS)
    step2 = sqs_engine.jump(step.review, "rr.plan_reveiw")
    assert "rr.plan_review" in step2.events[0].text  # did you mean
    step3 = sqs_engine.jump(step.review, "pp.mappa")
    assert "does not apply" in step3.events[0].text and "mappa" in step3.events[0].text
    step4 = sqs_engine.jump(step.review, "ss.health")
    assert step4.question.item == "ss.health"
    step5 = sqs_engine.respond(step4.review, "yes")
    assert step5.question.item == "rr.assessment"  # back to the first unanswered


def test_sections_complete_as_their_criteria_are_answered(mini_engine):
    step = start(mini_engine)
    sections = []
    while step.question is not None:
        step = mini_engine.respond(step.review, "1")
        sections += [e.section for e in step.events if isinstance(e, SectionComplete)]
    assert sections == ["aa", "bb"]


def test_joint_review_records_the_case_managers_view_and_quotable_notes(sqs_engine):
    step = answer_facts(sqs_engine, start(sqs_engine, "joint"), SQS_FACTS)
    step = sqs_engine.respond(step.review, "didn't really get to why he offends")
    assert step.question.step == "view"
    step = sqs_engine.respond(step.review, "disagree")
    assert step.question.step == "view_outcome", "their own judgement, after a disagreement"
    step = sqs_engine.respond(step.review, "1")  # Yes (sufficient)
    assert step.review.judgements["rr.assessment"].view.outcome == "sufficient"
    assert step.question.step == "agreed"
    step = sqs_engine.respond(step.review, "stands")
    assert step.question.step == "quotable"
    step = sqs_engine.respond(step.review, "yes")
    judgement = step.review.judgements["rr.assessment"]
    assert judgement.outcome == "insufficient" and judgement.inspector_outcome == "insufficient"
    assert judgement.view.agrees is False and judgement.quotable is True
    assert [f.criterion for f in flags_in(step)] == ["rr.assessment"]
    rows = {r.item: r for r in summary_rows(sqs_engine, step.review)}
    assert rows["rr.assessment"].disagreement and rows["rr.assessment"].quotable
    # Agreement after discussion can change the recorded outcome.
    step = sqs_engine.respond(step.review, "yes")
    step = sqs_engine.respond(step.review, "no, they think it was not good enough")
    assert step.question.step == "agreed", "their view was given with the disagreement"
    assert step.review.judgements["rr.assessment_review"].view.outcome == "insufficient"
    step = sqs_engine.respond(step.review, "2")  # Insufficient
    assert step.review.judgements["rr.assessment_review"].outcome == "insufficient"


def test_joint_yes_to_does_the_case_manager_agree_means_agree(sqs_engine):
    step = answer_facts(sqs_engine, start(sqs_engine, "joint"), SQS_FACTS)
    step = sqs_engine.respond(step.review, "no")  # the inspector: insufficient
    step = sqs_engine.respond(step.review, "1")  # a reason
    assert step.question.step == "note"
    step = sqs_engine.respond(step.review, "")  # an empty line skips the optional note
    assert step.question.step == "view"
    step = sqs_engine.respond(step.review, "yes")
    view = step.review.judgements["rr.assessment"].view
    assert view.agrees is True and view.outcome == "insufficient"
    assert step.question is None or step.question.item != "rr.assessment"
    # "no" means they disagree; their own judgement is asked only then.
    step = sqs_engine.respond(step.review, "no")  # rr.assessment_review: insufficient
    while step.question.step in ("reasons", "note"):
        step = sqs_engine.respond(step.review, "skip")
    step = sqs_engine.respond(step.review, "no")
    assert step.review.judgements["rr.assessment_review"].view.agrees is False
    assert step.question.step == "view_outcome"


def test_flags_carry_a_state_that_a_re_audit_can_close(mini_engine):
    step = start(mini_engine)
    for reply in ["no", "low", "none", "none", "none", "none", "no", "1", "skip"]:
        step = mini_engine.respond(step.review, reply)
    step = mini_engine.set_flag_state(step.review, "aa.first", "done", by="tester")
    (flag,) = mini_engine.flags(step.review)
    assert flag.state == "done" and not flag.open
    assert index_summary(mini_engine, step.review)["open_flags"] == 0


def test_progress_counts_answered_and_applicable_items(mini_engine):
    step = start(mini_engine)
    for reply in ["no", "low", "none", "none", "none", "none", "yes"]:
        step = mini_engine.respond(step.review, reply)
    p = progress(mini_engine, step.review)
    assert (p.facts_answered, p.facts_relevant) == (6, 6)
    assert [(s.id, s.answered, s.applicable) for s in p.sections] == [("aa", 1, 1), ("bb", 0, 2)]
    assert (p.answered, p.total) == (7, 9)


def test_an_all_sufficient_review_takes_one_keypress_per_question(sqs_engine):
    step = answer_facts(sqs_engine, start(sqs_engine), SQS_FACTS)
    count = 0
    while step.question is not None:
        step = sqs_engine.respond(step.review, "1")
        count += 1
    assert step.review.status == "complete" and count == len(step.review.judgements)


def test_huge_and_hostile_text_is_kept_safely(mini_engine):
    step = start(mini_engine)
    for reply in ["no", "low", "none", "none", "none", "none", "no", "skip"]:
        step = mini_engine.respond(step.review, reply)
    assert step.question.step == "note"
    step = mini_engine.respond(step.review, "[bold red]x[/] \x1b[31m" + "y" * 30000)
    note = step.review.judgements["aa.first"].note
    assert note.startswith("[bold red]x[/] \x1b[31m") and len(note) == 20000
    assert any(isinstance(e, Notice) and "longer than" in e.text for e in step.events)


# --- property test: random answer sequences keep the review consistent ----------------------

ACTIONS = st.lists(
    st.one_of(
        st.tuples(st.just("key"), st.integers(1, 8)),
        st.tuples(
            st.just("text"),
            st.sampled_from(
                [
                    "yes",
                    "no",
                    "partly",
                    "n/a",
                    "skip",
                    "why",
                    "none",
                    "1 2",
                    "2014-03-04",
                    "nope, never reviewed after he moved placement",
                    "not sure",
                    "",
                    "medium",
                    "family and peers",
                    "no contingency and no plan",
                    "[bold]x[/bold]",
                ]
            ),
        ),
        st.tuples(st.just("back"), st.just(0)),
        st.tuples(st.just("jump"), st.integers(0, 60)),
        st.tuples(st.just("restart"), st.just(0)),
    ),
    max_size=60,
)


def check_invariants(engine: Engine, step: Step) -> None:
    review, fw = step.review, engine.fw
    flags = engine.flags(review)
    judgement_flags = [f for f in flags if f.source == "judgement"]
    ids = [f.criterion for f in judgement_flags]
    assert len(ids) == len(set(ids))  # exactly one flag per insufficient judgement
    from assistant.engine.items import criterion_applies

    for criterion in fw.criteria:
        j = review.judgements.get(criterion.id)
        flagged = criterion.id in ids
        should = (
            j is not None
            and j.outcome == "insufficient"
            and criterion_applies(criterion, review.facts) is not False
        )
        assert flagged == should, criterion.id
    for flag in flags:  # no flag without a reason for it
        if flag.source == "check":
            assert flag.id.removeprefix("check:") in {c.id for c in fw.checks}
        assert flag.open
    assert (review.status == "complete") == engine.is_complete(review)
    for j in review.judgements.values():
        assert set(j.reasons) <= {r.id for c in fw.criteria for r in c.reasons}


@pytest.mark.parametrize("fw_name", ["mini", "sqs"])
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(actions=ACTIONS)
def test_random_answer_sequences_keep_the_review_consistent(request, fw_name, actions):
    engine = Engine(request.getfixturevalue(fw_name))
    items = [it.id for it in engine.fw.facts] + [c.id for c in engine.fw.criteria]
    step = start(engine, "joint" if len(actions) % 2 else "self")
    for kind, arg in actions:
        if kind == "key":
            step = engine.respond(step.review, str(arg))
        elif kind == "text":
            step = engine.respond(step.review, arg)
        elif kind == "back":
            step = engine.back(step.review)
        elif kind == "jump":
            step = engine.jump(step.review, items[arg % len(items)])
        else:
            step = engine.start(step.review)
        check_invariants(engine, step)
    # Finishing: answering every remaining question completes the review.
    step = engine.start(step.review)
    for _ in range(500):
        if step.question is None:
            break
        q = step.question
        if q.step == "fact":
            reply = {"yesno": "no", "date": "none", "text": "none", "multichoice": "none"}.get(
                engine.fw.fact(q.item).type, "1"
            )
        elif q.step in ("judgement", "reasons", "view", "agreed", "quotable"):
            reply = "1"
        else:
            reply = "skip"
        step = engine.respond(step.review, reply)
        check_invariants(engine, step)
    assert step.question is None
    assert step.review.status == "complete"


def test_partly_stays_partly_and_counts_as_insufficient(sqs_engine):
    step = answer_facts(sqs_engine, start(sqs_engine), SQS_FACTS)
    keys = {c.value: c.key for c in step.question.choices}
    step = sqs_engine.respond(step.review, keys["partly"])
    judgement = step.review.judgements["rr.assessment"]
    assert judgement.outcome == "insufficient" and judgement.answer == "partly"
    assert any(getattr(e, "shown", "").startswith("Partly") for e in step.events)
    step = sqs_engine.respond(step.review, "skip")  # reasons
    step = sqs_engine.respond(step.review, "")  # note
    rows = {r.item: r for r in summary_rows(sqs_engine, step.review)}
    assert rows["rr.assessment"].answer == "Partly (insufficient)"
    # In free text too.
    step = sqs_engine.respond(step.review, "partly - reviewed but not after the move")
    assert step.review.judgements["rr.assessment_review"].answer == "partly"


def test_a_judgement_the_dates_contradict_is_challenged_with_the_evidence(sqs_engine):
    facts = {
        **SQS_FACTS,
        "significant_change": "yes",
        "significant_change_date": "2014-09-01",
        "last_assessment_review_date": "2014-08-01",
    }
    step = answer_facts(sqs_engine, start(sqs_engine), facts)
    step = answer_until(sqs_engine, step, "rr.assessment_review")
    step = sqs_engine.respond(step.review, "1")  # Yes
    question = step.question
    assert question.item == "rr.assessment_review" and question.step == "confirm"
    assert "2014-08-01" in question.text and "2014-09-01" in question.text
    # Confirmed: kept and marked.
    kept = sqs_engine.respond(step.review, "1")
    judgement = kept.review.judgements["rr.assessment_review"]
    assert judgement.outcome == "sufficient"
    assert judgement.kept_despite == ("review_before_change",)
    assert kept.question.item != "rr.assessment_review"
    # Corrected: insufficient, with the check's reason, then the optional note.
    changed = sqs_engine.respond(step.review, "change it to no")
    judgement = changed.review.judgements["rr.assessment_review"]
    assert judgement.outcome == "insufficient" and judgement.reasons == ("not_after_change",)
    assert changed.question.step == "note"
    changed = sqs_engine.respond(changed.review, "")
    assert [f.criterion for f in flags_in(changed)] == ["rr.assessment_review"]


def test_a_fact_changed_later_that_contradicts_a_judgement_says_so(sqs_engine):
    step = answer_facts(sqs_engine, start(sqs_engine), SQS_FACTS)
    step = answer_until(sqs_engine, step, "rr.plan")
    step = sqs_engine.respond(step.review, "yes")
    step = sqs_engine.jump(step.review, "plan_factors")
    step = sqs_engine.respond(step.review, "family")  # the plan leaves out peers
    notices = [e.text for e in step.events if isinstance(e, Notice)]
    assert any("contradicts your judgement on rr.plan" in n for n in notices)


def test_the_plan_factors_question_offers_only_the_factors_the_assessment_found(sqs_engine):
    step = start(sqs_engine)
    while step.question.item != "plan_factors":
        item = step.question.item
        reply = "drugs, school" if item == "assessment_factors" else SQS_FACTS.get(item, "skip")
        step = sqs_engine.respond(step.review, reply)
    labels = [c.label for c in step.question.choices]
    assert labels[:2] == ["Education, training and employment", "Substance misuse"]
    assert "Family and personal relationships" not in labels
    step = sqs_engine.respond(step.review, "2")
    assert step.review.facts["plan_factors"] == ["substance_misuse"]
    # When the assessment found none, the plan's factors are not asked.
    step = sqs_engine.jump(step.review, "assessment_factors")
    step = sqs_engine.respond(step.review, "none")
    assert step.question.item != "plan_factors"
    assert sqs_engine.gates(step.review.facts)["plan_factors"] is False


def test_a_jump_to_an_item_waiting_for_a_fact_names_the_question_to_answer_first(sqs_engine):
    step = start(sqs_engine)  # no fact answered yet
    step2 = sqs_engine.jump(step.review, "pp.mappa")
    text = step2.events[0].text
    assert text.startswith("pp.mappa waits for an earlier answer: it is asked when mappa.")
    mappa = sqs_engine.fw.fact("mappa")
    assert f"First answer: {mappa.question} (jump mappa)" in text
    assert step2.question.item == step.question.item  # still where it was
    step3 = sqs_engine.jump(step2.review, "mappa")  # as the message says
    assert step3.question.item == "mappa"
