"""Finding a criterion's reason phrases in an answer's tokens.

Owns: compiling a criterion's reason words into token phrases (cached per criterion), repairing
one-edit misspellings of its vocabulary, matching phrases with small gaps inside a clause
(never across a boundary, never skipping a negator), and settling overlaps between reasons
(the more specific phrase wins).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from assistant.engine.interpret_normalise import (
    BOUNDARY,
    BREAKS,
    LATE,
    WORD_RE,
    normalise,
    phrase_tokens,
)
from assistant.engine.lexicon import NOT, lexicon, stem_with
from prompts.model import Criterion
from prompts.shipped import loaded

GAP = 2  # tokens a phrase may skip between two of its own tokens


@dataclass(frozen=True)
class Phrase:
    reason: int  # index into the criterion's reasons
    tokens: tuple[str, ...]
    intrinsic: bool  # carries its own negative: names the deficit on its own
    # Says only that the work as a whole was not done ("no review", "nobody updated it"): a
    # negator, and otherwise only cue words, work nouns and the criterion's core words.
    general: bool = False


@dataclass(frozen=True)
class Compiled:
    reason_ids: tuple[str, ...]
    by_first: dict[str, tuple[Phrase, ...]]
    # The same phrases without their negators ("no follow up" -> "follow up"), for answers to
    # "which reasons?", where naming the topic is enough.
    bare_by_first: dict[str, tuple[Phrase, ...]]
    vocabulary: frozenset[str]  # the criterion's own words and the generic cue words
    repairs: dict[str, tuple[str, ...]]  # one of its own words less one letter -> the words
    repaired: dict[str, str]  # memo of tokens already looked at
    # Every word of the criterion's own text (id, title, question, help, learning, gate,
    # reasons): an answer that names nothing, none of whose words is here, is about something
    # else.
    topic: frozenset[str]
    core: frozenset[str]  # the words of its id, title, question, aspect and gate alone
    knows_late: bool  # one of its reasons is said "late": it asks about timeliness
    # The lexicon's work nouns ("plan", "report") that neither its core text nor its reasons
    # use: another part of the case, even where its help or learning text mentions them.
    foreign: frozenset[str]
    reason_cues: frozenset[str]  # the cue words its reasons' phrases use ("countersigned")
    # Its situations that make it not apply ("youth caution", "not in custody"), as said in the
    # normalised text, longest first.
    situations: tuple[str, ...] = ()
    # Its names of other pieces of work in the case ("rmp", "court report"), as tokens.
    other_work: tuple[tuple[str, ...], ...] = ()
    # The words its situations name ("custody", "mappa", "victim"): a generic turn such as
    # "never on the table" said of one of them makes it not apply.
    situation_words: frozenset[str] = frozenset()
    # All its own text (core, reasons, help, learning) as tokens, each text between " | ":
    # whether a phrase of an answer ("risk of harm") is one the criterion itself uses.
    said: str = ""
    # The words the framework's other criteria are about (their id, title, question, aspect
    # and gate: "safeguarding", "offending", "education") that none of its own text uses: an
    # answer whose subject holds one is about another part of the work.
    other_focus: frozenset[str] = frozenset()
    # Those of them that two or more other criteria are about ("safeguarding", not "help").
    shared_focus: frozenset[str] = frozenset()
    # The words of its title ("planning", "victims"): what it judges, in a few words.
    title: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Hit:
    reason: int
    start: int
    end: int  # inclusive
    size: int  # number of phrase tokens matched: more is more specific
    intrinsic: bool
    general: bool = False  # its phrase is general (``Phrase.general``)


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _cue_vocabulary() -> frozenset[str]:
    lex = lexicon()
    return lex.negative_cues | lex.positive_cues


def _core_text(criterion: Criterion) -> list[str]:
    """The texts that say what the criterion is about: its id, title, question, aspect, gate."""
    return [
        re.sub(r"[._]", " ", criterion.id),
        criterion.title,
        criterion.question,
        criterion.aspect,
        re.sub(r"[._]", " ", criterion.applies_when or ""),
    ]


def _compile(criterion: Criterion) -> Compiled:
    lex = lexicon()
    cue_words = lex.cue_words
    core_words = {t for text in _core_text(criterion) for t in phrase_tokens(text)}
    plain = cue_words | core_words | lex.work_nouns | {NOT}
    by_first: dict[str, list[Phrase]] = {}
    bare_by_first: dict[str, list[Phrase]] = {}
    vocabulary: set[str] = set()
    for index, reason in enumerate(criterion.reasons):
        texts = [*reason.words, reason.label, reason.id.replace("_", " ")]
        seen: set[tuple[str, ...]] = set()
        for text in texts:
            tokens = phrase_tokens(text)
            if not tokens or tokens in seen or tokens == (NOT,):
                continue
            seen.add(tokens)
            intrinsic = any(t == NOT or t in lex.negative_cues for t in tokens)
            general = NOT in tokens and all(t in plain or t in lex.generic for t in tokens)
            by_first.setdefault(tokens[0], []).append(Phrase(index, tokens, intrinsic, general))
            vocabulary.update(tokens)
            bare = tuple(t for t in tokens if t != NOT)
            if bare != tokens and bare and (len(bare) > 1 or bare[0] not in cue_words):
                bare_by_first.setdefault(bare[0], []).append(Phrase(index, bare, False))
    cue_vocabulary = _cue_vocabulary()
    late = phrase_tokens(LATE)
    core_text = _core_text(criterion)
    # Words that only say yes ("good" of "in good time") name no part of the work.
    yes_like = {stem_with(lex.stem_keep, w) for w in lex.yes_like}
    core = {t for text in core_text for t in phrase_tokens(text)} - yes_like
    topic = set(vocabulary) | core
    texts = [*core_text, criterion.help, criterion.learning.why, criterion.learning.good]
    for text in texts[len(core_text) :]:
        topic.update(phrase_tokens(text))
    said = " | ".join(
        " ".join(t) for t in (*(phrase_tokens(x) for x in texts), *by_phrase(by_first)) if t
    )
    focus = _other_focus(criterion, topic)
    return Compiled(
        reason_ids=tuple(r.id for r in criterion.reasons),
        by_first={k: tuple(v) for k, v in by_first.items()},
        bare_by_first={k: tuple(v) for k, v in bare_by_first.items()},
        vocabulary=frozenset(vocabulary) | cue_vocabulary,
        repairs=_repairs_for(frozenset(vocabulary - cue_vocabulary)),
        repaired={},
        topic=frozenset(topic),
        core=frozenset(core),
        foreign=lex.work_nouns - core - vocabulary,
        reason_cues=frozenset(vocabulary & cue_vocabulary),
        knows_late=any(p.tokens == late for p in by_first.get(late[0], ())),
        situations=_situations(criterion.not_applicable_words),
        other_work=tuple({t for t in (phrase_tokens(w) for w in criterion.other_work_words) if t}),
        situation_words=_situation_words(criterion.not_applicable_words),
        said=f" | {said} | ",
        other_focus=focus[0],
        shared_focus=focus[1],
        title=frozenset(phrase_tokens(criterion.title)) - lex.generic - lex.stopwords - cue_words,
    )


def _other_focus(criterion: Criterion, topic: set[str]) -> tuple[frozenset[str], frozenset[str]]:
    """The words of the other criteria's core text (``_core_text``) of the loaded framework
    that holds ``criterion``, less its own text's, generic words, cue words and work nouns
    (another piece of work is ``foreign``'s and ``other_work``'s); and those of them that two
    or more other criteria use.  Empty for a criterion of no loaded framework."""
    lex = lexicon()
    for framework in loaded():
        if any(c is criterion for c in framework.criteria):
            break
    else:
        return frozenset(), frozenset()
    counts: dict[str, int] = {}
    for other in framework.criteria:
        if other is not criterion:
            for t in {t for text in _core_text(other) for t in phrase_tokens(text)}:
                counts[t] = counts.get(t, 0) + 1
    words = set(counts) - topic - lex.generic - lex.cue_words - lex.work_nouns
    return frozenset(words), frozenset(t for t in words if counts[t] > 1)


def by_phrase(by_first: dict[str, list[Phrase]]) -> list[tuple[str, ...]]:
    """The token sequences of a criterion's reason phrases."""
    return [phrase.tokens for phrases in by_first.values() for phrase in phrases]


