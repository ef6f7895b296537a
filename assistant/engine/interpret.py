"""Read a free-text answer to a criterion: outcome, reasons and the note to keep (SPEC §4).

Pure: no I/O; imports only the standard library and ``prompts``.  Everything that names a
criterion's subject matter (the words people use for each reason) is data in the framework;
this module holds only generic English: how people say yes, no, partly, not applicable and
"I'm not sure", which words negate, and which words praise or criticise.

How a sentence is read:

1. Normalise: Unicode, case, terminal escapes and Rich markup, contractions ("wasn't" ->
   "was not"), common abbreviations ("wks", "mgr"), numbers ("six weeks" -> "num week"), and
   a few generic turns of phrase: delays ("three weeks later", "took over a month" -> late),
   counterfactuals ("should have included X" -> not included X), "no evidence that",
   "nothing but", "yet to".  Then negators ("never", "no", "nothing", "nobody") become one
   token, filler words go, words are lightly stemmed and one-edit misspellings of the
   criterion's own vocabulary are repaired.  Full stops and contrast words ("but") split
   clauses; commas split list items.
2. Quick replies ("yep", "nah", "n/a", "partly") are recognised as a whole; the note is "".
3. Hedges ("not sure", "I'd have to check", "maybe") make the reading ``unclear``: the chat
   then asks instead of guessing.
4. Each reason's words are matched as token sequences (small gaps allowed, never across a
   clause, never skipping a negator).  Where matches of different reasons overlap, the more
   specific one wins ("never reviewed after he moved" is about the change, not about no
   review).  A phrase that carries its own negative ("never reviewed", "weeks late", "no
   RMP") names the deficit unless it is itself negated ("not late", "no contingency
   issues").  A plain topic phrase ("SLCN", "contingency") names the deficit only when a
   negative bears on it: near it in the clause ("contingency is weak"), or before it across
   a list ("nothing on his mental health, school or care"), unless praise comes between or
   the negative belongs to another reason's own phrase.  An answer without any praise or
   negative lets a two-word topic phrase speak for itself ("all the actions are 'attend
   appointments'").
5. Any deficit found means ``insufficient``; otherwise "not applicable" cues, "partly" cues and
   the balance of positive and negative cues (the part after "but" counting double) decide,
   and a tie is ``unclear``.

``not_applicable`` is reported as said even for a criterion that does not allow it: the caller
decides what to do (the conversation explains that such a criterion applies to every case).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from prompts.model import Criterion

Outcome = Literal["sufficient", "insufficient", "not_applicable", "unclear"]
OUTCOMES: tuple[Outcome, ...] = ("sufficient", "insufficient", "not_applicable", "unclear")


@dataclass(frozen=True)
class Reading:
    """How one free-text answer was read."""

    outcome: Outcome
    reasons: tuple[str, ...]  # reason ids of the criterion, in framework order
    note: str  # the answer kept as the note; "" for a bare quick reply


# --------------------------------------------------------------------------------------------
# Tuning constants
# --------------------------------------------------------------------------------------------

MAX_CHARS = 20_000  # only the first this-many characters are analysed (the note keeps all)
GAP = 2  # tokens a phrase may skip between two of its own tokens
WINDOW_BEFORE = 8  # how far before a topic phrase a negative may sit
WINDOW_AFTER = 4  # how far after a topic phrase a negative may sit
BOUNDARY = "|"  # between clauses: full stops, semicolons, "but"
SOFT = ","  # between items of a list: a negative may carry over it ("no X, Y or Z")
BREAKS = frozenset((BOUNDARY, SOFT))
WINDOW_LIST = 14  # how far back a negative may carry over commas into a list
NOT = "not"
NUM = "num"

# --------------------------------------------------------------------------------------------
# Generic English lexicons
# --------------------------------------------------------------------------------------------


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_YES_WORDS = _words(
    "yes y yep yeah yea ya yah yup yh aye ok okay sure correct definitely absolutely "
    "indeed affirmative certainly sufficient"
)
_NO_WORDS = _words("no n nope nah naw nay negative insufficient")
_PARTLY_WORDS = _words("partly partially partial somewhat mostly half")
_HEDGE_WORDS = _words("maybe perhaps possibly dunno idk unsure unknown hmm hm erm um")
_NA_WORDS = _words("notapplicable na")
# Words that may surround a quick reply without adding content ("yes it was", "no not really").
_REPLY_FILLER = _words(
    "it was is did does has had been were not really definitely absolutely i think so quite "
    "at all sir thanks thank you tbh totally fully good fine enough sufficient insufficient "
    "of course all pretty much very ok okay kind sort some in part "
    "applicable apply relevant and or yes no"
)

_NEGATORS = _words("not no never nothing none nobody noone neither nor without")

_STOPWORDS = _words(
    "a an the is was were are be been being am has have had do does did it its itself this "
    "that these those there here really very quite actually even also so too rather pretty "
    "tbh like um erm uh basically literally honestly what's whats"
)

# Numbers and vague quantities become one token so "six weeks late" and "3 wks late" agree.
_NUMBER_WORDS = _words(
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty thirty few several couple"
)

# Words that criticise the work; "not" before one of them praises it ("not late").
_NEG_CUE_WORDS = _words(
    "late later lateness overdue delay delays delayed poor poorly weak weakly vague thin "
    "generic superficial inadequate insufficient unclear lacking lack lacks miss missed "
    "missing misses fail failed failure absent gap gaps limited patchy sketchy woolly wooly "
    "basic outdated wrong error errors confusing confused inconsistent inconsistency mismatch "
    "contradictory incomplete shallow bland boilerplate ignored ignore overlooked forgot "
    "forgotten drift drifted slow problem problems concern concerns issue issues flawed "
    "lapse unmeasurable unrealistic unspecific nonspecific rubbish bad terrible awful "
    "useless worse worst questionable deficient deficit deficits sloppy rushed vague "
    "disproportionate inappropriate unfocused nowhere struggle struggles struggled "
    "unsure neglected lapsed behind undone just only merely simply paste pasted shortfall "
    "refused refuses declined declines reluctant waiting awaiting pending"
)

# Words that praise the work, or say it was done.  "not" within two tokens before one of
# them turns it into a criticism ("not reviewed", "not clear").
_POS_CUE_WORDS = _words(
    "good great clear clearly thorough thoroughly detailed robust strong excellent solid "
    "comprehensive timely prompt promptly appropriate appropriately proportionate effective "
    "effectively sufficient adequate adequately fine specific measurable smart tailored "
    "meaningful rigorous evidenced balanced accurate consistent outstanding brilliant "
    "helpful well positive quick quickly swift regular regularly thoughtful sound decent "
    "spot nice happy satisfied satisfactory solidly properly careful carefully "
    "reviewed updated revised completed complete done made referred identified addressed "
    "considered covered included involved engaged recorded shared agreed adapted "
    "challenged followed spotted chased countersigned assessed analysed analyzed "
    "explored picked responded acted noted explained reflected delivered "
    "reassessed discussed checked escalated proposed offered used arranged "
    "happened occurred taken met mentioned mentions describes described sets covers includes"
)

# Multi-word positive cues, matched on the normalised text.
_POS_PHRASES_RE = re.compile(
    r"\b(on time|in time|in place|up to date|well done|no issues|no concerns|no problems|"
    r"no gaps|all good|spot on|good enough|no delay|no delays|within timescales?|"
    r"in line with)\b"
)

_PARTLY_RE = re.compile(
    r"\b(partly|partially|in part|sort of|sorta|kind of|kinda|some of it|some of them|"
    r"to some extent|to an extent|up to a point|not fully|not entirely|not completely|"
    r"not totally|not quite|not always|not all|half of it|mostly|somewhat|mixed|"
    r"yes and no|could be better|room for improvement|in places|more or less)\b"
)

# "I'm not sure", "I'd have to check", "don't know", "maybe": the chat must ask, not guess.
_HEDGE_RE = re.compile(
    r"\b(not sure|unsure|not certain|uncertain|dunno|idk|"
    r"(i )?do not know(?! (why|what|who|how|where|when|about|if he|if she|if they))|"
    r"do not remember|can not remember|cannot remember|can not recall|cannot recall|"
    r"(would|will|need|needs|have|had|going) to (check|look|find out|double check|confirm|ask)|"
    r"hard to (say|tell)|difficult to (say|tell)|can not (say|tell)|cannot (say|tell)|"
    r"maybe|perhaps|possibly|might have|may have|might be|may be|i think so|i believe so|"
    r"i guess|i suppose|not clear to me|who knows|no clue|not known)\b"
)
# Hedges that only count when they are (almost) the whole answer: "no idea" is a hedge, but
# "no idea who delivers what" is a criticism.
_HEDGE_WHOLE_RE = re.compile(r"^(i have )?(no idea|unknown|not known|\?+|unclear|can not say)$")

# "Not applicable" in its many forms.  Matches are cut out before reasons are read, so
# "no RMP needed" does not also count as "no RMP".
_NA_RE = re.compile(
    r"\b(notapplicable|not applicable|does not apply|did not apply|do not apply|"
    r"not relevant|irrelevant|not (yet )?due( yet)?|no review due|not been due|"
    r"nothing (was )?due|was not needed|not needed|no need|not required|none needed|"
    r"none required|no \w+( \w+)?( \w+)? (needed|required|due)|"
    r"does not need|did not need|too early|too soon|too new|"
    r"not (been )?(open|running|going) long enough|only just started|just started|"
    r"nothing to review|not reached|not at that stage)\b"
)

# Words that start a new clause: contrast, and "which"/"because" (a relative or a cause).
_CLAUSE_WORDS = _words(
    "but although though however whereas except apart tho nonetheless which because"
)

_ABBREVIATIONS = {
    "wks": "weeks",
    "wk": "week",
    "mths": "months",
    "mnths": "months",
    "mth": "month",
    "yrs": "years",
    "hrs": "hours",
    "appt": "appointment",
    "appts": "appointments",
    "mgr": "manager",
    "tho": "though",
    "thru": "through",
    "cos": "because",
    "coz": "because",
    "bc": "because",
    "w": "with",
    "wo": "without",
    "vs": "versus",
    "v": "versus",
    "noone": "nobody",
    "nowt": "nothing",
}

_CONTRACTIONS = {
    "cant": "can not",
    "cannot": "can not",
    "wont": "will not",
    "dont": "do not",
    "doesnt": "does not",
    "didnt": "did not",
    "isnt": "is not",
    "wasnt": "was not",
    "werent": "were not",
    "arent": "are not",
    "hasnt": "has not",
    "havent": "have not",
    "hadnt": "had not",
    "couldnt": "could not",
    "wouldnt": "would not",
    "shouldnt": "should not",
    "aint": "is not",
    "neednt": "need not",
    "mustnt": "must not",
    "im": "i am",
    "ive": "i have",
    "id": "i would",
}

# --------------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------------

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
_TOKEN_RE = re.compile(r"[a-z0-9]+|[.,;:!?()\[\]{}\"/|+&]| - | -- |[—–]")
_WORD_RE = re.compile(r"[a-z0-9]+")

# "three weeks later", "months after sentence", "took over a month": generic ways of saying late.
_DELAY_RES = (
    (re.compile(r"\b(weeks|months) (after|later|behind)\b"), r"\1 late"),
    (re.compile(r"\b(days|a week|a month|a fortnight|fortnight|a year|years) later\b"), r"\1 late"),
    (
        re.compile(
            r"\btook (?:\w+ ){0,4}?(days|weeks|months|week|month|fortnight|ages|forever|years)\b"
        ),
        r"\g<0> late",
    ),
)
# Criticism by counterfactual: "should have included X" says X is missing, so it reads as
# "not included X"; "a home visit would have been better" is a shortfall.
_AS_SHOULD_RE = re.compile(r"\bas (it|they|he|she|we|you|i) (should|ought to) (have|be)( been)?\b")
_COULD_BE_BETTER_RE = re.compile(
    r"\b(could|should|might|needs to|need to) (be|have been) (better|\w+er|more \w+|improved)\b|"
    r"\bneeds? (improving|improvement|work|strengthening|tightening|more work)\b|"
    r"\bnot \w+ enough\b"
)
_SHOULD_HAVE_RE = re.compile(r"\b(should|ought to|needed to|could) (have|of)\b(?! not)")
_BETTER_RE = re.compile(r"\bwould (have been|be) better\b|\bshould not have\b")
# "no evidence that the manager chased" is a negation of what follows.
# "nothing but custody" is "only custody"; "yet to be reviewed" is "not reviewed".
_ONLY_RE = re.compile(r"\b(nothing but|nothing other than|none other than|no more than)\b")
_YET_TO_RE = re.compile(r"\b(yet to|still to)\b")
_NO_EVIDENCE_RE = re.compile(
    r"\b(no|not any|cannot find any|can not find any) (evidence|sign|record)s?( of| that)?\b"
)


def _normalise(text: str) -> str:
    """Lower-case, plain-ASCII-ish text with contractions and n/a spelled out."""
    text = text[:MAX_CHARS]
    text = _ANSI_RE.sub(" ", text)
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    text = _CONTROL_RE.sub(" ", text)
    text = text.lower()
    text = _MARKUP_RE.sub(" ", text)
    text = _NA_SLASH_RE.sub(" notapplicable ", text)
    text = _NO_ONE_RE.sub("nobody", text)

    def _nt(match: re.Match[str]) -> str:
        stem = match.group(1)
        if stem is None:
            return " not"
        return {"can": "can not", "won": "will not", "shan": "shall not", "ain": "is not"}[stem]

    text = _NT_RE.sub(_nt, text)
    text = _APOS_RE.sub(
        lambda m: {"s": "", "re": " are", "ve": " have", "d": " would", "ll": " will", "m": " am"}[
            m.group(1)
        ],
        text,
    )
    text = text.replace("'", " ")
    words = []
    for token in _TOKEN_RE.findall(text):
        token = token.strip()
        if token in _CONTRACTIONS:
            words.append(_CONTRACTIONS[token])
        elif token in _ABBREVIATIONS:
            words.append(_ABBREVIATIONS[token])
        elif token in ("&", "+"):
            words.append("and")
        elif token in ("-", "--", "—", "–"):
            words.append(",")
        else:
            words.append(token)
    text = " ".join(words)
    for pattern, replacement in _DELAY_RES:
        text = pattern.sub(replacement, text)
    text = _AS_SHOULD_RE.sub(" ", text)
    text = _COULD_BE_BETTER_RE.sub(r"\g<0> shortfall", text)
    text = _SHOULD_HAVE_RE.sub("not", text)
    text = _NO_EVIDENCE_RE.sub("not", text)
    text = _ONLY_RE.sub("only", text)
    text = _YET_TO_RE.sub("not", text)
    return _BETTER_RE.sub(r"\g<0> shortfall", text)


# Words whose -ing form means something else: "the plan is missing" is not "the plan misses".
_STEM_KEEP = _words("missing during nothing something anything morning evening")


def stem(word: str) -> str:
    """A deliberately light stemmer: plurals, -ed, -ing and a final e."""
    if len(word) <= 3 or not word.isalpha() or word in _STEM_KEEP:
        return word
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
    return word


def _tokens(normalised: str) -> list[str]:
    """Matching tokens: negators unified, filler dropped, stems; BOUNDARY between clauses."""
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
            cut(SOFT if raw == "," else BOUNDARY)
            continue
        if raw in _CLAUSE_WORDS:
            cut(BOUNDARY)
            continue
        if raw in _NEGATORS:
            out.append(NOT)
        elif raw in _STOPWORDS:
            continue
        elif raw.isdigit() or raw in _NUMBER_WORDS:
            if not (out and out[-1] == NUM):
                out.append(NUM)
        else:
            out.append(stem(raw))
    while out and out[-1] in BREAKS:
        out.pop()
    return out


_NEG_CUES = frozenset(stem(w) for w in _NEG_CUE_WORDS) - {NOT, NUM}
# ("noted" would stem to "not": the negator itself is never a cue word)
_POS_CUES = frozenset(stem(w) for w in _POS_CUE_WORDS) - _NEG_CUES - {NOT, NUM}
_YES_STEMS = frozenset(stem(w) for w in _YES_WORDS)
_CUE_WORDS = _NEG_CUES | _POS_CUES | _YES_STEMS


@lru_cache(maxsize=16384)
def _phrase_tokens(phrase: str) -> tuple[str, ...]:
    """A framework phrase, normalised exactly like an answer (cached: phrases recur)."""
    return tuple(t for t in _tokens(_normalise(phrase)) if t not in BREAKS)


# --------------------------------------------------------------------------------------------
# Per-criterion compilation (cached)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Phrase:
    reason: int  # index into the criterion's reasons
    tokens: tuple[str, ...]
    intrinsic: bool  # carries its own negative: names the deficit on its own


@dataclass(frozen=True)
class _Compiled:
    reason_ids: tuple[str, ...]
    by_first: dict[str, tuple[_Phrase, ...]]
    # The same phrases without their negators ("no follow up" -> "follow up"), for answers to
    # "which reasons?", where naming the topic is enough.
    bare_by_first: dict[str, tuple[_Phrase, ...]]
    vocabulary: frozenset[str]  # the criterion's own words and the generic cue words
    repairs: dict[str, tuple[str, ...]]  # one of its own words less one letter -> the words
    repaired: dict[str, str]  # memo of tokens already looked at


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _compile(criterion: Criterion) -> _Compiled:
    by_first: dict[str, list[_Phrase]] = {}
    bare_by_first: dict[str, list[_Phrase]] = {}
    vocabulary: set[str] = set()
    for index, reason in enumerate(criterion.reasons):
        texts = [*reason.words, reason.label, reason.id.replace("_", " ")]
        seen: set[tuple[str, ...]] = set()
        for text in texts:
            tokens = _phrase_tokens(text)
            if not tokens or tokens in seen or tokens == (NOT,):
                continue
            seen.add(tokens)
            intrinsic = any(t == NOT or t in _NEG_CUES for t in tokens)
            by_first.setdefault(tokens[0], []).append(_Phrase(index, tokens, intrinsic))
            vocabulary.update(tokens)
            bare = tuple(t for t in tokens if t != NOT)
            if bare != tokens and bare and (len(bare) > 1 or bare[0] not in _CUE_WORDS):
                bare_by_first.setdefault(bare[0], []).append(_Phrase(index, bare, False))
    return _Compiled(
        reason_ids=tuple(r.id for r in criterion.reasons),
        by_first={k: tuple(v) for k, v in by_first.items()},
        bare_by_first={k: tuple(v) for k, v in bare_by_first.items()},
        vocabulary=frozenset(vocabulary) | _CUE_VOCABULARY,
        repairs=_repairs_for(frozenset(vocabulary - _CUE_VOCABULARY)),
        repaired={},
    )


_CUE_VOCABULARY = _NEG_CUES | _POS_CUES


def _add_repairs(repairs: dict[str, tuple[str, ...]], words: frozenset[str]) -> None:
    for word in sorted(words):
        if len(word) >= 5 and word.isalpha():
            for variant in _deletions(word):
                repairs[variant] = (*repairs.get(variant, ()), word)


@lru_cache(maxsize=1)
def _cue_repairs() -> dict[str, tuple[str, ...]]:
    """Repairs towards the generic cue words: built once, shared by every criterion."""
    repairs: dict[str, tuple[str, ...]] = {}
    _add_repairs(repairs, _CUE_VOCABULARY)
    return repairs


def _repairs_for(words: frozenset[str]) -> dict[str, tuple[str, ...]]:
    repairs = dict(_cue_repairs())
    _add_repairs(repairs, words)
    return repairs


_CACHE: dict[int, tuple[Criterion, _Compiled]] = {}
_CACHE_LIMIT = 512


def _compiled(criterion: Criterion) -> _Compiled:
    """Compiled matcher for a criterion, cached by object identity (criteria are frozen)."""
    entry = _CACHE.get(id(criterion))
    if entry is not None and entry[0] is criterion:
        return entry[1]
    if len(_CACHE) >= _CACHE_LIMIT:
        _CACHE.clear()
    compiled = _compile(criterion)
    _CACHE[id(criterion)] = (criterion, compiled)
    return compiled


def _one_edit(a: str, b: str) -> bool:
    """Whether ``b`` is ``a`` with one letter added, dropped, changed or two swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def _repair(tokens: list[str], compiled: _Compiled) -> list[str]:
    """Fix one-edit misspellings of the criterion's own vocabulary ("reveiwed", "referal")."""
    out = []
    vocabulary, repairs, seen = compiled.vocabulary, compiled.repairs, compiled.repaired
    for token in tokens:
        if len(token) >= 4 and token.isalpha() and token not in vocabulary:
            if token in seen:
                token = seen[token]
            else:
                candidates = set(repairs.get(token, ()))  # a letter dropped: "mapa"
                if len(token) >= 5:
                    for variant in _deletions(token):
                        if variant in vocabulary:  # a letter added
                            candidates.add(variant)
                        candidates.update(repairs.get(variant, ()))  # changed or swapped
                fixed = sorted(c for c in candidates if len(c) >= 5 and _one_edit(token, c))
                if len(seen) < 4096:
                    seen[token] = fixed[0] if fixed else token
                token = fixed[0] if fixed else token
        out.append(token)
    return out


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Hit:
    reason: int
    start: int
    end: int  # inclusive
    size: int  # number of phrase tokens matched: more is more specific
    intrinsic: bool


