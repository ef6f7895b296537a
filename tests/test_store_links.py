"""Links and ownership: the store never follows a link planted in its folder, refuses a folder
other users can write to or that another user owns, and says in one line when a folder (or a
FIFO) sits where a file belongs.

Each kind of store file in turn is replaced by a symbolic link to a file outside the store;
opening, listing, loading, saving, claiming, reporting and verifying the store then either
work or fail with one line naming the link, and the link's target is byte for byte as it was.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.report import ReportFilter
from assistant.report.source import report_over_store
from store import Actor, Store, StoreError, review_key
from store.layout import case_key
from store.records import Judgement, Review
from tests.conftest import case_review, cli_env

SAM = Actor("Sam Case", "case_manager")


def review(review_id: str, case_ref: str) -> Review:
    return Review(id=review_id, case_ref=case_ref, framework="sqs-youth-2014")


def filled(root: Path, sqs: Any) -> Store:
    """A store with two reviews saved twice and others, the report's cache written, and a
    claim: every kind of file the store keeps."""
    store = Store.open(root)
    for number in range(3, 21):
        store.save(review(f"r-{number}", f"HAR-{number:02}"), SAM, summary={"answered": 0})
    for number in (1, 2):
        saved = store.save(review(f"r-{number}", f"HAR-0{number}"), SAM, summary={"answered": 0})
        store.save(
            saved.copy(judgements={"rr.plan": Judgement(outcome="sufficient")}),
            SAM,
            summary={"answered": 1},
        )
    store.claim("r-1")
    store.release("r-1")
    store.claim("r-2")
    Store.open(root).summaries()
    store.derived("report-rows", "any", lambda r: r.case_ref)  # writes cache/report-rows.log
    assert all((root / KINDS[kind]).exists() for kind in ("listing log", "derived cache"))
    return store


KEY = review_key("r-1")
# Every kind of file in a store folder, relative to the store.
KINDS = {
    "marker": "store.json",
    "key": "seal.key",
    "lock": ".lock",
    "listing log": "listing.log",
    "review": f"reviews/{KEY}.json",
    "dirty marker": f"pending/{KEY}.dirty",
    "summary": f"index/{KEY}.json",
    "case index": f"cases/{case_key('HAR-01')}.json",
    "audit log": f"audit/{KEY}.jsonl",
    "claim": f"claims/{review_key('r-2')}.json",
    "derived cache": "cache/report-rows.log",
    "temporary file": f"reviews/.{KEY}.json.1.abcd.tmp",
}


def attempt(action: Callable[[], Any]) -> None:
    """Run one use of the store: it works or raises a one-line StoreError, nothing else."""
    try:
        action()
    except StoreError as exc:
        assert "\n" not in str(exc)


@contextlib.contextmanager
def within(seconds: float) -> Iterator[None]:
    """Fail, rather than hang, when something blocks (reading a FIFO waits for a writer)."""

    def expired(signum: int, frame: Any) -> None:
        raise TimeoutError(f"still blocked after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def use_the_store(root: Path, sqs: Any) -> None:
    with within(60):
        _use_the_store(root, sqs)


def _use_the_store(root: Path, sqs: Any) -> None:
    try:
        store = Store.open(root)
    except StoreError as exc:
        assert "\n" not in str(exc)
        return
    attempt(store.summaries)
    attempt(lambda: store.get("r-1"))
    attempt(lambda: store.get("r-2"))
    attempt(lambda: store.find_case("HAR-01"))
    attempt(lambda: list(store.reviews()))
    attempt(lambda: store.save(store.get("r-1").copy(team="North"), SAM))
    attempt(lambda: store.save(store.get("r-2").copy(team="South"), SAM))
    attempt(lambda: store.save(review("r-3", "HAR-03"), SAM))
    attempt(lambda: store.claim("r-1"))
    attempt(lambda: store.claim("r-2"))
    attempt(lambda: store.release("r-2"))
    attempt(lambda: report_over_store(store, sqs, ReportFilter()))
    attempt(lambda: report_over_store(store, sqs, ReportFilter()))
    attempt(store.audit)
    attempt(store.verify)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_link_planted_in_the_store_is_never_followed(tmp_path: Path, sqs: Any, kind: str):
    root = tmp_path / "store"
    filled(root, sqs)
    planted = root / KINDS[kind]
    target = tmp_path / "outside" / "precious.json"
    target.parent.mkdir()
    # The target is a sound file of the same kind where there is one, so that following the
    # link would "work": a copy of what was there, or of review r-2's file for a new name.
    source = planted if planted.exists() else root / f"reviews/{review_key('r-2')}.json"
    target.write_bytes(source.read_bytes() if source.is_file() else b"{}")
    before = target.read_bytes()
    if planted.exists():
        planted.unlink()
    planted.symlink_to(target)

    use_the_store(root, sqs)
    subprocess.run(
        [*case_review(), "report", "--format", "json", "--store", str(root)],
        capture_output=True,
        env=cli_env(),
        timeout=120,
    )

    assert target.read_bytes() == before
    assert sorted(os.listdir(target.parent)) == ["precious.json"]


def test_a_planted_review_link_is_named_and_the_other_reviews_still_work(tmp_path, sqs):
    root = tmp_path / "store"
    filled(root, sqs)
    planted = root / KINDS["review"]
    target = tmp_path / "precious.json"
    target.write_bytes(planted.read_bytes())
    planted.unlink()
    planted.symlink_to(target)
    store = Store.open(root)
    assert "r-1" not in [s.id for s in store.summaries()]
    listing = store.summaries()
    assert "r-2" in [s.id for s in listing]
    (problem,) = listing.problems
    assert str(planted) in problem and "symbolic link" in problem
    with pytest.raises(StoreError, match="symbolic link"):
        store.get("r-1")
    with pytest.raises(StoreError, match="symbolic link"):
        store.save(review("r-1", "HAR-01").copy(revision=2), SAM)
    assert store.save(store.get("r-2").copy(team="North"), SAM).revision == 3


@pytest.mark.parametrize("kind", ["summary", "audit log", "case index", "listing log"])
def test_a_save_that_would_write_through_a_link_writes_nothing(tmp_path, sqs, kind):
    root = tmp_path / "store"
    store = filled(root, sqs)
    planted = root / KINDS[kind]
    target = tmp_path / "precious"
    target.write_bytes(planted.read_bytes())
    planted.unlink()
    planted.symlink_to(target)
    review_file = store.review_path("r-1").read_bytes()
    with pytest.raises(StoreError, match="symbolic link") as caught:
        store.save(store.get("r-1").copy(team="North"), SAM)
    assert str(planted) in str(caught.value)
    assert store.review_path("r-1").read_bytes() == review_file  # nothing was saved
    assert target.read_bytes() == planted.read_bytes()


@pytest.mark.parametrize(
    "folder", ["reviews", "index", "audit", "claims", "cache", "pending", "cases"]
)
def test_a_store_folder_that_is_a_link_is_refused_or_left_alone(tmp_path, sqs, folder):
    root = tmp_path / "store"
    filled(root, sqs)
    elsewhere = tmp_path / "elsewhere"
    shutil.move(root / folder, elsewhere)
    (root / folder).symlink_to(elsewhere, target_is_directory=True)
    before = {p: p.read_bytes() for p in elsewhere.rglob("*") if p.is_file()}
    use_the_store(root, sqs)
    if folder != "cache":
        with pytest.raises(StoreError, match="symbolic link"):
            Store.open(root)
    after = {p: p.read_bytes() for p in elsewhere.rglob("*") if p.is_file()}
    assert after == before


# -- ownership and permissions ------------------------------------------------------------------


@pytest.mark.parametrize("mode", [0o777, 0o770, 0o702])
def test_a_store_folder_others_can_write_to_is_refused_in_one_line(tmp_path, sqs, mode):
    root = tmp_path / "store"
    filled(root, sqs)
    os.chmod(root, mode)
    with pytest.raises(StoreError) as caught:
        Store.open(root)
    message = str(caught.value)
    assert "other users can write" in message and str(root) in message and "\n" not in message
    result = subprocess.run(
        [*case_review(), "export", "--store", str(root)],
        capture_output=True,
        text=True,
        env=cli_env(),
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "other users can write" in result.stderr
    assert result.stdout == ""


def test_a_folder_inside_the_store_others_can_write_to_is_refused(tmp_path, sqs):
    root = tmp_path / "store"
    filled(root, sqs)
    os.chmod(root / "audit", 0o777)
    with pytest.raises(StoreError, match="other users can write"):
        Store.open(root)


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a folder to another user needs root")
def test_a_store_folder_another_user_owns_is_refused(tmp_path, sqs):
    root = tmp_path / "store"
    filled(root, sqs)
    os.chown(root, 65534, 65534)  # nobody
    with pytest.raises(StoreError, match="belongs to another user"):
        Store.open(root)


# -- a folder (or a FIFO) where a file belongs ---------------------------------------------------


@pytest.mark.parametrize("kind", sorted(set(KINDS) - {"temporary file"}))
@pytest.mark.parametrize("make", ["folder", "fifo"])
def test_a_folder_or_fifo_where_a_file_belongs_is_one_line_never_a_traceback(
    tmp_path, sqs, kind, make
):
    root = tmp_path / "store"
    filled(root, sqs)
    path = root / KINDS[kind]
    if path.exists():
        path.unlink()
    if make == "folder":
        path.mkdir()
    else:
        os.mkfifo(path)
    use_the_store(root, sqs)  # in process: works, or one-line StoreErrors
    for args in (["export"], ["report", "--format", "json"], ["audit", "verify"]):
        result = subprocess.run(
            [*case_review(), *args, "--store", str(root)],
            capture_output=True,
            text=True,
            env=cli_env(),
            timeout=60,  # a FIFO opened for reading would hang here
        )
        assert "Traceback" not in result.stderr, (args, result.stderr[-2000:])
        assert result.returncode in (0, 1)
    assert path.is_dir() if make == "folder" else path.is_fifo()


def test_store_json_and_seal_key_must_be_files(tmp_path, sqs):
    root = tmp_path / "store"
    filled(root, sqs)
    (root / "seal.key").unlink()
    (root / "seal.key").mkdir()
    with pytest.raises(StoreError, match=r"seal\.key.*folder"):
        Store.open(root)
    (root / "seal.key").rmdir()
    Store.open(root)  # a missing key is made again (caches written before are rebuilt)
    assert len((root / "seal.key").read_bytes()) == 32
    json.loads((root / "store.json").read_bytes())
