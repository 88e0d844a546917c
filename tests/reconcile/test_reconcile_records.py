"""Claims checked against depositary records and the treaties' final clauses."""

from __future__ import annotations

from datetime import date

from reconcile_factory import ArmedConflict, day, event, fin_apmbc, rec, year

from minewatch.model import DateRange, Evidence
from minewatch.reconcile import record_conflicts


def joining(doc: str, iso3: str = "FIN", **kw):
    kw.setdefault("stage", "acceded")
    kw.setdefault("modality", "actual")
    return rec(doc, iso3, "treaty_joining", treaty="APMBC", weapon=None, **kw)


def withdrawal(doc: str, iso3: str = "FIN", stage: str = "effective", **kw):
    kw.setdefault("modality", "actual")
    return rec(doc, iso3, "treaty_withdrawal", stage=stage, treaty="APMBC", weapon=None, **kw)


def test_joining_year_that_excludes_the_recorded_deposit_is_a_record_contradiction():
    claim = joining("A", time=year(2011), outlet="Outlet A")
    (c,) = record_conflicts([claim], fin_apmbc(), [])
    assert c.kind == "record_contradiction"
    assert c.severity == "medium"
    assert c.actor_iso3 == "FIN"
    assert c.claim_ids == [claim.claim.id]
    assert c.record == {
        "treaty": "APMBC",
        "iso3": "FIN",
        "action": "accession",
        "date": "2012-01-09",
        "source_url": "https://records.example/fin-accession",
    }
    assert c.explanation == (
        "Outlet A reports that Finland acceded to the Mine Ban Treaty in 2011, "
        "but the depositary record has Finland's accession deposited on 2012-01-09."
    )


def test_joining_dates_the_record_allows_are_not_flagged():
    assert record_conflicts([joining("A", time=year(2012))], fin_apmbc(), []) == []
    # loose wording: "ratified" for an accession, or "joined" in the year it entered into force
    assert record_conflicts([joining("A", stage="ratified", time=year(2012))], fin_apmbc(), []) == []
    assert record_conflicts([joining("A", stage="in_force", time=day("2012-07-01"))], fin_apmbc(), []) == []
    # undated, planned and considered claims say nothing about the date
    assert record_conflicts([joining("A")], fin_apmbc(), []) == []
    assert record_conflicts([joining("A", modality="considered", time=year(2011))], fin_apmbc(), []) == []


def test_entry_into_force_is_computed_when_the_record_lacks_it():
    events = [event("APMBC", "TON", "accession", "2025-06-25")]
    ok = rec("A", "TON", "treaty_joining", stage="in_force", treaty="APMBC", weapon=None, modality="actual",
             time=day("2025-12-01"))
    assert record_conflicts([ok], events, []) == []
    wrong = rec("A", "TON", "treaty_joining", stage="in_force", treaty="APMBC", weapon=None, modality="actual",
                time=day("2025-06-25"))
    (c,) = record_conflicts([wrong], events, [])
    assert c.record["computed"] is True and c.record["date"] == "2025-12-01"  # type: ignore[index]


def test_joining_reported_for_a_state_the_complete_record_never_lists():
    (c,) = record_conflicts([joining("A", "RUS", stage=None)], fin_apmbc(), [])
    assert c.severity == "high"
    assert "holds no signature or instrument of Russia" in c.explanation
    # "Russia has never joined" agrees with the record
    assert record_conflicts([joining("A", "RUS", stage=None, polarity="negated")], fin_apmbc(), []) == []


def test_denying_a_recorded_accession_is_a_contradiction_unless_written_before_it():
    denial = joining("A", stage=None, polarity="negated", published=date(2025, 3, 1))
    (c,) = record_conflicts([denial], fin_apmbc(), [])
    assert c.severity == "high"
    assert c.explanation.startswith("Outlet A denies that Finland joined the Mine Ban Treaty")
    assert "2012-01-09" in c.explanation
    early = joining("A", stage=None, polarity="negated", published=date(2010, 3, 1))
    assert record_conflicts([early], fin_apmbc(), []) == []
    after_exit = joining("A", stage=None, polarity="negated", published=date(2026, 3, 1))
    assert record_conflicts([after_exit], fin_apmbc(), []) == []


def test_withdrawal_reported_effective_before_six_months_after_notification():
    claim = withdrawal("A", time=day("2025-08-01"))
    (c,) = record_conflicts([claim], fin_apmbc(), [])
    assert c.kind == "record_contradiction" and c.severity == "high"
    assert c.record["action"] == "withdrawal_notification"  # type: ignore[index]
    assert c.record["source_url"] == "https://records.example/fin-withdrawal"  # type: ignore[index]
    assert c.record["effective_by_rules"] == "2026-01-10"  # type: ignore[index]
    assert "could not take effect before 2026-01-10" in c.explanation


def test_withdrawal_effective_dates_that_match_record_and_rules_pass():
    assert record_conflicts([withdrawal("A", time=day("2026-01-10"))], fin_apmbc(), []) == []
    jan = DateRange(date(2026, 1, 1), date(2026, 1, 31), "January 2026")
    assert record_conflicts([withdrawal("A", modality="planned", time=jan)], fin_apmbc(), []) == []
    # the six months computed by Art. 20(3) when the record has no effective date yet
    events = [e for e in fin_apmbc() if e.action != "withdrawal_effective"]
    assert record_conflicts([withdrawal("A", time=day("2026-01-10"))], events, []) == []
    (late,) = record_conflicts([withdrawal("A", time=day("2026-03-10"))], events, [])
    assert late.severity == "medium" and "takes effect on 2026-01-10" in late.explanation


