"""Learning mode adds nothing to the app's start: its modules load when it is opened."""

from __future__ import annotations

import pytest

from tests import test_startup

LEARNING = (
    "assistant.learning_session",
    "assistant.learning_progress",
    "assistant.engine.learning",
    "assistant.tui.learning",
    "assistant.tui.learning_list",
    "assistant.tui.case_file",
    "prompts.practice",
)


@pytest.mark.slow
def test_the_first_frame_of_a_review_loads_no_learning_module(tmp_path, monkeypatch):
    store = str(tmp_path / "store")
    test_startup.first_frame(tmp_path, "--store", store, "review", "WARM-UP")
    monkeypatch.setattr(test_startup, "HEAVY", (*test_startup.HEAVY, *LEARNING))
    frame = test_startup.first_frame(tmp_path, "--store", store, "review", "HAR-01")
    assert frame["heavy"] == []
    assert any("[psr]" in text for text in frame["shown"])
