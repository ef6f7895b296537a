"""The report as Markdown, for pasting into documents.

User text (case references, notes, team names) is escaped with ``md_escape`` so that it
shows as typed; framework text is escaped too, since a framework file is data.
"""

from __future__ import annotations

from assistant.report.figures import CriterionFigures, Report
from assistant.report.layout import (
    agreement_lines,
    bar_cells,
    countersign_lines,
    finding_with_percent,
    heading_lines,
    reasons_heading,
    scope_line,
)
from assistant.report.textsafe import md_escape

__all__ = ["render_md"]


def _criterion(c: CriterionFigures, lines: list[str]) -> None:
    lines.append(f"#### {md_escape(c.title)} (`{c.id}`)")
    lines.append("")
    band = f" — rated **{md_escape(c.band.label)}**" if c.band else ""
    lines.append(f"{md_escape(finding_with_percent(c))}{band}")
    lines.append("")
    given = [r for r in c.reasons if r.count]
    if given or c.no_reason:
        lines.append(f"{reasons_heading(c)}:")
        lines.append("")
        for r in given:
            lines.append(f"- {md_escape(r.label)}: {r.count}")
        if c.no_reason:
            lines.append(f"- no reason given: {c.no_reason}")
        lines.append("")
    if c.disagreements:
        lines.append(
            f"Joint reviews: the case manager disagreed in {c.disagreements} of {c.views}."
        )
        lines.append("")
    for q in c.quotes:
        lines.append(f"> “{md_escape(q.note)}” — {md_escape(q.case_ref)}")
        lines.append("")


def render_md(report: Report) -> str:
    lines: list[str] = [f"# {md_escape(report.framework_title)}", ""]
    lines += [md_escape(line) for line in heading_lines(report)]
    lines.append("")
    lines.append(md_escape(scope_line(report)))
    lines.append("")
    if report.strengths or report.areas:
        lines += ["## Key strengths", ""]
        lines += [f"- {md_escape(f.short)}" for f in report.strengths] or [
            "- None on these figures."
        ]
        lines += ["", "## Areas requiring improvement", ""]
        lines += [f"- {md_escape(f.short)}" for f in report.areas] or ["- None on these figures."]
        lines.append("")
    if report.recurring:
        lines += ["## Recurring deficits", ""]
        for r in report.recurring:
            lines.append(
                f"- {md_escape(r.label)} (`{r.id}`): {r.count}, under "
                + ", ".join(f"`{cid}`" for cid in r.criteria)
            )
        lines.append("")
    agreement = agreement_lines(report)
    if agreement:
        lines += ["## Agreement in joint reviews (lowest first)", "", md_escape(agreement[0]), ""]
        lines += [f"- {md_escape(line)}" for line in agreement[1:]]
        lines.append("")
    countersigning = countersign_lines(report)
    if countersigning:
        lines += ["## Management oversight: countersigning", ""]
        lines += [f"- {md_escape(line)}" for line in countersigning]
        lines.append("")
    for s in report.sections:
        lines += [f"## {md_escape(s.title)}", "", md_escape(s.summary), ""]
        lines += [
            "| Criterion | Sufficient | Relevant | % | In words | Rating | |",
            "|---|---:|---:|---:|---|---|---|",
        ]
        for c in s.criteria:
            lines.append(
                f"| {md_escape(c.title)} | {c.sufficient} | {c.relevant} | {c.percent_text} "
                f"| {c.proportion} | {md_escape(c.band.label) if c.band else '–'} "
                f"| `{bar_cells(c.percent, 10)}` |"
            )
        lines.append("")
        if s.strengths:
            lines += ["**Key strengths**", ""]
            lines += [f"- {md_escape(f.text)}" for f in s.strengths]
            lines.append("")
        if s.areas:
            lines += ["**Areas requiring improvement**", ""]
            lines += [f"- {md_escape(f.text)}" for f in s.areas]
            lines.append("")
        lines += ["### The criteria", ""]
        for c in s.criteria:
            _criterion(c, lines)
    lines += ["## Notes", ""]
    lines += [f"- {md_escape(n)}" for n in report.notes]
    for p in report.problems:
        lines.append(f"- Not read: {md_escape(p)}")
    lines.append("")
    return "\n".join(lines)
