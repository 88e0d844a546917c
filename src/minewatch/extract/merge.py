"""One claim per fact per document.

Articles repeat their lead in the headline, the first paragraph and a caption; counting
each repetition as a claim would inflate corroboration.  Mentions with the same identity
(actor, predicate, stage, treaty, weapon, counterpart, modality, polarity) become one
claim with every evidence span; of their values, the most specific one is kept.
"""

from __future__ import annotations

from collections.abc import Iterable

from minewatch.model import Claim, DateRange, Evidence, Money, Range


def _range_width(low: float | None, high: float | None) -> float:
    """Smaller is more specific; an open bound is as vague as it gets."""
    if low is None or high is None:
        return float("inf") if (low is None and high is None) else 1e30
    return abs(high - low)


def _more_specific_range(a: Range | Money | None, b: Range | Money | None):
    if a is None:
        return b
    if b is None:
        return a
    return b if _range_width(b.low, b.high) < _range_width(a.low, a.high) else a


def _more_specific_time(a: DateRange | None, b: DateRange | None) -> DateRange | None:
    """The narrower range, but a date given for the act beats a dateline's, however narrow."""
    if a is None:
        return b
    if b is None:
        return a
    if (a.basis == "reported") != (b.basis == "reported"):
        return b if a.basis == "reported" else a

    def width(d: DateRange) -> float:
        if d.start is None or d.end is None:
            return float("inf")
        return (d.end - d.start).days

    return b if width(b) < width(a) else a


def merge_claims(claims: Iterable[Claim]) -> list[Claim]:
    """Merge mentions of the same fact; keeps first-seen order."""
    merged: dict[tuple, Claim] = {}
    for c in claims:
        key = (c.document_id, *c.identity)
        have = merged.get(key)
        if have is None:
            merged[key] = Claim(**{**c.__dict__, "evidence": list(c.evidence)})
            continue
        for ev in c.evidence:
            if ev not in have.evidence:
                have.evidence.append(ev)
        have.quantity = _more_specific_range(have.quantity, c.quantity)
        have.money = _more_specific_range(have.money, c.money)
        have.time = _more_specific_time(have.time, c.time)
        have.speaker = have.speaker or c.speaker
        if c.speaker and have.speaker and not have.speaker.role and c.speaker.role \
                and c.speaker.name == have.speaker.name:
            have.speaker = c.speaker
        # each independent mention in the same article adds a little confidence
        have.confidence = min(0.99, max(have.confidence, c.confidence) + 0.05)
    for claim in merged.values():
        claim.evidence.sort(key=lambda e: (e.start, e.end))
    return list(merged.values())


__all__ = ["merge_claims", "Evidence"]
