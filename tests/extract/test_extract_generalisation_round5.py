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


def test_a_capital_as_venue_is_no_antecedent_and_past_non_ratification_is_background(claims_of, select):
    claims = claims_of("Tuvalu ratified the Mine Ban Treaty on Monday.\n\n"
                       "The island nation signed the convention on 3 December 1997, at a ceremony in Ottawa, "
                       "but had not ratified it until now. It was the final signatory that had not yet "
                       "ratified the treaty.")
    assert not select(claims, actor="CAN")
    assert not select(claims, predicate="treaty_joining", polarity="negated")
    assert select(claims, actor="TUV", predicate="treaty_joining", stage="signed")


def test_the_appositive_name_acts_not_the_possessor(claims_of, select):
    claims = claims_of("Officials noted that Norway's neighbour Russia is not a party to the Ottawa Convention.")
    assert select(claims, actor="RUS", predicate="treaty_joining", polarity="negated")
    assert not select(claims, actor="NOR")


def test_a_generic_rule_statement_is_no_claim(claims_of, select):
    claims = claims_of("Chile notified the UN of its withdrawal from the Ottawa Convention.\n\n"
                       "A withdrawal takes effect six months after the depositary receives the notice.")
    assert not select(claims, predicate="treaty_withdrawal", stage="effective")
    claims = claims_of("Chile notified the UN of its withdrawal from the Ottawa Convention.\n\n"
                       "The withdrawal will take effect six months after the depositary receives the notice.")
    assert select(claims, actor="CHL", predicate="treaty_withdrawal", stage="effective", modality="planned")


def test_no_longer_parties_is_an_actual_exit(claims_of, select):
    claims = claims_of("Chile and Peru are no longer parties to the Ottawa Convention.")
    for iso in ("CHL", "PER"):
        assert select(claims, actor=iso, predicate="treaty_withdrawal", stage="effective",
                      modality="actual", polarity="affirmed")
        assert not select(claims, actor=iso, predicate="treaty_joining")


def test_the_object_of_border_is_no_actor(claims_of, select):
    claims = claims_of("Chile ratified the Ottawa Convention in 2001. By now, all three states that border "
                       "Peru have either notified or approved their exit from the treaty.")
    assert not select(claims, actor="PER")


def test_copular_status_is_in_force(claims_of, select):
    claims = claims_of("Chile is still a party to the Ottawa Convention. Peru also remains bound by the treaty.")
    assert select(claims, actor="CHL", predicate="treaty_joining", stage="in_force", modality="actual")
    assert select(claims, actor="PER", predicate="treaty_joining", stage="in_force", modality="actual")
    claims = claims_of("Bolivia became a party to the Ottawa Convention in 1998.")
    assert select(claims, actor="BOL", predicate="treaty_joining", stage="acceded")


def test_handing_a_notice_is_notification(claims_of, select):
    claims = claims_of("Chile and Peru hand UN notice of exit from mine ban treaty")
    for iso in ("CHL", "PER"):
        assert select(claims, actor=iso, predicate="treaty_withdrawal", stage="notified")


def test_bare_notified_the_un_continues_a_reported_withdrawal(claims_of, select):
    claims = claims_of("Peru deposited its notice of withdrawal from the Ottawa Convention on Monday.\n\n"
                       "Chile and Bolivia notified the UN in May.")
    for iso in ("CHL", "BOL"):
        assert select(claims, actor=iso, predicate="treaty_withdrawal", stage="notified", modality="actual")
    claims = claims_of("Chile and Bolivia notified the UN in May about a dispute over fishing rights.")
    assert not select(claims, predicate="treaty_withdrawal")


def test_put_forward_the_proposal_and_leave_it(claims_of, select):
    claims = claims_of("Chile plans to leave the Ottawa Convention.\n\n"
                       "The government put forward the proposal in April.")
    assert select(claims, actor="CHL", predicate="treaty_withdrawal", stage="proposed", modality="actual")
    claims = claims_of("Chile joined the Ottawa Convention in 2001. Last week the foreign ministers of Peru and "
                       "Bolivia recommended that their countries leave it.")
    for iso in ("PER", "BOL"):
        assert select(claims, actor=iso, predicate="treaty_withdrawal", stage="proposed")
    claims = claims_of("Chile joined the Ottawa Convention in 2001. Peru says it will leave it to the courts.")
    assert not select(claims, predicate="treaty_withdrawal")


