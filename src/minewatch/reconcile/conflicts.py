"""Conflicts between reports: disagreeing figures and disagreeing modality.

Comparisons run over *distinct values* (and distinct per-document value sets
for stories), never over all pairs of claims, so a fact reported by ten
thousand copies costs what the handful of distinct figures costs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from itertools import combinations
from typing import Any

from minewatch.model import MODALITY_STRENGTH, Polarity, short_hash
from minewatch.reconcile import phrases, summary
from minewatch.reconcile.base import (
    ClaimRecord,
    Value,
    active,
    comparable,
    confident,
    conflict_id,
    harmonise_dims,
    modality_class,
    overlaps,
    partition,
    record_order,
    value_of,
    value_text,
)

#: Predicates whose figures change over time: compared only for the same period (or copies of one story).
TIME_BOUND_PREDICATES = frozenset({"stockpile", "casualties", "clearance", "destruction"})

#: One-off events: two different dates for them contradict each other.  Recurring
#: activities (production, transfers) can truly happen at several times.
TIME_EVENT_PREDICATES = frozenset({"treaty_withdrawal", "treaty_joining"})

#: Stages that happen once per state and treaty.  Proposals and decisions recur
#: (a ministers' recommendation, then a cabinet's, then a bill), so their dates
#: differing is no contradiction.
ONE_OFF_STAGES = frozenset({"notified", "effective", "signed", "ratified", "acceded", "in_force"})

#: Recurring activities whose *planned* reports are dated by when they start ("to start
#: production in 2026"): two dates for one plan disagree.
START_DATED_PREDICATES = frozenset({"production", "procurement"})
START_WORDS = re.compile(r"\b(?:start|begin|began|begun|launch|commenc|kick\s+off|get\s+under\s+way)\w*", re.IGNORECASE)

#: Counts that sources measure differently (killed, injured, all casualties; a region or the
#: country): compared only between copies of one story.
STORY_ONLY_PREDICATES = frozenset({"casualties"})

#: Within one story, predicates that copies use for the same figure (per value field).
STORY_FAMILIES: dict[str, dict[str, str]] = {
    "money": {"production": "spending", "procurement": "spending", "stockpile": "spending"},
    "quantity": {"production": "production_or_procurement", "procurement": "production_or_procurement"},
}
FAMILY_NOUNS = {"production_or_procurement": "production or purchase of {weapon}"}

#: Reports of one fact as done and as still planned within this many days are of the same period.
DRIFT_WINDOW_DAYS = 31

#: Stages whose "planned" and "done" say the same: announcing a plan to withdraw is the proposal.
DRIFT_FREE_STAGES = frozenset({"proposed", "decided"})

#: Beyond this many distinct values, each is compared with the best-supported one only.
MAX_PAIRWISE_VALUES = 16

SEVERITY = {
    ("value_contradiction", "same_story"): "high",
    ("value_contradiction", "across_stories"): "medium",
    ("modality_drift", "same_story"): "high",
    ("modality_drift", "overlapping"): "medium",
    ("modality_drift", "progression"): "low",
}
SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}


@dataclass
class Conflict:
    id: str
    kind: str  # value_contradiction | modality_drift | record_contradiction
    severity: str  # high | medium | low
    actor_iso3: str | None
    fact_id: str | None
    claim_ids: list[str]
    record: dict[str, Any] | None
    explanation: str
    story_id: str | None = None
    #: The detail the explanation is written from (field, values, check), for APIs and reviewers.
    detail: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "severity": self.severity,
            "actor_iso3": self.actor_iso3,
            "fact_id": self.fact_id,
            "story_id": self.story_id,
            "claim_ids": list(self.claim_ids),
            "record": dict(self.record) if self.record else None,
            "explanation": self.explanation,
            "detail": dict(self.detail),
        }


def sort_conflicts(conflicts: Iterable[Conflict]) -> list[Conflict]:
    return sorted(conflicts, key=lambda c: (SEVERITY_ORDER.get(c.severity, 9), c.id))


# --- helpers ------------------------------------------------------------------------------------


@dataclass
class _Group:
    """Reports that give one distinct value (same unit, same range, same period when that matters)."""

    value: Value
    period: Value | None
    measure: str | None = None  # what a casualty figure counts (``casualty_measure``)
    recs: list[ClaimRecord] = field(default_factory=list)

    @property
    def docs(self) -> set[str]:
        return {r.document_id for r in self.recs}

    @property
    def stories(self) -> set[str]:
        return {r.story_key for r in self.recs}


def sources_label(recs: list[ClaimRecord]) -> str:
    """"The Gaze" or "The Gaze and 3 more": the earliest report names the group."""
    docs: dict[str, ClaimRecord] = {}
    for r in sorted(recs, key=record_order):
        docs.setdefault(r.document_id, r)
    first = next(iter(docs.values()))
    more = len(docs) - 1
    return first.label + (f" and {more} more" if more else "")


def _agency(recs: list[ClaimRecord]) -> str:
    """The wire agency all these copies carry, when they name exactly one."""
    sets = [set(r.via) for r in recs if r.via]
    if not sets:
        return ""
    common = set.intersection(*sets)
    return f"{sorted(common)[0]} " if len(common) == 1 else ""


def _strongest(recs: list[ClaimRecord]) -> str:
    return str(max((r.claim.modality for r in recs), key=lambda m: MODALITY_STRENGTH.get(str(m), 0)))  # type: ignore[call-overload]


def _copies_phrase(recs: list[ClaimRecord]) -> str:
    n = len({r.document_id for r in recs})
    return f"{'Two copies' if n == 2 else 'Copies'} of one {_agency(recs)}story"


def _pairs(items: list[Any]) -> list[tuple[Any, Any]]:
    if len(items) <= MAX_PAIRWISE_VALUES:
        return list(combinations(items, 2))
    return [(items[0], other) for other in items[1:]]


def _names(claim: Any) -> dict[str, Any]:
    return {
        "actor": claim.actor.name or claim.actor.key,
        "weapon": phrases.weapon_name(claim.weapon),
        "counterpart": claim.counterpart.name if claim.counterpart else None,
        "treaty": claim.treaty,
        "stage": claim.stage,
    }


def _fields_for(predicate: str, stage: str | None = None, mclass: str = "actual") -> tuple[str, ...]:
    if predicate in TIME_EVENT_PREDICATES and (stage is None or stage in ONE_OFF_STAGES):
        return ("quantity", "money", "time")
    if predicate in START_DATED_PREDICATES and mclass == "prospective":
        return ("quantity", "money", "time")
    return ("quantity", "money")


def family_key(claim: Any) -> str:
    """The fact key without the weapon: one sentence about "anti-tank and anti-personnel mines"
    gives one claim per weapon, and one figure they share is one disagreement."""
    return "v-" + short_hash(*_act(claim), str(claim.polarity))


def _act(claim: Any) -> tuple[Any, ...]:
    """Who does what under which treaty to whom: what a family and a dispute key share."""
    return (claim.actor.key, str(claim.predicate), claim.stage, claim.treaty,
            claim.counterpart.key if claim.counterpart else None)


def _record_decides(claim: Any, states: set[tuple[str, str]] | None) -> bool:
    """A treaty step's date that the depositary record holds is checked against the record
    (``record_conflicts``), which says which report is right: no second conflict between the reports."""
    return (
        states is not None
        and str(claim.predicate) in TIME_EVENT_PREDICATES
        and (str(claim.treaty), str(claim.actor.iso3)) in states
    )


# --- value contradictions within one fact -------------------------------------------------------


def value_conflicts(claims: list[ClaimRecord], events: Iterable[Any] | None = None) -> list[Conflict]:
    """Reports of one fact whose quantity, money or date ranges cannot both be true.

    Plans are compared with plans and accomplished facts with accomplished
    facts ("plans to spend 100 M" and "has spent 5 M so far" do not
    contradict).  Figures that change over time (stocks) are only compared
    for the same period, or between copies of one story; casualty counts
    only between copies of one story (sources count different things).
    Only confident claims take part.  Facts that differ only in weapon and
    share their disagreeing figures in the same documents are one conflict.
    With ``events`` (the depositary record), dates of treaty steps the record
    holds are left to ``record_conflicts``.
    """
    states = None
    if events is not None:
        states = set()
        for e in events:
            iso3 = (e.get("iso3") or e.get("state_iso3")) if isinstance(e, dict) else (
                getattr(e, "iso3", None) or getattr(e, "state_iso3", None))
            treaty = e.get("treaty") if isinstance(e, dict) else getattr(e, "treaty", None)
            if iso3 and treaty:
                states.add((str(treaty), str(iso3)))
    found: list[_Found] = []
    # counts of parties are checked against the record, not here
    # lazy: the extraction lexicons compile ~0.1 s of patterns; the store imports reconcile at CLI start-up
    from minewatch.extract.partycounts import is_party_count

    for fid, recs in sorted(partition(confident(claims), lambda r: r.fact_id).items()):
        recs = [r for r in recs if not is_party_count(r.claim)]
        if not recs:
            continue
        predicate = str(recs[0].claim.predicate)
        for mclass, crecs in sorted(partition(recs, lambda r: modality_class(r.claim.modality)).items()):
            for fname in _fields_for(predicate, recs[0].claim.stage, mclass):
                if fname == "time" and _record_decides(recs[0].claim, states):
                    continue
                f = _fact_value_conflicts(fid, fname, mclass, crecs)
                if f is not None:
                    found.append(f)
    return sort_conflicts(_value_conflict(group) for group in _shared_figures(found))


@dataclass
class _Found:
    """One fact's disagreeing values in one field (before facts sharing their figures are joined)."""

    fid: str
    family: str
    fname: str
    mclass: str
    groups: list[_Group]
    same_story: bool

    @property
    def figures(self) -> set[tuple[str, Any]]:
        """(document, value) pairs: the same figure in the same article, whatever the weapon."""
        return {(r.document_id, g.value.key[1:]) for g in self.groups for r in g.recs}


