"""The PostgreSQL store's own promises, on a real server (tests/pg_cluster.py): hand-edited
rows named and never fatal, a tampered trail found, credentials never shown, one line for
every way a database can refuse, libpq's password and service files, schema versions.

The contract every backend keeps is in tests/test_store_contract.py."""

from __future__ import annotations

import subprocess
import threading
import uuid
from pathlib import Path
from typing import Any

import psycopg
import pytest

from store import Actor, StoreError, open_store
from store.records import Judgement, Review
from tests.conftest import case_review, cli_env

SAM = Actor("Sam Case", "case_manager")


def review(review_id: str, case_ref: str = "HAR-01", **kw: Any) -> Review:
    values: dict[str, Any] = {"framework": "sqs-youth-2014", "team": "North"}
    values.update(kw)
    return Review(id=review_id, case_ref=case_ref, **values)


def sql(url: str, statement: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """One statement as the cluster's superuser, as someone editing the database by hand."""
    with psycopg.connect(url, autocommit=True) as conn:
        cur = conn.execute(statement, params)
        return cur.fetchall() if cur.description else []


def by_hand(url: str, statement: str, params: tuple[Any, ...] = ()) -> None:
    """A change made past the triggers (as a database owner could), to tamper with a trail."""
    with psycopg.connect(url, autocommit=True) as conn, conn.transaction():
        conn.execute("SET LOCAL session_replication_role = replica")
        conn.execute(statement, params)


def run(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None):
    return subprocess.run(
        [*case_review(), *args],
        capture_output=True,
        text=True,
        env=env or cli_env(),
        timeout=120,
        cwd=cwd,
    )


def one_line_refusal(result: subprocess.CompletedProcess[str], *, secret: str = "") -> str:
    """The refusal a command printed: exit 1, one line on stderr, no traceback, no secret."""
    assert result.returncode == 1, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr and not lines[0].startswith("psycopg")
    if secret:
        assert secret not in result.stderr and secret not in result.stdout
    return lines[0]


@pytest.fixture
def role(pg_cluster, pg_url):
    """A role that must give its password (over TCP), owning the test's database."""
    name = f"reviewer_{uuid.uuid4().hex[:12]}"
    password = "correct horse: battery@staple"
    pg_cluster.sql(f"CREATE ROLE {name} LOGIN PASSWORD '{password}'")
    dbname = psycopg.conninfo.conninfo_to_dict(pg_url)["dbname"]
    pg_cluster.sql(f'ALTER DATABASE "{dbname}" OWNER TO {name}')
    return name, password, dbname


# -- what a hand edit or damage does ----------------------------------------------------------


def test_a_row_edited_by_hand_into_no_review_is_named_and_everything_else_still_works(pg_url):
    store = open_store(pg_url)
    store.save(review("r-1", "HAR-01"), SAM)
    good = store.save(review("r-3", "HAR-02"), SAM)
    store.save(review("r-2", "HAR-02", status="complete"), SAM)  # the latest of HAR-02
    sql(
        pg_url,
        "UPDATE case_review.reviews SET record = jsonb_set(record::jsonb, '{judgements}', "
        """'{"rr.plan": {"outcome": "maybe"}}')::json WHERE id = 'r-2'""",
    )
    listing = store.summaries()  # the columns still list it; nothing crashes
    assert sorted(s.id for s in listing) == ["r-1", "r-2", "r-3"]
    with pytest.raises(StoreError, match=r"review 'r-2': not a valid review record: judgements"):
        store.get("r-2")
    loaded = store.reviews()
    assert sorted(r.id for r in loaded) == ["r-1", "r-3"]
    assert len(loaded.problems) == 1 and "'r-2'" in loaded.problems[0]
    derived = store.derived("ids", "v1", lambda r: r.id)
    assert sorted(derived) == ["r-1", "r-3"] and "'r-2'" in derived.problems[0]
    found = store.find_case("HAR-02")  # the latest cannot be read: the one before is found
    assert found.review == good and "'r-2'" in found.problems[0]
    # A review that cannot be read is never overwritten; every other one still saves.
    with pytest.raises(StoreError, match="never overwritten"):
        store.save(review("r-2", "HAR-02", revision=1), SAM)
    assert store.save(good.copy(facts={"psr": True}), SAM).revision == 2
    assert (
        "maybe" in sql(pg_url, "SELECT record::text FROM case_review.reviews WHERE id='r-2'")[0][0]
    )
    exported = run("--store", pg_url, "export")
    assert exported.returncode == 1 and "r-2" in exported.stderr
    assert '"id": "r-1"' in exported.stdout and '"id": "r-3"' in exported.stdout


def test_a_hand_edit_is_seen_by_the_next_report_and_by_audit_verify(pg_url):
    store = open_store(pg_url)
    first = store.save(review("r-1", judgements={"rr.plan": Judgement(outcome="sufficient")}), SAM)
    outcomes = lambda r: r.judgements["rr.plan"].outcome  # noqa: E731
    assert list(store.derived("plan", "v1", outcomes)) == ["sufficient"]
    assert store.verify().ok
    sql(
        pg_url,
        "UPDATE case_review.reviews SET record = jsonb_set(record::jsonb, "
        "'{judgements,rr.plan,outcome}', '\"insufficient\"')::json WHERE id = 'r-1'",
    )
    assert list(store.derived("plan", "v1", outcomes)) == ["insufficient"]  # not the cache
    verdict = store.verify()
    assert not verdict.ok
    assert "HAR-01 (review r-1)" in verdict.problems[0]
    assert "judgements.rr.plan" in verdict.problems[0]
    assert first.revision == 1


def test_the_audit_trail_refuses_updates_and_deletes(pg_url):
    store = open_store(pg_url)
    store.save(review("r-1"), SAM)
    for statement in (
        "UPDATE case_review.audit_events SET body = body",
        "DELETE FROM case_review.audit_events",
        "TRUNCATE case_review.audit_events",
    ):
        with pytest.raises(psycopg.Error, match="append-only"):
            sql(pg_url, statement)
    assert len(store.audit("r-1")) == 1


@pytest.mark.parametrize(
    ("tamper", "found"),
    [
        (
            "UPDATE case_review.audit_events SET body = replace(body, '\"new\":true', "
            "'\"new\":false') WHERE review_id = 'r-1' AND seq = 2",
            "event 3: the chain breaks between events 2 and 3",
        ),
        (
            "DELETE FROM case_review.audit_events WHERE review_id = 'r-1' AND seq = 2",
            "events 2 to 2 are missing",
        ),
        (
            "DELETE FROM case_review.audit_events WHERE review_id = 'r-1' AND seq = 3",
            "event 2: the trail ends here, but the review says another event was written last",
        ),
        (
            "UPDATE case_review.audit_events SET body = replace(body, 'Sam Case', 'Nobody') "
            "WHERE review_id = 'r-1' AND seq = 1",
            "event 1: its text is not what was written",
        ),
    ],
)
def test_audit_verify_finds_an_event_edited_or_removed_past_the_trigger(pg_url, tamper, found):
    store = open_store(pg_url)
    saved = store.save(review("r-1"), SAM)
    saved = store.save(saved.copy(facts={"psr": True}), SAM)
    store.save(saved.copy(facts={"psr": True, "custody": False}), SAM)
    store.save(review("r-2", "HAR-02"), SAM)
    assert store.verify().ok
    by_hand(pg_url, tamper)
    verdict = store.verify()
    assert any(found in p for p in verdict.problems), verdict.problems
    assert all(p.startswith("HAR-01 (review r-1)") for p in verdict.problems)
    result = run("--store", pg_url, "audit", "verify")
    assert result.returncode == 1 and found in result.stdout


def test_learning_reviews_are_never_written(pg_url):
    store = open_store(pg_url)
    with pytest.raises(StoreError, match="learning-mode"):
        store.save(review("l-1", mode="learning"), SAM)
    assert not store.exists("l-1")


def test_a_dropped_connection_is_made_again(pg_url):
    store = open_store(pg_url)
    saved = store.save(review("r-1"), SAM)
    dbname = psycopg.conninfo.conninfo_to_dict(pg_url)["dbname"]
    ended = sql(
        pg_url,
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE datname = %s AND application_name = 'case-review'",
        (dbname,),
    )
    assert ended == [(True,)]
    assert store.get("r-1") == saved
    assert store.save(saved.copy(facts={"psr": True}), SAM).revision == 2


# -- schema versions ----------------------------------------------------------------------------


def test_a_database_of_a_newer_schema_is_refused_in_one_line_and_nothing_is_written(
    pg_url, tmp_path
):
    open_store(pg_url).close()
    sql(pg_url, "INSERT INTO case_review.schema_version (version) VALUES (99)")
    document = tmp_path / "one.json"
    document.write_text(
        '{"format": "case-review/1", "reviews": [{"id": "x-1", "case_ref": "HAR-01", '
        '"framework": "sqs-youth-2014", "mode": "self", "reviewer": "", "team": "North", '
        '"status": "in_progress", "facts": {}, "judgements": {}}]}'
    )
    for command in (["import", str(document)], ["report"], ["store", "check", pg_url]):
        result = run("--store", pg_url, *command)
        line = one_line_refusal(result)
        assert "schema version 99, newer than this program understands (2)" in line
    assert sql(pg_url, "SELECT count(*) FROM case_review.reviews") == [(0,)]
    assert sql(pg_url, "SELECT version FROM case_review.schema_version ORDER BY 1") == [
        (1,),
        (2,),
        (99,),
    ]


def test_an_older_schema_is_migrated_and_its_reviews_kept(pg_url):
    store = open_store(pg_url)
    saved = store.save(review("r-1", status="complete"), SAM)
    store.close()
    # As a database made by the first version of the tables: no derived values yet.
    sql(pg_url, "DROP TABLE case_review.derived")
    sql(pg_url, "DELETE FROM case_review.schema_version WHERE version = 2")
    again = open_store(pg_url)
    assert sql(pg_url, "SELECT version FROM case_review.schema_version ORDER BY 1") == [(1,), (2,)]
    assert again.get("r-1") == saved
    assert list(again.derived("ids", "v1", lambda r: r.id)) == ["r-1"]


def test_programs_opening_a_new_database_at_once_make_its_tables_once(pg_url):
    errors: list[BaseException] = []

    def opener() -> None:
        try:
            open_store(pg_url).close()
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=opener) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sql(pg_url, "SELECT version FROM case_review.schema_version ORDER BY 1") == [(1,), (2,)]


