"""Snapshots of learning mode: the list of practice cases, and a feedback turn with the cited
extract highlighted in the case file (at 80x24 the case file waits behind F3).

The first run of a new snapshot fails until approved with `pytest --snapshot-update`;
review the SVGs in tests/__snapshots__ before committing them.
"""

from __future__ import annotations

import json

import pytest

from store import Store
from tests.learn_helpers import isolated_state, practice, progress_file
from tests.test_learn_tui import answer_facts, practice_app
from tests.test_snapshots import FIXED, SIZES, _no_blink
from tests.tui_helpers import app_for


@pytest.fixture
def state_home(tmp_path, monkeypatch):
    folder = isolated_state(tmp_path, monkeypatch)
    path = progress_file(folder)
    path.parent.mkdir(parents=True)
    attempt = {
        "id": "a1",
        "case": "victim-poor",
        "started": "2014-10-20T10:00:00+00:00",
        "at": "2014-10-20T10:20:00+00:00",
        "agreed": 15,
        "judged": 22,
        "live": 22,
        "complete": True,
    }
    path.write_text(json.dumps({"format": "case-review-learning/1", "attempts": [attempt]}))
    return folder


@pytest.fixture
def fixed_time(monkeypatch):
    import assistant.engine.conversation
    import store.memory
    import store.reviews

    for module in (store.reviews, store.memory, assistant.engine.conversation):
        monkeypatch.setattr(module, "now", lambda: FIXED)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_learning_list(snap_compare, tmp_path, state_home, fixed_time, size):
    async def open_list(pilot) -> None:
        await pilot.press("l")
        await pilot.pause()
        await _no_blink(pilot)

    app = app_for(Store.open(tmp_path / "store"))
    assert snap_compare(app, terminal_size=size, run_before=open_list)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_learning_feedback_turn(snap_compare, state_home, fixed_time, size):
    async def wrong_answer(pilot) -> None:
        await _no_blink(pilot)
        await answer_facts(pilot, practice("victim-poor"))
        await pilot.press("2")  # No: the model says the assessment is sufficient
        await pilot.pause()
        keys = {c.value: c.key for c in pilot.app.screen.answer_bar.question.choices}
        await pilot.press(keys["drivers_missed"], "enter")
        await pilot.pause()
        await pilot.press("enter")  # no note
        await pilot.pause()
        await _no_blink(pilot)

    assert snap_compare(practice_app("victim-poor"), terminal_size=size, run_before=wrong_answer)
