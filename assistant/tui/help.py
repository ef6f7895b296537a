"""The help screen: how to answer, the commands and the keys."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

HELP = """\
Case Review Assistant: help

Answering
  Press a number to pick a quick reply at once (1 Yes, 2 No, 3 Partly ...).
  Or type the answer in your own words and press Enter, for example
  "nope, never reviewed after he moved placement". The assistant reads the
  judgement and the reasons and keeps the sentence as the evidence note.
  When it cannot tell what you meant it asks again rather than guessing.
  For reasons, press the numbers to tick them, then Enter (Enter alone = none).

Commands (type them in the answer box; Tab completes)
  /back          the previous question
  /jump ID       any question by its id, e.g. /jump rr.plan_review
  /skip          leave this question unanswered for now
  /why           why this question matters and what good looks like
  /note TEXT     replace the note on the current or last answered criterion
  /summary       every answer and flag; pick a row to change an answer
  /flags         go to the list of flags
  /done ID       mark a flag's action done (/open ID reopens it)
  /escalate ID   log an urgent concern passed on: who was told, when, what
                 they did (asked at once after an urgent flag in a joint review)
  /help          this screen

Keys
  F1 help   F2 summary   F3 show or hide the side panel   F4 why?
  Ctrl+B back   F6 flags list   Escape home   Ctrl+P command palette
  Ctrl+Q or Ctrl+C quit: every answer is saved as soon as it is given.
  Home: a actions across reviews, N re-audit the highlighted case.
  Summary: c countersign a complete review (it is then locked), u unlock it.

Oversight
  A countersigned review is locked: every change is refused, saying so, until
  a manager unlocks it (u on the summary, or case-review unlock ID --by NAME
  --why TEXT); the audit trail keeps who and why. The actions screen lists
  every flag as an action, urgent and oldest first, with its age: Enter opens
  the review at the criterion, d marks the action done. A re-audit shows the
  earlier review's flags at the start and, once complete, which are resolved
  and which recur.

Learning mode (l on the home screen, or case-review learn)
  Practise on a fictional case: the case file is beside the chat (F3 shows
  or hides it, F6 or /case to read it, /case ID for one extract). After each
  judgement the model answer: AGREES or DIFFERS, why, and what good looks
  like; the extracts it cites are highlighted. At the end, your score; F5 or
  /retry judges the criteria to revisit again. Nothing reaches your store.

Flags
  A flag marks a deficit: the criterion, the reasons, why it matters and the
  action to take. Urgent flags (safeguarding) are marked "!! URGENT" and
  framed in heavy red. In the flags list, Enter jumps to the question.

Press Escape to close.
"""


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,f1", "close", "Close")]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 84; max-width: 100%; height: 90%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    """

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(HELP, markup=False)

    def action_close(self) -> None:
        self.dismiss(None)
