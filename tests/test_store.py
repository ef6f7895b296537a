"""The store on real files: saving, conflicts, damaged files, permissions, migration, audit."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from store import Actor, ConflictError, Store, StoreError, resolve_path
from store.records import Judgement, Review, View

SAM = Actor("Sam Case", "case_manager")
INSPECTOR = Actor("Ira Inspector", "inspector")


def new_review(review_id: str = "HAR-01-self", case_ref: str = "HAR-01", **extra) -> Review:
    return Review(id=review_id, case_ref=case_ref, framework="sqs-youth-2014", **extra)


def answer(review: Review, criterion: str, outcome: str = "sufficient", **extra) -> Review:
    judgements = {**review.judgements, criterion: Judgement(outcome=outcome, **extra)}
    return review.copy(judgements=judgements)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store.open(tmp_path / "store")


# -- saving and loading -------------------------------------------------------------------------


def test_an_answer_saved_is_there_when_the_store_is_opened_again(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "store")
    review = store.save(new_review(), SAM, summary={"answered": 0})
    assert review.revision == 1
    review = store.save(answer(review, "rr.plan", "insufficient", reasons=("not_done",)), SAM)
    assert review.revision == 2

    again = Store.open(tmp_path / "store").get("HAR-01-self")
    assert again == review
    assert again.judgements["rr.plan"].reasons == ("not_done",)


def test_save_sets_updated_at_and_keeps_created_at(store: Store) -> None:
    draft = new_review()
    saved = store.save(draft, SAM)
    assert saved.created_at == draft.created_at
    assert saved.updated_at >= draft.updated_at
    kept = store.save(answer(saved, "rr.plan"), SAM, touch=False)
    assert kept.updated_at == saved.updated_at


def test_get_of_an_unknown_review_is_a_key_error(store: Store) -> None:
    with pytest.raises(KeyError):
        store.get("NOPE-1")


def test_any_id_is_a_safe_file_name(store: Store) -> None:
    odd = "../../etc/passwd \u00e9\u4e2d / HAR-01 \\ :*?"
    store.save(new_review(review_id=odd), SAM)
    assert store.get(odd).id == odd
    assert store.review_path(odd).parent == store.reviews_dir
    # Ids differing only in case never share a file (case-insensitive drives).
    store.save(new_review(review_id="har-01-self"), SAM)
    store.save(new_review(review_id="HAR-01-SELF"), SAM)
    assert store.review_path("har-01-self") != store.review_path("HAR-01-SELF")
    assert len(store.summaries()) == 3


def test_learning_reviews_are_never_written(store: Store) -> None:
    with pytest.raises(StoreError, match="learning"):
        store.save(new_review(mode="learning"), SAM)
    assert store.summaries() == []


def test_summary_is_kept_as_given_and_listing_is_newest_first(store: Store) -> None:
    first = store.save(new_review("A-1", "HAR-01"), SAM, summary={"answered": 3, "open": 1})
    store.save(new_review("B-1", "HAR-02", team="North"), SAM, summary={"answered": 0})
    store.save(answer(first, "rr.plan"), SAM, summary={"answered": 4, "open": 1})
    listing = store.summaries()
    assert [s.id for s in listing] == ["A-1", "B-1"]
    assert listing[0].summary == {"answered": 4, "open": 1}
    assert listing[0].revision == 2
    assert listing[1].team == "North"
    assert listing.problems == [] and listing.total == 2


def test_reviews_filters_by_status_team_and_framework(store: Store) -> None:
    store.save(new_review("A-1", "HAR-01", team="North", status="complete"), SAM)
    store.save(new_review("B-1", "HAR-02", team="South", status="complete"), SAM)
    store.save(new_review("C-1", "HAR-03", team="north"), SAM)
    assert {r.id for r in store.reviews(status="complete")} == {"A-1", "B-1"}
    assert {r.id for r in store.reviews(team="NORTH")} == {"A-1", "C-1"}
    assert {r.id for r in store.reviews(framework="other")} == set()
    assert len(list(store.reviews())) == 3


def test_find_case_takes_the_latest_review_of_that_case_ignoring_case(store: Store) -> None:
    assert store.find_case("HAR-01").review is None
    old = store.save(new_review("old", "HAR-01"), SAM)
    store.save(new_review("joint", "HAR-01", mode="joint"), SAM)
    store.save(new_review("other", "HAR-02"), SAM)
    store.save(answer(old, "rr.plan"), SAM)  # now the most recently updated
    assert store.find_case("har-01").review.id == "old"
    assert store.find_case(" HAR-01 ", mode="joint").review.id == "joint"
    assert store.find_case("HAR-09").review is None


# -- concurrency within one process -------------------------------------------------------------


def test_a_stale_copy_is_refused_not_written_over(tmp_path: Path) -> None:
    one = Store.open(tmp_path / "s")
    two = Store.open(tmp_path / "s")
    loaded = one.save(new_review(), SAM)
    theirs = two.get(loaded.id)
    one.save(answer(loaded, "rr.plan", note="mine"), SAM)
    with pytest.raises(ConflictError) as caught:
        two.save(answer(theirs, "rr.psr", note="theirs"), SAM)
    assert caught.value.expected == 1 and caught.value.stored == 2
    assert "another session" in str(caught.value) and "\n" not in str(caught.value)
    assert one.get(loaded.id).judgements["rr.plan"].note == "mine"
    # The loser reloads and saves again: nothing is lost.
    fresh = two.get(loaded.id)
    two.save(answer(fresh, "rr.psr", note="theirs"), SAM)
    final = one.get(loaded.id)
    assert final.judgements["rr.plan"].note == "mine"
    assert final.judgements["rr.psr"].note == "theirs"


def test_a_new_review_cannot_be_created_twice(store: Store) -> None:
    store.save(new_review(), SAM)
    with pytest.raises(ConflictError):
        store.save(new_review(), SAM)


# -- damaged files ------------------------------------------------------------------------------

DAMAGE = {
    "truncated": lambda raw: raw[: len(raw) // 2],
    "garbage": lambda raw: b"\x00\xff\xfe garbage \x9c" * 5,
    "empty": lambda raw: b"",
    "not tables": lambda raw: b"[1, 2, 3]",
    "wrong tables": lambda raw: b'{"something": {"1": {"else": true}}}',
    "wrong schema": lambda raw: json.dumps(
        {"review": {"1": {"record": {"id": 5, "judgements": "lots"}}}}
    ).encode(),
    "newer schema": lambda raw: raw.replace(b'"schema_version":2', b'"schema_version":99'),
}


@pytest.mark.parametrize("kind", sorted(DAMAGE))
def test_a_damaged_review_file_is_refused_by_name_and_never_written(
    tmp_path: Path, kind: str
) -> None:
    store = Store.open(tmp_path / "store")
    good = store.save(new_review("GOOD-1", "HAR-02"), SAM)
    review = store.save(new_review(), SAM)
    path = store.review_path(review.id)
    damaged = DAMAGE[kind](path.read_bytes())
    path.write_bytes(damaged)

    with pytest.raises(StoreError) as caught:
        store.get(review.id)
    message = str(caught.value)
    assert str(path) in message and "\n" not in message
    if kind == "newer schema":
        assert "newer" in message

    with pytest.raises(StoreError):
        store.save(answer(review, "rr.plan"), SAM)

    # Listing still shows the good review and reports the damaged file.
    again = Store.open(tmp_path / "store")
    listing = again.summaries()
    assert [s.id for s in listing] == ["GOOD-1"]
    assert any(str(path) in p for p in listing.problems)
    loaded = again.reviews()
    assert [r.id for r in loaded] == ["GOOD-1"]
    assert any(str(path) in p for p in loaded.problems)
    assert again.get(good.id) == good
    assert path.read_bytes() == damaged


def test_a_damaged_summary_file_is_only_a_cache(store: Store) -> None:
    review = store.save(new_review(), SAM, summary={"answered": 2})
    (store.index_dir / f"{store.review_path(review.id).stem}.json").write_bytes(b"{oops")
    listing = store.summaries()
    assert [(s.id, s.summary) for s in listing] == [(review.id, {"answered": 2})]
    assert listing.problems == []


def test_a_review_file_replaced_behind_the_listing_is_listed_as_it_now_is(store: Store) -> None:
    review = store.save(new_review(), SAM)
    path = store.review_path(review.id)
    before = path.read_bytes()
    store.save(review.copy(status="complete"), SAM)
    # Someone restores the older file by hand; the summary file no longer matches it.
    path.write_bytes(before)
    assert [s.status for s in store.summaries()] == ["in_progress"]


def test_a_damaged_store_marker_is_refused_and_kept(tmp_path: Path) -> None:
    Store.open(tmp_path / "store")
    marker = tmp_path / "store" / "store.json"
    marker.write_bytes(b'{"format": "case-review-store", "layout": 7}')
    with pytest.raises(StoreError, match="newer"):
        Store.open(tmp_path / "store")
    marker.write_bytes(b"\x00\x01")
    with pytest.raises(StoreError) as caught:
        Store.open(tmp_path / "store")
    assert str(marker) in str(caught.value)
    assert marker.read_bytes() == b"\x00\x01"


def test_a_folder_of_other_files_or_a_file_is_not_taken_for_a_store(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "letter.txt").write_text("hello")
    with pytest.raises(StoreError, match="not a case-review store"):
        Store.open(tmp_path / "docs")
    assert os.listdir(tmp_path / "docs") == ["letter.txt"]
    (tmp_path / "plain").write_text("x")
    with pytest.raises(StoreError, match="not a store folder"):
        Store.open(tmp_path / "plain")


# -- permissions, location ----------------------------------------------------------------------


def test_files_are_owner_only_whatever_the_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        store = Store.open(tmp_path / "a" / "b" / "store")
        review = store.save(new_review(), SAM)
        store.save(answer(review, "rr.plan", "insufficient", reasons=("not_done",)), SAM)
        store.claim(review.id)
    finally:
        os.umask(old)
    created = [tmp_path / "a", tmp_path / "a" / "b"]
    created += [p for p in (tmp_path / "a" / "b").rglob("*")] + [tmp_path / "a" / "b" / "store"]
    assert any(p.name == ".lock" for p in created)
    for path in created:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), (path, oct(mode))


def test_location_is_store_option_then_environment_then_user_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert resolve_path(None) == tmp_path / "xdg" / "case-review"
    monkeypatch.setenv("CASE_REVIEW_STORE", str(tmp_path / "env"))
    assert resolve_path(None) == tmp_path / "env"
    assert resolve_path(tmp_path / "opt") == tmp_path / "opt"
    assert Store.open(None).path == tmp_path / "env"
    assert (tmp_path / "env" / "store.json").exists()
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert resolve_path("~/cases") == tmp_path / "home" / "cases"


# -- migration ----------------------------------------------------------------------------------


def test_an_older_record_is_migrated_on_load_and_its_file_left_alone(store: Store) -> None:
    path = store.review_path("old-1")
    v0 = {
        "id": "old-1",
        "case": "HAR-03",
        "framework": "sqs-youth-2014",
        "judgements": {
            "rr.plan": {"outcome": "insufficient", "reasons": "not_done, goals_not_measurable"}
        },
    }
    raw = json.dumps({"review": {"1": {"record": v0, "summary": {}, "audit": []}}}).encode()
    path.write_bytes(raw)
    review = store.get("old-1")
    assert review.case_ref == "HAR-03"
    assert review.schema_version == 2
    assert review.judgements["rr.plan"].reasons == ("not_done", "goals_not_measurable")
    assert path.read_bytes() == raw  # reading never writes
    assert [s.case_ref for s in store.summaries()] == ["HAR-03"]

    saved = store.save(answer(review, "rr.psr"), SAM)
    stored = json.loads(path.read_bytes())["review"]["1"]["record"]
    assert stored["schema_version"] == 2 and stored["case_ref"] == "HAR-03"
    assert "case" not in stored
    assert store.get("old-1") == saved


# -- audit --------------------------------------------------------------------------------------


def test_every_change_is_audited_with_who_when_old_and_new(store: Store) -> None:
    review = store.save(new_review(team="North"), SAM)
    review = store.save(
        answer(review, "rr.plan", "insufficient", reasons=("not_done",)).copy(
            facts={"custody": False}
        ),
        SAM,
    )
    review = store.save(
        answer(review, "rr.plan", "sufficient").copy(
            facts={"custody": True}, skipped=("rr.psr",), focus="rr.psr"
        ),
        INSPECTOR,
    )
    judgements = dict(review.judgements)
    del judgements["rr.plan"]
    review = store.save(review.copy(judgements=judgements, status="complete"), SAM)

    events = store.audit(review.id)
    got = [(e.action, e.field, e.who, e.role, e.revision) for e in events]
    assert got == [
        ("created", "", "Sam Case", "case_manager", 1),
        ("answered", "facts.custody", "Sam Case", "case_manager", 2),
        ("answered", "judgements.rr.plan", "Sam Case", "case_manager", 2),
        ("changed", "facts.custody", "Ira Inspector", "inspector", 3),
        ("changed", "judgements.rr.plan", "Ira Inspector", "inspector", 3),
        ("removed", "judgements.rr.plan", "Sam Case", "case_manager", 4),
        ("status", "status", "Sam Case", "case_manager", 4),
    ]
    changed = events[4]
    assert changed.old["outcome"] == "insufficient" and changed.old["reasons"] == ["not_done"]
    assert changed.new["outcome"] == "sufficient"
    assert events[3].old is False and events[3].new is True
    assert events[-1].old == "in_progress" and events[-1].new == "complete"
    assert all(e.at is not None and e.case_ref == "HAR-01" for e in events)


def test_audit_of_the_whole_store_and_named_actions(store: Store) -> None:
    one = store.save(new_review("A-1", "HAR-01"), SAM)
    store.save(new_review("B-1", "HAR-02", mode="joint"), INSPECTOR, action="imported")
    one = store.save(
        answer(one, "pp.plan", view=View(agrees=False, note="we disagree")), SAM, action="flag"
    )
    events = store.audit()
    assert {e.review_id for e in events} == {"A-1", "B-1"}
    assert [e.action for e in events if e.review_id == "B-1"] == ["imported"]
    assert [e.action for e in store.audit("A-1")] == ["created", "flag"]
    assert store.audit("nothing") == []


def test_a_save_that_changes_nothing_adds_no_audit_events(store: Store) -> None:
    review = store.save(new_review(), SAM)
    store.save(review.copy(focus="rr.plan"), SAM)
    assert [e.action for e in store.audit(review.id)] == ["created"]


# -- interrupted saves are finished on the next open --------------------------------------------


def test_an_interrupted_save_is_finished_when_the_store_is_next_opened(store: Store) -> None:
    review = store.save(new_review(), SAM, summary={"answered": 0})
    review = store.save(answer(review, "rr.plan", note="first"), SAM, summary={"answered": 1})
    key = store.review_path(review.id).stem
    index = store.index_dir / f"{key}.json"
    log = store.audit_dir / f"{key}.jsonl"
    old_index = index.read_bytes()
    full_log = log.read_bytes()
    review = store.save(answer(review, "rr.plan", note="second"), SAM, summary={"answered": 2})
    # Put the store back as a crash after the review file was written would leave it:
    # the summary file from before, half the last audit line written, the marker present.
    index.write_bytes(old_index)
    torn = log.read_bytes()
    log.write_bytes(torn[: len(full_log) + 20])
    (store.pending_dir / f"{key}.dirty").write_bytes(b"")
    (store.reviews_dir / f".{key}.json.99.abcd.tmp").write_bytes(b"half a file")

    again = Store.open(store.path)
    assert not (store.pending_dir / f"{key}.dirty").exists()
    assert not list(store.reviews_dir.glob(".*.tmp"))
    assert [s.summary for s in again.summaries()] == [{"answered": 2}]
    assert log.read_bytes() == torn
    notes = [e.new["note"] for e in again.audit(review.id) if e.field == "judgements.rr.plan"]
    assert notes == ["first", "second"]


# -- claims -------------------------------------------------------------------------------------

HOLDER = r"""
import sys
from store import Store
store = Store.open(sys.argv[1])
print(store.claim(sys.argv[2], who="Ira"), flush=True)
sys.stdin.read()
"""


def test_a_review_open_in_another_process_is_reported_until_that_process_ends(
    store: Store,
) -> None:
    review = store.save(new_review(), SAM)
    assert store.claim(review.id) is None
    assert store.claim(review.id) is None  # our own claim again
    store.release(review.id)

    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(store.path), review.id],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "None"
        message = store.claim(review.id)
        assert message is not None
        assert "HAR-01 is open in another session by Ira" in message
        assert f"process {holder.pid}" in message and "\n" not in message
        assert store.claimed_by(review.id) == message
        store.release(review.id)  # not ours: left alone
        assert store.claimed_by(review.id) is not None
        assert store.claim(review.id, force=True) == message  # taken over, still warned
        assert store.claimed_by(review.id) is None  # now ours
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)


def test_a_claim_left_by_a_process_that_died_is_stale(store: Store) -> None:
    review = store.save(new_review(), SAM)
    holder = subprocess.run(
        [sys.executable, "-c", HOLDER, str(store.path), review.id],
        input="",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert holder.stdout.strip() == "None"
    assert store.claimed_by(review.id) is None
    assert store.claim(review.id) is None


LOCKER = r"""
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
fcntl.flock(fd, fcntl.LOCK_EX)
print("locked", flush=True)
sys.stdin.read()
"""


def test_a_lock_held_too_long_by_another_process_gives_a_clear_error(store: Store) -> None:
    from store.locks import StoreLock

    lock_path = store.path / ".lock"
    holder = subprocess.Popen(
        [sys.executable, "-c", LOCKER, str(lock_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(StoreError) as caught, StoreLock(lock_path, timeout=0.2):
            pass
        assert str(lock_path) in str(caught.value)
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    # Once the holder is gone the store works again (the abandoned waiter let go).
    store.save(new_review(), SAM)
    assert store.get("HAR-01-self").revision == 1


def test_the_one_pass_read_and_the_tinydb_read_give_the_same_review(store: Store) -> None:
    from store.review_files import fast_load as _fast_load
    from store.review_files import record_from_doc

    review = answer(
        answer(new_review(facts={"psr": True, "plan_factors": ["family"]}), "rr.psr"),
        "rr.plan",
        "insufficient",
        reasons=("not_done", "generic_actions"),
        note="plan: 'engage' \u2014 [bold]not measurable[/]",
        view=View(agrees=False, outcome="sufficient"),
    )
    saved = store.save(review, SAM)
    path = store.review_path(saved.id)
    slow = record_from_doc(store._read_doc(path), path, saved.id)
    assert _fast_load(path, saved.id) == slow == saved == store.get(saved.id)
    assert _fast_load(path, "another id") is None  # left to the careful path to report


def test_text_that_is_not_valid_unicode_is_stored_escaped_never_as_bad_bytes() -> None:
    from store.storage import dumps

    raw = dumps({"note": "bad \udcff byte", "ok": "caf\u00e9"})
    assert raw.isascii()
    assert json.loads(raw.decode("utf-8")) == {"note": "bad \udcff byte", "ok": "caf\u00e9"}
    assert dumps({"ok": "caf\u00e9"}) == '{"ok":"caf\u00e9"}'.encode()


def test_a_damaged_audit_line_is_reported_and_the_rest_still_read(store: Store) -> None:
    review = store.save(new_review(), SAM)
    store.save(answer(review, "rr.plan"), SAM)
    log = store.audit_dir / f"{store.review_path(review.id).stem}.jsonl"
    lines = log.read_bytes().splitlines(keepends=True)
    log.write_bytes(lines[0] + b"{not an event}\n" + b"".join(lines[1:]))
    trail = store.audit(review.id)
    assert [e.action for e in trail] == ["created", "answered"]
    (problem,) = trail.problems
    assert str(log) in problem and "line 2" in problem


# -- reading back what the store wrote itself (no validation), validating everything else -------


def rich_review() -> Review:
    from datetime import UTC, datetime

    from store.records import FlagState, Participant

    review = new_review(
        mode="joint",
        team="North",
        participants=(Participant(name="Ira", role="inspector"),),
        facts={"psr": True, "plan_factors": ["family", "substance"], "plan_date": "2014-06-01"},
        skipped=("custody",),
        focus="rr.plan",
        flag_states={
            "rr.plan": FlagState(state="done", changed_at=datetime(2014, 7, 1, 9, 0, tzinfo=UTC))
        },
        completed_at=datetime(2014, 8, 1, 12, 30, 15, 123456, tzinfo=UTC),
    )
    return answer(
        review,
        "rr.plan",
        "insufficient",
        reasons=("not_done",),
        note="plan: 'engage' \u2014 [bold]not measurable[/]",
        view=View(agrees=False, outcome="sufficient", note="we met twice"),
        inspector_outcome="insufficient",
        pending="agreed",
        answered_at=datetime(2014, 7, 1, 10, 0, tzinfo=UTC),
        answered_by="Ira",
    )


def test_records_read_back_without_validation_equal_the_validated_ones() -> None:
    from checked import to_data, validate

    review = rich_review()
    data = json.loads(json.dumps(to_data(review)))
    assert Review.from_data(data) == validate(Review, data) == review
    assert data["completed_at"] == "2014-08-01T12:30:15.123456Z"


def test_a_review_the_store_wrote_is_read_back_without_pydantic(store: Store) -> None:
    import store.review_files as reviews

    saved = store.save(rich_review(), SAM)
    calls = []
    real = reviews.fast_load
    reviews.fast_load = lambda *a: calls.append(a) or real(*a)  # the validating read
    try:
        assert store.get(saved.id) == saved
        assert store.find_case("HAR-01").review == saved
        assert calls == []
        path = store.review_path(saved.id)
        os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1))
        assert store.get(saved.id) == saved  # touched since the store wrote it: validated
        assert len(calls) == 1
    finally:
        reviews.fast_load = real


def test_a_review_file_edited_behind_the_store_is_validated_not_trusted(store: Store) -> None:
    saved = store.save(new_review(), SAM)
    path = store.review_path(saved.id)
    doc = json.loads(path.read_bytes())
    doc["review"]["1"]["record"]["case_ref"] = "HAR\n01"  # a control character: invalid
    path.write_text(json.dumps(doc))
    with pytest.raises(StoreError, match="case_ref"):
        store.get(saved.id)
    found = store.find_case("HAR-01")
    assert found.review is None  # left out of the listing, and reported
    assert any(str(path) in p and "case_ref" in p for p in found.problems)


def test_a_record_that_would_not_read_back_is_never_saved(store: Store) -> None:
    bad = new_review(case_ref="HAR\x1b[31m-01")  # built directly, so never validated
    with pytest.raises(StoreError, match="not saved, not a valid review: case_ref"):
        store.save(bad, SAM)
    assert store.summaries() == [] and not list(store.reviews_dir.iterdir())
    too_long = answer(store.save(new_review(), SAM), "rr.plan", note="x" * 20001)
    with pytest.raises(StoreError, match="note"):
        store.save(too_long, SAM)
    assert store.get("HAR-01-self").judgements == {}
