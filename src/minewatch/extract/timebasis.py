"""Where a claim's date comes from: the act's own clause, the publication, or the dateline.

A date tells when an act happened only when the text gives it for that act.
Datelines ("VILNIUS, June 29 (IANS) -"), bylines ("By IANS | Updated: June 29,
2025"), press-release headers ("Geneva 1 July 2025 - …") say when the story was
filed; they are how minewatch knows when something was *reported*, never when
it was done.  Each claim's time gets a ``basis``:

- ``stated``: the text gives the date ("on 27 June 2025", "in 2011", "June 29");
- ``relative``: the text gives it against the publication ("on Friday", "last month");
- ``reported``: a dateline, byline or header: when the report was filed.

Reconciliation compares and checks against the record only dates that are not
``reported`` (and the record check wants ``stated``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from minewatch.model import Claim, DateRange
from minewatch.text.dates import dateline_span

STATED = "stated"
RELATIVE = "relative"
REPORTED = "reported"
BASES = (STATED, RELATIVE, REPORTED)

_MONTHS = (
    "jan|january|feb|february|mar|march|apr|april|may|jun|june|jul|july|aug|august|sep|sept|september"
    "|oct|october|nov|november|dec|december"
)
_RELATIVE = re.compile(
    r"\b(?:yesterday|today|tomorrow|tonight|ago|last|next|this|coming|past|previous|earlier|later|current"
    r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday|same|following)\b",
    re.IGNORECASE,
)
_YEAR = re.compile(r"\b(?:1[89]|20)\d\d\b")
_MONTH = re.compile(rf"\b(?:{_MONTHS})\b\.?", re.IGNORECASE)
_STARTS_WITH_PREP = re.compile(r"\A(?:on|in|since|from|by|until|till|before|after|during|as\s+of)\b", re.IGNORECASE)

#: Words that begin a sentence but never name the place of a dateline.
_NOT_PLACES = frozenset(
    "on in at by from since until after before during the a an and but as earlier later last next this that"
    " then so yet also meanwhile however".split()
)
#: What a byline or page header around a date says ("By IANS | Updated:", "Published", "Posted on").
_BYLINE = re.compile(
    r"\A\s*(?:by\b[^|\n]{0,60}\|.*|(?:last\s+)?(?:updated|published|posted|modified|dated?|released|issued)"
    r"(?:\s+(?:on|at))?\s*:?\s*)\Z",
    re.IGNORECASE,
)
#: After a dateline's date: an agency in brackets, a dash, a colon, or straight into the story.
_AFTER_DATELINE = re.compile(r"\A\)?\s*(?:\((?:[A-Z][\w.&' -]{0,30})\)\s*)?(?:[-–—:|/]|\s+[A-Z]|\s*$)")
_AFTER_HEADER = re.compile(r"\A\)?\s*(?:\((?:[A-Z][\w.&' -]{0,30})\)\s*)?(?:[-–—:|/]|\s*$)")
_PLACE = re.compile(r"\A\(?(?:[A-Z][\w.'’-]*)(?:[ -][A-Z][\w.'’-]*){0,3}\s*,?\s*\Z")


def _line_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    a = text.rfind("\n", 0, start) + 1
    b = text.find("\n", end)
    return a, (len(text) if b < 0 else b)


def is_reported_date(text: str, start: int, end: int) -> bool:
    """Whether the date at ``text[start:end]`` is a dateline, byline or header: when the story was filed."""
    a, b = _line_bounds(text, start, end)
    line_start = a + len(text[a:b]) - len(text[a:b].lstrip())
    span = dateline_span(text[line_start:b])  # the dateline ingest and the story grouper read
    if span is not None and line_start + span[0] <= start < line_start + span[1]:
        opener = (text[line_start + span[0]:line_start + span[1]].split() or [""])[0].strip("(,").lower()
        if opener not in _NOT_PLACES:  # "On March 4, Norway notified…" opens a sentence, not a dateline
            return True
    before, expr, after = text[a:start], text[start:end], text[end:b]
    head = before.strip()
    if _BYLINE.search(before) or re.search(r"\|\s*$", before):
        return True
    if not head:
        # a date opening a line and then a dash or nothing: "1 July 2025 – The ministers…", a date line
        return not _STARTS_WITH_PREP.match(expr) and bool(_AFTER_HEADER.match(after))
    if len(head) > 45 or not _PLACE.match(head):
        return False
    if head.split()[0].strip("(,").lower() in _NOT_PLACES or _STARTS_WITH_PREP.match(expr):
        return False
    # "VILNIUS, June 29 (IANS) -", "Geneva 1 July 2025 - …", "Vilnius, June 29 Lithuania, Latvia …"
    if head.isupper() or head.endswith(",") or head.startswith("("):
        return bool(_AFTER_DATELINE.match(after))
    return bool(_AFTER_HEADER.match(after))


def expression_basis(expr: str) -> str:
    """``relative`` for dates told against the publication ("on Friday", "last month"), else ``stated``."""
    if _YEAR.search(expr):
        return STATED
    if _MONTH.search(expr) and re.search(r"\d", expr):
        return STATED  # "June 29": the day is stated, the year comes from the publication
    if _RELATIVE.search(expr) or not re.search(r"\d", expr):
        return RELATIVE
    return STATED


def date_basis(text: str, start: int, end: int) -> str:
    """The basis of one date expression found at ``text[start:end]``."""
    if is_reported_date(text, start, end):
        return REPORTED
    return expression_basis(text[start:end])


def _locate(text: str, claim: Claim) -> tuple[int, int] | None:
    """Where the claim's date expression is: in its evidence first, else its first use in the text."""
    t = claim.time
    if t is None or not t.text:
        return None
    for ev in claim.evidence:
        i = text.find(t.text, ev.start, max(ev.end, ev.start + len(t.text)) + len(t.text))
        if i >= 0:
            return i, i + len(t.text)
    i = text.find(t.text)
    return (i, i + len(t.text)) if i >= 0 else None


