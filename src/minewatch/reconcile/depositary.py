"""Reports checked against the depositary record and the treaties' own rules.

The depositary (the UN Secretary-General) is the authority on who signed,
joined and left; the final clauses say when each step takes effect.  A report
that disagrees with either is a ``record_contradiction``, explained with the
record's date and cited by the record's source.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from minewatch.model import TREATY_PREDICATES, Polarity, _date
from minewatch.reconcile import law, phrases
from minewatch.reconcile.base import (
    ClaimRecord,
    Value,
    active,
    confident,
    conflict_id,
    partition,
    record_order,
    stated_time,
)
from minewatch.reconcile.conflicts import Conflict, sort_conflicts, sources_label

#: Instruments by which a state consents to be bound (Art. 16).
DEPOSIT_ACTIONS = ("ratification", "acceptance", "approval", "accession", "succession")

#: Depositary actions that can confirm a loosely worded "joined in <year>" (stage as extracted → actions).
JOINING_STAGE_ACTIONS: dict[str | None, tuple[str, ...]] = {
    "signed": ("signature",),
    "ratified": ("signature", *DEPOSIT_ACTIONS, "entry_into_force"),
    "acceded": ("signature", *DEPOSIT_ACTIONS, "entry_into_force"),
    None: ("signature", *DEPOSIT_ACTIONS, "entry_into_force"),
    "in_force": ("entry_into_force",),
}
#: The action a joining claim is explained against, per stage.
JOINING_STAGE_PRIMARY: dict[str | None, tuple[str, ...]] = {
    "signed": ("signature",),
    "ratified": DEPOSIT_ACTIONS,
    "acceded": DEPOSIT_ACTIONS,
    None: DEPOSIT_ACTIONS,
    "in_force": ("entry_into_force",),
}

#: Severity per check: a report of something the record says never happened (or could not yet) is high.
CHECK_SEVERITY = {
    "joining_date": "medium",
    "joining_without_record": "high",
    "joining_only_signed": "medium",
    "withdrawal_by_non_party": "medium",
    "joining_denied": "high",
    "party_after_withdrawal": "high",
    "withdrawal_too_early": "high",
    "withdrawal_before_joining": "high",
    "withdrawal_pending": "high",
    "withdrawal_effective_date": "medium",
    "withdrawal_without_instrument": "high",
    "withdrawal_suspension_only": "medium",
    "notification_date": "medium",
    "notification_missing": "low",
}


def _ev(e: Any, name: str) -> Any:
    return e.get(name) if isinstance(e, dict) else getattr(e, name, None)


@dataclass(frozen=True)
class Event:
    """A depositary event as reconciliation reads it (``records.TreatyEvent`` or a dict with its fields)."""

    treaty: str
    iso3: str
    state_name: str
    action: str
    date: date
    source_url: str | None
    computed: bool = False

    @classmethod
    def of(cls, e: Any) -> Event | None:
        d = _date(_ev(e, "date"))
        iso3 = _ev(e, "iso3") or _ev(e, "state_iso3")
        if d is None or not iso3:
            return None
        return cls(
            treaty=str(_ev(e, "treaty")),
            iso3=str(iso3),
            state_name=_ev(e, "state_name") or str(iso3),
            action=str(_ev(e, "action")),
            date=d,
            source_url=_ev(e, "source_url"),
        )

    def as_record(self, **extra: Any) -> dict[str, Any]:
        out = {
            "treaty": self.treaty,
            "iso3": self.iso3,
            "action": self.action,
            "date": self.date.isoformat(),
            "source_url": self.source_url,
        }
        if self.computed:
            out["computed"] = True
        out.update(extra)
        return out


class StateRecord:
    """One state's depositary events for one treaty, by action, in date order."""

    def __init__(self, treaty: str, iso3: str, events: list[Event]):
        self.treaty, self.iso3 = treaty, iso3
        self.by_action: dict[str, list[Event]] = {}
        for e in sorted(events, key=lambda e: (e.date, e.action)):
            self.by_action.setdefault(e.action, []).append(e)

    def all(self, actions: Iterable[str]) -> list[Event]:
        return sorted((e for a in actions for e in self.by_action.get(a, [])), key=lambda e: (e.date, e.action))

    def first(self, actions: Iterable[str]) -> Event | None:
        evs = self.all(actions)
        return evs[0] if evs else None

    @property
    def deposits(self) -> list[Event]:
        return self.all(DEPOSIT_ACTIONS)

    @property
    def joined(self) -> bool:
        return bool(self.deposits or self.by_action.get("signature"))

    def entry_into_force(self) -> Event | None:
        """The recorded date, else Art. 17(2) applied to the first deposit."""
        rec = self.first(["entry_into_force"])
        if rec is not None:
            return rec
        dep = self.first(DEPOSIT_ACTIONS)
        if dep is None or dep.action == "succession":
            return None
        d = law.entry_into_force_for_state(self.treaty, dep.date)
        return Event(self.treaty, self.iso3, dep.state_name, "entry_into_force", d, dep.source_url, computed=True)

    def withdrawal(self, armed_conflicts: Iterable[Any], before: date | None = None) -> tuple[Event | None, Event | None, str | None]:
        """(notification, effective, reason): the latest notification up to ``before`` and when it takes effect.

        The effective event is the recorded one, else computed by Art. 20(2)
        (``None`` with a reason while an armed conflict keeps it pending, Art. 20(3)).
        """
        notes = self.all(["withdrawal_notification"])
        if not notes:
            return None, None, None
        eligible = [n for n in notes if before is None or n.date <= before] or notes[:1]
        note = eligible[-1]
        recorded = [e for e in self.all(["withdrawal_effective"]) if e.date >= note.date]
        if recorded:
            return note, recorded[0], None
        d, reason = law.withdrawal_effective_date(self.treaty, self.iso3, note.date, armed_conflicts)
        if d is None:
            return note, None, reason
        return note, Event(self.treaty, self.iso3, note.state_name, "withdrawal_effective", d, note.source_url, computed=True), reason


