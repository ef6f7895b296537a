"""Checking an import file before anything is written (SPEC §6): the whole of it, every
problem one line naming the record, the field and what is wrong.

``read_document`` reads the file (regular files and standard input only, at most
``MAX_IMPORT_BYTES``); ``validate_document`` checks the ``case-review/1`` document and returns
its reviews, or every problem.  For a file of any size, ``check_stream`` gives the same
problems reading it a review at a time (``assistant.exchange_stream``), and ``reviews_in``
the reviews of a file found sound, again one at a time.  ``assistant.exchange`` runs the
import and the export.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import IO, Any, get_args

from pydantic import ValidationError

from assistant.engine.items import CHECK_PREFIX, criterion_applies
from assistant.exchange_stream import ImportFileError, _reject_constant, members
from checked import validate
from prompts import Framework, FrameworkError, get_framework
from prompts.model import Check, Criterion, Fact
from store.records import (
    ANSWER_OUTCOMES,
    MAX_NOTE,
    SCHEMA_VERSION,
    FlagState,
    Mode,
    Outcome,
    Review,
    Role,
    Status,
    View,
    case_ref_problem,
    migrate,
    name_problem,
    normalise_case_ref,
)

FORMAT = "case-review/1"
MAX_IMPORT_BYTES = 256 * 1024 * 1024
MAX_PROBLEMS_SHOWN = 200
MAX_TEXT = MAX_NOTE

REQUIRED = (
    "id",
    "case_ref",
    "framework",
    "mode",
    "reviewer",
    "team",
    "status",
    "facts",
    "judgements",
)
OPTIONAL = (
    "schema_version",
    "framework_version",
    "reviewer_role",
    "participants",
    "set_aside",
    "flag_states",
    "created_at",
    "updated_at",
    "completed_at",
    "countersignature",
    "unlocks",
    "escalations",
    "earlier_review",
)
INTERNAL = ("revision", "pending", "focus", "skipped", "deferred")
JUDGEMENT_FIELDS = ("outcome", "reasons", "note", "quotable")
JUDGEMENT_OPTIONAL = (
    "answer",
    "kept_despite",
    "view",
    "inspector_outcome",
    "discussed",
    "interview_evidence",
    "answered_at",
    "answered_by",
)
MODES: tuple[str, ...] = get_args(Mode)
STATUSES: tuple[str, ...] = get_args(Status)
ROLES: tuple[str, ...] = get_args(Role)
OUTCOMES: tuple[str, ...] = get_args(Outcome)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


# -- export ------------------------------------------------------------------------------------


def gate_holds(criterion: Criterion, facts: dict[str, Any]) -> bool:
    """True unless the criterion's gate is known to be false for these facts."""
    return criterion_applies(criterion, facts) is not False


def _framework(framework_id: str, cache: dict[str, Framework | None]) -> Framework | None:
    if framework_id not in cache:
        try:
            cache[framework_id] = get_framework(framework_id)
        except FrameworkError:
            cache[framework_id] = None
    return cache[framework_id]


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return {dict: "an object", list: "a list", str: "text", int: "a number", float: "a number"}.get(
        type(value), type(value).__name__
    )


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


class _Problems:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.lines.append(f"{where}: {' '.join(message.split())}")


def _check_text(
    p: _Problems, where: str, value: Any, limit: int, *, empty: bool = True, strip: bool = True
) -> bool:
    if not isinstance(value, str):
        p.add(where, f"must be text, found {_type_name(value)}")
        return False
    if not empty and not (value.strip() if strip else value):
        p.add(where, "must not be empty")
        return False
    if len(value) > limit:
        p.add(where, f"longer than {limit} characters")
        return False
    return True


TIME_EXAMPLE = "e.g. 2014-10-20T09:30:00Z"


def _check_time(p: _Problems, where: str, value: Any, *, optional: bool = True) -> None:
    """A time in ISO 8601 with its time zone (``Z`` or an offset).  A time without one is
    refused: stored beside times that have one, it would make every comparison fail."""
    if value is None:
        if not optional:
            p.add(where, f"must be a time, found null ({TIME_EXAMPLE})")
        return
    if not isinstance(value, str):
        p.add(where, f"must be a time written in ISO 8601, found {_type_name(value)}")
        return
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        p.add(where, f"{_short(value)} is not a time in ISO 8601 ({TIME_EXAMPLE})")
        return
    if moment.tzinfo is None or moment.utcoffset() is None:
        p.add(where, f"{_short(value)} has no time zone; add Z or an offset ({TIME_EXAMPLE})")
        return
    try:
        moment.astimezone(UTC)
    except OverflowError:
        p.add(where, f"{_short(value)} is out of range once converted to UTC")


