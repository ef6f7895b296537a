"""Start a review: the case reference (a pseudonymous code), the mode and the team; in a joint
review, the participants (the inspector and the case manager) with their roles."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static

from store.records import MAX_CASE_REF, MAX_NAME, case_ref_problem, name_problem


@dataclass(frozen=True)
class NewReview:
    case_ref: str
    mode: str
    team: str
    case_manager: str = ""  # joint reviews: the case manager reviewing with the inspector
    inspector: str = ""  # joint reviews: the inspector (default: the app's user)


class NewReviewScreen(ModalScreen[NewReview | None]):
    """Returns the review to start, or None when cancelled.  The team field starts with the
    team used last (remembered per user)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    DEFAULT_CSS = """
    NewReviewScreen { align: center middle; }
    NewReviewScreen > Vertical {
        width: 72; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 1 2;
    }
    NewReviewScreen Label { width: 1fr; }
    NewReviewScreen #problem { color: $error; height: auto; }
    NewReviewScreen Horizontal { height: auto; margin-top: 1; }
    NewReviewScreen Button { margin-right: 2; }
    NewReviewScreen #people { height: auto; display: none; }
    NewReviewScreen.-joint #people { display: block; }
    """

    def __init__(
        self, *, inspector: str = "", case_ref: str = "", mode: str = "self", team: str = ""
    ) -> None:
        """``case_ref``, ``mode``, ``team``: the form filled in (a re-audit: the earlier
        review's); an empty ``team`` is the last one used."""
        super().__init__(classes="-joint" if mode == "joint" else "")
        self.inspector = inspector
        self.case_ref = case_ref
        self.mode = mode
        self.team = team

    def compose(self) -> ComposeResult:
        from assistant import prefs

        with Vertical():
            yield Label("Case reference: a pseudonymous code such as HAR-01, never a name")
            yield Input(
                value=self.case_ref, placeholder="HAR-01", id="case-ref", max_length=MAX_CASE_REF
            )
            yield Static("", id="problem")
            yield Label("Team (for the team's report; optional)")
            team = self.team or prefs.load().get("team")
            yield Input(
                value=team if isinstance(team, str) else "",
                placeholder="e.g. North",
                id="team",
                max_length=MAX_NAME,
            )
            yield Label("Mode")
            with RadioSet(id="mode"):
                yield RadioButton("Self-audit (my own case)", value=self.mode != "joint", id="self")
                yield RadioButton(
                    "Joint review with an inspector", value=self.mode == "joint", id="joint"
                )
            with Vertical(id="people"):
                yield Label("Inspector (whose judgement is recorded)")
                yield Input(value=self.inspector, id="inspector", max_length=MAX_NAME)
                yield Label("Case manager (whose view is recorded beside it)")
                yield Input(placeholder="e.g. Sam Patel", id="case-manager", max_length=MAX_NAME)
            with Horizontal():
                yield Button("Start", variant="primary", id="start")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#case-ref", Input).focus()

    @on(RadioSet.Changed)
    def _mode_changed(self, event: RadioSet.Changed) -> None:
        self.set_class(event.pressed.id == "joint", "-joint")

    @on(Input.Submitted)
    @on(Button.Pressed, "#start")
    def start(self) -> None:
        from assistant import prefs

        ref_input = self.query_one("#case-ref", Input)
        team = " ".join(self.query_one("#team", Input).value.split())
        problem = case_ref_problem(ref_input.value)
        field = ref_input
        if problem is None:
            problem = name_problem(team, "A team name")
            field = self.query_one("#team", Input)
        pressed = self.query_one(RadioSet).pressed_button
        mode = pressed.id if pressed is not None and pressed.id else "self"
        people = {"inspector": "", "case-manager": ""}
        if mode == "joint":
            for key, what in (
                ("inspector", "The inspector's name"),
                ("case-manager", "The case manager's name"),
            ):
                box = self.query_one(f"#{key}", Input)
                people[key] = " ".join(box.value.split())
                if problem is None:
                    found = name_problem(people[key], what)
                    if found:
                        problem, field = found, box
        if problem:
            self.query_one("#problem", Static).update(problem)
            field.focus()
            return
        prefs.remember("team", team)
        self.dismiss(
            NewReview(ref_input.value, mode, team, people["case-manager"], people["inspector"])
        )

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
