"""Time the inspection-style report over 5,000 complete reviews (target: JSON under one second).

    .venv/bin/python bench/report.py [--count 5000] [--repeat 5] [--no-store] [--no-write]

1. Builds ``--count`` fictional complete reviews in memory (``tests.report_sample.
   synthetic``: 27 judgements each, every criterion judged, varied facts so some judgements
   are gated out, 1–2 reasons per insufficient judgement, notes, joint-review views).
2. Times the report itself over them: aggregation, then each format (best and median).
3. Saves the same reviews into a temporary store through ``Store.save`` and times the full
   path from the store (open, listing, rows, report, JSON), in process and as a real
   ``case-review report --format json`` process, each two ways: the first report on the
   store (every review file read and validated, the rows cached: see
   ``assistant.report.cli.report_over_store``) and every later report (rows of unchanged
   reviews from the cache); then a report after 100 reviews were saved since the last one,
   and the process again with ``--busy`` CPU-bound processes beside it (a loaded machine).
   Where the time goes is broken down (listing, cached rows, report; for a first report,
   loading, with reading, parsing and validating timed apart).
4. Prints the figures and writes them under ``## Report`` in bench/RESULTS.md (other
   sections of that file are left as they are).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.report import build_report, render  # noqa: E402
from prompts import get_framework  # noqa: E402
from tests.report_sample import synthetic  # noqa: E402

RESULTS = ROOT / "bench" / "RESULTS.md"
HEADING = "## Report"


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float, object]:
    """(best, median) seconds over ``repeat`` runs, and the last result."""
    times = []
    result: object = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return min(times), statistics.median(times), result


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-store", action="store_true", help="skip the store path")
    parser.add_argument("--no-write", action="store_true", help="do not touch RESULTS.md")
    parser.add_argument(
        "--busy",
        type=int,
        default=2,
        help="CPU-bound processes to run beside the report process for the loaded figures",
    )
    args = parser.parse_args(argv[1:])

    framework = get_framework()
    lines: list[str] = []
    load_at_start = load()

    def say(text: str = "") -> None:
        print(text, flush=True)
        lines.append(text)

    t0 = time.perf_counter()
    reviews = list(synthetic(framework, args.count))
    build_s = time.perf_counter() - t0
    judgements = sum(len(r.judgements) for r in reviews)
    say(
        f"{args.count:,} complete reviews, {judgements:,} judgements "
        f"({judgements / args.count:.0f} each), built in memory in {ms(build_s)}"
    )

    best, median, report = timed(lambda: build_report(framework, reviews), args.repeat)
    counted = sum(c.relevant + c.not_applicable for c in report.criteria)  # type: ignore[attr-defined]
    say(
        f"- aggregation alone (rows made from the reviews, then counted): best {ms(best)}, "
        f"median {ms(median)} "
        f"({counted:,} judgements counted, the rest gated out)"
    )
    json_best, json_median, out = timed(
        lambda: render(build_report(framework, reviews), "json"), args.repeat
    )
    say(
        f"- **JSON report, in memory (aggregation + JSON): best {ms(json_best)}, "
        f"median {ms(json_median)}** (target: under 1 s; {len(out):,} bytes)"  # type: ignore[arg-type]
    )
    for fmt in ("csv", "md", "text", "html"):
        b, m, out = timed(lambda fmt=fmt: render(report, fmt), max(1, args.repeat // 2))  # type: ignore[misc]
        say(f"- render {fmt} alone: best {ms(b)}, median {ms(m)} ({len(out):,} bytes)")  # type: ignore[arg-type]

    if not args.no_store:
        store_figures(framework, reviews, args, say, json_best)

    say()
    say(
        f"Machine: {os.cpu_count()} CPUs (nproc {nproc()}), Python {platform.python_version()} "
        f"on {platform.system()} {platform.machine()}; load average at start "
        f"{load_at_start}, at end {load()}; {datetime.now(UTC).strftime('%Y-%m-%d')}."
    )
    if not args.no_write:
        write_results(lines)
        print(f"\nwritten under '{HEADING}' in {RESULTS.relative_to(ROOT)}")
    return 0


def store_figures(framework, reviews, args, say, report_best: float) -> None:  # type: ignore[no-untyped-def]
    from assistant.report import ReportFilter
    from assistant.report.aggregate import build_report_from_rows
    from assistant.report.cli import report_from_store
    from assistant.report.rows import ROW_VERSION, row
    from checked import validate
    from store import Actor, Store
    from store.records import Review, migrate

    folder = Path(tempfile.mkdtemp(prefix="bench-report-"))
    try:
        path = folder / "store"
        store = Store.open(path)
        actor = Actor("bench", "manager")
        t0 = time.perf_counter()
        for review in reviews:
            # As in use: the review is written while in progress, and its last save is the
            # one that marks it complete (so its file holds that save's few audit events).
            draft = review.copy(status="in_progress", completed_at=None)
            saved = store.save(draft, actor, action="answered", touch=False)
            done = review.copy(revision=saved.revision)
            store.save(done, actor, action="status", touch=False)
        save_s = time.perf_counter() - t0
        files = list((path / "reviews").glob("*.json"))
        size = sum(f.stat().st_size for f in files)
        say(
            f"- store filled through Store.save in {save_s:.1f} s (two saves a review, "
            f"{save_s / len(reviews) / 2 * 1000:.1f} ms a save; review files average "
            f"{size / len(files) / 1024:.1f} KiB)"
        )

        cache = path / "cache"

        def full() -> str:
            report, _problems = report_from_store(str(path), framework, ReportFilter())
            return render(report, "json")

        def cold() -> str:
            shutil.rmtree(cache, ignore_errors=True)
            return full()

        full()  # warm the OS file cache; the figures below are warm-file-cache figures
        cold_best, cold_median, _ = timed(cold, args.repeat)
        say(
            f"- **JSON report through the store, in process, first report on the store** "
            f"(no row cache yet: open, list, read and validate every review file, cache the "
            f"rows, report): **best {ms(cold_best)}, median {ms(cold_median)}**"
        )
        full()
        best, median, _ = timed(full, args.repeat)
        say(
            f"- **JSON report through the store, in process, every later report** (open, list, "
            f"rows of unchanged reviews from the cache, report): **best {ms(best)}, median "
            f"{ms(median)}**"
        )
        changed = reviews[: min(100, len(reviews))]
        after = []
        for _ in range(3):
            for review in changed:
                current = store.get(review.id)
                store.save(current, actor, action="answered")
            t0 = time.perf_counter()
            full()
            after.append(time.perf_counter() - t0)
        say(
            f"- JSON report after {len(changed)} reviews were saved since the last one (those "
            f"files read and validated again, their rows appended to the cache): best "
            f"{ms(min(after))}, median {ms(statistics.median(after))}"
        )

        # Where the time goes (garbage collector paused, as report_from_store does).
        gc.disable()
        s = Store.open(path)
        t0 = time.perf_counter()
        listing = s.summaries()
        list_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        loaded = list(s.reviews())  # the listing again, then each file validated in one pass
        get_s = time.perf_counter() - t0 - list_s
        t0 = time.perf_counter()
        made = [row(review) for review in loaded]
        rows_s = time.perf_counter() - t0
        assert len(made) == len(loaded)
        t0 = time.perf_counter()
        cached = s.derived("report-rows", ROW_VERSION, row, status="complete")
        derived_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        render(build_report_from_rows(framework, cached), "json")
        report_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        raw = [f.read_bytes() for f in files]
        read_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        docs = [json.loads(b) for b in raw]
        parse_s = time.perf_counter() - t0
        records = [next(iter(d["review"].values()))["record"] for d in docs]
        t0 = time.perf_counter()
        for record in records:
            validate(Review, migrate(record))
        validate_s = time.perf_counter() - t0
        gc.enable()
        cache_size = sum(p.stat().st_size for p in cache.glob("report-rows.*"))
        verdict = "meets" if max(best, cold_best) < 1 else "misses"
        say(
            f"- Verdict: the report through the store {verdict} the 1 s target in process, "
            f"first report included. Later reports: listing {ms(list_s)}, rows from the cache "
            f"(listing included) {ms(derived_s)}, report + JSON {ms(report_s)}. A first "
            f"report adds loading every review (Store.reviews, one pass of pydantic a file, the "
            f"listing not counted again) {ms(get_s)} "
            f"({get_s / len(listing) * 1000:.2f} ms a review), making the rows {ms(rows_s)} "
            f"and writing the cache ({cache_size / 2**20:.1f} MiB)."
        )
        say(
            f"  - loading is parsing and validating, not the disk: over the same files, reading "
            f"the bytes alone ~{ms(read_s)}, json.loads alone ~{ms(parse_s)}, pydantic "
            f"validation of the parsed records alone ~{ms(validate_s)} (files the store wrote "
            f"itself are read back without it; see store.review_files.trusted_load)"
        )

        exe = Path(sys.executable).parent / "case-review"
        cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "assistant"]
        cmd += ["report", "--format", "json", "--store", str(path)]

        def as_process(clear: bool) -> list[float] | None:
            times = []
            for _ in range(3):
                if clear:
                    shutil.rmtree(cache, ignore_errors=True)
                t0 = time.perf_counter()
                result = subprocess.run(cmd, capture_output=True, check=False)
                times.append(time.perf_counter() - t0)
                if result.returncode != 0:
                    say(f"  - case-review report failed: {result.stderr.decode()[-300:]}")
                    return None
            return times

        for label, clear in (("first report", True), ("later reports", False)):
            times = as_process(clear)
            if times is None:
                return
            say(
                f"- **`case-review report --format json` as a process over the store, {label}: "
                f"best {ms(min(times))}, median {ms(statistics.median(times))}** (includes "
                f"Python start-up and imports)"
            )
        if args.busy > 0:
            # A loaded machine: CPU-bound processes compete with the report for the cores.
            busy = [
                subprocess.Popen([sys.executable, "-c", "while True: pass"])
                for _ in range(args.busy)
            ]
            try:
                time.sleep(1)
                first = as_process(True)
                later = as_process(False)
            finally:
                for process in busy:
                    process.terminate()
                for process in busy:
                    process.wait()
            if first and later:
                say(
                    f"- the same process with {args.busy} CPU-bound processes running beside "
                    f"it ({os.cpu_count()} CPUs): first report median "
                    f"{ms(statistics.median(first))}, later reports median "
                    f"{ms(statistics.median(later))}"
                )
        empty = folder / "empty"
        Store.open(empty)
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            subprocess.run([*cmd[:-1], str(empty)], capture_output=True, check=False)
            times.append(time.perf_counter() - t0)
        say(f"  - the same command on an empty store: best {ms(min(times))} (start-up, imports)")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def load() -> str:
    """The 1-minute load average: other work on the machine skews every figure here."""
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except OSError:
        return "?"


def nproc() -> str:
    try:
        return subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip() or "?"
    except OSError:
        return "?"


def write_results(lines: list[str]) -> None:
    """Replace (or add) the '## Report' section of RESULTS.md, leaving the rest alone."""
    section = (
        f"{HEADING}\n\n`bench/report.py`: the inspection-style report over synthetic complete "
        "reviews (SPEC §8: under one second for 5,000).\n\n" + "\n".join(lines).strip() + "\n"
    )
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    pattern = re.compile(rf"^{re.escape(HEADING)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _m: section + "\n", text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    RESULTS.write_text(text.rstrip("\n") + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
