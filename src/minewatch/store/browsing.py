"""Reads the web pages and the API need beyond ``Store``'s listings: review pages, counts, texts, charts.

``web/`` renders; every query it needs is a named function here, so no module
outside ``store/`` builds SQL or imports the schema (SQLAlchemy Core, never
SQL strings).  Each function takes the ``Store`` and opens its own connection.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, or_, select

from minewatch.store import schema as t
from minewatch.store.claims import _fact_out, claim_export
from minewatch.store.common import _jsonable


def reviews_page(
    store, *, claim_id: str | None = None, after: int | None = None, limit: int = 50
) -> list[dict[str, Any]]:
    """Reviews in id order from a cursor (``Store.reviews`` lists newest first, without a cursor)."""
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
    """Claims naming the state as actor or counterpart (a country page's total)."""
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
    f = t.facts
    q = select(f).order_by(f.c.last_reported.is_(None), f.c.last_reported.desc(), f.c.id).limit(limit)
    with store.engine.connect() as conn:
        return [_fact_out(dict(r)) for r in conn.execute(q).mappings()]


def original_claim(store, claim_id: str) -> dict[str, Any] | None:
    """The claim as extracted, before any review's corrections (shown next to the corrected values)."""
    cl, d = t.claims, t.documents
    q = select(cl, d.c.path, d.c.url, d.c.outlet, d.c.published, d.c.story_id, d.c.via, d.c.title, d.c.language).join(
        d, d.c.id == cl.c.document_id
    ).where(cl.c.id == claim_id)
    with store.engine.connect() as conn:
        row = conn.execute(q).mappings().first()
        if row is None:
            return None
        ev = [{"start": e["start"], "end": e["end"], "text": e["text"]} for e in conn.execute(
            select(t.evidence).where(t.evidence.c.claim_id == claim_id).order_by(t.evidence.c.ordinal)).mappings()]
    return claim_export(dict(row), ev, None)


def reports_by_day(store, state: str | None = None) -> list[tuple[date, str, int]]:
    """(published day, predicate, documents with a claim of it) for every dated document, optionally only
    claims naming ``state`` as actor or counterpart (the charts' reports per week)."""
    c, d = t.claims, t.documents
    q = (select(d.c.published, c.c.predicate, func.count(func.distinct(d.c.id)))
         .join(d, d.c.id == c.c.document_id).where(d.c.published.is_not(None))
         .group_by(d.c.published, c.c.predicate))
    if state:
        q = q.where((c.c.actor_iso3 == state) | (c.c.counterpart_iso3 == state))
    with store.engine.connect() as conn:
        return [(day, predicate, n) for day, predicate, n in conn.execute(q)]
