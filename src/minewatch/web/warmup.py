"""A worker's first-request costs, paid at start-up, before it accepts a connection.

Each uvicorn worker is a fresh process: the first answer of each kind used to
pay for compiling the Jinja templates (a state page: 80 ms instead of 30),
building the depositary index and the statuses of today, loading the world
map, SQLAlchemy compiling each query shape, FastAPI's first pass through a
route.  Under load those first answers held up every request queued behind
them (the cold-start p99 of ``bench/api.py``).  ``warm_up`` asks the app for
one answer of each kind through its own ASGI stack, in the worker's lifespan
start-up: uvicorn begins accepting only when it returns.

What it requests is fixed and small (no per-state or per-filter sweep).  Its
API answers are not kept (a listing's ``next_url`` names the host of the
request, here a made-up one); the state page it renders is (pages name no host).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from contextlib import asynccontextmanager
from datetime import date

import httpx
from fastapi import FastAPI

from minewatch.store.repository import ClaimFilter
from minewatch.web.cache import WARM_UP_HEADER
from minewatch.web.pages import compile_templates

log = logging.getLogger(__name__)

#: One request of each kind the dashboard and the API answer most: the listings' first pages (plain and
#: filtered, JSON and CSV), the treaty summary, the home page with its map.  A state page and a listing
#: filtered by state and predicate are added for the newest claim's (real values: a 404 or 422 warms little).
PATHS = (
    "/api/treaties",
    "/api/claims?limit=50",
    "/api/claims?limit=50&format=csv",
    "/api/facts?limit=50",
    "/api/conflicts?limit=50",
    "/",
)


def _sample(app: FastAPI) -> tuple[str, str] | None:
    """(state, predicate) of the newest claim naming a state, if any."""
    for claim in app.state.mw.store.claims(ClaimFilter(limit=20, order="newest")):
        for actor in (claim.get("actor"), claim.get("counterpart")):
            if actor and actor.get("iso3"):
                return actor["iso3"], claim["predicate"]
    return None


async def warm_up(app: FastAPI, paths: Sequence[str] = PATHS) -> dict[str, float]:
    """Answer ``paths`` (and one state page and one filtered listing) once; milliseconds per path.

    A failure is logged and skipped: a worker that could not warm up still serves.
    """
    took: dict[str, float] = {}
    t0 = time.perf_counter()
    try:
        compile_templates()
        today = date.today()
        for treaty in ("APMBC", "CCM"):
            app.state.mw.statuses(treaty, today)
        sample = _sample(app)
    except Exception:  # noqa: BLE001 - warming is an optimisation: never keep the worker from serving
        log.warning("warm-up: preparing failed", exc_info=True)
        sample = None
    took["templates and statuses"] = (time.perf_counter() - t0) * 1000
    extra = []
    if sample:
        state, predicate = sample
        extra = [f"/states/{state}", f"/api/claims?state={state}&predicate={predicate}&limit=50&since=1990-01-01"]
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://warm-up") as client:
        for path in (*paths, *extra):
            t = time.perf_counter()
            try:
                await client.get(path, headers={"accept": "text/html" if not path.startswith("/api") else "*/*",
                                                WARM_UP_HEADER.decode(): "1"})
            except Exception:  # noqa: BLE001
                log.warning("warm-up: %s failed", path, exc_info=True)
            took[path] = (time.perf_counter() - t) * 1000
    log.info("warm-up in %.0f ms: %s", (time.perf_counter() - t0) * 1000,
             ", ".join(f"{k} {v:.0f} ms" for k, v in took.items()))
    return took


@asynccontextmanager
async def warm_lifespan(app: FastAPI):
    """The app's lifespan when served: warm up, then serve."""
    await warm_up(app)
    yield
