"""Who makes a change, for the audit trail: the ``Actor`` a save is given, and the login name
used when it names nobody."""

from __future__ import annotations

from functools import cache

from checked import frozen


@frozen(slots=False)
class Actor:
    """Who makes a change, for the audit trail."""

    name: str = ""
    role: str = "case_manager"


@cache
def login_name() -> str:
    """Who is logged in, for the audit trail when no reviewer is named ("" if unknown)."""
    try:
        import getpass

        name = getpass.getuser()
    except Exception:  # no user name in the environment and none in the password database
        return ""
    return "".join(ch for ch in name if ch.isprintable())[:200]
