"""The bundled framework `sqs-youth-2014` keeps the contract of SPEC §3.1 and has real content.

The table below is SPEC §3.1, copied by hand: ids, sections, gates, reason ids and where "not
applicable" is allowed are a contract that the import format and the reports rely on.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from prompts import load_framework
from prompts.model import Criterion, Framework
from tests.conftest import ROOT, case_review, cli_env

BUNDLED = ROOT / "prompts" / "frameworks" / "sqs-youth-2014.toml"

# id: (section, gate or None, n/a allowed, reason ids in order)
SPEC_3_1: dict[str, tuple[str, str | None, bool, tuple[str, ...]]] = {
    # Section rr: Reducing reoffending
    "rr.assessment": (
        "rr",
        None,
        False,
        ("positive_factors_missed", "vulnerability_missed", "drivers_missed", "not_done"),
    ),
    "rr.assessment_review": ("rr", None, True, ("not_done", "not_timely", "not_after_change")),
    "rr.psr": ("rr", "psr", False, ("vulnerability_not_assessed", "other_quality")),
    "rr.psr_alternatives": ("rr", "psr", False, ("not_considered",)),
    "rr.plan": (
        "rr",
        None,
        False,
        ("factors_not_in_plan", "goals_not_measurable", "generic_actions", "not_done"),
    ),
    "rr.plan_review": ("rr", None, True, ("not_done", "not_timely", "not_revised")),
    "rr.custody_plan": ("rr", "custody", False, ("no_custodial_plan", "delivery_unclear")),
    # Section pp: Protecting the public
    "pp.assessment": ("pp", None, False, ("not_done", "not_timely", "analysis_weak")),
    "pp.psr": ("pp", "psr", False, ("account_unclear",)),
    "pp.assessment_review": ("pp", None, True, ("not_done", "not_timely", "not_after_change")),
    "pp.plan": ("pp", None, True, ("not_done", "contingency_weak")),
    "pp.mappa": ("pp", "mappa", False, ("no_referral", "referral_late")),
    "pp.victims": ("pp", "victim", False, ("plan_inadequate", "victim_not_considered")),
    "pp.oversight": (
        "pp",
        None,
        True,
        ("deficits_not_identified", "no_follow_up", "countersign_late", "risk_levels_inconsistent"),
    ),
    "pp.custody": (
        "pp",
        "custody",
        False,
        ("mappa_not_addressed", "planning_weak", "contingency_weak"),
    ),
    # Section cy: Protecting the child or young person
    "cy.assessment": (
        "cy",
        None,
        False,
        (
            "not_done",
            "poor_quality",
            "emotional_mental_health",
            "physical_health",
            "education",
            "care_arrangements",
        ),
    ),
    "cy.psr": ("cy", "psr", False, ("vulnerability_not_assessed",)),
    "cy.assessment_review": ("cy", None, True, ("not_done", "not_timely", "not_after_change")),
    "cy.plan": (
        "cy",
        None,
        False,
        ("not_done", "responses_insufficient", "contingency_weak", "interventions_missing"),
    ),
    "cy.plan_review": ("cy", None, True, ("not_done", "not_timely", "not_revised")),
    "cy.oversight": (
        "cy",
        None,
        True,
        ("deficits_not_identified", "countersign_late", "no_follow_up"),
    ),
    "cy.custody": (
        "cy",
        "custody",
        False,
        ("planning_insufficient", "not_reviewed_after_incident"),
    ),
    # Section ss: Ensuring the sentence is served
    "ss.diversity": (
        "ss",
        None,
        False,
        ("slcn_missed", "learning_style_missed", "no_actions_in_plan"),
    ),
    "ss.psr_diversity": ("ss", "psr", False, ("not_identified",)),
    "ss.engagement": ("ss", None, False, ("child_not_engaged", "carers_not_engaged")),
    "ss.health": ("ss", None, True, ("not_addressed",)),
    "ss.compliance": (
        "ss",
        "non_compliance",
        False,
        ("no_response", "not_timely", "response_inappropriate"),
    ),
}

GATES = ("psr", "custody", "mappa", "victim", "non_compliance")


@pytest.fixture(scope="module")
def fw() -> Framework:
    return load_framework(BUNDLED)


def _texts(criterion: Criterion) -> list[str]:
    texts = [
        criterion.title,
        criterion.question,
        criterion.help,
        criterion.action,
        criterion.learning.why,
        criterion.learning.good,
    ]
    for reason in criterion.reasons:
        texts += [reason.label, reason.action, *reason.words]
    return texts


def test_the_bundled_file_passes_check_framework_as_a_real_command():
    done = subprocess.run(
        [*case_review(), "check-framework", str(BUNDLED)],
        capture_output=True,
        text=True,
        env=cli_env(),
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "27 criteria" in done.stdout


def test_the_criteria_are_exactly_those_of_spec_3_1_in_order(fw: Framework):
    assert [c.id for c in fw.criteria] == list(SPEC_3_1)
    assert [s.id for s in fw.sections] == ["rr", "pp", "cy", "ss"]


def test_the_five_gates_are_yes_no_facts(fw: Framework):
    for gate in GATES:
        fact = fw.fact(gate)
        assert fact is not None, gate
        assert fact.type == "yesno", gate


@pytest.mark.parametrize("criterion_id", list(SPEC_3_1))
def test_each_criterion_keeps_its_contract(fw: Framework, criterion_id: str):
    section, gate, na_allowed, reason_ids = SPEC_3_1[criterion_id]
    criterion = fw.criterion(criterion_id)
    assert criterion is not None
    assert criterion.section == section
    assert criterion.applies_when == gate
    assert criterion.allow_not_applicable is na_allowed
    assert tuple(r.id for r in criterion.reasons) == reason_ids


@pytest.mark.parametrize("criterion_id", list(SPEC_3_1))
def test_flags_are_urgent_in_section_cy_and_only_there(fw: Framework, criterion_id: str):
    criterion = fw.criterion(criterion_id)
    assert criterion is not None
    expected = "urgent" if criterion.section == "cy" else "standard"
    assert criterion.severity == expected


@pytest.mark.parametrize("criterion_id", list(SPEC_3_1))
def test_each_criterion_has_real_content(fw: Framework, criterion_id: str):
    criterion = fw.criterion(criterion_id)
    assert criterion is not None
    assert criterion.question.endswith("?"), "a question a case manager can answer yes or no"
    assert len(criterion.question.split()) >= 6
    assert len(criterion.action.split()) >= 8, "a concrete action, not a placeholder"
    assert len(criterion.learning.why.split()) >= 15
    assert len(criterion.learning.good.split()) >= 15
    for reason in criterion.reasons:
        assert reason.label
        assert len(reason.words) >= 3, f"{reason.id}: give at least three everyday words"
        assert len({w.lower() for w in reason.words}) == len(reason.words), reason.id
    for text in _texts(criterion):
        assert "DRAFT" not in text


def test_nothing_in_the_file_is_left_as_draft():
    assert "DRAFT" not in BUNDLED.read_text(encoding="utf-8")


def test_not_applicable_criteria_say_when_it_applies(fw: Framework):
    for criterion in fw.criteria:
        if criterion.allow_not_applicable:
            assert "not applicable" in criterion.help.lower(), criterion.id


def test_no_long_passage_is_copied_from_the_inspection_report(fw: Framework):
    """Our sentences are our own: no run of eight words is lifted from the report (a copy of
    its text is kept in tests/data, so the check runs in a clean clone and in CI)."""
    report = ROOT / "tests" / "data" / "sqs-harrow-2014.txt"

    def words(text: str) -> list[str]:
        return re.findall(r"[a-z0-9]+", text.lower())

    source = words(report.read_text(encoding="utf-8"))
    grams = {tuple(source[i : i + 8]) for i in range(len(source) - 7)}
    for criterion in fw.criteria:
        for text in _texts(criterion):
            ours = words(text)
            for i in range(len(ours) - 7):
                assert tuple(ours[i : i + 8]) not in grams, f"{criterion.id}: {text!r}"


def test_the_file_names_no_package_registry():
    text = Path(BUNDLED).read_text(encoding="utf-8").lower()
    assert "pypi" not in text and "npmjs" not in text
