"""`case-review learn`: practice cases, the walkthrough and the learner's scores (SPEC §9).

- ``learn``: the practice cases, one a line starting with the case id, with a one-line summary
  and the learner's best score so far; then the walkthrough entry.
- ``learn CASE [--plain]``: play one, in the app or line by line (``assistant.learn_plain``).
- ``learn walkthrough``: every criterion in framework order: question, why it matters, what
  good looks like.
- ``learn --scores [--format json]``: this learner's attempts, from their own progress file.

Nothing here opens the store: a practice run lives in a memory store of its own.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from assistant.learning_progress import Attempt, ProgressError, best, load

if TYPE_CHECKING:
    from prompts.model import Framework
    from prompts.practice import PracticeCase

WALKTHROUGH = "walkthrough"


def _problem(text: str) -> None:
    print(f"case-review: {text}", file=sys.stderr)


def _attempts() -> tuple[list[Attempt], str | None]:
    try:
        return load(), None
    except ProgressError as exc:
        return [], f"{exc}; the file is left as it is"


def listing(cases: list[PracticeCase]) -> int:
    attempts, problem = _attempts()
    if problem:
        _problem(f"{problem} (best scores not shown)")
    best_of = best(attempts)
    width = max([len(c.id) for c in cases] + [len(WALKTHROUGH)]) + 2
    for case in cases:
        held = best_of.get(case.id)
        score = f"best {held.score_text()} ({held.date})" if held else "not tried yet"
        print(f"{case.id.ljust(width)}{case.summary} · {score}")
    print(
        f"{WALKTHROUGH.ljust(width)}Every criterion explained in order: the question, why it "
        "matters and what good looks like (no case needed)."
    )
    if sys.stdout.isatty():
        print("\nPlay one: case-review learn CASE (add --plain for line mode).", file=sys.stderr)
    return 0


def walkthrough(framework: Framework) -> int:
    from assistant.presenter import present_walkthrough

    for index, message in enumerate(present_walkthrough(framework)):
        if index:
            print()
        print("\n".join(message.plain_lines()))
    return 0


def scores(cases: list[PracticeCase], output: str, only: str | None) -> int:
    from assistant.learning_progress import default_path

    try:
        attempts = load()
    except ProgressError as exc:
        _problem(f"{exc}; the file is left as it is")
        return 1
    if only is not None:
        attempts = [a for a in attempts if a.case == only]
    titles = {c.id: c.title for c in cases}
    if output == "json":
        doc = {
            "file": str(default_path()),
            "attempts": [{**_fields(a), "title": titles.get(a.case, "")} for a in attempts],
            "best": {case: _fields(a) for case, a in sorted(best(attempts).items())},
        }
        print(json.dumps(doc, indent=2, ensure_ascii=False))
        return 0
    if not attempts:
        print("No practice attempts yet. See the cases: case-review learn")
        return 0
    width = max(len(a.case) for a in attempts) + 2
    for a in attempts:
        state = "complete" if a.complete else f"{a.judged} of {a.live} criteria judged"
        when = a.started[:16].replace("T", " ")
        print(f"{when}  {a.case.ljust(width)}{a.agreed} of {a.judged} agreed ({state})")
    return 0


def _fields(attempt: Attempt) -> dict[str, object]:
    from dataclasses import asdict

    return asdict(attempt)


def run(args: argparse.Namespace) -> int:
    from assistant.cli_framework import framework_from_args
    from prompts.practice import find_practice_cases

    if args.format == "json" and not args.scores:
        _problem("--format json goes with --scores (case-review learn --scores --format json)")
        return 2
    framework = framework_from_args(args)
    if framework is None:
        return 1
    cases, problems = find_practice_cases(framework)
    for problem in problems:
        _problem(f"practice case left out: {problem}")
    wanted = args.case
    known = [c.id for c in cases]
    if wanted is not None and wanted != WALKTHROUGH and wanted not in known:
        _problem(
            f"no practice case {wanted!r} for {framework.id}; the practice cases are: "
            f"{', '.join(known) or 'none'} (or {WALKTHROUGH})"
        )
        return 2
    if args.scores:
        return scores(cases, args.format, wanted if wanted != WALKTHROUGH else None)
    if wanted is None:
        if not cases:
            print(f"No practice cases for framework {framework.id}.")
        return listing(cases)
    if wanted == WALKTHROUGH:
        return walkthrough(framework)
    case = next(c for c in cases if c.id == wanted)
    if args.plain:
        from assistant.learn_plain import play

        return play(case, framework, args)
    return _play_in_app(case, framework, args)


def _play_in_app(case: PracticeCase, framework: Framework, args: argparse.Namespace) -> int:
    from assistant.tui.app import CaseReviewApp
    from store import Actor
    from store.memory import MemoryStore

    # The app gets a memory store: a practice run from the shell never opens the real one.
    app = CaseReviewApp(
        MemoryStore("learning"),
        framework,
        Actor(args.reviewer or "", "learner"),
        practice=case.id,
    )
    app.run()
    return 0
