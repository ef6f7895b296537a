"""Reading an answer to a case fact: yes/no, a choice, several choices, a date or text.

Each reader returns ``(value, None)`` when it understood the answer, or ``(None, message)``
saying what it expected.  ``""`` is an answer for date and text facts ("none", "not yet"),
``[]`` for multi-choice facts ("none").
"""

from __future__ import annotations

import re
from datetime import date

from prompts.model import Fact, Option

NONE_WORDS = {
    "none",
    "no",
    "nothing",
    "never",
    "not yet",
    "n/a",
    "na",
    "not applicable",
    "none of them",
    "no date",
    "not done",
    "-",
}
MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for m in names
}
_SPLIT = re.compile(r"\s*(?:,|;|\band\b|&|\+|/)\s*|\s+(?=\d)")


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().lower().strip(".!"))


def read_date(text: str) -> tuple[str | None, str | None]:
    t = _norm(text)
    if t in NONE_WORDS:
        return "", None
    y = m = d = None
    if match := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", t):
        y, m, d = (int(g) for g in match.groups())
    elif match := re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})", t):
        d, m, y = (int(g) for g in match.groups())
    elif match := re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)? ([a-z]+),? (\d{2}|\d{4})", t):
        d, y = int(match.group(1)), int(match.group(3))
        m = MONTHS.get(match.group(2))
    elif match := re.fullmatch(r"([a-z]+) (\d{1,2})(?:st|nd|rd|th)?,? (\d{2}|\d{4})", t):
        d, y = int(match.group(2)), int(match.group(3))
        m = MONTHS.get(match.group(1))
    if y is not None and y < 100:
        y += 2000
    try:
        if y is None or m is None or d is None or not 1990 <= y <= 2100:
            raise ValueError
        return date(y, m, d).isoformat(), None
    except ValueError:
        return None, "I need a date such as 2014-09-03 or 3/9/2014 (day first), or 'none'."


def _match_option(options: tuple[Option, ...], text: str) -> Option | None:
    t = _norm(text).replace("-", " ")
    if t.isdigit() and 1 <= int(t) <= len(options):
        return options[int(t) - 1]
    for option in options:
        names = {option.id.replace("_", " "), _norm(option.label).replace("-", " ")}
        names.update(_norm(w) for w in option.words)
        if t in names:
            return option
    return None


def read_choice(fact: Fact, text: str) -> tuple[str | None, str | None]:
    option = _match_option(fact.options, text)
    if option is None:
        labels = ", ".join(f"{i}) {o.label}" for i, o in enumerate(fact.options, 1))
        return None, f"Please pick one of: {labels}."
    return option.id, None


def read_multichoice(fact: Fact, text: str) -> tuple[list[str] | None, str | None]:
    t = _norm(text)
    if t in NONE_WORDS:
        return [], None
    whole = _match_option(fact.options, t)
    parts = [whole] if whole else [_match_option(fact.options, p) for p in _SPLIT.split(t) if p]
    if not parts or any(p is None for p in parts):
        return None, (
            "Please give the numbers or names of every option that applies, separated by "
            "spaces or commas (e.g. 1 3 4), or 'none'."
        )
    chosen = {p.id for p in parts if p}
    return [o.id for o in fact.options if o.id in chosen], None


def read_fact(fact: Fact, text: str) -> tuple[bool | str | list[str] | None, str | None]:
    """Read one answer to ``fact``; (value, None) or (None, what was expected)."""
    if fact.type == "yesno":
        from assistant.engine.interpret import read_yes_no  # imported when first needed

        value = read_yes_no(text)
        if value is None:
            return None, "Please answer yes or no (or skip)."
        return value, None
    if fact.type == "choice":
        return read_choice(fact, text)
    if fact.type == "multichoice":
        return read_multichoice(fact, text)
    if fact.type == "date":
        return read_date(text)
    t = text.strip()
    return ("" if _norm(t) in NONE_WORDS else t[:2000]), None


def show_fact(fact: Fact, value: object) -> str:
    """A fact's value in words, for transcripts and summaries."""
    if value is None:
        return "not answered"
    if fact.type == "yesno":
        return "Yes" if value else "No"
    if fact.type == "choice":
        option = fact.option(str(value))
        return option.label if option else str(value)
    if fact.type == "multichoice":
        if not value:
            return "None"
        labels = [(fact.option(v).label if fact.option(v) else v) for v in value]  # type: ignore[union-attr]
        return ", ".join(labels)
    return str(value) if value != "" else "None"