# -- reaching the database, and what is shown ---------------------------------------------------


def test_the_location_never_holds_the_password(pg_cluster, role):
    name, password, dbname = role
    store = open_store(pg_cluster.tcp_url(dbname, name, password))
    assert store.location == f"postgresql://{name}@127.0.0.1:{pg_cluster.port}/{dbname}"
    assert "horse" not in repr(store)
    result = run("store", "check", pg_cluster.tcp_url(dbname, name, password))
    assert result.returncode == 0, result.stderr
    assert f"postgresql://{name}@127.0.0.1:{pg_cluster.port}/{dbname}" in result.stdout
    assert "horse" not in result.stdout + result.stderr


def test_a_wrong_password_is_one_line_without_the_password(pg_cluster, role):
    name, _password, dbname = role
    wrong = "wrong horse staple"
    url = pg_cluster.tcp_url(dbname, name, wrong)
    for command in (["report"], ["export"], ["audit", "verify"], ["store", "check", url]):
        line = one_line_refusal(run("--store", url, *command), secret="horse")
        assert f'password authentication failed for user "{name}"' in line
        assert f"postgresql://{name}@127.0.0.1:{pg_cluster.port}/{dbname}" in line


def test_an_unreachable_server_and_a_missing_database_are_one_line_each(pg_cluster, tmp_path):
    from tests.pg_cluster import _free_port

    nobody = f"postgresql://someone:s3cret@127.0.0.1:{_free_port()}/reviews"
    line = one_line_refusal(run("--store", nobody, "report"), secret="s3cret")
    assert "cannot connect" in line and "Connection refused" in line
    missing = pg_cluster.url("no_such_database")
    line = one_line_refusal(run("--store", missing, "export"))
    assert 'database "no_such_database" does not exist' in line
    garbled = "postgresql://someone:pass word@/db?host=/tmp"
    line = one_line_refusal(run("store", "copy", str(tmp_path / "a"), garbled), secret="pass word")
    assert "no store there to copy from" in line
    assert not (tmp_path / "a").exists()  # FROM is never made
    open_store(str(tmp_path / "b")).save(review("r-1"), SAM)
    line = one_line_refusal(run("store", "copy", str(tmp_path / "b"), garbled), secret="pass word")
    assert "not a PostgreSQL connection string" in line
    line = one_line_refusal(run("store", "copy", nobody, str(tmp_path / "c")), secret="s3cret")
    assert "cannot connect" in line
    assert not (tmp_path / "c").exists()  # nothing written when FROM cannot be reached


