"""The Textual app: home screen at the base, reviews, summary, help and report above it.

Started on the home screen, the app imports no conversation machinery (session, engine) until
a review is opened, and the home screen's first page may already be listed (``first_page``:
a listing started by ``assistant.tui.launch`` while the app was being imported).
"""

from __future__ import annotations

import gc
from collections.abc import Iterable
from typing import TYPE_CHECKING

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.timer import Timer

from prompts.model import Framework
from store import Actor, ReviewStore, StoreError

if TYPE_CHECKING:
    from concurrent.futures import Future

    from assistant.engine.conversation import Engine
    from assistant.tui.review import ReviewScreen
    from store import Listing


class CaseReviewApp(App[None]):
    TITLE = "Case Review Assistant"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", priority=True),
        Binding("ctrl+c", "quit", "Quit", show=False, priority=True),
    ]

    def __init__(
        self,
        store: ReviewStore,
        framework: Framework,
        actor: Actor | None = None,
        *,
        open_case: str | None = None,
        mode: str | None = None,
        team: str | None = None,
        new: bool = False,
        practice: str | None = None,
        case_manager: str | None = None,
        first_page: Future[Listing] | None = None,
    ) -> None:
        """``practice``: open on learning mode, playing that practice case (``store`` is then
        a memory store: nothing reaches the real one).  ``first_page``: the home screen's
        first page, being listed already."""
        super().__init__()
        self.store = store
        self._engine: Engine | None = None
        self.framework = framework
        self.first_page = first_page
        self.actor = actor or Actor()
        self._open_case = open_case
        self._mode = mode
        self._open_team, self._open_new = team, new
        self._case_manager = case_manager
        self._practice = practice
        self.ready = False  # the first frame is on the terminal (Textual's Ready event)
        self._home_mode = False  # see go_home

    @property
    def engine(self) -> Engine:
        """The conversation engine for the framework (made when a review is first opened)."""
        if self._engine is None:
            from assistant.session import engine_for

            self._engine = engine_for(self.framework)
        return self._engine

    def get_default_screen(self) -> Screen:
        """The first screen: the review of the case given on the command line (nothing built
        beneath it; the home screen replaces it when the user leaves), else the home screen.
        With a practice case: the practice cases, that case's review pushed on them."""
        if self._practice:
            from assistant.tui.learning_list import LearningListScreen

            return LearningListScreen(play=self._practice)
        if self._open_case:
            review = self._review_screen(
                self._open_case,
                self._mode,
                team=self._open_team,
                new=self._open_new,
                case_manager=self._case_manager,
            )
            if review is not None:
                return review
        from assistant.tui.home import HomeScreen

        return HomeScreen()

    def on_mount(self) -> None:
        # Everything built so far lives as long as the app: keep it out of the garbage
        # collector's full passes, and make those passes rare; the screens run them while the
        # user reads (see ``collect_when_idle``).  A full pass costs 100 ms or more, which
        # would otherwise land in the middle of an answer now and then.
        self.call_after_refresh(self._settle_memory)
        gen0, gen1, _ = gc.get_threshold()
        gc.set_threshold(gen0, gen1, 1000)
        self._idle_collect: Timer | None = None

    def on_ready(self) -> None:
        """The first frame is on the terminal: a review screen opened from the shell showed
        its light first frame (the question and the input) and now gets the rest."""
        from assistant.tui.review import ReviewScreen

        self.ready = True
        for screen in self.screen_stack:
            if isinstance(screen, ReviewScreen) and screen.is_mounted:
                screen.furnish_after_refresh()  # (one not mounted yet asks in its on_mount)

    @staticmethod
    def _settle_memory() -> None:
        """After the first frame: freeze what start-up built, collect from now on (the command
        line turned the collector off for the start, see ``assistant.tui.launch``)."""
        gc.freeze()
        gc.enable()

    def collect_when_idle(self, delay: float = 1.5) -> None:
        """Run a full garbage collection once nothing has happened for ``delay`` seconds."""
        if self._idle_collect is not None:
            self._idle_collect.stop()
        self._idle_collect = self.set_timer(delay, lambda: gc.collect(2))

    def go_home(self) -> None:
        """Leave the current screen for the one that opened it, or for the home screen."""
        from assistant.tui.home import HomeScreen

        if len(self.screen_stack) > 1:
            self.pop_screen()  # back to whatever opened it (home, the dashboard)
        elif not isinstance(self.screen, HomeScreen):
            # The review was opened straight from the shell and is the base of the app's
            # first screen stack, which Textual cannot switch away from: home gets a stack
            # (a mode) of its own, where reviews opened later are pushed and popped.
            if not self._home_mode:
                self.add_mode("home", HomeScreen)
                self._home_mode = True
            self.switch_mode("home")

    def open_review(
        self,
        case_ref: str,
        mode: str | None = None,
        *,
        team: str | None = None,
        new: bool = False,
        case_manager: str | None = None,
        reviewer: str | None = None,
    ) -> None:
        screen = self._review_screen(
            case_ref, mode, team=team, new=new, case_manager=case_manager, reviewer=reviewer
        )
        if screen is not None:
            self.push_screen(screen)

    def open_review_id(self, review_id: str, *, at: str | None = None) -> None:
        """Open one stored review (the home screen's, the dashboard's and the actions' rows);
        ``at``: the criterion to go to."""
        screen = self._review_screen("", None, review_id=review_id)
        if screen is not None:
            if at:
                screen.go_to = at
            self.push_screen(screen)

    def _review_screen(
        self,
        case_ref: str,
        mode: str | None,
        *,
        team: str | None = None,
        new: bool = False,
        review_id: str | None = None,
        case_manager: str | None = None,
        reviewer: str | None = None,
    ) -> ReviewScreen | None:
        """The review of ``case_ref`` (resumed or new), or None (and a notice) if it cannot be
        opened.  ``reviewer``: who reviews (the inspector of a joint review), when not the
        app's user."""
        from assistant.session import Session
        from assistant.tui.review import ReviewScreen

        role = self.actor.role
        if mode == "joint" and role == "case_manager":
            role = "inspector"
        try:
            session = Session.open(
                self.store,
                self.engine,
                case_ref,
                mode=mode,
                actor=Actor(reviewer or self.actor.name, role),
                team=team,
                new=new,
                review_id=review_id,
                create_now=False,  # the review screen saves it once its first frame is shown
                case_manager=case_manager,
            )
        except StoreError as exc:
            self.notify(str(exc), title="Cannot open the review", severity="error", timeout=10)
            return None
        return ReviewScreen(session)

    def open_report(self) -> None:
        from assistant.tui.dashboard import ReportScreen

        self.push_screen(ReportScreen())

    def open_actions(self) -> None:
        from assistant.tui.actions import ActionsScreen

        self.push_screen(ActionsScreen())

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        from assistant.tui.home import HomeScreen
        from assistant.tui.review import ReviewScreen

        if isinstance(screen, HomeScreen):
            yield SystemCommand("New review", "Start reviewing a case", screen.action_new)
            yield SystemCommand("Report", "The inspection-style report", self.open_report)
            yield SystemCommand(
                "Actions", "Every open action across reviews, urgent first", self.open_actions
            )
        if isinstance(screen, ReviewScreen):
            yield SystemCommand("Summary", "Every answer and flag so far", screen.action_summary)
            yield SystemCommand("Back", "The previous question", screen.action_back)
            yield SystemCommand("Why?", "Why this question matters", screen.action_why)
            yield SystemCommand("Flags", "Go to the list of flags", screen.action_focus_flags)
            yield SystemCommand("Home", "Leave this review (it is saved)", screen.action_leave)
            if screen.session.review.mode != "learning":
                if screen.session.locked:
                    yield SystemCommand(
                        "Unlock", "Unlock this countersigned review", screen.action_unlock
                    )
                elif screen.session.complete:
                    yield SystemCommand(
                        "Countersign",
                        "Countersign this complete review as its manager (locks it)",
                        screen.action_countersign,
                    )
        yield SystemCommand("Help", "How to answer, commands and keys", self._help)

    def _help(self) -> None:
        from assistant.tui.help import HelpScreen

        self.push_screen(HelpScreen())
