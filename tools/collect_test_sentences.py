"""Collect the sentences the interpreter's tests put to it, as labelled answers for the second
reader: ``tests/data/answers-from-tests.jsonl``.

Run with ``.venv/bin/python tools/collect_test_sentences.py`` after adding interpreter tests, then
``make second-reader``.  It runs tests/test_interpret.py and tests/test_reason_vocabulary.py with
the second reader off and records every free-text answer given to ``interpret`` with the rules'
reading of it (the reading those tests assert: they pass on the rules alone).  Left out: bare
quick replies, the property test's random text, and sentences that are already in a labelled set.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests/data/answers-from-tests.jsonl"
TESTS = ["tests/test_interpret.py", "tests/test_reason_vocabulary.py"]
SKIP_TESTS = ("test_any_text_is_read_without_raising",)  # hypothesis: random text


class Recorder:
    def __init__(self) -> None:
        self.rows: list[dict] = []
        self.test = ""

    def pytest_configure(self, config: pytest.Config) -> None:
        import assistant.engine.interpret as interpreter
        from assistant.engine import second_reader

        second_reader.overrule = lambda *args, **kwargs: None  # type: ignore[assignment]
        read = interpreter.interpret

        def interpret(criterion, text):  # type: ignore[no-untyped-def]
            reading = read(criterion, text)
            if isinstance(text, str) and reading.note and getattr(criterion, "id", None):
                self.rows.append(
                    {
                        "test": self.test,
                        "criterion": criterion.id,
                        "text": text,
                        "outcome": reading.outcome,
                        "reasons": list(reading.reasons),
                    }
                )
            return reading

        interpreter.interpret = interpret  # type: ignore[assignment]

    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        self.test = item.nodeid


def main() -> int:
    recorder = Recorder()
    # The labelled sets' floors are figures with the second reader on: not run here.
    args = ["-q", "-p", "no:cacheprovider", "-p", "no:xdist", "-k", "not their_floors", *TESTS]
    code = pytest.main(args, [recorder])
    labelled = {
        json.loads(line)["text"]
        for path in (ROOT / "tests/data").glob("answers-*.jsonl")
        if path != OUT
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    }
    seen: set[tuple[str, str]] = set()
    kept = []
    for row in recorder.rows:
        key = (row["criterion"], row["text"])
        if row["text"] in labelled or key in seen or any(t in row["test"] for t in SKIP_TESTS):
            continue
        seen.add(key)
        kept.append({k: row[k] for k in ("criterion", "text", "outcome", "reasons")})
    kept.sort(key=lambda r: (r["criterion"], r["text"]))
    OUT.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in kept), encoding="utf-8"
    )
    print(f"{len(kept)} sentences written to {OUT.relative_to(ROOT)} (pytest exit code {code})")
    return 0 if code == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
