"""What is wrong with a framework file: ``Problem`` (one line: file, item, message) and
``FrameworkError`` (a file refused, with every problem found)."""

from __future__ import annotations

from checked import frozen


@frozen(slots=False)
class Problem:
    """One thing wrong with a framework file."""

    file: str
    item: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.item}: {self.message}"


class FrameworkError(Exception):
    """A framework file was refused; ``problems`` says why, one line each."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
