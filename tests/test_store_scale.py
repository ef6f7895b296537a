"""A store that stays fast as it grows: one review opened without listing the store, the listing
kept one line per save, derived files that readers never rewrite, and older stores upgraded.

Speed itself is measured by bench/scale.py and bench/store.py; these tests check the shape of
the work: what is read, what is written, and that the answers are always those of the review
files.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
from pathlib import Path

import pytest

from store import Actor, Store, StoreError
from store import file_listing as file_listing_module
from store.layout import case_key
from store.records import Judgement, Review
from tests.conftest import ROOT

SAM = Actor("Sam Case", "case_manager")


def review(review_id: str, case_ref: str, **fields) -> Review:
    return Review(id=review_id, case_ref=case_ref, framework="sqs-youth-2014", **fields)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store.open(tmp_path / "store")
    for n in range(12):
        store.save(review(f"r-{n}", f"HAR-{n:02}"), SAM, summary={"open_flags": n % 3})
    return store


@pytest.fixture
def no_listing(monkeypatch):
    """Fail any listing of the store: the review files' folder read, or the listing made."""
    real = os.listdir

    def listdir(path="."):
        if str(path).rstrip("/").endswith("/reviews"):
            raise AssertionError(f"the store was listed: {path}")
        return real(path)

    def listing(*args, **kwargs):
        raise AssertionError("the store was listed")

    monkeypatch.setattr(os, "listdir", listdir)
    monkeypatch.setattr(file_listing_module, "listing", listing)


