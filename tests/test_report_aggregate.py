"""The report's figures, computed from hand-built reviews: every count, percentage, phrase,
band and reason count, and which reviews and judgements count at all."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from typing import Any

import pytest

from assistant.report import ReportFilter, build_report, render
from store.records import Judgement, Review, View
from tests.report_sample import HARROW_FIGURES, harrow_like

NOON = datetime(2024, 3, 15, 12, tzinfo=UTC)


def J(outcome: str = "sufficient", *reasons: str, **kw: Any) -> Judgement:
    short = {"s": "sufficient", "i": "insufficient", "na": "not_applicable"}
    return Judgement(outcome=short.get(outcome, outcome), reasons=reasons, **kw)


def R(
    ref: str,
    judgements: dict[str, Judgement],
    *,
    framework: str = "mini-test",
    facts: dict[str, Any] | None = None,
    **kw: Any,
) -> Review:
    values: dict[str, Any] = {
        "id": f"id-{ref}",
        "case_ref": ref,
        "framework": framework,
        "status": "complete",
        "team": "North",
        "completed_at": NOON,
        "updated_at": NOON,
    }
    values.update(kw)
    return Review(
        facts=facts if facts is not None else {"court": True}, judgements=judgements, **values
    )


@pytest.fixture
def mini_reviews() -> list[Review]:
    return [
        R(
            "MIN-01",
            {
                "aa.first": J("s", note="Thorough and [bold red]well evidenced[/]", quotable=True),
                "aa.report": J("s"),
                "bb.plan": J("na"),
            },
        ),
        R("MIN-02", {"aa.first": J("s"), "aa.report": J("s"), "bb.plan": J("na")}),
        R(
            "MIN-03",
            {
                "aa.first": J("i", "missing", note="Nothing on school.", quotable=True),
                "aa.report": J("i", "unclear"),
                "bb.plan": J("s", view=View(agrees=True)),
            },
            mode="joint",
        ),
        R(
            "MIN-04",
            # reasons repeated in one judgement count once
            {
                "aa.first": J("i", "missing", "late", "missing", quotable=True),  # no note
                "aa.report": J("i", "unclear", note="gated out", quotable=True),
                "bb.plan": J("i", "gaps", note="not quotable"),
            },
            facts={"court": False},  # aa.report's gate is false: its judgement does not count
        ),
        R(
            "MIN-05",
            {
                "aa.first": J("i", view=View(agrees=False, outcome="sufficient")),  # no reason
                "aa.report": J("s"),  # the court fact is unanswered: the gate is unknown, counts
                "zz.gone": J("s"),  # a criterion this framework does not have
            },
            facts={},
            mode="joint",
        ),
        # never counted:
        R("MIN-06", {"aa.first": J("s")}, status="in_progress"),
        R("MIN-07", {"aa.first": J("s")}, mode="learning"),
        R("MIN-08", {"aa.first": J("s")}, framework="other-framework"),
    ]


def test_every_count_percentage_phrase_band_and_reason(mini, mini_reviews) -> None:
    report = build_report(mini, mini_reviews)
    assert report.reviews == 5
    assert report.cases == 5
    assert dict(report.left_out) == {"in_progress": 1, "learning": 1, "other_framework": 1}

    first = report.criterion("aa.first")
    assert (first.sufficient, first.insufficient, first.relevant) == (2, 3, 5)
    assert first.percent == 40.0
    assert first.percent_text == "40%"
    assert first.proportion == "just over one-third"
    assert first.count_words == "2 of the 5 relevant cases"
    assert first.band.id == "bottom" and first.band_rank == 1
    assert first.reason_counts() == {"missing": 2, "late": 1}
    assert first.no_reason == 1
    assert (first.views, first.disagreements) == (1, 1)

    court = report.criterion("aa.report")
    assert (court.sufficient, court.insufficient, court.relevant) == (3, 1, 4)
    assert court.percent == 75.0
    assert court.proportion == "three-quarters"
    assert court.band.id == "top" and court.band_rank == 0
    assert court.reason_counts() == {"unclear": 1}

    plan = report.criterion("bb.plan")
    assert (plan.sufficient, plan.insufficient, plan.not_applicable) == (1, 1, 2)
    assert plan.relevant == 2
    assert plan.percent == 50.0
    assert plan.proportion == "half"
    assert plan.band.id == "bottom"
    assert plan.reason_counts() == {"gaps": 1, "vague": 0}
    assert (plan.views, plan.disagreements) == (1, 0)

    signed = report.criterion("bb.signed")
    assert (signed.sufficient, signed.relevant) == (0, 0)
    assert signed.percent is None
    assert signed.percent_text == "–"
    assert signed.proportion == "no relevant cases"
    assert signed.finding == "No relevant cases."
    assert signed.band is None and signed.band_rank is None
    assert signed.reason_counts() == {"late": 0, "levels": 0}


def test_quotable_notes_appear_under_their_criterion_with_the_case(mini, mini_reviews) -> None:
    report = build_report(mini, mini_reviews)
    quotes = report.criterion("aa.first").quotes
    assert [(q.case_ref, q.outcome, q.note) for q in quotes] == [
        ("MIN-01", "sufficient", "Thorough and [bold red]well evidenced[/]"),
        ("MIN-03", "insufficient", "Nothing on school."),
    ]
    # a quotable note on a judgement whose gate is false does not count either
    assert report.criterion("aa.report").quotes == ()
    assert report.criterion("bb.plan").quotes == ()


def test_sections_strengths_and_areas_follow_the_stated_rule(mini, mini_reviews) -> None:
    report = build_report(mini, mini_reviews)
    aa, bb = report.sections
    assert (aa.sufficient, aa.relevant) == (5, 9)
    assert aa.percent == 55.6
    assert aa.summary.startswith(
        "Across its 2 criteria, just over half of the 9 relevant judgements were sufficient "
        "(5, 56%, bottom)."
    )
    assert "Strongest: the court report (three-quarters, 3 of the 4 relevant cases)." in aa.summary
    assert "Weakest: the first thing (just over one-third, 2 of the 5 relevant cases)." in (
        aa.summary
    )
    # strength: top band and at least 3 relevant cases
    assert [f.criterion for f in aa.strengths] == ["aa.report"]
    assert aa.strengths[0].short == "The court report: three-quarters (3 of 4)"
    # area: bottom band and at least 3 relevant cases, named with its most frequent reason
    assert [f.criterion for f in aa.areas] == ["aa.first"]
    assert aa.areas[0].text == (
        "The first thing. Just over one-third of the relevant cases were sufficient: 2 of 5. "
        "Most often: missing (2 of the 3 insufficient)."
    )
    # bb.plan is in the bottom band on only 2 relevant cases: shown, not called out
    assert bb.areas == () and bb.strengths == ()
    assert [f.criterion for f in report.areas] == ["aa.first"]
    assert any("at least 3 relevant cases" in n for n in report.notes)


def test_min_cases_is_a_parameter(mini, mini_reviews) -> None:
    report = build_report(mini, mini_reviews, min_cases=2)
    assert [f.criterion for f in report.areas] == ["aa.first", "bb.plan"]


def test_notes_say_what_was_left_out(mini, mini_reviews) -> None:
    notes = " ".join(build_report(mini, mini_reviews).notes)
    assert "1 in progress, 1 learning-mode, 1 for another framework" in notes
    assert "1 judgement on criteria that did not apply" in notes
    assert "zz.gone" in notes
    assert "local policy" not in notes or "Top" in notes


def test_the_reviews_behind_each_figure_are_kept_for_the_dashboard(mini, mini_reviews) -> None:
    first = build_report(mini, mini_reviews).criterion("aa.first")
    refs = {k: [c.case_ref for c in v] for k, v in first.cases.items()}
    assert refs == {
        "sufficient": ["MIN-01", "MIN-02"],
        "insufficient": ["MIN-03", "MIN-04", "MIN-05"],
        "not_applicable": [],
    }
    missing = next(r for r in first.reasons if r.id == "missing")
    assert [c.case_ref for c in missing.cases] == ["MIN-03", "MIN-04"]
    assert missing.cases[0].review_id == "id-MIN-03"
    assert first.cases_for("missing") == missing.cases
    assert [c.case_ref for c in first.cases_for("relevant")] == [f"MIN-0{i}" for i in range(1, 6)]
    assert first.cases_for("no_such_thing") == ()


def test_unknown_reason_ids_are_counted_not_lost(mini) -> None:
    report = build_report(mini, [R("MIN-01", {"aa.first": J("i", "retired_reason")})])
    first = report.criterion("aa.first")
    assert first.reason_counts() == {"missing": 0, "late": 0, "retired_reason": 1}
    assert next(r for r in first.reasons if r.id == "retired_reason").in_framework is False


def test_no_complete_reviews_reads_sensibly(mini) -> None:
    report = build_report(mini, [R("MIN-01", {"aa.first": J("s")}, status="in_progress")])
    assert report.reviews == 0 and report.cases == 0
    assert report.strengths == () and report.areas == () and report.recurring == ()
    for c in report.criteria:
        assert (c.relevant, c.percent, c.band) == (0, None, None)
        assert c.proportion == "no relevant cases"
    assert report.sections[0].summary == "No criterion in this section had a relevant case."
    for fmt in ("text", "md", "html", "json", "csv"):
        out = render(report, fmt)
        assert not re.search(r"\bnan\b", out, re.IGNORECASE)
        assert "0 of 0" not in out
        assert "division" not in out.lower()
    assert "No complete reviews match" in render(report, "text")


def test_one_review_reads_sensibly(mini) -> None:
    report = build_report(mini, [R("MIN-01", {"aa.first": J("s"), "bb.plan": J("i", "gaps")})])
    assert report.reviews == 1
    first = report.criterion("aa.first")
    assert (first.percent, first.proportion, first.count_words) == (
        100.0,
        "all",
        "1 of 1 relevant case",
    )
    assert first.finding == "The one relevant case was sufficient."
    assert report.criterion("bb.plan").finding == "The one relevant case was not sufficient."
    # one case is not a finding
    assert report.strengths == () and report.areas == ()
    text = render(report, "text")
    assert "1 complete review of 1 case" in text


def test_band_boundaries_with_the_default_bands(sqs) -> None:
    def band(k: int, n: int) -> str:
        reviews = [
            R(f"B-{i:02d}", {"rr.assessment": J("s" if i < k else "i")}, framework=sqs.id)
            for i in range(n)
        ]
        return build_report(sqs, reviews).criterion("rr.assessment").band.id

    assert band(4, 5) == "outstanding"  # exactly 80
    assert band(79, 100) == "good"
    assert band(13, 20) == "good"  # exactly 65
    assert band(64, 100) == "requires_improvement"
    assert band(1, 2) == "requires_improvement"  # exactly 50
    assert band(49, 100) == "inadequate"
    assert band(0, 3) == "inadequate"


def test_team_filter_ignores_case_like_the_store(mini) -> None:
    reviews = [
        R("T-01", {"aa.first": J("s")}, team="North"),
        R("T-02", {"aa.first": J("i")}, team="north "),
        R("T-03", {"aa.first": J("i")}, team="South"),
    ]
    report = build_report(mini, reviews, ReportFilter(team="NORTH"))
    assert report.reviews == 2
    assert report.criterion("aa.first").relevant == 2
    assert report.left_out == {"other_team": 1}


def test_date_filters_are_inclusive_and_fall_back_to_updated_at(mini) -> None:
    def at(day: int) -> datetime:
        return datetime(2024, 5, day, 12, tzinfo=UTC)

    reviews = [
        R("D-01", {"aa.first": J("s")}, completed_at=at(1), updated_at=at(20)),
        R("D-02", {"aa.first": J("s")}, completed_at=at(10), updated_at=at(10)),
        R("D-03", {"aa.first": J("s")}, completed_at=None, updated_at=at(15)),
        R("D-04", {"aa.first": J("s")}, completed_at=at(16), updated_at=at(2)),
    ]
    since = ReportFilter(since=date(2024, 5, 10))
    assert {c.case_ref for c in _counted(build_report(mini, reviews, since))} == {
        "D-02",
        "D-03",
        "D-04",
    }
    until = ReportFilter(until=date(2024, 5, 15))
    assert {c.case_ref for c in _counted(build_report(mini, reviews, until))} == {
        "D-01",
        "D-02",
        "D-03",
    }
    both = ReportFilter(since=date(2024, 5, 10), until=date(2024, 5, 15))
    report = build_report(mini, reviews, both)
    assert {c.case_ref for c in _counted(report)} == {"D-02", "D-03"}
    assert report.left_out == {"outside_dates": 2}
    assert (report.first_completed, report.last_completed) == (date(2024, 5, 10), date(2024, 5, 15))


def _counted(report):
    first = report.criterion("aa.first")
    return [*first.cases["sufficient"], *first.cases["insufficient"]]


def test_framework_mismatch_is_left_out(mini) -> None:
    report = build_report(mini, [R("F-01", {"aa.first": J("s")}, framework="sqs-youth-2014")])
    assert report.reviews == 0 and report.left_out == {"other_framework": 1}


def test_repeat_reviews_of_a_case_are_noted(mini) -> None:
    reviews = [
        R("REP-01", {"aa.first": J("s")}, id="a"),
        R("REP-01", {"aa.first": J("i")}, id="b"),
    ]
    report = build_report(mini, reviews)
    assert (report.reviews, report.cases) == (2, 1)
    assert any("1 case was reviewed more than once" in n for n in report.notes)


# -- the Harrow-like sample: figures as the published screening put them ----------------------


@pytest.fixture
def harrow(sqs):
    return build_report(sqs, harrow_like(sqs))


def test_harrow_sample_reads_like_the_inspection(harrow) -> None:
    victims = harrow.criterion("pp.victims")
    assert (victims.sufficient, victims.relevant) == (5, 12)
    assert victims.count_words == "5 of the 12 relevant cases"
    assert victims.proportion == "less than half"
    assert victims.percent == 41.7 and victims.band.id == "inadequate"
    assert victims.reason_counts() == {"plan_inadequate": 7, "victim_not_considered": 2}

    plan = harrow.criterion("rr.plan")
    assert (plan.sufficient, plan.relevant, plan.proportion) == (3, 14, "less than one-quarter")
    assert plan.reason_counts() == {
        "factors_not_in_plan": 7,
        "goals_not_measurable": 7,
        "generic_actions": 2,
        "not_done": 1,
    }
    assert harrow.criterion("rr.psr").proportion == "all bar one"
    assert harrow.criterion("rr.psr_alternatives").proportion == "all"
    assert harrow.criterion("pp.assessment").finding == (
        "All bar one of the 14 relevant cases were sufficient."
    )
    assert harrow.criterion("pp.mappa").proportion == "neither"
    assert harrow.criterion("pp.custody").proportion == "only one"
    assert harrow.criterion("rr.plan_review").proportion == "one-third"
    assert harrow.criterion("cy.plan_review").proportion == "one-quarter"
    assert harrow.criterion("ss.engagement").proportion == "just over one-third"
    assert harrow.criterion("ss.compliance").count_words == "9 of the 10 relevant cases"
    oversight = harrow.criterion("pp.oversight")
    assert (oversight.sufficient, oversight.relevant, oversight.not_applicable) == (5, 13, 1)
    assert oversight.disagreements == 1


def test_harrow_sample_every_figure_matches_its_spec(harrow) -> None:
    for cid, (na, sufficient, insufficient) in HARROW_FIGURES.items():
        c = harrow.criterion(cid)
        assert (c.not_applicable, c.sufficient, c.insufficient) == (
            na,
            sufficient,
            len(insufficient),
        ), cid
        expected: dict[str, int] = dict.fromkeys(c.reason_counts(), 0)
        for reasons in insufficient:
            for r in reasons:
                expected[r] += 1
        assert c.reason_counts() == expected, cid


def test_harrow_recurring_deficits(harrow) -> None:
    recurring = {r.id: r for r in harrow.recurring}
    after_change = recurring["not_after_change"]
    assert after_change.count == 11
    assert after_change.criteria == (
        "rr.assessment_review",
        "pp.assessment_review",
        "cy.assessment_review",
    )
    assert after_change.label == "Not reviewed after a significant change"
    # reasons worded differently under different criteria fall back to the id
    assert recurring["not_done"].label == "Not done"


def test_harrow_strengths_and_areas(harrow) -> None:
    strengths = [f.criterion for f in harrow.strengths]
    assert {"rr.psr_alternatives", "pp.psr", "pp.assessment", "ss.compliance"} <= set(strengths)
    areas = [f.criterion for f in harrow.areas]
    assert {"rr.plan", "pp.victims", "cy.oversight", "cy.plan"} <= set(areas)
    assert "pp.mappa" not in areas  # 2 relevant cases: fewer than 3
    for f in harrow.areas:
        assert harrow.criterion(f.criterion).band.id == "inadequate"
    for f in harrow.strengths:
        assert harrow.criterion(f.criterion).band.id == "outstanding"


def test_section_summaries_at_the_extremes(mini) -> None:
    def summary(*outcomes: str) -> str:
        reviews = [R(f"S-{i}", {"aa.first": J(o)}) for i, o in enumerate(outcomes)]
        return build_report(mini, reviews).sections[0].summary

    assert summary("s", "s", "s").startswith(
        "Across its 2 criteria, all 3 relevant judgements were sufficient (100%, top)."
    )
    assert summary("i", "i").startswith(
        "Across its 2 criteria, none of the 2 relevant judgements was sufficient (0%, bottom)."
    )
    assert (
        summary("s")
        == "Across its 2 criteria, the one relevant judgement was sufficient (100%, top)."
    )
    assert summary("i") == (
        "Across its 2 criteria, the one relevant judgement was not sufficient (0%, bottom)."
    )


def _joint(ref: str, inspector: str, manager: str, *, agreed: str | None = None) -> Review:
    """A complete joint review of mini's aa.first: the inspector's judgement before the
    discussion, the case manager's own, and (optionally) the outcome that stands."""
    short = {"s": "sufficient", "i": "insufficient", "na": "not_applicable"}
    view = View(agrees=inspector == manager, outcome=short[manager])
    judgement = J(agreed or inspector, inspector_outcome=short[inspector], view=view)
    return R(ref, {"aa.first": judgement, "bb.plan": J("s")}, mode="joint")


