"""Start a review: the case reference (a pseudonymous code) and the mode."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static

from assistant.text import valid_case_ref


class NewReviewScreen(ModalScreen[tuple[str, str] | None]):
    """Returns (case_ref, mode) or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    DEFAULT_CSS = """
    NewReviewScreen { align: center middle; }
    NewReviewScreen > Vertical {
        width: 64; max-width: 100%; height: auto;
        border: thick $primary; background: $surface; padding: 1 2;
    }
    NewReviewScreen #problem { color: $error; height: auto; }
    NewReviewScreen Horizontal { height: auto; margin-top: 1; }
    NewReviewScreen Button { margin-right: 2; }
    """

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Case reference (a pseudonymous code such as HAR-01, never a name)")
            yield Input(placeholder="HAR-01", id="case-ref", max_length=40)
            yield Static("", id="problem")
            yield Label("Mode")
            with RadioSet(id="mode"):
                yield RadioButton("Self-audit (my own case)", value=True, id="self")
                yield RadioButton("Joint review with an inspector", id="joint")
            with Horizontal():
                yield Button("Start", variant="primary", id="start")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#case-ref", Input).focus()

    @on(Input.Submitted, "#case-ref")
    @on(Button.Pressed, "#start")
    def start(self) -> None:
        ref = self.query_one("#case-ref", Input).value
        problem = valid_case_ref(ref)
        if problem:
            self.query_one("#problem", Static).update(problem)
            self.query_one("#case-ref", Input).focus()
            return
        pressed = self.query_one(RadioSet).pressed_button
        mode = pressed.id if pressed is not None and pressed.id else "self"
        self.dismiss((ref.strip(), mode))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