def _situation_words(words: tuple[str, ...]) -> frozenset[str]:
    """The things a criterion's situations deny: the words just after a negator ("no mappa",
    "no identifiable victim") or just before one ("custody never an option")."""
    lex = lexicon()
    found: set[str] = set()
    for text in words:
        tokens = phrase_tokens(text)
        for i, token in enumerate(tokens):
            if token == NOT:
                found.update(tokens[i + 1 : i + 3])
                found.update(tokens[max(0, i - 1) : i])
    return (
        frozenset(
            t
            for t in found
            if len(t) > 2 and t.isalpha() and t not in lex.generic and t not in lex.cue_words
        )
        - lex.work_nouns
    )


_SEPARATOR = " . zzsituationzz . "


def _situations(words: tuple[str, ...]) -> tuple[str, ...]:
    """A criterion's not-applicable situations as said in normalised text, longest first.
    Plain strings, not one pattern: compiling a pattern costs more in a fresh process than
    finding them costs in each answer."""
    if not words:
        return ()
    said = normalise(_SEPARATOR.join(words)).split(_SEPARATOR.strip(" ."))
    found = {" ".join(WORD_RE.findall(text)) for text in said} - {""}
    # "custody never an option" is also said "custody was never an option"
    for situation in list(found):
        first, *rest = situation.split()
        if len(rest) >= 2 and rest[0] in _NEGATED:
            found.update(f"{first} {verb} {' '.join(rest)}" for verb in _LINKS)
    return tuple(sorted(found, key=len, reverse=True))


