"""Claims, facts and conflicts in the store, and the claim's row and export shapes.

A claim is stored with the fact it belongs to once the analyst's latest
corrections are applied (``effective_fact_id``); writes that move a claim
queue the facts involved for reconciliation in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, delete, func, insert, literal_column, or_, select, union, update

from minewatch.model import Actor, Claim, DateRange, Evidence, Money, Range, Speaker
from minewatch.reconcile import Fact, fact_key
from minewatch.store import schema as t
from minewatch.store.common import NO_DATE, _chunks, _count, _escape_like, recency_rows, utcnow

#: How many times a claim picked through an index and sorted costs more than one met on a walk
#: through the documents by date (``ClaimsAndFacts._walks``; measured on ``bench/api.py``'s base).
PICK_COST = 3

#: Newest/oldest pages up to this size are read keys first, then rows (``ClaimsAndFacts._page_in_two``).
PAGE_IN_TWO = 1000


@dataclass
class ClaimFilter:
    state: str | None = None
    predicate: str | None = None
    modality: str | None = None
    since: date | None = None
    until: date | None = None
    document: str | None = None
    outlet: str | None = None
    text: str | None = None
    claim_ids: Sequence[str] | None = None
    after: str | None = None  # cursor: claims with id greater than this
    limit: int | None = None
    #: None: by document path (the CLI's reading order), or by id when paged; "newest"/"oldest": by
    #: published, then ingested, then id; "id": by id.
    order: str | None = None
    #: keyset cursor of a "newest"/"oldest" listing: (published, ingested_at, claim id) of the last row seen
    keyset: tuple | None = None


class ClaimsAndFacts:
    """``Store``'s claims, facts and conflicts (a part of ``Store``, not used alone)."""

    engine: Engine

    def _insert_claims(self, conn, claims: Sequence[Claim]) -> None:
        seen: set[str] = set()
        ids = [c.id for c in claims]
        corrections: dict[str, dict] = {}
        for chunk in _chunks(ids, 500):
            for r in conn.execute(
                select(t.reviews.c.claim_id, t.reviews.c.corrections)
                .where(t.reviews.c.claim_id.in_(chunk))
                .order_by(t.reviews.c.id)
            ):
                corrections[r.claim_id] = r.corrections or {}
        claim_rows: list[dict[str, Any]] = []
        evidence_rows: list[dict[str, Any]] = []
        for c in claims:
            if c.id in seen:
                continue
            seen.add(c.id)
            claim_rows.append({**claim_row(c), "fact_id": effective_fact_id(c, corrections.get(c.id))})
            evidence_rows.extend(
                {"claim_id": c.id, "ordinal": i, "start": ev.start, "end": ev.end, "text": ev.text}
                for i, ev in enumerate(c.evidence)
            )
        # One statement per table (executemany), not one per row: the writer is the bottleneck of big runs.
        if claim_rows:
            conn.execute(insert(t.claims), claim_rows)
        if evidence_rows:
            conn.execute(insert(t.evidence), evidence_rows)

    def replace_claims(self, document_id: str, claims: Sequence[Claim], error: str | None = None) -> list[str]:
        """Re-extraction: the document's machine claims are replaced; reviews stay (they key on claim ids).

        The facts the old claims belonged to are queued in the same transaction,
        so they are rebuilt even if a claim disappears.
        """
        with self.engine.begin() as conn:
            old = set(conn.execute(select(t.claims.c.fact_id).where(t.claims.c.document_id == document_id)).scalars())
            conn.execute(delete(t.claims).where(t.claims.c.document_id == document_id))
            self._insert_claims(conn, claims)
            conn.execute(
                update(t.documents)
                .where(t.documents.c.id == document_id)
                .values(extraction_error=error, extracted_at=utcnow(), reconciled=False)
            )
            _queue_facts(conn, old)
        return sorted(f for f in old if f)

    def count_claims(self, f: ClaimFilter | None = None) -> int:
        """How many claims match ``f`` (its cursor and limit ignored): the API's ``?count=true``."""
        f = f or ClaimFilter()
        q = self._claims_query(ClaimFilter(**{**f.__dict__, "after": None, "keyset": None, "limit": None}))
        return _count(self.engine, q)

    def _claims_query(self, f: ClaimFilter, walk: bool = False, columns: Sequence[Any] | None = None):
        """The claims matching ``f`` with their document's columns (or only ``columns``).

        ``walk``: the state and predicate tests are written so that no index serves them
        (SQLite then walks the documents' date index and tests each claim on the way, see
        ``_walks``); otherwise they pick the matching claims through their indexes.
        """
        c, d = t.claims, t.documents
        q = select(*(columns or _listing_columns())).join(d, d.c.id == c.c.document_id)
        if walk:
            # ``x || ''`` is not indexable: a filter, not a way in (SQLite's documented idiom)
            if f.state:
                st = f.state.upper()
                q = q.where(or_(c.c.actor_iso3.concat("") == st, c.c.counterpart_iso3.concat("") == st))
            if f.predicate:
                q = q.where(c.c.predicate.concat("") == f.predicate)
        elif f.state:
            key = self._claim_key()
            q = q.where(key.in_(_state_claim_ids(f.state.upper(), f.predicate, key)))
        elif f.predicate:
            q = q.where(c.c.predicate == f.predicate)
        q = _document_filters(q, f)
        if f.modality:
            q = q.where(c.c.modality == f.modality)
        if f.document:
            q = q.where(c.c.document_id == f.document)
        if f.claim_ids is not None:
            q = q.where(c.c.id.in_(list(f.claim_ids)))
        if f.text:
            like = f"%{_escape_like(f.text)}%"
            q = q.where(
                or_(
                    c.c.id.in_(select(t.evidence.c.claim_id).where(t.evidence.c.text.ilike(like, escape="\\"))),
                    c.c.speaker_name.ilike(like, escape="\\"),
                    c.c.actor_name.ilike(like, escape="\\"),
                )
            )
        if f.after:
            q = q.where(c.c.id > f.after)
        return q

    def claims(self, f: ClaimFilter | None = None) -> list[dict[str, Any]]:
        """Claims in the contract's export shape (claims.md), with reviews applied as corrections."""
        f = f or ClaimFilter()
        c, d = t.claims, t.documents
        recency = f.order in ("newest", "oldest")  # ordered and limited by recency_rows
        with self.engine.connect() as conn:
            walk = recency and self._walks(conn, f)
            if recency and f.limit and f.limit <= PAGE_IN_TWO:
                rows = self._page_in_two(conn, f, walk)
            elif recency:
                rows = recency_rows(conn, self._claims_query(f, walk=walk), (d.c.published, d.c.ingested_at, c.c.id),
                                    f.order, f.keyset, f.limit)
            else:
                q = self._claims_query(f)
                if f.order == "id" or f.after is not None or f.limit:
                    q = q.order_by(c.c.id)
                else:
                    q = q.order_by(d.c.path, d.c.id, c.c.id)
                if f.limit:
                    q = q.limit(f.limit)
                rows = [dict(r) for r in conn.execute(q).mappings()]
            ids = [r["id"] for r in rows]
            ev: dict[str, list] = {}
            rv: dict[str, dict] = {}
            for chunk in _chunks(ids, 500):
                for e in conn.execute(
                    select(t.evidence).where(t.evidence.c.claim_id.in_(chunk)).order_by(t.evidence.c.ordinal)
                ).mappings():
                    ev.setdefault(e["claim_id"], []).append({"start": e["start"], "end": e["end"], "text": e["text"]})
                for r in conn.execute(
                    select(t.reviews).where(t.reviews.c.claim_id.in_(chunk)).order_by(t.reviews.c.id)
                ).mappings():
                    rv[r["claim_id"]] = dict(r)  # the latest review wins
        return [claim_export(r, ev.get(r["id"], []), rv.get(r["id"])) for r in rows]

    def _page_in_two(self, conn, f: ClaimFilter, walk: bool) -> list[dict[str, Any]]:
        """A page of a newest/oldest listing: first its keys in order, then their rows.

        Sorting carries every selected column of every match (SQLite's sorter holds whole
        rows), and a document's ``ingested_at`` sits after its text in the row: asked for
        every match, a state's listing walked past each document's text to sort ~300 claims.  The
        keys alone come from indexes (``documents (id, published, ingested_at)``, migration
        0011); the whole rows are read for the page only.
        """
        c, d = t.claims, t.documents
        key = self._claim_key()
        if f.state and not walk and not (f.modality or f.document or f.claim_ids is not None or f.text or f.after):
            # the state's claims with their document and id straight from the state indexes
            # (actor_iso3/counterpart_iso3, predicate, document_id, id), never reading a claim's row
            picks = _state_claim_ids(f.state.upper(), f.predicate, key, with_document=True).subquery("picks")
            cols = (d.c.published, d.c.ingested_at, picks.c.cid)
            q = _document_filters(select(picks.c.k, *cols).join(d, d.c.id == picks.c.doc), f)
        else:
            cols = (d.c.published, d.c.ingested_at, c.c.id)
            q = self._claims_query(f, walk=walk, columns=(key.label("k"), *cols))
        keys = recency_rows(conn, q, cols, str(f.order), f.keyset, f.limit)
        where = {r["k"]: i for i, r in enumerate(keys)}
        if not where:
            return []
        q = self._claims_query(ClaimFilter(), columns=(*_listing_columns(), key.label("k"))).where(key.in_(list(where)))
        rows = sorted((dict(r) for r in conn.execute(q).mappings()), key=lambda r: where[r["k"]])
        for r in rows:
            del r["k"]
        return rows

    def _claim_key(self):
        """The column that names a claim inside SQLite's own queries: its rowid, an integer (a subquery of
        3 000 rowids is read in a quarter of the time of their text ids); the id on other databases."""
        return literal_column("claims.rowid") if self.engine.dialect.name == "sqlite" else t.claims.c.id

    def _walks(self, conn, f: ClaimFilter) -> bool:
        """Whether a newest-first page of ``f`` is cheaper by walking the documents' date index than by
        picking the matching claims and sorting them (SQLite only: PostgreSQL keeps statistics).

        SQLite has no statistics (no ``ANALYZE``) and plans a state or predicate filter through
        its index whatever the numbers, sorting every match: 30 ms on 100 000 claims for one
        state, where walking the newest documents finds the page in 1-3 ms.  For a rare filter
        the walk is the slow one (a state and a predicate: 17 ms walked, 2 ms picked).  The
        index counts the matches ``n`` in well under a millisecond; a walk reads about
        ``limit * N / n`` claims (N: all claims), a pick about ``n`` at a few times the cost
        each, so a walk wins when ``n * n > limit * N / PICK_COST``.
        """
        if self.engine.dialect.name != "sqlite" or not f.limit or not (f.state or f.predicate):
            return False
        c = t.claims
        if f.state:
            st = f.state.upper()
            counts = [select(func.count()).select_from(c).where(col == st) for col in (c.c.actor_iso3, c.c.counterpart_iso3)]
            if f.predicate:
                counts = [q.where(c.c.predicate == f.predicate) for q in counts]
        else:
            counts = [select(func.count()).select_from(c).where(c.c.predicate == f.predicate)]
        total = select(func.max(literal_column("rowid"))).select_from(c)
        row = conn.execute(select(*(q.scalar_subquery() for q in (*counts, total)))).one()
        n = sum(row[:-1])
        return n * n * PICK_COST > f.limit * (row[-1] or 0)

    def claim(self, claim_id: str) -> dict[str, Any] | None:
        found = self.claims(ClaimFilter(claim_ids=[claim_id]))
        return found[0] if found else None

    def facts(
        self, *, state: str | None = None, predicate: str | None = None, ids: Sequence[str] | None = None,
        limit: int | None = None, after: str | None = None, order: str | None = None, keyset: tuple | None = None,
        count: bool = False,
    ) -> Any:
        """Facts; ``order`` "newest"/"oldest" sorts by last report, then first report, then id (from ``keyset``)."""
        f = t.facts
        q = select(f)
        if state:
            st = state.upper()
            q = q.where(or_(f.c.actor_iso3 == st, f.c.counterpart_iso3 == st))
        if predicate:
            q = q.where(f.c.predicate == predicate)
        if ids is not None:
            q = q.where(f.c.id.in_(list(ids)))
        if count:
            return _count(self.engine, q)
        if after:
            q = q.where(f.c.id > after)
        if order in ("newest", "oldest"):
            keys = (f.c.last_reported, func.coalesce(f.c.first_reported, NO_DATE), f.c.id)
            with self.engine.connect() as conn:
                return [_fact_out(r) for r in recency_rows(conn, q, keys, order, keyset, limit)]
        elif order == "id" or after is not None or limit:
            q = q.order_by(f.c.id)
        else:
            q = q.order_by(f.c.actor_iso3, f.c.predicate, f.c.last_reported.desc(), f.c.id)
        if limit:
            q = q.limit(limit)
        with self.engine.connect() as conn:
            return [_fact_out(dict(r)) for r in conn.execute(q).mappings()]

    def conflicts(
        self, *, state: str | None = None, kind: str | None = None, ids: Sequence[str] | None = None,
        fact_ids: Sequence[str] | None = None, claim_id: str | None = None, limit: int | None = None, after: str | None = None,
        count: bool = False, dismissed: bool = False,
    ) -> Any:
        """Open conflicts (``dismissed=True``: also those an analyst marked "not a conflict"),
        each with its latest review (``review``, or ``None``); ``count``: how many."""
        x = t.conflicts
        q = select(x)
        if not dismissed:
            q = q.where(x.c.id.not_in(_dismissed_ids()))
        if state:
            q = q.where(x.c.actor_iso3 == state.upper())
        if kind:
            q = q.where(x.c.kind == kind)
        if ids is not None:
            q = q.where(x.c.id.in_(list(ids)))
        if fact_ids is not None:
            q = q.where(x.c.fact_id.in_(list(fact_ids)))
        if count and not claim_id:
            return _count(self.engine, q)
        if after:
            q = q.where(x.c.id > after)
        severity = {"high": 0, "medium": 1, "low": 2}
        q = q.order_by(x.c.id)
        if limit and not claim_id:
            q = q.limit(limit)
        with self.engine.connect() as conn:
            rows = [dict(r) for r in conn.execute(q).mappings()]
        if claim_id:
            rows = [r for r in rows if claim_id in (r["claim_ids"] or [])][: limit or None]
        if count:
            return len(rows)
        latest = self._latest_conflict_reviews([r["id"] for r in rows])
        for r in rows:
            r["review"] = latest.get(r["id"])
        if after is None and not limit:
            rows.sort(key=lambda r: (severity.get(r["severity"], 3), r["actor_iso3"] or "", r["kind"], r["id"]))
        return rows

    def fact_objects(self, *, state: str | None = None) -> list:
        """Facts as reconcile.Fact values (for timelines)."""
        return [Fact.from_dict(r["detail"]) for r in self.facts(state=state)]


