"""`case-review learn` as a real subprocess: the list, the walkthrough, the scores, and a
practice case played line by line in plain mode (SPEC §9)."""

from __future__ import annotations

import json
import subprocess

import pytest

from prompts import get_framework
from prompts.practice import practice_cases
from tests.conftest import case_review, cli_env
from tests.learn_helpers import (
    fact_reply,
    files_of,
    isolated_state,
    model_sufficient,
    practice,
    progress_file,
)
from tests.test_plain import QUESTION, PlainChat
from tests.tui_helpers import store_with_case


@pytest.fixture
def state_home(tmp_path, monkeypatch):
    return isolated_state(tmp_path, monkeypatch)


def learn(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*case_review(), "learn", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=cli_env(),
        timeout=120,
    )


class PlainLearn(PlainChat):
    """`case-review learn CASE --plain` driven through pipes, one question at a time."""

    def __init__(self, case_id: str, *args: str) -> None:  # (PlainChat's, for learn)
        import queue
        import threading

        self.proc = subprocess.Popen(
            [*case_review(), *args, "learn", case_id, "--plain"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=cli_env(),
            bufsize=1,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.transcript: list[str] = []
        threading.Thread(target=self._pump, daemon=True).start()

    def next_question(self, timeout: float = 20) -> tuple[str, str, str] | None:
        """As PlainChat's, and None once the score's last line (``Overall: ...``) is read."""
        while True:
            line = self.lines.get(timeout=timeout)
            if line is None:
                return None
            self.transcript.append(line)
            if line.startswith("Overall: "):
                return None
            match = QUESTION.match(line)
            if match and not line.startswith(("FLAG", "  ")):
                choices = self.lines.get(timeout=timeout) or ""
                self.transcript.append(choices)
                return match["id"], match["text"], choices


def play_plain(case_id: str, judge, *args: str) -> tuple[int, list[str], list[str]]:
    """Play ``case_id`` in plain mode: the model facts, then ``judge(question)`` for every other
    question.  Returns the exit code, the transcript and the ids asked."""
    case = practice(case_id)
    chat = PlainLearn(case_id, *args)
    asked = []
    while (q := chat.next_question()) is not None:
        asked.append(q[0])
        chat.send(fact_reply(case, q[0]) if "." not in q[0] else judge(q))
        assert len(asked) < 200
    rc = chat.close()
    return rc, chat.transcript, asked


def test_learn_lists_the_cases_with_a_summary_and_the_best_score_then_the_walkthrough(
    state_home,
):
    cases = practice_cases(get_framework())
    path = progress_file(state_home)
    path.parent.mkdir(parents=True)
    attempt = {
        "id": "a1",
        "case": "victim-poor",
        "started": "2014-10-20T10:00:00+00:00",
        "at": "2014-10-20T10:20:00+00:00",
        "agreed": 15,
        "judged": 22,
        "live": 22,
        "complete": True,
    }
    better = {**attempt, "id": "a2", "started": "2014-10-21T10:00:00+00:00", "agreed": 19}
    doc = {"format": "case-review-learning/1", "attempts": [attempt, better]}
    path.write_text(json.dumps(doc))
    result = learn()
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == [c.id for c in cases] + ["walkthrough"]
    for case, line in zip(cases, lines, strict=False):
        assert case.summary in line
    (poor,) = [line for line in lines if line.startswith("victim-poor ")]
    assert poor.endswith("best 19 of 22 agreed (2014-10-21)")
    assert lines[0].endswith("not tried yet")


def test_learn_walkthrough_explains_every_criterion_in_order_without_a_case():
    fw = get_framework()
    result = learn("walkthrough")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    headings = [
        line.split(":")[0]
        for line in out.splitlines()
        if line.split(":")[0] in {c.id for c in fw.criteria}
    ]
    assert headings == [c.id for c in fw.criteria]
    for crit in fw.criteria:
        assert f"Question: {crit.question}" in out
        assert f"Why it matters: {crit.learning.why}" in out
        assert f"What good looks like: {crit.learning.good}" in out


def test_an_unknown_case_is_one_line_naming_the_known_ids_and_exit_2():
    result = learn("no-such-case", "--plain")
    assert result.returncode == 2
    (line,) = result.stderr.splitlines()
    assert "no-such-case" in line and "victim-poor" in line and "slcn-missed" in line
    assert result.stdout == ""


def test_a_plain_practice_run_keeps_the_line_conventions_and_ends_with_overall(state_home):
    case = practice("victim-poor")

    first = iter(["no", "1", ""])  # rr.assessment: No, the first reason, no note

    def judge(q):  # "No" to the first criterion, "Yes" to the rest
        return next(first) if q[0] == "rr.assessment" else "yes"

    rc, transcript, asked = play_plain("victim-poor", judge)
    assert rc == 0
    sufficient, live = model_sufficient(case)
    # The model says rr.assessment is sufficient: "No" disagrees, and so does every "Yes"
    # where the model finds a deficit.
    assert transcript[-1] == f"Overall: {sufficient - 1} of {live} agreed"
    # Every question line ends with its id in brackets; every flag line starts with FLAG.
    questions = [line for line in transcript if QUESTION.match(line) and line[0] != " "]
    assert questions and all(line.rstrip().endswith("]") for line in questions)
    assert any(line.startswith("FLAG rr.assessment: ") for line in transcript)
    assert "DIFFERS rr.assessment: Assessment of the factors linked to offending" in transcript
    assert any(line.startswith("AGREES rr.psr: ") for line in transcript)
    assert any(line.startswith("CASE FILE asset: ") for line in transcript)
    assert "To revisit:" in transcript and "Type retry to judge those" in "\n".join(transcript)
    assert asked[:5] == ["psr", "custody", "mappa", "victim", "non_compliance"]


def test_yes_to_everything_cannot_reach_full_marks_through_plain_mode(state_home):
    rc, transcript, _ = play_plain("placement-move", lambda q: "yes")
    sufficient, live = model_sufficient(practice("placement-move"))
    assert rc == 0 and sufficient < live
    assert transcript[-1] == f"Overall: {sufficient} of {live} agreed"


def test_a_practice_run_leaves_the_real_store_untouched(tmp_path, state_home, monkeypatch):
    root = tmp_path / "store"
    store_with_case(root, "HAR-01", answers=["yes"])
    before = files_of(root)
    assert any(name.endswith(".json") for name in before)
    # The store named on the command line and by the environment: neither is touched.
    monkeypatch.setenv("CASE_REVIEW_STORE", str(root))
    rc, transcript, _ = play_plain("victim-good", lambda q: "yes", "--store", str(root))
    assert rc == 0 and transcript[-1].startswith("Overall: ")
    assert files_of(root) == before
    # The attempt is in the learner's own file, never in the store.
    (attempt,) = json.loads(progress_file(state_home).read_text())["attempts"]
    assert attempt["case"] == "victim-good" and attempt["complete"] is True


def test_scores_list_this_learners_attempts_as_json_and_text(state_home):
    play_plain("victim-good", lambda q: "yes")
    result = learn("--scores", "--format", "json")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    (attempt,) = doc["attempts"]
    sufficient, live = model_sufficient(practice("victim-good"))
    assert attempt["case"] == "victim-good"
    assert (attempt["agreed"], attempt["judged"], attempt["live"]) == (sufficient, live, live)
    assert attempt["title"] == practice("victim-good").title
    assert doc["best"]["victim-good"]["agreed"] == sufficient
    text = learn("--scores")
    assert text.returncode == 0
    (line,) = text.stdout.splitlines()
    assert "victim-good" in line and f"{sufficient} of {live} agreed (complete)" in line


def test_scores_of_a_damaged_progress_file_are_refused_in_one_line_and_the_file_kept(
    state_home,
):
    path = progress_file(state_home)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\x00garbage")
    result = learn("--scores")
    assert result.returncode == 1
    (line,) = result.stderr.splitlines()
    assert str(path) in line and "left as it is" in line
    listing = learn()
    assert listing.returncode == 0 and "best scores not shown" in listing.stderr
    assert path.read_bytes() == b"\x00garbage"


def test_end_of_input_midway_stops_cleanly_saying_nothing_was_written(state_home):
    result = learn("victim-poor", "--plain", stdin="yes\nno\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "Practice stopped; nothing was written to the store."
