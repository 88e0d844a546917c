"""The dashboard: server-rendered pages over the same store calls as the API.

Every page works without JavaScript; the only script (``static/map.js``)
recolours the map when the date or the treaty layer changes.  All text that
came from articles reaches the templates as plain strings (Jinja escapes them)
or as ``Markup`` built by ``render`` (escaped, then marked).
"""

from __future__ import annotations

import hmac
import re
from collections import OrderedDict
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader
from starlette.concurrency import run_in_threadpool

from minewatch.model import JOINING_STAGES, WITHDRAWAL_STAGES, Modality, Polarity, Predicate, Treaty, Weapon
from minewatch.store import browsing
from minewatch.store.repository import ClaimFilter
from minewatch.treaties import eligible_states, treaty_definition
from minewatch.web import render
from minewatch.web.api import (
    MAX_DATE,
    MIN_DATE,
    Corrections,
    ReviewIn,
    apply_review,
    ctx,
    known_state,
    state_timeline,
)
from minewatch.web.cache import SingleFlight, known_query
from minewatch.web.context import WebContext
from minewatch.web.etag import etag_header
from minewatch.web.jsonld import claim_review_jsonld
from minewatch.web.security import (
    CSRF_COOKIE,
    CSRF_FIELD,
    SESSION_COOKIE,
    check_attempts,
    check_form,
    configured_token,
    cookie_options,
    current_session,
    has_session,
    new_csrf,
    record_failure,
    same_site,
    session_hours,
    session_value,
)

HERE = Path(__file__).parent
#: The map's date control spans the period the 2025 withdrawals fall in.
SLIDER_START = date(2024, 1, 1)
SLIDER_END = date(2026, 12, 31)
#: Pages rendered once per data version for visitors who are not signed in.
CACHEABLE_PAGES = frozenset({"home.html", "state.html", "story.html", "conflicts.html", "search.html", "document.html"})
#: Claims shown on a state page; the rest are one click away in the API listing.
STATE_PAGE_CLAIMS = 25
STATUS_LABELS = {
    "party": "State Party",
    "signatory": "Signatory",
    "withdrawing": "Withdrawing (still bound)",
    "withdrawn": "Withdrawn",
    "not_party": "Not party",
    "unknown": "Unknown (records incomplete)",
    "na": "Not a state that can join",
}

_env = Environment(loader=FileSystemLoader(str(HERE / "templates")), autoescape=True, trim_blocks=True, lstrip_blocks=True)
_env.globals.update(safe_url=render.safe_url, labels=STATUS_LABELS)
_env.globals.update(value_text=lambda v, kind: value_text(v, kind))
_env.filters["html_id"] = render.html_id
_env.globals["claim_review_jsonld"] = claim_review_jsonld

router = APIRouter(include_in_schema=False)


def compile_templates() -> int:
    """Compile every template now (Jinja compiles one on its first use: 50 ms on a worker's first page)."""
    names = _env.list_templates(extensions=["html"])
    for name in names:
        _env.get_template(name)
    return len(names)


def _context(request: Request, **kw: Any) -> dict[str, Any]:
    csrf = request.cookies.get(CSRF_COOKIE) or new_csrf()
    request.state.csrf = csrf
    return {
        "request": request,
        "csrf": csrf,
        "csrf_field": CSRF_FIELD,
        "signed_in": has_session(request),
        "writes_enabled": configured_token() is not None,
        **kw,
    }


def page(request: Request, template: str, status_code: int = 200, **kw: Any) -> HTMLResponse:
    context = _context(request, **kw)
    tpl = _env.get_template(template)
    if template in CACHEABLE_PAGES and status_code == 200 and not context["signed_in"]:
        # anonymous pages carry no per-visitor value (forms with CSRF tokens appear only when signed in)
        key = ("html", template, request.url.path, known_query(request), context["writes_enabled"], date.today())
        body, etag = _c(request).memo(key, lambda: _tagged(tpl.render(context)))
        resp = HTMLResponse(body, status_code=status_code)
        resp.raw_headers.append(etag)  # hashed once per kept page, not per answer
    else:
        resp = HTMLResponse(tpl.render(context), status_code=status_code)
    if request.cookies.get(CSRF_COOKIE) != context["csrf"]:
        resp.set_cookie(CSRF_COOKIE, context["csrf"], **cookie_options(request))
    return resp


