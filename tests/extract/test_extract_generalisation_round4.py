"""Round-4 patterns, each tested with sentences written for this file."""

from __future__ import annotations


def test_their_own_vote_or_notification_continues_a_reported_withdrawal(claims_of, select):
    claims = claims_of("Chile, Peru and Ecuador have decided to withdraw from the Ottawa Convention.\n\n"
                       "Chile's Senate approved the withdrawal in May. Peru's parliament passed its own bill "
                       "weeks later, and Ecuador's assembly completed its own vote in July.\n\n"
                       "Colombia and Venezuela are expected to deliver their own notifications soon.")
    for iso in ("PER", "ECU"):
        assert select(claims, actor=iso, predicate="treaty_withdrawal", stage="approved", modality="actual")
    for iso in ("COL", "VEN"):
        assert select(claims, actor=iso, predicate="treaty_withdrawal", stage="notified", modality="planned")


def test_own_vote_without_a_reported_withdrawal_is_no_withdrawal(claims_of, select):
    claims = claims_of("Norway's parliament completed its own vote on the fisheries budget on Tuesday.")
    assert not select(claims, predicate="treaty_withdrawal")


def test_a_ranking_gives_each_listed_state_its_own_count(claims_of, select):
    claims = claims_of("Landmines killed or wounded 4,100 people in 2023, the report found. Colombia recorded "
                       "the most victims, with 1,700, followed by Yemen with just over 600 and Iraq with some 300.")
    yem = select(claims, actor="YEM", predicate="casualties")
    irq = select(claims, actor="IRQ", predicate="casualties")
    assert yem and yem[0].quantity.low == 600
    assert irq and irq[0].quantity.low < 300 < irq[0].quantity.high


def test_a_ranking_continued_in_the_next_sentence(claims_of, select):
    claims = claims_of("Nigeria recorded the most mine casualties again, with 1,029 people killed or injured. "
                       "It was followed by Sudan with 815 and Chad with 424.\n\n"
                       "Mines killed 3,300 people worldwide last year. Angola alone accounted for 900 of them.")
    for iso, n in (("SDN", 815), ("TCD", 424), ("AGO", 900)):
        found = select(claims, actor=iso, predicate="casualties")
        assert found and found[0].quantity.low == n


def test_a_following_sentence_without_a_ranking_adds_no_casualties(claims_of, select):
    claims = claims_of("Nigeria recorded 1,029 mine casualties last year. Sudan followed the talks with interest.")
    assert not select(claims, actor="SDN", predicate="casualties")


def test_clearing_a_delivery_or_an_exit_is_approval_not_demining(claims_of, select):
    claims = claims_of("Norway decided in January to withdraw from the Ottawa Convention.\n\n"
                       "The exit was cleared by the Storting in March.\n\n"
                       "Canberra clears mine shipments to Manila.")
    assert not select(claims, predicate="clearance")
    assert select(claims, actor="NOR", predicate="treaty_withdrawal", stage="approved")


def test_clearing_land_is_still_clearance(claims_of, select):
    claims = claims_of("Angola cleared 40 square kilometres of minefields in 2023.")
    assert select(claims, actor="AGO", predicate="clearance")


def test_unable_or_failed_to_destroy_is_no_destruction(claims_of, select):
    claims = claims_of("Greece still keeps some 600,000 anti-personnel mines that it has been unable to destroy.\n\n"
                       "Belarus failed to destroy its stockpile of anti-personnel mines on time.")
    for iso in ("GRC", "BLR"):
        assert select(claims, actor=iso, predicate="destruction", polarity="negated")
        assert not select(claims, actor=iso, predicate="destruction", polarity="affirmed")