def index_events(events: Iterable[Any], iso3s: Iterable[str] | None = None) -> dict[tuple[str, str], StateRecord]:
    """Events per (treaty, iso3); only the states asked for, so a group costs one pass over the record."""
    wanted = set(iso3s) if iso3s is not None else None
    grouped: dict[tuple[str, str], list[Event]] = {}
    for raw in events:
        if wanted is not None and (_ev(raw, "iso3") or _ev(raw, "state_iso3")) not in wanted:
            continue  # cheap pre-filter: the store calls this once per touched fact
        e = Event.of(raw)
        if e is None or (wanted is not None and e.iso3 not in wanted):
            continue
        grouped.setdefault((e.treaty, e.iso3), []).append(e)
    return {k: StateRecord(k[0], k[1], v) for k, v in grouped.items()}


def _within(d: date, t: Value | None) -> bool:
    if t is None:
        return True
    return (t.low is None or t.low <= d) and (t.high is None or d <= t.high)


@dataclass
class _Finding:
    check: str
    record: dict[str, Any] | None
    body: str  # the "but …" half of the sentence


def record_conflicts(
    claims: list[ClaimRecord], events: list[Any], armed_conflicts: list[Any] | tuple[Any, ...] = ()
) -> list[Conflict]:
    """Treaty claims (of one actor or one fact) that the depositary record or the final clauses contradict.

    Claims are checked per distinct (fact, modality, date) and, for undated
    claims, per publication date; conflicting reports of one check against one
    record become one conflict, so its id does not depend on how the store
    grouped the claims.
    """
    recs = [
        r
        for r in confident(claims)
        if attributable(r) and not states_the_rule(r) and str(r.claim.predicate) in TREATY_PREDICATES and r.claim.actor.iso3 and r.claim.treaty
    ]
    counts = party_count_conflicts(claims, events, armed_conflicts) + rule_conflicts(claims)
    if not recs:
        return counts
    index = index_events(events, {r.claim.actor.iso3 for r in recs if r.claim.actor.iso3})
    found: dict[tuple[Any, ...], tuple[_Finding, list[ClaimRecord]]] = {}

    def time_key(r: ClaimRecord) -> Any:
        t = stated_time(r.claim)
        return t.key if t else None

    groups = partition(recs, lambda r: (r.fact_id, str(r.claim.modality), time_key(r), r.published if time_key(r) is None else None))
    for (fid, modality, _, _), grecs in sorted(groups.items(), key=lambda kv: repr(kv[0])):
        rep = grecs[0]
        claim = rep.claim
        state = index.get((str(claim.treaty), str(claim.actor.iso3))) or StateRecord(str(claim.treaty), str(claim.actor.iso3), [])
        for f in _check(rep, state, armed_conflicts):
            rid = repr(sorted((f.record or {}).items()))
            # one disagreement with the record, however many dates the reports give for it
            entry = found.setdefault((fid, modality, f.check, rid), (f, []))
            entry[1].extend(grecs)
    out = []
    for (fid, modality, check, rid), (f, grecs) in sorted(found.items(), key=lambda kv: repr(kv[0])):
        grecs = sorted(grecs, key=record_order)
        claim = grecs[0].claim
        negated = str(claim.polarity) == Polarity.NEGATED
        by_time = partition(grecs, time_key)
        said = []
        for i, (_, trecs) in enumerate(sorted(by_time.items(), key=lambda kv: record_order(kv[1][0]))):
            ndocs = len({r.document_id for r in trecs})
            verb = ("denies" if negated else "reports") if ndocs == 1 else ("deny" if negated else "report")
            what = _clause(trecs[0]) if i == 0 else (_when(trecs[0]) or "so")
            said.append(f"{sources_label(trecs)} {verb} {'that ' if i == 0 else ''}{what}")
        agree = _agreeing(recs, fid, f.record, {r.claim_id for r in grecs})
        explanation = f"{', and '.join(said)}, but {f.body}{agree}."
        out.append(
            Conflict(
                id=conflict_id("record_contradiction", check, fid, modality, rid),
                kind="record_contradiction",
                severity=CHECK_SEVERITY[check],
                actor_iso3=claim.actor.iso3,
                fact_id=fid,
                claim_ids=sorted({r.claim_id for r in grecs}),
                record=f.record,
                explanation=explanation,
                detail={"check": check, "dates": [_when(trecs[0]) for _, trecs in sorted(by_time.items(), key=repr)]},
            )
        )
    out.extend(counts)
    return sort_conflicts(out)