def test_pgpassfile_gives_the_password(pg_cluster, role, tmp_path):
    name, password, dbname = role
    passfile = tmp_path / "pgpass"
    escaped = password.replace("\\", "\\\\").replace(":", "\\:")  # as libpq reads it
    passfile.write_text(f"127.0.0.1:{pg_cluster.port}:{dbname}:{name}:{escaped}\n")
    passfile.chmod(0o600)
    url = pg_cluster.tcp_url(dbname, name)  # no password in it
    without = run("--store", url, "report", "--format", "json")
    assert without.returncode == 1 and "password" in without.stderr
    env = cli_env(PGPASSFILE=str(passfile))
    result = run("--store", url, "report", "--format", "json", env=env)
    assert result.returncode == 0, result.stderr
    assert '"reviews": 0' in result.stdout


def test_pgservice_names_the_database(pg_cluster, role, tmp_path):
    name, password, dbname = role
    services = tmp_path / "pg_service.conf"
    services.write_text(
        f"[yot]\nhost=127.0.0.1\nport={pg_cluster.port}\ndbname={dbname}\nuser={name}\n"
        f"password={password}\n"
    )
    env = cli_env(PGSERVICEFILE=str(services), PGSERVICE="yot")
    for spec in ("postgresql://", "postgresql:service=yot"):
        result = run(
            "store",
            "check",
            spec,
            env=env if spec.endswith("//") else cli_env(PGSERVICEFILE=str(services)),
        )
        assert result.returncode == 0, result.stderr
        assert f"postgresql://{name}@127.0.0.1:{pg_cluster.port}/{dbname}" in result.stdout
        assert "horse" not in result.stdout + result.stderr


