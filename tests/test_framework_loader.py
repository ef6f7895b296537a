"""A broken framework is refused at load with the file, the item id and what is wrong."""

from __future__ import annotations

import copy
import json
import subprocess
import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prompts import FrameworkError, load_framework
from tests.conftest import FIXTURES, case_review, cli_env

BASE = tomllib.loads((FIXTURES / "mini.toml").read_text())


def write(tmp_path: Path, data: dict, name: str = "fw.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return path


def problems_of(path: Path) -> list[str]:
    with pytest.raises(FrameworkError) as info:
        load_framework(path)
    return [str(p) for p in info.value.problems]


def mutate(fn) -> dict:
    data = copy.deepcopy(BASE)
    fn(data)
    return data


def crit(data: dict, cid: str) -> dict:
    return next(c for c in data["criteria"] if c["id"] == cid)


def check(data: dict, kid: str) -> dict:
    return next(c for c in data["checks"] if c["id"] == kid)


CASES = {
    "duplicate criterion id": (
        lambda d: d["criteria"].append(copy.deepcopy(crit(d, "aa.first"))),
        "aa.first: duplicate id in criteria",
    ),
    "duplicate fact id": (
        lambda d: d["facts"].append(copy.deepcopy(d["facts"][0])),
        "court: duplicate id in facts",
    ),
    "duplicate reason id": (
        lambda d: crit(d, "aa.first")["reasons"].append(crit(d, "aa.first")["reasons"][0]),
        "aa.first: reasons: duplicate reason id 'missing'",
    ),
    "gate on unknown fact": (
        lambda d: crit(d, "aa.report").update(applies_when="courtt"),
        "aa.report: applies_when refers to unknown fact 'courtt'",
    ),
    "check on unknown criterion": (
        lambda d: check(d, "plan_gaps").update(criterion="bb.nothing"),
        "plan_gaps: refers to unknown criterion 'bb.nothing'",
    ),
    "check on unknown fact": (
        lambda d: check(d, "plan_gaps").update(present="fond"),
        "plan_gaps: refers to unknown fact 'fond'",
    ),
    "unknown reason in a check": (
        lambda d: check(d, "plan_gaps").update(reason="holes"),
        "plan_gaps: refers to unknown reason 'holes' of criterion 'bb.plan'",
    ),
    "gate on a fact of the wrong type": (
        lambda d: crit(d, "aa.report").update(applies_when="level"),
        "aa.report: applies_when uses 'level' as yes/no but it is a choice fact",
    ),
    "gate on a date fact": (
        lambda d: crit(d, "aa.report").update(applies_when="done_date = x"),
        "aa.report: applies_when tests date fact 'done_date'",
    ),
    "gate with a value the fact cannot take": (
        lambda d: crit(d, "aa.report").update(applies_when="level = medium"),
        "aa.report: applies_when compares 'level' with 'medium'",
    ),
    "check on facts of the wrong type": (
        lambda d: check(d, "signed_late").update(start="level"),
        "signed_late: a date_within check needs date facts, but 'level' is choice",
    ),
    "cycle in conditions": (
        lambda d: (
            d["facts"][0].update(asked_when="court_level = low"),
            d["facts"][2].update(asked_when="court"),
        ),
        "asked_when conditions form a cycle: court -> court_level -> court",
    ),
    "self-reference": (
        lambda d: d["facts"][1].update(asked_when="level = low"),
        "level: asked_when conditions form a cycle: level -> level",
    ),
    "missing required field": (
        lambda d: crit(d, "bb.plan").pop("action"),
        "bb.plan: action: missing required field",
    ),
    "missing words": (
        lambda d: crit(d, "bb.plan")["reasons"][0].pop("words"),
        "bb.plan: reasons.0.words: missing required field",
    ),
    "unknown field": (
        lambda d: crit(d, "bb.plan").update(severty="urgent"),
        "bb.plan: severty: unknown field",
    ),
    "bad severity": (
        lambda d: crit(d, "bb.plan").update(severity="critical"),
        "bb.plan: severity: Input should be 'standard' or 'urgent'",
    ),
    "malformed condition": (
        lambda d: crit(d, "aa.report").update(applies_when="court and"),
        "aa.report: applies_when: condition 'court and': expected a fact id but the condition",
    ),
    "unknown section": (
        lambda d: crit(d, "aa.first").update(section="zz"),
        "aa.first: refers to unknown section 'zz'",
    ),
    "unknown check kind": (
        lambda d: check(d, "plan_gaps").update(kind="magic"),
        "plan_gaps: Input tag 'magic' found using 'kind' does not match",
    ),
    "unknown setting": (
        lambda d: check(d, "signed_late").update(limit="nope"),
        "signed_late: refers to unknown setting 'nope'",
    ),
    "choice without options": (
        lambda d: d["facts"][1].update(options=[]),
        "level: a choice fact needs at least 2 options",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_kind_of_broken_framework_is_refused(tmp_path, case):
    fn, expected = CASES[case]
    path = write(tmp_path, mutate(fn))
    problems = problems_of(path)
    assert any(p.startswith(f"{path}: ") and expected in p for p in problems), problems


def test_a_sound_framework_loads(mini_path):
    fw = load_framework(mini_path)
    assert fw.id == "mini-test"
    assert fw.criterion("bb.plan").severity == "urgent"
    assert fw.fact("found").type == "multichoice"


def test_toml_syntax_error_gives_line_and_column(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('id = "x"\ntitle = \n')
    (problem,) = problems_of(path)
    assert problem.startswith(f"{path}: (file): not valid TOML")
    assert "line 2, column 9" in problem


def test_json_syntax_error_gives_line_and_column(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"id": "x",\n  "title": }')
    (problem,) = problems_of(path)
    assert "not valid JSON" in problem and "line 2, column 12" in problem


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"\xff\xfe\x00garbage", "not UTF-8"),
        (b"[1, 2, 3]", "the top level must be a table/object"),
        (b"just some words", "not valid TOML"),
    ],
)
def test_files_that_are_not_frameworks(tmp_path, content, fragment):
    path = tmp_path / "fw.txt"
    path.write_bytes(content)
    assert any(fragment in p for p in problems_of(path))


def test_missing_file_and_directory(tmp_path):
    assert problems_of(tmp_path / "nope.toml") == [
        f"{tmp_path / 'nope.toml'}: (file): no such file"
    ]
    assert "is a folder, not a regular file" in problems_of(tmp_path)[0]


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*case_review(), *args], capture_output=True, text=True, env=cli_env(), timeout=60
    )


