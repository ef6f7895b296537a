"""Text as PostgreSQL's columns can keep it: ids, names and teams, whatever they hold.

PostgreSQL cannot keep every string Python can: a ``text`` column refuses the NUL character,
and ``jsonb`` refuses ``\\u0000`` and a lone UTF-16 surrogate, which a name or an id typed or
imported by a user may hold (the records only bound their length).  So a string that holds any
of them is kept as ``MARK`` (U+E000, a private-use character) followed by its JSON escape
(ASCII: ``\\u0000``, ``\\ud800``, backslashes and quotes escaped), and read back exactly; a
string that starts with ``MARK`` itself is kept that way too, so reading back is never
ambiguous.  Every other string (all ordinary text) is kept as it is, readable and searchable in
SQL.  ``dump_json`` does the same for the strings of a value kept as ``jsonb`` (the listing
summary).  The records themselves are kept as ``json``, which keeps any escaped text as it is
(``store.pg_schema``).
"""

from __future__ import annotations

import json
import re
from typing import Any

MARK = "\ue000"
_NEEDS = re.compile("[\x00\ud800-\udfff]")
# In a JSON text made with ensure_ascii=False: an escaped NUL, a raw surrogate, or MARK.
_JSON_NEEDS = re.compile("\\\\u0000|[\ud800-\udfff\ue000]")


def to_db(text: str) -> str:
    """``text`` as a text column or a JSON string in PostgreSQL can hold it."""
    if _NEEDS.search(text) is not None or text.startswith(MARK):
        return MARK + json.dumps(text)[1:-1]
    return text


def from_db(text: str) -> str:
    """The text ``to_db`` kept (a value edited by hand that is not such is taken as it is)."""
    if text.startswith(MARK):
        try:
            value = json.loads('"' + text[1:] + '"')
        except ValueError:
            return text
        return value if isinstance(value, str) else text
    return text


def _walk(value: Any, change: Any) -> Any:
    if isinstance(value, str):
        return change(value)
    if isinstance(value, dict):
        return {change(k): _walk(v, change) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_walk(v, change) for v in value]
    return value


def dump_json(data: Any) -> str:
    """``data`` (plain JSON data) as JSON text that ``jsonb`` accepts."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    if _JSON_NEEDS.search(text) is not None:
        text = json.dumps(
            _walk(data, to_db), ensure_ascii=False, separators=(",", ":"), allow_nan=False
        )
    return text
