"""Joint review and oversight in the app, through Textual's Pilot (SPEC §10, issue 14): a
joint review with a disagreement, an escalation and a countersignature; a countersigned
review refusing an edit until it is unlocked; the actions screen; a re-audit from home."""

from __future__ import annotations

from assistant.engine.conversation import Engine
from assistant.exchange import import_reviews
from assistant.session import Session
from assistant.tui.actions import ActionsScreen
from assistant.tui.home import HomeScreen
from assistant.tui.messages import AssistantTurn, FlagTurn
from assistant.tui.new_review import NewReviewScreen
from assistant.tui.oversight import OversightForm
from assistant.tui.review import ReviewScreen
from assistant.tui.summary import SummaryScreen
from prompts import get_framework
from store import Actor, Store
from tests.report_sample import harrow_like
from tests.test_tui import current_question, type_text
from tests.tui_helpers import FACTS, chat_texts, home_rows


async def settle(pilot, app) -> None:
    """Wait until the review screen has saved every input."""
    for _ in range(200):
        await pilot.pause()
        screen = app.screen
        if not isinstance(screen, ReviewScreen) or not (screen._saving or screen._queue):
            return


async def say(pilot, app, text: str) -> None:
    await type_text(pilot, text)
    await pilot.press("enter")
    await settle(pilot, app)


async def key(pilot, app, *keys: str) -> None:
    await pilot.press(*keys)
    await settle(pilot, app)


def choice(app, value: str) -> str:
    q = current_question(app)
    return next(c.key for c in q.choices if c.value == value)


def app_with(store: Store, actor: Actor, **kw):
    from assistant.tui.app import CaseReviewApp

    return CaseReviewApp(store, get_framework(), actor, **kw)


async def test_a_joint_review_with_a_disagreement_an_escalation_and_a_countersignature(tmp_path):
    store = Store.open(tmp_path / "store")
    app = app_with(store, Actor("Ina Inspector", "inspector"))
    async with app.run_test(size=(120, 40)) as pilot:
        # The new-review form names the participants, in joint mode.
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NewReviewScreen)
        await type_text(pilot, "JT-21")
        await pilot.click("#joint")
        await pilot.pause()
        assert app.screen.query_one("#inspector").value == "Ina Inspector"
        await pilot.click("#case-manager")
        await type_text(pilot, "Sam Case")
        await pilot.press("enter")
        await settle(pilot, app)
        assert isinstance(app.screen, ReviewScreen)
        while current_question(app).step == "fact":
            q = current_question(app)
            fact = app.engine.fw.fact(q.item)
            if fact.type in ("date", "multichoice", "choice"):
                await say(pilot, app, FACTS[q.item])
            else:
                await key(pilot, app, "1" if FACTS[q.item] == "yes" else "2")

        # A disagreement: the inspector says no, the case manager thinks it was sufficient.
        assert current_question(app).item == "rr.assessment"
        await key(pilot, app, choice(app, "no"))
        await key(pilot, app, "1", "enter")  # a reason
        await say(pilot, app, "No analysis of why he offends")
        assert "Sam Case" in current_question(app).text
        await key(pilot, app, choice(app, "disagree"))
        await key(pilot, app, choice(app, "sufficient"))
        await key(pilot, app, choice(app, "stands"))
        await key(pilot, app, choice(app, "no"))  # not quotable
        assert "Recorded: Case manager disagrees" in chat_texts(app, AssistantTurn)

        # An urgent concern: the flag, then who was told, when and what they did.
        await say(pilot, app, "/jump cy.plan")
        await key(pilot, app, choice(app, "no"))
        await key(pilot, app, "1", "enter")
        await say(pilot, app, "No safety plan at all")
        await key(pilot, app, choice(app, "agree"))
        await key(pilot, app, choice(app, "no"))  # not quotable
        flags = [f.flag.criterion for f in app.screen.query(FlagTurn)]
        assert flags == ["rr.assessment", "cy.plan"]
        assert current_question(app).step == "escalate"
        await say(pilot, app, "Jo Bloggs duty manager")
        await say(pilot, app, "today")
        await say(pilot, app, "Referred to social care")

        # The rest, sufficient and agreed, until the review is complete.
        for _ in range(120):
            q = current_question(app)
            if q is None or app.screen.session.complete:
                break
            if q.step == "fact":
                await key(pilot, app, choice(app, "skip"))
            else:
                await key(pilot, app, "1")
        assert app.screen.session.complete

        # The summary shows the disagreement and the escalation; c countersigns it.
        await pilot.press("f2")
        await pilot.pause()
        summary = app.screen
        assert isinstance(summary, SummaryScreen)
        heading = str(summary.query_one("#heading").content)
        assert "Participants: Ina Inspector (inspector), Sam Case (case manager)." in heading
        assert "Escalations (1):" in heading and "told Jo Bloggs duty manager" in heading
        assert "Not countersigned yet." in heading
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, OversightForm)
        await type_text(pilot, "Mo Manager")
        await pilot.press("tab")
        await type_text(pilot, "Good discussion")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is summary
        heading = str(summary.query_one("#heading").content)
        assert "COUNTERSIGNED AND LOCKED" in heading and "Countersigned by Mo Manager" in heading
        await pilot.press("escape")
        await settle(pilot, app)
        assert any("Countersigned by Mo Manager" in t for t in chat_texts(app, AssistantTurn))

        # Locked: an edit is refused with a line saying so.
        await say(pilot, app, "/jump rr.plan")
        await key(pilot, app, choice(app, "no"))
        assert chat_texts(app, AssistantTurn)[-1].startswith(
            "This review is countersigned by Mo Manager on "
        )

    review = store.find_case("JT-21").review
    assert review is not None and review.mode == "joint"
    assert review.countersignature is not None and review.countersignature.by == "Mo Manager"
    assert review.countersignature.comment == "Good discussion"
    assessment = review.judgements["rr.assessment"]
    assert assessment.view is not None and not assessment.view.agrees
    assert assessment.view.outcome == "sufficient" and assessment.outcome == "insufficient"
    (escalation,) = review.escalations
    assert (escalation.criterion, escalation.told) == ("cy.plan", "Jo Bloggs duty manager")
    assert escalation.response == "Referred to social care" and escalation.told_on
    assert review.judgements["rr.plan"].outcome == "sufficient", "the refused edit changed nothing"
    assert [(e.action, e.who) for e in store.audit(review.id) if e.field == "countersignature"] == [
        ("countersigned", "Mo Manager")
    ]


