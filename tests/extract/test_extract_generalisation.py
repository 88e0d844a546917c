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


def test_future_entry_into_force_for_a_state(claims_of, select):
    claims = claims_of("Tuvalu ratified the Ottawa Convention in March. "
                       "The treaty will enter into force for the country on September 1, 2026.",
                       published=date(2026, 4, 1))
    got = select(claims, actor="TUV", predicate="treaty_joining", stage="in_force")
    assert got and got[0].modality == "planned"


def test_present_tense_effect_after_publication_is_planned(claims_of, select):
    claims = claims_of("Chile's withdrawal from the Ottawa Convention takes effect on December 20, 2025.",
                       published=date(2025, 9, 1))
    assert select(claims, actor="CHL", stage="effective", modality="planned")


def test_past_effect_stays_actual(claims_of, select):
    claims = claims_of("Chile's withdrawal from the Ottawa Convention took effect on March 2, 2025.",
                       published=date(2025, 3, 5))
    assert select(claims, actor="CHL", stage="effective", modality="actual")


def test_reported_would_is_a_plan(claims_of, select):
    claims = claims_of("Norway's parliament voted to leave the Ottawa Convention. "
                       "Officials said Norway would deposit its instrument of withdrawal with the UN next week.",
                       published=date(2025, 9, 1))
    assert select(claims, actor="NOR", stage="notified", modality="planned")


def test_not_a_member_is_a_negated_joining(claims_of, select):
    claims = claims_of("India is not a member of the CCM, the ministry noted.\n"
                       "Lithuania left the Convention on Cluster Munitions. "
                       "Moscow, which is not a member, uses cluster munitions heavily.")
    assert select(claims, actor="IND", predicate="treaty_joining", treaty="CCM", polarity="negated")
    assert select(claims, actor="RUS", predicate="treaty_joining", treaty="CCM", polarity="negated")
    assert not select(claims, actor="LTU", predicate="treaty_joining")


def test_member_of_an_alliance_is_no_treaty_joining(claims_of, select):
    claims = claims_of("Estonia, a member of NATO since 2004, ratified the Ottawa Convention in 2004.")
    assert select(claims, actor="EST", predicate="treaty_joining", stage="ratified")
    assert not select(claims, actor="EST", predicate="treaty_joining", stage="acceded")


def test_the_islands_refers_to_the_last_state(claims_of, select):
    claims = claims_of("Palau has ratified the Ottawa Convention. "
                       "The islands hold no stockpile of anti-personnel mines, officials said.")
    assert select(claims, actor="PLW", predicate="stockpile", polarity="negated")
