"""Making text typed by users (notes, case references, team names) safe to show.

Nothing a user typed is ever interpreted: not as Rich markup, not as a terminal escape
sequence, not as Markdown or HTML.  Control characters (and the bidirectional overrides that
can reorder what a reader sees) are replaced by a visible escape such as ``\\x1b``, so an
escape sequence in a note appears literally instead of changing the terminal.
"""

from __future__ import annotations

import re

from assistant.text import printable

__all__ = ["md_escape", "one_line", "visible"]

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~&$])")
_WHITESPACE = re.compile(r"\s+")


def visible(text: str) -> str:
    """Control characters (and bidi overrides) replaced by a visible escape such as ``\\x1b``;
    tab and newline kept.  The same mechanism as the chat's, in document notation."""
    return printable(text, notation="hex")


def one_line(text: str) -> str:
    """Visible text with every run of whitespace (newlines too) made one space."""
    return visible(_WHITESPACE.sub(" ", text).strip())


def md_escape(text: str) -> str:
    """Literal text for Markdown: one line, characters Markdown would act on backslashed.

    CommonMark lets any ASCII punctuation be backslash-escaped, so ``[bold red]``,
    ``<script>``, ``*`` and ``|`` (which would end a table cell) all show as typed.  Marks
    that act only at the start of a line (``-``, ``+``, ``1.``) are left alone: user text is
    never placed at the start of a line.
    """
    return _MD_SPECIAL.sub(r"\\\1", one_line(text))