#: Words that name each treaty step, to tell which step of a sentence a date belongs to
#: ("approved in July 2024, and in the fall notified the UN": July 2024 is the approval's).
STAGE_CUES: dict[str, re.Pattern[str]] = {
    name: re.compile(rx, re.IGNORECASE)
    for name, rx in {
        "proposed": r"\b(?:recommend|propos|announc|initiat)\w*",
        "decided": r"\b(?:decid|decision|decree)\w*",
        "approved": r"\b(?:approv|vot(?:e|ed|ing)\b|adopt|passed|parliament|lawmakers|MPs\b|Saeima|Seimas|Sejm"
                    r"|Riigikogu|Eduskunta|signed\s+(?:a|the)\s+law)\w*",
        "notified": r"\b(?:notif|deposit|submitted|informed\s+the|instrument)\w*",
        "effective": r"\b(?:took\s+effect|takes\s+effect|take\s+effect|effective|officially\s+(?:withdr|left|exit)"
                     r"|ceased?\s+to\s+be)\w*",
        "signed": r"\bsign(?:ed|ing|ature)?\b",
        "ratified": r"\bratif\w*",
        "acceded": r"\b(?:acce(?:ded|ssion|de)|join)\w*",
        "in_force": r"\b(?:entered|entry)\s+into\s+force\b",
    }.items()
}
_STAGES_OF = {
    "treaty_withdrawal": ("proposed", "decided", "approved", "notified", "effective"),
    "treaty_joining": ("signed", "ratified", "acceded", "in_force"),
}


def _gap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, max(a[0], b[0]) - min(a[1], b[1]))


def belongs_to_other_step(sentence: str, date_at: tuple[int, int], predicate: str, stage: str | None) -> bool:
    """Whether the date at ``date_at`` (offsets in ``sentence``) is told for another step of the
    treaty process than ``stage``: the step whose words stand nearest the date owns it."""
    stages = _STAGES_OF.get(str(predicate))
    if not stages or stage not in stages:
        return False
    own = [m.span() for m in STAGE_CUES[stage].finditer(sentence)]
    if not own:
        return False
    others = []
    for other in stages:
        if other != stage:
            others += [m.span() for m in STAGE_CUES[other].finditer(sentence)
                       if not any(_gap(m.span(), c) == 0 for c in own)]
    if not others:
        return False
    # the clause the date stands in ("…approved it in July 2024, and in the fall notified…")
    cuts = [0, *(m.end() for m in _CLAUSE_BREAK.finditer(sentence)), len(sentence)]
    lo = max(c for c in cuts if c <= date_at[0])
    hi = min((c for c in cuts if c >= date_at[1]), default=len(sentence))
    if any(lo <= a < hi for a, _ in own):
        return False
    if any(lo <= a < hi for a, _ in others):
        return True
    return min(_gap(date_at, c) for c in others) < min(_gap(date_at, c) for c in own)


_CLAUSE_BREAK = re.compile(r";|,\s*(?:and|but|while|whereas|after\s+which|before|then)\b|\band\s+then\b")


def _other_step(text: str, c: Claim, where: tuple[int, int]) -> bool:
    ev = next((e for e in c.evidence if e.start <= where[0] and where[1] <= max(e.end, e.start)), None)
    if ev is None:
        return False
    return belongs_to_other_step(text[ev.start:ev.end], (where[0] - ev.start, where[1] - ev.start),
                                 str(c.predicate), c.stage)


def with_time_basis(claims: Iterable[Claim], text: str) -> list[Claim]:
    """Each claim with its time's basis set (claims without a time, or already based, unchanged).

    A date its sentence tells for another step of the treaty process is no date of this claim's
    step: the claim loses it rather than be checked against the record with it.
    """
    out = []
    for c in claims:
        t = c.time
        if t is None or getattr(t, "basis", None) or not t.text:
            out.append(c)
            continue
        where = _locate(text, c)
        if where and _other_step(text, c, where):
            out.append(replace(c, time=None))
            continue
        basis = date_basis(text, *where) if where else expression_basis(t.text)
        out.append(replace(c, time=DateRange(t.start, t.end, t.text, basis)))
    return out


__all__ = ["BASES", "RELATIVE", "REPORTED", "STATED", "belongs_to_other_step", "date_basis", "expression_basis",
           "is_reported_date", "with_time_basis"]