def lines(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines()


# -- one review, in constant time -----------------------------------------------------------------


def test_a_case_is_found_and_opened_without_listing_the_store(store, no_listing):
    from assistant.engine.conversation import Engine
    from assistant.session import Session
    from prompts import get_framework

    reopened = Store.open(store.path)
    assert reopened.find_case("har-07").review.id == "r-7"
    assert reopened.find_case("HAR-99").review is None
    session = Session.open(reopened, Engine(get_framework()), "HAR-03", mode="joint")
    assert session.review.case_ref == "HAR-03" and session.review.mode == "joint"
    assert any("its self review is kept" in n for n in session.notices)  # found the other one
    saved = reopened.save(reopened.get("r-3").copy(team="North"), SAM)
    assert reopened.find_case("HAR-03", mode="self").review == saved


def test_every_review_of_a_case_is_named_in_its_case_file(store):
    store.save(review("r-3-joint", "har-03", mode="joint"), SAM)
    data = json.loads((store.cases_dir / f"{case_key('HAR-03')}.json").read_bytes())
    assert data["case"] == "har-03"
    assert data["keys"] == sorted(store.review_path(i).stem for i in ("r-3", "r-3-joint"))
    assert store.find_case("HAR-03").review.id == "r-3-joint"  # the most recently updated
    assert len(list(store.cases_dir.iterdir())) == 12  # one file a case reference


def test_a_case_file_that_does_not_open_is_rebuilt_from_the_reviews(store):
    path = store.cases_dir / f"{case_key('HAR-05')}.json"
    data = json.loads(path.read_bytes())
    data["keys"] = []  # emptied by hand: the seal no longer matches
    path.write_text(json.dumps(data))
    assert store.find_case("HAR-05").review.id == "r-5"
    assert json.loads(path.read_bytes())["keys"] == [store.review_path("r-5").stem]
    path.write_bytes(b"")
    assert store.find_case("HAR-05").review.id == "r-5"


def test_a_review_whose_case_reference_changed_is_found_under_the_new_one_only(store):
    store.save(store.get("r-4").copy(case_ref="HAR-44"), SAM)
    assert store.find_case("HAR-44").review.id == "r-4"
    assert store.find_case("HAR-04").review is None


def test_a_review_file_edited_behind_the_store_is_read_from_the_file_when_found(store):
    path = store.review_path("r-6")
    doc = json.loads(path.read_bytes())
    doc["review"]["1"]["record"]["team"] = "Edited"
    path.write_text(json.dumps(doc))
    assert store.find_case("HAR-06").review.team == "Edited"
    assert [s.team for s in store.summaries(query="HAR-06")] == ["Edited"]


# -- the listing: one line a save, never rewritten by a reader -------------------------------------


def test_a_save_appends_one_line_to_the_listing_and_a_listing_writes_nothing(store):
    log = store.listing_log
    before = lines(log)
    inode = log.stat().st_ino
    store.save(store.get("r-2").copy(team="South"), SAM, summary={"open_flags": 5})
    after = lines(log)
    assert after[: len(before)] == before and len(after) == len(before) + 1
    reader = Store.open(store.path)
    listing = reader.summaries(order="urgency", limit=1)
    assert [(s.id, s.team) for s in listing] == [("r-2", "South")] and listing.total == 12
    assert lines(log) == after and log.stat().st_ino == inode  # read, not rewritten


def test_a_page_is_chosen_by_urgency_team_and_case_reference(store):
    store.save(store.get("r-9").copy(team="North"), SAM, summary={"urgent_flags": 1})
    first = store.summaries(order="urgency", offset=0, limit=4)
    assert first.total == 12 and first[0].id == "r-9" and len(first) == 4
    every = [s.id for s in store.summaries(order="urgency")]
    pages = [
        s.id for o in range(0, 12, 5) for s in store.summaries(order="urgency", offset=o, limit=5)
    ]
    assert pages == every
    assert [s.id for s in store.summaries(team=" north ")] == ["r-9"]
    assert {s.id for s in store.summaries(query="har-1")} == {"r-10", "r-11"}
    assert store.summaries(query="HAR-1", offset=1, limit=5).total == 2


def test_the_listing_is_read_once_then_only_what_was_appended(store, monkeypatch):
    from store import sealedlog

    store.summaries()
    read: list[int] = []
    real = sealedlog._pread_all

    def pread_all(fd, offset, size):
        read.append(size)
        return real(fd, offset, size)

    monkeypatch.setattr(sealedlog, "_pread_all", pread_all)
    store.save(store.get("r-1").copy(team="East"), SAM)
    assert [s.team for s in store.summaries(query="HAR-01")] == ["East"]
    assert len(read) == 1 and read[0] < 600  # the one new line, not the log


def test_the_listing_log_is_compacted_by_a_save_once_it_has_doubled(store, monkeypatch):
    from store import sealedlog

    monkeypatch.setattr(sealedlog, "SLACK", 0)
    log = store.listing_log
    saved = store.get("r-0")
    sizes = []
    for n in range(30):
        saved = store.save(saved.copy(team=f"Team {n}"), SAM)
        sizes.append(log.stat().st_size)
    assert any(b < a for a, b in itertools.pairwise(sizes))  # rewritten shorter, once
    assert len(lines(log)) < 1 + 12 + 30
    assert [s.team for s in Store.open(store.path).summaries(query="HAR-00")] == ["Team 29"]


def test_a_torn_or_edited_line_is_skipped_and_the_review_listed_from_its_files(store):
    log = store.listing_log
    with log.open("ab") as handle:
        handle.write(b"0" * 64 + b' ["' + store.review_path("r-8").stem.encode() + b'", [')
    store.save(store.get("r-8").copy(team="After the tear"), SAM)
    assert lines(log)[-1].endswith(b"]]") and lines(log)[-2].endswith(b"[")
    listing = Store.open(store.path).summaries(query="HAR-08")
    assert [s.team for s in listing] == ["After the tear"] and listing.problems == []
    raw = log.read_bytes().replace(b"After the tear", b"Edited by hand")
    log.write_bytes(raw)  # the seal of that line no longer matches
    assert [s.team for s in Store.open(store.path).summaries(query="HAR-08")] == ["After the tear"]


def test_a_missing_listing_log_is_rebuilt_by_the_next_listing(store):
    store.listing_log.unlink()
    listing = Store.open(store.path).summaries()
    assert len(listing) == 12 and listing.problems == []
    assert len(lines(store.listing_log)) == 1 + 12
    assert store.listing_log.stat().st_mode & 0o777 == 0o600


def test_a_review_restored_by_hand_is_listed_from_its_file_and_its_row_kept(store, tmp_path):
    path = store.review_path("r-10")
    copy = tmp_path / "copy.json"
    shutil.copy2(path, copy)
    store.save(store.get("r-10").copy(team="Later"), SAM)
    shutil.copy2(copy, path)  # an older file put back: its rows no longer match it
    before = len(lines(store.listing_log))
    assert [s.team for s in Store.open(store.path).summaries(query="HAR-10")] == [""]
    assert len(lines(store.listing_log)) == before + 1  # the row found, appended for next time


# -- saves cut short ------------------------------------------------------------------------------


def test_a_save_cut_short_is_finished_with_its_case_file_and_listing_line(store):
    saved = store.save(review("r-new", "HAR-NEW"), SAM)
    key = store.review_path(saved.id).stem
    case_file = store.cases_dir / f"{case_key('HAR-NEW')}.json"
    log_lines = lines(store.listing_log)
    # As a crash after the review file was written leaves it: no case file, no listing line.
    case_file.unlink()
    store.listing_log.write_bytes(b"\n".join(log_lines[:-1]) + b"\n")
    (store.pending_dir / f"{key}.dirty").write_bytes(b"")
    again = Store.open(store.path)
    assert not (store.pending_dir / f"{key}.dirty").exists()
    assert case_file.exists() and again.find_case("HAR-NEW").review == saved
    assert lines(store.listing_log)[-1] == log_lines[-1]


def test_a_save_whose_marker_was_lost_finishes_the_one_before_it(store):
    saved = store.save(store.get("r-11").copy(team="North"), SAM)
    log = store.audit_dir / f"{store.review_path(saved.id).stem}.jsonl"
    whole = log.read_bytes()
    events = whole.count(b"\n")
    # A power cut as the marker was made: the review file written, the trail one save behind.
    log.write_bytes(b"".join(whole.splitlines(keepends=True)[:-1]))
    assert not Store.open(store.path).verify().ok
    again = Store.open(store.path)
    again.save(again.get("r-11").copy(team="South"), SAM)
    assert log.read_bytes().startswith(whole) and log.read_bytes().count(b"\n") == events + 1
    assert again.verify().ok


# -- an older store -----------------------------------------------------------------------------


@pytest.fixture
def layout1(tmp_path: Path) -> Path:
    """A store written by the code of layout 1 (tests/fixtures/store-layout1: 26 reviews, a
    listing snapshot, a derived cache, one save cut short), with the modes git does not keep."""
    root = tmp_path / "old"
    shutil.copytree(ROOT / "tests" / "fixtures" / "store-layout1", root)
    for folder, _dirs, files in os.walk(root):
        os.chmod(folder, 0o700)
        for name in files:
            os.chmod(Path(folder) / name, 0o600)
    (root / "claims").mkdir(mode=0o700, exist_ok=True)
    return root


def test_a_store_of_layout_1_is_upgraded_when_first_opened(layout1):
    store = Store.open(layout1)
    assert json.loads((layout1 / "store.json").read_bytes())["layout"] == 2
    assert not (layout1 / "listing.json").exists()
    assert not list((layout1 / "cache").glob("*.json"))
    assert not list(store.reviews_dir.glob("*.dirty")) and not list(store.pending_dir.iterdir())
    listing = store.summaries()
    assert listing.total == 26 and listing.problems == []
    assert store.find_case("HAR-03").review.id == "v1-3"  # stored as "har-03"
    assert store.find_case("HAR-01").review.id == "v1-1"  # the joint one, updated later
    assert store.find_case("HAR-01", mode="self").review.id == "v1-0"
    assert store.summaries(order="urgency", limit=1)[0].id == "v1-4"
    assert store.verify().ok
    saved = store.save(store.get("v1-5").copy(team="After"), SAM)
    assert Store.open(layout1).find_case("HAR-05").review == saved


def test_an_older_store_that_cannot_be_upgraded_is_still_read(layout1, monkeypatch):
    import store.upgrade

    def refuse(path, **kwargs):
        raise StoreError(f"{path}: cannot create the folder: Read-only file system", path)

    monkeypatch.setattr(store.upgrade, "ensure_private_dir", refuse)
    opened = Store.open(layout1)
    assert json.loads((layout1 / "store.json").read_bytes())["layout"] == 1
    assert opened.summaries().total == 26
    assert opened.find_case("HAR-02").review.id == "v1-2"
    with pytest.raises(StoreError, match="could not save"):
        opened.save(opened.get("v1-2").copy(team="x"), SAM)
    monkeypatch.undo()
    assert Store.open(layout1).find_case("HAR-02").review.id == "v1-2"  # upgraded now


def test_a_store_of_a_newer_layout_is_refused(layout1):
    (layout1 / "store.json").write_text('{"format": "case-review-store", "layout": 3}')
    with pytest.raises(StoreError, match="newer than this program"):
        Store.open(layout1)


def test_judgements_survive_the_upgrade(layout1):
    store = Store.open(layout1)
    assert store.get("v1-2").judgements == {
        "rr.assessment": Judgement(outcome="insufficient", reasons=("not_done",))
    }
