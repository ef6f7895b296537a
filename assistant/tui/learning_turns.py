"""Learning mode's chat messages: the feedback on one judgement, and the end-of-case score.

Both are drawn from the shared presenter's ``Said`` (the same words as plain mode); the score
also puts the per-section agreement in a small table.
"""

from __future__ import annotations

from rich import box
from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from assistant.engine.events import LearningFeedback, LearningScore
from assistant.presenter import Said


def _text(message: Said, start: int = 0) -> Text:
    return Text("\n").join(Text.assemble(*line) for line in message.lines[start:])


class FeedbackTurn(Static):
    """The model answer beside the learner's: framed green when they agree, red when not."""

    DEFAULT_CSS = """
    FeedbackTurn {
        width: 1fr;
        margin: 1 4 0 0;
        padding: 0 1;
        border: round $success;
        background: $success 10%;
    }
    FeedbackTurn.-differs {
        border: round $error;
        background: $error 10%;
    }
    """

    def __init__(self, message: Said, event: LearningFeedback) -> None:
        self.feedback = event
        super().__init__(_text(message), classes="" if event.matched else "-differs")


class ScoreTurn(Static):
    """The end of a played case: a table of agreement per section, then the criteria to
    revisit and the ``Overall: N of M agreed`` line."""

    DEFAULT_CSS = """
    ScoreTurn {
        width: 1fr;
        margin: 1 4 0 0;
        padding: 0 1;
        border: round $accent;
        background: $boost;
    }
    """

    def __init__(self, message: Said, event: LearningScore) -> None:
        self.score = event
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=False)
        table.add_column("Section")
        table.add_column("Agreed", justify="right")
        table.add_column("Judged", justify="right")
        for section in event.sections:
            table.add_row(section.title, str(section.agreed), str(section.judged))
        table.add_row(Text("All", style="bold"), str(event.agreed), str(event.judged))
        heading = Text("Your score against the model answers", style="bold")
        rest = _text(message, start=len(event.sections))  # the section lines are the table
        super().__init__(Group(heading, table, rest))
