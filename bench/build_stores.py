"""Build the large stores the scale benchmarks read: bench/out/store-10000, store-50000.

    .venv/bin/python bench/build_stores.py [--sizes 10000 50000] [--out bench/out] [--force]

Each store is filled once through the store's own ``save`` (``open_store``: whatever backend
and layout the code of the day has), so the files are exactly what the program writes: one
review at a time, with the listing summary the conversation keeps (``index_summary``:
answered, total, open and urgent flags), the audit trail, the caches.  The reviews are
``tests.report_sample.synthetic``'s (27 judgements each, varied facts, reasons, notes, joint
views, six teams); every fourth one is cut back to an in-progress review with part of its
answers, so the home screen has both kinds and the urgency order means something.  Case
references are ``BEN-00000`` ...; ``BEN-00001`` is an in-progress review (bench/scale.py
resumes it), ``NEW-00001`` is not in any store.

A store already built (``store-N.json`` beside it, written last) is left as it is unless
``--force``.
The folder is git-ignored (``bench/out/``).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.engine.conversation import Engine  # noqa: E402
from assistant.engine.progress import index_summary  # noqa: E402
from prompts import Framework, get_framework  # noqa: E402
from store import Actor, open_store  # noqa: E402
from store.records import Review  # noqa: E402
from tests.report_sample import synthetic  # noqa: E402

OUT = ROOT / "bench" / "out"
ACTOR = Actor("Bench Builder", "case_manager")
RESUME_CASE = "BEN-00001"  # in progress in every store (i % 4 == 1)
NEW_CASE = "NEW-00001"


def reviews(fw: Framework, count: int) -> Iterator[Review]:
    order = [c.id for c in fw.criteria]
    for i, review in enumerate(synthetic(fw, count)):
        if i % 4 == 1:  # in progress: the first part of the answers only
            keep = set(order[: (i * 7) % len(order)])
            review = review.copy(
                status="in_progress",
                completed_at=None,
                judgements={k: v for k, v in review.judgements.items() if k in keep},
            )
        yield review


def build(path: Path, count: int, fw: Framework) -> float:
    engine = Engine(fw)
    store = open_store(str(path))
    t0 = time.perf_counter()
    for n, review in enumerate(reviews(fw, count), 1):
        store.save(
            review, ACTOR, summary=index_summary(engine, review), action="imported", touch=False
        )
        if n % 1000 == 0:
            rate = n / (time.perf_counter() - t0)
            print(f"  {path.name}: {n:,} of {count:,} ({rate:.0f} a second)", flush=True)
    seconds = time.perf_counter() - t0
    path.with_suffix(".json").write_text(
        json.dumps({"reviews": count, "seconds": round(seconds, 1), "resume": RESUME_CASE})
    )
    return seconds


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 50_000])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args(argv[1:])
    fw = get_framework()
    args.out.mkdir(parents=True, exist_ok=True)
    for size in args.sizes:
        path = args.out / f"store-{size}"
        if path.with_suffix(".json").exists() and not args.force:
            print(f"{path}: already built")
            continue
        if path.exists():
            shutil.rmtree(path)
        seconds = build(path, size, fw)
        print(f"{path}: {size:,} reviews in {seconds:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
