"""Helpers for the learning-mode tests: the model answers of a practice case as a learner would
type them, a store's files as bytes and times, an isolated progress file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from prompts import get_framework
from prompts.practice import PracticeCase, get_practice_case, live_criteria


def practice(case_id: str = "victim-poor") -> PracticeCase:
    return get_practice_case(case_id, get_framework())


def fact_reply(case: PracticeCase, fact_id: str) -> str:
    """The model value of a fact, typed as a learner would: yes/no, option ids, a date."""
    value = case.facts.get(fact_id)
    if value is None:
        return "skip"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(value) or "none"
    return str(value)


def model_sufficient(case: PracticeCase) -> tuple[int, int]:
    """(criteria the model judges sufficient, criteria live): what 'yes' to all agrees on."""
    live = live_criteria(case.framework_model, case.facts)
    sufficient = sum(1 for j in case.judgements if j.outcome == "sufficient")
    return sufficient, len(live)


def files_of(root: Path) -> dict[str, tuple[bytes, int, int]]:
    """Every file under ``root`` (hidden ones too): its bytes, mtime (ns) and mode."""
    out = {}
    for folder, dirs, names in os.walk(root):
        for name in [*names, *dirs]:
            path = Path(folder) / name
            st = os.lstat(path)
            data = path.read_bytes() if path.is_file() and not path.is_symlink() else b""
            out[str(path.relative_to(root))] = (data, st.st_mtime_ns, st.st_mode)
    return out


def isolated_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The learner's state folder (their progress file), inside the test's temporary folder
    (each learning test module makes a ``state_home`` fixture of it)."""
    folder = tmp_path / "state"
    monkeypatch.setenv("XDG_STATE_HOME", str(folder))
    return folder


def progress_file(state: Path) -> Path:
    return state / "case-review" / "learning.json"