def test_a_conjoined_clause_keeps_its_own_stage(claims_of, select):
    claims = claims_of("Peru's congress voted on Tuesday to withdraw from the Ottawa Convention.\n\n"
                       "Once the president has signed the bill, the ministry will send a formal notice to the "
                       "UN Secretary-General, and the withdrawal will take effect six months later.")
    assert select(claims, actor="PER", predicate="treaty_withdrawal", stage="notified", modality="planned")
    assert select(claims, actor="PER", predicate="treaty_withdrawal", stage="effective", modality="planned")


def test_a_stage_beyond_a_headline_colon_is_another_clause(claims_of, select):
    claims = claims_of("Chile quits the Ottawa Convention: campaigners urge remaining members to stand firm")
    assert select(claims, actor="CHL", predicate="treaty_withdrawal")
    assert not select(claims, actor="CHL", predicate="treaty_withdrawal", stage="proposed")


def test_a_state_that_followed_did_the_same_on_its_own_date(claims_of, select):
    claims = claims_of("Peru lodged its notice of withdrawal from the Ottawa Convention in May.\n\n"
                       "Chile and Bolivia notified the UN on 2 June, and Ecuador followed on 9 July.")
    ecu = select(claims, actor="ECU", predicate="treaty_withdrawal", stage="notified", modality="actual")
    assert ecu and ecu[0].time is not None and "9 July" in ecu[0].time.text
    claims = claims_of("Chile ratified the Ottawa Convention in 2001, and the debate followed in the press.")
    assert not [c for c in claims if c.actor.key != "CHL"]


def test_no_plans_but_keeping_the_option_is_considered(claims_of, select):
    claims = claims_of("The minister said Chile had no plans to lay mines on its frontier, but that the army "
                       "wanted the option of doing so at short notice.")
    assert select(claims, actor="CHL", predicate="use", modality="considered", polarity="affirmed")
    claims = claims_of("Chile has no plans to lay mines on its frontier.")
    assert select(claims, actor="CHL", predicate="use", modality="planned", polarity="negated")


def test_will_remain_a_party_is_a_denied_planned_withdrawal(claims_of, select):
    claims = claims_of("Peru intends to remain a party to the Ottawa Convention, its foreign minister said.")
    assert select(claims, actor="PER", predicate="treaty_withdrawal", modality="planned", polarity="negated")
    assert not select(claims, actor="PER", predicate="treaty_joining")
    claims = claims_of("Chile remains a party to the Ottawa Convention.")
    assert select(claims, actor="CHL", predicate="treaty_joining", stage="in_force")
    assert not select(claims, predicate="treaty_withdrawal")


def test_notifying_the_un_of_something_else_is_no_withdrawal(claims_of, select):
    claims = claims_of("Peru lodged its notice of withdrawal from the Ottawa Convention.\n\n"
                       "Chile has notified the UN that it is suspending parts of the treaty.")
    assert not select(claims, actor="CHL", predicate="treaty_withdrawal")



def test_the_withdrawals_of_named_states_are_told_as_facts(claims_of, select):
    claims = claims_of("Campaigners warned that the withdrawals of Chile, Peru and Bolivia from the Ottawa "
                       "Convention risked weakening the ban.")
    for iso in ("CHL", "PER", "BOL"):
        assert select(claims, actor=iso, predicate="treaty_withdrawal", polarity="affirmed")
    claims = claims_of("Any withdrawal from the Ottawa Convention would weaken the ban, Chile said.")
    assert not select(claims, predicate="treaty_withdrawal")


def test_what_leaving_would_bring_is_no_claim(claims_of, select):
    claims = claims_of("Peru decided to leave the Ottawa Convention.\n\n"
                       "Officials said that quitting it would give Peru more room to defend its border.")
    assert not select(claims, actor="PER", modality="considered")
    assert select(claims, actor="PER", predicate="treaty_withdrawal", stage="decided", modality="actual")