# After "not" a phrase may skip one word ("no intervention plan" is "no plan") but not a
# preposition ("not in the plan" is not "no plan").
_PREPOSITIONS = _words("in on at for about of to from with by into within after before since")


def _find_hits(tokens: list[str], compiled: _Compiled, *, bare: bool = False) -> list[_Hit]:
    """Every match of every reason phrase, allowing small gaps within a clause."""
    hits: list[_Hit] = []
    n = len(tokens)
    index = compiled.bare_by_first if bare else compiled.by_first
    for start, token in enumerate(tokens):
        for phrase in index.get(token, ()):
            pos = start
            ok = True
            for k, want in enumerate(phrase.tokens[1:]):
                after_not = phrase.tokens[k] == NOT
                gap = 1 if after_not else GAP
                found = -1
                for j in range(pos + 1, min(n, pos + 2 + gap)):
                    if tokens[j] in BREAKS:
                        break
                    if tokens[j] == want:
                        found = j
                        break
                    if tokens[j] == NOT or (after_not and tokens[j] in _PREPOSITIONS):
                        break  # a gap never skips a negator: "referral wasn't late"
                if found < 0:
                    ok = False
                    break
                pos = found
            if ok:
                hits.append(_Hit(phrase.reason, start, pos, len(phrase.tokens), phrase.intrinsic))
    return hits


