"""Incremental reconciliation over the store.

``minewatch.reconcile`` computes facts and conflicts for a group of claims;
this module decides which groups changed (the facts of unreconciled
documents, the facts queued by reviews, the stories those documents belong
to), loads exactly those claims, and replaces what was stored for them.  The
cost of a run is proportional to what changed, not to the size of the base.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import delete, insert, select, update

from minewatch.store import schema as t
from minewatch.store.repository import CORRECTABLE, _chunks, claim_from_row


def apply_corrections(claim_dict: dict[str, Any], corrections: dict[str, Any] | None) -> dict[str, Any]:
    out = dict(claim_dict)
    for k, v in (corrections or {}).items():
        if k in CORRECTABLE:
            out[k] = v
    return out


def load_claim_records(conn, *, fact_ids: Sequence[str] = (), story_ids: Sequence[str] = ()) -> list:
    """ClaimRecords (claims with their document context and the latest review applied)."""
    from minewatch.model import Claim
    from minewatch.reconcile import ClaimRecord

    c, d = t.claims, t.documents
    base = select(c, d.c.story_id, d.c.published, d.c.outlet, d.c.path, d.c.url, d.c.via).join(d, d.c.id == c.c.document_id)
    rows: dict[str, dict] = {}
    for chunk in _chunks(list(fact_ids), 500):
        for r in conn.execute(base.where(c.c.fact_id.in_(chunk))).mappings():
            rows[r["id"]] = dict(r)
    for chunk in _chunks(list(story_ids), 500):
        for r in conn.execute(base.where(d.c.story_id.in_(chunk))).mappings():
            rows[r["id"]] = dict(r)
    if not rows:
        return []
    ids = list(rows)
    evidence: dict[str, list] = defaultdict(list)
    reviews: dict[str, dict] = {}
    for chunk in _chunks(ids, 500):
        for e in conn.execute(select(t.evidence).where(t.evidence.c.claim_id.in_(chunk)).order_by(t.evidence.c.ordinal)).mappings():
            evidence[e["claim_id"]].append(e)
        for r in conn.execute(select(t.reviews).where(t.reviews.c.claim_id.in_(chunk)).order_by(t.reviews.c.id)).mappings():
            reviews[r["claim_id"]] = dict(r)
    out = []
    for cid in sorted(ids):
        r = rows[cid]
        claim = claim_from_row(r, evidence.get(cid, []))
        review = reviews.get(cid)
        if review and review.get("corrections"):
            claim = Claim.from_dict(apply_corrections(claim.to_dict(), review["corrections"]), document_id=claim.document_id)
        out.append(
            ClaimRecord(
                claim=claim,
                document_id=r["document_id"],
                story_id=r["story_id"],
                published=r["published"],
                outlet=r["outlet"],
                path=r["path"],
                url=r["url"],
                review=review["verdict"] if review else None,
                via=list(r["via"] or []),
            )
        )
    return out


def fact_row(fact) -> dict[str, Any]:
    import json

    from minewatch.output import to_json

    # Widely reported facts keep exact counts but cap their id lists.
    detail = json.loads(to_json(fact.to_dict(max_items=200)))
    return {
        "id": fact.id,
        "actor_kind": str(fact.actor.kind),
        "actor_iso3": fact.actor.iso3,
        "actor_name": fact.actor.name,
        "predicate": str(fact.predicate),
        "stage": fact.stage,
        "treaty": fact.treaty,
        "weapon": fact.weapon,
        "counterpart_iso3": fact.counterpart.iso3 if fact.counterpart else None,
        "counterpart_name": fact.counterpart.name if fact.counterpart else None,
        "polarity": str(fact.polarity),
        "modality": str(fact.modality),
        "independent_sources": fact.independent_sources,
        "claim_count": len(fact.claim_ids),
        "document_count": len(fact.document_ids),
        "first_reported": fact.first_reported,
        "last_reported": fact.last_reported,
        "event_date": fact.event_date,
        "verified": bool(getattr(fact, "verified", False)),
        "detail": detail,
    }


def conflict_row(conflict, scope: str) -> dict[str, Any]:
    import json

    from minewatch.output import to_json

    return {
        "id": conflict.id,
        "kind": conflict.kind,
        "severity": conflict.severity,
        "actor_iso3": conflict.actor_iso3,
        "fact_id": conflict.fact_id,
        "scope": scope,
        "claim_ids": list(conflict.claim_ids),
        "record": json.loads(to_json(conflict.record)) if conflict.record else None,
        "explanation": conflict.explanation,
    }


def _replace_conflicts(conn, scope: str, conflicts: Iterable, seen: set[str]) -> int:
    conn.execute(delete(t.conflicts).where(t.conflicts.c.scope == scope))
    n = 0
    for x in conflicts:
        if x.id in seen:
            continue
        seen.add(x.id)
        conn.execute(delete(t.conflicts).where(t.conflicts.c.id == x.id))
        conn.execute(insert(t.conflicts).values(**conflict_row(x, scope)))
        n += 1
    return n


def reconcile_pending(store) -> dict[str, int]:
    """Rebuild the facts and conflicts touched by unreconciled documents and queued reviews."""
    from minewatch import reconcile as rc

    events, armed = store.treaty_events(), store.armed_conflicts()
    counts = {"documents": 0, "facts": 0, "conflicts": 0}
    with store.engine.begin() as conn:
        doc_ids = list(conn.execute(select(t.documents.c.id).where(t.documents.c.reconciled.is_(False))).scalars())
        queued = list(conn.execute(select(t.reconcile_queue.c.fact_id)).scalars())
        if not doc_ids and not queued:
            return counts
        fact_ids: set[str] = set(queued)
        story_ids: set[str] = set()
        for chunk in _chunks(doc_ids, 500):
            fact_ids.update(conn.execute(select(t.claims.c.fact_id).where(t.claims.c.document_id.in_(chunk))).scalars())
            story_ids.update(
                s for s in conn.execute(select(t.documents.c.story_id).where(t.documents.c.id.in_(chunk))).scalars() if s
            )
        records = load_claim_records(conn, fact_ids=sorted(fact_ids))
        by_fact: dict[str, list] = defaultdict(list)
        for rec in records:
            by_fact[rc.fact_key(rec.claim)].append(rec)
        seen: set[str] = set()
        for fid in sorted(fact_ids | set(by_fact)):
            group = by_fact.get(fid, [])
            conn.execute(delete(t.facts).where(t.facts.c.id == fid))
            fact = rc.build_fact(group) if group else None
            if fact is not None:
                conn.execute(insert(t.facts).values(**fact_row(fact)))
                counts["facts"] += 1
            active = [r for r in group if r.review != "rejected"]
            counts["conflicts"] += _replace_conflicts(
                conn, f"fact:{fid}", [*rc.value_conflicts(active), *rc.modality_drift(active)], seen
            )
            counts["conflicts"] += _replace_conflicts(
                conn, f"record:{fid}", rc.record_conflicts(active, events, armed), seen
            )
        for sid in sorted(story_ids):
            story_records = [r for r in load_claim_records(conn, story_ids=[sid]) if r.review != "rejected"]
            counts["conflicts"] += _replace_conflicts(conn, f"story:{sid}", rc.story_value_conflicts(story_records), seen)
        for chunk in _chunks(doc_ids, 500):
            conn.execute(update(t.documents).where(t.documents.c.id.in_(chunk)).values(reconciled=True))
        conn.execute(delete(t.reconcile_queue))
        counts["documents"] = len(doc_ids)
    return counts
