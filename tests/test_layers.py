"""Layers point inward: a pure engine, prompts and store alone, a lazy start-up."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def imports_of(package: str) -> dict[str, set[str]]:
    """Every module a package's files import, by file."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / package.replace(".", "/")).rglob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
        found[str(path.relative_to(ROOT))] = names
    return found


def offending(package: str, allowed) -> list[str]:  # type: ignore[no-untyped-def]
    return [
        f"{file} imports {name}"
        for file, names in imports_of(package).items()
        for name in sorted(names)
        if not allowed(name)
    ]


STDLIB = set(sys.stdlib_module_names)


def top(name: str) -> str:
    return name.split(".")[0]


def test_the_engine_is_pure():
    """The engine imports the framework and record models (and ``checked``'s cheap frozen
    dataclasses), never I/O or Textual."""

    def allowed(name: str) -> bool:
        return (
            top(name) in STDLIB
            or top(name) in ("prompts", "checked")
            or name == "store.records"
            or name.startswith("assistant.engine")
            or name == "dateparser"  # dates in words (facts.py), imported only when typed
        )

    assert offending("assistant.engine", allowed) == []


def test_prompts_and_store_stand_alone():
    checked = STDLIB | {"pydantic", "pydantic_core"}
    assert offending("checked", lambda n: top(n) in checked) == []
    prompts = STDLIB | {"prompts", "checked", "pydantic"}
    assert offending("prompts", lambda n: top(n) in prompts) == []
    store = STDLIB | {"store", "checked", "pydantic", "tinydb", "platformdirs"}
    assert offending("store", lambda n: top(n) in store) == []


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