def _loses_to(hit: _Hit, other: _Hit) -> bool:
    """Whether ``hit`` gives way to an overlapping match ``other`` of another reason."""
    if other.reason == hit.reason or other.start > hit.end or hit.start > other.end:
        return False
    if other.size != hit.size:
        return other.size > hit.size  # the more specific (longer) phrase wins
    hit_len, other_len = hit.end - hit.start, other.end - other.start
    if other_len != hit_len:
        return other_len < hit_len  # as specific: the tighter match wins
    return other.start < hit.start  # a tie: the earlier phrase wins


def _resolve_overlaps(hits: list[_Hit]) -> list[_Hit]:
    hits = sorted(hits, key=lambda h: (h.start, h.end))
    losers: set[int] = set()
    for i, hit in enumerate(hits):
        j = i + 1
        while j < len(hits) and hits[j].start <= hit.end:
            other = hits[j]
            if _loses_to(hit, other):
                losers.add(i)
            elif _loses_to(other, hit):
                losers.add(j)
            j += 1
    return [h for i, h in enumerate(hits) if i not in losers]


@dataclass
class _Cues:
    positive: int
    negative: int
    negative_at: set[int]  # positions of negative evidence, for topic phrases
    positive_at: set[int]  # positions of praise, which stop the search for a negative
    cancelled: set[int]  # negators spent on a concern noun: "no contingency issues"


