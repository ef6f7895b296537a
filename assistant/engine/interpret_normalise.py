"""From typed text to the tokens the interpreter matches: the first step of reading an answer.

Owns: stripping terminal escapes, Rich markup and control characters; lower-casing; spelling
out contractions, abbreviations and "n/a"; the lexicon's rewrites of generic turns of phrase
(delays, counterfactuals, "no evidence that"); and the token list: negators unified, filler
dropped, words stemmed, numbers merged, clause and list boundaries marked.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import lru_cache

from assistant.engine.lexicon import NOT, NUM, lexicon, stem_with

MAX_CHARS = 20_000  # only the first this-many characters are analysed (the note keeps all)
BOUNDARY = "|"  # between clauses: full stops, semicolons, "but"
SOFT = ","  # between items of a list: a negative may carry over it ("no X, Y or Z")
BREAKS = frozenset((BOUNDARY, SOFT))
LATE = "late"  # what a time stated in figures is read as when it is too long (``timing``)
IN_TIME = "in time"

_ANSI_RE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b.")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_MARKUP_RE = re.compile(
    r"\[/[a-z0-9 _#.,=:()-]{0,40}\]|"
    r"\[(?:bold|italic|underline|dim|blink|reverse|strike|link|red|green|blue|yellow|magenta|"
    r"cyan|white|black|grey|gray|b|i|u|s|on|not bold|#[0-9a-f]{3,6}|color\(\d+\))"
    r"(?: [a-z0-9_#.,=:()-]{1,20}){0,4}\]"
)
_QUOTES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'", "“": '"', "”": '"'})
_NA_SLASH_RE = re.compile(r"\bn\s*/\s*a\b|\bn\.a\.?(?=\s|$)")
_NT_RE = re.compile(r"\b(can|won|shan|ain)'t\b|n't\b")
_APOS_RE = re.compile(r"'(s|re|ve|d|ll|m)\b")
_NO_ONE_RE = re.compile(r"\bno[\s-]one\b")
_NO_HYPHEN_RE = re.compile(r"\bno-(?=[a-z])")
_WORD_SLASH_RE = re.compile(
    r"(?<=[a-z]{2}) ?/ ?(?=[a-z]{2})"
)  # "a no-contact condition" names a thing
_TOKEN_RE = re.compile(r"[a-z0-9]+|[.,;:!?()\[\]{}\"/|+&]| - | -- |[—–]")
WORD_RE = re.compile(r"[a-z0-9]+")
_DIGIT_RE = re.compile(r"\d")
_SOFT_MARKS = frozenset((",", "(", ")"))  # an aside in brackets stays in its clause


def normalise(text: str) -> str:
    """Lower-case, plain-ASCII-ish text with contractions and n/a spelled out, and the
    lexicon's turns of phrase rewritten."""
    return rewrite(spell_out(text))


def rewrite(text: str) -> str:
    """The lexicon's rewrites, in order (each only where one of its ``needs`` appears)."""
    for pattern, replacement, needs in lexicon().rewrites:
        if not needs or any(n in text for n in needs):
            text = pattern.sub(replacement, text)
    return text


def spell_out(text: str) -> str:
    """Lower-case, plain-ASCII-ish text with contractions, shorthand and n/a spelled out."""
    lex = lexicon()
    text = text[:MAX_CHARS]
    text = _ANSI_RE.sub(" ", text)
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    text = _CONTROL_RE.sub(" ", text)
    text = text.lower()
    text = _MARKUP_RE.sub(" ", text)
    text = _NA_SLASH_RE.sub(" notapplicable ", text)
    text = _NO_ONE_RE.sub("nobody", text)
    text = _NO_HYPHEN_RE.sub("no", text)
    text = _WORD_SLASH_RE.sub(" or ", text)  # "safeguarding/vulnerability": one or the other

    def _nt(match: re.Match[str]) -> str:
        whole = match.group(1)
        return " not" if whole is None else lex.contractions_nt[whole]

    text = _NT_RE.sub(_nt, text)
    text = _APOS_RE.sub(lambda m: lex.apostrophe_endings[m.group(1)], text)
    text = text.replace("'", " ")
    out = []
    for token in _TOKEN_RE.findall(text):
        token = token.strip()
        if token in lex.contractions:
            out.append(lex.contractions[token])
        elif token in lex.abbreviations:
            out.append(lex.abbreviations[token])
        elif token in ("&", "+"):
            out.append("and")
        elif token in ("-", "--", "—", "–"):
            out.append(",")
        elif token.startswith("un") and len(token) > 5 and _undone(token):
            out.append("not " + token[2:])  # "unreviewed", "unaddressed": not reviewed
        else:
            out.append(token)
    return " ".join(out)


def _undone(word: str) -> bool:
    """Whether ``word`` is "un" and a word that praises the work ("unreviewed", "unchecked"),
    and not itself a word of criticism ("unclear")."""
    lex = lexicon()
    keep = lex.stem_keep
    return (
        stem_with(keep, word) not in lex.negative_cues
        and stem_with(keep, word[2:]) in lex.positive_cues
    )


