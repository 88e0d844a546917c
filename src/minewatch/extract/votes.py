"""Vote counts: how many members of a parliament voted for a treaty step.

"The decision was supported by 68 lawmakers", "A total of 66 MPs voted in favour":
two reports of one vote that give different counts disagree, so the count is the
quantity of the parliament's claim (``stage`` ``approved`` for a withdrawal,
``ratified`` for joining).  Articles often give the count a sentence or two after
the act ("… was approved by the Saeima. A total of 66 MPs voted in favour …"), so
the claim's own sentence and the next ones are read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

from minewatch.model import Claim, Range

#: The unit a vote count carries (claims.md: "another plain noun").
UNIT = "votes in favour"

#: Stages that a parliament's vote makes.
VOTED_STAGES = {("treaty_withdrawal", "approved"), ("treaty_joining", "ratified")}

#: Sentences after the claim's own that may still give its vote.
LOOK_AHEAD = 2

_MEMBERS = (r"(?:MPs|members(?:\s+of\s+(?:parliament|the\s+\w+))?|lawmakers|deputies|parliamentarians|legislators"
            r"|senators|representatives|votes?)")
_VOTE = re.compile(
    rf"(?:\b(?:supported|backed|approved|passed|adopted|endorsed)\s+by\s+(?P<a>\d{{1,3}})\s+{_MEMBERS}"
    rf"|\b(?P<b>\d{{1,3}})\s+{_MEMBERS}\s+(?:voted\s+|cast\s+(?:their\s+)?votes?\s+)?(?:in\s+favou?r|for\b|supported|backed)"
    rf"|\bwith\s+(?P<c>\d{{1,3}})\s+(?:{_MEMBERS}\s+)?(?:voting\s+)?in\s+favou?r"
    rf"|\bby\s+(?:a\s+vote\s+of\s+)?(?P<d>\d{{1,3}})\s*(?:-|–|to)\s*\d{{1,3}}\b)",
    re.IGNORECASE,
)


def find_vote(sentence: str) -> tuple[int, str] | None:
    """The number of votes in favour a sentence states, with the words that state it."""
    m = _VOTE.search(sentence)
    if m is None:
        return None
    n = next(int(g) for g in m.group("a", "b", "c", "d") if g)
    return n, m.group(0).strip()


def with_vote_counts(claims: Iterable[Claim], text: str, sentences: Sequence[tuple[int, int]]) -> list[Claim]:
    """Parliament-vote claims with the count in favour their sentence (or the next ones) gives."""
    starts = [s for s, _ in sentences]
    out = []
    for c in claims:
        if c.quantity is not None or (str(c.predicate), c.stage) not in VOTED_STAGES or not c.evidence:
            out.append(c)
            continue
        found = None
        ev = c.evidence[0]
        i = next((k for k, s in enumerate(starts) if s == ev.start), None)
        window = [(ev.start, ev.end)]
        if i is not None:
            window += list(sentences[i + 1 : i + 1 + LOOK_AHEAD])
        for s, e in window:
            found = find_vote(text[s:e])
            if found:
                break
        if found is None:
            out.append(c)
            continue
        n, words = found
        out.append(replace(c, quantity=Range(low=float(n), high=float(n), unit=UNIT, text=words)))
    return out


__all__ = ["UNIT", "find_vote", "with_vote_counts"]
