"""Document metadata: header blocks, publication dates, outlet, wire credits.

Metadata is taken only from what the source states: a header block, the
page's own metadata, the feed, or a dateline that carries its year.  A guess
would put a claim on the wrong date, so "no date" (``None``) is preferred to a
likely one.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from importlib import resources
from urllib.parse import urlsplit

#: Keys a header block may set; other keys (``retrieved_from`` …) are read and ignored.
HEADER_KEYS = ("url", "published", "title", "outlet", "language")
#: A header line: lower-case key, colon, value.
_HEADER_LINE = re.compile(r"^([a-z][a-z0-9_-]{0,39}):[ \t]*(.*)$")
#: Values that mean "not known".
UNKNOWN_VALUES = frozenset({"", "unknown", "none", "null", "n/a", "na", "-", "?"})

#: Month names accepted in datelines (English and the outlets' languages seen most).
MONTHS: dict[str, int] = {
    **{m: i for i, m in enumerate(
        ["january", "february", "march", "april", "may", "june", "july", "august", "september",
         "october", "november", "december"], start=1)},
    **{m: i for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)},
    "sept": 9,
}
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


def parse_header(text: str) -> tuple[dict[str, str], str]:
    """Split a leading ``key: value`` block (ended by a blank line) from the body.

    A block counts only when every line of it is a header line and at least one
    key is a known one, so an article that opens with "Update: …" stays whole.
    """
    head, sep, body = text.partition("\n\n")
    if not sep:
        return {}, text
    lines = [ln.rstrip("\r") for ln in head.split("\n")]
    fields: dict[str, str] = {}
    for line in lines:
        m = _HEADER_LINE.match(line.strip("\ufeff"))
        if not m:
            return {}, text
        fields[m.group(1)] = m.group(2).strip()
    known = {k: v for k, v in fields.items() if k in HEADER_KEYS}
    if not known:
        return {}, text
    return {k: v for k, v in known.items() if v.lower() not in UNKNOWN_VALUES}, body


def parse_date(value: object) -> date | None:
    """A calendar date from a header, feed or page value; a bare year or month is not a date."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    s = str(value).strip()
    if s.lower() in UNKNOWN_VALUES:
        return None
    m = re.match(r"^(\d{4})-(\d{2})-(\d{2})", s)
    if m:
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    if re.fullmatch(r"\d{4}(-\d{2})?", s):
        return None
    try:
        from email.utils import parsedate_to_datetime

        return parsedate_to_datetime(s).date()
    except (TypeError, ValueError, IndexError):
        pass
    try:
        import dateparser

        d = dateparser.parse(s, settings={"REQUIRE_PARTS": ["day", "month", "year"], "PREFER_DAY_OF_MONTH": "first"})
    except Exception:  # dateparser raises assorted errors on odd input
        return None
    return d.date() if d else None


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


def dateline_date(text: str) -> date | None:
    """The publication date a dateline gives, only when it states the year."""
    d = find_dateline(text)
    return d.as_date() if d else None


def outlet_from_url(url: str | None) -> str | None:
    """The site's host name without ``www.``, the outlet when nothing better is known."""
    if not url:
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host


# ---------------------------------------------------------------------------
# Wire agencies

#: Phrases that make an agency the source of the story.  ``{A}`` is the agency
#: alias.  The rule: an agency counts when the text credits it (a dateline
#: credit, "Source: X", "with reference to X", "according to X", "citing X",
#: "X reports", "told X", a byline) or when it speaks as the reporter of the
#: story ("X could not verify", "X has learned").  A bare mention ("a Reuters
#: photographer", "AP mines", "TASS's office in Riga") does not count.
CREDIT_PATTERNS: tuple[str, ...] = (
    r"\(\s*(?:[\w.\- ]+/)?{A}(?:/[\w.\- ]+)?\s*\)",  # (Reuters)  (BSS/AFP)  (AP)
    r"/\s*{A}\s*/",  # /TASS/
    r"(?:^|\n)\s*/\s*{A}\b",  # /BGNES on its own line
    r"\b[A-ZÄÖÅ]{3,}/{A}\b",  # DEMOKRAATTI/STT
    r"//\s*{A}\b",  # (Reporting by … // REUTERS)
    r"(?:^|[\s,.])[-–—]\s*{A}\s*(?:[.,;:\n]|$)",  # MOSCOW, March 18 - RIA Novosti.   … — Reuters
    r"\b(?i:with reference to|referring to|citing|according to|quoting|reported by|as reported by|"
    r"reports|reported|writes|wrote|informs|via|source|sources|credit|courtesy of)\s*:?\s+(?:the\s+)?{A}\b",
    r"\b{A}(?:\s+news\s+agency|\s+agency)?\s+(?:reports|reported|writes|wrote|informs|informed|said|says|"
    r"has learned|learned|could not|was unable|were unable|cannot|can't|has seen|reviewed|contacted)\b",
    r"\b(?i:told|telling|in an interview with|speaking to|spoke to|comment (?:to|for|from)|"
    r"comment from|statement to)\s+(?:the\s+)?{A}\b",
    r"(?:^|\n)\s*By\s+{A}\b",  # By IANS | Updated …
    r"(?:^|\n)\s*Source\s*:\s*{A}\b",
    # Russian, Ukrainian, Polish, German credits
    r"(?i:сообщает|сообщило|передает|передаёт|пишет|повідомляє|пише|со ссылкой на|з посиланням на|"
    r"по данным|за даними|informuje|podaje|według|za agencją|berichtet|meldet|unter Berufung auf|laut)\s+{A}\b",
)


