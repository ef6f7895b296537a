"""Practice cases for learning mode (SPEC §9): fictional case files with model answers.

A practice case is a data file, ``prompts/practice/<id>.toml``, written for one framework:

- ``as_at``, the date the case file is read on;
- a short fictional case file made of named extracts (``[[extracts]]``: id, heading, text),
  the pages a reviewer would read: assessment summary, plan, reviews, events, court report,
  manager sign-off, partner information;
- the model facts (``[facts]``: values for the framework's facts, at least every fact a gate
  needs);
- for every criterion live under those facts, the model judgement (``[[judgements]]``:
  criterion, outcome, reasons when insufficient, and a rationale in an inspector's words that
  ``cites`` the extracts deciding it).

The models are frozen dataclasses in the style of ``prompts.model``: pydantic validates a file
when it is loaded; ``cross_check`` then checks the case against its framework.  Every problem
is one line ``FILE: ITEM: what is wrong`` (the loader's ``Problem``), collected before the case
is refused with a ``PracticeError``.  Gates are computed with ``prompts.conditions``; nothing
here imports the engine, the store or Textual.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import field
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

from checked import FORBID_STRIP, Doc, MinItems, Str, frozen, validate
from prompts.conditions import evaluate, parse, references
from prompts.loader import MAX_FILE_BYTES, FrameworkError, Problem, _parse_text
from prompts.model import (
    CriterionId,
    Fact,
    Framework,
    FrameworkId,
    Id,
    Outcome,
    Text,
)

PRACTICE_DIR = Path(__file__).parent / "practice"

CASE_ID_PATTERN = r"^[a-z0-9][a-z0-9\-]*$"
CaseId = Annotated[str, Str(pattern=CASE_ID_PATTERN, max_length=60)]
ExtractId = Annotated[str, Str(pattern=r"^[a-z][a-z0-9_\-]*$", max_length=40)]
CaseRef = Annotated[str, Str(pattern=r"^[A-Z][A-Z0-9\-]*$", max_length=40)]
OneLine = Annotated[str, Str(strip=True, min_length=1, max_length=200, pattern=r"^[^\r\n]*$")]
IsoDate = Annotated[str, Str(pattern=r"^\d{4}-\d{2}-\d{2}$")]
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_GROUPS = ("extracts", "judgements")


class PracticeError(Exception):
    """A practice case was refused; ``problems`` says why, one line each."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@frozen
class Extract:
    """One page of the case file: what a reviewer reads, under a heading."""

    __pydantic_config__ = FORBID_STRIP

    id: Annotated[ExtractId, Doc("Cited by the rationales: asset, plan, review-1, events...")]
    heading: Text
    text: Text


@frozen
class ModelJudgement:
    """The model answer on one criterion, and the reasoning an inspector would give for it."""

    __pydantic_config__ = FORBID_STRIP

    criterion: CriterionId
    outcome: Outcome
    rationale: Text
    cites: Annotated[tuple[ExtractId, ...], MinItems(1), Doc("Ids of the deciding extracts.")]
    reasons: Annotated[tuple[Id, ...], Doc("Reason ids; only for an insufficient outcome.")] = ()

    def __post_init__(self) -> None:
        if self.outcome == "insufficient" and not self.reasons:
            raise ValueError("reasons: an insufficient model judgement needs at least one reason")
        if self.outcome != "insufficient" and self.reasons:
            raise ValueError(
                f"reasons: only an insufficient judgement gives reasons, this one is {self.outcome}"
            )
        for name, values in (("reasons", self.reasons), ("cites", self.cites)):
            if len(set(values)) != len(values):
                raise ValueError(f"{name}: lists the same id twice")


@frozen
class PracticeCase:
    """A fictional case with model facts and model judgements, for one framework.

    ``checked_against`` is the framework the case was validated against (set by the loader;
    the learning engine takes criterion titles and learning text from it)."""

    __pydantic_config__ = FORBID_STRIP

    id: CaseId
    case_ref: Annotated[CaseRef, Doc("Pseudonymous case reference, e.g. PRAC-01.")]
    title: Text
    summary: Annotated[OneLine, Doc("One line: what the case is about.")]
    framework: FrameworkId
    as_at: Annotated[
        IsoDate,
        Doc("The date the case file is read on: a review not yet due then is not applicable."),
    ]
    extracts: Annotated[tuple[Extract, ...], MinItems(1)]
    facts: Annotated[
        dict[str, Any],
        Doc("Model values of the framework's facts: true/false, option ids, dates, text."),
    ]
    judgements: Annotated[tuple[ModelJudgement, ...], MinItems(1)]
    checked_against: Framework | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        try:
            date.fromisoformat(self.as_at)
        except ValueError:
            raise ValueError(f"as_at: {self.as_at!r} is not a real date") from None

    def extract(self, extract_id: str) -> Extract | None:
        return next((e for e in self.extracts if e.id == extract_id), None)

    def judgement(self, criterion_id: str) -> ModelJudgement | None:
        return next((j for j in self.judgements if j.criterion == criterion_id), None)

    @property
    def framework_model(self) -> Framework:
        """The framework this case was validated against; ValueError for an unchecked case."""
        if self.checked_against is None:
            raise ValueError(
                f"practice case {self.id!r} was not loaded through prompts.practice, so it has "
                "not been checked against a framework"
            )
        return self.checked_against


