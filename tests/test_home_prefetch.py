"""The home screen's first page listed ahead of the app (``assistant.tui.home_page``): in a
child process where it can, the same page the screen would list itself; and when that fails
the screen lists it itself."""

from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import Future

from assistant.tui.home import HomeScreen
from store import Actor, Store
from store.records import Review
from tests.conftest import ROOT
from tests.tui_helpers import app_for, home_rows

SCRIPT = """
import json, sys, threading
from store import Store
from assistant.tui import home_page
store = Store.open(sys.argv[1])
alone = threading.active_count() == 1
if sys.argv[2] == "fail":
    home_page.page = lambda store: 1 / 0  # the child fails (it runs this module's page)
future = home_page.prefetch(store)
try:
    got = future.result(timeout=60)
    out = {"ids": [s.id for s in got], "total": got.total, "problems": got.problems,
           "updated": [s.updated_at.isoformat() for s in got]}
except Exception as exc:
    out = {"error": type(exc).__name__}
direct = home_page.__dict__["page"] if sys.argv[2] != "fail" else None
print(json.dumps({"alone": alone, **out}))
"""


def filled(root):
    store = Store.open(root)
    for n in range(30):
        review = Review(id=f"r-{n:02}", case_ref=f"HAR-{n:02}", framework="sqs-youth-2014")
        store.save(review, Actor("T"), summary={"open_flags": n % 4, "urgent_flags": int(n == 7)})
    return store


def run(root, how: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(root), how],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_first_page_listed_in_a_child_process_is_the_page_itself(tmp_path):
    store = filled(tmp_path / "store")
    got = run(tmp_path / "store", "ok")
    assert got["alone"]  # no thread yet: the child process is used
    page = store.summaries(order="urgency", limit=100)
    assert got["ids"] == [s.id for s in page] and got["ids"][0] == "r-07"
    assert got["total"] == 30 and got["problems"] == []
    assert got["updated"] == [s.updated_at.isoformat() for s in page]


def test_a_child_that_fails_gives_an_error_not_a_page(tmp_path):
    filled(tmp_path / "store")
    assert run(tmp_path / "store", "fail") == {"alone": True, "error": "RuntimeError"}


async def test_the_screen_lists_the_page_itself_when_the_prefetch_failed(tmp_path):
    store = filled(tmp_path / "store")
    failed: Future = Future()
    failed.set_exception(RuntimeError("the listing process failed"))
    app = app_for(store)
    app.first_page = failed
    async with app.run_test(size=(120, 30)) as pilot:
        await home_rows(pilot)
        assert isinstance(app.screen, HomeScreen) and app.first_page is None
        table = app.screen.query_one("DataTable")
        assert str(table.get_row_at(0)[0]) == "HAR-07" and table.row_count == 30


async def test_a_prefetched_page_is_shown_as_it_is(tmp_path):
    store = filled(tmp_path / "store")
    ready: Future = Future()
    ready.set_result(store.summaries(order="urgency", limit=2))  # (short, to tell it apart)
    app = app_for(store)
    app.first_page = ready
    async with app.run_test(size=(120, 30)) as pilot:
        await home_rows(pilot)
        assert app.screen.query_one("DataTable").row_count == 2