def _tagged(html: str) -> tuple[bytes, tuple[bytes, bytes]]:
    body = html.encode("utf-8")
    return body, etag_header(body)


def _day(on: date | None) -> date:
    if on is None:
        today = date.today()
        return min(max(today, SLIDER_START), SLIDER_END)
    if not (MIN_DATE <= on <= MAX_DATE):
        raise HTTPException(422, detail=f"on must be between {MIN_DATE} and {MAX_DATE}")
    return on


def _c(request: Request) -> WebContext:
    return ctx(request)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, on: date | None = None, treaty: Treaty = Treaty.APMBC) -> HTMLResponse:
    c = _c(request)
    day = _day(on)
    statuses = {s.iso3: s for s in c.statuses(str(treaty), day)}
    shapes = []
    for iso3, shape in render.world()["shapes"].items():
        st = statuses.get(iso3)
        shapes.append(
            {"iso3": iso3, "name": st.name if st else shape["name"], "d": shape["d"], "status": str(st.status) if st else "na",
             "link": st is not None}
        )
    conflicts = c.memo(("open_conflicts",), lambda: _open_conflicts(c))
    counts: dict[str, int] = {}
    for s in statuses.values():
        counts[str(s.status)] = counts.get(str(s.status), 0) + 1
    w = render.world()
    return page(
        request,
        "home.html",
        day=day,
        treaty=str(treaty),
        shapes=shapes,
        world_box=" ".join(str(v) for v in w["world"]),
        europe_box=" ".join(str(v) for v in w["europe"]),
        slider_max=(SLIDER_END - SLIDER_START).days,
        slider_value=min(max((day - SLIDER_START).days, 0), (SLIDER_END - SLIDER_START).days),
        slider_start=SLIDER_START,
        slider_end=SLIDER_END,
        parties=sum(s.counts_as_party for s in statuses.values()),
        lower_bound=parties_lower_bound(str(treaty)),
        counts=counts,
        facts=c.memo(("recent_facts",), lambda: browsing.recent_facts(c.store, 20)),
        conflicts=conflicts,
    )


def parties_lower_bound(treaty: str) -> bool:
    """Whether the treaty's depositary records are partial, so its party count is a floor."""
    return not treaty_definition(treaty).records_complete


def _open_conflicts(c: WebContext, n: int = 20) -> list[dict[str, Any]]:
    severity = {"high": 0, "medium": 1, "low": 2}
    rows = c.store.conflicts(limit=200)
    rows.sort(key=lambda r: (severity.get(r["severity"], 3), r["actor_iso3"] or "", r["id"]))
    return rows[:n]


def _claims_with_context(c: WebContext, claims: list[dict[str, Any]]) -> list[dict[str, Any]]:
    texts = browsing.document_texts(c.store, sorted({cl["document"]["id"] for cl in claims}))
    for cl in claims:
        doc = texts.get(cl["document"]["id"], {})
        cl["doc_title"] = doc.get("title")
        ev = cl.get("evidence") or []
        cl["paragraphs"] = [render.evidence_in_paragraph(doc.get("text"), e["start"], e["end"]) for e in ev[:3]]
    return claims


class _PageCache:
    """Whole rendered pages for anonymous visitors, per process, dropped when the data changes.

    An anonymous page carries nothing per visitor (no CSRF token in it), so a
    hit is answered on the event loop with no thread hop and no store call:
    this is what keeps state pages cheap under load.
    """

    def __init__(self, size: int = 512, max_bytes: int = 16_000_000) -> None:
        self.size = size
        self.max_bytes = max_bytes  # bounded in bytes too: pages are large, and keys are chosen by clients
        self.bytes = 0
        #: key → (page, its ETag header): the tag is computed once, when the page is kept
        self.entries: OrderedDict[tuple, tuple[bytes, tuple[bytes, bytes]]] = OrderedDict()

    def get(self, key: tuple) -> tuple[bytes, tuple[bytes, bytes]] | None:
        hit = self.entries.get(key)
        if hit is not None:
            self.entries.move_to_end(key)
        return hit

    def put(self, key: tuple, body: bytes) -> tuple[bytes, tuple[bytes, bytes]]:
        """Keep the page (when it is not too large); returns it with its ETag header."""
        kept = (body, etag_header(body))
        if len(body) > self.max_bytes // 4:
            return kept
        old = self.entries.pop(key, None)
        self.bytes += len(body) - (len(old[0]) if old is not None else 0)
        self.entries[key] = kept
        while len(self.entries) > self.size or self.bytes > self.max_bytes:
            _, dropped = self.entries.popitem(last=False)
            self.bytes -= len(dropped[0])
        return kept