# Nouns of concern: "no X concerns" praises X, it does not say X is missing.
_CONCERN_NOUNS = frozenset(
    stem(w)
    for w in ("issues", "concerns", "problems", "gaps", "worries", "errors", "deficits", "mismatch")
)
# Verbs that put a problem right or find it: "the manager spotted the gaps" is praise.
_REMEDY_VERBS = frozenset(
    stem(w)
    for w in _words(
        "spotted identified picked challenged noticed addressed resolved fixed corrected "
        "sorted rectified flagged raised escalated chased tackled closed"
    )
)


def _cues(tokens: list[str]) -> _Cues:
    positive = negative = 0
    negative_at: set[int] = set()
    positive_at: set[int] = set()
    consumed: set[int] = set()
    cancelled: set[int] = set()
    for i, token in enumerate(tokens):
        if token in _NEG_CUES:
            far = (
                token in _CONCERN_NOUNS
                and i >= 2
                and tokens[i - 2] == NOT
                and i - 2 not in consumed
                and tokens[i - 1] not in BREAKS
                and tokens[i - 1] != NOT
            )
            remedied = token in _CONCERN_NOUNS and any(
                j >= 0 and tokens[j] in _REMEDY_VERBS and j in positive_at
                for j in (i - 1, i - 2, i - 3)
                if not BREAKS.intersection(tokens[max(j, 0) : i])
            )
            if i >= 1 and tokens[i - 1] == NOT:
                consumed.add(i - 1)
                positive += 1  # "not late", "no gaps"
                positive_at.add(i)
            elif remedied:
                continue  # "spotted the gaps": the problem was found, which is the good part
            elif far:
                consumed.add(i - 2)
                cancelled.add(i - 2)
                positive += 1
                positive_at.add(i)
            else:
                negative += 1
                negative_at.add(i)
        elif token in _POS_CUES or token in _YES_STEMS:
            negator = next(
                (j for j in (i - 1, i - 2) if j >= 0 and tokens[j] == NOT and j not in consumed),
                None,
            )
            if negator is not None and not BREAKS.intersection(tokens[negator:i]):
                consumed.add(negator)
                negative += 1  # "not reviewed", "not clear"
                negative_at.add(i)
            else:
                positive += 1
                positive_at.add(i)
    for i, token in enumerate(tokens):
        if token == NOT and i not in consumed:
            negative += 1
            negative_at.add(i)
    return _Cues(positive, negative, negative_at, positive_at, cancelled)


