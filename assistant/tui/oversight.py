"""Countersigning and unlocking a review in the app (SPEC §10): a small form each.

``countersign`` and ``unlock`` ask who (and a comment, or why), then go through the session,
which saves and audits the change and refuses what it must (a review not complete, not
countersigned, ...); what the session says is shown by ``on_step``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Input, Label, Static

from assistant.engine.events import Notice, Step
from assistant.session import Session
from store.records import MAX_NAME, MAX_NOTE, name_problem


@dataclass(frozen=True)
class Signed:
    by: str
    text: str  # the comment (countersign) or the reason (unlock)


class OversightForm(ModalScreen[Signed | None]):
    """Who, and a comment or a reason; returns them, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    DEFAULT_CSS = """
    OversightForm { align: center middle; }
    OversightForm > Vertical {
        width: 72; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 1 2;
    }
    OversightForm Label { width: 1fr; }
    OversightForm #problem { color: $error; height: auto; }
    OversightForm Horizontal { height: auto; margin-top: 1; }
    OversightForm Button { margin-right: 2; }
    """

    def __init__(
        self,
        title: str,
        button: str,
        text_label: str,
        *,
        by: str = "",
        text_needed: bool,
        who: str = "Your name (the manager)",
    ) -> None:
        super().__init__()
        self.who = who
        self.heading = title
        self.button = button
        self.text_label = text_label
        self.by = by
        self.text_needed = text_needed

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.heading), id="heading")
            yield Label(self.who)
            yield Input(value=self.by, id="by", max_length=MAX_NAME)
            yield Label(self.text_label)
            yield Input(id="text", max_length=MAX_NOTE)
            yield Static("", id="problem")
            with Horizontal():
                yield Button(self.button, variant="primary", id="ok")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#by" if not self.by else "#text", Input).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def submit(self) -> None:
        by = " ".join(self.query_one("#by", Input).value.split())
        text = self.query_one("#text", Input).value.strip()
        problem = name_problem(by, "A name") if by else "Give your name."
        field = "#by"
        if problem is None and self.text_needed and not text:
            problem, field = f"{self.text_label} is needed.", "#text"
        if problem:
            self.query_one("#problem", Static).update(problem)
            self.query_one(field, Input).focus()
            return
        self.dismiss(Signed(by, text))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


def _problems(step: Step) -> list[str]:
    return [e.text for e in step.events if isinstance(e, Notice) and e.kind == "problem"]


def countersign(screen: Screen, session: Session, on_step: Callable[[Step], None]) -> None:
    """Ask who countersigns (and a comment), then countersign through the session."""
    _sign(
        screen,
        on_step,
        OversightForm(
            f"Countersign the review of {session.review.case_ref}: it is then locked until a "
            "manager unlocks it.",
            "Countersign",
            "Comment (optional)",
            by=_manager(session),
            text_needed=False,
        ),
        session.countersign,
        failed="Not countersigned",
        succeeded=("Countersigned", "Countersigned; the review is locked."),
    )


def unlock(screen: Screen, session: Session, on_step: Callable[[Step], None]) -> None:
    """Ask who unlocks and why, then unlock through the session."""
    _sign(
        screen,
        on_step,
        OversightForm(
            f"Unlock the review of {session.review.case_ref} so it can be changed. The audit "
            "trail keeps who unlocked it and why.",
            "Unlock",
            "Why it is unlocked",
            by=_manager(session),
            text_needed=True,
        ),
        session.unlock,
        failed="Not unlocked",
        succeeded=("Unlocked", "Unlocked; the unlock is in the audit trail."),
    )


def _manager(session: Session) -> str:
    """The name the form offers: the user's, when a manager."""
    return session.actor.name if session.actor.role == "manager" else ""


def _sign(
    screen: Screen,
    on_step: Callable[[Step], None],
    form: OversightForm,
    act: Callable[[str, str], Step],
    *,
    failed: str,
    succeeded: tuple[str, str],
) -> None:
    """Show ``form``; once filled, ``act(by, text)`` and say how it went."""

    def done(signed: Signed | None) -> None:
        if signed is None:
            return
        step = act(signed.by, signed.text)
        on_step(step)
        problems = _problems(step)
        if problems:
            screen.notify(problems[0], title=failed, severity="error", timeout=10)
        else:
            title, text = succeeded
            screen.notify(text, title=title)

    screen.app.push_screen(form, done)
