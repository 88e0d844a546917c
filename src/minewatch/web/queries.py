"""Reads the web needs that the store does not offer (SQLAlchemy Core, never SQL strings).

Candidates for ``Store`` once they settle.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, or_, select

from minewatch.store import schema as t


def _jsonable(d: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, date | datetime) else v) for k, v in d.items()}


def reviews_page(
    store, *, claim_id: str | None = None, after: int | None = None, limit: int = 50
) -> list[dict[str, Any]]:
    """Reviews in id order from a cursor (the store lists newest first, without a cursor)."""
    q = select(t.reviews).order_by(t.reviews.c.id)
    if claim_id:
        q = q.where(t.reviews.c.claim_id == claim_id)
    if after is not None:
        q = q.where(t.reviews.c.id > after)
    q = q.limit(limit)
    with store.engine.connect() as conn:
        return [_jsonable(dict(r)) for r in conn.execute(q).mappings()]


def ingested_at(store, document_id: str) -> datetime | None:
    """When a document arrived: the second key of a claim listing's newest-first cursor."""
    with store.engine.connect() as conn:
        return conn.execute(select(t.documents.c.ingested_at).where(t.documents.c.id == document_id)).scalar()


def claim_count(store, iso3: str) -> int:
    # with an index on each column (0005) SQLite answers the OR from both indexes (MULTI-INDEX OR), PostgreSQL
    # with a BitmapOr: about 0.2 ms, where a scan of every claim took 8 ms
    c = t.claims
    q = select(func.count()).select_from(c).where(or_(c.c.actor_iso3 == iso3, c.c.counterpart_iso3 == iso3))
    with store.engine.connect() as conn:
        return int(conn.execute(q).scalar_one())


def document_texts(store, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """id → the document's display fields with its cleaned text (story pages, evidence context)."""
    if not ids:
        return {}
    d = t.documents
    q = select(d.c.id, d.c.title, d.c.outlet, d.c.url, d.c.path, d.c.published, d.c.via, d.c.text).where(
        d.c.id.in_(list(ids))
    )
    with store.engine.connect() as conn:
        return {r["id"]: dict(r) for r in conn.execute(q).mappings()}


def recent_facts(store, limit: int = 20) -> list[dict[str, Any]]:
    """Facts most recently reported first (the home page table)."""
    from minewatch.store.repository import _fact_out

    f = t.facts
    q = select(f).order_by(f.c.last_reported.is_(None), f.c.last_reported.desc(), f.c.id).limit(limit)
    with store.engine.connect() as conn:
        return [_fact_out(dict(r)) for r in conn.execute(q).mappings()]
