"""The same reviews on a file store and on PostgreSQL: the same report, the same export, audit
trails that verify after ``store copy`` either way, a copy killed with SIGKILL finished by
running it again, and ``store check`` naming what would stop a copy."""

from __future__ import annotations

import json
import os
import pty
import select
import signal
import subprocess
import time
from pathlib import Path

import psycopg
import pytest

from store import Actor, open_store
from tests.conftest import case_review, cli_env


def run(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*case_review(), *args], capture_output=True, text=True, env=cli_env(), timeout=timeout
    )


def sample(path: Path, count: int | None = None) -> Path:
    """A case-review/1 file: the Harrow-like sample, or ``count`` synthetic reviews."""
    from assistant.exchange import FORMAT, export_review
    from prompts import get_framework
    from tests.report_sample import harrow_like, synthetic

    framework = get_framework()
    reviews = harrow_like(framework) if count is None else synthetic(framework, count, seed=7)
    exported = [export_review(r, framework) for r in reviews]
    path.write_text(json.dumps({"format": FORMAT, "reviews": exported}))
    return path


def imported(store: str, document: Path) -> None:
    result = run("--store", store, "import", str(document))
    assert result.returncode == 0, result.stderr


def exported(store: str) -> str:
    result = run("--store", store, "export")
    assert result.returncode == 0, result.stderr
    return result.stdout


def report(store: str, *extra: str) -> dict[str, object]:
    """``report --format json`` over a store, without the time it was made."""
    result = run("--store", store, "report", "--format", "json", *extra)
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    figures.pop("generated_at")
    return figures


def verified(store: str) -> str:
    result = run("--store", store, "audit", "verify")
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_a_sample_imported_into_both_stores_reports_the_same_figures(pg_url, tmp_path):
    document = sample(tmp_path / "harrow.json")
    folder = str(tmp_path / "file-store")
    imported(folder, document)
    imported(pg_url, document)
    for extra in ([], ["--team", "harrow"], ["--team", "Elsewhere"]):
        on_file, on_pg = report(folder, *extra), report(pg_url, *extra)
        assert on_pg == on_file
    figures = report(pg_url)
    assert figures["reviews"] == 14 and report(pg_url, "--team", "Elsewhere")["reviews"] == 0
    victims = next(c for c in figures["criteria"] if c["id"] == "pp.victims")
    assert (victims["sufficient"], victims["relevant"]) == (5, 12)
    # A later report reads the rows the first one kept: still the same figures.
    assert report(pg_url) == figures == report(folder)


def test_a_file_store_copied_to_postgresql_exports_the_same_reviews_and_verifies(pg_url, tmp_path):
    folder = str(tmp_path / "file-store")
    imported(folder, sample(tmp_path / "harrow.json"))
    store = open_store(folder)
    found = store.find_case("HAR-03").review
    assert found is not None
    changed = store.get(found.id)
    store.save(changed.copy(facts={**changed.facts, "custody": True}), Actor("Ina", "inspector"))

    copied = run("store", "copy", folder, pg_url)
    assert copied.returncode == 0, copied.stderr
    assert copied.stdout.startswith("copied 14, already present 0 (from ")
    assert exported(pg_url) == exported(folder)
    assert "OK: 14 review(s)" in verified(pg_url)
    pg = open_store(pg_url)
    assert [e.to_data() for e in pg.audit(changed.id)] == [
        e.to_data() for e in store.audit(changed.id)
    ]
    assert pg.get(changed.id).revision == 2

    again = run("store", "copy", folder, pg_url)
    assert again.returncode == 0 and again.stdout.startswith("copied 0, already present 14")

    # The copied trail goes on: a new answer chains to the copied events.
    latest = pg.get(changed.id)
    pg.save(latest.copy(facts={**latest.facts, "mappa": True}), Actor("Sam"))
    assert pg.verify().ok

    back = str(tmp_path / "back")
    copied_back = run("store", "copy", pg_url, back)
    assert copied_back.returncode == 0, copied_back.stderr
    assert exported(back) == exported(pg_url)
    assert "OK: 14 review(s)" in verified(back)
    file_back = open_store(back)
    resumed = file_back.get(changed.id)
    file_back.save(resumed.copy(facts={**resumed.facts, "victim": False}), Actor("Sam"))
    assert file_back.verify().ok


