"""Charts drawn on the server as SVG: States Parties over time, reports per week, casualties by year.

No script and no outside load (the dashboard's Content-Security-Policy holds):
each chart is an ``<svg>`` with presentation attributes and ``<title>``
tooltips, built from the same data as the API.  The numbers are computed here
and tested; the drawing is plain geometry.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup, escape

from minewatch.export import status_history_rows
from minewatch.store.browsing import reports_by_day
from minewatch.treaties.states import resolve_state
from minewatch.web import pages

router = APIRouter(include_in_schema=False)  # an HTML page, like the others: not part of the JSON API

COLOURS = {"APMBC": "#1f6f8b", "CCM": "#b3541e"}
PALETTE = ["#1f6f8b", "#b3541e", "#5b8c2a", "#7a4f9a", "#c49a1a", "#8c2a3f", "#2a8c7a", "#555555", "#d4682a",
           "#3f5fa8", "#8a8a2a"]
COUNTED = ("party", "withdrawing")


# ---------------------------------------------------------------- data
@dataclass(frozen=True)
class Step:
    day: date
    parties: int
    change: int
    states: tuple[str, ...]  # whose status changed that day (joined: +, left: -)


def parties_over_time(history: list[dict[str, Any]], treaty: str) -> list[Step]:
    """The number of States Parties (withdrawing states still count) after each day it changed."""
    delta: dict[date, int] = defaultdict(int)
    who: dict[date, list[str]] = defaultdict(list)
    for p in history:
        if p["treaty"] != treaty or p["status"] not in COUNTED:
            continue
        start = p["valid_from"]
        delta[start] += 1
        who[start].append("+" + p["state_iso3"])
        if p["valid_until"] is not None:
            end = p["valid_until"] + timedelta(days=1)
            delta[end] -= 1
            who[end].append("-" + p["state_iso3"])
    steps, n = [], 0
    for day in sorted(delta):
        if delta[day] == 0:  # party → withdrawing on one day: no change in the count
            continue
        n += delta[day]
        joined = {s[1:] for s in who[day] if s[0] == "+"}
        left = {s[1:] for s in who[day] if s[0] == "-"}
        steps.append(Step(day, n, delta[day], tuple(sorted((left - joined) if delta[day] < 0 else (joined - left)))))
    return steps


def reports_per_week(store, state: str | None = None, weeks: int = 52) -> tuple[list[date], dict[str, list[int]]]:
    """Documents with a claim of each predicate, per ISO week (Mondays), over the last ``weeks`` weeks with data."""
    counts: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for day, predicate, n in reports_by_day(store, state):
        monday = day - timedelta(days=day.weekday())
        counts[monday][predicate] += n
    if not counts:
        return [], {}
    last = max(counts)
    first = max(min(counts), last - timedelta(weeks=weeks - 1))
    mondays = [first + timedelta(weeks=i) for i in range((last - first).days // 7 + 1)]
    predicates = sorted({p for w in counts.values() for p in w})
    return mondays, {p: [counts.get(m, {}).get(p, 0) for m in mondays] for p in predicates}


def casualties_by_year(facts: list[dict[str, Any]]) -> dict[str, dict[int, float]]:
    """The largest casualty figure reported per country and year (figures of one year from several reports
    are alternatives, not parts: adding them would count the same people twice)."""
    out: dict[str, dict[int, float]] = defaultdict(dict)
    for f in facts:
        if f.get("predicate") != "casualties" or f.get("polarity") == "negated" or not f.get("actor_iso3"):
            continue
        q = f.get("quantity") or {}
        value = q.get("high") if q.get("high") is not None else q.get("low")
        when = (f.get("time") or {}).get("start") or f.get("event_date")
        if value is None or not when:
            continue
        year = int(str(when)[:4])
        out[f["actor_iso3"]][year] = max(out[f["actor_iso3"]].get(year, 0.0), float(value))
    return dict(out)


# ---------------------------------------------------------------- drawing
W, H, LEFT, RIGHT, TOP, BOTTOM = 780, 280, 48, 140, 16, 28


def _svg(body: list[str], label: str, height: int = H) -> Markup:
    return Markup(f'<svg class="chart" viewBox="0 0 {W} {height}" width="{W}" height="{height}" role="img" '
                  f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">'
                  f'<title>{escape(label)}</title>{"".join(body)}</svg>')


def _axis_y(top: float, ymax: float, ticks: int = 4, height: int = H) -> list[str]:
    out = []
    for i in range(ticks + 1):
        v = ymax * i / ticks
        y = height - BOTTOM - (height - TOP - BOTTOM) * i / ticks
        out.append(f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
                   f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" fill="#555">{v:,.0f}</text>')
    return out


def parties_chart(history: list[dict[str, Any]], today: date) -> Markup:
    start = date(1997, 1, 1)
    series = {tr: parties_over_time(history, tr) for tr in ("APMBC", "CCM")}
    ymax = max([s.parties for steps in series.values() for s in steps] + [10])
    ymax = -(-int(ymax) // 40) * 40  # four round ticks
    span = (today - start).days or 1

    def x(d: date) -> float:
        return LEFT + (W - LEFT - RIGHT) * (min(d, today) - start).days / span

    def y(n: float) -> float:
        return H - BOTTOM - (H - TOP - BOTTOM) * n / ymax

    body = _axis_y(TOP, ymax)
    for year in range(1997, today.year + 1, 4):
        xx = x(date(year, 1, 1))
        body.append(f'<text x="{xx:.1f}" y="{H - 8}" text-anchor="middle" font-size="11" fill="#555">{year}</text>')
    exits = x(date(2025, 1, 1))
    body.append(f'<rect x="{exits:.1f}" y="{TOP}" width="{x(today) - exits:.1f}" height="{H - TOP - BOTTOM}" '
                f'fill="#f3e3dc"><title>2025 onwards: the withdrawals</title></rect>')
    for treaty, steps in series.items():
        if not steps:
            continue
        points, n = [], 0
        for s in steps:
            points.append(f"{x(s.day):.1f},{y(n):.1f}")
            n = s.parties
            points.append(f"{x(s.day):.1f},{y(n):.1f}")
        points.append(f"{x(today):.1f},{y(n):.1f}")
        colour = COLOURS[treaty]
        body.append(f'<polyline class="series" data-treaty="{treaty}" points="{" ".join(points)}" fill="none" '
                    f'stroke="{colour}" stroke-width="2"/>')
        for s in steps:
            if s.change < 0:
                body.append(f'<circle class="exit" data-treaty="{treaty}" cx="{x(s.day):.1f}" cy="{y(s.parties):.1f}" '
                            f'r="4" fill="{colour}"><title>{s.day}: {treaty} parties {s.parties} ({s.change}: '
                            f'{escape(", ".join(s.states))})</title></circle>')
        current = next((s.parties for s in reversed(steps) if s.day <= today), 0)
        body.append(f'<text class="end" data-treaty="{treaty}" x="{x(today) + 6:.1f}" y="{y(current) + 4:.1f}" '
                    f'font-size="12" fill="{colour}">{treaty} {current}</text>')
    return _svg(body, f"States Parties over time, to {today}")


def weekly_chart(mondays: list[date], counts: dict[str, list[int]]) -> Markup:
    if not mondays:
        return Markup('<p class="muted">No dated reports yet.</p>')
    totals = [sum(v[i] for v in counts.values()) for i in range(len(mondays))]
    ymax = -(-max(max(totals), 1) // 4) * 4  # whole numbers on the four ticks
    bar = (W - LEFT - RIGHT) / len(mondays)
    body = _axis_y(TOP, ymax)
    for i, monday in enumerate(mondays):
        base = H - BOTTOM
        for j, (predicate, values) in enumerate(counts.items()):
            n = values[i]
            if not n:
                continue
            h = (H - TOP - BOTTOM) * n / ymax
            base -= h
            body.append(f'<rect class="bar" data-week="{monday}" data-predicate="{predicate}" x="{LEFT + i * bar:.1f}" '
                        f'y="{base:.1f}" width="{max(bar - 1, 1):.1f}" height="{h:.1f}" fill="{PALETTE[j % len(PALETTE)]}">'
                        f'<title>week of {monday}: {n} report{"s" if n != 1 else ""} on {predicate.replace("_", " ")}'
                        f'</title></rect>')
    for i in range(0, len(mondays), max(1, len(mondays) // 6)):
        body.append(f'<text x="{LEFT + i * bar:.1f}" y="{H - 8}" font-size="11" fill="#555">{mondays[i]:%Y-%m-%d}</text>')
    for j, predicate in enumerate(counts):
        body.append(f'<rect x="{W - RIGHT + 10}" y="{TOP + j * 16}" width="10" height="10" fill="{PALETTE[j % len(PALETTE)]}"/>'
                    f'<text x="{W - RIGHT + 24}" y="{TOP + j * 16 + 9}" font-size="11" fill="#333">'
                    f'{escape(predicate.replace("_", " "))}</text>')
    return _svg(body, "Reports per week by predicate")


def casualties_chart(data: dict[str, dict[int, float]]) -> Markup:
    rows = sorted(((iso, year, v) for iso, years in data.items() for year, v in years.items()),
                  key=lambda r: (r[0], r[1]))
    if not rows:
        return Markup('<p class="muted">No casualty figures reported yet.</p>')
    height = TOP + BOTTOM + 18 * len(rows)
    vmax = max(v for *_, v in rows)
    body = []
    for i, (iso, year, v) in enumerate(rows):
        y = TOP + 18 * i
        w = (W - LEFT - RIGHT - 40) * v / vmax
        body.append(f'<text x="{LEFT + 40}" y="{y + 12}" text-anchor="end" font-size="11" fill="#333">{iso} {year}</text>'
                    f'<rect class="bar" data-state="{iso}" data-year="{year}" x="{LEFT + 46}" y="{y + 2}" '
                    f'width="{max(w, 1):.1f}" height="13" fill="#8c2a3f"><title>{iso} {year}: {v:,.0f}</title></rect>'
                    f'<text x="{LEFT + 52 + w:.1f}" y="{y + 12}" font-size="11" fill="#333">{v:,.0f}</text>')
    return _svg(body, "Casualties by year and country (largest reported figure)", height)


@router.get("/charts", response_class=HTMLResponse)
def charts_page(request: Request, state: Annotated[str | None, Query(max_length=100)] = None) -> HTMLResponse:
    """States Parties over time, reports per week (optionally of one state), casualties by year and country."""
    store = request.app.state.mw.store
    iso = resolve_state(state) if state else None
    if state and iso is None:  # as the CLI and the API: an unknown state is an error, not every state
        raise HTTPException(422, detail=f"unknown state {state!r}: an ISO 3166 alpha-3 code or a name")
    today = date.today()
    mondays, counts = reports_per_week(store, iso)
    return pages.page(
        request, "charts.html", state=iso,
        parties=parties_chart(status_history_rows(store), today),
        weekly=weekly_chart(mondays, counts),
        casualties=casualties_chart(casualties_by_year(store.facts(predicate="casualties"))),
    )