def tokens(normalised: str) -> list[str]:
    """Matching tokens: negators unified, filler dropped, stems; BOUNDARY between clauses."""
    lex = lexicon()
    keep = lex.stem_keep
    out: list[str] = []

    def cut(mark: str) -> None:
        if not out:
            return
        if out[-1] == SOFT:
            out[-1] = mark
        elif out[-1] != BOUNDARY:
            out.append(mark)

    for raw in normalised.split():
        if not raw[0].isalnum():
            if raw == "/" and out and out[-1] == NUM:
                continue  # a date in figures ("12/02") is one number, not two clauses
            cut(SOFT if raw in _SOFT_MARKS else BOUNDARY)
            continue
        if raw in lex.clause:
            cut(BOUNDARY)
            continue
        if raw in lex.negators:
            out.append(NOT)
        elif raw in lex.stopwords:
            continue
        elif raw.isdigit() or raw in lex.numbers:
            if not (out and out[-1] == NUM):
                out.append(NUM)
        else:
            out.append(stem_with(keep, raw))
    while out and out[-1] in BREAKS:
        out.pop()
    return out


@lru_cache(maxsize=16384)
def phrase_tokens(phrase: str) -> tuple[str, ...]:
    """A framework phrase, normalised exactly like an answer (cached: phrases recur)."""
    return tuple(t for t in tokens(normalise(phrase)) if t not in BREAKS)


def _days(n: str, unit: str | None, units: dict[str, int]) -> int:
    return int(n) * units.get(unit or "", 1)


def _dates(normalised: str) -> list[tuple[int, int, date | None, tuple[int, int]]]:
    """The dates an answer names, in order: (start, end, the date if it names a year, (month,
    day)); a month without a day is its 15th."""
    lex = lexicon()
    found: dict[int, tuple[int, date | None, tuple[int, int]]] = {}
    for pattern in lex.date_res:
        for match in pattern.finditer(normalised):
            if any(start <= match.start() < end for start, (end, _, _) in found.items()):
                continue
            raw = match.group("m")
            month = int(raw) if raw.isdigit() else lex.months.get(raw, 0)
            named_day = match.groupdict().get("d")
            day = int(named_day) if named_day else 15  # a month alone: its middle
            year = match.group("y")
            if not (1 <= month <= 12 and 1 <= day <= 31):
                continue
            full: date | None = None
            if year is not None:
                number = int(year) + (2000 if len(year) == 2 else 0)
                try:
                    full = date(number, month, day)
                except ValueError:
                    continue
            found[match.start()] = (match.end(), full, (month, day))
    return [(k, *found[k]) for k in sorted(found)]


def _gap(
    first: tuple[date | None, tuple[int, int]], then: tuple[date | None, tuple[int, int]]
) -> int:
    """Days from one named date to a later one (without years: the shorter way round)."""
    if first[0] is not None and then[0] is not None:
        return (then[0] - first[0]).days
    a = date(2001, *first[1]) if first[1] != (2, 29) else date(2001, 3, 1)
    b = date(2001, *then[1]) if then[1] != (2, 29) else date(2001, 3, 1)
    days = abs((b - a).days)
    return min(days, 365 - days)


def timing(normalised: str, *, dates_make_late: bool) -> str:
    """Time stated in figures, read as "late" or "in time".

    A duration measured against a stated limit ("29 days after completion, the limit is 10")
    is late when it is longer.  With ``dates_make_late`` (the criterion asks about timeliness),
    two dates further apart than the lexicon's ``late_gap_days`` ("plan dated 3 Feb, first
    review 20 June") make the later one late, unless the answer says in words that the work
    was in time ("reviewed on time on 3 Feb and again on 20 June").
    """
    lex = lexicon()
    digits = _DIGIT_RE.search(normalised) is not None
    if not (digits or dates_make_late):
        return normalised
    limit = lex.limit_re.search(normalised) if digits else None
    if limit is not None:
        durations = [
            m
            for m in lex.duration_re.finditer(normalised)
            if not limit.start() <= m.start() < limit.end()
        ]
        if durations:
            said = durations[0]
            unit = limit.group("unit") or said.group("unit")
            taken = _days(said.group("n"), said.group("unit"), lex.units)
            allowed = _days(limit.group("n"), unit, lex.units)
            verdict = f" {LATE if taken > allowed else IN_TIME} "
            return normalised[: said.end()] + verdict + normalised[said.end() :]
    if not digits and not any(p.search(normalised) for p in lex.date_res[-2:]):
        return normalised  # no figures and no month named
    first = WORD_RE.match(normalised.lstrip())
    about_child = first is not None and first.group() in lex.child_subject
    # "he moved in March and started college in September": the child's dates, not the work's
    if dates_make_late and not about_child and not lex.positive_phrases.search(normalised):
        named = _dates(normalised)
        if len(named) < 2:
            return normalised
        gap = _gap(named[0][2:], named[1][2:])
        due = lex.due_re.search(normalised[: named[0][0]].rstrip())
        if gap > lex.late_gap_days or (due is not None and gap > lex.due_grace_days):
            end = named[1][1]
            return f"{normalised[:end]} {LATE} {normalised[end:]}"
    return normalised
