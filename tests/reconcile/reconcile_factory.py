"""Hand-built claims for the reconciliation tests (paraphrased situations, no article text)."""

from __future__ import annotations

from datetime import date

from minewatch.model import Actor, Claim, DateRange, Money, Range
from minewatch.reconcile import ClaimRecord

try:  # the treaty engine's record types, when present
    from minewatch.treaties.records import ArmedConflict, TreatyEvent
except ImportError:  # pragma: no cover - reconciliation only needs the attributes
    from dataclasses import dataclass

    @dataclass(frozen=True)
    class TreatyEvent:  # type: ignore[no-redef]
        treaty: str
        iso3: str
        state_name: str
        action: str
        date: date
        source_url: str
        note: str = ""

    @dataclass(frozen=True)
    class ArmedConflict:  # type: ignore[no-redef]
        iso3: str
        opponent: str
        start: date
        end: date | None
        source_url: str = ""
        note: str = ""


NAMES = {"LTU": "Lithuania", "FIN": "Finland", "UKR": "Ukraine", "RUS": "Russia", "POL": "Poland"}


def actor(iso3: str) -> Actor:
    return Actor(kind="state", iso3=iso3, name=NAMES.get(iso3, iso3))


def year(y: int) -> DateRange:
    return DateRange(date(y, 1, 1), date(y, 12, 31), text=f"in {y}")


def day(d: str) -> DateRange:
    x = date.fromisoformat(d)
    return DateRange(x, x, text=d)


def eur(low: float | None, high: float | None, text: str | None = None) -> Money:
    return Money(low, high, "EUR", text)


def mines(low: float | None, high: float | None, text: str | None = None) -> Range:
    return Range(low, high, "mines", text)


def rec(
    doc: str,
    iso3: str = "LTU",
    predicate: str = "procurement",
    *,
    stage: str | None = None,
    treaty: str | None = None,
    weapon: str | None = "ap_mine",
    counterpart: str | None = None,
    modality: str = "planned",
    polarity: str = "affirmed",
    money: Money | None = None,
    quantity: Range | None = None,
    time: DateRange | None = None,
    story: str | None = "s-1",
    published: date | None = date(2025, 6, 27),
    outlet: str | None = None,
    review: str | None = None,
    via: tuple[str, ...] = (),
    confidence: float = 0.8,
) -> ClaimRecord:
    claim = Claim(
        document_id=doc,
        actor=actor(iso3),
        predicate=predicate,
        stage=stage,
        treaty=treaty,
        weapon=weapon,
        counterpart=actor(counterpart) if counterpart else None,
        modality=modality,
        polarity=polarity,
        money=money,
        quantity=quantity,
        time=time,
        confidence=confidence,
    )
    return ClaimRecord(
        claim=claim,
        document_id=doc,
        story_id=story,
        published=published,
        outlet=outlet or f"Outlet {doc}",
        path=f"corpus/{doc}.txt",
        url=f"https://example.org/{doc}",
        review=review,
        via=list(via),
    )


def event(treaty: str, iso3: str, action: str, when: str, url: str | None = None) -> TreatyEvent:
    return TreatyEvent(
        treaty=treaty,  # type: ignore[arg-type]
        iso3=iso3,
        state_name=NAMES.get(iso3, iso3),
        action=action,  # type: ignore[arg-type]
        date=date.fromisoformat(when),
        source_url=url or f"https://records.example/{treaty}/{iso3}/{action}",
    )


def fin_apmbc() -> list[TreatyEvent]:
    return [
        event("APMBC", "FIN", "accession", "2012-01-09", "https://records.example/fin-accession"),
        event("APMBC", "FIN", "entry_into_force", "2012-07-01"),
        event("APMBC", "FIN", "withdrawal_notification", "2025-07-10", "https://records.example/fin-withdrawal"),
        event("APMBC", "FIN", "withdrawal_effective", "2026-01-10"),
    ]
