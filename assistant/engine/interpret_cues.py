"""Praise and criticism in an answer, and which reason matches name a deficit in context.

Owns: counting positive and negative cues (with "not" flipping the cue after it: "not late",
"not reviewed"; "no X concerns" and "spotted the gaps" as praise), and deciding, for each
reason match, whether the answer says that part of the work fell short.
"""

from __future__ import annotations

import functools
import itertools
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from assistant.engine.interpret_match import Hit
from assistant.engine.interpret_normalise import BOUNDARY, BREAKS, SOFT
from assistant.engine.lexicon import NOT, lexicon, stem

WINDOW_BEFORE = 8  # how far before a topic phrase a negative may sit
WINDOW_AFTER = 5  # how far after a topic phrase a negative may sit
WINDOW_LIST = 14  # how far back a negative may carry over commas into a list


@functools.cache
def _months() -> frozenset[str]:
    """Month names as tokens ("aug", "august", "jun"): they date an event."""
    names = lexicon().months
    return frozenset(names) | frozenset(stem(name) for name in names)


@dataclass
class Cues:
    positive: int
    negative: int
    negative_at: set[int]  # positions of negative evidence, for topic phrases
    positive_at: set[int]  # positions of praise, which stop the search for a negative
    cancelled: set[int]  # negators spent on a concern noun: "no contingency issues"
    remedied: set[int]  # criticism a remedy verb found: "caught the mismatch"


def cues(tokens: list[str]) -> Cues:
    lex = lexicon()
    negative_cues, positive_cues, yes_stems = lex.negative_cues, lex.positive_cues, lex.yes_stems
    concern_nouns, remedy_verbs, remediable = lex.concern_nouns, lex.remedy_verbs, lex.remediable
    positive = negative = 0
    negative_at: set[int] = set()
    positive_at: set[int] = set()
    consumed: set[int] = set()
    cancelled: set[int] = set()
    remedied_at: set[int] = set()
    unsaid = _unsaid(tokens)
    for i, token in enumerate(tokens):
        if token in negative_cues:
            far = (
                token in concern_nouns
                and i >= 2
                and tokens[i - 2] == NOT
                and i - 2 not in consumed
                and tokens[i - 1] not in BREAKS
                and tokens[i - 1] != NOT
            )
            # "picked up the weak analysis": a criticism of the object a remedy verb found
            qualifies = (
                i + 1 < len(tokens)
                and tokens[i + 1] not in BREAKS
                and tokens[i + 1] not in lex.cue_words
                and tokens[i + 1] not in lex.prepositions
                and tokens[i + 1] != NOT
            )
            remedied = (
                (token in concern_nouns or token in remediable or qualifies)
                and not _denied_before(tokens, i)  # "none of the gaps were flagged"
                and (
                    any(
                        j >= 0 and tokens[j] in remedy_verbs and j in positive_at
                        for j in (i - 1, i - 2, i - 3)
                        if not BREAKS.intersection(tokens[max(j, 0) : i])
                    )
                    or _remedied_after(tokens, i, remedy_verbs)
                )
            )
            if i >= 1 and tokens[i - 1] == NOT:
                consumed.add(i - 1)
                positive += 1  # "not late", "no gaps"
                positive_at.add(i)
            elif far:
                consumed.add(i - 2)
                cancelled.add(i - 2)
                positive += 1
                positive_at.add(i)
            elif remedied:
                remedied_at.add(i)
                continue  # "spotted the gaps": the problem was found, which is the good part
            else:
                negative += 1
                negative_at.add(i)
        elif token in positive_cues or token in yes_stems:
            if i in unsaid:
                continue  # "could be considered", "just says 'follow procedure'"
            negator = next(
                (j for j in (i - 1, i - 2) if j >= 0 and tokens[j] == NOT and j not in consumed),
                None,
            )
            if negator is not None and not BREAKS.intersection(tokens[negator:i]):
                consumed.add(negator)
                negative += 1  # "not reviewed", "not clear"
                negative_at.add(i)
            elif i >= 1 and i - 1 in negative_at and tokens[i - 1] != NOT:
                continue  # "minimal detail", "poor detail": the criticism qualifies the word
            else:
                positive += 1
                positive_at.add(i)
    for i, token in enumerate(tokens):
        if token == NOT and i not in consumed:
            negative += 1
            negative_at.add(i)
    return Cues(positive, negative, negative_at, positive_at, cancelled, remedied_at)


