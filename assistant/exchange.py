"""Import and export of reviews in the interchange format ``case-review/1`` (SPEC §6).

Export (``case-review export [--format json] [--output FILE]``) writes every stored review
(learning reviews are never stored) as ``{"format": "case-review/1", "reviews": [...]}``,
sorted by id, so the same store always gives the same bytes.  Each review has the required
fields of §6 and these optional ones: ``framework_version``, ``reviewer_role``,
``participants``, ``set_aside``, ``flag_states``, ``created_at``, ``updated_at``,
``completed_at``, ``schema_version`` and, when set, the oversight of SPEC §10:
``countersignature``, ``unlocks``, ``escalations``, ``earlier_review`` (a re-audit); each
judgement has ``outcome``, ``reasons``, ``note``, ``quotable`` and, when set, ``view``,
``inspector_outcome``, ``discussed``, ``interview_evidence``, ``answered_at``, ``answered_by``.
Flag states carry ``raised_at``, when the flag was first raised.

``judgements`` holds only judgements of criteria whose gate holds for the review's facts (or
is not yet known: a gate fact left unanswered).  A judgement the store keeps for a criterion
whose gate became false (the answer is kept in history, SPEC §4) goes to ``set_aside`` so that
the file stays valid and nothing is lost.  The engine's working state (``pending`` follow-ups,
``focus``, ``skipped``) and the store's ``revision`` are not part of the format: they describe
one session, not the review.

Import (``case-review import FILE``) reads UTF-8 JSON and validates every review before writing
anything: the format tag, required fields and their types, the framework (installed), facts
(known to it, values of the right type), criteria, outcomes (``not_applicable`` only where the
criterion allows it), reasons (known to that criterion), gates (no judgement under
``judgements`` for a criterion whose gate is false), flag states, duplicate ids in the file.  Any
problem refuses the whole file, one line per problem naming the record, the field and what is
wrong, and the store is not touched.  Reviews whose id is already stored are skipped, never
duplicated or overwritten; learning reviews are skipped (they are never stored).  Imported
reviews keep their timestamps, and the audit trail records them as ``imported`` by
``--reviewer`` / ``--role``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from assistant.exchange_check import (  # noqa: F401  (the import format, for callers)
    FORMAT,
    INTERNAL,
    JUDGEMENT_FIELDS,
    JUDGEMENT_OPTIONAL,
    MAX_IMPORT_BYTES,
    MAX_PROBLEMS_SHOWN,
    OPTIONAL,
    REQUIRED,
    ImportFileError,
    _framework,
    gate_holds,
    read_document,
    validate_document,
)
from prompts import Framework, get_framework
from store import Actor, ConflictError, ReviewStore, StoreError, open_store
from store.records import (
    Review,
)


def export_judgement(judgement: Any) -> dict[str, Any]:
    data = judgement.to_data()
    out = {key: data[key] for key in JUDGEMENT_FIELDS}
    for key in JUDGEMENT_OPTIONAL:
        if data.get(key) not in (None, "", []) and data.get(key) is not False:
            out[key] = data[key]
    return out


def export_review(review: Review, fw: Framework | None) -> dict[str, Any]:
    """One review in case-review/1 form; judgements of gated-out criteria go to set_aside."""
    data = review.to_data()
    judgements: dict[str, Any] = {}
    set_aside: dict[str, Any] = {}
    for criterion_id, judgement in review.judgements.items():
        criterion = fw.criterion(criterion_id) if fw is not None else None
        target = judgements
        if criterion is not None and not gate_holds(criterion, review.facts):
            target = set_aside
        target[criterion_id] = export_judgement(judgement)
    out: dict[str, Any] = {key: data[key] for key in REQUIRED if key != "judgements"}
    out["judgements"] = judgements
    if set_aside:
        out["set_aside"] = set_aside
    out["framework_version"] = data["framework_version"]
    out["reviewer_role"] = data["reviewer_role"]
    out["participants"] = data["participants"]
    if data["flag_states"]:
        out["flag_states"] = data["flag_states"]
    out["created_at"] = data["created_at"]
    out["updated_at"] = data["updated_at"]
    if data.get("completed_at") is not None:
        out["completed_at"] = data["completed_at"]
    for key in ("countersignature", "unlocks", "escalations", "earlier_review"):
        if data.get(key) not in (None, [], ()):
            out[key] = data[key]
    out["schema_version"] = data["schema_version"]
    return out


def export_document(
    store: ReviewStore, framework: str | None = None
) -> tuple[dict[str, Any], list[str]]:
    """Every stored non-learning review as a case-review/1 document, and unreadable files."""
    cache: dict[str, Framework | None] = {}
    loaded = store.reviews(framework=framework)
    reviews = sorted((r for r in loaded if r.mode != "learning"), key=lambda r: r.id)
    problems = list(loaded.problems)
    exported = []
    for review in reviews:
        fw = _framework(review.framework, cache)
        if fw is None:
            problems.append(
                f"review {review.id}: framework {review.framework!r} is not installed; its "
                f"judgements are exported as stored, without checking gates"
            )
        exported.append(export_review(review, fw))
    return {"format": FORMAT, "reviews": exported}, problems


def dump(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def run_export(args: argparse.Namespace) -> int:
    try:
        store = open_store(getattr(args, "store", None))
        document, problems = export_document(store, getattr(args, "framework", None))
    except StoreError as exc:
        print(f"case-review export: {exc}", file=sys.stderr)
        return 1
    text = dump(document)
    output = getattr(args, "output", None)
    if output and output != "-":
        try:
            _write_private(Path(output), text.encode("utf-8"))
        except OSError as exc:
            print(f"case-review export: {output}: cannot write: {exc.strerror}", file=sys.stderr)
            return 1
        count = len(document["reviews"])
        print(f"exported {count} review{'' if count == 1 else 's'} to {output}", file=sys.stderr)
    else:  # case-review/1 is UTF-8 whatever the terminal's locale
        out = getattr(sys.stdout, "buffer", None)
        if out is not None:
            sys.stdout.flush()
            out.write(text.encode("utf-8"))
            out.flush()
        else:
            sys.stdout.write(text)
            sys.stdout.flush()
    for problem in problems:
        print(f"case-review export: not exported: {problem}", file=sys.stderr)
    return 1 if problems else 0


def _write_private(path: Path, data: bytes) -> None:
    """Write an export file owner-only (it holds case data), replacing it atomically."""
    from store.storage import atomic_write

    atomic_write(path, data)


# -- validation --------------------------------------------------------------------------------


def listing_summary(review: Review, engines: dict[str, Any]) -> dict[str, Any]:
    """The progress and flag counts the home screen lists, as the conversation saves them."""
    try:
        from assistant.engine.conversation import Engine
        from assistant.engine.progress import index_summary

        if review.framework not in engines:
            engines[review.framework] = Engine(get_framework(review.framework))
        return dict(index_summary(engines[review.framework], review))
    except Exception:  # a summary is a convenience for the listing, never a reason to fail
        return {}


def import_reviews(store: ReviewStore, reviews: list[Review], actor: Actor) -> dict[str, int]:
    """Save the reviews not already stored; counts of imported / present / learning."""
    counts = {"imported": 0, "present": 0, "learning": 0}
    engines: dict[str, Any] = {}
    for review in reviews:
        if review.mode == "learning":
            counts["learning"] += 1
            continue
        if store.exists(review.id):
            counts["present"] += 1
            continue
        try:
            store.save(
                review,
                actor,
                summary=listing_summary(review, engines),
                action="imported",
                touch=False,
            )
        except ConflictError:
            counts["present"] += 1  # another process stored it meanwhile
            continue
        counts["imported"] += 1
    return counts


def run_import(args: argparse.Namespace) -> int:
    name = args.file
    try:
        data = read_document(name)
    except ImportFileError as exc:
        print(f"case-review import: {name}: {exc}", file=sys.stderr)
        return 1
    reviews, problems = validate_document(data)
    if problems:
        for line in problems[:MAX_PROBLEMS_SHOWN]:
            print(f"{name}: {line}", file=sys.stderr)
        if len(problems) > MAX_PROBLEMS_SHOWN:
            print(f"{name}: ... and {len(problems) - MAX_PROBLEMS_SHOWN} more", file=sys.stderr)
        count = f"{len(problems)} problem" + ("s" if len(problems) != 1 else "")
        print(
            f"case-review import: {name}: refused ({count}); nothing was imported",
            file=sys.stderr,
        )
        return 1
    actor = Actor(name=args.reviewer or "", role=args.role or "case_manager")
    try:
        store = open_store(args.store)
        counts = import_reviews(store, reviews, actor)
    except StoreError as exc:
        print(f"case-review import: {exc}", file=sys.stderr)
        return 1
    message = f"imported {counts['imported']}, already present {counts['present']}"
    if counts["learning"]:
        message += f", learning-mode skipped {counts['learning']} (never stored)"
    print(message)
    return 0