_NEGATED = frozenset(("not", "never", "no"))
# Words between a thing and what is said of it: "custody was simply never on the table".
_LINKING = frozenset(
    (
        *("was", "is", "were", "are", "be", "been", "has", "have", "had", "simply", "really"),
        *("just", "ever", "even", "actually", "so", "then", "also", "frankly", "obviously"),
        *("clearly", "realistically"),
    )
)
_LINKS = ("is", "was", "were", "has been", "had been")


def _whole_words(text: str, start: int, end: int) -> bool:
    return (start == 0 or not text[start - 1].isalnum()) and (
        end == len(text) or not text[end].isalnum()
    )


def situation_spans(normalised: str, matcher: Compiled) -> list[tuple[int, int]]:
    """Where the answer says a situation that makes the criterion not apply: "it was a youth
    caution", "no identifiable victim".  A situation followed at once by a word of the
    criterion's reasons names a deficit instead ("no custody plan", "no victim work")."""
    spans: list[tuple[int, int]] = []
    for situation in matcher.situations:
        start = normalised.find(situation)
        while start >= 0:
            end = start + len(situation)
            if _whole_words(normalised, start, end) and not any(
                start < e and s < end for s, e in spans
            ):
                following = (
                    WORD_RE.match(normalised, end + 1) if normalised[end : end + 1] == " " else None
                )
                named = set(phrase_tokens(following.group())) if following is not None else set()
                if not any(t in matcher.vocabulary and len(t) > 3 for t in named):  # not "or"
                    spans.append((start, end))
            start = normalised.find(situation, end)
    if matcher.situation_words:
        for turn in lexicon().not_applicable_turn_re.finditer(normalised):
            lead = re.split(r"[.,;:!?]", normalised[max(0, turn.start() - 60) : turn.start()])[-1]
            said = lead.split()
            while said and said[-1] in _LINKING:
                said.pop()
            if said and stem_with(lexicon().stem_keep, said[-1]) in matcher.situation_words:
                start = turn.start() - len(lead.strip()) + len(" ".join(said[:-1]))
                if not any(start < e and s < turn.end() for s, e in spans):
                    spans.append((max(0, start), turn.end()))
    spans.sort()
    return spans


def _add_repairs(repairs: dict[str, tuple[str, ...]], words: frozenset[str]) -> None:
    for word in sorted(words):
        if len(word) >= 5 and word.isalpha():
            for variant in _deletions(word):
                repairs[variant] = (*repairs.get(variant, ()), word)


@lru_cache(maxsize=1)
def cue_repairs() -> dict[str, tuple[str, ...]]:
    """Repairs towards the generic cue words: built once, shared by every criterion."""
    repairs: dict[str, tuple[str, ...]] = {}
    # Only longer cue words: "started" is not a misspelt "smart".
    _add_repairs(repairs, frozenset(w for w in _cue_vocabulary() if len(w) >= 6))
    return repairs


def _repairs_for(words: frozenset[str]) -> dict[str, tuple[str, ...]]:
    repairs = dict(cue_repairs())
    _add_repairs(repairs, words)
    return repairs


_CACHE: dict[int, tuple[Criterion, Compiled]] = {}
_CACHE_LIMIT = 512


def compiled(criterion: Criterion) -> Compiled:
    """Compiled matcher for a criterion, cached by object identity (criteria are frozen)."""
    entry = _CACHE.get(id(criterion))
    if entry is not None and entry[0] is criterion:
        return entry[1]
    if len(_CACHE) >= _CACHE_LIMIT:
        _CACHE.clear()
    result = _compile(criterion)
    _CACHE[id(criterion)] = (criterion, result)
    return result


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


