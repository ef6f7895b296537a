"""The report as one self-contained, printable HTML file.

Inline CSS and inline SVG bars only: no scripts, no links, no fonts or images from elsewhere,
so the file opens anywhere, offline, and prints as it shows (a print stylesheet keeps the
bars' colours and avoids breaking a criterion across pages).  Every piece of text, from the
framework or from users, goes through ``html.escape`` after ``visible()``.
"""

from __future__ import annotations

import html

from assistant.report.figures import CriterionFigures, Finding, Report, SectionFigures
from assistant.report.findings import lower_first
from assistant.report.layout import (
    NO_BAND_COLOUR,
    agreement_lines,
    band_colour,
    countersign_lines,
    finding_with_percent,
    heading_lines,
    reasons_heading,
    scope_line,
)
from assistant.report.textsafe import visible

__all__ = ["render_html"]

_CSS = """
:root { --ink: #1d1d1f; --muted: #5f6368; --rule: #d0d4d9; --track: #e8eaed; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue",
       Arial, sans-serif; color: var(--ink); margin: 0 auto; padding: 24px 32px;
       max-width: 1100px; background: #fff; }
h1 { font-size: 1.7em; margin: 0 0 .2em; }
h2 { font-size: 1.3em; margin: 1.6em 0 .3em; padding-bottom: .2em;
     border-bottom: 2px solid var(--ink); }
h3 { font-size: 1.05em; margin: 1.1em 0 .2em; }
.meta { color: var(--muted); margin: 0; font-size: .9em; }
.scope { font-size: 1.05em; margin: .6em 0 1em; }
.summary { margin: .3em 0 .8em; }
.findings { display: grid; grid-template-columns: 1fr 1fr; gap: 0 28px; }
.findings h3 { margin-top: .4em; }
.findings ul { margin: .2em 0 .6em; padding-left: 1.2em; }
.strengths h3 { color: #1a7f37; } .areas h3 { color: #c2331f; }
table.criteria { width: 100%; border-collapse: collapse; margin: .4em 0 .8em; }
table.criteria th { text-align: left; font-size: .8em; text-transform: uppercase;
                    letter-spacing: .03em; color: var(--muted); padding: 4px 6px;
                    border-bottom: 1px solid var(--rule); }
table.criteria td { padding: 5px 6px; border-bottom: 1px solid var(--rule);
                    vertical-align: middle; }
td.words { white-space: nowrap; }
table.criteria a { color: inherit; text-decoration: none; border-bottom: 1px dotted #9aa0a6; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.barcell { width: 32%; min-width: 160px; }
svg.bar { display: block; width: 100%; height: 16px; }
svg.rbar { display: inline-block; width: 120px; height: 10px; vertical-align: middle; }
.band { display: inline-block; padding: 1px 7px; border-radius: 9px; color: #fff;
        font-size: .85em; white-space: nowrap; }
.urgent { color: #c2331f; font-weight: 600; font-size: .8em; margin-left: .4em; }
article.criterion { border-left: 4px solid var(--rule); padding: 2px 0 4px 12px; margin: 10px 0; }
article.criterion p { margin: .2em 0; }
ul.reasons { list-style: none; padding: 0; margin: .3em 0; }
ul.reasons li { margin: 2px 0; }
ul.reasons .count { display: inline-block; min-width: 2.5em; text-align: right;
                    font-variant-numeric: tabular-nums; margin-right: .4em; }
blockquote { margin: .4em 0 .4em 0; padding: .2em .8em; border-left: 3px solid #9aa0a6;
             font-style: italic; white-space: pre-wrap; }
blockquote cite { font-style: normal; font-weight: 600; }
.legend { display: flex; flex-wrap: wrap; gap: 6px 14px; font-size: .85em; color: var(--muted);
          margin: .4em 0; }
.legend span.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px;
                      vertical-align: -1px; margin-right: 4px; }
.notes { color: var(--muted); font-size: .9em; }
.empty { color: var(--muted); font-style: italic; }
@media print {
  body { padding: 0; max-width: none; font-size: 10.5pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  h2 { break-after: avoid; }
  tr, article.criterion, blockquote, .findings { break-inside: avoid; }
  .findings { grid-template-columns: 1fr; }
}
@page { size: A4; margin: 14mm 12mm; }
"""


