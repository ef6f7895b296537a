"""The report in the terminal: Rich tables with a coloured bar per criterion.

Nothing is parsed as markup: the console has markup off and every piece of text, framework or
user, goes in as ``rich.text.Text`` after ``visible()`` has made control characters literal.
Colour and other escape codes are written only to a terminal; to a file or a pipe the output
is plain text.
"""

from __future__ import annotations

import io
from typing import TextIO

from rich import box
from rich.console import Console, Group
from rich.padding import Padding
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from assistant.report.figures import CriterionFigures, Finding, Report
from assistant.report.findings import lower_first
from assistant.report.layout import (
    agreement_lines,
    band_colour,
    bar_cells,
    countersign_lines,
    finding_with_percent,
    heading_lines,
    reasons_heading,
    scope_line,
)
from assistant.report.textsafe import visible

__all__ = ["MAX_QUOTES", "render_text", "write_text"]

BAR_WIDTH = 20
NARROW = 80  # below this many columns, each criterion is two lines instead of a table row
MAX_QUOTES = 5
PLAIN_WIDTH = 100


def _t(text: str, style: str = "") -> Text:
    return Text(visible(text), style=style)


def _findings(title: str, items: tuple[Finding, ...], style: str) -> list[Text]:
    out = [_t(title, style)]
    if not items:
        out.append(_t("  None on these figures.", "dim"))
    for f in items:
        line = Text("  • ")
        line.append_text(_t(f.short or f.text))
        out.append(line)
    return out


def _criteria_table(criteria: tuple[CriterionFigures, ...], bands: int) -> Table:
    table = Table(box=box.SIMPLE_HEAD, expand=False, pad_edge=False)
    table.add_column("Criterion, in words", overflow="fold")
    table.add_column("Sufficient", no_wrap=True)
    table.add_column("", justify="right", no_wrap=True)
    table.add_column("Cases", justify="right", no_wrap=True)
    table.add_column("Rating", no_wrap=True)
    for c in criteria:
        colour = band_colour(c.band_rank, bands)
        cell = _t(c.title)
        if c.severity == "urgent":
            cell.append(" !", style="bold red")
        cell.append_text(_t(f"\n{c.proportion}", "dim"))
        table.add_row(
            cell,
            _t(bar_cells(c.percent, BAR_WIDTH), colour),
            _t(c.percent_text),
            _t(f"{c.sufficient}/{c.relevant}" if c.relevant else "–"),
            _t(c.band.label if c.band else "no rating", colour),
        )
    return table


def _criteria_lines(criteria: tuple[CriterionFigures, ...], bands: int, width: int) -> list[Text]:
    """For narrow terminals: the title, then an indented bar with the figures."""
    bar_width = max(6, min(BAR_WIDTH, width - 34))
    out: list[Text] = []
    for c in criteria:
        colour = band_colour(c.band_rank, bands)
        title = _t(c.title, "bold")
        if c.severity == "urgent":
            title.append(" !", style="bold red")
        out.append(title)
        line = Text("  ")
        line.append_text(_t(bar_cells(c.percent, bar_width), colour))
        cases = f"{c.sufficient}/{c.relevant}" if c.relevant else "–"
        line.append_text(_t(f" {c.percent_text} {cases} {c.proportion}; "))
        line.append_text(_t(c.band.label if c.band else "no rating", colour))
        out.append(line)
    return out


def _details(c: CriterionFigures) -> list[Text]:
    out: list[Text] = []
    given = [r for r in c.reasons if r.count]
    if given or c.no_reason or c.quotes or c.disagreements:
        head = _t(c.title, "bold")
        head.append_text(_t(f"  {finding_with_percent(c)}", "dim"))
        out.append(head)
    if given or c.no_reason:
        parts = [f"{lower_first(r.label)} {r.count}" for r in given]
        if c.no_reason:
            parts.append(f"no reason given {c.no_reason}")
        out.append(_t(f"  {reasons_heading(c)}: " + " · ".join(parts)))
    if c.disagreements:
        out.append(
            _t(f"  Joint reviews: the case manager disagreed in {c.disagreements} of {c.views}.")
        )
    for q in c.quotes[:MAX_QUOTES]:
        line = _t("  “", "italic")
        line.append_text(_t(q.note, "italic"))
        line.append_text(_t("” — ", "italic"))
        line.append_text(_t(q.case_ref, "bold"))
        out.append(line)
    if len(c.quotes) > MAX_QUOTES:
        more = len(c.quotes) - MAX_QUOTES
        out.append(
            _t(
                f"  …and {more} more quotable note{'s' if more > 1 else ''} (see --format md).",
                "dim",
            )
        )
    return out


def write_text(report: Report, console: Console) -> None:
    bands = len(report.rating.bands)
    console.print(_t(report.framework_title, "bold"))
    for heading in heading_lines(report):
        console.print(_t(heading, "dim"))
    console.print(_t(scope_line(report)))
    console.print()
    if report.reviews:
        for line in _findings("Key strengths", report.strengths, "bold green"):
            console.print(line)
        console.print()
        for line in _findings("Areas requiring improvement", report.areas, "bold red"):
            console.print(line)
        console.print()
        if report.recurring:
            console.print(_t("Recurring deficits", "bold"))
            for r in report.recurring:
                console.print(
                    _t(f"  • {r.label} ({r.id}): {r.count}, under {', '.join(r.criteria)}")
                )
            console.print()
    for s in report.sections:
        console.print(Rule(_t(s.title, "bold"), align="left"))
        console.print(_t(s.summary))
        if console.width >= NARROW:
            console.print(_criteria_table(s.criteria, bands))
        else:
            for line in _criteria_lines(s.criteria, bands, console.width):
                console.print(line)
            console.print()
        details = [line for c in s.criteria for line in _details(c)]
        if details:
            console.print(Padding(Group(*details), (0, 0, 1, 0)))
    if any(c.severity == "urgent" for c in report.criteria):
        console.print(_t("! marks criteria about the child's own safety (urgent flags).", "dim"))
        console.print()
    agreement = agreement_lines(report)
    if agreement:
        console.print(Rule(_t("Agreement in joint reviews", "bold"), align="left"))
        console.print(_t(agreement[0]))
        console.print(_t("The criteria, the lowest agreement first:"))
        for text in agreement[1:]:
            console.print(_t(f"  • {text}"))
        console.print()
    countersigning = countersign_lines(report)
    if countersigning:
        console.print(Rule(_t("Management oversight: countersigning", "bold"), align="left"))
        for text in countersigning:
            console.print(_t(text))
        console.print()
    console.print(Rule(_t("Notes", "bold"), align="left"))
    for note in report.notes:
        console.print(_t(f"• {note}", "dim"))
    for problem in report.problems:
        console.print(_t(f"• Not read: {problem}", "dim"))


def plain_console(file: TextIO, width: int = PLAIN_WIDTH) -> Console:
    """A console that writes no escape codes at all (files, pipes)."""
    return Console(
        file=file,
        force_terminal=False,
        force_jupyter=False,
        color_system=None,
        width=width,
        markup=False,
        emoji=False,
        highlight=False,
        legacy_windows=False,
        soft_wrap=False,
    )


def terminal_console(file: TextIO) -> Console:
    """A console for an interactive terminal: colour as the terminal allows."""
    return Console(file=file, markup=False, emoji=False, highlight=False)


def render_text(report: Report, width: int = PLAIN_WIDTH) -> str:
    """The report as plain text without escape codes."""
    buffer = io.StringIO()
    write_text(report, plain_console(buffer, width))
    lines = buffer.getvalue().split("\n")
    return "\n".join(line.rstrip() for line in lines)
