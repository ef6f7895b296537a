"""Question banks: frameworks as data files, their models and the loader.

Importing ``prompts`` loads the models and ``prompts.shipped`` (the bundled frameworks as
validated when the package was built), not the loader: ``get_framework`` of a bundled
framework needs no validation.  The loader (pydantic validation, the user's cache, every
check) is imported when a file has to be validated.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from prompts.model import Check, Criterion, Fact, Framework, Reason, Section
from prompts.problems import FrameworkError, Problem
from prompts.shipped import DEFAULT_FRAMEWORK, get_framework

if TYPE_CHECKING:
    import os

__all__ = [
    "DEFAULT_FRAMEWORK",
    "Check",
    "Criterion",
    "Fact",
    "Framework",
    "FrameworkError",
    "Problem",
    "Reason",
    "Section",
    "get_framework",
    "installed",
    "load_data",
    "load_framework",
]


def installed() -> tuple[list[Framework], list[Problem]]:
    """Every framework that loads, and the problems of those that do not (``prompts.loader``)."""
    from prompts.loader import installed as find

    return find()


def load_data(data: dict[str, Any], name: str = "(data)") -> Framework:
    """Validate parsed framework data (``prompts.loader.load_data``)."""
    from prompts.loader import load_data as load

    return load(data, name)


def load_framework(path: str | os.PathLike[str]) -> Framework:
    """Read, parse and validate one framework file (``prompts.loader.load_framework``)."""
    from prompts.loader import load_framework as load

    return load(path)
