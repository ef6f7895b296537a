"""What the assistant says: events, questions, flags and summaries as styled lines of text.

One presenter serves every front end.  It turns what the session returns into ``Said``: a kind
of message (a question, a flag, a notice, ...) and lines of ``(text, style)`` parts, where the
style is a Rich style string.  The app assembles each message into a ``rich.text.Text`` (so
nothing a user typed is ever read as markup); plain mode joins the texts and drops the styles.
User text is made printable here (control characters and escape sequences shown, never sent).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from assistant.engine.events import (
    Countersigned,
    CriteriaRestored,
    CriteriaSetAside,
    EarlierFlags,
    Event,
    Explanation,
    Finished,
    FlagRaised,
    FlagStateChanged,
    FlagWithdrawn,
    LearningFeedback,
    LearningScore,
    Notice,
    Question,
    ReauditOutcome,
    Recorded,
    ReviewComplete,
    SectionComplete,
    Unlocked,
)
from assistant.text import printable

if TYPE_CHECKING:
    from assistant.engine.flags import Flag
    from assistant.session import Session
    from prompts.model import Criterion, Framework
    from prompts.practice import PracticeCase

Kind = Literal[
    "info", "notice", "clarify", "question", "flag", "withdrawn", "explanation", "feedback", "score"
]
Part = tuple[str, str]  # (text, Rich style; "" for none)
Line = tuple[Part, ...]

BOLD, DIM, URGENT = "bold", "dim", "bold reverse"
RETURNING = "skipped earlier, asked again"
URGENT_MARK = "!! URGENT"


@dataclass(frozen=True)
class Said:
    """One message of the assistant's."""

    kind: Kind
    lines: tuple[Line, ...]
    flag: Flag | None = None  # the flag a "flag" or "withdrawn" message shows

    def plain_lines(self) -> list[str]:
        return ["".join(text for text, _ in line) for line in self.lines]


def text_line(*parts: Part | str) -> Line:
    return tuple((p, "") if isinstance(p, str) else p for p in parts)


def said(kind: Kind, *lines: str) -> Said:
    """A message of plain lines (user text in them is made printable)."""
    return Said(kind, tuple(text_line(printable(line)) for line in lines))


def one_line(text: str) -> str:
    return printable(text, single_line=True)


# --- flags ----------------------------------------------------------------------------------


def flag_heading(flag: Flag, *, state: bool = False) -> Line:
    """``FLAG !! URGENT cy.plan: title: reasons`` (SPEC §4), as every front end starts a flag."""
    parts: list[Part] = [("FLAG", BOLD)]
    if state and not flag.open:
        parts.append((" (done)", ""))
    if flag.urgent:
        parts += [(" ", ""), (URGENT_MARK, URGENT)]
    parts += [(f" {flag.criterion}", BOLD), (f": {flag.title}", "")]
    reasons = "; ".join(flag.reason_labels)
    if reasons:
        parts.append((f": {reasons}", ""))
    return tuple(parts)


def flag_lines(flag: Flag, *, state: bool = False) -> tuple[Line, ...]:
    lines: list[Line] = [flag_heading(flag, state=state)]
    if flag.detail:
        label = "Found: " if flag.source == "check" else "Note: "
        lines.append(((label, BOLD), (one_line(flag.detail), "")))
    lines.append((("Why it matters: ", BOLD), (flag.why, "")))
    lines.append((("Action: ", BOLD), (flag.action, "")))
    return tuple(lines)


def present_flag(flag: Flag, *, state: bool = False) -> Said:
    return Said("flag", flag_lines(flag, state=state), flag)


# --- events ---------------------------------------------------------------------------------


