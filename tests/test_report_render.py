"""Each report format: what it must contain, and that nothing a user typed is interpreted."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest

from assistant.report import build_report, render
from assistant.report.render_csv import COLUMNS
from assistant.report.render_text import plain_console, write_text
from assistant.report.textsafe import md_escape, visible
from store.records import Judgement, Review
from tests.report_sample import harrow_like

HOSTILE_REF = "[bold red]X-01"
HOSTILE_NOTE = (
    "[bold red]shout[/] \x1b[31mred\x1b[0m \x1b]0;title\x07 <script>alert(1)</script> "
    "*bold* _it_ | pipe `code` & &amp; \u202egnp.exe"
)
ESC = "\x1b"


@pytest.fixture
def harrow(sqs):
    return build_report(sqs, harrow_like(sqs), generated_at=datetime(2014, 10, 23, tzinfo=UTC))


@pytest.fixture
def hostile(sqs):
    review = Review(
        id="hostile",
        case_ref=HOSTILE_REF,
        framework=sqs.id,
        status="complete",
        team="[blink]Team[/blink]",
        facts={"psr": False},
        judgements={
            "rr.assessment": Judgement(
                outcome="insufficient",
                reasons=("drivers_missed",),
                note=HOSTILE_NOTE,
                quotable=True,
            )
        },
        completed_at=datetime(2024, 1, 5, 12, tzinfo=UTC),
    )
    return build_report(sqs, [review])


# -- json: the SPEC §7 contract -------------------------------------------------------------


def test_json_contract(harrow, sqs) -> None:
    data = json.loads(render(harrow, "json"))
    assert data["framework"] == "sqs-youth-2014"
    assert data["reviews"] == 14
    assert [c["id"] for c in data["criteria"]] == [c.id for c in sqs.criteria]
    victims = next(c for c in data["criteria"] if c["id"] == "pp.victims")
    assert victims["sufficient"] == 5
    assert victims["relevant"] == 12
    assert victims["reasons"] == {"plan_inadequate": 7, "victim_not_considered": 2}
    assert victims["percent"] == 41.7
    assert victims["proportion"] == "less than half"
    assert victims["count_words"] == "5 of the 12 relevant cases"
    assert victims["band"] == "inadequate"
    for c in data["criteria"]:
        assert {"id", "sufficient", "relevant", "reasons"} <= set(c)
        assert isinstance(c["reasons"], dict)
        assert all(isinstance(v, int) for v in c["reasons"].values())
    assert [s["id"] for s in data["sections"]] == ["rr", "pp", "cy", "ss"]
    assert data["rating"]["local_policy"] is True
    assert [b["min_percent"] for b in data["rating"]["bands"]] == [80, 65, 50, 0]
    quoted = next(c for c in data["criteria"] if c["id"] == "rr.assessment")["quotable"]
    assert quoted[0]["case_ref"] == "HAR-03"


def test_json_with_no_relevant_cases_has_nulls_not_nan(mini) -> None:
    data = json.loads(render(build_report(mini, []), "json"))
    assert data["reviews"] == 0
    for c in data["criteria"]:
        assert (c["sufficient"], c["relevant"], c["percent"], c["band"]) == (0, 0, None, None)
    assert "NaN" not in render(build_report(mini, []), "json")


def test_json_keeps_user_text_as_data_but_no_raw_controls(hostile) -> None:
    out = render(hostile, "json")
    assert ESC not in out and "\u202e" not in out
    data = json.loads(out)
    quote = data["criteria"][0]["quotable"][0]
    assert quote == {"case_ref": HOSTILE_REF, "outcome": "insufficient", "note": HOSTILE_NOTE}


# -- csv ------------------------------------------------------------------------------------


def test_csv_reads_back_with_one_row_per_criterion(harrow, sqs) -> None:
    rows = list(csv.reader(io.StringIO(render(harrow, "csv"), newline="")))
    assert tuple(rows[0]) == COLUMNS
    assert len(rows) == 1 + len(sqs.criteria) + 1  # header, criteria, the row over all
    records = list(csv.DictReader(io.StringIO(render(harrow, "csv"), newline="")))
    *criteria, overall = records
    assert [r["criterion"] for r in criteria] == [c.id for c in sqs.criteria]
    assert overall["criterion"] == "(all)"
    assert overall["agreement_pairs"] == str(harrow.agreement.n if harrow.agreement else "")
    relevant = sum(c.relevant for c in harrow.criteria)
    assert overall["relevant"] == str(relevant) and relevant > 0
    victims = next(r for r in records if r["criterion"] == "pp.victims")
    assert victims["sufficient"] == "5" and victims["relevant"] == "12"
    assert victims["percent"] == "41.7"
    assert victims["band"] == "Inadequate"
    assert victims["proportion"] == "less than half"
    assert victims["reasons"] == "plan_inadequate=7; victim_not_considered=2"
    assert victims["top_reason"] == "plan_inadequate"
    empty = list(csv.DictReader(io.StringIO(render(build_report(sqs, []), "csv"))))
    assert len(empty) == len(sqs.criteria) + 1
    assert all(r["percent"] == "" and r["proportion"] == "no relevant cases" for r in empty[:-1])
    assert empty[-1]["percent"] == "" and empty[-1]["countersigned"] == ""


# -- html -----------------------------------------------------------------------------------


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(html_text: str) -> _Collect:
    parser = _Collect()
    parser.feed(html_text)
    parser.close()
    return parser


def test_html_is_one_self_contained_file_with_a_bar_per_criterion(harrow, sqs) -> None:
    out = render(harrow, "html")
    assert out.startswith("<!DOCTYPE html>")
    assert not re.search(r"https?:", out)
    parsed = _parse(out)
    names = [t for t, _ in parsed.tags]
    assert "script" not in names and "link" not in names and "img" not in names
    assert "iframe" not in names and "object" not in names
    for _tag, attrs in parsed.tags:
        assert "src" not in attrs
        href = attrs.get("href")
        assert href is None or href.startswith("#")
        assert not any(k.startswith("on") for k in attrs)
    assert "url(" not in out and "@import" not in out
    assert "@media print" in out
    rows = [a for t, a in parsed.tags if t == "tr" and "data-criterion" in a]
    assert [a["data-criterion"] for a in rows] == [c.id for c in sqs.criteria]
    # every criterion row holds an SVG bar whose filled width is its percentage
    for c in harrow.criteria:
        row = re.search(rf'<tr data-criterion="{re.escape(c.id)}">(.*?)</tr>', out, re.S)
        assert row and '<svg class="bar"' in row.group(1), c.id
        assert f'width="{c.percent:.1f}"' in row.group(1), c.id
    # internal links all land on something
    ids = {a.get("id") for _, a in parsed.tags}
    for _, attrs in parsed.tags:
        if attrs.get("href"):
            assert attrs["href"][1:] in ids


def test_html_escapes_everything_a_user_typed(hostile) -> None:
    out = render(hostile, "html")
    assert "<script>" not in out
    assert "&lt;script&gt;" in out
    assert "[bold red]X-01" in out  # shown as typed
    assert "&amp;amp;" in out  # an entity someone typed stays literal
    assert ESC not in out and "\u202e" not in out
    assert "\\x1b[31m" in out  # the escape sequence is shown, not acted on
    parsed = _parse(out)
    assert "script" not in [t for t, _ in parsed.tags]
    text = "".join(parsed.text)
    assert HOSTILE_REF in text
    assert "<script>alert(1)</script>" in text  # as text, after the parser unescapes it


# -- markdown -------------------------------------------------------------------------------


def test_markdown_report(harrow) -> None:
    out = render(harrow, "md")
    assert out.startswith("# Short Quality Screening")
    assert "## Reducing reoffending" in out
    assert "## Key strengths" in out and "## Areas requiring improvement" in out
    assert "| Risk of harm to identifiable victims managed | 5 | 12 | 42% | less than half |" in out
    assert "> “Police intelligence on peer contacts" in out and "— HAR\\-03" not in out
    assert "— HAR-03" in out
    assert "## Notes" in out
    assert "Less than half of the relevant cases were sufficient: 5 of 12 (42%). — rated" in out
    assert "Reasons given in the one insufficient case:" in out
    assert "Reasons given among the 7 insufficient cases:" in out
    # the overview is short; the sections carry the full sentences
    assert "- Plan of work to reduce reoffending: less than one-quarter (3 of 14)" in out


def test_markdown_escapes_user_text(hostile) -> None:
    out = render(hostile, "md")
    assert "\\[bold red\\]X\\-01" not in out  # '-' is left alone
    assert "\\[bold red\\]X-01" in out
    assert "\\<script\\>" in out
    assert "\\*bold\\*" in out and "\\_it\\_" in out and "\\|" in out and "\\`code\\`" in out
    assert "\\&amp;" in out
    assert ESC not in out and "\u202e" not in out


def test_md_escape_makes_one_literal_line() -> None:
    assert md_escape("a\nb\r\n  c") == "a b c"
    assert md_escape("[x](http://e)") == "\\[x\\](http://e)"
    assert md_escape("# not a heading") == "\\# not a heading"


# -- text -----------------------------------------------------------------------------------


def test_text_report_has_a_bar_per_criterion_and_no_escape_codes(harrow) -> None:
    out = render(harrow, "text")
    assert ESC not in out
    assert "Reducing reoffending" in out and "Protecting the public" in out
    assert "█" in out
    for c in harrow.criteria:
        assert c.title[:18] in out, c.id
    assert "5/12" in out and "less than half" in out
    assert "Key strengths" in out and "Areas requiring improvement" in out
    assert "Notes" in out
    assert not any(line != line.rstrip() for line in out.splitlines())


def test_text_shows_markup_and_escape_sequences_literally(hostile) -> None:
    out = render(
        hostile,
        "text",
    )
    assert ESC not in out and "\x07" not in out and "\u202e" not in out
    assert "[bold red]X-01" in out
    assert "[bold red]shout[/]" in out
    assert "\\x1b[31mred\\x1b[0m" in out
    assert "\\u202egnp.exe" in out


def test_text_to_a_colour_terminal_styles_framework_text_only(hostile) -> None:
    from rich.console import Console

    buffer = io.StringIO()
    console = Console(
        file=buffer, force_terminal=True, color_system="truecolor", width=120, markup=False
    )
    write_text(hostile, console)
    out = buffer.getvalue()
    assert ESC in out  # styled for a terminal
    assert "[bold red]X-01" in out and "[bold red]shout[/]" in out  # never parsed as markup
    assert "\x1b[31mred" not in out  # the note's own escape sequence is not passed through
    assert "\x1b]0;title" not in out


def test_plain_console_writes_no_escapes_even_when_forced(monkeypatch, harrow) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("TTY_COMPATIBLE", "1")
    buffer = io.StringIO()
    write_text(harrow, plain_console(buffer))
    assert ESC not in buffer.getvalue()


def test_visible_keeps_tabs_and_newlines_and_shows_the_rest() -> None:
    assert visible("a\tb\nc") == "a\tb\nc"
    assert visible("\x1b[2J\x00\x7f\x9b") == "\\x1b[2J\\x00\\x7f\\x9b"
    assert visible("\u2066x\u2069") == "\\u2066x\\u2069"


def test_many_quotable_notes_are_capped_in_the_terminal(sqs) -> None:
    reviews = [
        Review(
            id=f"q{i}",
            case_ref=f"Q-{i:02d}",
            framework=sqs.id,
            status="complete",
            judgements={"rr.plan": Judgement(outcome="sufficient", note=f"n{i}", quotable=True)},
        )
        for i in range(8)
    ]
    report = build_report(sqs, reviews)
    text = render(report, "text")
    assert "…and 3 more quotable notes" in text
    assert render(report, "md").count("> “n") == 8


@pytest.mark.parametrize("fmt", ["text", "md", "html", "json", "csv"])
def test_every_format_renders_an_empty_report(fmt, sqs) -> None:
    out = render(build_report(sqs, []), fmt)
    assert out
    assert "0 of 0" not in out and "nan%" not in out.lower()


def test_unknown_format_is_refused(harrow) -> None:
    with pytest.raises(ValueError, match="unknown report format"):
        render(harrow, "pdf")


@pytest.mark.parametrize("width", [10, 40, 79])
def test_a_narrow_terminal_stacks_each_criterion(harrow, width: int) -> None:
    buffer = io.StringIO()
    write_text(harrow, plain_console(buffer, width))
    out = buffer.getvalue()
    assert out.count("█") + out.count("░") > 0
    if width >= 40:
        for c in harrow.criteria:
            assert c.title.split()[0] in out
        assert "5/12 less than half" in out.replace("\n", " ")
