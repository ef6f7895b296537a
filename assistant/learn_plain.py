"""`case-review learn CASE --plain`: a practice case played line by line on stdin/stdout.

The line conventions of `chat --plain` hold: every question line ends with the item id in
brackets, every flag line starts with ``FLAG``.  Feedback on a judgement starts with
``AGREES`` or ``DIFFERS`` and the criterion's id, its other lines indented; the case file is
printed first (``case`` prints it again, ``/case ID`` one extract), and a played case ends with
the score, whose last line is ``Overall: N of M agreed``.  Nothing is written to the store.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, TextIO

from assistant.commands import Command, help_lines
from assistant.engine.events import LearningScore, Question, Step
from assistant.learning_session import LearningSession
from assistant.plain import PlainChat, _lines
from assistant.presenter import Said, present_case_file

if TYPE_CHECKING:
    from prompts.model import Framework
    from prompts.practice import PracticeCase

HELP = "\n".join(
    [
        "Answer as in a real review: a quick-reply number or word, or your own words.",
        "After each judgement you see the model answer and why; at the end, your score.",
        "Commands:",
        # (a practice review has no team, and nothing of it is kept but your score)
        *(
            line.replace("everything answered is already saved", "your score so far is kept")
            for line in help_lines(learning=True)
            if not line.startswith("  team ")
        ),
    ]
)


class LearnChat(PlainChat):
    learning = True

    def __init__(self, session: LearningSession, out: TextIO) -> None:
        super().__init__(session, out)  # type: ignore[arg-type]
        self.case = session.case
        self.scored = False  # the last step ended with the score

    def show_said(self, message: Said) -> None:
        if message.kind == "feedback":
            first, *rest = message.plain_lines()
            self.say(first)
            for line in rest:
                self.say("  " + line)
        elif message.kind == "score":
            for line in message.plain_lines():
                self.say(line)
        else:
            super().show_said(message)

    def show(self, step: Step) -> None:
        self.scored = any(isinstance(e, LearningScore) for e in step.events)
        super().show(step)

    def show_question(self, q: Question | None) -> None:
        if q is None and not self.finished:
            self.question = None
            if not self.scored:  # (the score ends with what to do next)
                self.say("Nothing left to ask. Type retry, case, summary, finish or quit.")
            return
        super().show_question(q)

    def show_case_file(self, extract_id: str = "") -> None:
        for message in present_case_file(self.case, extract_id):
            first, *rest = message.plain_lines()
            self.say(first)
            for paragraph in rest:
                self.say("  " + paragraph)

    def local_command(self, command: Command) -> bool:
        if command.name == "case":
            self.show_case_file(command.argument)
        elif command.name == "help":
            self.say(HELP)
        else:
            return False
        if self.question is not None:
            self.show_question(self.question)  # asked again, after what was shown
        return True


def play(case: PracticeCase, framework: Framework, args: argparse.Namespace) -> int:
    from assistant.engine.conversation import Engine
    from store import Actor

    out = sys.stdout
    interactive = sys.stdin.isatty()

    def prompt() -> None:
        if interactive:
            out.write("> ")
            out.flush()

    learning = LearningSession.open(
        case, Engine(framework), actor=Actor(args.reviewer or "", "learner")
    )
    chat = LearnChat(learning, out)
    chat.say("Case Review Assistant: learning mode (plain). Type help for commands.")
    chat.say(f"Practice case {case.id} ({case.case_ref}): {case.title}.")
    chat.say(f"{case.summary} The case file is read as at {case.as_at}.")
    chat.say("A fictional case: nothing you answer is written to the store or counted in a report.")
    chat.say("The case file (type case to read it again, /case ID for one extract):")
    chat.show_case_file()
    chat.say("Answer as in a real review: the facts of the case first, then each criterion.")
    try:
        try:
            chat.show(learning.start())
            for line in _lines(sys.stdin, prompt):
                if not chat.handle(line):
                    break
            if not chat.scored:  # (a played case ends with its score)
                chat.say("Practice stopped; nothing was written to the store.")
        finally:
            learning.close()
    except KeyboardInterrupt:
        out.write("\nStopped; nothing was written to the store.\n")
    return 0
