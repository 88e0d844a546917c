"""Treaty law as rules: when a treaty binds a state, when a withdrawal takes effect.

The APMBC and the CCM share their final clauses almost word for word, so each
rule is written once and reads its numbers (treaty entry into force, months of
delay, article numbers) from ``data/treaties.json``.  Keeping the differences in
data means a third treaty with the same clauses needs no code.
"""

from __future__ import annotations

import calendar
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from importlib import resources
from typing import Any, Protocol

from minewatch.model import Treaty


class ConflictLike(Protocol):
    """What the armed-conflict clause needs from a conflict record (see ``records.ArmedConflict``)."""

    iso3: str
    opponent: str
    start: date
    end: date | None


@dataclass(frozen=True)
class Article:
    key: str
    article: str | None
    text: str
    months: int | None = None


@dataclass(frozen=True)
class TreatyDefinition:
    """One treaty's final clauses and bookkeeping facts, as bundled data."""

    code: Treaty
    full_name: str
    short_name: str
    aliases: tuple[str, ...]
    adopted: date
    opened_for_signature: date
    entry_into_force: date
    instruments_for_entry_into_force: int
    depositary: str
    records_completeness: str  # "complete" | "partial"
    records_completeness_note: str
    articles: dict[str, Article] = field(default_factory=dict)
    sources: tuple[str, ...] = ()

    @property
    def records_complete(self) -> bool:
        return self.records_completeness == "complete"

    def article(self, key: str) -> Article:
        return self.articles[key]

    @property
    def eif_months(self) -> int:
        return self.articles["entry_into_force_for_state"].months or 6

    @property
    def withdrawal_months(self) -> int:
        return self.articles["withdrawal_timing"].months or 6

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": str(self.code),
            "full_name": self.full_name,
            "short_name": self.short_name,
            "aliases": list(self.aliases),
            "adopted": self.adopted.isoformat(),
            "opened_for_signature": self.opened_for_signature.isoformat(),
            "entry_into_force": self.entry_into_force.isoformat(),
            "instruments_for_entry_into_force": self.instruments_for_entry_into_force,
            "depositary": self.depositary,
            "records_completeness": self.records_completeness,
            "records_completeness_note": self.records_completeness_note,
            "articles": {
                k: {"article": a.article, "text": a.text, **({"months": a.months} if a.months else {})}
                for k, a in self.articles.items()
            },
            "sources": list(self.sources),
        }


@cache
def treaty_definitions() -> dict[Treaty, TreatyDefinition]:
    """All bundled treaty definitions, parsed once."""
    raw = json.loads(
        resources.files("minewatch.treaties").joinpath("data/treaties.json").read_text(encoding="utf-8")
    )
    out: dict[Treaty, TreatyDefinition] = {}
    for code, d in raw.items():
        arts = {
            k: Article(key=k, article=a.get("article"), text=a["text"], months=a.get("months"))
            for k, a in d["articles"].items()
        }
        out[Treaty(code)] = TreatyDefinition(
            code=Treaty(code),
            full_name=d["full_name"],
            short_name=d["short_name"],
            aliases=tuple(d.get("aliases", ())),
            adopted=date.fromisoformat(d["adopted"]),
            opened_for_signature=date.fromisoformat(d["opened_for_signature"]),
            entry_into_force=date.fromisoformat(d["entry_into_force"]),
            instruments_for_entry_into_force=int(d["instruments_for_entry_into_force"]),
            depositary=d["depositary"],
            records_completeness=d["records_completeness"],
            records_completeness_note=d.get("records_completeness_note", ""),
            articles=arts,
            sources=tuple(d.get("sources", ())),
        )
    return out


def treaty_definition(treaty: Treaty | str) -> TreatyDefinition:
    """Accepts a code or any bundled alias ("Ottawa Convention"), because users and news say both."""
    t = resolve_treaty(treaty)
    if t is None:
        raise KeyError(f"unknown treaty {treaty!r}; known: {', '.join(treaty_definitions())}")
    return treaty_definitions()[t]


@cache
def _alias_index() -> dict[str, Treaty]:
    idx: dict[str, Treaty] = {}
    for code, d in treaty_definitions().items():
        for name in (str(code), d.full_name, d.short_name, *d.aliases):
            idx[_norm(name)] = code
    return idx


def _norm(s: str) -> str:
    return " ".join(s.casefold().replace("-", " ").split())


def resolve_treaty(name: Treaty | str | None) -> Treaty | None:
    """The treaty a code or alias names, or ``None``."""
    if name is None:
        return None
    if isinstance(name, Treaty):
        return name
    return _alias_index().get(_norm(str(name)))


