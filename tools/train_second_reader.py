"""Train the interpreter's second reader from the labelled answers in tests/data.

Run with ``make second-reader`` (or ``.venv/bin/python tools/train_second_reader.py``); it needs
the ``train`` extra (scikit-learn), which the app itself never imports.  It fits a logistic
regression on the tf-idf weights of every labelled answer's terms (second_reader.terms: words,
marked inside a negative scope, word pairs, words tied to the criterion) against its outcome,
and writes the model as plain data to ``assistant/engine/second-reader.json``: the
vocabulary with each entry's idf and one weight per outcome, the intercepts, the thresholds
the interpreter applies, and the SHA-256 of every file it was trained on (a test fails when a
labelled file changes and the model was not trained again).

Besides the blind batches, it learns from answers-from-tests.jsonl: the sentences the tests
put to the interpreter, with the readings they assert (tools/collect_test_sentences.py).  The
settings were chosen on answers the model had not seen (bench/RESULTS.md, "The second
reader"); the batches in HELD_OUT stay out.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT / "tests/data"
MODEL = ROOT / "assistant/engine/second-reader.json"
OUTCOMES = ("sufficient", "insufficient", "not_applicable", "unclear")
SETTINGS = {"min_df": 2, "sublinear_tf": True, "C": 30.0}
# The rules' outcome is overruled only when the model gives it less than this ...
OVERRULE_BELOW = 0.05
# ... and is more than this sure of another outcome.
SURE_ABOVE = 0.8
# The newest blind batches stay out of training, so that bench/interpret.py keeps showing the
# interpreter on answers neither the rules nor the model have seen.
HELD_OUT = (
    "answers-blind-41.jsonl",
    "answers-blind-42.jsonl",
    "answers-blind-43.jsonl",
    "answers-blind-44.jsonl",
)


def labelled_files(data: Path = DATA) -> list[Path]:
    """Every labelled answer set but the held-out ones, in a fixed order."""
    return sorted(
        (p for p in data.glob("answers-*.jsonl") if p.name not in HELD_OUT), key=lambda p: p.name
    )


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def answers(files: list[Path]) -> tuple[list[tuple[str, str]], list[int]]:
    """(criterion id, text) of every labelled answer in ``files``, and its outcome's index."""
    docs: list[tuple[str, str]] = []
    labels: list[int] = []
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                answer = json.loads(line)
                docs.append((answer["criterion"], answer["text"]))
                labels.append(OUTCOMES.index(answer["outcome"]))
    return docs, labels


def fit(docs: list[tuple[str, str]], labels: list[int]):  # scikit-learn objects
    """The fitted tf-idf vectoriser (over second_reader.terms) and logistic regression."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    from assistant.engine.second_reader import terms

    vectoriser = TfidfVectorizer(
        analyzer=lambda doc: terms(*doc),
        min_df=SETTINGS["min_df"],
        sublinear_tf=SETTINGS["sublinear_tf"],
    )
    matrix = vectoriser.fit_transform(docs)
    model = LogisticRegression(C=SETTINGS["C"], max_iter=10000).fit(matrix, labels)
    return vectoriser, model


def train(files: list[Path], *, root: Path = ROOT) -> dict:
    """The model, as the JSON-ready dict the interpreter reads."""
    docs, labels = answers(files)
    vectoriser, model = fit(docs, labels)
    if list(model.classes_) != list(range(len(OUTCOMES))):
        raise SystemExit("every outcome must occur in the labelled answers")
    vocabulary = {
        term: [round(float(vectoriser.idf_[column]), 6)]
        + [round(float(model.coef_[k][column]), 6) for k in range(len(OUTCOMES))]
        for term, column in sorted(vectoriser.vocabulary_.items())
    }
    return {
        "what": "the interpreter's second reader: tf-idf of words (marked in a negative scope), "
        "word pairs and words tied to the criterion, "
        "multinomial logistic regression over the outcomes (tools/train_second_reader.py)",
        "outcomes": list(OUTCOMES),
        "overrule_below": OVERRULE_BELOW,
        "sure_above": SURE_ABOVE,
        "settings": SETTINGS,
        "trained_on": {str(p.relative_to(root)): digest(p) for p in files},
        "answers": len(docs),
        "intercept": [round(float(b), 6) for b in model.intercept_],
        "vocabulary": vocabulary,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=MODEL)
    args = parser.parse_args(argv)
    files = labelled_files()
    model = train(files)
    args.out.write_text(json.dumps(model, separators=(",", ":"), sort_keys=False) + "\n")
    print(
        f"trained on {model['answers']} answers in {len(files)} files; "
        f"{len(model['vocabulary'])} terms; wrote {args.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
