"""Date expressions, with and without a publication date to anchor them."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from minewatch.extract.values import find_dates, resolve_date_expression

PUBLISHED = date(2025, 7, 2)  # a Wednesday

CASES: list[tuple[str, str, date | None, date | None]] = [
    ("It was signed on 27 June 2025.", "on 27 June 2025", date(2025, 6, 27), date(2025, 6, 27)),
    ("The decree of June 29 applies.", "June 29", date(2025, 6, 29), date(2025, 6, 29)),
    ("Production starts in 2026.", "in 2026", date(2026, 1, 1), date(2026, 12, 31)),
    ("They will start next year.", "next year", date(2026, 1, 1), date(2026, 12, 31)),
    ("The vote was last month.", "last month", date(2025, 6, 1), date(2025, 6, 30)),
    ("Done by the end of 2025.", "by the end of 2025", PUBLISHED, date(2025, 12, 31)),
    ("It was decided in January.", "in January", date(2025, 1, 1), date(2025, 1, 31)),
    ("Valid from 1 January 2026.", "from 1 January 2026", date(2026, 1, 1), date(2026, 1, 1)),
    ("Mines have been used since 2022.", "since 2022", date(2022, 1, 1), PUBLISHED),
    ("The 2026–2027 programme.", "2026–2027", date(2026, 1, 1), date(2027, 12, 31)),
    ("The 2012–13 programme.", "2012–13", date(2012, 1, 1), date(2013, 12, 31)),
    ("They met on Saturday.", "on Saturday", date(2025, 6, 28), date(2025, 6, 28)),
    ("He said on Thursday.", "on Thursday", date(2025, 6, 26), date(2025, 6, 26)),
    ("Lawmakers voted on Wednesday.", "on Wednesday", PUBLISHED, PUBLISHED),
    ("It was reported today.", "today", PUBLISHED, PUBLISHED),
    ("It was reported yesterday.", "yesterday", date(2025, 7, 1), date(2025, 7, 1)),
    ("It was discussed next week.", "next week", date(2025, 7, 7), date(2025, 7, 13)),
    ("between January 2022 and September 2024", "between January 2022 and September 2024",
     date(2022, 1, 1), date(2024, 9, 30)),
    ("from March to May 2024", "from March to May 2024", date(2024, 3, 1), date(2024, 5, 31)),
    ("from 1 to 10 July 2025", "from 1 to 10 July 2025", date(2025, 7, 1), date(2025, 7, 10)),
    ("on April 16-23, 2025", "on April 16-23, 2025", date(2025, 4, 16), date(2025, 4, 23)),
    ("in late 2011", "in late 2011", date(2011, 10, 1), date(2011, 12, 31)),
    ("in autumn 2024", "in autumn 2024", date(2024, 9, 1), date(2024, 11, 30)),
    ("in May this year", "in May this year", date(2025, 5, 1), date(2025, 5, 31)),
    ("in September last year", "in September last year", date(2024, 9, 1), date(2024, 9, 30)),
    ("in the first half of 2026", "in the first half of 2026", date(2026, 1, 1), date(2026, 6, 30)),
    ("mid-March", "mid-March", date(2025, 3, 11), date(2025, 3, 20)),
    ("two years ago", "two years ago", date(2023, 1, 1), date(2023, 12, 31)),
    ("earlier this year", "earlier this year", date(2025, 1, 1), PUBLISHED),
    ("in the 1990s", "in the 1990s", date(1990, 1, 1), date(1999, 12, 31)),
    ("before 2020", "before 2020", None, date(2019, 12, 31)),
    ("after 2030", "after 2030", date(2031, 1, 1), None),
    ("Friday, January 19", "Friday, January 19", date(2025, 1, 19), date(2025, 1, 19)),
    ("stamped 2025-06-29T12:24:07+05:30", "2025-06-29T12:24:07+05:30", date(2025, 6, 29), date(2025, 6, 29)),
    ("dated 20.11.2024", "20.11.2024", date(2024, 11, 20), date(2024, 11, 20)),
    ("on December 4, 1997, they signed", "on December 4, 1997", date(1997, 12, 4), date(1997, 12, 4)),
    ("as of October 2025", "as of October 2025", date(2025, 10, 1), date(2025, 10, 31)),
    ("results for Q3 2025", "Q3 2025", date(2025, 7, 1), date(2025, 9, 30)),
    ("done by March", "by March", None, date(2025, 3, 31)),
    ("a year ago", "a year ago", date(2024, 1, 1), date(2024, 12, 31)),
    ("Cleared in the last 30 years.", "in the last 30 years", date(1995, 1, 1), PUBLISHED),
    ("Over the past two years it grew.", "the past two years", date(2023, 1, 1), PUBLISHED),
    ("Laid in the past decade.", "in the past decade", date(2015, 1, 1), PUBLISHED),
    ("Found over the past three months.", "the past three months", date(2025, 4, 3), PUBLISHED),
    ("last summer", "last summer", date(2024, 6, 1), date(2024, 8, 31)),
    ("They left Saturday, June 28", "Saturday, June 28", date(2025, 6, 28), date(2025, 6, 28)),
    ("the 4th of December 1997", "the 4th of December 1997", date(1997, 12, 4), date(1997, 12, 4)),
]


@pytest.mark.parametrize(("text", "span", "start", "end"), CASES)
def test_date_with_publication(text: str, span: str, start: date | None, end: date | None) -> None:
    found = find_dates(text, PUBLISHED)
    assert [d.text for d in found] == [span]
    (d,) = found
    assert d.text == text[d.start : d.end]
    assert (d.start_date, d.end_date) == (start, end)


@pytest.mark.parametrize(
    "text", ["June 29", "next year", "last month", "on Thursday", "in January", "today", "two years ago",
             "in the last 30 years"]
)
def test_relative_dates_without_publication_stay_unresolved(text: str) -> None:
    (d,) = find_dates(text, None)
    assert d.text == text
    assert (d.start_date, d.end_date) == (None, None)


def test_absolute_dates_resolve_without_publication() -> None:
    (d,) = find_dates("in 2026", None)
    assert (d.start_date, d.end_date) == (date(2026, 1, 1), date(2026, 12, 31))
    (d,) = find_dates("since 2022", None)
    assert (d.start_date, d.end_date) == (date(2022, 1, 1), None)


def test_each_year_of_a_list_is_a_date() -> None:
    found = find_dates("They joined in 2003, 2004 and 2005, respectively.", PUBLISHED)
    assert [d.start_date.year for d in found if d.start_date] == [2003, 2004, 2005]


def test_ignored_forms() -> None:
    assert find_dates("It takes effect six months later.", PUBLISHED) == []
    assert find_dates("They may act.", PUBLISHED) == []
    assert find_dates("They march on.", PUBLISHED) == []
    assert find_dates("more than 2000 mines", PUBLISHED) == []
    assert find_dates("Article 2019 says", PUBLISHED) == []
    assert find_dates("the Sunday Times reported", PUBLISHED) == []
    assert find_dates("the Good Friday Agreement", PUBLISHED) == []
    assert find_dates("see https://example.org/2025/06/29/item", PUBLISHED) == []


def test_vague_periods_are_found_but_unresolved() -> None:
    (d,) = find_dates("over the coming years", PUBLISHED)
    assert (d.start_date, d.end_date) == (None, None)


def test_datetime_publication_is_accepted() -> None:
    (d,) = find_dates("next year", datetime(2025, 7, 2, 12, 0))
    assert d.start_date == date(2026, 1, 1)


@pytest.mark.parametrize(
    ("expr", "published", "expected"),
    [
        ("in 2026", None, (date(2026, 1, 1), date(2026, 12, 31))),
        ("June 29", None, (None, None)),
        ("June 29", PUBLISHED, (date(2025, 6, 29), date(2025, 6, 29))),
        ("next year", PUBLISHED, (date(2026, 1, 1), date(2026, 12, 31))),
        ("next year", None, (None, None)),
        ("a month", PUBLISHED, (None, None)),
        ("", PUBLISHED, (None, None)),
        ("not a date at all", PUBLISHED, (None, None)),
        ("the 30th of February 2025", PUBLISHED, (None, None)),
    ],
)
def test_resolve_date_expression(expr: str, published: date | None, expected: tuple[date | None, date | None]) -> None:
    assert resolve_date_expression(expr, published) == expected


def test_resolve_falls_back_to_dateparser_for_other_forms() -> None:
    assert resolve_date_expression("3 days ago", PUBLISHED) == (date(2025, 6, 29), date(2025, 6, 29))
    assert resolve_date_expression("June the 29th, 2025", None) == (date(2025, 6, 29), date(2025, 6, 29))
    assert resolve_date_expression("2025/06/29", None) == (date(2025, 6, 29), date(2025, 6, 29))


def test_conversion_to_claim_time() -> None:
    (d,) = find_dates("June 29", None)
    assert d.to_date_range().to_dict() == {"start": None, "end": None, "text": "June 29"}
    (d,) = find_dates("in 2026", None)
    assert d.to_date_range().to_dict() == {"start": "2026-01-01", "end": "2026-12-31", "text": "in 2026"}
