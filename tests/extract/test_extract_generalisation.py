"""Patterns found by a held-out audit, each tested with sentences written for this file."""

from __future__ import annotations

from datetime import date


def test_split_phrasal_withdrawal_verbs(claims_of, select):
    claims = claims_of("The Saeima decided to pull Latvia out of the Mine Ban Treaty.\n"
                       "Croatian lawmakers voted on Friday to take the country out of the Ottawa Convention.")
    assert select(claims, actor="LVA", predicate="treaty_withdrawal", treaty="APMBC", stage="decided")
    assert select(claims, actor="HRV", predicate="treaty_withdrawal", stage="approved")


def test_take_without_out_of_is_no_withdrawal(claims_of, select):
    claims = claims_of("Slovenia will take part in the Ottawa Convention meeting in Geneva.")
    assert not select(claims, predicate="treaty_withdrawal")


def test_telling_the_un_is_notification(claims_of, select):
    claims = claims_of("Hungary has formally told the United Nations that it is quitting the Ottawa Convention.")
    assert select(claims, actor="HUN", predicate="treaty_withdrawal", stage="notified")


def test_becoming_a_party_after_ratifying_is_not_accession(claims_of, select):
    claims = claims_of("Palau has ratified the Ottawa Convention, becoming the 166th state party to the treaty.")
    assert select(claims, actor="PLW", predicate="treaty_joining", stage="ratified")
    assert not select(claims, actor="PLW", stage="acceded")


def test_denials_negate(claims_of, select):
    claims = claims_of("Minsk denies planting landmines along the frontier.\n"
                       "Armenia rejected claims that it had laid anti-personnel mines near the border.")
    assert select(claims, actor="BLR", predicate="use", polarity="negated")
    assert not select(claims, actor="BLR", predicate="use", polarity="affirmed")
    assert select(claims, actor="ARM", predicate="use", polarity="negated")
    assert not select(claims, actor="ARM", predicate="use", polarity="affirmed")


def test_no_mines_in_arsenal_is_one_negated_stockpile(claims_of, select):
    claims = claims_of("Serbia has no anti-personnel mines in its arsenal, the minister said.")
    got = select(claims, actor="SRB", predicate="stockpile")
    assert got and all(c.polarity == "negated" for c in got)


def test_negated_destruction_does_not_negate_the_stock(claims_of, select):
    claims = claims_of("Romania has still not destroyed its stockpile of some 200,000 anti-personnel mines.")
    assert select(claims, actor="ROU", predicate="destruction", polarity="negated")
    assert not select(claims, actor="ROU", predicate="stockpile", polarity="negated")


def test_obligation_to_destroy_is_not_destruction(claims_of, select):
    claims = claims_of("Belarus was required to destroy its anti-personnel mines by 2008.", published=date(2025, 1, 2))
    assert not select(claims, actor="BLR", predicate="destruction", modality="actual")


def test_display_name_is_the_common_short_name(claims_of, select):
    claims = claims_of("Belarus has laid anti-personnel mines along the border.")
    got = select(claims, actor="BLR", predicate="use")
    assert got and got[0].actor.name == "Belarus"
