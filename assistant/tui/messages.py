"""The chat transcript: assistant turns on the left, the user's on the right, flags apart.

Messages are cheap ``Static`` widgets holding ``rich.text.Text`` (never markup, so user text
shows exactly as typed).  The transcript keeps at most ``MAX_WIDGETS`` message widgets in the
DOM and prunes the oldest: Textual's layout cost grows with the number of children, and a
500-message review must still show a flag within a frame or two.  The full history stays in
the review (the summary screen shows every answer).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from assistant.text import printable

if TYPE_CHECKING:
    from textual.widget import AwaitMount

    from assistant.presenter import Said

MAX_WIDGETS = 50


def literal(text: str) -> Text:
    """User or framework text, shown as typed (control characters made visible)."""
    return Text(printable(text))


class AssistantTurn(Static):
    DEFAULT_CSS = """
    AssistantTurn {
        width: 1fr;
        margin: 1 8 0 0;
        padding: 0 1;
        border-left: outer $primary;
        background: $boost;
    }
    AssistantTurn.-question { border-left: outer $accent; }
    AssistantTurn.-notice { border-left: outer $warning; color: $text-muted; }
    AssistantTurn.-info { border-left: outer $secondary; color: $text-muted; }
    """


class UserTurn(Static):
    DEFAULT_CSS = """
    UserTurn {
        width: 1fr;
        margin: 1 0 0 8;
        padding: 0 1;
        text-align: right;
        border-right: outer $success;
        background: $panel;
    }
    """


class FlagTurn(Static):
    """A deficit: names the criterion, the reasons, why it matters and what to do."""

    DEFAULT_CSS = """
    FlagTurn {
        width: 1fr;
        margin: 1 4 0 0;
        padding: 0 1;
        border: round $warning;
        background: $warning 10%;
    }
    FlagTurn.-urgent {
        border: heavy $error;
        background: $error 15%;
    }
    FlagTurn.-withdrawn {
        border: round $success;
        background: $boost;
        color: $text-muted;
    }
    """

    def __init__(self, message: Said) -> None:
        """``message``: the presenter's flag (or flag withdrawn) message."""
        assert message.flag is not None
        self.flag = message.flag
        withdrawn = message.kind == "withdrawn"
        classes = "-withdrawn" if withdrawn else ("-urgent" if self.flag.urgent else "")
        text = Text("\n").join(Text.assemble(*line) for line in message.lines)
        super().__init__(text, classes=classes)


class Transcript(VerticalScroll):
    """The scrolling chat, anchored to the newest message."""

    DEFAULT_CSS = """
    Transcript {
        height: 1fr;
        padding: 0 1 1 1;
        scrollbar-size-vertical: 1;
    }
    Transcript > .-pruned {
        color: $text-muted;
        text-align: center;
        width: 1fr;
    }
    """

    def __init__(self, *messages: Static, **kwargs: Any) -> None:
        """``messages``: the first ones (composed with the transcript, pruned to the newest)."""
        pruned = max(0, len(messages) - MAX_WIDGETS)
        kept = list(messages[pruned:])
        if pruned:
            kept.insert(0, Static(self._pruned_text(pruned), classes="-pruned"))
        super().__init__(*kept, **kwargs)
        self.pruned = pruned

    @staticmethod
    def _pruned_text(count: int) -> Text:
        return literal(f"{count} earlier messages are not shown here; F2 shows every answer.")

    def on_mount(self) -> None:
        # Anchored once the first frame is laid out: anchored before that, the compositor
        # scrolls past messages it has not sized yet, and the first frame shows none of them.
        self.call_after_refresh(self.anchor)

    def insert_after(self, after: Static, widgets: list[Static]) -> None:
        """Put ``widgets`` after the message ``after`` (a resumed review's history, under its
        opening line), pruning the oldest beyond MAX_WIDGETS as ``__init__`` would have."""
        shown = [w for w in self.children if not w.has_class("-pruned")]
        at = shown.index(after) + 1
        excess = max(0, len(shown) + len(widgets) - MAX_WIDGETS)
        gone = shown[: min(excess, at)]
        kept = widgets[max(0, excess - at) :]
        if kept:
            self.mount_all(kept, after=after)
        if gone:
            self.remove_children(gone)
        if excess:
            self.pruned += excess
            text = self._pruned_text(self.pruned)
            marker = self.query(".-pruned")
            if marker:
                marker.first(Static).update(text)
            else:
                self.mount(Static(text, classes="-pruned"), before=0)
        self.anchor()

    def add(self, *widgets: Static) -> AwaitMount:
        """Append messages, pruning the oldest beyond MAX_WIDGETS (awaitable: until they are
        mounted)."""
        mounted = self.mount_all(widgets)
        excess = len(self.children) - MAX_WIDGETS
        if excess > 0:
            old = [w for w in self.children if not w.has_class("-pruned")][:excess]
            self.pruned += len(old)
            for widget in old:
                widget.remove()
            marker = self.query(".-pruned")
            text = self._pruned_text(self.pruned)
            if marker:
                marker.first(Static).update(text)
            else:
                self.mount(Static(text, classes="-pruned"), before=0)
        self.anchor()
        return mounted
