"""The generic English the interpreter knows, read once from ``lexicon-en.toml``.

Owns: loading the word and phrase lists (the only I/O of the interpreter, done at the first
free-text answer, never at start-up), compiling the phrase lists into regular expressions, and
the light stemmer that makes "reviewed", "reviews" and "review" one word.  Nothing here names a
framework's criteria or reasons.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

LEXICON_FILE = Path(__file__).with_name("lexicon-en.toml")

NOT = "not"  # every negator becomes this one token
NUM = "num"  # every number becomes this one token


@dataclass(frozen=True)
class Lexicon:
    """Word lists as sets, phrase lists as compiled patterns, spelling-out tables as dicts."""

    yes: frozenset[str]
    no: frozenset[str]
    partly: frozenset[str]
    hedge: frozenset[str]
    not_applicable: frozenset[str]
    reply_filler: frozenset[str]
    yes_like: frozenset[str]
    weak_yes: frozenset[str]
    adjective_yes: frozenset[str]  # yes words that after a word praise, not reply: "plan's ok"
    weak_no: frozenset[str]
    strong_no: frozenset[str]
    fact_no_start: frozenset[str]
    negators: frozenset[str]
    stopwords: frozenset[str]
    numbers: frozenset[str]
    clause: frozenset[str]
    stem_keep: frozenset[str]
    prepositions: frozenset[str]
    # cue words, stemmed as answers are
    negative_cues: frozenset[str]
    positive_cues: frozenset[str]
    yes_stems: frozenset[str]
    concern_nouns: frozenset[str]
    remedy_verbs: frozenset[str]
    found_verbs: frozenset[str]  # what the work found in the child: "covered his asthma, ..."
    remediable: frozenset[str]  # put right by a remedy verb before them, like concern nouns
    # phrase patterns
    positive_phrases: re.Pattern[str]
    partly_re: re.Pattern[str]
    said_partly_re: re.Pattern[str]
    hedge_re: re.Pattern[str]
    hedge_whole_re: re.Pattern[str]
    hedge_weak_re: re.Pattern[str]
    child_absent_re: re.Pattern[str]  # "she has not been to school": the child, not the work
    child_opens_re: re.Pattern[str]  # "lives with his nan, ...": the child, the subject unsaid
    source_says_re: re.Pattern[str]  # "the system says", "case notes say"
    account_re: re.Pattern[str]  # "the judge said", "according to the CM"
    record_re: re.Pattern[str]  # "on the system", "the case record"
    part_about_re: re.Pattern[str]  # "a section on", "the bit about"
    part_side_res: tuple[re.Pattern[str], ...]  # "on the safeguarding side" (group "matter")
    part_named_re: re.Pattern[str]  # "the risk of harm section" (group "matter")
    correction_re: re.Pattern[str]  # "..., well, partly": a claim corrected at once
    elliptic_clause_re: re.Pattern[str]  # a whole clause: "they weren't, though"
    elliptic_filler: frozenset[str]  # a clause of these alone says nothing: "really"
    not_applicable_re: re.Pattern[str]
    strong_not_applicable_re: re.Pattern[str]
    # "never on the table", "doesn't come into it": not applicable when said of a criterion's
    # situation ("custody was never on the table")
    not_applicable_turn_re: re.Pattern[str]
    # "nothing has changed" beside "not due yet": why it does not apply, not a deficit
    not_applicable_no_event_re: re.Pattern[str]
    verdict_yes_re: re.Pattern[str]  # "so I'd say yes", "sufficient" closing an answer
    verdict_open_re: re.Pattern[str]  # "good enough.", "plan's fine." opening an answer
    softeners: frozenset[str]  # "a bit", "could", "one": a caveat said as minor
    hypothetical: frozenset[str]  # "could", "might": praise after one is not given
    quote_leads: frozenset[str]  # "just", "only": before "says" what follows is quoted
    quote_verbs: frozenset[str]  # stemmed: "says", "reads", "lists"
    condition_words: frozenset[str]  # "whether": praise in what it opens is not given
    subject_aux_re: re.Pattern[str]
    both_res: tuple[re.Pattern[str], ...]  # each its own pattern: they use back-references
    yes_clause_re: re.Pattern[str]
    no_clause_re: re.Pattern[str]
    not_a_topic: frozenset[str]  # stemmed
    child_subject: frozenset[str]
    family_subject: frozenset[str]  # "mum", "the young person": the child's life, not the work
    family_determiners: frozenset[str]  # "the", "his": before a family word ("his mum")
    child_troubles: frozenset[str]  # stems: "struggling", "anxious": the child's own troubles
    work_states: frozenset[str]  # stems: "final", "revised": a stage of the work, not its kind
    work_pronouns: frozenset[str]
    subject_ends: frozenset[str]  # auxiliaries: where an answer's subject ends
    work_nouns: frozenset[str]  # stemmed
    version_words: frozenset[str]  # stemmed: "new", "final": which version of a part
    since_words: frozenset[str]  # stemmed: "after", "since" ending a phrase
    work_start: frozenset[str]  # stemmed: the start of the work ("written", "intake")
    scope_words: frozenset[str]  # stemmed: words that narrow a whole-work deficit ("of")
    event_words: frozenset[str]  # stemmed: words that open an event ("after", "when")
    kin_pronouns: tuple[tuple[frozenset[str], frozenset[str]], ...]  # (family words, pronouns)
    redo_words: frozenset[str]  # stemmed: words for doing the work again ("updated")
    contrast_re: re.Pattern[str]
    # spelling out
    abbreviations: dict[str, str]
    contractions: dict[str, str]
    contractions_nt: dict[str, str]
    apostrophe_endings: dict[str, str]
    # (pattern, replacement, needs: strings one of which every match contains; () for any)
    rewrites: tuple[tuple[re.Pattern[str], str, tuple[str, ...]], ...]
    # case facts
    none_answers: frozenset[str]
    months: dict[str, int]  # name -> 1..12
    weekdays: dict[str, int]  # name -> 0 (Monday)..6
    weekday_re: re.Pattern[str]  # group "day": a day name, with words pointing back around it
    date_before_re: re.Pattern[str]
    date_after_re: re.Pattern[str]
    vague_date_re: re.Pattern[str]
    # time in figures
    units: dict[str, int]  # unit word -> days
    duration_re: re.Pattern[str]  # groups "n" and "unit"
    limit_re: re.Pattern[str]  # groups "n" and "unit" (optional): the time allowed
    date_res: tuple[re.Pattern[str], ...]  # groups "d", "m" (digits or a name), "y" (optional)
    late_gap_days: int
    due_re: re.Pattern[str]  # words just before a date that make it the date due ("due Mar")
    due_grace_days: int

    cue_words: frozenset[str]  # all three above
    generic: frozenset[str]  # not_a_topic, prepositions, the negator and number tokens


def words(text: str) -> frozenset[str]:
    """A word list: words separated by spaces or new lines."""
    return frozenset(text.split())


def stem_with(keep: frozenset[str], word: str) -> str:
    """A deliberately light stemmer: plurals, -ed, -ing and a final e.  A word never stems to
    a negator ("note", "notes", "noted" stay themselves, never "not")."""
    if len(word) <= 3 or not word.isalpha() or word in keep:
        return word
    original = word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            if len(word) >= 4 and word[-1] == word[-2] and word[-1] not in "lsz":
                word = word[:-1]
            break
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    return original if word in _NEGATOR_STEMS else word


_NEGATOR_STEMS = frozenset({"not", "no", "non", "nor", "never"})


def stem(word: str) -> str:
    return stem_with(lexicon().stem_keep, word)


def _any_of(phrases: list[str], *, whole: bool = False) -> re.Pattern[str]:
    body = "|".join(phrases)
    return re.compile(rf"^({body})$" if whole else rf"\b({body})\b")


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The lexicon, read and compiled on first use and kept."""
    with LEXICON_FILE.open("rb") as handle:
        data = tomllib.load(handle)
    replies, plain, cues, phrases = data["replies"], data["words"], data["cues"], data["phrases"]
    keep = words(plain["stem_keep"])

    def stems(text: str) -> frozenset[str]:
        return frozenset(stem_with(keep, w) for w in words(text))

    negative = stems(cues["negative"]) - {NOT, NUM}
    # ("noted" would stem to "not": the negator itself is never a cue word)
    positive = stems(cues["positive"]) - negative - {NOT, NUM}
    facts = data["facts"]
    months = {w: i for i, names in enumerate(facts["months"], 1) for w in names.split()}
    weekdays = {w: i for i, names in enumerate(facts["weekdays"]) for w in names.split()}
    day = "|".join(sorted(weekdays, key=len, reverse=True))
    before = "|".join(facts["weekday_before"])
    after = "|".join(facts["weekday_after"])
    not_a_topic = stems(plain["not_a_topic"])
    timing = data["timing"]
    units = dict(timing["units"])
    unit = "|".join(sorted(units, key=len, reverse=True))
    month = "|".join(sorted(months, key=len, reverse=True))
    month_only = "|".join(sorted((m for m in months if m != "may"), key=len, reverse=True))
    duration = rf"(?P<n>\d+) (?:working )?(?P<unit>{unit})\b"
    limit = "|".join(timing["limit"])
    nth = r"(?:st|nd|rd|th)?"
    return Lexicon(
        yes=words(replies["yes"]),
        no=words(replies["no"]),
        partly=words(replies["partly"]),
        hedge=words(replies["hedge"]),
        not_applicable=words(replies["not_applicable"]),
        reply_filler=words(replies["filler"]),
        yes_like=words(replies["yes_like"]),
        weak_yes=words(replies["weak_yes"]),
        adjective_yes=words(replies["adjective_yes"]),
        weak_no=words(replies["weak_no"]),
        strong_no=words(replies["strong_no"]),
        fact_no_start=words(replies["fact_no_start"]),
        negators=words(plain["negators"]),
        stopwords=words(plain["stopwords"]),
        numbers=words(plain["numbers"]),
        clause=words(plain["clause"]),
        stem_keep=keep,
        prepositions=words(plain["prepositions"]),
        negative_cues=negative,
        positive_cues=positive,
        yes_stems=stems(replies["yes"]),
        concern_nouns=stems(cues["concern_nouns"]),
        remedy_verbs=stems(cues["remedy_verbs"]),
        found_verbs=stems(cues["found_verbs"]),
        remediable=stems(cues["remediable"]),
        positive_phrases=_any_of(cues["positive_phrases"]),
        partly_re=_any_of(phrases["partly"]),
        said_partly_re=_any_of(phrases["said_partly"]),
        hedge_re=_any_of(
            [
                *phrases["hedge"],
                *phrases["hedge_unread"],
                *phrases["hedge_second_hand"],
                *phrases["hedge_no_record"],
                *phrases["hedge_look_later"],
                *phrases["asks_the_room"],
                *phrases["arranging_a_meeting"],
                *phrases["not_about_the_case"],
            ]
        ),
        hedge_whole_re=_any_of(phrases["hedge_whole"], whole=True),
        hedge_weak_re=_any_of(phrases["hedge_weak"]),
        child_absent_re=_any_of(phrases["child_absent"]),
        child_opens_re=_any_of(phrases["child_opens"]),
        source_says_re=_any_of(phrases["source_says"]),
        account_re=_any_of(phrases["account"]),
        record_re=_any_of(phrases["record"]),
        part_about_re=_any_of(phrases["part_about"]),
        # two patterns: each names its group "matter", which one alternation cannot
        part_side_res=(_any_of(phrases["part_side"]), _any_of(phrases["part_side_more"])),
        part_named_re=_any_of(phrases["part_named"]),
        correction_re=re.compile("|".join(phrases["correction"])),
        elliptic_clause_re=re.compile(phrases["elliptic_clause"]),
        elliptic_filler=words(phrases["elliptic_filler"]),
        not_applicable_re=_any_of(phrases["not_applicable"]),
        strong_not_applicable_re=_any_of(phrases["strong_not_applicable"]),
        not_applicable_turn_re=_any_of(phrases["not_applicable_turns"]),
        not_applicable_no_event_re=_any_of(phrases["not_applicable_no_event"]),
        verdict_yes_re=re.compile(
            rf"(?:^|[.;!?,] |\b(?:so|and|overall|but|yet) )(?:{'|'.join(phrases['verdict_yes'])})"
            r"(?: overall| then| really)?(?: [.!]+)?\s*$"
        ),
        verdict_open_re=re.compile(rf"^(?:{'|'.join(phrases['verdict_open'])}) [.;!]"),
        softeners=stems(plain["softeners"]),
        hypothetical=words(plain["hypothetical"]),
        quote_leads=words(plain["quote_leads"]),
        quote_verbs=stems(plain["quote_verbs"]),
        condition_words=words(plain["condition_words"]),
        subject_aux_re=_any_of(phrases["subject_aux"], whole=True),
        contrast_re=_any_of(sorted(words(plain["contrast"]))),
        both_res=tuple(
            re.compile(rf"\b(?:{p})\b")
            for p in [
                *phrases["both"],
                *phrases["both_views"],
                *phrases["both_either"],
                *phrases["both_closing"],
            ]
        ),
        yes_clause_re=re.compile(rf"^(?:{phrases['yes_clause']})"),
        no_clause_re=re.compile(rf"^(?:{phrases['no_clause']})"),
        not_a_topic=not_a_topic,
        cue_words=negative | positive | stems(replies["yes"]),
        generic=not_a_topic | words(plain["prepositions"]) | {NOT, NUM},
        child_subject=words(plain["child_subject"]),
        family_subject=words(plain["family_subject"]),
        family_determiners=words(plain["family_determiners"]),
        child_troubles=stems(plain["child_troubles"]),
        work_states=stems(plain["work_states"]),
        work_pronouns=words(plain["work_pronouns"]),
        subject_ends=words(plain["subject_ends"]),
        work_nouns=stems(plain["work_nouns"]),
        version_words=stems(plain["version_words"]),
        since_words=stems(plain["since_words"]),
        work_start=stems(plain["work_start"]),
        scope_words=stems(plain["scope_words"]),
        event_words=stems(plain["event_words"]),
        kin_pronouns=(
            (stems(plain["male_kin"]), stems(plain["male_pronouns"])),
            (stems(plain["female_kin"]), stems(plain["female_pronouns"])),
        ),
        redo_words=stems(plain["redo_words"]),
        abbreviations=dict(data["abbreviations"]),
        contractions=dict(data["contractions"]),
        contractions_nt=dict(data["contractions_nt"]),
        apostrophe_endings=dict(data["apostrophe_endings"]),
        rewrites=tuple(
            (re.compile(r["pattern"]), r["as"], tuple(r.get("needs", ()))) for r in data["rewrites"]
        ),
        none_answers=frozenset(facts["none"]),
        months=months,
        weekdays=weekdays,
        weekday_re=re.compile(rf"^(?:(?:{before}) )?(?P<day>{day})(?: (?:{after}))?$"),
        date_before_re=re.compile(rf"^(?:(?:{'|'.join(facts['date_before'])})\b[ ,]*)+"),
        date_after_re=re.compile(rf"(?:[ ,]*\b(?:{'|'.join(facts['date_after'])}))+$"),
        vague_date_re=_any_of(facts["vague_dates"]),
        units=units,
        duration_re=re.compile(rf"\b{duration}"),
        limit_re=re.compile(
            rf"\b(?:{limit})\b(?: (?:is|was|of|says|said|being|are|were|set at|at|only|just))*"
            rf" (?P<n>\d+)\b(?: (?:working )?(?P<unit>{unit})\b)?"
        ),
        date_res=(
            re.compile(rf"\b(?P<d>\d{{1,2}}){nth} (?:of )?(?P<m>{month})\b(?: (?P<y>\d{{4}})\b)?"),
            re.compile(rf"\b(?P<m>{month}) (?P<d>\d{{1,2}}){nth}\b(?: (?P<y>\d{{4}})\b)?"),
            re.compile(
                r"(?<!scored )(?<!rated )(?<!score )\b(?P<d>\d{1,2}) / (?P<m>\d{1,2})\b"
                r"(?: / (?P<y>\d{2}|\d{4})\b)?"
            ),
            re.compile(r"\b(?P<y>\d{4}) (?P<m>\d{1,2}) (?P<d>\d{1,2})\b"),
            # a month without a day ("due Mar, done Jun"); "may" only after a preposition
            re.compile(rf"\b(?P<m>{month_only})\b(?: (?P<y>\d{{4}})\b)?"),
            re.compile(
                r"\b(?:in|since|from|by|until|till|due|done|of|early|mid|late|end) (?P<m>may)\b"
                r"(?: (?P<y>\d{4})\b)?"
            ),
        ),
        due_re=re.compile(rf"\b(?:{'|'.join(timing['due'])})$"),
        late_gap_days=int(timing["late_gap_days"]),
        due_grace_days=int(timing["due_grace_days"]),
    )