def test_psycopg_is_imported_only_when_a_postgresql_store_is_opened(tmp_path):
    import sys

    code = (
        "import sys; from store import open_store; from store.copy import copy; "
        f"open_store({str(tmp_path / 'folder')!r}).summaries(); open_store('memory:'); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'psycopg'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=cli_env()
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_case_review_store_names_the_database_as_store_does(pg_url, tmp_path):
    open_store(pg_url).save(review("r-1", status="complete"), SAM)
    env = cli_env(CASE_REVIEW_STORE=pg_url)
    result = run("export", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert '"id": "r-1"' in result.stdout
    assert list(tmp_path.iterdir()) == []  # not taken for a folder name


# -- the front ends on PostgreSQL ---------------------------------------------------------------


def test_plain_mode_runs_a_whole_review_on_postgresql(pg_url, tmp_path):
    answers = "\n".join(["yes", "no", "no", "yes", "no"] + ["skip"] * 11 + ["yes"] * 40)
    result = subprocess.run(
        [*case_review(), "--store", pg_url, "chat", "--plain", "--case", "PG-01"],
        input=answers + "\n",
        capture_output=True,
        text=True,
        env=cli_env(),
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "Review complete: 0 open flag(s)" in result.stdout
    store = open_store(pg_url)
    found = store.find_case("pg-01").review
    assert found is not None and found.status == "complete"
    trail = store.audit(found.id)  # (saves that only skip or move on add no event)
    assert found.revision > 10 and trail[0].action == "created" and trail[-1].field == "status"
    assert store.verify("PG-01").ok
    assert [s.case_ref for s in store.summaries()] == ["PG-01"]
    assert list(tmp_path.iterdir()) == []


async def test_the_app_runs_a_whole_review_on_postgresql(pg_url):
    from assistant.tui.app import CaseReviewApp
    from prompts import get_framework

    store = open_store(pg_url)
    app = CaseReviewApp(store, get_framework(), Actor("Tester"), open_case="PG-02")
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(80):
            question = app.screen.answer_bar.question
            if question is None:
                break
            if question.step == "fact" and question.choices[0].label != "Yes":
                await pilot.press(*"skip", "enter")
            elif question.step == "fact":
                await pilot.press("2")
            else:
                await pilot.press("1")
            await pilot.pause()
    again = open_store(pg_url)  # another session sees it all
    review = again.find_case("PG-02").review
    assert review is not None and review.status == "complete"
    assert all(j.outcome == "sufficient" for j in review.judgements.values())
    assert again.verify().ok