def _listing_columns() -> tuple:
    """A claim with its document's columns, as listings and exports show them."""
    c, d = t.claims, t.documents
    return (c, d.c.path, d.c.url, d.c.outlet, d.c.published, d.c.story_id, d.c.via, d.c.title, d.c.ingested_at,
            d.c.language)


def _dismissed_ids() -> Any:
    """Conflicts whose latest review says "not a conflict"."""
    cr = t.conflict_reviews
    latest = select(func.max(cr.c.id)).group_by(cr.c.conflict_id)
    return select(cr.c.conflict_id).where(cr.c.id.in_(latest), cr.c.verdict == "not_a_conflict")


def _fact_out(r: dict[str, Any]) -> dict[str, Any]:
    detail = r.pop("detail", None) or {}
    out = dict(r)
    for k in ("claim_ids", "document_ids", "story_ids", "quantity", "money", "time", "outlets", "history"):
        if k in detail:
            out[k] = detail[k]
    out["detail"] = detail
    return out


def effective_fact_id(claim: Claim, corrections: dict | None) -> str:
    """The fact a claim belongs to once an analyst's corrections are applied."""
    if corrections:
        d = claim.to_dict()
        d.update({k: v for k, v in corrections.items() if k in CORRECTABLE})
        claim = Claim.from_dict(d, document_id=claim.document_id)
    return fact_key(claim)


