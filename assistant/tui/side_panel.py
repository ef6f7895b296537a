"""The side panel of a review: progress by section and the live list of flags."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from assistant.engine.flags import Flag, sort_for_attention
from assistant.engine.progress import Progress


def bar(done: int, total: int, width: int = 8) -> str:
    if total <= 0:
        return "·" * width
    filled = round(width * done / total)
    return "█" * filled + "░" * (width - filled)


class ProgressPanel(Static):
    DEFAULT_CSS = """
    ProgressPanel { height: auto; padding: 0 1; text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def show(self, progress: Progress) -> None:
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(
            f"Progress {progress.answered}/{progress.total} ({progress.percent}%)\n", style="bold"
        )
        text.append(f"{bar(progress.facts_answered, progress.facts_relevant, 6)} ")
        text.append(f"{progress.facts_answered:>2}/{progress.facts_relevant:<2} Case facts\n")
        for s in progress.sections:
            text.append(f"{bar(s.answered, s.applicable, 6)} ")
            text.append(f"{s.answered:>2}/{s.applicable:<2} ")
            if s.urgent_flags:
                text.append(f"!!{s.urgent_flags} ", style="bold")
            elif s.open_flags:
                text.append(f"⚑{s.open_flags} ", style="bold")
            text.append(f"{s.title}\n")
        self.update(text)


class FlagList(OptionList):
    """Open flags, urgent first; selecting one jumps to its question."""

    DEFAULT_CSS = """
    FlagList {
        height: 1fr; border: none; padding: 0;
        text-wrap: nowrap; text-overflow: ellipsis;
    }
    """

    _shown: tuple[tuple[str, str, tuple[str, ...]], ...] | None = None

    def show(self, flags: list[Flag]) -> None:
        key = tuple((f.id, f.state, f.reasons) for f in flags)
        if key == self._shown:
            return
        self._shown = key
        highlighted = self.highlighted
        self.clear_options()
        ordered = [f for f in sort_for_attention(flags) if f.open]
        if not ordered:
            self.add_option(
                Option(Text("No open flags", style="italic"), id="-none", disabled=True)
            )
            return
        for flag in ordered:
            label = Text(no_wrap=True, overflow="ellipsis")
            label.append("!! URGENT " if flag.urgent else "•  ", style="bold")
            label.append(flag.criterion, style="bold")
            label.append(f"\n   {flag.title}")
            self.add_option(Option(label, id=flag.id))
        if highlighted is not None and highlighted < self.option_count:
            self.highlighted = highlighted


class SidePanel(Vertical):
    DEFAULT_CSS = """
    SidePanel {
        width: 34;
        border-left: solid $primary 50%;
        padding: 0;
    }
    SidePanel .-title { text-style: bold; padding: 0 1; background: $boost; }
    """

    def compose(self) -> ComposeResult:
        yield ProgressPanel()
        yield Static("Flags (F6, Enter jumps)", classes="-title")
        yield FlagList(id="flags")
