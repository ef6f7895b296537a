"""The terminal app through Textual's Pilot: the stories a case manager lives through."""

from __future__ import annotations

import pytest

from assistant.tui.home import HomeScreen
from assistant.tui.messages import AssistantTurn, FlagTurn, UserTurn
from assistant.tui.review import ReviewScreen
from assistant.tui.side_panel import FlagList
from assistant.tui.summary import SummaryScreen
from store import Store
from tests.tui_helpers import FACTS, app_for, chat_texts, home_rows, store_with_case, text_of


def flag_ids(app) -> list[str]:
    flags = app.screen.query_one(FlagList)
    return [flags.get_option_at_index(i).id for i in range(flags.option_count)]


async def type_text(pilot, text: str) -> None:
    await pilot.press(*[c if c != " " else "space" for c in text])


def current_question(app):
    return app.screen.answer_bar.question


async def test_start_a_review_answer_say_no_pick_reasons_see_the_flag_then_withdraw_it(tmp_path):
    store = Store.open(tmp_path / "store")
    app = app_for(store)
    async with app.run_test(size=(120, 40)) as pilot:
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("n")
        await type_text(pilot, "HAR-11")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        # The facts, by quick-reply keys and typed answers.
        while current_question(app).step == "fact":
            q = current_question(app)
            fact = app.engine.fw.fact(q.item)
            if fact.type in ("date", "multichoice", "choice"):
                await type_text(pilot, FACTS[q.item])
                await pilot.press("enter")
            else:
                await pilot.press("1" if FACTS[q.item] == "yes" else "2")
            await pilot.pause()
        assert current_question(app).item == "rr.assessment"
        await pilot.press("2")  # No
        await pilot.pause()
        q = current_question(app)
        assert q.step == "reasons"
        keys = {c.value: c.key for c in q.choices}
        await pilot.press(keys["drivers_missed"], keys["positive_factors_missed"], "enter")
        await pilot.pause()
        assert current_question(app).step == "note"
        await type_text(pilot, "No analysis of why he offends")
        await pilot.press("enter")
        await pilot.pause()
        (flag,) = app.screen.query(FlagTurn)
        assert flag.flag.criterion == "rr.assessment"
        assert set(flag.flag.reasons) == {"drivers_missed", "positive_factors_missed"}
        assert "Action:" in text_of(flag) and "No analysis of why he offends" in text_of(flag)
        assert flag_ids(app) == ["rr.assessment"]
        assert app.focused is app.screen.answer_bar.input  # ready for the next answer

        # Go back and change the answer: the flag is withdrawn.
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert current_question(app).item == "rr.assessment"
        await pilot.press("1")
        await pilot.pause()
        assert any(w.has_class("-withdrawn") for w in app.screen.query(FlagTurn))
        assert flag_ids(app) == ["-none"]
    review = store.find_case("HAR-11").review
    assert review.judgements["rr.assessment"].outcome == "sufficient"


async def test_free_text_is_understood_and_kept_as_the_note(tmp_path):
    store = store_with_case(tmp_path / "store", "HAR-12")
    app = app_for(store, open_case="HAR-12")
    async with app.run_test(size=(120, 40)) as pilot:
        await type_text(pilot, "didn't really get to why he offends")
        await pilot.press("enter")
        await pilot.pause()
        (flag,) = app.screen.query(FlagTurn)
        assert flag.flag.reasons == ("drivers_missed",)
        assert current_question(app).item == "rr.assessment_review"


async def test_an_urgent_flag_is_unmistakable_not_by_colour_alone(tmp_path):
    store = store_with_case(tmp_path / "store", "HAR-13")
    app = app_for(store, open_case="HAR-13")
    async with app.run_test(size=(120, 40)) as pilot:
        await type_text(pilot, "/jump cy.plan")
        await pilot.press("enter")
        await pilot.pause()
        await type_text(pilot, "no vulnerability management plan, and no contingency")
        await pilot.press("enter")
        await pilot.pause()
        (flag,) = app.screen.query(FlagTurn)
        assert flag.has_class("-urgent")
        assert "URGENT" in text_of(flag)
        panel = app.screen.query_one(FlagList)
        assert "URGENT" in str(panel.get_option_at_index(0).prompt)


