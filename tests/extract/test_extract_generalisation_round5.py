"""Round-5 patterns, each tested with sentences written for this file."""

from __future__ import annotations


def test_plural_withdrawals_take_effect_for_the_states_in_focus(claims_of, select):
    claims = claims_of("Chile and Peru told the United Nations on Monday that they are quitting the Ottawa "
                       "Convention. Under the treaty's terms, the withdrawals take effect six months later.")
    for iso in ("CHL", "PER"):
        assert select(claims, actor=iso, predicate="treaty_withdrawal", stage="effective")


def test_the_move_recommended_in_a_statement_by_ministers(claims_of, select):
    claims = claims_of("Chile and Peru have decided to leave the Ottawa Convention.\n\n"
                       "The step was first proposed in May in a letter by the foreign ministers of Chile, "
                       "Peru and Bolivia.")
    for iso in ("CHL", "PER", "BOL"):
        assert select(claims, actor=iso, predicate="treaty_withdrawal", stage="proposed", modality="actual")


def test_parliaments_in_capitals_passed_the_necessary_laws(claims_of, select):
    claims = claims_of("Norway and Sweden announced their decision to withdraw from the Ottawa Convention.\n\n"
                       "The parliaments in Bern and Vienna have since passed the required legislation.")
    for iso in ("CHE", "AUT"):
        assert select(claims, actor=iso, predicate="treaty_withdrawal", stage="approved", modality="actual")
    assert not select(claims, actor="NOR", stage="approved")


def test_passing_a_law_without_a_reported_withdrawal_is_no_withdrawal(claims_of, select):
    claims = claims_of("The parliaments in Oslo and Stockholm passed the necessary laws on fishing quotas.")
    assert not select(claims, predicate="treaty_withdrawal")