def present_event(event: Event) -> Said | None:
    """The message for one event; None for events that show nothing (a note as typed)."""
    if isinstance(event, Recorded):
        return None if event.step == "note" else said("info", f"Recorded: {event.shown}")
    if isinstance(event, FlagRaised):
        return present_flag(event.flag)
    if isinstance(event, FlagWithdrawn):
        flag = event.flag
        line = text_line(("Flag withdrawn ", BOLD), f"{flag.criterion}: {flag.title}")
        return Said("withdrawn", (line,), flag)
    if isinstance(event, FlagStateChanged):
        flag = event.flag
        which = "" if flag.id == flag.criterion else f" {flag.id}"
        return said("info", f"Flag{which} on {flag.criterion} is now {flag.state}.")
    if isinstance(event, CriteriaSetAside):
        ids = ", ".join(event.ids)
        return said("info", f"No longer applies to this case (answers kept): {ids}")
    if isinstance(event, CriteriaRestored):
        return said("info", "Applies again, with the earlier answers: " + ", ".join(event.ids))
    if isinstance(event, SectionComplete):
        return said("info", f"Section complete: {event.title}")
    if isinstance(event, ReviewComplete):
        complete = [
            f"Review complete: {event.open_flags} open flag(s), {event.urgent_flags} urgent. "
            "Any answer can still be changed (jump ID, or edit from the summary)."
        ]
        if event.checks_not_run:
            complete.append(_checks_not_run_line(event.checks_not_run))
        return said("question", *complete)
    if isinstance(event, Finished):
        return present_finished(event)
    if isinstance(event, Notice):
        return said("clarify" if event.kind == "clarify" else "notice", event.text)
    if isinstance(event, Explanation):
        lines: list[Line] = [text_line((f"Why it matters ({event.title}): ", BOLD), event.why)]
        if event.good:
            lines.append(text_line(("What good looks like: ", BOLD), event.good))
        return Said("explanation", tuple(lines))
    if isinstance(event, Countersigned):
        return present_countersigned(event)
    if isinstance(event, Unlocked):
        return said(
            "info",
            f"Unlocked by {one_line(event.by)}: {one_line(event.why)}. The review can be changed "
            "again; the unlock is kept in the review and its audit trail.",
        )
    if isinstance(event, EarlierFlags):
        return present_earlier_flags(event)
    if isinstance(event, ReauditOutcome):
        return present_reaudit(event)
    if isinstance(event, LearningFeedback):
        return present_feedback(event)
    if isinstance(event, LearningScore):
        return present_score(event)
    return None


# --- oversight -------------------------------------------------------------------------------


def delay_words(delay: float | None, limit: int | None) -> str:
    """``2.5 days after completion (within the local limit of 10 days)``."""
    if delay is None:
        return "completion time unknown"
    text = f"{delay:g} day{'' if delay == 1 else 's'} after completion"
    if limit is not None:
        within = "within" if delay <= limit else "LATER than"
        text += f" ({within} the local limit of {limit} days)"
    return text


def present_countersigned(event: Countersigned) -> Said:
    lines = [
        f"Countersigned by {one_line(event.by)} at {event.at}, "
        f"{delay_words(event.delay_days, event.limit_days)}. The review is now locked.",
    ]
    if event.comment:
        lines.append(f"Comment: {one_line(event.comment)}")
    return said("question", *lines)


def _flag_brief(flag: Flag) -> str:
    urgent = f" {URGENT_MARK}" if flag.urgent else ""
    reasons = "; ".join(flag.reason_labels)
    return f"{flag.criterion}{urgent}: {flag.title}" + (f": {reasons}" if reasons else "")


def present_earlier_flags(event: EarlierFlags) -> Said:
    """A re-audit starts with the earlier review's flags."""
    if not event.flags:
        return said("info", f"Re-audit: the earlier review ({event.when}) raised no flags.")
    lines = [
        f"Re-audit: the earlier review of this case ({event.when}) raised "
        f"{len(event.flags)} flag(s); at the end you will see which are resolved and which recur:"
    ]
    for flag in event.flags:
        state = "" if flag.open else " (action done)"
        lines.append(f"  - {one_line(_flag_brief(flag))}{state}")
    return said("notice", *lines)


def reaudit_lines(event: ReauditOutcome) -> list[str]:
    """The comparison of a complete re-audit with the earlier review, in words."""
    counts = (
        f"{len(event.resolved)} resolved, {len(event.recurring)} recur"
        + (f", {len(event.not_applicable)} no longer apply" if event.not_applicable else "")
        + f", {len(event.new)} new"
    )
    lines = [f"Re-audit against the earlier review: {counts}."]
    for label, flags in (
        ("Resolved", event.resolved),
        ("Recurs", event.recurring),
        ("No longer applies", event.not_applicable),
        ("New", event.new),
    ):
        lines += [f"  {label}: {one_line(_flag_brief(f))}" for f in flags]
    return lines