_PAGES = _PageCache()


def _anonymous_key(request: Request, params: tuple) -> tuple | None:
    """The page-cache key of this request, or None when it must be rendered for this visitor.

    Keyed on the validated parameters, not the query string: ``?junk=1``, ``?junk=2`` … are one entry.
    """
    if has_session(request):
        return None
    version = _c(request).version()
    if version is None:
        return None
    return (request.url.path.lower(), params, configured_token() is not None, date.today(), version)


def _cached_html(request: Request, key: tuple | None) -> HTMLResponse | None:
    hit = _PAGES.get(key) if key is not None else None
    if hit is None:
        return None
    return _html_for(request, hit)


def _html_for(request: Request, kept: tuple[bytes, tuple[bytes, bytes]]) -> HTMLResponse:
    """An anonymous page rendered once, answered to this visitor (with a CSRF cookie of their own)."""
    body, etag = kept
    resp = HTMLResponse(body)
    resp.raw_headers.append(etag)
    if not request.cookies.get(CSRF_COOKIE):
        resp.set_cookie(CSRF_COOKIE, new_csrf(), **cookie_options(request))
    return resp


@router.get("/states/{iso3}", response_class=HTMLResponse)
async def state_page(
    request: Request,
    iso3: Annotated[str, PathParam(pattern=r"^[A-Za-z]{3}$")],
    on: date | None = None,
    after: Annotated[str | None, Query(max_length=80, pattern=r"^c-[A-Za-z0-9_.:-]+$", description="claims after this id")] = None,
) -> HTMLResponse:
    """A state's page; anonymous repeats come from the page cache without leaving the event loop."""
    key = _anonymous_key(request, (on, after))
    hit = _cached_html(request, key)
    if hit is not None:
        return hit
    if key is None:
        return await run_in_threadpool(_state_page, request, iso3, on, after)
    shared = _c(request).shared
    if shared is not None:
        found = shared.get(("page", *key))  # rendered by another worker of this server
        if found is not None:
            return _html_for(request, _PAGES.put(key, found[2]))
    if key in _FLIGHTS.flights:
        # the same page is being rendered for another visitor: take that rendering instead of making another
        try:
            kept = await _FLIGHTS.run(key, _no_body)
        except Exception:  # noqa: BLE001 - the other request's failure: render this one afresh
            kept = None
        if kept is not None:
            return _html_for(request, kept)
    mine: dict[str, HTMLResponse] = {}

    async def render() -> tuple[bytes, tuple[bytes, bytes]] | None:
        resp = mine["resp"] = await run_in_threadpool(_state_page, request, iso3, on, after)
        if resp.status_code != 200:
            return None
        body = bytes(resp.body)
        if _c(request).version.read() == key[-1]:
            kept = _PAGES.put(key, body)
            if shared is not None:
                shared.put(("page", *key), (200, [kept[1]], body))
            return kept
        return body, etag_header(body)

    await _FLIGHTS.run(key, render)
    return mine["resp"]


async def _no_body() -> None:
    return None


_STATE_PATH = re.compile(r"^/states/[A-Za-z]{3}$")


class StatePageHits:
    """ASGI middleware: an anonymous state page already in the page cache is answered before routing.

    Matching the path against every route of the six routers and solving the
    endpoint's parameters cost 130 µs of the 155 µs of such a hit: with a
    quarter of ``bench/api.py``'s requests on state pages, a sixth of a warm
    server's CPU.  Only the plain page (no query string) of a visitor without
    a session is answered here, with the key the endpoint would use; anything
    else, and every miss, goes on to the endpoint.
    """

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET" and not scope.get("query_string") \
                and _STATE_PATH.match(scope["path"]):
            request = Request(scope, receive)
            hit = _cached_html(request, _anonymous_key(request, (None, None)))
            if hit is not None:
                await hit(scope, receive, send)
                return
        await self.app(scope, receive, send)


