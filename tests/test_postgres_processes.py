"""Real processes on one PostgreSQL store: no lost update between two processes saving the
same review, claims that die with their process, and an import killed with SIGKILL that
leaves whole reviews only and is finished by running it again."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from store import Actor, ConflictError, open_store
from store.records import Judgement, Review
from tests.conftest import case_review, cli_env

CRITERIA_A = ["rr.assessment", "rr.plan", "rr.plan_review", "pp.assessment", "pp.plan"]
CRITERIA_B = ["cy.assessment", "cy.plan", "cy.plan_review", "ss.diversity", "ss.engagement"]

WRITER = r"""
import sys, time
from pathlib import Path
from store import Actor, ConflictError, open_store
from store.records import Judgement

url, review_id, who, criteria, count, go = sys.argv[1:7]
criteria, count = criteria.split(","), int(count)
store = open_store(url)
print("ready", flush=True)
while not Path(go).exists():
    time.sleep(0.001)
conflicts = 0
review = store.get(review_id)
for i in range(count):
    criterion = criteria[i % len(criteria)]
    while True:
        judgements = {**review.judgements,
                      criterion: Judgement(outcome="sufficient", note=f"{who} {i}")}
        try:
            review = store.save(review.copy(judgements=judgements), Actor(who))
            break
        except ConflictError:
            conflicts += 1
            review = store.get(review_id)  # reload, and give the answer again
print(f"conflicts {conflicts}", flush=True)
"""


@pytest.mark.slow
def test_two_processes_saving_the_same_review_never_lose_an_update(pg_url, tmp_path: Path):
    count = 40
    store = open_store(pg_url)
    store.save(Review(id="R-1", case_ref="HAR-05", framework="sqs-youth-2014"), Actor("Setup"))
    go = tmp_path / "go"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, pg_url, "R-1", who, ",".join(crit), str(count), str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for who, crit in (("Ann", CRITERIA_A), ("Bob", CRITERIA_B))
    ]
    for proc in procs:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    go.touch()
    outputs = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        outputs.append(out)
    review = store.get("R-1")
    # Every save either landed or was refused and given again: the revision counts them all.
    assert review.revision == 1 + 2 * count
    trail = store.audit("R-1")
    for who, criteria in (("Ann", CRITERIA_A), ("Bob", CRITERIA_B)):
        for k, criterion in enumerate(criteria):
            last = max(i for i in range(count) if i % len(criteria) == k)
            assert review.judgements[criterion].note == f"{who} {last}"
        notes = [e.new["note"] for e in trail if e.field and e.who == who]
        assert notes == [f"{who} {i}" for i in range(count)]
    assert store.verify().ok
    conflicts = sum(int(out.rsplit("conflicts ", 1)[1]) for out in outputs)
    print(f"conflicts detected and given again: {conflicts}")


HOLDER = r"""
import sys, time
from pathlib import Path
from store import Actor, ConflictError, open_store
from store.records import Judgement

url, go = sys.argv[1], Path(sys.argv[2])
store = open_store(url)
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


