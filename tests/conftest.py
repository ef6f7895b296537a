"""Shared fixtures: frameworks, stores on real files, and a clean environment per test."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
BIN = Path(sys.executable).parent


ISOLATED = ("HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME")


def pytest_configure(config: pytest.Config) -> None:
    """Before anything is collected: whatever a test module loads at import (a framework,
    whose validated copy is cached) goes to a folder of this run's, never the user's."""
    import tempfile

    collecting = Path(tempfile.mkdtemp(prefix="case-review-collect-"))
    subs = ("", ".cache", ".local/share", ".config", ".local/state")
    for name, sub in zip(ISOLATED, subs, strict=True):
        os.environ[name] = str(collecting / sub) if sub else str(collecting)


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """No test may touch the user's files: home, caches, data and settings all point into a
    fresh temporary folder (so do the subprocesses the tests start, which inherit them), and
    nothing is loaded or written while the tests are collected."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / ".local" / "state"))
    monkeypatch.delenv("CASE_REVIEW_STORE", raising=False)
    monkeypatch.delenv("CASE_REVIEW_FRAMEWORKS", raising=False)
    monkeypatch.setenv("TZ", "UTC")


@pytest.fixture
def mini_path() -> Path:
    return FIXTURES / "mini.toml"


@pytest.fixture
def mini():
    from prompts import load_framework

    return load_framework(FIXTURES / "mini.toml")


@pytest.fixture
def sqs():
    from prompts import get_framework

    return get_framework("sqs-youth-2014")


@pytest.fixture(scope="session")
def pg_cluster():
    """A throwaway PostgreSQL server for this test session (tests/pg_cluster.py); in CI the
    binaries must be there (.ci/run installs them), elsewhere their absence skips."""
    from tests.pg_cluster import Cluster, find_binaries

    if find_binaries() is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL's initdb and pg_ctl are missing (.ci/run installs them)")
        pytest.skip("PostgreSQL's initdb and pg_ctl are not on this machine")
    cluster = Cluster().start()
    yield cluster
    cluster.stop()


@pytest.fixture
def pg_url(pg_cluster) -> str:
    """The URL of a fresh, empty database on the session's PostgreSQL server."""
    return pg_cluster.database()


def cli_env(**extra: str) -> dict[str, str]:
    """Environment for running `case-review` as a real subprocess."""
    env = dict(os.environ)
    env.update(extra)
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def case_review() -> list[str]:
    exe = BIN / "case-review"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "assistant"]
