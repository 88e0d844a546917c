"""Fact summaries: everything a fact (and its modality drift) needs, in bounded size.

A fact reported by a hundred thousand documents cannot be rebuilt from its
claims every time one more copy arrives.  A summary keeps exact counts, the
first ``cap`` ids in reporting order, the agreed value ranges and the
earliest reports of each modality; two summaries over disjoint documents
merge into the summary of their union.  ``build_fact`` and ``modality_drift``
go through summaries too, so the store's incremental path and a rebuild from
scratch share one implementation and give the same result.

Summaries are plain JSON (the store keeps them in ``fact_summaries``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from typing import Any

from minewatch.model import MODALITY_STRENGTH, Actor, DateRange, Money, Range
from minewatch.reconcile.base import (
    REVIEWED_OK,
    VALUE_FIELDS,
    ClaimRecord,
    active,
    confident,
    modality_class,
    value_of,
)

#: Ids kept per list in a stored summary (the store shows the same number per fact).
CAP = 200
#: Claim ids a modality-drift conflict lists per side (counts stay exact in its detail).
DRIFT_CAP = 50

_NONE = "\x00"  # the JSON key of "no unit"
Summary = dict[str, Any]


def order_key(r: ClaimRecord) -> list[Any]:
    """``record_order`` as JSON: undated last, then publication, document, claim."""
    return [1 if r.published is None else 0, r.published.isoformat() if r.published else "", r.document_id, r.claim_id]


def _cap(items: list[Any], cap: int | None) -> list[Any]:
    return items if cap is None else items[:cap]


def _actor_key(a: Actor) -> str:
    return json.dumps([str(a.kind), a.iso3, a.name])


def _plain(x: Any) -> Any:
    return x.isoformat() if isinstance(x, date) else x


def _width(low: Any, high: Any) -> list[Any]:
    """[0, width] for closed ranges, [1, 0] for open ones (infinitely wide)."""
    if low is None or high is None:
        return [1, 0]
    if isinstance(low, date):
        return [0, float((high - low).days)]
    return [0, float(high - low)]


def _leads(cands: Iterable[list[Any]]) -> list[list[Any]]:
    """The earliest report, and the earliest one of another story: enough to pair stories exactly."""
    out: list[list[Any]] = []
    for c in sorted(cands, key=lambda c: c[0]):
        if not out or (len(out) == 1 and c[1] != out[0][1]):
            out.append(c)
        if len(out) == 2:
            break
    return out


def _side(recs: list[ClaimRecord], ndocs: int, cap: int | None) -> dict[str, Any]:
    dated = [r.published.isoformat() for r in recs if r.published]
    return {
        "docs": ndocs,
        "claims": len(recs),
        "min": min(dated) if dated else None,
        "max": max(dated) if dated else None,
        "undated": len(recs) - len(dated),
        "leads": _leads([order_key(r), r.story_key, r.label] for r in recs),
        "mods": sorted({str(r.claim.modality) for r in recs}),
        "top": _cap([order_key(r) for r in recs], None if cap is None else min(cap, DRIFT_CAP)),
    }


def summarise(records: Iterable[ClaimRecord], *, cap: int | None = CAP) -> Summary | None:
    """The summary of one fact's claims (whole documents); ``None`` when every claim was rejected."""
    recs = active(records)
    if not recs:
        return None
    keys = {r.fact_id for r in recs}
    if len(keys) != 1:
        raise ValueError(f"a summary needs claims of one fact key, got {len(keys)}: {sorted(keys)[:5]}")
    first = recs[0].claim
    docs: dict[str, ClaimRecord] = {}
    doc_mods: dict[str, set[str]] = {}
    for r in recs:
        docs.setdefault(r.document_id, r)
        doc_mods.setdefault(r.document_id, set()).add(str(r.claim.modality))
    actors: dict[str, int] = {}
    counterparts: dict[str, int] = {}
    for r in recs:
        actors[_actor_key(r.claim.actor)] = actors.get(_actor_key(r.claim.actor), 0) + 1
        if r.claim.counterpart:
            k = _actor_key(r.claim.counterpart)
            counterparts[k] = counterparts.get(k, 0) + 1
    modality_docs: dict[str, int] = {}
    for mods in doc_mods.values():
        for m in mods:
            modality_docs[m] = modality_docs.get(m, 0) + 1
    dated = [r.published.isoformat() for r in recs if r.published]
    values: dict[str, dict[str, Any]] = {}
    for fname in VALUE_FIELDS:
        for r in recs:
            v = value_of(r.claim, fname)
            if v is None:
                continue
            entry = {
                "n": 1,
                "low": _plain(v.low),
                "high": _plain(v.high),
                "best": [*_width(v.low, v.high), order_key(r), _plain(v.low), _plain(v.high), v.text],
            }
            dims = values.setdefault(fname, {})
            key = _NONE if v.dim is None else v.dim
            dims[key] = _merge_value(dims[key], entry) if key in dims else entry
    # drift and history rest on confident claims only: a shaky "will take effect" is no side of a disagreement
    sure = confident(recs)
    actual_docs = {r.document_id for r in sure if modality_class(r.claim.modality) == "actual"}
    actual = [r for r in sure if r.document_id in actual_docs and modality_class(r.claim.modality) == "actual"]
    other = [r for r in sure if r.document_id not in actual_docs]
    return {
        "v": 1,
        "fact_id": next(iter(keys)),
        "predicate": str(first.predicate),
        "stage": first.stage,
        "treaty": first.treaty,
        "weapon": first.weapon,
        "polarity": str(first.polarity),
        "claims": len(recs),
        "documents": len(docs),
        "stories": len({r.story_key for r in recs}),
        "actors": actors,
        "counterparts": counterparts if first.counterpart else {},
        "first": min(dated) if dated else None,
        "last": max(dated) if dated else None,
        "modality_docs": modality_docs,
        "claim_top": _cap([order_key(r) for r in recs], cap),
        "doc_top": _cap(
            [[*order_key(r)[:3], r.outlet, r.url, r.path, r.story_id] for r in docs.values()], cap
        ),
        "story_top": _cap(sorted({r.story_id for r in recs if r.story_id}), cap),
        "verified": any(r.review in REVIEWED_OK for r in recs),
        "speakers": sorted({r.claim.speaker.name for r in recs if r.claim.speaker}),
        "confidence": max(float(r.claim.confidence) for r in recs),
        "values": values,
        "drift": {
            "actual": _side(actual, len(actual_docs), cap) if actual else None,
            "prospective": _side(other, len({r.document_id for r in other}), cap) if other else None,
        },
    }