def test_a_save_from_a_process_holding_a_stale_copy_is_refused(pg_url, tmp_path: Path):
    store = open_store(pg_url)
    review = store.save(Review(id="R-1", case_ref="HAR-05", framework="sqs-youth-2014"), Actor())
    go = tmp_path / "go"
    other = subprocess.Popen(
        [sys.executable, "-c", HOLDER, pg_url, str(go)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert other.stdout is not None and other.stdout.readline().strip() == "loaded"
    store.save(review.copy(judgements={"rr.plan": Judgement(outcome="sufficient")}), Actor("Ann"))
    go.touch()
    out, err = other.communicate(timeout=60)
    assert out.startswith("conflict:"), (out, err)
    assert "changed in another session" in out and "password" not in out
    assert store.get("R-1").judgements["rr.plan"].outcome == "sufficient"
    assert [e.who for e in store.audit("R-1") if e.field] == ["Ann"]
    with pytest.raises(ConflictError):
        store.save(review, Actor("Ann"))


CLAIMER = r"""
import sys
from store import open_store

store = open_store(sys.argv[1])
print(store.claim("R-1", who="Ann") or "claimed", flush=True)
sys.stdin.read()
"""


def test_a_claim_warns_other_sessions_and_dies_with_its_process(pg_url):
    store = open_store(pg_url)
    store.save(Review(id="R-1", case_ref="HAR-05", framework="sqs-youth-2014"), Actor())
    holder = subprocess.Popen(
        [sys.executable, "-c", CLAIMER, pg_url],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "claimed"
        message = store.claimed_by("R-1")
        assert message is not None
        assert "Case HAR-05 is open in another session by Ann" in message
        assert f"process {holder.pid}" in message
        assert store.claim("R-1", who="Bob") == message  # not taken: theirs stands
        assert store.claimed_by("R-1") == message
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=30)
    deadline = time.monotonic() + 20
    while store.claimed_by("R-1") is not None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert store.claimed_by("R-1") is None  # the server dropped the dead session's lock
    assert store.claim("R-1", who="Bob") is None
    store.release("R-1")


def _document(path: Path, count: int) -> dict[str, dict[str, object]]:
    """A case-review/1 file of ``count`` varied complete reviews; its reviews by id."""
    from assistant.exchange import FORMAT, export_review
    from prompts import get_framework
    from tests.report_sample import synthetic

    framework = get_framework()
    reviews = [export_review(r, framework) for r in synthetic(framework, count, seed=16)]
    path.write_text(json.dumps({"format": FORMAT, "reviews": reviews}))
    return {str(r["id"]): r for r in reviews}


def _export(url: str) -> dict[str, dict[str, object]]:
    result = subprocess.run(
        [*case_review(), "--store", url, "export"],
        capture_output=True,
        text=True,
        env=cli_env(),
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return {r["id"]: r for r in json.loads(result.stdout)["reviews"]}


@pytest.mark.slow
def test_an_import_killed_with_sigkill_leaves_whole_reviews_and_a_rerun_imports_the_rest(
    pg_url, tmp_path: Path
):
    count = 300
    document = tmp_path / "reviews.json"
    _document(document, count)
    reference = tmp_path / "reference"
    done = subprocess.run(
        [*case_review(), "--store", str(reference), "import", str(document)],
        capture_output=True,
        text=True,
        env=cli_env(),
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    expected = _export(str(reference))
    open_store(pg_url).close()  # the tables, so that the import's progress can be watched

    importer = subprocess.Popen(
        [*case_review(), "--store", pg_url, "import", str(document)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=cli_env(),
    )
    stored = 0
    deadline = time.monotonic() + 120
    with psycopg.connect(pg_url, autocommit=True) as watch:
        while stored < 40 and time.monotonic() < deadline and importer.poll() is None:
            row = watch.execute("SELECT count(*) FROM case_review.reviews").fetchone()
            stored = int(row[0]) if row else 0
            time.sleep(0.01)
        importer.send_signal(signal.SIGKILL)
        importer.wait(timeout=30)
        assert importer.returncode == -signal.SIGKILL, "killed mid-import, not finished"
        row = watch.execute("SELECT count(*) FROM case_review.reviews").fetchone()
        kept = int(row[0]) if row else 0
    assert 40 <= kept < count

    # Only whole reviews: each is exactly the review in the file, with its whole trail.
    partial = _export(pg_url)
    assert len(partial) == kept
    assert all(partial[i] == expected[i] for i in partial)
    verify = subprocess.run(
        [*case_review(), "--store", pg_url, "audit", "verify"],
        capture_output=True,
        text=True,
        env=cli_env(),
        timeout=120,
    )
    assert verify.returncode == 0, verify.stdout + verify.stderr

    again = subprocess.run(
        [*case_review(), "--store", pg_url, "import", str(document)],
        capture_output=True,
        text=True,
        env=cli_env(),
        timeout=300,
    )
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == f"imported {count - kept}, already present {kept}"
    assert _export(pg_url) == expected
