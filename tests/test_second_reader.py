"""The interpreter's second reader: the model ships as data that matches the labelled answers,
plain Python computes what scikit-learn computed, and it overrules the rules only where sure."""

from __future__ import annotations

import importlib.util
import json
import math
import sys
from pathlib import Path

import pytest

from assistant.engine import second_reader
from assistant.engine.interpret import _analyse, interpret
from prompts import get_framework

ROOT = Path(__file__).resolve().parent.parent
FW = get_framework()


def _trainer():
    spec = importlib.util.spec_from_file_location(
        "train_second_reader", ROOT / "tools/train_second_reader.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


TRAINER = _trainer()
SHIPPED = json.loads(second_reader.MODEL_FILE.read_text(encoding="utf-8"))


def test_the_shipped_model_was_trained_on_the_labelled_answers_as_they_are_now():
    # Adding or changing labelled answers without training again fails here:
    # run `make second-reader`.
    files = TRAINER.labelled_files()
    assert {p.name for p in files} >= {"answers-dev.jsonl", "answers-from-tests.jsonl"}
    assert SHIPPED["trained_on"] == {str(p.relative_to(ROOT)): TRAINER.digest(p) for p in files}, (
        "the labelled answers changed since the second reader was trained: make second-reader"
    )
    assert SHIPPED["overrule_below"] == TRAINER.OVERRULE_BELOW
    assert SHIPPED["sure_above"] == TRAINER.SURE_ABOVE


def test_the_held_out_batches_are_not_trained_on():
    trained = {Path(name).name for name in SHIPPED["trained_on"]}
    assert TRAINER.HELD_OUT
    assert not trained & set(TRAINER.HELD_OUT)


def test_plain_python_gives_the_probabilities_scikit_learn_gives():
    # scikit-learn is in the test extra (and the train extra); the app never imports it.
    files = [ROOT / "tests/data/answers-blind-5.jsonl", ROOT / "tests/data/answers-blind-6.jsonl"]
    docs, labels = TRAINER.answers(files)
    vectoriser, fitted = TRAINER.fit(docs, labels)
    ours = second_reader.from_data(TRAINER.train(files))
    unseen, _ = TRAINER.answers([ROOT / "tests/data/answers-blind-7.jsonl"])
    expected = fitted.predict_proba(vectoriser.transform(unseen))
    assert len(unseen) > 100
    for (criterion_id, text), row in zip(unseen, expected, strict=True):
        got = second_reader.probabilities(criterion_id, text, ours)
        assert list(got) == list(TRAINER.OUTCOMES)
        for outcome, p in zip(TRAINER.OUTCOMES, row, strict=True):
            assert got[outcome] == pytest.approx(p, abs=1e-4), (text, outcome)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the plan wasn't reviewed", ["the", "plan", "was", "n't", "NOT_reviewed"]),
        ("not late, thorough. Good", ["not", "NOT_late", "thorough", "good"]),
        ("never. fine", ["never", "fine"]),
    ],
)
def test_words_inside_a_negative_scope_are_marked_until_the_punctuation(text, expected):
    words = [t for t in second_reader.terms("aa.one", text) if " " not in t and "|" not in t]
    assert words == expected
    assert f"aa.one|{expected[0]}" in second_reader.terms("aa.one", text)
    assert f"{expected[0]} {expected[1]}" in second_reader.terms("aa.one", text)


def _tiny(sure_of: str, p: float) -> second_reader.Model:
    """A model that gives ``sure_of`` probability ``p`` for any answer holding "word"."""
    outcomes = ("sufficient", "insufficient", "not_applicable", "unclear")
    rest = (1 - p) / 3
    # With one known term of weight 1 after normalising, scores are intercept + weight.
    weights = [math.log(p if o == sure_of else rest) for o in outcomes]
    return second_reader.Model(
        outcomes=outcomes,
        overrule_below=0.05,
        sure_above=0.8,
        intercept=(0.0, 0.0, 0.0, 0.0),
        vocabulary={"word": (1.0, *weights)},
        sublinear_tf=True,
    )


def test_it_overrules_only_when_it_gives_the_rules_little_and_is_sure_of_another():
    sure = _tiny("sufficient", 0.97)  # the others get 0.01 each
    assert second_reader.probabilities("x.y", "word", sure)["sufficient"] == pytest.approx(0.97)
    assert second_reader.overrule("x.y", "word", "insufficient", sure) == "sufficient"
    assert second_reader.overrule("x.y", "word", "sufficient", sure) is None
    # Not sure enough of its own outcome: the rules stand.
    unsure = _tiny("sufficient", 0.79)
    assert second_reader.overrule("x.y", "word", "insufficient", unsure) is None
    # Sure enough, but the rules' outcome keeps more than the threshold (0.2 / 3 > 0.05).
    assert second_reader.overrule("x.y", "word", "unclear", _tiny("sufficient", 0.8)) is None
    # An answer with no term the model knows gets the intercepts only: even, never overruled.
    assert second_reader.overrule("x.y", "nothing known", "insufficient", sure) is None


