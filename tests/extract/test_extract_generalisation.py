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


def test_demonym_with_group_noun_is_the_state(claims_of, select):
    claims = claims_of("Landmines remain a threat in the north. "
                       "Thai deminers cleared about 40 square kilometres of land in 2024.")
    assert select(claims, actor="THA", predicate="clearance")


def test_the_accused_is_the_actor(claims_of, select):
    claims = claims_of("Baku has accused Armenian troops of planting new anti-personnel mines.")
    assert select(claims, actor="ARM", predicate="use", weapon="ap_mine")
    assert not select(claims, actor="AZE", predicate="use")


def test_border_phrase_is_no_actor(claims_of, select):
    claims = claims_of("Lithuania plans fortifications along the borders with Belarus that will include minefields.")
    assert select(claims, actor="LTU", predicate="use", modality="planned")
    assert not select(claims, actor="BLR")


def test_hypothetical_relative_clause_is_no_procurement(claims_of, select):
    claims = claims_of("Moldova signed the convention. "
                       "The minister said the army would use any anti-tank mines it obtained.")
    assert not select(claims, predicate="procurement")


def test_recipient_as_indirect_object(claims_of, select):
    claims = claims_of("Washington has already sent Kyiv large numbers of anti-tank mines.")
    assert select(claims, actor="USA", predicate="transfer", weapon="at_mine", counterpart="UKR")


def test_use_across_a_states_land(claims_of, select):
    claims = claims_of("Russian troops laid mines across Ukrainian territory, the report said.")
    assert select(claims, actor="RUS", predicate="use", counterpart="UKR")


def test_border_length_as_predicate(claims_of, select):
    claims = claims_of("Lithuania's border with Belarus is about 680 km long.")
    got = select(claims, actor="LTU", predicate="border", counterpart="BLR")
    assert got and got[0].quantity is not None and got[0].quantity.low == 612


def test_region_stands_for_its_state_only_as_a_place(claims_of, select):
    claims = claims_of("Latvia's border with Kaliningrad is 227 km long.\nKaliningrad has deployed anti-tank mines.")
    assert select(claims, actor="LVA", predicate="border", counterpart="RUS")
    assert not select(claims, actor="RUS")


def test_weapon_pronouns_refer_to_the_previous_mention(claims_of, select):
    claims = claims_of("Serbia has no anti-personnel mines. "
                       "The country could buy them from partners or make them at home if needed, he added.\n"
                       "Cluster munitions were used in the war. "
                       "Oslo has said it does not hold any such weapons and has no plans to buy them.")
    assert select(claims, actor="SRB", predicate="procurement", weapon="ap_mine", modality="considered")
    assert select(claims, actor="SRB", predicate="production", weapon="ap_mine", modality="considered")
    assert select(claims, actor="NOR", predicate="stockpile", weapon="cluster_munition", polarity="negated")
    assert select(claims, actor="NOR", predicate="procurement", weapon="cluster_munition", polarity="negated")


def test_weapon_pronoun_needs_a_recent_antecedent(claims_of, select):
    claims = claims_of("Anti-personnel mines were discussed. The summit ended. Talks went on. "
                       "Officials met. Norway could buy them, he said.")
    assert not select(claims, actor="NOR", predicate="procurement")


def test_accusation_with_of_on_the_object(claims_of, select):
    claims = claims_of("Yerevan has accused Azerbaijani troops of laying new anti-tank mines along the disputed border.")
    assert select(claims, actor="AZE", predicate="use", weapon="at_mine")
    assert not select(claims, actor="ARM", predicate="use")


def test_definite_army_is_the_home_state(claims_of, select):
    claims = claims_of("Latvia will leave the Ottawa Convention, Latvia's defence minister said. "
                       "Latvia plans to buy anti-personnel mines. "
                       "The army has already ordered anti-tank mines from a Swedish manufacturer, she added.")
    assert select(claims, actor="LVA", predicate="procurement", weapon="at_mine", modality="actual")
    assert not select(claims, predicate="production")


def test_officials_said_they_is_the_named_state(claims_of, select):
    claims = claims_of("Moscow ignores the Ottawa Convention. Kyiv has not sent an instrument of withdrawal, "
                       "and officials said they did not intend to leave the treaty outright.")
    assert not select(claims, actor="RUS", predicate="treaty_withdrawal")
    got = select(claims, actor="UKR", predicate="treaty_withdrawal", polarity="negated")
    assert {c.stage for c in got} >= {"notified"}


def test_past_obligation_is_not_destruction(claims_of, select):
    claims = claims_of("Ukraine still holds three million anti-personnel mines that it was obliged to destroy years ago.")
    assert select(claims, actor="UKR", predicate="stockpile")
    assert not select(claims, predicate="destruction")