def present_reaudit(event: ReauditOutcome) -> Said:
    return said("question", *reaudit_lines(event))


def oversight_lines(session: Session) -> list[str]:
    """Participants, the countersignature and unlocks, the escalation log and a re-audit's
    comparison: the summary's remarks about oversight."""
    from assistant.engine.escalation import escalation_line
    from assistant.engine.oversight import countersign_limit, delay_days

    review = session.review
    lines: list[str] = []
    if review.participants:
        people = ", ".join(
            f"{one_line(p.name)} ({p.role.replace('_', ' ')})" for p in review.participants
        )
        lines.append(f"Participants: {people}.")
    sig = review.countersignature
    if sig is not None:
        delay = delay_words(delay_days(sig.completed_at, sig.at), countersign_limit(session.engine))
        line = f"Countersigned by {one_line(sig.by)} on {sig.at:%Y-%m-%d}, {delay}; locked."
        if sig.comment:
            line += f" Comment: {one_line(sig.comment)}"
        lines.append(line)
    elif review.status == "complete":
        lines.append("Not countersigned yet.")
    for unlock in review.unlocks:
        lines.append(
            f"Unlocked by {one_line(unlock.by)} on {unlock.at:%Y-%m-%d}: {one_line(unlock.why)}"
        )
    if review.escalations:
        lines.append(f"Escalations ({len(review.escalations)}):")
        lines += [f"  {one_line(escalation_line(e))}" for e in review.escalations]
    outcome = session.reaudit_outcome()
    if outcome is not None:
        lines += reaudit_lines(outcome)
    elif review.earlier_review:
        lines.append(f"A re-audit of review {one_line(review.earlier_review)}.")
    return lines


# --- learning mode ---------------------------------------------------------------------------

AGREES, DIFFERS = "AGREES", "DIFFERS"
OVERALL = "Overall:"


def present_feedback(event: LearningFeedback) -> Said:
    """``AGREES rr.plan: title`` (or ``DIFFERS``), then the verdict, the rationale, the extracts
    it cites and what good looks like."""
    mark = (AGREES, BOLD) if event.matched else (DIFFERS, URGENT)
    lines: list[Line] = [text_line(mark, (f" {event.criterion}", BOLD), f": {event.title}")]
    lines += [text_line(line) for line in event.verdict]
    if event.rationale:
        lines.append(text_line(("Why: ", BOLD), event.rationale))
    if event.cites:
        sources = "; ".join(
            f"{ident} ({heading})" if heading else ident
            for ident, heading in zip(event.cites, event.cited, strict=False)
        )
        lines.append(text_line(("See in the case file: ", BOLD), sources))
    if event.good:
        lines.append(text_line(("What good looks like: ", BOLD), event.good))
    return Said("feedback", tuple(lines))


def present_score(event: LearningScore) -> Said:
    """The end of a played case in words: the last line is ``Overall: N of M agreed``."""
    lines: list[Line] = []
    for line in event.lines:
        if line.startswith(OVERALL) or (line.endswith(":") and not line.startswith(" ")):
            lines.append(text_line((line, BOLD)))
        else:
            lines.append(text_line(line))
    return Said("score", tuple(lines))


def present_case_file(case: PracticeCase, extract_id: str = "") -> list[Said]:
    """The case file of a practice case, one message per extract (or the one asked for)."""
    extracts = list(case.extracts)
    if extract_id:
        extracts = [e for e in extracts if e.id == extract_id.strip()]
        if not extracts:
            known = ", ".join(e.id for e in case.extracts)
            return [said("notice", f"The case file has no extract {extract_id!r}: {known}.")]
    out = []
    for extract in extracts:
        lines = [text_line(("CASE FILE ", BOLD), (f"{extract.id}: {extract.heading}", BOLD))]
        lines += [text_line(paragraph) for paragraph in extract.text.split("\n\n")]
        out.append(Said("info", tuple(lines)))
    return out


def _gate(framework: Framework, crit: Criterion) -> str:
    """A criterion's gate in words: the condition, and the question of each fact it tests."""
    from prompts.conditions import parse, references

    condition = crit.applies_when or ""
    facts = dict.fromkeys(ref.fact for ref in references(parse(condition)))
    asked = [f.question for f in map(framework.fact, facts) if f is not None]
    return condition + (f" ({' '.join(asked)})" if asked else "")


