"""Start-up: what the app's first frame needs, and what it leaves for later (SPEC section 8).

`case-review review REF` runs as a real process under Textual's headless driver; a probe stops
it the moment the review screen asks to be furnished, which the app does once Textual says the
first frame is on the terminal (the Ready event).  At that moment the first question is on
screen and none of the heavy modules have been imported: pydantic (validation), TinyDB
(writing review files), the free-text interpreter, flag derivation, the audit trail; and no
folder of the store holding a file per review has been listed (the case index finds the
review).  Speed itself is measured by bench/ui.py and bench/scale.py, never here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from assistant.engine.conversation import Engine
from assistant.session import Session
from prompts import get_framework
from store import Actor, Store
from tests.conftest import ROOT

HEAVY = (
    "pydantic",
    "tinydb",
    "assistant.engine.interpret",
    "assistant.engine.flags",
    "store.audit",
    "hashlib",
)

PROBE = """
import json, os, sys
LISTED = []
for name in ("listdir", "scandir"):
    def spy(path=".", _real=getattr(os, name)):
        LISTED.append(str(path))
        return _real(path)
    setattr(os, name, spy)
from assistant.tui import review

def probe(self):
    from textual.widgets import Static
    shown = [str(w.content) for w in self.query(Static) if w.region.height]
    heavy = [m for m in HEAVY if m in sys.modules]
    furnished = bool(self.query("SidePanel")) or bool(self.query("Footer"))
    listed = [p for p in LISTED if p.rstrip("/").endswith(("/reviews", "/index", "/audit"))]
    print(json.dumps({"heavy": heavy, "shown": shown, "furnished": furnished, "listed": listed}),
          flush=True)
    os._exit(0)

review.ReviewScreen.furnish_after_refresh = probe
from assistant.cli import main
main(sys.argv[1:])
"""


def first_frame(tmp_path, *args: str) -> dict:
    env = dict(os.environ)
    env.update(
        TEXTUAL_DRIVER="textual.drivers.headless_driver:HeadlessDriver",
        COLUMNS="100",
        LINES="30",
        PYTHONPATH=str(ROOT),
        XDG_CACHE_HOME=str(tmp_path / "cache"),
    )
    code = f"HEAVY = {HEAVY!r}\n{PROBE}"
    result = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_the_first_frame_shows_the_question_without_the_heavy_modules(tmp_path):
    store = str(tmp_path / "store")
    # The very first start too (no cache, no store yet): the bundled framework ships validated.
    frame = first_frame(tmp_path, "--store", store, "review", "HAR-01")
    assert frame["heavy"] == [] and frame["listed"] == []
    assert any("[psr]" in text for text in frame["shown"])  # the first question
    assert not frame["furnished"]  # the side panel and footer come right after
    # The new review is saved just after the first frame; this probe stopped before that.
    assert Store.open(store).find_case("HAR-01").review is None


@pytest.mark.slow
def test_a_resumed_review_opens_without_the_heavy_modules_too(tmp_path):
    store = tmp_path / "store"
    session = Session.open(Store.open(store), Engine(get_framework()), "HAR-02", actor=Actor("A"))
    session.start()
    session.answer("yes")  # psr
    session.answer("no")  # custody
    session.close()
    frame = first_frame(tmp_path, "--store", str(store), "review", "HAR-02")
    # The answers so far (and their flags) come under the opening line right after the first
    # frame, which shows the next question.  The review file is read as the store wrote it (no
    # pydantic, no TinyDB).
    assert frame["heavy"] == [] and frame["listed"] == []
    shown = "\n".join(frame["shown"])
    assert "Resuming the review of HAR-02" in shown
    assert "[mappa]" in shown  # the next question, after the two answered


def test_a_new_review_is_written_only_when_the_session_begins(tmp_path):
    store = Store.open(tmp_path)
    session = Session.open(store, Engine(get_framework()), "HAR-03", create_now=False)
    assert store.find_case("HAR-03").review is None and session.unsaved
    assert session.begin() == []
    assert session.begin() == []  # once is enough
    stored = store.find_case("HAR-03").review
    assert stored is not None and stored.revision == 1 and not session.unsaved
    assert store.claimed_by(stored.id) is None  # claimed by this process: no warning to give
    assert [e.action for e in store.audit(stored.id)] == ["created"]


def test_an_answer_before_the_session_began_creates_the_review_first(tmp_path):
    store = Store.open(tmp_path)
    session = Session.open(store, Engine(get_framework()), "HAR-04", create_now=False)
    session.start()
    step = session.answer("yes")
    assert step.question.item == "custody"
    stored = store.get(session.review.id)
    assert stored.facts == {"psr": True} and stored.revision == 2
    assert [e.action for e in store.audit(stored.id)] == ["created", "answered"]


def test_another_session_holding_the_review_is_reported_when_it_begins(tmp_path):
    store = Store.open(tmp_path)
    engine = Engine(get_framework())
    first = Session.open(store, engine, "HAR-05", actor=Actor("A"))
    proc = subprocess.Popen(  # another live process claims the review
        [
            sys.executable,
            "-c",
            "import sys, time; from store import Store; s = Store.open(sys.argv[1]); "
            "s.claim(sys.argv[2], who='B', force=True); print('ok', flush=True); time.sleep(30)",
            str(tmp_path),
            first.review.id,
        ],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ok"
        second = Session.open(store, engine, "HAR-05", actor=Actor("C"), create_now=False)
        notices = second.begin()
        assert len(notices) == 1 and "open in another session by B" in notices[0]
    finally:
        proc.kill()
        proc.wait()
