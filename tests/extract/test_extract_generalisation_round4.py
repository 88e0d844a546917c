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