_FLIGHTS = SingleFlight()


def _state_page(
    request: Request,
    iso3: Annotated[str, PathParam(pattern=r"^[A-Za-z]{3}$")],
    on: date | None = None,
    after: Annotated[str | None, Query(max_length=80, pattern=r"^c-[A-Za-z0-9_.:-]+$", description="claims after this id")] = None,
) -> HTMLResponse:
    c = _c(request)
    code = known_state(iso3)
    day = _day(on) if on else date.today()
    statuses = {t: c.status_of(t, code, day) for t in ("APMBC", "CCM")}

    def data() -> dict[str, Any]:
        claims = c.store.claims(ClaimFilter(state=code, limit=STATE_PAGE_CLAIMS + 1, after=after or ""))
        facts = c.store.facts(state=code)
        timeline = state_timeline(c, code)
        dated, undated = split_timeline(timeline, facts)
        return {
            "timeline": dated,
            "undated": undated,
            "axis": timeline_axis(dated),
            "facts": facts,
            "conflicts": c.store.conflicts(state=code),
            "claims": _claims_with_context(c, claims[:STATE_PAGE_CLAIMS]),
            "more_claims": len(claims) > STATE_PAGE_CLAIMS,
            "next_after": claims[STATE_PAGE_CLAIMS - 1]["id"] if len(claims) > STATE_PAGE_CLAIMS else None,
            "after": after,
            "claim_total": browsing.claim_count(c.store, code),
        }

    return page(request, "state.html", iso3=code, name=eligible_states()[code], day=day, statuses=statuses,
                **c.memo(("state", code, after), data))


def value_text(v: dict[str, Any] | None, kind: str) -> str | None:
    """A merged quantity, money or time value in words: its text, else its range."""
    if not v:
        return None
    if kind == "time":
        lo, hi = v.get("start"), v.get("end")
    else:
        lo, hi = v.get("low"), v.get("high")
    if v.get("text"):
        return str(v["text"])

    def num(x: Any) -> str:
        return f"{x:,.0f}" if isinstance(x, int | float) and float(x).is_integer() else str(x)

    if lo is None and hi is None:
        return None
    rng = num(lo) if hi in (None, lo) else (f"up to {num(hi)}" if lo is None else f"{num(lo)}–{num(hi)}")
    extra = v.get("currency") if kind == "money" else v.get("unit") if kind == "quantity" else None
    return f"{rng} {extra}" if extra else rng


def fact_values(f: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, text) of the quantity, money and time a fact's claims agree on."""
    out = []
    for kind in ("quantity", "money", "time"):
        t = value_text(f.get(kind), kind)
        if t:
            out.append((kind, t))
    return out


