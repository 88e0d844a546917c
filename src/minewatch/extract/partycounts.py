"""How many states an article says have joined a treaty: "163 countries have joined the Convention".

The count is checked against the number of States Parties the depositary
record gives on the day the article was written (``reconcile.depositary``), so
it is a claim of its own: actor ``States Parties`` (the gold's name for the
collective), predicate ``treaty_joining``, no stage, the count as a quantity in
``states``.  The day it speaks of is the publication date; where the document
has none, the date its address or dateline gives is kept as the claim's time,
with basis ``reported``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from datetime import date
from typing import Any

from minewatch.extract import values as _values
from minewatch.model import Actor, ActorKind, Claim, DateRange, Document, Evidence, Modality, Predicate, Range

PARTIES = Actor(ActorKind.ORGANIZATION, None, "States Parties")
UNIT = "states"

_STATES = r"(?:states|countries|nations)(?:\s+parties)?"
_QUANT = r"(?:(?:more\s+than|over|some|about|around|nearly|almost|at\s+least)\s+)?"
_COUNT = re.compile(
    # "163 countries have joined the Convention", "164 States, including Ukraine, joined it"
    rf"\b(?P<a>{_QUANT}\d{{2,3}})\s+{_STATES}\b(?:,[^,.;]{{0,40}},)?\s+(?:have\s+(?:now\s+)?|had\s+)?"
    rf"(?:joined|ratified|acceded|become\s+part(?:y|ies)|are\s+(?:now\s+)?part(?:y|ies))\b"
    # "ratified by 164 countries", "joined by more than 160 states"
    rf"|\b(?:ratified|joined|acceded\s+to)\s+by\s+(?P<b>{_QUANT}\d{{2,3}})\s+{_STATES}\b"
    # "the treaty has 165 States Parties", "with 164 states parties"
    rf"|\b(?:has|have|had|with|now|counts?)\s+(?P<c>{_QUANT}\d{{2,3}})\s+(?:states\s+parties|member\s+states|parties)\b",
    re.IGNORECASE,
)
_WHEN = re.compile(r"\bwhen\s+\Z", re.IGNORECASE)
_URL_DATE = re.compile(r"/(?P<y>(?:19|20)\d\d)[/-](?P<m>[01]?\d)[/-](?P<d>[0-3]?\d)(?:/|\b)")


def reported_date(doc: Document) -> tuple[date, str] | None:
    """When the document was written, where it has no publication date: the date in its address."""
    m = _URL_DATE.search(doc.url or "")
    if m is None:
        return None
    try:
        return date(int(m["y"]), int(m["m"]), int(m["d"])), m.group(0).strip("/")
    except ValueError:
        return None


def _count(expr: str, words: str) -> Range | None:
    """The count ``expr`` states ("more than 160" is open above), told in the sentence's ``words``."""
    found = [v for v in _values.find_values(expr) if v.kind == "quantity" and (v.low is not None or v.high is not None)]
    if found:
        v = found[0]
        return Range(low=v.low, high=v.high, unit=UNIT, text=words)
    n = re.search(r"\d{2,3}", expr)
    return Range(low=float(n.group(0)), high=float(n.group(0)), unit=UNIT, text=words) if n else None


def _treaty_at(pos: int, sentence: tuple[int, int], treaties: Sequence[Any]) -> str | None:
    """The treaty the sentence names, else the one the document names most (a passing mention of
    the other treaty does not make "the Convention" that one), else the last one named."""
    inside = [t for t in treaties if sentence[0] <= t.start < sentence[1]]
    if inside:
        return str(min(inside, key=lambda t: abs(t.start - pos)).label)
    counts = Counter(str(t.label) for t in treaties)
    if not counts:
        return None
    ranked = counts.most_common()
    if len(ranked) == 1 or ranked[0][1] > ranked[1][1]:
        return ranked[0][0]
    before = [t for t in treaties if t.start < sentence[0]]
    return str(before[-1].label) if before else None


def party_count_claims(doc: Document, sentences: Sequence[tuple[int, int]], treaties: Sequence[Any]) -> list[Claim]:
    """One claim per sentence that says how many states have joined a treaty it names (or last named),
    in documents whose day is known (the count is checked against that day's record)."""
    text = doc.text or ""
    when = None
    if doc.published is None:
        rd = reported_date(doc)
        if rd is None:
            return []  # a count of no known day cannot be checked: no claim to weigh
        when = DateRange(rd[0], rd[0], rd[1], "reported")
    out = []
    for s, e in sentences:
        sent = text[s:e]
        m = _COUNT.search(sent)
        if m is None or _WHEN.search(sent, 0, m.start()):
            continue  # "entered into force in 1999, when 164 states joined": a count of another day
        treaty = _treaty_at(s + m.start(), (s, e), treaties)
        if treaty is None:
            continue
        group = next(g for g in ("a", "b", "c") if m.group(g))
        quantity = _count(m.group(group), m.group(0).strip())
        if quantity is None:
            continue
        out.append(Claim(
            document_id=doc.id, actor=PARTIES, predicate=str(Predicate.TREATY_JOINING), treaty=treaty,
            modality=str(Modality.ACTUAL), quantity=quantity, time=_as_of(sent, doc.published) or when,
            evidence=[Evidence(s, e, sent)], confidence=0.7,
        ))
    return out


_AS_OF = re.compile(r"\b(?:as\s+of|as\s+at|by\s+the\s+end\s+of|at\s+the\s+end\s+of)\s+", re.IGNORECASE)


def _as_of(sentence: str, published: date | None) -> DateRange | None:
    """The day a count is told for ("as of March 2024, 164 states …"): the end of that date."""
    for m in _AS_OF.finditer(sentence):
        d = next((d for d in _values.find_dates(sentence, published) if d.start == m.end() or
                  (d.start <= m.end() <= d.end)), None)
        if d is not None and d.end_date is not None:
            return DateRange(d.end_date, d.end_date, d.text, "stated")
    return None


def is_party_count(claim: Any) -> bool:
    """A count of States Parties (checked against the record's count, never against other counts)."""
    q = claim.quantity
    return (str(claim.predicate) == str(Predicate.TREATY_JOINING) and claim.actor.iso3 is None
            and q is not None and q.unit == UNIT)


__all__ = ["PARTIES", "UNIT", "is_party_count", "party_count_claims", "reported_date"]
