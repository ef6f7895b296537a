"""SHA-256 without importing hashlib on the start path.

``hashlib`` costs about 2 ms to import (it loads OpenSSL's bindings and builds a constructor
for every algorithm); the built-in ``_sha256`` module (``_sha2`` from Python 3.12) costs about
0.2 ms and hashes a 40 KB framework file in well under a millisecond.  hashlib is the fallback
for a Python built without them.
"""

from __future__ import annotations

from typing import Any


def _constructor() -> Any:
    from importlib import import_module

    for name in ("_sha2", "_sha256"):  # the standard library's, from Python 3.12 / in 3.11
        try:
            return import_module(name).sha256
        except (ImportError, AttributeError):
            continue
    from hashlib import sha256  # pragma: no cover - a Python built without them

    return sha256  # pragma: no cover


_SHA256: Any = None


def sha256(data: bytes = b"") -> Any:
    """A SHA-256 hash object (``update``, ``hexdigest``), as ``hashlib.sha256`` makes."""
    global _SHA256
    if _SHA256 is None:
        _SHA256 = _constructor()
    return _SHA256(data)


def sha256_hex(data: bytes) -> str:
    return sha256(data).hexdigest()
