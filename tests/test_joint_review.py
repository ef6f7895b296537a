"""Joint review with an inspector (SPEC §10, issue 14): the participants and their roles, the
case manager's view beside the inspector's judgement, a judgement changed on interview
evidence (both versions kept), and the escalation log of an urgent concern; through the
session on a real store and through `chat --plain` as a subprocess."""

from __future__ import annotations

from pathlib import Path

from assistant.commands import Command
from assistant.engine.conversation import Engine
from assistant.engine.events import FlagRaised, Recorded
from assistant.exchange import export_review
from assistant.presenter import summary_lines
from assistant.report.rows import row
from assistant.session import Session
from prompts import get_framework
from store import Actor, Store
from tests.conftest import case_review, cli_env
from tests.test_plain import PlainChat, stored
from tests.tui_helpers import FACTS

INA = Actor("Ina Inspector", "inspector")


def joint_session(root: Path, case_ref: str = "JT-01") -> Session:
    session = Session.open(
        Store.open(root),
        Engine(get_framework()),
        case_ref,
        mode="joint",
        actor=INA,
        case_manager="Sam Case",
    )
    step = session.start()
    while step.question is not None and step.question.step == "fact":
        step = session.answer(FACTS[step.question.item])
    assert step.question is not None and step.question.item == "rr.assessment"
    return session


def test_a_disagreement_is_recorded_beside_the_inspectors_judgement_and_shown(tmp_path):
    session = joint_session(tmp_path)
    assert session.answer("no").question.step == "reasons"
    session.answer("1")
    step = session.answer("Nothing on why he offends")
    assert step.question.step == "view"
    assert "Sam Case" in step.question.text, "the case manager is named"
    step = session.answer("disagree")
    assert step.question.step == "view_outcome"
    step = session.answer("1")  # their own judgement: sufficient
    assert step.question.step == "agreed"
    step = session.answer("stands")
    assert step.question.step == "quotable"
    step = session.answer("no")
    assert [e.flag.criterion for e in step.events if isinstance(e, FlagRaised)] == ["rr.assessment"]

    review = Store.open(tmp_path).get(session.review.id)
    assert [(p.name, p.role) for p in review.participants] == [
        ("Ina Inspector", "inspector"),
        ("Sam Case", "case_manager"),
    ]
    judgement = review.judgements["rr.assessment"]
    assert (judgement.outcome, judgement.inspector_outcome) == ("insufficient", "insufficient")
    assert judgement.view is not None
    assert (judgement.view.agrees, judgement.view.outcome) == (False, "sufficient")
    # Shown: in the summary beside the judgement, and the participants with their roles.
    _heading, rows, remarks = summary_lines(session)
    line = next(r for r in rows if r.item == "rr.assessment")
    assert "case manager disagrees: Yes (sufficient)" in line.answer
    assert "Participants: Ina Inspector (inspector), Sam Case (case manager)." in remarks
    exported = export_review(review, get_framework())
    assert exported["judgements"]["rr.assessment"]["view"]["agrees"] is False
    assert exported["judgements"]["rr.assessment"]["inspector_outcome"] == "insufficient"
    assert exported["participants"][1] == {"name": "Sam Case", "role": "case_manager"}


def test_a_judgement_changed_on_interview_evidence_keeps_both_versions_and_the_evidence(
    tmp_path,
):
    session = joint_session(tmp_path)
    session.answer("yes")  # the inspector: sufficient
    step = session.answer("disagree")
    step = session.answer("2")  # the case manager's own view: insufficient
    assert step.question.step == "agreed"
    step = session.answer("2")  # after discussion: insufficient
    assert step.question.step == "reasons", "what fell short is asked once it changed"
    session.answer("1")
    step = session.answer("")  # no note
    assert step.question.step == "evidence"
    assert "from Yes (sufficient) to No (insufficient)" in step.question.text
    evidence = "Sam showed the plan has no action for the family"
    step = session.answer(evidence)
    shown = [e.shown for e in step.events if isinstance(e, Recorded)]
    assert any(s.startswith("Changed on interview evidence from Yes (sufficient)") for s in shown)
    assert [e.flag.criterion for e in step.events if isinstance(e, FlagRaised)] == ["rr.assessment"]
    assert step.question.item == "rr.assessment_review"

    store = Store.open(tmp_path)
    judgement = store.get(session.review.id).judgements["rr.assessment"]
    assert judgement.inspector_outcome == "sufficient", "the judgement before is kept"
    assert judgement.outcome == "insufficient", "the judgement that stands"
    assert judgement.interview_evidence == evidence and judgement.discussed
    assert judgement.reasons
    # Both versions are in the audit trail too.
    outcomes = [
        e.new["outcome"]
        for e in store.audit(session.review.id)
        if e.field == "judgements.rr.assessment"
    ]
    assert outcomes[0] == "sufficient" and outcomes[-1] == "insufficient"
    _heading, rows, _remarks = summary_lines(session)
    line = next(r for r in rows if r.item == "rr.assessment")
    assert f"changed on interview evidence (was Yes (sufficient)): {evidence}" in line.answer
    exported = export_review(store.get(session.review.id), get_framework())["judgements"]
    assert exported["rr.assessment"]["interview_evidence"] == evidence
    assert exported["rr.assessment"]["inspector_outcome"] == "sufficient"
    # The agreement pair is the inspector's judgement before the discussion.
    assert row(store.get(session.review.id))[8]["rr.assessment"][4] == "si"


