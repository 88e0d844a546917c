"""Analysts' reviews in the store: of claims (verdicts and corrections) and of conflicts.

A claim review moves the claim to the fact its corrections name and queues
both facts, in the review's transaction.  Reviews key on ids, so they outlive
re-extraction and re-reconciliation.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Engine, insert, select, update

from minewatch.store import schema as t
from minewatch.store.claims import _queue_facts, claim_from_row, effective_fact_id
from minewatch.store.common import _chunks, _jsonable, utcnow

#: What an analyst can say of a conflict (``conflict_reviews.verdict``).
CONFLICT_VERDICTS = ("not_a_conflict", "reopened")


class Reviews:
    """``Store``'s claim and conflict reviews (a part of ``Store``, not used alone)."""

    engine: Engine

    def add_conflict_review(self, conflict_id: str, verdict: str, reviewer: str, note: str | None = None) -> dict[str, Any]:
        """An analyst's verdict on a conflict: ``not_a_conflict`` hides it from the open ones,
        ``reopened`` shows it again.  Kept by conflict id, so it outlives re-reconciliation."""
        if verdict not in CONFLICT_VERDICTS:
            raise ValueError(f"verdict must be one of {', '.join(CONFLICT_VERDICTS)}, not {verdict!r}")
        with self.engine.begin() as conn:
            if not conn.execute(select(t.conflicts.c.id).where(t.conflicts.c.id == conflict_id)).first():
                raise KeyError(conflict_id)
            created = utcnow()
            rid = conn.execute(
                insert(t.conflict_reviews).values(
                    conflict_id=conflict_id, verdict=verdict, note=note, reviewer=reviewer, created_at=created
                )
            ).inserted_primary_key[0]
        return {"id": rid, "conflict_id": conflict_id, "verdict": verdict, "note": note, "reviewer": reviewer,
                "created_at": created.isoformat()}

    def conflict_reviews(self, conflict_id: str | None = None, limit: int | None = None) -> list[dict[str, Any]]:
        """Conflict reviews newest first, of one conflict or of all."""
        return self._newest_reviews(t.conflict_reviews, "conflict_id", conflict_id, limit)

    def _latest_conflict_reviews(self, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        if not ids:
            return out
        cr = t.conflict_reviews
        with self.engine.connect() as conn:
            if conn.execute(select(cr.c.id).limit(1)).first() is None:
                return out  # the usual case: nobody has reviewed a conflict yet
            for chunk in _chunks(list(ids), 500):
                for r in conn.execute(select(cr).where(cr.c.conflict_id.in_(chunk)).order_by(cr.c.id)).mappings():
                    out[r["conflict_id"]] = _jsonable(dict(r))
        return out

    def add_review(
        self, claim_id: str, verdict: str, reviewer: str, note: str | None = None, corrections: dict | None = None
    ) -> dict[str, Any]:
        with self.engine.begin() as conn:
            exists = conn.execute(select(t.claims.c.id).where(t.claims.c.id == claim_id)).first()
            if not exists:
                raise KeyError(claim_id)
            created = utcnow()
            rid = conn.execute(
                insert(t.reviews).values(
                    claim_id=claim_id,
                    verdict=verdict,
                    corrections=corrections or None,
                    note=note,
                    reviewer=reviewer,
                    created_at=created,
                )
            ).inserted_primary_key[0]
            row = conn.execute(select(t.claims).where(t.claims.c.id == claim_id)).mappings().one()
            new_fact = effective_fact_id(claim_from_row(dict(row)), corrections)
            _queue_facts(conn, {row["fact_id"], new_fact})
            conn.execute(update(t.claims).where(t.claims.c.id == claim_id).values(fact_id=new_fact))
            conn.execute(
                update(t.documents).where(t.documents.c.id == row["document_id"]).values(reconciled=False)
            )
        return {
            "id": rid,
            "claim_id": claim_id,
            "verdict": verdict,
            "corrections": corrections or None,
            "note": note,
            "reviewer": reviewer,
            "created_at": created.isoformat(),
        }

    def reviews(self, claim_id: str | None = None, limit: int | None = None) -> list[dict[str, Any]]:
        """Claim reviews newest first, of one claim or of all."""
        return self._newest_reviews(t.reviews, "claim_id", claim_id, limit)

    def _newest_reviews(self, table, key: str, value: str | None, limit: int | None) -> list[dict[str, Any]]:
        """Rows of a review table newest first (JSON-ready), those with ``key == value`` when given."""
        q = select(table).order_by(table.c.id.desc())
        if value:
            q = q.where(table.c[key] == value)
        if limit:
            q = q.limit(limit)
        with self.engine.connect() as conn:
            return [_jsonable(dict(r)) for r in conn.execute(q).mappings()]