def denies_a_fault(tokens: list[str]) -> bool:
    """Whether the answer says a fault is absent: a "not" right before a word of criticism
    ("not vague", "never neglected")."""
    faults = lexicon().negative_cues
    return any(t in faults and tokens[i - 1] == NOT for i, t in enumerate(tokens) if i)


def matter_concerns(toks: list[str], hits: list[Hit], found: Cues) -> None:
    """A concern noun named by a topic of the criterion just before it ("the grooming
    concerns", "safeguarding worries"), in a clause that praises the work and criticises
    nothing else, is the child's matter the work dealt with, not a fault of the work: "dealt
    properly with his ADHD and the grooming concerns".  Drops it from the negatives."""
    for hit in hits:
        i = hit.end + 1
        if hit.intrinsic or i >= len(toks) or toks[i] not in lexicon().concern_nouns:
            continue
        if i not in found.negative_at:
            continue
        lo = i
        while lo > 0 and toks[lo - 1] != BOUNDARY:
            lo -= 1
        hi = i
        while hi + 1 < len(toks) and toks[hi + 1] != BOUNDARY:
            hi += 1
        clause = range(lo, hi + 1)
        if any(p in found.positive_at for p in clause) and not any(
            p in found.negative_at for p in clause if p != i
        ):
            found.negative_at.discard(i)
            found.negative -= 1


def _unsaid(tokens: list[str]) -> set[int]:
    """Positions of words that name praise without giving it: after "could" or "might" ("could
    be considered"), in what a "just says" quotes ("it just says 'follow procedure'"), and in
    a condition ("nobody considered whether he met the criteria"), each to the clause's end."""
    lex = lexicon()
    unsaid: set[int] = set()
    open_until = -1
    for i, token in enumerate(tokens):
        if token in BREAKS:
            open_until = -1
            continue
        if open_until >= i:
            unsaid.add(i)
        if token in lex.hypothetical:
            unsaid.add(i + 1)
        elif token in lex.condition_words:
            open_until = i + 4
        elif token in lex.quote_verbs and i >= 1 and tokens[i - 1] in lex.quote_leads:
            open_until = len(tokens)
    return unsaid


def _denied_before(tokens: list[str], i: int) -> bool:
    """Whether a negator opens the phrase of a concern noun ("none of the obvious gaps")."""
    for j in range(i - 1, max(-1, i - 5), -1):
        if tokens[j] in BREAKS:
            return False
        if tokens[j] == NOT:
            return True
    return False


def _remedied_after(tokens: list[str], i: int, remedy_verbs: frozenset[str]) -> bool:
    """Whether a remedy verb follows a concern noun in its clause: "the gaps were spotted"."""
    for j in range(i + 1, min(len(tokens), i + 5)):
        if tokens[j] in BREAKS or tokens[j] == NOT:
            return False
        if tokens[j] in remedy_verbs:
            return True
    return False


def _negative_near(
    tokens: list[str], hit: Hit, found: Cues, owner: dict[int, int], lenient: bool
) -> bool:
    """Whether a negative in the same clause bears on a topic match.

    Looking back, a negative scopes over what follows it ("nothing on his mental health or his
    care arrangements"), and over commas into a list when the topic's own list item says
    nothing for itself ("didn't cover his mental health, physical health, school or ...");
    looking forward it must be close ("contingency is weak").  A negative also scopes over
    what "or" joins to its object ("no mention of his health or whether he is at school"),
    and, in an answer with no praise at all, a negative in a list of three or more items
    after the topic's own item bears on it ("too long, repetitive, no clear proposal").  Praise
    in between stops the search, and a negative that belongs to another reason's own deficit
    phrase is not borrowed ("the plan was never updated after the assault").
    """

    def usable(p: int) -> bool:
        return p in found.negative_at and owner.get(p, hit.reason) == hit.reason

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
    joined = "or" in tokens[lo : hit.start]  # "no mention of X or whether Y"
    # A topic that says itself that something is done ("what happens if ...") describes the
    # work, unless "or" joins it to the list ("no curfew, or what happens if he breaches").
    praised = not joined and any(p in found.positive_at for p in range(hit.start, hit.end + 1))
    may_inherit = not praised and not (cued & (found.negative_at | found.positive_at))
    wide = may_inherit or joined
    limit = max(-1, hit.start - 1 - (WINDOW_LIST if wide else WINDOW_BEFORE))
    for p in range(hit.start - 1, limit, -1):
        token = tokens[p]
        if token == BOUNDARY or (token == SOFT and not may_inherit):
            break
        if usable(p):
            return True
        if p in found.positive_at:
            break
        if token != SOFT and p < lo - WINDOW_BEFORE and not wide:
            break
    start = hit.start
    while start > 0 and tokens[start - 1] != BOUNDARY:
        start -= 1
    end = hit.end
    while end + 1 < len(tokens) and tokens[end + 1] != BOUNDARY:
        end += 1
    listed = tokens[start : end + 1].count(SOFT) >= 2  # a list of three items or more
    inherit_after = lenient and may_inherit and listed
    for p in range(hit.end + 1, min(len(tokens), hit.end + 1 + WINDOW_LIST)):
        token = tokens[p]
        if token == BOUNDARY or (token == SOFT and not inherit_after):
            break
        if p > hit.end + WINDOW_AFTER and not (inherit_after and SOFT in tokens[hit.end : p]):
            break
        if usable(p):
            return True
        if p in found.positive_at:
            break
    return False


