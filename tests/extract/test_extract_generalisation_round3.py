"""Round-3 patterns, each tested with sentences written for this file."""

from __future__ import annotations


def test_a_year_identifies_the_convention_when_another_treaty_is_named(claims_of, select):
    claims = claims_of("Chile, Peru and Ecuador have informed the United Nations that they are leaving the 1997 "
                       "convention.\n\nQuito had earlier walked away from the Convention on Cluster Munitions.")
    for iso in ("CHL", "PER", "ECU"):
        assert select(claims, actor=iso, predicate="treaty_withdrawal", treaty="APMBC")