def test_withdrawal_reported_as_done_in_an_article_published_before_it_could_be():
    early = withdrawal("A", published=date(2025, 7, 11))
    (c,) = record_conflicts([early], fin_apmbc(), [])
    assert "published on 2025-07-11" in c.explanation
    assert record_conflicts([withdrawal("A", published=date(2026, 2, 1))], fin_apmbc(), []) == []


def test_armed_conflict_clause_keeps_a_withdrawal_pending():
    events = [event("APMBC", "UKR", "ratification", "2005-12-27"), event("APMBC", "UKR", "withdrawal_notification", "2025-07-18")]
    war = [ArmedConflict(iso3="UKR", opponent="RUS", start=date(2022, 2, 24), end=None, source_url="https://x.example")]
    claim = withdrawal("A", "UKR", time=day("2026-01-18"))
    (c,) = record_conflicts([claim], events, war)
    assert c.severity == "high" and "cannot take effect yet" in c.explanation
    assert record_conflicts([claim], events, []) == []  # without the conflict the six months apply


def test_suspension_is_not_a_withdrawal():
    events = [
        event("APMBC", "UKR", "ratification", "2005-12-27"),
        event("APMBC", "UKR", "suspension_notification", "2025-07-18", "https://records.example/ukr-suspension"),
    ]
    (c,) = record_conflicts([withdrawal("A", "UKR", stage="notified")], events, [])
    assert c.record["source_url"] == "https://records.example/ukr-suspension"  # type: ignore[index]
    assert "only a notification of suspension" in c.explanation
    # domestic steps are not depositary matters
    assert record_conflicts([withdrawal("A", "UKR", stage="decided")], events, []) == []
    # a report of the suspension itself (read as a notified exit) says what the record holds
    told = withdrawal("B", "UKR", stage="notified")
    told.claim.evidence = [Evidence(0, 58, "Ukraine told the United Nations it is suspending the treaty.")]
    assert record_conflicts([told], events, []) == []


def test_notification_date_that_disagrees_with_the_record():
    (c,) = record_conflicts([withdrawal("A", stage="notified", time=day("2025-07-17"))], fin_apmbc(), [])
    assert c.severity == "medium" and "2025-07-10" in c.explanation
    assert record_conflicts([withdrawal("A", stage="notified", time=day("2025-07-10"))], fin_apmbc(), []) == []


def test_reported_party_after_the_withdrawal_took_effect():
    events = [
        event("CCM", "LTU", "ratification", "2011-03-24"),
        event("CCM", "LTU", "entry_into_force", "2011-09-01"),
        event("CCM", "LTU", "withdrawal_notification", "2024-09-06"),
        event("CCM", "LTU", "withdrawal_effective", "2025-03-06", "https://records.example/ltu-ccm-out"),
    ]

    def party(published: date):
        return rec("A", "LTU", "treaty_joining", stage="in_force", treaty="CCM", weapon=None, modality="actual",
                   published=published)

    (c,) = record_conflicts([party(date(2025, 6, 1))], events, [])
    assert c.severity == "high"
    assert c.record["source_url"] == "https://records.example/ltu-ccm-out"  # type: ignore[index]
    assert "took effect on 2025-03-06" in c.explanation
    assert record_conflicts([party(date(2024, 6, 1))], events, []) == []


def test_one_conflict_per_check_whatever_the_grouping_and_order():
    a = joining("A", time=year(2011), story="s-1")
    b = joining("B", time=year(2011), story="s-2")
    other = rec("C", "FIN", "production")
    together = record_conflicts([a, b, other], fin_apmbc(), [])
    assert len(together) == 1 and len(together[0].claim_ids) == 2
    assert [c.id for c in record_conflicts([b, a], fin_apmbc(), [])] == [together[0].id]
    assert record_conflicts([a, b], list(reversed(fin_apmbc())), [])[0].id == together[0].id
    assert record_conflicts([joining("A", time=year(2011), review="rejected")], fin_apmbc(), []) == []


def test_ratification_reported_for_a_state_that_only_signed():
    events = [event("APMBC", "MHL", "signature", "1997-12-04", "https://records.example/mhl-signature")]
    claim = rec("A", "MHL", "treaty_joining", stage="ratified", treaty="APMBC", weapon=None, modality="actual")
    (c,) = record_conflicts([claim], events, [])
    assert c.severity == "medium" and c.record["action"] == "signature"  # type: ignore[index]
    assert "no instrument of ratification or accession" in c.explanation
    signed = rec("A", "MHL", "treaty_joining", stage="signed", treaty="APMBC", weapon=None, modality="actual")
    assert record_conflicts([signed], events, []) == []


def test_withdrawal_reported_for_a_state_that_never_joined():
    (c,) = record_conflicts([withdrawal("A", "RUS", stage="decided")], fin_apmbc(), [])
    assert c.severity == "medium" and "holds no instrument by which Russia joined it" in c.explanation
    # records of the CCM are partial: absence proves nothing there
    ccm = rec("A", "RUS", "treaty_withdrawal", stage="decided", treaty="CCM", weapon=None, modality="actual")
    assert record_conflicts([ccm], fin_apmbc(), []) == []
