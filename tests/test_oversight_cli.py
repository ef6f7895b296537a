"""Management oversight from the command line (SPEC §10, issue 14): countersigning locks a
review until it is unlocked (plain mode refuses an edit, saying so; the audit trail shows the
unlock), actions across reviews (the sample's insufficient judgements and consistency checks,
one action each), closing an action in one process seen by another, and the escalation log.
Every command runs as a real subprocess."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from assistant.engine.conversation import Engine
from assistant.exchange import export_review
from assistant.session import Session
from prompts import get_framework
from store import Actor, Store
from tests.conftest import case_review, cli_env
from tests.report_sample import harrow_like
from tests.test_plain import PlainChat
from tests.tui_helpers import FACTS


def run(store: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*case_review(), "--store", str(store), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=cli_env(),
        timeout=120,
    )


def complete_review(root: Path, case_ref: str = "CS-01", *, flag: str | None = "rr.plan") -> str:
    """A complete self-audit (everything sufficient but ``flag``, judged insufficient)."""
    session = Session.open(Store.open(root), Engine(get_framework()), case_ref, actor=Actor("Sam"))
    step = session.start()
    while step.question is not None:
        q = step.question
        if q.step == "fact":
            step = session.answer(FACTS[q.item])
        elif q.item == flag and q.step == "judgement":
            step = session.answer("no")
        elif q.step in ("reasons", "note"):
            step = session.answer("skip")
        else:
            step = session.answer("yes")
    assert session.complete
    session.close()
    return session.review.id


def test_a_countersigned_review_refuses_an_edit_in_plain_mode_until_unlocked(tmp_path):
    store = tmp_path / "store"
    review_id = complete_review(store)

    signed = run(store, "countersign", review_id, "--by", "Mo Manager", "--comment", "Checked")
    assert signed.returncode == 0, signed.stderr
    assert "Countersigned by Mo Manager" in signed.stdout and "now locked" in signed.stdout
    assert "within the local limit of 10 days" in signed.stdout

    refused = run(store, "chat", "--plain", "--case", "CS-01", stdin="jump rr.plan\nyes\nquit\n")
    assert refused.returncode == 0, refused.stderr
    lines = [line for line in refused.stdout.splitlines() if "countersigned by Mo Manager" in line]
    assert len(lines) >= 2, "said on opening, and when the edit is refused"
    assert any(line.startswith("This review is countersigned by Mo Manager on ") for line in lines)
    assert f"case-review unlock {review_id} --by NAME --why TEXT" in lines[-1]
    assert "Recorded: Yes (sufficient)" not in refused.stdout
    assert Store.open(store).get(review_id).judgements["rr.plan"].outcome == "insufficient"

    unlocked = run(store, "unlock", review_id, "--by", "Mo Manager", "--why", "Plan found")
    assert unlocked.returncode == 0, unlocked.stderr
    assert "Unlocked by Mo Manager: Plan found" in unlocked.stdout

    edited = run(store, "chat", "--plain", "--case", "CS-01", stdin="jump rr.plan\nyes\nquit\n")
    assert "Recorded: Yes (sufficient)" in edited.stdout
    assert "countersigned" not in edited.stdout.split("Recorded: Yes (sufficient)")[1]
    review = Store.open(store).get(review_id)
    assert review.judgements["rr.plan"].outcome == "sufficient"
    assert review.countersignature is None
    (unlock,) = review.unlocks
    assert (unlock.by, unlock.why) == ("Mo Manager", "Plan found")
    assert unlock.lifted is not None and unlock.lifted.comment == "Checked"

    trail = Store.open(store).audit(review_id)
    actions = [(e.action, e.field, e.who) for e in trail]
    assert ("countersigned", "countersignature", "Mo Manager") in actions
    assert ("unlocked", "countersignature", "Mo Manager") in actions
    assert ("unlocked", "unlocks", "Mo Manager") in actions
    unlock_at = actions.index(("unlocked", "unlocks", "Mo Manager"))
    assert any(f == "judgements.rr.plan" for _, f, _ in actions[unlock_at:]), "edited after"
    assert run(store, "audit", "verify").returncode == 0


def test_countersign_refuses_unknown_ids_and_reviews_not_complete_in_one_line(tmp_path):
    store = tmp_path / "store"
    session = Session.open(Store.open(store), Engine(get_framework()), "CS-02", actor=Actor("S"))
    session.start()
    session.answer("yes")
    session.close()

    unknown = run(store, "countersign", "no-such-review", "--by", "Mo")
    assert unknown.returncode == 1 and unknown.stdout == ""
    assert unknown.stderr.count("\n") == 1
    assert "there is no review with id 'no-such-review'" in unknown.stderr

    early = run(store, "countersign", session.review.id, "--by", "Mo")
    assert early.returncode == 1
    assert "Only a complete review can be countersigned" in early.stderr
    assert Store.open(store).get(session.review.id).countersignature is None

    not_locked = run(store, "unlock", session.review.id, "--by", "Mo", "--why", "x")
    assert not_locked.returncode == 1 and "not countersigned" in not_locked.stderr


def import_sample(store: Path, tmp_path: Path) -> list:
    """The Harrow-like sample, two of whose reviews carry dates that consistency checks flag,
    imported with `case-review import`."""
    fw = get_framework()
    reviews = harrow_like(fw)
    late = {"assessment_date": "2014-05-01", "countersign_date": "2014-06-20"}
    changed = {
        "significant_change": True,
        "significant_change_date": "2014-09-01",
        "last_assessment_review_date": "2014-08-01",
    }
    reviews[0] = reviews[0].copy(facts={**reviews[0].facts, **late})
    reviews[1] = reviews[1].copy(facts={**reviews[1].facts, **changed})
    path = tmp_path / "sample.json"
    document = {"format": "case-review/1", "reviews": [export_review(r, fw) for r in reviews]}
    path.write_text(json.dumps(document), encoding="utf-8")
    result = run(store, "import", str(path))
    assert result.returncode == 0, result.stderr
    return reviews


def test_after_importing_a_sample_actions_lists_one_per_insufficient_judgement_and_check(
    tmp_path,
):
    store = tmp_path / "store"
    reviews = import_sample(store, tmp_path)
    fw = get_framework()
    expected: dict[str, tuple] = {}
    for review in reviews:
        for cid, judgement in review.judgements.items():
            if judgement.outcome == "insufficient":
                severity = fw.criterion(cid).severity
                expected[f"{review.id}#{cid}"] = (cid, judgement.reasons, severity)
    expected["harrow-01#check:countersign_late"] = (
        "pp.oversight",
        ("countersign_late",),
        "standard",
    )
    expected["harrow-02#check:review_before_change"] = (
        "rr.assessment_review",
        ("not_after_change",),
        "standard",
    )

    result = run(store, "actions", "--format", "json")
    assert result.returncode == 0, result.stderr
    actions = json.loads(result.stdout)["actions"]
    assert len(actions) == len(expected) == 150
    by_id = {a["id"]: a for a in actions}
    assert set(by_id) == set(expected)
    now = datetime.now(UTC)
    for action_id, (criterion, reasons, severity) in expected.items():
        action = by_id[action_id]
        review = next(r for r in reviews if r.id == action["review_id"])
        assert action["case_ref"] == review.case_ref
        assert action["criterion"] == criterion
        assert tuple(action["reasons"]) == reasons
        assert action["severity"] == severity
        assert action["state"] == "open"
        # Imported without when they were raised: the review's completion.
        assert action["raised_at"] == review.completed_at.isoformat()
        assert action["age_days"] == (now - review.completed_at).days
    # Urgent first, then the oldest.
    severities = [a["severity"] for a in actions]
    assert severities == sorted(severities, key=lambda s: s != "urgent")
    urgent = [a["raised_at"] for a in actions if a["severity"] == "urgent"]
    assert urgent == sorted(urgent)

    one_case = json.loads(run(store, "actions", "--case", "har-03", "--format", "json").stdout)
    assert {a["case_ref"] for a in one_case["actions"]} == {"HAR-03"}
    assert len(one_case["actions"]) == sum(1 for k in expected if k.startswith("harrow-03#"))
    other_team = json.loads(run(store, "actions", "--team", "Brent", "--format", "json").stdout)
    assert other_team["actions"] == []
    assert (
        json.loads(run(store, "actions", "--state", "done", "--format", "json").stdout)["actions"]
        == []
    )
    text = run(store, "actions").stdout.splitlines()
    assert text[0] == "150 open action(s), urgent and oldest first:"
    assert text[1].startswith("!! URGENT ") and "days  HAR-" in text[1]


@pytest.mark.slow
def test_actions_closed_by_one_process_are_closed_for_another(tmp_path):
    store = tmp_path / "store"
    import_sample(store, tmp_path)
    # A case manager has HAR-03 open in plain mode while a manager closes one of its actions.
    chat = PlainChat(store, "--case", "HAR-03")
    chat.next_question()
    closed = run(
        store, "actions", "done", "harrow-03#cy.plan", "--by", "Mo Manager", "--note", "Plan done"
    )
    assert closed.returncode == 0, closed.stderr
    assert closed.stdout.strip() == "Action harrow-03#cy.plan (HAR-03, cy.plan) is now done."

    # A third process sees it closed, with who and why.
    listed = json.loads(
        run(store, "actions", "--case", "HAR-03", "--state", "all", "--format", "json").stdout
    )
    done = next(a for a in listed["actions"] if a["id"] == "harrow-03#cy.plan")
    assert (done["state"], done["closed_by"], done["note"]) == ("done", "Mo Manager", "Plan done")
    assert listed["actions"][-1]["id"] == "harrow-03#cy.plan", "done after every open action"
    open_now = json.loads(run(store, "actions", "--case", "HAR-03", "--format", "json").stdout)
    assert "harrow-03#cy.plan" not in {a["id"] for a in open_now["actions"]}

    # The open chat sees it too, and its own next answer does not reopen it.
    chat.send("flags")
    chat.send("jump rr.assessment")
    chat.next_question()
    chat.send("yes")
    chat.next_question()
    assert chat.close() == 0
    assert any(line.startswith("FLAG (done) !! URGENT cy.plan") for line in chat.transcript)
    review = Store.open(store).get("harrow-03")
    assert review.flag_states["cy.plan"].state == "done"
    assert review.judgements["rr.assessment"].outcome == "sufficient"
    trail = [e for e in Store.open(store).audit("harrow-03") if e.field == "flag_states.cy.plan"]
    assert [(e.who, e.new["state"]) for e in trail] == [("Mo Manager", "done")]

    # A review countersigned since refuses, saying so.
    assert run(store, "countersign", "harrow-04", "--by", "Mo Manager").returncode == 0
    refused = run(store, "actions", "done", "harrow-04#rr.plan", "--by", "Mo Manager")
    assert refused.returncode == 1
    assert "countersigned by Mo Manager" in refused.stderr and "locked" in refused.stderr
    assert run(store, "actions", "done", "harrow-99#rr.plan", "--by", "Mo").returncode == 1
    unknown = run(store, "actions", "done", "harrow-04#rr.nothing", "--by", "Mo")
    assert unknown.returncode == 1 and "has no flag 'rr.nothing'" in unknown.stderr


def test_the_escalation_log_is_listed_by_actions(tmp_path):
    from tests.test_joint_review import joint_session

    store = tmp_path / "store"
    session = joint_session(store, "JT-09")
    from assistant.commands import Command

    session.command(Command("jump", "cy.plan"))
    for answer in ("no", "skip", "", "agree", "Jo, duty manager", "today", "Made a referral"):
        session.answer(answer)
    session.close()
    text = run(store, "actions").stdout
    assert "Escalations of urgent concerns (1):" in text
    assert "told Jo, duty manager on " in text and "what they did: Made a referral" in text
    data = json.loads(run(store, "actions", "--format", "json").stdout)
    (escalation,) = data["escalations"]
    assert escalation["case_ref"] == "JT-09" and escalation["criterion"] == "cy.plan"
    assert escalation["told"] == "Jo, duty manager" and escalation["response"] == "Made a referral"
    (action,) = [a for a in data["actions"] if a["criterion"] == "cy.plan"]
    raised = datetime.fromisoformat(action["raised_at"])
    assert (datetime.now(UTC) - raised).total_seconds() < 600, "stamped when raised"
