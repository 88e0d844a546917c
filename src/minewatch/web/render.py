"""Turning untrusted article text into HTML: escape first, then insert our own tags.

Nothing in this module trusts the text it is given; the only markup in its
output is ``<mark>`` (and the paragraph's ellipses), placed around escaped
slices.  Templates never apply ``|safe`` to article text: they get ``Markup``
from here or plain strings Jinja escapes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from functools import cache
from importlib import resources
from typing import Any

from markupsafe import Markup, escape

#: How much text around a short evidence span is shown when its paragraph is very long.
PARAGRAPH_MAX = 1200

#: Numbers and money phrases compared between copies of one wire story.
FIGURE = re.compile(
    r"(?:(?:US|C|A)?[$€£]\s?)?\d[\d,.]*\d(?:\s?(?:million|billion|thousand|bn|mn|m|k)\b)?"
    r"(?:\s?(?:euros?|dollars?|pounds?|per cent|percent|%))?"
    r"|(?:(?:US|C|A)?[$€£]\s?)\d(?:\s?(?:million|billion|thousand|bn|mn|m|k)\b)?"
    r"|\b\d(?:\s?(?:million|billion|thousand|per cent|percent|%))",
    re.IGNORECASE,
)
#: A bare year is a date, not a figure that can disagree.
BARE_YEAR = re.compile(r"^(?:19|20)\d\d$")

#: Only these schemes become links; anything else (javascript:, data:) is shown as text.
LINK_SCHEMES = ("http://", "https://")


_NOT_ID = re.compile(r"[^A-Za-z0-9_-]")


def html_id(value: str | None) -> str:
    """A safe HTML id (and URL fragment) for a store id.

    Store ids ("x-" + hex for conflicts) pass unchanged; any other character
    becomes ``_<hex code>_`` and an id not starting with a letter gets an
    ``id-`` prefix, so a link ``/conflicts#<html_id(id)>`` always finds its row.
    """
    v = _NOT_ID.sub(lambda m: f"_{ord(m.group(0)):x}_", value or "")
    return v if v[:1].isalpha() else f"id-{v}"


def snippet(text: str | None, query: str, width: int = 90) -> Markup:
    """The text around the first place a query word occurs, escaped, the words marked (search results)."""
    if not text or not query.strip():
        return Markup("")
    words = [w for w in re.split(r"\s+", query.strip()) if w]
    low = text.lower()
    hits = [(low.find(w.lower()), w) for w in [query.strip(), *words]]
    hits = [(i, w) for i, w in hits if i >= 0]
    if not hits:
        return escape(text[: 2 * width]) + (escape(" …") if len(text) > 2 * width else "")
    first = min(i for i, _ in hits)
    a, b = max(0, first - width), min(len(text), first + width)
    part = text[a:b]
    lp = part.lower()
    spans = []
    for w in words:
        wl = w.lower()
        i = lp.find(wl)
        while i >= 0 and wl:
            spans.append((i, i + len(wl)))
            i = lp.find(wl, i + len(wl))
    out = mark_spans(part.replace("\n", " "), spans, css="hit")
    return (escape("… ") if a else Markup("")) + out + (escape(" …") if b < len(text) else Markup(""))


def safe_url(url: str | None) -> str | None:
    if not url:
        return None
    u = url.strip()
    return u if u.lower().startswith(LINK_SCHEMES) and not any(ch in u for ch in "\n\r\t <>\"'`") else None


def mark_spans(text: str, spans: Iterable[tuple[int, int]], css: str | None = None) -> Markup:
    """``text`` escaped, with each (start, end) wrapped in ``<mark>`` (overlaps merged)."""
    merged: list[list[int]] = []
    for s, e in sorted((max(0, s), min(len(text), e)) for s, e in spans):
        if e <= s:
            continue
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    open_tag = Markup(f'<mark class="{css}">') if css else Markup("<mark>")
    out: list[Markup | str] = []
    pos = 0
    for s, e in merged:
        out.append(escape(text[pos:s]))
        out.append(open_tag + escape(text[s:e]) + Markup("</mark>"))
        pos = e
    out.append(escape(text[pos:]))
    return Markup("").join(out)


def evidence_in_paragraph(text: str | None, start: int, end: int) -> Markup:
    """The paragraph holding the evidence, escaped, the evidence marked."""
    if not text:
        return Markup("")
    start = max(0, min(start, len(text)))
    end = max(start, min(end, len(text)))
    p0 = text.rfind("\n", 0, start) + 1
    p1 = text.find("\n", end)
    p1 = len(text) if p1 < 0 else p1
    lead = trail = ""
    if p1 - p0 > PARAGRAPH_MAX:
        room = max(0, (PARAGRAPH_MAX - (end - start)) // 2)
        if start - p0 > room:
            p0, lead = start - room, "… "
        if p1 - end > room:
            p1, trail = end + room, " …"
    para = text[p0:p1]
    return escape(lead) + mark_spans(para, [(start - p0, end - p0)]) + escape(trail)


#: Magnitude words a figure may carry ("5 million", "tens of millions").
MAGNITUDE = {"thousand": 1e3, "k": 1e3, "million": 1e6, "mn": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9}
#: Units that belong to a figure when they follow it ("5 million euros", "300 mines").
UNIT_AFTER = re.compile(
    r"(?:\s+of)?\s*(?:euros?|dollars?|pounds?|francs?|kroner|kronor|zloty|per\s?cent|percent|%|"
    r"(?:anti-personnel\s+|landmines?|mines?|munitions?|rounds?|shells?|units?)[a-z-]*)\b|\s*%",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def _value(raw: str) -> float | None:
    """The number a digit figure stands for ("$5.5 million" -> 5.5e6); None when it has no digits."""
    m = _NUMBER.search(raw)
    if not m:
        return None
    try:
        v = float(m.group(0).replace(",", ""))
    except ValueError:
        return None
    rest = raw[m.end():].lower()
    w = re.match(r"\s*([a-z]+)", rest)
    if w and w.group(1) in MAGNITUDE:
        v *= MAGNITUDE[w.group(1)]
    return v


def _key(low: Any, high: Any) -> str:
    """One spelling for a value range, so "800 million" and "800,000,000" compare equal."""
    def one(x: Any) -> str:
        if isinstance(x, int | float):
            return f"{float(x):.6g}"
        return str(x) if x is not None else ""
    return f"{one(low)}..{one(high)}"


def figures(text: str) -> list[tuple[int, int, str]]:
    """(start, end, normalised) for every number or money phrase in ``text``."""
    out = []
    for m in FIGURE.finditer(text):
        raw = m.group(0).strip()
        if BARE_YEAR.match(raw):
            continue
        v = _value(raw)
        norm = _key(v, v) if v is not None else re.sub(r"\s+", "", raw.lower()).rstrip(".,")
        out.append((m.start(), m.start() + len(raw), norm))
    return out


def _with_unit(text: str, start: int, end: int) -> int:
    """``end`` moved past a unit that follows the figure, so the mark reads "5 million euros"."""
    m = UNIT_AFTER.match(text, end)
    return m.end() if m else end


def claim_figures(text: str, claims: Sequence[dict[str, Any]]) -> list[tuple[int, int, str]]:
    """(start, end, key) of each quantity, money or time value the claims carry, found in ``text``.

    Figures written in words ("tens of millions of euros") never match a digit
    pattern; the claims' own value text, looked for first inside the claim's
    evidence and then anywhere in the copy, finds them, and the claims' low/high
    say what they mean.
    """
    out: list[tuple[int, int, str]] = []
    low_text = text.lower()
    for cl in claims:
        ev = cl.get("evidence") or []
        for field in ("money", "quantity", "time"):
            v = cl.get(field)
            if not isinstance(v, dict) or not (v.get("text") or "").strip():
                continue
            needle = v["text"].strip().lower()
            if field == "time":
                key = "t:" + _key(v.get("start"), v.get("end"))
            else:
                key = _key(v.get("low"), v.get("high"))
            pos = -1
            for e in ev:
                s0, e0 = int(e.get("start", 0)), int(e.get("end", 0))
                i = low_text.find(needle, max(0, s0 - 5), min(len(text), e0 + len(needle) + 5))
                if i >= 0:
                    pos = i
                    break
            if pos < 0:
                pos = low_text.find(needle)
            if pos < 0:
                continue
            end = pos + len(needle)
            if field != "time":
                end = _with_unit(text, pos, end)
            out.append((pos, end, key))
    return out


def _merge_figures(text: str, claims: Sequence[dict[str, Any]]) -> list[tuple[int, int, str]]:
    """Claims' values first; digit figures only where no claim value covers them."""
    found = claim_figures(text, claims)
    for s, e, n in figures(text):
        if any(s < e2 and s2 < e for s2, e2, _ in found):
            continue
        found.append((s, _with_unit(text, s, e), n))
    return sorted(found)


