"""Month names and the dateline of a wire story, in one place.

Ingest dates a document by its dateline, the story grouper compares two
copies' datelines, and extraction reads month names in dates: they must agree
on what a month is called.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

#: The English month names, January first (hard-coded: ``calendar.month_name`` follows the locale).
MONTH_NAMES: tuple[str, ...] = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)
#: Lower-case month names and abbreviations ("sep" and "sept") to the month's number.
MONTHS: dict[str, int] = {
    **{m.lower(): i for i, m in enumerate(MONTH_NAMES, start=1)},
    **{m[:3].lower(): i for i, m in enumerate(MONTH_NAMES, start=1)},
    "sept": 9,
}
#: The full names as a regular-expression alternation, capitalised as in running text.
MONTH_NAMES_RE = "|".join(MONTH_NAMES)

_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))
#: "VILNIUS, June 27 (Reuters) -", "(Kyiv, January 31, 2023) –", "Geneva, 2 December 2015 —",
#: "STOCKHOLM, April 1. /TASS/." – a place, then a day and month, maybe a year.
_PLACE = r"\(?[A-ZÀ-ÝА-Я][\w'’.-]+(?: [A-ZÀ-ÝА-Я][\w'’.-]+){0,2}"
_DATELINE_MDY = re.compile(
    rf"^{_PLACE},?\s+(?P<month>(?i:{_MONTH_RE}))\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b"
    rf"(?:,?\s+(?P<year>(?:19|20)\d\d)\b)?"
)
_DATELINE_DMY = re.compile(
    rf"^{_PLACE},?\s+(?P<day>\d{{1,2}})\.?\s+(?P<month>(?i:{_MONTH_RE}))\.?"
    rf"(?:,?\s+(?P<year>(?:19|20)\d\d)\b)?"
)
#: How far into the text a dateline may stand (after a headline and a byline).
DATELINE_LINES = 6


@dataclass(frozen=True)
class Dateline:
    """The date a dateline states; ``year`` is None when the dateline omits it."""

    month: int
    day: int
    year: int | None

    def as_date(self) -> date | None:
        if self.year is None:
            return None
        try:
            return date(self.year, self.month, self.day)
        except ValueError:
            return None


def dateline_span(line: str) -> tuple[int, int] | None:
    """Where a line that opens with a dateline has it ("STOCKHOLM, April 1", "Київ, 5 June 2025"), or None."""
    for rx in (_DATELINE_MDY, _DATELINE_DMY):
        m = rx.match(line)
        if m and 1 <= int(m.group("day")) <= 31:
            return m.span()
    return None


def find_dateline(text: str) -> Dateline | None:
    """The dateline at the head of a wire story, if one of the first lines opens with it."""
    for line in [ln.strip() for ln in text.split("\n") if ln.strip()][:DATELINE_LINES]:
        for rx in (_DATELINE_MDY, _DATELINE_DMY):
            m = rx.match(line)
            if m:
                day = int(m.group("day"))
                month = MONTHS[m.group("month").lower().rstrip(".")]
                year = int(m.group("year")) if m.group("year") else None
                if 1 <= day <= 31:
                    return Dateline(month, day, year)
    return None
