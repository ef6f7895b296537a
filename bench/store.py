"""Time saving one answer with 10 and with 5,000 reviews stored (target: ratio at most 1.5).

    .venv/bin/python bench/store.py [--reviews 5000] [--saves 300] [--no-write]

1. Builds two stores in a temporary folder through ``Store.save``: one of 10 reviews and one
   of ``--reviews`` (5,000).  Each review is realistic: the five gating facts and a dozen
   others answered, every one of the 27 criteria of sqs-youth-2014 judged, about a third
   insufficient with one or two reasons, notes of one or two sentences, a summary dict; each
   is saved whole, then once more with one change (as its last answer would be).
2. Saves one answer at a time (a judgement changed, as the conversation does after every
   answer) to a random review of each store, alternating between the two stores so that
   disk and cache conditions are shared, and times each ``save`` call: median and 95th
   percentile for each size, and their ratios.
3. Times listing the large store (``summaries()`` of every review: the first listing after
   the saves, then the median of five more, each from a fresh ``Store`` object, so the
   listing log is read whole each time; and a page of 100 by urgency, as the home screen
   asks for it), ``find_case`` (the case index and one review), and loading every review
   in it (``reviews()``), each from a fresh ``Store`` object.
4. Times ``case-review audit verify`` over the large store as the command does it
   (``Store.verify()``: every review file read and validated, every audit chain hashed and
   replayed), once.
5. Prints the figures and writes them under ``## Store`` in bench/RESULTS.md (other sections
   are left as they are).  Exits 1 if the median ratio is above 1.5.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from prompts import Framework, get_framework  # noqa: E402
from store import Actor, Store  # noqa: E402
from store.records import Judgement, Review  # noqa: E402

RESULTS = ROOT / "bench" / "RESULTS.md"
HEADING = "## Store"
TARGET_RATIO = 1.5
ACTOR = Actor("Sam Case", "case_manager")
NOTES = [
    "The plan lists generic actions only; nothing says who will do what by when.",
    "Assessment completed on time and countersigned; the analysis of offending is clear.",
    "No review after he moved placement in March, although the risk picture changed.",
    "Victim safety was considered and contact restrictions are recorded in the plan.",
    "Speech and language needs were noted at court but not followed up in supervision.",
    "Manager countersigned three weeks late and did not challenge the low risk level.",
]


def realistic_review(fw: Framework, rng: random.Random, number: int) -> Review:
    facts: dict[str, object] = {g: True for g in ("psr", "custody", "mappa", "victim")}
    facts["non_compliance"] = True
    for fact in fw.facts:
        if fact.id in facts:
            continue
        if fact.type == "yesno":
            facts[fact.id] = rng.random() < 0.5
        elif fact.type == "choice":
            facts[fact.id] = rng.choice(fact.options).id
        elif fact.type == "multichoice":
            facts[fact.id] = [o.id for o in fact.options if rng.random() < 0.4]
        elif fact.type == "date":
            day = datetime(2014, 1, 1) + timedelta(days=rng.randrange(400))
            facts[fact.id] = day.date().isoformat()
        else:
            facts[fact.id] = rng.choice(NOTES)
    judgements = {}
    for criterion in fw.criteria:
        insufficient = rng.random() < 0.35
        reasons = rng.sample([r.id for r in criterion.reasons], k=min(2, len(criterion.reasons)))
        judgements[criterion.id] = Judgement(
            outcome="insufficient" if insufficient else "sufficient",
            reasons=tuple(reasons[: rng.randint(1, 2)]) if insufficient else (),
            note=" ".join(rng.sample(NOTES, k=rng.randint(0, 2))),
            answered_at=datetime(2014, 6, 1, tzinfo=UTC) + timedelta(minutes=number),
            answered_by="Sam Case",
        )
    return Review(
        id=f"HAR-{number:05d}-self",
        case_ref=f"HAR-{number:05d}",
        framework=fw.id,
        framework_version=fw.version,
        reviewer="Sam Case",
        team=rng.choice(["North", "South", "East"]),
        status=rng.choice(["in_progress", "complete"]),
        facts=facts,
        judgements=judgements,
    )


def build(path: Path, fw: Framework, count: int, rng: random.Random) -> tuple[Store, float]:
    store = Store.open(path)
    t0 = time.perf_counter()
    for number in range(count):
        review = realistic_review(fw, rng, number)
        saved = store.save(review, ACTOR, summary={"answered": 27, "open_flags": 9})
        # The last save of a review is one change, as in a conversation (status, here).
        status = "complete" if saved.status == "in_progress" else "in_progress"
        store.save(saved.copy(status=status), ACTOR, summary={"answered": 27})
        if count >= 1000 and (number + 1) % 1000 == 0:
            print(f"  built {number + 1:,} reviews", flush=True)
    return store, time.perf_counter() - t0


def one_answer(store: Store, fw: Framework, rng: random.Random, count: int, i: int) -> float:
    review = store.get(f"HAR-{rng.randrange(count):05d}-self")
    criterion = rng.choice(fw.criteria)
    judgements = dict(review.judgements)
    judgements[criterion.id] = Judgement(
        outcome=rng.choice(["sufficient", "insufficient"]), note=f"{rng.choice(NOTES)} ({i})"
    )
    changed = review.copy(judgements=judgements)
    t0 = time.perf_counter()
    store.save(changed, ACTOR, summary={"answered": 27, "open_flags": 8})
    return time.perf_counter() - t0


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--reviews", type=int, default=5000)
    parser.add_argument("--saves", type=int, default=300)
    parser.add_argument("--no-write", action="store_true", help="do not touch RESULTS.md")
    args = parser.parse_args(argv[1:])
    fw = get_framework()
    rng = random.Random(2014)
    big_n = args.reviews

    with tempfile.TemporaryDirectory(prefix="bench-store-") as tmp:
        print(f"building a store of 10 and a store of {big_n:,} reviews in {tmp} ...")
        small, _ = build(Path(tmp) / "small", fw, 10, rng)
        big, build_s = build(Path(tmp) / "big", fw, big_n, rng)
        sample = big.get("HAR-00000-self")
        size = big.review_path(sample.id).stat().st_size

        for _ in range(20):  # warm up both
            one_answer(small, fw, rng, 10, 0)
            one_answer(big, fw, rng, big_n, 0)
        times: dict[str, list[float]] = {"small": [], "big": []}
        for i in range(args.saves):
            times["small"].append(one_answer(small, fw, rng, 10, i))
            times["big"].append(one_answer(big, fw, rng, big_n, i))

        t0 = time.perf_counter()
        listing = Store.open(big.path).summaries()  # the first listing after the saves
        list_cold_s = time.perf_counter() - t0
        pages = []
        for _ in range(5):
            t0 = time.perf_counter()
            Store.open(big.path).summaries(order="urgency", limit=100)
            pages.append(time.perf_counter() - t0)
        page_s = statistics.median(pages)
        warm = []
        for _ in range(5):
            t0 = time.perf_counter()
            listing = Store.open(big.path).summaries()
            warm.append(time.perf_counter() - t0)
        list_s = statistics.median(warm)
        loads = []
        for _ in range(3):
            t0 = time.perf_counter()
            loaded = list(Store.open(big.path).reviews())
            loads.append(time.perf_counter() - t0)
        load_s = statistics.median(loads)
        assert len(listing) == big_n and len(loaded) == big_n
        finds = []
        for _ in range(5):
            t0 = time.perf_counter()
            Store.open(big.path).find_case(f"har-{rng.randrange(big_n):05d}")
            finds.append(time.perf_counter() - t0)
        find_s = statistics.median(finds)
        t0 = time.perf_counter()
        verdict = Store.open(big.path).verify()
        verify_s = time.perf_counter() - t0
        assert verdict.ok and verdict.reviews == big_n, verdict.problems[:3]
        events = verdict.events

    med = {k: statistics.median(v) for k, v in times.items()}
    tail = {k: p95(v) for k, v in times.items()}
    ratio_med = med["big"] / med["small"]
    ratio_p95 = tail["big"] / tail["small"]
    judgements = len(sample.judgements)
    machine = (
        f"{os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )
    lines = [
        HEADING,
        "",
        f"`bench/store.py`, {datetime.now(UTC):%Y-%m-%d}, {machine}; stores in a temporary "
        f"folder on the local disk, every save fsynced.",
        "",
        f"Reviews: {judgements} judgements each (every criterion), 17 facts, notes; "
        f"{size:,} bytes per review file.  Building the {big_n:,}-review store through "
        f"`Store.save` (two saves a review) took {build_s:.1f} s.  {args.saves} saves of one "
        f"answer per store, alternating between the two stores.",
        "",
        f"| save one answer | 10 reviews | {big_n:,} reviews | ratio |",
        "|---|---|---|---|",
        f"| median | {ms(med['small'])} | {ms(med['big'])} | {ratio_med:.2f} |",
        f"| 95th percentile | {ms(tail['small'])} | {ms(tail['big'])} | {ratio_p95:.2f} |",
        "",
        f"| {big_n:,} reviews stored | time |",
        "|---|---|",
        f"| list (`summaries()`, home screen), median of 5 | {ms(list_s)} |",
        f"| first listing after the saves | {ms(list_cold_s)} |",
        f"| a page of 100 by urgency (the home screen), median of 5 | {ms(page_s)} |",
        f"| load every review (`reviews()`), median of 3 | {ms(load_s)} |",
        f"| `find_case` (case index + one load), median of 5 | {ms(find_s)} |",
        f"| `audit verify` (every chain, {events:,} events, and every replay), once | "
        f"{verify_s:.2f} s |",
        "",
        f"Target: median ratio at most {TARGET_RATIO} — "
        f"{'met' if ratio_med <= TARGET_RATIO else 'NOT MET'}.",
    ]
    print("\n".join(lines[2:]))
    if not args.no_write:
        write_section("\n".join(lines))
        print(f"\nwritten under '{HEADING}' in {RESULTS.relative_to(ROOT)}")
    return 0 if ratio_med <= TARGET_RATIO else 1


def write_section(section: str) -> None:
    """Replace (or add) the '## Store' section of RESULTS.md, leaving the rest alone."""
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    pattern = re.compile(rf"^{re.escape(HEADING)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _m: section.rstrip("\n") + "\n\n", text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    RESULTS.write_text(text.rstrip("\n") + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
