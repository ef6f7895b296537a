"""Persistence of reviews: the ``ReviewStore`` protocol, its backends, and the record models.

``open_store(spec)`` opens the store ``--store`` / ``$CASE_REVIEW_STORE`` names (a folder,
``memory:``, ``postgresql://...``; by default the user data directory) as a ``ReviewStore``
(``store.protocol``): ``get`` / ``find_case`` / ``save`` / ``summaries`` / ``reviews`` /
``audit`` / ``verify`` / ``claim`` are what the conversation, the app, the reports and the
importer use.  The file store (``store.reviews``) explains the layout, the crash-safety
argument and what it refuses (links, folders others can write to, odd files);
``store.storage`` the atomic TinyDB storage, ``store.audit`` and ``store.trail`` the
hash-chained audit trail, ``store.sealed`` the sealed caches.

Importing ``store`` (or ``store.records``, the record models) loads none of that machinery:
the names below are loaded when first used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from store.errors import ConflictError, StoreError

if TYPE_CHECKING:
    from store.backends import open_store
    from store.protocol import Found, Listing, ReviewStore
    from store.reviews import Actor, ReviewSummary, Store, resolve_path, review_key

__all__ = [
    "Actor",
    "ConflictError",
    "Found",
    "Listing",
    "ReviewStore",
    "ReviewSummary",
    "Store",
    "StoreError",
    "open_store",
    "resolve_path",
    "review_key",
]

_LAZY = {
    "Actor": "store.reviews",
    "ReviewSummary": "store.reviews",
    "Store": "store.reviews",
    "resolve_path": "store.reviews",
    "review_key": "store.reviews",
    "open_store": "store.backends",
    "Found": "store.protocol",
    "Listing": "store.protocol",
    "ReviewStore": "store.protocol",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'store' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