def present_walkthrough(framework: Framework) -> list[Said]:
    """Every criterion in framework order: its question, why it matters and what good looks
    like (``case-review learn walkthrough`` and the app's walkthrough)."""
    out = [
        said(
            "info",
            f"Walkthrough of {framework.title} ({framework.id}): every criterion in the order "
            "a review asks them.",
        )
    ]
    for section in framework.sections:
        criteria = [c for c in framework.criteria if c.section == section.id]
        if not criteria:
            continue
        out.append(Said("question", (text_line((f"Section: {section.title}", BOLD)),)))
        for crit in criteria:
            lines: list[Line] = [text_line((f"{crit.id}: {crit.title}", BOLD))]
            lines.append(text_line(("Question: ", BOLD), crit.question))
            if crit.applies_when:
                lines.append(text_line(("Only in cases where: ", BOLD), _gate(framework, crit)))
            lines.append(text_line(("Why it matters: ", BOLD), crit.learning.why))
            lines.append(text_line(("What good looks like: ", BOLD), crit.learning.good))
            out.append(Said("explanation", tuple(lines)))
    return out


def present_events(events: tuple[Event, ...] | list[Event]) -> Iterator[Said]:
    for event in events:
        message = present_event(event)
        if message is not None:
            yield message


def _checks_not_run_line(titles: tuple[str, ...]) -> str:
    return "Checks that could not run for want of a fact: " + "; ".join(titles) + "."


def present_finished(event: Finished) -> Said:
    if event.complete:
        lines = ["The review is complete: nothing is left to answer."]
        if event.optional_open:
            lines.append(
                "Optional facts left unknown (jump ID to answer one): "
                + ", ".join(event.optional_open)
            )
        if event.checks_not_run:
            lines.append(_checks_not_run_line(event.checks_not_run))
        return said("question", *lines)
    lines = ["Still open before the review is complete:"]
    if event.pending:
        lines.append(f"  the follow-up questions of {event.pending} (answer or skip them)")
    if event.waiting_on:
        lines.append("  facts that decide which criteria apply: " + ", ".join(event.waiting_on))
    if event.open_criteria:
        lines.append("  criteria not judged yet: " + ", ".join(event.open_criteria))
    lines.append("Type jump ID to answer one, or quit to carry on later (everything is saved).")
    return said("notice", *lines)


# --- questions and summaries ----------------------------------------------------------------


def question_place(question: Question, section_title: str = "") -> str:
    """``Q3 of 27 · Reducing reoffending``: where the question is in the review."""
    where = [f"Q{question.number} of {question.total}"] if question.number else []
    title = section_title or question.title
    if question.returning:
        where.append(RETURNING)
    return " · ".join([*where, title] if title else where)


def choices_line(question: Question) -> str:
    return "  ".join(f"{c.key}) {c.label}" for c in question.choices)


@dataclass(frozen=True)
class SummaryLine:
    item: str
    text: str
    answer: str  # the answer with its reasons and marks, in words
    note: str
    flagged: bool


def summary_lines(session: Session) -> tuple[str, list[SummaryLine], list[str]]:
    """The summary of a review: a heading, one line per item, and closing remarks (checks
    that could not run).  Flags are listed apart (``present_flag``)."""
    review = session.review
    heading = (
        f"Summary of {one_line(review.case_ref)} ({review.mode} review, "
        f"{review.status.replace('_', ' ')}"
        + (f", team {one_line(review.team)}" if review.team else "")
        + ")"
    )
    out: list[SummaryLine] = []
    for row in session.summary_rows():
        answer = row.answer + (f": {row.reasons}" if row.reasons else "")
        if row.state != "answered":
            answer += f" ({row.state.replace('_', ' ')})"
        answer += "".join(f" ({mark})" for mark in row.marks)
        out.append(SummaryLine(row.item, row.text, answer, row.note, row.flagged))
    remarks = []
    not_run = session.checks_not_run()
    if not_run:
        remarks.append(_checks_not_run_line(tuple(title for title, _ in not_run)))
    if review.mode != "learning":
        remarks += oversight_lines(session)
    return heading, out, remarks
