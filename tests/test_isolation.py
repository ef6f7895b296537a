"""The tests never touch the user's files: not while collected, not while run.

A run of a few representative test modules, as a real pytest process, with the user's home
and XDG folders pointed at empty folders: afterwards they are still empty (every test works in
its own temporary home, see conftest.py, and nothing is loaded or cached while the modules are
imported), and nothing new was written into the checkout either.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ISOLATED, ROOT

MODULES = (
    "tests/test_exchange.py",  # loaded the bundled framework when imported
    "tests/test_framework_loader.py::test_a_validated_framework_is_cached_and_read_back_equal",
    "tests/test_session.py",
    "tests/test_interpret.py::test_no_rmp_at_all_means_no_risk_management_plan",  # loads at import
)
# Written by tools, never by the program or its tests.
SKIPPED = {".git", ".venv", "__pycache__", ".pytest_cache", ".ruff_cache", ".hypothesis"}
BENCH_OUT = Path("bench") / "out"  # the benchmarks' big stores (git-ignored, bench/build_stores.py)


def checkout(root: Path) -> dict[str, tuple[int, int]]:
    """Every file of the checkout (but tools' caches) with its modification time and size."""
    found = {}
    for folder, dirs, files in os.walk(root):
        here = Path(folder).relative_to(root)
        dirs[:] = [
            d
            for d in dirs
            if d not in SKIPPED and not d.endswith(".egg-info") and here / d != BENCH_OUT
        ]
        for name in files:
            path = Path(folder) / name
            try:
                st = path.lstat()
            except FileNotFoundError:
                continue
            found[str(path.relative_to(root))] = (st.st_mtime_ns, st.st_size)
    return found


@pytest.mark.slow
def test_running_the_tests_writes_nothing_in_the_users_home_or_xdg_folders(tmp_path):
    user = {name: tmp_path / "user" / name.lower() for name in ISOLATED}
    for folder in user.values():
        folder.mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CASE_REVIEW_", "XDG_"))}
    env.update({name: str(folder) for name, folder in user.items()})
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    before = checkout(ROOT)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            f"--basetemp={tmp_path / 'pytest'}",
            *MODULES,
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    for name, folder in user.items():
        assert sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) == [], name
    after = checkout(ROOT)
    assert sorted(k for k in after if before.get(k) != after[k]) == []
