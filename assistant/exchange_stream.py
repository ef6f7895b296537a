"""Reading a ``case-review/1`` document a review at a time, in bounded memory.

``members(stream)`` yields the members of the top-level object as they come: for the
``reviews`` array, ``("reviews", None, [])`` and then ``("reviews", index, review)`` for each
element, parsed alone; ``(key, None, value)`` for any other member (``format``, or one that
does not belong, or ``reviews`` when it is not an array).  Only one review is
held at a time, so checking or importing a file of 10,000 reviews costs about what one costs.

The bytes are read in chunks, decoded as UTF-8 (a byte-order mark is allowed) and parsed with
the standard library's own decoder (``json.JSONDecoder.raw_decode``), one value at a time;
the structure around them (the object's braces, keys, colons and commas, the array's
brackets) is read here.  Whatever is wrong comes out as ``ImportFileError`` with the message
``json.loads`` of the whole file would give: the line and column of the fault in the file,
"nested too deeply", a constant that is not JSON (NaN), a byte that is not UTF-8 and its
offset, more than ``limit`` bytes.  A top-level value that is not an object is parsed whole
and yielded as ``(None, None, value)`` for the caller to refuse.

Every byte read can be copied to ``spool`` (a private temporary file), so that a second pass
reads exactly what the first one checked.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from typing import IO, Any

CHUNK = 1 << 20
_SPACE = " \t\n\r"


class ImportFileError(Exception):
    """The file cannot be read as JSON at all; the message is one line."""


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


_DECODER = json.JSONDecoder(parse_constant=_reject_constant)


class _Text:
    """The document's text, read as needed: a window (``buf``) over it, with the position
    of its start in the file (lines and columns) for messages."""

    def __init__(self, stream: IO[bytes], limit: int, spool: IO[bytes] | None) -> None:
        self.stream = stream
        self.limit = limit
        self.spool = spool
        self.decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self.buf = ""
        self.pos = 0
        self.read_bytes = 0
        self.eof = False
        self.line = 1  # of buf[0]
        self.col = 1

    def more(self) -> bool:
        """Read another chunk into the window (dropping what was consumed); False at the end."""
        if self.eof:
            return False
        chunk = self.stream.read(CHUNK)
        if chunk and self.spool is not None:
            self.spool.write(chunk)
        self.read_bytes += len(chunk)
        if self.read_bytes > self.limit:
            raise ImportFileError(f"larger than {self.limit // 2**20} MB; not a case-review/1 file")
        held = len(self.decoder.getstate()[0])
        try:
            text = self.decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as exc:
            offset = self.read_bytes - len(chunk) - held + exc.start
            raise ImportFileError(
                f"not UTF-8 text (bad byte 0x{exc.object[exc.start]:02x} at offset {offset}); "
                f"case-review/1 files are UTF-8 JSON"
            ) from None
        self.eof = not chunk
        if chunk:  # (at the end nothing moves: positions found before still hold)
            self.drop()
        self.buf += text
        return bool(chunk)

    def drop(self) -> None:
        """Forget the consumed text, keeping count of its lines for messages."""
        gone = self.buf[: self.pos]
        lines = gone.count("\n")
        if lines:
            self.line += lines
            self.col = len(gone) - gone.rfind("\n")
        else:
            self.col += len(gone)
        self.buf = self.buf[self.pos :]
        self.pos = 0

    def peek(self) -> str:
        """The next character that is not white space ("" at the end), without taking it."""
        while True:
            while self.pos < len(self.buf) and self.buf[self.pos] in _SPACE:
                self.pos += 1
            if self.pos < len(self.buf) or not self.more():
                return self.buf[self.pos : self.pos + 1]

    def where(self, pos: int) -> tuple[int, int]:
        before = self.buf[:pos]
        lines = before.count("\n")
        if lines:
            return self.line + lines, pos - before.rfind("\n")
        return self.line, self.col + pos

    def fail(self, message: str, pos: int | None = None) -> ImportFileError:
        line, col = self.where(self.pos if pos is None else pos)
        return ImportFileError(f"not valid JSON: {message} (line {line}, column {col})")

    def value(self) -> Any:
        """The JSON value starting at the next character, parsed whole (read until it ends)."""
        self.peek()
        while True:
            try:
                value, end = _DECODER.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                if self._grow():
                    continue
                raise self.fail(exc.msg, exc.pos) from None
            except RecursionError:
                raise ImportFileError("not valid JSON: nested too deeply") from None
            except ValueError as exc:  # a constant that is not JSON
                raise ImportFileError(f"not valid JSON: {exc}") from None
            if end == len(self.buf) and not self.eof and self._number_at_end(value):
                self.more()  # a number cut by the chunk: parse it again whole
                continue
            self.pos = end
            return value

    def _grow(self) -> bool:
        """Read on until the window has doubled (a value cut by the chunk, or a fault only
        the end of the file can tell): each value is parsed again a few times at most."""
        wanted = 2 * max(len(self.buf) - self.pos, CHUNK)
        grew = False
        while len(self.buf) - self.pos < wanted and self.more():
            grew = True
        return grew

    def _number_at_end(self, value: Any) -> bool:
        return isinstance(value, int | float) and not isinstance(value, bool)

    def take(self, char: str, message: str) -> None:
        if self.peek() != char:
            raise self.fail(message)
        self.pos += 1


def members(
    stream: IO[bytes], limit: int, spool: IO[bytes] | None = None
) -> Iterator[tuple[str | None, int | None, Any]]:
    """The document's members as they come (see the module docstring)."""
    text = _Text(stream, limit, spool)
    first = text.peek()
    if not first:
        raise ImportFileError("the file is empty; expected case-review/1 JSON")
    if first != "{":
        yield None, None, text.value()
        _end(text)
        return
    text.pos += 1
    if text.peek() == "}":
        text.pos += 1
        _end(text)
        return
    while True:
        if text.peek() != '"':
            raise text.fail("Expecting property name enclosed in double quotes")
        key = text.value()
        text.take(":", "Expecting ':' delimiter")
        if key == "reviews" and text.peek() == "[":
            text.pos += 1
            yield key, None, []  # (a list, its elements follow one at a time)
            yield from _reviews(text)
        else:
            yield key, None, text.value()
        following = text.peek()
        if following == "}":
            text.pos += 1
            break
        text.take(",", "Expecting ',' delimiter")
    _end(text)


def _reviews(text: _Text) -> Iterator[tuple[str, int, Any]]:
    if text.peek() == "]":
        text.pos += 1
        return
    index = 0
    while True:
        if not text.peek():
            raise text.fail("Expecting value")
        yield "reviews", index, text.value()
        text.drop()  # the review is parsed: its text is not kept
        index += 1
        following = text.peek()
        if following == "]":
            text.pos += 1
            return
        text.take(",", "Expecting ',' delimiter")


def _end(text: _Text) -> None:
    if text.peek():
        raise text.fail("Extra data")
