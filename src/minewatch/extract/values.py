"""Numbers, quantities, money and dates as news text writes them.

A grammar of our own, not a general NER library: the general ones average
ranges ("18 to 25" → 21.5), split digit groups ("165 080" → 165 and 80), read
years, article numbers and weapon model names ("PMN-2") as quantities, and
cost far more time per sentence than the pipeline can afford.  Everything that
is a rule of the domain (the vague-magnitude table of claims.md, modifiers,
currencies, units, number words) lives in ``data/values_*.csv``; this module
only knows how to combine them.

Offsets always index the string passed in, so ``text[start:end] == mention.text``.
"""

from __future__ import annotations

import calendar
import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from minewatch.model import DateRange, Money, Range
from minewatch.text.dates import MONTH_NAMES, MONTHS

__all__ = [
    "DateMention",
    "ValueMention",
    "find_dates",
    "find_values",
    "resolve_date_expression",
]

_DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class ValueMention:
    """A number the text states, with the range it stands for (claims.md "Values")."""

    start: int
    end: int
    text: str
    kind: str  # "quantity" | "money"
    low: float | None
    high: float | None
    unit: str | None
    currency: str | None

    def to_range(self) -> Range:
        """The claim's ``quantity`` field, text kept for the reader."""
        return Range(low=self.low, high=self.high, unit=self.unit, text=self.text)

    def to_money(self) -> Money:
        """The claim's ``money`` field."""
        return Money(low=self.low, high=self.high, currency=self.currency, text=self.text)


@dataclass(frozen=True)
class DateMention:
    """A date expression and the inclusive day range it resolves to (None when unanchored)."""

    start: int
    end: int
    text: str
    start_date: date | None
    end_date: date | None

    def to_date_range(self) -> DateRange:
        """The claim's ``time`` field: unresolved expressions keep their text (claims.md)."""
        return DateRange(start=self.start_date, end=self.end_date, text=self.text)


# --------------------------------------------------------------------------- data tables


def _read_csv(name: str) -> list[dict[str, str]]:
    with open(_DATA / name, encoding="utf-8", newline="") as fh:
        return [row for row in csv.DictReader(fh) if row and not (next(iter(row.values()), "") or "").startswith("#")]


def _alternation(phrases: Iterable[str]) -> str:
    """Longest first, so that "tens of thousands" wins over "thousands"; spaces match any whitespace."""
    parts = sorted(set(phrases), key=len, reverse=True)
    return "|".join(r"\s+".join(re.escape(w) for w in p.split()) for p in parts)


def _norm(phrase: str) -> str:
    return " ".join(phrase.lower().split())


_NUMBER_WORDS: dict[str, tuple[float, str]] = {
    r["word"]: (float(r["value"]), r["kind"]) for r in _read_csv("values_number_words.csv")
}
_SPELLED = {w: v for w, v in _NUMBER_WORDS.items() if v[1] != "abbrev"}
_SCALE_WORDS = {w: v[0] for w, v in _NUMBER_WORDS.items() if v[1] in ("scale", "hundred")}
_ABBREV = {w: v[0] for w, v in _NUMBER_WORDS.items() if v[1] == "abbrev"}

_VAGUE: dict[str, tuple[float, float]] = {
    _norm(r["phrase"]): (float(r["low"]), float(r["high"])) for r in _read_csv("values_vague_magnitudes.csv")
}

_MODIFIERS = _read_csv("values_modifiers.csv")
_PREFIX_BOUND = {_norm(r["phrase"]): r["bound"] for r in _MODIFIERS if r["position"] == "prefix"}
_SUFFIX_BOUND = {_norm(r["phrase"]): r["bound"] for r in _MODIFIERS if r["position"] == "suffix"}

_CURRENCIES = _read_csv("values_currencies.csv")
_CUR_SYMBOL = {r["form"]: r["iso"] for r in _CURRENCIES if r["position"] == "symbol"}
_CUR_CODE = {r["form"]: r["iso"] for r in _CURRENCIES if r["position"] == "code"}
_CUR_WORD = {_norm(r["form"]): r["iso"] for r in _CURRENCIES if r["position"] == "word"}

_UNITS = _read_csv("values_units.csv")
_MEASURE = {_norm(r["form"]): r["unit"] for r in _UNITS if r["kind"] == "measure"}
_UNIT_NOUN = {_norm(r["form"]): r["unit"] for r in _UNITS if r["kind"] == "noun"}

#: Words after which a number is a reference, not a quantity ("Article 20", "art. 17(2)").
_REFERENCE_WORDS = (
    "article", "articles", "art.", "arts.", "art", "paragraph", "paragraphs", "para.", "para", "paras",
    "section", "sections", "§", "§§", "chapter", "chapters", "clause", "clauses", "resolution",
    "resolutions", "protocol", "protocols", "rule", "rules", "annex", "item", "items", "no.", "nos.",
    "nr.", "nr", "page", "pages", "p.", "pp.", "vol.", "volume", "amendment", "subparagraph",
    "fig.", "version", "tel.", "tel", "phone", "fax", "ext.",
)

#: Verbs of change: "rose from 10 to 20" is two values, not the range [10, 20].
_CHANGE_VERBS = (
    "rose", "risen", "rise", "rises", "increased", "increase", "increases", "grew", "grown", "grow",
    "fell", "fallen", "fall", "falls", "dropped", "drop", "decreased", "decrease", "declined", "decline",
    "jumped", "climbed", "soared", "surged", "went", "up", "down", "reduced", "cut", "raised", "raise",
    "doubled", "tripled", "slashed", "boosted", "expanded",
)

#: Words that end the noun phrase after a number (the unit is taken before them).
_STOP_WORDS = frozenset(
    """a an the of to in on at for from by with and or but nor as than that which who whom whose this
    these those there here is are was were be been being has have had will would shall should can could
    may might must do does did not no yes it its they them their he she his her we our you your i me my
    per each every some any all both either neither more most less least few many much several such
    into onto over under above below between among across through during before after since until
    till about around against within without via while when where whereas if because so also only
    just even still already yet again ago later earlier then now year years month months week weeks
    day days said says told say tell saw made took gave went came got left out off up down away back""".split()
)
# Units of time are not stop words for quantities ("20 years"), but are handled as nouns below.
_COMPARATIVES = frozenset("higher lower greater larger bigger smaller fewer more less as".split())
_TIME_NOUNS = frozenset("year years month months week weeks day days hour hours".split())

_MONTHS = MONTHS
_WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}

#: Parts of a year, as (first month, last month).
_YEAR_PARTS = {
    "early": (1, 3), "the beginning of": (1, 3), "beginning of": (1, 3), "the start of": (1, 3),
    "start of": (1, 3), "the first half of": (1, 6), "first half of": (1, 6), "h1": (1, 6),
    "mid": (4, 9), "the middle of": (4, 9), "middle of": (4, 9), "the second half of": (7, 12),
    "second half of": (7, 12), "h2": (7, 12), "late": (10, 12), "the end of": (10, 12),
    "end of": (10, 12), "the first quarter of": (1, 3), "first quarter of": (1, 3), "q1": (1, 3),
    "the second quarter of": (4, 6), "second quarter of": (4, 6), "q2": (4, 6),
    "the third quarter of": (7, 9), "third quarter of": (7, 9), "q3": (7, 9),
    "the fourth quarter of": (10, 12), "fourth quarter of": (10, 12), "q4": (10, 12),
}
#: Parts of a month, as (first day, last day); 31 means the month's last day.
_MONTH_PARTS = {
    "early": (1, 10), "the beginning of": (1, 10), "beginning of": (1, 10), "the start of": (1, 10),
    "start of": (1, 10), "mid": (11, 20), "the middle of": (11, 20), "middle of": (11, 20),
    "late": (21, 31), "the end of": (21, 31), "end of": (21, 31),
}
#: Seasons (northern hemisphere, where the treaties' news mostly comes from), as (first month, last month);
#: winter runs into the next year.
_SEASONS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "fall": (9, 11), "winter": (12, 14)}

