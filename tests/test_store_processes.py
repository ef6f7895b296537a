"""Two real processes on one store: different reviews lose nothing; on the same review no
answer is ever lost silently (a stale save is refused with ConflictError, and a process that
reloads and saves again keeps both people's answers)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from store import Actor, ConflictError, Store
from store.records import Judgement, Review

CRITERIA_A = ["rr.assessment", "rr.plan", "rr.plan_review", "pp.assessment", "pp.plan"]
CRITERIA_B = ["cy.assessment", "cy.plan", "cy.plan_review", "ss.diversity", "ss.engagement"]

WRITER = r"""
import os, sys, time
from pathlib import Path
from store import Actor, ConflictError, Store
from store.records import Judgement, Review

path, review_id, who, criteria, count, go = sys.argv[1:7]
criteria, count = criteria.split(","), int(count)
actor = Actor(who, "case_manager")
store = Store.open(path)
while not Path(go).exists():
    time.sleep(0.001)
conflicts = 0
review = None
for i in range(count):
    criterion = criteria[i % len(criteria)]
    while True:
        if review is None:
            try:
                review = store.get(review_id)
            except KeyError:
                review = Review(id=review_id, case_ref="HAR-05", framework="sqs-youth-2014")
        judgements = {**review.judgements, criterion: Judgement(outcome="sufficient",
                                                                note=f"{who} {i}")}
        try:
            review = store.save(review.copy(judgements=judgements), actor)
            break
        except ConflictError:
            conflicts += 1
            review = None  # reload and apply the answer again
    print(f"saved {i}", flush=True)
print(f"conflicts {conflicts}", flush=True)
"""


def _writers(tmp_path: Path, jobs: list[tuple[str, str, list[str]]], count: int) -> list[str]:
    go = tmp_path / "go"
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                WRITER,
                str(tmp_path / "store"),
                review_id,
                who,
                ",".join(criteria),
                str(count),
                str(go),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for review_id, who, criteria in jobs
    ]
    time.sleep(0.3)  # let both start and open the store; then release them together
    go.touch()
    outputs = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        outputs.append(out)
    return outputs


@pytest.mark.slow
def test_two_processes_writing_different_reviews_lose_nothing(tmp_path: Path) -> None:
    count = 40
    outputs = _writers(tmp_path, [("R-A", "Ann", CRITERIA_A), ("R-B", "Bob", CRITERIA_B)], count)
    for out in outputs:
        assert out.count("saved ") == count
        assert "conflicts 0" in out
    store = Store.open(tmp_path / "store")
    for review_id, who, criteria in (("R-A", "Ann", CRITERIA_A), ("R-B", "Bob", CRITERIA_B)):
        review = store.get(review_id)
        assert review.revision == count
        for k, criterion in enumerate(criteria):
            last = max(i for i in range(count) if i % len(criteria) == k)
            assert review.judgements[criterion].note == f"{who} {last}"
        notes = [e.new["note"] for e in store.audit(review_id) if e.field]
        assert notes == [f"{who} {i}" for i in range(count)]
    listing = store.summaries()
    assert {s.id for s in listing} == {"R-A", "R-B"}
    assert listing.problems == []


@pytest.mark.slow
def test_two_processes_on_the_same_review_never_lose_an_answer(tmp_path: Path) -> None:
    count = 40
    store = Store.open(tmp_path / "store")
    store.save(Review(id="R-1", case_ref="HAR-05", framework="sqs-youth-2014"), Actor("Setup"))
    outputs = _writers(tmp_path, [("R-1", "Ann", CRITERIA_A), ("R-1", "Bob", CRITERIA_B)], count)
    conflicts = sum(int(out.rsplit("conflicts ", 1)[1]) for out in outputs)
    review = store.get("R-1")
    # Every save either landed or was refused and redone: the revision counts all of them.
    assert review.revision == 1 + 2 * count
    for who, criteria in (("Ann", CRITERIA_A), ("Bob", CRITERIA_B)):
        for k, criterion in enumerate(criteria):
            last = max(i for i in range(count) if i % len(criteria) == k)
            assert review.judgements[criterion].note == f"{who} {last}"
        notes = [e.new["note"] for e in store.audit("R-1") if e.field and e.who == who]
        assert notes == [f"{who} {i}" for i in range(count)]
    print(f"conflicts detected and redone: {conflicts}")


HOLDER = r"""
import sys, time
from pathlib import Path
from store import Actor, ConflictError, Store
from store.records import Judgement

path, go = sys.argv[1], Path(sys.argv[2])
store = Store.open(path)
review = store.get("R-1")
print("loaded", flush=True)
while not go.exists():
    time.sleep(0.005)
judgements = {**review.judgements, "rr.plan": Judgement(outcome="insufficient", note="stale")}
try:
    store.save(review.copy(judgements=judgements), Actor("Bob"))
    print("saved", flush=True)
except ConflictError as exc:
    print("conflict:", exc, flush=True)
"""


def test_a_save_from_a_process_holding_a_stale_copy_is_refused(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "store")
    review = store.save(Review(id="R-1", case_ref="HAR-05", framework="sqs-youth-2014"), Actor())
    go = tmp_path / "go"
    other = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(store.path), str(go)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert other.stdout.readline().strip() == "loaded"
    judgements = {"rr.plan": Judgement(outcome="sufficient", note="mine")}
    store.save(review.copy(judgements=judgements), Actor("Ann"))
    go.touch()
    out, err = other.communicate(timeout=60)
    assert out.startswith("conflict:"), (out, err)
    assert "changed in another session" in out
    assert store.get("R-1").judgements["rr.plan"].note == "mine"
    assert [e.who for e in store.audit("R-1") if e.field] == ["Ann"]
    with pytest.raises(ConflictError):
        store.save(review, Actor("Ann"))  # and the same holds within one process
