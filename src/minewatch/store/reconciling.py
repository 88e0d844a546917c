"""Incremental reconciliation over the store.

``minewatch.reconcile`` computes facts and conflicts for a group of claims;
this module decides which groups changed (the facts of unreconciled
documents, the facts queued by reviews, the stories those documents belong
to), loads exactly those claims, and replaces what was stored for them.  The
cost of a run is proportional to what changed, not to the size of the base.
"""

from __future__ import annotations

import json
import zlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from types import SimpleNamespace
from typing import Any

from sqlalchemy import delete, insert, or_, select, update

from minewatch import reconcile as rc
from minewatch.model import TREATY_PREDICATES, Claim
from minewatch.output import to_json
from minewatch.reconcile import ClaimRecord
from minewatch.reconcile import summary as sm
from minewatch.reconcile.base import VALUE_FIELDS, active, partition, value_of
from minewatch.reconcile.conflicts import (
    DISPUTE_EXCLUDED,
    START_DATED_PREDICATES,
    STORY_FAMILIES,
    dispute_key,
    drift_conflict,
    family_key,
)
from minewatch.reconcile.facts import fact_from_summary
from minewatch.store import schema as t
from minewatch.store.claims import CORRECTABLE, claim_from_row
from minewatch.store.common import _chunks


def apply_corrections(claim_dict: dict[str, Any], corrections: dict[str, Any] | None) -> dict[str, Any]:
    out = dict(claim_dict)
    for k, v in (corrections or {}).items():
        if k in CORRECTABLE:
            out[k] = v
    return out


def load_claim_records(
    conn, *, fact_ids: Sequence[str] = (), story_ids: Sequence[str] = (), where: Any = None, with_evidence: bool = False
) -> list:
    """ClaimRecords (claims with their document context and the latest review applied).

    ``where`` narrows the claims further (e.g. only those with a figure); a
    claim with a review is always loaded, since a correction can add what the
    stored row lacks.  Reconciliation never reads evidence, so it is loaded
    only on request.
    """

    c, d = t.claims, t.documents
    base = select(c, d.c.story_id, d.c.published, d.c.outlet, d.c.path, d.c.url, d.c.via).join(d, d.c.id == c.c.document_id)
    if where is not None:
        base = base.where(or_(where, c.c.id.in_(select(t.reviews.c.claim_id))))
    rows: dict[str, dict] = {}
    for chunk in _chunks(list(fact_ids), 500):
        for r in conn.execute(base.where(c.c.fact_id.in_(chunk))).mappings():
            rows[r["id"]] = dict(r)
    for chunk in _chunks(list(story_ids), 500):
        for r in conn.execute(base.where(d.c.story_id.in_(chunk))).mappings():
            rows[r["id"]] = dict(r)
    return _records(conn, rows, with_evidence)


def _records(conn, rows: dict[str, dict], with_evidence: bool = False) -> list:
    if not rows:
        return []
    ids = list(rows)
    evidence: dict[str, list] = defaultdict(list)
    reviews: dict[str, dict] = {}
    if with_evidence:
        for chunk in _chunks(ids, 500):
            q = select(t.evidence).where(t.evidence.c.claim_id.in_(chunk)).order_by(t.evidence.c.ordinal)
            for e in conn.execute(q).mappings():
                evidence[e["claim_id"]].append(e)
    if len(ids) > 5000:  # cheaper to read every review than to ask for thousands of ids
        for r in conn.execute(select(t.reviews).order_by(t.reviews.c.id)).mappings():
            if r["claim_id"] in rows:
                reviews[r["claim_id"]] = dict(r)
    else:
        for chunk in _chunks(ids, 500):
            q = select(t.reviews).where(t.reviews.c.claim_id.in_(chunk)).order_by(t.reviews.c.id)
            for r in conn.execute(q).mappings():
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
        "claim_count": fact.n_claims,
        "document_count": fact.n_documents,
        "first_reported": fact.first_reported,
        "last_reported": fact.last_reported,
        "event_date": fact.event_date,
        "verified": bool(getattr(fact, "verified", False)),
        "detail": detail,
    }


def conflict_row(conflict, scope: str) -> dict[str, Any]:
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
        "detail": json.loads(to_json(conflict.detail)) if conflict.detail else None,
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


