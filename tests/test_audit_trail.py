"""The audit trail is tamper-evident (SPEC §5): every event carries the hash of the one before,
and ``case-review audit verify [REF]`` shows that nothing was edited, removed or reordered and
that each review's answers are what its trail says.  Run as the real command throughout.
"""

from __future__ import annotations

import getpass
import itertools
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from store import Actor, Store, review_key
from store.records import FlagState, Judgement, Review
from tests.conftest import case_review, cli_env

SAM = Actor("Sam Case", "case_manager")
IRA = Actor("Ira Inspector", "inspector")


def verify(root: Path, *ref: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*case_review(), "audit", "verify", *ref, "--store", str(root)],
        capture_output=True,
        text=True,
        env=cli_env(),
        timeout=60,
    )


def judged(outcome: str, **extra: Any) -> Judgement:
    return Judgement(outcome=outcome, **extra)


def worked(root: Path) -> Store:
    """Two reviews with a few changes each: answers, a changed answer, a flag state."""
    store = Store.open(root)
    one = store.save(Review(id="r-1", case_ref="HAR-01", framework="sqs-youth-2014"), SAM)
    one = store.save(one.copy(facts={"psr": True, "custody": False}), SAM)
    one = store.save(
        one.copy(judgements={"rr.plan": judged("insufficient", reasons=("not_done",))}), SAM
    )
    one = store.save(one.copy(judgements={"rr.plan": judged("sufficient")}), IRA)
    one = store.save(one.copy(flag_states={"rr.psr": FlagState(state="done")}), IRA)
    two = store.save(Review(id="r-2", case_ref="HAR-02", framework="sqs-youth-2014"), SAM)
    store.save(two.copy(facts={"mappa": True}), SAM)
    return store


def log_of(root: Path, review_id: str) -> Path:
    return root / "audit" / f"{review_key(review_id)}.jsonl"


