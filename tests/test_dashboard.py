"""The report dashboard in the app: opened from the home screen with `r`, figures per criterion,
filters, and the cases behind a figure one key away (Pilot and snapshots)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from assistant.tui.dashboard import CasesScreen, ReportScreen
from assistant.tui.home import HomeScreen
from assistant.tui.review import ReviewScreen
from prompts import get_framework
from store import Actor, Store
from store.records import Judgement, Review
from tests.tui_helpers import app_for, text_of

SIZES = [(80, 24), (120, 40)]
FIXED = datetime(2014, 10, 23, 9, 30, tzinfo=UTC)
EARLY = datetime(2014, 10, 20, 15, tzinfo=UTC)
LATE = datetime(2014, 10, 22, 15, tzinfo=UTC)
# A victim, no court report, no custody, no MAPPA, no non-compliance: rr.psr and the like do
# not apply, pp.victims does.
FACTS = {"psr": False, "custody": False, "mappa": False, "victim": True, "non_compliance": False}


def J(outcome: str, *reasons: str, note: str = "", quotable: bool = False) -> Judgement:
    full = {"s": "sufficient", "i": "insufficient", "na": "not_applicable"}[outcome]
    return Judgement(outcome=full, reasons=reasons, note=note, quotable=quotable)


def reviews() -> list[Review]:
    """Four complete reviews (two teams, two dates) and one in progress, built by hand.

    rr.assessment: 3 of the 4 relevant cases sufficient (75%, good);
    rr.plan: 2 of 4 (50%, requires improvement), insufficient in HAR-01 and HAR-03;
    pp.victims: 1 of the 2 relevant cases (HAR-03 not applicable, HAR-04 not judged).
    """
    fw = get_framework()

    def review(ref: str, team: str, when: datetime, judgements, **kw) -> Review:  # type: ignore[no-untyped-def]
        status = kw.pop("status", "complete")
        return Review(
            id=f"id-{ref}",
            case_ref=ref,
            framework=fw.id,
            framework_version=fw.version,
            team=team,
            status=status,
            facts=FACTS,
            judgements=judgements,
            created_at=when,
            updated_at=when,
            completed_at=when if status == "complete" else None,
            **kw,
        )

    return [
        review(
            "HAR-01",
            "North",
            EARLY,
            {
                "rr.assessment": J("s"),
                "rr.plan": J(
                    "i", "factors_not_in_plan", note="Plan ignores [bold red]peer group[/] work"
                ),
                "pp.victims": J("s"),
            },
        ),
        review(
            "HAR-02",
            "North",
            EARLY,
            {
                "rr.assessment": J("i", "drivers_missed", note="No analysis of why he offends"),
                "rr.plan": J("s"),
                "pp.victims": J("i", "plan_inadequate"),
            },
        ),
        review(
            "HAR-03",
            "South",
            LATE,
            {
                "rr.assessment": J("s"),
                "rr.plan": J("i", "goals_not_measurable"),
                "pp.victims": J("na"),
            },
            mode="joint",
        ),
        review("HAR-04", "South", LATE, {"rr.assessment": J("s"), "rr.plan": J("s")}),
        review(
            "HAR-05",
            "North",
            LATE,
            {"rr.assessment": J("i", "not_done")},
            status="in_progress",
        ),
    ]


@pytest.fixture
def frozen_time(monkeypatch):
    import assistant.engine.conversation
    import store.reviews

    monkeypatch.setattr(store.reviews, "now", lambda: FIXED)
    monkeypatch.setattr(assistant.engine.conversation, "now", lambda: FIXED)


@pytest.fixture
def store(tmp_path: Path, frozen_time) -> Store:
    store = Store.open(tmp_path / "store")
    for review in reviews():
        store.save(review, Actor("Test manager", "manager"), action="imported", touch=False)
    return store


async def open_dashboard(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("r")
    await settle(pilot)


async def settle(pilot) -> None:  # type: ignore[no-untyped-def]
    """Let the report worker finish and the screen show its figures."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    for widget in pilot.app.screen.query("Input"):
        widget.cursor_blink = False
    await pilot.pause()


def chart_lines(app) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Each criterion's entry in the chart, as plain text, by criterion id."""
    chart = app.screen.chart
    options = [chart.get_option_at_index(i) for i in range(chart.option_count)]
    return {o.id: o.prompt.plain for o in options if o.id and not o.disabled}


