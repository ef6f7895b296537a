"""Time the terminal app: start to first question, and answer to flag with a long transcript.

Run: .venv/bin/python bench/ui.py            (prints the figures)
     .venv/bin/python bench/ui.py --record   (also rewrites the `## UI` section of RESULTS.md)

1. Start to first question (target: within 1.3 times a bare Textual app's start).
   `case-review --store TMP review HAR-01` on a fresh temporary store against a bare Textual
   app (an App with a single Static), each as its own process, alternating, median of N runs.
   The clock starts in this process just before the child is spawned, so interpreter start-up
   is included.  Two ways, both printed:

   * pty: the real console script and the bare app run in a pseudo-terminal (100x40) with
     Textual's ordinary Linux driver; the clock stops when the first question's text ("[psr]")
     or the bare app's text arrives on the terminal, i.e. when it is painted.  Nothing in the
     child is changed at all.
   * headless: the same entry point (`assistant.cli.main` with the same arguments) and the same
     bare app under Textual's headless driver (selected with the TEXTUAL_DRIVER environment
     variable).  A probe watches Textual's compositor (a wrapper around
     `Screen._compositor_refresh`, installed by an import hook the moment `textual.screen` is
     first imported, so the import order is the product's own) and calls `os._exit(0)` right
     after the first refresh in which the question (or the bare Static) is visible and which
     Textual would display (not one inside the app's start-up batch, which `App._display`
     drops: counting those made an earlier version of this probe report frames that never
     reached a terminal).  The clock runs from spawn to exit (Popen..wait); the moment of
     painting is reported too.  A third series runs ours until the side panel is painted too:
     the review screen shows the question and the input first and mounts the rest just after.

   Child CPU time (user + system, from wait4) is printed beside wall time: this machine is shared
   and CPU time is less disturbed by other processes than wall time.  Then `python -X importtime`
   of the headless start path: the biggest cumulative imports, the biggest packages by own
   time, and a step-by-step anatomy of the start path measured in a fresh process.

2. Answer to flag on screen (target: under 50 ms with a transcript of 500 messages).
   In-process with `CaseReviewApp.run_test(size=(100, 40))` and the Pilot, on a fresh store.
   The transcript is filled by answering through the UI (quick-reply digits, `/jump`, free
   text) until it has held the wanted number of messages (the Transcript prunes its DOM to
   MAX_WIDGETS and counts what it pruned).  Each repeat then jumps to rr.plan_review, types
   "no review of the plan at all" (untimed, followed by a 0.3 s pause for the typing, in which
   idle work may run), and times from pressing Enter until the first compositor refresh of the
   review screen in which the new FlagTurn is visible.  The headless driver skips only the last
   step, encoding the frame as escape sequences; widgets are rendered.  Refreshes are paced by
   Textual's frame timer (60 per second), as in real use.  The small transcript restarts the
   app (fresh store) whenever it has grown 25 messages past its size.  Beside wall time: the
   process's CPU time over the interval, and the full garbage collections that fell inside it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import fcntl
import gc
import importlib.metadata
import os
import platform
import pty
import re
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BIN = Path(sys.executable).parent
RESULTS = ROOT / "bench" / "RESULTS.md"
SECTION = "## UI"
SIZE = (100, 40)
CASE = "HAR-01"
QUESTION_MARKER = "[psr]"
FULL_MARKER = "Progress "  # the side panel's first line: the screen is furnished
BARE_MARKER = "bare-app-ready"
START_TARGET = 1.3
FLAG_TARGET_MS = 50.0
TIMEOUT = 30.0
TYPING_PAUSE = 0.3  # seconds between the untimed typing and the timed Enter

BARE_APP = f'''"""A bare Textual app: one Static."""
from textual.app import App, ComposeResult
from textual.widgets import Static


class BareApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("{BARE_MARKER}")


if __name__ == "__main__":
    BareApp().run()
'''

# The headless probe.  argv: MARKER (bare | cli ARGS...).  Prints "t_start t_first t_marker"
# (time.perf_counter, which is CLOCK_MONOTONIC on Linux and so comparable with the parent's)
# and exits at once when MARKER is first visible on the current screen (or, if the environment
# sets PROBE_THEN, when that text is visible too: the whole screen, furnished).
PROBE = '''"""Run an app headless and exit right after MARKER is first painted."""
import importlib.machinery
import os
import sys
import time

T_START = time.perf_counter()
MARKER = os.environ.get("PROBE_THEN") or sys.argv[1]
WHICH = sys.argv[2]
_first = []


def _install(screen_module):
    Screen = screen_module.Screen
    original = Screen._compositor_refresh

    def _compositor_refresh(self):
        original(self)
        now = time.perf_counter()
        app = self.app
        if self is not app.screen or app._batch_count or not app._running:
            return  # a refresh Textual does not display (App._display skips it)
        if not _first:
            _first.append(now)
        from textual.widgets import Static

        for widget in self._compositor.visible_widgets:
            if isinstance(widget, Static) and MARKER in str(widget.content):
                os.write(1, f"{T_START} {_first[0]} {now}\\n".encode())
                os._exit(0)

    Screen._compositor_refresh = _compositor_refresh


class _WatchScreenImport:
    """Patch textual.screen as soon as it is imported, wherever that happens."""

    def find_spec(self, name, path, target=None):
        if name != "textual.screen":
            return None
        sys.meta_path.remove(self)
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        exec_module = spec.loader.exec_module

        def exec_and_install(module):
            exec_module(module)
            _install(module)

        spec.loader.exec_module = exec_and_install
        return spec


sys.meta_path.insert(0, _WatchScreenImport())

if WHICH == "bare":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from bare_app import BareApp

    BareApp().run()
else:
    from assistant.cli import main

    sys.exit(main(sys.argv[3:]))
'''

# The start path step by step in one fresh process (each step pays only for what is new).
ANATOMY = '''"""Time the steps of `case-review review HAR-01` up to the app's start."""
import gc
import sys
import time