async def test_quit_and_resume_restores_the_transcript(tmp_path):
    store = store_with_case(tmp_path / "store", "HAR-14")
    app = app_for(store, open_case="HAR-14")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("1")
        await pilot.pause()
        await type_text(pilot, "nope, not reviewed since the move to the new placement")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("ctrl+q")
    assert app.return_code in (0, None)

    again = app_for(Store.open(tmp_path / "store"), open_case="HAR-14")
    async with again.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        users = chat_texts(again, UserTurn)
        assert any(t.startswith("Yes (sufficient)") for t in users)
        assert any("not reviewed since the move" in t for t in users)
        assert [f.flag.criterion for f in again.screen.query(FlagTurn)] == ["rr.assessment_review"]
        assert any("Resuming the review of HAR-14" in t for t in chat_texts(again, AssistantTurn))
        assert current_question(again).item == "rr.psr"


async def test_markup_in_notes_and_case_refs_is_shown_literally(tmp_path):
    store = store_with_case(tmp_path / "store", "[b]HAR[/b]")
    app = app_for(store, open_case="[b]HAR[/b]")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2", "1", "enter")
        await pilot.pause()
        await type_text(pilot, "[bold red]x[/]")
        await pilot.press("enter")
        await pilot.pause()
        (flag,) = app.screen.query(FlagTurn)
        assert "Note: [bold red]x[/]" in text_of(flag)
        assert "[bold red]x[/]" in chat_texts(app, UserTurn)
        assert "[b]HAR[/b]" in app.screen.title
        screenshot = app.export_screenshot()
        assert "[bold&#160;red]x[/]" in screenshot or "[bold red]x[/]" in screenshot


async def test_summary_lists_answers_and_lets_the_user_edit_one(tmp_path):
    store = store_with_case(tmp_path / "store", "HAR-15", answers=["yes", "no review at all"])
    app = app_for(store, open_case="HAR-15")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        table = app.screen.query_one("DataTable")
        rows = [table.get_row_at(i) for i in range(table.row_count)]
        by_id = {r[1]: r for r in rows}
        assert str(by_id["rr.assessment_review"][0]) == "⚑"
        assert str(by_id["rr.assessment"][0]) == ""
        assert "psr" in by_id
        table.move_cursor(row=[r[1] for r in rows].index("rr.assessment"))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert current_question(app).item == "rr.assessment"
        assert current_question(app).current.startswith("Yes (sufficient)")


async def test_selecting_a_flag_in_the_side_panel_jumps_to_its_question(tmp_path):
    store = store_with_case(tmp_path / "store", "HAR-16", answers=["no review at all"])
    app = app_for(store, open_case="HAR-16")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("1")  # answer the next question too
        await pilot.pause()
        await pilot.press("f6")
        await pilot.pause()
        assert isinstance(app.focused, FlagList)
        await pilot.press("enter")
        await pilot.pause()
        assert current_question(app).item == "rr.assessment"