async def highlight(pilot, option_list, wanted: str) -> None:  # type: ignore[no-untyped-def]
    """Move the highlight with the arrow keys until the wanted entry is highlighted."""
    for _ in range(option_list.option_count):
        current = option_list.get_option_at_index(option_list.highlighted)
        if current.id == wanted:
            return
        await pilot.press("down")
    raise AssertionError(f"{wanted} never highlighted")


async def test_the_dashboard_shows_the_figures_and_the_cases_behind_one(store):
    app = app_for(store)
    async with app.run_test(size=(120, 40)) as pilot:
        assert isinstance(app.screen, HomeScreen)
        await open_dashboard(pilot)
        assert isinstance(app.screen, ReportScreen)
        scope = text_of(app.screen.query_one("#scope"))
        assert "4 complete reviews of 4 cases" in scope
        assert "completed 2014-10-20 to 2014-10-22" in scope

        lines = chart_lines(app)
        assert "3 of the 4 relevant cases" in lines["rr.assessment"]
        assert "75%" in lines["rr.assessment"] and "Good" in lines["rr.assessment"]
        assert "three-quarters" in lines["rr.assessment"]
        assert "2 of the 4 relevant cases" in lines["rr.plan"]
        assert "50%" in lines["rr.plan"] and "Requires improvement" in lines["rr.plan"]
        assert "1 of the 2 relevant cases" in lines["pp.victims"]
        assert "1 not applicable" in lines["pp.victims"]
        # Criteria nobody could judge read sensibly: no "0 of 0", no "nan".
        assert "no relevant cases" in lines["rr.psr"] and "no rating" in lines["rr.psr"]
        assert not any("0 of 0" in line or "nan" in line for line in lines.values())
        # The first criterion is highlighted, ready for Enter.
        assert app.focused is app.screen.chart

        # Drill into a figure: the cases behind rr.plan, insufficient first with reasons and notes.
        await highlight(pilot, app.screen.chart, "rr.plan")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CasesScreen)
        heading = text_of(app.screen.query_one("#heading"))
        assert "Plan of work to reduce reoffending" in heading
        assert "2 of 4 (50%)" in heading and "Requires improvement" in heading
        cases = app.screen.query_one("#cases")
        shown = [cases.get_option_at_index(i).prompt.plain for i in range(cases.option_count)]
        assert shown[0] == "Insufficient: 2"
        assert shown[1].startswith("HAR-01  self review, team North")
        assert "Reasons: factors from the assessment left out of the plan" in shown[1]
        assert "Note: Plan ignores [bold red]peer group[/] work" in shown[1]  # literally
        assert shown[2].startswith("HAR-03  joint review, team South")
        assert "Reasons: goals not clear or measurable" in shown[2]
        assert shown[3] == "Sufficient: 2"
        assert [s.split()[0] for s in shown[4:6]] == ["HAR-02", "HAR-04"]
        assert shown[6] == "Not applicable: 0"
        assert cases.get_option_at_index(cases.highlighted).prompt.plain == shown[1]

        # Enter on a case opens its review; Escape from the list goes back to the figures.
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert app.screen.session.review.case_ref == "HAR-03"
        assert app.screen.session.review.mode == "joint"


