"""The PostgreSQL store beside the file store at 10, 10,000 and 50,000 reviews.

    .venv/bin/python bench/postgres.py [--sizes 10,10000,50000] [--saves 200] [--no-write]

Targets (issue 16): the PostgreSQL save cost flat from 10 to 50,000 reviews (the median at
50,000 within 1.5 times the median at 10, as SPEC §8 asks of the file store at 5,000), and
``case-review report`` over 50,000 reviews under 2 s.

1. Stores, built once and kept under ``bench/out/`` (git-ignored) for later runs: a file store
   of each size (``bench/out/file-N``) filled through ``save`` with ``bench/store.py``'s
   realistic reviews (27 judgements, 17 facts, notes; two saves a review, so each has a real
   audit trail; about half complete), then copied into a PostgreSQL database of its own
   (``bench_N``) with ``store copy`` (which is timed too).  The PostgreSQL server is a cluster
   in ``bench/out/pg`` made with this machine's binaries (``tests/pg_cluster.py``), started for
   the run and stopped at its end; default settings (fsync and synchronous commit on), over
   its unix socket.  A store interrupted while being built is finished next time.
2. Save one answer (a judgement changed in a review just loaded; only ``save`` is timed),
   ``--saves`` times in every store, the stores taken in turn so that all see the same
   conditions: median and 95th percentile.
3. Open one review as the app does (``find_case`` then ``get``), median of 20 per store.
4. The listing: every summary (``summaries()``) and the home screen's first page of the most
   urgent (``summaries(order="urgency", limit=50)``), median of 5, each on a freshly opened
   store.
5. ``case-review --store S report --format json`` as a process: the first report (no derived
   rows kept yet: the file store's cache file removed, the PostgreSQL ``derived`` rows
   deleted) and later reports (median of 3).
6. Prints the figures and writes them under ``## PostgreSQL`` in bench/RESULTS.md (other
   sections are left as they are).  Exits 1 if a target is not met.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from prompts import get_framework  # noqa: E402
from store import Actor, open_store  # noqa: E402
from store.copy import copy  # noqa: E402
from tests.pg_cluster import Cluster  # noqa: E402

OUT = ROOT / "bench" / "out"
RESULTS = ROOT / "bench" / "RESULTS.md"
HEADING = "## PostgreSQL"
FLAT = 1.5
REPORT_TARGET_S = 2.0
ACTOR = Actor("Sam Case", "case_manager")
CASE_REVIEW = [str(Path(sys.executable).parent / "case-review")]


def _bench_store() -> Any:
    """bench/store.py (its name is the store package's: loaded under another)."""
    spec = importlib.util.spec_from_file_location("bench_store", ROOT / "bench" / "store.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BENCH = _bench_store()


def build_file(path: Path, count: int) -> float:
    """The file store of ``count`` reviews (built, or finished, here); seconds spent."""
    fw = get_framework()
    store = open_store(str(path))
    have = store.summaries(limit=0).total
    if have >= count:
        return 0.0
    print(f"  building {path.name}: {have:,} of {count:,} reviews there", flush=True)
    t0 = time.perf_counter()
    for number in range(count):
        review = BENCH.realistic_review(fw, random.Random(number), number)
        if store.exists(review.id):
            continue
        saved = store.save(review, ACTOR, summary={"answered": 27, "open_flags": 9})
        status = "complete" if saved.status == "in_progress" else "in_progress"
        store.save(saved.copy(status=status), ACTOR, summary={"answered": 27})
        if (number + 1) % 5000 == 0:
            print(f"  {path.name}: {number + 1:,} reviews", flush=True)
    return time.perf_counter() - t0


def build_pg(cluster: Cluster, source: Path, count: int) -> tuple[str, float]:
    """A database holding a copy of the file store ``source``; its URL and the copy's time."""
    name = f"bench_{count}"
    if not cluster.sql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'"):
        cluster.sql(f'CREATE DATABASE "{name}"')
    url = cluster.url(name)
    target = open_store(url)
    if target.summaries(limit=0).total >= count:
        return url, 0.0
    print(f"  copying {source.name} into {name}", flush=True)
    t0 = time.perf_counter()
    done = copy(open_store(str(source)), target)
    assert not done.problems, done.problems[:3]
    return url, time.perf_counter() - t0


def median_of(times: int, work: Any) -> float:
    spent = []
    for _ in range(times):
        t0 = time.perf_counter()
        work()
        spent.append(time.perf_counter() - t0)
    return statistics.median(spent)


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.2f} ms" if seconds < 1 else f"{seconds:,.2f} s"


def report_process(spec: str) -> float:
    t0 = time.perf_counter()
    result = subprocess.run(
        [*CASE_REVIEW, "--store", spec, "report", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    spent = time.perf_counter() - t0
    assert result.returncode == 0, result.stderr[-2000:]
    return spent


def forget_report_rows(spec: str, cluster: Cluster) -> None:
    """The first report: no rows kept from an earlier one."""
    if spec.startswith("postgresql"):
        name = spec.split("/")[3].split("?")[0]
        cluster.sql("DELETE FROM case_review.derived", dbname=name)
    else:
        (Path(spec) / "cache" / "report-rows.json").unlink(missing_ok=True)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", default="10,10000,50000")
    parser.add_argument("--saves", type=int, default=200)
    parser.add_argument("--no-write", action="store_true", help="do not touch RESULTS.md")
    args = parser.parse_args(argv[1:])
    sizes = [int(n) for n in args.sizes.split(",")]
    OUT.mkdir(exist_ok=True)
    fw = get_framework()
    load_start = os.getloadavg()[0]

    built: dict[str, float] = {}
    for n in sizes:
        spent = build_file(OUT / f"file-{n}", n)
        if spent:
            built[f"file store of {n:,} reviews through `save` (two saves a review)"] = spent
    cluster = Cluster(OUT / "pg").start()
    try:
        urls: dict[int, str] = {}
        for n in sizes:
            urls[n], spent = build_pg(cluster, OUT / f"file-{n}", n)
            if spent:
                built[f"`store copy` of the {n:,}-review file store into PostgreSQL"] = spent
        pg_version = str(cluster.sql("SHOW server_version")[0][0])
        stores: dict[tuple[str, int], str] = {}
        for n in sizes:
            stores[("file", n)] = str(OUT / f"file-{n}")
            stores[("postgresql", n)] = urls[n]
        opened = {key: open_store(spec) for key, spec in stores.items()}
        rng = random.Random(16)

        print("saving one answer ...", flush=True)
        saves: dict[tuple[str, int], list[float]] = {key: [] for key in stores}
        for i in range(args.saves + 20):
            for key, store in opened.items():
                spent = BENCH.one_answer(store, fw, rng, key[1], i)
                if i >= 20:  # the first 20: warming up
                    saves[key].append(spent)

        print("opening one review, listing ...", flush=True)
        finds: dict[tuple[str, int], float] = {}
        lists: dict[tuple[str, int], float] = {}
        pages: dict[tuple[str, int], float] = {}
        for key, spec in stores.items():
            n = key[1]
            store = open_store(spec)

            def find(store: Any = store, n: int = n) -> None:
                found = store.find_case(f"har-{rng.randrange(n):05d}")
                assert found.review is not None
                store.get(found.review.id)

            finds[key] = median_of(20, find)
            lists[key] = median_of(5, lambda spec=spec, n=n: _listed(spec, n))
            pages[key] = median_of(
                5, lambda spec=spec: open_store(spec).summaries(order="urgency", limit=50)
            )

        print("reports ...", flush=True)
        first: dict[tuple[str, int], float] = {}
        later: dict[tuple[str, int], float] = {}
        for key, spec in stores.items():
            if key[1] < 10_000:
                continue
            forget_report_rows(spec, cluster)
            first[key] = report_process(spec)
            later[key] = statistics.median(report_process(spec) for _ in range(3))
    finally:
        cluster.stop(remove=False)

    big = max(sizes)
    small = min(sizes)
    med = {key: statistics.median(v) for key, v in saves.items()}
    tail = {key: p95(v) for key, v in saves.items()}
    flat = med[("postgresql", big)] / med[("postgresql", small)]
    report_big = later.get(("postgresql", big), 0.0)
    met_flat = flat <= FLAT
    met_report = report_big < REPORT_TARGET_S
    machine = (
        f"{os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), Python "
        f"{platform.python_version()}, PostgreSQL {pg_version}, {platform.system()} "
        f"{platform.release()}; load average {load_start:.1f} at the start, "
        f"{os.getloadavg()[0]:.1f} at the end"
    )
    cols = [(b, n) for b in ("file", "postgresql") for n in sizes]
    head = " | ".join(f"{'file' if b == 'file' else 'PostgreSQL'} {n:,}" for b, n in cols)
    rule = "|---" * (len(cols) + 1) + "|"

    def row(label: str, values: dict[tuple[str, int], float]) -> str:
        return (
            f"| {label} | " + " | ".join(ms(values[c]) if c in values else "" for c in cols) + " |"
        )

    lines = [
        HEADING,
        "",
        f"`bench/postgres.py`, {datetime.now(UTC):%Y-%m-%d}, {machine}.  The PostgreSQL "
        "server ran on this machine with its default settings (fsync and synchronous commit "
        "on), reached over its unix socket; the file stores on the local disk, every save "
        "fsynced.  The machine is shared with other work.",
        "",
        f"Reviews from `bench/store.py` (27 judgements, 17 facts, notes; two saves a review; "
        f"about half complete).  {args.saves} saves of one answer per store, the stores taken "
        "in turn.",
        "",
        f"| | {head} |",
        rule,
        row("save one answer, median", med),
        row("save one answer, 95th percentile", tail),
        row("open one review (`find_case` + `get`), median of 20", finds),
        row("list every review (`summaries()`), median of 5", lists),
        row("home screen page (50 most urgent), median of 5", pages),
        row("`report --format json` process, first (no rows kept)", first),
        row("`report --format json` process, later, median of 3", later),
        "",
        f"- PostgreSQL save cost, {big:,} against {small:,} reviews: median ratio "
        f"{flat:.2f} (target at most {FLAT}: {'met' if met_flat else 'NOT MET'}); file "
        f"store: {med[('file', big)] / med[('file', small)]:.2f}.",
        f"- `case-review report` over {big:,} reviews on PostgreSQL: {ms(report_big)} "
        f"(target under {REPORT_TARGET_S:.0f} s: {'met' if met_report else 'NOT MET'}).",
    ]
    lines += [f"- Built this run: {what}: {spent:.0f} s." for what, spent in built.items()]
    print("\n".join(lines[2:]))
    if not args.no_write:
        write_section("\n".join(lines))
        print(f"\nwritten under '{HEADING}' in {RESULTS.relative_to(ROOT)}")
    return 0 if met_flat and met_report else 1


def _listed(spec: str, n: int) -> None:
    listing = open_store(spec).summaries()
    assert len(listing) == n, (len(listing), n)


def write_section(section: str) -> None:
    """Replace (or add) the '## PostgreSQL' section of RESULTS.md, leaving the rest alone; a
    hand-written part of it after a line '<!-- notes -->' is kept."""
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    pattern = re.compile(rf"^{re.escape(HEADING)}\n.*?(?=^## |\Z)", re.S | re.M)
    found = pattern.search(text)
    if found:
        notes = found.group(0).partition("<!-- notes -->")[2]
        if notes:
            section = section.rstrip("\n") + "\n\n<!-- notes -->" + notes.rstrip("\n")
        text = text[: found.start()] + section.rstrip("\n") + "\n\n" + text[found.end() :]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    RESULTS.write_text(text.rstrip("\n") + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