def test_future_obligation_is_a_plan(claims_of, select):
    claims = claims_of("Georgia is required to destroy its anti-personnel mines by 2027.", published=date(2025, 1, 1))
    assert select(claims, actor="GEO", predicate="destruction", modality="planned")


def test_headline_plan_is_planned_for_both_states(claims_of, select):
    claims = claims_of("Norway and Sweden Plan Landmine Production\n\nThe two countries gave no details.")
    assert select(claims, actor="NOR", predicate="production", modality="planned")
    assert select(claims, actor="SWE", predicate="production", modality="planned")
    assert not select(claims, predicate="production", modality="actual")


def test_dateline_date_is_not_the_event_date(claims_of, select):
    claims = claims_of("RIGA, March 7 — Latvia's withdrawal from the Convention on Cluster Munitions took effect "
                       "on Thursday.", published=date(2025, 3, 8))
    got = select(claims, actor="LVA", stage="effective")
    assert got and got[0].time is not None and got[0].time.start == date(2025, 3, 6)


def test_bracketed_dateline_names_no_actor(claims_of, select):
    claims = claims_of("(Kyiv, May 3, 2024) – Russian forces used anti-personnel mines near the front, the report said.")
    assert select(claims, actor="RUS", predicate="use")
    assert not select(claims, actor="UKR", predicate="use")


def test_year_in_a_treaty_name_is_no_event_date(claims_of, select):
    claims = claims_of("Latvia's parliament voted to leave the 1997 Ottawa Convention.", published=date(2025, 4, 1))
    got = select(claims, actor="LVA", predicate="treaty_withdrawal")
    assert got and all(c.time is None for c in got)


def test_date_of_saying_is_not_the_event_date(claims_of, select):
    claims = claims_of("Palau has ratified the Mine Ban Treaty, the United Nations said on Thursday.",
                       published=date(2025, 9, 5))
    got = select(claims, actor="PLW", stage="ratified")
    assert got and got[0].time is None


def test_organisations_are_no_speakers(claims_of, select):
    claims = claims_of("Palau has ratified the Mine Ban Treaty, the United Nations said.\n"
                       "Landmines killed 500 people in Laos in 2023, according to Human Rights Watch.")
    assert all(c.speaker is None for c in claims)


def test_signing_a_law_is_no_speech(claims_of, select):
    claims = claims_of("Latvian President Edgars Rinkevics has signed a law on Latvia's withdrawal from the "
                       "Ottawa Convention.")
    got = select(claims, actor="LVA", stage="approved")
    assert got and got[0].speaker is None


def test_global_monitor_total_is_the_world(claims_of, select):
    claims = claims_of("Landmines and explosive remnants killed or injured more than 5,000 people in 2023, "
                       "according to the Landmine Monitor report released on Monday.")
    got = select(claims, actor="world", predicate="casualties")
    assert got and got[0].quantity is not None and got[0].quantity.low == 5000


def test_notifying_the_un_of_a_decision(claims_of, select):
    claims = claims_of("Sweden has left the Ottawa Convention. Stockholm notified the United Nations of its decision "
                       "on July 10.\nDenmark voted to leave the Ottawa Convention. "
                       "The UN Secretary-General received Copenhagen's notification on Wednesday.")
    assert select(claims, actor="SWE", stage="notified", modality="actual")
    assert select(claims, actor="DNK", stage="notified")


def test_elliptic_not_a_party(claims_of, select):
    claims = claims_of("Finland voted to leave the Ottawa Convention. Russia is not a party, Finnish officials noted.")
    assert select(claims, actor="RUS", predicate="treaty_joining", treaty="APMBC", polarity="negated")
    assert not select(claims, actor="FIN", predicate="treaty_joining")


def test_spending_on_works_that_include_mines_is_no_mine_purchase(claims_of, select):
    claims = claims_of("Sweden plans to spend about 2 billion euros on the Nordic Line, a chain of bunkers along "
                       "the border with Russia that will include minefields.")
    assert select(claims, actor="SWE", predicate="use", modality="planned")
    assert not select(claims, predicate="procurement")
    assert not select(claims, actor="RUS")


def test_accuser_and_bystanders_are_not_the_accused(claims_of, select):
    claims = claims_of("Tensions with Laos have grown. Hanoi has accused Lao troops of laying new anti-personnel "
                       "mines along the border, where several Vietnamese soldiers were wounded.")
    assert select(claims, actor="LAO", predicate="use")
    assert not select(claims, actor="VNM", predicate="use")


