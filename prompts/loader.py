"""Load and validate framework files (TOML or JSON); find the installed frameworks.

A bundled framework comes from its validated form when that is current (``prompts.shipped``:
made when the package is built, no pydantic at run time); everything below is for the rest.

Every problem is reported as one line naming the file, the item id and what is wrong;
nothing here lets an exception escape as a traceback for a bad file.

A file is read safely (``checked.files``: a regular file only, so a FIFO or ``/dev/zero`` is
refused at once, and never more than MAX_FILE_BYTES whatever its size claims) and validated by
pydantic the first time it is loaded; the validated framework is then kept as JSON in a cache
folder (``$XDG_CACHE_HOME/case-review-assistant/frameworks``, else ``~/.cache/...``), named by
the SHA-256 of the file's bytes and a fingerprint of the model code, and holding both.  Later
loads of the same bytes rebuild the framework from that JSON without importing pydantic (about
1.5 ms instead of about 130 ms at start-up) and run the cross-checks again (``cross_check``,
about 0.1 ms), so a cache can only ever give a framework that passes them.

The cache must not be a way in: a file crafted to share the bundled file's name, size and a
weak checksum once replaced the bundled questions in every later run.  SHA-256 makes another
file's cache unreachable; the cache folder must be the user's own (not a link, not writable by
others), cache files are owner-only, never opened through a link, and one that is missing,
unreadable, damaged, foreign or fails its checks is ignored and rewritten (best effort).
SHA-256 is ``checked.digest``'s, which keeps hashlib (2 ms) off the app's start.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
from functools import lru_cache
from pathlib import Path
from typing import Any

import checked as _checked_module
from checked import to_data, validate
from checked.digest import sha256_hex
from checked.files import Refused, TooLarge, open_regular, read_bounded, read_fd
from prompts import conditions as _conditions_module
from prompts import model as _model_module
from prompts.conditions import Compare, Truthy, parse, references
from prompts.model import (
    DateOrderCheck,
    DateWithinCheck,
    Fact,
    Framework,
    SameChoiceCheck,
    SetDifferenceCheck,
)
from prompts.problems import FrameworkError, Problem
from prompts.shipped import BUNDLED_DIR, DEFAULT_FRAMEWORK, bundled

MAX_FILE_BYTES = 5_000_000
_GROUPS = ("sections", "facts", "criteria", "checks", "settings")


def _parse_text(name: str, text: str, suffix: str) -> dict[str, Any]:
    def toml() -> Any:
        import tomllib

        return tomllib.loads(text)

    def js() -> Any:
        return json.loads(text)

    if suffix == ".toml":
        readers = [("TOML", toml)]
    elif suffix == ".json":
        readers = [("JSON", js)]
    else:
        readers = [("TOML", toml), ("JSON", js)]
    failures: list[str] = []
    for kind, reader in readers:
        try:
            data = reader()
        except json.JSONDecodeError as exc:
            failures.append(f"not valid JSON: {exc.msg} (at line {exc.lineno}, column {exc.colno})")
            continue
        except (ValueError, RecursionError) as exc:  # TOMLDecodeError is a ValueError
            failures.append(f"not valid {kind}: {exc}")
            continue
        if not isinstance(data, dict):
            raise FrameworkError(
                [
                    Problem(
                        name,
                        "(file)",
                        f"the top level must be a table/object, not {kind} {type(data).__name__}",
                    )
                ]
            )
        return data
    raise FrameworkError([Problem(name, "(file)", "; ".join(failures))])


def _item_name(raw: dict[str, Any], loc: tuple[Any, ...]) -> tuple[str, tuple[Any, ...]]:
    """Turn a pydantic error location into (item id, remaining field path)."""
    if len(loc) >= 2 and loc[0] in _GROUPS and isinstance(loc[1], int):
        group = raw.get(loc[0])
        item = group[loc[1]] if isinstance(group, list) and loc[1] < len(group) else None
        ident = item.get("id") if isinstance(item, dict) else None
        name = str(ident) if isinstance(ident, str) and ident else f"{loc[0]}[{loc[1]}]"
        rest = loc[2:]
        if (
            loc[0] == "checks"
            and rest
            and rest[0] in ("set_difference", "date_order", "date_within", "same_choice")
        ):
            rest = rest[1:]
        return name, rest
    return "(framework)", loc


def _pydantic_problems(name: str, raw: dict[str, Any], exc: Any) -> list[Problem]:
    problems = []
    for err in exc.errors(include_url=False):
        item, rest = _item_name(raw, tuple(err["loc"]))
        field = ".".join(str(p) for p in rest)
        msg = err["msg"]
        if err["type"] in ("missing", "missing_argument", "missing_keyword_only_argument"):
            msg = "missing required field"
        elif err["type"] in ("extra_forbidden", "unexpected_keyword_argument"):
            msg = "unknown field"
        elif msg.startswith("Value error, "):
            msg = msg[len("Value error, ") :]
        problems.append(Problem(name, item, f"{field}: {msg}" if field else msg))
    return problems


def _condition_problems(
    name: str, item: str, where: str, text: str | None, facts: dict[str, Fact]
) -> list[Problem]:
    if text is None:
        return []
    problems = []
    for test in references(parse(text)):
        fact = facts.get(test.fact)
        if fact is None:
            problems.append(Problem(name, item, f"{where} refers to unknown fact {test.fact!r}"))
            continue
        if isinstance(test, Truthy):
            if fact.type != "yesno":
                problems.append(
                    Problem(
                        name,
                        item,
                        f"{where} uses {fact.id!r} as yes/no but it is a "
                        f"{fact.type} fact; compare it with =, in or has",
                    )
                )
            continue
        assert isinstance(test, Compare)
        if fact.type in ("date", "text"):
            problems.append(
                Problem(
                    name,
                    item,
                    f"{where} tests {fact.type} fact {fact.id!r}; only yes/no, "
                    "choice and multichoice facts can gate",
                )
            )
            continue
        if test.op == "has" and fact.type != "multichoice":
            problems.append(
                Problem(
                    name,
                    item,
                    f"{where} uses 'has' on {fact.type} fact {fact.id!r}; "
                    "'has' needs a multichoice fact",
                )
            )
            continue
        if test.op != "has" and fact.type == "multichoice":
            problems.append(
                Problem(
                    name,
                    item,
                    f"{where} compares multichoice fact {fact.id!r} with {test.op!r}; use 'has'",
                )
            )
            continue
        allowed = {"yes", "no"} if fact.type == "yesno" else {o.id for o in fact.options}
        for value in test.values:
            if value not in allowed:
                problems.append(
                    Problem(
                        name,
                        item,
                        f"{where} compares {fact.id!r} with {value!r}, which is "
                        f"not one of its answers ({', '.join(sorted(allowed))})",
                    )
                )
    return problems


def _cycle(graph: dict[str, list[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in graph.get(node, []):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in graph:
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def cross_check(fw: Framework, name: str) -> list[Problem]:
    """Problems no single item can see: ids, references, types and cycles."""
    problems: list[Problem] = []
    for group in _GROUPS:
        seen: set[str] = set()
        for item in getattr(fw, group):
            if item.id in seen:
                problems.append(Problem(name, item.id, f"duplicate id in {group}"))
            seen.add(item.id)
    sections = {s.id for s in fw.sections}
    facts = {f.id: f for f in fw.facts}
    for fact in fw.facts:
        if fact.type in ("choice", "multichoice") and len(fact.options) < 2:
            problems.append(Problem(name, fact.id, f"a {fact.type} fact needs at least 2 options"))
        if fact.type not in ("choice", "multichoice") and fact.options:
            problems.append(Problem(name, fact.id, f"a {fact.type} fact cannot have options"))
        problems += _condition_problems(name, fact.id, "asked_when", fact.asked_when, facts)
        if fact.options_from is not None:
            source = facts.get(fact.options_from)
            if source is None:
                problems.append(
                    Problem(name, fact.id, f"options_from: unknown fact {fact.options_from!r}")
                )
            elif source.type != "multichoice" or fact.type not in ("choice", "multichoice"):
                problems.append(
                    Problem(
                        name,
                        fact.id,
                        "options_from: a choice or multichoice fact may take its options from "
                        f"a multichoice fact, not from {source.type} fact {source.id!r}",
                    )
                )
            elif extra := sorted({o.id for o in fact.options} - {o.id for o in source.options}):
                problems.append(
                    Problem(
                        name,
                        fact.id,
                        f"options_from: options missing from {source.id!r}: {', '.join(extra)}",
                    )
                )
    graph = {
        f.id: [t.fact for t in references(parse(f.asked_when))] if f.asked_when else []
        for f in fw.facts
    }
    for fact in fw.facts:
        if fact.options_from is not None:
            graph[fact.id] = [*graph[fact.id], fact.options_from]
    cycle = _cycle(graph)
    if cycle:
        problems.append(
            Problem(name, cycle[0], "asked_when conditions form a cycle: " + " -> ".join(cycle))
        )
    for crit in fw.criteria:
        if crit.section not in sections:
            problems.append(Problem(name, crit.id, f"refers to unknown section {crit.section!r}"))
        elif crit.id.split(".", 1)[0] != crit.section:
            problems.append(
                Problem(name, crit.id, f"id should start with its section {crit.section!r}")
            )
        problems += _condition_problems(name, crit.id, "applies_when", crit.applies_when, facts)
    criteria = {c.id: c for c in fw.criteria}
    settings = {s.id: s for s in fw.settings}
    wanted: dict[type, tuple[str, ...]] = {
        SetDifferenceCheck: ("multichoice",),
        DateOrderCheck: ("date",),
        DateWithinCheck: ("date",),
        SameChoiceCheck: ("choice", "yesno"),
    }
    for check in fw.checks:
        check_crit = criteria.get(check.criterion)
        if check_crit is None:
            problems.append(
                Problem(name, check.id, f"refers to unknown criterion {check.criterion!r}")
            )
        elif check_crit.reason(check.reason) is None:
            problems.append(
                Problem(
                    name,
                    check.id,
                    f"refers to unknown reason {check.reason!r} of criterion {check_crit.id!r}",
                )
            )
        for fact_id in check.facts_used():
            used = facts.get(fact_id)
            if used is None:
                problems.append(Problem(name, check.id, f"refers to unknown fact {fact_id!r}"))
            elif used.type not in wanted[type(check)]:
                problems.append(
                    Problem(
                        name,
                        check.id,
                        f"a {check.kind} check needs "
                        f"{' or '.join(wanted[type(check)])} facts, but {fact_id!r} is "
                        f"{used.type}",
                    )
                )
        if isinstance(check, DateWithinCheck):
            setting = settings.get(check.limit)
            if setting is None:
                problems.append(
                    Problem(name, check.id, f"refers to unknown setting {check.limit!r}")
                )
            elif setting.unit != "days":
                problems.append(Problem(name, check.id, f"setting {check.limit!r} must be in days"))
        problems += _condition_problems(name, check.id, "applies_when", check.applies_when, facts)
    return problems


def load_data(data: dict[str, Any], name: str = "(data)") -> Framework:
    """Validate parsed framework data; raise FrameworkError listing every problem."""
    from pydantic import ValidationError

    try:
        fw = validate(Framework, data)
    except ValidationError as exc:
        raise FrameworkError(_pydantic_problems(name, data, exc)) from None
    except RecursionError:
        raise FrameworkError([Problem(name, "(framework)", "nested too deeply")]) from None
    problems = cross_check(fw, name)
    if problems:
        raise FrameworkError(problems)
    return fw


def load_framework(path: str | os.PathLike[str]) -> Framework:
    """Read, parse and validate one framework file."""
    p = Path(path)
    name = str(path)
    try:
        raw = read_bounded(p, MAX_FILE_BYTES, follow=True)
        text = raw.decode("utf-8")
    except FileNotFoundError:
        raise FrameworkError([Problem(name, "(file)", "no such file")]) from None
    except TooLarge:
        too_large = Problem(name, "(file)", "larger than 5 MB; not a framework")
        raise FrameworkError([too_large]) from None
    except Refused as exc:
        raise FrameworkError([Problem(name, "(file)", exc.reason)]) from None
    except UnicodeDecodeError as exc:
        raise FrameworkError(
            [Problem(name, "(file)", f"not UTF-8 text (byte {exc.start + 1})")]
        ) from None
    except OSError as exc:
        raise FrameworkError([Problem(name, "(file)", exc.strerror or str(exc))]) from None
    if p.suffix == ".toml" and p.parent.resolve() == BUNDLED_DIR.resolve():
        shipped = bundled(p.stem)  # validated when the package was built (prompts.shipped)
        if shipped is not None:
            return shipped
    digest = sha256_hex(raw)
    cache = _cache_path(p, digest)
    cached = _read_cache(cache, digest, name)
    if cached is not None:
        return cached
    fw = load_data(_parse_text(name, text, p.suffix.lower()), name)
    _write_cache(cache, digest, fw)
    return fw


CACHE_FORMAT = 2
MAX_CACHE_BYTES = 50_000_000
_CODE = (_model_module, _conditions_module, _checked_module)


@lru_cache(maxsize=1)
def _fingerprint() -> str:
    """Changes whenever the code that defines or checks a framework changes."""
    parts = [str(CACHE_FORMAT)]
    for module in (*(m.__file__ for m in _CODE), __file__):
        try:
            st = os.stat(module) if module else None
        except OSError:
            st = None
        parts.append(f"{module}:{st.st_size}:{st.st_mtime_ns}" if st else "-")
    return sha256_hex("|".join(parts).encode("utf-8", "surrogatepass"))[:16]


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    root = Path(base) if base and os.path.isabs(base) else Path.home() / ".cache"
    return root / "case-review-assistant" / "frameworks"


def _cache_path(path: Path, digest: str) -> Path | None:
    try:
        folder = cache_dir()
    except RuntimeError:  # no home folder to put it in
        return None
    # Named by the SHA-256 of the file's bytes: another file (however alike in name, size or
    # checksum) gets another name, so its cache is never read for this one.
    return folder / f"{path.stem[:40]}-{digest[:32]}-{_fingerprint()}.json"


def _own_private(st: os.stat_result) -> bool:
    """Owned by this user and neither readable nor writable by anyone else."""
    return st.st_uid == os.getuid() and not st.st_mode & 0o077


def _folder_is_ours(folder: Path) -> bool:
    """The cache folder is a real folder (not a link) of this user that no one else can write."""
    try:
        st = os.lstat(folder)
    except OSError:
        return False
    return (
        stat.S_ISDIR(st.st_mode)
        and st.st_uid == os.getuid()
        and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    )


def _read_cache(cache: Path | None, digest: str, name: str) -> Framework | None:
    """The framework a cache file holds for these bytes, if the file is ours and sound and the
    framework passes the cross-checks; else None (the file is then validated and the cache
    rewritten)."""
    if cache is None or not _folder_is_ours(cache.parent):
        return None
    try:
        fd, st = open_regular(cache)  # never through a link, never a FIFO
        try:
            if not _own_private(st):
                return None
            raw = read_fd(fd, st.st_size, MAX_CACHE_BYTES, cache)
        finally:
            os.close(fd)
        data = json.loads(raw)
        if data["source"] != digest or data["code"] != _fingerprint():
            return None
        fw = Framework.from_data(data["framework"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return None
    try:
        if cross_check(fw, name):
            return None
    except Exception:  # a cache odd enough to break the checks is no cache
        return None
    return fw


def _write_cache(cache: Path | None, digest: str, fw: Framework) -> None:
    """Keep the validated framework (best effort: a read-only home just loads slower).

    Written whole and renamed into place, owner-only; not through ``store.storage.atomic_write``
    (prompts stands apart from the store) and not fsynced: a cache lost in a crash is only
    made again.  Nothing is written into a folder that is not the user's own, and nothing
    replaces a link or a folder in the cache's place."""
    if cache is None:
        return
    temp = cache.with_name(f".{cache.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
    try:
        cache.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _folder_is_ours(cache.parent):
            return
        with contextlib.suppress(FileNotFoundError):
            if not stat.S_ISREG(os.lstat(cache).st_mode):
                return
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
        fd = os.open(temp, flags, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            os.fchmod(handle.fileno(), 0o600)
            data = {"source": digest, "code": _fingerprint(), "framework": to_data(fw)}
            json.dump(data, handle, ensure_ascii=False)
        os.replace(temp, cache)
    except (OSError, ValueError):
        with contextlib.suppress(OSError):
            os.unlink(temp)


def framework_files() -> list[Path]:
    """Bundled framework files, then any in CASE_REVIEW_FRAMEWORKS (a folder)."""
    files = sorted(BUNDLED_DIR.glob("*.toml")) + sorted(BUNDLED_DIR.glob("*.json"))
    extra = os.environ.get("CASE_REVIEW_FRAMEWORKS")
    if extra and Path(extra).is_dir():
        files += sorted(Path(extra).glob("*.toml")) + sorted(Path(extra).glob("*.json"))
    return files


def installed() -> tuple[list[Framework], list[Problem]]:
    """Every framework that loads, and the problems of those that do not."""
    found: dict[str, Framework] = {}
    problems: list[Problem] = []
    for path in framework_files():
        try:
            fw = _cached_load(str(path), _mtime(path))
        except FrameworkError as exc:
            problems.extend(exc.problems)
            continue
        if fw.id in found:
            problems.append(Problem(str(path), fw.id, "another installed framework has this id"))
            continue
        found[fw.id] = fw
    return list(found.values()), problems


@lru_cache(maxsize=32)
def _cached_load(path: str, _mtime: int) -> Framework:
    return load_framework(path)


def _mtime(path: Path) -> int:
    """For the in-process cache's key; -1 when it cannot be had (loading then says why)."""
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return -1


def get_framework(framework_id: str = DEFAULT_FRAMEWORK) -> Framework:
    """The installed framework with this id; FrameworkError if there is none."""
    for path in framework_files():
        if path.stem == framework_id:
            fw = _cached_load(str(path), _mtime(path))
            if fw.id == framework_id:
                return fw
    frameworks, _ = installed()
    for fw in frameworks:
        if fw.id == framework_id:
            return fw
    known = ", ".join(sorted(f.id for f in frameworks)) or "none"
    raise FrameworkError(
        [
            Problem(
                framework_id,
                "(framework)",
                f"no installed framework has this id (installed: {known})",
            )
        ]
    )
