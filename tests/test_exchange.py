"""Import and export in case-review/1: every bad record refuses the whole file with the record,
field and reason; nothing is written; stored reviews are never duplicated; export and import
round-trip exactly."""

from __future__ import annotations

import argparse
import copy
import json
import stat
import subprocess
import uuid
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant import exchange
from assistant.exchange import FORMAT, export_document, import_reviews, validate_document
from prompts import get_framework
from store import Actor, Store
from store.records import FlagState, Judgement, Participant, Review, View
from tests.conftest import case_review, cli_env

SAM = Actor("Sam Case", "case_manager")


@cache
def sqs() -> Any:
    """The bundled framework, loaded when a test first needs it (never at import: collecting
    the tests must not read or write any cache)."""
    return get_framework("sqs-youth-2014")


def record(**changes: Any) -> dict[str, Any]:
    """A valid review in case-review/1 form; ``changes`` replace or (value None) drop fields."""
    base: dict[str, Any] = {
        "id": "r-1",
        "case_ref": "HAR-01",
        "framework": "sqs-youth-2014",
        "mode": "self",
        "reviewer": "Sam Case",
        "team": "North",
        "status": "complete",
        "facts": {"psr": True, "custody": False, "mappa": False, "victim": True},
        "judgements": {
            "rr.assessment": {
                "outcome": "insufficient",
                "reasons": ["drivers_missed"],
                "note": "no analysis of why he offended",
                "quotable": False,
            },
            "rr.psr": {"outcome": "sufficient", "reasons": [], "note": "", "quotable": True},
            "rr.plan_review": {"outcome": "not_applicable"},
        },
    }
    for key, value in changes.items():
        if value is None:
            base.pop(key, None)
        else:
            base[key] = value
    return base


def document(*reviews: dict[str, Any]) -> dict[str, Any]:
    return {"format": FORMAT, "reviews": list(reviews)}


def with_judgement(criterion: str, value: Any, **changes: Any) -> dict[str, Any]:
    rec = record(**changes)
    rec["judgements"] = {**rec["judgements"], criterion: value}
    return rec


def problems_of(data: Any) -> list[str]:
    reviews, problems = validate_document(data)
    if problems:
        assert reviews == []  # all or nothing
    return problems


def test_a_valid_file_passes() -> None:
    reviews, problems = validate_document(document(record(), record(id="r-2", mode="joint")))
    assert problems == []
    assert [r.id for r in reviews] == ["r-1", "r-2"]
    assert reviews[0].judgements["rr.assessment"].reasons == ("drivers_missed",)


# -- refusals: one line per problem, naming record, field and what is wrong ---------------------