def claim_row(c: Claim) -> dict[str, Any]:
    return {
        "id": c.id,
        "document_id": c.document_id,
        "actor_kind": str(c.actor.kind),
        "actor_iso3": c.actor.iso3,
        "actor_name": c.actor.name,
        "predicate": str(c.predicate),
        "stage": c.stage,
        "treaty": c.treaty,
        "weapon": c.weapon,
        "counterpart_kind": str(c.counterpart.kind) if c.counterpart else None,
        "counterpart_iso3": c.counterpart.iso3 if c.counterpart else None,
        "counterpart_name": c.counterpart.name if c.counterpart else None,
        "modality": str(c.modality),
        "polarity": str(c.polarity),
        "quantity_low": c.quantity.low if c.quantity else None,
        "quantity_high": c.quantity.high if c.quantity else None,
        "quantity_unit": c.quantity.unit if c.quantity else None,
        "quantity_text": c.quantity.text if c.quantity else None,
        "money_low": c.money.low if c.money else None,
        "money_high": c.money.high if c.money else None,
        "money_currency": c.money.currency if c.money else None,
        "money_text": c.money.text if c.money else None,
        "time_start": c.time.start if c.time else None,
        "time_end": c.time.end if c.time else None,
        "time_text": c.time.text if c.time else None,
        "time_basis": c.time.basis if c.time else None,
        "speaker_name": c.speaker.name if c.speaker else None,
        "speaker_role": c.speaker.role if c.speaker else None,
        "confidence": float(c.confidence),
        "extractor": c.extractor,
    }


