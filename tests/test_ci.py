"""CI runs `make test`, and `make test` fails when a test fails."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def test_ci_entry_point_calls_make_test_and_stops_on_errors():
    script = (ROOT / ".ci" / "run").read_text()
    assert "set -euo pipefail" in script
    assert any(line.strip() == "make test" for line in script.splitlines())


@pytest.mark.parametrize(("body", "fails"), [("assert 1 == 2", True), ("assert 2 == 2", False)])
def test_make_test_fails_when_a_test_fails(tmp_path, body, fails):
    probe = tmp_path / "test_probe.py"
    probe.write_text(f"def test_probe():\n    {body}\n")
    result = subprocess.run(
        ["make", "-C", str(ROOT), "test", f"PYTEST_ARGS={probe} -p no:cacheprovider"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert (result.returncode != 0) is fails, result.stdout[-2000:] + result.stderr[-2000:]


def _older_python() -> str | None:
    """A Python older than 3.11 on this machine, if there is one."""
    candidates = [shutil.which(f"python3.{minor}") for minor in (10, 9, 8)]
    pyenv = Path(os.environ.get("PYENV_ROOT", "/root/.pyenv")) / "versions"
    candidates += [str(p) for p in sorted(pyenv.glob("3.*/bin/python3"))]
    for candidate in candidates:
        if candidate and Path(candidate).exists():
            probe = subprocess.run(
                [candidate, "-c", "import sys; print(sys.version_info < (3, 11))"],
                capture_output=True,
                text=True,
            )
            if probe.stdout.strip() == "True":
                return candidate
    return None


def _make_python(folder: Path, python: str) -> subprocess.CompletedProcess[str]:
    shutil.copy(ROOT / "Makefile", folder / "Makefile")
    return subprocess.run(
        ["make", "-C", str(folder), "python", f"PYTHON={python}"],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_make_names_a_newer_python_when_python3_is_too_old(tmp_path):
    older = _older_python()
    if older is None:
        pytest.skip("no Python older than 3.11 on this machine")
    result = _make_python(tmp_path, older)
    assert result.returncode != 0
    assert "needs Python 3.11 or newer" in result.stdout
    assert "PYTHON=python3.12 make run" in result.stdout
    assert not (tmp_path / ".venv").exists()


def test_a_venv_made_by_another_python_is_rebuilt_not_reused(tmp_path):
    older = _older_python()
    if older is None:
        pytest.skip("no Python older than 3.11 on this machine")
    subprocess.run([older, "-m", "venv", "--without-pip", str(tmp_path / ".venv")], check=True)
    result = _make_python(tmp_path, sys.executable)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "made with another Python; rebuilding it" in result.stdout
    assert not (tmp_path / ".venv").exists(), "removed, so that make run builds it afresh"
