"""Round-2 held-out audit patterns, each tested with sentences written for this file."""

from __future__ import annotations

from datetime import date


def test_lodging_papers_is_notification_and_neither_negates_each(claims_of, select):
    claims = claims_of("Slovakia and Chile have said they will leave the Ottawa Convention, "
                       "but neither has lodged its papers with the UN yet.")
    for iso in ("SVK", "CHL"):
        assert select(claims, actor=iso, predicate="treaty_withdrawal", stage="notified", polarity="negated")
        assert select(claims, actor=iso, predicate="treaty_withdrawal", stage="proposed")


def test_no_longer_bound_is_an_affirmed_future_exit(claims_of, select):
    claims = claims_of("Croatia notified the depositary of its decision to quit the Ottawa Convention. "
                       "The country will no longer be bound by the treaty from 3 March 2027.",
                       published=date(2026, 9, 3))
    got = select(claims, actor="HRV", predicate="treaty_withdrawal", stage="effective")
    assert got and all(c.polarity == "affirmed" and c.modality == "planned" for c in got)


def test_the_exit_after_a_reported_withdrawal_keeps_the_treaty(claims_of, select):
    claims = claims_of("Portugal has decided to withdraw from the Ottawa Convention. "
                       "Lisbon's parliament endorsed the exit last week.")
    assert select(claims, actor="PRT", predicate="treaty_withdrawal", treaty="APMBC", stage="approved")


def test_a_scheduled_exit_in_a_relative_clause_is_no_stage_of_its_own(claims_of, select):
    claims = claims_of("Norway decided to leave the Ottawa Convention. A withdrawal takes effect six months "
                       "after the notification, which would put Norway's exit in the spring.")
    assert not select(claims, actor="NOR", stage="notified")


def test_agent_behind_by_of_a_nominal_decision(claims_of, select):
    claims = claims_of("Chile criticised the move by Peru to leave the Ottawa Convention.")
    assert select(claims, actor="PER", predicate="treaty_withdrawal", treaty="APMBC")
    assert not select(claims, actor="CHL", predicate="treaty_withdrawal")


def test_the_treaty_of_an_article_naming_none_is_the_mine_ban(claims_of, select):
    claims = claims_of("Anti-personnel mines killed dozens of people last year, the monitor said. "
                       "The treaty is under strain. Greece and Cyprus have decided to withdraw from the treaty.")
    assert select(claims, actor="GRC", predicate="treaty_withdrawal", treaty="APMBC")
    assert select(claims, actor="CYP", predicate="treaty_withdrawal", treaty="APMBC")


def test_split_phrasal_verb_with_the_particle_at_the_clause_end(claims_of, select):
    claims = claims_of("Moldova's status under the Ottawa Convention is unclear. "
                       "Its cabinet voted on Monday to pull the country out.")
    assert select(claims, actor="MDA", predicate="treaty_withdrawal", treaty="APMBC")


def test_agents_of_plural_decisions_subject_of_the_infinitive(claims_of, select):
    claims = claims_of('The Irish foreign minister said Ireland "strongly regrets" the decisions by Norway, '
                       'Denmark and Iceland to withdraw from the Ottawa Convention.')
    for iso in ("NOR", "DNK", "ISL"):
        assert select(claims, actor=iso, predicate="treaty_withdrawal", treaty="APMBC")
    assert not select(claims, actor="IRL", predicate="treaty_withdrawal")


def test_agent_of_steps_taken_by(claims_of, select):
    claims = claims_of("Brazil welcomed the steps taken by Chile to leave the Ottawa Convention.")
    assert select(claims, actor="CHL", predicate="treaty_withdrawal")
    assert not select(claims, actor="BRA", predicate="treaty_withdrawal")


def test_approving_the_move_after_a_reported_withdrawal(claims_of, select):
    claims = claims_of("Denmark has left the Convention on Cluster Munitions. "
                       "Danish lawmakers had endorsed the move in May 2024.")
    assert select(claims, actor="DNK", predicate="treaty_withdrawal", treaty="CCM", stage="approved")


def test_approving_the_move_without_a_withdrawal_is_nothing(claims_of, select):
    claims = claims_of("Danish lawmakers approved the move to buy new trucks, citing the Ottawa Convention talks.")
    assert not select(claims, predicate="treaty_withdrawal")


def test_a_decree_to_pull_out_and_parliament_endorsing_it_in_one_sentence(claims_of, select):
    claims = claims_of("Georgia's place in the Ottawa Convention is in doubt. President Kavelashvili signed a decree "
                       "on 3 May to take the country out, and the Georgian parliament endorsed the decision on 20 May.",
                       published=date(2026, 6, 1))
    decided = select(claims, actor="GEO", predicate="treaty_withdrawal", stage="decided")
    assert decided and all(c.modality == "actual" for c in decided)
    assert select(claims, actor="GEO", predicate="treaty_withdrawal", stage="approved", modality="actual")