REFUSALS: dict[str, tuple[Any, str]] = {
    "bad outcome": (
        document(with_judgement("rr.plan", {"outcome": "partly"})),
        "reviews[0].judgements.rr.plan.outcome: 'partly' is not an outcome",
    ),
    "unknown criterion": (
        document(with_judgement("rr.wellbeing", {"outcome": "sufficient"})),
        "reviews[0].judgements.rr.wellbeing: unknown criterion 'rr.wellbeing' for sqs-youth-2014",
    ),
    "unknown reason": (
        document(
            record(), with_judgement("rr.plan", {"outcome": "insufficient", "reasons": ["xyz"]})
        ),
        "reviews[1].judgements.rr.plan.reasons: unknown reason 'xyz' for rr.plan",
    ),
    "reason of another criterion": (
        document(
            with_judgement("rr.plan", {"outcome": "insufficient", "reasons": ["drivers_missed"]})
        ),
        "reviews[0].judgements.rr.plan.reasons: unknown reason 'drivers_missed' for rr.plan",
    ),
    "gated-out judgement": (
        document(with_judgement("pp.mappa", {"outcome": "sufficient"})),
        "reviews[0].judgements.pp.mappa: pp.mappa does not apply to this case",
    ),
    "n/a where not allowed": (
        document(with_judgement("rr.plan", {"outcome": "not_applicable"})),
        "reviews[0].judgements.rr.plan.outcome: not_applicable is not allowed for rr.plan",
    ),
    "missing field": (
        document(record(team=None)),
        "reviews[0].team: missing (required)",
    ),
    "missing outcome": (
        document(with_judgement("rr.plan", {"reasons": []})),
        "reviews[0].judgements.rr.plan.outcome: missing (required)",
    ),
    "wrong format tag": (
        {"format": "case-review/2", "reviews": []},
        "format: expected 'case-review/1', found 'case-review/2'",
    ),
    "no format tag": ({"reviews": []}, "format: expected 'case-review/1', missing"),
    "duplicate id in file": (
        document(record(), record(case_ref="HAR-02"), record(id="r-3"), record(case_ref="HAR-04")),
        "reviews[3].id: duplicate id 'r-1' (also reviews[0])",
    ),
    "unknown framework": (
        document(record(framework="sqs-adult-2099")),
        "reviews[0].framework: unknown framework 'sqs-adult-2099' (not installed)",
    ),
    "unknown fact": (
        document(record(facts={"psr": True, "pets": True})),
        "reviews[0].facts.pets: unknown fact 'pets' for sqs-youth-2014",
    ),
    "fact of the wrong type": (
        document(record(facts={"psr": "yes", "custody": False, "mappa": False, "victim": True})),
        "reviews[0].facts.psr: must be true or false, found 'yes'",
    ),
    "choice fact not an option": (
        document(record(facts={"psr": True, "risk_level_assessment": "extreme"})),
        "reviews[0].facts.risk_level_assessment: 'extreme' is not an option",
    ),
    "date fact not a date": (
        document(record(facts={"psr": True, "plan_date": "2014-02-30"})),
        "reviews[0].facts.plan_date: '2014-02-30' is not a real date",
    ),
    "null fact": (
        document(record(facts={"psr": None})),
        "reviews[0].facts.psr: null; leave an unanswered fact out",
    ),
    "bad mode": (document(record(mode="solo")), "reviews[0].mode: 'solo' is not one of"),
    "bad status": (document(record(status="done")), "reviews[0].status: 'done' is not one of"),
    "facts not an object": (
        document(record(facts=["psr"])),
        "reviews[0].facts: must be an object, found a list",
    ),
    "empty case ref": (document(record(case_ref="  ")), "reviews[0].case_ref: must not be empty"),
    "unknown field": (
        document(record(judgments={})),
        "reviews[0].judgments: unknown field",
    ),
    "internal field": (
        document(record(revision=4)),
        "reviews[0].revision: internal working state, not part of case-review/1",
    ),
    "newer schema": (
        document(record(schema_version=9)),
        "reviews[0].schema_version: 9 is newer than this program understands",
    ),
    "reasons not a list": (
        document(with_judgement("rr.plan", {"outcome": "insufficient", "reasons": "not_done"})),
        "reviews[0].judgements.rr.plan.reasons: must be a list of reason ids, found text",
    ),
    "note not valid Unicode": (
        document(
            with_judgement("rr.plan", {"outcome": "sufficient", "note": "half \ud800 a pair"})
        ),
        "reviews[0].judgements.rr.plan.note:",
    ),
    "quotable not a bool": (
        document(with_judgement("rr.plan", {"outcome": "sufficient", "quotable": "yes"})),
        "reviews[0].judgements.rr.plan.quotable: must be true or false",
    ),
    "view outcome not allowed": (
        document(
            with_judgement(
                "rr.plan",
                {"outcome": "sufficient", "view": {"agrees": False, "outcome": "not_applicable"}},
            )
        ),
        "reviews[0].judgements.rr.plan.view.outcome: not_applicable is not allowed for rr.plan",
    ),
    "view missing agrees": (
        document(with_judgement("rr.plan", {"outcome": "sufficient", "view": {"note": "hm"}})),
        "reviews[0].judgements.rr.plan.view.agrees: Field required",
    ),
    "set aside but applies": (
        document(record(set_aside={"rr.plan": {"outcome": "sufficient"}})),
        "reviews[0].set_aside.rr.plan: rr.plan applies to this case; put it under judgements",
    ),
    "unknown flag": (
        document(record(flag_states={"check:nothing": {"state": "done"}})),
        "reviews[0].flag_states.check:nothing: no flag 'check:nothing' in sqs-youth-2014",
    ),
    "bad flag state": (
        document(record(flag_states={"rr.assessment": {"state": "closed"}})),
        "reviews[0].flag_states.rr.assessment.state:",
    ),
    "bad timestamp": (
        document(record(updated_at="yesterday")),
        "reviews[0].updated_at:",
    ),
    "review not an object": (
        document(record(), "r-2"),
        "reviews[1]: must be an object, found text",
    ),
    "reviews not a list": (
        {"format": FORMAT, "reviews": {"r-1": record()}},
        "reviews: must be a list of reviews, found an object",
    ),
    "wrong top-level type": ([record()], "(file): expected a JSON object"),
    "unknown top-level field": (
        {**document(record()), "extra": 1},
        "extra: unknown field",
    ),
}