gc.disable()  # as assistant.tui.launch does
marks = [("python started, site imported", time.perf_counter())]


def mark(name):
    marks.append((name, time.perf_counter()))


import textual.app  # noqa: E402

mark("import textual.app (a bare app pays this too)")
from textual.widgets import Static  # noqa: E402, F401

mark("import textual.widgets.Static (a bare app pays this too)")
from assistant.cli import build_parser  # noqa: E402

args = build_parser().parse_args(["--store", sys.argv[1], "review", "HAR-01"])
mark("import assistant.cli + parse arguments")
from assistant.cli_framework import framework_from_args  # noqa: E402

mark("import assistant.cli_framework (prompts)")
fw = framework_from_args(args)
mark("load the framework (validated before: from the cache)")
from store import Actor, Store  # noqa: E402

mark("import store")
store = Store.open(args.store)
mark("Store.open on a fresh folder")
from assistant.tui.app import CaseReviewApp  # noqa: E402, F401

mark("import assistant.tui.app (engine, session)")
from assistant.tui.review import ReviewScreen  # noqa: E402, F401

mark("import assistant.tui.review (answer bar, transcript)")
from assistant.engine.conversation import Engine  # noqa: E402
from assistant.session import Session  # noqa: E402

session = Session.open(store, Engine(fw), "HAR-01", actor=Actor("bench"), create_now=False)
mark("Session.open: new review of HAR-01 (saved after the first frame)")
session.start()
mark("engine: first question")
heavy = [m for m in ("pydantic", "tinydb", "assistant.engine.interpret") if m in sys.modules]
session.close()
for (_, t0), (name, t1) in zip(marks, marks[1:]):
    print(f"{(t1 - t0) * 1000:.3f}\\t{name}")
print(f"0\\tnot imported before the first frame: pydantic, tinydb, the interpreter"
      if not heavy else f"0\\tIMPORTED before the first frame: {', '.join(heavy)}")
