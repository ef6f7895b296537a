"""The actions screen (SPEC §10): every flag across reviews as an action, urgent and oldest
first, with its age; filters by team, case and state; Enter opens the review at the
criterion; d marks the highlighted action done (audited; a countersigned review refuses).

The list comes from ``assistant.actions`` (the flags the engine derives, read through the
store's derived cache), so it is the list ``case-review actions`` prints.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Label, Select, Static

from assistant.actions import StateFilter
from assistant.text import printable
from assistant.tui.context import the_app

STATES = [("Open", "open"), ("Done", "done"), ("All", "all")]


def _one(text: str) -> str:
    return printable(text, single_line=True)


class ActionsScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("enter", "open", "Open at the criterion", show=False),
        Binding("d", "done", "Mark done"),
        Binding("t", "focus_team", "Team"),
        Binding("c", "focus_case", "Case"),
        Binding("f5", "refresh", "Refresh"),
    ]
    DEFAULT_CSS = """
    ActionsScreen #filters { height: 1; padding: 0 1; }
    ActionsScreen #filters Label { padding: 0 1 0 0; }
    ActionsScreen #filters .gap { padding: 0 1 0 2; }
    ActionsScreen #filters Input { width: 18; }
    ActionsScreen #state { width: 14; }
    ActionsScreen #scope { padding: 0 1; height: auto; }
    ActionsScreen #actions { height: 1fr; }
    ActionsScreen #escalations { padding: 0 1; height: auto; max-height: 8; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.actions: list[dict[str, Any]] = []
        self.state: StateFilter = "open"

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="filters"):
            yield Label("Team")
            yield Input(placeholder="all teams", id="team", compact=True)
            yield Label("Case", classes="gap")
            yield Input(placeholder="all cases", id="case", compact=True)
            yield Label("State", classes="gap")
            yield Select[str](STATES, value="open", allow_blank=False, id="state", compact=True)
        yield Static(Text("Reading the reviews…"), id="scope")
        yield DataTable(id="actions", cursor_type="row", zebra_stripes=True)
        yield Static(id="escalations")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Actions"
        self.sub_title = "every flag, urgent and oldest first"
        table = self.query_one(DataTable)
        table.add_columns("", "Age", "Case", "Criterion", "State", "Team", "Action: reasons")
        table.focus()
        self._reload()

    def on_screen_resume(self) -> None:
        self._reload()  # back from a review: an action may have been closed there

    def _filters(self) -> tuple[str | None, str | None, StateFilter]:
        team = self.query_one("#team", Input).value.strip() or None
        case = self.query_one("#case", Input).value.strip() or None
        return team, case, self.state

    def _reload(self) -> None:
        self._compute(*self._filters())

    @work(thread=True, exclusive=True, group="actions")
    def _compute(self, team: str | None, case: str | None, state: StateFilter) -> None:
        from assistant.actions import list_actions
        from store import StoreError

        try:
            found = list_actions(
                the_app(self).store,
                team=team,
                case=case,
                state=state,
            )
        except (StoreError, OSError) as exc:
            message = f"The actions cannot be listed: {exc}"
            self.app.call_from_thread(self._scope, Text(message))
            return
        self.app.call_from_thread(self._show, found)

    def _scope(self, text: Text) -> None:
        if self.is_attached:
            self.query_one("#scope", Static).update(text)

    def _show(self, found: Any) -> None:
        if not self.is_attached:
            return
        table = self.query_one(DataTable)
        keep = None
        if table.row_count:
            keep = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        table.clear()
        self.actions = found.actions
        for action in found.actions:
            urgent = action["severity"] == "urgent"
            reasons = "; ".join(action["reason_labels"])
            age = action["age_days"]
            table.add_row(
                Text("!! URGENT", style="bold reverse") if urgent else Text(""),
                f"{age} day{'' if age == 1 else 's'}",
                Text(_one(action["case_ref"])),
                action["criterion"],
                action["state"],
                Text(_one(action["team"])),
                Text(_one(action["title"] + (f": {reasons}" if reasons else ""))[:120]),
                key=action["id"],
            )
        which = {"open": "open ", "done": "done ", "all": ""}[self.state]
        scope = Text(
            f"{len(found.actions)} {which}action(s), urgent and oldest first. Enter opens the "
            "review at the criterion; d marks the action done."
        )
        if found.problems:
            scope.append(f"\n{len(found.problems)} review(s) could not be read (left out).")
        self._scope(scope)
        escalations = Text()
        if found.escalations:
            escalations.append(f"Escalations ({len(found.escalations)}):", style="bold")
            for e in found.escalations[-6:]:
                told = _one(e["told"]) or "no one named"
                when = f" on {e['told_on']}" if e["told_on"] else ""
                did = _one(e["response"]) or "not recorded yet"
                escalations.append(
                    f"\n{_one(e['case_ref'])} {e['criterion']}: told {told}{when}; did: {did}"
                )
        self.query_one("#escalations", Static).update(escalations)
        ids = [a["id"] for a in self.actions]
        if keep in ids:
            table.move_cursor(row=ids.index(keep))

    def _highlighted(self) -> dict[str, Any] | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((a for a in self.actions if a["id"] == key), None)

    # --- filters ---------------------------------------------------------------------------

    @on(Input.Submitted, "#team, #case")
    def _filter_submitted(self) -> None:
        self._reload()
        self.query_one(DataTable).focus()

    @on(Select.Changed, "#state")
    def _state_changed(self, event: Select.Changed) -> None:
        for state in ("open", "done", "all"):
            if event.value == state and state != self.state:
                self.state = state
                self._reload()

    # --- actions ---------------------------------------------------------------------------

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open()

    def action_open(self) -> None:
        action = self._highlighted()
        if action is not None:
            the_app(self).open_review_id(action["review_id"], at=action["criterion"])

    def action_done(self) -> None:
        from assistant.tui.oversight import OversightForm, Signed

        action = self._highlighted()
        if action is None or action["state"] == "done":
            return

        def closed(signed: Signed | None) -> None:
            from assistant.actions import ActionError, close_action
            from store import Actor

            if signed is None:
                return
            try:
                message = close_action(
                    the_app(self).store,
                    action["id"],
                    Actor(signed.by, the_app(self).actor.role),
                    note=signed.text,
                )
            except ActionError as exc:
                self.notify(str(exc), title="Not closed", severity="error", timeout=10)
                return
            self.notify(message, title="Action done")
            self._reload()

        self.app.push_screen(
            OversightForm(
                f"Mark done: {_one(action['case_ref'])} {action['criterion']}: "
                f"{_one(action['title'])}",
                "Mark done",
                "What was done (optional)",
                who="Your name",
                by=the_app(self).actor.name,
                text_needed=False,
            ),
            closed,
        )

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_focus_team(self) -> None:
        self.query_one("#team", Input).focus()

    def action_focus_case(self) -> None:
        self.query_one("#case", Input).focus()

    def action_refresh(self) -> None:
        self._reload()
