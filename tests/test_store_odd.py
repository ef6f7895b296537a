"""One odd review never takes the store down.

A review with a naive ``updated_at`` once made export, report, chat and the app fail for every
review ("can't compare offset-naive and offset-aware datetimes"), so no backup could even be
exported.  Now: the importer refuses such a file naming the record and the field; the record
model refuses naive times; and whatever a review file holds (a hand edit: a naive or absurd
time, a wrong type, a huge value), that one review is reported by name while every other
review still lists, loads, exports, reports and saves, in process and through the real
commands.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.exchange import export_document
from assistant.report import ReportFilter
from assistant.report.source import report_over_store
from checked import validate
from store import Actor, Store, StoreError
from store.records import Judgement, Review
from tests.conftest import case_review, cli_env

SAM = Actor("Sam Case", "case_manager")
AT = datetime(2014, 10, 20, 9, 30, tzinfo=UTC)


def complete(review_id: str, case_ref: str, sqs: Any) -> Review:
    """A complete review: every criterion of a case with no gate true judged sufficient."""
    facts = {"psr": False, "custody": False, "mappa": False, "victim": False}
    facts["non_compliance"] = False
    judgements = {
        c.id: Judgement(outcome="sufficient", answered_at=AT)
        for c in sqs.criteria
        if c.applies_when is None
    }
    return Review(
        id=review_id,
        case_ref=case_ref,
        framework=sqs.id,
        status="complete",
        facts=facts,
        judgements=judgements,
        created_at=AT,
        updated_at=AT,
        completed_at=AT,
    )


def make_store(root: Path, sqs: Any) -> Store:
    store = Store.open(root)
    for number in (1, 2, 3):
        store.save(complete(f"r-{number}", f"HAR-0{number}", sqs), SAM)
    return store


def put(doc: dict, where: str, value: Any) -> None:
    """Set ``record.<where>`` in a review file's document (dotted path; criterion ids keep
    their dot: ``judgements.rr.plan.answered_at``)."""
    record = doc["review"]["1"]["record"]
    head, _, rest = where.partition(".")
    if not rest:
        record[head] = value
        return
    if head in ("judgements", "flag_states"):
        parts = rest.split(".")
        item, field = ".".join(parts[:2]), ".".join(parts[2:])
        target = record.setdefault(head, {})
        if not isinstance(target, dict):
            record[head] = target = {}
        if not field:
            target[item] = value
        else:
            entry = target.setdefault(item, {"outcome": "sufficient"})
            entry[field] = value
    else:
        target = record.setdefault(head, {})
        if not isinstance(target, dict):
            record[head] = target = {}
        target[rest] = value


def edit(store: Store, review_id: str, where: str, value: Any) -> Path:
    path = store.review_path(review_id)
    doc = json.loads(path.read_bytes())
    put(doc, where, value)
    path.write_text(json.dumps(doc))  # NaN and Infinity too: a hand edit is not strict JSON
    return path


# -- the reproduced defect -----------------------------------------------------------------------


def naive_document() -> dict:
    return {
        "format": "case-review/1",
        "reviews": [
            {
                "id": "naive-1",
                "case_ref": "HAR-09",
                "framework": "sqs-youth-2014",
                "mode": "self",
                "reviewer": "",
                "team": "",
                "status": "in_progress",
                "facts": {},
                "judgements": {},
                "updated_at": "2014-10-20T09:30:00",
            }
        ],
    }


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*case_review(), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=cli_env(),
        timeout=120,
    )


def test_an_import_with_a_time_without_a_time_zone_is_refused_naming_record_and_field(
    tmp_path: Path, sqs: Any
) -> None:
    make_store(tmp_path / "store", sqs)
    before = sorted(p.name for p in (tmp_path / "store" / "reviews").iterdir())
    path = tmp_path / "naive.json"
    path.write_text(json.dumps(naive_document()))
    result = run("import", str(path), "--store", str(tmp_path / "store"))
    assert result.returncode == 1
    assert f"{path}: reviews[0].updated_at:" in result.stderr
    assert "has no time zone" in result.stderr and "Traceback" not in result.stderr
    assert sorted(p.name for p in (tmp_path / "store" / "reviews").iterdir()) == before
    export = run("export", "--store", str(tmp_path / "store"))
    assert export.returncode == 0, export.stderr
    assert [r["id"] for r in json.loads(export.stdout)["reviews"]] == ["r-1", "r-2", "r-3"]


def test_the_record_model_refuses_naive_times_and_holds_every_time_in_utc() -> None:
    base = {"id": "x", "case_ref": "HAR-01", "framework": "sqs-youth-2014"}
    for field in ("created_at", "updated_at", "completed_at"):
        with pytest.raises(ValueError, match="time zone"):
            validate(Review, {**base, field: "2014-10-20T09:30:00"})
    with pytest.raises(ValueError, match="time zone"):
        validate(
            Review,
            {
                **base,
                "judgements": {
                    "rr.plan": {"outcome": "sufficient", "answered_at": "2014-10-20T09:30"}
                },
            },
        )
    review = validate(Review, {**base, "updated_at": "2014-10-20T09:30:00+05:00"})
    assert review.updated_at == datetime(2014, 10, 20, 4, 30, tzinfo=UTC)
    assert review.updated_at.utcoffset().total_seconds() == 0
    with pytest.raises(ValueError, match="1 to 9999 once in UTC"):
        validate(Review, {**base, "updated_at": "0001-01-01T00:00:00+05:00"})


@pytest.mark.slow
def test_a_review_file_edited_to_a_naive_time_is_reported_and_every_other_review_works(
    tmp_path: Path, sqs: Any
) -> None:
    store = make_store(tmp_path / "store", sqs)
    path = edit(store, "r-2", "updated_at", "2014-10-20T09:30:00")
    root = str(tmp_path / "store")

    export = run("export", "--store", root)
    assert [r["id"] for r in json.loads(export.stdout)["reviews"]] == ["r-1", "r-3"]
    assert export.returncode == 1 and str(path) in export.stderr  # named, not exported
    assert "Traceback" not in export.stderr

    report = run("report", "--format", "json", "--store", root)
    assert report.returncode == 0, report.stderr
    assert json.loads(report.stdout)["reviews"] == 2
    assert str(path) in report.stderr and "Traceback" not in report.stderr

    chat = run("chat", "--plain", "--store", root, "--case", "HAR-04", stdin="yes\n")
    assert chat.returncode == 0, chat.stderr
    assert "Traceback" not in chat.stderr + chat.stdout
    again = Store.open(root)
    listing = again.summaries()
    assert {s.case_ref for s in listing} == {"HAR-01", "HAR-03", "HAR-04"}
    assert any(str(path) in p and "updated_at" in p for p in listing.problems)
    saved = again.save(again.get("r-3").copy(team="North"), SAM)
    assert again.get("r-3") == saved


# -- the property: odd values in one review file --------------------------------------------------

TIMES = st.one_of(
    st.datetimes().map(datetime.isoformat),  # naive
    st.datetimes(timezones=st.timezones()).map(datetime.isoformat),
    st.sampled_from(
        [
            "0001-01-01T00:00:00+05:00",
            "9999-12-31T23:59:59-23:59",
            "10000-01-01T00:00:00Z",
            "2014-02-30T00:00:00Z",
            "yesterday",
            "",
        ]
    ),
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=2**63, max_value=2**200),
    st.floats(),  # NaN and infinities included
    st.text(max_size=30),
    st.sampled_from(["x" * 25_000, "\udcff half a pair", "[bold red]x[/]", "\x1b[31m"]),
)
ODD = st.one_of(
    TIMES,
    SCALARS,
    st.lists(SCALARS, max_size=4),
    st.dictionaries(st.text(max_size=8), SCALARS, max_size=4),
)
FIELDS = [
    "id",
    "case_ref",
    "framework",
    "schema_version",
    "mode",
    "status",
    "team",
    "reviewer",
    "reviewer_role",
    "participants",
    "facts",
    "facts.psr",
    "facts.plan_factors",
    "judgements",
    "judgements.rr.plan",
    "judgements.rr.plan.outcome",
    "judgements.rr.plan.reasons",
    "judgements.rr.plan.note",
    "judgements.rr.plan.answered_at",
    "judgements.rr.plan.view",
    "judgements.rr.plan.pending",
    "flag_states",
    "flag_states.rr.plan.state",
    "flag_states.rr.plan.changed_at",
    "skipped",
    "focus",
    "created_at",
    "updated_at",
    "completed_at",
    "revision",
]


@pytest.mark.slow
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(where=st.sampled_from(FIELDS), value=ODD, odd=st.sampled_from(["r-1", "r-2", "r-3"]))
def test_odd_values_in_one_review_file_leave_every_other_review_working(
    sqs: Any, where: str, value: Any, odd: str
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = make_store(Path(folder) / "store", sqs)
        others = {r: store.get(r) for r in ("r-1", "r-2", "r-3") if r != odd}
        path = edit(store, odd, where, value)

        store = Store.open(store.path)
        listing = store.summaries()
        listed = {s.id for s in listing}
        assert set(others) <= listed
        named = any(str(path) in p for p in listing.problems)
        assert odd in listed or named  # the odd one is listed, or reported by name
        for review_id, review in others.items():
            assert store.get(review_id) == review
        try:
            store.get(odd)
        except StoreError as exc:
            assert str(path) in str(exc) and "\n" not in str(exc)

        document, problems = export_document(store)
        exported = {r["id"] for r in document["reviews"]}
        assert set(others) <= exported
        assert odd in exported or any(str(path) in p for p in problems)
        json.dumps(document)  # the export can be written

        report, problems = report_over_store(store, sqs, ReportFilter())
        assert report.reviews >= len(others)

        first = next(iter(others))
        saved = store.save(others[first].copy(team="Changed"), SAM)
        assert Store.open(store.path).get(first) == saved
        assert {s.id for s in Store.open(store.path).summaries()} >= set(others)
