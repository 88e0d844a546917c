"""Modality and polarity from articles written for these tests."""

from __future__ import annotations


def test_planned_cues(claims_of, select):
    claims = claims_of("Croatia plans to manufacture anti-personnel mines. "
                       "Serbia is preparing to buy anti-tank mines. "
                       "Greece will export landmines to Cyprus.")
    assert select(claims, actor="HRV", predicate="production", modality="planned")
    assert select(claims, actor="SRB", predicate="procurement", modality="planned")
    assert select(claims, actor="GRC", predicate="transfer", counterpart="CYP", modality="planned")


def test_considered_cues(claims_of, select):
    claims = claims_of("Officials in Bucharest said they could start producing landmines if required. "
                       "Sofia sees domestic mine production as a future possibility. "
                       "Slovakia would be able to export mines to Ukraine.")
    assert select(claims, actor="ROU", predicate="production", modality="considered")
    assert select(claims, actor="BGR", predicate="production", modality="considered")
    assert select(claims, actor="SVK", predicate="transfer", counterpart="UKR", modality="considered")


def test_actual(claims_of, select):
    claims = claims_of("Austria has destroyed all of its stockpiled anti-personnel mines.")
    assert select(claims, actor="AUT", predicate="destruction", modality="actual", polarity="affirmed")


def test_negation(claims_of, select):
    claims = claims_of("China has never joined the Mine Ban Treaty. India is not a party to the Ottawa Convention.")
    assert select(claims, actor="CHN", predicate="treaty_joining", polarity="negated")
    assert select(claims, actor="IND", predicate="treaty_joining", polarity="negated")


def test_denied_plan_but_considered_is_one_affirmed_considered_claim(claims_of, select):
    claims = claims_of("Although Slovenia and Croatia have not announced plans to produce mines, "
                       "such a plan is being considered.")
    for iso in ("SVN", "HRV"):
        got = select(claims, actor=iso, predicate="production")
        assert got and {(c.modality, c.polarity) for c in got} == {("considered", "affirmed")}


def test_neither_nor_subject_is_negated(claims_of, select):
    claims = claims_of("Most states are parties to the Ottawa Convention, though neither Iran nor Cuba have joined.")
    assert select(claims, actor="IRN", predicate="treaty_joining", polarity="negated")
    assert select(claims, actor="CUB", predicate="treaty_joining", polarity="negated")
