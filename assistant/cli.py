"""The `case-review` command line: parses arguments and hands each command to its module.

Handlers are imported lazily so that `case-review frameworks` does not pay for Textual, and
`case-review` (the app) does not pay for the report renderers.  Every handler takes the parsed
arguments and returns an exit code; a handler reports bad input on stderr in one line and
returns 1, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

PROG = "case-review"

# command -> "module:function"
HANDLERS: dict[str, str] = {
    "home": "assistant.tui.launch:run_home",
    "review": "assistant.tui.launch:run_review",
    "chat": "assistant.plain:run",
    "interpret": "assistant.cli_framework:run_interpret",
    "frameworks": "assistant.cli_framework:run_frameworks",
    "check-framework": "assistant.cli_framework:run_check_framework",
    "schema": "assistant.cli_framework:run_schema",
    "import": "assistant.exchange:run_import",
    "export": "assistant.exchange:run_export",
    "report": "assistant.report.cli:run",
    "learn": "assistant.learn_cli:run",
    "audit": "assistant.audit_cli:run",
    "countersign": "assistant.oversight_cli:run_countersign",
    "unlock": "assistant.oversight_cli:run_unlock",
    "actions": "assistant.oversight_cli:run_actions",
    "store": "assistant.store_cli:run",
}


def _common(parser: argparse.ArgumentParser, top: bool) -> None:
    """Options accepted both before and after the command name."""
    default = None if top else argparse.SUPPRESS
    parser.add_argument(
        "--store",
        metavar="PATH",
        default=default,
        help="store folder, or postgresql://... (default: $CASE_REVIEW_STORE or the user data "
        "directory)",
    )
    parser.add_argument(
        "--framework",
        metavar="ID",
        default=default,
        help="framework id (default: sqs-youth-2014)",
    )
    parser.add_argument(
        "--reviewer", metavar="NAME", default=default, help="your name for the audit trail"
    )
    parser.add_argument(
        "--role",
        choices=["case_manager", "inspector", "manager", "learner", "other"],
        default=default,
        help="your role for the audit trail (default: case_manager)",
    )


class _Command(argparse.ArgumentParser):
    """A command's parser, made when it is first used: parsing ``case-review review REF``
    makes the review command's parser and its arguments (``fill``), not every command's
    (making them all cost a few milliseconds of the app's start).  Until then it holds only
    what it will be made from; argparse reaches a command's parser only to parse with it or
    to print its usage or help."""

    def __init__(
        self,
        *args: Any,
        fill: Callable[[argparse.ArgumentParser], None] | None = None,
        **kwargs: Any,
    ) -> None:
        self._fill = fill
        self._making: tuple[Any, Any] | None = (args, kwargs)
        if fill is None:  # a command's own subcommands (``actions done``): made at once
            self._make()

    def _make(self) -> None:
        if self._making is not None:
            (args, kwargs), self._making = self._making, None
            super().__init__(*args, **kwargs)
            if self._fill is not None:
                _common(self, top=False)
                self._fill(self)

    def parse_known_args(self, args: Any = None, namespace: Any = None) -> Any:
        self._make()
        return super().parse_known_args(args, namespace)

    def format_usage(self) -> str:
        self._make()
        return super().format_usage()

    def format_help(self) -> str:
        self._make()
        return super().format_help()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Check youth justice casework against the inspection standards, "
        "one guided question at a time.",
    )
    _common(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Command)
    for name, (help_text, fill) in _COMMANDS.items():
        sub.add_parser(name, help=help_text, description=help_text, fill=fill)
    return parser


def _review_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--team", metavar="T", help="the team the review counts for in reports")
    p.add_argument(
        "--new",
        action="store_true",
        help="start a new review of the case even if it has one (a re-audit)",
    )
    p.add_argument(
        "--case-manager",
        metavar="NAME",
        help="joint review: the case manager reviewing with the inspector (--reviewer)",
    )


def _review(p: argparse.ArgumentParser) -> None:
    p.add_argument("case_ref", metavar="REF", help="pseudonymous case reference, e.g. HAR-01")
    p.add_argument("--mode", choices=["self", "joint"], default=None)
    _review_options(p)


def _chat(p: argparse.ArgumentParser) -> None:
    p.add_argument("--plain", action="store_true", help="plain line mode (the only mode here)")
    p.add_argument("--case", metavar="REF", dest="case_ref", help="case reference to review")
    p.add_argument("--mode", choices=["self", "joint"], default=None)
    _review_options(p)


def _interpret(p: argparse.ArgumentParser) -> None:
    p.add_argument("--criterion", required=True, metavar="ID")
    p.add_argument("text", nargs="+", metavar="TEXT")


def _nothing(p: argparse.ArgumentParser) -> None:
    pass


def _file(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE")


def _export(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=["json"], default="json")
    p.add_argument("--output", "-o", metavar="FILE", help="write to FILE instead of stdout")


def _report(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=["text", "md", "html", "json", "csv"], default="text")
    p.add_argument("--team", metavar="T")
    p.add_argument("--since", metavar="DATE", help="reviews completed on or after DATE")
    p.add_argument("--until", metavar="DATE", help="reviews completed on or before DATE")
    p.add_argument(
        "--latest",
        action="store_true",
        help="count only the latest complete review of each case (a re-audit replaces the "
        "earlier review)",
    )
    p.add_argument("--output", "-o", metavar="FILE", help="write to FILE instead of stdout")


def _countersign(p: argparse.ArgumentParser) -> None:
    p.add_argument("review_id", metavar="REVIEW_ID", help="the review's id (as in export)")
    p.add_argument("--by", metavar="NAME", required=True, help="the manager countersigning")
    p.add_argument("--comment", metavar="TEXT", help="a comment kept with the countersignature")


def _unlock(p: argparse.ArgumentParser) -> None:
    p.add_argument("review_id", metavar="REVIEW_ID", help="the review's id (as in export)")
    p.add_argument("--by", metavar="NAME", required=True, help="who unlocks it")
    p.add_argument("--why", metavar="TEXT", required=True, help="why it is unlocked")


def _actions(p: argparse.ArgumentParser) -> None:
    p.add_argument("--team", metavar="T", help="only this team's reviews")
    p.add_argument("--case", metavar="REF", help="only this case's reviews")
    p.add_argument("--state", choices=["open", "done", "all"], default="open")
    p.add_argument("--format", choices=["text", "json"], default="text")
    actions = p.add_subparsers(dest="actions_command", metavar="done")
    done = actions.add_parser(
        "done",
        help="close one action",
        description="Mark one action done (audited); a countersigned review refuses.",
    )
    _common(done, top=False)
    done.add_argument("action_id", metavar="ACTION_ID", help="as listed: REVIEW_ID#FLAG_ID")
    done.add_argument("--by", metavar="NAME", required=True, help="who closes it")
    done.add_argument("--note", metavar="TEXT", help="what was done")


def _learn(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "case",
        nargs="?",
        metavar="CASE",
        help="a practice case to play, or 'walkthrough' (every criterion explained); "
        "without it, the list of practice cases",
    )
    p.add_argument("--plain", action="store_true", help="play line by line on stdin/stdout")
    p.add_argument("--scores", action="store_true", help="list your practice attempts")
    p.add_argument("--format", choices=["text", "json"], default="text", help="with --scores")


def _audit(p: argparse.ArgumentParser) -> None:
    audit = p.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    verify = audit.add_parser(
        "verify",
        help="check that no event was edited, removed or reordered (exit 1 if any was)",
        description="Check every review's chain of event hashes, and that each review's "
        "answers are what its trail says; exit 1 naming what is broken.",
    )
    _common(verify, top=False)
    verify.add_argument("ref", nargs="?", metavar="REF", help="only this case (or review id)")


def _store(p: argparse.ArgumentParser) -> None:
    stores = p.add_subparsers(dest="store_command", metavar="ACTION", required=True)
    copy = stores.add_parser(
        "copy",
        help="copy every review FROM holds that TO lacks, audit trails included (resumable)",
        description="Copy reviews between stores (a folder, memory:, postgresql://...), audit "
        "trails included; a review TO already holds is skipped and counted, so running it again "
        "finishes an interrupted copy.",
    )
    _common(copy, top=False)
    copy.add_argument("source", metavar="FROM", help="the store to copy from")
    copy.add_argument("target", metavar="TO", help="the store to copy to")
    check = stores.add_parser(
        "check",
        help="say what would stop a copy from SPEC (writes nothing)",
        description="Check that a store can be reached and read whole, writing nothing: "
        "unreadable reviews or audit trails, an unreachable database, a newer schema.",
    )
    _common(check, top=False)
    check.add_argument("spec", metavar="SPEC", help="a store folder or postgresql://...")


# command -> (its help, what adds its arguments), in the order ``--help`` lists them
_COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None]]] = {
    "review": ("open the review of one case in the app (new or resumed)", _review),
    "chat": ("the same conversation line by line on stdin/stdout", _chat),
    "interpret": ("print how the assistant reads one free-text answer, as JSON", _interpret),
    "frameworks": ("list the installed frameworks", _nothing),
    "check-framework": ("validate a framework file (exit 0 if it is sound)", _file),
    "schema": ("print the JSON Schema of the framework format", _nothing),
    "import": ("import reviews from a case-review/1 JSON file", _file),
    "export": ("export every review as case-review/1 JSON", _export),
    "report": ("the inspection-style report over complete reviews", _report),
    "countersign": (
        "countersign a complete review as its manager (it is then locked)",
        _countersign,
    ),
    "unlock": ("unlock a countersigned review so it can be changed (audited)", _unlock),
    "actions": ("every flag as an action across reviews, urgent and oldest first", _actions),
    "learn": ("practise on fictional cases: model answers, feedback and a score", _learn),
    "audit": ("the audit trail of every change", _audit),
    "store": (
        "copy reviews between stores (folders, postgresql://...), or check one",
        _store,
    ),
}


def _handler(command: str) -> Callable[[argparse.Namespace], int]:
    module_name, func = HANDLERS[command].split(":")
    return getattr(importlib.import_module(module_name), func)


def main(argv: Sequence[str] | None = None) -> int:
    _ignore_file_size_signal()
    args = build_parser().parse_args(argv)
    command = args.command or "home"
    for name in ("store", "framework", "reviewer", "role"):
        if not hasattr(args, name):
            setattr(args, name, None)
    try:
        return _handler(command)(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): not an error of ours.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


def _ignore_file_size_signal() -> None:
    """Past a file size limit (``ulimit -f``) the kernel sends SIGXFSZ, which kills the process
    by default, mid-save; ignored, the write fails with EFBIG instead, which the store turns
    into one line saying what was not saved (and that nothing was lost)."""
    import signal

    if hasattr(signal, "SIGXFSZ"):
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