def test_check_framework_command_reports_each_problem_on_one_line(tmp_path):
    data = mutate(
        lambda d: (crit(d, "bb.plan").pop("action"), check(d, "plan_gaps").update(reason="x"))
    )
    path = write(tmp_path, data)
    result = run_cli("check-framework", str(path))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert lines == [f"{path}: bb.plan: action: missing required field"]
    assert "Traceback" not in result.stderr
    # Once the shape is right, the cross-references are checked and reported the same way.
    data = mutate(
        lambda d: (
            check(d, "plan_gaps").update(reason="x"),
            crit(d, "aa.report").update(applies_when="level"),
        )
    )
    result = run_cli("check-framework", str(write(tmp_path, data)))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2 and all(line.startswith(f"{path}: ") for line in lines)
    assert any("plan_gaps: refers to unknown reason 'x'" in line for line in lines)


def test_check_framework_command_accepts_the_bundled_framework():
    from prompts.loader import BUNDLED_DIR

    result = run_cli("check-framework", str(BUNDLED_DIR / "sqs-youth-2014.toml"))
    assert result.returncode == 0, result.stderr
    assert "ok: sqs-youth-2014" in result.stdout


def test_frameworks_command_lists_installed_frameworks(tmp_path, mini_path):
    extra = tmp_path / "frameworks"
    extra.mkdir()
    (extra / "mini.toml").write_text(mini_path.read_text())
    (extra / "broken.toml").write_text("id = ")
    result = subprocess.run(
        [*case_review(), "frameworks"],
        capture_output=True,
        text=True,
        env=cli_env(CASE_REVIEW_FRAMEWORKS=str(extra)),
        timeout=60,
    )
    assert result.returncode == 0
    assert "sqs-youth-2014" in result.stdout and "mini-test" in result.stdout
    assert "broken.toml" in result.stderr and "Traceback" not in result.stderr


def test_schema_command_prints_a_json_schema():
    result = run_cli("schema")
    assert result.returncode == 0
    schema = json.loads(result.stdout)
    assert schema["type"] == "object"
    assert {"id", "criteria", "sections", "rating"} <= set(schema["properties"])
    assert "Criterion" in schema["$defs"]


# --- property tests: random and mutated framework files never cause a traceback -------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _paths(value, (*prefix, i))


