"""The review screen: a chat with the assistant about one case.

Attributes go down (the screen tells the transcript, answer bar and side panel what to show),
messages come up (the answer bar posts what the user picked or typed).  Every input goes
through the ``Session``, which saves the review before the next question is shown.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Input, OptionList, Static

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
from assistant.session import Session
from assistant.text import printable
from assistant.tui.answer_bar import SLASH_COMMANDS, AnswerBar, AnswerInput
from assistant.tui.messages import AssistantTurn, FlagTurn, Transcript, UserTurn, literal
from store.records import Review

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


def warm_up() -> None:
    """Import, while the user reads the first question, what the first answer will need: the
    interpreter, flag derivation, record validation (pydantic) and the review file writer."""
    from assistant.engine import flags, interpret  # noqa: F401
    from checked import adapter
    from store import audit, tinydb_storage  # noqa: F401
    from store.records import Review

    adapter(Review)  # builds the validator


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
        # Narrow or not is known now: set before mounting, so styles are applied once.
        super().__init__(classes="-narrow" if self.app.size.width < NARROW else "")
        self.session = session
        self._shown: tuple[str, str] | None = None
        self._start_pending: list[Static] | None = None  # see _opening
        self._first_question: Question | None = None
        self._saving = False
        self._queue: list[tuple[Callable[[Review], Step], list[Static]]] = []
        self._furnished = False
        self._furnish_asked = False
        ids = [it.id for it in session.engine.fw.facts] + [c.id for c in session.engine.fw.criteria]
        self._commands = SLASH_COMMANDS + [f"/jump {i}" for i in ids]

    # --- layout --------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        # The first frame is the transcript (with the first question) and the input, so the
        # question is on screen as early as possible; the header, side panel, footer, quick
        # replies and reason picker are mounted by ``_furnish`` right after that frame.
        with Horizontal(id="main"), Vertical(id="chat"):
            yield Transcript(*self._opening(), id="transcript")
            yield AnswerBar(self._commands, id="answer-bar")

    def _opening(self) -> list[Static]:
        """The transcript's first messages: the history so far, notices and, unless starting
        changes the review (skipped questions asked again: a save), the first question."""
        widgets = self._history()
        notices = [self._turn(n, "notice") for n in self.session.notices]
        step = self.session.engine.start(self.session.review)
        if step.changed:
            self._start_pending = notices  # on_mount runs the start through a save
            return widgets
        self.session.review = step.review
        self._first_question = step.question
        widgets += [*notices, *self._event_widgets(step.events)]
        return [*widgets, *self._question_widgets(step.question, recorded=False)]

    async def _furnish(self) -> None:
        from textual.widgets import Footer, Header

        from assistant.tui.side_panel import SidePanel

        main = self.query_one("#main")
        await self.mount(Header(), before=main)
        await main.mount(SidePanel(id="side"))
        await self.mount(Footer())
        await self.answer_bar.furnish()
        self._furnished = True
        self.refresh_panel()
        self.refresh_bindings()  # the footer came after the focus: tell it the keys
        if not self._saving:  # (a save under way begins the session itself)
            # A new review is saved, and the review claimed, once the screen is up; input
            # meanwhile waits in the queue.
            self._saving = True
            self.run_worker(self._begin(), group="save")

    @property
    def transcript(self) -> Transcript:
        return self.query_one(Transcript)

    @property
    def answer_bar(self) -> AnswerBar:
        return self.query_one(AnswerBar)

    def on_mount(self) -> None:
        review = self.session.review
        self.title = f"Review {printable(review.case_ref, single_line=True)}"
        if self._start_pending is not None:
            self._run(self.session.engine.start, pre=self._start_pending)
        else:
            self.answer_bar.show(self._first_question)
            self.answer_bar.input.focus()
        if self.app.ready:  # type: ignore[attr-defined]
            self.furnish_after_refresh()
        # else the app calls ``furnish_after_refresh`` once its first frame is on the terminal

    def furnish_after_refresh(self) -> None:
        """Mount the rest of the screen after the next refresh (once, however often asked)."""
        if not self._furnish_asked:
            self._furnish_asked = True
            self.call_after_refresh(self._furnish)

    def on_resize(self) -> None:
        self.set_class(self.app.size.width < NARROW, "-narrow")

    def _history(self) -> list[Static]:
        """On resume, what was asked and answered so far."""
        engine, review = self.session.engine, self.session.review
        rows = []
        if review.facts or review.judgements:
            from assistant.engine.progress import summary_rows

            rows = [r for r in summary_rows(engine, review) if r.state == "answered"]
        if not rows:
            return [
                self._turn(
                    f"Review of {review.case_ref}. I'll ask about the case first, then each "
                    "criterion in turn. Press a number for a quick reply or answer in your own "
                    "words; / for commands, F1 for help.",
                    "info",
                )
            ]
        widgets: list[Static] = [
            self._turn(f"Resuming the review of {review.case_ref}. So far:", "info")
        ]
        flags = {f.criterion: f for f in engine.flags(review) if f.source == "judgement"}
        for row in rows:
            widgets.append(AssistantTurn(literal(row.text), classes="-question"))
            answer = row.answer + (f": {row.reasons}" if row.reasons else "")
            if row.note:
                answer += f"\n{row.note}"
            widgets.append(UserTurn(literal(answer)))
            if row.item in flags:
                widgets.append(FlagTurn(flags[row.item]))
        return widgets

    @staticmethod
    def _turn(text: str | Text, kind: str = "") -> AssistantTurn:
        content = literal(text) if isinstance(text, str) else text
        return AssistantTurn(content, classes=f"-{kind}" if kind else "")

    # --- driving the session -------------------------------------------------------------
    #
    # An input is computed by the pure engine at once and its events (the flag above all) are
    # shown straight away; the new review is saved right after that frame is painted, and only
    # then is the next question shown.  Input that arrives while a save is under way waits in
    # a queue, so nothing typed is lost and every answer is durable before the next question.

    def _run(self, compute: Callable[[Review], Step], *, pre: list[Static] | None = None) -> None:
        """Apply ``compute(review)`` (a pure engine call) and show what it means."""
        if self._saving:
            self._queue.append((compute, pre or []))
            return
        step = compute(self.session.review)
        widgets = [*(pre or []), *self._event_widgets(step.events)]
        if not step.changed:
            self.session.review = step.review
            self._show(widgets, step.question, recorded=False)
            return
        self._saving = True
        if widgets:
            self.transcript.add(*widgets)
        self.run_worker(self._save(step), group="save")

    async def _save(self, step: Step) -> None:
        """Save in a thread, so painting (the flag) never waits for the disk."""
        from store import StoreError

        try:
            saved = await asyncio.to_thread(self.session.apply, step)
        except StoreError as exc:
            widgets = [
                self._turn(
                    f"Could not save: {exc}. That answer was not recorded; everything before "
                    "it is safe. Try again, or press Escape.",
                    "notice",
                )
            ]
            self._show(widgets, self.session.engine.question(self.session.review), True)
        else:
            extra = self._event_widgets(saved.events[len(step.events) :])
            recorded = any(isinstance(e, Recorded) for e in step.events)
            self._show(extra, saved.question, recorded)
        finally:
            self._saving = False
            self.app.collect_when_idle()  # type: ignore[attr-defined]
        self._next_queued()

    async def _begin(self) -> None:
        from store import StoreError

        try:
            notices = await asyncio.to_thread(self.session.begin)
        except StoreError as exc:
            notices = [f"Could not save the new review yet: {exc}. Your first answer tries again."]
        if notices:
            self.transcript.add(*(self._turn(text, "notice") for text in notices))
        self._saving = False
        self._next_queued()
        self.run_worker(asyncio.to_thread(warm_up), group="warm-up")

    def _next_queued(self) -> None:
        """Run the first input that waited for a save, if any."""
        if self._queue:
            compute, pre = self._queue.pop(0)
            self._run(compute, pre=pre)

    def _question_widgets(self, question: Question | None, recorded: bool) -> list[Static]:
        """The question's turn, if it is not the one shown last (or an answer was recorded)."""
        key = (question.item, question.step) if question else None
        shown, self._shown = self._shown, key
        if question is None or (key == shown and not recorded):
            return []
        section = self.session.engine.fw.section(question.section or "")
        title = section.title if section else ""
        return [self._turn(question_text(question, title), "question")]

    def _show(self, widgets: list[Static], question: Question | None, recorded: bool) -> None:
        """Add ``widgets`` and the question (if it is new) in one go; refresh the rest."""
        widgets = [*widgets, *self._question_widgets(question, recorded)]
        if widgets:
            self.transcript.add(*widgets)
        self.answer_bar.show(question)
        self.refresh_panel()
        self.answer_bar.input.focus()

    def _event_widgets(self, events: tuple[Event, ...]) -> list[Static]:
        widgets: list[Static] = []
        for event in events:
            widget = self._event_widget(event)
            if widget is not None:
                widgets.append(widget)
        return widgets

    def _event_widget(self, event: Event) -> Static | None:
        turn = self._turn
        if isinstance(event, Recorded):
            return None if event.step == "note" else turn(f"Recorded: {event.shown}", "info")
        if isinstance(event, FlagRaised):
            return FlagTurn(event.flag)
        if isinstance(event, FlagWithdrawn):
            return FlagTurn(event.flag, withdrawn=True)
        if isinstance(event, FlagStateChanged):
            return turn(f"Flag on {event.flag.criterion} marked {event.flag.state}.", "info")
        if isinstance(event, CriteriaSetAside):
            return turn("No longer applies to this case (answers kept): " + ", ".join(event.ids),
                        "info")  # fmt: skip
        if isinstance(event, CriteriaRestored):
            return turn("Applies again, with the earlier answers: " + ", ".join(event.ids), "info")
        if isinstance(event, SectionComplete):
            return turn(f"Section complete: {event.title}", "info")
        if isinstance(event, ReviewComplete):
            return turn(
                f"Review complete: {event.open_flags} open flag(s), {event.urgent_flags} "
                "urgent. F2 shows the summary; any answer can still be changed.",
                "question",
            )
        if isinstance(event, Notice):
            return turn(event.text, "notice")
        if isinstance(event, Explanation):
            text = Text()
            text.append(f"Why it matters: {event.title}\n", style="bold")
            text.append(event.why)
            if event.good:
                text.append("\nWhat good looks like: ", style="bold")
                text.append(event.good)
            return turn(text)
        return None

    def say(self, text: str, kind: str = "notice") -> None:
        self.transcript.add(self._turn(text, kind))

    def refresh_panel(self) -> None:
        if not self._furnished:
            return  # ``_furnish`` shows it
        from assistant.engine.progress import progress
        from assistant.tui.side_panel import FlagList, ProgressPanel

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
        engine, by, values = self.session.engine, self.session.actor.name, event.values
        self._run(lambda r: engine.choose(r, values, by=by), pre=[UserTurn(literal(shown))])

    @on(Input.Submitted, "#answer")
    def _submitted(self, event: Input.Submitted) -> None:
        text = event.value
        event.input.value = ""
        if not text.strip():
            if not self.answer_bar.confirm_selection():
                self.say("Type an answer, or press a quick-reply number.")
            return
        if text.lstrip().startswith("/"):
            self.command(text.strip())
            return
        engine, by = self.session.engine, self.session.actor.name
        self._run(lambda r: engine.respond(r, text, by=by), pre=[UserTurn(literal(text))])

    def command(self, text: str) -> None:
        word, _, rest = text[1:].partition(" ")
        word, rest = word.lower(), rest.strip()
        engine, by = self.session.engine, self.session.actor.name
        if word == "back":
            self.action_back()
        elif word == "jump":
            if not rest:
                self.say("Say which question: /jump ID, e.g. /jump rr.plan_review")
            else:
                self._run(lambda r: engine.jump(r, rest))
        elif word == "note":
            self._run(lambda r: engine.set_note(r, rest))
        elif word == "why":
            self.action_why()
        elif word == "summary":
            self.action_summary()
        elif word == "help":
            self.action_help()
        elif word == "flags":
            self.action_focus_flags()
        elif word == "skip":
            self._run(engine.skip)
        elif word in ("done", "open"):
            flags = [f for f in engine.flags(self.session.review) if rest in (f.id, f.criterion)]
            if len(flags) != 1:
                self.say(f"Say which flag: /{word} ID (see the flags panel).")
            else:
                flag_id = flags[0].id
                self._run(lambda r: engine.set_flag_state(r, flag_id, word, by=by))
        elif word in ("quit", "exit"):
            self.app.exit()
        else:
            self.say(f"Unknown command /{printable(word, single_line=True)}. Try /help.")

    @on(OptionList.OptionSelected, "#flags")
    def _flag_selected(self, event: OptionList.OptionSelected) -> None:
        engine = self.session.engine
        flag = next((f for f in engine.flags(self.session.review) if f.id == event.option.id),
                    None)  # fmt: skip
        if flag is not None:
            criterion = flag.criterion
            self._run(lambda r: engine.jump(r, criterion))

    # --- actions -------------------------------------------------------------------------

    def action_back(self) -> None:
        self._run(self.session.engine.back)

    def action_why(self) -> None:
        self._run(self.session.engine.why)

    def action_toggle_panel(self) -> None:
        if self.has_class("-narrow"):
            self.toggle_class("-panel-shown")
        else:
            self.toggle_class("-panel-hidden")

    def action_focus_flags(self) -> None:
        if not self._furnished:
            return
        from assistant.tui.side_panel import FlagList

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
                engine = self.session.engine
                self._run(lambda r: engine.jump(r, item))
            else:
                self.answer_bar.input.focus()

        self.app.push_screen(SummaryScreen(self.session.engine, self.session.review), edit)

    def action_leave(self) -> None:
        self.session.close()
        self.app.go_home()  # type: ignore[attr-defined]

    def on_unmount(self) -> None:
        self.session.close()
