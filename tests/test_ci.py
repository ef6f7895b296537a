"""CI runs `make test`, and `make test` fails when a test fails."""

from __future__ import annotations

import shutil
import subprocess

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
