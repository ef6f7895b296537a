"""Conditions as data: a tiny expression language for gates, parsed and never `eval`-ed.

A condition is a string such as ``custody``, ``psr and not custody``,
``risk_level_assessment in [high, very_high]`` or ``assessment_factors has substance_misuse``.

Grammar::

    expr  := or
    or    := and ("or" and)*
    and   := unary ("and" unary)*
    unary := "not" unary | atom
    atom  := "(" expr ")" | NAME [ ("=" | "!=") VALUE | "in" "[" VALUE ("," VALUE)* "]"
                                 | "has" VALUE ]
    VALUE := NAME | "quoted text"

A bare ``NAME`` is true when the yes/no fact NAME is yes.  Evaluation is three-valued:
an unanswered fact makes a comparison unknown (``None``), and ``and``/``or``/``not``
follow Kleene's rules, so ``custody or psr`` is true as soon as either is known true.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from checked import frozen

__all__ = [
    "And",
    "Compare",
    "ConditionError",
    "Node",
    "Not",
    "Or",
    "Truthy",
    "evaluate",
    "parse",
    "references",
]

MAX_LENGTH = 2000
MAX_DEPTH = 50


class ConditionError(ValueError):
    """A condition that cannot be parsed; the message says where and why."""


@frozen(slots=False)
class Truthy:
    fact: str


@frozen(slots=False)
class Compare:
    fact: str
    op: str  # "=", "!=", "in", "has"
    values: tuple[str, ...]


@frozen(slots=False)
class Not:
    operand: Node


@frozen(slots=False)
class And:
    operands: tuple[Node, ...]


@frozen(slots=False)
class Or:
    operands: tuple[Node, ...]


Node = Truthy | Compare | Not | And | Or

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<lpar>\() | (?P<rpar>\)) | (?P<lbr>\[) | (?P<rbr>\]) | (?P<comma>,)
      | (?P<ne>!=) | (?P<eq>==?)
      | (?P<str>"[^"\n]*"|'[^'\n]*')
      | (?P<name>[A-Za-z_][A-Za-z0-9_.\-]*)
    )""",
    re.VERBOSE,
)
_KEYWORDS = {"and", "or", "not", "in", "has"}
_NAMES = {"rpar": "')'", "rbr": "']'", "lbr": "'['", "name": "a fact id"}


def _tokenize(text: str) -> list[tuple[str, str, int]]:
    tokens: list[tuple[str, str, int]] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            col = pos + len(text[pos:]) - len(text[pos:].lstrip())
            raise ConditionError(f"unexpected {text[col]!r} at character {col + 1}")
        kind = match.lastgroup or ""
        value = match.group(kind)
        start = match.start(kind)
        if kind == "name" and value in _KEYWORDS:
            kind = value
        elif kind == "str":
            value = value[1:-1]
        elif kind == "eq":
            value = "="
        tokens.append((kind, value, start))
        pos = match.end()
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokenize(text)
        self.i = 0
        self.depth = 0

    def peek(self) -> str | None:
        return self.tokens[self.i][0] if self.i < len(self.tokens) else None

    def take(self, kind: str) -> str:
        if self.peek() != kind:
            raise ConditionError(self._expected(_NAMES.get(kind, kind)))
        value = self.tokens[self.i][1]
        self.i += 1
        return value

    def _expected(self, what: str) -> str:
        if self.i < len(self.tokens):
            _kind, value, start = self.tokens[self.i]
            return f"expected {what} but found {value!r} at character {start + 1}"
        return f"expected {what} but the condition ended"

    def parse(self) -> Node:
        if not self.tokens:
            raise ConditionError("the condition is empty")
        node = self.parse_or()
        if self.i != len(self.tokens):
            raise ConditionError(self._expected("'and', 'or' or the end"))
        return node

    def parse_or(self) -> Node:
        parts = [self.parse_and()]
        while self.peek() == "or":
            self.i += 1
            parts.append(self.parse_and())
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def parse_and(self) -> Node:
        parts = [self.parse_unary()]
        while self.peek() == "and":
            self.i += 1
            parts.append(self.parse_unary())
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def parse_unary(self) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ConditionError(f"the condition is nested more than {MAX_DEPTH} deep")
        try:
            if self.peek() == "not":
                self.i += 1
                return Not(self.parse_unary())
            return self.parse_atom()
        finally:
            self.depth -= 1

    def parse_atom(self) -> Node:
        if self.peek() == "lpar":
            self.i += 1
            node = self.parse_or()
            self.take("rpar")
            return node
        fact = self.take("name") if self.peek() == "name" else None
        if fact is None:
            raise ConditionError(self._expected("a fact id"))
        op = self.peek()
        if op in ("eq", "ne"):
            self.i += 1
            return Compare(fact, "=" if op == "eq" else "!=", (self.value(),))
        if op == "has":
            self.i += 1
            return Compare(fact, "has", (self.value(),))
        if op == "in":
            self.i += 1
            self.take("lbr")
            values = [self.value()]
            while self.peek() == "comma":
                self.i += 1
                values.append(self.value())
            self.take("rbr")
            return Compare(fact, "in", tuple(values))
        return Truthy(fact)

    def value(self) -> str:
        if self.peek() in ("name", "str"):
            return self.take(self.peek() or "")
        raise ConditionError(self._expected("a value"))


@lru_cache(maxsize=4096)
def parse(text: str) -> Node:
    """Parse a condition; raise ConditionError with a readable message if it is malformed."""
    if not isinstance(text, str):
        raise ConditionError("a condition must be text")
    if len(text) > MAX_LENGTH:
        raise ConditionError(f"the condition is longer than {MAX_LENGTH} characters")
    return _Parser(text).parse()


def references(node: Node) -> list[Truthy | Compare]:
    """Every fact test in the condition, in order."""
    if isinstance(node, Truthy | Compare):
        return [node]
    if isinstance(node, Not):
        return references(node.operand)
    out: list[Truthy | Compare] = []
    for operand in node.operands:
        out.extend(references(operand))
    return out


def _as_text(value: Any) -> str:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return str(value)


def evaluate(node: Node, facts: Mapping[str, Any]) -> bool | None:
    """Three-valued evaluation against answered facts (missing or None = unknown)."""
    if isinstance(node, Truthy):
        value = facts.get(node.fact)
        return None if value is None else value is True
    if isinstance(node, Compare):
        value = facts.get(node.fact)
        if value is None:
            return None
        if node.op == "has":
            return node.values[0] in (value if isinstance(value, list | tuple) else ())
        text = _as_text(value)
        if node.op == "=":
            return text == node.values[0]
        if node.op == "!=":
            return text != node.values[0]
        return text in node.values
    if isinstance(node, Not):
        inner = evaluate(node.operand, facts)
        return None if inner is None else not inner
    results = [evaluate(operand, facts) for operand in node.operands]
    if isinstance(node, And):
        if any(r is False for r in results):
            return False
        return None if any(r is None for r in results) else True
    if any(r is True for r in results):
        return True
    return None if any(r is None for r in results) else False
