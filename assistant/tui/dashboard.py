"""The report as a dashboard: a bar per criterion, section by section, with filters, and the
reviews behind any figure one key away (SPEC §7, issue 6).

``ReportScreen`` shows the inspection-style report over the store's complete reviews (the same
``Report`` figures ``case-review report`` prints, read through ``report_over_store``).  Each
criterion is one entry of a list: its title, then a bar of the share of relevant cases judged
sufficient, the percentage, the count in words ("5 of the 12 relevant cases") and the rating
band by name, so nothing depends on colour alone.  Enter on a criterion opens ``CasesScreen``:
the cases behind that figure, insufficient ones first with their reasons and notes; Enter on a
case opens its review.  Filters (team, completed from / to) sit above the chart.

Everything a user typed (case references, teams, notes) is shown through ``rich.text.Text``
after ``printable``: never parsed as markup, control characters made visible.
"""

from __future__ import annotations

import re
from datetime import date

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from assistant.report.figures import CaseLink, CriterionFigures, Report, ReportFilter
from assistant.report.findings import lower_first
from assistant.report.layout import (
    agreement_text,
    band_colour,
    bar_cells,
    countersign_short,
    finding_with_percent,
    scope_line,
)
from assistant.text import printable
from assistant.tui.context import the_app

__all__ = ["CaseList", "CasesScreen", "Chart", "ReportScreen"]

WIDE = 100  # from this many columns: longer bars, proportions in words, section summaries
MAX_CASES = 200  # cases listed per outcome in the drill-down; the rest are counted
NOTE_CHARS = 300
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _plain(text: str) -> str:
    """User text on one line, control characters visible."""
    return printable(text, single_line=True)


def _parse_day(value: str) -> date | None:
    """A YYYY-MM-DD date or None when empty; ValueError when it is not a date."""
    text = value.strip()
    if not text:
        return None
    if not _DAY.match(text):
        raise ValueError(text)
    return date.fromisoformat(text)


def _ink(colour: str) -> str:
    """Black or white, whichever reads better on ``colour`` (#rrggbb)."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#000000" if 0.299 * r + 0.587 * g + 0.114 * b > 140 else "#ffffff"


def _band_text(label: str | None, colour: str) -> Text:
    """The band by name (never colour alone) on its colour, legible on any row highlight."""
    if label is None:
        return Text("no rating", style="dim")
    return Text(f" {label} ", style=f"bold {_ink(colour)} on {colour}")


def criterion_prompt(c: CriterionFigures, bands: int, wide: bool) -> Text:
    """Two lines: the title (and the proportion in words), then the bar with its figures."""
    colour = band_colour(c.band_rank, bands)
    text = Text()
    text.append(c.title, style="bold")
    if c.severity == "urgent":
        text.append(" !", style="bold red")
    if c.relevant:
        text.append(f"  {c.proportion}", style="italic")
    text.append("\n  ")
    text.append(bar_cells(c.percent, 24 if wide else 12), style=colour)
    text.append(f" {c.percent_text:>4}  ")
    text.append(c.count_words)
    text.append(" · ")
    text.append_text(_band_text(c.band.label if c.band else None, colour))
    if c.partly:
        text.append(f" · {c.partly} partly", style="dim")
    if c.agreement is not None:
        text.append(f" · case managers agreed {c.agreement.percent:g}%", style="dim")
    if wide and c.not_applicable:
        text.append(f" · {c.not_applicable} not applicable", style="dim")
    return text


def section_prompt(report: Report, index: int, bands: int, summaries: bool) -> Text:
    s = report.sections[index]
    colour = band_colour(s.band_rank, bands)
    text = Text("\n" if index else "")
    text.append(s.title.upper(), style="bold underline")
    if s.relevant:
        text.append(f"  {s.percent_text} sufficient ({s.sufficient} of {s.relevant}) · ")
        text.append_text(_band_text(s.band.label if s.band else None, colour))
    else:
        text.append("  no relevant cases", style="dim")
    if summaries and s.summary:
        text.append("\n")
        text.append(s.summary, style="dim")
    return text


def legend(report: Report) -> Text:
    """What a bar shows and where the bands start, in words."""
    parts = []
    bands = report.rating.bands
    for i, band in enumerate(bands):
        if band.min_percent > 0:
            parts.append(f"{band.label} {band.min_percent:g}%+")
        else:
            parts.append(f"{band.label} below {bands[i - 1].min_percent:g}%" if i else band.label)
    return Text(
        "Bar: share of the relevant cases judged sufficient. Bands: " + ", ".join(parts) + ".",
        style="dim",
    )


class _Choices(OptionList):
    """An option list whose Enter is offered (in the footer) only when there is a choice."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "select":
            return any(not option.disabled for option in self.options)
        return True

    def filled(self) -> None:
        """Call after changing the options: the footer shows Enter or not."""
        self.refresh_bindings()


