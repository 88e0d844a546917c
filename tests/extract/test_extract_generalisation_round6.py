"""Round-6 patterns, each tested with sentences written for this file."""

from __future__ import annotations

from datetime import date


def test_handing_over_a_notification_of_withdrawal_is_one_notified_claim(claims_of, select):
    claims = claims_of("Norway handed over its notification of withdrawal from the Ottawa Convention.")
    assert select(claims, actor="NOR", predicate="treaty_withdrawal", stage="notified")
    assert not select(claims, actor="NOR", predicate="treaty_withdrawal", stage="decided")


def test_handing_the_un_a_formal_notice_of_withdrawal_is_notified(claims_of, select):
    claims = claims_of("Chile handed the UN Secretary-General its formal notice of withdrawal from the "
                       "Ottawa Convention on Monday.")
    assert select(claims, actor="CHL", predicate="treaty_withdrawal", stage="notified")
    assert not select(claims, actor="CHL", predicate="treaty_withdrawal", stage="decided")


def test_gapped_remnants_repeat_the_dated_notification(claims_of, select):
    claims = claims_of("Bolivia, Peru and Chile are quitting the Ottawa Convention. Bolivia notified the UN "
                       "on 4 March, Peru on 11 April and Chile on 2 May.", published=date(2025, 6, 1))
    for iso, day in (("BOL", "03-04"), ("PER", "04-11"), ("CHL", "05-02")):
        got = select(claims, actor=iso, predicate="treaty_withdrawal", stage="notified")
        assert got and got[0].time.start.isoformat().endswith(day)


def test_possessive_remnant_repeats_the_effective_date(claims_of, select):
    claims = claims_of("Chile's exit from the Ottawa Convention took effect on 8 August and Peru's on 30 "
                       "September.", published=date(2025, 10, 1))
    got = select(claims, actor="PER", predicate="treaty_withdrawal", stage="effective")
    assert got and got[0].time.start.month == 9


def test_a_ratification_year_remnant(claims_of, select):
    claims = claims_of("Chile ratified the Ottawa Convention in 2001 and Peru in 2003.")
    got = select(claims, actor="PER", predicate="treaty_joining", stage="ratified")
    assert got and got[0].time.start.year == 2003


def test_a_state_with_its_own_verb_is_no_remnant(claims_of, select):
    claims = claims_of("Chile ratified the Ottawa Convention in 2001, and Peru in 2003 said it would study it.")
    assert not select(claims, actor="PER", predicate="treaty_joining", stage="ratified")


def test_leaving_set_for_a_day_is_the_planned_effective_date(claims_of, select):
    claims = claims_of("Peru will leave the Ottawa Convention on 14 November.", published=date(2025, 6, 1))
    got = select(claims, actor="PER", predicate="treaty_withdrawal", stage="effective", modality="planned")
    assert got and got[0].time.start == date(2025, 11, 14)


def test_a_relative_clause_keeps_its_own_dated_stage(claims_of, select):
    claims = claims_of("Peru and Bolivia told the UN on Tuesday that they are quitting the Ottawa Convention, "
                       "a move that will take them out of the treaty on 3 December.", published=date(2025, 6, 5))
    for iso in ("PER", "BOL"):
        assert select(claims, actor=iso, predicate="treaty_withdrawal", stage="effective", modality="planned")


def test_deciding_on_a_day_is_no_effective_date(claims_of, select):
    claims = claims_of("Peru will decide on 14 November whether to leave the Ottawa Convention.")
    assert not select(claims, actor="PER", predicate="treaty_withdrawal", stage="effective")


def test_whose_withdrawals_belong_to_the_listed_states(claims_of, select):
    claims = claims_of("Peru is the fourth state to quit the Ottawa Convention, after Chile, Bolivia and "
                       "Ecuador, whose withdrawals took effect on 2 April 2025.", published=date(2025, 9, 1))
    for iso in ("CHL", "BOL", "ECU"):
        assert select(claims, actor=iso, predicate="treaty_withdrawal", stage="effective", modality="actual")


def test_an_exit_that_follows_on_a_day_is_its_effective_date(claims_of, select):
    claims = claims_of("Ecuador's withdrawal from the Ottawa Convention will follow on 9 March 2027, and "
                       "Bolivia's on 1 May 2027.", published=date(2026, 12, 1))
    for iso, month in (("ECU", 3), ("BOL", 5)):
        got = select(claims, actor=iso, predicate="treaty_withdrawal", stage="effective", modality="planned")
        assert got and got[0].time.start.month == month


