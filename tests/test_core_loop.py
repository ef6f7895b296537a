"""The core loop as a case manager meets it (issue 10): completion, team, "partly",
contradictions, resume order, re-audit and bad case references, through the real command line
and the app."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from store import Store
from tests.conftest import case_review, cli_env
from tests.test_plain import PlainChat, stored

GATES = {"psr": "yes", "custody": "no", "mappa": "no", "victim": "yes", "non_compliance": "no"}


def run(store: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*case_review(), "--store", str(store), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=cli_env(),
        timeout=120,
    )


def review_case(
    chat: PlainChat, judgement: str = "yes", *, facts: dict[str, str] | None = None
) -> list[str]:
    """Answer the gate facts (and ``facts``), skip every other fact, judge every criterion
    (keeping a judgement a check contradicts); stop when the review is complete."""
    facts = {**GATES, **(facts or {})}
    asked: list[str] = []
    while (q := chat.next_question()) is not None:
        item = q[0]
        if chat.transcript[-3] == "(Skipped earlier, asked again:)" and "." not in item:
            # a skipped fact comes back at the end
            assert any(line.startswith("Review complete") for line in chat.transcript)
            return asked
        asked.append(item)
        if "." in item:
            chat.send(judgement if "Keep" not in q[2] else "1")
        else:
            chat.send(facts.get(item, "skip"))
    return asked


def test_a_review_with_every_optional_fact_skipped_is_complete_and_counted_by_report_team(
    tmp_path,
):
    store = tmp_path / "store"
    chat = PlainChat(store, "--case", "HAR-10", "--team", "North")
    review_case(chat)
    chat.send("finish")
    assert chat.close() == 0
    text = "\n".join(chat.transcript)
    assert "Review complete: 0 open flag(s), 0 urgent." in text
    assert "Checks that could not run for want of a fact:" in text
    assert "The review is complete: nothing is left to answer." in text
    (review,) = stored(store)
    assert review["status"] == "complete" and review["team"] == "North"
    assert set(review["facts"]) == set(GATES)  # every other fact was skipped
    (listed,) = Store.open(store).summaries()  # the home screen's Progress: done, not 5/15
    assert listed.summary["answered"] == listed.summary["total"] > len(GATES)

    north = json.loads(run(store, "report", "--team", "north", "--format", "json").stdout)
    assert north["reviews"] == 1
    assert {c["id"]: c["relevant"] for c in north["criteria"]}["rr.assessment"] == 1
    south = json.loads(run(store, "report", "--team", "South", "--format", "json").stdout)
    assert south["reviews"] == 0


def test_partly_stays_partly_through_the_chat_export_import_and_report(tmp_path):
    store = tmp_path / "store"
    chat = PlainChat(store, "--case", "HAR-11", "--team", "North")
    while (q := chat.next_question()) is not None and q[0] != "rr.assessment":
        chat.send(GATES.get(q[0], "skip"))
    chat.send("3")  # Partly
    assert chat.next_question()[0] == "rr.assessment"  # the reasons
    chat.send("skip")
    assert chat.next_question()[0] == "rr.assessment"  # the optional note
    chat.send("")  # an empty line skips it
    review_case(chat)
    chat.send("summary")
    assert chat.close() == 0
    assert any(line.startswith("  Recorded: Partly (insufficient)") for line in chat.transcript)
    assert any("[rr.assessment]" in line and "Partly (insufficient)" in line
               for line in chat.transcript)  # fmt: skip
    (review,) = stored(store)
    judgement = review["judgements"]["rr.assessment"]
    assert judgement["outcome"] == "insufficient" and judgement["answer"] == "partly"

    exported = tmp_path / "out.json"
    assert run(store, "export", "-o", str(exported)).returncode == 0
    other = tmp_path / "other"
    result = run(other, "import", str(exported))
    assert result.returncode == 0, result.stderr
    (again,) = stored(other)
    assert again["judgements"]["rr.assessment"]["answer"] == "partly"
    report = json.loads(run(other, "report", "--format", "json").stdout)
    figures = {c["id"]: c for c in report["criteria"]}["rr.assessment"]
    assert figures["insufficient"] == 1 and figures["partly"] == 1
    assert "judged partly" in " ".join(run(other, "report").stdout.split())


def test_a_judgement_the_dates_contradict_is_challenged_in_plain_mode(tmp_path):
    chat = PlainChat(tmp_path / "store", "--case", "HAR-12")
    dates = {
        "significant_change": "yes",
        "significant_change_date": "3rd March 2026",
        "last_assessment_review_date": "2026-01-10",
    }
    while (q := chat.next_question()) is not None and q[0] != "rr.assessment_review":
        chat.send({**GATES, **dates}.get(q[0], "yes" if "." in q[0] else "skip"))
    chat.send("yes")
    item, text, choices = chat.next_question()
    assert item == "rr.assessment_review"  # the question line ends with the criterion's id
    assert "2026-01-10" in text and "2026-03-03" in text and "Keep your judgement" in text
    assert "1) Keep Yes  2) Change to No  3) Change to Partly" in choices
    chat.send("1")
    assert chat.next_question()[0] != "rr.assessment_review"
    assert chat.close() == 0
    (review,) = stored(tmp_path / "store")
    judgement = review["judgements"]["rr.assessment_review"]
    assert judgement["outcome"] == "sufficient"
    assert judgement["kept_despite"] == ["review_before_change"]


def test_resume_continues_at_the_first_unanswered_question_and_skipped_ones_come_last(tmp_path):
    store = tmp_path / "store"
    chat = PlainChat(store, "--case", "HAR-13")
    q = chat.next_question()
    assert q[0] == "psr"
    chat.send("skip")
    q = chat.next_question()
    assert q[0] == "custody"
    chat.send("no")
    expected = chat.next_question()[0]
    assert chat.close() == 0

    again = PlainChat(store, "--case", "HAR-13")
    q = again.next_question()
    assert q[0] == expected, "not the skipped question first"
    asked = []
    while q is not None and q[0] != "psr":
        asked.append(q[0])
        again.send("yes" if "." in q[0] else GATES.get(q[0], "skip"))
        q = again.next_question()
    assert q is not None and q[0] == "psr", "the skipped question comes back at the end"
    assert again.transcript[-3] == "(Skipped earlier, asked again:)"
    assert len(asked) > 5
    assert again.close() == 0


def test_a_complete_review_opens_on_its_summary_and_new_starts_a_re_audit(tmp_path):
    store = tmp_path / "store"
    chat = PlainChat(store, "--case", "HAR-14")
    review_case(chat, "yes")
    assert chat.close() == 0

    again = run(store, "chat", "--plain", "--case", "HAR-14", stdin="quit\n")
    assert again.returncode == 0
    assert "Summary of HAR-14 (self review, complete" in again.stdout
    assert "This review is complete" in again.stdout

    new = PlainChat(store, "--case", "HAR-14", "--new")
    assert new.next_question()[0] == "psr"
    assert any("a re-audit" in line for line in new.transcript)
    new.send("yes")
    new.next_question()
    assert new.close() == 0
    reviews = stored(store)
    assert [r["case_ref"] for r in reviews] == ["HAR-14", "HAR-14"]
    assert sorted(r["status"] for r in reviews) == ["complete", "in_progress"]


@pytest.mark.parametrize(
    "ref",
    ["x" * 41, "HAR\x1b[2J01", "HAR\u200b01", "HAR\u202e01", "  ", "HAR\n01"],
    ids=["too-long", "escape", "zero-width", "bidi", "blank", "newline"],
)
@pytest.mark.parametrize("command", ["chat", "review"])
def test_a_bad_case_reference_on_the_command_line_exits_2_and_stores_nothing(
    tmp_path, ref, command
):
    store = tmp_path / "store"
    args = ["chat", "--plain", "--case", ref] if command == "chat" else ["review", ref]
    result = run(store, *args, stdin="yes\nno\n")
    assert result.returncode == 2, result.stdout + result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "case reference" in result.stderr
    assert "Traceback" not in result.stderr and "\x1b" not in result.stderr
    assert not store.exists(), "nothing is stored, not even an empty store"


def test_case_references_are_nfkc_normalised_and_refused_with_format_characters_on_import(
    tmp_path,
):
    store = tmp_path / "store"
    chat = PlainChat(store, "--case", "ＨＡＲ－１５")  # full-width forms
    chat.send(reply_for_first(chat))
    chat.next_question()
    assert chat.close() == 0
    assert [r["case_ref"] for r in stored(store)] == ["HAR-15"]
    document = {
        "format": "case-review/1",
        "reviews": [
            {
                "id": "z1",
                "case_ref": "HAR\u200d16",
                "framework": "sqs-youth-2014",
                "mode": "self",
                "reviewer": "",
                "team": "",
                "status": "in_progress",
                "facts": {},
                "judgements": {},
            }
        ],
    }
    source = tmp_path / "in.json"
    source.write_text(json.dumps(document))
    result = run(store, "import", str(source))
    assert result.returncode == 1
    assert "reviews[0].case_ref" in result.stderr and "U+200D" in result.stderr
    assert len(stored(store)) == 1


def reply_for_first(chat: PlainChat) -> str:
    q = chat.next_question()
    assert q[0] == "psr"
    return "yes"


def test_the_team_can_be_changed_later_and_nonsense_is_asked_about(tmp_path):
    store = tmp_path / "store"
    chat = PlainChat(store, "--case", "HAR-17")
    assert chat.next_question()[0] == "psr"
    chat.send("the quick brown fox")
    q = chat.next_question()
    assert q[0] == "psr", "a yes/no fact answered with an unrelated sentence is asked again"
    chat.send("/team West Locality")
    assert chat.next_question()[0] == "psr"
    assert any("Team: West Locality" in line for line in chat.transcript)
    chat.send("team players are great")  # an answer, not the command (it needs the slash)
    assert chat.next_question()[0] == "psr"
    assert chat.close() == 0
    (review,) = stored(store)
    assert review["team"] == "West Locality" and "psr" not in review["facts"]


def test_done_with_an_ambiguous_id_says_which_flags_it_could_mean(tmp_path):
    chat = PlainChat(tmp_path / "store", "--case", "HAR-18")
    facts = {
        **GATES,
        "risk_level_assessment": "high",
        "risk_level_psr": "medium",
        "assessment_date": "2026-01-05",
        "countersign_date": "2026-03-01",
    }
    review_case(chat, facts=facts)  # pp.oversight judged sufficient, kept against two checks
    chat.send("done pp.oversight")
    chat.next_question()
    assert any(
        "pp.oversight has 2 flags: check:risk_level_mismatch, check:countersign_late" in line
        for line in chat.transcript
    )
    chat.send("done check:countersign_late")
    chat.next_question()
    assert any(
        "Flag check:countersign_late on pp.oversight is now done." in line
        for line in chat.transcript[-4:]
    )
    assert chat.close() == 0
    (review,) = stored(tmp_path / "store")
    assert review["flag_states"]["check:countersign_late"]["state"] == "done"
    assert sorted(review["judgements"]["pp.oversight"]["kept_despite"]) == [
        "countersign_late",
        "risk_level_mismatch",
    ]
