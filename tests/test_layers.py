"""Layers point inward: a pure engine, prompts and store alone, a lazy start-up."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_the_import_contracts_hold():
    """The layers of DESIGN.md as import-linter contracts (pyproject.toml): a pure engine,
    stand-alone prompts/store/checked, the report without the app, front ends through the
    session."""
    lint = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "Contracts: 4 kept, 0 broken." in result.stdout


ENGINE_MODULES = sorted(
    "assistant.engine." + p.stem
    for p in (ROOT / "assistant" / "engine").glob("*.py")
    if p.stem != "__init__"
)


def test_importing_every_engine_module_loads_no_store_machinery_textual_tinydb_or_pydantic():
    code = (
        "import importlib, sys\n"
        f"for name in {ENGINE_MODULES!r}:\n"
        "    importlib.import_module(name)\n"
        "heavy = ('textual', 'tinydb', 'pydantic', 'rich', 'store.reviews', 'store.storage',"
        " 'store.tinydb_storage', 'store.locks', 'store.claims', 'store.audit', 'store.memory',"
        " 'store.sealed', 'store.backends', 'store.folder', 'store.saving', 'store.file_listing',"
        " 'store.derived_cache', 'store.review_files', 'store.layout')\n"
        "print(sorted(m for m in sys.modules if m in heavy or m.split('.')[0] in heavy[:4]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
    assert "assistant.engine.conversation" in ENGINE_MODULES


@pytest.mark.parametrize("command", [["frameworks"], ["interpret", "--criterion", "rr.plan", "no"]])
def test_commands_that_need_no_screen_do_not_import_textual(command):
    code = (
        "import sys; from assistant.cli import main; main(sys.argv[1:]);"
        "print('TEXTUAL' if 'textual' in sys.modules else 'NO-TEXTUAL', file=sys.stderr)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, *command], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip().endswith("NO-TEXTUAL")
