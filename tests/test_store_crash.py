"""Crash safety with real signals: a process saving answers is killed with SIGKILL, again and
again, at random moments; after every kill the store loads and holds every answer that process
had reported saved, and its listing and audit trail agree with it.

To keep this fast (dozens of kills in a few seconds) a small server process imports the store
once and forks a fresh worker for each round; the test kills the worker, a real process, with
SIGKILL.  The worker reports ``saved N`` only after ``Store.save`` returned.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from store import Store

KILLS = 36
CRITERIA = [
    "rr.assessment",
    "rr.assessment_review",
    "rr.plan",
    "rr.plan_review",
    "pp.assessment",
    "pp.assessment_review",
    "pp.plan",
    "pp.oversight",
    "cy.assessment",
    "cy.assessment_review",
    "cy.plan",
    "cy.plan_review",
    "cy.oversight",
    "ss.diversity",
    "ss.engagement",
    "ss.health",
]

SERVER = r"""
import os, sys
from store import Actor, Store
from store.records import Judgement, Review

path, review_id, criteria = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
actor = Actor("Sam Case", "case_manager")

def say(text):
    os.write(1, (text + "\n").encode())

def worker(start, round_no):
    store = Store.open(path)
    # A new review in every round, so kills also land while a review is first created.
    extra = f"extra-{round_no}"
    store.save(Review(id=extra, case_ref="HAR-09", framework="sqs-youth-2014"), actor)
    say(f"created {extra}")
    try:
        review = store.get(review_id)
    except KeyError:
        review = Review(id=review_id, case_ref="HAR-07", framework="sqs-youth-2014")
    i = start
    while True:
        criterion = criteria[i % len(criteria)]
        judgements = dict(review.judgements)
        judgements[criterion] = Judgement(
            outcome="insufficient" if i % 3 else "sufficient",
            note=f"answer {i} " + "x" * (i % 400),
        )
        review = store.save(
            review.copy(judgements=judgements), actor, summary={"last": i}
        )
        say(f"saved {i}")
        i += 1

for line in sys.stdin:
    start, round_no = map(int, line.split())
    pid = os.fork()
    if pid == 0:
        try:
            worker(start, round_no)
        except BaseException:
            import traceback
            traceback.print_exc()
            say("error")
        finally:
            os._exit(1)
    say(f"child {pid}")
    os.waitpid(pid, 0)
    say(f"reaped {pid}")
"""


def _note_number(note: str) -> int:
    return int(note.split()[1])


def _every_file_parses(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file() and path.suffix == ".json":
            json.loads(path.read_bytes())
        elif path.is_file() and path.suffix == ".jsonl":
            for line in path.read_bytes().splitlines():
                json.loads(line)


@pytest.mark.slow
def test_kill_9_at_random_moments_never_loses_a_reported_answer(tmp_path: Path) -> None:
    rng = random.Random(int.from_bytes(os.urandom(4), "big"))
    store_path = tmp_path / "store"
    review_id = "HAR-07-self"
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(store_path), review_id, ",".join(CRITERIA)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        bufsize=0,
    )
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        assert server.stdout is not None
        for raw in server.stdout:
            lines.put(raw.decode().strip())
        lines.put("EOF")

    threading.Thread(target=pump, daemon=True).start()

    def next_line() -> str:
        line = lines.get(timeout=60)
        assert line != "EOF", "the server process died"
        return line

    reported: dict[str, int] = {}  # criterion -> last answer reported saved
    created: list[str] = []
    saves_seen = 0
    least_saves = 0
    start = 0
    try:
        for round_no in range(KILLS):
            server.stdin.write(f"{start} {round_no}\n".encode())
            # Kill after this round's worker reported `after` saves, plus a random pause, so
            # the signal lands at a random point of the next save (or of opening the store
            # and creating a review, when `after` is 0).
            after = rng.randrange(0, 6)
            pause = rng.choice([0, 0.0002, 0.0005, 0.001, 0.002, 0.004])
            least_saves += after
            pid = None
            seen = 0
            killed = False
            while True:
                line = next_line()
                kind, _, value = line.partition(" ")
                if kind == "child":
                    pid = int(value)
                elif kind == "saved":
                    reported[CRITERIA[int(value) % len(CRITERIA)]] = int(value)
                    saves_seen += 1
                    seen += 1
                elif kind == "created":
                    created.append(value)
                elif kind == "reaped":
                    break
                elif kind == "error":
                    pytest.fail("the worker failed on its own; see its traceback on stderr")
                if pid is not None and not killed and seen >= after:
                    time.sleep(pause)
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
                    killed = True

            # After the kill: the store opens, loads, and holds every reported answer.
            store = Store.open(store_path)
            review = store.get(review_id) if reported else None
            highest = start - 1
            if review is not None:
                for criterion, number in reported.items():
                    kept = _note_number(review.judgements[criterion].note)
                    assert kept >= number, (criterion, number, kept)
                    assert kept % len(CRITERIA) == CRITERIA.index(criterion)
                highest = max(_note_number(j.note) for j in review.judgements.values())
                listed = store.summaries()
                listing = {s.id: s for s in listed}
                assert listed.problems == []
                assert listing[review_id].revision == review.revision
                assert listing[review_id].summary == {"last": highest}
                # The audit trail holds every reported answer exactly once, in order.
                audited = [
                    _note_number(e.new["note"])
                    for e in store.audit(review_id)
                    if e.field.startswith("judgements.")
                ]
                assert audited == sorted(audited) and len(set(audited)) == len(audited)
                assert set(reported.values()) <= set(audited)
                revisions = [e.revision for e in store.audit(review_id) if e.field]
                assert revisions == sorted(revisions)
                # ...and its hash chain is whole: recovery appended exactly what was missing.
                verdict = store.verify()
                assert verdict.ok, verdict.problems
            for extra in created:
                assert store.get(extra).case_ref == "HAR-09"
            assert not list(store_path.rglob(".*.tmp"))
            assert not list(store_path.rglob("*.dirty"))
            _every_file_parses(store_path)
            start = max(highest + 2, start + 1)
    finally:
        server.stdin.close()
        server.wait(timeout=60)
    assert saves_seen >= least_saves
