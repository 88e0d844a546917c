"""Round-6 patterns, each tested with sentences written for this file."""

from __future__ import annotations


def test_handing_over_a_notification_of_withdrawal_is_one_notified_claim(claims_of, select):
    claims = claims_of("Norway handed over its notification of withdrawal from the Ottawa Convention.")
    assert select(claims, actor="NOR", predicate="treaty_withdrawal", stage="notified")
    assert not select(claims, actor="NOR", predicate="treaty_withdrawal", stage="decided")


def test_handing_the_un_a_formal_notice_of_withdrawal_is_notified(claims_of, select):
    claims = claims_of("Chile handed the UN Secretary-General its formal notice of withdrawal from the "
                       "Ottawa Convention on Monday.")
    assert select(claims, actor="CHL", predicate="treaty_withdrawal", stage="notified")
    assert not select(claims, actor="CHL", predicate="treaty_withdrawal", stage="decided")