def test_agreement_and_cohens_kappa_match_a_hand_computed_example(mini):
    # Pairs (inspector, case manager): ss x4, si x1, is x2, ii x3.  Hand computed:
    # p_o = 7/10 = 0.7; inspector said s 5/10, case manager 6/10;
    # p_e = 0.5 * 0.6 + 0.5 * 0.4 = 0.5; kappa = (0.7 - 0.5) / (1 - 0.5) = 0.4.
    pairs = ["ss"] * 4 + ["si"] + ["is"] * 2 + ["ii"] * 3
    reviews = [_joint(f"J-{n:02}", p[0], p[1]) for n, p in enumerate(pairs)]
    # Not counted: a case manager's "not applicable", a self-audit with a view, an unfinished one.
    reviews.append(_joint("J-90", "s", "na"))
    reviews.append(R("J-91", {"aa.first": J("s", view=View(agrees=False, outcome="insufficient"))}))
    reviews.append(_joint("J-92", "i", "s").copy(status="in_progress"))
    # The outcome that stands does not change the pair: it is the inspector's before discussion.
    reviews.append(_joint("J-93", "s", "i", agreed="i"))
    report = build_report(mini, reviews)
    figures = report.criterion("aa.first")
    assert figures is not None and figures.agreement is not None
    # 11 pairs now: the extra "si" (J-93): p_o = 7/11, inspector s 6/11, manager s 6/11.
    assert figures.agreement.n == 11 and figures.agreement.agreed == 7
    p_e = (6 / 11) * (6 / 11) + (5 / 11) * (5 / 11)
    assert figures.agreement.kappa == round((7 / 11 - p_e) / (1 - p_e), 3)
    exact = build_report(mini, reviews[:10]).criterion("aa.first")
    assert exact is not None and exact.agreement is not None
    assert (exact.agreement.n, exact.agreement.percent, exact.agreement.kappa) == (10, 70.0, 0.4)
    # bb.plan was judged in joint reviews without a view: no pairs, no figure.
    assert report.criterion("bb.plan").agreement is None
    data = json.loads(render(report, "json"))
    assert data["agreement"] == {"n": 11, "percent": 63.6, "kappa": figures.agreement.kappa}
    by_id = {c["id"]: c for c in data["criteria"]}
    assert by_id["aa.first"]["agreement"]["n"] == 11 and by_id["bb.plan"]["agreement"] is None
    assert data["agreement_lowest_first"] == ["aa.first"]
    assert "Cohen's kappa" in render(report, "text") and "Cohen" in render(report, "md")


