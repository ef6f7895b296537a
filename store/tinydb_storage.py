"""The TinyDB ``Storage`` for a review file: replaced atomically on every write.

Kept apart from ``store.storage`` so that TinyDB is imported only when a review file is
written or read through TinyDB (see ``store.storage`` for the durability argument).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

from store.errors import StoreError
from store.storage import atomic_write, dumps, read_json_file


class AtomicJSONStorage(Storage):
    """A TinyDB storage for one JSON file, replaced atomically on every write.

    A missing file reads as an empty database; nothing is created until the first write.
    After a read that failed, ``write`` refuses: the damaged file is never overwritten.
    """

    def __init__(self, path: str | os.PathLike[str], what: str = "review file") -> None:
        super().__init__()
        self.path = Path(path)
        self.what = what
        self._damaged: StoreError | None = None

    def read(self) -> dict[str, dict[str, Any]] | None:
        try:
            data = read_json_file(self.path, self.what)
        except StoreError as exc:
            self._damaged = exc
            raise
        if data is None:
            return None
        if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
            self._damaged = StoreError(
                f"{self.path}: not a TinyDB {self.what} (expected an object of tables)", self.path
            )
            raise self._damaged
        self._damaged = None
        return data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        if self._damaged is not None:
            raise self._damaged
        atomic_write(self.path, dumps(data))

    def close(self) -> None:
        pass