'''


# --- helpers ------------------------------------------------------------------------------


def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q * len(ordered) + 0.5) - 1))
    return ordered[k]


def child_env(home: Path, *, headless: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEXTUAL_", "CASE_REVIEW_"))}
    env.update(
        HOME=str(home),
        XDG_DATA_HOME=str(home / "data"),
        TERM="xterm-256color",
        COLORTERM="truecolor",
        COLUMNS=str(SIZE[0]),
        LINES=str(SIZE[1]),
        PYTHONPATH=str(ROOT),
        TZ="UTC",
    )
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if headless:
        env["TEXTUAL_DRIVER"] = "textual.drivers.headless_driver:HeadlessDriver"
    return env


def reap(proc: subprocess.Popen[bytes]) -> float:
    """Wait for the child; return its CPU time (user + system) in seconds."""
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return usage.ru_utime + usage.ru_stime


@dataclass
class StartRun:
    wall: float  # seconds from before spawn to the stop signal
    cpu: float  # child CPU seconds
    paint: float | None = None  # headless: seconds from spawn to the marker being painted
    python_up: float | None = None  # headless: seconds from spawn to the probe's first line


@dataclass
class StartSample:
    runs: list[StartRun] = field(default_factory=list)

    def median(self, attr: str) -> float:
        return statistics.median(getattr(r, attr) for r in self.runs)


def run_pty(cmd: list[str], marker: bytes, env: dict[str, str]) -> StartRun:
    """Spawn ``cmd`` on a pseudo-terminal; stop the clock when ``marker`` is written to it."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[1], SIZE[0], 0, 0))
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        cmd, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
    )
    os.close(slave)
    seen = b""
    t1 = None
    try:
        while time.perf_counter() - t0 < TIMEOUT:
            ready, _, _ = select.select([master], [], [], 0.5)
            if not ready:
                if proc.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(master, 1 << 16)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
            if marker in seen:
                t1 = time.perf_counter()
                break
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        cpu = reap(proc)
        os.close(master)
    if t1 is None:
        tail = re.sub(rb"\x1b\[[0-9;?<>$]*[a-zA-Z]", b"", seen)[-400:]
        raise RuntimeError(f"{cmd[-3:]}: {marker!r} never appeared; last output: {tail!r}")
    return StartRun(wall=t1 - t0, cpu=cpu)


def run_headless(cmd: list[str], env: dict[str, str]) -> StartRun:
    """Spawn the probe; the clock runs from spawn until the child has exited."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        cmd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    try:
        out, err = proc.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        raise RuntimeError(f"{cmd[2:]}: no paint within {TIMEOUT} s: {err[-400:]!r}") from None
    t1 = time.perf_counter()
    # communicate() has reaped the child; CPU time comes from the children's total instead.
    fields = out.split()
    if proc.returncode != 0 or len(fields) != 3:
        raise RuntimeError(f"{cmd[2:]}: exit {proc.returncode}: {err[-600:]!r} {out[-200:]!r}")
    t_start, _t_first, t_paint = (float(f) for f in fields)
    return StartRun(wall=t1 - t0, cpu=0.0, paint=t_paint - t0, python_up=t_start - t0)


def children_cpu() -> float:
    usage = os.times()
    return usage.children_user + usage.children_system


# --- 1. start to first question -----------------------------------------------------------


@dataclass
class StartResults:
    runs: int
    pty_ours: StartSample
    pty_bare: StartSample
    hl_ours: StartSample
    hl_bare: StartSample
    hl_full: StartSample  # ours, until the whole screen (side panel too) is painted
    imports_ours: list[tuple[int, int, int, str]]  # self us, cumulative us, depth, name
    imports_bare: list[tuple[int, int, int, str]]
    anatomy: list[tuple[str, float]]  # step, median ms


def measure_start(runs: int, warmup: int, work: Path) -> StartResults:
    (work / "bare_app.py").write_text(BARE_APP)
    probe = work / "probe.py"
    probe.write_text(PROBE)
    home = work / "home"
    home.mkdir()
    py = str(sys.executable)
    script = str(BIN / "case-review")
    counter = iter(range(1_000_000))

    def fresh_store() -> str:
        return str(work / f"store-{next(counter)}")

    pty_env = child_env(home, headless=False)
    hl_env = child_env(home, headless=True)

    def pty_ours() -> StartRun:
        return run_pty(
            [script, "--store", fresh_store(), "review", CASE],
            QUESTION_MARKER.encode(),
            pty_env,
        )

    def pty_bare() -> StartRun:
        return run_pty([py, str(work / "bare_app.py")], BARE_MARKER.encode(), pty_env)

    def hl(which: list[str], marker: str, env: dict[str, str] = hl_env) -> Callable[[], StartRun]:
        def go() -> StartRun:
            args = which if which[0] == "bare" else [*which, "--store", fresh_store()]
            if which[0] != "bare":
                args += ["review", CASE]
            before = children_cpu()
            result = run_headless([py, str(probe), marker, *args], env)
            result.cpu = children_cpu() - before
            return result

        return go

    hl_ours = hl(["cli"], QUESTION_MARKER)
    hl_bare = hl(["bare"], BARE_MARKER)
    hl_full = hl(["cli"], QUESTION_MARKER, {**hl_env, "PROBE_THEN": FULL_MARKER})

    names = ("pty_ours", "pty_bare", "hl_ours", "hl_bare", "hl_full")
    samples = {name: StartSample() for name in names}
    kinds: list[tuple[str, Callable[[], StartRun]]] = [
        ("pty_ours", pty_ours),
        ("pty_bare", pty_bare),
        ("hl_ours", hl_ours),
        ("hl_bare", hl_bare),
    ]
    for _ in range(warmup):
        for _, fn in kinds:
            fn()
    for i in range(runs):
        # Alternate: ours first on even rounds, the bare app first on odd ones.
        for a, b in ((0, 1), (2, 3)):
            order = (a, b) if i % 2 == 0 else (b, a)
            for k in order:
                name, fn = kinds[k]
                samples[name].runs.append(fn())
        samples["hl_full"].runs.append(hl_full())
        print(f"  start round {i + 1}/{runs}", end="\r", file=sys.stderr, flush=True)
    print(" " * 40, end="\r", file=sys.stderr)

    cli_args = ["cli", "--store", fresh_store(), "review", CASE]
    imports_ours = importtime(
        [py, "-X", "importtime", str(probe), QUESTION_MARKER, *cli_args], hl_env
    )
    imports_bare = importtime([py, "-X", "importtime", str(probe), BARE_MARKER, "bare"], hl_env)

    anatomy_script = work / "anatomy.py"
    anatomy_script.write_text(ANATOMY)
    steps: dict[str, list[float]] = defaultdict(list)
    order: list[str] = []
    for _ in range(max(5, runs // 2)):
        out = subprocess.run(
            [py, str(anatomy_script), fresh_store()],
            env=hl_env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=True,
        ).stdout
        for line in out.splitlines():
            ms, name = line.split("\t", 1)
            if name not in steps:
                order.append(name)
            steps[name].append(float(ms))
    anatomy = [(name, statistics.median(steps[name])) for name in order]
    return StartResults(
        runs,
        samples["pty_ours"],
        samples["pty_bare"],
        samples["hl_ours"],
        samples["hl_bare"],
        samples["hl_full"],
        imports_ours,
        imports_bare,
        anatomy,
    )


IMPORT_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")


def importtime(cmd: list[str], env: dict[str, str]) -> list[tuple[int, int, int, str]]:
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=TIMEOUT)
    rows = []
    for line in proc.stderr.splitlines():
        m = IMPORT_LINE.match(line)
        if m:
            rows.append((int(m[1]), int(m[2]), len(m[3]) // 2, m[4]))
    if not rows:
        raise RuntimeError(f"no -X importtime output: {proc.stderr[-400:]!r}")
    return rows


def import_total_ms(rows: list[tuple[int, int, int, str]]) -> float:
    return sum(own for own, _, _, _ in rows) / 1000


def by_package(rows: list[tuple[int, int, int, str]]) -> list[tuple[str, float, int]]:
    """Own import time summed by top-level package: (package, ms, modules)."""
    totals: dict[str, float] = defaultdict(float)
    counts: dict[str, int] = defaultdict(int)
    for own, _, _, name in rows:
        top = name.split(".")[0]
        totals[top] += own / 1000
        counts[top] += 1
    return sorted(((k, v, counts[k]) for k, v in totals.items()), key=lambda r: -r[1])


# --- 2. answer to flag --------------------------------------------------------------------


@dataclass
class FlagResults:
    messages: int  # the transcript had shown at least this many messages before each repeat
    shown: list[int] = field(default_factory=list)  # messages shown before each repeat
    dom: list[int] = field(default_factory=list)  # message widgets in the DOM before each
    apps: int = 0  # app sessions used (the small case restarts to stay near its size)
    fill_seconds: float = 0.0
    ms: list[float] = field(default_factory=list)  # Enter to flag painted, wall
    cpu_ms: list[float] = field(default_factory=list)  # this process's CPU time, same interval
    gc2_ms: list[float] = field(default_factory=list)  # full collections inside each interval


class PaintWatch:
    """Time of the first compositor refresh of the current screen that satisfies a test."""

    def __init__(self) -> None:
        self._test: Callable[[object], bool] | None = None
        self._event: asyncio.Event | None = None
        self.when: float | None = None
        self.cpu = 0.0
        self.collections: list[tuple[float, float, int]] = []  # start, seconds, generation
        self._gc_start = 0.0

    def _on_gc(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._gc_start = time.perf_counter()
        else:
            took = time.perf_counter() - self._gc_start
            self.collections.append((self._gc_start, took, info["generation"]))

    @contextlib.contextmanager
    def installed(self) -> Iterator[PaintWatch]:
        from textual.screen import Screen

        original = Screen._compositor_refresh
        watch = self
        gc.callbacks.append(self._on_gc)

        def _compositor_refresh(screen: Screen) -> None:  # type: ignore[type-arg]
            original(screen)
            if watch._test is None or screen is not screen.app.screen:
                return
            if watch._test(screen):
                watch.when = time.perf_counter()
                watch.cpu = time.process_time()
                watch._test = None
                assert watch._event is not None
                watch._event.set()

        Screen._compositor_refresh = _compositor_refresh  # type: ignore[method-assign]
        try:
            yield self
        finally:
            Screen._compositor_refresh = original  # type: ignore[method-assign]
            gc.callbacks.remove(self._on_gc)

    def arm(self, test: Callable[[object], bool]) -> asyncio.Event:
        self.when = None
        self.collections.clear()
        self._event = asyncio.Event()
        self._test = test
        return self._event


def live_messages(transcript) -> list:  # type: ignore[no-untyped-def]
    return [w for w in transcript.children if not w.has_class("-pruned")]


def shown_messages(transcript) -> int:  # type: ignore[no-untyped-def]
    """Messages the transcript has shown: pruned ones plus those in the DOM."""
    return transcript.pruned + len(live_messages(transcript))


async def flag_session(
    result: FlagResults, repeats: int, window: int | None, store_path: Path, watch: PaintWatch
) -> None:
    """One app session: fill the transcript, then time answer-to-flag until ``repeats`` are
    done or the transcript has grown past ``messages + window``."""
    from assistant.tui.app import CaseReviewApp
    from assistant.tui.messages import FlagTurn, Transcript
    from assistant.tui.review import ReviewScreen
    from prompts import get_framework
    from store import Actor, Store

    app = CaseReviewApp(
        Store.open(store_path),
        get_framework(),
        Actor("bench", "case_manager"),
        open_case=CASE,
        mode="self",
    )
    result.apps += 1
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewScreen), screen
        transcript = screen.query_one(Transcript)
        answer = screen.answer_bar.input

        async def submit(text: str) -> None:
            answer.value = text
            answer.cursor_position = len(text)
            await pilot.press("enter")

        async def answer_current() -> None:
            """Answer whatever is asked, as a user would (mostly quick replies)."""
            question = screen.answer_bar.question
            if question is None:
                await submit("/jump rr.assessment")
            elif question.step == "note":
                await submit("The record shows no review since the move.")
            elif question.multi:
                await pilot.press("1")
                await pilot.press("enter")
            elif question.typed:
                await submit("2014-09-03")
            else:
                keys = {c.value: c.key for c in question.choices}
                # Mostly "yes", sometimes "no" so that flags and reasons appear too.
                pick = "no" if shown_messages(transcript) % 7 == 0 else "yes"
                await pilot.press(keys.get(pick) or question.choices[0].key)

        t_fill = time.perf_counter()
        while shown_messages(transcript) < result.messages:
            await answer_current()
        await pilot.pause()
        result.fill_seconds += time.perf_counter() - t_fill

        def has_flag() -> bool:
            session = screen.session
            flags = session.engine.flags(session.review)
            return any(f.criterion == "rr.plan_review" for f in flags)

        while len(result.ms) < repeats:
            # Untimed: go to rr.plan_review with no flag on it, and type the answer.
            await submit("/jump rr.plan_review")
            if has_flag():
                await pilot.press("1")  # Yes: the old flag is withdrawn
                await submit("/jump rr.plan_review")
            question = screen.answer_bar.question
            assert question is not None and question.item == "rr.plan_review", question
            answer.value = "no review of the plan at all"
            answer.cursor_position = len(answer.value)
            # The time a person takes to type the answer: idle work may run meanwhile.
            await asyncio.sleep(TYPING_PAUSE)
            await pilot.pause()
            shown = shown_messages(transcript)
            if window is not None and shown > result.messages + window:
                break
            result.shown.append(shown)
            result.dom.append(len(live_messages(transcript)))
            old = set(screen.query(FlagTurn))

            def flag_painted(s: object, old: set = old) -> bool:
                visible = s._compositor.visible_widgets  # type: ignore[attr-defined]
                return any(isinstance(w, FlagTurn) and w not in old for w in visible)

            painted = watch.arm(flag_painted)
            c0 = time.process_time()
            t0 = time.perf_counter()
            await pilot.press("enter")
            await asyncio.wait_for(painted.wait(), TIMEOUT)
            assert watch.when is not None
            result.ms.append((watch.when - t0) * 1000)
            result.cpu_ms.append((watch.cpu - c0) * 1000)
            result.gc2_ms.append(
                sum(d for t, d, g in watch.collections if g == 2 and t0 <= t <= watch.when) * 1000
            )
            await pilot.pause()
            new = [f for f in screen.query(FlagTurn) if f not in old]
            assert new and new[-1].flag.criterion == "rr.plan_review", new


async def measure_flag(messages: int, repeats: int, window: int | None, work: Path) -> FlagResults:
    """Answer to flag with at least ``messages`` in the transcript.  With a ``window``, a new app
    session (fresh store) is started whenever the transcript has grown past messages + window,
    so that a small transcript stays small over all the repeats."""
    result = FlagResults(messages)
    watch = PaintWatch()
    with watch.installed():
        while len(result.ms) < repeats:
            store_path = work / f"flag-store-{messages}-{result.apps}"
            await flag_session(result, repeats, window, store_path, watch)
    return result


# --- report -------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover
        cpus = os.cpu_count() or 0
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return {
        "date": dt.date.today().isoformat(),
        "nproc": str(cpus),
        "python": platform.python_version(),
        "textual": importlib.metadata.version("textual"),
        "platform": f"{platform.system()} {platform.machine()}",
        "load": load,
    }


def ms(x: float) -> str:
    return f"{x * 1000:.0f} ms"


def start_lines(r: StartResults) -> list[str]:
    lines = []
    verdicts = []
    for label, ours, bare in (
        ("pty (real driver, text seen on the terminal)", r.pty_ours, r.pty_bare),
        ("headless (spawn to exit right after paint)", r.hl_ours, r.hl_bare),
    ):
        ratio = ours.median("wall") / bare.median("wall")
        cpu_ratio = ours.median("cpu") / bare.median("cpu")
        verdicts.append(ratio)
        ok = "meets" if ratio <= START_TARGET else "MISSES"
        lines.append(f"{label}, median of {r.runs} runs each, alternating:")
        lines.append(
            f"  case-review review {CASE}: {ms(ours.median('wall'))}   "
            f"bare Textual app: {ms(bare.median('wall'))}   "
            f"ratio {ratio:.2f} ({ok} the {START_TARGET} target)"
        )
        lines.append(
            f"  child CPU time: ours {ms(ours.median('cpu'))}, bare {ms(bare.median('cpu'))}, "
            f"ratio {cpu_ratio:.2f}"
        )
        lines.append(
            f"  spread (min-max): ours {ms(min(x.wall for x in ours.runs))}-"
            f"{ms(max(x.wall for x in ours.runs))}, bare {ms(min(x.wall for x in bare.runs))}-"
            f"{ms(max(x.wall for x in bare.runs))}"
        )
        if ours.runs[0].paint is not None:
            lines.append(
                f"  painted at {ms(ours.median('paint'))} vs {ms(bare.median('paint'))}; "
                f"python up and running the probe at {ms(ours.median('python_up'))} vs "
                f"{ms(bare.median('python_up'))}"
            )
    full = r.hl_full
    lines.append(
        f"  the whole review screen (header, side panel, quick replies, footer: mounted right "
        f"after the first frame) painted at {ms(full.median('paint'))} "
        f"({full.median('paint') / r.hl_bare.median('paint'):.2f} times the bare app's paint)"
    )
    return lines


def import_lines(r: StartResults) -> list[str]:
    lines = [
        f"import time (-X importtime, one run): ours {import_total_ms(r.imports_ours):.0f} ms "
        f"in {len(r.imports_ours)} modules, bare app {import_total_ms(r.imports_bare):.0f} ms "
        f"in {len(r.imports_bare)} modules",
        "  the 10 biggest cumulative imports on our start path:",
    ]
    for own, cum, depth, name in sorted(r.imports_ours, key=lambda row: -row[1])[:10]:
        lines.append(f"    {cum / 1000:7.1f} ms  (own {own / 1000:5.1f})  {'  ' * depth}{name}")
    bare_pkgs = {k: v for k, v, _ in by_package(r.imports_bare)}
    lines.append("  own import time by top-level package (ours vs bare):")
    for pkg, total, count in by_package(r.imports_ours)[:12]:
        lines.append(
            f"    {total:7.1f} ms  {pkg:<14} {count:4d} modules   "
            f"bare {bare_pkgs.get(pkg, 0):6.1f} ms"
        )
    bare_names = {name for _, _, _, name in r.imports_bare}
    extra = [row for row in r.imports_ours if row[3] not in bare_names]
    lines.append(
        f"  modules only ours imports: {len(extra)}, own time {import_total_ms(extra):.0f} ms; "
        "biggest:"
    )
    for own, _, _, name in sorted(extra, key=lambda row: -row[0])[:12]:
        lines.append(f"    {own / 1000:7.1f} ms  {name}")
    return lines


def anatomy_lines(r: StartResults) -> list[str]:
    lines = ["start path step by step (fresh process, median ms; each step pays only what is new):"]
    for name, value in r.anatomy:
        if name.startswith(("not imported", "IMPORTED")):
            lines.append(f"  {name}")
        else:
            lines.append(f"  {value:7.1f} ms  {name}")
    total = sum(v for _, v in r.anatomy)
    lines.append(f"  {total:7.1f} ms  total before the app starts running")
    return lines


def flag_lines(results: list[FlagResults]) -> list[str]:
    lines = []
    for f in results:
        med, p95 = statistics.median(f.ms), pct(f.ms, 0.95)
        ok = "meets" if p95 < FLAG_TARGET_MS else "MISSES"
        lines.append(
            f"transcript of {f.messages} messages ({min(f.shown)}-{max(f.shown)} shown before "
            f"a repeat, {min(f.dom)}-{max(f.dom)} message widgets in the DOM), "
            f"{len(f.ms)} repeats in {f.apps} app session(s):"
        )
        lines.append(
            f"  Enter to flag painted: median {med:.1f} ms   p95 {p95:.1f} ms   "
            f"min {min(f.ms):.1f}   max {max(f.ms):.1f}   ({ok} the {FLAG_TARGET_MS:.0f} ms "
            "target at p95)"
        )
        lines.append(
            f"  CPU time of the app's process over the same interval: median "
            f"{statistics.median(f.cpu_ms):.1f} ms   p95 {pct(f.cpu_ms, 0.95):.1f} ms   "
            f"[transcript filled in {f.fill_seconds:.0f} s]"
        )
        hit = [x for x in f.gc2_ms if x > 0]
        if hit:
            lines.append(
                f"  full (generation 2) garbage collections inside the interval: {len(hit)} of "
                f"{len(f.gc2_ms)} repeats, {statistics.median(hit):.0f} ms each (median)"
            )
        else:
            lines.append("  no full (generation 2) garbage collection inside any interval")
    return lines


def write_section(body: str) -> None:
    """Replace (or add) the `## UI` section of RESULTS.md, keeping its `###` notes written by
    hand; leave every other section alone."""
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    pattern = re.compile(r"^## UI[ \t]*\n.*?(?=^## |\Z)", re.S | re.M)
    section = body.rstrip() + "\n\n"
    found = pattern.search(text)
    if found:
        notes = re.search(r"^### .*", found.group(0), re.S | re.M)
        if notes:
            section += notes.group(0).rstrip() + "\n\n"
        text = pattern.sub(lambda _: section, text, count=1)
    else:
        text = text.rstrip() + "\n\n" + section
    RESULTS.write_text(text.rstrip() + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=12, help="start runs per app (default 12)")
    parser.add_argument("--warmup", type=int, default=2, help="discarded start runs per app")
    parser.add_argument("--repeats", type=int, default=25, help="flag repeats (default 25)")
    parser.add_argument("--record", action="store_true", help="rewrite ## UI in RESULTS.md")
    parser.add_argument("--skip-start", action="store_true", help="only the flag figures")
    parser.add_argument("--skip-flag", action="store_true", help="only the start figures")
    opts = parser.parse_args()
    if opts.record and (opts.skip_start or opts.skip_flag):
        parser.error("--record needs both parts")

    box = machine()
    head = (
        f"{box['date']}, {box['platform']}, nproc {box['nproc']}, python {box['python']}, "
        f"textual {box['textual']}, load average at start {box['load']}"
    )
    print(head)
    work = Path(tempfile.mkdtemp(prefix="bench-ui-"))
    out: list[str] = []
    try:
        if not opts.skip_start:
            start = measure_start(opts.runs, opts.warmup, work)
            out += ["Start to first question (target: within 1.3 times a bare Textual app)"]
            out += [*start_lines(start), "", *import_lines(start), "", *anatomy_lines(start), ""]
        if not opts.skip_flag:
            flags = [
                asyncio.run(measure_flag(500, opts.repeats, None, work)),
                asyncio.run(measure_flag(50, opts.repeats, 25, work)),
            ]
            out += ["Answer to flag on screen (target: under 50 ms with 500 messages)"]
            out += flag_lines(flags)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    end_load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    out += ["", f"load average at end {end_load}"]
    print("\n".join(out))
    if opts.record:
        body = "\n".join(
            [
                SECTION,
                "",
                f"`.venv/bin/python bench/ui.py --record` on {head}.",
                "",
                "How: each start is a new process timed from just before it is spawned; *pty* runs "
                "the real console script on a pseudo-terminal and stops when the first question's "
                "text reaches the terminal; *headless* runs the same entry point under Textual's "
                "headless driver and exits right after the first refresh Textual would display "
                "with the question in it. "
                "Answer to flag is in-process (`run_test`, Pilot): Enter on a free-text answer "
                "to rr.plan_review until the first refresh showing the new FlagTurn. Targets "
                "(SPEC section 8): start within 1.3 times a bare Textual app; flag under 50 ms "
                "with 500 messages. The machine is shared: compare CPU times when load is high.",
                "",
                "```",
                *out,
                "```",
            ]
        )
        write_section(body)
        print(f"recorded in {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
