"""Learning mode's marking (SPEC §9): a learner's review against a practice case's model answers,
per criterion, per section and overall, ending with `Overall: N of M agreed`."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.engine.learning import (
    closing_lines,
    compare,
    feedback,
    feedback_lines,
    overall_line,
)
from prompts.practice import PracticeCase, load_practice_case, practice_cases
from store.records import Judgement, Review
from tests.test_practice_cases import GOOD


def review_of(case: PracticeCase, judgements: dict[str, Judgement], facts=None) -> Review:
    return Review(
        id=f"learn-{case.id}",
        case_ref=case.case_ref,
        framework=case.framework,
        mode="learning",
        reviewer_role="learner",
        facts=dict(case.facts if facts is None else facts),
        judgements=judgements,
    )


def model_answers(case: PracticeCase) -> dict[str, Judgement]:
    return {j.criterion: Judgement(outcome=j.outcome, reasons=j.reasons) for j in case.judgements}


@pytest.fixture(scope="module")
def bundled():
    from prompts import get_framework

    return practice_cases(get_framework("sqs-youth-2014"))


@pytest.fixture
def tiny(tmp_path, mini):
    """The mini framework's small case, with a not-applicable model answer on bb.plan:
    model aa.first sufficient, aa.report sufficient, bb.plan not_applicable, bb.signed
    sufficient (sections aa: aa.first, aa.report; bb: bb.plan, bb.signed)."""
    text = GOOD.replace(
        'outcome = "insufficient"\nreasons = ["gaps"]', 'outcome = "not_applicable"'
    ).replace('planned = ["drugs"]', 'planned = ["drugs", "school"]')
    path = tmp_path / "tiny.toml"
    path.write_text(text, encoding="utf-8")
    return load_practice_case(path, mini)


# ---- a hand-computed example ------------------------------------------------------------------


def test_scores_per_section_and_overall_on_a_hand_computed_example(tiny):
    learner = {
        # aa: aa.first disagrees (the model says sufficient); aa.report agrees.
        "aa.first": Judgement(outcome="insufficient", reasons=("late",)),
        "aa.report": Judgement(outcome="sufficient"),
        # bb: plan agrees (not applicable), signed is left unanswered.
        "bb.plan": Judgement(outcome="not_applicable"),
    }
    result = compare(tiny, review_of(tiny, learner))

    # By hand: aa has 2 judged, 1 agreed (aa.report); bb has 1 judged (bb.plan), 1 agreed;
    # bb.signed is live but unanswered, so it is not counted. Overall 2 of 3.
    assert [(s.section, s.title, s.agreed, s.judged) for s in result.sections] == [
        ("aa", "First section", 1, 2),
        ("bb", "Second section", 1, 1),
    ]
    assert (result.agreed, result.judged) == (2, 3)
    assert result.revisit == ("aa.first",)
    assert result.not_judged == ("bb.signed",)
    first = result.feedback_for("aa.first")
    assert first is not None
    assert (first.given, first.model, first.matched) == ("insufficient", "sufficient", False)
    assert (first.missed_reasons, first.added_reasons) == ((), ("late",))
    assert overall_line(result) == "Overall: 2 of 3 agreed"


def test_saying_sufficient_throughout_the_custody_case_scores_as_counted_by_hand(bundled):
    case = next(c for c in bundled if c.id == "custody-mappa")
    yes = {j.criterion: Judgement(outcome="sufficient") for j in case.judgements}
    result = compare(case, review_of(case, yes))
    # By hand from the model answer: rr 7 live, custody_plan insufficient; pp 7 live (no
    # victim), mappa, oversight and custody insufficient; cy 7 live, oversight and custody
    # insufficient; ss 4 live (no non-compliance), all sufficient.
    assert closing_lines(result) == [
        "Reducing reoffending: 6 of 7 agreed",
        "Protecting the public: 4 of 7 agreed",
        "Protecting the child or young person: 5 of 7 agreed",
        "Ensuring the sentence is served: 4 of 4 agreed",
        "To revisit:",
        "  Planning for the custodial phase [rr.custody_plan]",
        "  Engagement with MAPPA [pp.mappa]",
        "  Management oversight of risk of harm work [pp.oversight]",
        "  Risk of harm work for a custodial sentence [pp.custody]",
        "  Management oversight of safeguarding work [cy.oversight]",
        "  Safeguarding planning for a custodial sentence [cy.custody]",
        "Overall: 19 of 25 agreed",
    ]


def test_a_partly_counts_as_insufficient(tiny):
    assert tiny.judgement("aa.first").outcome == "sufficient"
    stored = feedback(tiny, "aa.first", Judgement(outcome="insufficient", reasons=("missing",)))
    assert stored.given == "insufficient" and not stored.matched

    class Partly:  # a judgement that keeps what was said beside the outcome (SPEC §4)
        outcome = "insufficient"
        answer = "partly"
        reasons = ("missing",)

    fb = feedback(tiny, "aa.first", Partly())  # type: ignore[arg-type]
    assert fb.given == "insufficient" and not fb.matched
    assert fb.missed_reasons == () and fb.added_reasons == ("missing",)


def test_closing_lines_end_with_the_overall_line_after_the_sections(tiny):
    learner = {
        "aa.first": Judgement(outcome="sufficient"),
        "aa.report": Judgement(outcome="insufficient", reasons=("unclear",)),
        "bb.plan": Judgement(outcome="insufficient", reasons=("gaps",)),
        "bb.signed": Judgement(outcome="sufficient"),
    }
    assert closing_lines(compare(tiny, review_of(tiny, learner))) == [
        "First section: 1 of 2 agreed",
        "Second section: 1 of 2 agreed",
        "To revisit:",
        "  The court report [aa.report]",
        "  The plan [bb.plan]",
        "Overall: 2 of 4 agreed",
    ]
    all_right = compare(tiny, review_of(tiny, model_answers(tiny)))
    assert closing_lines(all_right)[-2:] == [
        "Nothing to revisit: every judgement agrees with the model answer.",
        "Overall: 4 of 4 agreed",
    ]
    nothing = compare(tiny, review_of(tiny, {}))
    assert closing_lines(nothing) == [
        "First section: 0 of 0 agreed",
        "Second section: 0 of 0 agreed",
        "Overall: 0 of 0 agreed",
    ]


def test_judgements_on_criteria_the_case_gates_out_are_not_counted(tmp_path, mini):
    """Without a court report in the model facts, aa.report is not part of the case: a learner
    who answered the gate otherwise and judged it is told so, and it does not count."""
    block = GOOD[GOOD.index('[[judgements]]\ncriterion = "aa.report"') :]
    block = block[: block.index("[[judgements]]", 1)]
    text = GOOD.replace(block, "").replace("court = true", "court = false")
    path = tmp_path / "tiny.toml"
    path.write_text(text.replace('court_level = "high"\n', ""), encoding="utf-8")
    case = load_practice_case(path, mini)

    learner = {**model_answers(case), "aa.report": Judgement(outcome="sufficient")}
    facts = {**case.facts, "court": True, "court_level": "high"}
    result = compare(case, review_of(case, learner, facts=facts))
    assert (result.agreed, result.judged) == (3, 3)
    assert result.not_live == ("aa.report",)
    assert [(d.fact, d.model, d.given) for d in result.facts] == [("court", False, True)]
    assert closing_lines(result) == [
        "First section: 1 of 1 agreed",
        "Second section: 2 of 2 agreed",
        "Facts the model answers otherwise: court (model: no)",
        "Judged, but not part of this case: aa.report",
        "Nothing to revisit: every judgement agrees with the model answer.",
        "Overall: 3 of 3 agreed",
    ]
    # Multi-choice answers in another order are the same answer.
    same = {**case.facts, "found": list(reversed(case.facts["found"]))}
    assert compare(case, review_of(case, learner, facts=same)).facts == ()


def test_a_criterion_the_model_gates_out_gets_feedback_saying_so(bundled):
    case = next(c for c in bundled if c.id == "no-safety-plan")
    assert case.facts["mappa"] is False
    fb = feedback(case, "pp.mappa", Judgement(outcome="insufficient", reasons=("no_referral",)))
    assert fb.model is None and not fb.matched
    assert feedback_lines(case, fb)[0] == (
        "In the model answer Engagement with MAPPA does not apply to this case "
        "(it applies when mappa)."
    )
    with pytest.raises(KeyError):
        feedback(case, "zz.nothing", None)


def test_turn_by_turn_feedback_gives_reasons_rationale_and_what_good_looks_like(bundled, sqs):
    case = next(c for c in bundled if c.id == "custody-mappa")
    model = case.judgement("pp.mappa")
    assert model is not None and model.reasons == ("referral_late",)
    fb = feedback(case, "pp.mappa", Judgement(outcome="insufficient", reasons=("no_referral",)))
    assert fb.matched
    assert fb.missed_reasons == ("referral_late",)
    assert fb.added_reasons == ("no_referral",)
    assert fb.rationale == model.rationale
    assert fb.good == sqs.criterion("pp.mappa").learning.good
    lines = feedback_lines(case, fb)
    assert lines[0] == "Agrees with the model answer: insufficient (MAPPA referral late)."
    assert "Reasons you missed: MAPPA referral late." in lines
    assert "Reasons the model does not give: Not referred to MAPPA." in lines
    assert lines[-2].startswith("Why: " + model.rationale)
    assert lines[-1] == "What good looks like: " + fb.good

    wrong = feedback_lines(case, feedback(case, "pp.mappa", Judgement(outcome="sufficient")))
    assert (
        wrong[0] == "You said sufficient; the model answer is insufficient (MAPPA referral late)."
    )
    assert not any(line.startswith("Reasons") for line in wrong)
    exact = feedback(case, "pp.mappa", Judgement(outcome="insufficient", reasons=model.reasons))
    assert feedback_lines(case, exact)[:2] == [
        "Agrees with the model answer: insufficient (MAPPA referral late).",
        "Why: " + model.rationale + " (See: mappa, rosh, sentence.)",
    ]


def test_compare_refuses_a_review_of_another_framework(tiny):
    other = review_of(tiny, {}).copy(framework="sqs-youth-2014")
    with pytest.raises(ValueError, match="framework"):
        compare(tiny, other)


def test_a_case_not_checked_against_a_framework_cannot_be_marked(tiny):
    from dataclasses import replace

    unchecked = replace(tiny)  # a new value: not through the loader
    with pytest.raises(ValueError, match="not been checked"):
        feedback(unchecked, "aa.first", None)


# ---- the bundled cases ------------------------------------------------------------------------


def test_the_model_answers_score_full_marks(bundled):
    for case in bundled:
        result = compare(case, review_of(case, model_answers(case)))
        assert result.judged == len(case.judgements)
        assert overall_line(result) == f"Overall: {result.judged} of {result.judged} agreed"
        assert result.revisit == ()
        assert all(f.missed_reasons == () == f.added_reasons for f in result.criteria)


def test_answering_sufficient_to_everything_cannot_reach_full_marks(bundled):
    with_deficits = [c for c in bundled if any(j.outcome != "sufficient" for j in c.judgements)]
    assert len(with_deficits) >= 7
    for case in bundled:
        yes = {j.criterion: Judgement(outcome="sufficient") for j in case.judgements}
        result = compare(case, review_of(case, yes))
        wanted = sum(j.outcome == "sufficient" for j in case.judgements)
        assert (result.agreed, result.judged) == (wanted, len(case.judgements))
        if case in with_deficits:
            assert result.agreed < result.judged
            assert set(result.revisit) == {
                j.criterion for j in case.judgements if j.outcome != "sufficient"
            }


@st.composite
def learner_answers(draw, cases):
    case = draw(st.sampled_from(cases))
    fw = case.framework_model
    judgements = {}
    for j in case.judgements:
        crit = fw.criterion(j.criterion)
        outcome = draw(st.sampled_from((None, *crit.outcomes)))
        if outcome is None:
            continue
        reasons = ()
        if outcome == "insufficient":
            ids = [r.id for r in crit.reasons]
            reasons = tuple(draw(st.lists(st.sampled_from(ids), unique=True, max_size=len(ids))))
        judgements[j.criterion] = Judgement(outcome=outcome, reasons=reasons)
    return case, judgements


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_the_score_counts_exactly_the_judged_criteria_that_agree(bundled, data):
    case, judgements = data.draw(learner_answers(bundled))
    result = compare(case, review_of(case, judgements))
    model = {j.criterion: j for j in case.judgements}
    agreed = sum(model[c].outcome == j.outcome for c, j in judgements.items())
    assert (result.agreed, result.judged) == (agreed, len(judgements))
    assert sum(s.judged for s in result.sections) == len(judgements)
    assert set(result.revisit) == {
        c for c, j in judgements.items() if model[c].outcome != j.outcome
    }
    assert set(result.not_judged) == set(model) - set(judgements)
    assert (result.agreed == result.judged) == (not result.revisit)
    assert re.fullmatch(r"Overall: (\d+) of (\d+) agreed", overall_line(result)).groups() == (
        str(agreed),
        str(len(judgements)),
    )
    # Sections come in framework order, each at most its own live criteria.
    order = [s.id for s in case.framework_model.sections]
    assert [s.section for s in result.sections] == sorted(
        (s.section for s in result.sections), key=order.index
    )


def test_the_learning_engine_loads_no_pydantic_store_or_textual():
    import subprocess
    import sys

    from tests.conftest import ROOT

    code = (
        "import sys, assistant.engine.learning; "
        "print([m for m in ('pydantic', 'tinydb', 'textual', 'store') if m in sys.modules])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
