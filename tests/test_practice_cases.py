"""Practice cases (SPEC §9): every bundled case is a sound model answer, and a broken case file
is refused at load with the file, the item and what is wrong."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.engine.checks import run_checks
from prompts.practice import (
    PracticeError,
    find_practice_cases,
    get_practice_case,
    live_criteria,
    load_practice_case,
    practice_cases,
    practice_files,
)
from tests.conftest import ROOT

# ---- the bundled cases -----------------------------------------------------------------------

# What each case is written to teach: (criterion, reason) pairs its model answer must contain.
# The good-practice cases instead have no insufficient judgement at all.
TEACHES: dict[str, set[tuple[str, str]]] = {
    "custody-mappa": {
        ("pp.mappa", "referral_late"),
        ("pp.custody", "mappa_not_addressed"),
        ("rr.custody_plan", "delivery_unclear"),
        ("cy.custody", "planning_insufficient"),
    },
    "slcn-missed": {
        ("ss.diversity", "slcn_missed"),
        ("ss.psr_diversity", "not_identified"),
        ("ss.compliance", "response_inappropriate"),
    },
    "no-safety-plan": {("cy.plan", "not_done"), ("cy.oversight", "deficits_not_identified")},
    "victim-poor": {("pp.victims", "plan_inadequate"), ("pp.plan", "contingency_weak")},
    "placement-move": {
        ("rr.plan_review", "not_revised"),
        ("rr.assessment_review", "not_after_change"),
        ("cy.assessment_review", "not_after_change"),
    },
    "late-countersign": {
        ("pp.oversight", "countersign_late"),
        ("pp.oversight", "risk_levels_inconsistent"),
        ("cy.oversight", "countersign_late"),
    },
    "own-account": {
        ("rr.assessment", "drivers_missed"),
        ("rr.assessment", "vulnerability_missed"),
        ("pp.assessment", "analysis_weak"),
        ("rr.plan", "factors_not_in_plan"),
    },
}
GOOD_THROUGHOUT = {"victim-good", "good-practice"}


@pytest.fixture(scope="module")
def cases():
    from prompts import get_framework

    return practice_cases(get_framework("sqs-youth-2014"))


def test_every_bundled_case_loads_and_they_come_sorted_by_id(sqs, cases):
    ids = [c.id for c in cases]
    assert ids == sorted(ids)
    assert len(ids) == len(set(ids)) >= 8
    assert set(TEACHES) | GOOD_THROUGHOUT <= set(ids)
    assert [p.stem for p in practice_files()] == ids
    assert find_practice_cases(sqs) == (cases, [])


def test_every_case_has_a_model_answer_for_exactly_its_live_criteria(sqs, cases):
    for case in cases:
        judged = tuple(j.criterion for j in case.judgements)
        assert judged == live_criteria(sqs, case.facts), case.id
        for gate in ("psr", "custody", "mappa", "victim", "non_compliance"):
            assert isinstance(case.facts[gate], bool), (case.id, gate)


def test_model_reasons_are_the_criterions_own_and_only_on_insufficient(sqs, cases):
    for case in cases:
        for j in case.judgements:
            crit = sqs.criterion(j.criterion)
            assert crit is not None
            assert j.outcome in crit.outcomes, (case.id, j.criterion)
            assert all(crit.reason(r) for r in j.reasons), (case.id, j.criterion)
            assert bool(j.reasons) == (j.outcome == "insufficient"), (case.id, j.criterion)


def test_rationales_are_written_out_and_cite_extracts_that_exist(cases):
    for case in cases:
        extract_ids = {e.id for e in case.extracts}
        cited: set[str] = set()
        for j in case.judgements:
            assert len(j.rationale.split()) >= 15, (case.id, j.criterion, "rationale too thin")
            assert j.cites and set(j.cites) <= extract_ids, (case.id, j.criterion)
            cited.update(j.cites)
        # Nothing in the case file is padding: every extract decides at least one judgement.
        assert cited == extract_ids, (case.id, extract_ids - cited)


def test_case_files_are_short_fictional_and_pseudonymous(cases):
    refs = [c.case_ref for c in cases]
    for case in cases:
        assert re.fullmatch(r"PRAC-\d\d", case.case_ref), case.id
        assert "\n" not in case.summary and len(case.summary) <= 110, case.id
        assert 5 <= len(case.extracts) <= 14, case.id
        for extract in case.extracts:
            assert 15 <= len(extract.text.split()) <= 200, (case.id, extract.id)
    # Only the good/poor pair shares a reference: it is the same fictional case done twice.
    shared = {r for r in refs if refs.count(r) > 1}
    assert shared == {next(c.case_ref for c in cases if c.id == "victim-good")}


def test_nothing_in_a_case_file_is_dated_after_the_date_it_is_read_on(cases):
    for case in cases:
        for extract in case.extracts:
            for when in re.findall(r"\d{4}-\d\d-\d\d", extract.heading + " " + extract.text):
                # Release dates and meetings still to come are written as due, not done.
                future = re.search(rf"(due|set for|due on) [^.]*{when}", extract.text)
                assert when <= case.as_at or future, (case.id, extract.id, when)


@pytest.mark.parametrize("case_id", sorted(TEACHES))
def test_each_case_teaches_the_deficits_it_was_written_for(cases, case_id):
    case = next(c for c in cases if c.id == case_id)
    given = {(j.criterion, r) for j in case.judgements for r in j.reasons}
    assert TEACHES[case_id] <= given


def test_the_good_practice_cases_have_no_insufficient_judgement(cases):
    for case in cases:
        insufficient = [j.criterion for j in case.judgements if j.outcome == "insufficient"]
        assert (not insufficient) == (case.id in GOOD_THROUGHOUT), (case.id, insufficient)


def test_the_custody_case_meets_mappa_and_the_victim_cases_have_a_victim(cases):
    by_id = {c.id: c for c in cases}
    assert by_id["custody-mappa"].facts["custody"] and by_id["custody-mappa"].facts["mappa"]
    for case_id in ("victim-good", "victim-poor"):
        assert by_id[case_id].facts["victim"] is True


def test_the_good_and_poor_versions_are_the_same_case(cases):
    good = next(c for c in cases if c.id == "victim-good")
    poor = next(c for c in cases if c.id == "victim-poor")
    gates = ("psr", "custody", "mappa", "victim", "non_compliance")
    assert [good.facts[g] for g in gates] == [poor.facts[g] for g in gates]
    same = [e.id for e in good.extracts if e in poor.extracts]
    assert len(same) >= len(good.extracts) // 2, same
    assert sum(j.outcome == "insufficient" for j in poor.judgements) >= 4


def test_model_facts_and_model_judgements_agree_with_the_consistency_checks(sqs, cases):
    """Where the framework's checks derive a deficit from a case's facts, the model answer
    judges that criterion insufficient for that reason (else the engine would contradict the
    model answer in front of the learner)."""
    fired = 0
    for case in cases:
        for finding in run_checks(sqs, case.facts):
            model = case.judgement(finding.check.criterion)
            assert model is not None and model.outcome == "insufficient", (case.id, finding)
            assert finding.check.reason in model.reasons, (case.id, finding.message)
            fired += 1
    assert fired >= 4  # the cases do exercise the checks (dates, factor lists, risk levels)


def test_get_practice_case_finds_by_id_and_refuses_unknown_ids(sqs, cases):
    assert get_practice_case("custody-mappa", sqs) == next(
        c for c in cases if c.id == "custody-mappa"
    )
    for bad in ("no-such-case", "../frameworks/sqs-youth-2014", "CUSTODY-MAPPA", ""):
        with pytest.raises(PracticeError) as info:
            get_practice_case(bad, sqs)
        assert "no practice case has this id" in str(info.value)
        assert "custody-mappa" in str(info.value)


def test_practice_cases_for_another_framework_are_left_out(mini):
    assert practice_cases(mini) == []


def test_loading_the_cases_imports_neither_textual_nor_the_engine_nor_the_store():
    code = (
        "import sys; from prompts import get_framework; "
        "from prompts.practice import practice_cases; "
        "n = len(practice_cases(get_framework())); "
        "bad = [m for m in ('textual', 'tinydb', 'assistant', 'store') if m in sys.modules]; "
        "print(n, bad)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    count, bad = result.stdout.split(" ", 1)
    assert int(count) >= 8
    assert bad.strip() == "[]"


# ---- broken case files are refused -----------------------------------------------------------

# A small valid case for the test framework tests/fixtures/mini.toml: court report (gates
# aa.report), a level, factor lists, two dates.
GOOD = """
id = "tiny"
case_ref = "PRAC-99"
title = "A tiny case"
summary = "Just enough to judge the mini framework."
framework = "mini-test"
as_at = 2014-06-30

