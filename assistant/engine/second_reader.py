"""The interpreter's second reader: a small statistical model that overrules the rules only when
it is sure they are wrong.

The rules read an answer by its words and phrases; on answers nobody tuned them on they were
right 93% of the time and each new round of rules added well under a point.  The second
reader was trained on the labelled answers (tools/train_second_reader.py) and gives each
outcome a probability from the answer's terms (:func:`terms`).  Where it gives the rules'
outcome less than ``overrule_below`` and is more than ``sure_above`` sure of another, its
outcome stands; otherwise the rules' does (bench/RESULTS.md, "The second reader", has what
that gains and costs on answers neither had seen).

Owns: reading ``second-reader.json`` (plain data: vocabulary, weights, thresholds; loaded at
the first free-text answer or by :func:`warm`, never at start-up) and computing the
probabilities exactly as the trainer's tf-idf and logistic regression do, in plain Python.
Knows nothing of criteria or reasons.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

MODEL_FILE = Path(__file__).with_name("second-reader.json")


@dataclass(frozen=True)
class Model:
    outcomes: tuple[str, ...]
    overrule_below: float
    sure_above: float
    intercept: tuple[float, ...]
    # term -> (idf, weight for each outcome)
    vocabulary: dict[str, tuple[float, ...]]
    sublinear_tf: bool


def load(path: Path | None = None) -> Model:
    return from_data(json.loads((path or MODEL_FILE).read_text(encoding="utf-8")))


def from_data(data: dict) -> Model:
    return Model(
        outcomes=tuple(data["outcomes"]),
        overrule_below=float(data["overrule_below"]),
        sure_above=float(data["sure_above"]),
        intercept=tuple(float(b) for b in data["intercept"]),
        vocabulary={term: tuple(row) for term, row in data["vocabulary"].items()},
        sublinear_tf=bool(data["settings"]["sublinear_tf"]),
    )


@lru_cache(maxsize=1)
def model() -> Model | None:
    """The shipped model, or None when its file is missing or unreadable: then the rules'
    readings stand alone (as they did before there was a second reader)."""
    try:
        return load()
    except (OSError, ValueError, KeyError, TypeError):
        return None


# Words that put what follows them, up to the next punctuation, in a negative scope: "not
# reviewed" and "reviewed" are different terms to the model.
NEGATORS = frozenset(
    {"not", "no", "never", "none", "nobody", "nothing", "nowhere", "neither", "nor", "without"}
    | {"hardly", "barely", "n't", "cannot"}
)
_SCOPE_TOKEN = re.compile(r"(?u)\b\w\w+\b|n't|[.,;:!?]")


def terms(criterion_id: str, text: str) -> list[str]:
    """What the model counts in one answer: its words of two or more letters, lower case, each
    marked ``NOT_`` inside a negative scope; every pair of neighbouring words; and each word
    again tied to the criterion asked (``<criterion id>|vulnerability``), since whether a word
    names the work asked about or another part depends on the question."""
    words: list[str] = []
    negative = False
    for token in _SCOPE_TOKEN.findall(text.lower().replace("n't", " n't")):
        if token in ".,;:!?":
            negative = False
        elif token in NEGATORS:
            negative = True
            words.append(token)
        else:
            words.append("NOT_" + token if negative else token)
    pairs = [f"{a} {b}" for a, b in pairwise(words)]
    return words + pairs + [f"{criterion_id}|{w}" for w in words]


def probabilities(criterion_id: str, text: str, m: Model | None = None) -> dict[str, float]:
    """Each outcome's probability for ``text`` answering ``criterion_id`` (they sum to 1)."""
    m = m or model()
    if m is None:
        raise LookupError(f"the second reader's model could not be read from {MODEL_FILE}")
    counts = Counter(t for t in terms(criterion_id, text) if t in m.vocabulary)
    weights: dict[str, float] = {}
    for term, count in counts.items():
        tf = 1.0 + math.log(count) if m.sublinear_tf else float(count)
        weights[term] = tf * m.vocabulary[term][0]
    norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
    scores = list(m.intercept)
    for term, w in weights.items():
        row = m.vocabulary[term]
        for k in range(len(scores)):
            scores[k] += row[k + 1] * w / norm
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    total = sum(exps)
    return {outcome: e / total for outcome, e in zip(m.outcomes, exps, strict=True)}


def overrule(criterion_id: str, text: str, outcome: str, m: Model | None = None) -> str | None:
    """The second reader's outcome where it overrules the rules' ``outcome``; else None."""
    m = m or model()
    if m is None:
        return None
    p = probabilities(criterion_id, text, m)
    best = max(p, key=p.__getitem__)
    if best != outcome and p.get(outcome, 0.0) < m.overrule_below and p[best] > m.sure_above:
        return best
    return None


def warm() -> None:
    """Load the model now (about 30 ms) rather than at the first free-text answer."""
    model()
