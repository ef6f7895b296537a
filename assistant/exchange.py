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
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any, Protocol

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
    check_stream,
    gate_holds,
    read_document,
    reviews_in,
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


def exported_reviews(
    store: ReviewStore, framework: str | None = None
) -> tuple[Iterator[dict[str, Any]], list[str]]:
    """Every stored non-learning review in case-review/1 form, sorted by id, made one at a
    time as the result is iterated (only the sorted ids are held), and the problems: the
    listing's at once, the rest (a review that cannot be read, a framework not installed)
    as they are met."""
    listing = store.summaries()
    problems = list(listing.problems)
    ids = sorted(
        s.id
        for s in listing
        if s.mode != "learning" and (framework is None or s.framework == framework)
    )
    del listing

    def produce() -> Iterator[dict[str, Any]]:
        cache: dict[str, Framework | None] = {}
        for review_id in ids:
            try:
                review = store.get(review_id)
            except KeyError:
                continue  # removed since it was listed
            except StoreError as exc:
                problems.append(str(exc))
                continue
            fw = _framework(review.framework, cache)
            if fw is None:
                problems.append(
                    f"review {review.id}: framework {review.framework!r} is not installed; its "
                    f"judgements are exported as stored, without checking gates"
                )
            yield export_review(review, fw)

    return produce(), problems


def export_document(
    store: ReviewStore, framework: str | None = None
) -> tuple[dict[str, Any], list[str]]:
    """Every stored non-learning review as a case-review/1 document, and unreadable files."""
    reviews, problems = exported_reviews(store, framework)
    return {"format": FORMAT, "reviews": list(reviews)}, problems


def dump(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


class Sink(Protocol):
    """Where an export is written: a binary file, standard output."""

    def write(self, data: bytes, /) -> object: ...

    def flush(self) -> object: ...


def write_export(
    store: ReviewStore, out: Sink, framework: str | None = None
) -> tuple[int, list[str]]:
    """Write the export to ``out`` a review at a time, byte for byte what ``dump`` of
    ``export_document`` gives; how many reviews, and the problems."""
    reviews, problems = exported_reviews(store, framework)
    out.write(f'{{\n  "format": {json.dumps(FORMAT)},\n  "reviews": ['.encode())
    count = 0
    for data in reviews:
        text = json.dumps(data, ensure_ascii=False, indent=2).replace("\n", "\n    ")
        out.write((",\n    " if count else "\n    ").encode() + text.encode("utf-8"))
        count += 1
    out.write(b"\n  ]\n}\n" if count else b"]\n}\n")
    return count, problems


def run_export(args: argparse.Namespace) -> int:
    output = getattr(args, "output", None)
    try:
        store = open_store(getattr(args, "store", None))
        if output and output != "-":
            from store.storage import atomic_writer

            try:  # owner-only (it holds case data), and replaced only once written whole
                with atomic_writer(Path(output)) as target:
                    count, problems = write_export(store, target, getattr(args, "framework", None))
            except OSError as exc:
                why = exc.strerror or str(exc)
                print(f"case-review export: {output}: cannot write: {why}", file=sys.stderr)
                return 1
            plural = "" if count == 1 else "s"
            print(f"exported {count} review{plural} to {output}", file=sys.stderr)
        else:  # case-review/1 is UTF-8 whatever the terminal's locale
            sys.stdout.flush()
            stdout = getattr(sys.stdout, "buffer", None)
            out: Sink = stdout if stdout is not None else _TextOut(sys.stdout)
            count, problems = write_export(store, out, getattr(args, "framework", None))
            out.flush()
    except StoreError as exc:
        print(f"case-review export: {exc}", file=sys.stderr)
        return 1
    for problem in problems:
        print(f"case-review export: not exported: {problem}", file=sys.stderr)
    return 1 if problems else 0


class _TextOut:
    """A text stream (one without a byte buffer, as in a test) written as bytes."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream

    def write(self, data: bytes) -> int:
        return self.stream.write(data.decode("utf-8"))

    def flush(self) -> None:
        self.stream.flush()


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


def import_reviews(store: ReviewStore, reviews: Iterable[Review], actor: Actor) -> dict[str, int]:
    """Save the reviews not already stored, one at a time as they come; counts of imported /
    present / learning."""
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
    """Two passes over the file, a review at a time: every review checked first (nothing is
    written if anything is wrong), then each imported.  The second pass reads the same file
    again, refused if it changed in between (its identity, size and times), or, from standard
    input, a private copy of what the first pass read."""
    import tempfile

    name = args.file
    try:
        with _import_source(name) as source:
            regular = name != "-"
            before = _identity(source) if regular else None
            with tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY) as spool:
                _, problems = check_stream(source, None if regular else spool)
                if problems:
                    _refuse(name, problems)
                    return 1
                again: IO[bytes] = source if regular else spool
                if regular and _identity(source) != before:
                    raise ImportFileError("changed while it was checked; nothing was imported")
                again.seek(0)
                actor = Actor(name=args.reviewer or "", role=args.role or "case_manager")
                try:
                    store = open_store(args.store)
                    counts = import_reviews(store, reviews_in(again), actor)
                except StoreError as exc:
                    print(f"case-review import: {exc}", file=sys.stderr)
                    return 1
    except ImportFileError as exc:
        print(f"case-review import: {name}: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        why = exc.strerror or str(exc)
        print(f"case-review import: {name}: cannot be read: {why}", file=sys.stderr)
        return 1
    message = f"imported {counts['imported']}, already present {counts['present']}"
    if counts["learning"]:
        message += f", learning-mode skipped {counts['learning']} (never stored)"
    print(message)
    return 0


SPOOL_IN_MEMORY = 16 * 2**20  # of standard input kept in memory for the second pass; then disk


def _identity(source: IO[bytes]) -> tuple[int, ...]:
    st = os.fstat(source.fileno())
    return (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def _refuse(name: str, problems: list[str]) -> None:
    for line in problems[:MAX_PROBLEMS_SHOWN]:
        print(f"{name}: {line}", file=sys.stderr)
    if len(problems) > MAX_PROBLEMS_SHOWN:
        print(f"{name}: ... and {len(problems) - MAX_PROBLEMS_SHOWN} more", file=sys.stderr)
    count = f"{len(problems)} problem" + ("s" if len(problems) != 1 else "")
    print(f"case-review import: {name}: refused ({count}); nothing was imported", file=sys.stderr)


def _import_source(name: str) -> IO[bytes]:
    """The file to import (``-``: standard input): a regular file only (a FIFO or a device is
    refused), no larger than the limit; ImportFileError in one line otherwise."""
    from assistant import exchange_check
    from checked.files import Refused, open_regular

    if name == "-":
        return os.fdopen(os.dup(sys.stdin.fileno()), "rb")
    try:
        fd, st = open_regular(name, follow=True)
    except FileNotFoundError:
        raise ImportFileError("no such file") from None
    except Refused as exc:
        raise ImportFileError(exc.reason) from None
    except OSError as exc:
        raise ImportFileError(f"cannot be read: {exc.strerror or exc}") from None
    if st.st_size > exchange_check.MAX_IMPORT_BYTES:
        os.close(fd)
        raise ImportFileError(
            f"larger than {exchange_check.MAX_IMPORT_BYTES // 2**20} MB; not a case-review/1 file"
        )
    return os.fdopen(fd, "rb")
