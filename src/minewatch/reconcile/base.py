"""What every reconciliation step shares: the claim record, fact keys, value ranges.

All functions here work on one *group* of claims (a fact, a story, an actor)
that the store loads; nothing here ever sees the whole base, and every id is
derived from content so that recomputing a group gives the same ids.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from minewatch.model import Claim, Modality, short_hash
from minewatch.reconcile.phrases import time_phrase

#: Review verdicts that mean an analyst looked at the claim and stands by it (as corrected).
REVIEWED_OK = ("verified", "corrected")
REJECTED = "rejected"

#: The value fields a claim can carry, in report order.
VALUE_FIELDS = ("quantity", "money", "time")

#: A claim takes part in conflicts only from this confidence on (the one place to tune it: a false
#: alarm costs a reader's trust, a missed one only a look at the fact's sources).  Confidence is the
#: calibrated probability that the claim is right, so this reads "more likely right than wrong".
CONFIDENT = 0.5

#: Time bases (``DateRange.basis``): a dateline's or byline's date is when the story was filed, not the act's.
REPORTED_BASIS = "reported"


@dataclass
class ClaimRecord:
    """A stored claim with the document context reconciliation needs; the store builds these."""

    claim: Claim
    document_id: str
    story_id: str | None
    published: date | None
    outlet: str | None
    path: str | None
    url: str | None
    review: str | None = None  # None | "verified" | "corrected" | "rejected"
    #: Wire agencies the document was attributed to (``document.via``); optional, names the story in explanations.
    via: list[str] = field(default_factory=list)

    #: ``claim.id`` and ``fact_key(claim)``, hashed once here because groups sort and compare by them
    #: many times; not init arguments, so ``dataclasses.replace(record, claim=…)`` recomputes them.
    claim_id: str = field(init=False, repr=False, compare=False)
    fact_id: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if isinstance(self.published, datetime):  # a timestamp would not compare with dates
            self.published = self.published.date()
        self.claim_id = self.claim.id
        self.fact_id = fact_key(self.claim)

    @property
    def story_key(self) -> str:
        """A document without a story is a story of its own when counting independent sources."""
        return self.story_id or f"doc:{self.document_id}"

    @property
    def label(self) -> str:
        """How an explanation names the source: the outlet, else the file, else the id."""
        if self.outlet:
            return self.outlet
        if self.path:
            return self.path.replace("\\", "/").rsplit("/", 1)[-1]
        if self.url:
            return self.url
        return self.document_id


def fact_key(claim: Claim) -> str:
    """Same actor, activity and polarity in any document is the same fact; modality is not part of it.

    Modality stays out so that a plan and its later execution (or a copy that
    softens "will" into "could") land in one fact, where drift can be seen.
    """
    return "f-" + short_hash(
        claim.actor.key,
        str(claim.predicate),
        claim.stage,
        claim.treaty,
        claim.weapon,
        claim.counterpart.key if claim.counterpart else None,
        str(claim.polarity),
    )


def active(records: Iterable[ClaimRecord]) -> list[ClaimRecord]:
    """Rejected claims take no part; a claim loaded twice counts once; order is deterministic."""
    seen: dict[str, ClaimRecord] = {}
    for r in records:
        if r.review == REJECTED:
            continue
        seen[r.claim_id] = r
    return sorted(seen.values(), key=record_order)


def confident(records: Iterable[ClaimRecord]) -> list[ClaimRecord]:
    """The active claims a conflict may rest on: confident ones, or ones an analyst stood by."""
    return [r for r in active(records) if r.claim.confidence >= CONFIDENT or r.review in REVIEWED_OK]


def stated_time(claim: Claim) -> Value | None:
    """The claim's time when its own clause states it: what a check against the record needs.

    A date relative to the publication ("on Saturday") is only as good as the
    publication date, and a dateline is not the act's date at all.
    """
    t = claim.time
    if t is None or getattr(t, "basis", None) not in (None, "stated"):
        return None
    return value_of(claim, "time")


def record_order(r: ClaimRecord) -> tuple[Any, ...]:
    """Earliest publication first, undated last, then by ids: explanations read in reporting order."""
    return (r.published is None, r.published or date.min, r.document_id, r.claim_id)


def partition(records: Iterable[ClaimRecord], key: Any) -> dict[Any, list[ClaimRecord]]:
    out: dict[Any, list[ClaimRecord]] = defaultdict(list)
    for r in records:
        out[key(r)].append(r)
    return dict(out)


def modality_class(modality: str) -> str:
    """Plans and possibilities are compared with each other, not with what has happened."""
    return "actual" if str(modality) == Modality.ACTUAL else "prospective"


# --- value ranges -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Value:
    """One claim's quantity, money or time as a comparable closed range (``None`` = open)."""

    field: str
    dim: str | None  # unit for quantity, currency for money, None for time
    low: Any
    high: Any
    text: str | None

    @property
    def key(self) -> tuple[Any, ...]:
        return (self.field, self.dim, self.low, self.high)

    @property
    def width(self) -> float:
        """Specificity: a narrower range says more (open ranges are infinitely wide)."""
        if self.low is None or self.high is None:
            return float("inf")
        if isinstance(self.low, date):
            return float((self.high - self.low).days)
        return float(self.high - self.low)

    def with_dim(self, dim: str | None) -> Value:
        return Value(self.field, dim, self.low, self.high, self.text)


