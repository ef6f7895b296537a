"""Measure the free-text interpreter: accuracy on the labelled sets and time per call.

Run with ``.venv/bin/python bench/interpret.py [--quiet] [--pooled] [--rules-only] [SET ...]``.
For each labelled set under tests/data (answers-dev, answers-holdout, answers-blind-3 to -44; or
only the named ones) it prints the share of right outcomes and of exactly right reason sets,
and, for a set whose lines carry a ``kind`` (judgement | hedge | other_part | both |
describes_child | nonsense), the unclear recall (the share of the non-judgement kinds read as
unclear, also per kind) and the outcome share on the judgements; then every miss unless
``--quiet``; then the mean and 95th-percentile time of one ``interpret`` call over the sets'
sentences.
``--pooled`` adds the figures of all the named sets together; ``--rules-only`` reads without the
second reader (assistant/engine/second_reader.py), as the interpreter did before it.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.engine import second_reader  # noqa: E402
from assistant.engine.interpret import interpret  # noqa: E402
from prompts import get_framework  # noqa: E402

DATA = ROOT / "tests/data"
SETS = {
    "dev": Path(os.environ.get("CASE_REVIEW_DEV_SET", DATA / "answers-dev.jsonl")),
    "hold-out": DATA / "answers-holdout.jsonl",
    # Batch 36 was never written (its writer got no brief).
    **{f"blind-{n}": DATA / f"answers-blind-{n}.jsonl" for n in [*range(3, 36), *range(37, 45)]},
}
UNCLEAR_KINDS = ("hedge", "other_part", "both", "describes_child", "nonsense")

# In a fresh process: the first answer ever (builds shared tables) and the first answer to each
# other criterion (compiles that criterion's words), before anything is cached.
COLD = """
import time
from prompts import get_framework
fw = get_framework()
from assistant.engine.interpret import interpret
t0 = time.perf_counter()
interpret(fw.criteria[0], "never reviewed")
t1 = time.perf_counter()
for c in fw.criteria[1:]:
    interpret(c, "never reviewed after he moved")
t2 = time.perf_counter()
n = len(fw.criteria) - 1
print(f"cold, fresh process: first answer ever {(t1 - t0) * 1e3:.1f} ms; first answer to each "
      f"other criterion {(t2 - t1) * 1e3 / n:.2f} ms (mean of {n})")
"""

# In a fresh process: warm() (what the app runs in a background thread while the first question
# is read), then the first answer.
WARM = """
import time
from prompts import get_framework
fw = get_framework()
t0 = time.perf_counter()
from assistant.engine.interpret import interpret, warm
warm([fw.criteria[0]])
t1 = time.perf_counter()
interpret(fw.criteria[0], "never reviewed")
t2 = time.perf_counter()
print(f"warm, fresh process: import and warm() {(t1 - t0) * 1e3:.1f} ms (in the background); "
      f"then the first answer {(t2 - t1) * 1e3:.2f} ms")
"""


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def score(name: str, rows: list[dict], *, quiet: bool = False) -> dict[str, float]:
    """Print and return the figures of one labelled set."""
    fw = get_framework()
    right_outcome = right_reasons = 0
    misses = []
    by_kind: dict[str, list[bool]] = {}
    for row in rows:
        reading = interpret(fw.criterion(row["criterion"]), row["text"])
        ok_outcome = reading.outcome == row["outcome"]
        ok_reasons = ok_outcome and set(reading.reasons) == set(row["reasons"])
        right_outcome += ok_outcome
        right_reasons += ok_reasons
        if "kind" in row:
            by_kind.setdefault(row["kind"], []).append(ok_outcome)
        if not ok_reasons:
            misses.append((row, reading))
    n = len(rows)
    figures = {"outcome": right_outcome / n, "reasons": right_reasons / n}
    print(
        f"{name}: {n} answers; outcome {right_outcome}/{n} = {figures['outcome']:.1%}; "
        f"exact reasons {right_reasons}/{n} = {figures['reasons']:.1%}"
    )
    if by_kind:
        unclear = [ok for kind in UNCLEAR_KINDS for ok in by_kind.get(kind, [])]
        rest = by_kind.get("judgement", [])
        if unclear:
            figures["unclear_recall"] = sum(unclear) / len(unclear)
            kinds = ", ".join(
                f"{kind} {sum(by_kind[kind])}/{len(by_kind[kind])}"
                for kind in UNCLEAR_KINDS
                if kind in by_kind
            )
            print(
                f"  unclear recall {sum(unclear)}/{len(unclear)} = "
                f"{figures['unclear_recall']:.1%} ({kinds})"
            )
        if rest:
            figures["outcome_rest"] = sum(rest) / len(rest)
            print(
                f"  outcome on the judgements {sum(rest)}/{len(rest)} = "
                f"{figures['outcome_rest']:.1%}"
            )
    for row, reading in [] if quiet else misses:
        kind = f" [{row['kind']}]" if "kind" in row else ""
        print(
            f"  MISS {row['criterion']}{kind}: {row['text']!r}\n"
            f"       want {row['outcome']} {sorted(row['reasons'])}"
            f"  got {reading.outcome} {sorted(reading.reasons)}"
        )
    return figures


def timing(rows: list[dict], rounds: int = 20) -> None:
    fw = get_framework()
    pairs = [(fw.criterion(r["criterion"]), r["text"]) for r in rows]
    for criterion, text in pairs:  # warm the per-criterion cache
        interpret(criterion, text)
    samples = []
    clock = time.perf_counter
    for _ in range(rounds):
        for criterion, text in pairs:
            t0 = clock()
            interpret(criterion, text)
            samples.append(clock() - t0)
    samples.sort()
    mean = statistics.fmean(samples) * 1e6
    median = statistics.median(samples) * 1e6
    p95 = samples[int(len(samples) * 0.95)] * 1e6
    print(
        f"time per interpret call: mean {mean:.0f} us, median {median:.0f} us, "
        f"p95 {p95:.0f} us, max {samples[-1] * 1e3:.1f} ms ({len(samples)} calls)"
    )
    cold = subprocess.run(
        [sys.executable, "-c", COLD],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    print(cold.stdout.strip())
    warmed = subprocess.run(
        [sys.executable, "-c", WARM],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    print(warmed.stdout.strip())
    big = "the plan was never reviewed after he moved placement. " * 2000
    t0 = clock()
    interpret(fw.criterion("rr.plan_review"), big)
    print(f"one {len(big) // 1000} KB answer: {(clock() - t0) * 1e3:.1f} ms")


def main(argv: list[str]) -> None:
    quiet = "--quiet" in argv
    if "--rules-only" in argv:
        second_reader.overrule = lambda *args, **kwargs: None  # type: ignore[assignment]
        print("rules only: the second reader is off")
    wanted = [a for a in argv if not a.startswith("--")] or list(SETS)
    busy = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"machine: {os.cpu_count()} cpus, Python {platform.python_version()}, "
        f"load average {busy:.1f}"
    )
    everything: list[dict] = []
    for name in wanted:
        path = SETS[name]
        if not path.exists():
            print(f"{name}: not found at {path}")
            continue
        rows = load(path)
        score(name, rows, quiet=quiet)
        everything += rows
    if "--pooled" in argv and len(wanted) > 1:
        score("pooled", everything, quiet=True)
    if "--no-timing" not in argv:
        timing(everything)


if __name__ == "__main__":
    main(sys.argv[1:])