def claim_from_row(r: dict[str, Any], evidence: Sequence[dict] = ()) -> Claim:
    def has(*columns: str) -> bool:
        return any(r.get(k) is not None for k in columns)

    return Claim(
        document_id=r["document_id"],
        actor=Actor(r["actor_kind"], r["actor_iso3"], r["actor_name"]),
        predicate=r["predicate"],
        stage=r["stage"],
        treaty=r["treaty"],
        weapon=r["weapon"],
        counterpart=Actor(r["counterpart_kind"] or "state", r["counterpart_iso3"], r["counterpart_name"] or "")
        if (r.get("counterpart_iso3") or r.get("counterpart_name"))
        else None,
        modality=r["modality"],
        polarity=r["polarity"],
        quantity=Range(r["quantity_low"], r["quantity_high"], r["quantity_unit"], r["quantity_text"]) if has("quantity_low", "quantity_high", "quantity_text") else None,
        money=Money(r["money_low"], r["money_high"], r["money_currency"], r["money_text"]) if has("money_low", "money_high", "money_text") else None,
        time=DateRange(r["time_start"], r["time_end"], r["time_text"], r.get("time_basis")) if has("time_start", "time_end", "time_text") else None,
        speaker=Speaker(r["speaker_name"], r["speaker_role"]) if r.get("speaker_name") else None,
        evidence=[Evidence(e["start"], e["end"], e["text"]) for e in evidence],
        confidence=r["confidence"],
        extractor=r.get("extractor"),
    )