# --- counts of States Parties ---------------------------------------------------------------------


def parties_on(
    treaty: str, day: date, events: Iterable[Any], armed_conflicts: Iterable[Any] = (),
    index: dict[tuple[str, str], StateRecord] | None = None,
) -> int:
    """How many states the record has as parties on ``day``: an instrument deposited by then,
    and no withdrawal in effect by then."""
    n = 0
    for (t, _), state in (index if index is not None else index_events(events)).items():
        if t != treaty:
            continue
        dep = state.first(DEPOSIT_ACTIONS)
        if dep is None or dep.date > day:
            continue
        _, effective, _ = state.withdrawal(armed_conflicts, before=day)
        if effective is not None and effective.date <= day:
            continue
        n += 1
    return n


def _count_day(r: ClaimRecord) -> date | None:
    """The day a count speaks of: the day it is told for ("as of March 2024"), else its publication,
    else the date its address gives."""
    t = r.claim.time
    if t is not None and t.basis == "stated" and t.start is not None and t.start == t.end:
        return t.start
    if r.published is not None:
        return r.published
    return t.start if t is not None and t.start is not None and t.start == t.end else None


def party_count_conflicts(
    claims: list[ClaimRecord], events: list[Any], armed_conflicts: list[Any] | tuple[Any, ...] = ()
) -> list[Conflict]:
    """Articles' counts of States Parties that the record's count on their day excludes.

    One conflict per treaty and record count: the copies that say 164 and the
    ones that say 163 on a day the record counts 165 are one disagreement with
    the record, listed figure by figure.
    """
    # lazy: the extraction lexicons compile ~0.1 s of patterns; the store imports reconcile at CLI start-up
    from minewatch.extract.partycounts import is_party_count

    recs = [r for r in confident(claims) if is_party_count(r.claim) and r.claim.treaty]
    if not recs:
        return []
    index = index_events(events)
    counted: dict[tuple[str, date], int] = {}
    found: dict[tuple[str, int], list[tuple[ClaimRecord, date]]] = {}
    for r in recs:
        day = _count_day(r)
        treaty = str(r.claim.treaty)
        if day is None or not law.records_complete(treaty):
            continue
        if (treaty, day) not in counted:
            counted[(treaty, day)] = parties_on(treaty, day, events, armed_conflicts, index)
        n = counted[(treaty, day)]
        q = r.claim.quantity
        if q is None or n == 0 or ((q.low is None or q.low <= n) and (q.high is None or n <= q.high)):
            continue
        found.setdefault((treaty, n), []).append((r, day))
    out = []
    for (treaty, n), items in sorted(found.items()):
        items.sort(key=lambda x: record_order(x[0]))
        by_figure: dict[Any, list[ClaimRecord]] = {}
        for r, _ in items:
            q = r.claim.quantity
            by_figure.setdefault((q.low, q.high), []).append(r)  # type: ignore[union-attr]
        said = []
        for figure_recs in by_figure.values():
            q = figure_recs[0].claim.quantity
            verb = "says" if len({r.document_id for r in figure_recs}) == 1 else "say"
            said.append(f"{sources_label(figure_recs)} {verb} '{q.text or q.low}'")  # type: ignore[union-attr]
        days = sorted({d for _, d in items})
        when = f"on {days[0].isoformat()}" if len(days) == 1 else "on the days they were written"
        listed = said[0] if len(said) == 1 else ", ".join(said[:-1]) + " and " + said[-1]
        explanation = (
            f"On the States Parties of {phrases.treaty_name(treaty)}, {listed}, but the depositary record "
            f"counts {n} {when}."
        )
        record = {"treaty": treaty, "iso3": None, "action": "states_parties", "date": days[-1].isoformat(),
                  "count": n, "source_url": None, "computed": True}
        out.append(
            Conflict(
                id=conflict_id("record_contradiction", "party_count", treaty, n),
                kind="record_contradiction",
                severity="medium",
                actor_iso3=None,
                fact_id=items[0][0].fact_id,
                claim_ids=sorted({r.claim_id for r, _ in items}),
                record=record,
                explanation=explanation,
                detail={"check": "party_count", "count": n, "days": [d.isoformat() for d in days],
                        "figures": [[lo, hi] for lo, hi in by_figure]},
            )
        )
    return out


