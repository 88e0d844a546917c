"""Facts: the claims of all documents that assert the same thing, linked and counted.

A fact is what a reader wants to know ("Finland plans to produce
anti-personnel mines"); its claims are who said it.  Corroboration is counted
in stories, not documents, because a hundred copies of one wire report are one
source.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from minewatch.model import Actor, DateRange, Money, Range, _date, act_dict
from minewatch.reconcile.base import (
    ClaimRecord,
    active,
    partition,
)
from minewatch.reconcile.conflicts import fact_history
from minewatch.reconcile.summary import common_actor, merged_value, strongest, summarise


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
    #: Planned, then done: the fact's history when its reports differ in modality but do not
    #: contradict (``conflicts.fact_history``); ``None`` otherwise.
    history: dict[str, Any] | None = None
    #: Exact counts when the id lists are capped (a stored fact); ``None``: the lists are complete.
    claim_count: int | None = None
    document_count: int | None = None

    @property
    def n_claims(self) -> int:
        return len(self.claim_ids) if self.claim_count is None else self.claim_count

    @property
    def n_documents(self) -> int:
        return len(self.document_ids) if self.document_count is None else self.document_count

    def to_dict(self, max_items: int | None = None) -> dict[str, Any]:
        """JSON-ready; ``max_items`` caps the id and source lists of widely reported facts (counts stay exact)."""

        def cap(items: list[Any]) -> list[Any]:
            return list(items) if max_items is None else list(items[:max_items])

        return {
            **act_dict(self),
            "polarity": str(self.polarity),
            "modality": str(self.modality),
            "modalities": dict(self.modalities),
            "claim_ids": cap(self.claim_ids),
            "document_ids": cap(self.document_ids),
            "story_ids": cap(self.story_ids),
            "claim_count": self.n_claims,
            "document_count": self.n_documents,
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
            "history": dict(self.history) if self.history else None,
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
            history=d.get("history"),
            claim_count=_count(d.get("claim_count"), d.get("claim_ids")),
            document_count=_count(d.get("document_count"), d.get("document_ids")),
        )


def _count(n: int | None, ids: list[Any] | None) -> int | None:
    """The exact count, kept only where the id list was capped."""
    return None if n is None or n == len(ids or []) else int(n)


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def build_fact(claims: list[ClaimRecord]) -> Fact | None:
    """One fact from the claims of one fact key; ``None`` when every claim was rejected."""
    summary = summarise(claims, cap=None)
    return None if summary is None else fact_from_summary(summary)


def fact_from_summary(s: dict[str, Any]) -> Fact:
    """The fact a summary describes (``summary.summarise``/``merge``): the store's and the pure path's one reader."""
    time = merged_value(s, "time")
    capped = s["claims"] != len(s["claim_top"]) or s["documents"] != len(s["doc_top"])
    return Fact(
        id=s["fact_id"],
        actor=common_actor(s["actors"]) or Actor("state", None, ""),
        predicate=s["predicate"],
        stage=s["stage"],
        treaty=s["treaty"],
        weapon=s["weapon"],
        counterpart=common_actor(s["counterparts"]),
        polarity=s["polarity"],
        modality=strongest(s["modality_docs"]),
        claim_ids=[k[3] for k in s["claim_top"]],
        document_ids=[d[2] for d in s["doc_top"]],
        story_ids=list(s["story_top"]),
        independent_sources=s["stories"],
        first_reported=_date(s["first"]),
        last_reported=_date(s["last"]),
        quantity=merged_value(s, "quantity"),  # type: ignore[arg-type]
        money=merged_value(s, "money"),  # type: ignore[arg-type]
        time=time,  # type: ignore[arg-type]
        event_date=_event_date(time),  # type: ignore[arg-type]
        verified=s["verified"],
        sources=[
            {"document_id": d[2], "outlet": d[3], "url": d[4], "path": d[5], "published": _date(d[1]), "story_id": d[6]}
            for d in s["doc_top"]
        ],
        modalities=dict(sorted(s["modality_docs"].items())),
        speakers=list(s["speakers"]),
        confidence=s["confidence"],
        history=fact_history(s),
        claim_count=s["claims"] if capped else None,
        document_count=s["documents"] if capped else None,
    )


def build_facts(claims: list[ClaimRecord]) -> list[Fact]:
    """Facts for a mixed group (a story, an actor), one per fact key, in id order."""
    groups = partition(active(claims), lambda r: r.fact_id)
    facts = [build_fact(g) for _, g in sorted(groups.items())]
    return [f for f in facts if f is not None]


def _event_date(time: DateRange | None) -> date | None:
    """The day the timeline files the fact under: the start of its range ("in 2026" → 2026-01-01)."""
    if time is None:
        return None
    return time.start or time.end
