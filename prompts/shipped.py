"""The bundled frameworks as shipped: validated when the package is built, checked by digest.

Validating a framework file with pydantic costs about 130 ms (the import of pydantic most of
it), which the very first run of the app used to pay before its first frame, and every run
where the user's cache cannot be written.  So each bundled framework file
(``prompts/frameworks/<id>.toml``) ships beside its validated form,
``prompts/validated/<id>.json``, made by ``python -m prompts.bundle`` from the file and the
code of the day: ``{"source": SHA-256 of the file's bytes, "code": SHA-256 of the code that
validates a framework, "framework": the validated framework as plain data}``.

``get_framework`` reads the bundled file and its validated form, and uses the latter only if
both digests are those of the file and the code it runs with now; the framework is then
rebuilt from plain data (``Framework.from_data``, about 1.5 ms, no pydantic).  Anything else
(the file edited, the model changed, the validated form missing, damaged or stale, a
framework that is not bundled) goes to ``prompts.loader``, which validates it (and keeps it
in the user's cache).  A test checks that the validated forms in the source tree are current,
so a release never ships a stale one; one that is stale is only slower, never wrong.

The validated form is part of the installed package, as trusted as the code beside it: it is
not cross-checked again (the loader did that when it was made, with the code whose digest it
carries).  Only the bundled folder is read this way, never a folder named by
``CASE_REVIEW_FRAMEWORKS``.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

from checked.digest import sha256_hex
from checked.files import read_bounded
from prompts.model import Framework

BUNDLED_DIR = Path(__file__).parent / "frameworks"
VALIDATED_DIR = Path(__file__).parent / "validated"
DEFAULT_FRAMEWORK = "sqs-youth-2014"
SHIPPED_FORMAT = 1
MAX_FILE_BYTES = 5_000_000
MAX_SHIPPED_BYTES = 50_000_000
# The code that decides what a validated framework is: its models, conditions, checks.
CODE = ("model.py", "conditions.py", "loader.py", "problems.py", "../checked/__init__.py")


@cache
def code_digest() -> str | None:
    """SHA-256 of the source of the code that validates a framework (None without sources)."""
    parts = []
    here = Path(__file__).parent
    for name in CODE:
        try:
            parts.append(read_bounded(here / name, MAX_FILE_BYTES, follow=True))
        except OSError:
            return None
    return sha256_hex(b"\0".join(parts))


def validated_form(source: bytes, framework: Any) -> dict[str, Any]:
    """The shipped form of a framework validated from ``source`` (``prompts.bundle``)."""
    return {
        "format": SHIPPED_FORMAT,
        "source": sha256_hex(source),
        "code": code_digest(),
        "framework": framework,
    }


def bundled(framework_id: str) -> Framework | None:
    """The bundled framework ``framework_id`` from its validated form, or None when that
    cannot be used (see the module docstring)."""
    path = BUNDLED_DIR / f"{framework_id}.toml"
    shipped_path = VALIDATED_DIR / f"{framework_id}.json"
    try:
        source = read_bounded(path, MAX_FILE_BYTES, follow=True)
        shipped = json.loads(read_bounded(shipped_path, MAX_SHIPPED_BYTES, follow=True))
    except (OSError, ValueError, RecursionError):
        return None
    try:
        if (
            shipped["format"] != SHIPPED_FORMAT
            or shipped["source"] != sha256_hex(source)
            or shipped["code"] != code_digest()
            or shipped["code"] is None
        ):
            return None
        framework = Framework.from_data(shipped["framework"])
    except (KeyError, TypeError, ValueError, AttributeError, RecursionError):
        return None
    return framework if framework.id == framework_id else None


_LOADED: dict[str, Framework] = {}
_VALIDATED: dict[str, Framework] = {}  # the latest returned through the loader, by id


def get_framework(framework_id: str = DEFAULT_FRAMEWORK) -> Framework:
    """The installed framework with this id; FrameworkError if there is none.  A bundled one
    comes from its validated form when that is current, any other through the loader."""
    found = _LOADED.get(framework_id)
    if found is None:
        found = bundled(framework_id) if _plain_id(framework_id) else None
        if found is None:
            from prompts.loader import get_framework as validate_and_get

            validated = validate_and_get(framework_id)
            _VALIDATED[framework_id] = validated  # the latest only: never cached from here
            return validated
        _LOADED[framework_id] = found
    return found


def loaded() -> tuple[Framework, ...]:
    """The frameworks ``get_framework`` has returned so far, the latest of each id (no I/O)."""
    return (*_LOADED.values(), *_VALIDATED.values())


def _plain_id(framework_id: str) -> bool:
    return bool(framework_id) and os.sep not in framework_id and not framework_id.startswith(".")