def story_copies(
    docs: Sequence[dict[str, Any]], claims: dict[str, list[dict[str, Any]]] | None = None
) -> tuple[list[dict[str, Any]], list[str]]:
    """Each copy's text with the figures that not every copy carries marked; and those figures.

    ``claims`` (document id -> its claims) lets values written in words count
    as figures; without it only digit figures are compared.
    """
    claims = claims or {}
    texts = [d.get("text") or "" for d in docs]
    found = [_merge_figures(t, claims.get(str(d.get("id")), [])) for t, d in zip(texts, docs, strict=True)]
    sets = [{f[2] for f in fs} for fs in found]
    common = set.intersection(*sets) if sets else set()
    shown: dict[str, str] = {}
    for fs, t in zip(found, texts, strict=True):
        for s, e, n in fs:
            shown.setdefault(n, t[s:e])
    differing_keys = sorted(set().union(*sets) - common, key=lambda n: shown[n].lower()) if sets else []
    differing = [shown[n] for n in differing_keys]
    out = []
    for d, fs, t in zip(docs, found, texts, strict=True):
        spans = [(s, e) for s, e, n in fs if n not in common]
        copy = dict(d)
        copy["marked"] = mark_spans(t, spans, css="differs")
        copy["differing"] = sorted({t[s:e] for s, e, n in fs if n not in common})
        out.append(copy)
    return out, differing


@cache
def world() -> dict[str, Any]:
    """The bundled Natural Earth shapes (see bench/build_world_map.py)."""
    return json.loads(resources.files("minewatch.web").joinpath("static/world.json").read_text(encoding="utf-8"))
