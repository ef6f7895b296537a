"""Learning mode's review screen: the review chat with the practice case's file beside it.

A ``ReviewScreen`` playing a ``LearningSession``: the same chat, answer bar and keys, with the
case file where a review has its progress and flags panel.  Feedback comes as chat messages
(and highlights the extracts it cites in the case file), the end-of-case score as a small
table.  Below 100 columns the case file is not squeezed beside the chat: F3 (or ``/case``)
shows it in the chat's place and F3 brings the chat back.
"""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Static

from assistant.commands import Command, completions, parse
from assistant.engine.events import LearningFeedback, LearningScore, Step
from assistant.learning_session import LearningSession
from assistant.presenter import present_event
from assistant.text import printable
from assistant.tui.case_file import CaseFilePanel
from assistant.tui.learning_turns import FeedbackTurn, ScoreTurn
from assistant.tui.review import ReviewScreen

_BARE = ("retry", "case")  # typed without the slash, these are commands here too


class LearningScreen(ReviewScreen):
    """One practice case played as a review, with its case file."""

    BINDINGS = [
        Binding("f3", "toggle_panel", "Case file"),
        Binding("f5", "retry", "Retry"),
        Binding("f6", "focus_flags", "Read case"),
        Binding("escape", "leave", "Cases"),
    ]

    DEFAULT_CSS = """
    LearningScreen.-narrow CaseFilePanel { display: none; }
    LearningScreen.-panel-hidden CaseFilePanel { display: none; }
    LearningScreen.-narrow.-panel-shown CaseFilePanel {
        display: block; width: 1fr; border-left: none;
    }
    LearningScreen.-narrow.-panel-shown #chat { display: none; }
    """

    def __init__(self, session: LearningSession) -> None:
        self.learning = session
        super().__init__(session)  # type: ignore[arg-type]
        self.title = f"Practice {session.case.id}"
        fw = session.engine.fw
        items = [it.id for it in fw.facts] + [c.id for c in fw.criteria]
        self._commands = completions(items, learning=True)

    # --- the case file beside the chat ---------------------------------------------------

    def side_panel(self) -> Widget:
        return CaseFilePanel(self.learning.case, id="side")

    @property
    def case_file(self) -> CaseFilePanel | None:
        panels = self.query(CaseFilePanel)
        return panels.first() if panels else None

    def _cite(self, cites: tuple[str, ...]) -> None:
        panel = self.case_file
        if panel is not None:
            panel.highlight(cites)
        else:
            self._pending_cites = cites

    _pending_cites: tuple[str, ...] = ()

    async def _furnish(self) -> None:
        await super()._furnish()
        if self._pending_cites:
            self._cite(self._pending_cites)

    def _panel_shown(self) -> bool:
        if self.has_class("-narrow"):
            return self.has_class("-panel-shown")
        return not self.has_class("-panel-hidden")

    def action_toggle_panel(self) -> None:
        super().action_toggle_panel()
        panel = self.case_file
        if self.has_class("-narrow") and self._panel_shown() and panel is not None:
            panel.body.focus()  # the chat is hidden: read the case file
        else:
            self.answer_bar.input.focus()

    def show_case_file(self, extract_id: str = "") -> None:
        """``/case [ID]``: the case file on screen (and one extract of it highlighted)."""
        panel = self.case_file
        if panel is None:
            self.say("The case file is on its way; try again in a moment.")
            return
        if extract_id and not panel.show_extract(extract_id):
            known = ", ".join(e.id for e in self.learning.case.extracts)
            self.say(f"The case file has no extract {printable(extract_id)!r}: {known}.")
            return
        if not self._panel_shown():
            super().action_toggle_panel()
        panel.body.focus()

    def action_focus_flags(self) -> None:
        """F6 in learning mode: read the case file (arrows and Page keys scroll it)."""
        self.show_case_file()

    def action_retry(self) -> None:
        self.command(Command("retry"))

    # --- what the chat shows -------------------------------------------------------------

    def _history(self) -> list[Static]:
        case = self.learning.case
        side = "beside the chat" if not self.has_class("-narrow") else "one key away: F3"
        text = Text()
        text.append(f"Practice case {case.id}: {case.title}\n", style="bold")
        text.append(f"{case.summary}\n")
        text.append(
            f"Read the case file ({side}; /case ID highlights one extract). Answer as in a "
            "real review: the facts first, then each criterion. After each judgement you see "
            "the model answer and why; at the end, your score. A fictional case: nothing is "
            "written to your store."
        )
        return [self._turn(text, "info")]

    def _said_widgets(self, step: Step, skip: int = 0) -> list[Static]:
        widgets: list[Static] = []
        for event in step.events[skip:]:
            message = present_event(event)
            if message is None:
                continue
            if isinstance(event, LearningFeedback):
                widgets.append(FeedbackTurn(message, event))
                self._cite(event.cites)
            elif isinstance(event, LearningScore):
                widgets.append(ScoreTurn(message, event))
            else:
                widgets.append(self._said_widget(message))
        return widgets

    # --- input ---------------------------------------------------------------------------

    def parse_command(self, text: str) -> Command | None:
        command = parse(text, bare_words=False, learning=True)
        if command is None and text.strip().lower() in _BARE:
            command = parse(text, bare_words=True, learning=True)
        return command

    def command(self, command: Command) -> None:
        if command.name == "case":
            self.show_case_file(command.argument)
        else:
            super().command(command)

    def review_finished(self) -> None:
        """``finish`` with nothing open: the score is in the chat; stay to read it."""
        self.app.notify(
            "Your score is in the chat. Escape returns to the practice cases.",
            title="Practice finished",
        )