def _min(a: Any, b: Any) -> Any:
    return b if a is None else a if b is None else min(a, b)


def _max(a: Any, b: Any) -> Any:
    return b if a is None else a if b is None else max(a, b)


def _merge_value(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    return {"n": a["n"] + b["n"], "low": _max(a["low"], b["low"]), "high": _min(a["high"], b["high"]),
            "best": min(a["best"], b["best"], key=lambda x: (x[0], x[1], x[2]))}


def _merge_sorted(a: list[Any], b: list[Any], cap: int | None) -> list[Any]:
    return _cap(sorted([*a, *b]), cap)


def _merge_counts(a: dict[str, int], b: dict[str, int]) -> dict[str, int]:
    out = dict(a)
    for k, n in b.items():
        out[k] = out.get(k, 0) + n
    return out


def _merge_side(a: dict[str, Any] | None, b: dict[str, Any] | None, cap: int | None) -> dict[str, Any] | None:
    if a is None or b is None:
        return a or b
    return {
        "docs": a["docs"] + b["docs"],
        "claims": a["claims"] + b["claims"],
        "min": _min(a["min"], b["min"]),
        "max": _max(a["max"], b["max"]),
        "undated": a["undated"] + b["undated"],
        "leads": _leads([*a["leads"], *b["leads"]]),
        "mods": sorted(set(a["mods"]) | set(b["mods"])),
        "top": _merge_sorted(a["top"], b["top"], None if cap is None else min(cap, DRIFT_CAP)),
    }


def merge(a: Summary | None, b: Summary | None, *, cap: int | None = CAP) -> Summary | None:
    """The summary of two disjoint sets of documents of one fact.

    ``stories`` is added as if no story were shared; the store corrects it from
    ``fact_stories``, which knows which stories the fact already has.
    """
    if a is None or b is None:
        return a or b
    values: dict[str, dict[str, Any]] = {}
    for fname in VALUE_FIELDS:
        da, db = a["values"].get(fname, {}), b["values"].get(fname, {})
        if not da and not db:
            continue
        merged = dict(da)
        for k, e in db.items():
            merged[k] = _merge_value(merged[k], e) if k in merged else e
        values[fname] = merged
    return {
        **a,
        "claims": a["claims"] + b["claims"],
        "documents": a["documents"] + b["documents"],
        "stories": a["stories"] + b["stories"],
        "actors": _merge_counts(a["actors"], b["actors"]),
        "counterparts": _merge_counts(a["counterparts"], b["counterparts"]),
        "first": _min(a["first"], b["first"]),
        "last": _max(a["last"], b["last"]),
        "modality_docs": _merge_counts(a["modality_docs"], b["modality_docs"]),
        "claim_top": _merge_sorted(a["claim_top"], b["claim_top"], cap),
        "doc_top": _merge_sorted(a["doc_top"], b["doc_top"], cap),
        "story_top": _cap(sorted(set(a["story_top"]) | set(b["story_top"])), cap),
        "verified": a["verified"] or b["verified"],
        "speakers": sorted(set(a["speakers"]) | set(b["speakers"])),
        "confidence": max(a["confidence"], b["confidence"]),
        "values": values,
        "drift": {
            cls: _merge_side(a["drift"].get(cls), b["drift"].get(cls), cap) for cls in ("actual", "prospective")
        },
    }


# --- reading a summary back -----------------------------------------------------------------------


def common_actor(counts: dict[str, int]) -> Actor | None:
    """Names vary between copies ("Finland", "Republic of Finland"); the most used one wins, ties by name."""
    if not counts:
        return None
    best = min(counts, key=lambda k: (-counts[k], json.loads(k)[2], json.loads(k)[0], json.loads(k)[1] or ""))
    kind, iso3, name = json.loads(best)
    return Actor(kind, iso3, name)


def strongest(modalities: Iterable[str]) -> str:
    return max(modalities, key=lambda m: MODALITY_STRENGTH.get(m, 0))  # type: ignore[call-overload]


def _date(x: Any) -> date | None:
    return date.fromisoformat(x) if isinstance(x, str) and x else None


def merged_value(s: Summary, fname: str) -> Range | Money | DateRange | None:
    """The agreed range of the best-supported unit, from the summary: intersection, text of the most specific report.

    Units and currencies are not converted: "mines" and "km" figures are
    different measurements, so the unit most reports use is the one kept.
    Disagreeing ranges give ``None`` (``value_conflicts`` reports them).
    """
    dims = dict(s["values"].get(fname) or {})
    if not dims:
        return None
    named = [k for k in dims if k != _NONE]
    if len(named) == 1 and _NONE in dims:  # a value without unit takes the only unit the others use
        dims[named[0]] = _merge_value(dims[named[0]], dims.pop(_NONE))
    dim = min(dims, key=lambda k: (-dims[k]["n"], "" if k == _NONE else k))
    e = dims[dim]
    low, high = e["low"], e["high"]
    if low is not None and high is not None and low > high:
        return None
    text = e["best"][5]
    unit = None if dim == _NONE else dim
    if fname == "time":
        return DateRange(start=_date(low), end=_date(high), text=text)
    if fname == "money":
        return Money(low=low, high=high, currency=unit, text=text)
    return Range(low=low, high=high, unit=unit, text=text)
