"""Learning mode's first screen: the practice cases with the learner's best scores, and the
walkthrough.  Enter plays the highlighted case (a new practice review in memory) or opens the
walkthrough; Escape goes back (or quits, when the app was opened on learning mode)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, Header, Static

from assistant.tui.context import the_app

if TYPE_CHECKING:
    from prompts.practice import PracticeCase

WALKTHROUGH = "walkthrough"


class LearningListScreen(Screen[None]):
    BINDINGS = [
        Binding("w", "walkthrough", "Walkthrough"),
        Binding("escape", "leave", "Back"),
        Binding("q", "app.quit", "Quit", show=False),
    ]
    DEFAULT_CSS = """
    LearningListScreen #intro { padding: 0 1; height: auto; }
    LearningListScreen #problems { color: $error; padding: 0 1; height: auto; }
    LearningListScreen #problems.-empty { display: none; }
    LearningListScreen DataTable { height: 1fr; }
    LearningListScreen #details {
        height: auto; max-height: 8; padding: 0 1;
        border-top: solid $primary 50%;
    }
    """

    def __init__(self, play: str | None = None) -> None:
        """``play``: a case to open at once (``case-review learn CASE``)."""
        super().__init__()
        self.title = "Learning mode"
        self._play = play
        self.cases: dict[str, PracticeCase] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(
            Text(
                "Practise on fictional cases: answer as in a real review, see the model "
                "answer after each judgement, and a score at the end. Nothing is written to "
                "your store. Enter plays the highlighted case; w (or the last row) explains "
                "every criterion."
            ),
            id="intro",
        )
        yield Static(id="problems", classes="-empty")
        yield DataTable(id="cases", cursor_type="row", zebra_stripes=True)
        yield Static(id="details")
        yield Footer()

    def on_mount(self) -> None:
        from prompts.practice import find_practice_cases

        cases, problems = find_practice_cases(the_app(self).framework)
        self.cases = {c.id: c for c in cases}
        lines = [f"Left out: {p}" for p in problems]
        if not cases:
            lines.append(f"No practice cases for framework {the_app(self).framework.id}.")
        self._note(lines)
        table = self.query_one(DataTable)
        for label, key in (("Case", "case"), ("Best score", "best"), ("Title", "title")):
            table.add_column(label, key=key)
        self.refresh_scores()
        table.focus()
        if self._play:
            wanted, self._play = self._play, None
            self.call_after_refresh(self.play, wanted)

    def on_screen_resume(self) -> None:
        self.refresh_scores()

    def _note(self, lines: list[str]) -> None:
        note = self.query_one("#problems", Static)
        note.set_class(not lines, "-empty")
        note.update(Text("\n".join(lines)))

    def refresh_scores(self) -> None:
        from assistant.learning_progress import ProgressError, best, load

        try:
            best_of = best(load())
        except ProgressError as exc:
            best_of = {}
            self._note([f"Scores not shown: {exc}; the file is left as it is."])
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        for case_id, case in self.cases.items():
            held = best_of.get(case_id)
            score = Text(held.score_text()) if held else Text("not tried", style="dim")
            table.add_row(case_id, score, Text(case.title), key=case_id)
        table.add_row(
            WALKTHROUGH, "", Text("Every criterion explained (no case needed)"), key=WALKTHROUGH
        )
        table.move_cursor(row=min(row, table.row_count - 1))
        self._details()

    def _highlighted(self) -> str | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._details()

    def _details(self) -> None:
        key = self._highlighted()
        case = self.cases.get(key or "")
        text = Text()
        if case is not None:
            text.append(f"{case.title}\n", style="bold")
            text.append(case.summary)
        elif key == WALKTHROUGH:
            text.append("The walkthrough\n", style="bold")
            text.append(
                "Every criterion in the order a review asks them: the question, why it "
                "matters and what good looks like."
            )
        self.query_one("#details", Static).update(text)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_play()

    def action_play(self) -> None:
        key = self._highlighted()
        if key == WALKTHROUGH:
            self.action_walkthrough()
        elif key:
            self.play(key)

    def play(self, case_id: str) -> None:
        """A new practice review of ``case_id``, in a memory store of its own."""
        from assistant.learning_session import LearningSession
        from assistant.tui.learning import LearningScreen
        from store import Actor

        case = self.cases.get(case_id)
        if case is None:
            self.notify(f"No practice case {case_id!r}.", severity="error")
            return
        app = the_app(self)
        actor = Actor(app.actor.name, "learner")
        session = LearningSession.open(case, app.engine, actor=actor)
        app.push_screen(LearningScreen(session))

    def action_walkthrough(self) -> None:
        self.app.push_screen(WalkthroughScreen())

    def action_leave(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()
        else:  # opened on learning mode (case-review learn CASE): nothing beneath
            self.app.exit()


class WalkthroughScreen(ModalScreen[None]):
    """Every criterion: its question, why it matters, what good looks like."""

    BINDINGS = [Binding("escape,q", "close", "Close")]
    DEFAULT_CSS = """
    WalkthroughScreen { align: center middle; }
    WalkthroughScreen > VerticalScroll {
        width: 100; max-width: 100%; height: 95%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    WalkthroughScreen Static { margin: 0 0 1 0; }
    """

    def compose(self) -> ComposeResult:
        from assistant.presenter import present_walkthrough

        with VerticalScroll():
            for message in present_walkthrough(the_app(self).framework):
                yield Static(Text("\n").join(Text.assemble(*line) for line in message.lines))

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()

    def action_close(self) -> None:
        self.dismiss(None)
