"""A learner's progress in learning mode: the practice cases tried, the date and score of each.

Kept apart from the store and from every report (SPEC §9): one JSON file per user,
``learning.json`` in the user's state folder (``platformdirs.user_state_path("case-review")``,
e.g. ``~/.local/state/case-review/learning.json``), owner-only (0600 in a 0700 folder),
replaced atomically (``store.storage.atomic_write``) under a lock, so two windows never lose
each other's attempts::

    {"format": "case-review-learning/1",
     "attempts": [{"id": "3f2a...", "case": "victim-poor", "started": "2014-10-21T09:30:00+00:00",
                   "at": "2014-10-21T09:52:10+00:00", "agreed": 14, "judged": 20, "live": 21,
                   "complete": false}]}

An attempt's score is the learner's first answer on each criterion, before the model answer was
shown (a retry or a changed answer does not raise it).  "Best" is a finished attempt before an
unfinished one, then the one with the most answers agreeing with the model, the fewest judged,
the latest.

A file that cannot be read (not JSON, another shape) is never overwritten.  Reading reports it
in one line and shows no scores; recording a new attempt first sets it aside, renamed
``learning.json.damaged-<time>`` beside it (its bytes kept for someone to look at or restore),
starts a new file and says so in one line.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

APP_NAME = "case-review"
FILE_NAME = "learning.json"
FORMAT = "case-review-learning/1"
MAX_ATTEMPTS = 5000  # the oldest are dropped beyond this


@dataclass(frozen=True)
class Attempt:
    """One play of a practice case."""

    id: str
    case: str
    started: str  # ISO date and time
    at: str  # last recorded
    agreed: int
    judged: int
    live: int  # criteria live under the case's model facts
    complete: bool  # every live criterion judged

    @property
    def date(self) -> str:
        return self.started[:10]

    def score_text(self) -> str:
        return f"{self.agreed} of {self.judged} agreed" + ("" if self.complete else " (unfinished)")


class ProgressError(Exception):
    """The progress file cannot be read or written; the message is one line."""


def default_path() -> Path:
    import platformdirs

    return platformdirs.user_state_path(APP_NAME) / FILE_NAME


def now_text() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


# -- reading ----------------------------------------------------------------------------------

_FIELDS: dict[str, type | tuple[type, ...]] = {
    "id": str,
    "case": str,
    "started": str,
    "at": str,
    "agreed": int,
    "judged": int,
    "live": int,
    "complete": bool,
}


def _attempt(raw: Any) -> Attempt | None:
    if not isinstance(raw, dict) or set(raw) != set(_FIELDS):
        return None
    for name, kind in _FIELDS.items():
        value = raw[name]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            return None
        if isinstance(value, int) and value < 0:
            return None
    return Attempt(**raw)


def _parse(raw: bytes, path: Path) -> list[Attempt]:
    from store.errors import StoreError
    from store.storage import parse_json_bytes

    try:
        data = parse_json_bytes(raw, path, "learning progress file")
    except StoreError as exc:
        raise ProgressError(str(exc)) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ProgressError(f"{path}: not a learning progress file ({FORMAT})")
    items = data.get("attempts")
    if not isinstance(items, list):
        raise ProgressError(f"{path}: 'attempts' is not a list; the file is damaged")
    attempts = []
    for index, item in enumerate(items):
        attempt = _attempt(item)
        if attempt is None:
            raise ProgressError(f"{path}: attempt {index + 1} is not readable; the file is damaged")
        attempts.append(attempt)
    return attempts


def _read_bytes(path: Path) -> bytes | None:
    """The file's bytes; None if there is none.  A symbolic link is not followed."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        return None
    except OSError as exc:
        if os.path.islink(path):
            raise ProgressError(f"{path}: is a symbolic link; not read") from None
        raise ProgressError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    with os.fdopen(fd, "rb") as handle:
        if os.fstat(handle.fileno()).st_size > 16 * 2**20:
            raise ProgressError(f"{path}: larger than 16 MB; not a learning progress file")
        return handle.read()


def load(path: Path | None = None) -> list[Attempt]:
    """Every recorded attempt, oldest first; ProgressError (one line) if the file is damaged."""
    path = path or default_path()
    raw = _read_bytes(path)
    return [] if raw is None else _parse(raw, path)


def _rank(attempt: Attempt) -> tuple[bool, int, int, str]:
    return (attempt.complete, attempt.agreed, -attempt.judged, attempt.at)


def best(attempts: list[Attempt]) -> dict[str, Attempt]:
    """The best attempt of each case tried: a finished one before any left unfinished, then
    the most agreed, the fewest judged, the latest."""
    out: dict[str, Attempt] = {}
    for attempt in attempts:
        held = out.get(attempt.case)
        if held is None or _rank(attempt) >= _rank(held):
            out[attempt.case] = attempt
    return out


# -- writing ----------------------------------------------------------------------------------


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    import fcntl

    from store.storage import FILE_MODE

    fd = os.open(folder / ".learning.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, FILE_MODE)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def record(attempt: Attempt, path: Path | None = None) -> str | None:
    """Keep ``attempt`` (replacing the earlier record of the same attempt id).  Returns a line
    to tell the user when a damaged file was set aside; ProgressError if nothing could be
    written."""
    from store.errors import StoreError
    from store.storage import atomic_write, ensure_private_dir

    path = path or default_path()
    said = None
    try:
        ensure_private_dir(path.parent)
        with _locked(path.parent):
            try:
                attempts = load(path)
            except ProgressError as exc:
                aside = path.with_name(
                    f"{path.name}.damaged-{datetime.now().strftime('%Y%m%dT%H%M%S')}"
                )
                try:
                    os.rename(path, aside)
                except OSError:
                    raise ProgressError(f"{exc}; progress not recorded") from None
                said = f"{exc}. It was kept as {aside.name} and a new progress file started."
                attempts = []
            attempts = [a for a in attempts if a.id != attempt.id] + [attempt]
            data = {"format": FORMAT, "attempts": [asdict(a) for a in attempts[-MAX_ATTEMPTS:]]}
            atomic_write(path, json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))
    except StoreError as exc:
        raise ProgressError(f"{exc}; progress not recorded") from None
    except OSError as exc:
        raise ProgressError(
            f"{path}: cannot be written: {exc.strerror or exc}; progress not recorded"
        ) from None
    return said
