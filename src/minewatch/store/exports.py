"""The export's table reads: whole tables in id order, claims with their evidence and latest reviews.

``export.py`` shapes rows into files (CSV, JSON, Parquet, SQLite); what it
reads from the database is read here, so no module outside ``store/`` imports
the schema.  Each read is one connection, so the rows of a table agree with
each other.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from minewatch.store import schema as t

#: The tables the export copies whole, by their name in the export.
_TABLES = {
    "conflict_reviews": t.conflict_reviews,
    "documents": t.documents,
    "stories": t.stories,
    "records": t.treaty_events,
    "reviews": t.reviews,
}


def table_rows(store, name: str, columns: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Every row of an exported table in id order; ``columns`` keeps those named that the table has (the
    export's column list may name derived columns the table lacks), default every column."""
    table = _TABLES[name]
    cols = [table.c[c] for c in columns if c in table.c] if columns is not None else list(table.c)
    with store.engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(*cols).order_by(table.c.id)).mappings()]


def document_paths(store) -> list[str]:
    """Every document's stored path (the export makes them relative to their common folder)."""
    with store.engine.connect() as conn:
        return list(conn.execute(select(t.documents.c.path)).scalars())


def claims_with_reviews(
    store, columns: Sequence[str]
) -> tuple[list[dict[str, Any]], dict[str, list[str]], dict[str, dict[str, Any]]]:
    """The claims' ``columns`` in id order, each claim's evidence texts in order, and each claim's latest review.

    One connection, so a review never names a claim the rows lack.
    """
    evidence: dict[str, list[str]] = {}
    reviews: dict[str, dict[str, Any]] = {}
    with store.engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(select(*(t.claims.c[c] for c in columns)).order_by(t.claims.c.id)).mappings()]
        for e in conn.execute(select(t.evidence.c.claim_id, t.evidence.c.text).order_by(t.evidence.c.claim_id, t.evidence.c.ordinal)):
            evidence.setdefault(e.claim_id, []).append(e.text)
        for r in conn.execute(select(t.reviews).order_by(t.reviews.c.id)).mappings():
            reviews[r["claim_id"]] = dict(r)  # id order: the last one kept is the latest
    return rows, evidence, reviews
