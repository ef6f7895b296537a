"""Helpers for driving the Textual app in tests: stores with answered facts, reading the chat."""

from __future__ import annotations

from pathlib import Path

from assistant.engine.conversation import Engine
from assistant.session import Session
from prompts import get_framework
from store import Actor, Store

# A case with a court report, custody, no MAPPA, a victim, no non-compliance; consistent facts.
FACTS = {
    "psr": "yes",
    "custody": "yes",
    "mappa": "no",
    "victim": "yes",
    "non_compliance": "no",
    "risk_level_assessment": "medium",
    "risk_level_psr": "medium",
    "assessment_factors": "family, peers",
    "plan_factors": "family, peers",
    "significant_change": "no",
    "last_assessment_review_date": "2014-08-01",
    "plan_date": "2014-06-01",
    "first_plan_review_date": "2014-08-15",
    "assessment_date": "2014-05-20",
    "countersign_date": "2014-05-22",
}


def store_with_case(
    root: Path, case_ref: str = "HAR-01", *, mode: str = "self", answers: list[str] = ()
) -> Store:
    """A store holding a review of ``case_ref`` whose facts are answered (then ``answers``)."""
    store = Store.open(root)
    engine = Engine(get_framework())
    session = Session.open(store, engine, case_ref, mode=mode, actor=Actor("Tester"))
    step = session.start()
    while step.question is not None and step.question.step == "fact":
        step = session.answer(FACTS[step.question.item])
    for answer in answers:
        step = session.answer(answer)
    session.close()
    return store


def app_for(store: Store, *, open_case: str | None = None, mode: str | None = None):
    from assistant.tui.app import CaseReviewApp

    return CaseReviewApp(store, get_framework(), Actor("Tester"), open_case=open_case, mode=mode)


def text_of(widget) -> str:  # type: ignore[no-untyped-def]
    content = widget.content
    return content.plain if hasattr(content, "plain") else str(content)


def chat_texts(app, kind) -> list[str]:  # type: ignore[no-untyped-def]
    """Plain text of every message widget of ``kind`` on the current screen."""
    return [text_of(w) for w in app.screen.query(kind)]


async def home_rows(pilot, loads: int = 1, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    """Wait until the home screen has shown ``loads`` pages of rows (listed in a thread)."""
    import asyncio

    from assistant.tui.home import HomeScreen

    for _ in range(int(timeout / 0.02)):
        screen = pilot.app.screen
        if isinstance(screen, HomeScreen) and screen.loads >= loads:
            await pilot.pause()
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"the home screen showed no rows within {timeout} s")