def live_criteria(framework: Framework, facts: Mapping[str, Any]) -> tuple[str, ...]:
    """Ids of the criteria whose gate holds under ``facts``, in framework order."""
    return tuple(
        c.id
        for c in framework.criteria
        if c.applies_when is None or evaluate(parse(c.applies_when), facts) is True
    )


# -- checking against the framework -----------------------------------------------------------


def _fact_value_problem(fact: Fact, value: Any) -> str | None:
    """What is wrong with ``value`` as an answer to ``fact``, or None."""
    options = [o.id for o in fact.options]
    if fact.type == "yesno":
        if not isinstance(value, bool):
            return f"a yes/no fact needs true or false, not {value!r}"
    elif fact.type == "choice":
        if not isinstance(value, str):
            return f"a choice fact needs one option id, not {value!r}"
        if value not in options:
            return f"{value!r} is not one of its options ({', '.join(options)})"
    elif fact.type == "multichoice":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return f"a multichoice fact needs a list of option ids, not {value!r}"
        unknown = [v for v in value if v not in options]
        if unknown:
            return (
                f"{', '.join(map(repr, unknown))} "
                f"{'is not one of its options' if len(unknown) == 1 else 'are not its options'}"
                f" ({', '.join(options)})"
            )
        if len(set(value)) != len(value):
            return "lists the same option twice"
    elif fact.type == "date":
        if not isinstance(value, str) or not _DATE.match(value):
            return f"a date fact needs a date written YYYY-MM-DD, not {value!r}"
        try:
            date.fromisoformat(value)
        except ValueError:
            return f"{value!r} is not a real date"
    elif not isinstance(value, str) or not value.strip():
        return f"a text fact needs some text, not {value!r}"
    return None


def _fact_problems(
    facts: Mapping[str, Any], fw: Framework, name: str
) -> tuple[list[Problem], set[str]]:
    """Problems with the model facts, and the ids of the facts found wrong (a condition that
    tests one of those is not judged again, so one wrong value makes one problem)."""
    problems: list[Problem] = []
    bad: set[str] = set()
    for fact_id, value in facts.items():
        fact = fw.fact(fact_id)
        if fact is None:
            wrong: str | None = f"not a fact of framework {fw.id!r}"
        else:
            wrong = _fact_value_problem(fact, value)
        if wrong:
            problems.append(Problem(name, fact_id, wrong))
            bad.add(fact_id)
    for fact_id in facts:
        fact = fw.fact(fact_id)
        if fact is None or fact_id in bad or not fact.asked_when:
            continue
        if _tests_any(fact.asked_when, bad):
            continue
        if evaluate(parse(fact.asked_when), facts) is False:
            problems.append(
                Problem(
                    name,
                    fact_id,
                    f"given, but the model facts mean it is never asked "
                    f"(asked when {fact.asked_when})",
                )
            )
    undecided: dict[str, list[str]] = {}
    for crit in fw.criteria:
        if crit.applies_when is None or _tests_any(crit.applies_when, bad):
            continue
        if evaluate(parse(crit.applies_when), facts) is None:
            for test in references(parse(crit.applies_when)):
                if facts.get(test.fact) is None:
                    undecided.setdefault(test.fact, []).append(crit.id)
    for fact_id, crits in undecided.items():
        problems.append(
            Problem(
                name,
                fact_id,
                f"no model value, but it decides whether {', '.join(dict.fromkeys(crits))} apply",
            )
        )
    return problems, bad | set(undecided)


def _tests_any(condition: str, facts: set[str]) -> bool:
    return any(t.fact in facts for t in references(parse(condition)))


