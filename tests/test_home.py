"""The home screen on a store of many reviews, through the app's Pilot: a page of rows at a time,
most urgent first, moving past the page turns it; search by case reference and filter by
team; listed once at start, and on coming back only what changed is redrawn."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from assistant.tui.home import HomeScreen, ReviewTable
from assistant.tui.new_review import NewReviewScreen
from assistant.tui.review import ReviewScreen
from store import Actor, Store
from store.records import Review
from tests.tui_helpers import app_for, home_rows

SAM = Actor("Sam Case", "case_manager")
TEAMS = ("North", "South", "East")


def many(root: Path, count: int = 11) -> Store:
    """``count`` reviews HAR-00 ...; every third has open flags, HAR-04 an urgent one."""
    store = Store.open(root)
    for n in range(count):
        review = Review(
            id=f"r-{n:02}", case_ref=f"HAR-{n:02}", framework="sqs-youth-2014",
            team=TEAMS[n % 3],
        )  # fmt: skip
        flags = {"open_flags": 2 if n % 3 == 0 else 0, "urgent_flags": 1 if n == 4 else 0}
        store.save(review, SAM, summary={"answered": n, "total": 30, **flags})
    return store


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(HomeScreen, "PAGE", 4)


def cases_shown(app) -> list[str]:  # type: ignore[no-untyped-def]
    table = app.screen.query_one(ReviewTable)
    return [str(table.get_row_at(r)[0]) for r in range(table.row_count)]


def highlighted(app) -> str:  # type: ignore[no-untyped-def]
    table = app.screen.query_one(ReviewTable)
    return str(table.get_row_at(table.cursor_row)[0])


def intro(app) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one("#intro").content)


async def test_rows_come_a_page_at_a_time_and_moving_past_the_page_turns_it(tmp_path, small_pages):
    store = many(tmp_path / "store")
    every = [s.case_ref for s in store.summaries(order="urgency")]
    assert every[:1] == ["HAR-04"]  # the urgent one first
    app = app_for(store)
    async with app.run_test(size=(120, 30)) as pilot:
        await home_rows(pilot)
        assert cases_shown(app) == every[:4]
        assert "11 review(s); showing 1-4, most urgent first" in intro(app)
        await pilot.press("down", "down", "down")
        assert highlighted(app) == every[3]
        await pilot.press("down")  # past the last row: the next page, at its top
        await home_rows(pilot, loads=2)
        assert cases_shown(app) == every[4:8] and highlighted(app) == every[4]
        assert "showing 5-8" in intro(app)
        await pilot.press("up")  # past the first row: the previous page, at its bottom
        await home_rows(pilot, loads=3)
        assert cases_shown(app) == every[:4] and highlighted(app) == every[3]
        await pilot.press("right_square_bracket", "right_square_bracket")
        await home_rows(pilot, loads=5)
        assert cases_shown(app) == every[8:] and "showing 9-11" in intro(app)
        await pilot.press("right_square_bracket", "down", "down", "down")  # no page after it
        await pilot.pause(0.1)
        assert app.screen.loads == 5 and highlighted(app) == every[-1]
        await pilot.press("enter")  # Enter still resumes the highlighted review
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert app.screen.session.review.case_ref == every[-1]


async def test_search_by_case_reference_then_the_home_keys_still_work(tmp_path, small_pages):
    store = many(tmp_path / "store")
    app = app_for(store)
    async with app.run_test(size=(120, 30)) as pilot:
        await home_rows(pilot)
        await pilot.press("slash")
        assert app.focused is app.screen.query_one("#search")
        await pilot.press("1", "n", "l", "r")  # typed into the search, not taken as keys
        assert isinstance(app.screen, HomeScreen)
        assert app.screen.query_one("#search").value == "1nlr"
        for _ in range(3):
            await pilot.press("backspace")
        await home_rows(pilot, loads=2)
        assert cases_shown(app) == ["HAR-10", "HAR-01"]  # HAR-10 has open flags
        assert "2 review(s) with case reference containing '1'" in intro(app)
        await pilot.press("enter")  # back to the rows
        assert isinstance(app.focused, ReviewTable)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NewReviewScreen)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("slash", "escape")  # Escape clears the search: every review again
        await home_rows(pilot, loads=3)
        assert len(cases_shown(app)) == 4 and "11 review(s)" in intro(app)
        assert isinstance(app.focused, ReviewTable)


async def test_a_search_typed_and_entered_at_once_opens_the_review_it_finds(
    tmp_path, small_pages, monkeypatch
):
    """A fast typist: /, the reference, Enter, Enter, before the search has listed anything:
    the second Enter opens the review found, not the one highlighted before the search."""
    store = many(tmp_path / "store")
    page = HomeScreen._page

    def slow_search(self, store, offset, team, query):  # type: ignore[no-untyped-def]
        if query:
            time.sleep(0.3)  # a big store: the search takes a while
        return page(self, store, offset, team, query)

    monkeypatch.setattr(HomeScreen, "_page", slow_search)
    app = app_for(store)
    async with app.run_test(size=(120, 30)) as pilot:
        await home_rows(pilot)
        assert highlighted(app) != "HAR-07"
        await pilot.press("slash", "0", "7", "enter", "enter")
        for _ in range(250):  # (the search lists in a thread)
            if isinstance(app.screen, ReviewScreen):
                break
            await pilot.pause(0.02)
        assert isinstance(app.screen, ReviewScreen)
        assert app.screen.session.review.case_ref == "HAR-07"


async def test_filter_by_team(tmp_path, small_pages):
    store = many(tmp_path / "store")
    app = app_for(store)
    async with app.run_test(size=(120, 30)) as pilot:
        await home_rows(pilot)
        await pilot.press("t")
        for key in "south":
            await pilot.press(key)
        await pilot.press("enter")
        await home_rows(pilot, loads=2)
        shown = cases_shown(app)
        assert shown == [s.case_ref for s in store.summaries(team="South", order="urgency")]
        assert len(shown) == 4 and "with team 'south'" in intro(app)
        await pilot.press("slash", "1", "enter")  # both: South and containing 1
        await home_rows(pilot, loads=3)
        assert cases_shown(app) == ["HAR-10", "HAR-01"]
        assert isinstance(app.focused, ReviewTable)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.session.review.case_ref == "HAR-10"


async def test_listed_once_at_start_and_only_what_changed_is_redrawn_on_return(tmp_path):
    from assistant.engine.conversation import Engine
    from assistant.engine.progress import index_summary
    from prompts import get_framework

    engine = Engine(get_framework())
    store = Store.open(tmp_path / "store")
    for n in range(6):  # listed as the conversation lists them: the first is the latest
        review = Review(id=f"r-{n}", case_ref=f"HAR-{n:02}", framework="sqs-youth-2014")
        store.save(review, SAM, summary=index_summary(engine, review))
    calls: list[dict] = []
    summaries = store.summaries

    def counted(**kwargs):  # type: ignore[no-untyped-def]
        calls.append(kwargs)
        return summaries(**kwargs)

    store.summaries = counted  # type: ignore[method-assign]
    app = app_for(store)
    async with app.run_test(size=(120, 30)) as pilot:
        await home_rows(pilot)
        await pilot.pause(0.2)
        assert len(calls) == 1 and calls[0]["order"] == "urgency"
        table = app.screen.query_one(ReviewTable)
        redrawn: list[object] = []
        real_clear, real_update = table.clear, table.update_cell_at
        table.clear = lambda *a, **k: redrawn.append("clear") or real_clear(*a, **k)  # type: ignore[method-assign]
        table.update_cell_at = lambda c, v, **k: redrawn.append(c) or real_update(c, v, **k)  # type: ignore[method-assign]
        row = highlighted(app)
        assert row == "HAR-05"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        await pilot.pause(0.3)
        await pilot.press("1")  # answer the first question: the review's progress changes
        await pilot.pause(0.3)
        await pilot.press("escape")
        await home_rows(pilot, loads=2)
        assert len(calls) == 2
        assert "clear" not in redrawn and redrawn  # cells updated in place, no new page
        assert {c.row for c in redrawn} == {cases_shown(app).index(row)}  # that row only
        assert highlighted(app) == row


async def test_an_empty_store_offers_a_new_review(tmp_path):
    app = app_for(Store.open(tmp_path / "store"))
    async with app.run_test(size=(100, 30)) as pilot:
        await home_rows(pilot)
        assert "No reviews yet" in intro(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, NewReviewScreen)
