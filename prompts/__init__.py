"""Question banks: frameworks as data files, their models and the loader."""

from prompts.loader import (
    DEFAULT_FRAMEWORK,
    FrameworkError,
    Problem,
    get_framework,
    installed,
    load_data,
    load_framework,
)
from prompts.model import Check, Criterion, Fact, Framework, Reason, Section

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
