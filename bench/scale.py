"""Start-up, the home screen, export and the report on big stores, each beside a bare Textual app.

    .venv/bin/python bench/build_stores.py            (once: bench/out/store-10000, -50000)
    .venv/bin/python bench/scale.py [--rounds 11] [--only start,home,export,report]
                                    [--code DIR] [--no-headless] [--sizes 10000 50000]

Every figure comes from real processes of ``case-review`` (the console script of this
checkout, or the code in ``--code DIR``, a copy of another commit's tree, put first on
PYTHONPATH) and is printed; nothing here asserts a speed.

1. Start to first question (SPEC §8, issue 15: within 1.3 times a bare Textual app; 1.5 times
   at 50,000 reviews).  Pairs of runs, ours then the bare app (``bench/ui.py``'s: an App with
   one Static) or the other way round, alternating, ``--rounds`` pairs per scenario; each run
   a new process timed from just before it is spawned:

   * pty: on a pseudo-terminal (100x40) with Textual's ordinary driver, stopped when the
     question's id (``[psr]``; a resumed review: the id of its next question) or the bare
     app's text reaches the terminal;
   * headless (unless ``--no-headless``): bench/ui.py's probe, exiting right after the first
     displayed refresh in which the question is visible.

   Scenarios: the first run ever (a new home folder each run: no framework cache, a store
   folder that does not exist yet), warm (the home folder of the earlier runs) on a new
   empty store, a new review and a resumed one (``BEN-00001``) on the 10,000- and
   50,000-review stores, and both first-ever and warm from a fresh copy of the code without
   any ``.pyc`` (``PYTHONDONTWRITEBYTECODE=1``: every module of ours compiled in every run,
   as from a read-only install; the bare app runs with the same setting).  New reviews on the
   big stores use a new case reference every run (``NEW-<run>``): a run is killed once its
   question shows, which may be after the review was saved, so each run may add one review.

2. Home screen rows: ``case-review --store STORE`` until the home screen's line "... most
   urgent first" (written with the rows) reaches the terminal, paired with the bare app; and
   on an empty store, until its "No reviews yet" line shows (the screen's own floor).

3. Export: ``case-review export --output FILE`` of each big store; wall time and the
   process's peak resident memory (``wait4``'s ru_maxrss).

4. Report: ``case-review report --format json`` over each big store: the first report (the
   store's derived caches removed first) and later ones (median).

The machine is shared: the load average is printed at the start and end of each part.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import ui  # noqa: E402  (bench/ui.py: the pty and headless runners, the bare app, the probe)

OUT = ROOT / "bench" / "out"
BIN = Path(sys.executable).parent
RESUME_CASE = "BEN-00001"
HOME_MARKER = "most urgent first"
EMPTY_MARKER = "No reviews yet"


def load() -> str:
    with contextlib.suppress(OSError):
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    return "?"


@dataclass
class Pairs:
    """Paired runs of one scenario: ours and the bare app, seconds."""

    name: str
    ours: list[float] = field(default_factory=list)
    bare: list[float] = field(default_factory=list)
    ours_cpu: list[float] = field(default_factory=list)
    bare_cpu: list[float] = field(default_factory=list)

    def line(self) -> str:
        o, b = statistics.median(self.ours), statistics.median(self.bare)
        ratios = [x / y for x, y in zip(self.ours, self.bare, strict=True)]
        cpu = ""
        if self.ours_cpu and any(self.ours_cpu):
            co, cb = statistics.median(self.ours_cpu), statistics.median(self.bare_cpu)
            cpu = f"; CPU {co * 1000:.0f} / {cb * 1000:.0f} ms ({co / cb:.2f})"
        return (
            f"{self.name}: ours {o * 1000:.0f} ms, bare {b * 1000:.0f} ms, ratio of medians "
            f"{o / b:.2f} (median of pair ratios {statistics.median(ratios):.2f}; ours "
            f"{min(self.ours) * 1000:.0f}-{max(self.ours) * 1000:.0f} ms; "
            f"n={len(self.ours)}{cpu})"
        )


class Bench:
    def __init__(self, args: argparse.Namespace, work: Path) -> None:
        self.args = args
        self.work = work
        self.code = Path(args.code).resolve() if args.code else ROOT
        (work / "bare_app.py").write_text(ui.BARE_APP)
        self.probe = work / "probe.py"
        self.probe.write_text(ui.PROBE)
        self.warm_home = work / "home-warm"
        self.warm_home.mkdir()
        self.counter = 0
        self.lines: list[str] = []
        self.nopyc: Path | None = None

    def say(self, text: str = "") -> None:
        print(text, flush=True)
        self.lines.append(text)

    def next(self) -> int:
        self.counter += 1
        return self.counter

    def env(self, home: Path, *, headless: bool, code: Path | None = None) -> dict[str, str]:
        env = ui.child_env(home, headless=headless)
        env["PYTHONPATH"] = str(code or self.code)
        return env

    def fresh_home(self) -> Path:
        home = self.work / f"home-{self.next()}"
        home.mkdir()
        return home

    def store_of_one(self) -> Path:
        """A store holding only the review the big stores' resumed runs open (the same one:
        bench/build_stores.py's), built once by the code under test."""
        path = self.work / "store-one"
        if not path.exists():
            script = (
                "import sys\n"
                "sys.path.insert(0, sys.argv[2])\n"
                "from build_stores import ACTOR, reviews\n"
                "from assistant.engine.conversation import Engine\n"
                "from assistant.engine.progress import index_summary\n"
                "from prompts import get_framework\n"
                "from store import open_store\n"
                "fw = get_framework(); engine = Engine(fw); store = open_store(sys.argv[1])\n"
                "for review in reviews(fw, 2):\n"
                "    if review.case_ref == 'BEN-00001':\n"
                "        store.save(review, ACTOR, summary=index_summary(engine, review),\n"
                "                   action='imported', touch=False)\n"
            )
            subprocess.run(
                [sys.executable, "-c", script, str(path), str(ROOT / "bench")],
                env={**os.environ, "PYTHONPATH": f"{self.code}:{ROOT}"},
                check=True,
            )
        return path

    def nopyc_copy(self) -> Path:
        """A copy of the code without any compiled file (made once; never written to, since
        every run has PYTHONDONTWRITEBYTECODE=1)."""
        if self.nopyc is None:
            self.nopyc = self.work / "code-nopyc"
            shutil.copytree(
                self.code,
                self.nopyc,
                ignore=shutil.ignore_patterns(
                    "__pycache__", "*.pyc", ".venv", ".git", "bench", "tests", "*.egg-info"
                ),
            )
        return self.nopyc

    # -- one run -------------------------------------------------------------------------

    def ours_cmd(self, store: Path, argv: list[str], headless: bool, marker: str) -> list[str]:
        if headless:
            return [sys.executable, str(self.probe), marker, "cli", "--store", str(store), *argv]
        return [str(BIN / "case-review"), "--store", str(store), *argv]

    def bare_cmd(self, headless: bool) -> list[str]:
        if headless:
            return [sys.executable, str(self.probe), ui.BARE_MARKER, "bare"]
        return [sys.executable, str(self.work / "bare_app.py")]

    def run(self, cmd: list[str], marker: str, env: dict[str, str], headless: bool) -> ui.StartRun:
        if headless:
            before = ui.children_cpu()
            result = ui.run_headless(cmd, env)
            result.cpu = ui.children_cpu() - before
            return result
        return ui.run_pty(cmd, marker.encode(), env)

    def paired(
        self,
        name: str,
        ours: Callable[[bool], tuple[list[str], str, dict[str, str]]],
        bare_env: Callable[[bool], dict[str, str]],
        rounds: int,
        headless: bool,
    ) -> Pairs:
        pairs = Pairs(name)
        warm = 1
        for i in range(-warm, rounds):
            order = (0, 1) if i % 2 == 0 else (1, 0)
            got: dict[int, ui.StartRun] = {}
            for which in order:
                if which == 0:
                    cmd, marker, env = ours(headless)
                else:
                    cmd, marker, env = self.bare_cmd(headless), ui.BARE_MARKER, bare_env(headless)
                got[which] = self.run(cmd, marker, env, headless)
            if i < 0:
                continue  # a discarded pair: disk caches, the first compile of a copy
            pairs.ours.append(got[0].wall)
            pairs.bare.append(got[1].wall)
            pairs.ours_cpu.append(got[0].cpu)
            pairs.bare_cpu.append(got[1].cpu)
            print(f"  {name}: {i + 1}/{rounds}", end="\r", file=sys.stderr, flush=True)
        print(" " * 60, end="\r", file=sys.stderr)
        self.say("  " + pairs.line())
        return pairs

    # -- the parts -----------------------------------------------------------------------

    def start(self) -> None:
        rounds, args = self.args.rounds, self.args
        self.say(f"Start to first question (load average at start {load()})")
        modes = [False] if args.no_headless else [False, True]
        for headless in modes:
            kind = "headless" if headless else "pty"
            self.say(f"{kind}:")

            def first_ever(h: bool, code: Path | None = None) -> tuple[list[str], str, dict]:
                home = self.fresh_home()
                store = home / "store"
                env = self.env(home, headless=h, code=code)
                if code is not None:
                    env["PYTHONDONTWRITEBYTECODE"] = "1"
                return self.ours_cmd(store, ["review", "HAR-01"], h, "[psr]"), "[psr]", env

            def warm_empty(h: bool, code: Path | None = None) -> tuple[list[str], str, dict]:
                store = self.work / f"store-{self.next()}"
                env = self.env(self.warm_home, headless=h, code=code)
                if code is not None:
                    env["PYTHONDONTWRITEBYTECODE"] = "1"
                return self.ours_cmd(store, ["review", "HAR-01"], h, "[psr]"), "[psr]", env

            def bare(h: bool) -> dict[str, str]:
                return self.env(self.warm_home, headless=h)

            def bare_nopyc(h: bool) -> dict[str, str]:
                return {**self.env(self.warm_home, headless=h), "PYTHONDONTWRITEBYTECODE": "1"}

            self.paired("first run ever, empty store", first_ever, bare, rounds, headless)
            self.paired("warm, empty store", warm_empty, bare, rounds, headless)
            alone = self.store_of_one()
            marker_alone = resume_marker(alone, self.code)

            def resumed_alone(
                h: bool, alone: Path = alone, marker: str = marker_alone
            ) -> tuple[list[str], str, dict]:
                env = self.env(self.warm_home, headless=h)
                return self.ours_cmd(alone, ["review", RESUME_CASE], h, marker), marker, env

            self.paired(
                f"warm, 1 review ({RESUME_CASE} alone), resumed",
                resumed_alone,
                bare,
                rounds,
                headless,
            )
            for size in args.sizes:
                store = OUT / f"{self.args.prefix}{size}"
                if not store.exists():
                    self.say(f"  {store} missing: run bench/build_stores.py")
                    continue

                def new_case(h: bool, store: Path = store) -> tuple[list[str], str, dict]:
                    argv = ["review", f"NEW-{os.getpid()}-{self.next()}"]
                    env = self.env(self.warm_home, headless=h)
                    return self.ours_cmd(store, argv, h, "[psr]"), "[psr]", env

                marker = resume_marker(store, self.code)

                def resumed(
                    h: bool, store: Path = store, marker: str = marker
                ) -> tuple[list[str], str, dict]:
                    env = self.env(self.warm_home, headless=h)
                    return self.ours_cmd(store, ["review", RESUME_CASE], h, marker), marker, env

                self.paired(
                    f"warm, {size:,} reviews, a new review", new_case, bare, rounds, headless
                )
                self.paired(
                    f"warm, {size:,} reviews, {RESUME_CASE} resumed",
                    resumed,
                    bare,
                    rounds,
                    headless,
                )
            copy = self.nopyc_copy()
            self.paired(
                "no .pyc (fresh copy, PYTHONDONTWRITEBYTECODE=1), first run ever",
                lambda h, copy=copy: first_ever(h, copy),
                bare_nopyc,
                rounds,
                headless,
            )
            self.paired(
                "no .pyc (fresh copy, PYTHONDONTWRITEBYTECODE=1), warm, empty store",
                lambda h, copy=copy: warm_empty(h, copy),
                bare_nopyc,
                rounds,
                headless,
            )
        self.say(f"(load average at end {load()})")

    def home(self) -> None:
        self.say(f"Home screen rows on screen (load average at start {load()})")
        modes = [False] if self.args.no_headless else [False, True]
        for headless in modes:
            self.say("headless:" if headless else "pty:")
            for size in [0, *self.args.sizes]:
                store = OUT / f"{self.args.prefix}{size}" if size else self.work / "store-empty"
                marker = HOME_MARKER if size else EMPTY_MARKER
                if size and not store.exists():
                    continue

                def home(
                    h: bool, store: Path = store, marker: str = marker
                ) -> tuple[list[str], str, dict]:
                    env = self.env(self.warm_home, headless=h)
                    return self.ours_cmd(store, [], h, marker), marker, env

                rounds = self.args.rounds if size <= 10_000 else max(3, self.args.rounds // 2)
                self.paired(
                    f"home screen, {size:,} reviews",
                    home,
                    lambda h: self.env(self.warm_home, headless=h),
                    rounds,
                    headless,
                )
        self.say(f"(load average at end {load()})")

    def export(self) -> None:
        self.say(f"Export (load average at start {load()})")
        for size in self.args.sizes:
            store = OUT / f"{self.args.prefix}{size}"
            if not store.exists():
                continue
            walls, peaks, sizes = [], [], []
            for _ in range(self.args.export_runs):
                target = self.work / "export.json"
                cmd = [str(BIN / "case-review"), "--store", str(store), "export"]
                wall, peak, code = measure(
                    [*cmd, "--output", str(target)], self.env(self.warm_home, headless=True)
                )
                if code != 0:
                    self.say(f"  export of {size:,} reviews exited {code}")
                walls.append(wall)
                peaks.append(peak)
                sizes.append(target.stat().st_size if target.exists() else 0)
                with contextlib.suppress(FileNotFoundError):
                    target.unlink()
            self.say(
                f"  export of {size:,} reviews: {statistics.median(walls):.1f} s, peak RSS "
                f"{statistics.median(peaks) / 1024:.0f} MiB (max {max(peaks) / 1024:.0f} MiB; "
                f"{statistics.median(sizes) / 2**20:.0f} MiB written; n={len(walls)})"
            )
        self.say(f"(load average at end {load()})")

    def report(self) -> None:
        self.say(f"Report (load average at start {load()})")
        for size in self.args.sizes:
            store = OUT / f"{self.args.prefix}{size}"
            if not store.exists():
                continue
            cmd = [str(BIN / "case-review"), "--store", str(store), "report", "--format", "json"]
            env = self.env(self.warm_home, headless=True)
            cache = store / "cache"
            shutil.rmtree(cache, ignore_errors=True)
            first, first_peak, code = measure(cmd, env)
            later = []
            for _ in range(self.args.report_runs):
                wall, _peak, code = measure(cmd, env)
                later.append(wall)
            self.say(
                f"  report over {size:,} reviews: first {first * 1000:.0f} ms (peak RSS "
                f"{first_peak / 1024:.0f} MiB), later median {statistics.median(later) * 1000:.0f}"
                f" ms ({min(later) * 1000:.0f}-{max(later) * 1000:.0f} ms, n={len(later)}); "
                f"exit {code}"
            )
        self.say(f"(load average at end {load()})")


def resume_marker(store: Path, code: Path) -> str:
    """The id of the next question of the resumed review, as the app shows it: ``[id]``
    (found by the code under test, in a process of its own: opening the store is its
    business)."""
    script = (
        "import sys\n"
        "from assistant.engine.conversation import Engine\n"
        "from prompts import get_framework\n"
        "from store import open_store\n"
        "found = open_store(sys.argv[1]).find_case(sys.argv[2])\n"
        "print(Engine(get_framework()).question(found.review).item)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(store), RESUME_CASE],
        env={**os.environ, "PYTHONPATH": str(code)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return f"[{out.strip()}]"


def measure(cmd: list[str], env: dict[str, str]) -> tuple[float, int, int]:
    """Run ``cmd`` to the end: wall seconds, peak RSS (KiB) and exit code."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    return time.perf_counter() - t0, usage.ru_maxrss, os.waitstatus_to_exitcode(status)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rounds", type=int, default=11, help="pairs per start scenario")
    parser.add_argument("--only", default="start,home,export,report")
    parser.add_argument("--code", help="run this copy of the code instead (PYTHONPATH)")
    parser.add_argument("--no-headless", action="store_true")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 50_000])
    parser.add_argument("--export-runs", type=int, default=3)
    parser.add_argument("--report-runs", type=int, default=5)
    parser.add_argument(
        "--prefix", default="store-", help="the big stores are bench/out/<prefix><size>"
    )
    args = parser.parse_args(argv[1:])
    parts = args.only.split(",")
    with tempfile.TemporaryDirectory(prefix="case-review-scale-") as tmp:
        bench = Bench(args, Path(tmp))
        bench.say(
            f"bench/scale.py on {time.strftime('%Y-%m-%d %H:%M')}, code {bench.code}, "
            f"nproc {os.cpu_count()}, Python {sys.version.split()[0]}"
        )
        for part in ("start", "home", "export", "report"):
            if part in parts:
                getattr(bench, part)()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
