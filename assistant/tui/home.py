"""The home screen: the stored reviews, most urgent first, a page at a time, and where to go next.

The rows come from ``ReviewStore.summaries(order="urgency", offset=, limit=)``, one page
(``PAGE`` rows) at a time, listed in a thread, so however large the store the screen shows at
once and the rows follow; the first page is usually listed already (``app.first_page``: the
command line starts it before Textual is imported, see ``assistant.tui.launch``).  Moving
past the last row of a page (down, page down, ``]``) shows the next page, past the first the
previous one, so the table reads as one long list.  ``/`` searches by case reference (the
rows update as you type), ``t`` filters by team; Enter in either goes back to the rows,
Escape clears it.  The home keys (n, l, r, Enter, q) work wherever the rows have the focus.

The page is listed once when the screen opens.  Coming back to it (from a review, the report)
lists the same page again, which costs what changed in the store (the file store reads only
the listing lines written since, ``store.file_listing``), and only the rows that differ are
redrawn: a changed cell is updated in place, and the page is rebuilt only when its reviews or
their order changed.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.coordinate import Coordinate
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Button, DataTable, Footer, Header, Input, Static

from assistant.text import printable
from assistant.tui import home_page
from assistant.tui.context import the_app

if TYPE_CHECKING:
    from store import Listing, ReviewStore, ReviewSummary

COLUMNS = ("Case", "Team", "Mode", "Status", "Progress", "Open flags", "Urgent", "Updated")
SEARCH_DELAY = 0.15  # seconds of no typing before a search lists the store


def row_cells(s: ReviewSummary) -> tuple[Any, ...]:
    """A review's cells in the table (text from the store is shown literally)."""
    info = s.summary or {}
    answered, total = int(info.get("answered", 0)), int(info.get("total", 0))
    urgent = int(info.get("urgent_flags", 0))
    return (
        Text(printable(s.case_ref, single_line=True)),
        Text(printable(s.team, single_line=True)),
        s.mode,
        s.status.replace("_", " "),
        f"{answered}/{total}",
        str(info.get("open_flags", 0)),
        Text(f"!! {urgent}", style="bold") if urgent else Text("0"),
        s.updated_at.strftime("%Y-%m-%d %H:%M"),
    )


class ReviewTable(DataTable[Any]):
    """The page of reviews shown; moving past its last (or first) row turns the page."""

    BINDINGS = [
        Binding("right_square_bracket", "turn(1)", "Next page", show=False),
        Binding("left_square_bracket", "turn(-1)", "Previous page", show=False),
    ]

    class Turn(Message):
        """The user moved past the page: show the next (+1) or previous (-1) one."""

        def __init__(self, step: int, to_end: bool = False) -> None:
            super().__init__()
            self.step = step
            self.to_end = to_end  # on the previous page, land on its last row

    def action_turn(self, step: int) -> None:
        self.post_message(self.Turn(step))

    def action_cursor_down(self) -> None:
        if self.row_count and self.cursor_row >= self.row_count - 1:
            self.post_message(self.Turn(1))
        else:
            super().action_cursor_down()

    def action_cursor_up(self) -> None:
        if self.cursor_row <= 0:
            self.post_message(self.Turn(-1, to_end=True))
        else:
            super().action_cursor_up()

    def action_page_down(self) -> None:
        if self.row_count and self.cursor_row >= self.row_count - 1:
            self.post_message(self.Turn(1))
        else:
            super().action_page_down()

    def action_page_up(self) -> None:
        if self.cursor_row <= 0:
            self.post_message(self.Turn(-1))
        else:
            super().action_page_up()