@pytest.mark.slow
@pytest.mark.parametrize("direction", ["file-to-postgresql", "postgresql-to-file"])
def test_a_copy_killed_with_sigkill_is_finished_by_running_it_again(pg_url, tmp_path, direction):
    count = 300
    folder = str(tmp_path / "file-store")
    if direction == "file-to-postgresql":
        source, target = folder, pg_url
        imported(folder, sample(tmp_path / "many.json", count))
        open_store(pg_url).close()
    else:
        source, target = pg_url, folder
        imported(pg_url, sample(tmp_path / "many.json", count))
        open_store(folder)
    expected = json.loads(exported(source))["reviews"]

    def stored() -> int:
        if target == pg_url:
            with psycopg.connect(pg_url, autocommit=True) as conn:
                row = conn.execute("SELECT count(*) FROM case_review.reviews").fetchone()
                return int(row[0]) if row else 0
        return len(list((tmp_path / "file-store" / "reviews").glob("*.json")))

    copier = subprocess.Popen(
        [*case_review(), "store", "copy", source, target],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=cli_env(),
    )
    deadline = time.monotonic() + 120
    while stored() < 40 and time.monotonic() < deadline and copier.poll() is None:
        time.sleep(0.01)
    copier.send_signal(signal.SIGKILL)
    copier.wait(timeout=30)
    assert copier.returncode == -signal.SIGKILL, "killed mid-copy, not finished"
    kept = stored()
    assert 40 <= kept < count
    partial = json.loads(exported(target))["reviews"]  # whole reviews only
    by_id = {r["id"]: r for r in expected}
    assert len(partial) == kept and all(r == by_id[r["id"]] for r in partial)

    again = run("store", "copy", source, target)
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith(f"copied {count - kept}, already present {kept} (")
    assert json.loads(exported(target))["reviews"] == expected
    assert f"OK: {count} review(s)" in verified(target)


def test_store_check_names_what_would_stop_a_copy_and_copy_copies_the_rest(pg_url, tmp_path):
    imported(pg_url, sample(tmp_path / "harrow.json"))
    broken = open_store(pg_url).find_case("HAR-07").review
    assert broken is not None
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(
            "UPDATE case_review.reviews SET record = (record::jsonb - 'case_ref')::json "
            "WHERE id = %s",
            (broken.id,),
        )
    check = run("store", "check", pg_url)
    assert check.returncode == 1
    assert "not read: " in check.stdout and repr(broken.id) in check.stdout
    assert "1 of 14 reviews could not be copied" in check.stdout
    target = tmp_path / "copy"
    assert "no store there yet" in run("store", "check", str(target)).stdout
    assert not target.exists()  # check writes nothing

    copied = run("store", "copy", pg_url, str(target))
    assert copied.returncode == 1
    assert repr(broken.id) in copied.stderr
    assert copied.stdout.startswith("copied 13, already present 0")
    assert "not copied 1" in copied.stdout
    assert "OK: 13 review(s)" in verified(str(target))

    fine = run("store", "check", str(target))
    assert fine.returncode == 0 and "13 reviews, every one readable" in fine.stdout


def test_copy_shows_counts_in_a_pipe_and_a_bar_on_a_terminal(pg_url, tmp_path):
    folder = str(tmp_path / "file-store")
    imported(folder, sample(tmp_path / "harrow.json"))
    piped = run("store", "copy", folder, pg_url)
    assert piped.stderr.strip().splitlines() == ["copying: 14 of 14 reviews"]

    again = str(tmp_path / "again")
    main, child = pty.openpty()
    proc = subprocess.Popen(
        [*case_review(), "store", "copy", pg_url, again],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=child,
        env=cli_env(TERM="xterm-256color", COLUMNS="100"),
    )
    os.close(child)
    seen = b""
    while True:
        ready, _, _ = select.select([main], [], [], 30)
        if not ready:
            break
        try:
            chunk = os.read(main, 4096)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        seen += chunk
    out, _ = proc.communicate(timeout=60)
    os.close(main)
    assert proc.returncode == 0
    assert b"copying" in seen and "━".encode() in seen  # rich's bar
    assert out.decode().startswith("copied 14, already present 0")


def test_a_memory_store_copies_both_ways_its_unchained_trail_chained_on_the_way(pg_url):
    from store.copy import copy
    from store.memory import MemoryStore
    from store.records import Review

    memory = MemoryStore()
    first = memory.save(Review(id="m-1", case_ref="MEM-01", framework="sqs-youth-2014"), Actor())
    memory.save(first.copy(facts={"psr": True}), Actor("Ina", "inspector"))
    memory.save(Review(id="m-2", case_ref="MEM-02", framework="sqs-youth-2014"), Actor())
    assert all(e.prev is None for e in memory.audit())  # the memory store keeps no chain
    pg = open_store(pg_url)
    done = copy(memory, pg)
    assert (done.copied, done.present, done.problems) == (2, 0, [])
    assert pg.get("m-1") == memory.get("m-1") and pg.verify().ok
    assert [e.field for e in pg.audit("m-1")] == ["", "facts.psr"]
    assert pg.audit("m-1")[1].prev is not None

    back = MemoryStore()
    assert copy(pg, back).copied == 2
    assert back.get("m-1").facts == {"psr": True} and back.verify().ok
    assert copy(pg, back).present == 2