@pytest.mark.parametrize("kind", sorted(REFUSALS))
def test_each_kind_of_bad_record_is_refused_with_record_field_and_reason(kind: str) -> None:
    data, expected = REFUSALS[kind]
    reviews, problems = validate_document(data)
    assert reviews == []
    assert any(line.startswith(expected) for line in problems), problems
    assert all("\n" not in line for line in problems)


def test_every_problem_is_listed_not_just_the_first() -> None:
    bad = document(
        with_judgement("rr.plan", {"outcome": "insufficient", "reasons": ["xyz", "abc"]}),
        record(id="r-2", mode="solo", team=None),
    )
    problems = problems_of(bad)
    assert len(problems) == 4, problems


def test_a_gate_left_unanswered_does_not_refuse_a_judgement() -> None:
    rec = with_judgement("pp.mappa", {"outcome": "sufficient"}, facts={"psr": True})
    assert problems_of(document(rec)) == []


def test_a_judgement_whose_gate_became_false_may_travel_as_set_aside() -> None:
    rec = record(set_aside={"pp.mappa": {"outcome": "insufficient", "reasons": ["no_referral"]}})
    reviews, problems = validate_document(document(rec))
    assert problems == []
    assert reviews[0].judgements["pp.mappa"].reasons == ("no_referral",)


# -- import into a store ------------------------------------------------------------------------


def snapshot(folder: Path) -> dict[str, bytes]:
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def run_cli(*args: str, store: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*case_review(), "--store", str(store), *args],
        capture_output=True,
        text=True,
        env=cli_env(),
        timeout=120,
    )


def test_import_skips_reviews_already_stored_and_reports_counts(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "store")
    reviews, _ = validate_document(document(record(), record(id="r-2"), record(id="r-3")))
    assert import_reviews(store, reviews[:1], SAM) == {"imported": 1, "present": 0, "learning": 0}
    first = store.get("r-1")
    counts = import_reviews(store, reviews, SAM)
    assert counts == {"imported": 2, "present": 1, "learning": 0}
    assert store.get("r-1") == first  # untouched
    assert {e.action for e in store.audit("r-2")} == {"imported"}
    assert {e.who for e in store.audit("r-2")} == {"Sam Case"}


def test_learning_reviews_in_a_file_are_not_stored(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "store")
    reviews, problems = validate_document(document(record(), record(id="l-1", mode="learning")))
    assert problems == []
    assert import_reviews(store, reviews, SAM) == {"imported": 1, "present": 0, "learning": 1}
    assert [s.id for s in store.summaries()] == ["r-1"]


