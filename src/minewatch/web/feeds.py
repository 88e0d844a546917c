"""Feeds for the tools people already watch: Atom for new facts and conflicts, iCalendar for treaty dates.

A researcher follows a state in a feed reader (``/states/LTU/feed.atom``), a
desk follows contradictions (``/conflicts/feed.atom``), and a calendar shows
when withdrawals and entries into force take effect (``/calendar.ics``).  The
documents are built by ``feedgen`` and ``icalendar``; every date in them comes
from the data, so the same data gives the same bytes (and the same ETag).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import Response
from feedgen.feed import FeedGenerator
from icalendar import Calendar, Event

from minewatch.export import treaty_status_rows
from minewatch.model import Treaty
from minewatch.store.repository import ClaimFilter
from minewatch.treaties import eligible_states
from minewatch.watch.alerts import _fact_summary
from minewatch.web.context import WebContext

router = APIRouter(tags=["feeds"])

MAX_ENTRIES = 100
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)  # a feed with no dated entry still has a fixed "updated"


def _ctx(request: Request) -> WebContext:
    return request.app.state.mw


def _moment(v: Any) -> datetime | None:
    """A date, datetime or ISO text as an aware datetime (Atom wants times with a zone)."""
    if v is None or v == "":
        return None
    if isinstance(v, str):
        try:
            v = datetime.fromisoformat(v) if len(v) > 10 else date.fromisoformat(v)
        except ValueError:
            return None
    if isinstance(v, datetime):
        return v if v.tzinfo else v.replace(tzinfo=UTC)
    return datetime.combine(v, time(), tzinfo=UTC)


def _atom(fg) -> Response:
    return Response(fg.atom_str(pretty=True), media_type="application/atom+xml; charset=utf-8")


def _feed(request: Request, path: str, title: str, subtitle: str, page: str):
    base = str(request.base_url)
    fg = FeedGenerator()
    fg.id(base + path.lstrip("/"))
    fg.title(title)
    fg.subtitle(subtitle)
    fg.link(href=base + path.lstrip("/"), rel="self", type="application/atom+xml")
    fg.link(href=base + page.lstrip("/"), rel="alternate", type="text/html")
    fg.author({"name": "minewatch"})
    fg.generator("minewatch")
    fg.language("en")
    return fg, base


@router.get("/states/{iso3}/feed.atom", response_class=Response,
            responses={200: {"content": {"application/atom+xml": {}}}, 404: {"description": "unknown state"}})
def state_feed(request: Request, iso3: Annotated[str, PathParam(pattern=r"^[A-Za-z]{3}$")]) -> Response:
    """New facts about one state (as actor or counterpart), newest first."""
    code = iso3.upper()
    if code not in eligible_states():
        raise HTTPException(404, detail=f"{iso3!r} is not a state that can join the treaties")
    name = eligible_states()[code]
    facts = _ctx(request).store.facts(state=code)
    facts.sort(key=lambda f: (str(f.get("first_reported") or ""), f["id"]), reverse=True)
    fg, base = _feed(request, f"/states/{code}/feed.atom", f"minewatch: {name}",
                     f"Facts reported about {name} with their independent sources", f"/states/{code}")
    newest = EPOCH
    for f in facts[:MAX_ENTRIES]:
        updated = _moment(f.get("last_reported")) or _moment(f.get("first_reported")) or EPOCH
        newest = max(newest, updated)
        fe = fg.add_entry(order="append")
        fe.id(f"{base}states/{code}#{f['id']}")
        fe.title(_fact_summary(f))
        fe.link(href=f"{base}states/{code}#{f['id']}", rel="alternate", type="text/html")
        fe.updated(updated)
        if f.get("first_reported"):
            fe.published(_moment(f["first_reported"]))
        fe.category(term=f["predicate"])
        sources = [s for s in ((f.get("detail") or {}).get("sources") or []) if s.get("url")][:10]
        lines = [_fact_summary(f)] + [f"{s.get('outlet') or ''} {s.get('published') or ''} {s['url']}".strip()
                                      for s in sources]
        fe.content("\n".join(lines), type="text")
    fg.updated(newest)
    return _atom(fg)


@router.get("/conflicts/feed.atom", response_class=Response,
            responses={200: {"content": {"application/atom+xml": {}}}})
def conflicts_feed(request: Request) -> Response:
    """Contradictions between sources and against the depositary record, dated by their latest report."""
    store = _ctx(request).store
    conflicts = store.conflicts()
    claim_ids = sorted({cid for x in conflicts for cid in (x.get("claim_ids") or [])})
    published = {c["id"]: c["document"].get("published") for c in store.claims(ClaimFilter(claim_ids=claim_ids))} \
        if claim_ids else {}

    def when(x: dict[str, Any]) -> datetime:
        days = [_moment(published.get(cid)) for cid in x.get("claim_ids") or []]
        days = [d for d in days if d] or [_moment((x.get("record") or {}).get("date"))]
        return max((d for d in days if d), default=EPOCH)

    dated = sorted(((when(x), x) for x in conflicts), key=lambda p: (p[0], p[1]["id"]), reverse=True)
    fg, base = _feed(request, "/conflicts/feed.atom", "minewatch: conflicts",
                     "Reports that disagree with each other or with the depositary record", "/conflicts")
    for updated, x in dated[:MAX_ENTRIES]:
        fe = fg.add_entry(order="append")
        fe.id(f"{base}conflicts#{x['id']}")
        who = f"{x['actor_iso3']}: " if x.get("actor_iso3") else ""
        fe.title(f"{who}{x['kind'].replace('_', ' ')} ({x['severity']})")
        fe.link(href=f"{base}conflicts#{x['id']}", rel="alternate", type="text/html")
        fe.updated(updated)
        fe.category(term=x["kind"])
        fe.content(x.get("explanation") or "", type="text")
    fg.updated(dated[0][0] if dated else EPOCH)
    return _atom(fg)


@router.get("/calendar.ics", response_class=Response, responses={200: {"content": {"text/calendar": {}}}})
def calendar(
    request: Request,
    treaty: Treaty | None = None,
    state: Annotated[str | None, Query(pattern=r"^[A-Za-z]{3}$", description="one state (ISO3)")] = None,
) -> Response:
    """Entries into force and withdrawals taking effect, recorded or computed by the treaty rules, as all-day events."""
    store = _ctx(request).store
    base = str(request.base_url)
    cal = Calendar()
    cal.add("prodid", "-//minewatch//treaty dates//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "minewatch: treaty dates")
    kinds = {
        "in_force_from": "the {treaty} enters into force for {name}",
        "withdrawal_effective": "{name}'s withdrawal from the {treaty} takes effect",
    }
    rows = treaty_status_rows(store)
    for r in sorted(rows, key=lambda r: (r["treaty"], r["state_iso3"])):
        if (treaty and r["treaty"] != str(treaty)) or (state and r["state_iso3"] != state.upper()):
            continue
        for kind, text in kinds.items():
            day = r.get(kind)
            if not day:
                continue
            day = date.fromisoformat(day) if isinstance(day, str) else day
            ev = Event()
            ev.add("uid", f"{r['treaty'].lower()}-{r['state_iso3'].lower()}-{kind.replace('_', '-')}@minewatch")
            ev.add("summary", text.format(treaty=r["treaty"], name=r["state_name"]))
            ev.add("dtstart", day)
            ev.add("dtstamp", datetime.combine(day, time(), tzinfo=UTC))
            ev.add("url", f"{base}states/{r['state_iso3']}")
            ev.add("categories", [r["treaty"], kind])
            if kind == "withdrawal_effective" and r.get("withdrawal_notification"):
                ev.add("description", f"Withdrawal notified {r['withdrawal_notification']}; status on "
                                      f"{r['on']}: {r['status']}")
            cal.add_component(ev)
    return Response(cal.to_ical(), media_type="text/calendar; charset=utf-8")