def _negative_near(tokens: list[str], hit: _Hit, cues: _Cues, owner: dict[int, int]) -> bool:
    """Whether a negative in the same clause bears on a topic match.

    Looking back, a negative scopes over what follows it ("nothing on his mental health or his
    care arrangements"), and over commas into a list when the topic's own list item says
    nothing for itself ("didn't cover his mental health, physical health, school or ...");
    looking forward it must be close ("contingency is weak").  Praise in between stops the
    search, and a negative that belongs to another reason's own deficit phrase is not
    borrowed ("the plan was never updated after the assault").
    """

    def usable(p: int) -> bool:
        return p in cues.negative_at and owner.get(p, hit.reason) == hit.reason

    if any(usable(p) for p in range(hit.start, hit.end + 1)):
        return True
    # Does the hit's own list item carry any cue besides the hit?  Then it speaks for itself.
    lo = hit.start
    while lo > 0 and tokens[lo - 1] not in BREAKS:
        lo -= 1
    hi = hit.end
    while hi + 1 < len(tokens) and tokens[hi + 1] not in BREAKS:
        hi += 1
    cued = set(range(lo, hit.start)) | set(range(hit.end + 1, hi + 1))
    may_inherit = not (cued & (cues.negative_at | cues.positive_at))
    limit = max(-1, hit.start - 1 - (WINDOW_LIST if may_inherit else WINDOW_BEFORE))
    for p in range(hit.start - 1, limit, -1):
        token = tokens[p]
        if token == BOUNDARY or (token == SOFT and not may_inherit):
            break
        if usable(p):
            return True
        if p in cues.positive_at:
            break
        if token != SOFT and p < lo - WINDOW_BEFORE and not may_inherit:
            break
    for p in range(hit.end + 1, min(len(tokens), hit.end + 1 + WINDOW_AFTER)):
        if tokens[p] in BREAKS:
            break
        if usable(p):
            return True
        if p in cues.positive_at:
            break
    return False


