"""Reading an answer to a case fact: yes/no, a choice, several choices, a date or text.

Each reader returns ``(value, None)`` when it understood the answer, or ``(None, message)``
saying what it expected.  ``""`` is an answer for date and text facts ("none", "not yet"),
``[]`` for multi-choice facts ("none").

Pure: the answer's day comes in as ``today`` (relative dates such as "yesterday" are relative
to it); nothing here reads the clock.  The words (none-answers, month and day names) are in the
interpreter's lexicon, read at the first answer that needs them; options are matched by their
ids, labels and words from the framework.  Dates the cheap rules below cannot read go to
dateparser, imported only then (its import is slow).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from prompts.model import Fact, Option

if TYPE_CHECKING:
    from assistant.engine.lexicon import Lexicon

EARLIEST_YEAR = 1990  # no date in a youth justice case file is older
FUTURE_GRACE = timedelta(days=31)  # a fact's date may sit this far after the answer's day
DATE_EXAMPLES = "a date such as 2026-03-03, 3/3/2026 (day first), 3 March 2026 or 'two weeks ago'"
_SPLIT = re.compile(r"\s*(?:,|;|\band\b|&|\+|/)\s*|\s+(?=\d)")
_WORD = re.compile(r"[a-z0-9]+")
_WORD_OR_MARK = re.compile(r"[a-z0-9]+|[,.;:!?()]")
_ORDINAL = r"(\d{1,2})(?:st|nd|rd|th)?"


def _lexicon() -> Lexicon:
    from assistant.engine.lexicon import lexicon  # read with the first answer that needs it

    return lexicon()


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().lower().strip(".!"))


def _is_none(t: str) -> bool:
    return t in _lexicon().none_answers


# --- dates -------------------------------------------------------------------------------------


def _cheap_date(t: str, months: dict[str, int]) -> tuple[int, int, int] | None:
    """(year, month, day) from ISO, numeric day-first and "3rd of March 2026" forms; else None.

    The year may be two digits; the month of a numeric date comes second (UK order).
    """
    if match := re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", t):
        y, m, d = (int(g) for g in match.groups())
        return y, m, d
    if match := re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})", t):
        d, m, y = (int(g) for g in match.groups())
        return y, m, d
    t = re.sub(r"^the ", "", t)
    if match := re.fullmatch(rf"{_ORDINAL}(?: of)? ([a-z]+)\.?,? (\d{{2}}|\d{{4}})", t):
        month = months.get(match.group(2))
        if month is not None:
            return int(match.group(3)), month, int(match.group(1))
    if match := re.fullmatch(rf"([a-z]+)\.? (?:the )?{_ORDINAL},? (\d{{2}}|\d{{4}})", t):
        month = months.get(match.group(1))
        if month is not None:
            return int(match.group(3)), month, int(match.group(2))
    return None


def _full_year(year: int, today: date | None) -> int:
    """A two-digit year in the past century: "26" is 2026, "99" 1999 (when 2099 is ahead)."""
    if year >= 100:
        return year
    if today is not None and 2000 + year > today.year + 1:
        return 1900 + year
    return 2000 + year


def _weekday(t: str, lex: Lexicon, today: date) -> date | None:
    """ "last Tuesday", "on Tuesday": the latest such day before ``today``."""
    match = lex.weekday_re.match(t)
    if match is None:
        return None
    back = (today.weekday() - lex.weekdays[match.group("day")]) % 7 or 7
    return today - timedelta(days=back)


def _parse_words(t: str, today: date) -> date | None:
    """Dates in words ("the 3rd of March", "two weeks ago"), through dateparser."""
    import dateparser  # slow to import: only for an answer the cheap rules could not read

    spelled = _lexicon().abbreviations
    t = " ".join(spelled.get(w, w) for w in t.split())
    try:
        found = dateparser.parse(
            t,
            languages=["en"],
            settings={
                "DATE_ORDER": "DMY",
                "PREFER_DATES_FROM": "past",
                "RELATIVE_BASE": datetime(today.year, today.month, today.day, 12),
                "REQUIRE_PARTS": ["day"],
                "RETURN_AS_TIMEZONE_AWARE": False,
            },
        )
    except (ValueError, OverflowError, TypeError, LookupError):  # odd text it chokes on
        return None
    return found.date() if found is not None else None


def _checked(day: date, today: date | None, said: str) -> tuple[str | None, str | None]:
    if day.year < EARLIEST_YEAR:
        return None, f"{day.isoformat()} is before {EARLIEST_YEAR}: please check the year."
    if today is not None and day > today + FUTURE_GRACE:
        return None, (
            f"{said!r} reads as {day.isoformat()}, which is in the future (the answer is "
            f"dated {today.isoformat()}): this asks when something happened."
        )
    return day.isoformat(), None


def read_date(text: str, today: date | None = None) -> tuple[str | None, str | None]:
    """A date as YYYY-MM-DD, "" for none, or a message.

    ``today`` is the day of the answer: "yesterday", "two weeks ago" and "last Tuesday" count
    back from it, and dates far after it are refused.  Without it, only dates written out in
    full are read.
    """
    lex = _lexicon()
    t = _norm(text)
    if _is_none(t):
        return "", None
    said = text.strip()[:60]
    t = lex.date_after_re.sub("", lex.date_before_re.sub("", t)).strip(" ,.")
    if not t:
        return None, f"I need {DATE_EXAMPLES}, or 'none'."
    cheap = _cheap_date(t, lex.months)
    if cheap is not None:
        year, month, day = cheap
        try:
            return _checked(date(_full_year(year, today), month, day), today, said)
        except ValueError:
            return None, f"{said!r} is not a date in the calendar. I need {DATE_EXAMPLES}."
    if lex.vague_date_re.search(t):
        return None, f"Which day? {said!r} names a span of time. I need {DATE_EXAMPLES}."
    if today is None or not _WORD.search(t):
        return None, f"I need {DATE_EXAMPLES}, or 'none'."
    found = _weekday(t, lex, today)
    if found is None and len(t) <= 60:
        found = _parse_words(t, today)
    if found is None:
        return None, f"I could not read {said!r} as a date. I need {DATE_EXAMPLES}, or 'none'."
    return _checked(found, today, said)


# --- choices -----------------------------------------------------------------------------------


def _option_names(option: Option) -> set[str]:
    names = {option.id.replace("_", " "), _norm(option.label).replace("-", " ")}
    names.update(_norm(w).replace("-", " ") for w in option.words)
    return {n for n in names if n}


def _match_option(options: tuple[Option, ...], text: str) -> Option | None:
    """The option the whole answer names: its number, id, label or one of its words."""
    t = _norm(text).replace("-", " ")
    if t.isdecimal() and 1 <= int(t) <= len(options):
        return options[int(t) - 1]
    for option in options:
        if t in _option_names(option):
            return option
    return None


def _mentions(options: tuple[Option, ...], text: str) -> list[Option]:
    """Options named anywhere in a sentence, longest name first ("very high" is not "high"),
    leaving out one that is denied ("not high")."""
    from assistant.engine.lexicon import stem

    negators = _lexicon().negators
    words = [stem(w) for w in _WORD_OR_MARK.findall(_norm(text).replace("-", " "))]
    names = sorted(
        (
            (tuple(stem(w) for w in _WORD.findall(name)), option)
            for option in options
            for name in _option_names(option)
        ),
        key=lambda pair: -len(pair[0]),
    )
    taken = [False] * len(words)
    found: list[Option] = []
    for name, option in names:
        size = len(name)
        if not size:
            continue
        for start in range(len(words) - size + 1):
            end = start + size
            if tuple(words[start:end]) != name or any(taken[start:end]):
                continue
            taken[start:end] = [True] * size
            if start and words[start - 1] in negators:
                continue
            if option not in found:
                found.append(option)
    return found


def _pick_message(fact: Fact) -> str:
    labels = ", ".join(f"{i}) {o.label}" for i, o in enumerate(fact.options, 1))
    return f"Please pick one of: {labels}."


def read_choice(fact: Fact, text: str) -> tuple[str | None, str | None]:
    """One option: its number, or a sentence naming exactly one ("it said medium I think")."""
    option = _match_option(fact.options, text)
    if option is not None:
        return option.id, None
    named = _mentions(fact.options, text)
    if len(named) == 1:
        return named[0].id, None
    if len(named) > 1:
        both = " or ".join(o.label for o in named)
        return None, f"That names {both}: which one? {_pick_message(fact)}"
    return None, _pick_message(fact)


def read_multichoice(fact: Fact, text: str) -> tuple[list[str] | None, str | None]:
    """Every option named: numbers ("1 3"), names ("drugs and education") or phrases naming
    them ("mainly drugs, plus school").  A part of the list that names no option is not
    dropped silently: the answer is asked again."""
    t = _norm(text)
    if _is_none(t):
        return [], None
    whole = _match_option(fact.options, t)
    chosen: set[str] = {whole.id} if whole else set()
    unknown: list[str] = []
    for part in [] if whole else [p for p in _SPLIT.split(t) if p]:
        option = _match_option(fact.options, part)
        named = [option] if option else _mentions(fact.options, part)
        if named:
            chosen.update(o.id for o in named)
        else:
            unknown.append(part)
    if unknown or not chosen:
        which = f"I did not recognise {', '.join(repr(u) for u in unknown)}. " if unknown else ""
        return None, (
            f"{which}Please give the numbers or names of every option that applies, separated "
            "by spaces or commas (e.g. 1 3 4), or 'none'."
        )
    return [o.id for o in fact.options if o.id in chosen], None


# --- any fact ----------------------------------------------------------------------------------


def read_fact(
    fact: Fact, text: str, today: date | None = None
) -> tuple[bool | str | list[str] | None, str | None]:
    """Read one answer to ``fact``; (value, None) or (None, what was expected).

    ``today``: the day the answer was given, for dates in words ("yesterday").
    """
    if fact.type == "yesno":
        from assistant.engine.interpret import read_yes_no  # imported when first needed

        value = read_yes_no(text, f"{fact.id.replace('_', ' ')} {fact.question} {fact.help}")
        if value is None:
            return None, "Please answer yes or no (or skip)."
        return value, None
    if fact.type == "choice":
        return read_choice(fact, text)
    if fact.type == "multichoice":
        return read_multichoice(fact, text)
    if fact.type == "date":
        return read_date(text, today)
    t = text.strip()
    return ("" if _is_none(_norm(t)) else t[:2000]), None


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
        values = value if isinstance(value, (list, tuple)) else [str(value)]
        labels = [option.label if (option := fact.option(v)) else v for v in values]
        return ", ".join(labels)
    return str(value) if value != "" else "None"
