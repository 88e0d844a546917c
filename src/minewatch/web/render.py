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


def figures(text: str) -> list[tuple[int, int, str]]:
    """(start, end, normalised) for every number or money phrase in ``text``."""
    out = []
    for m in FIGURE.finditer(text):
        raw = m.group(0).strip()
        if BARE_YEAR.match(raw):
            continue
        norm = re.sub(r"\s+", "", raw.lower()).rstrip(".,")
        out.append((m.start(), m.start() + len(raw), norm))
    return out


def story_copies(docs: Sequence[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[str]]:
    """Each copy's text with the figures that not every copy carries marked; and those figures."""
    found = [figures(d.get("text") or "") for d in docs]
    sets = [{f[2] for f in fs} for fs in found]
    common = set.intersection(*sets) if sets else set()
    shown = {n: text for fs, d in zip(found, docs, strict=True) for s, e, n in fs for text in [(d.get("text") or "")[s:e]]}
    differing = [shown[n] for n in sorted(set().union(*sets) - common)] if sets else []
    out = []
    for d, fs in zip(docs, found, strict=True):
        spans = [(s, e) for s, e, n in fs if n not in common]
        copy = dict(d)
        copy["marked"] = mark_spans(d.get("text") or "", spans, css="differs")
        copy["differing"] = sorted({n for _, _, n in fs if n not in common})
        out.append(copy)
    return out, differing


@cache
def world() -> dict[str, Any]:
    """The bundled Natural Earth shapes (see bench/build_world_map.py)."""
    return json.loads(resources.files("minewatch.web").joinpath("static/world.json").read_text(encoding="utf-8"))