# --------------------------------------------------------------------------- value grammar

_WS = r"[ \t\u00a0\u202f\u2009]"
_DIGITS = (
    r"(?<![\d])(?:\d{1,3},\d{1,2}(?=[ \u00a0]?(?i:million|billion|trillion|thousand|mln|bln|mn|bn)\b)"
    r"|\d{1,3}(?:,\d{3})+(?![\d])"
    r"|\d{1,3}(?:[\u00a0\u202f\u2009 ]\d{3})+(?![\d])(?!,\d)"
    r"|\d+)(?:\.\d+)?"
)
_SPELLED_ALT = _alternation(_SPELLED)
_WORDNUM = (
    rf"(?:(?:half{_WS}+)?an?{_WS}+(?=(?:dozen|hundred|thousand|million|billion|trillion)\b))?"
    rf"\b(?:{_SPELLED_ALT})(?:(?:{_WS}+|-)(?:and{_WS}+)?(?:{_SPELLED_ALT}))*\b"
)
_VAGUE_ALT = _alternation(_VAGUE)
_ATOM = re.compile(
    rf"(?P<vague>(?i:\b(?:{_VAGUE_ALT})\b))"
    rf"|(?P<words>(?i:{_WORDNUM}))"
    rf"|(?P<digits>{_DIGITS})"
)
_SCALE_AFTER = re.compile(
    rf"(?i:{_WS}*(?P<scale>{_alternation(_SCALE_WORDS)})\b"
    rf"|(?P<abbr>{_alternation(_ABBREV)})\b(?![.'’]\w)"
    rf"|{_WS}+(?P<spaced_abbr>mn|mln|bn|bln)\b)"
)
_RANGE_JOIN = re.compile(rf"{_WS}*(?P<join>-|–|—|(?i:to|and|or)\b){_WS}*")
_SYMBOL_ALT = _alternation(_CUR_SYMBOL)
_CODE_ALT = "|".join(sorted(_CUR_CODE, key=len, reverse=True))
_CUR_BEFORE = re.compile(rf"(?:(?P<sym>{_SYMBOL_ALT})|\b(?P<code>{_CODE_ALT}))(?P<gap>{_WS}?)$")
_CUR_AFTER = re.compile(
    rf"(?:{_WS}*(?P<code>{_CODE_ALT})\b"
    rf"|{_WS}+(?P<of>(?i:of){_WS}+)?(?P<word>(?i:{_alternation(_CUR_WORD)}))\b"
    rf"|{_WS}*(?P<sym>zł|€))"
)
_MEASURE_AFTER = re.compile(
    rf"(?:{_WS}*-?{_WS}*)(?P<mu>(?i:{_alternation(k for k in _MEASURE if k not in ('%', 'km²', 'm²'))})\b|%|km²|m²)"
)
_GDP_AFTER = re.compile(
    rf"{_WS}+(?i:of){_WS}+(?:(?:the|its|their|national|annual|(?:the{_WS}+)?country['’]s|[A-Z][\w-]*['’]s){_WS}+)?"
    rf"(?:GDP|(?i:gross{_WS}+domestic{_WS}+product))\b"
)
_PREFIX_MOD = re.compile(rf"(?i:(?<![\w-])(?P<mod>{_alternation(_PREFIX_BOUND)}))(?:{_WS}+|(?<=\.))$")
_RANGE_OPEN = re.compile(rf"(?i:(?<![\w-])(?P<open>between|from))(?:{_WS}+)$")
_CHANGE_BEFORE = re.compile(rf"(?i:\b(?:{'|'.join(_CHANGE_VERBS)})){_WS}+(?:\w+{_WS}+)?$")
_SUFFIX_MOD = re.compile(rf"(?:{_WS}*,)?{_WS}+(?P<mod>(?i:{_alternation(_SUFFIX_BOUND)}))\b")
_PLUS_AFTER = re.compile(r"\+|-plus\b")
_REFERENCE_BEFORE = re.compile(
    rf"(?i:(?<![\w.])(?:{_alternation(_REFERENCE_WORDS)})){_WS}*"
    rf"(?:[#(]?\w*\d[\w()]*{_WS}*(?:,|and|or|to|-|–|&){_WS}*)*[#(]?$"
)
_MONTH_NAMES_ALT = _alternation([m.capitalize() for m in _MONTHS] + [m.upper() for m in _MONTHS if len(m) > 4])
_MONTH_BEFORE = re.compile(rf"\b(?:{_MONTH_NAMES_ALT})\.?{_WS}+$")
_MONTH_AFTER = re.compile(rf"(?:st|nd|rd|th)?{_WS}*(?:of{_WS}+)?(?:{_MONTH_NAMES_ALT})\b")
_TIME_AFTER = re.compile(r"[:.]\d{2}\b|[ \u00a0]?(?i:[ap]\.m\.|[ap]m\b|h\b|hrs\b|o['’]clock)")
_DAY_RANGE_TAIL = re.compile(rf"{_WS}*[-–—]{_WS}*\d{{1,2}}(?!\d)")
_YEAR_RANGE_AFTER = re.compile(r"[-–—/](?:\d{2}|\d{4})(?!\d)")
_CUR_PREFIX_AT = re.compile(rf"(?P<tok>{_SYMBOL_ALT}|\b(?:{_CODE_ALT})){_WS}?(?=\d)")
_NOUN = re.compile(rf"(?:{_WS}+|-)(?P<w>[^\W\d_][\w'’]*(?:-[^\W\d_][\w'’]*)*)")
_OF = re.compile(rf"{_WS}+of(?={_WS})")
_UNIT_BIGRAMS = {k for k in _UNIT_NOUN if " " in k}
#: Adjectives that leave their noun to a later conjunct ("anti-tank and anti-personnel mines").
_NOUN_MODIFIERS = frozenset(
    "anti-tank antitank anti-personnel antipersonnel anti-vehicle anti-armour anti-armor".split()
)
_UNIT_AHEAD = re.compile(rf"[^.;:!?]{{0,60}}?\b(?P<u>(?i:{_alternation(_UNIT_NOUN)}))\b")
_COUNT_UNITS = frozenset(_UNIT_NOUN.values())
_KNOWN_UNITS = frozenset(_UNIT_NOUN.values()) | frozenset(_MEASURE.values())
#: Addresses carry digits that are not values; looked for only when a marker is in the text.
_URLISH = re.compile(r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+\.[\w.]+")
#: Digit runs that are not values, tried only where a digit run (or a "+" or "(" before one) starts.
_NOISE_AT = re.compile(
    r"\+\d[\d \-().]{6,}\d"  # international phone numbers
    r"|\(\d{2,5}\)[ ]?\d[\d \-]{4,}\d"
    r"|\b\d{3}[-.]\d{3}[-.]\d{4}\b"
    r"|(?<!\d)\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{1,2}:?\d{2})?)?"  # ISO dates
    r"|\b\d{1,2}([./-])\d{1,2}\1\d{4}(?!\d)|\b\d{1,2}[./]\d{1,2}[./]\d{2}\b"  # numeric dates
    r"|\b\d{1,2}:\d{2}(?::\d{2})?\b"  # clock times
)
_MAX_BACK = 40


@dataclass
class _Num:
    start: int
    end: int
    low: float
    high: float
    bare: bool  # plain digits with no group separator, decimal or scale: may be a year
    spelled_one: bool = False  # a lone "one": a pronoun far more often than a count
    vague: bool = False
    scaled: bool = False
    abbr: str | None = None  # "m", "bn"…: a multiplier only when money goes with it


def _parse_words(text: str, start: int, end: int) -> tuple[float, int] | None:
    """Value of a spelled-out number and where it really ends ("one and two" stops after "one")."""
    total = 0.0
    current = 0.0
    last_end = start
    prev_kind = ""
    seen = False
    half = False
    for m in re.finditer(r"[A-Za-z]+", text[start:end]):
        w = m.group(0).lower()
        if w in ("a", "an") and not seen:
            current = 1.0
            prev_kind = "article"
            continue
        if w == "half" and not seen:
            half = True
            continue
        if w == "and":
            if prev_kind not in ("hundred", "scale"):
                break
            prev_kind = "and"
            continue
        entry = _SPELLED.get(w)
        if entry is None:
            break
        value, kind = entry
        if not seen and prev_kind != "article" and kind in ("scale", "hundred", "dozen"):
            return None  # a bare "million" or "dozen" is not a number by itself
        if kind in ("unit", "ten"):
            if prev_kind in ("unit", "dozen") or (prev_kind == "ten" and (kind == "ten" or value >= 10)):
                break
            current += value
        elif kind == "dozen":
            if prev_kind not in ("", "article", "unit", "ten"):
                break
            current = (current or 1.0) * value
        elif kind == "hundred":
            if prev_kind in ("hundred",):
                break
            current = (current or 1.0) * value
        else:  # scale
            if prev_kind == "and":
                break
            total += (current or 1.0) * value
            current = 0.0
        prev_kind = kind
        seen = True
        last_end = start + m.end()
    if not seen:
        return None
    value = total + current
    if half:
        value /= 2
    return value, last_end


def _parse_digits(s: str) -> float:
    if re.fullmatch(r"\d+,\d{1,2}", s):
        return float(s.replace(",", "."))  # "2,5 million": a decimal comma before a scale word
    return float(re.sub(r"[,\s\u00a0\u202f\u2009]", "", s))


def _atom_at(text: str, m: re.Match[str]) -> _Num | None:
    """One number (digits, words or a vague magnitude) with a scale word or abbreviation after it."""
    start = m.start()
    if m.group("vague") is not None:
        low, high = _VAGUE[_norm(m.group("vague"))]
        end = m.end()
        sm = _SCALE_AFTER.match(text, end)
        if sm is not None and sm.group("scale") and not m.group("vague").lower().endswith("s"):
            mult = _SCALE_WORDS[sm.group("scale").lower()]
            low, high, end = low * mult, (high + 1) * mult - 1, sm.end()  # "several hundred thousand"
        return _Num(start, end, low, high, bare=False, vague=True)
    if m.group("words") is not None:
        parsed = _parse_words(text, start, m.end())
        if parsed is None:
            return None
        value, end = parsed
        lone_one = text[start:end].lower() == "one"
        return _Num(start, end, value, value, bare=False, spelled_one=lone_one, scaled=value >= 1000)
    raw = m.group("digits")
    value = _parse_digits(raw)
    end = m.end()
    bare = raw.isdigit()
    num = _Num(start, end, value, value, bare=bare)
    sm = _SCALE_AFTER.match(text, end)
    if sm is not None:
        if sm.group("scale"):
            mult = _SCALE_WORDS[sm.group("scale").lower()]
        else:
            mult = _ABBREV[(sm.group("abbr") or sm.group("spaced_abbr")).lower()]
        num.low = num.high = value * mult
        num.end = sm.end()
        num.bare = False
        num.scaled = True
        num.abbr = sm.group("abbr") or sm.group("spaced_abbr")
    return num


def _currency_before(text: str, pos: int) -> tuple[str, int] | None:
    window = text[max(0, pos - 6) : pos]
    m = _CUR_BEFORE.search(window)
    if m is None:
        return None
    sym = m.group("sym")
    iso = _CUR_SYMBOL[sym] if sym else _CUR_CODE[m.group("code")]
    s0 = max(0, pos - 6) + m.start()
    if sym and sym[0].isalpha() and s0 > 0 and text[s0 - 1].isalnum():
        return None  # "zł" and "Rs" must stand alone as words
    return iso, s0


def _is_attached(text: str, num: _Num, raw_end: int) -> bool:
    """Digits glued to letters are names, not numbers: PMN-2, F-16, M18A1, 14MSP, 2nd, 1990s."""
    s = num.start
    if s > 0:
        c = text[s - 1]
        if c.isalpha() or c in "_/#%\\@":
            return True
        if c in "-–" and s > 1 and text[s - 2].isalpha():
            return True
        if c == "(" and s > 1 and text[s - 2].isalnum():
            return True  # "17(2)"
        if c == "." and s > 1 and text[s - 2].isdigit():
            return True
    if raw_end < len(text):
        c = text[raw_end]
        if c.isalpha() or c == "_":
            return True
        if c == "/" and raw_end + 1 < len(text) and text[raw_end + 1].isdigit():
            return True
    return False


def _unit_after(text: str, pos: int, allow_of: bool) -> tuple[str | None, int]:
    """The counted noun after a number: a known unit if one is near, else the last word of the noun run."""
    p = pos
    if allow_of:
        om = _OF.match(text, p)
        if om is not None:
            p = om.end()
    words: list[tuple[str, int]] = []
    originals: list[str] = []
    q = p
    while len(words) < 4:
        nm = _NOUN.match(text, q)
        if nm is None:
            break
        w = nm.group("w").lower().replace("’", "'")
        if w in _STOP_WORDS and w not in _TIME_NOUNS and w not in _UNIT_NOUN:
            break
        words.append((w, nm.end()))
        originals.append(nm.group("w"))
        q = nm.end()
        if w in _TIME_NOUNS:
            break
    if not words:
        return None, pos
    for i, (w, wend) in enumerate(words):
        if i + 1 < len(words) and f"{w} {words[i + 1][0]}" in _UNIT_BIGRAMS:
            return _UNIT_NOUN[f"{w} {words[i + 1][0]}"], words[i + 1][1]
        if w in _UNIT_NOUN:
            return _UNIT_NOUN[w], wend
        base = w.rsplit("-", 1)[-1]
        if base in _UNIT_NOUN:
            return _UNIT_NOUN[base], wend
    run: list[tuple[str, int]] = []
    for (w, wend), orig in zip(words, originals, strict=True):
        if w.endswith(("ed", "ing", "ly")) or w in _COMPARATIVES:
            break  # a verb or adverb ends the noun phrase: "15 voted against", "three times higher"
        if not (orig.isupper() and len(orig) > 1):  # acronyms modify the noun ("five EU member states")
            run.append((w, wend))
        if w in _TIME_NOUNS:
            break
    if not run:
        return None, pos
    plural = [(w, e) for w, e in run if w.endswith("s") and not w.endswith("ss")]
    w, wend = plural[0] if plural else run[-1]  # "600 concrete bunkers", "two member states told"
    if w in _NOUN_MODIFIERS:
        # "1,500 anti-tank and 700 anti-personnel mines": the noun comes later in the clause
        ahead = _UNIT_AHEAD.match(text, wend)
        return (_UNIT_NOUN[_norm(ahead.group("u"))], wend) if ahead is not None else (None, pos)
    if len(w) < 2:
        return None, pos
    return w, wend


def _round(v: float | None) -> float | None:
    if v is None:
        return None
    r = round(v, 6)
    return float(r)


def _apply_bound(low: float, high: float, bound: str | None, vague: bool) -> tuple[float | None, float | None]:
    if bound == "at_least":
        return low, None
    if bound == "at_most":
        return None, high
    if bound == "about" and not vague:
        return 0.9 * low, 1.1 * high
    return low, high


def find_values(text: str) -> list[ValueMention]:
    """Every quantity and sum of money in ``text``, left to right, never overlapping."""
    try:
        return _find_values(text)
    except Exception:  # a monitor must not stop on one odd sentence
        return []


def _url_spans(text: str) -> list[tuple[int, int]]:
    if "://" not in text and "www." not in text and "@" not in text:
        return []
    return [(u.start(), u.end()) for u in _URLISH.finditer(text)]


_TOKEN = re.compile(r"\d+|[^\W\d_]+")
#: Lower-cased words a number or a vague magnitude can start with.
_VALUE_START_WORDS = frozenset(
    [w for w in _SPELLED] + ["a", "an", "half"] + [p.split()[0] for p in _VAGUE]
)


def _in_spans(spans: list[tuple[int, int]], a: int, b: int) -> bool:
    return any(s < b and a < e for s, e in spans)


def _find_values(text: str) -> list[ValueMention]:
    if not isinstance(text, str) or not text:
        return []
    out: list[ValueMention] = []
    noise = _url_spans(text)
    pos = 0
    # Scanning tokens and trying the grammar only where a number can start is several times faster
    # than letting the regex engine try every alternative at every character.
    for tok in _TOKEN.finditer(text):
        s = tok.start()
        if s < pos:
            continue
        if text[s].isdigit():
            nm = _NOISE_AT.match(text, s)
            if nm is None and s > 0 and text[s - 1] in "+(":
                nm = _NOISE_AT.match(text, s - 1)
            if nm is not None:
                pos = nm.end()
                continue
        elif tok.group(0).lower() not in _VALUE_START_WORDS:
            continue
        if noise and _in_spans(noise, s, s + 1):
            continue
        m = _ATOM.match(text, s)
        if m is None:
            continue
        num = _atom_at(text, m)
        if num is None:
            pos = m.end()
            continue
        mention, next_pos = _build(text, num, m, noise, out[-1].end if out else 0)
        if mention is not None:
            out.append(mention)
        pos = max(next_pos, num.start + 1)
    return out


def _build(
    text: str, num: _Num, m: re.Match[str], noise: list[tuple[int, int]], floor: int
) -> tuple[ValueMention | None, int]:
    """Grow one number into a mention: currency, modifiers, range, unit.  Returns (mention, resume position).

    ``floor`` is the end of the previous mention: what lies before it is not this number's to take.
    """
    is_digits = m.group("digits") is not None
    raw_end = m.end() if is_digits else num.end
    skip: tuple[ValueMention | None, int] = (None, num.end)
    if _in_spans(noise, num.start, raw_end):
        return skip
    cb = _currency_before(text, num.start)
    if cb is not None and cb[1] < floor:
        cb = None
    if is_digits:
        if cb is None and _is_attached(text, num, num.end if num.abbr else raw_end):
            return skip
        if _TIME_AFTER.match(text, raw_end):
            return skip
        before = text[max(0, num.start - _MAX_BACK) : num.start]
        if _REFERENCE_BEFORE.search(before):
            return skip
        if num.bare and num.low <= 31 and (_MONTH_BEFORE.search(before) or _MONTH_AFTER.match(text, raw_end)):
            tail = _DAY_RANGE_TAIL.match(text, raw_end)
            return (None, tail.end()) if tail is not None else skip  # "April 16-23": days
        if num.bare and 1900 <= num.low <= 2100:
            yr = _YEAR_RANGE_AFTER.match(text, raw_end)
            if yr is not None:
                return None, yr.end()  # "2012–13", "2025-2026": years
    elif text[num.end : num.end + 1] == "-" and not _MEASURE_AFTER.match(text, num.end):
        return skip  # "six-month", "two-thirds": a modifier or a fraction, not a count

    start = num.start
    end = num.end
    low: float | None = num.low
    high: float | None = num.high
    currency: str | None = None
    if cb is not None:
        currency, start = cb

    opener = _RANGE_OPEN.search(text[max(0, start - _MAX_BACK) : start])
    rng = _range_after(text, num, start, opener, is_digits)
    is_range = rng is not None
    if rng is not None:
        if rng[0] == "years":
            return None, rng[2]
        low, high, end, cur2 = rng[1], rng[3], rng[2], rng[4]
        currency = currency or cur2

    if currency is None:
        ca = _CUR_AFTER.match(text, end)
        if ca is not None and (ca.group("of") is None or num.vague):
            if ca.group("code"):
                currency = _CUR_CODE[ca.group("code")]
            elif ca.group("word"):
                currency = _CUR_WORD[_norm(ca.group("word"))]
            else:
                currency = _CUR_SYMBOL[ca.group("sym")]
            end = ca.end()

    if currency is None and num.abbr and num.abbr.lower() == "m" and not is_range:
        if _unit_after(text, end, allow_of=False)[0] not in _COUNT_UNITS:
            value = _raw_value(text, m)  # "20m" is twenty metres, unless people or mines are counted
            return _finish(text, start, end, "quantity", value, value, "m", None), end

    if currency is None and num.bare and not is_range and 1900 <= num.low <= 2100:
        if _PREFIX_MOD.search(text[max(0, start - _MAX_BACK) : start]) is None and not _MEASURE_AFTER.match(text, end):
            return skip  # years are dates, not quantities

    bound: str | None = None
    mod_start = start
    if is_range and opener is not None:
        mod_start = max(floor, start - len(opener.group(0)))
    else:
        window = text[max(0, start - _MAX_BACK) : start]
        pm = _PREFIX_MOD.search(window)
        if pm is not None and start - (len(window) - pm.start("mod")) >= floor:
            bound = _PREFIX_BOUND[_norm(pm.group("mod"))]
            mod_start = start - (len(window) - pm.start("mod"))

    if bound is None and text.startswith("+", end) and not text[end + 1 : end + 2].isdigit():
        bound, end = "at_least", end + 1  # "1,000+"

    kind = "money" if currency else "quantity"
    unit: str | None = None
    if kind == "quantity":
        mu = _MEASURE_AFTER.match(text, end)
        if mu is not None:
            unit = _MEASURE.get(mu.group("mu")) or _MEASURE[_norm(mu.group("mu"))]
            end = mu.end()
            if unit == "percent":
                g = _GDP_AFTER.match(text, end)
                if g is not None:
                    unit = "percent_gdp"
                    end = g.end()
        else:
            if text[end : end + 1] == "-" and end + 1 < len(text) and text[end + 1].isalpha():
                return skip  # "24-year-old": a compound adjective
            unit, end = _unit_after(text, end, allow_of=num.vague)
    if num.spelled_one and not is_range and unit not in _KNOWN_UNITS:
        return skip  # "one of the", "no one": a pronoun

    if bound is None:
        sm = _SUFFIX_MOD.match(text, end)
        if sm is not None:
            bound = _SUFFIX_BOUND[_norm(sm.group("mod"))]
            end = sm.end()
        else:
            pm2 = _PLUS_AFTER.match(text, end)
            if pm2 is not None and not (pm2.end() < len(text) and text[pm2.end()].isdigit()):
                bound = "at_least"
                end = pm2.end()
    if bound is not None and low is not None and high is not None:
        if is_range:
            if bound == "at_least":
                high = None
            elif bound == "at_most":
                low = None
        else:
            low, high = _apply_bound(low, high, bound, num.vague)
    return _finish(text, mod_start, end, kind, low, high, unit, currency), end


def _range_after(
    text: str, num: _Num, start: int, opener: re.Match[str] | None, is_digits: bool
) -> tuple[str, float, int, float, str | None] | None:
    """A second number joined to the first: ("range", low, end, high, currency) or ("years", 0, end, 0, None)."""
    if num.vague:
        return None
    rj = _RANGE_JOIN.match(text, num.end)
    if rj is None:
        return None
    join = rj.group("join").lower()
    opened = opener.group("open").lower() if opener is not None else None
    if join in ("-", "–", "—"):
        if not is_digits:
            return None
    elif join == "and":
        if opened != "between":
            return None
    elif opened == "from":  # "to"
        left = text[max(0, start - len(opener.group(0)) - _MAX_BACK) : start - len(opener.group(0))]  # type: ignore[union-attr]
        if _CHANGE_BEFORE.search(left):
            return None  # "rose from 10 to 20": two values, a change
    p2 = rj.end()
    cur2 = None
    cm = _CUR_PREFIX_AT.match(text, p2)
    if cm is not None:
        tok = cm.group("tok")
        cur2 = _CUR_SYMBOL.get(tok) or _CUR_CODE.get(tok)
        p2 = cm.end()
    m2 = _ATOM.match(text, p2)
    if m2 is None or m2.group("vague") is not None:
        return None
    num2 = _atom_at(text, m2)
    if num2 is None:
        return None
    if m2.group("digits") is not None:
        if _is_attached(text, num2, num2.end if num2.abbr else m2.end()) or _TIME_AFTER.match(text, m2.end()):
            return None
    if num.bare and num2.bare and 1900 <= num.low <= 2100:
        return ("years", 0.0, num2.end, 0.0, None)
    if num.bare and num2.bare and num2.low <= 31 and _MONTH_AFTER.match(text, num2.end):
        return ("years", 0.0, num2.end, 0.0, None)  # "1-10 July": days of a month
    low = num.low
    raw2 = _raw_value(text, m2)
    if num2.scaled and not num.scaled and raw2 > 0 and num.low <= raw2:
        low = num.low * (num2.low / raw2)  # "10-20 million": the scale belongs to both
    if num2.abbr and cur2 is None and not num.abbr and _CUR_AFTER.match(text, num2.end) is None:
        if _currency_before(text, start - 0) is None:
            return None
    if low > num2.low:
        return None  # "a vote of 157 to 18" is two numbers
    num.abbr = num.abbr or num2.abbr
    num.bare = False
    return ("range", low, num2.end, num2.high, cur2)


def _raw_value(text: str, m: re.Match[str]) -> float:
    if m.group("digits") is not None:
        return _parse_digits(m.group("digits"))
    parsed = _parse_words(text, m.start(), m.end())
    return parsed[0] if parsed else 0.0


def _finish(
    text: str,
    start: int,
    end: int,
    kind: str,
    low: float | None,
    high: float | None,
    unit: str | None,
    currency: str | None,
) -> ValueMention | None:
    low, high = _round(low), _round(high)
    if low is not None and high is not None and low > high:
        low, high = high, low
    return ValueMention(start, end, text[start:end], kind, low, high, unit if kind == "quantity" else None, currency)


# --------------------------------------------------------------------------- date grammar

_YEAR_RE = r"(?:19\d{2}|20\d{2}|2100)"
_DAY_RE = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?(?!\d)"
_FULL_MONTHS = list(MONTH_NAMES)
_MONTH_FULL_ALT = _alternation(_FULL_MONTHS + [m.upper() for m in _FULL_MONTHS if m != "May"])
_MONTH_ANY_ALT = (
    rf"(?:{_MONTH_FULL_ALT}|(?:{_alternation([m.capitalize() for m in _MONTHS if len(m) <= 4 and m != 'may'])})\.?)"
    r"(?![^\W\d_])"
)
_WEEKDAY_ALT = _alternation([d.capitalize() for d in _WEEKDAYS] + [d.upper() for d in _WEEKDAYS])
_YEAR_PART_ALT = _alternation(_YEAR_PARTS)
_MONTH_PART_ALT = _alternation(_MONTH_PARTS)
_SEASON_ALT = _alternation(_SEASONS)
_SMALL_NUMBER_ALT = _alternation([w for w, (_, k) in _SPELLED.items() if k in ("unit", "ten")] + ["a", "an"])
#: Prepositions that change what the date means for the event ("since 2022" runs to publication).
_PREPOSITIONS = (
    "since", "from", "by", "until", "till", "before", "after", "on", "in", "during", "as of", "as from",
    "starting from", "starting", "beginning", "through", "throughout", "no later than", "not later than",
    "between", "ahead of", "prior to",
)
_PREP_EFFECT = {
    "since": "since", "from": "from", "starting from": "from", "starting": "from", "beginning": "from",
    "as from": "from", "by": "by", "until": "by", "till": "by", "through": "by", "no later than": "by",
    "not later than": "by", "before": "before", "ahead of": "before", "prior to": "before", "after": "after",
}


def _m(name: str) -> str:
    return rf"(?P<{name}>{_MONTH_ANY_ALT})"


_S = r"[ \t\u00a0\u202f]+"
_SO = r"[ \t\u00a0\u202f]*"
_CORE = (
    rf"(?P<iso>(?P<iso_y>{_YEAR_RE})(?P<iso_sep>[-/.])(?P<iso_m>[01]?\d)(?P=iso_sep)(?P<iso_d>[0-3]?\d))"
    r"(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{1,2}:?\d{2})?)?(?!\d)"
    rf"|(?P<num>(?P<num_d>[0-3]?\d)(?P<num_sep>[./-])(?P<num_m>[01]?\d)(?P=num_sep)(?P<num_y>{_YEAR_RE}))(?!\d)"
    rf"|(?P<drm>(?P<drm_d1>{_DAY_RE}){_SO}(?:-|–|—|(?i:to|and)\b){_SO}(?P<drm_d2>{_DAY_RE}){_S}(?:of{_S})?"
    rf"{_m('drm_m')}(?:,?{_S}(?P<drm_y>{_YEAR_RE}))?)(?!\d)"
    rf"|(?P<mdr>{_m('mdr_m')}{_S}(?P<mdr_d1>{_DAY_RE}){_SO}[-–—]{_SO}(?P<mdr_d2>{_DAY_RE})"
    rf"(?:,?{_S}(?P<mdr_y>{_YEAR_RE}))?)(?!\d)"
    rf"|(?P<dmy>(?:(?:{_WEEKDAY_ALT}),?{_S})?(?:the{_S})?(?P<dmy_d>{_DAY_RE})(?:{_S}of)?{_S}{_m('dmy_m')}"
    rf"(?:,?{_S}(?P<dmy_y>{_YEAR_RE}))?)(?!\d)"
    rf"|(?P<mdy>(?:(?:{_WEEKDAY_ALT}),?{_S})?{_m('mdy_m')}{_S}(?P<mdy_d>{_DAY_RE})(?!,\d{{3}})"
    rf"(?:,?{_S}(?P<mdy_y>{_YEAR_RE}))?)(?![\d:])"
    rf"|(?P<my>(?:(?P<my_part>(?i:{_MONTH_PART_ALT}))(?:{_S}|-))?{_m('my_m')},?{_S}(?:of{_S})?"
    rf"(?:(?P<my_y>{_YEAR_RE})(?!\d)|(?P<my_rel>(?i:this|last|next|the{_S}same|the{_S}following|the{_S}previous)){_S}(?i:year)\b))"
    rf"|(?P<py>(?P<py_part>(?i:{_YEAR_PART_ALT}|{_SEASON_ALT}))(?:{_S}|-)(?:of{_S})?(?P<py_y>{_YEAR_RE})(?!\d))"
    rf"|(?P<sr>(?i:(?:the{_S})?(?P<sr_s>{_SEASON_ALT}){_S}(?:of{_S})?(?P<sr_rel>this|last|next){_S}year"
    rf"|(?P<sr_rel2>earlier{_S}this|later{_S}this|this|last|next){_S}(?P<sr_s2>{_SEASON_ALT}))\b)"
    rf"|(?P<yr>(?P<yr_y1>{_YEAR_RE}){_SO}(?:-|–|—|/){_SO}(?P<yr_y2>(?:19|20)?\d{{2}})(?![\d%]|[-/.]\d))"
    rf"|(?P<dec>(?:the{_S})?(?P<dec_y>(?:19|20)\d0)['’]?s)\b"
    rf"|(?P<year>(?<![\w$€£¥₴₽.,/#-]){_YEAR_RE})(?![\d%]|[.,]\d|-\d|[^\W\d_])"
    rf"|(?P<mo>(?P<mo_rel>(?i:last|next|this|{_MONTH_PART_ALT}))(?:{_S}|-){_m('mo_m')})\b"
    rf"|(?P<mob>(?P<mob_m>{_MONTH_FULL_ALT}))\b"
    rf"|(?P<wd>(?:(?P<wd_rel>(?i:last|next|this)){_S})?(?P<wd_d>{_WEEKDAY_ALT}))\b"
    rf"|(?P<rel>(?i:yesterday|today|tomorrow|tonight))\b"
    rf"|(?P<rq>(?i:(?P<rq_rel>this|last|next|past|previous|coming|current|earlier{_S}this|later{_S}this"
    rf"|the{_S}past|the{_S}previous|the{_S}coming|the{_S}current){_S}(?P<rq_u>week|month|year))\b)"
    rf"|(?P<span>(?i:(?:the{_S})?(?:last|past|previous){_S}(?:(?P<span_n>\d{{1,3}}|{_SMALL_NUMBER_ALT}){_S})?"
    rf"(?P<span_u>(?(span_n)(?:days|weeks|months|years|decades)|decade)))\b)"
    rf"|(?P<ago>(?i:(?P<ago_n>\d{{1,3}}|{_SMALL_NUMBER_ALT}){_S}(?P<ago_u>days?|weeks?|months?|years?){_S}ago)\b)"
    rf"|(?P<vg>(?i:(?:in|over|during|within){_S}the{_S}(?:coming|next|following){_S}(?:few{_S})?"
    rf"(?:days|weeks|months|years|decades)|in{_S}the{_S}near{_S}future)\b)"
)
_DATE = re.compile(
    rf"(?:(?<![\w-])(?P<prep>(?i:{_alternation(_PREPOSITIONS)})){_S})?(?:{_CORE})"
)
_DATE_CORE = re.compile(rf"(?:{_CORE})")
_DATE_JOIN = re.compile(rf"{_SO}(?P<join>-|–|—|(?i:to|until|till|through|and)\b){_SO}")
_DATE_YEAR_IN = re.compile(_YEAR_RE)
#: Words a date expression can start with (lower-cased), and names that must be capitalised.
_DATE_START_WORDS = frozenset(
    {p.split()[0] for p in _PREPOSITIONS}
    | {p.split()[0] for p in list(_YEAR_PARTS) + list(_MONTH_PARTS)}
    | set(_SEASONS)
    | set("this last next past previous coming current earlier later yesterday today tomorrow tonight".split())
    | set("the in over during within q h a an".split())
    | {w for w, (_, k) in _SPELLED.items() if k in ("unit", "ten")}
)
_DATE_START_CASED = frozenset(
    [m.capitalize() for m in _MONTHS] + [m.upper() for m in _MONTHS]
    + [d.capitalize() for d in _WEEKDAYS] + [d.upper() for d in _WEEKDAYS]
)
#: Frequent words that start a date only before another date word ("the end of", "in 2026", "as of").
_FUNCTION_STARTS = frozenset({p.split()[0] for p in _PREPOSITIONS} | {"the", "a", "an", "in", "over", "within"})
_AFTER_FUNCTION = (
    (_DATE_START_WORDS - _FUNCTION_STARTS)
    | {"the", "of", "from", "later", "to", "on", "in", "a", "an"}
    | set("day days week weeks month months year years".split())
)
_LEFTOVER = re.compile(r"[^\W_]")  # anything but punctuation left around the grammar's match
_DATEISH = re.compile(rf"\d|\b(?i:{_alternation(list(_MONTHS) + list(_WEEKDAYS))})\b")

Span = tuple[date | None, date | None]
_CAPITALISED_AFTER = re.compile(rf"{_S}([A-Z][a-z]+\.?)")
_HOLIDAY_BEFORE = re.compile(rf"\b(?:Good|Black|Holy|Ash|Easter|Palm|Cyber|Super|Bloody|Maundy){_S}$")


def _month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _month_range(y: int, m1: int, m2: int) -> Span:
    y2, mm2 = y + (m2 - 1) // 12, (m2 - 1) % 12 + 1
    return date(y, m1, 1), _month_end(y2, mm2)


def _month_of(name: str) -> int:
    return _MONTHS[name.lower().rstrip(".")]


def _day_of(s: str) -> int:
    return int(re.match(r"\d+", s).group(0))  # type: ignore[union-attr]


def _shift_months(y: int, m: int, k: int) -> tuple[int, int]:
    i = y * 12 + (m - 1) + k
    return i // 12, i % 12 + 1


def _week_of(d: date) -> Span:
    monday = d - timedelta(days=d.weekday())
    return monday, monday + timedelta(days=6)


def _explicit_year(g: dict[str, str | None]) -> int | None:
    for key in ("iso_y", "num_y", "drm_y", "mdr_y", "dmy_y", "mdy_y", "my_y", "py_y", "yr_y1", "dec_y", "year"):
        v = g.get(key)
        if v:
            return int(v)
    return None


def _small_count(raw: str) -> int:
    """The count of "30 years ago", "two weeks ago", "a decade": digits, "a"/"an", or a spelled number."""
    raw = raw.lower()
    return int(raw) if raw.isdigit() else 1 if raw in ("a", "an") else int(_SPELLED[raw][0])


def _resolve_core(g: dict[str, str | None], published: date | None, year_hint: int | None) -> Span:
    """The day range one matched core stands for; a missing year comes from the hint or publication."""
    year = _explicit_year(g) or year_hint or (published.year if published else None)
    if g.get("iso"):
        d = date(int(g["iso_y"]), int(g["iso_m"]), int(g["iso_d"]))  # type: ignore[arg-type]
        return d, d
    if g.get("num"):
        d = date(int(g["num_y"]), int(g["num_m"]), int(g["num_d"]))  # type: ignore[arg-type]
        return d, d
    if g.get("drm") or g.get("mdr"):
        p = "drm" if g.get("drm") else "mdr"
        if year is None:
            return None, None
        mo = _month_of(g[f"{p}_m"])  # type: ignore[arg-type]
        d1, d2 = _day_of(g[f"{p}_d1"]), _day_of(g[f"{p}_d2"])  # type: ignore[arg-type]
        return date(year, mo, min(d1, d2)), date(year, mo, max(d1, d2))
    if g.get("dmy") or g.get("mdy"):
        p = "dmy" if g.get("dmy") else "mdy"
        if year is None:
            return None, None
        d = date(year, _month_of(g[f"{p}_m"]), _day_of(g[f"{p}_d"]))  # type: ignore[arg-type]
        return d, d
    if g.get("my"):
        mo = _month_of(g["my_m"])  # type: ignore[arg-type]
        rel = (g.get("my_rel") or "").lower().split()
        if rel and not g.get("my_y"):
            if published is None:
                return None, None
            shift = {"this": 0, "same": 0, "last": -1, "previous": -1, "next": 1, "following": 1}[rel[-1]]
            year = published.year + shift
        if year is None:
            return None, None
        return _month_part(year, mo, g.get("my_part"))
    if g.get("py"):
        part = _norm(g["py_part"])  # type: ignore[arg-type]
        y = int(g["py_y"])  # type: ignore[arg-type]
        if part in _SEASONS:
            a, b = _SEASONS[part]
            return _month_range(y, a, b)
        a, b = _YEAR_PARTS[part]
        return _month_range(y, a, b)
    if g.get("sr"):
        if published is None:
            return None, None
        season = _norm(g.get("sr_s") or g.get("sr_s2") or "")
        rel = _norm(g.get("sr_rel") or g.get("sr_rel2") or "")
        shift = -1 if rel == "last" else 1 if rel == "next" else 0
        a, b = _SEASONS[season]
        return _month_range(published.year + shift, a, b)
    if g.get("yr"):
        y1 = int(g["yr_y1"])  # type: ignore[arg-type]
        raw2 = g["yr_y2"] or ""
        if len(raw2) == 2 and int(raw2) <= y1 % 100:
            if 1 <= int(raw2) <= 12:
                return _month_range(y1, int(raw2), int(raw2))  # "2025-05": a year and a month
            return date(y1, 1, 1), date(y1, 12, 31)
        y2 = int(raw2) if len(raw2) == 4 else (y1 // 100) * 100 + int(raw2)
        if y2 < y1:
            return date(y1, 1, 1), date(y1, 12, 31)
        return date(y1, 1, 1), date(y2, 12, 31)
    if g.get("dec"):
        y = int(g["dec_y"])  # type: ignore[arg-type]
        return date(y, 1, 1), date(y + 9, 12, 31)
    if g.get("year"):
        y = int(g["year"])  # type: ignore[arg-type]
        return date(y, 1, 1), date(y, 12, 31)
    if g.get("mo"):
        mo = _month_of(g["mo_m"])  # type: ignore[arg-type]
        rel = _norm(g["mo_rel"])  # type: ignore[arg-type]
        if published is None:
            return None, None
        if rel == "last":
            y = published.year if mo < published.month else published.year - 1
            return _month_range(y, mo, mo)
        if rel == "next":
            y = published.year if mo > published.month else published.year + 1
            return _month_range(y, mo, mo)
        if rel == "this":
            return _month_range(published.year, mo, mo)
        return _month_part(year_hint or published.year, mo, rel)
    if g.get("mob"):
        if year is None:
            return None, None
        return _month_range(year, _month_of(g["mob_m"]), _month_of(g["mob_m"]))  # type: ignore[arg-type]
    if published is None:
        return None, None
    if g.get("wd"):
        wd = _WEEKDAYS[g["wd_d"].lower()]  # type: ignore[union-attr]
        rel = (g.get("wd_rel") or "").lower()
        if rel == "next":
            delta = (wd - published.weekday()) % 7 or 7
            d = published + timedelta(days=delta)
        elif rel == "this":
            d = published - timedelta(days=published.weekday()) + timedelta(days=wd)
        elif rel == "last":
            delta = (published.weekday() - wd) % 7 or 7
            d = published - timedelta(days=delta)
        else:  # news reports the past: the latest such day up to publication
            d = published - timedelta(days=(published.weekday() - wd) % 7)
        return d, d
    if g.get("rel"):
        k = {"yesterday": -1, "today": 0, "tonight": 0, "tomorrow": 1}[g["rel"].lower()]  # type: ignore[union-attr]
        d = published + timedelta(days=k)
        return d, d
    if g.get("rq"):
        unit = g["rq_u"].lower()  # type: ignore[union-attr]
        rel = _norm(g["rq_rel"]).removeprefix("the ")  # type: ignore[arg-type]
        if rel in ("past", "previous") and unit == "year":
            return published - timedelta(days=365), published
        shift = {"this": 0, "current": 0, "earlier this": 0, "later this": 0, "last": -1, "past": -1,
                 "previous": -1, "next": 1, "coming": 1}[rel]
        if unit == "week":
            a, b = _week_of(published + timedelta(days=7 * shift))
        elif unit == "month":
            y, mo = _shift_months(published.year, published.month, shift)
            a, b = _month_range(y, mo, mo)
        else:
            a, b = date(published.year + shift, 1, 1), date(published.year + shift, 12, 31)
        if rel == "earlier this":
            return a, published
        if rel == "later this":
            return published, b
        return a, b
    if g.get("span"):
        # "in the last 30 years", "over the past decade": the stretch up to publication
        n = _small_count(g.get("span_n") or "1")
        unit = g["span_u"].lower().rstrip("s")  # type: ignore[union-attr]
        if unit in ("year", "decade"):
            years = n * (10 if unit == "decade" else 1)
            return date(published.year - years, 1, 1), published
        days = {"day": 1, "week": 7, "month": 30}[unit] * n
        return published - timedelta(days=days), published
    if g.get("ago"):
        n = _small_count(g["ago_n"])  # type: ignore[arg-type]
        unit = g["ago_u"].lower().rstrip("s")  # type: ignore[union-attr]
        if unit == "day":
            d = published - timedelta(days=n)
            return d, d
        if unit == "week":
            return _week_of(published - timedelta(days=7 * n))
        if unit == "month":
            y, mo = _shift_months(published.year, published.month, -n)
            return _month_range(y, mo, mo)
        return date(published.year - n, 1, 1), date(published.year - n, 12, 31)
    return None, None


def _month_part(year: int, month: int, part: str | None) -> Span:
    a, b = _month_range(year, month, month)
    if not part:
        return a, b
    d1, d2 = _MONTH_PARTS[_norm(part)]
    return date(year, month, d1), date(year, month, min(d2, b.day))


def _apply_prep(span: Span, prep: str | None, published: date | None) -> Span:
    """What a preposition does to the range: "since 2022" runs to publication, "by 2025" ends with it."""
    a, b = span
    if a is None and b is None:
        return span
    effect = _PREP_EFFECT.get(_norm(prep)) if prep else None
    if effect == "since":
        return a, published if published is not None and a is not None and published >= a else None
    if effect == "by":
        return (published if published is not None and b is not None and published <= b else None), b
    if effect == "before":
        return None, (a - timedelta(days=1)) if a else None
    if effect == "after":
        return (b + timedelta(days=1)) if b else None, None
    return a, b


def _year_is_quantity(text: str, m: re.Match[str]) -> bool:
    """A bare 4-digit number that is a count ("2000 km", "more than 2000 mines") is not a year."""
    end = m.end()
    if _MEASURE_AFTER.match(text, end) or _SCALE_AFTER.match(text, end):
        return True
    nm = _NOUN.match(text, end)
    if nm is not None and nm.group("w").lower() in _UNIT_NOUN and nm.group("w")[0].islower():
        return True
    window = text[max(0, m.start("year") - _MAX_BACK) : m.start("year")]
    if _REFERENCE_BEFORE.search(window):
        return True
    pm = _PREFIX_MOD.search(window)
    return pm is not None and _norm(pm.group("mod")) not in ("over", "under", "around", "some", "circa", "about")


def _weekday_is_name(text: str, m: re.Match[str]) -> bool:
    """"The Sunday Times", "Good Friday Agreement": a weekday inside a name is no date."""
    after = _CAPITALISED_AFTER.match(text, m.end())
    if after is not None and after.group(1).lower().rstrip(".") not in _MONTHS:
        return True
    return _HOLIDAY_BEFORE.search(text, max(0, m.start() - 12), m.start()) is not None


def find_dates(text: str, published: date | None) -> list[DateMention]:
    """Every date expression in ``text`` with the day range it means, resolved against publication."""
    try:
        return _find_dates(text, _as_date(published))
    except Exception:  # a monitor must not stop on one odd sentence
        return []


def _as_date(published: date | datetime | None) -> date | None:
    if isinstance(published, datetime):
        return published.date()
    return published if isinstance(published, date) else None


def _find_dates(text: str, published: date | None) -> list[DateMention]:
    if not isinstance(text, str) or not text:
        return []
    urls = _url_spans(text)
    out: list[DateMention] = []
    pos = 0
    tokens = _TOKEN.findall(text)
    starts = [t.start() for t in _TOKEN.finditer(text)] if tokens else []
    for i, w in enumerate(tokens):
        s = starts[i]
        if s < pos:
            continue
        if not (w[0].isdigit() or w in _DATE_START_CASED):
            lw = w.lower()
            if lw not in _DATE_START_WORDS:
                continue
            if lw in _FUNCTION_STARTS:
                # "the", "in", "from"… start a date only when a date word follows: peek before matching
                nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
                if not nxt or not (nxt[0].isdigit() or nxt in _DATE_START_CASED or nxt.lower() in _AFTER_FUNCTION):
                    continue
        if urls and _in_spans(urls, s, s + 1):
            continue
        m = _DATE.match(text, s)
        if m is None:
            continue
        pos = m.end()
        if urls and _in_spans(urls, m.start(), m.end()):
            continue
        g = m.groupdict()
        prep = g.get("prep")
        if g.get("mob") and not prep:
            pos = m.end("mob") if m.end("mob") > m.start() else m.end()
            continue  # a month name alone ("May") needs a preposition to be a date
        if g.get("year") and _year_is_quantity(text, m):
            continue
        if g.get("wd") and not prep and not g.get("wd_rel") and _weekday_is_name(text, m):
            continue
        end = m.end()
        try:
            span = _resolve_core(g, published, None)
        except ValueError:
            continue
        # a range of two dates: "from January 2022 to September 2024", "between 16 and 23 April"
        j = _DATE_JOIN.match(text, end)
        if j is not None:
            join = j.group("join").lower()
            opened = _norm(prep) if prep else None
            allowed = join != "and" or opened == "between"
            if join in ("to", "until", "till", "through") and opened not in ("from", "between", None):
                allowed = False
            m2 = _DATE_CORE.match(text, j.end()) if allowed else None
            if m2 is not None and not m2.group("mob") and not m2.group("vg"):
                g2 = m2.groupdict()
                if not (g2.get("year") and _year_is_quantity(text, m2)):
                    try:
                        span2 = _resolve_core(g2, published, None)
                        hint = _explicit_year(g2)
                        if _explicit_year(g) is None and hint is not None:
                            span = _resolve_core(g, published, hint)
                    except ValueError:
                        span2 = (None, None)
                    if span[0] is not None and span2[1] is not None and span[0] <= span2[1]:
                        span = (span[0], span2[1])
                        end = m2.end()
                        prep = None if opened in ("from", "between") else prep
                        pos = end
        span = _apply_prep(span, prep, published)
        out.append(DateMention(m.start(), end, text[m.start() : end], span[0], span[1]))
    return out


def resolve_date_expression(expr: str, published: date | None) -> tuple[date | None, date | None]:
    """The day range of one date expression already found; dateparser only for forms the grammar lacks."""
    try:
        published = _as_date(published)
        if not isinstance(expr, str) or not expr.strip():
            return None, None
        mentions = _find_dates(expr, published)
        best = max(mentions, key=lambda d: d.end - d.start) if mentions else None
        if best is not None and not _LEFTOVER.search(expr[: best.start] + " " + expr[best.end :]):
            return best.start_date, best.end_date
        parsed = _dateparser_fallback(expr, published)
        if parsed != (None, None) or best is None:
            return parsed
        return best.start_date, best.end_date
    except Exception:
        return None, None


@lru_cache(maxsize=32)
def _date_parser(published: date | None) -> Any:
    """One dateparser parser per publication date: building one costs far more than parsing."""
    from dateparser.date import DateDataParser  # imported late: slow to load, rarely needed

    settings: dict[str, object] = {"PREFER_DATES_FROM": "current_period", "STRICT_PARSING": False}
    if published is not None:
        settings["RELATIVE_BASE"] = datetime(published.year, published.month, published.day)
    else:
        settings["REQUIRE_PARTS"] = ["year"]
    return DateDataParser(languages=["en"], settings=settings)


def _dateparser_fallback(expr: str, published: date | None) -> Span:
    if not _DATEISH.search(expr) or len(expr) > 80:
        return None, None
    if published is None and not _DATE_YEAR_IN.search(expr):
        return None, None  # relative to nothing: unanchored
    data = _date_parser(published).get_date_data(expr)
    if data is None or data.date_obj is None:
        return None, None
    d = data.date_obj.date()
    period = getattr(data, "period", "day") or "day"
    if period == "year":
        return date(d.year, 1, 1), date(d.year, 12, 31)
    if period == "month":
        return _month_range(d.year, d.month, d.month)
    if period == "week":
        return _week_of(d)
    return d, d
