"""Statements of party status checked against withdrawals, and withdrawals dated before joining."""

from __future__ import annotations

from datetime import date

from reconcile_factory import day, event, fin_apmbc, rec, year

from minewatch.reconcile import record_conflicts

EST = [
    event("APMBC", "EST", "accession", "2004-05-12"),
    event("APMBC", "EST", "entry_into_force", "2004-11-01"),
    event("APMBC", "EST", "withdrawal_notification", "2025-06-27"),
]
LVA = [
    event("APMBC", "LVA", "accession", "2005-07-01"),
    event("APMBC", "LVA", "entry_into_force", "2006-01-01"),
    event("APMBC", "LVA", "withdrawal_notification", "2025-07-04"),
]


def _party(iso3: str, published: date, time=None, doc: str = "A", stage: str | None = "in_force"):
    """A claim of party status ("X is still a party to / bound by the treaty"): stage in force."""
    return rec(doc, iso3, "treaty_joining", stage=stage, treaty="APMBC", weapon=None, modality="actual",
               time=time, published=published)


def test_a_state_reported_as_still_a_party_after_its_withdrawal_took_effect():
    found = record_conflicts([_party("EST", date(2026, 2, 15))], EST)
    assert [c.detail["check"] for c in found] == ["party_after_withdrawal"]
    assert "Art. 20(2)" in found[0].explanation and "Art. 20(3)" not in found[0].explanation
    assert [c.detail["check"] for c in record_conflicts([_party("EST", date(2026, 2, 15), stage=None)], EST)] == [
        "party_after_withdrawal"]
    # before the withdrawal takes effect it is still true
    assert record_conflicts([_party("EST", date(2025, 9, 1))], EST) == []


def test_an_undated_accession_in_a_later_article_is_history_not_status():
    # "Estonia, which acceded to the treaty, left it in December": no contradiction
    assert record_conflicts([_party("EST", date(2026, 2, 15), stage="acceded")], EST) == []
    assert record_conflicts([_party("EST", date(2026, 2, 15), stage="ratified")], EST) == []
    # but an accession dated after the withdrawal took effect is reported against it
    found = record_conflicts([_party("EST", date(2026, 5, 2), time=day("2026-04-01"), stage="acceded")], EST)
    assert "party_after_withdrawal" in [c.detail["check"] for c in found]


def test_a_present_status_dated_by_publication_is_not_an_accession_on_that_day():
    found = record_conflicts([_party("LVA", date(2026, 2, 15), time=day("2026-02-15"))], LVA)
    checks = [c.detail["check"] for c in found]
    assert "joining_date" not in checks
    assert checks == ["party_after_withdrawal"]
    # a dated accession is still checked against the record
    (c,) = record_conflicts([_party("LVA", date(2026, 2, 15), time=year(2009))], LVA)
    assert c.detail["check"] == "joining_date"


def test_a_withdrawal_dated_before_the_state_joined_is_flagged():
    w = rec("A", "FIN", "treaty_withdrawal", stage="notified", treaty="APMBC", weapon=None, modality="actual",
            time=year(1997), published=date(2025, 7, 10))
    (c,) = record_conflicts([w], fin_apmbc())
    assert c.detail["check"] == "withdrawal_before_joining" and c.severity == "high"
    assert "2012-01-09" in c.explanation