async def test_home_lists_reviews_urgent_first_and_resumes_one(tmp_path):
    root = tmp_path / "store"
    store_with_case(root, "HAR-20", answers=["yes"])
    store_with_case(root, "HAR-21", answers=["yes", "yes", "yes", "yes", "yes", "yes", "yes",
                                              "yes", "yes", "yes", "yes", "yes", "yes", "yes",
                                              "yes", "yes", "no", "1", "skip"])  # fmt: skip
    app = app_for(Store.open(root))
    async with app.run_test(size=(120, 40)) as pilot:
        await home_rows(pilot)
        table = app.screen.query_one("DataTable")
        first = table.get_row_at(0)
        assert str(first[0]) == "HAR-21" and "!!" in str(first[6])
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert app.screen.session.review.case_ref == "HAR-20"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_bad_input_gets_a_clear_message(tmp_path):
    store = Store.open(tmp_path / "store")
    app = app_for(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", "enter")
        await pilot.pause()
        assert "A case reference is needed" in text_of(app.screen.query_one("#problem"))
        await type_text(pilot, "HAR-30")
        await pilot.press("enter")
        await pilot.pause()
        await type_text(pilot, "purple")
        await pilot.press("enter")
        await pilot.pause()
        assert any("yes or no" in t for t in chat_texts(app, AssistantTurn))
        await type_text(pilot, "/frobnicate")
        await pilot.press("enter")
        await pilot.pause()
        assert any("Unknown command /frobnicate" in t for t in chat_texts(app, AssistantTurn))
        assert current_question(app).item == "psr"


@pytest.mark.parametrize("size", [(80, 24), (60, 20)])
async def test_small_terminals_still_work(tmp_path, size):
    store = store_with_case(tmp_path / "store", "HAR-40")
    app = app_for(store, open_case="HAR-40")
    async with app.run_test(size=size) as pilot:
        await pilot.press("2")
        await pilot.pause()
        assert current_question(app).step == "reasons"
        assert app.screen.answer_bar.input.region.height > 0


async def test_the_screen_is_furnished_and_a_new_review_saved_once_the_first_frame_is_up(tmp_path):
    from textual.widgets import Footer, Header

    from assistant.tui.answer_bar import QuickReply
    from assistant.tui.side_panel import SidePanel

    store = Store.open(tmp_path / "store")
    app = app_for(store, open_case="HAR-31")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert screen.query(SidePanel) and screen.query(Header) and screen.query(Footer)
        assert [b.value for b in screen.query(QuickReply)][:2] == ["yes", "no"]
        assert "Help" in str(app.screen.active_bindings.keys()) or any(
            b.binding.description == "Help" for b in app.screen.active_bindings.values()
        )
        await pilot.pause(0.2)  # the save runs in a thread
        stored = store.find_case("HAR-31").review
        assert stored is not None and stored.revision == 1
        await pilot.press("1")  # yes to the first fact
        await pilot.pause(0.2)
        assert store.get(stored.id).facts == {"psr": True}
        # Leaving a review opened from the shell shows the home screen in its place.
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen) and len(app.screen_stack) == 1
        await home_rows(pilot)
        await pilot.press("enter")  # resume it from the home screen, and leave again
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen) and app.screen.session.review.id == stored.id
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_a_judgement_the_facts_contradict_is_challenged_in_the_app(tmp_path):
    # The plan leaves out a factor the assessment found (peers): "yes" to rr.plan is challenged.
    store = store_with_case(tmp_path / "store", "HAR-50")
    app = app_for(store, open_case="HAR-50")
    async with app.run_test(size=(120, 40)) as pilot:
        session = app.screen.session
        await pilot.press("1")  # rr.assessment
        await pilot.pause()
        await type_text(pilot, "/jump plan_factors")
        await pilot.press("enter")
        await pilot.pause()
        await type_text(pilot, "family")
        await pilot.press("enter")
        await pilot.pause()
        await type_text(pilot, "/jump rr.plan")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("1")  # Yes
        await pilot.pause()
        q = current_question(app)
        assert q.item == "rr.plan" and q.step == "confirm"
        assert any("the case facts say otherwise" in t and "peer" in t.lower()
                   for t in chat_texts(app, AssistantTurn))  # fmt: skip
        await pilot.press("2")  # Change to No
        await pilot.pause()
        await pilot.press("enter")  # an empty line skips the optional note
        await pilot.pause()
        judgement = session.review.judgements["rr.plan"]
        assert judgement.outcome == "insufficient" and judgement.reasons == ("factors_not_in_plan",)
        assert any("rr.plan" in text_of(f) for f in app.screen.query(FlagTurn))


async def test_tab_completes_a_slash_command(tmp_path):
    store = store_with_case(tmp_path / "store", "HAR-51")
    app = app_for(store, open_case="HAR-51")
    async with app.run_test(size=(100, 30)) as pilot:
        await type_text(pilot, "/sum")
        await pilot.pause(0.2)
        await pilot.press("tab")
        assert app.screen.answer_bar.input.value == "/summary"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)


async def test_every_quick_reply_is_visible_at_100_columns(tmp_path):
    from assistant.tui.answer_bar import QuickReply

    store = store_with_case(tmp_path / "store", "HAR-52")
    app = app_for(store, open_case="HAR-52")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("1")  # rr.assessment: Yes; rr.assessment_review allows n/a: 6 replies
        await pilot.pause(0.3)
        quick = app.screen.query_one("#quick")
        buttons = list(quick.query(QuickReply))
        assert [str(b.label) for b in buttons][-1] == "6 Why?"
        for button in buttons:
            assert button.region.right <= quick.region.right and button.region.width > 0
        # Where one row does not fit, they go to two columns: none is cut off.
        await pilot.resize_terminal(44, 30)
        await pilot.pause(0.3)
        quick = app.screen.query_one("#quick")
        assert quick.has_class("-stacked")
        for button in quick.query(QuickReply):
            assert button.region.right <= quick.region.right and button.region.width > 0


async def test_a_complete_review_opens_on_its_summary_and_the_team_shows_at_home(tmp_path):
    root = tmp_path / "store"
    answers = ["yes"] * 40
    store_with_case(root, "HAR-53", answers=answers)
    from assistant.engine.conversation import Engine
    from assistant.session import Session
    from prompts import get_framework
    from store import Actor

    session = Session.open(Store.open(root), Engine(get_framework()), "HAR-53", actor=Actor("T"),
                           team="North")  # fmt: skip
    assert session.complete
    session.close()
    app = app_for(Store.open(root), open_case="HAR-53")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.3)
        assert isinstance(app.screen, SummaryScreen)
        assert "team North" in text_of(app.screen.query_one("#heading"))
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await home_rows(pilot)
        row = app.screen.query_one("DataTable").get_row_at(0)
        assert str(row[0]) == "HAR-53" and str(row[1]) == "North" and row[3] == "complete"