ALL_PATHS = [p for p in _paths(BASE) if p]


@st.composite
def mutated(draw):
    data = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(ALL_PATHS))
        parent = data
        try:
            for key in path[:-1]:
                parent = parent[key]
            action = draw(st.sampled_from(["delete", "replace", "duplicate"]))
            if action == "delete":
                del parent[path[-1]]
            elif action == "replace":
                parent[path[-1]] = draw(json_values)
            elif isinstance(parent, list):
                parent.append(copy.deepcopy(parent[path[-1]]))
        except (KeyError, IndexError, TypeError):
            continue
    return data


def _assert_loads_or_refuses(path: Path) -> None:
    try:
        load_framework(path)
    except FrameworkError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert str(problem).startswith(f"{path}: ")
            assert "\n" not in problem.message or "Traceback" not in problem.message


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=mutated())
def test_mutated_frameworks_load_or_are_refused_cleanly(tmp_path, data):
    _assert_loads_or_refuses(write(tmp_path, data))


@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=300), suffix=st.sampled_from([".toml", ".json", ".txt"]))
def test_random_bytes_are_refused_cleanly(tmp_path, data, suffix):
    path = tmp_path / f"fw{suffix}"
    path.write_bytes(data)
    _assert_loads_or_refuses(path)


@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.integers(0, 5000), noise=st.text(max_size=5))
def test_mangled_toml_text_is_refused_cleanly(tmp_path, cut, noise):
    text = (FIXTURES / "mini.toml").read_text()
    cut %= len(text)
    path = tmp_path / "fw.toml"
    path.write_text(text[:cut] + noise + text[cut + len(noise) :])
    _assert_loads_or_refuses(path)


# --- the cache of validated frameworks ----------------------------------------------------


def cached_files() -> list[Path]:
    from prompts.loader import cache_dir

    return sorted(cache_dir().glob("*.json")) if cache_dir().exists() else []


def test_a_validated_framework_is_cached_and_read_back_equal(tmp_path, mini_path):
    from checked import to_data

    first = load_framework(mini_path)
    (cache,) = cached_files()
    assert cache.stat().st_mode & 0o777 == 0o600
    again = load_framework(mini_path)  # from the cache: no validation
    assert again == first and again is not first
    assert to_data(again) == to_data(first) == json.loads(cache.read_text())["framework"]
    assert again.criterion("aa.first") == first.criterion("aa.first")


def test_a_changed_file_is_validated_again_despite_the_cache(tmp_path):
    path = write(tmp_path, BASE)
    load_framework(path)
    broken = mutate(lambda d: crit(d, "aa.first").update(severity="dire"))
    write(tmp_path, broken)
    assert any("aa.first: severity" in p for p in problems_of(path))


@pytest.mark.parametrize(
    "damage", [b"", b"{", b'{"id": "x"}', b"[1, 2]", b'{"id": 1, "title": null}', b"\xff\xfe"]
)
def test_a_damaged_cache_is_ignored_and_rewritten(tmp_path, mini_path, damage):
    from checked import to_data

    good = load_framework(mini_path)
    (cache,) = cached_files()
    cache.write_bytes(damage)
    assert load_framework(mini_path) == good  # validated from the file again
    assert json.loads(cache.read_text())["framework"] == to_data(good)


