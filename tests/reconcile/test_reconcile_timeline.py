"""Timelines: depositary steps and reported facts for one state, in date order."""

from __future__ import annotations

from datetime import date

from reconcile_factory import ArmedConflict, day, eur, event, fin_apmbc, rec, year

from minewatch.reconcile import build_facts, timeline


def _facts():
    return build_facts(
        [
            rec("A", "FIN", "treaty_withdrawal", stage="approved", treaty="APMBC", weapon=None, modality="actual",
                time=day("2025-06-19"), published=date(2025, 6, 20)),
            rec("B", "FIN", "production", time=year(2026), published=date(2025, 6, 27)),
            rec("C", "FIN", "production", time=year(2026), story="s-2", published=date(2025, 7, 2)),
            rec("D", "FIN", "transfer", weapon="mine", counterpart="UKR", modality="considered", published=date(2025, 6, 27)),
            rec("E", "FIN", "procurement", money=eur(1, 2, "a small sum"), published=date(2025, 5, 2), story="s-5"),
            rec("F", "FIN", "border", weapon=None, counterpart="RUS", modality="actual"),
            rec("G", "LTU", "production", time=year(2026)),
            rec("H", "FIN", "treaty_joining", stage=None, treaty="APMBC", weapon=None, modality="actual", polarity="negated"),
        ]
    )


def test_records_and_facts_in_date_order_with_undated_facts_last():
    entries = timeline("FIN", fin_apmbc(), _facts())
    rows = [(e.date, e.kind, e.action, e.undated) for e in entries]
    assert rows == [
        (date(2012, 1, 9), "record", "accession", False),
        (date(2012, 7, 1), "record", "entry_into_force", False),
        (date(2025, 6, 19), "fact", "treaty_withdrawal", False),
        (date(2025, 7, 10), "record", "withdrawal_notification", False),
        (date(2026, 1, 1), "fact", "production", False),
        (date(2026, 1, 10), "record", "withdrawal_effective", False),
        (date(2025, 5, 2), "fact", "procurement", True),
        (date(2025, 6, 27), "fact", "transfer", True),
    ]
    production = entries[4]
    assert production.independent_sources == 2
    assert production.description == "Finland plans to produce anti-personnel mines in 2026 (2 independent sources)."
    assert {s["document_id"] for s in production.sources} == {"B", "C"}
    assert entries[0].sources == [{"source_url": "https://records.example/fin-accession"}]
    assert entries[0].description == "Finland deposited its instrument of accession to the Mine Ban Treaty."
    assert entries[6].description == "Finland plans to buy anti-personnel mines (a small sum; 1 independent source)."
    assert entries[7].description.startswith("Finland is considering whether to supply mines to Ukraine")


def test_dates_the_record_lacks_are_computed_by_the_rules():
    events = [
        event("APMBC", "FIN", "accession", "2012-01-09"),
        event("APMBC", "FIN", "withdrawal_notification", "2025-07-10"),
    ]
    entries = timeline("FIN", events, [])
    computed = [(e.action, e.date) for e in entries if e.computed]
    assert computed == [("entry_into_force", date(2012, 7, 1)), ("withdrawal_effective", date(2026, 1, 10))]
    assert "computed" in entries[1].description


def test_a_withdrawal_held_by_an_armed_conflict_is_listed_without_date_after_the_dated_steps():
    events = [event("APMBC", "UKR", "ratification", "2005-12-27"), event("APMBC", "UKR", "withdrawal_notification", "2025-07-18")]
    war = [ArmedConflict(iso3="UKR", opponent="RUS", start=date(2022, 2, 24), end=None)]
    facts = build_facts([rec("A", "UKR", "production", weapon="mine", published=date(2025, 1, 1))])
    entries = timeline("UKR", events, facts, armed_conflicts=war)
    assert [(e.kind, e.action, e.date) for e in entries] == [
        ("record", "ratification", date(2005, 12, 27)),
        ("record", "entry_into_force", date(2006, 6, 1)),
        ("record", "withdrawal_notification", date(2025, 7, 18)),
        ("record", "withdrawal_effective", None),
        ("fact", "production", date(2025, 1, 1)),
    ]
    assert "cannot take effect yet" in entries[3].description


def test_treaty_filter_keeps_that_treatys_records_and_facts():
    events = fin_apmbc() + [event("CCM", "FIN", "signature", "2008-12-03")]
    facts = build_facts([
        rec("A", "FIN", "production", time=year(2026)),
        rec("B", "FIN", "stockpile", weapon="cluster_munition", modality="actual", time=year(2024)),
    ])
    ccm = timeline("FIN", events, facts, treaty="CCM")
    assert [(e.kind, e.action) for e in ccm] == [("record", "signature"), ("fact", "stockpile")]
    apmbc = timeline("FIN", events, facts, treaty="APMBC")
    assert {e.treaty for e in apmbc if e.kind == "record"} == {"APMBC"}
    assert [e.action for e in apmbc if e.kind == "fact"] == ["production"]


def test_timeline_is_deterministic():
    facts = _facts()
    first = [e.to_dict() for e in timeline("FIN", fin_apmbc(), facts)]
    assert [e.to_dict() for e in timeline("FIN", list(reversed(fin_apmbc())), list(reversed(facts)))] == first
