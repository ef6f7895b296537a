"""Fictional reviews for demonstrations, the HTML screenshot and the benchmark.

``harrow_like`` gives 14 complete reviews of the bundled framework whose figures follow the
published 2014 Harrow screening (e.g. victims managed in 5 of the 12 relevant cases, plans
good enough in less than one-quarter).  Case references are pseudonymous (``HAR-01``...),
the notes are this project's own fictional words, and no child is named.

``synthetic`` gives any number of varied complete reviews for timing the report.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from prompts.model import Framework
from store.records import Judgement, Review, View

__all__ = ["HARROW_FIGURES", "harrow_like", "synthetic"]

CASES = 14
# Which of the 14 cases each gate fact holds for (case index 0..13).
_GATES = {
    "psr": range(8),
    "custody": range(4),
    "mappa": range(2),
    "victim": range(12),
    "non_compliance": range(10),
}

# criterion id -> (not applicable, sufficient, reasons of each insufficient case).
# Relevant cases are the cases the gate allows, less the not-applicable ones.
HARROW_FIGURES: dict[str, tuple[int, int, tuple[tuple[str, ...], ...]]] = {
    "rr.assessment": (
        0,
        7,
        (
            ("positive_factors_missed",),
            ("positive_factors_missed", "drivers_missed"),
            ("vulnerability_missed",),
            ("drivers_missed",),
            ("positive_factors_missed",),
            ("vulnerability_missed", "drivers_missed"),
            ("not_done",),
        ),
    ),
    "rr.assessment_review": (
        0,
        8,
        (
            ("not_done",),
            ("not_done",),
            ("not_done",),
            ("not_after_change",),
            ("not_after_change",),
            ("not_after_change", "not_timely"),
        ),
    ),
    "rr.psr": (0, 7, (("vulnerability_not_assessed",),)),
    "rr.psr_alternatives": (0, 8, ()),
    "rr.plan": (
        0,
        3,
        (("factors_not_in_plan", "goals_not_measurable"),) * 5
        + (
            ("factors_not_in_plan",),
            ("factors_not_in_plan", "generic_actions"),
            ("goals_not_measurable",),
            ("generic_actions",),
            ("not_done",),
            ("goals_not_measurable",),
        ),
    ),
    "rr.plan_review": (
        2,
        4,
        (
            ("not_done",),
            ("not_done",),
            ("not_timely",),
            ("not_timely",),
            ("not_timely", "not_revised"),
            ("not_revised",),
            ("not_revised",),
            ("not_revised",),
        ),
    ),
    "rr.custody_plan": (0, 2, (("no_custodial_plan",), ("delivery_unclear",))),
    "pp.assessment": (0, 13, (("analysis_weak",),)),
    "pp.psr": (0, 8, ()),
    "pp.assessment_review": (
        2,
        6,
        (
            ("not_done",),
            ("not_done",),
            ("not_timely",),
            ("not_timely", "not_after_change"),
            ("not_after_change",),
            ("not_after_change",),
        ),
    ),
    "pp.plan": (
        0,
        8,
        (
            ("not_done",),
            ("not_done",),
            ("not_done",),
            ("not_done",),
            ("contingency_weak",),
            ("contingency_weak",),
        ),
    ),
    "pp.mappa": (0, 0, (("no_referral",), ("referral_late",))),
    "pp.victims": (
        0,
        5,
        (("plan_inadequate",),) * 5 + (("plan_inadequate", "victim_not_considered"),) * 2,
    ),
    "pp.oversight": (
        1,
        5,
        (("deficits_not_identified",),) * 3
        + (
            ("deficits_not_identified", "no_follow_up"),
            ("countersign_late",),
            ("countersign_late", "risk_levels_inconsistent"),
            ("risk_levels_inconsistent",),
            ("no_follow_up",),
        ),
    ),
    "pp.custody": (
        0,
        1,
        (("mappa_not_addressed",), ("mappa_not_addressed", "planning_weak"), ("contingency_weak",)),
    ),
    "cy.assessment": (
        0,
        4,
        (("not_done",),) * 3
        + (
            ("poor_quality", "emotional_mental_health"),
            ("poor_quality", "physical_health"),
            ("emotional_mental_health", "education"),
            ("care_arrangements",),
            ("education", "care_arrangements"),
            ("emotional_mental_health",),
            ("poor_quality",),
        ),
    ),
    "cy.psr": (0, 5, (("vulnerability_not_assessed",),) * 3),
    "cy.assessment_review": (
        2,
        5,
        (("not_after_change",),) * 4
        + (("not_done",), ("not_timely",), ("not_after_change", "not_timely")),
    ),
    "cy.plan": (
        0,
        2,
        (("not_done",),) * 6
        + (("responses_insufficient", "contingency_weak"),) * 2
        + (("interventions_missing",),) * 3
        + (("interventions_missing", "responses_insufficient"),),
    ),
    "cy.plan_review": (
        2,
        3,
        (("not_done",),) * 4 + (("not_timely",),) * 3 + (("not_revised",),) * 2,
    ),
    "cy.oversight": (
        2,
        0,
        (("deficits_not_identified",),) * 7
        + (("deficits_not_identified", "countersign_late"),) * 5,
    ),
    "cy.custody": (
        0,
        0,
        (("planning_insufficient",),) * 3
        + (("planning_insufficient", "not_reviewed_after_incident"),),
    ),
    "ss.diversity": (
        0,
        8,
        (("slcn_missed",),) * 3
        + (("learning_style_missed",),) * 2
        + (("slcn_missed", "no_actions_in_plan"),),
    ),
    "ss.psr_diversity": (0, 6, (("not_identified",),) * 2),
    "ss.engagement": (
        0,
        5,
        (("child_not_engaged",),) * 4
        + (("carers_not_engaged",),) * 3
        + (("child_not_engaged", "carers_not_engaged"),) * 2,
    ),
    "ss.health": (1, 8, (("not_addressed",),) * 5),
    "ss.compliance": (0, 9, (("not_timely",),)),
}

# criterion id -> (case index, note): fictional notes an inspector marked quotable.
_QUOTES = {
    "rr.assessment": (
        2,
        "Police intelligence on peer contacts was used to test the young "
        "person's account of moving away from a negative peer group.",
    ),
    "rr.plan": (
        9,
        "The intervention plan did not touch the main concerns the assessment had "
        "set out; the actions read like appointment reminders.",
    ),
    "pp.assessment": (
        4,
        "A thorough analysis of family influences and self-esteem, and how "
        "they fed into the offending.",
    ),
    "ss.engagement": (
        0,
        "Sustained, purposeful contact: the young person is more settled and "
        "has started a college course.",
    ),
}


def _facts(case: int) -> dict[str, bool | str | list[str]]:
    return {fact: case in cases for fact, cases in _GATES.items()}


def harrow_like(framework: Framework, team: str = "Harrow") -> list[Review]:
    """14 complete reviews whose figures follow the Harrow 2014 screening."""
    judgements: list[dict[str, Judgement]] = [{} for _ in range(CASES)]
    for criterion in framework.criteria:
        spec = HARROW_FIGURES.get(criterion.id)
        if spec is None:
            continue
        not_applicable, sufficient, insufficient = spec
        gate = next((f for f in _GATES if criterion.applies_when == f), None)
        cases = list(_GATES[gate]) if gate else list(range(CASES))
        expected = not_applicable + sufficient + len(insufficient)
        if expected != len(cases):
            raise ValueError(f"{criterion.id}: figures cover {expected} of {len(cases)} cases")
        quote = _QUOTES.get(criterion.id)
        for position, case in enumerate(cases):
            extra: dict[str, object] = {}
            if quote and quote[0] == case:
                extra = {"note": quote[1], "quotable": True}
            if position < not_applicable:
                j = Judgement(outcome="not_applicable", **extra)
            elif position < not_applicable + sufficient:
                j = Judgement(outcome="sufficient", **extra)
            else:
                reasons = insufficient[position - not_applicable - sufficient]
                j = Judgement(outcome="insufficient", reasons=reasons, **extra)
            if case in (1, 5, 11):  # joint reviews: the case manager's view alongside
                agrees = not (case == 5 and criterion.id in ("cy.oversight", "pp.oversight"))
                j = j.copy(view=View(agrees=agrees))
            judgements[case][criterion.id] = j
    start = datetime(2014, 10, 20, 10, tzinfo=UTC)
    return [
        Review(
            id=f"harrow-{case + 1:02d}",
            case_ref=f"HAR-{case + 1:02d}",
            framework=framework.id,
            framework_version=framework.version,
            mode="joint" if case in (1, 5, 11) else "self",
            reviewer="Inspector A" if case in (1, 5, 11) else "Case manager",
            team=team,
            status="complete",
            facts=_facts(case),
            judgements=judgements[case],
            created_at=start + timedelta(days=case // 5),
            updated_at=start + timedelta(days=case // 5, hours=2),
            completed_at=start + timedelta(days=case // 5, hours=2),
        )
        for case in range(CASES)
    ]


_NOTES = (
    "Plan not revised after the move to a new placement.",
    "Review was three months late.",
    "Countersigned six weeks after the assessment.",
    "Good use of the school's information.",
    "Contingency plan only says 'monitor'.",
    "Speech and language screening never done.",
)


def synthetic(
    framework: Framework, count: int, seed: int = 2014, teams: int = 6
) -> Iterator[Review]:
    """``count`` complete reviews with varied facts, outcomes, reasons and notes.

    Every criterion is judged in every review (27 judgements for the bundled framework), so
    reviews whose facts close a gate carry judgements the report must leave out.
    """
    rng = random.Random(seed)
    quality = {c.id: rng.uniform(0.25, 0.95) for c in framework.criteria}
    team_names = [f"Team {chr(65 + i)}" for i in range(teams)]
    start = datetime(2023, 1, 2, 9, tzinfo=UTC)
    for i in range(count):
        joint = rng.random() < 0.2
        facts: dict[str, bool | str | list[str]] = {
            "psr": rng.random() < 0.6,
            "custody": rng.random() < 0.15,
            "mappa": rng.random() < 0.1,
            "victim": rng.random() < 0.7,
            "non_compliance": rng.random() < 0.5,
        }
        judgements: dict[str, Judgement] = {}
        for c in framework.criteria:
            roll = rng.random()
            if c.allow_not_applicable and roll < 0.08:
                j = Judgement(outcome="not_applicable")
            elif roll < quality[c.id]:
                j = Judgement(outcome="sufficient")
            else:
                k = 1 if rng.random() < 0.7 else 2
                reasons = tuple(r.id for r in rng.sample(c.reasons, min(k, len(c.reasons))))
                note = rng.choice(_NOTES) if rng.random() < 0.3 else ""
                j = Judgement(
                    outcome="insufficient",
                    reasons=reasons,
                    note=note,
                    quotable=bool(note) and rng.random() < 0.02,
                )
            if joint:
                j = j.copy(view=View(agrees=rng.random() < 0.9))
            judgements[c.id] = j
        done = start + timedelta(hours=rng.randrange(0, 2 * 365 * 24))
        yield Review(
            id=f"bench-{i:05d}",
            case_ref=f"BEN-{i:05d}",
            framework=framework.id,
            framework_version=framework.version,
            mode="joint" if joint else "self",
            team=rng.choice(team_names),
            status="complete",
            facts=facts,
            judgements=judgements,
            created_at=done - timedelta(days=3),
            updated_at=done,
            completed_at=done,
        )