def split_timeline(entries: list[dict[str, Any]], facts: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Dated entries (records, facts with an event date) and undated facts, placed by first report.

    An undated fact's date is when it was first reported, not when it happened,
    so it must not sit on the same axis as depositary dates.
    """
    by_id = {f["id"]: f for f in facts}
    dated, undated = [], []
    for e in entries:
        e = dict(e)
        fact = by_id.get(e.get("fact_id") or "")
        desc = (e.get("description") or "").lower()
        e["values"] = [(k, v) for k, v in (fact_values(fact) if fact else []) if v.lower() not in desc]
        (undated if e.get("undated") else dated).append(e)
    undated.sort(key=lambda e: (e.get("date") or "", e.get("description") or ""))
    return dated, undated


def timeline_axis(entries: list[dict[str, Any]], width: int = 900) -> dict[str, Any] | None:
    """Positions for a horizontal SVG time axis: one dot per dated entry, a tick per year."""
    days = [(date.fromisoformat(e["date"]), e) for e in entries if e.get("date")]
    if not days:
        return None
    lo, hi = date(min(d for d, _ in days).year, 1, 1), date(max(d for d, _ in days).year + 1, 1, 1)
    span = (hi - lo).days or 1
    pad = 20

    def x(d: date) -> float:
        return round(pad + (width - 2 * pad) * (d - lo).days / span, 1)

    years = list(range(lo.year, hi.year + 1))
    step = max(1, len(years) // 12)
    ticks = [{"x": x(date(y, 1, 1)), "year": y, "label": (y - lo.year) % step == 0} for y in years]
    dots = [{"x": x(d), "date": d.isoformat(), "kind": e.get("kind"), "text": e.get("description") or ""} for d, e in days]
    return {"width": width, "ticks": ticks, "dots": dots}


@router.get("/stories/{story_id}", response_class=HTMLResponse)
def story_page(request: Request, story_id: Annotated[str, PathParam(max_length=80)]) -> HTMLResponse:
    c = _c(request)
    found = c.store.stories(ids=[story_id])
    if not found:
        raise HTTPException(404, detail=f"no story {story_id!r}")
    story = found[0]
    texts = browsing.document_texts(c.store, [d["id"] for d in story["documents"]])
    docs = [dict(d, text=texts.get(d["id"], {}).get("text", "")) for d in story["documents"]]
    claims = {d["id"]: c.store.claims(ClaimFilter(document=d["id"])) for d in story["documents"]}
    copies, differing = render.story_copies(docs, claims)
    return page(request, "story.html", story=story, copies=copies, differing=differing)


@router.get("/claims/{claim_id}", response_class=HTMLResponse)
def claim_page(request: Request, claim_id: Annotated[str, PathParam(max_length=80)], error: str | None = None) -> HTMLResponse:
    c = _c(request)
    claim = c.store.claim(claim_id)
    if claim is None:
        raise HTTPException(404, detail=f"no claim {claim_id!r}")
    _claims_with_context(c, [claim])
    corrected = (claim.get("review") or {}).get("corrections") or {}
    original = original_claim(c, claim_id) if corrected else None
    changes = [
        {"field": k, "new": field_text(k, v), "old": field_text(k, (original or {}).get(k))} for k, v in corrected.items()
    ]
    facts = c.store.facts(state=claim["actor"]["iso3"]) if claim["actor"].get("iso3") else []
    facts = [f for f in facts if claim_id in (f.get("claim_ids") or [])]
    return page(
        request,
        "claim.html",
        claim=claim,
        facts=facts,
        conflicts=c.store.conflicts(claim_id=claim_id),
        reviews=[dict(r, when=when_utc(r.get("created_at")),
                      changes=[(k, field_text(k, v)) for k, v in (r.get("corrections") or {}).items()])
                 for r in c.store.reviews(claim_id=claim_id)],
        changes=changes,
        original=original,
        error=error,
        choices={
            "predicate": [p.value for p in Predicate],
            "stage": ["", *WITHDRAWAL_STAGES, *JOINING_STAGES],
            "treaty": ["", *(t.value for t in Treaty)],
            "weapon": ["", *(w.value for w in Weapon)],
            "modality": [m.value for m in Modality],
            "polarity": [p.value for p in Polarity],
        },
        actor_kinds=["state", "organization", "armed_group"],
    )


def _num(v: str | None) -> float | None:
    v = (v or "").strip().replace(",", "")
    if not v:
        return None
    try:
        return float(v)
    except ValueError:
        raise HTTPException(422, detail=f"not a number: {v!r}") from None


def _text(form: dict[str, str], key: str) -> str | None:
    return (form.get(key) or "").strip() or None


def _actor_correction(claim: dict[str, Any], form: dict[str, str], key: str) -> tuple[bool, dict[str, Any] | None]:
    """(changed, new actor) from the ``{key}_kind/_iso3/_name`` inputs; an empty name clears a counterpart."""
    if f"{key}_name" not in form:
        return False, None
    old = claim.get(key) or None
    name = _text(form, f"{key}_name")
    iso3 = (_text(form, f"{key}_iso3") or "").upper() or None if f"{key}_iso3" in form else (old or {}).get("iso3")
    kind = _text(form, f"{key}_kind") or (old or {}).get("kind") or "state"
    new = {"kind": kind, "iso3": iso3, "name": name} if name else None
    if old is None and new is None:
        return False, None
    if old is not None and new is not None and (old.get("kind"), old.get("iso3"), old.get("name")) == (kind, iso3, name):
        return False, None
    return True, new


def _value_correction(claim: dict[str, Any], form: dict[str, str], key: str) -> tuple[bool, dict[str, Any] | None]:
    """(changed, new value) for quantity, money or time.

    When the numbers (or dates) change and the analyst left the old wording,
    the wording is dropped: "millions of euros" must not survive a correction
    to 100M-999M.
    """
    lo_key, hi_key = ("start", "end") if key == "time" else ("low", "high")
    names = [f"{key}_{lo_key}", f"{key}_{hi_key}", f"{key}_text"]
    if not any(n in form for n in names):
        return False, None
    old = claim.get(key) or {}
    if key == "time":
        lo, hi = _text(form, names[0]), _text(form, names[1])
        for v in (lo, hi):
            if v is not None:
                try:
                    date.fromisoformat(v)
                except ValueError:
                    raise HTTPException(422, detail=f"not a date (YYYY-MM-DD): {v!r}") from None
    else:
        lo, hi = _num(form.get(names[0])), _num(form.get(names[1]))
    text = _text(form, names[2]) if names[2] in form else (old.get("text") or None)
    extra_key = {"quantity": "unit", "money": "currency"}.get(key)
    extra = _text(form, f"{key}_{extra_key}") if extra_key else None
    if key == "money" and extra:
        extra = extra.upper()
    numbers_changed = (lo, hi) != (old.get(lo_key), old.get(hi_key))
    text_changed = text != (old.get("text") or None)
    extra_changed = extra_key is not None and f"{key}_{extra_key}" in form and extra != (old.get(extra_key) or None)
    if not (numbers_changed or text_changed or extra_changed):
        return False, None
    if numbers_changed and not text_changed:
        text = None
    if lo is None and hi is None and text is None:
        return True, None
    new: dict[str, Any] = {lo_key: lo, hi_key: hi, "text": text}
    if extra_key:
        new[extra_key] = extra if f"{key}_{extra_key}" in form else old.get(extra_key)
    return True, new


def form_corrections(claim: dict[str, Any], form: dict[str, str]) -> dict[str, Any]:
    """The fields the analyst changed, in the contract's shape (unchanged fields are not corrections).

    The form covers the same correctable fields as ``POST /api/reviews``:
    actor, predicate, stage, treaty, weapon, counterpart, modality, polarity,
    quantity, money, time and speaker.
    """
    out: dict[str, Any] = {}
    for key in ("predicate", "stage", "treaty", "weapon", "modality", "polarity"):
        if key in form:
            value = form[key] or None
            if value != claim.get(key):
                out[key] = value
    for key in ("actor", "counterpart"):
        changed, new = _actor_correction(claim, form, key)
        if changed:
            if key == "actor" and new is None:
                raise HTTPException(422, detail="the actor needs a name")
            out[key] = new
    for key in ("quantity", "money", "time"):
        changed, new = _value_correction(claim, form, key)
        if changed:
            out[key] = new
    name = (form.get("speaker_name") or "").strip()
    role = (form.get("speaker_role") or "").strip() or None
    old_speaker = claim.get("speaker") or {}
    if "speaker_name" in form and (name or None, role) != (old_speaker.get("name"), old_speaker.get("role")):
        out["speaker"] = {"name": name, "role": role} if name else None
    return out


def original_claim(c: WebContext, claim_id: str) -> dict[str, Any] | None:
    """The claim as extracted, before any review's corrections (shown next to the corrected values)."""
    return browsing.original_claim(c.store, claim_id)


def field_text(kind: str, v: Any) -> str:
    """One claim field in words, for the review's table of changes."""
    if v is None:
        return "—"
    if kind in ("quantity", "money", "time") and isinstance(v, dict):
        return value_text(v, kind) or "—"
    if kind in ("actor", "counterpart") and isinstance(v, dict):
        return f"{v.get('name')} ({v.get('iso3')})" if v.get("iso3") else str(v.get("name"))
    if kind == "speaker" and isinstance(v, dict):
        return f"{v.get('name')}, {v['role']}" if v.get("role") else str(v.get("name"))
    return str(v).replace("_", " ")


def when_utc(stamp: str | None) -> str:
    """A stored review time (naive UTC) written with its timezone."""
    if not stamp:
        return "unknown time"
    try:
        d = datetime.fromisoformat(str(stamp))
    except ValueError:
        return str(stamp)
    return d.strftime("%Y-%m-%d %H:%M UTC") if d.tzinfo is None else d.strftime("%Y-%m-%d %H:%M %Z")


@router.post("/claims/{claim_id}/review")
async def review_form(request: Request, claim_id: Annotated[str, PathParam(max_length=80)]) -> Response:
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    check_form(request, form.get(CSRF_FIELD))
    c = _c(request)
    claim = c.store.claim(claim_id)
    if claim is None:
        raise HTTPException(404, detail=f"no claim {claim_id!r}")
    verdict = form.get("verdict", "")
    try:
        corrections = form_corrections(claim, form) if verdict == "corrected" else {}
    except HTTPException as exc:
        return RedirectResponse(f"/claims/{quote(claim_id)}?error={quote(str(exc.detail))}", status_code=303)
    try:
        review = ReviewIn(
            claim_id=claim_id,
            verdict=verdict,  # type: ignore[arg-type]
            reviewer=(form.get("reviewer") or "").strip(),
            note=(form.get("note") or "").strip() or None,
            corrections=Corrections.model_validate({k: v for k, v in corrections.items() if v is not None}) if corrections else None,
        )
    except ValueError as exc:
        return RedirectResponse(f"/claims/{quote(claim_id)}?error={quote(_short_error(exc))}", status_code=303)
    try:
        await run_in_threadpool(apply_review, c, review)
    except HTTPException as exc:
        return RedirectResponse(f"/claims/{quote(claim_id)}?error={quote(str(exc.detail))}", status_code=303)
    return RedirectResponse(f"/claims/{quote(claim_id)}", status_code=303)


def _short_error(exc: Exception) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        return "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in errors())[:300]
    return str(exc)[:300]


@router.get("/favicon.ico")
def favicon() -> Response:
    """The bundled icon, also at the path browsers ask for on their own (no 404 in the console)."""
    return Response((HERE / "static" / "favicon.svg").read_bytes(), media_type="image/svg+xml",
                    headers={"Cache-Control": "public, max-age=86400"})


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: Annotated[str, Query(max_length=300)] = "/") -> HTMLResponse:
    return page(request, "login.html", next=next if next.startswith("/") and not next.startswith("//") else "/")


