"""The status of a state under a treaty on a date, derived from the records and the rules.

Counting practice follows the depositary and ICBL: a state is a party from the
deposit of its instrument (not from entry into force for it), withdrawing from
its notification, withdrawn from the day the withdrawal takes effect.  A
suspension notification changes nothing: neither treaty has a suspension
clause.  Where the bundled records are only partial (CCM) a state without any
record is ``unknown``, never silently ``not_party``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from minewatch.model import Status, Treaty
from minewatch.treaties.records import (
    ACTION_ORDER,
    DEPOSIT_ACTIONS,
    SCHEDULED_ACTIONS,
    Action,
    ArmedConflict,
    NotPartyRecord,
    TreatyEvent,
    load_bundled_conflicts,
    load_bundled_events,
    load_bundled_not_party,
)
from minewatch.treaties.rules import (
    engaged_in_conflict,
    entry_into_force_for_state,
    resolve_treaty,
    treaty_definition,
    withdrawal_effective_date,
)
from minewatch.treaties.states import eligible_states, is_eligible

#: Statuses that count as a State Party (a withdrawing state is bound until the withdrawal takes effect).
COUNTED_AS_PARTY = frozenset({Status.PARTY, Status.WITHDRAWING})

_DISAGREEMENT = "DISAGREEMENT"
_SENTENCE_END = re.compile(r"\.\s+(?=[A-Z]{2}|[A-Z][a-z])")


@dataclass(frozen=True)
class Suspension:
    """A notification suspending the treaty: recorded and explained, never a change of status."""

    date: date
    source_url: str
    note: str
    assessment: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "source_url": self.source_url,
            "note": self.note,
            "assessment": self.assessment,
        }


@dataclass
class StateStatus:
    iso3: str
    name: str
    treaty: Treaty
    on: date
    status: Status
    in_force_from: date | None = None
    signature: date | None = None
    deposit: date | None = None
    deposit_kind: str | None = None
    withdrawal_notification: date | None = None
    withdrawal_effective: date | None = None
    pending_reason: str | None = None
    suspension: Suspension | None = None
    notes: list[str] = field(default_factory=list)
    events: list[TreatyEvent] = field(default_factory=list)

    @property
    def counts_as_party(self) -> bool:
        return self.status in COUNTED_AS_PARTY

    def to_dict(self) -> dict[str, Any]:
        """Stable field names for the CLI, API and exports; dates as ISO strings."""
        return {
            "iso3": self.iso3,
            "name": self.name,
            "treaty": str(self.treaty),
            "on": self.on.isoformat(),
            "status": str(self.status),
            "in_force_from": _iso(self.in_force_from),
            "signature": _iso(self.signature),
            "deposit": _iso(self.deposit),
            "deposit_kind": self.deposit_kind,
            "withdrawal_notification": _iso(self.withdrawal_notification),
            "withdrawal_effective": _iso(self.withdrawal_effective),
            "pending_reason": self.pending_reason,
            "suspension": self.suspension.to_dict() if self.suspension else None,
            "notes": list(self.notes),
            "events": [
                {
                    "action": str(e.action),
                    "date": e.date.isoformat(),
                    "source_url": e.source_url,
                    "note": e.note,
                }
                for e in self.events
            ],
        }


def _disagreement(note: str) -> str:
    """The sentence of a record's note that reports a disagreement between sources (full note stays in events)."""
    tail = note[note.index(_DISAGREEMENT) :]
    m = _SENTENCE_END.search(tail)
    return tail[: m.start() + 1] if m else tail


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


class RecordIndex:
    """Records grouped by treaty and state once, so a status for every state costs one pass."""

    def __init__(
        self,
        events: Iterable[TreatyEvent] | None = None,
        conflicts: Iterable[ArmedConflict] | None = None,
        not_party: Iterable[NotPartyRecord] | None = None,
    ):
        self.events: dict[tuple[str, str], list[TreatyEvent]] = defaultdict(list)
        for e in load_bundled_events() if events is None else events:
            self.events[(str(e.treaty), e.iso3)].append(e)
        for evs in self.events.values():
            evs.sort(key=lambda e: (e.date, ACTION_ORDER[Action(e.action)]))
        self.conflicts: dict[str, list[ArmedConflict]] = defaultdict(list)
        for c in load_bundled_conflicts() if conflicts is None else conflicts:
            self.conflicts[c.iso3].append(c)
            other = c.opponent.strip().upper()
            if other != c.iso3 and is_eligible(other):
                self.conflicts[other].append(c)  # the opponent state is engaged too
        self.not_party: dict[tuple[str, str], NotPartyRecord] = {
            (str(r.treaty), r.iso3): r for r in (load_bundled_not_party() if not_party is None else not_party)
        }