def _deficits(tokens: list[str], hits: list[_Hit], cues: _Cues, lenient: bool) -> set[int]:
    """Reasons whose matches, in context, name a deficit.

    ``lenient``: the answer has no praise at all, so when nothing else names a deficit a plain
    topic match of two words or more counts on its own ("all the actions are 'attend
    appointments'"); a single topic word ("he has SLCN") is left for the chat to ask about.
    """
    found: set[int] = set()
    owner: dict[int, int] = {}
    topical: list[_Hit] = []
    for hit in hits:
        if not hit.intrinsic:
            topical.append(hit)
            continue
        negated = (
            hit.start >= 1
            and tokens[hit.start - 1] == NOT
            and tokens[hit.start] != NOT
            and tokens[hit.start] in _NEG_CUES
        ) or (tokens[hit.start] == NOT and hit.start in cues.cancelled)
        if not negated:
            found.add(hit.reason)
            for p in range(hit.start, hit.end + 1):
                owner.setdefault(p, hit.reason)
    for hit in topical:
        if _negative_near(tokens, hit, cues, owner):
            found.add(hit.reason)
    if not found and lenient:
        found = {hit.reason for hit in topical if hit.size >= 2}
    return found


def _reply_kind(normalised: str) -> Outcome | None:
    """The outcome of a bare quick reply ("yes", "nope", "n/a", "partly"), else None."""
    words = _WORD_RE.findall(normalised)
    if not words or len(words) > 6:
        return None
    vocab = _YES_WORDS | _NO_WORDS | _PARTLY_WORDS | _HEDGE_WORDS | _NA_WORDS | _REPLY_FILLER
    if any(w not in vocab for w in words):
        return None
    joined = " ".join(words)
    if any(w in _NA_WORDS for w in words) or _NA_RE.search(joined):
        return "not_applicable"
    if any(w in _HEDGE_WORDS for w in words) or _HEDGE_RE.search(joined):
        return "unclear"
    if any(w in _PARTLY_WORDS for w in words) or _PARTLY_RE.search(joined):
        return "insufficient"
    if any(w in _NO_WORDS or w == NOT for w in words):
        return "insufficient"
    if any(w in _YES_WORDS or w in ("good", "fine", "enough", "done", "well") for w in words):
        return "sufficient"
    return None