@router.post("/login")
async def login(request: Request) -> Response:
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    token = configured_token()
    if token is None:
        return page(request, "login.html", status_code=403, next="/", error="writes are disabled: the server has no token (MINEWATCH_TOKEN)")
    if not same_site(request) or not form.get(CSRF_FIELD) or not hmac.compare_digest(
            form[CSRF_FIELD].encode(), (request.cookies.get(CSRF_COOKIE) or "").encode()):
        return page(request, "login.html", status_code=403, next="/", error="stale form: reload the page and try again")

    check_attempts(request)  # 429 after too many wrong tokens from this client
    if not hmac.compare_digest(form.get("token", "").encode(), token.encode()):
        record_failure(request)
        return page(request, "login.html", status_code=403, next="/", error="wrong token")
    nxt = form.get("next") or "/"
    nxt = nxt if nxt.startswith("/") and not nxt.startswith("//") else "/"
    resp = RedirectResponse(nxt, status_code=303)
    resp.set_cookie(SESSION_COOKIE, session_value(token), max_age=int(session_hours() * 3600), **cookie_options(request))
    resp.set_cookie(CSRF_COOKIE, new_csrf(), **cookie_options(request))
    return resp


@router.post("/logout")
async def logout(request: Request) -> Response:
    """Sign out: the session is revoked on the server, not only forgotten by this browser.

    Needs the form's CSRF value (both the cookie and the field, equal) from this site:
    a cross-site post that carries neither cannot sign anyone out.
    """
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    field, cookie = form.get(CSRF_FIELD) or "", request.cookies.get(CSRF_COOKIE) or ""
    if not same_site(request) or not field or not cookie or not hmac.compare_digest(field, cookie):
        raise HTTPException(403, detail="stale or missing form token: reload the page and sign out again")
    session = current_session(request)
    if session is not None:
            await run_in_threadpool(_c(request).revocations.revoke, *session)
    resp = RedirectResponse("/", status_code=303)
    resp.delete_cookie(SESSION_COOKIE, path="/", secure=cookie_options(request)["secure"], httponly=True,
                       samesite="strict")
    return resp