# --- calendar arithmetic ---------------------------------------------------------------------


def add_months(d: date, months: int) -> date:
    """Same calendar day ``months`` later, clamped to the month's last day (31 Aug + 6 → 28/29 Feb).

    The treaties say "six months after" without a rule for missing days; the
    clamp follows the usual reading (and Python's ``dateutil.relativedelta``):
    the period ends in the right month, never spilling into the next one.
    """
    total = d.year * 12 + (d.month - 1) + months
    year, month0 = divmod(total, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(d.day, last))


def first_of_month_after(d: date, months: int) -> date:
    """The 1st of the month ``months`` after ``d``'s month."""
    total = d.year * 12 + (d.month - 1) + months
    year, month0 = divmod(total, 12)
    return date(year, month0 + 1, 1)


# --- the rules --------------------------------------------------------------------------------


def entry_into_force_for_state(treaty: Treaty | str, deposit: date) -> date:
    """Art. 17(2): a deposit in month M binds the state from the 1st of month M+6.

    A state that deposited before the treaty itself entered into force is bound
    from the treaty's date (Art. 17(1)), hence the ``max``.  Notifications of
    succession are not covered: they take effect from the date of independence,
    which only the depositary record gives.
    """
    t = treaty_definition(treaty)
    return max(t.entry_into_force, first_of_month_after(deposit, t.eif_months))


def six_months_after(notification: date, treaty: Treaty | str | None = None) -> date:
    """Art. 20(3) period end: same calendar day, clamped at month end (see ``add_months``)."""
    months = treaty_definition(treaty).withdrawal_months if treaty is not None else 6
    return add_months(notification, months)


def _covering(conflicts: Iterable[ConflictLike], day: date) -> list[ConflictLike]:
    return [c for c in conflicts if c.start <= day and (c.end is None or day <= c.end)]


def withdrawal_effective_date(
    notification: date,
    conflicts: Iterable[ConflictLike] = (),
    *,
    treaty: Treaty | str | None = None,
    iso3: str | None = None,
) -> tuple[date | None, str | None]:
    """Art. 20(3): six months after receipt, later if the state is then at war.

    Returns ``(effective, reason)``.  ``reason`` is ``None`` when the plain six
    months apply; otherwise it says why the date moved or why there is none.

    Choice, documented: a conflict record's ``end`` is the last day of the
    conflict (inclusive), so a delayed withdrawal takes effect the **day after**
    it.  Several overlapping or back-to-back conflicts chain: the state must be
    out of every one.  While any covering conflict has no end date the result is
    ``(None, "pending: ...")``.  Pass ``iso3`` to keep only the records that
    engage that state (as ``state_iso3`` or as the opponent) when the list
    covers several states.
    """
    article = treaty_definition(treaty).article("armed_conflict_clause").article if treaty else "20(3)"
    relevant = [c for c in conflicts if iso3 is None or involves(c, iso3)]
    six = six_months_after(notification, treaty)
    day = six
    delays: list[ConflictLike] = []
    for _ in range(len(relevant) + 1):
        covering = _covering(relevant, day)
        if not covering:
            break
        open_ = [c for c in covering if c.end is None]
        if open_:
            c = min(open_, key=lambda c: c.start)
            return None, (
                f"pending: armed conflict with {_other_side(c, iso3)} since {c.start.isoformat()} "
                f"has no end date (Art. {article})"
            )
        last = max(covering, key=lambda c: c.end)  # type: ignore[arg-type,return-value]
        delays.append(last)
        day = last.end + timedelta(days=1)  # type: ignore[operator]
    if not delays:
        return six, None
    parts = "; ".join(
        f"armed conflict with {_other_side(c, iso3)} {c.start.isoformat()} to {c.end}" for c in delays
    )
    return day, (
        f"six months ended {six.isoformat()} during {parts}: "
        f"takes effect the day after the conflict ended (Art. {article})"
    )


def _other_side(conflict: ConflictLike, iso3: str | None) -> str:
    return conflict.iso3 if iso3 is not None and conflict.iso3 != iso3 else conflict.opponent


def involves(conflict: ConflictLike, iso3: str) -> bool:
    """A conflict engages both sides: the recorded state and an opponent given as a state code."""
    return conflict.iso3 == iso3 or conflict.opponent.strip().upper() == iso3


def engaged_in_conflict(conflicts: Iterable[ConflictLike], iso3: str, day: date) -> list[ConflictLike]:
    """The conflict records engaging the state on ``day`` (an open record covers every later day)."""
    return _covering([c for c in conflicts if involves(c, iso3)], day)
