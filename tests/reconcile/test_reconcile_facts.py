"""Facts: linking claims across documents, counting independent sources, merging values."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date

import pytest
from reconcile_factory import eur, mines, rec, year

from minewatch.reconcile import build_fact, build_facts, fact_key


def test_two_copies_of_one_story_are_one_fact_and_one_source():
    a = rec("A", "FIN", "production", time=year(2026), story="s-1")
    b = rec("B", "FIN", "production", time=year(2026), story="s-1", published=date(2025, 6, 28))
    fact = build_fact([a, b])
    assert fact is not None
    assert fact.id == fact_key(a.claim) == fact_key(b.claim)
    assert fact.document_ids == ["A", "B"]
    assert len(fact.claim_ids) == 2
    assert fact.independent_sources == 1
    assert fact.first_reported == date(2025, 6, 27)
    assert fact.last_reported == date(2025, 6, 28)
    assert fact.event_date == date(2026, 1, 1)
    assert fact.modality == "planned"


def test_two_stories_are_two_sources_and_a_lone_document_counts_as_its_own_story():
    a = rec("A", "FIN", "production", story="s-1")
    b = rec("B", "FIN", "production", story="s-2")
    assert build_fact([a, b]).independent_sources == 2  # type: ignore[union-attr]
    c = rec("C", "FIN", "production", story=None)
    d = rec("D", "FIN", "production", story=None)
    assert build_fact([a, c, d]).independent_sources == 3  # type: ignore[union-attr]


def test_rejected_claims_take_no_part():
    a = rec("A", "FIN", "production", story="s-1")
    b = rec("B", "FIN", "production", story="s-2", review="rejected", published=date(2020, 1, 1))
    fact = build_fact([a, b])
    assert fact is not None
    assert fact.document_ids == ["A"]
    assert fact.independent_sources == 1
    assert fact.first_reported == date(2025, 6, 27)
    assert build_fact([b]) is None


def test_corrected_values_are_the_ones_merged_and_mark_the_fact_verified():
    wrong = rec("A", money=eur(1_000_000, 9_999_999, "millions of euros"), story="s-1")
    # the store applies the analyst's correction to the claim before reconciliation
    corrected = replace(wrong, claim=replace(wrong.claim, money=eur(100_000_000, 999_999_999, "hundreds of millions")))
    corrected.review = "corrected"
    other = rec("B", money=eur(100_000_000, None, "more than 100 million euros"), story="s-2")
    fact = build_fact([corrected, other])
    assert fact is not None
    assert (fact.money.low, fact.money.high, fact.money.currency) == (100_000_000, 999_999_999, "EUR")  # type: ignore[union-attr]
    assert fact.verified
    assert not build_fact([other]).verified  # type: ignore[union-attr]


def test_overlapping_ranges_merge_to_their_intersection_and_disagreeing_ones_to_none():
    a = rec("A", quantity=mines(10_000, None, "tens of thousands or more"), story="s-1")
    b = rec("B", quantity=mines(10_000, 99_999, "tens of thousands"), story="s-2")
    fact = build_fact([a, b])
    assert (fact.quantity.low, fact.quantity.high, fact.quantity.text) == (10_000, 99_999, "tens of thousands")  # type: ignore[union-attr]
    c = rec("C", quantity=mines(1_000, 9_999, "thousands"), story="s-3")
    assert build_fact([a, b, c]).quantity is None  # type: ignore[union-attr]


def test_a_value_without_unit_joins_the_only_unit_reported():
    a = rec("A", quantity=mines(10_000, 99_999))
    b = rec("B", quantity=replace(mines(20_000, 20_000), unit=None))
    fact = build_fact([a, b])
    assert (fact.quantity.low, fact.quantity.high, fact.quantity.unit) == (20_000, 20_000, "mines")  # type: ignore[union-attr]


def test_strongest_modality_is_the_facts_and_modality_is_not_in_the_key():
    considered = rec("A", "POL", "production", modality="considered", weapon="mine")
    planned = rec("B", "POL", "production", modality="planned", weapon="mine", story="s-2")
    actual = rec("C", "POL", "production", modality="actual", weapon="mine", story="s-3")
    assert fact_key(considered.claim) == fact_key(actual.claim)
    assert build_fact([considered, planned]).modality == "planned"  # type: ignore[union-attr]
    assert build_fact([considered, planned, actual]).modality == "actual"  # type: ignore[union-attr]
    assert build_fact([considered, planned, actual]).modalities == {"actual": 1, "considered": 1, "planned": 1}  # type: ignore[union-attr]


def test_polarity_counterpart_and_stage_are_in_the_key():
    base = rec("A", "RUS", "treaty_joining", stage=None, treaty="APMBC", weapon=None, modality="actual")
    negated = rec("A", "RUS", "treaty_joining", stage=None, treaty="APMBC", weapon=None, modality="actual", polarity="negated")
    signed = rec("A", "RUS", "treaty_joining", stage="signed", treaty="APMBC", weapon=None, modality="actual")
    to_ukr = rec("A", "FIN", "transfer", weapon="mine", counterpart="UKR")
    to_pol = rec("A", "FIN", "transfer", weapon="mine", counterpart="POL")
    assert len({fact_key(r.claim) for r in (base, negated, signed)}) == 3
    assert fact_key(to_ukr.claim) != fact_key(to_pol.claim)


def test_missing_publication_dates_are_tolerated():
    a = rec("A", "FIN", "production", published=None)
    b = rec("B", "FIN", "production", published=None, story="s-2")
    fact = build_fact([a, b])
    assert fact.first_reported is None and fact.last_reported is None  # type: ignore[union-attr]
    c = rec("C", "FIN", "production", published=date(2025, 7, 1), story="s-3")
    assert build_fact([a, b, c]).first_reported == date(2025, 7, 1)  # type: ignore[union-attr]


def test_same_inputs_in_any_order_give_the_same_fact():
    recs = [rec(d, "FIN", "production", story=f"s-{i % 3}", published=date(2025, 6, 1 + i)) for i, d in enumerate("ABCDEFG")]
    first = build_fact(recs).to_dict()  # type: ignore[union-attr]
    shuffled = recs[:]
    random.Random(4).shuffle(shuffled)
    assert build_fact(shuffled).to_dict() == first  # type: ignore[union-attr]


def test_mixed_keys_are_refused_by_build_fact_and_split_by_build_facts():
    a = rec("A", "FIN", "production")
    b = rec("B", "LTU", "production")
    with pytest.raises(ValueError):
        build_fact([a, b])
    facts = build_facts([a, b, rec("C", "LTU", "production", review="rejected")])
    assert sorted(f.actor.iso3 for f in facts) == ["FIN", "LTU"]
    assert [f.id for f in facts] == sorted(f.id for f in facts)


def test_fact_to_dict_is_json_ready():
    import json

    fact = build_fact([rec("A", money=eur(1, 2), time=year(2026))])
    text = json.dumps(fact.to_dict())  # type: ignore[union-attr]
    assert '"event_date": "2026-01-01"' in text


def test_to_dict_can_cap_long_lists_of_a_widely_reported_fact():
    fact = build_fact([rec(f"d{i}", "FIN", "production", story=f"s-{i}") for i in range(50)])
    d = fact.to_dict(max_items=10)  # type: ignore[union-attr]
    assert len(d["claim_ids"]) == len(d["sources"]) == 10
    assert d["claim_count"] == d["document_count"] == d["independent_sources"] == 50


def test_fact_survives_a_round_trip_through_its_dict():
    import json

    from minewatch.reconcile import Fact

    fact = build_fact([
        rec("A", "FIN", "transfer", weapon="mine", counterpart="UKR", money=eur(1, 5, "a few euros"), time=year(2026),
            quantity=mines(10, 20), review="verified"),
        rec("B", "FIN", "transfer", weapon="mine", counterpart="UKR", story="s-2", published=None),
    ])
    back = Fact.from_dict(json.loads(json.dumps(fact.to_dict())))  # type: ignore[union-attr]
    assert back == fact
