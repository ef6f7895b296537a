"""Where the user answers: quick-reply buttons, a multi-select for reasons, and the input.

The input keeps focus whenever a question waits.  While it is empty, a digit key picks that
quick reply at once (one keypress per question) or, in a multi-select, ticks that option;
Enter then confirms.  Anything else typed is free text; ``/`` starts a command.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.suggester import SuggestFromList
from textual.widgets import Button, Input, Static

from assistant.engine.events import Question
from store.records import MAX_NOTE


class AnswerInput(Input):
    """The answer box; digits act as quick-reply keys while it is empty."""

    class QuickKey(Message):
        def __init__(self, key: str) -> None:
            self.key = key
            super().__init__()

    BINDINGS = [Binding("tab", "complete", "Complete", show=False)]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.quick_keys: set[str] = set()

    def action_complete(self) -> None:
        """Tab completes a /command (the suggestion shown); elsewhere it moves focus on."""
        if self.value.startswith("/") and len(self._suggestion) > len(self.value):
            self.value = self._suggestion
            self.cursor_position = len(self.value)
        else:
            self.screen.focus_next()

    async def _on_key(self, event: events.Key) -> None:
        if event.character and event.character in self.quick_keys and not self.value:
            event.stop()
            event.prevent_default()
            self.post_message(self.QuickKey(event.character))
            return
        await super()._on_key(event)


class QuickReply(Button):
    DEFAULT_CSS = """
    QuickReply {
        min-width: 0;
        width: auto;
        height: 1;
        border: none;
        margin: 0 1 0 0;
        padding: 0;
        line-pad: 1;
    }
    """

    def __init__(self, key: str, label: str, value: str) -> None:
        super().__init__(Text(f"{key} {label}"), compact=True)
        self.key = key
        self.value = value


class AnswerBar(Vertical):
    """The quick replies, the reason picker and the input, for the current question."""

    DEFAULT_CSS = """
    AnswerBar {
        height: auto;
        max-height: 60%;
        padding: 0 1;
        border-top: solid $primary 50%;
    }
    AnswerBar #quick { height: auto; width: 1fr; }
    AnswerBar #quick.-stacked { layout: grid; grid-size: 2; grid-rows: 1; }
    AnswerBar #quick.-stacked.-one-column { grid-size: 1; }
    AnswerBar #quick.-stacked QuickReply {
        width: 1fr; text-align: left; content-align: left middle;
    }
    AnswerBar #picker { height: auto; max-height: 6; border: none; padding: 0; }
    AnswerBar #picker.-hidden { display: none; }
    AnswerBar #hint { color: $text-muted; height: auto; }
    AnswerBar AnswerInput { margin: 0; }
    """

    class Submitted(Message):
        """The user's input, the one message the answer bar posts: a typed line (``text``;
        an answer or a /command) or quick-reply ``values`` (one value, or the ticked options
        of a multi-select), with ``shown``, the reply in words for the transcript."""

        def __init__(
            self, text: str = "", values: list[str] | None = None, shown: str = ""
        ) -> None:
            self.text = text
            self.values = values
            self.shown = shown or text
            super().__init__()

    def __init__(self, commands: list[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.question: Question | None = None
        self._commands = commands
        self.furnished = False

    def compose(self) -> ComposeResult:
        # The first frame has the input only; the quick-reply buttons and the reason picker
        # come with ``furnish``, right after it (see ReviewScreen).
        yield Horizontal(id="quick")
        yield Static("", id="hint")
        yield AnswerInput(
            id="answer",
            placeholder="Type an answer, a quick-reply number, or / for commands",
            suggester=SuggestFromList(self._commands, case_sensitive=False),
            max_length=MAX_NOTE,
        )

    @property
    def input(self) -> AnswerInput:
        return self.query_one(AnswerInput)

    async def furnish(self) -> None:
        """Add the reason picker and show the quick replies of the waiting question."""
        from textual.widgets import SelectionList

        picker = SelectionList[str](id="picker", classes="-hidden")
        await self.mount(picker, before="#hint")
        if not picker.is_attached:
            return  # the app closed meanwhile (a review left as soon as it opened)
        self.furnished = True
        question, self.question = self.question, None
        self.show(question)

    def show(self, question: Question | None) -> None:
        """Offer the replies of ``question`` (None: no question waits)."""
        same_replies = (
            question is not None
            and self.question is not None
            and not question.multi
            and question.choices == self.question.choices
            and question.typed == self.question.typed
            and question.step == self.question.step
        )
        self.question = question
        if same_replies:
            return  # the same quick replies as before: nothing to rebuild
        if not self.furnished:
            self._show_keys(question)
            return
        from textual.widgets import SelectionList
        from textual.widgets.selection_list import Selection

        quick = self.query_one("#quick", Horizontal)
        picker = self.query_one("#picker", SelectionList)
        hint = self.query_one("#hint", Static)
        quick.remove_children()
        picker.clear_options()
        answer = self.input
        if question is None:
            picker.add_class("-hidden")
            answer.quick_keys = set()
            hint.update(
                Text("No question waits: F2 for the summary, /jump ID to change an answer.")
            )
            return
        if question.multi:
            options = [c for c in question.choices if c.value not in ("skip", "why", "none")]
            picker.add_options([Selection(Text(f"{c.key}. {c.label}"), c.value) for c in options])
            picker.remove_class("-hidden")
            rest = [c for c in question.choices if c not in options]
            quick.mount_all([QuickReply(c.key, c.label, c.value) for c in rest])
            if len(question.choices) <= 9:
                answer.quick_keys = {c.key for c in question.choices}
                hint.update(
                    Text("Digits tick options, Enter confirms; or say it in your own words.")
                )
            else:
                answer.quick_keys = set()
                hint.update(
                    Text("Type the numbers (e.g. 2 6 7) and Enter, or tick with the mouse.")
                )
        else:
            picker.add_class("-hidden")
            quick.mount_all([QuickReply(c.key, c.label, c.value) for c in question.choices])
            self.call_after_refresh(self._fit_quick_replies)
            few = len(question.choices) <= 9
            answer.quick_keys = (
                {c.key for c in question.choices} if few and not question.typed else set()
            )
            if question.step == "note":
                hint.update(Text("Type the note and Enter, or Enter on an empty box to skip."))
            elif question.typed:
                hint.update(Text("Type the answer and press Enter (or a quick reply's word)."))
            else:
                hint.update(Text("Press a number, or answer in your own words."))

    def _fit_quick_replies(self) -> None:
        """One row of quick replies when they fit the width, else two columns, else one (a
        long label: nothing is ever cut off; "6 Why?" must stay visible on a narrow chat)."""
        quick = self.query_one("#quick", Horizontal)
        widths = [len(str(b.label)) + 3 for b in quick.query(QuickReply)]
        width = quick.size.width
        stacked = sum(widths) > width > 0
        quick.set_class(stacked, "-stacked")
        quick.set_class(stacked and max(widths, default=0) > width // 2, "-one-column")

    def on_resize(self) -> None:
        if self.furnished:
            self._fit_quick_replies()

    def _show_keys(self, question: Question | None) -> None:
        """Before ``furnish``: the digit keys already work for a single choice."""
        if question is None or question.typed or question.multi or len(question.choices) > 9:
            self.input.quick_keys = set()
        else:
            self.input.quick_keys = {c.key for c in question.choices}

    def key_pressed(self, key: str) -> None:
        """A digit typed in the empty input."""
        question = self.question
        if question is None:
            return
        choice = next((c for c in question.choices if c.key == key), None)
        if choice is None:
            return
        if question.multi and self.furnished:
            from textual.widgets import SelectionList

            picker = self.query_one("#picker", SelectionList)
            values = [picker.get_option_at_index(i).value for i in range(picker.option_count)]
            if choice.value in values:
                picker.toggle(choice.value)
                return
        self._pick([choice.value])

    def _pick(self, values: list[str]) -> None:
        question = self.question
        labels = {c.value: c.label for c in question.choices} if question else {}
        shown = ", ".join(labels.get(v, v) for v in values) or "None of these"
        self.post_message(self.Submitted(values=values, shown=shown))

    @on(AnswerInput.QuickKey)
    def _quick_key(self, event: AnswerInput.QuickKey) -> None:
        event.stop()
        self.key_pressed(event.key)

    @on(Input.Submitted, "#answer")
    def _typed(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value
        if not text.strip() and self.confirm_selection():
            event.input.value = ""
            return
        # The line stays in the box until the screen takes it (``take``), in the turn that
        # shows the answer: cleared here, the empty box got a frame of its own first and the
        # answer (its flag) waited for the next frame, 16 ms on.
        self.post_message(self.Submitted(text))

    def take(self, submitted: Submitted) -> bool:
        """Clear the box of the typed line ``submitted`` carries, as the screen takes it.
        False if it was taken already: a second Enter pressed before the screen took the
        first sends the same line again."""
        if submitted.values is not None:
            return True
        box = self.input
        if box.value != submitted.text:
            return False
        box.value = ""
        return True

    def confirm_selection(self) -> bool:
        """Enter on an empty input: submit the ticked options of a multi-select."""
        question = self.question
        if question is None:
            return False
        if question.multi:
            from textual.widgets import SelectionList

            if not self.furnished:
                return True  # the picker is on its way; nothing is ticked yet
            picker = self.query_one("#picker", SelectionList)
            self._pick(list(picker.selected))
            return True
        if question.step == "note":
            self._pick(["skip"])
            return True
        return False

    @on(QuickReply.Pressed)
    def _quick(self, event: QuickReply.Pressed) -> None:
        event.stop()
        assert isinstance(event.button, QuickReply)
        self._pick([event.button.value])
        self.input.focus()