def lines_of(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines(keepends=True)


def test_an_intact_store_verifies_in_one_line_with_counts(tmp_path):
    worked(tmp_path / "store")
    result = verify(tmp_path / "store")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("\n") == 1
    assert "OK" in result.stdout and "2 review(s)" in result.stdout
    assert "events" in result.stdout or "event(s)" in result.stdout
    one = verify(tmp_path / "store", "HAR-01")
    assert one.returncode == 0 and "1 review(s)" in one.stdout and "HAR-01" in one.stdout


def test_each_event_carries_the_hash_of_the_one_before(tmp_path):
    from checked.digest import sha256_hex

    worked(tmp_path / "store")
    events = [json.loads(line) for line in lines_of(log_of(tmp_path / "store", "r-1"))]
    assert events[0]["prev"] is None
    for before, event in itertools.pairwise(events):
        canonical = json.dumps(before, sort_keys=True, separators=(",", ":")).encode()
        assert event["prev"] == sha256_hex(canonical)


def edit_an_event(lines: list[bytes]) -> list[bytes]:
    event = json.loads(lines[3])  # the answer to rr.plan: insufficient, not_done
    event["new"]["reasons"] = ["goals_not_measurable"]
    return [*lines[:3], json.dumps(event).encode() + b"\n", *lines[4:]]


TAMPERING = {
    "edited": (edit_an_event, "line 5: the chain breaks between lines 4 and 5"),
    "removed": (lambda lines: lines[:2] + lines[3:], "line 3: the chain breaks between lines 2"),
    "reordered": (
        lambda lines: [lines[0], lines[2], lines[1], *lines[3:]],
        "line 2: the chain breaks between lines 1 and 2",
    ),
    "last edited": (
        lambda lines: [*lines[:-1], lines[-1].replace(b'"done"', b'"open"')],
        "line 6: the trail ends here",
    ),
    "last removed": (lambda lines: lines[:-1], "line 5: the trail ends here"),
    "first removed": (lambda lines: lines[1:], "line 1: the chain does not start here"),
}


@pytest.mark.parametrize("kind", sorted(TAMPERING))
def test_an_edited_removed_or_reordered_event_is_found_and_named(tmp_path, kind):
    root = tmp_path / "store"
    worked(root)
    log = log_of(root, "r-1")
    change, expected = TAMPERING[kind]
    log.write_bytes(b"".join(change(lines_of(log))))
    result = verify(root)
    assert result.returncode == 1, result.stdout
    broken = [line for line in result.stdout.splitlines() if line.startswith("BROKEN")]
    assert broken, result.stdout
    assert any(expected in line for line in broken), result.stdout
    assert all("HAR-01 (review r-1)" in line for line in broken)
    assert any(log.name in line for line in broken)
    assert "Traceback" not in result.stderr
    assert verify(root, "HAR-02").returncode == 0  # the other case is intact


def test_answers_changed_in_the_review_file_without_an_event_are_found(tmp_path):
    root = tmp_path / "store"
    store = worked(root)
    path = store.review_path("r-1")
    doc = json.loads(path.read_bytes())
    doc["review"]["1"]["record"]["facts"]["custody"] = True  # no event says so
    path.write_text(json.dumps(doc))
    result = verify(root)
    assert result.returncode == 1
    assert "BROKEN: HAR-01 (review r-1)" in result.stdout
    assert "facts.custody" in result.stdout and "not what its trail says" in result.stdout


def test_an_unknown_case_is_a_clear_error(tmp_path):
    worked(tmp_path / "store")
    result = verify(tmp_path / "store", "HAR-99")
    assert result.returncode == 1 and "HAR-99" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_log_from_before_the_chain_is_migrated_and_noted_not_failed(tmp_path):
    root = tmp_path / "store"
    store = worked(root)
    log = log_of(root, "r-1")
    old = [json.loads(line) for line in lines_of(log)]
    for event in old:
        del event["prev"]
    log.write_bytes(b"".join(json.dumps(e).encode() + b"\n" for e in old))
    path = store.review_path("r-1")
    doc = json.loads(path.read_bytes())
    del doc["review"]["1"]["head"]  # as the store wrote review files before the chain
    path.write_text(json.dumps(doc))

    before = verify(root)
    assert before.returncode == 0, before.stdout
    assert "note: HAR-01 (review r-1): all 6 events" in before.stdout

    store = Store.open(root)
    store.save(store.get("r-1").copy(facts={"psr": True, "custody": True}), SAM)
    after = verify(root)
    assert after.returncode == 0, after.stdout
    assert "the first 6 events" in after.stdout and "chain starts at line 7" in after.stdout
    log.write_bytes(b"".join(lines_of(log)[:5] + lines_of(log)[6:]))  # a legacy line removed
    assert verify(root).returncode == 1


def test_who_is_the_login_name_when_no_reviewer_is_given(tmp_path):
    root = tmp_path / "store"
    result = subprocess.run(
        [*case_review(), "chat", "--plain", "--store", str(root), "--case", "HAR-07"],
        input="yes\n",
        capture_output=True,
        text=True,
        env=cli_env(),
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    events = Store.open(root).audit()
    assert events and {e.who for e in events} == {getpass.getuser()}
    named = subprocess.run(
        [*case_review(), "chat", "--plain", "--store", str(root), "--case", "HAR-07"],
        input="no\n",
        capture_output=True,
        text=True,
        env=cli_env(),
        timeout=60,
    )
    assert named.returncode == 0
    assert verify(root).returncode == 0


# -- the derived report cache cannot be edited into a report ---------------------------------------


@pytest.mark.slow
def test_an_edited_report_cache_does_not_change_the_report(tmp_path, sqs):
    from tests.report_sample import harrow_like, synthetic

    root = tmp_path / "store"
    store = Store.open(root)
    for review in [*harrow_like(sqs), *synthetic(sqs, 12, teams=2)]:
        store.save(review, SAM, action="imported", touch=False)

    def report() -> dict:
        result = subprocess.run(
            [*case_review(), "report", "--format", "json", "--store", str(root)],
            capture_output=True,
            text=True,
            env=cli_env(),
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        data = json.loads(result.stdout)
        data.pop("generated_at", None)
        return data

    first = report()

    def edit_lines(path: Path, change) -> None:  # every value changed, the seals kept
        lines = []
        for line in path.read_bytes().splitlines(keepends=True):
            sealed = line[64:65] == b" " and not line.startswith(b"[")
            seal, payload = (line[:65], line[65:]) if sealed else (b"", line)
            value = json.loads(payload)
            if isinstance(value, list):
                change(value[1])
                line = seal + json.dumps(value).encode() + b"\n"
            lines.append(line)  # (the header as it was)
        path.write_bytes(b"".join(lines))

    def all_sufficient(kept):  # every review now "sufficient" everywhere
        kept[1][8] = {criterion: "s" for criterion in kept[1][8]}

    edit_lines(root / "cache" / "report-rows.log", all_sufficient)
    assert report() == first
    # Nor can the listing's own caches be edited into the report (a status flipped).
    edit_lines(root / "listing.log", lambda row: row.__setitem__(4, "in_progress"))
    for index in (root / "index").iterdir():
        entry = json.loads(index.read_bytes())
        entry["status"] = "in_progress"
        index.write_text(json.dumps(entry))
    assert report() == first
