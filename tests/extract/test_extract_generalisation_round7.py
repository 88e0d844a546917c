"""Round-7 patterns, each tested with sentences written for this file."""

from __future__ import annotations

from datetime import date


def test_stopping_being_a_party_is_the_exit_not_joining(claims_of, select):
    claims = claims_of("Norway, Sweden and Denmark stopped being parties to the Ottawa Convention on Monday.",
                       published=date(2026, 3, 3))
    for iso in ("NOR", "SWE", "DNK"):
        assert select(claims, actor=iso, predicate="treaty_withdrawal", stage="effective", modality="actual")
        assert not select(claims, actor=iso, predicate="treaty_joining")


def test_not_until_a_year_affirms_the_act_at_that_time(claims_of, select):
    claims = claims_of("Chile signed the Ottawa Convention in 1997 but did not ratify it until 2001, officials said.")
    assert select(claims, actor="CHL", predicate="treaty_joining", stage="ratified", polarity="affirmed")
    assert not select(claims, actor="CHL", predicate="treaty_joining", stage="ratified", polarity="negated")
    # a plain denial stays a denial
    claims = claims_of("Chile has not ratified the Ottawa Convention.")
    assert select(claims, actor="CHL", predicate="treaty_joining", stage="ratified", polarity="negated")


def test_no_longer_barred_from_acts_is_a_capability_not_the_acts(claims_of, select):
    claims = claims_of("Norway, Sweden and Denmark stopped being parties to the Ottawa Convention on Monday. "
                       "As a result the three Nordic countries are no longer barred by the treaty from "
                       "stockpiling, producing or laying anti-personnel mines.", published=date(2026, 3, 3))
    for pred in ("stockpile", "production", "use"):
        assert not select(claims, actor="NOR", predicate=pred, modality="actual")
        assert select(claims, actor="NOR", predicate=pred, modality="considered")


def test_respectively_with_more_states_than_dates_dates_nobody(claims_of, select):
    claims = claims_of("Chile, Peru and Bolivia are leaving the Ottawa Convention. Their withdrawals take effect "
                       "on 2 May 2026 and 9 June 2026 respectively.", published=date(2026, 1, 5))
    got = select(claims, predicate="treaty_withdrawal", stage="effective")
    assert got and all(c.time is None or c.time.start is None for c in got)
    # with one date per state, each gets its own
    claims = claims_of("Chile and Peru are leaving the Ottawa Convention. Their withdrawals take effect "
                       "on 2 May 2026 and 9 June 2026 respectively.", published=date(2026, 1, 5))
    chl = select(claims, actor="CHL", predicate="treaty_withdrawal", stage="effective")
    per = select(claims, actor="PER", predicate="treaty_withdrawal", stage="effective")
    assert chl and chl[0].time.start == date(2026, 5, 2) and per and per[0].time.start == date(2026, 6, 9)


def test_states_that_are_bordered_are_no_antecedents(claims_of, select):
    claims = claims_of("The ministers of Norway and Sweden said threats to members bordering Russia and Belarus "
                       "had grown. They asked their governments to take the decision to leave the Ottawa Convention.")
    assert select(claims, predicate="treaty_withdrawal")
    assert not select(claims, actor="RUS") and not select(claims, actor="BLR")
