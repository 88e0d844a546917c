"""Reconciliation over the gold claims of the shared seeds and dev corpus (skipped without ../shared).

Gold claims stand in for a perfect extractor: what reconciliation finds in them
is what it should find in the knowledge base.
"""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest

from minewatch.model import Actor, Claim, DateRange, Money, Range
from minewatch.reconcile import (
    ClaimRecord,
    build_facts,
    modality_drift,
    record_conflicts,
    story_value_conflicts,
    value_conflicts,
)

SHARED = (Path(__file__).resolve().parents[2] / ".." / "shared").resolve()
pytestmark = pytest.mark.shared


def _shared(*parts: str) -> Path:
    p = SHARED.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"{p} is absent (../shared is only beside developer checkouts)")
    return p


def _date(x: str | None) -> date | None:
    return date.fromisoformat(x) if x and x != "unknown" else None


def _actor(code: str) -> Actor:
    if len(code) == 3 and code.isupper():
        return Actor("state", code, code)
    return Actor("organization", None, code)


def _records(path: Path, story_of: dict[str, str | None], published_of: dict[str, date | None]) -> list[ClaimRecord]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        g = json.loads(line)
        if g.get("none"):
            continue
        q, m, t = g.get("quantity"), g.get("money"), g.get("time")
        claim = Claim(
            document_id=g["doc"],
            actor=_actor(g["actor"]),
            predicate=g["predicate"][0],
            stage=(g.get("stage") or [None])[0],
            treaty=g.get("treaty"),
            weapon=g.get("weapon"),
            counterpart=_actor(g["counterpart"]) if g.get("counterpart") else None,
            modality=(g.get("modality") or ["actual"])[0],
            polarity=g.get("polarity", "affirmed"),
            quantity=Range(q["low"], q["high"], q.get("unit")) if q else None,
            money=Money(m["low"], m["high"], m.get("currency")) if m else None,
            time=DateRange(_date(t["start"]), _date(t["end"])) if t else None,
            confidence=0.9,  # gold claims are as sure as claims get
        )
        doc = g["doc"]
        out.append(ClaimRecord(claim, doc, story_of.get(doc), published_of.get(doc), doc, doc, None))
    return out


def _events() -> list[dict[str, str]]:
    with _shared("reference", "treaty_events.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _armed() -> list[SimpleNamespace]:
    with _shared("reference", "armed_conflicts.csv").open(encoding="utf-8") as f:
        return [
            SimpleNamespace(iso3=r["state_iso3"], opponent=r["opponent"], start=_date(r["start"]), end=_date(r["end"]))
            for r in csv.DictReader(f)
        ]


def test_seed_copies_yield_the_spending_contradiction_and_the_finnish_accession_year():
    gold = _shared("gold", "seeds.jsonl")
    docs = {json.loads(line)["doc"] for line in gold.read_text(encoding="utf-8").splitlines()}
    recs = _records(gold, {d: "s-seed" for d in docs}, {d: date(2025, 6, 27) for d in docs})
    assert value_conflicts(recs) == []
    (spending,) = story_value_conflicts(recs)
    assert spending.actor_iso3 == "LTU" and spending.severity == "high"
    assert "spending on anti-personnel and anti-tank mines" in spending.explanation
    records = record_conflicts(recs, _events(), _armed())
    assert [(c.actor_iso3, c.record["action"], c.record["date"]) for c in records] == [  # type: ignore[index]
        ("FIN", "accession", "2012-01-09")
    ]
    assert records[0].record["source_url"].startswith("https://um.fi/")  # type: ignore[index]


def test_dev_gold_has_no_false_record_or_value_contradictions():
    index = _shared("corpus", "dev", "INDEX.tsv")
    with index.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    recs = _records(
        _shared("gold", "dev.jsonl"),
        {r["file"]: r["duplicate_group"] or None for r in rows},
        {r["file"]: _date(r["published"]) for r in rows},
    )
    facts = build_facts(recs)
    assert len(facts) < len(recs)
    assert any(f.independent_sources > 1 for f in facts)
    assert value_conflicts(recs) == []
    assert story_value_conflicts(recs) == []
    assert record_conflicts(recs, _events(), _armed()) == []
    # withdrawal steps reported as planned by some and done by others: progress, so never high
    assert all(c.severity != "high" for c in modality_drift(recs))
