"""Reaching the PostgreSQL database a ``--store postgresql://...`` names, and saying so safely.

A store spec is given to libpq as it is, so everything libpq reads works as libpq documents
it: a URL (``postgresql://user@host:port/dbname?sslmode=require``), libpq's environment
variables (``PGHOST``, ``PGUSER``, ``PGSERVICE``, ``PGPASSFILE``, ...), the password file
(``~/.pgpass`` or ``$PGPASSFILE``) and the service file.  Besides URLs, ``postgresql:`` followed
by libpq's ``key=value`` words (``postgresql:service=yot``) is accepted, and a bare
``postgresql://`` takes everything from the environment.  Unless the spec or the environment
says otherwise, a connection attempt gives up after ``CONNECT_TIMEOUT`` seconds and names
itself ``case-review`` to the server.

Credentials are never shown: ``describe`` builds what the user is told from the user, host,
port, database and service only (never a password, whatever libpq was given), and every error
message is one line with any password the spec holds removed, and, for a spec libpq cannot
parse, without the fragments of it that libpq quotes back.
"""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote

from store.errors import StoreError

if TYPE_CHECKING:
    import psycopg

CONNECT_TIMEOUT = 10  # seconds, unless the spec or PGCONNECT_TIMEOUT says
APPLICATION = "case-review"
_URL_SCHEMES = ("postgresql://", "postgres://")
_WORD_SCHEMES = ("postgresql:", "postgres:")
_URL_SECRET = re.compile(r"^[a-z]+://[^@/?#]*?:([^@/?#]*)@", re.IGNORECASE)
_WORD_SECRET = re.compile(r"(?:^|[\s?&])(?:ssl)?password\s*=\s*('(?:[^'\\]|\\.)*'|[^\s&]*)")


def conninfo(spec: str) -> str:
    """What libpq is given for a store spec: the URL as it is, or the words after
    ``postgresql:`` ("" takes everything from libpq's environment)."""
    text = spec.strip()
    if text.lower().startswith(_URL_SCHEMES):
        return text
    for scheme in _WORD_SCHEMES:
        if text.lower().startswith(scheme):
            return text[len(scheme) :].strip()
    return text


def secrets(spec: str) -> list[str]:
    """The passwords written in a spec (as written and percent-decoded), to keep out of any
    message."""
    found: list[str] = []
    url = _URL_SECRET.match(spec.strip())
    if url and url.group(1):
        found.append(url.group(1))
    for match in _WORD_SECRET.finditer(spec):
        value = match.group(1).strip("'")
        if value:
            found.append(value)
    out: list[str] = []
    for value in found:
        out.extend({value, unquote(value)})
    return sorted((v for v in out if v), key=len, reverse=True)


def scrub(message: str, spec: str) -> str:
    """``message`` in one line, with every password of ``spec`` replaced by ``***``."""
    text = " ".join(str(message).split())
    for secret in secrets(spec):
        text = text.replace(secret, "***")
    return text


def describe(params: dict[str, Any]) -> str:
    """A store's name as the user is told it: ``postgresql://user@host:port/dbname`` (unix
    socket folders and services as query words), built from those parts only."""
    user = str(params.get("user") or "")
    host = str(params.get("host") or params.get("hostaddr") or "")
    port = str(params.get("port") or "")
    dbname = str(params.get("dbname") or "")
    words = []
    netloc = quote(user, safe="") + "@" if user else ""
    if host and not host.startswith("/") and "," not in host:
        netloc += f"[{host}]" if ":" in host else host
        if port:
            netloc += f":{port}"
    else:
        if host:
            words.append(f"host={quote(host, safe='')}")
        if port:
            words.append(f"port={port}")
    if params.get("service"):
        words.append(f"service={quote(str(params['service']), safe='')}")
    query = "?" + "&".join(words) if words else ""
    return f"postgresql://{netloc}/{quote(dbname, safe='')}{query}"


def given(spec: str) -> str:
    """The spec as the user is told it before a connection is made (without its password)."""
    from psycopg.conninfo import conninfo_to_dict

    try:
        params = conninfo_to_dict(conninfo(spec))
    except Exception:  # not parsable: say only what kind of store it was meant to be
        return "postgresql://(unreadable connection string)"
    return describe(params)


def connect(spec: str) -> psycopg.Connection[Any]:
    """An autocommit connection to the database ``spec`` names; StoreError in one line
    (unreachable server, wrong password, no such database, a spec libpq cannot read)."""
    import psycopg
    from psycopg.conninfo import conninfo_to_dict

    info = conninfo(spec)
    try:
        params = conninfo_to_dict(info)
    except psycopg.Error as exc:
        # libpq quotes the part it could not read, which may be a password: drop quotes.
        why = re.sub(r'"[^"]*"', "(...)", scrub(str(exc), spec))
        raise StoreError(
            f"not a PostgreSQL connection string this program can read: {why}"
        ) from None
    extra: dict[str, Any] = {}
    if "connect_timeout" not in params and not os.environ.get("PGCONNECT_TIMEOUT"):
        extra["connect_timeout"] = CONNECT_TIMEOUT
    if "application_name" not in params and not os.environ.get("PGAPPNAME"):
        extra["application_name"] = APPLICATION
    try:
        conn = psycopg.connect(info, autocommit=True, **extra)
    except psycopg.Error as exc:
        why = scrub(str(exc), spec).removeprefix("connection failed: ")
        raise StoreError(f"{describe(params)}: cannot connect: {why}") from None
    return conn


def located(conn: psycopg.Connection[Any]) -> str:
    """Where a connection went (what libpq resolved from the spec and the environment)."""
    info = conn.info
    return describe(
        {"user": info.user, "host": info.host, "port": info.port, "dbname": info.dbname}
    )


def one_line(exc: BaseException, spec: str = "") -> str:
    """A database error as one line (the server's message, without its detail lines)."""
    text = str(exc).strip() or type(exc).__name__
    return scrub(text.splitlines()[0] if text else text, spec)