def deficits(tokens: list[str], hits: list[Hit], found: Cues, lenient: bool) -> set[int]:
    """Reasons whose matches, in context, name a deficit.

    ``lenient``: the answer has no praise at all, so when nothing else names a deficit a plain
    topic match of two words or more counts on its own ("all the actions are 'attend
    appointments'"); a single topic word ("he has SLCN") is left for the chat to ask about.
    """
    negative_cues = lexicon().negative_cues
    named: set[int] = set()
    owner: dict[int, int] = {}
    topical = sorted((hit for hit in hits if not hit.intrinsic), key=lambda h: h.start)
    starts = [hit.start for hit in topical]
    for hit in hits:
        if not hit.intrinsic:
            continue
        negated = (
            hit.start >= 1
            and tokens[hit.start - 1] == NOT
            and tokens[hit.start] != NOT
            and tokens[hit.start] in negative_cues
        ) or (tokens[hit.start] == NOT and hit.start in found.cancelled)
        if negated or _flipped(tokens, hit, found, negative_cues) or _found_by(tokens, hit, found):
            continue
        narrowed = None
        if hit.general:  # only topics close by can narrow it (the clause, a few words)
            near = topical[bisect_left(starts, hit.start - 12) : bisect_right(starts, hit.end + 6)]
            # a deficit phrase of another reason scoped right after it narrows it too: "no
            # plan for when things go wrong"
            near += [h for h in hits if h.intrinsic and not h.general and hit.end < h.start]
            narrowed = _narrowed_to(tokens, hit, near)
        if narrowed is not None:  # "no review when he was rearrested": that reason instead
            named.add(narrowed)
            continue
        named.add(hit.reason)
        for p in range(hit.start, hit.end + 1):
            owner.setdefault(p, hit.reason)
    for hit in topical:
        if _negative_near(tokens, hit, found, owner, lenient) and not _found_by(tokens, hit, found):
            named.add(hit.reason)
    named |= _named_back(tokens, hits, topical, found)
    if not named and lenient:
        named = {hit.reason for hit in topical if hit.size >= 2}
    return named


def _found_by(tokens: list[str], hit: Hit, found: Cues) -> bool:
    """Whether a match is a need the work found: in a list after a verb of finding said as
    praise, in its clause ("covered his asthma, the self-harm, that he's out of school",
    "picked up that he's autistic with slow processing"); a "not" between, or in it, ends it."""
    verbs = lexicon().found_verbs
    if NOT in tokens[hit.start : hit.end + 1]:
        return False
    for j in range(hit.start - 1, max(-1, hit.start - 30), -1):
        if tokens[j] in (BOUNDARY, NOT):
            return False
        if tokens[j] in verbs:  # (its object right after it: not "the gaps it identified, ...")
            return j in found.positive_at and tokens[j + 1] not in BREAKS
    return False


def _flipped(tokens: list[str], hit: Hit, found: Cues, negative_cues: frozenset[str]) -> bool:
    """Whether every critical word of a deficit phrase was turned to praise by a negator
    before it ("no factual errors", "no real gaps"), or found by a remedy verb ("caught the
    mismatch"): the phrase is denied, not named."""
    said = range(hit.start, hit.end + 1)
    critical = [p for p in said if tokens[p] in negative_cues]
    lex = lexicon()
    found_nouns = lex.concern_nouns | lex.remediable
    if critical and all(p in found.remedied and tokens[p] in found_nouns for p in critical):
        return True  # "the manager caught the mismatch": found, which is the good part
    return (
        bool(critical)
        and all(p in found.positive_at for p in critical)
        and all(tokens[p] != NOT for p in said)
    )