def _has_value(rec: Any) -> bool:
    return any(value_of(rec.claim, f) is not None for f in VALUE_FIELDS)


def _value_filter() -> Any:
    c = t.claims
    return or_(*(c.c[col].isnot(None) for col in VALUE_COLUMNS))


#: The columns (of facts and of claims alike) a family or act key is made of.
KEY_COLUMNS = ("actor_iso3", "actor_name", "predicate", "stage", "treaty", "counterpart_iso3", "counterpart_name", "polarity")


def _fact_like(row: Any) -> Any:
    """A stored fact (or claim) row in the shape ``family_key``/``dispute_key`` read."""
    cp = row.get("counterpart_iso3") or row.get("counterpart_name")
    return SimpleNamespace(
        actor=SimpleNamespace(key=row["actor_iso3"] or row["actor_name"]), predicate=row["predicate"],
        stage=row["stage"], treaty=row["treaty"], counterpart=SimpleNamespace(key=cp) if cp else None,
        polarity=row["polarity"],
    )


def _who_predicate(row: Any) -> tuple[str | None, str | None, str]:
    return (row["actor_iso3"], None if row["actor_iso3"] else row["actor_name"], row["predicate"])


def _same_who(table: Any, iso3: str | None, name: str | None) -> Any:
    return table.c.actor_iso3 == iso3 if iso3 else (table.c.actor_iso3.is_(None) & (table.c.actor_name == name))


def _value_families(
    conn, fact_ids: Sequence[str], previous: dict[str, dict] | None = None
) -> tuple[dict[str, set[str]], set[str]]:
    """For each touched fact with figures, its family key and every fact of that family with figures;
    and the families whose dates are start dates (their evidence is needed).  A fact whose claims
    are gone is known by its ``previous`` row, so its family is redone too."""
    c = t.claims
    cols = [c.c.fact_id, *(c.c[k] for k in KEY_COLUMNS)]
    probes: dict[str, dict] = {}
    for chunk in _chunks(list(fact_ids), 500):
        for r in conn.execute(select(*cols).distinct().where(c.c.fact_id.in_(chunk))).mappings():
            probes.setdefault(r["fact_id"], dict(r))
    for fid in fact_ids:
        if fid not in probes and previous and fid in previous:
            probes[fid] = previous[fid]
    out: dict[str, set[str]] = {}
    for fid, row in sorted(probes.items()):
        out.setdefault(family_key(_fact_like(row)), set()).add(fid)
    for iso3, name, predicate in sorted({_who_predicate(r) for r in probes.values()}, key=repr):
        q = select(*cols).distinct().where(
            _same_who(c, iso3, name), c.c.predicate == predicate, _value_filter(), c.c.fact_id.isnot(None))
        for sib in conn.execute(q).mappings():
            fam = family_key(_fact_like(sib))
            if fam in out:
                out[fam].add(sib["fact_id"])
    starting = {family_key(_fact_like(r)) for r in probes.values() if r["predicate"] in START_DATED_PREDICATES}
    return out, starting


def _dispute_groups(
    conn, fact_ids: Sequence[str], previous: dict[str, dict] | None = None
) -> dict[str, tuple[set[str], bool]]:
    """For the touched facts that can be disputed: every fact of the same act (either polarity),
    and whether both an affirmed and a negated one exist (only then is there anything to load)."""
    f = t.facts
    probes: dict[str, Any] = {}
    for chunk in _chunks(list(fact_ids), 500):
        for r in conn.execute(select(f).where(f.c.id.in_(chunk))).mappings():
            probes[r["id"]] = dict(r)
    for fid in fact_ids:
        if fid not in probes and previous and fid in previous:
            probes[fid] = previous[fid]
    probes = {k: r for k, r in probes.items() if r["predicate"] not in DISPUTE_EXCLUDED}
    out: dict[str, tuple[set[str], set[str]]] = {dispute_key(_fact_like(r)): (set(), set()) for r in probes.values()}
    for iso3, name, predicate in sorted({_who_predicate(r) for r in probes.values()}, key=repr):
        for r in conn.execute(select(f).where(_same_who(f, iso3, name), f.c.predicate == predicate)).mappings():
            key = dispute_key(_fact_like(r))
            if key in out:
                out[key][0].add(r["id"])
                out[key][1].add(r["polarity"])
    return {k: (fids, len(pols) > 1) for k, (fids, pols) in out.items()}