def repair(tokens: list[str], matcher: Compiled) -> list[str]:
    """Fix one-edit misspellings of the criterion's own vocabulary ("reveiwed", "referal")."""
    out = []
    vocabulary, repairs, seen = matcher.vocabulary, matcher.repairs, matcher.repaired
    generic = lexicon().generic  # "weekly" is not a misspelt "weakly"
    for token in tokens:
        if len(token) >= 4 and token.isalpha() and token not in vocabulary and token not in generic:
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


def find_hits(tokens: list[str], matcher: Compiled, *, bare: bool = False) -> list[Hit]:
    """Every match of every reason phrase, allowing small gaps within a clause."""
    lex = lexicon()
    prepositions, faults = lex.prepositions, lex.negative_cues - lex.concern_nouns
    hits: list[Hit] = []
    n = len(tokens)
    index = matcher.bare_by_first if bare else matcher.by_first
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
                    if tokens[j] == NOT or (
                        after_not and (tokens[j] in prepositions or tokens[j] in faults)
                    ):
                        break  # a gap never skips a negator ("referral wasn't late"), nor the
                        # fault a negator denies ("never late signing off" is not "not signed off")
                if found < 0:
                    ok = False
                    break
                pos = found
            if ok and phrase.tokens[-1] == NOT and pos + 1 < n and tokens[pos + 1] in faults:
                ok = False  # "countersigned without delay", "countersigning was never late"
            if ok:
                hits.append(
                    Hit(
                        phrase.reason,
                        start,
                        pos,
                        len(phrase.tokens),
                        phrase.intrinsic,
                        phrase.general,
                    )
                )
    return hits


def drop_unanchored(tokens: list[str], hits: list[Hit]) -> list[Hit]:
    """Drop matches that end in "after" or "since" ("not reviewed since", "not looked at again
    after") where what they point to is the start of the work itself, not a change: "never
    looked at again after it was written", "the original from intake, never reviewed since".
    What they point to is the words after them in their clause, or, when none follow, an event
    the sentence before them names (another of the same reason's matches); with neither, the
    work was never done again ("it's not been reviewed since")."""
    lex = lexicon()
    anchors, starts = lex.since_words, lex.work_start
    kept: list[Hit] = []
    for hit in hits:
        if tokens[hit.end] not in anchors:
            kept.append(hit)
            continue
        after: list[str] = []
        for token in tokens[hit.end + 1 :]:
            if token in BREAKS:
                break
            after.append(token)
        if after:
            unanchored = any(t in starts for t in after[:3])
        else:
            lo = hit.start
            while lo > 0 and tokens[lo - 1] != BOUNDARY:
                lo -= 1
            # Nothing after it: a change only if the sentence names one ("arrested in May and
            # not reviewed since"); alone ("not reviewed since") or after the start of the
            # work, it was never reviewed.
            unanchored = not any(o.reason == hit.reason and lo <= o.start < hit.start for o in hits)
        if not unanchored:
            kept.append(hit)
    return kept


def _loses_to(hit: Hit, other: Hit) -> bool:
    """Whether ``hit`` gives way to an overlapping match ``other`` of another reason."""
    if other.reason == hit.reason or other.start > hit.end or hit.start > other.end:
        return False
    if other.size != hit.size:
        return other.size > hit.size  # the more specific (longer) phrase wins
    hit_len, other_len = hit.end - hit.start, other.end - other.start
    if other_len != hit_len:
        return other_len < hit_len  # as specific: the tighter match wins
    return other.start < hit.start  # a tie: the earlier phrase wins


def drop_anaphora(tokens: list[str], hits: list[Hit]) -> list[Hit]:
    """Drop matches that hold a pronoun pointing back at a family word of the same gender
    matched earlier in the sentence for another reason: in "dad was never asked for his views"
    or "mum wasn't invited and the plan was never shared with her" the pronoun is the parent,
    not the child.  A match of the pronoun's own reason in between ("the lad") keeps it."""
    kin = lexicon().kin_pronouns
    if not any(t in pronouns for _, pronouns in kin for t in tokens):
        return hits
    kept = []
    for hit in hits:
        said = tokens[hit.start : hit.end + 1]
        words = next((family for family, pronouns in kin if not pronouns.isdisjoint(said)), None)
        if words is None or not _points_back(tokens, hits, hit, words):
            kept.append(hit)
    return kept


def _points_back(tokens: list[str], hits: list[Hit], hit: Hit, family: frozenset[str]) -> bool:
    for p in range(hit.start - 1, -1, -1):
        if tokens[p] == BOUNDARY:
            return False
        covering = [h for h in hits if h.start <= p <= h.end]
        if any(h.reason == hit.reason for h in covering):
            return False
        if tokens[p] in family and covering:
            return True
    return False


def resolve_overlaps(hits: list[Hit]) -> list[Hit]:
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
