"""The review screen: a chat with the assistant about one case.

Attributes go down (the screen tells the transcript, answer bar and side panel what to show),
messages come up (the answer bar posts what the user picked or typed).  Every input goes
through the ``Session``, which saves the review before the next question is shown.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, OptionList

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
from assistant.engine.progress import progress, summary_rows
from assistant.session import Session
from assistant.text import printable
from assistant.tui.answer_bar import SLASH_COMMANDS, AnswerBar, AnswerInput
from assistant.tui.messages import AssistantTurn, FlagTurn, Transcript, UserTurn, literal
from assistant.tui.side_panel import FlagList, ProgressPanel, SidePanel

NARROW = 100  # below this width the side panel hides (F3 shows it)


def question_text(q: Question, section_title: str = "") -> Text:
    text = Text()
    where = []
    if q.number:
        where.append(f"Q{q.number} of {q.total}")
    if section_title:
        where.append(section_title)
    elif q.title:
        where.append(q.title)
    if where:
        text.append(" · ".join(where) + "\n", style="dim")
    if q.urgent and q.step == "judgement":
        text.append("Safeguarding (urgent if flagged)  ", style="bold")
    text.append(printable(q.text), style="bold")
    text.append(f"  [{q.item}]", style="dim")
    if q.current:
        text.append("\nCurrent answer: ", style="italic")
        text.append(printable(q.current))
    if q.help:
        text.append(f"\n{q.help}", style="dim")
    return text


class ReviewScreen(Screen[None]):
    """One case's review as a chat."""

    BINDINGS = [
        Binding("f1", "help", "Help"),
        Binding("f2", "summary", "Summary"),
        Binding("f3", "toggle_panel", "Panel"),
        Binding("f4", "why", "Why?"),
        Binding("ctrl+b", "back", "Back"),
        Binding("f6", "focus_flags", "Flags"),
        Binding("escape", "leave", "Home"),
    ]

    DEFAULT_CSS = """
    ReviewScreen #main { height: 1fr; }
    ReviewScreen #chat { width: 1fr; }
    ReviewScreen.-narrow SidePanel { display: none; }
    ReviewScreen.-panel-hidden SidePanel { display: none; }
    ReviewScreen.-narrow.-panel-shown SidePanel { display: block; }
    """

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self._shown: tuple[str, str] | None = None
        ids = [it.id for it in session.engine.fw.facts] + [c.id for c in session.engine.fw.criteria]
        self._commands = SLASH_COMMANDS + [f"/jump {i}" for i in ids]

    # --- layout --------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="main"):
            with Vertical(id="chat"):
                yield Transcript(id="transcript")
                yield AnswerBar(self._commands, id="answer-bar")
            yield SidePanel(id="side")
        yield Footer()

    @property
    def transcript(self) -> Transcript:
        return self.query_one(Transcript)

    @property
    def answer_bar(self) -> AnswerBar:
        return self.query_one(AnswerBar)

    def on_mount(self) -> None:
        review = self.session.review
        self.title = f"Review {printable(review.case_ref, single_line=True)}"
        self.set_class(self.app.size.width < NARROW, "-narrow")
        self._restore_history()
        for notice in self.session.notices:
            self.transcript.say(notice, "notice")
        self._run(self.session.start)

    def on_resize(self) -> None:
        self.set_class(self.app.size.width < NARROW, "-narrow")

    def _restore_history(self) -> None:
        """On resume, show what was asked and answered so far."""
        engine, review = self.session.engine, self.session.review
        rows = [r for r in summary_rows(engine, review) if r.state == "answered"]
        if not rows:
            self.transcript.say(
                f"Review of {review.case_ref}. I'll ask about the case first, then each "
                "criterion in turn. Press a number for a quick reply or answer in your own "
                "words; / for commands, F1 for help.",
                "info",
            )
            return
        self.transcript.say(f"Resuming the review of {review.case_ref}. So far:", "info")
        flags = {f.criterion: f for f in engine.flags(review) if f.source == "judgement"}
        widgets = []
        for row in rows:
            widgets.append(AssistantTurn(literal(row.text), classes="-question"))
            answer = row.answer + (f": {row.reasons}" if row.reasons else "")
            if row.note:
                answer += f"\n{row.note}"
            widgets.append(UserTurn(literal(answer)))
            if row.item in flags:
                widgets.append(FlagTurn(flags[row.item]))
        self.transcript.add(*widgets)

    # --- driving the session -------------------------------------------------------------

    def _run(self, action, *args) -> Step | None:  # type: ignore[no-untyped-def]
        from store import StoreError

        try:
            step = action(*args)
        except StoreError as exc:
            self.transcript.say(
                f"Could not save: {exc}. That answer was not recorded; everything before it "
                "is safe. Try again, or press Escape.",
                "notice",
            )
            self.answer_bar.show(self.session.engine.question(self.session.review))
            return None
        self.render_step(step)
        return step

    def render_step(self, step: Step) -> None:
        recorded = False
        for event in step.events:
            recorded |= isinstance(event, Recorded)
            self.render_event(event)
        question = step.question
        key = (question.item, question.step) if question else None
        if question is not None and (key != self._shown or recorded):
            section = self.session.engine.fw.section(question.section or "")
            self.transcript.say(
                question_text(question, section.title if section else ""), "question"
            )
        self._shown = key
        self.answer_bar.show(question)
        self.refresh_panel()
        self.answer_bar.input.focus()

    def render_event(self, event: Event) -> None:
        t = self.transcript
        if isinstance(event, Recorded):
            if event.step not in ("note",):
                t.say(f"Recorded: {event.shown}", "info")
        elif isinstance(event, FlagRaised):
            t.add(FlagTurn(event.flag))
        elif isinstance(event, FlagWithdrawn):
            t.add(FlagTurn(event.flag, withdrawn=True))
        elif isinstance(event, FlagStateChanged):
            t.say(f"Flag on {event.flag.criterion} marked {event.flag.state}.", "info")
        elif isinstance(event, CriteriaSetAside):
            t.say("No longer applies to this case (answers kept): " + ", ".join(event.ids), "info")
        elif isinstance(event, CriteriaRestored):
            t.say("Applies again, with the earlier answers: " + ", ".join(event.ids), "info")
        elif isinstance(event, SectionComplete):
            t.say(f"Section complete: {event.title}", "info")
        elif isinstance(event, ReviewComplete):
            t.say(
                f"Review complete: {event.open_flags} open flag(s), {event.urgent_flags} "
                "urgent. F2 shows the summary; any answer can still be changed.",
                "question",
            )
        elif isinstance(event, Notice):
            t.say(event.text, "notice")
        elif isinstance(event, Explanation):
            text = Text()
            text.append(f"Why it matters: {event.title}\n", style="bold")
            text.append(event.why)
            if event.good:
                text.append("\nWhat good looks like: ", style="bold")
                text.append(event.good)
            t.say(text)

    def refresh_panel(self) -> None:
        engine, review = self.session.engine, self.session.review
        p = progress(engine, review)
        flags = [f for f in engine.flags(review) if f.open]
        urgent = sum(f.urgent for f in flags)
        self.sub_title = (
            f"{review.mode} review · {p.answered}/{p.total} answered · "
            f"{len(flags)} open flag(s)" + (f", {urgent} URGENT" if urgent else "")
        )
        self.query_one(ProgressPanel).show(p)
        self.query_one(FlagList).show(flags)

    # --- input ---------------------------------------------------------------------------

    @on(AnswerInput.QuickKey)
    def _quick_key(self, event: AnswerInput.QuickKey) -> None:
        self.answer_bar.key_pressed(event.key)

    @on(AnswerBar.Picked)
    def _picked(self, event: AnswerBar.Picked) -> None:
        question = self.answer_bar.question
        if question is None:
            return
        labels = {c.value: c.label for c in question.choices}
        shown = ", ".join(labels.get(v, v) for v in event.values) or "None of these"
        self.transcript.add(UserTurn(literal(shown)))
        self._run(self.session.choose, event.values)

    @on(Input.Submitted, "#answer")
    def _submitted(self, event: Input.Submitted) -> None:
        text = event.value
        event.input.value = ""
        if not text.strip():
            if not self.answer_bar.confirm_selection():
                self.transcript.say("Type an answer, or press a quick-reply number.", "notice")
            return
        if text.lstrip().startswith("/"):
            self.command(text.strip())
            return
        self.transcript.add(UserTurn(literal(text)))
        self._run(self.session.respond, text)

    def command(self, text: str) -> None:
        word, _, rest = text[1:].partition(" ")
        word, rest = word.lower(), rest.strip()
        engine, session = self.session.engine, self.session
        if word == "back":
            self.action_back()
        elif word == "jump":
            if not rest:
                self.transcript.say(
                    "Say which question: /jump ID, e.g. /jump rr.plan_review", "notice"
                )
            else:
                self._run(lambda: session.apply(engine.jump(session.review, rest)))
        elif word == "note":
            self._run(lambda: session.apply(engine.set_note(session.review, rest)))
        elif word == "why":
            self.action_why()
        elif word == "summary":
            self.action_summary()
        elif word == "help":
            self.action_help()
        elif word == "flags":
            self.action_focus_flags()
        elif word == "skip":
            self._run(lambda: session.apply(engine.skip(session.review)))
        elif word in ("done", "open"):
            flags = [f for f in engine.flags(session.review) if rest in (f.id, f.criterion)]
            if len(flags) != 1:
                self.transcript.say(f"Say which flag: /{word} ID (see the flags panel).", "notice")
            else:
                self._run(
                    lambda: session.apply(
                        engine.set_flag_state(
                            session.review, flags[0].id, word, by=session.actor.name
                        )
                    )
                )
        elif word in ("quit", "exit"):
            self.app.exit()
        else:
            self.transcript.say(
                f"Unknown command /{printable(word, single_line=True)}. Try /help.", "notice"
            )

    @on(OptionList.OptionSelected, "#flags")
    def _flag_selected(self, event: OptionList.OptionSelected) -> None:
        flag_id = event.option.id
        engine, session = self.session.engine, self.session
        flag = next((f for f in engine.flags(session.review) if f.id == flag_id), None)
        if flag is not None:
            self._run(lambda: session.apply(engine.jump(session.review, flag.criterion)))

    # --- actions -------------------------------------------------------------------------

    def action_back(self) -> None:
        session = self.session
        self._run(lambda: session.apply(session.engine.back(session.review)))

    def action_why(self) -> None:
        session = self.session
        self._run(lambda: session.engine.why(session.review))

    def action_toggle_panel(self) -> None:
        if self.has_class("-narrow"):
            self.toggle_class("-panel-shown")
        else:
            self.toggle_class("-panel-hidden")

    def action_focus_flags(self) -> None:
        self.remove_class("-panel-hidden")
        if self.has_class("-narrow"):
            self.add_class("-panel-shown")
        self.query_one(FlagList).focus()

    def action_help(self) -> None:
        from assistant.tui.help import HelpScreen

        self.app.push_screen(HelpScreen())

    def action_summary(self) -> None:
        from assistant.tui.summary import SummaryScreen

        def edit(item: str | None) -> None:
            if item:
                session = self.session
                self._run(lambda: session.apply(session.engine.jump(session.review, item)))
            else:
                self.answer_bar.input.focus()

        self.app.push_screen(SummaryScreen(self.session.engine, self.session.review), edit)

    def action_leave(self) -> None:
        self.session.close()
        self.app.pop_screen()

    def on_unmount(self) -> None:
        self.session.close()