VALUE_COLUMNS = (
    "quantity_low", "quantity_high", "money_low", "money_high", "time_start", "time_end",
)


def shard_of(key: str, parts: int) -> int:
    """A stable shard number for a fact's actor or a story id (the same on every machine)."""
    return zlib.crc32(key.encode("utf-8")) % parts


def _actor_key(iso3: str | None, name: str | None) -> str:
    return iso3 or name or ""


def reconcile_pending(store, part: tuple[int, int] | None = None) -> dict[str, int]:
    """Bring facts and conflicts up to date with unreconciled documents and queued reviews.

    ``part`` = (i, n) does shard i of n, so that n workers reconcile at once: the facts
    whose actor falls in shard i (every family, dispute and record check is within one
    actor, so shards never share a fact or a conflict scope) and the stories whose id
    does.  A shard leaves the documents unreconciled and the review queue as it is:
    ``finish_reconcile`` marks them once every shard is done, so a run killed halfway
    redoes all shards and ends the same.

    A fact that only gained claims of documents it has never counted is
    updated by merging a summary of the new claims into its stored summary
    (``fact_summaries``, ``fact_stories``): the cost is that of the new claims,
    however many the fact already has.  A fact touched by anything else — a
    review, a re-extraction, a story merge (its documents come back while
    already counted) — is rebuilt from all its claims.  Both paths go through
    ``minewatch.reconcile.summary``, so they give the same facts and conflicts.
    """
    events, armed = store.treaty_events(), store.armed_conflicts()
    counts = {"documents": 0, "facts": 0, "conflicts": 0}
    d, c = t.documents, t.claims
    with store.engine.begin() as conn:
        pending = conn.execute(select(d.c.id, d.c.in_facts, d.c.story_id).where(d.c.reconciled.is_(False))).all()
        queued = list(conn.execute(select(t.reconcile_queue.c.fact_id)).scalars())
        if not pending and not queued:
            return counts
        doc_ids = [p.id for p in pending]
        story_ids = sorted({p.story_id for p in pending if p.story_id})
        actor_of: dict[str, str] = {}  # fact → its actor's key, to tell the shards apart
        if part is not None:
            story_ids = [sid for sid in story_ids if shard_of(sid, part[1]) == part[0]]
            for chunk in _chunks(queued, 500):
                for r in conn.execute(select(c.c.fact_id, c.c.actor_iso3, c.c.actor_name).distinct()
                                      .where(c.c.fact_id.in_(chunk))):
                    actor_of[r.fact_id] = _actor_key(r.actor_iso3, r.actor_name)
                for r in conn.execute(select(t.facts.c.id, t.facts.c.actor_iso3, t.facts.c.actor_name)
                                      .where(t.facts.c.id.in_(chunk))):
                    actor_of[r.id] = _actor_key(r.actor_iso3, r.actor_name)

        def in_part(fid: str | None) -> bool:
            return part is None or (fid is not None and shard_of(actor_of.get(fid, ""), part[1]) == part[0])

        rebuild: set[str] = {f for f in queued if in_part(f)}
        for chunk in _chunks([p.id for p in pending if p.in_facts], 500):
            for r in conn.execute(select(c.c.fact_id, c.c.actor_iso3, c.c.actor_name).where(c.c.document_id.in_(chunk))):
                if r.fact_id:
                    actor_of.setdefault(r.fact_id, _actor_key(r.actor_iso3, r.actor_name))
                    if in_part(r.fact_id):
                        rebuild.add(r.fact_id)

        # Claims of documents no summary counts yet: the only ones an incremental fact reads.  Only
        # those of the documents listed above: one committed since (by another process, under READ
        # COMMITTED) would be merged now but not marked, and counted again by the next reconcile.
        new_q = (
            select(c, d.c.story_id, d.c.published, d.c.outlet, d.c.path, d.c.url, d.c.via)
            .join(d, d.c.id == c.c.document_id)
            .where(d.c.reconciled.is_(False), d.c.in_facts.is_(False))
        )
        new_rows = {r["id"]: dict(r) for chunk in _chunks([p.id for p in pending if not p.in_facts], 500)
                    for r in conn.execute(new_q.where(d.c.id.in_(chunk))).mappings()}
        if part is not None:
            for r in new_rows.values():
                actor_of.setdefault(r["fact_id"], _actor_key(r["actor_iso3"], r["actor_name"]))
            new_rows = {k: r for k, r in new_rows.items() if in_part(r["fact_id"])}
        new_recs = _records(conn, new_rows)
        for r in new_recs:
            if r.review is not None:
                rebuild.add(r.fact_id)
        new_by_fact = partition([r for r in new_recs if r.fact_id not in rebuild], lambda r: r.fact_id)

        stored: dict[str, dict] = {}
        for chunk in _chunks(sorted(new_by_fact), 500):
            q = select(t.fact_summaries).where(t.fact_summaries.c.fact_id.in_(chunk))
            stored.update({row.fact_id: row.summary for row in conn.execute(q)})
        unsummarised = sorted(set(new_by_fact) - set(stored))
        for chunk in _chunks(unsummarised, 500):  # facts stored before summaries existed
            rebuild.update(conn.execute(select(t.facts.c.id).where(t.facts.c.id.in_(chunk))).scalars())
        for fid in list(new_by_fact):
            if fid in rebuild:
                del new_by_fact[fid]

        summaries: dict[str, dict | None] = {}
        # incremental: merge what the new documents add
        keys = {(fid, r.story_key) for fid, recs in new_by_fact.items() for r in active(recs)}
        known: set[tuple[str, str]] = set()
        for chunk in _chunks(sorted({k for _, k in keys}), 500):
            q = select(t.fact_stories).where(t.fact_stories.c.story_key.in_(chunk))
            known.update((row.fact_id, row.story_key) for row in conn.execute(q) if row.fact_id in new_by_fact)
        added = sorted(keys - known)
        if added:
            conn.execute(insert(t.fact_stories), [{"fact_id": f, "story_key": k} for f, k in added])
        new_stories: dict[str, int] = defaultdict(int)
        for f, _ in added:
            new_stories[f] += 1
        for fid, recs in new_by_fact.items():
            old = stored.get(fid)
            merged = sm.merge(old, sm.summarise(recs))
            if merged is not None:
                merged["stories"] = (old["stories"] if old else 0) + new_stories[fid]
            summaries[fid] = merged

        # rebuild: everything the fact has
        full = partition(load_claim_records(conn, fact_ids=sorted(rebuild)), lambda r: r.fact_id)
        for chunk in _chunks(sorted(rebuild), 500):
            conn.execute(delete(t.fact_stories).where(t.fact_stories.c.fact_id.in_(chunk)))
        rows = []
        for fid in sorted(rebuild):
            group = full.get(fid, [])
            summaries[fid] = sm.summarise(group)
            rows.extend({"fact_id": fid, "story_key": k} for k in sorted({r.story_key for r in active(group)}))
        if rows:
            conn.execute(insert(t.fact_stories), rows)

        seen: set[str] = set()
        fact_rows, summary_rows = [], []
        touched = sorted(summaries)
        # the facts as they were: a fact that loses all its claims still names the family and act to redo
        previous: dict[str, dict] = {}
        for chunk in _chunks(touched, 500):
            q = select(*(t.facts.c[k] for k in ("id", *KEY_COLUMNS))).where(t.facts.c.id.in_(chunk))
            previous.update({r["id"]: dict(r) for r in conn.execute(q).mappings()})
        for chunk in _chunks(touched, 500):
            conn.execute(delete(t.facts).where(t.facts.c.id.in_(chunk)))
            conn.execute(delete(t.fact_summaries).where(t.fact_summaries.c.fact_id.in_(chunk)))
        for fid in touched:
            s = summaries[fid]
            if s is not None:
                fact_rows.append(fact_row(fact_from_summary(s)))
                summary_rows.append({"fact_id": fid, "summary": s})
            drift = drift_conflict(s) if s is not None else None
            counts["conflicts"] += _replace_conflicts(conn, f"drift:{fid}", [drift] if drift else [], seen)
        if fact_rows:
            conn.execute(insert(t.facts), fact_rows)
            conn.execute(insert(t.fact_summaries), summary_rows)
        counts["facts"] = len(fact_rows)

        # value conflicts read only claims with figures; record checks only treaty facts
        valued = sorted(f for f, recs in new_by_fact.items() if any(_has_value(r) for r in recs))
        # with their evidence: a sentence that misstates the treaty's rules is checked too
        treaty = sorted(f for f, s in summaries.items() if s and s["predicate"] in TREATY_PREDICATES)
        by_treaty = partition(load_claim_records(conn, fact_ids=treaty, with_evidence=True), lambda r: r.fact_id)
        # figures are compared per family (the fact without its weapon): one sentence's figure for
        # "anti-tank and anti-personnel mines" is one disagreement, whichever weapon's fact changed
        families, starting = _value_families(
            conn, sorted(set(valued) | (set(touched) & rebuild)), previous)
        family_facts = sorted({f for fids in families.values() for f in fids})
        # planned production and purchases are compared by start date, which their evidence tells
        started = [f for fam, fids in families.items() if fam in starting for f in fids]
        by_family = partition(
            load_claim_records(conn, fact_ids=sorted(set(family_facts) - set(started)), where=_value_filter())
            + load_claim_records(conn, fact_ids=sorted(started), where=_value_filter(), with_evidence=True),
            lambda r: r.fact_id,
        )
        for fam, fids in sorted(families.items()):
            for chunk in _chunks(sorted(fids), 500):  # the per-fact scope of earlier versions
                conn.execute(delete(t.conflicts).where(t.conflicts.c.scope.in_([f"fact:{f}" for f in chunk])))
            group = [r for f in sorted(fids) for r in by_family.get(f, [])]
            counts["conflicts"] += _replace_conflicts(conn, f"value:{fam}", rc.value_conflicts(group, events), seen)
        # affirmed by one source, denied by another: the facts of one act of either polarity
        for key, (fids, both) in sorted(_dispute_groups(conn, touched, previous).items()):
            found_disputes = []
            if both:
                found_disputes = rc.disputed_conflicts(load_claim_records(conn, fact_ids=sorted(fids), with_evidence=True))
            counts["conflicts"] += _replace_conflicts(conn, f"dispute:{key}", found_disputes, seen)
        for fid in touched:
            s = summaries[fid]
            if fid in rebuild or (s and s["predicate"] in TREATY_PREDICATES):
                group = by_treaty.get(fid, [])
                counts["conflicts"] += _replace_conflicts(
                    conn, f"record:{fid}", rc.record_conflicts(group or [], events, armed), seen
                )

        # copies of one story: per touched story, only the claims a story comparison can use
        family_predicates = sorted({p for fam in STORY_FAMILIES.values() for p in fam})
        story_recs = partition(
            load_claim_records(conn, story_ids=story_ids, where=c.c.predicate.in_(family_predicates)),
            lambda r: r.story_id,
        )
        for sid in story_ids:
            found = rc.story_value_conflicts(story_recs.get(sid, []))
            counts["conflicts"] += _replace_conflicts(conn, f"story:{sid}", found, seen)
        if part is None:
            _mark_reconciled(conn, doc_ids, queued)
        counts["documents"] = len(doc_ids)
    return counts


def _mark_reconciled(conn, doc_ids: Sequence[str], queued: Sequence[str]) -> None:
    """The documents and queued facts this reconcile read are done; what was written since waits."""
    for chunk in _chunks(list(doc_ids), 500):
        conn.execute(update(t.documents).where(t.documents.c.id.in_(chunk)).values(reconciled=True, in_facts=True))
    for chunk in _chunks(list(queued), 500):
        conn.execute(delete(t.reconcile_queue).where(t.reconcile_queue.c.fact_id.in_(chunk)))


def finish_reconcile(store) -> None:
    """After every shard of ``reconcile_pending(part=…)``: the documents they took up are reconciled.

    One statement over every unreconciled document, not a list of ids through this process:
    the run that called the shards owns the store until it returns (nothing else writes then).
    """
    with store.engine.begin() as conn:
        conn.execute(update(t.documents).where(t.documents.c.reconciled.is_(False))
                     .values(reconciled=True, in_facts=True))
        conn.execute(delete(t.reconcile_queue))
