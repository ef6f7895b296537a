"""The home screen: the stored reviews (urgent flags first), and where to go next."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Header, Static

from assistant.text import printable
from assistant.tui.context import the_app

if TYPE_CHECKING:
    from store import ReviewSummary


class HomeScreen(Screen[None]):
    BINDINGS = [
        Binding("n", "new", "New review"),
        Binding("enter", "resume", "Resume", show=False),
        Binding("l", "learning", "Learning"),
        Binding("r", "report", "Report"),
        Binding("a", "actions", "Actions"),
        Binding("N", "reaudit", "Re-audit"),
        Binding("f1,question_mark", "help", "Help"),
        Binding("q", "app.quit", "Quit", show=False),
    ]
    DEFAULT_CSS = """
    HomeScreen #intro { padding: 0 1; height: auto; }
    HomeScreen #problems { color: $error; padding: 0 1; height: auto; }
    HomeScreen #problems.-empty { display: none; }
    HomeScreen DataTable { height: 1fr; }
    HomeScreen #actions { height: auto; padding: 0 1; }
    HomeScreen #actions Button { margin-right: 1; }
    """

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="intro")
        yield Static(id="problems", classes="-empty")
        yield DataTable(id="reviews", cursor_type="row", zebra_stripes=True)
        with Horizontal(id="actions"):
            yield Button("New (n)", id="new", variant="primary", compact=True)
            yield Button("Resume (⏎)", id="resume", compact=True)
            yield Button("Learn (l)", id="learning", compact=True)
            yield Button("Report (r)", id="report", compact=True)
            yield Button("Help (F1)", id="help", compact=True)
            yield Button("Quit (q)", id="quit", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(
            "Case", "Team", "Mode", "Status", "Progress", "Open flags", "Urgent", "Updated"
        )
        self.refresh_reviews()

    def on_screen_resume(self) -> None:
        self.refresh_reviews()

    def refresh_reviews(self) -> None:
        store = the_app(self).store
        summaries = store.summaries()
        problems = summaries.problems
        note = self.query_one("#problems", Static)
        note.set_class(not problems, "-empty")
        note.update(Text("\n".join(f"Cannot read (left untouched): {p}" for p in problems)))
        table = self.query_one(DataTable)
        table.clear()

        def attention(s: ReviewSummary) -> tuple[int, int]:
            info = s.summary or {}
            return (-int(info.get("urgent_flags", 0)), -int(info.get("open_flags", 0)))

        shown = [s for s in summaries if s.mode != "learning"]
        for s in sorted(shown, key=attention):
            info = s.summary or {}
            answered, total = int(info.get("answered", 0)), int(info.get("total", 0))
            urgent = int(info.get("urgent_flags", 0))
            table.add_row(
                Text(printable(s.case_ref, single_line=True)),
                Text(printable(s.team, single_line=True)),
                s.mode,
                s.status.replace("_", " "),
                f"{answered}/{total}",
                str(info.get("open_flags", 0)),
                Text(f"!! {urgent}", style="bold") if urgent else Text("0"),
                s.updated_at.strftime("%Y-%m-%d %H:%M"),
                key=s.id,
            )
        intro = self.query_one("#intro", Static)
        if shown:
            intro.update(
                Text(
                    f"{len(shown)} review(s), most urgent first. Enter resumes the highlighted "
                    "review; n starts a new one."
                )
            )
            table.focus()
        else:
            intro.update(
                Text(
                    "No reviews yet. Press n to start one: you give a pseudonymous case "
                    "reference and answer one question per criterion."
                )
            )
            self.query_one("#new", Button).focus()

    def action_new(self, case_ref: str = "", mode: str = "self", new: bool = False) -> None:
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
        screen = NewReviewScreen(inspector=inspector, case_ref=case_ref, mode=mode)
        self.app.push_screen(screen, started)

    def action_reaudit(self) -> None:
        """A new review of the highlighted review's case (a re-audit): its earlier flags are
        shown at the start and compared at the end."""
        table = self.query_one(DataTable)
        if not table.row_count:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        found = next((s for s in the_app(self).store.summaries() if s.id == key), None)
        if found is not None:
            self.action_new(found.case_ref, found.mode, new=True)

    def action_actions(self) -> None:
        the_app(self).open_actions()

    def action_resume(self) -> None:
        table = self.query_one(DataTable)
        if not table.row_count:
            self.action_new()
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
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
            "help": self.action_help,
            "quit": self.app.exit,
        }
        action = actions.get(event.button.id or "")
        if action:
            action()
