"""Export and import a review at a time: the same bytes and the same refusals as the whole-file
functions, whatever the size of the file and wherever its chunks are cut; nothing written when
anything is wrong, and the second pass imports exactly what the first one checked."""

from __future__ import annotations

import argparse
import io
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from assistant import exchange, exchange_check, exchange_stream
from assistant.exchange_check import ImportFileError, check_stream, read_document, reviews_in
from store import Actor, Store
from tests.conftest import case_review, cli_env
from tests.test_exchange import REFUSALS, document, record, with_judgement

SAM = Actor("Sam Case", "case_manager")


def checked(text: bytes) -> tuple[int, list[str]]:
    return check_stream(io.BytesIO(text))


def whole(text: bytes) -> list[str]:
    """What the whole-file functions say of the same bytes."""
    path_free = exchange_check.validate_document(json.loads(text))
    return path_free[1]


@pytest.fixture(params=[7, 4096, 1 << 20], ids=["tiny chunks", "4 KiB", "1 MiB"])
def chunk(request, monkeypatch) -> int:
    monkeypatch.setattr(exchange_stream, "CHUNK", request.param)
    return request.param


@pytest.mark.parametrize("kind", sorted(REFUSALS))
def test_a_file_checked_a_review_at_a_time_is_refused_with_the_same_lines(kind, chunk):
    data, _ = REFUSALS[kind]
    text = json.dumps(data).encode()
    _, problems = checked(text)
    assert problems == whole(text) and problems


@pytest.mark.parametrize(
    "data",
    [
        document(),
        document(record(), record(id="r-2", mode="joint")),
        {"reviews": [record()], "format": "case-review/1"},  # format last
        {"reviews": [record(), record()]},  # no format: its problem only
        {"format": "case-review/1"},  # no reviews
        {"format": "case-review/1", "reviews": [record(), record()], "x": {"y": [1]}},
        {},
    ],
    ids=["empty", "two", "format last", "no format", "no reviews", "extra", "nothing"],
)
def test_sound_and_odd_documents_get_the_same_verdict(data, chunk):
    text = json.dumps(data, indent=1, ensure_ascii=False).encode()
    count, problems = checked(text)
    assert problems == whole(text)
    if not problems:
        assert count == len(data["reviews"])
        streamed = list(reviews_in(io.BytesIO(text)))
        at_once = exchange_check.validate_document(data)[0]

        def kept(r):  # (times left out are "now": they differ by a moment)
            return (r.id, r.case_ref, r.mode, r.team, r.status, r.facts, r.judgements)

        assert [kept(r) for r in streamed] == [kept(r) for r in at_once]


@pytest.mark.parametrize(
    "text",
    [
        b'{"format": "case-review/1", "reviews": [',
        b'{"format": "case-review/1", "reviews": [{"id": "r-1",}]}',
        b'{"format": "case-review/1", "reviews": [{}] x',
        b'{"format": "case-review/1" "reviews": []}',
        b'{"format": "case-review/1", "reviews": [{}, ]}',
        b"{format: 1}",
        b'{"a" 1}',
        b'\n\n  {"format": "case-review/1",\n "reviews": [{}\n {}]}',
        b'{"format": "case-review/1", "reviews": [1, 2, 3',
        b'{"format": "case-review/1", "reviews": ["\xc3\xa9 unterminated',
    ],
)
def test_json_that_does_not_parse_is_named_where_the_whole_file_parser_names_it(text, chunk):
    with pytest.raises(ImportFileError) as streamed:
        checked(text)
    assert str(streamed.value).startswith("not valid JSON")
    with pytest.raises(ImportFileError) as at_once:
        read_document_bytes(text)
    position = str(at_once.value).rsplit("(", 1)[1]
    assert str(streamed.value).endswith(position), (streamed.value, at_once.value)


