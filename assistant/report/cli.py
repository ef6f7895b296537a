"""`case-review report`: read complete reviews from the store, write the report.

Bad input (a malformed date, an unknown framework, an unreadable store, an unwritable output
file) is one line on stderr and exit code 1.  Store files that cannot be read are named on
stderr as warnings and in the report's notes; the rest of the report is still produced.
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import date
from pathlib import Path

from assistant.report import FORMATS, Report, ReportFilter, render
from prompts.model import Framework

__all__ = ["parse_day", "report_from_store", "run"]

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class _Refused(Exception):
    """A one-line reason the report cannot be made."""


def _err(message: str) -> None:
    print(f"case-review report: {message}", file=sys.stderr)


def parse_day(value: str | None, option: str) -> date | None:
    """A YYYY-MM-DD date, or None when not given; _Refused with a one-line reason if bad."""
    if value is None:
        return None
    text = value.strip()
    try:
        if not _DAY.match(text):
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise _Refused(f"{option} {value!r} is not a date; use YYYY-MM-DD") from None


def _filters(args: argparse.Namespace) -> ReportFilter:
    since = parse_day(getattr(args, "since", None), "--since")
    until = parse_day(getattr(args, "until", None), "--until")
    if since and until and since > until:
        raise _Refused(f"--since {since} is after --until {until}")
    team = getattr(args, "team", None)
    return ReportFilter(
        team=team.strip() if isinstance(team, str) else None,
        since=since,
        until=until,
        latest=bool(getattr(args, "latest", False)),
    )


def _framework(args: argparse.Namespace) -> Framework:
    from prompts import DEFAULT_FRAMEWORK, FrameworkError, get_framework

    try:
        return get_framework(getattr(args, "framework", None) or DEFAULT_FRAMEWORK)
    except FrameworkError as exc:
        raise _Refused(" ".join(str(exc).split())) from None


def report_from_store(
    store_path: str | None, framework: Framework, filters: ReportFilter
) -> tuple[Report, list[str]]:
    """Load the complete reviews this report needs from the store and build it.

    Returns the report and the store files that could not be read.  See
    ``assistant.report.source`` for how the reviews are read fast without trusting anything
    that was not validated.
    """
    try:
        from store import open_store
    except ImportError:
        raise _Refused("the review store is not available in this installation") from None
    from store.errors import StoreError

    try:
        from assistant.report.source import report_over_store

        store = open_store(store_path)
        return report_over_store(store, framework, filters)
    except StoreError as exc:
        raise _Refused(str(exc)) from None
    except OSError as exc:
        raise _Refused(f"cannot read the store: {exc.strerror or exc}") from None


def _write_file(path: Path, text: str) -> None:
    """Atomically and owner-only, like every file holding case data (store.storage)."""
    from store.storage import atomic_write

    try:
        atomic_write(path, text.encode("utf-8"))
    except OSError as exc:
        raise _Refused(f"cannot write {path}: {exc.strerror or exc}") from None


def run(args: argparse.Namespace) -> int:
    fmt = getattr(args, "format", None) or "text"
    if fmt not in FORMATS:
        _err(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
        return 1
    try:
        filters = _filters(args)
        framework = _framework(args)
        report, problems = report_from_store(getattr(args, "store", None), framework, filters)
        for problem in problems:
            _err(f"warning: not read: {problem}")
        output = getattr(args, "output", None)
        if output:
            _write_file(Path(output), render(report, fmt))
        elif fmt == "text" and sys.stdout.isatty():
            from assistant.report.render_text import terminal_console, write_text

            write_text(report, terminal_console(sys.stdout))
        else:
            text = render(report, fmt)
            raw = getattr(sys.stdout, "buffer", None)
            if fmt == "csv" and raw is not None:
                # csv rows end in CRLF already: a text-mode stdout must not translate them.
                sys.stdout.flush()
                raw.write(text.encode("utf-8"))
                raw.flush()
            else:
                sys.stdout.write(text)
                sys.stdout.flush()
    except _Refused as exc:
        _err(str(exc))
        return 1
    return 0
