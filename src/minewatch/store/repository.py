"""Reads and writes of the knowledge base.

The stages (ingest, extract, reconcile, treaties) never touch SQL; they hand
plain values to ``Store``.  Every write that must be all-or-nothing (one
document with its claims, one import file) is one transaction here, so a run
killed halfway leaves either the whole document or nothing of it.

``Store`` is assembled from one part per concern: ``treaty_records`` (the
depositary records), ``documents`` (documents and stories), ``claims``
(claims, facts, conflicts and the claim's row and export shapes) and
``reviews`` (claim and conflict reviews), over ``common`` (clock, paging,
chunking).  Every public name stays importable from here.
"""

from __future__ import annotations

from sqlalchemy import Engine

from minewatch.store.claims import (
    CORRECTABLE,
    ClaimFilter,
    ClaimsAndFacts,
    _dismissed_ids,
    _fact_out,
    _queue_facts,
    _state_claim_ids,
    claim_export,
    claim_from_row,
    claim_row,
    effective_fact_id,
)
from minewatch.store.common import (
    NO_DATE,
    NO_TIME,
    _chunks,
    _count,
    _escape_like,
    _jsonable,
    dumps,
    recency_rows,
    utcnow,
)
from minewatch.store.database import open_engine
from minewatch.store.documents import DocumentsAndStories, DocumentWrite
from minewatch.store.reviews import CONFLICT_VERDICTS, Reviews
from minewatch.store.story_index import StoryIndex
from minewatch.store.treaty_records import TreatyRecords

__all__ = [
    "CONFLICT_VERDICTS", "CORRECTABLE", "NO_DATE", "NO_TIME", "ClaimFilter", "DocumentWrite", "Store", "_chunks", "_count",
    "_dismissed_ids", "_escape_like", "_fact_out", "_jsonable", "_queue_facts", "_state_claim_ids", "claim_export",
    "claim_from_row", "claim_row", "dumps", "effective_fact_id", "recency_rows", "utcnow",
]


class Store(TreatyRecords, DocumentsAndStories, ClaimsAndFacts, Reviews, StoryIndex):
    """One open knowledge base (its parts by concern: ``treaty_records``, ``documents``, ``claims``, ``reviews``,
    ``story_index``)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._events_cache: list | None = None
        self._conflicts_cache: list | None = None
        self._not_party_cache: list | None = None

    @classmethod
    def open(cls, db: str | None = None, *, seed: bool = True) -> Store:
        store = cls(open_engine(db))
        if seed:
            store.ensure_reference_data()
        return store

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"