def value_of(claim: Claim, field_name: str) -> Value | None:
    """The claim's value as a range, or ``None`` when absent or unresolved (text only)."""
    v = getattr(claim, field_name, None)
    if v is None:
        return None
    if field_name == "time":
        if getattr(v, "basis", None) == REPORTED_BASIS:
            return None  # when the story was filed says nothing about when the act happened
        low, high, dim = v.start, v.end, None
    else:
        low, high = v.low, v.high
        dim = v.unit if field_name == "quantity" else v.currency
        low = None if low is None else float(low)
        high = None if high is None else float(high)
    if low is None and high is None:
        return None
    if low is not None and high is not None and low > high:
        low, high = high, low
    return Value(field_name, dim, low, high, v.text)


def overlaps(a: Value, b: Value) -> bool:
    """Closed ranges with open ends; different units or currencies are never compared."""
    if a.dim != b.dim:
        return True
    if a.low is not None and b.high is not None and a.low > b.high:
        return False
    if b.low is not None and a.high is not None and b.low > a.high:
        return False
    return True


def comparable(a: Value, b: Value) -> bool:
    return a.dim == b.dim


def harmonise_dims(values: list[Value]) -> list[Value]:
    """A value without unit takes the only unit the others use (extractors miss units, not meanings)."""
    dims = {v.dim for v in values if v.dim is not None}
    if len(dims) != 1:
        return values
    (only,) = dims
    return [v if v.dim is not None else v.with_dim(only) for v in values]


def intersection(values: list[Value]) -> tuple[Any, Any] | None:
    """Common part of ranges of one unit, or ``None`` when two of them do not overlap."""
    lows = [v.low for v in values if v.low is not None]
    highs = [v.high for v in values if v.high is not None]
    low = max(lows) if lows else None
    high = min(highs) if highs else None
    if low is not None and high is not None and low > high:
        return None
    return low, high


def value_text(v: Value) -> str:
    """The words the source used, else the range written out; a date told without a number
    ("next year") gets the dates it was resolved to, so two of them can be compared by a reader."""
    if v.text:
        if v.field == "time" and not any(ch.isdigit() for ch in v.text) and (v.low is not None or v.high is not None):
            return f"{v.text} ({format_range(v)})"
        return v.text
    return format_range(v)


def format_number(x: float) -> str:
    if float(x).is_integer():
        return f"{int(x):,}"
    return f"{x:,.2f}".rstrip("0").rstrip(".")


def format_range(v: Value) -> str:
    if v.field == "time":
        return time_phrase(v.low, v.high).strip()
    unit = f" {v.dim}" if v.dim else ""
    if v.low is not None and v.high is not None:
        if v.low == v.high:
            return f"{format_number(v.low)}{unit}"
        return f"{format_number(v.low)}–{format_number(v.high)}{unit}"
    if v.low is not None:
        return f"at least {format_number(v.low)}{unit}"
    return f"at most {format_number(v.high)}{unit}"


def conflict_id(kind: str, *parts: object) -> str:
    """Ids from what is compared (fact, values, record), not from which group the store passed."""
    return "x-" + short_hash(kind, *parts)