def _check_choice(p: _Problems, where: str, value: Any, allowed: tuple[str, ...]) -> bool:
    if value not in allowed or not isinstance(value, str):
        p.add(where, f"{_short(value)} is not one of {', '.join(allowed)}")
        return False
    return True


def _check_fact(p: _Problems, where: str, fact: Fact, value: Any) -> None:
    options = tuple(o.id for o in fact.options)
    if value is None:
        p.add(where, "null; leave an unanswered fact out")
    elif fact.type == "yesno":
        if not isinstance(value, bool):
            p.add(where, f"must be true or false, found {_short(value)}")
    elif fact.type == "choice":
        if not isinstance(value, str) or value not in options:
            p.add(where, f"{_short(value)} is not an option of {fact.id} ({', '.join(options)})")
    elif fact.type == "multichoice":
        if not isinstance(value, list):
            p.add(where, f"must be a list of options, found {_type_name(value)}")
            return
        seen: set[str] = set()
        for item in value:
            if not isinstance(item, str) or item not in options:
                p.add(where, f"{_short(item)} is not an option of {fact.id} ({', '.join(options)})")
            elif item in seen:
                p.add(where, f"option {item!r} listed twice")
            else:
                seen.add(item)
    elif fact.type == "date":
        if not isinstance(value, str) or not _DATE.match(value):
            p.add(where, f"must be a date written YYYY-MM-DD, found {_short(value)}")
        else:
            try:
                date.fromisoformat(value)
            except ValueError:
                p.add(where, f"{value!r} is not a real date")
    else:
        _check_text(p, where, value, MAX_TEXT)


def _check_outcome(p: _Problems, where: str, value: Any, criterion: Criterion) -> None:
    if not isinstance(value, str) or value not in OUTCOMES:
        p.add(where, f"{_short(value)} is not an outcome ({', '.join(OUTCOMES)})")
    elif value not in criterion.outcomes:
        p.add(where, f"not_applicable is not allowed for {criterion.id}")


def _an_object(p: _Problems, where: str, value: Any, fields: tuple[str, ...]) -> bool:
    """Whether ``value`` is an object; each of its keys not in ``fields`` is a problem."""
    if not isinstance(value, dict):
        p.add(where, f"must be an object, found {_type_name(value)}")
        return False
    for key in value:
        if key in INTERNAL:
            p.add(f"{where}.{key}", "internal working state, not part of case-review/1")
        elif key not in fields:
            p.add(f"{where}.{key}", "unknown field")
    return True


