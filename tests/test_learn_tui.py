"""Learning mode in the app, through Textual's Pilot: the list of practice cases, a case played
with wrong answers (feedback, the case file with the cited extract highlighted, the score),
retry, the narrow layout, and a real store left as it was."""

from __future__ import annotations

import pytest

from assistant.tui.case_file import CaseFilePanel, ExtractView
from assistant.tui.home import HomeScreen
from assistant.tui.learning import LearningScreen
from assistant.tui.learning_list import LearningListScreen, WalkthroughScreen
from assistant.tui.learning_turns import FeedbackTurn, ScoreTurn
from assistant.tui.messages import FlagTurn
from prompts import get_framework
from prompts.practice import live_criteria
from store import Actor
from store.memory import MemoryStore
from tests.learn_helpers import (
    fact_reply,
    files_of,
    isolated_state,
    model_sufficient,
    practice,
    progress_file,
)
from tests.tui_helpers import app_for, store_with_case, text_of


@pytest.fixture
def state_home(tmp_path, monkeypatch):
    return isolated_state(tmp_path, monkeypatch)


async def type_text(pilot, text: str) -> None:
    await pilot.press(*[c if c != " " else "space" for c in text])


def question(app):
    return app.screen.answer_bar.question


async def answer_facts(pilot, case) -> None:
    """The case's model facts, through the answer bar as a learner types them."""
    app = pilot.app
    while (q := question(app)) is not None and q.step == "fact":
        reply = fact_reply(case, q.item)
        if reply in ("yes", "no"):
            await pilot.press("1" if reply == "yes" else "2")
        else:
            await type_text(pilot, reply)
            await pilot.press("enter")
        await pilot.pause()


def practice_app(case_id: str = "victim-poor"):
    from assistant.tui.app import CaseReviewApp

    return CaseReviewApp(MemoryStore(), get_framework(), Actor("Learner"), practice=case_id)


async def test_l_lists_the_cases_and_enter_plays_one_with_wrong_answers(tmp_path, state_home):
    store = store_with_case(tmp_path / "store", "HAR-01", answers=["yes"])
    app = app_for(store)
    case = practice("victim-poor")
    async with app.run_test(size=(120, 40)) as pilot:
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("l")
        await pilot.pause()
        listing = app.screen
        assert isinstance(listing, LearningListScreen)
        table = listing.query_one("DataTable")
        keys = [table.coordinate_to_cell_key((r, 0)).row_key.value for r in range(table.row_count)]
        assert keys[-1] == "walkthrough" and "victim-poor" in keys
        table.move_cursor(row=keys.index("victim-poor"))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LearningScreen)
        panel = app.screen.query_one(CaseFilePanel)
        assert panel.display and [v.extract.id for v in panel.query(ExtractView)] == [
            e.id for e in case.extracts
        ]
        await answer_facts(pilot, case)
        assert question(app).item == "rr.assessment"
        # Wrong: the model answer is sufficient.  No, a reason, no note.
        await pilot.press("2")
        await pilot.pause()
        keys_of = {c.value: c.key for c in question(app).choices}
        await pilot.press(keys_of["drivers_missed"], "enter")
        await pilot.pause()
        await pilot.press("enter")  # no note
        await pilot.pause()
        flags = [f.flag.criterion for f in app.screen.query(FlagTurn)]
        (fb,) = app.screen.query(FeedbackTurn)
        assert flags[-1] == "rr.assessment"
        text = text_of(fb)
        assert text.startswith("DIFFERS rr.assessment")
        assert "the model answer is sufficient" in text and "What good looks like:" in text
        assert fb.has_class("-differs")
        # The extract the feedback cites is highlighted in the case file (and only it).
        cited = [v.extract.id for v in panel.query(ExtractView) if v.has_class("-cited")]
        assert cited == ["asset"]
        assert text_of(panel.query_one("#extract-asset")).startswith("» ")
        # The rest: "Yes" to every judgement (kept against the facts where they differ).
        while question(app) is not None:
            await pilot.press("1")
            await pilot.pause()
        await pilot.pause()
        (score,) = app.screen.query(ScoreTurn)
        # The last answer's turn, each message once: its feedback, the review complete, the
        # score (the feedback painted while the answer was saved is not repeated).
        tail = list(app.screen.transcript.children)[-5:]
        assert isinstance(tail[-1], ScoreTurn)
        assert sum(text_of(w).startswith("Review complete") for w in tail) == 1
        assert [w.feedback.criterion for w in tail if isinstance(w, FeedbackTurn)] == [
            live_criteria(case.framework_model, case.facts)[-1]
        ]
        sufficient, live = model_sufficient(case)
        assert (score.score.agreed, score.score.judged) == (sufficient - 1, live)
        _heading, table, words = score.content.renderables  # the scores as a small table
        assert [c.header for c in table.columns] == ["Section", "Agreed", "Judged"]
        assert words.plain.splitlines()[-1] == f"Overall: {sufficient - 1} of {live} agreed"
        live_ids = live_criteria(case.framework_model, case.facts)
        fw = get_framework()
        per_section = [
            sum(1 for c in fw.criteria if c.section == s.id and c.id in live_ids)
            for s in fw.sections
        ]
        assert [s.judged for s in score.score.sections] == [n for n in per_section if n]
        # Retry: the criteria to revisit are asked again, the first of them now.
        await pilot.press("f5")
        await pilot.pause()
        assert question(app).item == score.score.revisit[0][0]
        # Escape: back to the list, which shows the best score of this attempt.
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LearningListScreen)
        best = app.screen.query_one("DataTable").get_cell("victim-poor", "best")
        assert str(best) == f"{sufficient - 1} of {live} agreed"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    assert progress_file(state_home).exists()