@router.get("/conflicts", response_class=HTMLResponse)
def conflicts_page(
    request: Request,
    state: Annotated[str | None, Query(pattern=r"^[A-Za-z]{3}$")] = None,
    error: Annotated[str | None, Query(max_length=300)] = None,
) -> HTMLResponse:
    c = _c(request)
    dismissed = [x for x in c.store.conflicts(state=state, dismissed=True) if x.get("review")
                 and x["review"]["verdict"] == "not_a_conflict"]
    conflicts = c.store.conflicts(state=state)
    _with_sides(c, conflicts + dismissed)
    return page(request, "conflicts.html", conflicts=conflicts, dismissed=dismissed, state=state, error=error)


#: Evidence sentences shown per conflict: one per side (figure, affirmation, denial) at most this many.
SIDES_SHOWN = 4


def _side_claims(x: dict[str, Any]) -> list[str]:
    """One claim per side of a conflict: each figure's first report, the accuser and the denier."""
    detail = x.get("detail") or {}
    ids = [q["claim_id"] for q in detail.get("quotes") or [] if q.get("claim_id")]
    for side in ("affirmed", "denied"):
        ids += [s["claim_id"] for s in (detail.get(side) or [])[:1]]
    return list(dict.fromkeys(ids or list(x.get("claim_ids") or [])))[:SIDES_SHOWN]


