"""Showing user text literally: control characters and escape sequences are made visible.

Notes and case references are typed by users (or imported from files).  Printed raw, an
escape sequence could recolour or clear a terminal; in Textual, brackets would be read as
markup.  ``printable`` keeps the text as typed but makes every control character visible.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _caret(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    if code == 0x1B:
        return "^["
    if code < 0x20:
        return "^" + chr(code + 64)
    return f"\\u{code:04x}"


def _hex(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str, *, single_line: bool = False, notation: str = "caret") -> str:
    """``text`` with control characters made visible: ``^[`` style (the chat, as a terminal
    shows keys) or, with ``notation="hex"``, ``\\x1b`` style (reports and documents).

    Newlines and tabs are kept unless ``single_line``.
    """
    out = _CONTROL.sub(_hex if notation == "hex" else _caret, text)
    if single_line:
        out = out.replace("\r", " ").replace("\n", " ").replace("\t", " ")
    return out
