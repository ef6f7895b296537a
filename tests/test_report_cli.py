"""`case-review report` as a real subprocess, on a real store in a temporary folder."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from store import Actor, Store
from store.records import Judgement, Review
from tests.conftest import case_review, cli_env
from tests.report_sample import harrow_like

pytestmark = pytest.mark.slow

ESC = "\x1b"


def _save(store: Store, review: Review) -> None:
    store.save(review, Actor("Test manager", "manager"), action="imported", touch=False)


@pytest.fixture
def store_path(tmp_path: Path, sqs) -> Path:
    """14 Harrow-like complete reviews, plus reviews that must not count by default filters."""
    path = tmp_path / "store"
    store = Store.open(path)
    for review in harrow_like(sqs):
        _save(store, review)
    _save(
        store,
        Review(
            id="busy",
            case_ref="HAR-99",
            framework=sqs.id,
            team="Harrow",
            status="in_progress",
            judgements={"rr.assessment": Judgement(outcome="insufficient")},
        ),
    )
    _save(
        store,
        Review(
            id="elsewhere",
            case_ref="[bold red]ELS-01",
            framework=sqs.id,
            team="Elsewhere",
            status="complete",
            judgements={
                "rr.assessment": Judgement(
                    outcome="insufficient",
                    reasons=("not_done",),
                    note="\x1b[31mred\x1b[0m [blink]note[/blink] <b>bold</b>",
                    quotable=True,
                )
            },
            completed_at=datetime(2015, 3, 2, 12, tzinfo=UTC),
            updated_at=datetime(2015, 3, 2, 12, tzinfo=UTC),
        ),
    )
    return path


def run(*args: str, store: Path | None = None, env: dict[str, str] | None = None):
    cmd = [*case_review(), "report", *args]
    if store is not None:
        cmd += ["--store", str(store)]
    return subprocess.run(
        cmd, capture_output=True, text=True, encoding="utf-8", env=env or cli_env(), timeout=120
    )


def test_json_over_a_populated_store(store_path: Path) -> None:
    result = run("--format", "json", "--team", "Harrow", store=store_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["framework"] == "sqs-youth-2014"
    assert data["reviews"] == 14
    victims = next(c for c in data["criteria"] if c["id"] == "pp.victims")
    assert (victims["sufficient"], victims["relevant"]) == (5, 12)
    assert victims["reasons"] == {"plan_inadequate": 7, "victim_not_considered": 2}
    assert victims["count_words"] == "5 of the 12 relevant cases"


def test_whole_store_counts_every_team_and_only_complete_reviews(store_path: Path) -> None:
    data = json.loads(run("--format", "json", store=store_path).stdout)
    assert data["reviews"] == 15
    first = next(c for c in data["criteria"] if c["id"] == "rr.assessment")
    assert (first["sufficient"], first["relevant"]) == (7, 15)
    assert first["reasons"]["not_done"] == 2


def test_store_from_the_environment(store_path: Path) -> None:
    result = run("--format", "json", env=cli_env(CASE_REVIEW_STORE=str(store_path)))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["reviews"] == 15


def test_csv(store_path: Path, sqs) -> None:
    result = run("--format", "csv", "--team", "harrow", store=store_path)
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout, newline="")))
    assert len(rows) == len(sqs.criteria) + 1  # and the row over all criteria
    assert rows[-1]["criterion"] == "(all)"
    assert rows[-1]["countersigned"] == "0" and rows[-1]["countersign_limit_days"] == "10"
    assert rows[-1]["awaiting_countersignature"] == "14"
    plan = next(r for r in rows if r["criterion"] == "rr.plan")
    assert (plan["sufficient"], plan["relevant"], plan["proportion"]) == (
        "3",
        "14",
        "less than one-quarter",
    )


def test_html(store_path: Path, sqs) -> None:
    result = run("--format", "html", store=store_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("<!DOCTYPE html>") and out.rstrip().endswith("</html>")
    assert out.count('<svg class="bar"') == len(sqs.criteria)  # one bar per criterion
    assert "<script" not in out and "<link" not in out
    assert "[bold red]ELS-01" in out and "&lt;b&gt;bold&lt;/b&gt;" in out and ESC not in out


def test_markdown(store_path: Path) -> None:
    result = run("--format", "md", "--team", "Harrow", store=store_path)
    assert result.returncode == 0, result.stderr
    assert "# Short Quality Screening of youth offending work (2014)" in result.stdout
    assert "14 complete reviews of 14 cases" in result.stdout


def test_text_to_a_pipe_has_no_escape_codes(store_path: Path) -> None:
    env = cli_env(FORCE_COLOR="1")
    result = run(store=store_path, env=env)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert ESC not in out
    assert "█" in out
    assert "[bold red]ELS-01" in out
    assert "\\x1b[31mred\\x1b[0m [blink]note[/blink]" in out


def test_text_to_a_terminal_is_coloured_but_user_text_stays_literal(store_path: Path) -> None:
    pty = pytest.importorskip("pty")
    master, slave = pty.openpty()
    env = cli_env(TERM="xterm-256color", COLUMNS="120", LINES="50")
    env.pop("NO_COLOR", None)
    proc = subprocess.Popen(
        [*case_review(), "report", "--store", str(store_path)],
        stdout=slave,
        stderr=subprocess.PIPE,
        env=env,
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=120)
    os.close(master)
    out = b"".join(chunks).decode("utf-8", "replace")
    assert proc.returncode == 0
    assert ESC in out  # coloured bars
    assert "[bold red]ELS-01" in out
    assert "\x1b[31mred" not in out  # the note's escape sequence is shown, not obeyed


def test_output_file(store_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "out" / "report.txt"
    target.parent.mkdir()
    result = run("--output", str(target), store=store_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    text = target.read_text(encoding="utf-8")
    assert ESC not in text and "Reducing reoffending" in text
    html_file = tmp_path / "out" / "report.html"
    assert run("--format", "html", "-o", str(html_file), store=store_path).returncode == 0
    assert html_file.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert sorted(p.name for p in target.parent.iterdir()) == ["report.html", "report.txt"]


def test_unwritable_output_is_one_line(store_path: Path, tmp_path: Path) -> None:
    result = run("--output", str(tmp_path / "missing" / "r.txt"), store=store_path)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "cannot write" in result.stderr


def test_date_filters(store_path: Path) -> None:
    def reviews(*args: str) -> int:
        result = run("--format", "json", *args, store=store_path)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)["reviews"]

    # the Harrow sample was completed 2014-10-20 (5), -21 (5) and -22 (4); the other in 2015
    assert reviews("--since", "2014-10-21") == 10
    assert reviews("--until", "2014-10-21") == 10
    assert reviews("--since", "2014-10-21", "--until", "2014-10-21") == 5
    assert reviews("--since", "2015-01-01") == 1
    assert reviews("--until", "2014-10-19") == 0


@pytest.mark.parametrize(
    "args",
    [
        ("--since", "2014-13-01"),
        ("--since", "yesterday"),
        ("--until", "20141021"),
        ("--since", "2014-10-22", "--until", "2014-10-21"),
    ],
)
def test_bad_dates_are_one_line_and_exit_1(store_path: Path, args: tuple[str, ...]) -> None:
    result = run("--format", "json", *args, store=store_path)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
    assert "YYYY-MM-DD" in result.stderr or "after" in result.stderr


def test_unknown_framework_is_one_line(store_path: Path) -> None:
    result = run("--framework", "no-such-framework", store=store_path)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "no-such-framework" in result.stderr


def test_an_empty_store_reads_sensibly(tmp_path: Path) -> None:
    for fmt in ("text", "md", "html", "json", "csv"):
        result = run("--format", fmt, store=tmp_path / "empty")
        assert result.returncode == 0, result.stderr
        assert "0 of 0" not in result.stdout and "nan%" not in result.stdout.lower()
    assert "No complete reviews match" in run(store=tmp_path / "empty").stdout


def test_an_unreadable_review_file_is_named_and_the_rest_reported(store_path: Path) -> None:
    damaged = Store.open(store_path).review_path("harrow-01")
    damaged.write_text("{not json", encoding="utf-8")
    result = run("--format", "json", "--team", "Harrow", store=store_path)
    assert result.returncode == 0
    data = json.loads(result.stdout)
    assert data["reviews"] == 13
    assert data["problems"] and damaged.name in data["problems"][0]
    assert "warning: not read" in result.stderr and damaged.name in result.stderr
    assert damaged.read_text(encoding="utf-8") == "{not json"  # never overwritten


def test_a_store_path_that_is_a_file_is_one_line(tmp_path: Path) -> None:
    not_a_store = tmp_path / "file.txt"
    not_a_store.write_text("hello", encoding="utf-8")
    result = run(store=not_a_store)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_reviews_imported_in_the_exchange_format_are_reported(tmp_path: Path, sqs) -> None:
    records = []
    for review in harrow_like(sqs):
        records.append(
            {
                "id": review.id,
                "case_ref": review.case_ref,
                "framework": review.framework,
                "mode": review.mode,
                "reviewer": review.reviewer,
                "team": review.team,
                "status": review.status,
                "facts": review.facts,
                "judgements": {
                    cid: {
                        "outcome": j.outcome,
                        "reasons": list(j.reasons),
                        "note": j.note,
                        "quotable": j.quotable,
                    }
                    for cid, j in review.judgements.items()
                },
                "completed_at": review.completed_at.isoformat(),
            }
        )
    exchange = tmp_path / "harrow.json"
    exchange.write_text(json.dumps({"format": "case-review/1", "reviews": records}), "utf-8")
    store = tmp_path / "imported"
    imported = subprocess.run(
        [*case_review(), "import", str(exchange), "--store", str(store)],
        capture_output=True,
        text=True,
        env=cli_env(),
        timeout=120,
    )
    assert imported.returncode == 0, imported.stderr
    result = run("--format", "json", "--since", "2014-10-20", "--until", "2014-10-22", store=store)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["reviews"] == 14
    victims = next(c for c in data["criteria"] if c["id"] == "pp.victims")
    assert (victims["sufficient"], victims["relevant"]) == (5, 12)
    assessment = next(c for c in data["criteria"] if c["id"] == "rr.assessment")
    assert assessment["quotable"][0]["case_ref"] == "HAR-03"


def test_a_review_completed_in_the_plain_chat_is_reported(tmp_path: Path) -> None:
    store = tmp_path / "chat"
    chat = subprocess.run(
        [*case_review(), "chat", "--plain", "--case", "HAR-77", "--store", str(store)],
        input="1\n" * 200,
        capture_output=True,
        text=True,
        env=cli_env(),
        timeout=120,
    )
    assert chat.returncode == 0, chat.stderr
    result = run("--format", "json", store=store)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["reviews"] == 1
    assert all(c["relevant"] <= 1 for c in data["criteria"])
    assert sum(c["relevant"] for c in data["criteria"]) >= 16  # every ungated criterion
    text = run(store=store)
    assert "1 complete review of 1 case" in text.stdout