# Fields an analyst may correct (the contract's names).
CORRECTABLE = (
    "actor", "predicate", "stage", "treaty", "weapon", "counterpart", "modality", "polarity",
    "quantity", "money", "time", "speaker",
)


def claim_export(r: dict[str, Any], evidence: Sequence[dict], review: dict | None) -> dict[str, Any]:
    """A stored claim as one line of the contract's JSON Lines export."""
    out = claim_from_row(r, evidence).to_dict(r["id"])
    out = {
        "id": out["id"],
        "document": {
            "id": r["document_id"],
            "path": r.get("path"),
            "url": r.get("url"),
            "outlet": r.get("outlet"),
            "published": r["published"].isoformat() if r.get("published") else None,
            "story_id": r.get("story_id"),
            "via": list(r.get("via") or []),
            "language": r.get("language"),
        },
        **{k: v for k, v in out.items() if k != "id"},
    }
    if review:
        out["review"] = {
            "verdict": review["verdict"],
            "reviewer": review["reviewer"],
            "note": review["note"],
            "created_at": review["created_at"].isoformat() if isinstance(review["created_at"], datetime) else review["created_at"],
            "corrections": review["corrections"],
        }
        for k, v in (review.get("corrections") or {}).items():
            if k in CORRECTABLE:
                out[k] = v
    return out


def _queue_facts(conn, fact_ids: Iterable[str | None]) -> None:
    for fid in fact_ids:
        if fid and not conn.execute(select(t.reconcile_queue).where(t.reconcile_queue.c.fact_id == fid)).first():
            conn.execute(insert(t.reconcile_queue).values(fact_id=fid))


def _document_filters(q, f: ClaimFilter):
    """``f``'s conditions on the claim's document (its date and outlet)."""
    d = t.documents
    if f.since:
        q = q.where(d.c.published >= f.since)
    if f.until:
        q = q.where(d.c.published <= f.until)
    if f.outlet:
        q = q.where(d.c.outlet == f.outlet)
    return q


def _state_claim_ids(iso3: str, predicate: str | None = None, key: Any = None, with_document: bool = False):
    """Keys (``key``: the ids, or on SQLite the rowids) of the claims about ``iso3`` (as actor or
    counterpart), optionally of one predicate, as a subquery (``with_document``: as ``k`` with the
    claim's ``doc`` and ``cid``, which the two indexes hold too).

    ``actor = X OR counterpart = X`` written as two branches that each use an
    index, (actor_iso3, predicate) and (counterpart_iso3, predicate), joined by
    UNION.  The predicate goes inside the branches only: outside, SQLite
    (without ANALYZE statistics) walks the predicate index instead, every claim
    of the predicate with its document, about 10 ms on 100 000 claims.
    """
    c = t.claims
    key = c.c.id if key is None else key
    cols = (key.label("k"), c.c.document_id.label("doc"), c.c.id.label("cid")) if with_document else (key,)
    actor = select(*cols).select_from(c).where(c.c.actor_iso3 == iso3)
    counterpart = select(*cols).select_from(c).where(c.c.counterpart_iso3 == iso3)
    if predicate:
        actor = actor.where(c.c.predicate == predicate)
        counterpart = counterpart.where(c.c.predicate == predicate)
    return union(actor, counterpart)