def _index(
    events: Iterable[TreatyEvent] | RecordIndex | None,
    conflicts: Iterable[ArmedConflict] | None,
    not_party: Iterable[NotPartyRecord] | None,
) -> RecordIndex:
    if isinstance(events, RecordIndex):
        return events
    return RecordIndex(events, conflicts, not_party)


def _treaty(treaty: Treaty | str) -> Treaty:
    t = resolve_treaty(treaty)
    if t is None:
        raise KeyError(f"unknown treaty {treaty!r}")
    return t


def state_status(
    treaty: Treaty | str,
    iso3: str,
    on: date,
    events: Iterable[TreatyEvent] | RecordIndex | None = None,
    conflicts: Iterable[ArmedConflict] | None = None,
    not_party: Iterable[NotPartyRecord] | None = None,
) -> StateStatus:
    """Status of one state on ``on``.

    ``events``, ``conflicts`` and ``not_party`` default to the bundled records
    when ``None``; pass ``[]`` for "no records".  A prebuilt ``RecordIndex``
    may be passed as ``events`` (the other two are then ignored).
    """
    t = _treaty(treaty)
    code = iso3.upper()
    names = eligible_states()
    if code not in names:
        raise KeyError(f"{iso3!r} is not a state that can join the treaties")
    return _status(t, code, names[code], on, _index(events, conflicts, not_party))


def _status(t: Treaty, iso3: str, name: str, on: date, idx: RecordIndex) -> StateStatus:
    tdef = treaty_definition(t)
    records = idx.events.get((str(t), iso3), [])
    by: dict[Action, TreatyEvent] = {Action(e.action): e for e in records}
    st = StateStatus(iso3=iso3, name=name, treaty=t, on=on, status=Status.UNKNOWN)

    deposit = next((e for e in records if Action(e.action) in DEPOSIT_ACTIONS and e.date <= on), None)
    sig = by.get(Action.SIGNATURE)
    if sig is not None and sig.date <= on:
        st.signature = sig.date
    notif = by.get(Action.WITHDRAWAL_NOTIFICATION)
    if notif is not None and (notif.date > on or deposit is None):
        notif = None
    triggers = {
        Action.ENTRY_INTO_FORCE: deposit,
        Action.WITHDRAWAL_EFFECTIVE: notif,
    }
    st.events = [
        e
        for e in records
        if e.date <= on
        or (Action(e.action) in SCHEDULED_ACTIONS and triggers.get(Action(e.action)) is not None)
    ]
    for e in st.events:
        if _DISAGREEMENT in e.note:
            st.notes.append(f"{e.action} {e.date.isoformat()}: {_disagreement(e.note)}")

    np_rec = idx.not_party.get((str(t), iso3))
    if deposit is not None:
        st.deposit = deposit.date
        st.deposit_kind = str(deposit.action)
        st.status = Status.PARTY
        _entry_into_force(st, t, deposit, by.get(Action.ENTRY_INTO_FORCE))
        if np_rec is not None:
            st.notes.append(
                f"states_not_party lists {iso3} as {np_rec.status} ({np_rec.source_url or 'no source'}), "
                f"but the depositary records show {deposit.action} on {deposit.date.isoformat()}: records win"
            )
    elif st.signature is not None:
        st.status = Status.SIGNATORY
        if np_rec is not None and np_rec.status == "non_signatory":
            st.notes.append(
                f"states_not_party lists {iso3} as non_signatory ({np_rec.source_url or 'no source'}), "
                f"but a signature of {st.signature.isoformat()} is recorded: records win"
            )
    elif on < tdef.opened_for_signature:
        st.status = Status.NOT_PARTY
        st.notes.append(f"{t} not yet open for signature (opened {tdef.opened_for_signature.isoformat()})")
    elif np_rec is not None:
        if np_rec.status == "signatory_only":
            st.status = Status.SIGNATORY
            st.notes.append(
                f"signatory per states_not_party ({np_rec.source_url or 'no source'}); signature date not recorded"
            )
        else:
            st.status = Status.NOT_PARTY
    elif tdef.records_complete:
        st.status = Status.NOT_PARTY
    else:
        st.status = Status.UNKNOWN
        st.notes.append(f"no record for {iso3} under {t}: {tdef.records_completeness_note}")

    if notif is not None:
        _withdrawal(st, t, notif, by.get(Action.WITHDRAWAL_EFFECTIVE), idx.conflicts.get(iso3, []))

    susp = by.get(Action.SUSPENSION_NOTIFICATION)
    if susp is not None and susp.date <= on and deposit is not None:
        st.suspension = Suspension(
            date=susp.date,
            source_url=susp.source_url,
            note=susp.note,
            assessment=tdef.article("suspension").text,
        )
        for c in engaged_in_conflict(idx.conflicts.get(iso3, []), iso3, on):
            side = c.opponent if c.iso3 == iso3 else c.iso3
            st.notes.append(
                f"engaged in armed conflict with {side} since {c.start.isoformat()}: even an Art. "
                f"{tdef.article('armed_conflict_clause').article} withdrawal would not take effect before it ends"
            )
    return st