def _narrowed_to(tokens: list[str], hit: Hit, topical: list[Hit]) -> int | None:
    """The reason a whole-work deficit is narrowed to by another reason's topic in its clause:
    "no review when he was rearrested", "no assessment of his emotional wellbeing" (a scope
    word between, the topic after), "after he was stabbed nobody updated it" (an event word
    opening the topic before), "he was excluded in May and it was never updated" (a dated event
    opening the sentence, the work never redone).  None when nothing narrows it."""
    lex = lexicon()
    for other in topical:
        if other.reason == hit.reason:
            continue
        if other.start > hit.end:
            between = tokens[hit.end + 1 : other.start]
            scoped = any(t in lex.scope_words for t in between) or not between
            if scoped and len(between) <= 4 and not BREAKS.intersection(between):
                return other.reason
        elif other.end < hit.start:
            between = tokens[other.end + 1 : hit.start]
            opening = tokens[max(0, other.start - 2) : other.start + 1]
            while BREAKS.intersection(opening):  # the event word in the topic's own clause
                opening = opening[1:]
            if _fronted_event(tokens, other.start, between, lex.event_words):
                return other.reason
            if BREAKS.intersection(between):
                continue
            if len(between) <= 6 and any(t in lex.event_words for t in opening):
                return other.reason
            # a dated event opening the sentence, joined by "and" to the deficit: "he was
            # excluded in May and the assessment was never updated"; a few words of its own may
            # come first ("she took an overdose in May and ...")
            lead = tokens[max(0, other.start - 4) : other.start]
            opens = BOUNDARY in lead or other.start <= 3
            if BOUNDARY in lead:
                lead = lead[len(lead) - lead[::-1].index(BOUNDARY) :]
            if (
                len(between) <= 8
                and "and" in between
                and opens
                and not BREAKS.intersection(lead)
                and not _months().isdisjoint(between)
                and not lex.redo_words.isdisjoint(tokens[hit.start : hit.end + 1])
            ):
                return other.reason
    return None


def _fronted_event(
    tokens: list[str], start: int, between: list[str], event_words: frozenset[str]
) -> bool:
    """Whether the topic at ``start`` sits in a clause opened by an event word that leads
    straight, past at most a comma, into the deficit: "when she moved into supported
    accommodation in March nobody touched it", "following the disclosure in May, the
    assessment was not revisited"."""
    lo = start
    while lo > 0 and tokens[lo - 1] not in BREAKS:
        lo -= 1
    return (
        tokens[lo] in event_words
        and start - lo <= 8
        and len(between) <= 10
        and BOUNDARY not in between
        and between.count(SOFT) <= 1
    )


def _named_back(tokens: list[str], hits: list[Hit], topical: list[Hit], found: Cues) -> set[int]:
    """Reasons of the clause before a clause that only says the work did not deal with them:
    "The EHCP recorded a language disorder and dyslexia; neither was picked up", "Missing from
    home four times. Not mentioned in the assessment."  The later clause opens with a negator,
    names no reason itself, and negates a word for doing the work ("picked", "mentioned"), all
    before any comma ("dyslexia is in his records but wasn't picked up, and ...")."""
    spans: list[tuple[int, int]] = []
    start = 0
    for i, token in enumerate(tokens):
        if token == BOUNDARY:
            spans.append((start, i))
            start = i + 1
    spans.append((start, len(tokens)))
    named: set[int] = set()
    for (before_start, before_end), (lo, hi) in itertools.pairwise(spans):
        if lo >= hi or tokens[lo] != NOT:
            continue
        # only the clause's opening part, up to a comma ("not picked up, and nothing ...")
        hi = next((p for p in range(lo, hi) if tokens[p] in BREAKS), hi)
        if any(lo <= hit.start < hi for hit in hits):
            continue
        clause = range(lo, hi)
        if any(p in found.positive_at for p in clause):
            continue
        if not any(p in found.negative_at and tokens[p] != NOT for p in clause):
            continue
        named.update(hit.reason for hit in topical if before_start <= hit.start < before_end)
    return named
