"""Date rules of Art. 17(2) and Art. 20(3), with examples from the depositary and property tests."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minewatch.model import Treaty
from minewatch.treaties import (
    ArmedConflict,
    add_months,
    entry_into_force_for_state,
    resolve_treaty,
    six_months_after,
    treaty_definition,
    withdrawal_effective_date,
)

dates = st.dates(min_value=date(1997, 9, 18), max_value=date(2090, 12, 31))


@pytest.mark.parametrize(
    ("treaty", "deposit", "expected"),
    [
        ("APMBC", date(2012, 1, 9), date(2012, 7, 1)),  # Finland
        ("APMBC", date(2005, 12, 27), date(2006, 6, 1)),  # Ukraine: year rollover
        ("APMBC", date(2025, 6, 25), date(2025, 12, 1)),  # Tonga
        ("APMBC", date(1998, 9, 16), date(1999, 3, 1)),  # the 40th instrument
        ("APMBC", date(1997, 12, 3), date(1999, 3, 1)),  # early deposit: treaty date
        ("APMBC", date(1998, 10, 1), date(1999, 4, 1)),
        ("CCM", date(2011, 3, 24), date(2011, 9, 1)),  # Lithuania
        ("CCM", date(2025, 9, 5), date(2026, 3, 1)),  # Vanuatu
        ("CCM", date(2008, 12, 3), date(2010, 8, 1)),
    ],
)
def test_entry_into_force_examples(treaty: str, deposit: date, expected: date) -> None:
    assert entry_into_force_for_state(treaty, deposit) == expected


@given(dates, st.sampled_from(list(Treaty)))
def test_entry_into_force_is_first_of_month_six_months_later(deposit: date, treaty: Treaty) -> None:
    eif = entry_into_force_for_state(treaty, deposit)
    assert eif.day == 1
    tdef = treaty_definition(treaty)
    months = (eif.year - deposit.year) * 12 + eif.month - deposit.month
    if eif == tdef.entry_into_force and months != 6:
        assert deposit < tdef.entry_into_force  # only early deposits wait for the treaty
        assert months > 6
    else:
        assert months == 6
    assert eif > deposit
    assert eif >= tdef.entry_into_force


@given(st.integers(min_value=1998, max_value=2090), st.integers(min_value=1, max_value=12))
def test_first_and_last_day_of_month_give_the_same_entry_into_force(year: int, month: int) -> None:
    first = date(year, month, 1)
    last = date(year, month, calendar.monthrange(year, month)[1])
    assert entry_into_force_for_state("APMBC", first) == entry_into_force_for_state("APMBC", last)


@given(st.integers(min_value=2000, max_value=2090))
def test_december_deposit_rolls_into_june_of_next_year(year: int) -> None:
    assert entry_into_force_for_state("APMBC", date(year, 12, 31)) == date(year + 1, 6, 1)
    assert entry_into_force_for_state("CCM", date(year + 20, 12, 1)) == date(year + 21, 6, 1)


@pytest.mark.parametrize(
    ("notified", "effective"),
    [
        (date(2025, 6, 27), date(2025, 12, 27)),
        (date(2025, 7, 10), date(2026, 1, 10)),
        (date(2025, 8, 20), date(2026, 2, 20)),
        (date(2024, 9, 6), date(2025, 3, 6)),
        (date(2025, 8, 31), date(2026, 2, 28)),  # clamped to the month's end
        (date(2023, 8, 31), date(2024, 2, 29)),  # leap year
        (date(2023, 8, 29), date(2024, 2, 29)),
        (date(2024, 2, 29), date(2024, 8, 29)),
        (date(2025, 12, 31), date(2026, 6, 30)),
    ],
)
def test_withdrawal_six_months_same_day(notified: date, effective: date) -> None:
    assert withdrawal_effective_date(notified, []) == (effective, None)
    assert six_months_after(notified, "CCM") == effective


@given(dates)
def test_six_months_properties(notified: date) -> None:
    eff = six_months_after(notified)
    months = (eff.year - notified.year) * 12 + eff.month - notified.month
    assert months == 6
    assert eff.day == min(notified.day, calendar.monthrange(eff.year, eff.month)[1])
    assert 181 <= (eff - notified).days <= 184


@given(dates, st.integers(min_value=-30, max_value=30))
def test_add_months_never_leaves_target_month(d: date, n: int) -> None:
    r = add_months(d, n)
    assert (r.year * 12 + r.month) - (d.year * 12 + d.month) == n
    assert r.day <= d.day


def _war(start: date, end: date | None, iso3: str = "ATL", opponent: str = "Borduria") -> ArmedConflict:
    return ArmedConflict(iso3=iso3, opponent=opponent, start=start, end=end)


def test_open_conflict_keeps_withdrawal_pending() -> None:
    eff, reason = withdrawal_effective_date(
        date(2030, 1, 15), [_war(date(2029, 5, 1), None, opponent="RUS")], treaty="APMBC"
    )
    assert eff is None
    assert reason == "pending: armed conflict with RUS since 2029-05-01 has no end date (Art. 20(3))"


def test_closed_conflict_delays_to_the_day_after_its_end() -> None:
    eff, reason = withdrawal_effective_date(date(2030, 1, 15), [_war(date(2029, 5, 1), date(2031, 3, 3))])
    assert eff == date(2031, 3, 4)
    assert reason and "2030-07-15" in reason and "Art. 20(3)" in reason


def test_conflict_that_ends_before_six_months_does_not_delay() -> None:
    assert withdrawal_effective_date(date(2030, 1, 15), [_war(date(2029, 5, 1), date(2030, 7, 14))]) == (
        date(2030, 7, 15),
        None,
    )


def test_conflict_ending_on_the_six_month_date_delays_by_one_day() -> None:
    eff, _ = withdrawal_effective_date(date(2030, 1, 15), [_war(date(2029, 5, 1), date(2030, 7, 15))])
    assert eff == date(2030, 7, 16)


def test_conflict_starting_after_six_months_does_not_matter() -> None:
    assert withdrawal_effective_date(date(2030, 1, 15), [_war(date(2030, 7, 16), None)])[0] == date(
        2030, 7, 15
    )


def test_chained_conflicts_delay_until_the_last_ends() -> None:
    wars = [
        _war(date(2029, 1, 1), date(2030, 9, 1)),
        _war(date(2030, 8, 1), date(2031, 2, 1), opponent="Syldavia"),
    ]
    assert withdrawal_effective_date(date(2030, 1, 15), wars)[0] == date(2031, 2, 2)
    # a second conflict starting the day after the first ended still counts
    wars = [_war(date(2029, 1, 1), date(2030, 9, 1)), _war(date(2030, 9, 2), None, opponent="Syldavia")]
    assert withdrawal_effective_date(date(2030, 1, 15), wars)[0] is None


def test_iso3_filter_ignores_other_states_conflicts() -> None:
    wars = [_war(date(2029, 1, 1), None, iso3="OTH")]
    assert withdrawal_effective_date(date(2030, 1, 15), wars, iso3="ATL")[0] == date(2030, 7, 15)


@given(dates, st.integers(min_value=0, max_value=2000), st.integers(min_value=0, max_value=2000))
def test_effective_is_later_of_six_months_and_day_after_conflict(
    notified: date, before: int, length: int
) -> None:
    six = six_months_after(notified)
    start = six - timedelta(days=before)
    end = start + timedelta(days=length)
    eff, reason = withdrawal_effective_date(notified, [_war(start, end)])
    if end >= six:
        assert eff == end + timedelta(days=1)
        assert reason is not None
    else:
        assert eff == six
        assert reason is None
    assert eff is not None and eff >= six


def test_treaty_aliases_and_definitions() -> None:
    assert resolve_treaty("Ottawa Convention") is Treaty.APMBC
    assert resolve_treaty("mine ban treaty") is Treaty.APMBC
    assert resolve_treaty("Convention on Cluster Munitions") is Treaty.CCM
    assert resolve_treaty("Arms Trade Treaty") is None
    apmbc, ccm = treaty_definition("APMBC"), treaty_definition("CCM")
    assert apmbc.entry_into_force == date(1999, 3, 1) and ccm.entry_into_force == date(2010, 8, 1)
    assert apmbc.records_completeness == "complete" and ccm.records_completeness == "partial"
    assert apmbc.article("withdrawal_timing").article == "20(3)"
    assert apmbc.article("entry_into_force_for_state").article == "17(2)"
    assert "suspension clause" in apmbc.article("suspension").text
    assert apmbc.to_dict()["articles"]["armed_conflict_clause"]["article"] == "20(3)"
    with pytest.raises(KeyError):
        treaty_definition("XYZ")


def test_opponent_state_is_engaged_too() -> None:
    war = _war(date(2029, 5, 1), None, iso3="ATL", opponent="BOR")
    eff, reason = withdrawal_effective_date(date(2030, 1, 15), [war], iso3="BOR")
    assert eff is None and reason is not None and "armed conflict with ATL since 2029-05-01" in reason
    assert withdrawal_effective_date(date(2030, 1, 15), [war], iso3="XYZ")[0] == date(2030, 7, 15)