def _with_sides(c: WebContext, conflicts: list[dict[str, Any]]) -> None:
    """Each conflict's ``sides``: the evidence sentence of each side, with its document (one query)."""
    wanted = {x["id"]: _side_claims(x) for x in conflicts}
    ids = sorted({i for v in wanted.values() for i in v})
    claims = {cl["id"]: cl for cl in c.store.claims(ClaimFilter(claim_ids=ids))} if ids else {}
    for x in conflicts:
        x["sides"] = [claims[i] for i in wanted[x["id"]] if i in claims]


@router.post("/conflicts/{conflict_id}/review")
async def conflict_review_form(request: Request, conflict_id: Annotated[str, PathParam(max_length=80)]) -> Response:
    """The conflicts page's "not a conflict" (with a note) and "reopen" buttons: ``POST /api/reviews`` for a conflict."""
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    check_form(request, form.get(CSRF_FIELD))
    c = _c(request)
    back = f"/conflicts#{render.html_id(conflict_id)}"
    try:
        review = ReviewIn(
            conflict_id=conflict_id,
            verdict=form.get("verdict", ""),  # type: ignore[arg-type]
            reviewer=(form.get("reviewer") or "").strip(),
            note=(form.get("note") or "").strip() or None,
        )
    except ValueError as exc:
        return RedirectResponse(f"/conflicts?error={quote(_short_error(exc))}", status_code=303)
    try:
        await run_in_threadpool(apply_review, c, review)
    except HTTPException as exc:
        return RedirectResponse(f"/conflicts?error={quote(str(exc.detail))}", status_code=303)
    return RedirectResponse(back, status_code=303)


@router.get("/search", response_class=HTMLResponse)
def search_page(request: Request, q: Annotated[str, Query(max_length=200)] = "") -> HTMLResponse:
    c = _c(request)
    q = q.strip()
    docs = c.store.documents(text=q, limit=50) if q else []
    claims = _claims_with_context(c, c.store.claims(ClaimFilter(text=q, limit=50, after=""))) if q else []
    if docs:
        texts = browsing.document_texts(c.store, [d["id"] for d in docs])
        for d in docs:
            d["snippet"] = render.snippet(texts.get(d["id"], {}).get("text"), q)
    for cl in claims:
        ev = " … ".join(e.get("text") or "" for e in cl.get("evidence") or [])
        cl["snippet"] = render.snippet(ev or cl["actor"].get("name"), q)
    return page(request, "search.html", q=q, documents=docs, claims=claims)


@router.get("/documents/{doc_id}", response_class=HTMLResponse)
def document_page(request: Request, doc_id: Annotated[str, PathParam(max_length=80)]) -> HTMLResponse:
    c = _c(request)
    doc = c.store.document(doc_id)
    if doc is None:
        raise HTTPException(404, detail=f"no document {doc_id!r}")
    claims = c.store.claims(ClaimFilter(document=doc_id))
    spans = [(e["start"], e["end"]) for cl in claims for e in cl.get("evidence") or []]
    return page(request, "document.html", doc=doc, claims=claims, marked=render.mark_spans(doc["text"], spans))
