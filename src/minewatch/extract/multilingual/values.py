"""Numbers, money and dates in any language that has rules.

The words are rows of the language (``magnitude``, ``vague``, ``bound``,
``currency``, ``unit``, ``month``, ``relative_year``, ``year_end``); this
module reads digits the way the region writes them ("6 279", "81 833",
"1,1 mlrd.", "5.544" in German) and maps vague magnitudes by the claim
contract's table: "сотни миллионов" (hundreds of millions) is
[100 000 000, 999 999 999], "tūkstančiai" (thousands) is [1 000, 9 999].
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from minewatch.extract.multilingual.rules import Hit, Token

_NUMBER = re.compile(r"(?<![\w.,])\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:,\d+)?(?![\w])|(?<![\w.,])\d+(?:[.,]\d+)*(?![\w])")
#: Languages that write thousands with a dot ("5.544"); the others use a space and a decimal comma.
_DOT_THOUSANDS = {"de", "es", "fr", "it", "pt", "nl", "da", "sv", "no", "tr", "id", "pl", "lt", "ru", "uk", "lv", "et", "fi"}
_SYMBOLS = {"€": "EUR", "$": "USD", "£": "GBP", "₴": "UAH", "₽": "RUB", "zł": "PLN"}


@dataclass
class Number:
    start: int
    end: int
    low: float | None
    high: float | None
    unit: str | None
    currency: str | None
    text: str
    tok: int  # index of the first token after the number (for nearness)

    @property
    def is_year(self) -> bool:
        return (self.unit is None and self.currency is None and self.low == self.high and self.low is not None
                and 1900 <= self.low <= 2100 and float(self.low).is_integer())


def _parse(raw: str, lang: str) -> float | None:
    s = raw.replace("\u00a0", " ").replace("\u202f", " ")
    if " " in s:
        s = s.replace(" ", "")
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", s) and lang in _DOT_THOUSANDS:
        s = s.replace(".", "")
    elif re.fullmatch(r"\d{1,3}(?:,\d{3})+", s) and lang == "en":
        s = s.replace(",", "")
    s = s.replace(",", ".")
    if s.count(".") > 1:
        return None
    try:
        return float(s)
    except ValueError:
        return None


def _tok_at(toks: list[Token], pos: int) -> int:
    for k, t in enumerate(toks):
        if t.start >= pos:
            return k
    return len(toks)


def _hit_at(hits: list[Hit], kind: str, i: int) -> Hit | None:
    for h in hits:
        if h.row.kind == kind and h.i == i:
            return h
    return None


def find_numbers(text: str, s: int, e: int, toks: list[Token], hits: list[Hit], lang: str) -> list[Number]:
    """Stated figures in ``text[s:e]``, with unit or currency when a row names one right after."""
    out: list[Number] = []
    used_magnitudes: set[int] = set()
    for m in _NUMBER.finditer(text, s, e):
        v = _parse(m.group(0), lang)
        if v is None:
            continue
        k = _tok_at(toks, m.end())
        end = m.end()
        low = high = v
        mag = _hit_at(hits, "magnitude", k)
        if mag is not None:
            low = high = v * float(mag.row.value)
            used_magnitudes.add(mag.i)
            k = mag.j
            end = toks[mag.j - 1].end
        out.append(_finish(text, s, m.start(), end, low, high, k, toks, hits, vague=False))
    for h in hits:
        if h.row.kind != "magnitude" or h.i in used_magnitudes:
            continue
        mag = float(h.row.value)
        start = toks[h.i].start
        vague = _hit_at(hits, "vague", h.i - 1) if h.i else None
        if vague is not None:
            f = float(vague.row.value)
            low, high = f * mag, f * mag * 10 - 1
            start = toks[vague.i].start
        elif toks[h.i].lower == toks[h.i].lemma:
            low = high = mag  # "a million" (the word in its dictionary form)
        else:
            low, high = mag, mag * 10 - 1  # "thousands", "millions"
        out.append(_finish(text, s, start, toks[h.j - 1].end, low, high, h.j, toks, hits, vague=low != high,
                           first_tok=vague.i if vague is not None else h.i))
    out.sort(key=lambda n: n.start)
    return out


def _finish(text: str, s: int, start: int, end: int, low: float, high: float, k: int, toks: list[Token],
            hits: list[Hit], vague: bool, first_tok: int | None = None) -> Number:
    unit = currency = None
    cur = _hit_at(hits, "currency", k)
    if cur is not None:
        currency, end, k = cur.row.value, toks[cur.j - 1].end, cur.j
    else:
        after = text[end:end + 3].lstrip()
        before = text[max(s, start - 2):start].strip()
        for sym, code in _SYMBOLS.items():
            if after.startswith(sym) or before.endswith(sym):
                currency = code
                break
    if currency is None:
        # a unit may follow at once or after one word ("1 945 людей", "540 tys. min")
        for kk in (k, k + 1):
            u = _hit_at(hits, "unit", kk)
            if u is not None:
                unit, end = u.row.value, toks[u.j - 1].end
                break
    ft = first_tok if first_tok is not None else _tok_at(toks, start)
    b = _hit_at(hits, "bound", ft - 1) or _hit_at(hits, "bound", ft - 2)
    if b is not None:
        start = toks[b.i].start
        if b.row.value == "at_least":
            high = None
        elif b.row.value == "at_most":
            low = None
        elif b.row.value == "approx" and not vague:
            low, high = round(low * 0.9, 6), round(high * 1.1, 6)
    return Number(start, end, low, high, unit, currency, text[start:end], k)


# --------------------------------------------------------------------------- dates


@dataclass
class DateFound:
    start: int
    end: int
    first: date
    last: date
    text: str
    tok: int
    #: "stated" when the text gives the date itself; "relative" when it comes from the publication
    #: date (a weekday, "next year", a day and month whose year is the article's): never checked
    #: against the depositary record as the act's own date
    basis: str = "stated"


def _year_range(y: int) -> tuple[date, date]:
    return date(y, 1, 1), date(y, 12, 31)


def find_dates(text: str, toks: list[Token], hits: list[Hit], published: date | None) -> list[DateFound]:
    """Dates a sentence states: day month [year], month year, a year, 'next year', 'the end of the year'."""
    out: list[DateFound] = []
    used: set[int] = set()

    def year_at(k: int) -> int | None:
        if 0 <= k < len(toks) and toks[k].text.isdigit() and len(toks[k].text) == 4 and 1900 <= int(toks[k].text) <= 2100:
            return int(toks[k].text)
        return None

    def day_at(k: int) -> int | None:
        if 0 <= k < len(toks) and toks[k].text.isdigit() and 1 <= int(toks[k].text) <= 31 and len(toks[k].text) <= 2:
            return int(toks[k].text)
        return None

    for h in hits:
        if h.row.kind != "month":
            continue
        month = int(h.row.value)
        i, j = h.i, h.j
        day = day_at(i - 1)
        if day is not None:
            i -= 1
        else:
            day = day_at(j)
            if day is not None:
                j += 1
        year = None
        for k in (j, j + 1, j + 2):
            year = year_at(k)
            if year is not None:
                j = k + 1
                break
        if year is None:
            for k in (i - 1, i - 2, i - 3):
                year = year_at(k)
                if year is not None:
                    i = k
                    break
        basis = "stated"
        if year is None and published is not None:
            year, basis = published.year, "relative"
        if year is None:
            continue
        used.update(range(i, j))
        if day is not None:
            try:
                d = date(year, month, day)
            except ValueError:
                continue
            out.append(DateFound(toks[i].start, toks[j - 1].end, d, d, text[toks[i].start:toks[j - 1].end], i, basis))
        else:
            last = date(year, month, calendar.monthrange(year, month)[1])
            out.append(DateFound(toks[i].start, toks[j - 1].end, date(year, month, 1), last,
                                 text[toks[i].start:toks[j - 1].end], i, basis))
    for h in hits:
        if h.row.kind == "weekday" and published is not None:
            # news dates an event by its weekday in the week of publication: the last such day on or before it
            d = published - timedelta(days=(published.weekday() - int(h.row.value)) % 7)
            out.append(DateFound(toks[h.i].start, toks[h.j - 1].end, d, d, text[toks[h.i].start:toks[h.j - 1].end], h.i,
                                 "relative"))
    years_here = [year_at(k) for k in range(len(toks)) if year_at(k) is not None]
    for h in hits:
        if h.row.kind == "relative_year" and published is not None:
            first, last = _year_range(published.year + int(h.row.value))
            out.append(DateFound(toks[h.i].start, toks[h.j - 1].end, first, last,
                                 text[toks[h.i].start:toks[h.j - 1].end], h.i, "relative"))
        elif h.row.kind == "year_end":
            y = years_here[0] if years_here else (published.year if published else None)
            if y is not None:
                out.append(DateFound(toks[h.i].start, toks[h.j - 1].end, date(y, 11, 1), date(y, 12, 31),
                                     text[toks[h.i].start:toks[h.j - 1].end], h.i,
                                     "stated" if years_here else "relative"))
    for k in range(len(toks)):
        if k in used:
            continue
        y = year_at(k)
        if y is not None:
            first, last = _year_range(y)
            out.append(DateFound(toks[k].start, toks[k].end, first, last, toks[k].text, k))
    out.sort(key=lambda d: d.start)
    return out