def countersigned_review(root) -> tuple[Store, str]:
    store = Store.open(root)
    session = Session.open(store, Engine(get_framework()), "LK-01", actor=Actor("Sam"))
    step = session.start()
    while step.question is not None:
        q = step.question
        step = session.answer(FACTS[q.item] if q.step == "fact" else "yes")
    session.close()
    manager = Session.open(
        store, Engine(get_framework()), "", review_id=session.review.id, actor=Actor("Mo")
    )
    assert manager.countersign("Mo Manager").review.locked
    manager.close()
    return store, session.review.id


async def test_the_app_refuses_an_edit_to_a_countersigned_review_until_it_is_unlocked(tmp_path):
    store, review_id = countersigned_review(tmp_path / "store")
    app = app_with(store, Actor("Mo Manager", "manager"), open_case="LK-01")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        assert isinstance(app.screen, SummaryScreen), "a complete review opens on its summary"
        assert "COUNTERSIGNED AND LOCKED" in str(app.screen.query_one("#heading").content)
        await pilot.press("escape")
        await settle(pilot, app)
        opened = [t for t in chat_texts(app, AssistantTurn) if "countersigned by Mo" in t]
        assert opened, "said when the review is opened"
        await say(pilot, app, "/jump rr.plan")
        assert current_question(app).item == "rr.plan"
        await key(pilot, app, choice(app, "no"))
        refused = chat_texts(app, AssistantTurn)[-1]
        assert refused.startswith("This review is countersigned by Mo Manager on ")
        assert f"case-review unlock {review_id}" in refused
        assert store.get(review_id).judgements["rr.plan"].outcome == "sufficient"

        # Unlock from the summary (u), then the edit goes through.
        await pilot.press("f2")
        await pilot.pause()
        await pilot.press("u")
        await pilot.pause()
        assert isinstance(app.screen, OversightForm)
        assert app.screen.query_one("#by").value == "Mo Manager"
        await pilot.press("enter")  # the reason is needed
        await pilot.pause()
        assert "Why it is unlocked is needed." in str(app.screen.query_one("#problem").content)
        await type_text(pilot, "The plan was misread")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert "Unlocked by Mo Manager" in str(app.screen.query_one("#heading").content)
        await pilot.press("escape")
        await settle(pilot, app)
        await say(pilot, app, "/jump rr.plan")
        await key(pilot, app, choice(app, "no"))
        assert current_question(app).step == "reasons"
    review = store.get(review_id)
    assert review.judgements["rr.plan"].outcome == "insufficient"
    assert [(u.by, u.why) for u in review.unlocks] == [("Mo Manager", "The plan was misread")]
    assert ("unlocked", "Mo Manager") in [(e.action, e.who) for e in store.audit(review_id)]


