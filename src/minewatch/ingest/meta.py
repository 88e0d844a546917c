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
from email.utils import parsedate_to_datetime
from functools import lru_cache
from importlib import resources
from urllib.parse import unquote_plus, urlsplit, urlunsplit

from minewatch.text.dates import find_dateline

#: Keys a header block may set; other keys (``retrieved_from`` …) are read and ignored.
HEADER_KEYS = ("url", "published", "title", "outlet", "language")
#: A header line: key (any case: "Title:" and "URL:" are what people type), colon, value.
_HEADER_LINE = re.compile(r"^([a-z][a-z0-9_-]{0,39}):[ \t]*(.*)$", re.IGNORECASE)
#: Values that mean "not known".
UNKNOWN_VALUES = frozenset({"", "unknown", "none", "null", "n/a", "na", "-", "?"})

def parse_header(text: str) -> tuple[dict[str, str], str]:
    """Split a leading ``key: value`` block (ended by a blank line) from the body.

    A block counts only when every line of it is a header line and at least one
    key is a known one, so an article that opens with "Update: …" stays whole.
    Line endings are made "\n" first (Windows "\r\n", old Mac "\r"), so the
    blank line that ends the block is found whatever wrote the file.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    head, sep, body = text.partition("\n\n")
    if not sep:
        return {}, text
    lines = head.split("\n")
    fields: dict[str, str] = {}
    for line in lines:
        m = _HEADER_LINE.match(line.strip("\ufeff"))
        if not m:
            return {}, text
        fields[m.group(1).lower()] = m.group(2).strip()
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
        return parsedate_to_datetime(s).date()
    except (TypeError, ValueError, IndexError):
        pass
    try:
        import dateparser  # lazy: ~0.3 s to import, needed only for dates no simpler reading takes

        d = dateparser.parse(s, settings={"REQUIRE_PARTS": ["day", "month", "year"], "PREFER_DAY_OF_MONTH": "first"})
    except Exception:  # dateparser raises assorted errors on odd input
        return None
    return d.date() if d else None


def dateline_date(text: str) -> date | None:
    """The publication date a dateline gives, only when it states the year."""
    d = find_dateline(text)
    return d.as_date() if d else None


#: Query parameters that only say how a reader reached a page: a prefix family (``utm_…``,
#: ``fbclid``, ``gclid``, ``mc_cid``, ``_ga``) or a whole word of the name (``ref``, ``source``).
#: courlan's ``TRACKERS_RE`` is asked first; it searches without word bounds, so it also takes
#: ``gallery``, ``game``, ``global`` and ``refresh``, and only names this rule agrees on are
#: dropped — merging two different pages is worse than keeping a tracker.
_TRACKER_PREFIX = re.compile(
    r"^(?:(?:dc|fbc|gc|twc|yc|ysc)lid|(?:click|gbra|msclk|igsh|wbra)id|"
    r"(?:ads?|mc|ga|gs|itm|mkt|ml|mtm|oly|pk|utm|vero)_)"
)
_TRACKER_WORDS = frozenset({
    "aff", "affi", "affiliate", "campaign", "cid", "clid", "eid", "ga", "gl", "kwd", "keyword",
    "medium", "ref", "referer", "referrer", "session", "source", "uid", "xtor",
})
#: An outlet value that is a host name ("edition.cnn.com", "www.bbc.co.uk:8080").
_HOST_NAME = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})(?::\d{1,5})?$")


def _is_tracker(name: str) -> bool:
    from courlan.clean import TRACKERS_RE  # lazy: ~0.13 s to import, needed only for URLs

    low = name.lower()
    if not TRACKERS_RE.search(low):
        return False
    return bool(_TRACKER_PREFIX.match(low)) or any(w in _TRACKER_WORDS for w in re.split(r"[_.-]", low))


def canonical_url(url: str | None) -> str | None:
    """One spelling of a web address, so two links to one page store the same URL.

    Why: the same article reached from a feed, a share button and a search
    result arrives as three URLs (``utm_source=…``, ``fbclid=…``, ``#comments``);
    stored as given they read as three sources.  courlan normalises the scheme
    and host (lower case, default port dropped); tracking parameters, the
    fragment and any ``user:password@`` go.  The path and the other parameters
    keep their spelling (courlan would re-encode them: "+" in a path becomes
    "%2B", "%20" in a query "+"), parameters sorted by name (``?id=5``, ``?p=10148``, ``?print``); an empty path
    is "/".  An internationalised host keeps its ASCII (``xn--``) form, so a
    look-alike host stays visible.  Anything that is not an http(s) URL (a file
    path, ``urn:…``) comes back as given, stripped.
    """
    if url is None:
        return None
    s = url.strip()
    if not s:
        return None
    if not re.match(r"^https?://", s, re.IGNORECASE):
        return s
    from courlan import normalize_url  # lazy, as above

    try:
        parts = urlsplit(s)
        base = urlsplit(normalize_url(urlunsplit((parts.scheme, parts.netloc, "", "", "")), strict=True))
    except ValueError:  # a bad port or IPv6 literal: keep what was given
        return s
    host = base.hostname or ""
    netloc = base.netloc.rsplit("@", 1)[-1]  # credentials name the reader, not the page
    if host and not host.isascii():
        try:
            netloc = netloc.replace(host, host.encode("idna").decode("ascii"))
        except UnicodeError:
            pass
    pieces = [p for p in parts.query.split("&") if p]
    names = [unquote_plus(p.split("=", 1)[0]) for p in pieces]
    kept = sorted(((n, p) for n, p in zip(names, pieces, strict=True) if not _is_tracker(n)), key=lambda np: np[0])
    return urlunsplit((base.scheme, netloc, parts.path or "/", "&".join(p for _, p in kept), ""))


def url_host(url: str | None) -> str | None:
    """The lower-case host of a URL without port, or None for anything that has none."""
    if not url:
        return None
    try:
        return urlsplit(url.strip()).hostname or None
    except ValueError:
        return None


@lru_cache(maxsize=4096)
def registered_domain(host: str) -> str | None:
    """The domain a host was registered under, by the Public Suffix List ("news.bbc.co.uk" → "bbc.co.uk").

    Why: "edition.cnn.com", "www.cnn.com" and "cnn.com" are one outlet.  The
    list is the copy bundled in the ``tld`` package, read through courlan's
    ``extract_domain``; ``tld`` fetches a list only when its bundled file is
    missing, and a test runs this with the network blocked.  None for an IP
    address, ``localhost`` or a name under no known suffix.
    """
    from courlan import extract_domain  # lazy, as above

    host = host.strip().lower().rstrip(".")
    if not host or not any(c.isalpha() for c in host.rsplit(".", 1)[-1]):
        return None
    return extract_domain(f"http://{host}/") or None


def outlet_from_url(url: str | None) -> str | None:
    """The outlet a URL names when nothing better is known: its registered domain.

    A host with no registered domain (an IP address, ``localhost``, a test
    domain under no public suffix) stands for itself, without ``www.``.
    """
    host = url_host(url)
    if not host:
        return None
    return registered_domain(host) or host.removeprefix("www.")


def outlet_name(value: str | None) -> str | None:
    """An outlet as stated, with a host-name value ("www.CNN.com", "edition.cnn.com") made its registered domain.

    Why: a header, a feed or a page's own metadata often names the outlet by
    its host, and a different host of the same site each time; a name
    ("Kyiv Post", "BBC News") is kept as written.
    """
    if value is None:
        return None
    v = value.strip()
    low = v.lower()
    if not _HOST_NAME.match(low):
        return v or None
    host = low.rsplit(":", 1)[0] if ":" in low else low
    return registered_domain(host) or host.removeprefix("www.")


# ---------------------------------------------------------------------------
# Wire agencies

#: What makes a mention of an agency a credit: the text just before the name and the text
#: just after it (on the same line), as (before, after) regexes; "" accepts anything.
#: The rule: an agency counts when the text credits it (a dateline credit, "Source: X",
#: "with reference to X", "according to X", "citing X", "X reports", "told X", a byline)
#: or when it speaks as the reporter of the story ("X could not verify", "X has learned").
#: A bare mention ("a Reuters photographer", "AP mines", "TASS's office in Riga") does not.
CREDIT_CONTEXTS: tuple[tuple[str, str], ...] = (
    (r"\(\s*(?:[\w.\- ]+/)?$", r"^(?:/[\w.\- ]+)?\s*\)"),  # (Reuters)  (BSS/AFP)  (AP)
    (r"/\s*$", r"^\s*/"),  # /TASS/
    (r"^\s*/\s*$", ""),  # /BGNES on its own line
    (r"(?:^|[^\w/])[A-ZÄÖÅ]{3,}/$", ""),  # DEMOKRAATTI/STT
    (r"//\s*$", ""),  # (Reporting by … // REUTERS)
    (r"(?:^|[\s,.])[-–—]\s*$", r"^\s*(?:[.,;:]|$)"),  # MOSCOW, March 18 - RIA Novosti.   … — Reuters
    (r"\b(?i:with reference to|referring to|citing|according to|quoting|reported by|as reported by|"
     r"reports|reported|writes|wrote|informs|via|source|sources|credit|courtesy of)\s*:?\s+(?:the\s+)?$", ""),
    ("", r"^(?:\s+news\s+agency|\s+agency)?\s+(?:reports|reported|writes|wrote|informs|informed|said|says|"
         r"has learned|learned|could not|was unable|were unable|cannot|can't|has seen|reviewed|contacted)\b"),
    (r"\b(?i:told|telling|in an interview with|speaking to|spoke to|comment (?:to|for|from)|"
     r"comment from|statement to)\s+(?:the\s+)?$", ""),
    (r"^\s*By\s+$", ""),  # By IANS | Updated …
    (r"^\s*Source\s*:\s*$", ""),
    # Russian, Ukrainian, Polish, German credits
    (r"(?i:сообщает|сообщило|передает|передаёт|пишет|повідомляє|пише|со ссылкой на|з посиланням на|"
     r"по данным|за даними|informuje|podaje|według|za agencją|berichtet|meldet|unter Berufung auf|laut)\s+$", ""),
)
_CONTEXTS = tuple((re.compile(b) if b else None, re.compile(a) if a else None) for b, a in CREDIT_CONTEXTS)
#: Characters before and after an agency's name in which a credit phrase is looked for.
CREDIT_BEFORE = 60
CREDIT_AFTER = 40


@dataclass(frozen=True)
class Agency:
    name: str
    alias: re.Pattern[str]
    domains: tuple[str, ...]


@dataclass(frozen=True)
class _AgencyTable:
    agencies: tuple[Agency, ...]
    #: First word of every alias → the agencies that have an alias starting with it.
    first_words: dict[str, tuple[int, ...]]
    #: Any of those first words, as a word.
    alias_start: re.Pattern[str]


@lru_cache(maxsize=1)
def _table() -> _AgencyTable:
    path = resources.files("minewatch.ingest").joinpath("data/agencies.csv")
    out = []
    first: dict[str, list[int]] = {}
    with path.open("r", encoding="utf-8") as fh:
        for i, row in enumerate(csv.DictReader(fh)):
            aliases = sorted(row["aliases"].split("|"), key=len, reverse=True)
            alias_re = re.compile("(?:" + "|".join(re.escape(a) for a in aliases) + r")(?![\w-])")
            out.append(Agency(row["name"], alias_re, tuple(d for d in row["domains"].split("|") if d)))
            for alias in aliases:
                first.setdefault(re.split(r"[\s-]", alias)[0], []).append(i)
    words = sorted(first, key=len, reverse=True)
    alias_start = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(w) for w in words) + r")(?![\w])")
    return _AgencyTable(tuple(out), {k: tuple(sorted(set(v))) for k, v in first.items()}, alias_start)


def agencies() -> tuple[Agency, ...]:
    """The wire agencies of ``data/agencies.csv``."""
    return _table().agencies


def is_credit(before: str, after: str) -> bool:
    """Whether a name standing between ``before`` and ``after`` (its line around it) is credited."""
    return any(
        (b is None or b.search(before)) and (a is None or a.search(after)) for b, a in _CONTEXTS
    )


def detect_agencies(text: str) -> list[str]:
    """The wire agencies the text credits as its source, in table order.

    Matching is case-sensitive: agency abbreviations are written in capitals
    ("AP", "PAP"), and that keeps "ap mines" or "pap" out.  Only the words
    that can open an agency's name are looked at, and only the line around one.
    """
    table = _table()
    found: set[int] = set()
    for m in table.alias_start.finditer(text):
        hits = table.first_words[m.group()]
        line_start = text.rfind("\n", 0, m.start()) + 1
        line_end = text.find("\n", m.start())
        line_end = len(text) if line_end < 0 else line_end
        start = max(line_start, m.start() - CREDIT_BEFORE)
        # A cut line starts with NUL so that start-of-line contexts ("Source: X") cannot match there.
        before = text[start : m.start()] if start == line_start else "\x00" + text[start : m.start()]
        for i in hits:
            if i in found:
                continue
            am = table.agencies[i].alias.match(text, m.start(), line_end)
            if am and is_credit(before, text[am.end() : min(line_end, am.end() + CREDIT_AFTER)]):
                found.add(i)
    return [table.agencies[i].name for i in sorted(found)]


#: The name of a news agency that is not in the table: one capitalised word ending in "wire",
#: "news" or "press" ("Nordwire"), or up to three capitalised words ending in Wire, News, Press,
#: Agency or Newswire ("Baltic News Agency").  It counts only where a table agency would count:
#: in the strict credit contexts of UNLISTED_CREDIT_CONTEXTS.
_UNLISTED_AGENCY = re.compile(
    r"(?<![\w-])(?:[A-Z][a-z]+(?:wire|news|press)"
    r"|(?:[A-Z][\w'’-]+\s){1,3}(?:News\s+Agency|Press\s+Agency|Wire|News|Press|Agency|Newswire))(?![\w-])"
)


#: Credits that make an unlisted name an agency: a dateline credit "(Nordwire) -", a line
#: "Source: Baltic Wire", "Baltic Wire reported".  Weaker contexts a listed agency may use
#: ("… – State Council News" at a line's end, "told X", "By X") are left out: for a name known
#: only by its shape they credit outlets and government services as often as wires.
UNLISTED_CREDIT_CONTEXTS: tuple[tuple[str, str], ...] = (
    (r"\(\s*(?:[\w.\- ]+/)?$", r"^(?:/[\w.\- ]+)?\s*\)"),
    (r"^\s*(?i:source|sources)\s*:\s*$", ""),
    ("", r"^\s+(?:reports|reported|has reported)\b"),
)
_UNLISTED_CONTEXTS = tuple(
    (re.compile(b) if b else None, re.compile(a) if a else None) for b, a in UNLISTED_CREDIT_CONTEXTS
)


def detect_unlisted_agencies(text: str, known: list[str] | None = None) -> list[str]:
    """Agencies credited in the text that ``data/agencies.csv`` does not list, by name shape.

    Why: a wire the table lacks (a small national agency, a new one) would
    leave its syndicated copies without a shared credit; its name has a shape
    ("…wire", "… News Agency") and its credit the same contexts as a listed
    agency's.  Names a listed agency's alias starts are left to the table.
    """
    table = _table()
    out: list[str] = []
    known_set = set(known or ())
    for m in _UNLISTED_AGENCY.finditer(text):
        name = " ".join(m.group().split())
        if name in known_set or name in out:
            continue
        listed = table.alias_start.match(name)
        if listed and any(table.agencies[i].alias.match(name) for i in table.first_words[listed.group()]):
            continue
        line_start = text.rfind("\n", 0, m.start()) + 1
        line_end = text.find("\n", m.end())
        line_end = len(text) if line_end < 0 else line_end
        start = max(line_start, m.start() - CREDIT_BEFORE)
        before = text[start : m.start()] if start == line_start else "\x00" + text[start : m.start()]
        after = text[m.end() : min(line_end, m.end() + CREDIT_AFTER)]
        if any((b is None or b.search(before)) and (a is None or a.search(after)) for b, a in _UNLISTED_CONTEXTS):
            out.append(name)
    return out


def agency_for_host(host: str | None) -> str | None:
    """The agency whose own site this is (tass.com → TASS), so its copy counts as its wire."""
    if not host:
        return None
    for agency in _table().agencies:
        if any(host == d or host.endswith("." + d) for d in agency.domains):
            return agency.name
    return None