def _reply_bonus(normalised: str) -> tuple[int, int]:
    """(positive, negative) weight of reply words such as a leading "yep" or "nope"."""
    words = normalised.split()
    positive = negative = 0
    for i, word in enumerate(words):
        following = words[i + 1] if i + 1 < len(words) else ""
        bare_no = word == "no" and i == 0 and (following == "" or not following[0].isalnum())
        if word in _YES_WORDS - {"sufficient", "sure", "y"}:
            positive += 2
        elif word in ("nope", "nah", "naw", "nay") or bare_no:
            negative += 2
    return positive, negative


_CONTRAST_RE = re.compile(r"\b(but|although|though|however|whereas|except|tho|nonetheless)\b")


def _after_contrast(normalised: str) -> str:
    """The text after the last contrast word, or "" if there is none."""
    last = None
    for last in _CONTRAST_RE.finditer(normalised):  # noqa: B007 - we want the last match
        pass
    return normalised[last.end() :] if last is not None else ""


_STRONG_NA_RE = re.compile(
    r"\b(notapplicable|not applicable|does not apply|did not apply|do not apply|not relevant|"
    r"irrelevant)\b"
)


def _analyse(criterion: Criterion, text: str) -> tuple[Outcome, tuple[str, ...], bool]:
    """(outcome, reasons, bare) for one answer."""
    if not isinstance(text, str):
        return "unclear", (), True
    normalised = _normalise(text)
    words = _WORD_RE.findall(normalised)
    if not words:
        return "unclear", (), True
    kind = _reply_kind(normalised)
    if kind is not None:
        return kind, (), True
    compiled = _compiled(criterion)
    spoken = " ".join(words)
    if _HEDGE_RE.search(spoken) or _HEDGE_WHOLE_RE.match(spoken):
        return "unclear", (), False
    not_applicable = bool(_NA_RE.search(spoken))
    if not_applicable and _STRONG_NA_RE.search(spoken):
        return "not_applicable", (), False
    without_na = _NA_RE.sub(" . ", normalised) if not_applicable else normalised
    tokens = _repair(_tokens(without_na), compiled)
    hits = _resolve_overlaps(_find_hits(tokens, compiled))
    cues = _cues(tokens)
    bonus_pos, bonus_neg = _reply_bonus(normalised)
    praise = cues.positive + bonus_pos + len(_POS_PHRASES_RE.findall(spoken))
    lenient = praise == 0 and not not_applicable
    deficits = _deficits(tokens, hits, cues, lenient)
    if deficits:
        return "insufficient", tuple(compiled.reason_ids[i] for i in sorted(deficits)), False
    if not_applicable:
        return "not_applicable", (), False
    if _PARTLY_RE.search(spoken):
        return "insufficient", (), False
    negative = cues.negative + bonus_neg
    tail = _after_contrast(without_na)
    if tail:  # "identified, but the plan does nothing with it": the part after "but" weighs double
        tail_cues = _cues(_tokens(tail))
        praise += tail_cues.positive
        negative += tail_cues.negative
    if praise > negative:
        return "sufficient", (), False
    if negative > praise:
        return "insufficient", (), False
    return "unclear", (), False


