"""The store's exceptions: every message is one line that names the file at fault."""

from __future__ import annotations

from pathlib import Path


class StoreError(Exception):
    """The store, or one file in it, cannot be used; the message names the file and why."""

    def __init__(self, message: str, path: str | Path | None = None) -> None:
        # One line, always: a message that reaches the user is never a wall of text.
        super().__init__(" ".join(str(message).split()))
        self.path = Path(path) if path is not None else None


class ConflictError(StoreError):
    """The review changed in another process (or session) since the caller loaded it."""

    def __init__(
        self, message: str, path: str | Path | None = None, *, expected: int = 0, stored: int = 0
    ) -> None:
        super().__init__(message, path)
        self.expected = expected
        self.stored = stored