#: "a state that is not a signatory", "countries which have not joined": a status told of a
#: noun, not of the state the claim names.
_DESCRIBED_STATUS = re.compile(
    r"\b(?:states?|countr(?:y|ies)|nations?|powers?|members?|governments?)\s*,?\s+(?:that|which|who)\s+"
    r"(?:is|are|was|were|has|have|had)\s+(?:(?:not|never|yet|also|already)\s+)*(?:a\s+|an\s+)?"
    r"(?:signator|part(?:y|ies)\b|members?\b|ratified|signed|joined|acceded)",
    re.IGNORECASE,
)


def attributable(r: ClaimRecord) -> bool:
    """Whether the claim's actor is surely the one its evidence speaks of, as a check against the
    record needs: the sentence names the state (by name, capital, people, or as one of a named
    group), and does not tell the status of an unnamed state or country in a relative clause.
    A claim whose state comes from "they" or "the Baltic country" is kept, but not held against
    the record.  Without loaded evidence nothing can be told, and the claim counts as attributable.
    """
    if not r.claim.evidence or r.claim.actor.iso3 is None:
        return True
    # lazy: the actor lexicons (~0.1 s of patterns), as for is_party_count above
    from minewatch.extract.actors import find_actor_mentions

    iso3 = r.claim.actor.iso3
    if r.claim.stage in ("notified", "effective") and all(_DOMESTIC_ACT.search(ev.text) for ev in r.claim.evidence):
        return False  # "signed a decree officially withdrawing Ukraine": a decision at home, not the step abroad
    for ev in r.claim.evidence:
        text = _DATELINE_HEAD.sub("", ev.text, count=1)  # "MOSCOW, March 20. /TASS/." names no actor
        if str(r.claim.predicate) == "treaty_joining" and _DESCRIBED_STATUS.search(text):
            continue
        mentions = [m for m in find_actor_mentions(text) if m.actors]
        own = [m for m in mentions if any(a.iso3 == iso3 for a in m.actors)]
        others = [m for m in mentions if m.kind != "adjective" and not any(a.iso3 == iso3 for a in m.actors)]
        # "…, Poland and the Baltic States are showing…, said the Russian ministry's spokeswoman": when
        # other states are named outright, the actor's ministry or spokesman is who speaks, not who acts
        if any(m.kind != "adjective" for m in own) or (own and not others):
            return True
    return False


