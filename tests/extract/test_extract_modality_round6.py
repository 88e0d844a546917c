"""Round-6 modality cases, with sentences written for this file."""

from __future__ import annotations


def test_not_yet_decided_is_still_considered(claims_of, select):
    claims = claims_of("Officials said Peru had not yet decided to purchase anti-personnel mines.")
    assert select(claims, actor="PER", predicate="procurement", modality="considered", polarity="affirmed")
    assert not select(claims, actor="PER", predicate="procurement", polarity="negated")


def test_not_decided_whether_is_still_considered(claims_of, select):
    claims = claims_of("Peru has not decided whether to produce anti-personnel mines at home.")
    assert select(claims, actor="PER", predicate="production", modality="considered", polarity="affirmed")


def test_deciding_against_stays_negated(claims_of, select):
    claims = claims_of("Peru has decided not to purchase anti-personnel mines.")
    assert select(claims, actor="PER", predicate="procurement", polarity="negated")


def test_not_ruling_out_is_an_affirmed_option(claims_of, select):
    claims = claims_of("Peru needs more arms, and it has not ruled out producing anti-personnel mines itself.")
    assert select(claims, actor="PER", predicate="production", modality="considered", polarity="affirmed")


def test_ruling_out_refuses(claims_of, select):
    claims = claims_of("Bolivia ruled out acquiring anti-personnel mines.")
    assert select(claims, actor="BOL", predicate="procurement", polarity="negated")


def test_a_perfect_participle_escapes_the_main_negation(claims_of, select):
    claims = claims_of("Chile does not keep any anti-personnel mines, having destroyed its stocks.")
    assert select(claims, actor="CHL", predicate="destruction", polarity="affirmed")
    assert not select(claims, actor="CHL", predicate="destruction", polarity="negated")

