"""`case-review chat --plain`: the conversation line by line on stdin/stdout.

For screen readers, scripts and dumb terminals.  Every question line ends with the item id in
brackets (``[rr.plan_review]``), every flag line starts with ``FLAG`` and names the id (an
urgent one ``FLAG !! URGENT cy.plan: ...``).  Each answer is saved through the session before
the next question is printed; end of input or Ctrl+C leaves everything saved and exits 0.
What is said comes from the shared presenter; this module only prints it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from typing import TextIO

from assistant.commands import Command, help_lines, parse
from assistant.engine.events import Finished, Question, Step
from assistant.presenter import (
    RETURNING,
    Said,
    choices_line,
    one_line,
    present_events,
    present_flag,
    summary_lines,
)
from assistant.session import Session, engine_for

HELP = "\n".join(
    [
        "Answer with a quick-reply number or word, or in your own words.",
        "Commands:",
        *help_lines(),
    ]
)


class PlainChat:
    learning = False  # take the commands of learning mode (see ``assistant.learn_plain``)

    def __init__(self, session: Session, out: TextIO) -> None:
        self.session = session
        self.out = out
        self.finished = False  # ``finish`` found nothing open
        self.question: Question | None = None

    def say(self, text: str = "") -> None:
        self.out.write(text + "\n")
        self.out.flush()

    # --- rendering ---------------------------------------------------------------------

    def show_said(self, message: Said) -> None:
        lines = message.plain_lines()
        indent = "  " if message.kind == "info" else ""
        self.say(indent + lines[0])
        rest = "  " if message.kind in ("flag", "info") else ""
        for line in lines[1:]:
            self.say(rest + line)

    def show_question(self, q: Question | None) -> None:
        self.question = q
        if q is None:
            if self.finished:
                return
            if self.session.complete:
                self.say("Nothing left to ask. Type summary, jump ID to change an answer, or quit.")
            else:
                self.say(
                    "Nothing more to ask now; some questions are still open. Type finish to "
                    "see them, jump ID to answer one, or quit to carry on later."
                )
            return
        if q.returning:
            self.say(f"({RETURNING[0].upper()}{RETURNING[1:]}:)")
        where = f"Q{q.number}/{q.total} " if q.step in ("fact", "judgement") else ""
        urgent = "URGENT " if q.urgent and q.step == "judgement" else ""
        self.say(f"{where}{urgent}{one_line(q.text)} [{q.item}]")
        if q.current:
            self.say(f"  (current answer: {one_line(q.current)})")
        if q.choices:
            self.say("  " + choices_line(q))

    def show(self, step: Step) -> None:
        for message in present_events(step.events):
            self.show_said(message)
        if any(isinstance(e, Finished) and e.complete for e in step.events):
            self.finished = True
        self.show_question(step.question)

    def show_summary(self) -> None:
        self.session.refresh()  # an action closed or a review countersigned elsewhere
        heading, rows, remarks = summary_lines(self.session)
        self.say(heading)
        for row in rows:
            mark = "FLAG " if row.flagged else ""
            self.say(f"  [{row.item}] {row.text}: {mark}{one_line(row.answer)}")
            if row.note:
                self.say(f"      note: {one_line(row.note)}")
        for remark in remarks:
            self.say(remark)
        self.show_flags()

    def show_flags(self) -> None:
        self.session.refresh()
        flags = self.session.flags
        if not flags:
            self.say("No flags.")
        for flag in flags:
            self.show_said(present_flag(flag, state=True))

    # --- input -------------------------------------------------------------------------

    def local_command(self, command: Command) -> bool:
        """Carry out a command this front end answers itself; False for the others."""
        return False

    def handle(self, line: str) -> bool:
        """Handle one line; False when the user asked to quit (or finished the review).  A
        save that fails (a full disk, say) raises StoreError: the chat stops there with one
        line saying what was not saved; every earlier answer is safe."""
        command = parse(line, bare_words=True, learning=self.learning)
        session = self.session
        if command is None:
            self.show(session.answer(line))
        elif command.name == "quit":
            return False
        elif self.local_command(command):
            pass
        elif command.name == "help":
            self.say(HELP)
            self.show_question(self.question)
        elif command.name == "summary":
            self.show_summary()
            self.show_question(self.question)
        elif command.name == "flags":
            self.show_flags()
            self.show_question(self.question)
        else:
            self.show(session.command(command))
        return not self.finished


def _lines(stream: TextIO, prompt: Callable[[], None]) -> Iterator[str]:
    while True:
        prompt()
        line = stream.readline()
        if not line:
            return
        yield line.rstrip("\r\n")


def run(args: argparse.Namespace) -> int:
    from assistant.cli_framework import framework_from_args, refuse_bad_review_args
    from store import Actor, StoreError, open_store
    from store.records import case_ref_problem, normalise_case_ref

    out = sys.stdout
    stdin = sys.stdin
    interactive = stdin.isatty()

    def prompt() -> None:
        if interactive:
            out.write("> ")
            out.flush()

    if refuse_bad_review_args(args):
        return 2
    team = getattr(args, "team", None)
    fw = framework_from_args(args)
    if fw is None:
        return 1
    try:
        store = open_store(args.store)
    except StoreError as exc:
        print(f"case-review: {exc}", file=sys.stderr)
        return 1
    engine = engine_for(fw)
    print("Case Review Assistant (plain mode). Type help for commands.", file=out)
    lines = _lines(stdin, prompt)
    case_ref = args.case_ref
    try:
        while case_ref is None or case_ref_problem(case_ref):
            if case_ref is not None:
                print(case_ref_problem(case_ref), file=out)
            print("Case reference (a pseudonymous code, e.g. HAR-01)? [case_ref]", file=out)
            case_ref = next(lines, None)
            if case_ref is None:
                return 0
        case_ref = normalise_case_ref(case_ref)
        mode = args.mode
        new = getattr(args, "new", False)
        case_manager = getattr(args, "case_manager", None)
        if case_manager and mode is None:
            mode = "joint"  # a case manager beside the reviewer: a joint review
        if mode is None and args.case_ref is None and store.find_case(case_ref) is None:
            print("Mode? 1) self (your own case)  2) joint (with an inspector) [mode]", file=out)
            answer = (next(lines, None) or "").strip().lower()
            mode = "joint" if answer in ("2", "joint", "j") else "self"
        actor = Actor(
            args.reviewer or "", args.role or ("inspector" if mode == "joint" else "case_manager")
        )
        try:
            session = Session.open(
                store,
                engine,
                case_ref,
                mode=mode,
                actor=actor,
                team=team,
                new=new,
                case_manager=case_manager,
            )
        except StoreError as exc:
            print(f"case-review: {exc}", file=sys.stderr)
            return 1
        chat = PlainChat(session, out)
        review = session.review
        if session.resumed:
            chat.say(f"Resuming the review of {one_line(review.case_ref)}.")
        for notice in session.notices:
            chat.say(one_line(notice))
        chat.say(f"Reviewing {one_line(review.case_ref)} ({review.mode} review, {fw.id}).")
        try:
            step = session.start()
            if session.resumed and session.complete:
                chat.show_summary()
                chat.say(
                    "This review is complete. Type jump ID to change an answer, or quit. "
                    f"(A new review of the case: case-review chat --plain --case "
                    f"{one_line(review.case_ref)} --new)"
                )
            chat.show(step)
            for line in lines:
                if not chat.handle(line):
                    break
        finally:
            session.close()
        if store.persistent:
            ref = one_line(review.case_ref)
            chat.say(f"Saved. Resume with: case-review chat --plain --case {ref}")
        else:
            chat.say(f"This store ({store.location}) keeps nothing once the program ends.")
    except KeyboardInterrupt:
        out.write("\nStopped. Every answer given is saved.\n")
        return 0
    except StoreError as exc:
        print(f"case-review: {exc}", file=sys.stderr)
        return 1
    return 0