#: A decree, law or bill that "withdraws" the state: what it reports is the decision or the vote.
_DOMESTIC_ACT = re.compile(
    r"\b(?:decree|law|bill|resolution|ordinance)\b[^.;]{0,40}?\b(?:withdraw|leav|exit|denounc|pull)\w*", re.IGNORECASE)

_DATELINE_HEAD = re.compile(
    r"\A\s*\(?[A-Z][\w'’.-]*(?:[ -][A-Z][\w'’.-]*){0,3},?\s+(?:\d{1,2}\s+[A-Z][a-z]+|[A-Z][a-z]+\.?\s+\d{1,2})"
    r"(?:,?\s+\d{4})?\.?\s*(?:/[^/]{1,20}/\.?|\([^)]{1,30}\))?\s*[-–—:]?\s*"
)


def _when(r: ClaimRecord) -> str:
    t = stated_time(r.claim)
    return phrases.time_phrase(t.low, t.high) if t else ""


def _agreeing(recs: list[ClaimRecord], fid: str, record: dict[str, Any] | None, taken: set[str]) -> str:
    """", as old.apminebanconvention.org does": reports of the same fact that give the record's date."""
    day = _date((record or {}).get("date"))
    if day is None:
        return ""
    same = [r for r in recs if r.fact_id == fid and r.claim_id not in taken
            and (t := stated_time(r.claim)) is not None and _within(day, t)]
    if not same:
        return ""
    verb = "does" if len({r.document_id for r in same}) == 1 else "do"
    return f", as {sources_label(sorted(same, key=record_order))} {verb}"


def _clause(r: ClaimRecord) -> str:
    """What the report says (or denies), e.g. "Finland joined the Mine Ban Treaty in 2011"."""
    c = r.claim
    when = _when(r)
    when = f" {when}" if when else ""
    return f"{phrases.sentence_of(c)}{when}"


def _check(r: ClaimRecord, state: StateRecord, armed_conflicts: Iterable[Any]) -> list[_Finding]:
    if str(r.claim.predicate) == "treaty_joining":
        return _check_joining(r, state, armed_conflicts)
    return _check_withdrawal(r, state, armed_conflicts)


def _state_name(r: ClaimRecord, state: StateRecord) -> str:
    for evs in state.by_action.values():
        return evs[0].state_name
    return r.claim.actor.name or state.iso3