@pytest.mark.slow
def test_case_review_import_as_a_process_refuses_a_bad_file_and_writes_nothing(
    tmp_path: Path,
) -> None:
    good = tmp_path / "good.json"
    good.write_text(json.dumps(document(record())), encoding="utf-8")
    store_path = tmp_path / "store"
    first = run_cli("import", str(good), store=store_path)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == "imported 1, already present 0"
    before = snapshot(store_path)

    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            document(
                record(id="r-2"),
                record(id="r-3"),
                record(id="r-4"),
                with_judgement(
                    "rr.plan", {"outcome": "insufficient", "reasons": ["xyz"]}, id="r-5"
                ),
                with_judgement("pp.mappa", {"outcome": "sufficient"}, id="r-6"),
            )
        ),
        encoding="utf-8",
    )
    result = run_cli("import", str(bad), store=store_path)
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert (
        f"{bad}: reviews[3].judgements.rr.plan.reasons: unknown reason 'xyz' for rr.plan" in lines
    )
    assert any(line.startswith(f"{bad}: reviews[4].judgements.pp.mappa:") for line in lines)
    assert lines[-1] == f"case-review import: {bad}: refused (2 problems); nothing was imported"
    assert "Traceback" not in result.stderr
    assert snapshot(store_path) == before

    again = run_cli("import", str(good), store=store_path)
    assert again.stdout.strip() == "imported 0, already present 1"
    assert snapshot(store_path)["store.json"] == before["store.json"]


BAD_FILES: dict[str, tuple[bytes, str]] = {
    "not JSON": (b"format: case-review/1\n", "not valid JSON: Expecting value (line 1, column 1)"),
    "truncated JSON": (b'{"format": "case-review/1", "reviews": [', "not valid JSON"),
    "not UTF-8": (
        '{"format": "case-review/1", "reviews": [], "x": "café"}'.encode("latin-1"),
        "not UTF-8 text (bad byte 0xe9",
    ),
    "UTF-16": ('{"format": "case-review/1"}'.encode("utf-16"), "not UTF-8 text"),
    "empty": (b"", "the file is empty"),
    "only spaces": (b"  \n\t ", "the file is empty"),
    "a list": (b"[1, 2]", '(file): expected a JSON object with "format": "case-review/1"'),
    "a string": (b'"case-review/1"', "(file): expected a JSON object"),
    "null": (b"null", "(file): expected a JSON object"),
    "nested too deeply": (b"[" * 100_000 + b"]" * 100_000, "not valid JSON: nested too deeply"),
    "NaN": (b'{"format": "case-review/1", "reviews": [NaN]}', "not valid JSON: NaN"),
}


@pytest.mark.parametrize("kind", sorted(BAD_FILES))
def test_bad_files_of_every_kind_give_one_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    content, expected = BAD_FILES[kind]
    path = tmp_path / "in.json"
    path.write_bytes(content)
    args = argparse.Namespace(
        file=str(path), store=str(tmp_path / "store"), reviewer=None, role=None, framework=None
    )
    assert exchange.run_import(args) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert expected in err, err
    assert "Traceback" not in err
    assert not (tmp_path / "store").exists()


def test_a_huge_file_is_refused_before_it_is_parsed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant import exchange_check

    monkeypatch.setattr(exchange_check, "MAX_IMPORT_BYTES", 1000)
    path = tmp_path / "big.json"
    path.write_text(json.dumps(document(*[record(id=f"r-{i}") for i in range(20)])))
    args = argparse.Namespace(file=str(path), store=str(tmp_path / "s"), reviewer=None, role=None)
    assert exchange.run_import(args) == 1
    assert "larger than" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["missing.json", "."])
def test_a_missing_file_or_a_folder_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    args = argparse.Namespace(
        file=str(tmp_path / name), store=str(tmp_path / "s"), reviewer=None, role=None
    )
    assert exchange.run_import(args) == 1
    err = capsys.readouterr().err
    assert ("no such file" in err) or ("is a folder" in err)


# -- export -------------------------------------------------------------------------------------


def test_export_sets_gated_out_answers_aside_and_drops_working_state(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "store")
    review = Review(
        id="r-1",
        case_ref="HAR-01",
        framework="sqs-youth-2014",
        facts={"psr": True, "mappa": False},
        judgements={
            "pp.mappa": Judgement(outcome="insufficient", reasons=("no_referral",)),
            "rr.plan": Judgement(outcome="insufficient", reasons=(), pending="reasons"),
        },
        skipped=("rr.psr",),
        focus="rr.plan",
    )
    store.save(review, SAM)
    data, problems = export_document(store)
    assert problems == []
    (exported,) = data["reviews"]
    assert list(exported["judgements"]) == ["rr.plan"]
    assert exported["set_aside"] == {
        "pp.mappa": {
            "outcome": "insufficient",
            "reasons": ["no_referral"],
            "note": "",
            "quotable": False,
        }
    }
    for internal in ("revision", "skipped", "focus"):
        assert internal not in exported
    assert "pending" not in exported["judgements"]["rr.plan"]
    assert validate_document(data)[1] == []


