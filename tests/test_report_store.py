"""The report's read path through a real store: rows kept for the next report, never trusted
beyond the review file they were made from.

A report reads each review as a row (``assistant.report.rows``) through ``Store.derived``,
which keeps the rows in ``cache/report-rows.log`` keyed by each review file's identity.  These
tests check that the figures are always those of the review files as they are now: after saves,
after damage to a review file (reported, never written), and whatever state the cache is in.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.report import ReportFilter, build_report
from assistant.report.rows import ROW_VERSION, row
from assistant.report.source import report_over_store
from store import Actor, Store
from store.records import Judgement
from tests.report_sample import harrow_like, synthetic

CACHE = Path("cache") / "report-rows.log"
ACTOR = Actor("Test manager", "manager")


@pytest.fixture
def store(tmp_path: Path, sqs) -> Store:
    """14 Harrow-like reviews and 12 synthetic ones from two teams."""
    store = Store.open(tmp_path / "store")
    for review in [*harrow_like(sqs), *synthetic(sqs, 12, teams=2)]:
        store.save(review, ACTOR, action="imported", touch=False)
    return store


def kept(store: Store) -> tuple[dict | None, dict]:
    """The report cache's header and each review's kept [stamp, row], as the store reads it."""
    from store import sealedlog

    state = sealedlog.read(store, store.path / CACHE)
    return state.header, state.values


def sealed_line(store: Store, value) -> bytes:
    """A line of the cache sealed as the store would seal it (as if written by older code)."""
    from store.sealed import LineSealer
    from store.sealedlog import line

    return line(LineSealer(store._key, CACHE.as_posix()), value)


def figures(report):
    """Everything a report says except when it was generated."""
    return (
        report.reviews,
        report.cases,
        report.teams,
        report.criteria,
        report.sections,
        report.recurring,
        report.notes,
        report.problems,
    )


def direct(store: Store, sqs, filters: ReportFilter | None = None):
    """The report from every review file loaded and validated, without any cache."""
    filters = filters or ReportFilter()
    loaded = store.reviews(status="complete", team=filters.team, framework=sqs.id)
    reviews = list(loaded)
    return build_report(sqs, reviews, filters, problems=loaded.problems)


def count_loads(monkeypatch) -> list[str]:
    loaded: list[str] = []
    real = Store._load_many

    def spy(self, path, review_id):
        loaded.append(review_id)
        return real(self, path, review_id)

    monkeypatch.setattr(Store, "_load_many", spy)
    return loaded


def test_the_second_report_reads_no_review_file_and_says_the_same(store, sqs, monkeypatch):
    first, problems = report_over_store(store, sqs, ReportFilter())
    assert problems == [] and first.reviews == 26
    assert (store.path / CACHE).exists()
    assert figures(first) == figures(direct(store, sqs))

    loaded = count_loads(monkeypatch)
    again, _ = report_over_store(Store.open(store.path), sqs, ReportFilter())
    assert loaded == []
    assert figures(again) == figures(first)


def test_a_team_report_from_the_cache_matches_the_files(store, sqs):
    report_over_store(store, sqs, ReportFilter())
    for team in ("harrow", "Team A", "Team B", "nobody"):
        wanted = ReportFilter(team=team)
        cached, _ = report_over_store(store, sqs, wanted)
        assert figures(cached) == figures(direct(store, sqs, wanted)), team


def test_a_review_saved_since_is_read_again(store, sqs, monkeypatch):
    report_over_store(store, sqs, ReportFilter())
    review = store.get("harrow-01")
    changed = dict(review.judgements)
    changed["rr.assessment"] = Judgement(outcome="insufficient", reasons=("not_done",))
    store.save(review.copy(judgements=changed), ACTOR)

    loaded = count_loads(monkeypatch)
    report, _ = report_over_store(store, sqs, ReportFilter())
    assert loaded == ["harrow-01"]
    assert figures(report) == figures(direct(store, sqs))


def test_a_review_file_damaged_since_is_reported_left_out_and_never_written(store, sqs):
    before, _ = report_over_store(store, sqs, ReportFilter())
    path = store.review_path("harrow-02")
    path.write_bytes(b'{"review": {"1": {"record": {"id": "harrow-02"')  # truncated
    report, problems = report_over_store(store, sqs, ReportFilter())
    assert report.reviews == before.reviews - 1
    assert len(problems) == 1 and str(path) in problems[0]
    assert report.problems == tuple(problems)
    assert any("could not be read" in note for note in report.notes)
    assert path.read_bytes() == b'{"review": {"1": {"record": {"id": "harrow-02"'
    assert figures(report) == figures(direct(store, sqs))


@pytest.mark.parametrize(
    "damage",
    [
        lambda store: b"{not json",
        lambda store: b"",
        lambda store: sealed_line(
            store, {"log": "derived", "layout": 2, "version": "report-row-0", "base": 0}
        ),
        lambda store: (
            sealed_line(store, {"log": "derived", "layout": 2, "version": ROW_VERSION, "base": 0})
            + sealed_line(store, {"not": "a line"})
            + sealed_line(store, ["key", "not a stamp and row"])
        ),
    ],
    ids=["not json", "empty", "older version", "wrong shape"],
)
def test_a_damaged_or_foreign_cache_is_ignored_and_replaced(store, sqs, damage):
    first, _ = report_over_store(store, sqs, ReportFilter())
    (store.path / CACHE).write_bytes(damage(store))
    report, problems = report_over_store(store, sqs, ReportFilter())
    assert problems == []
    assert figures(report) == figures(first)
    header, values = kept(store)
    assert header["version"] == ROW_VERSION
    keys = {store.review_path(r.id).stem for r in store.reviews(status="complete")}
    assert keys <= set(values) and len(keys) == 26


def test_a_kept_row_that_makes_no_sense_is_made_again_from_the_file(store, sqs):
    first, _ = report_over_store(store, sqs, ReportFilter())
    key = store.review_path("harrow-03").stem
    _, values = kept(store)
    stamp, value = values[key]
    value[8] = {"rr.assessment": ["?", 3]}  # sealed, and the stamp still matches
    with (store.path / CACHE).open("ab") as log:
        log.write(sealed_line(store, [key, [stamp, value]]))
    assert kept(store)[1][key][1][8] == {"rr.assessment": ["?", 3]}
    report, problems = report_over_store(store, sqs, ReportFilter())
    assert problems == []
    assert figures(report) == figures(first)
    assert kept(store)[1][key] == [stamp, row(store.get("harrow-03"))]


def test_reports_append_what_changed_and_the_cache_is_compacted_now_and_then(store, sqs):
    report_over_store(store, sqs, ReportFilter())
    size = (store.path / CACHE).stat().st_size
    review = store.get("harrow-01")
    for n in range(3):
        changed = dict(review.judgements)
        changed["rr.assessment"] = Judgement(outcome="insufficient", note=f"change {n}")
        review = store.save(review.copy(judgements=changed), ACTOR)
        report_over_store(store, sqs, ReportFilter())
    grown = (store.path / CACHE).stat().st_size
    lines = (store.path / CACHE).read_bytes().count(b"\n")
    assert lines == 1 + 26 + 3 and size < grown < size * 1.5  # one line a change, appended
    for n in range(60):  # superseded lines pile up past the current ones: compacted
        changed = dict(review.judgements)
        changed["rr.assessment"] = Judgement(outcome="insufficient", note=f"again {n}")
        review = store.save(review.copy(judgements=changed), ACTOR)
        report_over_store(store, sqs, ReportFilter())
    assert (store.path / CACHE).read_bytes().count(b"\n") < 1 + 26 + 63
    report, _ = report_over_store(store, sqs, ReportFilter())
    assert figures(report) == figures(direct(store, sqs))


def test_rows_are_plain_json_that_reads_back_equal(sqs):
    reviews = [*harrow_like(sqs), *synthetic(sqs, 30)]
    odd = (
        reviews[0]
        .judgements["rr.assessment"]
        .copy(note="[bold red]x[/] \x1b[31m \ud800", quotable=True)
    )
    reviews.append(
        reviews[0].copy(id="odd", judgements={**reviews[0].judgements, "rr.assessment": odd})
    )
    for review in reviews:
        value = row(review)
        assert json.loads(json.dumps(value)) == value


def test_a_store_that_cannot_be_written_still_reports(store, sqs, monkeypatch):
    def refuse(path, data):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("store.sealedlog.atomic_write", refuse)
    report, problems = report_over_store(store, sqs, ReportFilter())
    assert problems == [] and report.reviews == 26
    assert not (store.path / CACHE).exists()
    assert figures(report) == figures(direct(store, sqs))


def test_a_folder_with_a_cache_is_still_recognised_as_a_store(store, sqs):
    report_over_store(store, sqs, ReportFilter())
    (store.path / "store.json").unlink()  # as if the marker were lost
    Store.open(store.path)  # the cache folder is the store's own, not a stranger's file


def test_any_derived_text_survives_the_cache_even_if_not_valid_unicode(store):
    # Validated reviews cannot hold a lone surrogate, but the cache must not fail on one.
    def derive(review):
        return [review.case_ref, "half a pair: \ud800", "caf\u00e9 [b]"]

    first = store.derived("odd-text", "1", derive)
    assert (store.path / "cache" / "odd-text.log").exists()
    again = store.derived("odd-text", "1", lambda review: pytest.fail("derived again"))
    assert again == first and len(first) == 26
    assert ["HAR-01", "half a pair: \ud800", "caf\u00e9 [b]"] in again


def test_the_cache_is_readable_by_its_owner_only(store, sqs):
    report_over_store(store, sqs, ReportFilter())
    assert (store.path / "cache").stat().st_mode & 0o777 == 0o700
    assert (store.path / CACHE).stat().st_mode & 0o777 == 0o600