[facts]
court = true
level = "high"
court_level = "high"
found = ["drugs", "school"]
planned = ["drugs"]
done_date = 2014-03-01
signed_date = 2014-03-04

[[extracts]]
id = "plan"
heading = "The plan"
text = "A plan about drugs; nothing about school."

[[extracts]]
id = "review-1"
heading = "First review"
text = "Signed three days after it was done."

[[judgements]]
criterion = "aa.first"
outcome = "sufficient"
cites = ["plan"]
rationale = "Done and done well."

[[judgements]]
criterion = "aa.report"
outcome = "sufficient"
cites = ["review-1"]
rationale = "The report was clear."

[[judgements]]
criterion = "bb.plan"
outcome = "insufficient"
reasons = ["gaps"]
cites = ["plan"]
rationale = "School was found but not planned for."

[[judgements]]
criterion = "bb.signed"
outcome = "sufficient"
cites = ["review-1"]
rationale = "Signed within the limit."
"""


def judgement_block(criterion: str) -> str:
    start = GOOD.index(f'criterion = "{criterion}"')
    start = GOOD.rindex("[[judgements]]", 0, start)
    end = GOOD.find("[[judgements]]", start + 1)
    return GOOD[start : end if end != -1 else len(GOOD)]


def edit(criterion: str, old: str, new: str):
    def change(text: str) -> str:
        block = judgement_block(criterion)
        assert old in block
        return text.replace(block, block.replace(old, new))

    return change


def replace(old: str, new: str):
    def change(text: str) -> str:
        assert old in text
        return text.replace(old, new, 1)

    return change


def both(*changes):
    def change(text: str) -> str:
        for c in changes:
            text = c(text)
        return text

    return change


def problems_of(path: Path, framework) -> list[str]:
    with pytest.raises(PracticeError) as info:
        load_practice_case(path, framework)
    return [str(p) for p in info.value.problems]


def write(tmp_path: Path, text: str, name: str = "tiny.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_small_case_used_below_is_valid(tmp_path, mini):
    case = load_practice_case(write(tmp_path, GOOD), mini)
    assert case.facts["done_date"] == "2014-03-01"  # a TOML date is kept as ISO text
    assert case.as_at == "2014-06-30"
    assert case.judgement("bb.plan").reasons == ("gaps",)
    assert case.framework_model is mini


BROKEN = {
    "unknown criterion": (
        lambda text: text + judgement_block("bb.signed").replace("bb.signed", "bb.sigend"),
        "bb.sigend: not a criterion of framework 'mini-test'",
    ),
    "unknown reason": (
        edit("bb.plan", '["gaps"]', '["holes"]'),
        "bb.plan: reasons: unknown reason 'holes' (this criterion's reasons: gaps, vague)",
    ),
    "a reason on a sufficient judgement": (
        edit("aa.first", 'outcome = "sufficient"', 'outcome = "sufficient"\nreasons = ["late"]'),
        "aa.first: reasons: only an insufficient judgement gives reasons, this one is sufficient",
    ),
    "a reason on a not applicable judgement": (
        edit("bb.plan", 'outcome = "insufficient"', 'outcome = "not_applicable"'),
        "bb.plan: reasons: only an insufficient judgement gives reasons",
    ),
    "insufficient without a reason": (
        edit("bb.plan", 'reasons = ["gaps"]', "reasons = []"),
        "bb.plan: reasons: an insufficient model judgement needs at least one reason",
    ),
    "not applicable where the criterion does not allow it": (
        edit("aa.first", 'outcome = "sufficient"', 'outcome = "not_applicable"'),
        "aa.first: outcome: not_applicable is not allowed for this criterion "
        "(allowed: sufficient, insufficient)",
    ),
    "an outcome that is not one": (
        edit("aa.first", 'outcome = "sufficient"', 'outcome = "partly"'),
        "aa.first: outcome: Input should be 'sufficient', 'insufficient' or 'not_applicable'",
    ),
    "a judgement for a criterion gated out by the model facts": (
        both(replace("court = true", "court = false"), replace('court_level = "high"\n', "")),
        "aa.report: judged, but the criterion does not apply under the model facts "
        "(it applies when court)",
    ),
    "a live criterion with no model judgement": (
        lambda text: text.replace(judgement_block("bb.signed"), ""),
        "bb.signed: applies under the model facts but has no model judgement",
    ),
    "a yes/no fact given as text": (
        replace("court = true", 'court = "yes"'),
        "court: a yes/no fact needs true or false, not 'yes'",
    ),
    "a choice fact with an unknown option": (
        replace('level = "high"', 'level = "medium"'),
        "level: 'medium' is not one of its options (low, high)",
    ),
    "a multichoice fact with an unknown option": (
        replace('found = ["drugs", "school"]', 'found = ["drugs", "pets"]'),
        "found: 'pets' is not one of its options (drugs, school, home)",
    ),
    "a multichoice fact given as one value": (
        replace('planned = ["drugs"]', 'planned = "drugs"'),
        "planned: a multichoice fact needs a list of option ids, not 'drugs'",
    ),
    "a date that is not ISO": (
        replace("done_date = 2014-03-01", 'done_date = "1/3/2014"'),
        "done_date: a date fact needs a date written YYYY-MM-DD, not '1/3/2014'",
    ),
    "a date that does not exist": (
        replace("done_date = 2014-03-01", 'done_date = "2014-02-30"'),
        "done_date: '2014-02-30' is not a real date",
    ),
    "a fact dated after the case file": (
        replace("signed_date = 2014-03-04", "signed_date = 2014-07-04"),
        "signed_date: 2014-07-04 is later than the case file's as_at date",
    ),
    "a case file date that does not exist": (
        replace("as_at = 2014-06-30", 'as_at = "2014-06-31"'),
        "(case): as_at: '2014-06-31' is not a real date",
    ),
    "a date given with a time": (
        replace("done_date = 2014-03-01", "done_date = 2014-03-01T10:00:00"),
        "done_date: a date fact needs a date written YYYY-MM-DD",
    ),
    "an unknown fact": (
        replace('level = "high"', 'level = "high"\ncolour = "red"'),
        "colour: not a fact of framework 'mini-test'",
    ),
    "a fact that is never asked under the model facts": (
        both(
            replace("court = true", "court = false"),
            lambda text: text.replace(judgement_block("aa.report"), ""),
        ),
        "court_level: given, but the model facts mean it is never asked (asked when court)",
    ),
    "a gate fact with no model value": (
        both(
            replace("court = true\n", ""),
            replace('court_level = "high"\n', ""),
        ),
        "court: no model value, but it decides whether aa.report apply",
    ),
    "a rationale citing an extract that does not exist": (
        edit("aa.first", 'cites = ["plan"]', 'cites = ["plan", "psr"]'),
        "aa.first: cites: no extract has id 'psr' (extracts: plan, review-1)",
    ),
    "a rationale citing nothing": (
        edit("aa.first", 'cites = ["plan"]', "cites = []"),
        "aa.first: cites: Tuple should have at least 1 item",
    ),
    "an empty rationale": (
        edit("aa.first", 'rationale = "Done and done well."', 'rationale = "   "'),
        "aa.first: rationale: is empty",
    ),
    "no rationale": (
        edit("aa.first", 'rationale = "Done and done well."', ""),
        "aa.first: rationale: missing required field",
    ),
    "a duplicate extract id": (
        replace(
            "[[judgements]]",
            '[[extracts]]\nid = "plan"\nheading = "Again"\ntext = "Twice."\n\n[[judgements]]',
        ),
        "plan: duplicate extract id",
    ),
    "a duplicate model judgement": (
        lambda text: text + judgement_block("aa.first"),
        "aa.first: duplicate model judgement for this criterion",
    ),
    "an extract id with spaces": (
        replace('id = "review-1"', 'id = "review 1"'),
        "review 1: id: String should match pattern",
    ),
    "an empty extract": (
        replace('text = "Signed three days after it was done."', 'text = ""'),
        "review-1: text: is empty",
    ),
    "a summary of more than one line": (
        replace(
            'summary = "Just enough to judge the mini framework."',
            'summary = """Just enough.\nAnd more."""',
        ),
        "(case): summary: String should match pattern",
    ),
    "an unknown field": (
        replace('title = "A tiny case"', 'title = "A tiny case"\nlevel = "hard"'),
        "(case): level: unknown field",
    ),
    "a case written for another framework": (
        replace('framework = "mini-test"', 'framework = "sqs-youth-2014"'),
        "(case): framework: written for 'sqs-youth-2014', checked against 'mini-test'",
    ),
    "an id that is not the file's name": (
        replace('id = "tiny"', 'id = "small"'),
        "(case): id: 'small' should match the file name 'tiny'",
    ),
    "not TOML at all": (
        lambda text: text + "\n[[judgements]\n",
        "(file): not valid TOML",
    ),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_a_broken_case_is_refused_naming_the_file_and_item(tmp_path, mini, name):
    change, expected = BROKEN[name]
    path = write(tmp_path, change(GOOD))
    problems = problems_of(path, mini)
    # One mistake, one line: a wrong fact is not reported again through every gate it opens.
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{path}: {expected}"), problems


def test_every_problem_in_a_file_is_reported_at_once(tmp_path, mini):
    text = both(
        replace('level = "high"', 'level = "medium"'),
        edit("aa.first", 'cites = ["plan"]', 'cites = ["nowhere"]'),
        edit("bb.plan", '["gaps"]', '["holes"]'),
    )(GOOD)
    problems = problems_of(write(tmp_path, text), mini)
    assert len(problems) == 3, problems
    assert {p.split(": ")[1] for p in problems} == {"level", "aa.first", "bb.plan"}


def test_a_gate_fact_of_the_wrong_type_is_reported_once_not_through_every_criterion(tmp_path, mini):
    path = write(tmp_path, replace("court = true", 'court = "yes"')(GOOD))
    assert problems_of(path, mini) == [
        f"{path}: court: a yes/no fact needs true or false, not 'yes'"
    ]


def test_a_missing_or_unreadable_file_is_a_problem_not_a_traceback(tmp_path, mini):
    assert problems_of(tmp_path / "gone.toml", mini) == [
        f"{tmp_path / 'gone.toml'}: (file): no such file"
    ]
    bad = tmp_path / "bad.toml"
    bad.write_bytes(b'id = "\xff"\n')
    assert problems_of(bad, mini) == [f"{bad}: (file): not UTF-8 text (byte 7)"]