def test_export_then_import_into_an_empty_store_gives_the_same_export(tmp_path: Path) -> None:
    first = tmp_path / "first"
    source = document(
        record(),
        record(
            id="r-2",
            case_ref="HAR-02",
            mode="joint",
            reviewer_role="inspector",
            participants=[{"name": "Ira", "role": "inspector"}, {"name": "Sam"}],
            judgements={
                "rr.plan": {
                    "outcome": "insufficient",
                    "reasons": ["goals_not_measurable", "factors_not_in_plan"],
                    "note": "goals say 'engage'; [bold red]not measurable[/]",
                    "quotable": True,
                    "view": {"agrees": False, "outcome": "sufficient", "note": "we think so"},
                    "inspector_outcome": "insufficient",
                }
            },
            flag_states={"rr.plan": {"state": "done", "note": "plan rewritten"}},
        ),
    )
    src = tmp_path / "src.json"
    src.write_text(json.dumps(document(*source["reviews"]), ensure_ascii=False), encoding="utf-8")
    assert run_cli("import", str(src), store=first).returncode == 0
    out1 = tmp_path / "one.json"
    result = run_cli("export", "--format", "json", "--output", str(out1), store=first)
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(out1.stat().st_mode) == 0o600

    second = tmp_path / "second"
    assert (
        run_cli("import", str(out1), store=second).stdout.strip() == "imported 2, already present 0"
    )
    again = run_cli("export", store=second)
    assert again.returncode == 0
    assert again.stdout == out1.read_text(encoding="utf-8")
    assert (
        json.loads(again.stdout)["reviews"][1]["judgements"]["rr.plan"]["view"]["agrees"] is False
    )


def test_export_of_an_empty_store(tmp_path: Path) -> None:
    result = run_cli("export", store=tmp_path / "store")
    assert result.returncode == 0
    assert json.loads(result.stdout) == {"format": FORMAT, "reviews": []}


def test_export_reports_unreadable_reviews_and_exports_the_rest(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "store")
    store.save(Review(id="ok", case_ref="HAR-01", framework="sqs-youth-2014"), SAM)
    store.save(Review(id="bad", case_ref="HAR-02", framework="sqs-youth-2014"), SAM)
    store.review_path("bad").write_bytes(b"{truncat")
    result = run_cli("export", store=tmp_path / "store")
    assert result.returncode == 1
    assert [r["id"] for r in json.loads(result.stdout)["reviews"]] == ["ok"]
    assert str(store.review_path("bad")) in result.stderr
    assert "Traceback" not in result.stderr


# -- property: random valid reviews round-trip exactly ------------------------------------------

TEXT = st.text(max_size=40)
# Names (reviewer, participants, team) carry no control or invisible characters.
NAME = st.text(st.characters(blacklist_categories=("Cc", "Cf", "Zl", "Zp", "Cs")), max_size=40)
MOMENTS = st.datetimes(
    min_value=datetime(2012, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)
)


def fact_values(fact: Any) -> st.SearchStrategy[Any]:
    options = [o.id for o in fact.options]
    if fact.type == "yesno":
        return st.booleans()
    if fact.type == "choice":
        return st.sampled_from(options)
    if fact.type == "multichoice":
        return st.lists(st.sampled_from(options), unique=True)
    if fact.type == "date":
        return st.dates(date(2010, 1, 1), date(2030, 12, 31)).map(date.isoformat)
    return TEXT