def _shared_figures(found: list[_Found]) -> list[list[_Found]]:
    """Join conflicts of one family and field whose both sides are the same figures in the same articles."""
    parent = list(range(len(found)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in combinations(range(len(found)), 2):
        a, b = found[i], found[j]
        if (a.family, a.fname, a.mclass) != (b.family, b.fname, b.mclass):
            continue
        shared = a.figures & b.figures
        if len({v for _, v in shared}) >= 2:
            parent[root(j)] = root(i)
    out: dict[int, list[_Found]] = {}
    for i, f in enumerate(found):
        out.setdefault(root(i), []).append(f)
    return list(out.values())


_KILLED = re.compile(r"\b(?:kill\w*|dead|deaths?|died|fatalit\w*|lives)\b", re.IGNORECASE)
_INJURED = re.compile(r"\b(?:injur\w*|wounded|maimed|hurt)\b", re.IGNORECASE)


def casualty_measure(text: str | None) -> str:
    """What a casualty figure counts, as its words say: ``killed``, ``injured`` or ``all`` (casualties,
    victims, or not said).  Figures of different measures are never compared."""
    killed, injured = bool(_KILLED.search(text or "")), bool(_INJURED.search(text or ""))
    if killed and not injured:
        return "killed"
    if injured and not killed:
        return "injured"
    return "all"


def starts_on(claim: Any) -> bool:
    """Whether the claim's date is when a planned activity *starts* ("to start production in 2026"):
    its evidence (when loaded) puts a start word and the date in one sentence."""
    t = claim.time
    if t is None or not t.text:
        return False
    return any(t.text in ev.text and START_WORDS.search(ev.text) for ev in claim.evidence)


def _fact_value_conflicts(fid: str, fname: str, mclass: str, recs: list[ClaimRecord]) -> _Found | None:
    if fname == "time" and str(recs[0].claim.predicate) in START_DATED_PREDICATES:
        recs = [r for r in recs if starts_on(r.claim)]
    items = [(r, v) for r in recs if (v := value_of(r.claim, fname)) is not None]
    if len(items) < 2:
        return None
    values = harmonise_dims([v for _, v in items])
    casualties = fname == "quantity" and str(recs[0].claim.predicate) == "casualties"
    predicate = str(recs[0].claim.predicate)
    time_bound = fname != "time" and predicate in TIME_BOUND_PREDICATES
    story_only = fname != "time" and predicate in STORY_ONLY_PREDICATES
    groups: dict[tuple[Any, ...], _Group] = {}
    for (r, _), v in zip(items, values, strict=True):
        period = value_of(r.claim, "time") if time_bound else None
        measure = casualty_measure(v.text) if casualties else None  # killed, injured, all
        key = (v.dim, measure, v.low, v.high, period.key if period else None)
        groups.setdefault(key, _Group(v, period, measure)).recs.append(r)
    if len(groups) < 2:
        return None
    distinct = sorted(groups.values(), key=lambda g: (-len(g.docs), repr(g.value.key), repr(g.period)))
    involved: list[_Group] = []
    same_story = False
    for a, b in _pairs(distinct):
        if not comparable(a.value, b.value) or overlaps(a.value, b.value) or a.measure != b.measure:
            continue
        if len(a.docs | b.docs) < 2:
            continue
        shared = bool(a.stories & b.stories)
        if story_only and not shared:
            continue
        if time_bound:
            if a.period is not None and b.period is not None:
                if not overlaps(a.period, b.period):
                    continue
            elif not shared:
                continue
        same_story = same_story or shared
        involved.extend(g for g in (a, b) if all(g is not x for x in involved))
    if not involved:
        return None
    return _Found(fid, family_key(recs[0].claim), fname, mclass, involved, same_story)


def _value_conflict(found: list[_Found]) -> Conflict:
    """One conflict per disagreement, listing every disagreeing value with its reports."""
    fname, mclass = found[0].fname, found[0].mclass
    same_story = any(f.same_story for f in found)
    merged: dict[tuple[Any, ...], _Group] = {}
    for f in found:
        for g in f.groups:
            key = (g.value.key, g.period.key if g.period else None, g.measure)
            m = merged.setdefault(key, _Group(g.value, g.period, g.measure))
            m.recs.extend(g.recs)
    groups = sorted(merged.values(), key=lambda g: record_order(min(g.recs, key=record_order)))
    for g in groups:
        g.recs.sort(key=record_order)
    recs = [r for g in groups for r in g.recs]
    claim = min(recs, key=record_order).claim
    names = _names(claim)
    names["weapon"] = phrases.weapons_name(sorted({r.claim.weapon for r in recs}, key=lambda w: w or ""))
    subject = phrases.value_subject(fname, predicate=str(claim.predicate), modality=_strongest(recs), **names)
    if fname == "time" and str(claim.predicate) in START_DATED_PREDICATES and subject.startswith("the date of "):
        subject = "the start of " + subject[len("the date of "):]
    periods = {g.period.key for g in groups if g.period is not None}
    if len(periods) == 1 and fname != "time":
        period = next(g.period for g in groups if g.period is not None)
        subject += " " + phrases.time_phrase(period.low, period.high)  # type: ignore[union-attr]
    lead = _copies_phrase(recs) if same_story else "Reports"
    listed = [f"'{value_text(g.value)}' ({sources_label(g.recs)})" for g in groups]
    joined = " vs ".join(listed) if len(listed) == 2 else ", ".join(listed[:-1]) + " and " + listed[-1]
    explanation = f"{lead} disagree on {subject}: {joined}."
    story_sets = [g.stories for g in groups]
    common = {st for st in set().union(*story_sets) if sum(st in x for x in story_sets) > 1} if same_story else set()
    fids = sorted({f.fid for f in found})
    return Conflict(
        id=conflict_id("value_contradiction", *fids, fname, mclass),
        kind="value_contradiction",
        severity=SEVERITY[("value_contradiction", "same_story" if same_story else "across_stories")],
        actor_iso3=claim.actor.iso3,
        fact_id=fids[0],
        claim_ids=sorted({r.claim_id for r in recs}),
        record=None,
        explanation=explanation,
        story_id=next((st for st in sorted(common) if not st.startswith("doc:")), None),
        detail={
            "field": fname,
            "fact_ids": fids,
            "values": [_value_detail(g) for g in groups],
            "quotes": _quotes(groups),
        },
    )


def _quotes(groups: list[_Group]) -> list[dict[str, Any]]:
    """Each side's first report: where to read it (the evidence is shown from the claim)."""
    out = []
    for g in groups:
        r = g.recs[0]
        out.append({"value": value_text(g.value), "claim_id": r.claim_id, "document_id": r.document_id,
                    "source": r.label, "url": r.url})
    return out


def _value_detail(g: _Group) -> dict[str, Any]:
    v = g.value
    return {
        "low": _plain(v.low),
        "high": _plain(v.high),
        "dim": v.dim,
        "text": v.text,
        "document_ids": sorted(g.docs),
    }


def _plain(x: Any) -> Any:
    if hasattr(x, "isoformat"):
        return x.isoformat()
    if isinstance(x, float) and x.is_integer():
        return int(x)
    return x


# --- value contradictions within one story ------------------------------------------------------


@dataclass(frozen=True)
class _Tagged:
    fact: str
    value: Value

    @property
    def range(self) -> tuple[Any, ...]:
        return (self.value.dim, self.value.low, self.value.high)


def story_value_conflicts(claims: list[ClaimRecord]) -> list[Conflict]:
    """Copies of one story that give different figures, even filed under neighbouring predicates.

    One copy's "invested in the production" and another's "spend on mines" are
    the same spending figure, so money for production, procurement and
    stockpile is compared as one family (``STORY_FAMILIES``).  Each copy's set
    of figures is matched against the other's: a figure only one copy gives is
    not a contradiction; figures left unmatched on both sides are.  Pairs
    within one fact key are left to ``value_conflicts``.
    """
    out: list[Conflict] = []
    recs = [r for r in confident(claims) if r.story_id and str(r.claim.polarity) == Polarity.AFFIRMED]
    for sid, srecs in sorted(partition(recs, lambda r: r.story_id).items()):
        if len({r.document_id for r in srecs}) < 2:
            continue
        for fname, families in STORY_FAMILIES.items():
            out.extend(_story_field_conflicts(sid, fname, families, srecs))
    return sort_conflicts(out)


def _story_field_conflicts(sid: str, fname: str, families: dict[str, str], recs: list[ClaimRecord]) -> list[Conflict]:
    cand: dict[tuple[Any, ...], dict[str, Any]] = {}
    eligible = [r for r in recs if str(r.claim.predicate) in families and value_of(r.claim, fname) is not None]
    groups = partition(eligible, lambda r: (r.claim.actor.key, r.claim.weapon, families[str(r.claim.predicate)]))
    for (actor_key, weapon, family), grecs in sorted(groups.items(), key=lambda kv: repr(kv[0])):
        values = harmonise_dims([value_of(r.claim, fname) for r in grecs])  # type: ignore[misc]
        per_doc: dict[str, set[_Tagged]] = {}
        holders: dict[tuple[str, _Tagged], list[ClaimRecord]] = {}
        for r, v in zip(grecs, values, strict=True):
            t = _Tagged(r.fact_id, v)
            per_doc.setdefault(r.document_id, set()).add(t)
            holders.setdefault((r.document_id, t), []).append(r)
        docs_by_sig: dict[frozenset[_Tagged], list[str]] = {}
        for doc, tags in per_doc.items():
            docs_by_sig.setdefault(frozenset(tags), []).append(doc)
        if len(docs_by_sig) < 2:
            continue
        sigs = sorted(docs_by_sig, key=lambda s: (-len(docs_by_sig[s]), sorted(repr((t.fact, t.range)) for t in s)))
        for sa, sb in _pairs(sigs):
            left, right = _unmatched(sa, sb)
            if not left or not right:
                continue
            side_a = sorted({t.range for t in left})
            side_b = sorted({t.range for t in right})
            (ka, ta, da), (kb, tb, db) = sorted(
                [(repr(side_a), left, docs_by_sig[sa]), (repr(side_b), right, docs_by_sig[sb])], key=lambda x: x[0]
            )
            c = cand.setdefault(
                (actor_key, family, ka, kb),
                {"weapons": set(), "a": [], "b": [], "ta": {}, "tb": {}},
            )
            c["weapons"].add(weapon)
            for side, tags, docs in (("a", ta, da), ("b", tb, db)):
                for doc in docs:
                    for t in tags:
                        hs = holders.get((doc, t), [])
                        c[side].extend(hs)
                        for h in hs:
                            c["t" + side].setdefault(t.range, h)
    out = []
    for (actor_key, family, ka, kb), c in sorted(cand.items(), key=lambda kv: repr(kv[0])):
        out.append(_story_conflict(sid, fname, family, actor_key, ka, kb, c))
    return out


def _unmatched(sa: frozenset[_Tagged], sb: frozenset[_Tagged]) -> tuple[list[_Tagged], list[_Tagged]]:
    """Figures of each copy that nothing in the other copy agrees with, minus what value_conflicts reports."""
    ua = [t for t in sa if not any(comparable(t.value, u.value) and overlaps(t.value, u.value) for u in sb)]
    ub = [u for u in sb if not any(comparable(t.value, u.value) and overlaps(t.value, u.value) for t in sa)]
    facts_a, facts_b = {t.fact for t in ua}, {u.fact for u in ub}
    ua2 = [t for t in ua if t.fact not in facts_b]
    ub2 = [u for u in ub if u.fact not in facts_a]
    left = [t for t in ua2 if any(comparable(t.value, u.value) for u in ub2)]
    right = [u for u in ub2 if any(comparable(t.value, u.value) for t in ua2)]
    return sorted(left, key=lambda t: repr(t.range)), sorted(right, key=lambda t: repr(t.range))


def _story_conflict(sid: str, fname: str, family: str, actor_key: str, ka: str, kb: str, c: dict[str, Any]) -> Conflict:
    a_recs = sorted({r.claim_id: r for r in c["a"]}.values(), key=record_order)
    b_recs = sorted({r.claim_id: r for r in c["b"]}.values(), key=record_order)
    if record_order(b_recs[0]) < record_order(a_recs[0]):
        a_recs, b_recs = b_recs, a_recs
        c = {**c, "ta": c["tb"], "tb": c["ta"]}
    recs = a_recs + b_recs
    claim = recs[0].claim
    names = _names(claim)
    names["weapon"] = phrases.weapons_name(sorted(c["weapons"], key=lambda w: w or ""))
    if fname == "money":
        subject = phrases.value_subject("money", predicate=family, modality=_strongest(recs), **names)
    else:
        mod = phrases.MODALITY_ADJECTIVES.get(_strongest(recs), "")
        noun = FAMILY_NOUNS.get(family, "{weapon}").format(weapon=names["weapon"])
        subject = f"the figure for {phrases.possessive(names['actor'])} {mod}{noun}"
    texts_a = _quoted(c["ta"].values(), fname)
    texts_b = _quoted(c["tb"].values(), fname)
    explanation = (
        f"{_copies_phrase(recs)} disagree on {subject}: {texts_a} ({sources_label(a_recs)}) "
        f"vs {texts_b} ({sources_label(b_recs)})."
    )
    return Conflict(
        id=conflict_id("value_contradiction", "story", sid, actor_key, fname, family, ka, kb),
        kind="value_contradiction",
        severity=SEVERITY[("value_contradiction", "same_story")],
        actor_iso3=claim.actor.iso3,
        fact_id=None,
        claim_ids=sorted({r.claim_id for r in recs}),
        record=None,
        explanation=explanation,
        story_id=sid,
        detail={
            "field": fname,
            "family": family,
            "weapons": sorted(w for w in c["weapons"] if w),
            "fact_ids": sorted({r.fact_id for r in recs}),
        },
    )


def _quoted(holders: Iterable[ClaimRecord], fname: str) -> str:
    texts = []
    for h in holders:
        v = value_of(h.claim, fname)
        if v is not None:
            texts.append(f"'{value_text(v)}'")
    return " / ".join(texts)


# --- modality drift -----------------------------------------------------------------------------


def modality_drift(claims: list[ClaimRecord]) -> list[Conflict]:
    """Some stories give as done what other stories give as planned or considered (one fact key).

    One source is set against *others*: copies of one story, or one document
    that mentions both a plan and its outcome, are never compared with
    themselves.  Plans normally become outcomes, so drift is low unless
    publication dates show an outcome reported no later than a report of it
    as a plan (medium).
    """
    out = []
    for _, recs in sorted(partition(active(claims), lambda r: r.fact_id).items()):
        s = summary.summarise(recs, cap=None)
        c = drift_conflict(s) if s else None
        if c is not None:
            out.append(c)
    return sort_conflicts(out)


def drift_pair(actual: dict[str, Any], other: dict[str, Any]) -> tuple[list[Any], list[Any]] | None:
    """The earliest report of an outcome and the earliest plan *of another story*, if there is one."""
    pairs = [(a, o) for a in actual["leads"] for o in other["leads"] if a[1] != o[1]]
    return min(pairs, key=lambda p: (p[0][0], p[1][0])) if pairs else None


def same_period(s: dict[str, Any]) -> bool:
    """Whether a fact's outcome and plan reports contradict: both dated, the outcome reported no
    later than a report of it as still planned, the two spans of reports within ``DRIFT_WINDOW_DAYS``.

    Anything else is the fact's history (planned, then done) or cannot be told apart from it.
    """
    actual, other = s["drift"].get("actual"), s["drift"].get("prospective")
    if not actual or not other or not actual["min"] or not other["min"]:
        return False
    a_min, a_max = date.fromisoformat(actual["min"]), date.fromisoformat(actual["max"])
    o_min, o_max = date.fromisoformat(other["min"]), date.fromisoformat(other["max"])
    # the two spans of reports meet (or nearly): some plan report falls among the outcome reports
    gap = (max(a_min, o_min) - min(a_max, o_max)).days
    return a_min <= o_max and gap <= DRIFT_WINDOW_DAYS


def fact_history(s: dict[str, Any]) -> dict[str, Any] | None:
    """Planned, then done: when a fact was first reported as planned and first reported as done.

    Reports written months apart are the fact's history, not a contradiction;
    the state page and the API show it ("announced as planned on 18 March
    2025, reported done on 27 December 2025").
    """
    actual, other = s["drift"].get("actual"), s["drift"].get("prospective")
    if not actual or not other or same_period(s):
        return None
    planned_on, done_on = other["min"], actual["min"]
    if planned_on and done_on and planned_on > done_on:
        return None  # done first, planned later: no history of this plan
    how = " or ".join(phrases.MODALITY_DESCRIPTIONS.get(m, m) for m in other["mods"])
    text = f"reported {how}" + (f" on {phrases.day_phrase(planned_on)}" if planned_on else "")
    text += ", then reported done" + (f" on {phrases.day_phrase(done_on)}" if done_on else "")
    return {
        "planned_first_reported": planned_on,
        "done_first_reported": done_on,
        "planned_documents": other["docs"],
        "done_documents": actual["docs"],
        "text": text,
    }


def drift_conflict(s: dict[str, Any]) -> Conflict | None:
    """The modality drift of one fact, from its summary (``summary.summarise``/``merge``).

    Raised only between confident reports of the same period (``same_period``),
    never for proposals and decisions (an announced plan *is* the proposal), and
    only where the other side has a plan (a possibility does not deny an outcome).
    """
    actual, other = s["drift"].get("actual"), s["drift"].get("prospective")
    if not actual or not other or s["stage"] in DRIFT_FREE_STAGES or not same_period(s):
        return None
    if "planned" not in other["mods"]:
        return None  # "could produce" beside "produces" is a capability, not a plan the other denies
    pair = drift_pair(actual, other)
    if pair is None:
        return None
    lead_a, lead_o = pair
    overlapping = bool(actual["min"] and other["max"] and actual["min"] <= other["max"])
    dated = not actual["undated"] and not other["undated"]
    proven = dated and not overlapping
    case = "overlapping" if overlapping else "progression"
    who = summary.common_actor(s["actors"])
    counterpart = summary.common_actor(s["counterparts"])
    actor_name = (who.name or who.key) if who else ""
    weapon = phrases.weapon_name(s["weapon"])
    noun = phrases.activity_noun(s["predicate"], s["stage"], weapon, counterpart.name if counterpart else None, s["treaty"])
    subject = f"{phrases.possessive(actor_name)} {noun}"
    modalities = sorted(other["mods"], key=lambda m: -MODALITY_STRENGTH.get(m, 0))  # type: ignore[call-overload]
    how = " or ".join(phrases.MODALITY_DESCRIPTIONS.get(m, m) for m in modalities)
    label_a = lead_a[2] + (f" and {actual['docs'] - 1} more" if actual["docs"] > 1 else "")
    label_o = lead_o[2] if lead_o[2] != lead_a[2] else f"another story from {lead_o[2]}"
    label_o += f" and {other['docs'] - 1} more" if other["docs"] > 1 else ""
    verb_a = "reports" if actual["docs"] == 1 else "report"
    verb_o = "reports" if other["docs"] == 1 else "report"
    tail = ""
    if case == "progression":
        tail = (
            ", perhaps because the plan has since been carried out"
            if proven
            else ", which may only reflect reports written at different times"
        )
    explanation = (
        f"{label_a} {verb_a} {subject} {phrases.MODALITY_DESCRIPTIONS['actual']}, "
        f"while {label_o} {verb_o} it {how}{tail}."
    )
    return Conflict(
        id=conflict_id("modality_drift", s["fact_id"]),
        kind="modality_drift",
        severity=SEVERITY[("modality_drift", case)],
        actor_iso3=who.iso3 if who else None,
        fact_id=s["fact_id"],
        claim_ids=sorted({k[3] for k in actual["top"]} | {k[3] for k in other["top"]}),
        record=None,
        explanation=explanation,
        detail={
            "actual_documents": actual["docs"],
            "other_documents": other["docs"],
            "lead_document_ids": [lead_a[0][2], lead_o[0][2]],
            "other_modalities": modalities,
        },
    )


# --- disputed facts -----------------------------------------------------------------------------

#: Reports of one act, affirmed by one source and denied by another, this many days apart at most
#: (an undated claim speaks of its publication day).
DISPUTE_WINDOW_DAYS = 60

#: Treaty steps are settled by the depositary record (``record_conflicts``), not by who denies them.
DISPUTE_EXCLUDED = frozenset({"treaty_withdrawal", "treaty_joining", "border"})

_MINE_KINDS = frozenset({"mine", "ap_mine", "at_mine"})


def dispute_key(claim: Any) -> str:
    """What an affirmation and a denial must share to be about one act: the fact key without
    polarity and weapon (weapons are matched loosely: "mines" covers "anti-personnel mines")."""
    return "d-" + short_hash(*_act(claim))


def _weapons_match(a: str | None, b: str | None) -> bool:
    if a == b or a is None or b is None:
        return True
    return (a == "mine" and b in _MINE_KINDS) or (b == "mine" and a in _MINE_KINDS)


def _period(r: ClaimRecord) -> tuple[Any, Any] | None:
    t = value_of(r.claim, "time")
    if t is not None:
        return t.low, t.high
    return (r.published, r.published) if r.published is not None else None


def _same_time(a: ClaimRecord, b: ClaimRecord) -> bool:
    """Whether an affirmation and a denial can be about the same act: their times (an undated
    claim speaks of its publication day) within ``DISPUTE_WINDOW_DAYS``; with no day known,
    only within one document or story."""
    pa, pb = _period(a), _period(b)
    if pa is None or pb is None:
        return a.document_id == b.document_id or bool(a.story_id and a.story_id == b.story_id)
    lo_a, hi_a = pa
    lo_b, hi_b = pb
    if lo_a is not None and hi_b is not None and (lo_a - hi_b).days > DISPUTE_WINDOW_DAYS:
        return False
    return not (lo_b is not None and hi_a is not None and (lo_b - hi_a).days > DISPUTE_WINDOW_DAYS)


def _one_sentence(a: ClaimRecord, b: ClaimRecord) -> bool:
    """A sentence that seems to affirm and deny one act is the extractor's confusion, not two
    sources disagreeing (the evidence must be loaded for this check to see it)."""
    if a.document_id != b.document_id:
        return False
    if not a.claim.evidence or not b.claim.evidence:
        return True  # one document, nothing to tell its sentences apart: no dispute claimed
    return any(x.start < y.end and y.start < x.end for x in a.claim.evidence for y in b.claim.evidence)


def _who(r: ClaimRecord) -> str:
    """Who says it: the speaker the claim is attributed to, else the source."""
    if r.claim.speaker is not None:
        role = f", {r.claim.speaker.role}" if r.claim.speaker.role else ""
        return f"{r.claim.speaker.name}{role} ({r.label})"
    return r.label


def disputed_conflicts(claims: list[ClaimRecord]) -> list[Conflict]:
    """Acts one source affirms and another denies: "A accused B of laying mines" / "B denied it".

    Both sides must be confident reports of the act as having happened, of the
    same period, and come from different documents or different sentences of
    one (its evidence loaded); who says what is part of the conflict.  One conflict per act (actor, activity,
    counterpart), listing every affirming and denying report.
    """
    recs = [r for r in confident(claims) if str(r.claim.predicate) not in DISPUTE_EXCLUDED
            and modality_class(r.claim.modality) == "actual"]
    out = []
    for key, group in sorted(partition(recs, lambda r: dispute_key(r.claim)).items()):
        yes = [r for r in group if str(r.claim.polarity) == Polarity.AFFIRMED]
        no = [r for r in group if str(r.claim.polarity) == Polarity.NEGATED]
        pairs = [
            (a, b) for a in yes for b in no
            if _weapons_match(a.claim.weapon, b.claim.weapon) and _same_time(a, b) and not _one_sentence(a, b)
        ]
        if not pairs:
            continue
        side_yes = sorted({a.claim_id: a for a, _ in pairs}.values(), key=record_order)
        side_no = sorted({b.claim_id: b for _, b in pairs}.values(), key=record_order)
        claim = side_yes[0].claim
        names = _names(claim)
        names["weapon"] = phrases.weapons_name(sorted({r.claim.weapon for r in side_yes + side_no}, key=lambda w: w or ""))
        noun = phrases.activity_noun(str(claim.predicate), claim.stage, names["weapon"], names["counterpart"], claim.treaty)
        subject = f"{phrases.possessive(names['actor'])} {noun}"
        affirm = ", ".join(dict.fromkeys(_who(r) for r in side_yes))
        deny = ", ".join(dict.fromkeys(_who(r) for r in side_no))
        explanation = f"Disputed: {affirm} {'report' if len(side_yes) > 1 else 'reports'} {subject}, which {deny} {'deny' if len(side_no) > 1 else 'denies'}."
        out.append(Conflict(
            id=conflict_id("disputed_fact", key),
            kind="disputed_fact",
            severity="medium",
            actor_iso3=claim.actor.iso3,
            fact_id=side_yes[0].fact_id,
            claim_ids=sorted({r.claim_id for r in side_yes + side_no}),
            record=None,
            explanation=explanation,
            detail={
                "affirmed": [{"claim_id": r.claim_id, "who": _who(r), "document_id": r.document_id} for r in side_yes],
                "denied": [{"claim_id": r.claim_id, "who": _who(r), "document_id": r.document_id} for r in side_no],
                "fact_ids": sorted({r.fact_id for r in side_yes + side_no}),
            },
        ))
    return sort_conflicts(out)
