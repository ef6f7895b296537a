"""Answers that say no one thing: unclear whatever their words of praise or criticism.

Owns: clauses that affirm and deny ("yes it had goals, no it didn't", "it was reviewed, it
wasn't reviewed"), answers that go back and forth ("they were met. They weren't. I mean they
were."), a word of the answer's own said twice running ("mappa mappa lol"), and praise or
criticism of the child's life rather than the work ("he's quiet, doesn't say much"), and
whether a subject naming another criterion's matter is another part of the work.
"""

from __future__ import annotations

import re
from itertools import pairwise

from assistant.engine.interpret_cues import Cues, cues
from assistant.engine.interpret_match import Compiled, Hit
from assistant.engine.interpret_normalise import BOUNDARY, BREAKS, WORD_RE, tokens
from assistant.engine.lexicon import NOT, Lexicon, stem

CLAUSE_SPLIT = re.compile(r"[,.;:!?]| but | although | though | however | whereas ")


def clauses_both(normalised: str, toks: list[str], lex: Lexicon) -> bool:
    """Whether one clause says yes and another no ("yes it had goals, no it didn't"), or one
    clause is another with a "not" ("it was reviewed, it wasn't reviewed")."""
    clauses = [" ".join(WORD_RE.findall(c)) for c in CLAUSE_SPLIT.split(normalised)]
    if any(lex.yes_clause_re.match(c) for c in clauses) and any(
        lex.no_clause_re.match(c) for c in clauses
    ):
        return True
    plain: set[tuple[str, ...]] = set()
    denied: set[tuple[str, ...]] = set()
    current: list[str] = []
    for token in [*toks, BOUNDARY]:
        if token not in BREAKS:
            current.append(token)
            continue
        if current:
            stripped = tuple(t for t in current if t != NOT)
            (denied if len(stripped) < len(current) else plain).add(stripped)
        current = []
    return bool(plain & denied - {()})


def stammered(words: list[str], lex: Lexicon) -> bool:
    """Whether a word of the answer's own (not generic, not praise, criticism or a reply word)
    is said twice running ("mappa mappa", "next next submit"): typing to test the box or
    garbled text, not a judgement.  "very very good", "no no no" and "had had" are not."""
    vocab = lex.yes | lex.no | lex.negators | lex.reply_filler
    for first, second in pairwise(words):
        if first != second or len(first) < 3 or not first.isalpha() or first in vocab:
            continue
        token = stem(first)
        if token not in lex.generic and token not in lex.cue_words:
            return True
    return False


def back_and_forth(normalised: str, lex: Lexicon) -> bool:
    """Whether the answer goes back and forth: a clause that only says yes or no of the one
    before it ("they weren't", "I mean it was") comes between two clauses that each say the
    opposite ("Her needs were met. They weren't, though. I mean they were."), clauses that say
    neither passed over.  A correction that stands ("I thought it had been reviewed. It
    hadn't.") is not."""
    said = [" ".join(WORD_RE.findall(c)) for c in CLAUSE_SPLIT.split(normalised)]
    said = [c for c in said if c and not lex.elliptic_filler.issuperset(c.split())]
    if len(said) < 3:
        return False

    def sign(clause: str) -> int:
        if lex.elliptic_clause_re.match(clause):
            return -1 if " not" in f" {clause} " else 1
        words = clause.split()
        found = cues(tokens(clause))
        negative = found.negative + words.count("not")
        positive = found.positive + sum(w in lex.yes for w in words)
        return (positive > 0) - (negative > 0) if not positive or not negative else 0

    for i in range(1, len(said) - 1):
        if not lex.elliptic_clause_re.match(said[i]):
            continue
        own = sign(said[i])
        if sign(said[i - 1]) != -own:
            continue
        # the next clause that says yes or no ("she came once and left" says neither)
        after = next((s for s in map(sign, said[i + 1 :]) if s), 0)
        if after == -own:
            return True
    return False


def childs_life(
    normalised: str, words: list[str], toks: list[str], matcher: Compiled, lex: Lexicon
) -> bool:
    """Whether the answer opens on the child or their family ("he's", "mum works nights", "the
    girl he assaulted"), no clause opens on anything else ("a warning letter went"), and it
    names no part of the work and none of the criterion's own words: its praise or criticism
    ("gets on really well with his key worker", "doesn't say much") is of the child's life."""
    first = words[0]
    opens = first in lex.child_subject or first in lex.family_subject
    if not opens and first in lex.family_determiners and len(words) > 1:
        opens = words[1] in lex.family_subject
    if not opens:  # "lives with his nan, ...", "Kai is 16, ..."
        opens = bool(lex.child_opens_re.match(normalised))
    if not opens:
        return False
    for clause in CLAUSE_SPLIT.split(normalised):  # "..., a warning letter went the next day"
        said = WORD_RE.findall(clause)
        if (
            len(said) > 1
            and said[0] in lex.family_determiners
            and said[1] not in lex.family_subject
        ):
            return False
    own = matcher.core - lex.generic - lex.family_subject
    return not any(t in lex.work_nouns or t in own for t in toks)


def childs_troubles(
    normalised: str,
    words: list[str],
    toks: list[str],
    hits: list[Hit],
    found: Cues,
    matcher: Compiled,
    lex: Lexicon,
) -> bool:
    """Whether an answer about the child's life (``childs_life``) criticises only the child's
    or family's own troubles ("she's anxious, has missed a lot of school", "mum is struggling"):
    no "not", no phrase that carries its own deficit ("breached while she was struggling"),
    and every word of criticism one of those troubles.  The reasons its words match (school,
    health) judge nothing of the work."""
    if NOT in toks or any(hit.intrinsic for hit in hits):
        return False
    if not lex.child_troubles.issuperset(toks[i] for i in found.negative_at):
        return False
    return childs_life(normalised, words, toks, matcher, lex)


def another_part(normalised: str, subject: list[str], matcher: Compiled, lex: Lexicon) -> bool:
    """Whether a subject that names another criterion's matter is another part of the work: a
    piece of work about it ("the offending assessment was updated"), or the matter alone when
    the answer says no word of the criterion's title ("education in custody was brilliant" to
    risk of harm in custody; not "her health care there was well planned" to safeguarding
    planning in custody, nor "education and family factors were analysed" to the factors)."""
    if not lex.work_nouns.isdisjoint(subject):
        return True
    return matcher.title.isdisjoint(tokens(normalised))


def sources_disagree(normalised: str, lex: Lexicon) -> bool:
    """Whether two clauses report what a source says, one praising and the other criticising
    ("the system says countersigned on time, the manager says it was late")."""
    if len(lex.source_says_re.findall(normalised)) < 2:
        return False
    said = set()
    for clause in CLAUSE_SPLIT.split(normalised):
        if lex.source_says_re.search(clause):
            found = cues(tokens(clause))
            if found.negative:  # "the notes say no review happened"
                said.add(False)
            elif found.positive or lex.positive_phrases.search(clause):
                said.add(True)
    return len(said) == 2


def accounts_disagree(normalised: str, lex: Lexicon) -> bool:
    """Whether a contrast sets one account of the work against another: "the judge said it
    was excellent, but my manager thought it missed the point", "the CM tells me it was done,
    but the version on the system has nothing".  An account (someone or something reporting)
    comes before the contrast word, and another account, or what a record holds, after it."""
    for contrast in lex.contrast_re.finditer(normalised):
        after = normalised[contrast.end() :]
        if lex.account_re.search(normalised, 0, contrast.start()) and (
            lex.account_re.search(after) or lex.record_re.search(after)
        ):
            return True
    return False
