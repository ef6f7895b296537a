"""From typed text to the tokens the interpreter matches: the first step of reading an answer.

Owns: stripping terminal escapes, Rich markup and control characters; lower-casing; spelling
out contractions, abbreviations and "n/a"; the lexicon's rewrites of generic turns of phrase
(delays, counterfactuals, "no evidence that"); and the token list: negators unified, filler
dropped, words stemmed, numbers merged, clause and list boundaries marked.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from assistant.engine.lexicon import NOT, NUM, lexicon, stem_with

MAX_CHARS = 20_000  # only the first this-many characters are analysed (the note keeps all)
BOUNDARY = "|"  # between clauses: full stops, semicolons, "but"
SOFT = ","  # between items of a list: a negative may carry over it ("no X, Y or Z")
BREAKS = frozenset((BOUNDARY, SOFT))

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
_NO_HYPHEN_RE = re.compile(r"\bno-(?=[a-z])")  # "a no-contact condition" names a thing
_TOKEN_RE = re.compile(r"[a-z0-9]+|[.,;:!?()\[\]{}\"/|+&]| - | -- |[—–]")
WORD_RE = re.compile(r"[a-z0-9]+")


def normalise(text: str) -> str:
    """Lower-case, plain-ASCII-ish text with contractions and n/a spelled out."""
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
        else:
            out.append(token)
    text = " ".join(out)
    for pattern, replacement in lex.rewrites:
        text = pattern.sub(replacement, text)
    return text


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
            cut(SOFT if raw == "," else BOUNDARY)
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