def _check_joining(r: ClaimRecord, state: StateRecord, armed_conflicts: Iterable[Any]) -> list[_Finding]:
    c = r.claim
    treaty = phrases.treaty_name(state.treaty)
    name = _state_name(r, state)
    t = stated_time(c)
    modality = str(c.modality)
    stage = c.stage if c.stage in JOINING_STAGE_ACTIONS else None
    out: list[_Finding] = []

    if str(c.polarity) == Polarity.NEGATED:
        if modality != "actual":
            return out
        ref = t.high if t else r.published
        joined = state.first(("signature",) if stage == "signed" else DEPOSIT_ACTIONS)
        if joined is None or (ref is not None and joined.date > ref):
            return out
        _, effective, _ = state.withdrawal(armed_conflicts, before=ref)
        if effective is not None and ref is not None and effective.date <= ref:
            return out  # it has left: "not a party" is true by then
        noun = phrases.RECORD_NOUNS.get(joined.action, joined.action)
        out.append(
            _Finding(
                "joining_denied",
                joined.as_record(),
                f"the depositary record has {phrases.possessive(name)} {noun} dated {joined.date.isoformat()}",
            )
        )
        return out

    if modality == "considered":
        return out
    if modality == "actual" and not state.joined and law.records_complete(state.treaty):
        out.append(
            _Finding(
                "joining_without_record",
                {"treaty": state.treaty, "iso3": state.iso3, "action": None, "date": None, "source_url": None},
                f"the depositary record of {treaty} holds no signature or instrument of {name}",
            )
        )
        return out
    signature = state.first(["signature"])
    if (
        modality == "actual"
        and stage in ("ratified", "acceded", "in_force")
        and signature is not None
        and not state.deposits
        and law.records_complete(state.treaty)
    ):
        out.append(
            _Finding(
                "joining_only_signed",
                signature.as_record(),
                f"the depositary record has {phrases.possessive(name)} signature of {signature.date.isoformat()} "
                f"and no instrument of ratification or accession",
            )
        )
        return out
    # "X is (still) a party", dated by its publication: a statement of status, not an accession on that day.
    present = t is None or (r.published is not None and t.low == t.high == r.published)
    if t is not None and not present:
        accepted = [e.date for e in state.all(JOINING_STAGE_ACTIONS[stage])]
        eif = state.entry_into_force() if stage in (None, "in_force", "ratified", "acceded") else None
        if eif is not None and eif.computed:
            accepted.append(eif.date)
        primary = eif if stage == "in_force" else state.first(JOINING_STAGE_PRIMARY[stage])
        if primary is not None and accepted and not any(_within(d, t) for d in accepted):
            noun = phrases.RECORD_NOUNS.get(primary.action, primary.action)
            how = "computed under Art. 17(2) as" if primary.computed else "dated"
            verb = "deposited on" if primary.action in DEPOSIT_ACTIONS else f"{how}"
            out.append(
                _Finding(
                    "joining_date",
                    primary.as_record(),
                    f"the depositary record has {phrases.possessive(name)} {noun} {verb} {primary.date.isoformat()}",
                )
            )
    # A report that the state is a party (a status: no stage or in force), or that it joined on a
    # date after its withdrawal took effect.  An undated "X acceded"/"X ratified" in a later article
    # tells the past ("Latvia, which acceded to the treaty, left it in December"), not a status.
    status = stage in (None, "in_force")
    if modality == "actual" and stage in (None, "ratified", "acceded", "in_force") and (status or not present):
        ref = r.published if present else (t.low if t and t.low else None)
        if ref is not None:
            _, effective, _ = state.withdrawal(armed_conflicts, before=ref)
            rejoined = [d for d in state.deposits if effective is not None and d.date > effective.date]
            if effective is not None and effective.date <= ref and not rejoined:
                how = "took" if not effective.computed else "took (by Art. 20(2))"
                out.append(
                    _Finding(
                        "party_after_withdrawal",
                        effective.as_record(),
                        f"{phrases.possessive(name)} withdrawal from {treaty} {how} effect on {effective.date.isoformat()}",
                    )
                )
    return out