def _entry_into_force(st: StateStatus, t: Treaty, deposit: TreatyEvent, record: TreatyEvent | None) -> None:
    tdef = treaty_definition(t)
    if Action(deposit.action) == Action.SUCCESSION:
        # Succession binds from independence: only the depositary record knows that date.
        st.in_force_from = record.date if record else None
        if record is None:
            st.notes.append("succession: date of effect (independence) not recorded")
        return
    rule = entry_into_force_for_state(t, deposit.date)
    if record is None:
        st.in_force_from = rule
    else:
        st.in_force_from = record.date
        if record.date != rule:
            st.notes.append(
                f"entry_into_force record {record.date.isoformat()} differs from the Art. "
                f"{tdef.article('entry_into_force_for_state').article} date {rule.isoformat()}"
            )


def _withdrawal(
    st: StateStatus,
    t: Treaty,
    notif: TreatyEvent,
    record: TreatyEvent | None,
    conflicts: Sequence[ArmedConflict],
) -> None:
    tdef = treaty_definition(t)
    art = tdef.article("withdrawal_timing").article
    st.withdrawal_notification = notif.date
    rule, reason = withdrawal_effective_date(notif.date, conflicts, treaty=t, iso3=st.iso3)
    if record is not None:
        st.withdrawal_effective = record.date
        if rule != record.date:
            expected = rule.isoformat() if rule else "no date yet"
            st.notes.append(
                f"withdrawal_effective record {record.date.isoformat()} differs from the Art. {art} date "
                f"{expected}" + (f" ({reason})" if reason else "")
            )
    else:
        st.withdrawal_effective = rule
        if rule is None:
            st.pending_reason = reason
        elif reason:
            st.notes.append(reason)
    if st.withdrawal_effective is not None and st.on >= st.withdrawal_effective:
        st.status = Status.WITHDRAWN
    else:
        st.status = Status.WITHDRAWING
        if st.withdrawal_effective is None and st.pending_reason is None:
            st.pending_reason = reason


def all_statuses(
    treaty: Treaty | str,
    on: date,
    events: Iterable[TreatyEvent] | RecordIndex | None = None,
    conflicts: Iterable[ArmedConflict] | None = None,
    not_party: Iterable[NotPartyRecord] | None = None,
) -> list[StateStatus]:
    """Status of every eligible state (sorted by iso3); records default to the bundled ones."""
    t = _treaty(treaty)
    idx = _index(events, conflicts, not_party)
    return [_status(t, code, name, on, idx) for code, name in sorted(eligible_states().items())]


def count_parties(
    treaty: Treaty | str,
    on: date,
    events: Iterable[TreatyEvent] | RecordIndex | None = None,
    conflicts: Iterable[ArmedConflict] | None = None,
    not_party: Iterable[NotPartyRecord] | None = None,
) -> int:
    """States Parties on ``on`` as ICBL and the ISU count them: party + withdrawing."""
    return sum(s.counts_as_party for s in all_statuses(treaty, on, events, conflicts, not_party))


def party_count_timeline(
    treaty: Treaty | str,
    events: Iterable[TreatyEvent] | RecordIndex | None = None,
    conflicts: Iterable[ArmedConflict] | None = None,
    not_party: Iterable[NotPartyRecord] | None = None,
) -> list[tuple[date, int]]:
    """Every date on which the number of parties changed, with the new number (for charts and timelines)."""
    t = _treaty(treaty)
    idx = _index(events, conflicts, not_party)
    changes: dict[date, int] = defaultdict(int)
    for (tr, iso3), records in idx.events.items():
        if tr != str(t):
            continue
        deposit = next((e for e in records if Action(e.action) in DEPOSIT_ACTIONS), None)
        if deposit is None:
            continue
        changes[deposit.date] += 1
        by = {Action(e.action): e for e in records}
        notif = by.get(Action.WITHDRAWAL_NOTIFICATION)
        if notif is None:
            continue
        eff = by.get(Action.WITHDRAWAL_EFFECTIVE)
        when = (
            eff.date
            if eff
            else withdrawal_effective_date(notif.date, idx.conflicts.get(iso3, []), treaty=t, iso3=iso3)[0]
        )
        if when is not None:
            changes[when] -= 1
    out: list[tuple[date, int]] = []
    total = 0
    for d in sorted(changes):
        if changes[d] == 0:
            continue
        total += changes[d]
        out.append((d, total))
    return out