def test_date_in_a_treaty_title_is_no_event_date(claims_of, select):
    claims = claims_of("The decree puts into effect Serbia's withdrawal from the Convention on the Prohibition of the "
                       "Use, Stockpiling, Production and Transfer of Anti-Personnel Mines and on Their Destruction "
                       "of September 18, 1997.", published=date(2025, 7, 1))
    got = select(claims, actor="SRB", predicate="treaty_withdrawal")
    assert got and all(c.time is None or c.time.start.year != 1997 for c in got)


def test_joining_date_after_the_treaty_is_kept(claims_of, select):
    claims = claims_of("Ecuador ratified the treaty in 1999. Ecuador ratified the Mine Ban Treaty in 1999.")
    got = select(claims, actor="ECU", stage="ratified")
    assert got and got[0].time is not None and got[0].time.start == date(1999, 1, 1)


def test_similar_decisions_by_other_states(claims_of, select):
    claims = claims_of("Croatia's parliament voted to leave the Ottawa Convention. "
                       "Zagreb's move follows similar decisions by lawmakers in Slovenia and Hungary.")
    assert select(claims, actor="HRV", stage="approved")
    assert select(claims, actor="SVN", predicate="treaty_withdrawal", stage="decided")
    assert select(claims, actor="HUN", predicate="treaty_withdrawal", stage="decided")


def test_such_a_decision_made_by_a_state(claims_of, select):
    claims = claims_of("Croatia's parliament voted to leave the Ottawa Convention. "
                       "Earlier, such a decision was made by Slovenia.")
    assert select(claims, actor="SVN", predicate="treaty_withdrawal", stage="decided")


def test_such_a_step_needs_a_reported_withdrawal(claims_of, select):
    claims = claims_of("Croatia bought new tanks under the Ottawa Convention rules. Such a step is rare, Slovenia said.")
    assert not select(claims, predicate="treaty_withdrawal")


def test_person_reporting_what_the_army_will_do(claims_of, select):
    claims = claims_of("Ukraine holds anti-personnel mines. Ukraine joined the Ottawa Convention in 2005. "
                       "Deputy Minister Ivan Petrenko said the army would use any anti-personnel mines it obtained "
                       "only on Ukrainian soil.")
    assert select(claims, actor="UKR", predicate="use", weapon="ap_mine", modality="planned")
    assert not select(claims, predicate="procurement")


def test_generic_treaty_with_a_year(claims_of, select):
    claims = claims_of("Finland joined the Ottawa Convention. "
                       "In 2012, Finland became the last EU member state to sign onto the 1997 treaty.")
    got = select(claims, actor="FIN", stage="signed", treaty="APMBC")
    assert got and got[0].time is not None and got[0].time.start == date(2012, 1, 1)


def test_capital_as_venue_is_no_actor(claims_of, select):
    claims = claims_of("Palau joined the Ottawa Convention. The accord, opened for signature at a conference in "
                       "Ottawa in 1997, was finally ratified last week.")
    assert not select(claims, actor="CAN")


def test_fronted_capital_stands_for_its_lawmakers(claims_of, select):
    claims = claims_of("Estonia left the Ottawa Convention. In Riga, lawmakers are due to debate a bill to withdraw "
                       "from the Ottawa Convention next month.", published=date(2025, 3, 1))
    assert select(claims, actor="LVA", predicate="treaty_withdrawal", stage="proposed")


def test_joining_as_past_background_happened(claims_of, select):
    claims = claims_of("Chile used anti-personnel mines until the 1990s. The Chileans destroyed their last stocks "
                       "of the weapons in 2015, three years after joining the Mine Ban Treaty.")
    assert select(claims, actor="CHL", predicate="destruction", weapon="ap_mine")
    got = select(claims, actor="CHL", predicate="treaty_joining", modality="actual")
    assert got and got[0].time is None


def test_joining_as_a_future_condition_is_no_claim(claims_of, select):
    claims = claims_of("Once it joins the Mine Ban Treaty, Peru will destroy its anti-personnel mines. "
                       "After joining the Mine Ban Treaty, Bolivia will destroy its anti-personnel mines.")
    assert not select(claims, predicate="treaty_joining")


def test_free_to_is_a_capability(claims_of, select):
    claims = claims_of("Romania told the UN it is leaving the Ottawa Convention; in six months the country will "
                       "again be free to stockpile and use anti-personnel mines.")
    got = select(claims, actor="ROU", predicate="use")
    assert got and all(c.modality == "considered" for c in got)


def test_accused_of_a_nominal_activity(claims_of, select):
    claims = claims_of("Officials accused Azerbaijani soldiers of mining farmland near the border.")
    assert select(claims, actor="AZE", predicate="use")
    assert not select(claims, actor="ARM", predicate="use")
