"""The commands a user can give during a review, parsed once for every front end.

The app takes them after a ``/`` (``/jump rr.plan``) and offers them for Tab completion; plain
mode takes the bare word too (``jump rr.plan``).  ``parse`` turns a line into a ``Command`` or
None (the line is an answer); ``Session.command`` carries a command out, and the help text of
both front ends comes from ``COMMANDS``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Spec:
    name: str
    usage: str  # as shown in help, without the leading slash
    help: str
    takes_argument: bool = False
    aliases: tuple[str, ...] = ()
    bare: bool = True  # plain mode takes it without the slash (else "/team", as answers may
    # well start with the word)
    learning: bool = False  # only in learning mode (a practice case)


COMMANDS: tuple[Spec, ...] = (
    Spec("back", "back", "go to the previous question"),
    Spec("jump", "jump ID", "go to any question by its id, e.g. jump rr.plan_review", True),
    Spec("skip", "skip", "leave this question for now; it comes back at the end"),
    Spec("why", "why", "why this question matters and what good looks like"),
    Spec("note", "note TEXT", "replace the note on the current (or last answered) criterion", True),
    Spec("summary", "summary", "every answer and flag so far"),
    Spec("flags", "flags", "the flags raised so far"),
    Spec("done", "done FLAG_ID", "mark a flag's action as done (open FLAG_ID reopens it)", True),
    Spec("open", "open FLAG_ID", "reopen a flag marked done", True),
    Spec("team", "team NAME", "set the team this review counts for in reports", True, bare=False),
    Spec(
        "escalate",
        "escalate ID",
        "log an urgent concern passed on: who was told, when, what they did",
        True,
        bare=False,
    ),
    Spec("finish", "finish", "what is still open; ends the review when nothing is"),
    # (An answer may well start with "case ...": the bare word takes no argument; "/case ID"
    # shows one extract.)
    Spec("case", "case", "the case file (/case ID: one extract of it)", learning=True),
    Spec("retry", "retry", "judge again the criteria to revisit", learning=True),
    Spec("help", "help", "this help"),
    Spec("quit", "quit", "stop; everything answered is already saved", aliases=("exit",)),
)
_BY_NAME = {alias: spec for spec in COMMANDS for alias in (spec.name, *spec.aliases)}


@dataclass(frozen=True)
class Command:
    name: str
    argument: str = ""


def parse(line: str, *, bare_words: bool, learning: bool = False) -> Command | None:
    """The command ``line`` gives, or None when it is an answer.

    ``/word`` is always a command (an unknown one gives ``Command("unknown", word)``); with
    ``bare_words`` (plain mode) a line whose first word is a command name is one too.  The
    commands of learning mode are commands only with ``learning``.
    """
    text = line.strip()
    slashed = text.startswith("/")
    word, _, rest = text.lstrip("/").partition(" ")
    spec = _BY_NAME.get(word.lower())
    if spec is not None and spec.learning and not learning:
        spec = None
    if spec is None:
        return Command("unknown", word) if slashed and word else None
    if not slashed and not (bare_words and spec.bare):
        return None
    if not slashed and rest.strip() and not spec.takes_argument:
        return None  # "why not, it was fine": an answer that starts with a command's name
    return Command(spec.name, rest.strip())


def _offered(learning: bool) -> list[Spec]:
    return [s for s in COMMANDS if learning or not s.learning]


def help_lines(prefix: str = "", *, learning: bool = False) -> list[str]:
    """One line per command, e.g. ``  jump ID       go to any question by its id``."""
    specs = _offered(learning)
    width = max(len(prefix + s.usage) for s in specs) + 2
    return [f"  {(prefix + s.usage).ljust(width)}{s.help}" for s in specs]


def completions(item_ids: list[str], *, learning: bool = False) -> list[str]:
    """What Tab completes in the app: every command, and ``/jump`` with every item id."""
    out = [f"/{s.name}" + (" " if s.takes_argument else "") for s in _offered(learning)]
    return out + [f"/jump {i}" for i in item_ids]