def _e(text: str) -> str:
    return html.escape(visible(text), quote=True)


def _bar(percent: float | None, colour: str, thresholds: tuple[float, ...], label: str) -> str:
    fill = (
        ""
        if percent is None
        else (f'<rect x="0" y="0" width="{percent:.1f}" height="12" fill="{colour}"/>')
    )
    ticks = "".join(
        f'<line x1="{t:g}" y1="0" x2="{t:g}" y2="12" stroke="#ffffff" stroke-width="1" '
        f'vector-effect="non-scaling-stroke"/>'
        for t in thresholds
    )
    return (
        f'<svg class="bar" viewBox="0 0 100 12" preserveAspectRatio="none" role="img" '
        f'aria-label="{_e(label)}"><rect x="0" y="0" width="100" height="12" fill="#e8eaed"/>'
        f"{fill}{ticks}</svg>"
    )


def _reason_bar(count: int, of: int) -> str:
    width = 100 * count / of if of else 0
    return (
        f'<svg class="rbar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">'
        f'<rect width="100" height="10" fill="#e8eaed"/>'
        f'<rect width="{width:.1f}" height="10" fill="#c2331f"/></svg>'
    )


def _band_badge(c: CriterionFigures | SectionFigures, bands: int) -> str:
    if c.band is None:
        return f'<span class="band" style="background:{NO_BAND_COLOUR}">no rating</span>'
    colour = band_colour(c.band_rank, bands)
    return f'<span class="band" style="background:{colour}">{_e(c.band.label)}</span>'


def _finding_list(title: str, items: tuple[Finding, ...], css: str, short: bool = False) -> str:
    body = "".join(f"<li>{_e(f.short if short else f.text)}</li>" for f in items) or (
        '<li class="empty">None on these figures.</li>'
    )
    return f'<div class="{css}"><h3>{_e(title)}</h3><ul>{body}</ul></div>'


def _criteria_table(s: SectionFigures, bands: int, thresholds: tuple[float, ...]) -> str:
    rows = []
    for c in s.criteria:
        colour = band_colour(c.band_rank, bands)
        label = f"{c.title}: {c.percent_text} sufficient ({c.count_words})"
        urgent = '<span class="urgent">urgent</span>' if c.severity == "urgent" else ""
        title = f'<a href="#c-{_e(c.id)}">{_e(c.title)}</a>' if _has_details(c) else _e(c.title)
        rows.append(
            f'<tr data-criterion="{_e(c.id)}">'
            f"<td>{title}{urgent}</td>"
            f'<td class="barcell">{_bar(c.percent, colour, thresholds, label)}</td>'
            f'<td class="num">{_e(c.percent_text)}</td>'
            f'<td class="num">{c.sufficient} / {c.relevant}</td>'
            f'<td class="words">{_e(c.proportion)}</td>'
            f"<td>{_band_badge(c, bands)}</td></tr>"
        )
    return (
        '<table class="criteria"><thead><tr><th>Criterion</th><th>Sufficient</th><th></th>'
        "<th>Cases</th><th>In words</th><th>Rating</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
    )


def _has_details(c: CriterionFigures) -> bool:
    return bool(c.relevant or c.not_applicable)


def _criterion_article(c: CriterionFigures) -> str:
    parts = [f'<article class="criterion" id="c-{_e(c.id)}">']
    parts.append(f"<h3>{_e(c.title)} <small><code>{_e(c.id)}</code></small></h3>")
    parts.append(f"<p>{_e(finding_with_percent(c))}</p>")
    given = [r for r in c.reasons if r.count]
    if given or c.no_reason:
        parts.append(f'<p>{_e(reasons_heading(c))}:</p><ul class="reasons">')
        for r in given:
            parts.append(
                f'<li><span class="count">{r.count}</span>{_reason_bar(r.count, c.insufficient)} '
                f"{_e(lower_first(r.label))}</li>"
            )
        if c.no_reason:
            parts.append(
                f'<li><span class="count">{c.no_reason}</span>'
                f"{_reason_bar(c.no_reason, c.insufficient)} no reason given</li>"
            )
        parts.append("</ul>")
    if c.disagreements:
        parts.append(
            f"<p>Joint reviews: the case manager disagreed in {c.disagreements} of {c.views}.</p>"
        )
    for q in c.quotes:
        parts.append(f"<blockquote>“{_e(q.note)}” <cite>— {_e(q.case_ref)}</cite></blockquote>")
    parts.append("</article>")
    return "".join(parts)


