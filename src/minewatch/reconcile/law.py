"""The treaty rules reconciliation needs, read from ``minewatch.treaties.rules``.

A treaty the rules do not define (a code no record should carry) still gets
the plain Art. 17(2) and Art. 20(2)-(3) arithmetic, so reconciliation never
fails on one odd record.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from minewatch.treaties import rules

MONTHS_TO_ENTRY_INTO_FORCE = 6
MONTHS_TO_WITHDRAWAL = 6


def _month_shift(d: date, months: int, *, first: bool) -> date:
    total = d.year * 12 + (d.month - 1) + months
    year, month0 = divmod(total, 12)
    if first:
        return date(year, month0 + 1, 1)
    return date(year, month0 + 1, min(d.day, calendar.monthrange(year, month0 + 1)[1]))


def entry_into_force_for_state(treaty: str, deposit: date) -> date:
    """Art. 17(2): the 1st of the sixth month after the deposit (never before the treaty itself)."""
    try:
        return rules.entry_into_force_for_state(treaty, deposit)
    except KeyError:  # a treaty the rules do not define
        return _month_shift(deposit, MONTHS_TO_ENTRY_INTO_FORCE, first=True)


def withdrawal_effective_date(
    treaty: str, iso3: str, notification: date, armed_conflicts: Iterable[Any] = ()
) -> tuple[date | None, str | None]:
    """Art. 20(2): six months after receipt; Art. 20(3): postponed while the state is engaged in armed conflict."""
    conflicts = [c for c in armed_conflicts if getattr(c, "iso3", None) == iso3]
    try:
        return rules.withdrawal_effective_date(notification, conflicts, treaty=treaty, iso3=iso3)
    except KeyError:  # a treaty the rules do not define
        pass
    day = _month_shift(notification, MONTHS_TO_WITHDRAWAL, first=False)
    for _ in range(len(conflicts) + 1):
        covering = [c for c in conflicts if c.start <= day and (c.end is None or day <= c.end)]
        if not covering:
            return day, None
        if any(c.end is None for c in covering):
            c = min((c for c in covering if c.end is None), key=lambda c: c.start)
            return None, f"pending: armed conflict with {c.opponent} since {c.start.isoformat()} has no end date (Art. 20(3))"
        day = max(c.end for c in covering) + timedelta(days=1)
    return day, "postponed by armed conflict (Art. 20(3))"


def records_complete(treaty: str) -> bool:
    """Whether a state missing from the depositary record has really never joined."""
    try:
        return bool(rules.treaty_definition(treaty).records_complete)
    except KeyError:  # a treaty the rules do not define: its records are not known to be complete
        return False