async def test_escape_goes_back_from_the_cases_to_the_figures_and_home(store):
    app = app_for(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_dashboard(pilot)
        await highlight(pilot, app.screen.chart, "rr.assessment")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CasesScreen)
        cases = app.screen.query_one("#cases")
        first = cases.get_option_at_index(1).prompt.plain
        assert first.startswith("HAR-02") and "Note: No analysis of why he offends" in first
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ReportScreen)
        # The highlight stays on the criterion the user drilled into.
        chart = app.screen.chart
        assert chart.get_option_at_index(chart.highlighted).id == "rr.assessment"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_filters_by_team_and_dates_from_the_keyboard(store):
    app = app_for(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_dashboard(pilot)
        # Team: t focuses the team list; Enter opens it, the first team is North.
        await pilot.press("t")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("down", "enter")
        await settle(pilot)
        assert app.screen.filters.team == "North"
        scope = text_of(app.screen.query_one("#scope"))
        assert "2 complete reviews of 2 cases; team North" in scope
        lines = chart_lines(app)
        assert "1 of the 2 relevant cases" in lines["rr.assessment"]
        assert "50%" in lines["rr.assessment"]

        # Dates: d focuses "from"; a bad date is refused, a good one filters.
        await pilot.press("d")
        await pilot.press(*"2014-13-45", "enter")
        await pilot.pause()
        assert app.screen.filters.since is None
        app.screen.query_one("#since").value = ""
        await pilot.press(*"2014-10-21", "enter")
        await settle(pilot)
        assert str(app.screen.filters.since) == "2014-10-21"
        # North's reviews were completed on the 20th: none match both filters.
        (only,) = [
            app.screen.chart.get_option_at_index(i).prompt.plain
            for i in range(app.screen.chart.option_count)
        ]
        assert "Change the team or the dates above" in only
        assert "No complete reviews match" in text_of(app.screen.query_one("#scope"))


async def test_no_complete_reviews_reads_sensibly(tmp_path):
    app = app_for(Store.open(tmp_path / "empty"))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_dashboard(pilot)
        assert isinstance(app.screen, ReportScreen)
        assert "No complete reviews match" in text_of(app.screen.query_one("#scope"))
        chart = app.screen.chart
        assert chart.option_count == 1
        assert "When a review is complete" in chart.get_option_at_index(0).prompt.plain
        assert chart.check_action("select", ()) is False  # the footer offers no Enter
        await pilot.press("enter")  # nothing to drill into: stays put, no error
        await pilot.pause()
        assert isinstance(app.screen, ReportScreen)


async def test_an_unreadable_review_file_is_named_left_out_and_not_written(store):
    damaged = store.review_path("id-HAR-04")
    damaged.write_bytes(b"{not json")
    app = app_for(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_dashboard(pilot)
        problems = text_of(app.screen.query_one("#problems"))
        assert "1 store file could not be read" in problems and damaged.name in problems
        assert "3 complete reviews of 3 cases" in text_of(app.screen.query_one("#scope"))
    assert damaged.read_bytes() == b"{not json"


async def test_user_text_is_shown_literally_never_as_markup(tmp_path, frozen_time):
    fw = get_framework()
    store = Store.open(tmp_path / "store")
    store.save(
        Review(
            id="odd",
            case_ref="[bold red]HAR-66[/]",
            framework=fw.id,
            team="[i]West[/i] \x1b[31m",
            status="complete",
            facts=FACTS,
            judgements={
                "rr.plan": J("i", "made_up_reason", note="[blink]x[/blink] \x1b]0;title\x07 y")
            },
            completed_at=EARLY,
            updated_at=EARLY,
        ),
        Actor("Test manager", "manager"),
        action="imported",
        touch=False,
    )
    app = app_for(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_dashboard(pilot)
        scope = text_of(app.screen.query_one("#scope"))
        assert "[i]West[/i] ^[[31m" in scope and "\x1b" not in scope
        team = app.screen.query_one("#team")
        assert [str(label) for label, _value in team._options[1:]] == ["[i]West[/i] ^[[31m"]
        await highlight(pilot, app.screen.chart, "rr.plan")
        await pilot.press("enter")
        await pilot.pause()
        case = app.screen.query_one("#cases").get_option_at_index(1).prompt.plain
        assert case.startswith("[bold red]HAR-66[/]  self review, team [i]West[/i] ^[[31m")
        assert "Reasons: made_up_reason" in case
        assert "Note: [blink]x[/blink] ^[]0;title^G y" in case
        assert "\x1b" not in case and "\x07" not in case


# -- snapshots --------------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_dashboard_snapshot(snap_compare, store, size):
    assert snap_compare(app_for(store), terminal_size=size, run_before=open_dashboard)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_cases_behind_a_figure_snapshot(snap_compare, store, size):
    async def drill(pilot) -> None:  # type: ignore[no-untyped-def]
        await open_dashboard(pilot)
        await highlight(pilot, pilot.app.screen.chart, "rr.plan")
        await pilot.press("enter")
        await pilot.pause()

    assert snap_compare(app_for(store), terminal_size=size, run_before=drill)


def test_empty_dashboard_snapshot(snap_compare, tmp_path, frozen_time):
    app = app_for(Store.open(tmp_path / "empty"))
    assert snap_compare(app, terminal_size=(80, 24), run_before=open_dashboard)
