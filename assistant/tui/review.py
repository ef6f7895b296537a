"""The review screen: a chat with the assistant about one case.

Attributes go down (the screen tells the transcript, answer bar and side panel what to show),
messages come up (the answer bar posts what the user picked or typed).  Every input goes
through the ``Session``, which saves the review before the next question is shown.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TypeAlias

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import OptionList, Static

from assistant.commands import Command, completions, parse
from assistant.engine.events import Finished, Question, Recorded, Step
from assistant.presenter import Said, present_events, present_flag, question_place
from assistant.session import Draft, Session
from assistant.text import printable
from assistant.tui.answer_bar import AnswerBar
from assistant.tui.context import the_app
from assistant.tui.messages import AssistantTurn, FlagTurn, Transcript, UserTurn, literal
from store import StoreError

if TYPE_CHECKING:
    from store.records import Review

NARROW = 100  # below this width the side panel hides (F3 shows it)
PAINT_WAIT = 0.25  # seconds a save waits at most for the frame that shows an answer's events
Work: TypeAlias = Callable[[], Draft]  # an input handed to the session


def question_text(q: Question, section_title: str = "") -> Text:
    text = Text()
    place = question_place(q, section_title)
    if place:
        text.append(place + "\n", style="dim")
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
        # Narrow or not is known now: set before mounting, so styles are applied once.
        super().__init__(classes="-narrow" if self.app.size.width < NARROW else "")
        self.session = session
        self._shown: tuple[str, str] | None = None
        self._first_question: Question | None = None
        self._saving = False
        self._queue: list[tuple[Work, list[Static]]] = []
        self._frame: asyncio.Event | None = None  # set by the next layout (see _run)
        self._furnished = False
        self._furnish_asked = False
        # A resumed review's opening line, and the review as it was opened (see _history).
        self._resumed: tuple[AssistantTurn, Review] | None = None
        self.go_to: str | None = None  # a criterion to go to once open (the actions screen)
        fw = session.engine.fw
        self._commands = completions([it.id for it in fw.facts] + [c.id for c in fw.criteria])

    # --- layout --------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        # The first frame is the transcript (with the first question) and the input, so the
        # question is on screen as early as possible; the header, side panel, footer, quick
        # replies and reason picker are mounted by ``_furnish`` right after that frame.
        with Horizontal(id="main"), Vertical(id="chat"):
            yield Transcript(*self._opening(), id="transcript")
            yield AnswerBar(self._commands, id="answer-bar")

    def _opening(self) -> list[Static]:
        """The transcript's first messages: the history so far, notices and the first question
        (nothing is written here: the session saves what starting changed when it begins)."""
        widgets = self._history()
        notices = [self._turn(n, "notice") for n in self.session.notices]
        step = self.session.start()
        self._first_question = step.question
        widgets += [*notices, *self._said_widgets(step)]
        if self.session.resumed and self.session.complete:
            widgets.append(
                self._turn(
                    "This review is complete: its summary is open (Escape returns here). Any "
                    "answer can still be changed: /jump ID, or Enter on a row of the summary.",
                    "question",
                )
            )
        return [*widgets, *self._question_widgets(step.question, recorded=False)]

    def side_panel(self) -> Widget:
        """What stands beside the chat (mounted just after the first frame): progress and the
        flags.  The extension point for other side content (learning mode's case file)."""
        from assistant.tui.side_panel import SidePanel

        return SidePanel(id="side")

    async def _furnish(self) -> None:
        from textual.widgets import Footer, Header

        self._restore_history()
        main = self.query_one("#main")
        await self.mount(Header(), before=main)
        await main.mount(self.side_panel())
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
        from textual.css.query import NoMatches

        try:
            bar = self.answer_bar
            box = bar.input
        except NoMatches:
            return  # closed before its mount came round (the app quit as it opened)
        self.screen_layout_refresh_signal.subscribe(self, self._frame_shown, immediate=True)
        review = self.session.review
        self.title = self.title or f"Review {printable(review.case_ref, single_line=True)}"
        bar.show(self._first_question)
        box.focus()
        if self.go_to:
            self.call_after_refresh(self._go_to)
        elif self.session.resumed and self.session.complete:
            self.call_after_refresh(self.action_summary)
        if the_app(self).ready:
            self.furnish_after_refresh()
        # else the app calls ``furnish_after_refresh`` once its first frame is on the terminal

    def _go_to(self) -> None:
        if self.go_to:
            self.command(Command("jump", self.go_to))

    def furnish_after_refresh(self) -> None:
        """Mount the rest of the screen after the next refresh (once, however often asked)."""
        if not self._furnish_asked:
            self._furnish_asked = True
            self.call_after_refresh(self._furnish)

    def on_resize(self) -> None:
        self.set_class(self.app.size.width < NARROW, "-narrow")

    def _history(self) -> list[Static]:
        """The transcript's opening line.  On resume, what was asked and answered so far comes
        under it right after the first frame (``_restore_history``): the first frame shows
        the next question, at the foot of the chat, without waiting for the flags."""
        review = self.session.review
        if review.facts or review.judgements:
            header = self._turn(f"Resuming the review of {review.case_ref}. So far:", "info")
            self._resumed = (header, review)  # (answers given meanwhile come after it)
            return [header]
        return [self._turn(self._intro(), "info")]

    def _intro(self) -> str:
        return (
            f"Review of {self.session.review.case_ref}. I'll ask about the case first, then "
            "each criterion in turn. Press a number for a quick reply or answer in your own "
            "words; / for commands, F1 for help."
        )

    def _restore_history(self) -> None:
        """Put what was asked and answered so far under the line saying the review resumes."""
        if self._resumed is None:
            return
        from assistant.engine.progress import summary_rows

        (header, review), self._resumed = self._resumed, None
        engine = self.session.engine
        rows = [r for r in summary_rows(engine, review) if r.state == "answered"]
        if not rows:
            header.update(literal(self._intro()))
            return
        widgets: list[Static] = []
        flags = {f.criterion: f for f in engine.flags(review) if f.source == "judgement"}
        for row in rows:
            widgets.append(AssistantTurn(literal(row.text), classes="-question"))
            answer = row.answer + (f": {row.reasons}" if row.reasons else "")
            if row.note:
                answer += f"\n{row.note}"
            widgets.append(UserTurn(literal(answer)))
            if row.item in flags:
                widgets.append(FlagTurn(present_flag(flags[row.item])))
        self.transcript.insert_after(header, widgets)

    @staticmethod
    def _turn(text: str | Text, kind: str = "") -> AssistantTurn:
        content = literal(text) if isinstance(text, str) else text
        return AssistantTurn(content, classes=f"-{kind}" if kind else "")

    # --- driving the session -------------------------------------------------------------
    #
    # An input goes to the session as a draft: the step computed by the pure engine (well
    # under a millisecond), its events (the flag above all) mounted in the same turn as the
    # key that gave it, so that the very next frame shows them.  The save runs after that
    # frame, in a thread; the next question is shown once the answer is saved.  Input that
    # arrives while a save is under way waits in a queue, so nothing typed is lost and every
    # answer is durable before the next question.

    def _run(self, work: Work, *, pre: list[Static] | None = None) -> None:
        """Give the session an input (``work`` drafts it) and show what it means."""
        if self._saving:
            self._queue.append((work, pre or []))
            return
        self._saving = True
        try:
            draft = work()
        except StoreError as exc:  # (a learning retry saves as it drafts: memory, but still)
            self._saving = False
            self._not_saved(exc, pre or [])
            self._next_queued()
            return
        widgets = [*(pre or []), *self._said_widgets(draft.step)]
        frame = None
        if widgets:
            self.transcript.add(*widgets)
            frame = self._frame = asyncio.Event()  # set once the next layout is on screen
        self.run_worker(self._save(draft, frame), group="save")

    def _frame_shown(self, _screen: Screen[object]) -> None:
        if self._frame is not None:
            self._frame.set()
            self._frame = None

    async def _save(self, draft: Draft, frame: asyncio.Event | None) -> None:
        try:
            if draft.step.changed:
                if frame is not None:
                    # Saved once the frame that shows the events is out: run beside the
                    # painting, its Python work (validation, the audit chain) took turns
                    # with it for the interpreter's lock and delayed the flag on screen.
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(frame.wait(), PAINT_WAIT)
                step = await asyncio.to_thread(draft.finish)
            else:
                step = draft.finish()  # nothing to save
        except StoreError as exc:
            self._not_saved(exc)
        else:
            extra = self._said_widgets(step, skip=len(draft.step.events))
            recorded = any(isinstance(e, Recorded) for e in step.events)
            self._show(extra, step.question, recorded, step)
            if any(isinstance(e, Finished) and e.complete for e in step.events):
                self.review_finished()
        finally:
            self._saving = False
            the_app(self).collect_when_idle()
        self._next_queued()

    def _not_saved(self, exc: Exception, pre: Sequence[Static] = ()) -> None:
        widgets = [
            *pre,
            self._turn(
                f"Could not save: {exc}. That answer was not recorded; everything before "
                "it is safe. Try again, or press Escape.",
                "notice",
            ),
        ]
        self._show(widgets, self.session.question, True)

    def review_finished(self) -> None:
        """``finish`` found nothing open: say so and leave."""
        self.app.notify(
            f"The review of {printable(self.session.review.case_ref, single_line=True)} "
            "is finished.",
            title="Review complete",
        )
        self.action_leave()

    async def _begin(self) -> None:
        try:
            notices = await asyncio.to_thread(self.session.begin)
        except StoreError as exc:
            notices = [f"Could not save the new review yet: {exc}. Your first answer tries again."]
        if notices:
            self.transcript.add(*(self._turn(text, "notice") for text in notices))
        self._saving = False
        self._next_queued()
        self.run_worker(asyncio.to_thread(self.session.warm_up), group="warm-up")

    def _next_queued(self) -> None:
        """Run the first input that waited for a save, if any."""
        if self._queue:
            work, pre = self._queue.pop(0)
            self._run(work, pre=pre)

    def _question_widgets(self, question: Question | None, recorded: bool) -> list[Static]:
        """The question's turn, if it is not the one shown last (or an answer was recorded)."""
        key = (question.item, question.step) if question else None
        shown, self._shown = self._shown, key
        if question is None or (key == shown and not recorded):
            return []
        section = self.session.framework.section(question.section or "")
        title = section.title if section else ""
        return [self._turn(question_text(question, title), "question")]

    def _show(
        self,
        widgets: Sequence[Static],
        question: Question | None,
        recorded: bool,
        step: Step | None = None,
    ) -> None:
        """Add ``widgets`` and the question (if it is new) in one go; refresh the rest."""
        widgets = [*widgets, *self._question_widgets(question, recorded)]
        if widgets:
            self.transcript.add(*widgets)
        self.answer_bar.show(question)
        self.refresh_panel(step)
        self.answer_bar.input.focus()

    def _said_widgets(self, step: Step, skip: int = 0) -> list[Static]:
        return [self._said_widget(m) for m in present_events(step.events[skip:])]

    def _said_widget(self, message: Said) -> Static:
        if message.kind in ("flag", "withdrawn") and message.flag is not None:
            return FlagTurn(message)
        kind = {"clarify": "notice", "explanation": ""}.get(message.kind, message.kind)
        lines = [Text.assemble(*line) for line in message.lines]
        return self._turn(Text("\n").join(lines), kind)

    def say(self, text: str, kind: str = "notice") -> None:
        self.transcript.add(self._turn(text, kind))

    def refresh_panel(self, step: Step | None = None) -> None:
        """The header line and the side panel (from ``step``'s flags and progress)."""
        if not self._furnished:
            return  # ``_furnish`` shows it
        from assistant.tui.side_panel import FlagList, ProgressPanel

        review = self.session.review
        if step is not None and step.progress is not None:
            p, all_flags = step.progress, step.flags
        else:
            p, all_flags = self.session.progress(), tuple(self.session.flags)
        flags = [f for f in all_flags if f.open]
        urgent = sum(f.urgent for f in flags)
        team = f" · team {printable(review.team, single_line=True)}" if review.team else ""
        self.sub_title = (
            f"{review.mode} review{team} · {p.answered}/{p.total} answered · "
            f"{len(flags)} open flag(s)" + (f", {urgent} URGENT" if urgent else "")
        )
        for panel in self.query(ProgressPanel):
            panel.show(p)
        for flag_list in self.query(FlagList):
            flag_list.show(flags)

    # --- input ---------------------------------------------------------------------------

    @on(AnswerBar.Submitted)
    def _submitted(self, event: AnswerBar.Submitted) -> None:
        """The one way input arrives: a typed line (an answer or a /command) or quick-reply
        values."""
        if not self.answer_bar.take(event):
            return
        if event.values is not None:
            values = event.values
            self._run(
                lambda: self.session.draft_answer(values=values),
                pre=[UserTurn(literal(event.shown))],
            )
            return
        text = event.text
        if not text.strip():
            self.say("Type an answer, or press a quick-reply number.")
            return
        command = self.parse_command(text)
        if command is None:
            self._run(
                lambda: self.session.draft_answer(text),
                pre=[UserTurn(literal(text))],
            )
        else:
            self.command(command)

    def parse_command(self, text: str) -> Command | None:
        """The command a typed line gives (``/jump ID``), or None for an answer."""
        return parse(text, bare_words=False)

    def command(self, command: Command) -> None:
        local = {
            "summary": self.action_summary,
            "help": self.action_help,
            "flags": self.action_focus_flags,
            "quit": self.app.exit,
        }
        if command.name in local:
            local[command.name]()
        else:
            self._run(lambda: self.session.draft_command(command))

    @on(OptionList.OptionSelected, "#flags")
    def _flag_selected(self, event: OptionList.OptionSelected) -> None:
        flag = next((f for f in self.session.flags if f.id == event.option.id), None)
        if flag is not None:
            self.command(Command("jump", flag.criterion))

    # --- actions -------------------------------------------------------------------------

    def action_back(self) -> None:
        self.command(Command("back"))

    def action_why(self) -> None:
        self.command(Command("why"))

    def action_toggle_panel(self) -> None:
        if self.has_class("-narrow"):
            self.toggle_class("-panel-shown")
        else:
            self.toggle_class("-panel-hidden")

    def action_focus_flags(self) -> None:
        if not self._furnished:
            return
        from assistant.tui.side_panel import FlagList

        flag_lists = self.query(FlagList)
        if not flag_lists:
            return
        self.remove_class("-panel-hidden")
        if self.has_class("-narrow"):
            self.add_class("-panel-shown")
        flag_lists.first().focus()

    def action_help(self) -> None:
        from assistant.tui.help import HelpScreen

        self.app.push_screen(HelpScreen())

    def action_summary(self) -> None:
        from assistant.tui.summary import SummaryScreen

        def edit(item: str | None) -> None:
            if item:
                self.command(Command("jump", item))
            else:
                self.answer_bar.input.focus()

        self.app.push_screen(SummaryScreen(self.session, on_step=self.show_step), edit)

    def show_step(self, step: Step) -> None:
        """Show what a step done elsewhere (a countersignature from the summary) said."""
        self._show(self._said_widgets(step), step.question, False, step)

    def action_countersign(self) -> None:
        from assistant.tui.oversight import countersign

        countersign(self, self.session, self.show_step)

    def action_unlock(self) -> None:
        from assistant.tui.oversight import unlock

        unlock(self, self.session, self.show_step)

    def action_leave(self) -> None:
        self.session.close()
        the_app(self).go_home()

    def on_unmount(self) -> None:
        self.session.close()
