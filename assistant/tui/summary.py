"""The summary of a review: every answer and flag; Enter on a row edits that answer."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Static

from assistant.engine.events import Step
from assistant.presenter import summary_lines
from assistant.session import Session
from assistant.text import printable

STATE_WORDS = {
    "answered": "",
    "unanswered": "not answered",
    "skipped": "skipped",
    "set_aside": "no longer applies",
    "waiting": "waits for a fact",
}


class SummaryScreen(ModalScreen[str | None]):
    """Returns the id of the item to edit, or None."""

    BINDINGS = [
        Binding("escape", "close", "Back to the chat"),
        Binding("e", "edit", "Edit answer"),
        Binding("c", "countersign", "Countersign"),
        Binding("u", "unlock", "Unlock"),
    ]
    DEFAULT_CSS = """
    SummaryScreen { align: center middle; }
    SummaryScreen > Vertical {
        width: 95%; height: 95%;
        border: thick $primary;
        background: $surface;
    }
    SummaryScreen #heading { padding: 0 1; text-style: bold; }
    SummaryScreen DataTable { height: 1fr; }
    """

    def __init__(self, session: Session, *, on_step: Callable[[Step], None] | None = None) -> None:
        super().__init__()
        self.session = session
        self.review = session.review
        self._on_step = on_step

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(id="heading")
            yield DataTable(id="rows", cursor_type="row", zebra_stripes=True)
            yield Footer()

    def _heading(self) -> Text:
        flags = [f for f in self.session.flags if f.open]
        urgent = sum(f.urgent for f in flags)
        title, _, remarks = summary_lines(self.session)
        heading = Text(f"{title}; {len(flags)} open flag(s), {urgent} urgent.\n")
        if self.session.locked:
            heading.append("COUNTERSIGNED AND LOCKED. ", style="bold reverse")
        for remark in remarks:
            heading.append(remark + "\n", style="italic")
        keys = "Enter edits an answer"
        if self.session.review.mode != "learning" and self.session.locked:
            keys += "; u unlocks"
        elif self.session.review.mode != "learning" and self.session.complete:
            keys += "; c countersigns"
        heading.append(
            f'{keys}. ⚑ flag, !! urgent flag, ≠ disagreement, " quotable, ✎ changed on '
            "interview evidence.",
            style="dim",
        )
        return heading

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("countersign", "unlock"):
            if self.session.review.mode == "learning":
                return False
            locked = self.session.locked
            return locked if action == "unlock" else (not locked and self.session.complete)
        return True

    def _stepped(self, step: Step) -> None:
        if self._on_step is not None:
            self._on_step(step)
        self.query_one("#heading", Static).update(self._heading())
        self.refresh_bindings()

    def action_countersign(self) -> None:
        from assistant.tui.oversight import countersign

        countersign(self, self.session, self._stepped)

    def action_unlock(self) -> None:
        from assistant.tui.oversight import unlock

        unlock(self, self.session, self._stepped)

    def on_mount(self) -> None:
        self.session.refresh()  # an action closed or a countersignature given elsewhere
        self.query_one("#heading", Static).update(self._heading())
        table = self.query_one(DataTable)
        table.add_column("Flag", width=6)
        table.add_column("Id", width=20)
        table.add_column("Answer", width=18)
        table.add_column("Question", width=36)
        table.add_column("Reasons / note", width=60)
        checks: dict[str, list] = {}
        for flag in (f for f in self.session.flags if f.open):
            if flag.source == "check":
                checks.setdefault(flag.criterion, []).append(flag)
        for row in self.session.summary_rows():
            answer = Text(printable(row.answer, single_line=True))
            if row.state != "answered":
                answer = Text(STATE_WORDS[row.state], style="italic")
            note = printable(row.note, single_line=True)
            detail = "; ".join(x for x in (row.reasons, *row.marks, note) if x)
            mark = ""
            if row.flagged:
                mark = "!!" if row.urgent else "⚑"
            if checks.get(row.item):
                mark += "⚑" if not mark else ""
                found = "; ".join(printable(f.detail, single_line=True) for f in checks[row.item])
                detail = "; ".join(x for x in (detail, found) if x)
            if row.disagreement:
                mark += " ≠"
            if row.quotable:
                mark += ' "'
            if any(m.startswith("changed on interview evidence") for m in row.marks):
                mark += " ✎"
            table.add_row(
                Text(mark.strip(), style="bold"),
                row.item,
                answer,
                Text(printable(row.text, single_line=True)),
                Text(detail[:300]),
                key=row.item,
            )
        table.focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.dismiss(event.row_key.value)

    def action_edit(self) -> None:
        table = self.query_one(DataTable)
        if table.row_count:
            self.dismiss(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def action_close(self) -> None:
        self.dismiss(None)
