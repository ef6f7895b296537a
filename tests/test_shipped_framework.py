"""The bundled framework ships validated: the first run ever needs no pydantic to load it, and
a validated form that does not match the file or the code is never used (the file is then
validated as any other)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from checked import to_data
from prompts import bundle, shipped
from prompts.loader import _parse_text, load_data
from tests.conftest import ROOT


def validated_afresh():
    path = shipped.BUNDLED_DIR / "sqs-youth-2014.toml"
    return load_data(_parse_text(str(path), path.read_text("utf-8"), ".toml"), str(path))


def test_the_validated_forms_in_the_source_tree_are_current():
    assert bundle.main(["--check"]) == 0, "run: python -m prompts.bundle"


def test_the_bundled_framework_loads_from_its_validated_form_equal_to_validating_it():
    fw = shipped.bundled("sqs-youth-2014")
    assert fw is not None
    assert to_data(fw) == to_data(validated_afresh()) and fw == validated_afresh()


def test_the_first_run_ever_loads_it_without_pydantic_or_the_loader(tmp_path):
    code = (
        "import sys\n"
        "from prompts import get_framework\n"
        "fw = get_framework()\n"
        "print(fw.id, len(fw.criteria), sorted(m for m in ('pydantic', 'prompts.loader',"
        " 'tomllib') if m in sys.modules))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    env["HOME"] = str(tmp_path)
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["sqs-youth-2014", "27", "[]"]
    assert not (tmp_path / "cache").exists()  # and writes nothing


@pytest.fixture
def forms(tmp_path, monkeypatch):
    """A copy of the validated forms the test may spoil (the package's own are left alone)."""
    folder = tmp_path / "validated"
    shutil.copytree(shipped.VALIDATED_DIR, folder)
    monkeypatch.setattr(shipped, "VALIDATED_DIR", folder)
    shipped._LOADED.clear()
    yield folder / "sqs-youth-2014.json"
    shipped._LOADED.clear()


@pytest.mark.parametrize(
    "spoil",
    [
        lambda form: form.update(source="0" * 64),  # made from other bytes
        lambda form: form.update(code="0" * 64),  # made by other code
        lambda form: form.update(format=99),
        lambda form: form["framework"].pop("criteria"),
    ],
    ids=["another file", "other code", "another format", "not a framework"],
)
def test_a_validated_form_that_does_not_match_is_not_used(forms, spoil):
    form = json.loads(forms.read_bytes())
    spoil(form)
    forms.write_text(json.dumps(form))
    assert shipped.bundled("sqs-youth-2014") is None
    assert shipped.get_framework("sqs-youth-2014") == validated_afresh()  # validated instead


@pytest.mark.parametrize("damage", [b"", b"{", b"[]", b"\xff"])
def test_a_damaged_or_missing_validated_form_is_not_used(forms, damage):
    forms.write_bytes(damage)
    assert shipped.bundled("sqs-youth-2014") is None
    forms.unlink()
    assert shipped.bundled("sqs-youth-2014") is None
    assert shipped.get_framework() == validated_afresh()
