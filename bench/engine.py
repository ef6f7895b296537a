"""Time the pure engine per answer (target: under 1 ms), over whole reviews of the SQS framework.

Run: .venv/bin/python bench/engine.py
"""

from __future__ import annotations

import platform
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.engine.conversation import Engine
from prompts import get_framework

REPLIES = {
    "judgement": [
        "1",
        "1",
        "1",
        "2",
        "3",
        "nope, never reviewed after he moved placement",
        "yes it was thorough, used police intel on peer associations",
    ],
    "reasons": ["1", "1 2", "skip"],
    "note": ["skip", "The record shows no review since the move."],
}


def one_review(engine: Engine, rng: random.Random, timings: list[float]) -> None:
    step = engine.start(engine.new_review("bench", "HAR-99"))
    while step.question is not None:
        q = step.question
        if q.step == "fact":
            fact = engine.fw.fact(q.item)
            reply = {
                "yesno": rng.choice(["yes", "no"]),
                "date": "2014-09-0" + str(rng.randint(1, 9)),
                "multichoice": rng.choice(["1 2", "1", "none"]),
            }.get(fact.type, "1")
        else:
            reply = rng.choice(REPLIES.get(q.step, ["1"]))
        t0 = time.perf_counter()
        step = engine.respond(step.review, reply)
        timings.append(time.perf_counter() - t0)


def main() -> None:
    engine = Engine(get_framework())
    rng = random.Random(7)
    one_review(engine, rng, [])  # warm caches
    timings: list[float] = []
    for _ in range(200):
        one_review(engine, rng, timings)
    timings.sort()
    ms = [t * 1000 for t in timings]
    print(f"engine per answer over {len(ms)} answers (200 reviews, sqs-youth-2014)")
    print(
        f"  median {statistics.median(ms):.3f} ms   p95 {ms[int(len(ms) * 0.95)]:.3f} ms   "
        f"max {ms[-1]:.3f} ms   (target: under 1 ms)"
    )
    print(f"  python {platform.python_version()}, {platform.machine()}")


if __name__ == "__main__":
    main()
