"""Inputs that never end and disks that fill up: one line, never a hang, a traceback or a loss.

``check-framework /dev/zero`` was once killed by the out-of-memory killer at 24 GB, and a FIFO
named ``x.toml`` in the frameworks folder hung ``case-review frameworks``.  A full disk (here a
file size limit, ``ulimit -f``, as a subprocess's RLIMIT_FSIZE) must give one line saying what
could not be saved and that nothing was lost, and the store must still load with every answer
saved before.  Every command runs as a real process, with a timeout and a memory limit.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
from pathlib import Path
from typing import Any

import pytest

from store import Store
from tests.conftest import case_review, cli_env

MEMORY = 2 * 1024**3  # far above what any command needs, far below an endless read


def run(
    *args: str, stdin: Any = None, fsize: int | None = None, env: dict | None = None
) -> subprocess.CompletedProcess:
    def limits() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
        if fsize is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

    return subprocess.run(
        [*case_review(), *args],
        input=stdin if isinstance(stdin, str) else None,
        stdin=None if isinstance(stdin, str) or stdin is None else stdin,
        capture_output=True,
        text=True,
        env=env or cli_env(PYTHONDONTWRITEBYTECODE="1"),
        timeout=60,  # an endless read or a blocked open fails here instead of hanging
        preexec_fn=limits,
    )


def one_line(text: str) -> str:
    assert "Traceback" not in text, text
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    return lines[0]


# -- inputs that never end ----------------------------------------------------------------------


def test_check_framework_of_dev_zero_is_refused_at_once():
    result = run("check-framework", "/dev/zero")
    assert result.returncode == 1
    line = one_line(result.stderr)
    assert "/dev/zero" in line and "device" in line


@pytest.mark.parametrize("command", [["frameworks"], ["check-framework", "{fifo}"]])
def test_a_fifo_in_the_frameworks_folder_never_hangs(tmp_path, command):
    folder = tmp_path / "frameworks"
    folder.mkdir()
    fifo = folder / "x.toml"
    os.mkfifo(fifo)
    args = [part.format(fifo=fifo) for part in command]
    result = run(*args, env=cli_env(CASE_REVIEW_FRAMEWORKS=str(folder)))
    assert "Traceback" not in result.stderr
    assert f"{fifo}: (file): is a FIFO (named pipe), not a regular file" in result.stderr
    if command == ["frameworks"]:
        assert result.returncode == 0 and "sqs-youth-2014" in result.stdout
    else:
        assert result.returncode == 1


def test_a_framework_file_larger_than_the_limit_is_refused_unread(tmp_path):
    huge = tmp_path / "huge.toml"
    with open(huge, "wb") as handle:
        handle.truncate(10 * 1024**3)  # 10 GB, sparse: reading it would take minutes
    result = run("check-framework", str(huge))
    assert result.returncode == 1
    assert "larger than 5 MB" in one_line(result.stderr)


@pytest.mark.parametrize("kind", ["device", "fifo", "sparse", "stdin"])
def test_an_import_that_never_ends_is_refused_and_nothing_written(tmp_path, kind):
    root = tmp_path / "store"
    if kind == "device":
        result = run("import", "/dev/zero", "--store", str(root))
        assert "device" in result.stderr
    elif kind == "fifo":
        fifo = tmp_path / "reviews.json"
        os.mkfifo(fifo)
        result = run("import", str(fifo), "--store", str(root))
        assert "FIFO" in result.stderr
    elif kind == "sparse":
        sparse = tmp_path / "reviews.json"
        with open(sparse, "wb") as handle:
            handle.truncate(100 * 1024**3)
        result = run("import", str(sparse), "--store", str(root))
        assert "larger than" in result.stderr
    else:
        with open("/dev/zero", "rb") as zero:
            result = run("import", "-", "--store", str(root), stdin=zero)
        assert "larger than" in result.stderr
    assert result.returncode == 1
    one_line(result.stderr)
    assert not root.exists()


# -- a full disk ---------------------------------------------------------------------------------


def store_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def leftovers(root: Path) -> list[str]:
    return [str(p) for p in root.rglob("*") if p.name.endswith(".tmp") or p.suffix == ".dirty"]


@pytest.mark.slow
def test_a_full_disk_in_the_middle_of_a_chat_loses_nothing(tmp_path):
    root = tmp_path / "store"
    first = run("chat", "--plain", "--store", str(root), "--case", "HAR-80", stdin="no\nno\n")
    assert first.returncode == 0, first.stderr
    limit = max(p.stat().st_size for p in store_files(root)) + 700
    # The other gates, the remaining facts skipped, then judgements: more than fits.
    answers = "no\n" * 3 + "skip\n" * 11 + "yes\n" * 25
    result = run("chat", "--plain", "--store", str(root), "--case", "HAR-80", stdin=answers,
                 fsize=limit)  # fmt: skip
    assert result.returncode == 1
    line = one_line(result.stderr)
    assert "could not" in line and "nothing was lost" in line and "HAR-80" in line
    assert "Traceback" not in result.stdout

    asked = [x for x in result.stdout.splitlines() if x.rstrip().endswith("]")]
    answered = [x.rsplit("[", 1)[1].rstrip("]") for x in asked[:-1]]  # each got a next question
    assert len(answered) >= 2, result.stdout  # the limit was reached mid-conversation

    store = Store.open(root)  # finishes what the full disk interrupted
    listing = store.summaries()
    (summary,) = listing
    review = store.get(summary.id)
    for item in ["psr", "custody", *answered]:  # answered, or skipped to be asked at the end
        assert item in review.facts or item in review.judgements or item in review.skipped, item
    assert listing.problems == []
    assert leftovers(root) == []
    assert store.verify().ok  # the trail has every answer too: none was lost


@pytest.mark.slow
def test_a_full_disk_during_an_import_says_what_was_not_saved_in_one_line(tmp_path, sqs):
    from tests.report_sample import harrow_like

    small = [
        {"id": f"small-{n}", "case_ref": f"HAR-9{n}", "framework": "sqs-youth-2014",
         "mode": "self", "reviewer": "", "team": "", "status": "in_progress",
         "facts": {}, "judgements": {}}
        for n in range(3)
    ]  # fmt: skip
    big = json.loads(json.dumps(_exported(harrow_like(sqs)[0])))
    big["id"] = "big"
    for judgement in big["judgements"].values():
        judgement["note"] = "A long note about the case. " * 40
    path = tmp_path / "reviews.json"
    path.write_text(json.dumps({"format": "case-review/1", "reviews": [*small, big]}))
    root = tmp_path / "store"
    result = run("import", str(path), "--store", str(root), fsize=6000)
    assert result.returncode == 1
    line = one_line(result.stderr)
    assert "'big'" in line and "nothing was lost" in line and "File too large" in line
    store = Store.open(root)
    listing = store.summaries()
    assert sorted(s.id for s in listing) == ["small-0", "small-1", "small-2"]
    assert leftovers(root) == [] and listing.problems == []
    assert store.verify().ok


def _exported(review: Any) -> dict:
    from assistant.exchange import export_review
    from prompts import get_framework

    return export_review(review, get_framework(review.framework))