async def test_a_long_quick_reply_gets_a_row_of_its_own_and_is_never_cut(tmp_path):
    from assistant.engine.events import Choice, Question
    from assistant.tui.answer_bar import QuickReply

    store = store_with_case(tmp_path / "store", "HAR-54")
    app = app_for(store, open_case="HAR-54")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.3)
        labels = [
            "Yes (sufficient)",
            "No (insufficient)",
            "Still disagree: the inspector's judgement stands",
        ]
        question = Question(
            item="rr.assessment",
            step="agreed",
            text="After discussion, which judgement is recorded?",
            help="",
            choices=tuple(Choice(str(i), label, f"v{i}") for i, label in enumerate(labels, 1)),
        )
        app.screen.answer_bar.show(question)
        await pilot.pause(0.3)
        quick = app.screen.query_one("#quick")
        assert quick.has_class("-one-column")
        for button, label in zip(quick.query(QuickReply), labels, strict=True):
            assert str(button.label).endswith(label)
            assert (
                button.region.width >= len(label) + 2 and button.region.right <= quick.region.right
            )


class _HeldSaves:
    """A store whose saves wait until ``release``: what the screen shows while the disk works."""

    def __init__(self, store: Store) -> None:
        import threading

        self._store = store
        self.holding = False
        self.released = threading.Event()
        self.saving = threading.Event()

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.holding:
            self.saving.set()
            assert self.released.wait(10), "the test never released the save"
        return self._store.save(*args, **kwargs)

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self._store, name)


async def test_the_flag_is_on_screen_while_its_answer_is_still_being_saved(tmp_path):
    """The flag is painted from the session's draft in the turn of the Enter that gave it; the
    save runs afterwards, and only then does the next question come."""
    import asyncio

    store = _HeldSaves(store_with_case(tmp_path / "store"))
    app = app_for(store, open_case="HAR-01")  # type: ignore[arg-type]
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert current_question(app).item == "rr.assessment"
        store.holding = True
        app.screen.answer_bar.input.value = "no analysis of why he offends, no strengths either"
        await pilot.press("enter")
        for _ in range(200):  # the save starts once the flag's frame is out
            if store.saving.is_set():
                break
            await asyncio.sleep(0.01)
        assert store.saving.is_set()
        await pilot.pause()
        (flag,) = app.screen.query(FlagTurn)
        assert flag.flag.criterion == "rr.assessment"
        assert flag in app.screen._compositor.visible_widgets  # painted, not only mounted
        assert current_question(app).item == "rr.assessment"  # not asked on yet: not saved
        store.released.set()
        for _ in range(200):
            await pilot.pause()
            if current_question(app).item != "rr.assessment":
                break
        assert current_question(app).item == "rr.assessment_review"
        assert Store.open(tmp_path / "store").find_case("HAR-01")  # (saved for real)


async def test_a_line_sent_twice_before_the_screen_takes_it_is_answered_once(tmp_path):
    """Two Enters in quick succession send the same line twice; the second finds it taken."""
    from textual.widgets import Input

    store = store_with_case(tmp_path / "store")
    app = app_for(store, open_case="HAR-01")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        box = app.screen.answer_bar.input
        box.value = "yes"
        box.post_message(Input.Submitted(box, "yes"))
        box.post_message(Input.Submitted(box, "yes"))
        for _ in range(20):
            await pilot.pause()
        assert chat_texts(app, UserTurn)[-1:] == ["yes"]
        assert sum(t == "yes" for t in chat_texts(app, UserTurn)) == 1
        assert current_question(app).item == "rr.assessment_review"  # asked on once
        assert box.value == ""


async def test_a_review_opened_as_the_app_quits_closes_without_an_error(tmp_path):
    """Quitting in the moment a review opens (a fast typist's Enter, then Ctrl+Q): the
    review screen's mount comes round after its widgets went, and must not fail."""
    store = store_with_case(tmp_path / "store")
    review_id = store.find_case("HAR-01").review.id
    for _ in range(5):
        app = app_for(store)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            app.open_review_id(review_id)
            app.exit()
        assert app.return_code in (0, None)