def _check_withdrawal(r: ClaimRecord, state: StateRecord, armed_conflicts: Iterable[Any]) -> list[_Finding]:
    c = r.claim
    out: list[_Finding] = []
    if str(c.polarity) == Polarity.NEGATED:
        return out
    modality = str(c.modality)
    if not state.deposits and law.records_complete(state.treaty) and modality != "considered":
        out.append(
            _Finding(
                "withdrawal_by_non_party",
                {"treaty": state.treaty, "iso3": state.iso3, "action": None, "date": None, "source_url": None},
                f"the depositary record of {phrases.treaty_name(state.treaty)} holds no instrument by which "
                f"{_state_name(r, state)} joined it",
            )
        )
        return out
    t = stated_time(c)
    joined = state.first(("signature", *DEPOSIT_ACTIONS))
    if modality != "considered" and t is not None and t.high is not None and joined is not None and t.high < joined.date:
        noun = phrases.RECORD_NOUNS.get(joined.action, joined.action)
        out.append(
            _Finding(
                "withdrawal_before_joining",
                joined.as_record(),
                f"the depositary record has {phrases.possessive(_state_name(r, state))} {noun} dated "
                f"{joined.date.isoformat()}: a state cannot withdraw before it has joined",
            )
        )
        return out
    if c.stage not in ("notified", "effective"):
        return out
    if modality == "considered" or (c.stage == "notified" and modality != "actual"):
        return out
    treaty = phrases.treaty_name(state.treaty)
    name = _state_name(r, state)
    t = stated_time(c)
    suspension = state.first(["suspension_notification"])
    ref = (t.high if t else None) or r.published
    note, effective, reason = state.withdrawal(armed_conflicts, before=ref)

    if note is None:
        if modality != "actual":
            return out
        if suspension is not None:
            if any(phrases.SUSPENDING.search(e.text) for e in c.evidence):
                return out  # "told the UN it is suspending the treaty": what the record holds
            out.append(
                _Finding(
                    "withdrawal_suspension_only",
                    suspension.as_record(),
                    f"the depositary record holds no instrument of withdrawal from {treaty}, only a notification "
                    f"of suspension received on {suspension.date.isoformat()}, which the treaty does not provide for",
                )
            )
        elif law.records_complete(state.treaty):
            check = "notification_missing" if c.stage == "notified" else "withdrawal_without_instrument"
            out.append(
                _Finding(
                    check,
                    {"treaty": state.treaty, "iso3": state.iso3, "action": "withdrawal_notification", "date": None, "source_url": None},
                    f"the depositary record holds no instrument of withdrawal of {name} from {treaty}",
                )
            )
        return out

    if c.stage == "notified":
        notes = state.all(["withdrawal_notification"])
        if t is not None and not any(_within(n.date, t) for n in notes):
            out.append(
                _Finding(
                    "notification_date",
                    note.as_record(),
                    f"the depositary received {phrases.possessive(name)} instrument of withdrawal on {note.date.isoformat()}",
                )
            )
        return out

    # stage effective
    received = f"the depositary received the instrument on {note.date.isoformat()}"
    if effective is None:
        if t is not None or modality == "actual":
            out.append(
                _Finding(
                    "withdrawal_pending",
                    note.as_record(effective_by_rules=None, reason=reason),
                    f"{received} and the withdrawal cannot take effect yet ({reason})",
                )
            )
        return out
    rule_record = note.as_record(effective_by_rules=effective.date.isoformat())
    if t is not None:
        earliest = effective.date if effective.computed else law.withdrawal_effective_date(
            state.treaty, state.iso3, note.date, armed_conflicts
        )[0] or effective.date
        if t.high is not None and t.high < earliest:
            out.append(
                _Finding(
                    "withdrawal_too_early",
                    note.as_record(effective_by_rules=earliest.isoformat()),
                    f"{received}, so under Art. 20(2) it could not take effect before {earliest.isoformat()}",
                )
            )
        elif not _within(effective.date, t):
            if effective.computed:
                body = f"{received}, so under Art. 20(2) it takes effect on {effective.date.isoformat()}"
                record = rule_record
            else:
                body = f"the record has it taking effect on {effective.date.isoformat()}"
                record = effective.as_record()
            out.append(_Finding("withdrawal_effective_date", record, body))
    elif modality == "actual" and r.published is not None and r.published < effective.date:
        out.append(
            _Finding(
                "withdrawal_too_early",
                rule_record,
                f"it was published on {r.published.isoformat()}, and {received}, so the withdrawal "
                f"could not take effect before {effective.date.isoformat()}",
            )
        )
    return out


# --- statements of the treaty's rules -------------------------------------------------------------