def test_kappa_is_not_defined_when_both_always_say_the_same(mini):
    reviews = [_joint(f"K-{n}", "s", "s") for n in range(3)]
    figures = build_report(mini, reviews).criterion("aa.first")
    assert figures.agreement is not None
    assert (figures.agreement.percent, figures.agreement.kappa) == (100.0, None)


def test_agreement_lists_the_criteria_with_the_lowest_agreement_first(mini):
    reviews = []
    for n, (first, plan) in enumerate([("ss", "si"), ("ii", "is"), ("ss", "ss")]):
        review = _joint(f"L-{n}", first[0], first[1])
        plan_view = View(
            agrees=plan[0] == plan[1], outcome={"s": "sufficient", "i": "insufficient"}[plan[1]]
        )
        plan_j = J(
            plan[0],
            inspector_outcome={"s": "sufficient", "i": "insufficient"}[plan[0]],
            view=plan_view,
        )
        reviews.append(review.copy(judgements={**review.judgements, "bb.plan": plan_j}))
    report = build_report(mini, reviews)
    assert [c.id for c in report.lowest_agreement()] == ["bb.plan", "aa.first"]
    text = render(report, "text")
    assert text.index("(bb.plan): agreed in 1 of 3") < text.index("(aa.first): agreed in 3 of 3")