def _judgement_problems(
    case: PracticeCase, fw: Framework, name: str, unsure: set[str]
) -> list[Problem]:
    """Problems with the model judgements: ids, gates, outcomes, reasons and citations.
    Gates that test a fact in ``unsure`` (wrong or missing, reported already) are skipped."""
    problems: list[Problem] = []
    facts = case.facts
    extract_ids = [e.id for e in case.extracts]
    judged: set[str] = set()
    for judgement in case.judgements:
        cid = judgement.criterion
        if cid in judged:
            problems.append(Problem(name, cid, "duplicate model judgement for this criterion"))
            continue
        judged.add(cid)
        crit = fw.criterion(cid)
        if crit is None:
            problems.append(Problem(name, cid, f"not a criterion of framework {fw.id!r}"))
            continue
        gate = crit.applies_when
        if gate and not _tests_any(gate, unsure) and evaluate(parse(gate), facts) is False:
            problems.append(
                Problem(
                    name,
                    cid,
                    f"judged, but the criterion does not apply under the model facts "
                    f"(it applies when {gate})",
                )
            )
        if judgement.outcome not in crit.outcomes:
            problems.append(
                Problem(
                    name,
                    cid,
                    f"outcome: {judgement.outcome} is not allowed for this criterion "
                    f"(allowed: {', '.join(crit.outcomes)})",
                )
            )
        known = [r.id for r in crit.reasons]
        problems += [
            Problem(
                name,
                cid,
                f"reasons: unknown reason {reason!r} (this criterion's reasons: "
                f"{', '.join(known)})",
            )
            for reason in judgement.reasons
            if reason not in known
        ]
        problems += [
            Problem(
                name,
                cid,
                f"cites: no extract has id {cited!r} (extracts: {', '.join(extract_ids)})",
            )
            for cited in judgement.cites
            if cited not in extract_ids
        ]
    for crit in fw.criteria:
        if crit.id in judged or (crit.applies_when and _tests_any(crit.applies_when, unsure)):
            continue
        if crit.applies_when is None or evaluate(parse(crit.applies_when), facts) is True:
            problems.append(
                Problem(name, crit.id, "applies under the model facts but has no model judgement")
            )
    return problems


def cross_check(case: PracticeCase, fw: Framework, name: str) -> list[Problem]:
    """Problems no single item can see: the case against its framework."""
    if case.framework != fw.id:
        return [
            Problem(
                name,
                "(case)",
                f"framework: written for {case.framework!r}, checked against {fw.id!r}",
            )
        ]
    problems: list[Problem] = []
    seen: set[str] = set()
    for extract in case.extracts:
        if extract.id in seen:
            problems.append(Problem(name, extract.id, "duplicate extract id"))
        seen.add(extract.id)
    fact_problems, unsure = _fact_problems(case.facts, fw, name)
    for fact in fw.facts:
        value = case.facts.get(fact.id)
        # Both are checked YYYY-MM-DD text by now, so text order is date order.
        late = isinstance(value, str) and value > case.as_at
        if fact.type == "date" and fact.id not in unsure and late:
            fact_problems.append(
                Problem(name, fact.id, f"{value} is later than the case file's as_at date")
            )
    return problems + fact_problems + _judgement_problems(case, fw, name, unsure)


# -- loading ----------------------------------------------------------------------------------


def _item_name(raw: dict[str, Any], loc: tuple[Any, ...]) -> tuple[str, tuple[Any, ...]]:
    """A pydantic error location as (item, remaining field path)."""
    if len(loc) >= 2 and loc[0] in _GROUPS and isinstance(loc[1], int):
        group = raw.get(loc[0])
        item = group[loc[1]] if isinstance(group, list) and loc[1] < len(group) else None
        key = "id" if loc[0] == "extracts" else "criterion"
        ident = item.get(key) if isinstance(item, dict) else None
        name = ident if isinstance(ident, str) and ident else f"{loc[0]}[{loc[1]}]"
        return name, loc[2:]
    return "(case)", loc


def _pydantic_problems(name: str, raw: dict[str, Any], exc: Any) -> list[Problem]:
    problems = []
    for err in exc.errors(include_url=False):
        item, rest = _item_name(raw, tuple(err["loc"]))
        where = ".".join(str(p) for p in rest)
        msg = err["msg"]
        if err["type"] in ("missing", "missing_argument", "missing_keyword_only_argument"):
            msg = "missing required field"
        elif err["type"] in ("extra_forbidden", "unexpected_keyword_argument"):
            msg = "unknown field"
        elif err["type"] == "string_too_short" and err.get("ctx", {}).get("min_length") == 1:
            msg = "is empty"
        elif msg.startswith("Value error, "):
            msg = msg[len("Value error, ") :]
        problems.append(Problem(name, item, f"{where}: {msg}" if where else msg))
    return problems


def _reflow(text: Any) -> Any:
    """Hard-wrapped prose as paragraphs: single line breaks become spaces, blank lines stay."""
    if not isinstance(text, str):
        return text
    paragraphs = re.split(r"\n\s*\n", text.strip())
    return "\n\n".join(" ".join(p.split()) for p in paragraphs)