def treaty_summary(
    treaty: Treaty | str,
    on: date,
    events: Iterable[TreatyEvent] | RecordIndex | None = None,
    conflicts: Iterable[ArmedConflict] | None = None,
    not_party: Iterable[NotPartyRecord] | None = None,
) -> dict[str, Any]:
    """The treaty's rules in words and its numbers on ``on``, as a JSON-ready dict.

    Keys: treaty, name, short_name, aliases, on, opened_for_signature,
    entry_into_force, records_completeness, records_completeness_note,
    parties, parties_is_lower_bound, counts (per status), unknown, rules (one
    sentence per article, "Art. 20(3): ..."), articles (structured), withdrawing,
    withdrawn, suspended (``StateStatus.to_dict()`` each).
    """
    t = _treaty(treaty)
    tdef = treaty_definition(t)
    statuses = all_statuses(t, on, events, conflicts, not_party)
    counts = {str(s): 0 for s in Status}
    for s in statuses:
        counts[str(s.status)] += 1
    return {
        "treaty": str(t),
        "name": tdef.full_name,
        "short_name": tdef.short_name,
        "aliases": list(tdef.aliases),
        "on": on.isoformat(),
        "opened_for_signature": tdef.opened_for_signature.isoformat(),
        "entry_into_force": tdef.entry_into_force.isoformat(),
        "records_completeness": tdef.records_completeness,
        "records_completeness_note": tdef.records_completeness_note,
        "parties": sum(s.counts_as_party for s in statuses),
        "parties_is_lower_bound": not tdef.records_complete,
        "counts": counts,
        "unknown": counts[str(Status.UNKNOWN)],
        "rules": [f"Art. {a.article}: {a.text}" if a.article else a.text for a in tdef.articles.values()],
        "articles": [{"key": a.key, "article": a.article, "text": a.text} for a in tdef.articles.values()],
        "withdrawing": [s.to_dict() for s in statuses if s.status == Status.WITHDRAWING],
        "withdrawn": [s.to_dict() for s in statuses if s.status == Status.WITHDRAWN],
        "suspended": [s.to_dict() for s in statuses if s.suspension is not None],
    }


def treaty_summary_text(summary: dict[str, Any]) -> str:
    """Plain-text rendering of ``treaty_summary`` for terminals and logs."""
    bound = " (at least: records are partial)" if summary["parties_is_lower_bound"] else ""
    lines = [
        f"{summary['treaty']}: {summary['name']}",
        f"  also: {', '.join(a for a in summary['aliases'] if a != summary['treaty'])}",
        f"  opened for signature {summary['opened_for_signature']}; in force {summary['entry_into_force']}",
        f"  records: {summary['records_completeness']}. {summary['records_completeness_note']}",
        f"  States Parties on {summary['on']}: {summary['parties']}{bound}",
        "  by status: " + ", ".join(f"{k} {v}" for k, v in summary["counts"].items() if v),
    ]
    for s in summary["withdrawing"]:
        when = s["withdrawal_effective"] or s["pending_reason"]
        lines.append(
            f"  withdrawing: {s['name']} ({s['iso3']}), notified {s['withdrawal_notification']}, effective {when}"
        )
    for s in summary["withdrawn"]:
        lines.append(f"  withdrawn: {s['name']} ({s['iso3']}) from {s['withdrawal_effective']}")
    for s in summary["suspended"]:
        lines.append(
            f"  suspension notified: {s['name']} ({s['iso3']}) {s['suspension']['date']}; contested, still a party"
        )
    lines.append("  rules:")
    lines.extend(f"    {r}" for r in summary["rules"])
    return "\n".join(lines)


__all__ = [
    "COUNTED_AS_PARTY",
    "RecordIndex",
    "StateStatus",
    "Suspension",
    "all_statuses",
    "count_parties",
    "party_count_timeline",
    "state_status",
    "treaty_summary",
    "treaty_summary_text",
]