#: Characters either side of an agency's name searched for a credit phrase.
CREDIT_WINDOW = 60


@dataclass(frozen=True)
class Agency:
    name: str
    pattern: re.Pattern[str]
    domains: tuple[str, ...]


@dataclass(frozen=True)
class _AgencyTable:
    agencies: tuple[Agency, ...]
    #: First word of every alias → the agencies that have an alias starting with it.
    first_words: dict[str, tuple[int, ...]]


#: Words that may open an agency alias (capitalised or all-caps words, and "dpa").
_ALIAS_START = re.compile(r"(?<![\w-])(?:[A-ZА-ЯЁІЇЄ][\w-]*|dpa)")


@lru_cache(maxsize=1)
def _table() -> _AgencyTable:
    path = resources.files("minewatch.ingest").joinpath("data/agencies.csv")
    out = []
    first: dict[str, list[int]] = {}
    with path.open("r", encoding="utf-8") as fh:
        for i, row in enumerate(csv.DictReader(fh)):
            aliases = sorted(row["aliases"].split("|"), key=len, reverse=True)
            alias_re = "(?:" + "|".join(re.escape(a) for a in aliases) + r")(?![\w-])"
            pattern = "|".join(p.replace("{A}", alias_re) for p in CREDIT_PATTERNS)
            out.append(Agency(row["name"], re.compile(pattern), tuple(d for d in row["domains"].split("|") if d)))
            for alias in aliases:
                first.setdefault(re.split(r"[\s-]", alias)[0], []).append(i)
    return _AgencyTable(tuple(out), {k: tuple(sorted(set(v))) for k, v in first.items()})


def agencies() -> tuple[Agency, ...]:
    """The wire agencies of ``data/agencies.csv`` with their credit patterns compiled."""
    return _table().agencies


def detect_agencies(text: str) -> list[str]:
    """The wire agencies the text credits as its source, in table order.

    Matching is case-sensitive: agency abbreviations are written in capitals
    ("AP", "PAP"), and that keeps "ap mines" or "pap" out.  Credits stand on
    one line, so only the lines that mention an agency are examined.
    """
    table = _table()
    lines_of: dict[int, set[str]] = {}
    for m in _ALIAS_START.finditer(text):
        hits = table.first_words.get(m.group()) or table.first_words.get(m.group().split("-")[0])
        if not hits:
            continue
        # The credit stands near the name: look at a window of its line around it.
        line_start = text.rfind("\n", 0, m.start()) + 1
        line_end = text.find("\n", m.end())
        line_end = len(text) if line_end < 0 else line_end
        start = max(line_start, m.start() - CREDIT_WINDOW)
        end = min(line_end, m.end() + CREDIT_WINDOW)
        # A cut line starts with NUL so that start-of-line patterns ("Source: X") cannot match there.
        window = text[start:end] if start == line_start else "\x00" + text[start:end]
        for i in hits:
            lines_of.setdefault(i, set()).add(window)
    found = []
    for i in sorted(lines_of):
        agency = table.agencies[i]
        if any(agency.pattern.search(line) for line in lines_of[i]):
            found.append(agency.name)
    return found


def agency_for_host(host: str | None) -> str | None:
    """The agency whose own site this is (tass.com → TASS), so its copy counts as its wire."""
    if not host:
        return None
    for agency in _table().agencies:
        if any(host == d or host.endswith("." + d) for d in agency.domains):
            return agency.name
    return None
