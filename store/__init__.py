"""Persistence of reviews: record models and the durable TinyDB-backed store.

``Store.open(path)`` opens the store folder (``--store`` / ``$CASE_REVIEW_STORE`` / the user
data directory); ``save`` / ``get`` / ``summaries`` / ``audit`` / ``verify`` / ``claim`` are the
interface the conversation, the app, the reports and the importer use.  See ``store.reviews``
for the layout, the crash-safety argument and what the store refuses (links, folders others
can write to, odd files), ``store.storage`` for the atomic TinyDB storage, ``store.audit`` and
``store.trail`` for the hash-chained audit trail, ``store.sealed`` for the sealed caches.
"""

from store.errors import ConflictError, StoreError
from store.reviews import Actor, ReviewSummary, Store, resolve_path, review_key

__all__ = [
    "Actor",
    "ConflictError",
    "ReviewSummary",
    "Store",
    "StoreError",
    "resolve_path",
    "review_key",
]