def test_an_unwritable_cache_folder_costs_only_speed(tmp_path, mini_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert load_framework(mini_path).id == load_framework(mini_path).id


# --- the cache cannot be a way in -----------------------------------------------------------


def crc_collision(body: bytes, size: int, target: int) -> bytes:
    """``body`` plus a TOML comment line, ``size`` bytes long, whose CRC-32 is ``target``: four
    bytes of the comment are solved for (CRC-32 is affine in the data, so they are the solution
    of 32 linear equations over GF(2)), the rest varied until those four are printable."""
    import zlib

    for attempt in range(100_000):
        head = body + b"# " + f"{attempt:x}".encode()
        pad = size - len(head) - 4 - 1
        assert pad >= 0, "the body is too long to pad"
        prefix, suffix = head + b"x" * pad, b"\n"
        base = zlib.crc32(prefix + b"\0\0\0\0" + suffix)
        columns = [
            zlib.crc32(prefix + (1 << bit).to_bytes(4, "little") + suffix) ^ base
            for bit in range(32)
        ]
        # Solve sum(x_bit * columns[bit]) == target ^ base by Gaussian elimination.
        rows = [(columns[bit], 1 << bit) for bit in range(32)]
        want, pivots = target ^ base, []
        for value, combo in rows:
            for p_value, p_combo in pivots:
                if value ^ p_value < value:
                    value, combo = value ^ p_value, combo ^ p_combo
            if value:
                pivots.append((value, combo))
                pivots.sort(reverse=True)
        solution = 0
        for p_value, p_combo in pivots:
            if want ^ p_value < want:
                want, solution = want ^ p_value, solution ^ p_combo
        assert want == 0
        forced = solution.to_bytes(4, "little")
        if all(0x20 <= b < 0x7F for b in forced):
            forged = prefix + forced + suffix
            assert len(forged) == size and zlib.crc32(forged) == target
            return forged
    raise AssertionError("no printable collision found")


SEVERITIES = (
    "import json, sys; from prompts import get_framework; fw = get_framework();"
    "print(json.dumps({'urgent': sorted(c.id for c in fw.criteria if c.severity == 'urgent'),"
    "'title': fw.criterion('cy.plan').title}))"
)


@pytest.mark.slow
def test_a_file_forged_to_match_the_bundled_ones_size_and_crc32_cannot_replace_it(tmp_path):
    import sys
    import zlib

    from prompts.loader import BUNDLED_DIR

    bundled = (BUNDLED_DIR / "sqs-youth-2014.toml").read_bytes()
    body = bundled.replace(b'severity = "urgent"\n', b"")  # drops every URGENT flag
    body = body.replace(b'id = "cy.plan"\n', b'id = "cy.plan"\n# forged\n', 1)
    assert body != bundled
    forged = crc_collision(body, len(bundled), zlib.crc32(bundled))
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    (folder / "sqs-youth-2014.toml").write_bytes(forged)
    env = cli_env(XDG_CACHE_HOME=str(tmp_path / "cache"))

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(args, capture_output=True, text=True, env=env, timeout=60)

    clean = dict(env, XDG_CACHE_HOME=str(tmp_path / "clean-cache"))
    before = subprocess.run(
        [sys.executable, "-c", SEVERITIES], capture_output=True, text=True, env=clean, timeout=60
    )
    assert before.returncode == 0, before.stderr
    # The forged file is checked first, with nothing cached yet; then the bundled one is used.
    checked = run(*case_review(), "check-framework", str(folder / "sqs-youth-2014.toml"))
    assert checked.returncode == 0, checked.stderr  # a valid framework: validated and cached
    after = run(sys.executable, "-c", SEVERITIES)
    assert after.returncode == 0, after.stderr
    assert json.loads(after.stdout) == json.loads(before.stdout)
    assert len(json.loads(after.stdout)["urgent"]) == 7


def cached_framework(data: dict) -> dict:
    """The framework in a cache file's data (the cache keeps it beside its keys)."""
    return data["framework"] if "framework" in data and "source" in data else data


def test_a_cache_that_fails_the_cross_checks_is_ignored_and_rewritten(mini_path):
    from checked import to_data

    good = load_framework(mini_path)
    (cache,) = cached_files()
    data = json.loads(cache.read_text())
    cached_framework(data)["criteria"][0]["section"] = "nowhere"  # a dangling reference
    cached_framework(data)["checks"] = []
    cache.write_text(json.dumps(data))
    again = load_framework(mini_path)
    assert again == good
    assert cached_framework(json.loads(cache.read_text())) == to_data(good)


def test_a_cache_file_others_could_read_or_a_link_is_never_trusted(tmp_path, mini_path):
    from checked import to_data

    good = load_framework(mini_path)
    (cache,) = cached_files()
    data = json.loads(cache.read_text())
    cached_framework(data)["title"] = "Not what the file says"
    cache.write_text(json.dumps(data))
    cache.chmod(0o644)
    assert load_framework(mini_path).title == good.title  # not ours alone: validated again
    assert cache.stat().st_mode & 0o777 == 0o600  # and rewritten owner-only
    target = tmp_path / "target.json"
    target.write_text(json.dumps(data))
    target.chmod(0o600)
    cache.unlink()
    cache.symlink_to(target)
    before = target.read_bytes()
    assert load_framework(mini_path).title == good.title  # the link is not followed
    assert cache.is_symlink() and target.read_bytes() == before  # nor written through
    assert to_data(load_framework(mini_path)) == to_data(good)
