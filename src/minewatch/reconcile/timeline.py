"""A state's story under a treaty: depositary steps and reported facts, in date order.

Records come first on a day they share with facts (the record is the
authority); dates the rules imply but the record lacks (entry into force,
withdrawal taking effect) are computed and marked so.  Facts whose date no
report fixes are listed after the dated ones, by when they were first reported.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from minewatch.model import Polarity
from minewatch.reconcile import law, phrases
from minewatch.reconcile.base import format_number
from minewatch.reconcile.depositary import Event, index_events
from minewatch.reconcile.facts import Fact

#: Order of depositary steps on one day.
RECORD_ACTION_ORDER = {
    "signature": 0,
    "ratification": 1,
    "acceptance": 1,
    "approval": 1,
    "accession": 1,
    "succession": 1,
    "entry_into_force": 2,
    "withdrawal_notification": 3,
    "suspension_notification": 3,
    "withdrawal_effective": 4,
}
#: Order of treaty stages on one day (domestic steps before international ones).
STAGE_ORDER = {
    "proposed": 0,
    "decided": 1,
    "approved": 2,
    "notified": 3,
    "effective": 4,
    "signed": 0,
    "ratified": 1,
    "acceded": 1,
    "in_force": 2,
}
#: Context, not events: never on a timeline.
TIMELINE_SKIP_PREDICATES = frozenset({"border"})
#: Non-treaty facts that belong on a treaty's timeline, by weapon.
TREATY_WEAPONS = {"APMBC": frozenset({"ap_mine", "mine"}), "CCM": frozenset({"cluster_munition"})}


@dataclass
class TimelineEntry:
    date: date | None
    kind: str  # "record" | "fact"
    action: str  # depositary action, or the fact's predicate
    stage: str | None
    treaty: str | None
    description: str
    sources: list[dict[str, Any]] = field(default_factory=list)
    independent_sources: int | None = None  # facts only
    fact_id: str | None = None
    undated: bool = False  # a fact without event date: ``date`` is when it was first reported
    computed: bool = False  # a record date derived by the treaty rules, not found in the record

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat() if self.date else None,
            "kind": self.kind,
            "action": self.action,
            "stage": self.stage,
            "treaty": self.treaty,
            "description": self.description,
            "sources": [dict(s) for s in self.sources],
            "independent_sources": self.independent_sources,
            "fact_id": self.fact_id,
            "undated": self.undated,
            "computed": self.computed,
        }


def timeline(
    iso3: str,
    events: list[Any],
    facts: list[Fact],
    treaty: str | None = None,
    armed_conflicts: Iterable[Any] = (),
) -> list[TimelineEntry]:
    """Depositary steps (recorded or computed) and the state's reported facts, dated ones first."""
    armed = list(armed_conflicts)
    entries: list[TimelineEntry] = []
    for (tr, _), state in sorted(index_events(events, {iso3}).items()):
        if treaty and tr != treaty:
            continue
        for evs in state.by_action.values():
            entries.extend(_record_entry(e) for e in evs)
        if not state.by_action.get("entry_into_force"):
            eif = state.entry_into_force()
            if eif is not None:
                entries.append(_record_entry(eif))
        effective = state.all(["withdrawal_effective"])
        for note in state.all(["withdrawal_notification"]):
            if any(e.date >= note.date for e in effective):
                continue
            d, reason = law.withdrawal_effective_date(tr, iso3, note.date, armed)
            if d is not None:
                computed = Event(tr, iso3, note.state_name, "withdrawal_effective", d, note.source_url, computed=True)
                entries.append(_record_entry(computed))
            else:
                entries.append(
                    TimelineEntry(
                        date=None,
                        kind="record",
                        action="withdrawal_effective",
                        stage=None,
                        treaty=tr,
                        description=phrases.record_sentence(
                            "withdrawal_pending", note.state_name, tr, computed=True, reason=reason or "pending"
                        ),
                        sources=[{"source_url": note.source_url}],
                        computed=True,
                    )
                )
    for f in facts:
        if _on_timeline(f, iso3, treaty):
            entries.append(_fact_entry(f))
    return sorted(entries, key=_sort_key)


def _on_timeline(f: Fact, iso3: str, treaty: str | None) -> bool:
    if f.actor.iso3 != iso3 or str(f.predicate) in TIMELINE_SKIP_PREDICATES:
        return False
    if str(f.polarity) == Polarity.NEGATED:
        return False  # a denial is not an event
    if treaty is None:
        return True
    if f.treaty:
        return f.treaty == treaty
    return f.weapon in TREATY_WEAPONS.get(treaty, frozenset())


def _record_entry(e: Event) -> TimelineEntry:
    return TimelineEntry(
        date=e.date,
        kind="record",
        action=e.action,
        stage=None,
        treaty=e.treaty,
        description=phrases.record_sentence(e.action, e.state_name, e.treaty, computed=e.computed),
        sources=[{"source_url": e.source_url}],
        computed=e.computed,
    )


def _fact_entry(f: Fact) -> TimelineEntry:
    clause = phrases.sentence_of(f)
    when = phrases.time_phrase(f.time.start, f.time.end) if f.time else ""
    details = [d for d in (_amount(f.money, "currency"), _amount(f.quantity, "unit")) if d]
    n = f.independent_sources
    details.append(f"{n} independent source{'s' if n != 1 else ''}")
    description = f"{clause}{' ' + when if when else ''} ({'; '.join(details)})."
    undated = f.event_date is None
    return TimelineEntry(
        date=f.event_date if not undated else f.first_reported,
        kind="fact",
        action=str(f.predicate),
        stage=f.stage,
        treaty=f.treaty,
        description=description,
        sources=[{"document_id": s["document_id"], "outlet": s.get("outlet"), "url": s.get("url")} for s in f.sources],
        independent_sources=n,
        fact_id=f.id,
        undated=undated,
    )


def _amount(v: Any, dim_attr: str) -> str:
    if v is None:
        return ""
    if v.text:
        return v.text
    dim = getattr(v, dim_attr, None)
    unit = f" {dim}" if dim else ""
    if v.low is not None and v.high is not None:
        core = format_number(v.low) if v.low == v.high else f"{format_number(v.low)}–{format_number(v.high)}"
    elif v.low is not None:
        core = f"at least {format_number(v.low)}"
    elif v.high is not None:
        core = f"at most {format_number(v.high)}"
    else:
        return ""
    return core + unit


def _sort_key(e: TimelineEntry) -> tuple[Any, ...]:
    if e.kind == "fact" and e.undated:
        band = 2
    elif e.date is None:
        band = 1
    else:
        band = 0
    rank = RECORD_ACTION_ORDER.get(e.action, 9) if e.kind == "record" else STAGE_ORDER.get(e.stage or "", 5)
    return (
        band,
        e.date is None,
        e.date or date.max,
        0 if e.kind == "record" else 1,
        e.treaty or "",
        rank,
        e.fact_id or "",
        e.description,
    )