def _legend(report: Report) -> str:
    bands = report.rating.bands
    items = []
    for i, b in enumerate(bands):
        rng = (
            f"{b.min_percent:g}%+"
            if i == 0
            else (
                f"{b.min_percent:g}–{bands[i - 1].min_percent:g}%"
                if b.min_percent
                else f"below {bands[i - 1].min_percent:g}%"
            )
        )
        items.append(
            f'<span><span class="swatch" style="background:{band_colour(i, len(bands))}">'
            f"</span>{_e(b.label)} ({_e(rng)})</span>"
        )
    items.append("<span>White ticks on each bar mark the band thresholds.</span>")
    return '<div class="legend">' + "".join(items) + "</div>"


def render_html(report: Report) -> str:
    bands = len(report.rating.bands)
    thresholds = tuple(b.min_percent for b in report.rating.bands if b.min_percent > 0)
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(report.framework_title)} — report</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<header><h1>{_e(report.framework_title)}</h1>",
    ]
    out += [f'<p class="meta">{_e(line)}</p>' for line in heading_lines(report)]
    out.append(f'<p class="scope">{_e(scope_line(report))}</p></header>')
    if report.reviews:
        out.append('<section class="overview"><div class="findings">')
        out.append(_finding_list("Key strengths", report.strengths, "strengths", short=True))
        out.append(_finding_list("Areas requiring improvement", report.areas, "areas", short=True))
        out.append("</div>")
        if report.recurring:
            out.append("<h3>Recurring deficits</h3><ul>")
            out += [
                f"<li>{_e(lower_first(r.label))} (<code>{_e(r.id)}</code>): {r.count}, under "
                + ", ".join(f"<code>{_e(cid)}</code>" for cid in r.criteria)
                + "</li>"
                for r in report.recurring
            ]
            out.append("</ul>")
        out.append("</section>")
    out.append(_legend(report))
    for s in report.sections:
        out.append(f'<section class="section" id="s-{_e(s.id)}">')
        out.append(f"<h2>{_e(s.title)} {_band_badge(s, bands)}</h2>")
        out.append(f'<p class="summary">{_e(s.summary)}</p>')
        out.append(_criteria_table(s, bands, thresholds))
        if s.strengths or s.areas:
            out.append('<div class="findings">')
            if s.strengths:
                out.append(_finding_list("Key strengths", s.strengths, "strengths"))
            if s.areas:
                out.append(_finding_list("Areas requiring improvement", s.areas, "areas"))
            out.append("</div>")
        out += [_criterion_article(c) for c in s.criteria if _has_details(c)]
        out.append("</section>")
    agreement = agreement_lines(report)
    if agreement:
        out.append('<section class="agreement"><h2>Agreement in joint reviews</h2>')
        out.append(f"<p>{_e(agreement[0])} The criteria, the lowest agreement first:</p><ul>")
        out += [f"<li>{_e(line)}</li>" for line in agreement[1:]]
        out.append("</ul></section>")
    countersigning = countersign_lines(report)
    if countersigning:
        out.append(
            '<section class="countersigning"><h2>Management oversight: countersigning</h2><ul>'
        )
        out += [f"<li>{_e(line)}</li>" for line in countersigning]
        out.append("</ul></section>")
    out.append('<footer class="notes"><h2>Notes</h2><ul>')
    out += [f"<li>{_e(n)}</li>" for n in report.notes]
    out += [f"<li>Not read: {_e(p)}</li>" for p in report.problems]
    out.append("</ul></footer></body></html>")
    return "\n".join(out) + "\n"
