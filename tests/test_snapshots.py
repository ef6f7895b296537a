"""Snapshots of what users see: home, a review with an urgent flag, and the summary.

The first run of a new snapshot fails until approved with `pytest --snapshot-update`;
review the SVGs in tests/__snapshots__ before committing them.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.tui_helpers import app_for, home_rows, store_with_case

SIZES = [(80, 24), (120, 40)]
FIXED = datetime(2014, 10, 21, 9, 30, tzinfo=UTC)


@pytest.fixture
def frozen_time(monkeypatch):
    import assistant.engine.conversation
    import store.reviews

    monkeypatch.setattr(store.reviews, "now", lambda: FIXED)
    monkeypatch.setattr(assistant.engine.conversation, "now", lambda: FIXED)


@pytest.fixture
def urgent_store(tmp_path, frozen_time):
    root = tmp_path / "store"
    store_with_case(root, "HAR-02", answers=["yes", "yes"])
    return store_with_case(
        root,
        "HAR-01",
        answers=["didn't really get to why he offends", "yes"],
    )


async def _no_blink(pilot) -> None:
    for widget in pilot.app.screen.query("Input"):
        widget.cursor_blink = False
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_home(snap_compare, urgent_store, size):
    async def listed(pilot) -> None:
        await home_rows(pilot)
        await _no_blink(pilot)

    assert snap_compare(app_for(urgent_store), terminal_size=size, run_before=listed)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_home_searching_a_case_reference(snap_compare, urgent_store, size):
    async def search(pilot) -> None:
        await home_rows(pilot)
        await pilot.press("slash", "0", "2")
        await home_rows(pilot, loads=2)
        await _no_blink(pilot)

    assert snap_compare(app_for(urgent_store), terminal_size=size, run_before=search)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_review_with_an_urgent_flag(snap_compare, urgent_store, size):
    async def urgent(pilot) -> None:
        await _no_blink(pilot)
        for key in "/jump cy.assessment":
            await pilot.press(key if key != " " else "space")
        await pilot.press("enter")
        for key in "nothing on his mental health or his care arrangements":
            await pilot.press(key if key != " " else "space")
        await pilot.press("enter")
        await _no_blink(pilot)

    app = app_for(urgent_store, open_case="HAR-01")
    assert snap_compare(app, terminal_size=size, run_before=urgent)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_summary(snap_compare, urgent_store, size):
    async def summary(pilot) -> None:
        await _no_blink(pilot)
        await pilot.press("f2")
        await pilot.pause()

    app = app_for(urgent_store, open_case="HAR-01")
    assert snap_compare(app, terminal_size=size, run_before=summary)
