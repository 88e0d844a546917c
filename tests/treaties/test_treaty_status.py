"""Status on a date from the bundled records, the 2025 withdrawals and the armed-conflict clause."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from minewatch.model import Status
from minewatch.treaties import (
    ELIGIBLE_STATES,
    Action,
    ArmedConflict,
    RecordIndex,
    TreatyEvent,
    all_statuses,
    count_parties,
    load_bundled_events,
    merge_conflicts,
    party_count_timeline,
    state_status,
    treaty_summary,
    treaty_summary_text,
)
from minewatch.treaties.status import COUNTED_AS_PARTY

DAY = timedelta(days=1)


def test_eligible_states_table() -> None:
    assert len(ELIGIBLE_STATES) == 197
    for code in ("VAT", "PSE", "COK", "NIU", "USA", "SSD"):
        assert code in ELIGIBLE_STATES
    for code in ("TWN", "XKX", "GRL", "PRI"):
        assert code not in ELIGIBLE_STATES


@pytest.mark.parametrize(
    ("treaty", "iso3", "notified", "effective"),
    [
        ("APMBC", "EST", date(2025, 6, 27), date(2025, 12, 27)),
        ("APMBC", "LVA", date(2025, 6, 27), date(2025, 12, 27)),
        ("APMBC", "LTU", date(2025, 6, 27), date(2025, 12, 27)),
        ("APMBC", "FIN", date(2025, 7, 10), date(2026, 1, 10)),
        ("APMBC", "POL", date(2025, 8, 20), date(2026, 2, 20)),
        ("CCM", "LTU", date(2024, 9, 6), date(2025, 3, 6)),
    ],
)
def test_withdrawals_party_withdrawing_withdrawn(
    treaty: str, iso3: str, notified: date, effective: date
) -> None:
    assert state_status(treaty, iso3, notified - DAY).status is Status.PARTY
    s = state_status(treaty, iso3, notified)
    assert s.status is Status.WITHDRAWING
    assert s.withdrawal_notification == notified and s.withdrawal_effective == effective
    assert s.to_dict()["withdrawal_effective"] == effective.isoformat()
    assert state_status(treaty, iso3, effective - DAY).status is Status.WITHDRAWING
    done = state_status(treaty, iso3, effective)
    assert done.status is Status.WITHDRAWN
    assert not any("differs" in n for n in done.notes)  # records agree with Art. 20(3)
    assert state_status(treaty, iso3, effective + timedelta(days=400)).status is Status.WITHDRAWN


def test_computed_withdrawal_matches_records_without_the_effective_rows() -> None:
    events = [e for e in load_bundled_events() if e.action != Action.WITHDRAWAL_EFFECTIVE]
    s = state_status("APMBC", "POL", date(2025, 9, 1), events)
    assert s.withdrawal_effective == date(2026, 2, 20)
    assert state_status("APMBC", "POL", date(2026, 2, 20), events).status is Status.WITHDRAWN


def test_ukraine_party_with_contested_suspension() -> None:
    s = state_status("APMBC", "UKR", date(2025, 8, 1))
    assert s.status is Status.PARTY
    assert s.suspension is not None and s.suspension.date == date(2025, 7, 18)
    assert "no suspension clause" in s.suspension.assessment
    assert "remains bound" in s.suspension.assessment
    assert s.deposit == date(2005, 12, 27) and s.deposit_kind == "ratification"
    assert s.in_force_from == date(2006, 6, 1)
    assert any(n.startswith("ratification 2005-12-27: DISAGREEMENT") for n in s.notes)
    assert any("armed conflict with RUS" in n for n in s.notes)
    d = s.to_dict()
    assert d["suspension"]["date"] == "2025-07-18" and d["status"] == "party"
    assert state_status("APMBC", "UKR", date(2025, 7, 17)).suspension is None


@pytest.mark.parametrize("iso3", ["RUS", "USA", "CHN"])
def test_non_signatories_not_party(iso3: str) -> None:
    for treaty in ("APMBC", "CCM"):
        s = state_status(treaty, iso3, date(2026, 3, 1))
        assert s.status is Status.NOT_PARTY
        assert s.deposit is None and s.events == []


def test_new_parties_2025() -> None:
    assert state_status("APMBC", "MHL", date(2025, 3, 11)).status is Status.SIGNATORY
    mhl = state_status("APMBC", "MHL", date(2025, 3, 12))
    assert mhl.status is Status.PARTY and mhl.in_force_from == date(2025, 9, 1)
    assert state_status("APMBC", "TON", date(2025, 6, 24)).status is Status.NOT_PARTY
    ton = state_status("APMBC", "TON", date(2025, 6, 25))
    assert ton.status is Status.PARTY and ton.deposit_kind == "accession"
    assert ton.in_force_from == date(2025, 12, 1)
    assert any("DISAGREEMENT" in n for n in ton.notes)


def test_apmbc_party_counts() -> None:
    assert count_parties("APMBC", date(2025, 3, 11)) == 164
    assert count_parties("APMBC", date(2025, 3, 12)) == 165
    assert count_parties("APMBC", date(2025, 7, 1)) == 166
    assert count_parties("APMBC", date(2025, 12, 27)) == 163
    assert count_parties("APMBC", date(2026, 1, 10)) == 162
    assert count_parties("APMBC", date(2026, 3, 1)) == 161
    timeline = dict(party_count_timeline("APMBC"))
    assert timeline[date(2017, 12, 29)] == 164 and timeline[date(2026, 2, 20)] == 161


def test_succession_in_force_from_independence() -> None:
    s = state_status("APMBC", "SSD", date(2020, 1, 1))
    assert s.status is Status.PARTY and s.deposit_kind == "succession"
    assert s.in_force_from == date(2011, 7, 9)
    assert not any("differs" in n for n in s.notes)


def test_ccm_partial_records_give_unknown() -> None:
    statuses = all_statuses("CCM", date(2025, 9, 10))
    by = {s.iso3: s for s in statuses}
    unknown = [s for s in statuses if s.status is Status.UNKNOWN]
    assert len(unknown) > 0
    assert by["VUT"].status is Status.PARTY
    assert by["AGO"].status is Status.SIGNATORY  # signature record + signatory_only
    assert by["USA"].status is Status.NOT_PARTY  # states_not_party
    assert by["LTU"].status is Status.WITHDRAWN
    # the same state without records under APMBC (complete) would be not_party
    apmbc = {s.iso3: s for s in all_statuses("APMBC", date(2025, 9, 10))}
    assert not any(s.status is Status.UNKNOWN for s in apmbc.values())
    summary = treaty_summary("CCM", date(2025, 9, 10))
    assert summary["unknown"] == summary["counts"]["unknown"] == len(unknown)
    assert summary["parties_is_lower_bound"] is True
    assert "at least" in treaty_summary_text(summary)


def test_summary_text_and_counts() -> None:
    s = treaty_summary("Ottawa Convention", date(2025, 12, 1))
    assert s["treaty"] == "APMBC" and s["parties"] == 166 and s["unknown"] == 0
    assert {x["iso3"] for x in s["withdrawing"]} == {"EST", "LVA", "LTU", "FIN", "POL"}
    assert [x["iso3"] for x in s["suspended"]] == ["UKR"]
    assert any(r.startswith("Art. 20(3): ") and "armed conflict" in r for r in s["rules"])
    assert sum(s["counts"].values()) == len(ELIGIBLE_STATES)
    json.dumps(s)  # JSON-ready as it is
    text = treaty_summary_text(s)
    assert "States Parties on 2025-12-01: 166" in text
    assert "Art. 17(2)" in text and "effective 2026-02-20" in text


def _synthetic(iso3: str) -> list[TreatyEvent]:
    url = "https://example.org/record"
    return [
        TreatyEvent("APMBC", iso3, "", Action.ACCESSION, date(2001, 5, 2), url),
        TreatyEvent("APMBC", iso3, "", Action.WITHDRAWAL_NOTIFICATION, date(2031, 3, 10), url),
    ]


def test_withdrawal_during_open_conflict_stays_withdrawing() -> None:
    war = ArmedConflict("KEN", "an armed group", date(2030, 1, 1), None, "https://example.org/war")
    events = _synthetic("KEN")
    late = state_status("APMBC", "KEN", date(2033, 1, 1), events, [war], [])
    assert late.status is Status.WITHDRAWING
    assert late.withdrawal_effective is None
    assert late.pending_reason == (
        "pending: armed conflict with an armed group since 2030-01-01 has no end date (Art. 20(3))"
    )
    assert count_parties("APMBC", date(2033, 1, 1), events, [war], []) == 1

    # the conflict ends after the six months: withdrawn from the day after its end
    closed = merge_conflicts(
        [war], [ArmedConflict("KEN", "an armed group", date(2030, 1, 1), date(2032, 5, 4))]
    )
    assert len(closed) == 1
    assert state_status("APMBC", "KEN", date(2032, 5, 4), events, closed, []).status is Status.WITHDRAWING
    s = state_status("APMBC", "KEN", date(2032, 5, 5), events, closed, [])
    assert s.status is Status.WITHDRAWN and s.withdrawal_effective == date(2032, 5, 5)
    assert any("Art. 20(3)" in n for n in s.notes)

    # the conflict ends before the six months run out: the plain date applies
    early = [ArmedConflict("KEN", "an armed group", date(2030, 1, 1), date(2031, 6, 1))]
    s = state_status("APMBC", "KEN", date(2031, 9, 10), events, early, [])
    assert s.status is Status.WITHDRAWN and s.withdrawal_effective == date(2031, 9, 10)


def test_record_disagreeing_with_rule_is_noted() -> None:
    url = "https://example.org/record"
    events = [
        *_synthetic("GHA"),
        TreatyEvent("APMBC", "GHA", "", Action.WITHDRAWAL_EFFECTIVE, date(2031, 9, 1), url),
    ]
    s = state_status("APMBC", "GHA", date(2031, 9, 1), events, [], [])
    assert s.status is Status.WITHDRAWN and s.withdrawal_effective == date(2031, 9, 1)
    assert any("differs from the Art. 20(3) date 2031-09-10" in n for n in s.notes)


def test_all_statuses_covers_every_state_once() -> None:
    # Speed is measured outside the tests (architecture: no timed assertions); see the report.
    statuses = all_statuses("APMBC", date(2026, 1, 1), RecordIndex())
    assert [s.iso3 for s in statuses] == sorted(ELIGIBLE_STATES)
    assert sum(s.status in COUNTED_AS_PARTY for s in statuses) == 163  # FIN and POL still withdrawing


def test_to_dict_field_names() -> None:
    d = state_status("APMBC", "FIN", date(2025, 8, 1)).to_dict()
    assert list(d) == [
        "iso3",
        "name",
        "treaty",
        "on",
        "status",
        "in_force_from",
        "signature",
        "deposit",
        "deposit_kind",
        "withdrawal_notification",
        "withdrawal_effective",
        "pending_reason",
        "suspension",
        "notes",
        "events",
    ]
    assert d["events"][0].keys() == {"action", "date", "source_url", "note"}
    assert d["deposit"] == "2012-01-09" and d["in_force_from"] == "2012-07-01"
    assert d["status"] == "withdrawing"


def test_before_the_treaty_opened_nobody_is_signatory() -> None:
    s = state_status("CCM", "AGO", date(2005, 1, 1))  # signatory_only today, but the CCM did not exist
    assert s.status is Status.NOT_PARTY
    assert state_status("CCM", "AGO", date(2009, 1, 1)).status is Status.SIGNATORY
    assert state_status("CCM", "BRA", date(2005, 1, 1)).status is Status.NOT_PARTY
    assert state_status("CCM", "BRA", date(2015, 1, 1)).status is Status.UNKNOWN


def test_opponent_in_a_conflict_record_cannot_complete_a_withdrawal() -> None:
    war = ArmedConflict("GHA", "KEN", date(2030, 1, 1), None)  # recorded under GHA, KEN is the other side
    s = state_status("APMBC", "KEN", date(2033, 1, 1), _synthetic("KEN"), [war], [])
    assert s.status is Status.WITHDRAWING
    assert s.pending_reason and "armed conflict with GHA" in s.pending_reason


def test_records_win_over_a_stale_not_party_list() -> None:
    from minewatch.treaties import NotPartyRecord

    stale = [NotPartyRecord("APMBC", "TON", "Tonga", "non_signatory", "https://example.org/old-list")]
    s = state_status("APMBC", "TON", date(2025, 7, 1), None, None, stale)
    assert s.status is Status.PARTY
    assert any("records win" in n for n in s.notes)
    assert state_status("APMBC", "TON", date(2025, 6, 1), None, None, stale).status is Status.NOT_PARTY