class Chart(_Choices):
    """The criteria, section by section; Enter lists the cases behind the highlighted one."""

    BINDINGS = [Binding("enter", "select", "Cases behind")]


class CaseList(_Choices):
    """The cases behind a figure; Enter opens the highlighted one's review."""

    BINDINGS = [Binding("enter", "select", "Open review")]


class ReportScreen(Screen[None]):
    """The inspection-style report over the store's complete reviews."""

    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("t", "focus_team", "Team"),
        Binding("d", "focus_dates", "Dates"),
        Binding("s", "toggle_summaries", "Summaries"),
        Binding("l", "toggle_latest", "Latest only"),
        Binding("f5", "refresh", "Refresh"),
    ]
    DEFAULT_CSS = """
    ReportScreen #filters { height: 1; padding: 0 1; }
    ReportScreen #filters Label { padding: 0 1 0 0; }
    ReportScreen #filters .gap { padding: 0 1 0 2; }
    ReportScreen #team { width: 28; }
    ReportScreen #filters Input { width: 13; }
    ReportScreen #scope { padding: 0 1; height: auto; }
    ReportScreen #problems { padding: 0 1; height: auto; color: $text-error; }
    ReportScreen #problems.-empty { display: none; }
    ReportScreen #chart { height: 1fr; }
    ReportScreen #chart > .option-list--option-disabled { color: $foreground; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.report: Report | None = None
        self.filters = ReportFilter()
        self.summaries: bool | None = None  # None: by width
        self._highlight: str | None = None
        self._wide: bool | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="filters"):
            yield Label("Team")
            yield Select[str]([], prompt="All teams", id="team", compact=True)
            yield Label("Completed from", classes="gap")
            yield Input(placeholder="YYYY-MM-DD", id="since", compact=True, max_length=10)
            yield Label("to", classes="gap")
            yield Input(placeholder="YYYY-MM-DD", id="until", compact=True, max_length=10)
        yield Static(id="scope")
        yield Static(id="problems", classes="-empty")
        yield Chart(id="chart")
        yield Footer()

    @property
    def chart(self) -> Chart:
        return self.query_one("#chart", Chart)

    def on_mount(self) -> None:
        fw = the_app(self).framework
        self.title = "Report"
        self.sub_title = fw.title
        self._fill_teams()
        self.query_one("#scope", Static).update(Text("Reading the complete reviews…"))
        self.chart.focus()
        self._reload()

    def on_screen_resume(self) -> None:
        if self.report is not None:  # back from the cases or a review: figures may have moved
            self._reload()

    def on_resize(self) -> None:
        if self.report is not None and self._wide != (self.app.size.width >= WIDE):
            self._show(self.report)

    # --- loading ---------------------------------------------------------------------------

    def _fill_teams(self) -> None:
        fw_id = the_app(self).framework.id
        teams: dict[str, str] = {}
        for s in the_app(self).store.summaries():
            if s.status == "complete" and s.mode != "learning" and s.framework == fw_id:
                teams.setdefault(s.team.strip().casefold(), s.team.strip())
        options = [
            (Text(_plain(t)) if t else Text("(no team)", style="dim"), t)
            for _key, t in sorted(teams.items())
        ]
        select = self.query_one("#team", Select)
        select.set_options(options)
        select.disabled = not options

    def _reload(self) -> None:
        self._compute(self.filters)

    @work(thread=True, exclusive=True, group="report")
    def _compute(self, filters: ReportFilter) -> None:
        from assistant.report.source import report_over_store
        from store import StoreError

        try:
            report, _problems = report_over_store(
                the_app(self).store,
                the_app(self).framework,
                filters,
            )
        except (StoreError, OSError) as exc:
            self.app.call_from_thread(self._failed, str(exc))
            return
        self.app.call_from_thread(self._show, report)

    def _failed(self, message: str) -> None:
        if not self.is_attached:
            return
        self.query_one("#scope", Static).update(Text(f"The report cannot be made: {message}"))

    def _show(self, report: Report) -> None:
        if not self.is_attached:
            return
        self.report = report
        width = self.app.size.width
        self._wide = width >= WIDE
        summaries = self._wide if self.summaries is None else self.summaries
        scope = Text(printable(scope_line(report)))
        if report.filters.latest:
            scope.append(" Latest review of each case only.")
        if report.agreement is not None:
            scope.append("\nJoint reviews: the case manager " + agreement_text(report.agreement))
            lowest = report.lowest_agreement()
            if lowest:
                scope.append(f"; lowest: {lowest[0].title}")
            scope.append(".")
        signing = countersign_short(report)
        if signing:
            scope.append(f"\nCountersigning: {signing}.")
        if report.reviews:
            scope.append("\n")
            scope.append_text(legend(report))
        self.query_one("#scope", Static).update(scope)
        problems = self.query_one("#problems", Static)
        problems.set_class(not report.problems, "-empty")
        if report.problems:
            n = len(report.problems)
            note = Text(f"{n} store file{'s' if n > 1 else ''} could not be read (left out, ")
            note.append("untouched): ")
            note.append(_plain("; ".join(report.problems)))
            problems.update(note)

        chart = self.chart
        keep = self._highlight or (
            chart.get_option_at_index(chart.highlighted).id
            if chart.highlighted is not None and chart.option_count
            else None
        )
        chart.clear_options()
        if not report.reviews:
            chart.add_option(Option(self._nothing_text(), id="-none", disabled=True))
            chart.filled()
            return
        bands = len(report.rating.bands)
        options: list[Option] = []
        for i, section in enumerate(report.sections):
            options.append(
                Option(
                    section_prompt(report, i, bands, summaries),
                    id=f"-s-{section.id}",
                    disabled=True,
                )
            )
            options.extend(
                Option(criterion_prompt(c, bands, self._wide), id=c.id) for c in section.criteria
            )
        chart.add_options(options)
        chart.filled()
        ids = [o.id for o in options]
        if keep is not None and keep in ids:
            chart.highlighted = ids.index(keep)
        else:
            chart.highlighted = next(i for i, o in enumerate(options) if not o.disabled)
        self._highlight = None

    def _nothing_text(self) -> Text:
        f = self.filters
        if f.team is None and f.since is None and f.until is None:
            return Text(
                "When a review is complete, its judgements are counted here criterion by "
                "criterion. Escape goes back; n on the home screen starts a review."
            )
        return Text(
            "Change the team or the dates above to see figures (t for team, d for dates; an "
            "empty date means no limit)."
        )

    # --- filters ---------------------------------------------------------------------------

    @on(Select.Changed, "#team")
    def _team_changed(self, event: Select.Changed) -> None:
        team = None if event.value is Select.NULL else str(event.value)
        if team != self.filters.team:
            self.filters = ReportFilter(
                team, self.filters.since, self.filters.until, latest=self.filters.latest
            )
            self._reload()

    @on(Input.Submitted, "#since, #until")
    def _dates_submitted(self, event: Input.Submitted) -> None:
        try:
            since = _parse_day(self.query_one("#since", Input).value)
            until = _parse_day(self.query_one("#until", Input).value)
        except ValueError as exc:
            self.notify(
                f"{_plain(str(exc))!r} is not a date: use YYYY-MM-DD, e.g. 2014-10-21.",
                title="Dates",
                severity="error",
            )
            return
        if since and until and since > until:
            self.notify("The first date is after the second.", title="Dates", severity="error")
            return
        self.filters = ReportFilter(self.filters.team, since, until, latest=self.filters.latest)
        self._reload()
        if event.input.id == "until":
            self.chart.focus()
        else:
            self.query_one("#until", Input).focus()

    # --- actions ---------------------------------------------------------------------------

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_focus_team(self) -> None:
        self.query_one("#team", Select).focus()

    def action_focus_dates(self) -> None:
        self.query_one("#since", Input).focus()

    def action_toggle_summaries(self) -> None:
        current = self._wide if self.summaries is None else self.summaries
        self.summaries = not current
        if self.report is not None:
            self._show(self.report)

    def action_refresh(self) -> None:
        self._fill_teams()
        self._reload()

    def action_toggle_latest(self) -> None:
        """Count only the latest review of each case (a re-audit replaces the earlier one)."""
        f = self.filters
        self.filters = ReportFilter(f.team, f.since, f.until, latest=not f.latest)
        self._reload()

    @on(OptionList.OptionSelected, "#chart")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._open_cases(event.option.id)

    def _open_cases(self, criterion_id: str | None) -> None:
        if self.report is None or criterion_id is None:
            return
        figures = self.report.criterion(criterion_id)
        if figures is None:
            return
        self._highlight = criterion_id
        self.app.push_screen(CasesScreen(self.report, figures))


class CasesScreen(Screen[None]):
    """The cases behind one criterion's figure: insufficient first, with reasons and notes."""

    BINDINGS = [
        Binding("escape", "back", "Back to the report"),
    ]
    DEFAULT_CSS = """
    CasesScreen #heading { padding: 0 1; height: auto; }
    CasesScreen #cases { height: 1fr; }
    CasesScreen #cases > .option-list--option-disabled { color: $foreground; }
    """

    def __init__(self, report: Report, figures: CriterionFigures) -> None:
        super().__init__()
        self.report = report
        self.figures = figures
        self._links: dict[str, CaseLink] = {}
        self._opened = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="heading")
        yield CaseList(id="cases")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Cases behind the figure"
        self.sub_title = self.figures.title
        self._fill()
        self.query_one("#cases", OptionList).focus()

    def on_screen_resume(self) -> None:
        if not self._opened:
            return
        self._opened = False  # back from a review: its judgement may have changed
        from assistant.report.source import report_over_store
        from store import StoreError

        try:
            report, _ = report_over_store(
                the_app(self).store,
                the_app(self).framework,
                self.report.filters,
            )
        except (StoreError, OSError):
            return
        figures = report.criterion(self.figures.id)
        if figures is not None:
            self.report, self.figures = report, figures
            self._fill()

    def _heading(self) -> Text:
        c = self.figures
        colour = band_colour(c.band_rank, len(self.report.rating.bands))
        text = Text()
        text.append(c.title, style="bold")
        text.append(f"  [{c.id}]", style="dim")
        text.append("\n")
        text.append(finding_with_percent(c))
        text.append(" ")
        text.append_text(_band_text(c.band.label if c.band else None, colour))
        text.append(".")
        given = [r for r in c.reasons if r.count]
        if given or c.no_reason:
            parts = [f"{lower_first(r.label)} {r.count}" for r in given]
            if c.no_reason:
                parts.append(f"no reason given {c.no_reason}")
            text.append(f"\nReasons among the {c.insufficient} insufficient: ")
            text.append(_plain(" · ".join(parts)))
        return text

    def _fill(self) -> None:
        c = self.figures
        self.query_one("#heading", Static).update(self._heading())
        cases = self.query_one("#cases", _Choices)
        keep = None
        if cases.highlighted is not None and cases.option_count:
            keep = cases.get_option_at_index(cases.highlighted).id
        cases.clear_options()
        self._links = {}
        reasons: dict[str, list[str]] = {}
        for r in c.reasons:
            for link in r.cases:
                reasons.setdefault(link.review_id, []).append(r.label)
        options: list[Option] = []
        groups = (
            ("insufficient", "Insufficient"),
            ("sufficient", "Sufficient"),
            ("not_applicable", "Not applicable"),
        )
        for outcome, label in groups:
            links = c.cases_for(outcome)
            options.append(
                Option(Text(f"{label}: {len(links)}", style="bold underline"), disabled=True)
            )
            ordered = sorted(links, key=lambda link: (link.case_ref.casefold(), link.review_id))
            for i, link in enumerate(ordered[:MAX_CASES]):
                key = f"{outcome}-{i}"
                self._links[key] = link
                prompt = self._case_text(link, outcome, reasons.get(link.review_id, []))
                options.append(Option(prompt, id=key))
            if len(links) > MAX_CASES:
                more = len(links) - MAX_CASES
                options.append(
                    Option(
                        Text(f"  …and {more} more (narrow the report with filters)", style="dim"),
                        disabled=True,
                    )
                )
        cases.add_options(options)
        cases.filled()
        ids = [o.id for o in options]
        if keep is not None and keep in ids:
            cases.highlighted = ids.index(keep)
        elif self._links:
            cases.highlighted = next(i for i, o in enumerate(options) if not o.disabled)

    def _case_text(self, link: CaseLink, outcome: str, reasons: list[str]) -> Text:
        text = Text()
        text.append(_plain(link.case_ref), style="bold")
        where = [f"{link.mode} review"]
        if link.team:
            where.append(f"team {_plain(link.team)}")
        text.append("  " + ", ".join(where), style="dim")
        if outcome == "insufficient":
            text.append("\n  Reasons: ")
            text.append(_plain("; ".join(lower_first(r) for r in reasons)) or "no reason given")
        note = self._note(link) if outcome != "sufficient" else ""
        if note:
            text.append("\n  Note: ", style="italic")
            text.append(note, style="italic")
        return text

    def _note(self, link: CaseLink) -> str:
        """The note on this criterion in that review, one line, shortened; "" if none."""
        from store import StoreError

        try:
            review = the_app(self).store.get(link.review_id)
        except (KeyError, StoreError, OSError):
            return "(the review could not be read)"
        judgement = review.judgements.get(self.figures.id)
        note = _plain(judgement.note.strip()) if judgement else ""
        return note if len(note) <= NOTE_CHARS else note[: NOTE_CHARS - 1] + "…"

    def action_back(self) -> None:
        self.app.pop_screen()

    @on(OptionList.OptionSelected, "#cases")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._open(event.option.id)

    def _open(self, key: str | None) -> None:
        link = self._links.get(key or "")
        if link is None:
            return
        self._opened = True
        the_app(self).open_review_id(link.review_id)