# Answers from blind batches 32-35 that the rules alone misread: the second reader reads them
# right (they are among its training answers now; bench/RESULTS.md has its figures on answers
# it has not seen).
@pytest.mark.parametrize(
    ("criterion", "text", "rules", "outcome"),
    [
        (
            "pp.mappa",
            "Not a MAPPA-eligible case, no referral needed.",
            "insufficient",
            "not_applicable",
        ),
        (
            "cy.plan",
            "I'd say yes, it's a good plan. Every vulnerability has a response and there's a "
            "clear contingency if he's missing overnight.",
            "insufficient",
            "sufficient",
        ),
        (
            "cy.psr",
            "I think the report writer covered it? I wasn't the author and I've only skimmed it.",
            "insufficient",
            "unclear",
        ),
    ],
)
def test_the_second_reader_corrects_a_reading_the_rules_got_wrong(criterion, text, rules, outcome):
    c = FW.criterion(criterion)
    assert _analyse(c, text)[0] == rules
    reading = interpret(c, text)
    assert reading.outcome == outcome
    assert reading.partly is False
    if outcome != "insufficient":
        assert reading.reasons == ()


def test_a_shortfall_it_finds_keeps_the_reasons_the_words_name(monkeypatch):
    c = FW.criterion("rr.plan_review")
    text = "Review came weeks late, honestly brilliant work"
    monkeypatch.setattr(second_reader, "overrule", lambda *a, **k: "insufficient")
    assert interpret(c, text).outcome == "insufficient"
    assert interpret(c, text).reasons == ("not_timely",)


def test_a_bare_quick_reply_is_never_overruled(monkeypatch):
    c = FW.criterion("rr.plan")
    monkeypatch.setattr(second_reader, "overrule", lambda *a, **k: "sufficient")
    assert interpret(c, "no").outcome == "insufficient"
    assert interpret(c, "nope").outcome == "insufficient"
    assert interpret(c, "the plan is vague").outcome == "sufficient"  # free text is


def test_without_its_model_file_the_rules_read_alone(monkeypatch, tmp_path):
    c = FW.criterion("pp.mappa")
    text = "Not a MAPPA-eligible case, no referral needed."
    broken = tmp_path / "second-reader.json"
    broken.write_text('{"outcomes": [', encoding="utf-8")
    for path in (broken, tmp_path / "missing.json"):
        monkeypatch.setattr(second_reader, "MODEL_FILE", path)
        second_reader.model.cache_clear()
        try:
            assert second_reader.model() is None
            reading = interpret(c, text)
            assert (reading.outcome, reading.reasons) == _analyse(c, text)[:2]
            assert reading.outcome == "insufficient"  # the rules' own reading, not "unclear"
        finally:
            second_reader.model.cache_clear()


# Found trying it as a user: a word model reads the "not" of a denied fault as criticism (it
# gave "the plan was not vague" 99% insufficient before such sentences were among its training
# answers); whatever it says, the rules' reading of a denied fault stands.
@pytest.mark.parametrize(
    ("criterion", "text"),
    [
        ("ss.health", "his health was not ignored"),
        ("rr.plan", "the plan was not vague"),
        ("cy.plan", "contingency was not missing"),
        ("ss.health", "health was never neglected"),
        ("pp.oversight", "countersigning was never late"),
    ],
)
def test_a_denied_fault_is_not_overruled_into_a_shortfall(monkeypatch, criterion, text):
    c = FW.criterion(criterion)
    assert _analyse(c, text)[0] == "sufficient"
    monkeypatch.setattr(second_reader, "overrule", lambda *a, **k: "insufficient")
    assert interpret(c, text).outcome == "sufficient"
    # The same overrule of praise that denies no fault stands.
    assert interpret(c, "thorough and timely, well done").outcome == "insufficient"


def test_a_fault_not_denied_can_still_be_overruled_into_a_shortfall():
    c = FW.criterion("pp.assessment_review")
    text = (
        "Did the review happen when due? Technically. Did anyone look at it again when he got "
        "in with the county lines lot? Course not."
    )
    assert _analyse(c, text)[0] == "sufficient"  # the rules alone
    assert interpret(c, text).outcome == "insufficient"
