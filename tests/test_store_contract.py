"""The store contract (SPEC §5): every backend keeps the same promises, shown by one suite.

Each test takes ``backend``, a fresh ``ReviewStore`` of each kind: ``file`` (a folder of TinyDB
files on real disk), ``memory`` and ``postgresql`` (a fresh database on a real PostgreSQL
server the tests start themselves, tests/pg_cluster.py).  Promises particular to one backend
(crash safety on disk, links, file modes) have tests of their own; here is what callers may
rely on whatever the store is.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from store import Actor, ConflictError, ReviewStore, StoreError, open_store
from store.records import Judgement, Review

SAM = Actor("Sam Case", "case_manager")
INA = Actor("Ina Spector", "inspector")
BACKENDS = ["file", "memory", "postgresql"]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path) -> Iterator[ReviewStore]:
    if request.param == "postgresql":
        spec = request.getfixturevalue("pg_url")
    else:
        spec = str(tmp_path / "store") if request.param == "file" else "memory:"
    store = open_store(spec)
    assert isinstance(store, ReviewStore)
    yield store
    close = getattr(store, "close", None)
    if close is not None:
        close()


def review(review_id: str, case_ref: str = "HAR-01", **kw) -> Review:
    values = {"framework": "sqs-youth-2014", "team": "North"}
    values.update(kw)
    return Review(id=review_id, case_ref=case_ref, **values)


def test_a_save_is_read_back_as_saved_with_the_next_revision(backend):
    saved = backend.save(review("r-1"), SAM, summary={"answered": 0})
    assert saved.revision == 1 and backend.exists("r-1") and not backend.exists("r-2")
    assert backend.get("r-1") == saved
    again = backend.save(saved.copy(facts={"psr": True}), SAM)
    assert again.revision == 2 and again.updated_at >= saved.updated_at
    assert backend.get("r-1").facts == {"psr": True}
    with pytest.raises(KeyError):
        backend.get("nobody")
    assert isinstance(backend.location, str) and backend.location


def test_an_import_keeps_its_times_when_asked(backend):
    when = datetime(2014, 9, 3, 12, tzinfo=UTC)
    saved = backend.save(review("r-1", updated_at=when), SAM, touch=False, action="imported")
    assert saved.updated_at == when


def test_a_stale_save_is_refused_so_no_answer_is_lost(backend):
    first = backend.save(review("r-1"), SAM)
    backend.save(first.copy(facts={"psr": True}), SAM)
    with pytest.raises(ConflictError):
        backend.save(first.copy(facts={"psr": False}), INA)  # loaded before the other save
    with pytest.raises(ConflictError):
        backend.save(review("r-1"), SAM)  # "new", but one is stored
    assert backend.get("r-1").facts == {"psr": True}


def test_an_invalid_record_is_never_kept(backend):
    bad = review("r-1").copy(judgements={"rr.plan": Judgement(outcome="maybe")})  # type: ignore[arg-type]
    with pytest.raises(StoreError):
        backend.save(bad, SAM)
    assert not backend.exists("r-1")


def test_any_text_a_review_may_hold_comes_back_as_it_was(backend):
    """NUL characters (which PostgreSQL's text and jsonb refuse), escape sequences, quotes,
    backslashes and private-use characters, in ids, names, notes and facts."""
    odd = 'a\x00b \x1b[31m "q" \\ \ue000x'
    saved = backend.save(
        review(
            f"id {odd}",
            "ODD-01",
            team=f"\ue000{odd}",
            reviewer=odd,
            facts={"note": odd, f"k\x00{odd}": [odd]},
            judgements={"rr.plan": Judgement(outcome="insufficient", note=odd)},
        ),
        Actor(odd),
    )
    assert backend.get(f"id {odd}") == saved
    assert [s.team for s in backend.summaries(team=f"\ue000{odd}")] == [f"\ue000{odd}"]
    assert [s.id for s in backend.summaries(query="odd-0")] == [f"id {odd}"]
    assert backend.find_case("odd-01").review == saved
    assert [r.id for r in backend.reviews(team=f"\ue000{odd}")] == [f"id {odd}"]
    assert backend.audit(f"id {odd}")[0].who == odd
    assert backend.verify().ok


def test_find_case_takes_the_latest_review_of_the_case_ignoring_case(backend):
    older = backend.save(review("old", "HAR-01"), SAM)
    backend.save(review("joint", "HAR-01", mode="joint"), INA)
    found = backend.find_case("har-01")
    assert found.review is not None and found.review.id == "joint" and found.problems == ()
    assert backend.find_case(" HAR-01 ", mode="self").review == older
    assert backend.find_case("HAR-09").review is None


def test_listing_filters_orders_and_pages_without_loading_reviews(backend):
    start = datetime(2024, 1, 1, tzinfo=UTC)
    for n in range(7):
        team = "North" if n % 2 == 0 else "south"
        urgent = 1 if n in (1, 4) else 0
        backend.save(
            review(f"r-{n}", f"HAR-{n:02}", team=team, updated_at=start + timedelta(days=n)),
            SAM,
            summary={"open_flags": n, "urgent_flags": urgent},
            touch=False,
        )
    listing = backend.summaries()
    assert [s.id for s in listing] == [f"r-{n}" for n in range(6, -1, -1)]  # newest first
    assert listing.total == 7 and listing.problems == []
    north = backend.summaries(team="NORTH")
    assert [s.id for s in north] == ["r-6", "r-4", "r-2", "r-0"]
    urgent = backend.summaries(order="urgency")
    assert [s.id for s in urgent][:3] == ["r-4", "r-1", "r-6"]  # urgent first, then most flags
    page = backend.summaries(order="urgency", offset=2, limit=2)
    assert [s.id for s in page] == ["r-6", "r-5"] and page.total == 7
    last = backend.summaries(offset=5, limit=10)
    assert [s.id for s in last] == ["r-1", "r-0"] and last.total == 7
    assert backend.summaries(limit=0).total == 7 == backend.summaries(offset=9).total
    assert list(backend.summaries(offset=9)) == []
    assert backend.summaries(team="south", limit=1).total == 3
    assert [s.case_ref for s in backend.summaries(query="zz")] == []
    assert [s.case_ref for s in backend.summaries(query="ar-03")] == ["HAR-03"]


def test_reviews_and_derived_values_follow_the_filters(backend):
    backend.save(review("r-1", team="North", status="complete"), SAM)
    backend.save(review("r-2", team="South", status="complete"), SAM)
    backend.save(review("r-3", team="north"), SAM)
    loaded = backend.reviews(status="complete", team="north")
    assert [r.id for r in loaded] == ["r-1"] and loaded.problems == []
    assert sorted(r.id for r in backend.reviews(team="North")) == ["r-1", "r-3"]
    values = backend.derived("ids", "v1", lambda r: r.id, status="complete")
    assert sorted(values) == ["r-1", "r-2"] and values.problems == []
    assert sorted(backend.derived("ids", "v1", lambda r: r.id, status="complete")) == [
        "r-1",
        "r-2",
    ]


def test_every_change_is_in_the_audit_trail_with_who_and_what(backend):
    first = backend.save(review("r-1"), SAM)
    backend.save(first.copy(facts={"psr": True}), INA)
    trail = backend.audit("r-1")
    assert [e.action for e in trail] == ["created", "answered"] and trail.problems == []
    answered = trail[1]
    assert (answered.who, answered.role, answered.field) == (
        "Ina Spector",
        "inspector",
        "facts.psr",
    )
    assert (answered.old, answered.new) == (None, True)
    backend.save(review("r-2", "HAR-02"), SAM)
    assert len(backend.audit()) == 3
    verdict = backend.verify()
    assert verdict.ok and verdict.reviews == 2, verdict.problems
    assert backend.verify("HAR-02").reviews == 1
    with pytest.raises(KeyError):
        backend.verify("HAR-99")


def test_claims_are_advisory_and_released(backend):
    backend.save(review("r-1"), SAM)
    assert backend.claim("r-1", who="Sam") is None
    assert backend.claimed_by("r-1") is None  # (our own claim)
    backend.release("r-1")
    assert backend.claim("r-1") is None


# -- the front ends on the memory backend ------------------------------------------------------


def test_plain_mode_runs_a_whole_review_on_the_memory_store_and_writes_nothing(tmp_path):
    import subprocess

    from tests.conftest import case_review, cli_env

    answers = "\n".join(["yes", "no", "no", "yes", "no"] + ["skip"] * 11 + ["yes"] * 40)
    result = subprocess.run(
        [*case_review(), "--store", "memory:", "chat", "--plain", "--case", "MEM-01"],
        input=answers + "\n",
        capture_output=True,
        text=True,
        env=cli_env(),
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "Review complete: 0 open flag(s)" in result.stdout
    assert list(tmp_path.iterdir()) == []


async def test_the_app_runs_a_whole_review_on_the_memory_store():
    from assistant.tui.app import CaseReviewApp
    from prompts import get_framework
    from store.memory import MemoryStore

    store = MemoryStore()
    app = CaseReviewApp(store, get_framework(), Actor("Tester"), open_case="MEM-02")
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(80):
            question = app.screen.answer_bar.question
            if question is None:
                break
            if question.step == "fact" and question.choices[0].label != "Yes":
                await pilot.press(*"skip", "enter")
            elif question.step == "fact":
                await pilot.press("2")  # No: no custody, no MAPPA, ...
            else:
                await pilot.press("1")  # Yes (or keep it, against a check)
            await pilot.pause()
        review = store.find_case("MEM-02").review
        assert review is not None and review.status == "complete"
        assert all(j.outcome == "sufficient" for j in review.judgements.values())