def test_a_counted_anaphor_coordinated_with_a_name(claims_of, select):
    claims = claims_of("Chile, Peru and Bolivia told the UN of their exit from the Ottawa Convention. It started "
                       "in May, when the foreign ministers of the three countries and Ecuador jointly proposed "
                       "leaving the treaty.", published=date(2025, 9, 1))
    for iso in ("CHL", "PER", "BOL", "ECU"):
        assert select(claims, actor=iso, predicate="treaty_withdrawal", stage="proposed")


def test_a_counted_anaphor_that_does_not_fit_the_focus_adds_no_one(claims_of, select):
    claims = claims_of("Chile and Peru told the UN of their exit from the Ottawa Convention. In May the "
                       "ministers of the three countries and Ecuador proposed leaving the treaty.")
    assert select(claims, actor="ECU", predicate="treaty_withdrawal", stage="proposed")
    assert not select(claims, actor="CHL", predicate="treaty_withdrawal", stage="proposed")


def test_the_main_subject_is_the_antecedent_not_every_named_state(claims_of, select):
    claims = claims_of("Chilean officials said Santiago wanted to purchase anti-personnel mines. Peru, which "
                       "borders both Bolivia and Ecuador, has gone further. Its army says it wants to buy "
                       "thousands of anti-personnel mines.")
    assert select(claims, actor="PER", predicate="procurement", modality="planned")
    assert not [c for c in select(claims, actor="CHL", predicate="procurement") if c.quantity]


def test_a_dated_effect_under_once_is_told(claims_of, select):
    claims = claims_of("Peru plans to produce anti-personnel mines once its exit from the Ottawa Convention takes "
                       "effect in March 2027.", published=date(2026, 10, 1))
    assert select(claims, actor="PER", predicate="treaty_withdrawal", stage="effective", modality="planned")


def test_an_undated_effect_under_once_stays_a_condition(claims_of, select):
    claims = claims_of("Peru plans to produce anti-personnel mines once its exit from the Ottawa Convention takes effect.")
    assert not select(claims, actor="PER", predicate="treaty_withdrawal")


def test_ceasing_to_be_a_party_is_the_exit_not_joining(claims_of, select):
    claims = claims_of("Ecuador will cease to be a party to the Ottawa Convention on 12 June.",
                       published=date(2026, 1, 5))
    assert select(claims, actor="ECU", predicate="treaty_withdrawal", stage="effective", modality="planned")
    assert not select(claims, actor="ECU", predicate="treaty_joining")


def test_a_background_after_clause_lends_no_stage(claims_of, select):
    claims = claims_of("Ecuador left the Ottawa Convention on Monday, half a year after it informed the UN "
                       "Secretary-General of its decision.", published=date(2026, 3, 4))
    assert select(claims, actor="ECU", predicate="treaty_withdrawal", stage="effective", modality="actual")


def test_an_intransitive_leaving_in_a_withdrawal_story(claims_of, select):
    claims = claims_of("Chile is quitting the Ottawa Convention. Peru unveiled its own plan to leave on 2 May.",
                       published=date(2025, 8, 1))
    got = select(claims, actor="PER", predicate="treaty_withdrawal", treaty="APMBC")
    assert got and got[0].time is not None and got[0].time.start == date(2025, 5, 2)


def test_troops_that_leave_are_no_withdrawal(claims_of, select):
    claims = claims_of("Chile is quitting the Ottawa Convention. Its soldiers will leave in June.")
    assert all(c.time is None for c in select(claims, actor="CHL", predicate="treaty_withdrawal"))


def test_proposed_the_move_continues_a_reported_withdrawal(claims_of, select):
    claims = claims_of("Peru is quitting the Ottawa Convention. Its cabinet had first proposed the move in "
                       "February, citing border tensions.", published=date(2025, 8, 1))
    assert select(claims, actor="PER", predicate="treaty_withdrawal", stage="proposed", modality="actual")


def test_proposed_the_move_alone_is_no_withdrawal(claims_of, select):
    claims = claims_of("Peru's cabinet proposed the move to cut fuel taxes in February.")
    assert not select(claims, predicate="treaty_withdrawal")
