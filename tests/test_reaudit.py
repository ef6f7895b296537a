"""Re-audit and the report's oversight figures (SPEC §10, issue 14): a new review of a case
shows the earlier flags at the start and, once complete, which are resolved and which recur;
`report --latest` counts a re-audited case once; countersigning delays against the local
limit, checked on a hand-computed example in every format."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from assistant.report import build_report, render
from prompts import get_framework
from store.records import Countersignature, Judgement, Review
from tests.test_joint_review import answer_all
from tests.test_oversight_cli import complete_review, run
from tests.test_plain import PlainChat, stored


def test_a_re_audit_shows_the_earlier_flags_then_which_are_resolved_and_which_recur(tmp_path):
    store = tmp_path / "store"
    chat = PlainChat(store, "--case", "RA-01")
    answer_all(chat, {"rr.plan": ["no", "1", ""], "cy.plan": ["no", "1", ""]})
    assert chat.close() == 0
    (earlier,) = stored(store)
    assert {j for j, v in earlier["judgements"].items() if v["outcome"] == "insufficient"} == {
        "rr.plan",
        "cy.plan",
    }

    again = PlainChat(store, "--case", "RA-01", "--new")
    answer_all(again, {"cy.plan": ["no", "2", ""], "ss.health": ["no", "1", ""]})
    again.send("summary")
    assert again.close() == 0
    lines = again.transcript
    start = lines.index(next(x for x in lines if x.startswith("Re-audit: the earlier review")))
    assert "raised 2 flag(s)" in lines[start]
    assert lines[start + 1].startswith("  - rr.plan: Plan of work to reduce reoffending")
    assert lines[start + 2].startswith("  - cy.plan !! URGENT: Planning for safeguarding")
    first_question = next(i for i, x in enumerate(lines) if x.endswith("[psr]"))
    assert start < first_question, "shown at the start"
    outcome = next(i for i, x in enumerate(lines) if x.startswith("Re-audit against"))
    assert lines[outcome] == "Re-audit against the earlier review: 1 resolved, 1 recur, 1 new."
    assert lines[outcome + 1].startswith("  Resolved: rr.plan: Plan of work")
    assert lines[outcome + 2].startswith("  Recurs: cy.plan !! URGENT: Planning for safeguarding")
    assert lines[outcome + 3].startswith("  New: ss.health: Attention to health")
    assert any(x.startswith("Review complete") for x in lines[outcome - 3 : outcome])
    # The summary says it again.
    summary = lines.index(next(x for x in lines if x.startswith("Summary of RA-01")))
    assert "Re-audit against the earlier review: 1 resolved, 1 recur, 1 new." in lines[summary:]

    reviews = {r["id"]: r for r in stored(store)}
    (new,) = [r for r in reviews.values() if r["id"] != earlier["id"]]
    assert new["earlier_review"] == earlier["id"]
    assert "earlier_review" not in reviews[earlier["id"]]


def test_report_latest_counts_a_re_audited_case_once(tmp_path):
    store = tmp_path / "store"
    complete_review(store, "RL-01", flag="rr.plan")
    complete_review(store, "RL-02", flag=None)
    from assistant.engine.conversation import Engine
    from assistant.session import Session
    from store import Actor, Store
    from tests.tui_helpers import FACTS

    session = Session.open(
        Store.open(store), Engine(get_framework()), "RL-01", actor=Actor("S"), new=True
    )
    step = session.start()
    while step.question is not None:
        q = step.question
        step = session.answer(FACTS[q.item] if q.step == "fact" else "yes")
    session.close()

    every = json.loads(run(store, "report", "--format", "json").stdout)
    latest = json.loads(run(store, "report", "--format", "json", "--latest").stdout)
    plan = {c["id"]: c for c in every["criteria"]}["rr.plan"]
    assert (every["reviews"], every["cases"], plan["sufficient"], plan["relevant"]) == (3, 2, 2, 3)
    plan = {c["id"]: c for c in latest["criteria"]}["rr.plan"]
    assert (latest["reviews"], latest["cases"], plan["sufficient"], plan["relevant"]) == (
        2,
        2,
        2,
        2,
    )
    assert latest["not_counted"] == {"earlier_review": 1}
    assert latest["filters"]["latest"] is True
    text = run(store, "report", "--latest").stdout
    assert "1 earlier reviews of cases reviewed again since (latest only)" in text


NOON = datetime(2014, 10, 20, 12, tzinfo=UTC)


def _review(n: int, signed_after: float | None) -> Review:
    sig = None
    if signed_after is not None:
        sig = Countersignature(
            by="Mo", at=NOON + timedelta(days=signed_after), completed_at=NOON, comment=""
        )
    return Review(
        id=f"cs-{n}",
        case_ref=f"CS-{n:02}",
        framework="sqs-youth-2014",
        status="complete",
        facts={"psr": False, "custody": False, "mappa": False, "victim": False},
        judgements={"rr.assessment": Judgement(outcome="sufficient")},
        created_at=NOON,
        updated_at=NOON,
        completed_at=NOON,
        countersignature=sig,
    )


def test_countersigning_delays_are_counted_against_the_local_limit_in_every_format():
    fw = get_framework()
    assert fw.setting("review_countersign_days").value == 10
    assert fw.setting("review_countersign_days").local_policy
    # Delays 2, 9.5 and 15 days: limit 10, so 2 within and 1 late; median 9.5, longest 15.
    # Two await countersignature, completed in 2014: both long past the limit.
    reviews = [_review(1, 2), _review(2, 9.5), _review(3, 15), _review(4, None), _review(5, None)]
    report = build_report(fw, reviews, generated_at=datetime(2015, 1, 1, tzinfo=UTC))
    c = report.countersigning
    assert c is not None
    assert (c.limit_days, c.reviews, c.countersigned, c.within_limit, c.late) == (10, 5, 3, 2, 1)
    assert (c.median_days, c.longest_days, c.awaiting, c.awaiting_overdue) == (9.5, 15.0, 2, 2)
    assert [link.case_ref for link in c.late_cases] == ["CS-03"]
    data = json.loads(render(report, "json"))["countersigning"]
    assert data == {
        "limit_days": 10,
        "local_policy": True,
        "reviews": 5,
        "countersigned": 3,
        "within_limit": 2,
        "late": 1,
        "awaiting": 2,
        "awaiting_overdue": 2,
        "median_days": 9.5,
        "longest_days": 15.0,
        "late_cases": ["CS-03"],
    }
    for fmt in ("text", "md", "html"):
        out = render(report, fmt)
        assert "3 of 5 complete reviews countersigned" in out, fmt
        assert "Median delay from completion 9.5 days, longest 15 days" in out, fmt
        assert "2 within the limit, 1 later" in out, fmt
        assert "Countersigned late: CS-03" in out, fmt
        assert "2 await countersignature, 2 of them past the limit" in out, fmt
    overall = list(csv.DictReader(io.StringIO(render(report, "csv"))))[-1]
    assert overall["criterion"] == "(all)"
    assert (overall["countersigned"], overall["countersigned_late"]) == ("3", "1")
    assert (overall["awaiting_countersignature"], overall["awaiting_past_limit"]) == ("2", "2")
    assert (overall["countersign_median_days"], overall["countersign_limit_days"]) == ("9.5", "10")
    # Not yet past the limit the day after completion.
    fresh = build_report(fw, reviews, generated_at=NOON + timedelta(days=1))
    assert fresh.countersigning is not None and fresh.countersigning.awaiting_overdue == 0


def test_countersigning_through_the_store_is_counted_by_report(tmp_path: Path):
    store = tmp_path / "store"
    review_id = complete_review(store, "CS-10")
    assert run(store, "countersign", review_id, "--by", "Mo").returncode == 0
    data = json.loads(run(store, "report", "--format", "json").stdout)["countersigning"]
    assert (data["countersigned"], data["within_limit"], data["awaiting"]) == (1, 1, 0)
    assert data["median_days"] is not None and data["median_days"] < 1