def _check_judgement(
    p: _Problems, where: str, value: Any, criterion: Criterion, checks: tuple[Check, ...]
) -> dict[str, Any] | None:
    before = len(p.lines)
    if not _an_object(p, where, value, JUDGEMENT_FIELDS + JUDGEMENT_OPTIONAL):
        return None
    if "outcome" not in value:
        p.add(f"{where}.outcome", "missing (required)")
    else:
        _check_outcome(p, f"{where}.outcome", value["outcome"], criterion)
    reasons = value.get("reasons", [])
    if not isinstance(reasons, list):
        p.add(f"{where}.reasons", f"must be a list of reason ids, found {_type_name(reasons)}")
    else:
        seen: set[str] = set()
        for reason in reasons:
            if not isinstance(reason, str):
                p.add(f"{where}.reasons", f"{_short(reason)} is not a reason id")
            elif criterion.reason(reason) is None:
                p.add(f"{where}.reasons", f"unknown reason {reason!r} for {criterion.id}")
            elif reason in seen:
                p.add(f"{where}.reasons", f"reason {reason!r} listed twice")
            else:
                seen.add(reason)
    if "note" in value:
        _check_text(p, f"{where}.note", value["note"], MAX_TEXT)
    if "answer" in value:
        answer = value["answer"]
        if _check_choice(p, f"{where}.answer", answer, tuple(ANSWER_OUTCOMES)):
            said = ANSWER_OUTCOMES[answer]
            if value.get("outcome") in OUTCOMES and value["outcome"] != said:
                p.add(
                    f"{where}.answer", f"{answer!r} does not go with outcome {value['outcome']!r}"
                )
    kept = value.get("kept_despite", [])
    if not isinstance(kept, list) or not all(isinstance(k, str) for k in kept):
        p.add(f"{where}.kept_despite", f"must be a list of check ids, found {_short(kept)}")
    else:
        for check_id in kept:
            if not any(c.id == check_id and c.criterion == criterion.id for c in checks):
                p.add(f"{where}.kept_despite", f"no check {check_id!r} on {criterion.id}")
    if "quotable" in value and not isinstance(value["quotable"], bool):
        p.add(f"{where}.quotable", f"must be true or false, found {_short(value['quotable'])}")
    if value.get("inspector_outcome") is not None:
        _check_outcome(p, f"{where}.inspector_outcome", value["inspector_outcome"], criterion)
    if "answered_by" in value:
        _check_text(p, f"{where}.answered_by", value["answered_by"], 200)
    if "interview_evidence" in value:
        _check_text(p, f"{where}.interview_evidence", value["interview_evidence"], MAX_TEXT)
    if "discussed" in value and not isinstance(value["discussed"], bool):
        p.add(f"{where}.discussed", f"must be true or false, found {_short(value['discussed'])}")
    if "answered_at" in value:
        _check_time(p, f"{where}.answered_at", value["answered_at"])
    view = value.get("view")
    if view is not None:
        try:
            checked = validate(View, view)
        except ValidationError as exc:
            _pydantic(p, f"{where}.view", exc)
        else:
            if checked.outcome is not None:
                _check_outcome(p, f"{where}.view.outcome", checked.outcome, criterion)
    return value if len(p.lines) == before else None


def _pydantic(p: _Problems, where: str, exc: ValidationError) -> None:
    for error in exc.errors():
        loc = "".join(f"[{x}]" if isinstance(x, int) else f".{x}" for x in error.get("loc", ()))
        p.add(f"{where}{loc}", error.get("msg", "invalid"))