class HomeScreen(Screen[None]):
    PAGE = home_page.PAGE  # rows listed at a time
    AUTO_FOCUS = "#reviews"

    BINDINGS = [
        Binding("n", "new", "New review"),
        Binding("enter", "resume", "Resume", show=False),
        Binding("l", "learning", "Learning"),
        Binding("r", "report", "Report"),
        Binding("a", "actions", "Actions"),
        Binding("N", "reaudit", "Re-audit"),
        # Priority: run as soon as the key is read, so the keys typed right after it go to
        # the field it opens (not to the rows, which already had them queued); not while a
        # field has the focus (see check_action), where they are typed.
        Binding("slash", "search", "Search", priority=True),
        Binding("t", "team", "Team", show=False, priority=True),
        Binding("f1,question_mark", "help", "Help"),
        Binding("q", "app.quit", "Quit", show=False),
    ]
    DEFAULT_CSS = """
    HomeScreen #intro { padding: 0 1; height: auto; }
    HomeScreen #problems { color: $error; padding: 0 1; height: auto; }
    HomeScreen #problems.-empty { display: none; }
    HomeScreen #filters { height: 1; padding: 0 1; margin-bottom: 1; }
    HomeScreen #filters.-hidden { display: none; }
    HomeScreen #filters Input { width: 1fr; margin-right: 2; }
    HomeScreen DataTable { height: 1fr; }
    HomeScreen #actions { height: auto; padding: 0 1; }
    HomeScreen #actions Button { margin-right: 0; min-width: 0; width: auto; padding: 0; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.first_row = 0  # the first row of the page shown, in the whole list
        self.total: int | None = None  # reviews matching the filters (None: not listed yet)
        self.query_text = ""  # case references containing this (ignoring case)
        self.team = ""  # of this team (ignoring case)
        self.loads = 0  # pages shown so far (tests and benchmarks wait on it)
        self._shown: list[str] = []  # review ids on the page, in order
        self._cells: dict[str, tuple[Any, ...]] = {}
        self._summaries: dict[str, ReviewSummary] = {}  # the page's reviews, by id
        self._suspended = False
        self._land_on: str | int | None = None  # where the cursor goes once a page is shown
        self._search_timer: Timer | None = None
        self._generation = 0  # of the latest listing asked for: older ones are not shown
        self._shown_generation = 0  # of the listing on the screen
        self._resume_when_shown = False  # Enter came while a listing was on its way

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(Text("Listing the reviews..."), id="intro")
        yield Static(id="problems", classes="-empty")
        with Horizontal(id="filters", classes="-hidden"):
            for field in (
                Input(placeholder="Case reference contains...", id="search", compact=True),
                Input(placeholder="Team, then Enter (empty: all)", id="team", compact=True),
            ):
                field.display = False  # until / or t opens it
                yield field
        yield ReviewTable(id="reviews", cursor_type="row", zebra_stripes=True)
        with Horizontal(id="actions"):
            yield Button("New (n)", id="new", variant="primary", compact=True)
            yield Button("Resume (⏎)", id="resume", compact=True)
            yield Button("Learn (l)", id="learning", compact=True)
            yield Button("Report (r)", id="report", compact=True)
            yield Button("Actions (a)", id="open-actions", compact=True)
            yield Button("Help (F1)", id="help", compact=True)
            yield Button("Quit (q)", id="quit", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(ReviewTable).add_columns(*COLUMNS)
        self.list_page()

    def on_screen_suspend(self) -> None:
        self._suspended = True

    def on_screen_resume(self) -> None:
        if self._suspended:  # back from a review or the report: only what changed is redrawn
            self._suspended = False
            self.list_page()

    # -- listing -----------------------------------------------------------------------------

    def list_page(self, offset: int | None = None, land_on: str | int | None = None) -> None:
        """List a page (the current one by default) in a thread; it is shown when ready."""
        if offset is not None:
            self.first_row = max(0, offset)
        self._land_on = land_on
        self._generation += 1
        self._list(self._generation, self.first_row, self.team or None, self.query_text or None)

    @work(thread=True, group="home-listing")
    def _list(self, generation: int, offset: int, team: str | None, query: str | None) -> None:
        app = the_app(self)
        store = app.store
        listing: Listing | None = None
        prefetched, app.first_page = app.first_page, None
        if prefetched is not None and (offset, team, query) == (0, None, None):
            with contextlib.suppress(Exception):  # (else listed here, as any other page)
                listing = prefetched.result()
        if listing is None or len(listing) > self.PAGE:
            listing = self._page(store, offset, team, query)
        if offset and not listing and listing.total:  # past the end (reviews went): last page
            offset = (listing.total - 1) // self.PAGE * self.PAGE
            listing = self._page(store, offset, team, query)
        with contextlib.suppress(RuntimeError):  # (the app closed meanwhile)
            self.app.call_from_thread(self._show, generation, listing, offset)

    def _page(
        self, store: ReviewStore, offset: int, team: str | None, query: str | None
    ) -> Listing:
        return store.summaries(
            team=team, query=query, order="urgency", offset=offset, limit=self.PAGE
        )

    def _show(self, generation: int, listing: Listing, offset: int) -> None:
        if not self.is_mounted or generation != self._generation:
            return  # a later listing was asked for (typing in the search, a page turned)
        self._shown_generation = generation
        self.first_row, self.total = offset, listing.total
        note = self.query_one("#problems", Static)
        problems = listing.problems
        note.set_class(not problems, "-empty")
        note.update(Text("\n".join(f"Cannot read (left untouched): {p}" for p in problems)))
        shown = [s for s in listing if s.mode != "learning"]
        self._fill(shown)
        self._describe(len(shown))
        self.loads += 1
        if self._resume_when_shown:
            self._resume_when_shown = False
            self.action_resume()

    def _fill(self, shown: list[ReviewSummary]) -> None:
        """Put the page in the table: changed cells in place when it holds the same reviews in
        the same order, else the page afresh; the cursor stays on its review."""
        table = self.query_one(ReviewTable)
        ids = [s.id for s in shown]
        cells = {s.id: row_cells(s) for s in shown}
        current = self._current_id()
        if ids == self._shown:
            for review_id in ids:
                old, new = self._cells[review_id], cells[review_id]
                for column, (before, after) in enumerate(zip(old, new, strict=True)):
                    if str(before) != str(after) or getattr(before, "style", None) != getattr(
                        after, "style", None
                    ):
                        table.update_cell_at(Coordinate(ids.index(review_id), column), after)
        else:
            table.clear()
            for review_id in ids:
                table.add_row(*cells[review_id], key=review_id)
        self._shown, self._cells = ids, cells
        self._summaries = {s.id: s for s in shown}
        land = self._land_on
        self._land_on = None
        if land == "last" and ids:
            table.move_cursor(row=len(ids) - 1)
        elif land == "first" or (land is None and current not in ids):
            table.move_cursor(row=0)
        elif current in ids:
            table.move_cursor(row=ids.index(current))

    def _current_id(self) -> str | None:
        table = self.query_one(ReviewTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return key if isinstance(key, str) else None

    def _describe(self, shown: int) -> None:
        intro = self.query_one("#intro", Static)
        total = self.total or 0
        filtered = bool(self.query_text or self.team)
        if not total and not filtered:
            intro.update(
                Text(
                    "No reviews yet. Press n to start one: you give a pseudonymous case "
                    "reference and answer one question per criterion."
                )
            )
            if not self.query_one("#filters").has_focus_within:
                self.query_one("#new", Button).focus()
            return
        matching = []
        if self.query_text:
            matching.append(f"case reference containing {self.query_text!r}")
        if self.team:
            matching.append(f"team {self.team!r}")
        what = f"{total:,} review(s)" + (f" with {' and '.join(matching)}" if matching else "")
        if total > shown:
            what += f"; showing {self.first_row + 1:,}-{self.first_row + shown:,}"
        keys = (
            "Enter resumes the highlighted review; n starts a new one; / searches case "
            "references, t filters by team"
        )
        if total > self.PAGE:
            keys += "; move past the first or last row for the previous or next page"
        intro.update(Text(f"{what}, most urgent first. {keys}."))
        if not self.query_one("#filters").has_focus_within:
            self.query_one(ReviewTable).focus()

    @on(ReviewTable.Turn)
    def _turn(self, event: ReviewTable.Turn) -> None:
        event.stop()
        total = self.total or 0
        target = self.first_row + event.step * self.PAGE
        if target < 0 or target >= total:
            return
        self.list_page(target, land_on="last" if event.to_end else "first")

    # -- search and team filter ----------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # In a field that has the focus, / and t are typed into it.
        return not (action in ("search", "team") and isinstance(self.focused, Input))

    def action_search(self) -> None:
        self._open_filter("#search")

    def action_team(self) -> None:
        self._open_filter("#team")

    def _open_filter(self, which: str) -> None:
        self.query_one("#filters").remove_class("-hidden")
        field = self.query_one(which, Input)
        field.display = True
        self.set_focus(field)  # now, not after the keys already typed (focus() waits its turn)

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        self._search_timer = self.set_timer(SEARCH_DELAY, lambda: self._apply_search(event.value))

    def _apply_search(self, value: str) -> None:
        value = value.strip()
        if value != self.query_text:
            self.query_text = value
            self.list_page(0, land_on="first")

    @on(Input.Submitted, "#search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        if not event.input.has_focus:
            # A second Enter typed before the first gave the rows the focus: it reached the
            # field, but was meant for the rows.
            self.action_resume()
            return
        self._apply_search(event.value)
        self.set_focus(self.query_one(ReviewTable))  # now: an Enter typed next opens a row

    @on(Input.Submitted, "#team")
    def _team_submitted(self, event: Input.Submitted) -> None:
        if not event.input.has_focus:  # (as in the search)
            self.action_resume()
            return
        team = event.value.strip()
        if team != self.team:
            self.team = team
            self.list_page(0, land_on="first")
        if not team:
            self._close_filter("#team")
        self.set_focus(self.query_one(ReviewTable))

    def key_escape(self) -> None:
        """Escape in a filter clears it and goes back to the rows."""
        focused = self.focused
        if isinstance(focused, Input) and focused.id in ("search", "team"):
            focused.value = ""
            changed = (focused.id == "search" and self.query_text) or (
                focused.id == "team" and self.team
            )
            if focused.id == "search":
                self.query_text = ""
            else:
                self.team = ""
            self._close_filter(f"#{focused.id}")
            self.set_focus(self.query_one(ReviewTable))
            if changed:
                self.list_page(0, land_on="first")

    def _close_filter(self, which: str) -> None:
        field = self.query_one(which, Input)
        field.display = False
        if not any(i.display for i in self.query("#filters Input")):
            self.query_one("#filters").add_class("-hidden")

    # -- actions -------------------------------------------------------------------------------

    def action_new(
        self, case_ref: str = "", mode: str = "self", new: bool = False, team: str = ""
    ) -> None:
        from assistant.tui.new_review import NewReview, NewReviewScreen

        def started(result: NewReview | None) -> None:
            if result:
                the_app(self).open_review(
                    result.case_ref,
                    result.mode,
                    team=result.team or None,
                    new=new,
                    case_manager=result.case_manager or None,
                    reviewer=result.inspector or None,
                )

        inspector = the_app(self).actor.name
        screen = NewReviewScreen(inspector=inspector, case_ref=case_ref, mode=mode, team=team)
        self.app.push_screen(screen, started)

    def action_reaudit(self) -> None:
        """A new review of the highlighted review's case (a re-audit): its earlier flags are
        shown at the start and compared at the end."""
        key = self._current_id()
        found = self._summaries.get(key) if key is not None else None
        if found is not None:
            self.action_new(found.case_ref, found.mode, new=True, team=found.team)

    def action_actions(self) -> None:
        the_app(self).open_actions()

    def action_resume(self) -> None:
        if self._shown_generation != self._generation:
            # The rows on the screen are about to be replaced (a search typed and Enter
            # pressed at once): open the highlighted review of the rows that come.
            self._resume_when_shown = True
            return
        table = self.query_one(ReviewTable)
        if not table.row_count:
            if not (self.query_text or self.team) and self.total is not None:
                self.action_new()
            return
        key = self._current_id()
        if key is not None:
            the_app(self).open_review_id(key)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_resume()

    def action_learning(self) -> None:
        from assistant.tui.learning_list import LearningListScreen

        self.app.push_screen(LearningListScreen())

    def action_report(self) -> None:
        the_app(self).open_report()

    def action_help(self) -> None:
        from assistant.tui.help import HelpScreen

        self.app.push_screen(HelpScreen())

    @on(Button.Pressed)
    def _button(self, event: Button.Pressed) -> None:
        actions = {
            "new": self.action_new,
            "resume": self.action_resume,
            "learning": self.action_learning,
            "report": self.action_report,
            "open-actions": self.action_actions,
            "help": self.action_help,
            "quit": self.app.exit,
        }
        action = actions.get(event.button.id or "")
        if action:
            action()
