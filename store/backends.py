"""Which backend a store is: ``open_store(spec)`` for ``--store`` and ``$CASE_REVIEW_STORE``.

- a folder path (the default, the user data directory when nothing is given): the file store,
  a folder of TinyDB files (``store.reviews.Store``);
- ``memory:``: reviews kept in this process only (``store.memory.MemoryStore``);
- ``postgresql://...`` (or ``postgres://``; ``postgresql:`` followed by libpq's ``key=value``
  words, e.g. ``postgresql:service=yot``): a PostgreSQL database shared by a team
  (``store.postgres``; psycopg is imported only then).

Everything else in the program takes the ``ReviewStore`` this returns and never asks which
backend it is.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from store.errors import StoreError

if TYPE_CHECKING:
    from store.protocol import ReviewStore

ENV_VAR = "CASE_REVIEW_STORE"
MEMORY = "memory:"
POSTGRES_SCHEMES = ("postgresql://", "postgres://", "postgresql:", "postgres:")


def store_spec(spec: str | os.PathLike[str] | None = None) -> str:
    """``--store`` as given, else ``$CASE_REVIEW_STORE``, else "" (the default folder)."""
    if spec is not None and str(spec).strip():
        return str(spec).strip()
    return os.environ.get(ENV_VAR, "").strip()


def is_database(spec: str) -> bool:
    return spec.lower().startswith(POSTGRES_SCHEMES)


def open_store(spec: str | os.PathLike[str] | None = None) -> ReviewStore:
    """The store ``spec`` names (see the module docstring); StoreError, in one line, when it
    cannot be opened."""
    chosen = store_spec(spec)
    if chosen.lower() in (MEMORY, "memory"):
        from store.memory import MemoryStore

        return MemoryStore()
    if is_database(chosen):
        try:
            from store.postgres import PostgresStore
        except ImportError:
            raise StoreError(
                "a PostgreSQL store was named, but psycopg 3 is not installed here "
                "(pip install 'psycopg[binary]'); use a folder instead, or install it"
            ) from None
        return PostgresStore.open(chosen)
    from store.reviews import Store

    return Store.open(chosen or None)
