"""The known ways general number extractors go wrong on news text, each pinned down."""

from __future__ import annotations

import pytest

from minewatch.extract.values import find_values


def _ranges(text: str) -> list[tuple[float | None, float | None]]:
    return [(v.low, v.high) for v in find_values(text)]


def test_ranges_are_never_averaged() -> None:
    assert _ranges("between 18 and 25 shells") == [(18, 25)]
    assert _ranges("18 to 25 shells") == [(18, 25)]
    assert 21.5 not in {x for r in _ranges("18 to 25") for x in r}


@pytest.mark.parametrize(
    ("text", "value"),
    [("165 080 shells", 165080), ("1,340 crates", 1340), ("12 345 678 items", 12345678), ("4,710 victims", 4710)],
)
def test_digit_groups_stay_together(text: str, value: float) -> None:
    assert _ranges(text) == [(value, value)]


@pytest.mark.parametrize(
    "text",
    [
        "in 2026",
        "The plan runs 2012–13.",
        "the 2025-2026 budget cycle",
        "It was signed on June 29, 2025.",
        "on 27 June 2025",
        "The Ottawa Convention of 1997 bans them.",
        "from 2012 to 2015",
        "between 2003 and 2005",
        "in 2003, 2004 and 2005, respectively",
        "the 1990s",
        "the 2025 report",
    ],
)
def test_years_are_not_quantities(text: str) -> None:
    assert find_values(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "in accordance with Article 20 of the Convention",
        "under art. 17(2) of the law",
        "Articles 4 and 5 apply",
        "paragraph 3 says",
        "Section 12 of the act",
    ],
)
def test_article_numbers_are_not_quantities(text: str) -> None:
    assert find_values(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "the first meeting",
        "the second round",
        "the 22nd Meeting of States Parties",
        "on the 4th of the month",
        "Call +370 5 212 3456 for details",
        "call (555) 123-4567",
        "at 10:30 local time",
        "at 3 p.m. on the day",
        "the PMN-2 and TM-62 types",
        "an F-16 flew over",
        "the M18A1 type",
        "the 14MSP meeting",
        "see https://example.org/news/214590/item-80",
        "one of the countries",
        "no one knows",
        "two-thirds of them",
        "a 24-year-old woman",
        "a six-month process",
        "updated 2025-06-29T12:24:07+05:30",
        "dated 20-11-2024",
        "from 1 to 10 July 2025",
        "April 16-23, 2025",
        "a 2 million-strong army",
        "COVID-19 and the G7",
        "Resolution 2231 says",
    ],
)
def test_names_times_and_references_are_not_quantities(text: str) -> None:
    assert find_values(text) == []


def test_a_vote_count_is_two_numbers_not_a_range() -> None:
    assert _ranges("approved by a vote of 157 to 18") == [(157, 157), (18, 18)]


def test_a_change_is_two_values_not_a_range() -> None:
    assert _ranges("casualties rose from 545 to 1,003") == [(545, 545), (1003, 1003)]


def test_day_numbers_next_to_months_are_dates() -> None:
    assert find_values("On March 25, 12 soldiers were hurt.") == find_values("On March 25, 12 soldiers were hurt.")
    found = find_values("On March 25, 12 soldiers were hurt.")
    assert [(v.low, v.unit) for v in found] == [(12, "people")]


def test_currency_is_not_guessed_without_a_marker() -> None:
    (v,) = find_values("They will spend 500 million on it.")
    assert (v.kind, v.currency, v.low) == ("quantity", None, 500_000_000)


def test_unit_is_none_when_no_noun_follows() -> None:
    (v,) = find_values("Syria (933), and")
    assert (v.low, v.unit) == (933, None)


def test_elided_noun_is_taken_from_the_next_conjunct() -> None:
    found = find_values("around 1,500 anti-tank and 700 anti-personnel mines")
    assert [(v.low, v.high, v.unit) for v in found] == [(1350, 1650, "mines"), (700, 700, "mines")]


def test_particles_are_not_units() -> None:
    assert [(v.low, v.unit) for v in find_values("3 out of 4")] == [(3, None), (4, None)]