def _normalise(raw: dict[str, Any]) -> dict[str, Any]:
    """The file as the models take it: TOML dates in the facts (``plan_date = 2014-03-02``)
    become ISO text, as stored in a review; the prose of extracts and rationales is reflowed
    (files wrap it to stay readable; front ends wrap it to their width)."""
    out = dict(raw)
    if isinstance(raw.get("as_at"), date) and not isinstance(raw["as_at"], datetime):
        out["as_at"] = raw["as_at"].isoformat()
    facts = raw.get("facts")
    if isinstance(facts, dict):
        out["facts"] = {
            k: v.isoformat() if isinstance(v, date) and not isinstance(v, datetime) else v
            for k, v in facts.items()
        }
    for group, key in (("extracts", "text"), ("judgements", "rationale")):
        items = raw.get(group)
        if isinstance(items, list):
            out[group] = [
                {**item, key: _reflow(item[key])}
                if isinstance(item, dict) and key in item
                else item
                for item in items
            ]
    return out


def load_practice_data(
    data: dict[str, Any], framework: Framework, name: str = "(data)"
) -> PracticeCase:
    """Validate parsed practice-case data against ``framework``; PracticeError if refused."""
    from pydantic import ValidationError

    raw = _normalise(data)
    try:
        case: PracticeCase = validate(PracticeCase, raw)
    except ValidationError as exc:
        raise PracticeError(_pydantic_problems(name, raw, exc)) from None
    except RecursionError:
        raise PracticeError([Problem(name, "(case)", "nested too deeply")]) from None
    problems = cross_check(case, framework, name)
    if problems:
        raise PracticeError(problems)
    object.__setattr__(case, "checked_against", framework)  # frozen: set once, here
    return case


def _read(path: Path) -> dict[str, Any]:
    name = str(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise PracticeError([Problem(name, "(file)", "larger than 5 MB; not a practice case")])
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise PracticeError([Problem(name, "(file)", "no such file")]) from None
    except IsADirectoryError:
        raise PracticeError([Problem(name, "(file)", "is a directory, not a file")]) from None
    except UnicodeDecodeError as exc:
        raise PracticeError(
            [Problem(name, "(file)", f"not UTF-8 text (byte {exc.start + 1})")]
        ) from None
    except OSError as exc:
        raise PracticeError([Problem(name, "(file)", exc.strerror or str(exc))]) from None
    try:
        return _parse_text(name, text, path.suffix.lower())
    except FrameworkError as exc:
        raise PracticeError(exc.problems) from None


def _load_file(path: Path, framework: Framework, raw: dict[str, Any]) -> PracticeCase:
    case = load_practice_data(raw, framework, str(path))
    if case.id != path.stem:
        raise PracticeError(
            [
                Problem(
                    str(path), "(case)", f"id: {case.id!r} should match the file name {path.stem!r}"
                )
            ]
        )
    return case


def load_practice_case(path: str | os.PathLike[str], framework: Framework) -> PracticeCase:
    """Read one practice-case file and validate it against ``framework``.

    The file is named after its case: ``<id>.toml`` (or ``.json``)."""
    p = Path(path)
    return _load_file(p, framework, _read(p))


def practice_files() -> list[Path]:
    """The bundled practice-case files, by name."""
    return sorted(PRACTICE_DIR.glob("*.toml")) + sorted(PRACTICE_DIR.glob("*.json"))


def find_practice_cases(framework: Framework) -> tuple[list[PracticeCase], list[Problem]]:
    """The bundled cases written for ``framework`` that load, sorted by id, and the problems of
    those that do not (cases written for another framework are left out)."""
    cases: list[PracticeCase] = []
    problems: list[Problem] = []
    for path in practice_files():
        try:
            raw = _read(path)
            written_for = raw.get("framework")
            if isinstance(written_for, str) and written_for != framework.id:
                continue
            case = _load_file(path, framework, raw)
        except PracticeError as exc:
            problems.extend(exc.problems)
            continue
        cases.append(case)
    return sorted(cases, key=lambda c: c.id), problems


def practice_cases(framework: Framework) -> list[PracticeCase]:
    """The bundled practice cases for ``framework``, sorted by id; PracticeError listing every
    problem if any of them is refused."""
    cases, problems = find_practice_cases(framework)
    if problems:
        raise PracticeError(problems)
    return cases


def get_practice_case(case_id: str, framework: Framework) -> PracticeCase:
    """The bundled practice case with this id, checked against ``framework``; PracticeError
    if there is none or it is refused."""
    if re.fullmatch(CASE_ID_PATTERN, case_id):
        for path in practice_files():
            if path.stem == case_id:
                return load_practice_case(path, framework)
    known = ", ".join(p.stem for p in practice_files()) or "none"
    raise PracticeError(
        [Problem(case_id, "(case)", f"no practice case has this id (practice cases: {known})")]
    )