def _check_review(
    p: _Problems, index: int, raw: Any, frameworks: dict[str, Framework | None]
) -> Review | None:
    where = f"reviews[{index}]"
    before = len(p.lines)
    if not _an_object(p, where, raw, REQUIRED + OPTIONAL):
        return None
    for key in REQUIRED:
        if key not in raw:
            p.add(f"{where}.{key}", "missing (required)")
    if "id" in raw:
        _check_text(p, f"{where}.id", raw["id"], 200, empty=False, strip=False)
    case_ref = raw.get("case_ref")
    if "case_ref" in raw and _check_text(p, f"{where}.case_ref", case_ref, 1000, empty=False):
        problem = case_ref_problem(str(case_ref))
        if problem:
            p.add(f"{where}.case_ref", problem)
    if "mode" in raw:
        _check_choice(p, f"{where}.mode", raw["mode"], MODES)
    if "status" in raw:
        _check_choice(p, f"{where}.status", raw["status"], STATUSES)
    for key in ("reviewer", "team"):
        if key in raw and _check_text(p, f"{where}.{key}", raw[key], 200):
            problem = name_problem(raw[key], f"The {key}")
            if problem:
                p.add(f"{where}.{key}", problem)
    if "reviewer_role" in raw:
        _check_choice(p, f"{where}.reviewer_role", raw["reviewer_role"], ROLES)
    if "framework_version" in raw:
        _check_text(p, f"{where}.framework_version", raw["framework_version"], 200)
    for key in ("created_at", "updated_at", "completed_at"):
        if key in raw:
            _check_time(p, f"{where}.{key}", raw[key], optional=key == "completed_at")
    if raw.get("countersignature") is not None and raw.get("status") != "complete":
        p.add(f"{where}.countersignature", "only a complete review can be countersigned")
    if raw.get("earlier_review") is not None:
        _check_text(p, f"{where}.earlier_review", raw["earlier_review"], 200, empty=False)
    version = raw.get("schema_version", SCHEMA_VERSION)
    if not isinstance(version, int) or isinstance(version, bool) or version < 0:
        p.add(f"{where}.schema_version", f"must be a whole number, found {_short(version)}")
    elif version > SCHEMA_VERSION:
        p.add(
            f"{where}.schema_version",
            f"{version} is newer than this program understands ({SCHEMA_VERSION}); upgrade "
            f"case-review-assistant",
        )

    fw: Framework | None = None
    framework_id = raw.get("framework")
    if "framework" in raw:
        if not isinstance(framework_id, str) or not framework_id:
            p.add(f"{where}.framework", f"must be a framework id, found {_short(framework_id)}")
        else:
            fw = _framework(framework_id, frameworks)
            if fw is None:
                p.add(f"{where}.framework", f"unknown framework {framework_id!r} (not installed)")

    facts = raw.get("facts", {})
    if not isinstance(facts, dict):
        p.add(f"{where}.facts", f"must be an object, found {_type_name(facts)}")
        facts = {}
    judgements = raw.get("judgements", {})
    if not isinstance(judgements, dict):
        p.add(f"{where}.judgements", f"must be an object, found {_type_name(judgements)}")
        judgements = {}
    set_aside = raw.get("set_aside", {})
    if not isinstance(set_aside, dict):
        p.add(f"{where}.set_aside", f"must be an object, found {_type_name(set_aside)}")
        set_aside = {}
    flag_states = raw.get("flag_states", {})
    if not isinstance(flag_states, dict):
        p.add(f"{where}.flag_states", f"must be an object, found {_type_name(flag_states)}")
        flag_states = {}

    if fw is not None:
        for fact_id, value in facts.items():
            fact = fw.fact(fact_id)
            if fact is None:
                p.add(f"{where}.facts.{fact_id}", f"unknown fact {fact_id!r} for {fw.id}")
            else:
                _check_fact(p, f"{where}.facts.{fact_id}", fact, value)
        gate_facts = {k: v for k, v in facts.items() if fw.fact(k) is not None}
        for group, wanted in (("judgements", True), ("set_aside", False)):
            for criterion_id, value in (judgements if wanted else set_aside).items():
                at = f"{where}.{group}.{criterion_id}"
                criterion = fw.criterion(criterion_id)
                if criterion is None:
                    p.add(at, f"unknown criterion {criterion_id!r} for {fw.id}")
                    continue
                _check_judgement(p, at, value, criterion, fw.checks)
                holds = gate_holds(criterion, gate_facts)
                if wanted and not holds:
                    p.add(
                        at,
                        f"{criterion_id} does not apply to this case (it applies when "
                        f"{criterion.applies_when!r}, which is false for these facts)",
                    )
                elif not wanted and holds:
                    p.add(at, f"{criterion_id} applies to this case; put it under judgements")
                elif not wanted and criterion_id in judgements:
                    p.add(at, "also under judgements")
        for flag_id, value in flag_states.items():
            at = f"{where}.flag_states.{flag_id}"
            if flag_id.startswith(CHECK_PREFIX):
                known = any(c.id == flag_id[len(CHECK_PREFIX) :] for c in fw.checks)
            else:
                known = fw.criterion(flag_id) is not None
            if not known:
                p.add(at, f"no flag {flag_id!r} in {fw.id} (a criterion id or check:<check id>)")
            if isinstance(value, dict) and "changed_at" in value:
                found = len(p.lines)
                _check_time(p, f"{at}.changed_at", value["changed_at"])
                if len(p.lines) != found:
                    continue  # said once, plainly
            try:
                validate(FlagState, value)
            except ValidationError as exc:
                _pydantic(p, at, exc)

    if len(p.lines) != before:
        return None
    data = {key: raw[key] for key in raw if key != "set_aside"}
    data["case_ref"] = normalise_case_ref(data["case_ref"])
    data["judgements"] = {**judgements, **set_aside}
    try:
        return validate(Review, {**migrate(data), "revision": 0})
    except ValidationError as exc:
        _pydantic(p, where, exc)
    except ValueError as exc:
        p.add(where, str(exc))
    return None


