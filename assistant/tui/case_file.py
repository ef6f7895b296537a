"""Learning mode's case file: the extracts of a practice case, beside the chat.

Scrollable; the extracts a feedback message cites are highlighted (a marked heading and an
accent frame) and the first of them is scrolled into view.  Practice-case text is ours, but it
is shown as ``Text`` all the same, never read as markup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

if TYPE_CHECKING:
    from prompts.practice import Extract, PracticeCase

CITED_MARK = "» "


class ExtractView(Static):
    """One extract: its heading (and id, for ``/case ID``) and its text."""

    DEFAULT_CSS = """
    ExtractView {
        width: 1fr;
        padding: 0 1;
        margin: 0 0 1 0;
        border-left: outer $panel;
    }
    ExtractView.-cited {
        border-left: outer $accent;
        background: $accent 20%;
    }
    """

    def __init__(self, extract: Extract) -> None:
        self.extract = extract
        super().__init__(self._text(cited=False), id=f"extract-{extract.id}")

    def _text(self, *, cited: bool) -> Text:
        text = Text()
        if cited:
            text.append(CITED_MARK, style="bold")
        text.append(self.extract.heading, style="bold")
        text.append(f"  {self.extract.id}\n", style="dim")
        text.append(self.extract.text)
        return text

    def cite(self, cited: bool) -> None:
        if cited != self.has_class("-cited"):
            self.set_class(cited, "-cited")
            self.update(self._text(cited=cited))


class CaseFilePanel(Vertical):
    """The case file: a title line and the extracts, scrollable."""

    DEFAULT_CSS = """
    CaseFilePanel {
        width: 45%;
        border-left: solid $primary 50%;
    }
    CaseFilePanel > #case-file-title {
        text-style: bold;
        background: $boost;
        padding: 0 1;
        width: 1fr;
        height: auto;
    }
    CaseFilePanel > #case-file-body {
        height: 1fr;
        padding: 1 0 0 0;
        scrollbar-size-vertical: 1;
    }
    CaseFilePanel > #case-file-body:focus { background-tint: $foreground 3%; }
    """

    def __init__(self, case: PracticeCase, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.case = case
        self.cited: tuple[str, ...] = ()

    def compose(self) -> ComposeResult:
        title = Text(f"Case file {self.case.case_ref}", style="bold")
        title.append(f" · as at {self.case.as_at}", style="dim")
        yield Static(title, id="case-file-title")
        with VerticalScroll(id="case-file-body"):
            for extract in self.case.extracts:
                yield ExtractView(extract)

    @property
    def body(self) -> VerticalScroll:
        return self.query_one("#case-file-body", VerticalScroll)

    def on_mount(self) -> None:
        if self.cited:
            self.call_after_refresh(self.highlight, self.cited)

    def highlight(self, cites: tuple[str, ...]) -> None:
        """Mark the extracts ``cites`` names (and only those); bring the first into view."""
        self.cited = tuple(cites)
        if not self.is_mounted:
            return  # on_mount shows them
        first: ExtractView | None = None
        for view in self.query(ExtractView):
            cited = view.extract.id in self.cited
            view.cite(cited)
            if cited and first is None:
                first = view
        if first is not None:
            self.call_after_refresh(self.scroll_to_extract, first)

    def scroll_to_extract(self, view: ExtractView) -> None:
        self.body.scroll_to_widget(view, animate=False, top=True)

    def show_extract(self, extract_id: str) -> bool:
        """Highlight one extract by id; False if the case file has none."""
        if self.case.extract(extract_id) is None:
            return False
        self.highlight((extract_id,))
        return True