def read_document_bytes(text: bytes) -> Any:
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".json") as handle:
        handle.write(text)
        handle.flush()
        return read_document(handle.name)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (b"", "the file is empty"),
        (b"  \n\t ", "the file is empty"),
        (b'{"reviews": [NaN]}', "not valid JSON: NaN is not a JSON value"),
        (b"[" * 100_000 + b"]" * 100_000, "not valid JSON: nested too deeply"),
        ('{"x": "café"}'.encode("latin-1"), "not UTF-8 text (bad byte 0xe9 at offset 10)"),
    ],
)
def test_files_that_are_not_json_at_all(text, expected, chunk):
    with pytest.raises(ImportFileError, match=expected.replace("(", r"\(").replace(")", r"\)")):
        checked(text)


def test_a_stream_past_the_limit_is_refused_as_it_is_read(monkeypatch):
    monkeypatch.setattr(exchange_check, "MAX_IMPORT_BYTES", 5000)
    text = json.dumps(document(*[record(id=f"r-{i}") for i in range(20)])).encode()
    with pytest.raises(ImportFileError, match="larger than"):
        checked(text)


# -- export ---------------------------------------------------------------------------------------


def filled(root: Path, count: int = 5) -> Store:
    store = Store.open(root)
    note = {"outcome": "insufficient", "reasons": ["not_done"], "note": "é ✓"}
    rows = [record(id=f"r-{i}", case_ref=f"HAR-{i:02}", team="Nörth ✓") for i in range(count)]
    extra = with_judgement("rr.plan", note, id="r-x", status="in_progress")
    reviews, problems = exchange_check.validate_document(document(*rows, extra))
    assert problems == []
    exchange.import_reviews(store, reviews, SAM)
    return store


@pytest.mark.parametrize("count", [0, 1, 7])
def test_the_export_written_a_review_at_a_time_is_byte_for_byte_the_whole_document(tmp_path, count):
    store = filled(tmp_path / "store", count) if count else Store.open(tmp_path / "store")
    out = io.BytesIO()
    written, problems = exchange.write_export(store, out)
    document_, problems_whole = exchange.export_document(store)
    assert problems == problems_whole == []
    assert written == len(document_["reviews"])
    assert out.getvalue() == exchange.dump(document_).encode("utf-8")


def test_an_export_file_is_replaced_only_once_written_whole(tmp_path, monkeypatch):
    store = filled(tmp_path / "store")
    target = tmp_path / "out.json"
    target.write_text("the earlier export")

    def broken(review, fw):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(exchange, "export_review", broken)
    args = argparse.Namespace(store=str(store.path), output=str(target), framework=None)
    assert exchange.run_export(args) == 1
    assert target.read_text() == "the earlier export"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


# -- import ---------------------------------------------------------------------------------------


def test_the_second_pass_refuses_a_file_changed_after_it_was_checked(tmp_path, monkeypatch):
    path = tmp_path / "in.json"
    path.write_text(json.dumps(document(record(), record(id="r-2"))))
    real = exchange.check_stream

    def check_then_change(source, spool=None):
        found = real(source, spool)
        path.write_text(json.dumps(document(record(), record(id="r-2", mode="nonsense"))))
        return found

    monkeypatch.setattr(exchange, "check_stream", check_then_change)
    args = argparse.Namespace(
        file=str(path), store=str(tmp_path / "store"), reviewer=None, role=None
    )
    assert exchange.run_import(args) == 1
    assert not (tmp_path / "store").exists() or Store.open(tmp_path / "store").summaries() == []


@pytest.mark.slow
def test_import_from_standard_input_checks_then_imports_what_it_checked(tmp_path):
    text = json.dumps(document(*[record(id=f"r-{i}", case_ref=f"HAR-{i}") for i in range(30)]))
    result = subprocess.run(
        [*case_review(), "import", "-", "--store", str(tmp_path / "store")],
        input=text,
        capture_output=True,
        text=True,
        env=cli_env(),
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "imported 30, already present 0"
    assert Store.open(tmp_path / "store").summaries().total == 30
    bad = text.replace('"r-29"', '"r-29", "mode": "nonsense"', 1).replace('"mode": "self", ', "", 1)
    refused = subprocess.run(
        [*case_review(), "import", "-", "--store", str(tmp_path / "other")],
        input=bad,
        capture_output=True,
        text=True,
        env=cli_env(),
        timeout=120,
    )
    assert refused.returncode == 1 and "nothing was imported" in refused.stderr
    assert not (tmp_path / "other").exists()