@st.composite
def judgements_for(draw: st.DrawFn, criterion: Any) -> Judgement:
    outcome = draw(st.sampled_from(criterion.outcomes))
    reason_ids = [r.id for r in criterion.reasons]
    reasons = draw(st.lists(st.sampled_from(reason_ids), unique=True, max_size=3))
    view = draw(
        st.none()
        | st.builds(
            View,
            agrees=st.booleans(),
            outcome=st.none() | st.sampled_from(criterion.outcomes),
            note=TEXT,
        )
    )
    said = {"sufficient": "yes", "insufficient": "partly", "not_applicable": "na"}[outcome]
    return Judgement(
        outcome=outcome,
        answer=draw(st.none() | st.just(said)),
        reasons=tuple(reasons) if outcome == "insufficient" else (),
        note=draw(TEXT),
        quotable=draw(st.booleans()),
        view=view,
        inspector_outcome=draw(st.none() | st.sampled_from(criterion.outcomes)),
        pending=draw(st.none() | st.sampled_from(["reasons", "note"])),
        answered_at=draw(st.none() | MOMENTS),
        answered_by=draw(st.sampled_from(["", "Sam Case", "Ira"])),
    )


@st.composite
def reviews(draw: st.DrawFn) -> Review:
    facts = {f.id: draw(fact_values(f)) for f in sqs().facts if draw(st.booleans())}
    judgements = {
        c.id: draw(judgements_for(c)) for c in sqs().criteria if draw(st.integers(0, 2)) > 0
    }
    flag_ids = [c.id for c in sqs().criteria] + [f"check:{c.id}" for c in sqs().checks]
    flag_states = {
        flag: FlagState(state=draw(st.sampled_from(["open", "done"])), note=draw(TEXT))
        for flag in draw(st.lists(st.sampled_from(flag_ids), unique=True, max_size=3))
    }
    status = draw(st.sampled_from(["in_progress", "complete"]))
    return Review(
        id=draw(st.text(min_size=1, max_size=30)),
        case_ref=draw(st.from_regex(r"[A-Z]{3}-[0-9]{2,3}", fullmatch=True)),
        framework=sqs().id,
        framework_version=sqs().version,
        mode=draw(st.sampled_from(["self", "joint"])),
        reviewer=draw(NAME),
        reviewer_role=draw(st.sampled_from(["case_manager", "inspector", "manager", "other"])),
        participants=tuple(
            draw(st.lists(st.builds(Participant, name=NAME, role=st.just("inspector")), max_size=2))
        ),
        team=draw(st.sampled_from(["", "North", "South team"])),
        status=status,
        facts=facts,
        judgements=judgements,
        skipped=tuple(draw(st.lists(st.sampled_from([c.id for c in sqs().criteria]), max_size=2))),
        focus=draw(st.none() | st.sampled_from([c.id for c in sqs().criteria])),
        flag_states=flag_states,
        created_at=draw(MOMENTS),
        updated_at=draw(MOMENTS),
        completed_at=draw(MOMENTS) if status == "complete" else None,
    )


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(reviews(), max_size=4, unique_by=lambda r: r.id))
def test_random_valid_reviews_round_trip_through_export_and_import(
    tmp_path: Path, batch: list[Review]
) -> None:
    run = tmp_path / uuid.uuid4().hex
    source = Store.open(run / "source")
    for review in batch:
        source.save(review, SAM, touch=False)
    exported, problems = export_document(source)
    assert problems == []
    text = exchange.dump(exported)

    parsed = json.loads(text)
    imported, problems = validate_document(copy.deepcopy(parsed))
    assert problems == []
    target = Store.open(run / "target")
    counts = import_reviews(target, imported, SAM)
    assert counts == {"imported": len(batch), "present": 0, "learning": 0}
    again, problems = export_document(target)
    assert problems == []
    assert exchange.dump(again) == text
    # Importing the same file again adds nothing.
    assert import_reviews(target, imported, SAM)["present"] == len(batch)


def test_imported_reviews_are_listed_with_their_progress_and_open_flags(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "store")
    reviews, _ = validate_document(document(record()))
    import_reviews(store, reviews, SAM)
    (listed,) = store.summaries()
    assert listed.summary["answered"] >= 3
    assert listed.summary["open_flags"] >= 1  # rr.assessment was judged insufficient
