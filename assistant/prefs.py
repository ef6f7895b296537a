"""Small per-user preferences kept between runs (the last team used on the new-review form).

A JSON file in the user's config folder (``$XDG_CONFIG_HOME/case-review/settings.json``),
owner-only and written atomically.  It is a convenience: a missing, damaged or unwritable file
costs only the remembered value, never an error.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

APP_NAME = "case-review"
FILE_NAME = "settings.json"
MAX_BYTES = 64 * 1024


def path() -> Path:
    import platformdirs

    return platformdirs.user_config_path(APP_NAME) / FILE_NAME


def load() -> dict[str, Any]:
    try:
        with open(path(), "rb") as handle:
            data = json.loads(handle.read(MAX_BYTES + 1)[:MAX_BYTES])
    except (OSError, ValueError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


def remember(key: str, value: str) -> None:
    """Keep ``value`` under ``key`` (best effort)."""
    from store.errors import StoreError
    from store.storage import atomic_write, ensure_private_dir

    data = {**load(), key: value}
    target = path()
    try:
        ensure_private_dir(target.parent)
        atomic_write(target, json.dumps(data, ensure_ascii=False).encode("utf-8"))
    except (OSError, StoreError):
        pass
