"""Commands about frameworks: `frameworks`, `check-framework`, `schema`, `interpret`."""

from __future__ import annotations

import argparse
import json
import sys

from prompts import DEFAULT_FRAMEWORK, FrameworkError, get_framework, installed, load_framework
from prompts.model import Framework


def _err(message: str) -> None:
    print(message, file=sys.stderr)


def run_frameworks(args: argparse.Namespace) -> int:
    frameworks, problems = installed()
    for fw in frameworks:
        print(
            f"{fw.id}  v{fw.version}  {len(fw.sections)} sections, "
            f"{len(fw.criteria)} criteria, {len(fw.checks)} checks  {fw.title}"
        )
    for problem in problems:
        _err(f"not loaded: {problem}")
    return 0 if frameworks else 1


def run_check_framework(args: argparse.Namespace) -> int:
    try:
        fw = load_framework(args.file)
    except FrameworkError as exc:
        for problem in exc.problems:
            _err(str(problem))
        return 1
    print(
        f"{args.file}: ok: {fw.id} v{fw.version}, {len(fw.sections)} sections, "
        f"{len(fw.facts)} facts, {len(fw.criteria)} criteria, {len(fw.checks)} checks"
    )
    return 0


def run_schema(args: argparse.Namespace) -> int:
    from checked import adapter

    schema = adapter(Framework).json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Case Review Assistant framework"
    print(json.dumps(schema, indent=2))
    return 0


def framework_from_args(args: argparse.Namespace) -> Framework | None:
    """The framework a command asked for, or None after printing why it cannot be had."""
    try:
        return get_framework(getattr(args, "framework", None) or DEFAULT_FRAMEWORK)
    except FrameworkError as exc:
        for problem in exc.problems:
            _err(str(problem))
        return None


def run_interpret(args: argparse.Namespace) -> int:
    from assistant.engine.interpret import interpret

    fw = framework_from_args(args)
    if fw is None:
        return 1
    criterion = fw.criterion(args.criterion)
    if criterion is None:
        _err(f"{fw.id}: {args.criterion}: no such criterion")
        return 1
    reading = interpret(criterion, " ".join(args.text))
    print(
        json.dumps(
            {"outcome": reading.outcome, "reasons": list(reading.reasons), "note": reading.note},
            ensure_ascii=False,
        )
    )
    return 0


def refuse_bad_review_args(args: argparse.Namespace) -> bool:
    """For `review` and `chat`: a bad case reference, team or case manager given on the command
    line is one line on stderr (True: exit 2, nothing opened, nothing stored)."""
    from store.records import case_ref_problem, name_problem

    case_ref = getattr(args, "case_ref", None)
    team = getattr(args, "team", None)
    case_manager = getattr(args, "case_manager", None)
    problem = case_ref_problem(case_ref) if case_ref is not None else None
    if problem is None and team is not None:
        problem = name_problem(team, "A team name")
    if problem is None and case_manager is not None:
        problem = name_problem(case_manager, "The case manager's name")
        if problem is None and getattr(args, "mode", None) == "self":
            problem = (
                "--case-manager names the case manager in a joint review with an inspector "
                "(--mode joint); in a self-audit the reviewer is the case manager."
            )
    if problem:
        _err(f"case-review: {problem}")
    return problem is not None
