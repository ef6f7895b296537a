"""The real `case-review review` process in tmux: type answers, quit, check the store."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid

import pytest

from store import Store
from tests.conftest import case_review

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


class Tmux:
    def __init__(self, command: list[str], env: dict[str, str], size=(100, 30)) -> None:
        self.name = f"crt-{uuid.uuid4().hex[:8]}"
        self.socket = f"cr-{self.name}"
        env_args = [f"{k}={v}" for k, v in env.items()]
        subprocess.run(
            ["tmux", "-L", self.socket, "new-session", "-d", "-s", self.name,
             "-x", str(size[0]), "-y", str(size[1]),
             "env", *env_args, *command],
            check=True,
        )  # fmt: skip

    def send(self, *keys: str) -> None:
        subprocess.run(["tmux", "-L", self.socket, "send-keys", "-t", self.name, *keys], check=True)

    def screen(self) -> str:
        result = subprocess.run(
            ["tmux", "-L", self.socket, "capture-pane", "-p", "-t", self.name],
            capture_output=True,
            text=True,
        )
        return result.stdout

    def wait_for(self, text: str, timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; screen was:\n{self.screen()}")

    def alive(self) -> bool:
        return (
            subprocess.run(
                ["tmux", "-L", self.socket, "has-session", "-t", self.name], capture_output=True
            ).returncode
            == 0
        )

    def kill(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)


@pytest.fixture
def tmux_env(tmp_path):
    env = {
        "HOME": os.environ["HOME"],
        "PATH": os.environ.get("PATH", ""),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
        "CASE_REVIEW_STORE": str(tmp_path / "store"),
    }
    return env


def test_typing_answers_in_a_real_terminal_then_quitting_keeps_them(tmp_path, tmux_env):
    term = Tmux([*case_review(), "review", "HAR-50"], tmux_env)
    try:
        term.wait_for("[psr]")
        term.send("1")  # psr: yes
        term.wait_for("[custody]")
        term.send("2")  # custody: no
        term.wait_for("[mappa]")
        term.send("not", "Space", "sure")
        term.send("Enter")
        term.wait_for("yes or no")
        term.send("C-c")
        deadline = time.monotonic() + 10
        while term.alive() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not term.alive(), "Ctrl+C did not quit"
    finally:
        term.kill()
    review = Store.open(tmp_path / "store").find_case("HAR-50").review
    assert review.facts == {"psr": True, "custody": False}

    again = Tmux([*case_review(), "review", "HAR-50"], tmux_env)
    try:
        screen = again.wait_for("[mappa]")
        assert "Resuming the review of HAR-50" in screen or "So far" in screen
        again.send("C-q")
    finally:
        again.kill()


def test_the_home_screen_of_a_real_process_lists_searches_and_opens_a_review(tmp_path, tmux_env):
    from assistant.engine.conversation import Engine
    from assistant.engine.progress import index_summary
    from prompts import get_framework
    from store import Actor
    from store.records import Review

    engine, store = Engine(get_framework()), Store.open(tmp_path / "store")
    for n in range(150):  # more than a page
        review = Review(id=f"r-{n:03}", case_ref=f"HAR-{n:03}", framework="sqs-youth-2014")
        store.save(review, Actor("T"), summary=index_summary(engine, review))
    term = Tmux([*case_review()], tmux_env, size=(100, 30))
    try:
        screen = term.wait_for("most urgent first")
        assert "150 review(s); showing 1-100" in screen and "HAR-149" in screen
        term.send("/")
        term.send("0", "7", "7")
        screen = term.wait_for("containing '077'")
        assert "HAR-077" in screen and "HAR-149" not in screen
        term.send("Enter")  # back to the rows
        # A person's pause before the next key: two Enters at once in a real process under a
        # loaded machine once failed to open the review in CI (cause not found); the fast
        # double Enter is told in-process, in test_home.
        time.sleep(0.5)
        term.send("Enter")  # and open the one found
        screen = term.wait_for("[psr]")
        assert "HAR-077" in screen
        term.send("Escape")
        term.wait_for("containing '077'")
        term.send("q")
        deadline = time.monotonic() + 10
        while term.alive() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not term.alive(), "q did not quit"
    finally:
        term.kill()