def test_an_urgent_concern_in_a_joint_review_is_escalated_and_logged(tmp_path):
    session = joint_session(tmp_path, "JT-02")
    step = session.command(Command("jump", "cy.plan"))
    assert step.question.item == "cy.plan"
    session.answer("no")
    session.answer("1")
    session.answer("No safety plan")
    step = session.answer("agree")
    assert step.question.step == "quotable"
    step = session.answer("no")
    # The urgent flag is shown, then who was told, when and what they did.
    assert [e.flag.criterion for e in step.events if isinstance(e, FlagRaised)] == ["cy.plan"]
    assert step.question.step == "escalate" and "Who was told" in step.question.text
    step = session.answer("Jo Bloggs, duty manager")
    assert step.question.step == "escalated_when"
    step = session.answer("2014-10-21")
    assert step.question.step == "escalation_action"
    step = session.answer("Referred to children's social care the same day")
    assert step.question.item != "cy.plan"
    (escalation,) = Store.open(tmp_path).get(session.review.id).escalations
    assert escalation.criterion == "cy.plan"
    assert escalation.told == "Jo Bloggs, duty manager"
    assert escalation.told_on == "2014-10-21"
    assert escalation.response == "Referred to children's social care the same day"
    assert escalation.logged_by == "Ina Inspector"
    _heading, _rows, remarks = summary_lines(session)
    assert "Escalations (1):" in remarks
    assert any("told Jo Bloggs, duty manager on 2014-10-21" in r for r in remarks)


def test_a_self_audit_asks_no_escalation_and_no_one_yet_logs_nothing(tmp_path):
    engine = Engine(get_framework())
    mine = Session.open(Store.open(tmp_path), engine, "SA-01", actor=Actor("Sam"))
    step = mine.start()
    while step.question is not None and step.question.step == "fact":
        step = mine.answer(FACTS[step.question.item])
    mine.command(Command("jump", "cy.plan"))
    mine.answer("no")
    mine.answer("skip")
    step = mine.answer("")
    assert step.question is None or step.question.item != "cy.plan"
    joint = joint_session(tmp_path / "joint", "JT-03")
    joint.command(Command("jump", "cy.plan"))
    joint.answer("no")
    joint.answer("skip")
    joint.answer("")
    step = joint.answer("agree")
    assert step.question.step == "escalate"
    step = joint.answer("no one yet")
    assert step.question is None or step.question.item != "cy.plan"
    assert joint.review.escalations == ()


def answer_all(chat: PlainChat, scripted: dict[str, list[str]]) -> None:
    """Gates from FACTS, other facts skipped, criteria 'yes' unless scripted; the follow-ups
    of a scripted criterion take its next replies.  Stops when nothing is left to ask."""
    replies: list[str] = []
    while (q := chat.next_question()) is not None:
        item = q[0]
        if replies and "." in item:
            chat.send(replies.pop(0))
        elif item in scripted:
            first, *replies = scripted.pop(item)
            chat.send(first)
        elif "." not in item:
            if "(Skipped earlier, asked again:)" in chat.transcript[-3:]:
                break  # every criterion is judged: the skipped facts come back
            chat.send(FACTS[item] if item in GATES else "skip")
        else:
            chat.send("1" if "Keep" in q[2] else "yes")


GATES = ("psr", "custody", "mappa", "victim", "non_compliance")


def test_a_joint_review_in_plain_mode_names_the_participants_and_keeps_everything(tmp_path):
    store = tmp_path / "store"
    chat = PlainChat(store, "--case", "JT-04", "--reviewer", "Ina", "--case-manager", "Sam")
    answer_all(
        chat,
        {
            "rr.assessment": ["yes", "disagree", "2", "2", "1", "", "Sam showed the gaps"],
            "cy.plan": ["no", "1", "No safety plan", "agree", "no", "Jo, duty manager", "1", ""],
        },
    )
    chat.send("summary")
    assert chat.close() == 0
    text = "\n".join(chat.transcript)
    assert "Does the case manager (Sam) agree" in text
    assert "Recorded: Case manager disagrees" in text
    assert "Changed on interview evidence from Yes (sufficient) to No (insufficient)" in text
    assert "Who was told about it (name and role)? [cy.plan]" in text
    assert "Participants: Ina (inspector), Sam (case manager)." in text
    assert "Escalations (1):" in text and "what they did: not recorded yet" in text
    (review,) = stored(store)
    assessment = review["judgements"]["rr.assessment"]
    assert assessment["inspector_outcome"] == "sufficient"
    assert assessment["outcome"] == "insufficient"
    assert assessment["view"] == {"agrees": False, "outcome": "insufficient", "note": ""}
    assert assessment["interview_evidence"] == "Sam showed the gaps"
    assert review["escalations"][0]["told"] == "Jo, duty manager"
    assert review["participants"] == [
        {"name": "Ina", "role": "inspector"},
        {"name": "Sam", "role": "case_manager"},
    ]


def test_case_manager_in_a_self_audit_is_refused_in_one_line(tmp_path):
    import subprocess

    result = subprocess.run(
        [
            *case_review(),
            *("--store", str(tmp_path / "s"), "chat", "--plain", "--case", "X-1"),
            *("--mode", "self", "--case-manager", "Sam"),
        ],
        capture_output=True,
        text=True,
        env=cli_env(),
        timeout=60,
        input="",
    )
    assert result.returncode == 2
    assert result.stderr.strip().startswith("case-review: --case-manager names the case manager")
    assert not (tmp_path / "s").exists() or not list((tmp_path / "s").rglob("*.jsonl"))