async def test_the_actions_screen_lists_urgent_and_oldest_first_and_opens_at_the_criterion(
    tmp_path,
):
    store = Store.open(tmp_path / "store")
    import_reviews(store, harrow_like(get_framework()), Actor("Importer"))
    app = app_with(store, Actor("Mo Manager", "manager"))
    async with app.run_test(size=(120, 40)) as pilot:
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("a")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ActionsScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert len(screen.actions) == 148
        assert screen.actions[0]["severity"] == "urgent"
        table = screen.query_one("#actions")
        assert table.row_count == 148
        assert "148 open action(s), urgent and oldest first" in str(
            screen.query_one("#scope").content
        )
        first = table.get_row_at(0)
        assert text_of_cell(first[0]) == "!! URGENT" and text_of_cell(first[1]).endswith("days")

        # Filter by case, then open one at its criterion.
        await pilot.click("#case")
        await type_text(pilot, "HAR-03")
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert {a["case_ref"] for a in screen.actions} == {"HAR-03"}
        target = screen.actions[0]
        await pilot.press("enter")
        await settle(pilot, app)
        assert isinstance(app.screen, ReviewScreen)
        assert app.screen.session.review.id == target["review_id"]
        assert current_question(app).item == target["criterion"]
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen

        # d marks the highlighted action done (audited), and it leaves the open list.
        await app.workers.wait_for_complete()
        await pilot.pause()
        before = len(screen.actions)
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, OversightForm)
        assert app.screen.query_one("#by").value == "Mo Manager"
        await type_text(pilot, "Plan rewritten")
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert len(screen.actions) == before - 1
    state = store.get(target["review_id"]).flag_states[target["flag"]]
    assert (state.state, state.changed_by, state.note) == ("done", "Mo Manager", "Plan rewritten")


def text_of_cell(cell) -> str:
    return cell.plain if hasattr(cell, "plain") else str(cell)


async def test_a_re_audit_from_the_home_screen_shows_the_earlier_flags(tmp_path):
    store = Store.open(tmp_path / "store")
    import_reviews(store, harrow_like(get_framework())[:1], Actor("Importer"))
    app = app_with(store, Actor("Sam"))
    async with app.run_test(size=(120, 40)) as pilot:
        await home_rows(pilot)  # (listed in a thread)
        await pilot.press("N")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, NewReviewScreen)
        assert form.query_one("#case-ref").value == "HAR-01"
        assert form.query_one("#team").value == "Harrow"  # the earlier review's team
        await pilot.press("enter")
        await settle(pilot, app)
        assert isinstance(app.screen, ReviewScreen)
        review = app.screen.session.review
        assert review.earlier_review == "harrow-01" and review.status == "in_progress"
        texts = chat_texts(app, AssistantTurn)
        earlier = next(t for t in texts if t.startswith("Re-audit: the earlier review"))
        assert "raised 2 flag(s)" in earlier and "cy.custody !! URGENT" in earlier
    assert len(list(store.summaries())) == 2


async def test_the_home_screen_s_actions_button_opens_the_actions(tmp_path):
    store = Store.open(tmp_path / "store")
    import_reviews(store, harrow_like(get_framework())[:1], Actor("Importer"))
    app = app_with(store, Actor("Sam"))
    async with app.run_test(size=(80, 24)) as pilot:
        await home_rows(pilot)
        await pilot.click("#open-actions")
        await pilot.pause()
        assert isinstance(app.screen, ActionsScreen)