def interpret(criterion: Criterion, text: str) -> Reading:
    """Read one free-text answer to ``criterion``.  Never raises on any text."""
    try:
        outcome, reasons, bare = _analyse(criterion, text)
    except Exception:  # pragma: no cover - a last resort; the property tests call _analyse
        outcome, reasons, bare = "unclear", (), False
    note = "" if bare or not isinstance(text, str) else text.strip()
    return Reading(outcome, reasons, note)


def match_reasons(criterion: Criterion, text: str) -> tuple[str, ...]:
    """Reasons named in ``text``, for the answer to "which reasons?" given in words.

    Here every mention counts (the question already says the work fell short), except a
    deficit phrase that is itself negated ("not late").  Reason ids typed as-is also count.
    Never raises.
    """
    try:
        return _match_reasons(criterion, text)
    except Exception:  # pragma: no cover - a last resort; the property tests call the inner
        return ()


def _match_reasons(criterion: Criterion, text: str) -> tuple[str, ...]:
    if not isinstance(text, str):
        return ()
    compiled = _compiled(criterion)
    normalised = _normalise(text)
    named = {
        i
        for i, rid in enumerate(compiled.reason_ids)
        if re.search(rf"\b{re.escape(rid.replace('_', ' '))}\b", normalised.replace("_", " "))
    }
    tokens = _repair(_tokens(normalised), compiled)
    hits = _find_hits(tokens, compiled) + _find_hits(tokens, compiled, bare=True)
    for hit in _resolve_overlaps(hits):
        negated = (
            hit.intrinsic
            and hit.start >= 1
            and tokens[hit.start - 1] == NOT
            and tokens[hit.start] != NOT
        )
        if not negated:
            named.add(hit.reason)
    return tuple(compiled.reason_ids[i] for i in sorted(named))


_SUBJECT_AUX_RE = re.compile(
    r"^(it|he|she|they|we|i|there|one|that|this) (was|is|did|does|has|had|were|are|have|will)"
    r"( (been|one|done|made))?$"
)


def read_yes_no(text: str) -> bool | None:
    """Yes (True), no (False) or unsure (None) for a yes/no case fact.  Never raises."""
    try:
        return _read_yes_no(text)
    except Exception:  # pragma: no cover - a last resort; the property tests call the inner
        return None


def _read_yes_no(text: str) -> bool | None:
    if not isinstance(text, str):
        return None
    normalised = _normalise(text)
    words = _WORD_RE.findall(normalised)
    if not words:
        return None
    spoken = " ".join(words)
    if _HEDGE_RE.search(spoken) or _HEDGE_WHOLE_RE.match(spoken):
        return None
    if _PARTLY_RE.search(spoken):
        return None
    first = words[0]
    has_no = any(w in _NEGATORS or w in _NO_WORDS for w in words)
    has_yes = any(w in _YES_WORDS for w in words)
    if first in _YES_WORDS and first not in ("sufficient", "sure"):
        return True
    if first in _NO_WORDS or first in ("never", "none", "nothing", "not"):
        return False
    if has_no and not has_yes:
        return False
    if has_yes and not has_no:
        return True
    if _SUBJECT_AUX_RE.match(spoken):
        return True
    cues = _cues(_tokens(normalised))  # "PSR was done", "it wasn't prepared"
    if cues.positive and not cues.negative:
        return True
    if cues.negative and not cues.positive:
        return False
    return None
