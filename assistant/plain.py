"""`case-review chat --plain`: the conversation line by line on stdin/stdout.

For screen readers, scripts and dumb terminals.  Every question line ends with the item id in
brackets (``[rr.plan_review]``), every flag line starts with ``FLAG`` and names the id.  Each
answer is saved through the store before the next question is printed; end of input or Ctrl+C
leaves everything saved and exits 0.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from typing import TextIO

from assistant.cli_framework import framework_from_args
from assistant.engine.conversation import Engine
from assistant.engine.events import (
    CriteriaRestored,
    CriteriaSetAside,
    Event,
    Explanation,
    FlagRaised,
    FlagStateChanged,
    FlagWithdrawn,
    Notice,
    Question,
    Recorded,
    ReviewComplete,
    SectionComplete,
    Step,
)
from assistant.engine.flags import Flag
from assistant.engine.progress import summary_rows
from assistant.session import Session
from assistant.text import printable, valid_case_ref

HELP = """Answer with a quick-reply number or word, or in your own words.
Commands:
  back            go to the previous question
  jump ID         go to any question by its id, e.g. jump rr.plan_review
  skip            leave this question unanswered for now
  why             why this question matters and what good looks like
  note TEXT       replace the note on the current (or last answered) criterion
  summary         every answer and flag so far
  flags           the flags raised so far
  done FLAG_ID    mark a flag's action as done (open FLAG_ID reopens it)
  help            this help
  quit            stop; everything answered is already saved"""

COMMANDS = {
    "back",
    "jump",
    "why",
    "note",
    "summary",
    "flags",
    "done",
    "open",
    "help",
    "quit",
    "exit",
}


class PlainChat:
    def __init__(self, session: Session, out: TextIO) -> None:
        self.session = session
        self.out = out

    def say(self, text: str = "") -> None:
        self.out.write(text + "\n")
        self.out.flush()

    # --- rendering ---------------------------------------------------------------------

    def show_question(self, q: Question | None) -> None:
        if q is None:
            engine, review = self.session.engine, self.session.review
            if engine.is_complete(review):
                self.say("Nothing left to ask. Type summary, jump ID to change an answer, or quit.")
            else:
                left = engine.unanswered(review)
                self.say(
                    f"{len(left)} question(s) skipped: {', '.join(left)}. "
                    "Type jump ID to answer one, or quit to finish later."
                )
            return
        where = f"Q{q.number}/{q.total} " if q.step in ("fact", "judgement") else ""
        urgent = "URGENT " if q.urgent and q.step == "judgement" else ""
        self.say(f"{where}{urgent}{printable(q.text, single_line=True)} [{q.item}]")
        if q.current:
            self.say(f"  (current answer: {printable(q.current, single_line=True)})")
        if q.choices:
            self.say("  " + "  ".join(f"{c.key}) {c.label}" for c in q.choices))

    def show_flag(self, flag: Flag, prefix: str = "FLAG") -> None:
        urgent = " URGENT" if flag.urgent else ""
        reasons = "; ".join(flag.reason_labels) or "no reason given yet"
        self.say(f"{prefix}{urgent} {flag.criterion}: {flag.title}: {reasons}")
        if flag.detail:
            label = "Found" if flag.source == "check" else "Note"
            self.say(f"  {label}: {printable(flag.detail, single_line=True)}")
        self.say(f"  Why it matters: {flag.why}")
        self.say(f"  Action: {flag.action}")

    def show_event(self, event: Event) -> None:
        if isinstance(event, Recorded):
            if event.step != "note":
                self.say(f"  Recorded: {printable(event.shown, single_line=True)}")
        elif isinstance(event, FlagRaised):
            self.show_flag(event.flag)
        elif isinstance(event, FlagWithdrawn):
            self.say(f"Withdrawn flag on {event.flag.criterion}: {event.flag.title}")
        elif isinstance(event, FlagStateChanged):
            self.say(f"Flag on {event.flag.criterion} is now {event.flag.state}.")
        elif isinstance(event, CriteriaSetAside):
            self.say(f"No longer applies (answers kept): {', '.join(event.ids)}")
        elif isinstance(event, CriteriaRestored):
            self.say(f"Applies again, with earlier answers: {', '.join(event.ids)}")
        elif isinstance(event, SectionComplete):
            self.say(f"Section complete: {event.title}")
        elif isinstance(event, ReviewComplete):
            self.say(
                f"Review complete: {event.open_flags} open flag(s), {event.urgent_flags} urgent."
            )
        elif isinstance(event, Notice):
            self.say(printable(event.text))
        elif isinstance(event, Explanation):
            self.say(f"Why it matters ({event.title}): {event.why}")
            if event.good:
                self.say(f"What good looks like: {event.good}")

    def show(self, step: Step) -> None:
        for event in step.events:
            self.show_event(event)
        self.show_question(step.question)

    def show_summary(self) -> None:
        engine, review = self.session.engine, self.session.review
        self.say(
            f"Summary of {printable(review.case_ref, single_line=True)} ({review.mode} review, "
            f"{review.status.replace('_', ' ')})"
        )
        for row in summary_rows(engine, review):
            mark = "FLAG " if row.flagged else ""
            extra = f": {row.reasons}" if row.reasons else ""
            state = "" if row.state == "answered" else f" ({row.state.replace('_', ' ')})"
            if row.disagreement:
                state += " (case manager disagrees)"
            if row.quotable:
                state += " (quotable)"
            self.say(f"  [{row.item}] {row.text}: {mark}{row.answer}{extra}{state}")
            if row.note:
                self.say(f"      note: {printable(row.note, single_line=True)}")
        self.show_flags()

    def show_flags(self) -> None:
        flags = self.session.engine.flags(self.session.review)
        if not flags:
            self.say("No flags.")
        for flag in flags:
            self.show_flag(flag, "FLAG" if flag.open else "FLAG (done)")

    # --- input -------------------------------------------------------------------------

    def handle(self, line: str) -> bool:
        """Handle one line; False when the user asked to quit."""
        text = line.strip()
        word, _, rest = text.lstrip("/").partition(" ")
        command = word.lower() if (text.startswith("/") or word.lower() in COMMANDS) else ""
        session, engine = self.session, self.session.engine
        if command in ("quit", "exit"):
            return False
        if command == "help":
            self.say(HELP)
            self.show_question(engine.question(session.review))
        elif command == "summary":
            self.show_summary()
            self.show_question(engine.question(session.review))
        elif command == "flags":
            self.show_flags()
            self.show_question(engine.question(session.review))
        elif command == "back":
            self.show(session.apply(engine.back(session.review)))
        elif command == "jump":
            if not rest.strip():
                self.say("Say which question: jump ID, e.g. jump rr.plan_review")
                self.show_question(engine.question(session.review))
            else:
                self.show(session.apply(engine.jump(session.review, rest.strip())))
        elif command == "why":
            self.show(engine.why(session.review, rest.strip() or None))
        elif command == "note":
            self.show(session.apply(engine.set_note(session.review, rest)))
        elif command in ("done", "open"):
            flag_id = rest.strip()
            flags = engine.flags(session.review)
            match = [f for f in flags if flag_id in (f.id, f.criterion)] if flag_id else []
            if len(match) != 1:
                self.say(f"Say which flag: {command} ID, one of: {', '.join(f.id for f in flags)}")
                self.show_question(engine.question(session.review))
            else:
                self.show(
                    session.apply(
                        engine.set_flag_state(
                            session.review, match[0].id, command, by=session.actor.name
                        )
                    )
                )
        else:
            self.show(session.respond(text))
        return True


def _lines(stream: TextIO, prompt: Callable[[], None]) -> Iterator[str]:
    while True:
        prompt()
        line = stream.readline()
        if not line:
            return
        yield line.rstrip("\r\n")


def run(args: argparse.Namespace) -> int:
    from store import Actor, Store, StoreError

    out = sys.stdout
    stdin = sys.stdin
    interactive = stdin.isatty()

    def prompt() -> None:
        if interactive:
            out.write("> ")
            out.flush()

    fw = framework_from_args(args)
    if fw is None:
        return 1
    try:
        store = Store.open(args.store)
    except StoreError as exc:
        print(f"case-review: {exc}", file=sys.stderr)
        return 1
    engine = Engine(fw)
    print("Case Review Assistant (plain mode). Type help for commands.", file=out)
    lines = _lines(stdin, prompt)
    case_ref = args.case_ref
    try:
        while case_ref is None or valid_case_ref(case_ref):
            if case_ref is not None:
                print(valid_case_ref(case_ref), file=out)
            print("Case reference (a pseudonymous code, e.g. HAR-01)? [case_ref]", file=out)
            case_ref = next(lines, None)
            if case_ref is None:
                return 0
        case_ref = case_ref.strip()
        mode = args.mode
        if mode is None and args.case_ref is None and store.find_case(case_ref) is None:
            print("Mode? 1) self (your own case)  2) joint (with an inspector) [mode]", file=out)
            answer = (next(lines, None) or "").strip().lower()
            mode = "joint" if answer in ("2", "joint", "j") else "self"
        actor = Actor(
            args.reviewer or "", args.role or ("inspector" if mode == "joint" else "case_manager")
        )
        try:
            session = Session.open(store, engine, case_ref, mode=mode, actor=actor)
        except StoreError as exc:
            print(f"case-review: {exc}", file=sys.stderr)
            return 1
        chat = PlainChat(session, out)
        if session.resumed:
            chat.say(
                f"Resuming the review of {printable(session.review.case_ref, single_line=True)}."
            )
        for notice in session.notices:
            chat.say(printable(notice))
        review = session.review
        chat.say(
            f"Reviewing {printable(review.case_ref, single_line=True)} ({review.mode} review, "
            f"{fw.id})."
        )
        try:
            chat.show(session.start())
            for line in lines:
                if not chat.handle(line):
                    break
        finally:
            session.close()
        chat.say(
            f"Saved. Resume with: case-review chat --plain --case "
            f"{printable(review.case_ref, single_line=True)}"
        )
    except KeyboardInterrupt:
        out.write("\nStopped. Every answer given is saved.\n")
        return 0
    except StoreError as exc:
        print(f"case-review: {exc}", file=sys.stderr)
        return 1
    return 0
