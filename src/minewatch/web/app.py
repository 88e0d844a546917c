"""One FastAPI app: the JSON API under /api, the dashboard pages, the static files."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.cors import CORSMiddleware

from minewatch.store.repository import Store
from minewatch.web import api, charts, compare, feeds, pages
from minewatch.web.cache import ApiResponseCache, DataVersion, SharedAnswers, sqlite_path
from minewatch.web.context import WebContext
from minewatch.web.etag import ETags
from minewatch.web.middleware import BodyLimitAndHeaders
from minewatch.web.warmup import warm_lifespan

HERE = Path(__file__).parent
#: Headers of API answers a cross-origin page may read (--cors).
API_HEADERS = ["Link", "ETag", "X-Total-Count", "X-Next-Cursor"]


def create_app(
    db: str | None = None, *, store: Store | None = None, cors: Sequence[str] | None = None, warm_up: bool = False,
    shared_answers: str | None = None,
) -> FastAPI:
    """The whole web app over the database ``db`` (path or URL; default as the CLI: MINEWATCH_DB or minewatch.db).

    ``cors`` names the origins whose pages may read the API from a browser
    (``*`` for any); without it browsers keep the API to the dashboard's own origin.
    ``warm_up`` (the server's workers) answers one request of each kind at
    start-up, before connections are accepted (``web/warmup.py``).
    ``shared_answers`` is the file in which the workers of one server share
    the API answers they computed (``cache.SharedAnswers``).
    """
    app = FastAPI(
        title="minewatch",
        version="0.1.0",
        description=(
            "An open monitor for the Mine Ban Treaty (APMBC) and the Convention on Cluster Munitions (CCM). "
            "Reads are open; writes (POST /api/ingest, POST /api/reviews) need `Authorization: Bearer $MINEWATCH_TOKEN`."
        ),
        docs_url=None,  # Swagger UI loads from a CDN; the dashboard loads nothing from the internet
        redoc_url=None,
        lifespan=warm_lifespan if warm_up else None,
    )
    app.state.mw = WebContext(store or Store.open(db))
    app.include_router(api.router)
    app.include_router(feeds.router)
    app.include_router(charts.router)
    app.include_router(compare.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        if _wants_html(request):
            return pages.page(request, "error.html", status_code=exc.status_code, status=exc.status_code, detail=exc.detail)
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        problems = [
            {"where": ".".join(str(p) for p in e.get("loc", ())), "problem": e.get("msg", ""), "input": _short(e.get("input"))}
            for e in exc.errors()
        ]
        message = "; ".join(f"{p['where']}: {p['problem']}" for p in problems)
        if _wants_html(request):
            return pages.page(request, "error.html", status_code=422, status=422, detail=message)
        return JSONResponse({"detail": message, "errors": problems}, status_code=422)

    path = sqlite_path(app.state.mw.store.engine)
    shared = app.state.mw.shared = SharedAnswers(shared_answers) if shared_answers and path else None
    app.add_middleware(ApiResponseCache, version=DataVersion(path), shared=shared)
    app.add_middleware(pages.StatePageHits)
    app.add_middleware(ETags)
    if cors:
        # reads only: writes carry a bearer token and stay same-origin
        app.add_middleware(CORSMiddleware, allow_origins=list(cors), allow_methods=["GET", "HEAD"],
                           allow_headers=["If-None-Match"], expose_headers=API_HEADERS)
    app.add_middleware(BodyLimitAndHeaders)
    return app


def _short(v: object) -> object:
    if isinstance(v, str | int | float | bool) or v is None:
        return v if not isinstance(v, str) else v[:200]
    return str(v)[:200]


def _wants_html(request: Request) -> bool:
    path = request.url.path
    return not path.startswith(("/api", "/openapi", "/static")) and "text/html" in request.headers.get("accept", "")