#: "takes effect six months after parliamentary approval": when a withdrawal takes effect, as told.
_RULE = re.compile(
    r"\b(?:take|takes|took|taking|come|comes|came|enter|enters|entered|become|becomes)\s+(?:into\s+)?"
    r"(?:effect|force|effective)\s+(?P<n>six|6|three|3|twelve|12|nine|9|a|one)\s+(?P<unit>months?|years?)\s+"
    r"(?:after|from|following)\s+(?P<anchor>[^,.;]{3,80})",
    re.IGNORECASE,
)
#: What Art. 20(2) counts the six months from: the depositary's receipt of the instrument.
_RIGHT_ANCHOR = re.compile(r"\b(?:notif\w*|instrument|depositar\w*|deposit\w*|secretary|united\s+nations|un\b|receiv\w*|"
                           r"informing|inform\w*)", re.IGNORECASE)
_WRONG_ANCHOR = re.compile(r"\b(?:parliament\w*|approv\w*|vote\w*|ratif\w*|law|bill|decision|decree|sign\w*|adopt\w*|"
                           r"announc\w*|referendum|government)\b", re.IGNORECASE)


def states_the_rule(r: ClaimRecord) -> bool:
    """Whether the claim's sentences tell how a withdrawal takes effect ("takes effect six months
    after …"): a statement of the rule, checked as such (``rule_conflicts``), not an act to check
    against the record."""
    return bool(r.claim.evidence) and all(_RULE.search(ev.text) for ev in r.claim.evidence)


def rule_statement_error(sentence: str) -> tuple[str, str] | None:
    """The wording and the error of a sentence that misstates when a withdrawal takes effect
    (Art. 20(2): six months after the depositary receives the instrument), else ``None``."""
    m = _RULE.search(sentence)
    if m is None:
        return None
    n, unit = m.group("n").lower(), m.group("unit").lower()
    anchor = " ".join(m.group("anchor").split()[:6])
    six = n in ("six", "6") and unit.startswith("month")
    head = " ".join(anchor.split()[:3])
    if _WRONG_ANCHOR.search(head) and not _RIGHT_ANCHOR.search(head):
        return m.group(0).strip(), f"counts the period from {anchor}"
    if not six and _RIGHT_ANCHOR.search(anchor):
        return m.group(0).strip(), f"gives {n} {unit}"
    return None


def rule_conflicts(claims: list[ClaimRecord]) -> list[Conflict]:
    """Withdrawal claims whose sentence misstates the rule of Art. 20(2) (evidence must be loaded).

    Rule statements are told in generic sentences the extractor is rightly
    unsure of as acts, so any active claim's sentence counts; copies giving one
    wording are one conflict.
    """
    found: dict[tuple[str, str], tuple[str, list[ClaimRecord]]] = {}
    for r in active(claims):
        c = r.claim
        if str(c.predicate) != "treaty_withdrawal" or not c.treaty or not law.records_complete(str(c.treaty)):
            continue
        for ev in c.evidence:
            err = rule_statement_error(ev.text)
            if err is not None:
                found.setdefault((str(c.treaty), err[0].lower()), (err[1], []))[1].append(r)
                break
    out = []
    for (treaty, wording), (error, recs) in sorted(found.items()):
        recs = sorted(recs, key=record_order)
        verb = "says" if len({r.document_id for r in recs}) == 1 else "say"
        explanation = (
            f"{sources_label(recs)} {verb} that a withdrawal '{wording}', which {error}, but Art. 20(2) of "
            f"{phrases.treaty_name(treaty)} has it take effect six months after the depositary receives the "
            f"instrument of withdrawal."
        )
        out.append(Conflict(
            id=conflict_id("record_contradiction", "withdrawal_rule", treaty, wording),
            kind="record_contradiction",
            severity="medium",
            actor_iso3=recs[0].claim.actor.iso3,
            fact_id=recs[0].fact_id,
            claim_ids=sorted({r.claim_id for r in recs}),
            record={"treaty": treaty, "iso3": None, "action": "rule", "article": "20(2)", "date": None, "source_url": None},
            explanation=explanation,
            detail={"check": "withdrawal_rule", "wording": wording, "error": error},
        ))
    return out
