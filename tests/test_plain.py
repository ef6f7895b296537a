"""`case-review chat --plain` as a real subprocess: questions, flags, EOF, Ctrl+C and resuming."""

from __future__ import annotations

import json
import queue
import re
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import case_review, cli_env

QUESTION = re.compile(r"^(?:Q\d+/\d+ )?(?:URGENT )?(?P<text>.*) \[(?P<id>[a-z_.]+)\]$")


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class PlainChat:
    """Drives the plain chat through pipes, one question at a time."""

    def __init__(self, store: Path, *args: str) -> None:
        self.proc = subprocess.Popen(
            [*case_review(), "--store", str(store), "chat", "--plain", *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=cli_env(),
            bufsize=1,
            # As from a terminal: Ctrl+C interrupts, even when this suite runs as a background
            # job (whose shell ignores SIGINT, an ignoring every child inherits).
            preexec_fn=_default_sigint,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.transcript: list[str] = []
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def next_question(self, timeout: float = 20) -> tuple[str, str, str] | None:
        """(id, question text, choices line) of the next question, or None at the end."""
        deadline = time.monotonic() + timeout
        while True:
            line = self.lines.get(timeout=max(0.1, deadline - time.monotonic()))
            if line is None:
                return None
            self.transcript.append(line)
            match = QUESTION.match(line)
            if match and not line.startswith(("FLAG", "  ")):
                choices = self.lines.get(timeout=timeout) or ""
                self.transcript.append(choices)
                return match["id"], match["text"], choices

    def send(self, text: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(text + "\n")
        self.proc.stdin.flush()

    def close(self) -> int:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        rc = self.proc.wait(timeout=30)
        while (line := self.lines.get(timeout=10)) is not None:
            self.transcript.append(line)
        return rc


def reply_for(question: tuple[str, str, str], judgement: str) -> str:
    """Yes/no questions and judgements get ``judgement``; other facts their first option."""
    item, _text, choices = question
    if "." in item:  # a criterion
        return judgement
    if "1) Yes  2) No" in choices:
        return judgement
    return "1"  # first option, or "None / not yet" for dates


def stored(store: Path) -> list[dict]:
    result = subprocess.run(
        [*case_review(), "--store", str(store), "export"],
        capture_output=True,
        text=True,
        env=cli_env(),
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["reviews"]


def test_all_yes_gives_a_complete_review_and_no_flag(tmp_path):
    chat = PlainChat(tmp_path / "store", "--case", "HAR-01")
    asked = []
    while (q := chat.next_question()) is not None:
        if "Nothing left to ask" in chat.transcript[-2:][0]:
            break
        asked.append(q[0])
        chat.send(reply_for(q, "yes"))
        if q[0] == "ss.compliance":
            break
    assert chat.close() == 0
    text = "\n".join(chat.transcript)
    assert "Review complete: 0 open flag(s), 0 urgent." in text
    assert not any(line.startswith("FLAG") for line in chat.transcript)
    (review,) = stored(tmp_path / "store")
    assert review["status"] == "complete"
    assert all(j["outcome"] == "sufficient" for j in review["judgements"].values())
    assert len(review["judgements"]) == len([a for a in asked if "." in a])


def test_all_no_flags_the_first_criterion_at_once(tmp_path):
    chat = PlainChat(tmp_path / "store", "--case", "HAR-02")
    while (q := chat.next_question()) is not None and "." not in q[0]:
        chat.send(reply_for(q, "no"))
    assert q is not None and q[0] == "rr.assessment"
    chat.send("no")
    q = chat.next_question()
    assert q[0] == "rr.assessment" and "reason" in q[1]  # the follow-ups first
    chat.send("skip")
    q = chat.next_question()
    assert q[0] == "rr.assessment" and "note" in q[1]
    chat.send("skip")
    q = chat.next_question()
    assert q[0] == "rr.assessment_review"
    flag_lines = [line for line in chat.transcript if line.startswith("FLAG")]
    assert flag_lines and flag_lines[0].startswith("FLAG rr.assessment:")
    i = chat.transcript.index(flag_lines[0])
    assert any(line.startswith("  Action: ") for line in chat.transcript[i : i + 5])
    assert chat.close() == 0


def test_eof_mid_review_then_the_same_case_resumes_at_the_next_unanswered_question(tmp_path):
    store = tmp_path / "store"
    chat = PlainChat(store, "--case", "HAR-03")
    answered = []
    while (q := chat.next_question()) is not None and len(answered) < 20:
        answered.append(q[0])
        chat.send(reply_for(q, "yes"))
    expected_next = q[0]
    assert chat.close() == 0
    assert "Saved. Resume with: case-review chat --plain --case HAR-03" in chat.transcript[-1]

    again = PlainChat(store, "--case", "HAR-03")
    q = again.next_question()
    assert q[0] == expected_next
    assert any("Resuming the review of HAR-03" in line for line in again.transcript)
    assert again.close() == 0
    (review,) = stored(store)
    assert set(answered) <= set(review["facts"]) | set(review["judgements"])


def test_ctrl_c_keeps_every_answer_and_exits_cleanly(tmp_path):
    store = tmp_path / "store"
    chat = PlainChat(store, "--case", "HAR-04")
    for _ in range(3):
        q = chat.next_question()
        chat.send(reply_for(q, "yes"))
    chat.next_question()  # the third answer is saved once the next question shows
    chat.proc.send_signal(signal.SIGINT)
    assert chat.proc.wait(timeout=20) == 0
    (review,) = stored(store)
    assert len(review["facts"]) == 3


def test_commands_back_jump_why_summary_help(tmp_path):
    chat = PlainChat(tmp_path / "store", "--case", "HAR-05")
    first = chat.next_question()
    chat.send("yes")
    chat.next_question()
    chat.send("back")
    assert chat.next_question()[0] == first[0]
    chat.send("why")
    q = chat.next_question()
    assert q[0] == first[0] and any("Why it matters" in line for line in chat.transcript[-6:])
    chat.send("jump rr.plan_reveiw")
    chat.next_question()
    assert any("Did you mean rr.plan_review" in line for line in chat.transcript[-4:])
    chat.send("jump rr.plan_review")
    assert chat.next_question()[0] == "rr.plan_review"
    chat.send("summary")
    chat.next_question()
    assert any(line.startswith("Summary of HAR-05") for line in chat.transcript)
    chat.send("help")
    chat.next_question()
    assert any("jump ID" in line for line in chat.transcript)
    assert chat.close() == 0


def test_hostile_text_is_shown_literally_and_never_as_escape_codes(tmp_path):
    chat = PlainChat(tmp_path / "store", "--case", "HAR-06")
    while (q := chat.next_question()) is not None and "." not in q[0]:
        chat.send(reply_for(q, "no"))
    chat.send("no")
    chat.next_question()
    chat.send("1")
    chat.next_question()
    chat.send("[bold red]x[/] \x1b[2J\x1b[31mred")
    chat.next_question()
    assert chat.close() == 0
    text = "\n".join(chat.transcript)
    assert "\x1b" not in text
    assert "[bold red]x[/] ^[[2J^[[31mred" in text
    (review,) = stored(tmp_path / "store")
    assert review["judgements"]["rr.assessment"]["note"] == "[bold red]x[/] \x1b[2J\x1b[31mred"


@pytest.mark.parametrize("ref", ["", "x" * 41, "bad\x1bref"])
def test_a_bad_case_reference_is_refused_and_asked_again(tmp_path, ref):
    result = subprocess.run(
        [*case_review(), "--store", str(tmp_path / "s"), "chat", "--plain"],
        input=f"{ref}\nHAR-07\n1\n",
        capture_output=True,
        text=True,
        env=cli_env(),
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "Reviewing HAR-07" in result.stdout
    assert "\x1b" not in result.stdout


def test_an_unreadable_store_is_reported_and_left_alone(tmp_path):
    store = tmp_path / "store"
    chat = PlainChat(store, "--case", "HAR-08")
    chat.send(reply_for(chat.next_question(), "yes"))
    chat.next_question()
    assert chat.close() == 0
    (review_file,) = (store / "reviews").iterdir()
    review_file.write_bytes(b'{"_default": {"1": {"id": ')
    result = subprocess.run(
        [*case_review(), "--store", str(store), "chat", "--plain", "--case", "HAR-08"],
        input="yes\n",
        capture_output=True,
        text=True,
        env=cli_env(),
        timeout=60,
    )
    assert review_file.read_bytes() == b'{"_default": {"1": {"id": '
    assert "Traceback" not in result.stderr
    assert str(review_file) in result.stderr + result.stdout