def validate_document(data: Any) -> tuple[list[Review], list[str]]:
    """The reviews of a parsed case-review/1 document, or every problem found (one line each)."""
    p = _Problems()
    if not isinstance(data, dict):
        p.add(
            "(file)",
            f'expected a JSON object with "format": "{FORMAT}", found {_type_name(data)}',
        )
        return [], p.lines
    for key in data:
        if key not in ("format", "reviews"):
            p.add(key, "unknown field (a case-review/1 file has format and reviews)")
    if data.get("format") != FORMAT:
        found = "missing" if "format" not in data else f"found {_short(data.get('format'))}"
        p.add("format", f"expected {FORMAT!r}, {found}")
        return [], p.lines
    raw_reviews = data.get("reviews")
    if not isinstance(raw_reviews, list):
        p.add("reviews", f"must be a list of reviews, found {_type_name(raw_reviews)}")
        return [], p.lines
    frameworks: dict[str, Framework | None] = {}
    reviews: list[Review] = []
    first_seen: dict[str, int] = {}
    for index, raw in enumerate(raw_reviews):
        review = _check_listed(p, index, raw, frameworks, first_seen)
        if review is not None:
            reviews.append(review)
    return (reviews, []) if not p.lines else ([], p.lines)


def _check_listed(
    p: _Problems,
    index: int,
    raw: Any,
    frameworks: dict[str, Framework | None],
    first_seen: dict[str, int],
) -> Review | None:
    """One review of the list, and its id against those before it."""
    review = _check_review(p, index, raw, frameworks)
    review_id = raw.get("id") if isinstance(raw, dict) else None
    if isinstance(review_id, str):
        if review_id in first_seen:
            p.add(
                f"reviews[{index}].id",
                f"duplicate id {_short(review_id)} (also reviews[{first_seen[review_id]}])",
            )
        else:
            first_seen[review_id] = index
    return review


def check_stream(stream: IO[bytes], spool: IO[bytes] | None = None) -> tuple[int, list[str]]:
    """``validate_document`` of the document read from ``stream`` a review at a time (the
    first pass of an import): how many reviews it holds and every problem, the same lines in
    the same order; no review is kept, only the ids seen.  ImportFileError if it is not JSON;
    every byte read is copied to ``spool`` for the second pass."""
    p = _Problems()
    skeleton: dict[str, Any] = {}  # the document without its reviews, for its own checks
    frameworks: dict[str, Framework | None] = {}
    first_seen: dict[str, int] = {}
    count = 0
    for key, index, value in members(stream, MAX_IMPORT_BYTES, spool):
        if key is None:  # not an object at all
            return 0, validate_document(value)[1]
        if index is None:
            skeleton[key] = value
            continue
        _check_listed(p, index, value, frameworks, first_seen)
        count += 1
    lines = validate_document(skeleton)[1]
    if isinstance(skeleton.get("reviews"), list) and skeleton.get("format") == FORMAT:
        lines += p.lines
    return count, lines


def reviews_in(stream: IO[bytes]) -> Iterator[Review]:
    """The reviews of a document ``check_stream`` found sound, one at a time (the second
    pass of an import); ImportFileError if one no longer is (the file changed)."""
    frameworks: dict[str, Framework | None] = {}
    for key, index, value in members(stream, MAX_IMPORT_BYTES):
        if key != "reviews" or index is None:
            continue
        p = _Problems()
        review = _check_review(p, index, value, frameworks)
        if review is None:
            raise ImportFileError(f"reviews[{index}] changed since it was checked")
        yield review


# -- import ------------------------------------------------------------------------------------


def read_document(path: str) -> Any:
    """Parse an import file (``-`` for stdin): UTF-8 JSON, at most MAX_IMPORT_BYTES."""
    from checked.files import Refused, TooLarge, read_bounded, read_stream

    try:
        if path == "-":
            raw = read_stream(sys.stdin.buffer, MAX_IMPORT_BYTES)
        else:  # a regular file only (a FIFO or a device is refused), at most the limit read
            raw = read_bounded(path, MAX_IMPORT_BYTES, follow=True)
    except FileNotFoundError:
        raise ImportFileError("no such file") from None
    except TooLarge:
        raise ImportFileError(
            f"larger than {MAX_IMPORT_BYTES // 2**20} MB; not a case-review/1 file"
        ) from None
    except Refused as exc:
        raise ImportFileError(exc.reason) from None
    except OSError as exc:
        raise ImportFileError(f"cannot be read: {exc.strerror or exc}") from None
    if not raw.strip():
        raise ImportFileError("the file is empty; expected case-review/1 JSON")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            f"not UTF-8 text (bad byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
            f"case-review/1 files are UTF-8 JSON"
        ) from None
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise ImportFileError(
            f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from None
    except RecursionError:
        raise ImportFileError("not valid JSON: nested too deeply") from None
    except ValueError as exc:
        raise ImportFileError(f"not valid JSON: {exc}") from None
