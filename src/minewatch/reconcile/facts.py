"""Facts: the claims of all documents that assert the same thing, linked and counted.

A fact is what a reader wants to know ("Finland plans to produce
anti-personnel mines"); its claims are who said it.  Corroboration is counted
in stories, not documents, because a hundred copies of one wire report are one
source.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from minewatch.model import MODALITY_STRENGTH, Actor, DateRange, Money, Range, _date
from minewatch.reconcile.base import (
    REVIEWED_OK,
    ClaimRecord,
    Value,
    active,
    harmonise_dims,
    intersection,
    partition,
    value_of,
)


@dataclass
class Fact:
    id: str
    actor: Actor
    predicate: str
    stage: str | None
    treaty: str | None
    weapon: str | None
    counterpart: Actor | None
    polarity: str
    modality: str  # strongest reported: actual > planned > considered
    claim_ids: list[str]
    document_ids: list[str]
    story_ids: list[str]
    independent_sources: int
    first_reported: date | None
    last_reported: date | None
    quantity: Range | None = None
    money: Money | None = None
    time: DateRange | None = None
    event_date: date | None = None
    verified: bool = False
    #: One entry per document: {"document_id", "outlet", "url", "path", "published", "story_id"}.
    sources: list[dict[str, Any]] = field(default_factory=list)
    #: Modalities as reported, with the number of documents for each.
    modalities: dict[str, int] = field(default_factory=dict)
    speakers: list[str] = field(default_factory=list)
    confidence: float = 0.0

    def to_dict(self, max_items: int | None = None) -> dict[str, Any]:
        """JSON-ready; ``max_items`` caps the id and source lists of widely reported facts (counts stay exact)."""

        def cap(items: list[Any]) -> list[Any]:
            return list(items) if max_items is None else list(items[:max_items])

        return {
            "id": self.id,
            "actor": self.actor.to_dict(),
            "predicate": str(self.predicate),
            "stage": self.stage,
            "treaty": self.treaty,
            "weapon": self.weapon,
            "counterpart": self.counterpart.to_dict() if self.counterpart else None,
            "polarity": str(self.polarity),
            "modality": str(self.modality),
            "modalities": dict(self.modalities),
            "claim_ids": cap(self.claim_ids),
            "document_ids": cap(self.document_ids),
            "story_ids": cap(self.story_ids),
            "claim_count": len(self.claim_ids),
            "document_count": len(self.document_ids),
            "independent_sources": self.independent_sources,
            "first_reported": _iso(self.first_reported),
            "last_reported": _iso(self.last_reported),
            "quantity": self.quantity.to_dict() if self.quantity else None,
            "money": self.money.to_dict() if self.money else None,
            "time": self.time.to_dict() if self.time else None,
            "event_date": _iso(self.event_date),
            "verified": self.verified,
            "sources": [{**s, "published": _iso(s.get("published"))} for s in cap(self.sources)],
            "speakers": list(self.speakers),
            "confidence": round(float(self.confidence), 3),
        }


    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Fact:
        """The inverse of ``to_dict`` (the store keeps facts as their dict and rebuilds them for timelines)."""
        return cls(
            id=d["id"],
            actor=Actor.from_dict(d["actor"]) or Actor("state", None, ""),
            predicate=d["predicate"],
            stage=d.get("stage"),
            treaty=d.get("treaty"),
            weapon=d.get("weapon"),
            counterpart=Actor.from_dict(d.get("counterpart")),
            polarity=d.get("polarity") or "affirmed",
            modality=d.get("modality") or "actual",
            claim_ids=list(d.get("claim_ids") or []),
            document_ids=list(d.get("document_ids") or []),
            story_ids=list(d.get("story_ids") or []),
            independent_sources=int(d.get("independent_sources") or 0),
            first_reported=_date(d.get("first_reported")),
            last_reported=_date(d.get("last_reported")),
            quantity=Range.from_dict(d.get("quantity")),
            money=Money.from_dict(d.get("money")),
            time=DateRange.from_dict(d.get("time")),
            event_date=_date(d.get("event_date")),
            verified=bool(d.get("verified")),
            sources=[{**s, "published": _date(s.get("published"))} for s in d.get("sources") or []],
            modalities=dict(d.get("modalities") or {}),
            speakers=list(d.get("speakers") or []),
            confidence=float(d.get("confidence") or 0.0),
        )


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def build_fact(claims: list[ClaimRecord]) -> Fact | None:
    """One fact from the claims of one fact key; ``None`` when every claim was rejected."""
    recs = active(claims)
    if not recs:
        return None
    keys = {r.fact_id for r in recs}
    if len(keys) != 1:
        raise ValueError(f"build_fact needs claims of one fact key, got {len(keys)}: {sorted(keys)[:5]}")
    (fid,) = keys
    first = recs[0].claim

    docs: dict[str, ClaimRecord] = {}
    for r in recs:
        docs.setdefault(r.document_id, r)
    published = [r.published for r in recs if r.published is not None]
    modality = max((r.claim.modality for r in recs), key=lambda m: MODALITY_STRENGTH.get(str(m), 0))  # type: ignore[call-overload]
    doc_modalities: dict[str, set[str]] = {}
    for r in recs:
        doc_modalities.setdefault(str(r.claim.modality), set()).add(r.document_id)

    time = _merge_time(recs)
    return Fact(
        id=fid,
        actor=_common_actor([r.claim.actor for r in recs]),
        predicate=str(first.predicate),
        stage=first.stage,
        treaty=first.treaty,
        weapon=first.weapon,
        counterpart=_common_actor([r.claim.counterpart for r in recs if r.claim.counterpart]) if first.counterpart else None,
        polarity=str(first.polarity),
        modality=str(modality),
        claim_ids=[r.claim_id for r in recs],
        document_ids=list(docs),
        story_ids=sorted({r.story_id for r in recs if r.story_id}),
        independent_sources=len({r.story_key for r in recs}),
        first_reported=min(published) if published else None,
        last_reported=max(published) if published else None,
        quantity=_merge_quantity(recs),
        money=_merge_money(recs),
        time=time,
        event_date=_event_date(time),
        verified=any(r.review in REVIEWED_OK for r in recs),
        sources=[
            {
                "document_id": d,
                "outlet": r.outlet,
                "url": r.url,
                "path": r.path,
                "published": r.published,
                "story_id": r.story_id,
            }
            for d, r in docs.items()
        ],
        modalities={m: len(ds) for m, ds in sorted(doc_modalities.items())},
        speakers=sorted({r.claim.speaker.name for r in recs if r.claim.speaker}),
        confidence=max(float(r.claim.confidence) for r in recs),
    )


def build_facts(claims: list[ClaimRecord]) -> list[Fact]:
    """Facts for a mixed group (a story, an actor), one per fact key, in id order."""
    groups = partition(active(claims), lambda r: r.fact_id)
    facts = [build_fact(g) for _, g in sorted(groups.items())]
    return [f for f in facts if f is not None]


def _common_actor(actors: list[Actor]) -> Actor:
    """Names vary between copies ("Finland", "Republic of Finland"); the most used one wins, ties by name."""
    counts = Counter(actors)
    return min(counts, key=lambda a: (-counts[a], a.name, str(a.kind)))


def _merged(recs: list[ClaimRecord], field_name: str) -> tuple[Value, tuple[Any, Any]] | None:
    """The agreed range of the best-supported unit: intersection, text of the most specific report.

    Units and currencies are not converted: "mines" and "km" figures are
    different measurements, so the unit most reports use is the one kept.
    Disagreeing ranges give ``None`` (``value_conflicts`` reports them).
    """
    values = harmonise_dims([v for r in recs if (v := value_of(r.claim, field_name)) is not None])
    if not values:
        return None
    by_dim = Counter(v.dim for v in values)
    dim = min(by_dim, key=lambda d: (-by_dim[d], d or ""))
    group = [v for v in values if v.dim == dim]
    common = intersection(group)
    if common is None:
        return None
    specific = min(group, key=lambda v: v.width)  # stable: earliest report among equals
    return specific, common


def _merge_quantity(recs: list[ClaimRecord]) -> Range | None:
    m = _merged(recs, "quantity")
    if m is None:
        return None
    v, (low, high) = m
    return Range(low=low, high=high, unit=v.dim, text=v.text)


def _merge_money(recs: list[ClaimRecord]) -> Money | None:
    m = _merged(recs, "money")
    if m is None:
        return None
    v, (low, high) = m
    return Money(low=low, high=high, currency=v.dim, text=v.text)


def _merge_time(recs: list[ClaimRecord]) -> DateRange | None:
    m = _merged(recs, "time")
    if m is None:
        return None
    v, (start, end) = m
    return DateRange(start=start, end=end, text=v.text)


def _event_date(time: DateRange | None) -> date | None:
    """The day the timeline files the fact under: the start of its range ("in 2026" → 2026-01-01)."""
    if time is None:
        return None
    return time.start or time.end