async def test_an_app_practice_run_leaves_the_real_store_byte_identical(tmp_path, state_home):
    root = tmp_path / "store"
    store = store_with_case(root, "HAR-01", answers=["yes", "no"])
    before = files_of(root)
    app = app_for(store)
    case = practice("slcn-missed")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("l")
        await pilot.pause()
        app.screen.play("slcn-missed")
        await pilot.pause()
        await answer_facts(pilot, case)
        while question(app) is not None:
            await pilot.press("1")
            await pilot.pause()
        assert app.screen.query(ScoreTurn)
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    assert files_of(root) == before


async def test_case_review_learn_case_opens_the_app_on_the_case_and_escape_leads_to_the_list(
    state_home,
):
    app = practice_app("victim-good")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LearningScreen)
        assert app.screen.learning.case.id == "victim-good"
        assert app.screen.title == "Practice victim-good"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LearningListScreen)
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, WalkthroughScreen)
        shown = "\n".join(text_of(w) for w in app.screen.query("Static"))
        assert all(c.id in shown for c in get_framework().criteria)
        await pilot.press("escape")
        await pilot.press("escape")  # nothing beneath the list: the app ends
        await pilot.pause()
    assert app.return_code == 0


async def test_at_narrow_widths_the_case_file_is_toggled_in_the_chats_place(state_home):
    app = practice_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        panel = screen.query_one(CaseFilePanel)
        chat = screen.query_one("#chat")
        assert not panel.display and chat.display  # not squeezed beside the chat
        await pilot.press("f3")
        await pilot.pause()
        assert panel.display and not chat.display and panel.region.width == 80
        assert app.focused is panel.body  # the arrows scroll it
        await pilot.press("f3")
        await pilot.pause()
        assert not panel.display and chat.display
        assert app.focused is screen.answer_bar.input
        # /case ID shows it with that extract highlighted; an unknown id is said in the chat.
        await type_text(pilot, "/case plan")
        await pilot.press("enter")
        await pilot.pause()
        assert panel.display
        assert [v.extract.id for v in panel.query(ExtractView) if v.has_class("-cited")] == ["plan"]
        await pilot.press("f3")
        await type_text(pilot, "/case nothing")
        await pilot.press("enter")
        await pilot.pause()
        assert "no extract 'nothing'" in text_of(list(screen.transcript.children)[-1])


async def test_a_question_is_answered_the_same_way_as_in_a_review_why_included(state_home):
    app = practice_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("f4")  # why?
        await pilot.pause()
        said = [text_of(w) for w in app.screen.transcript.children]
        assert said[-1].startswith("Why it matters (Was a pre-sentence report prepared")
