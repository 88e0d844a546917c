"""The JSON API under ``/api``: every listing is JSON or CSV, every page of it has a stable cursor.

Listings are the store's dicts as they are (the same field names as the CLI's
``--format json``), so a field seen in one place has the same name everywhere.
Listings with dates come newest first (``sort=newest``, by publication date,
then arrival, then id; ``oldest``; ``id``).  A cursor is the sort key of a
page's last row (its id with ``sort=id``): the next page starts strictly after
it, so a cursor stays valid while new rows arrive.  Each page also carries its
``next_url`` and a ``Link: <…>; rel="next"`` header (Datasette's and GitHub's
dialect), ``?count=true`` adds the ``total``, and ``?format=jsonl`` streams
newline-delimited JSON (every match when no ``limit`` is given).
"""

from __future__ import annotations

import re
import tempfile
import typing
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, HTTPException, Query, Request, UploadFile
from fastapi import Path as PathParam
from fastapi.responses import Response, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field, model_validator

from minewatch.ingest.meta import outlet_name
from minewatch.ingest.sources import EXTENSIONS, Skipped, iter_items, relabel
from minewatch.model import JOINING_STAGES, WITHDRAWAL_STAGES, Modality, Polarity, Predicate, Treaty, Weapon
from minewatch.output import to_csv, to_json
from minewatch.reconcile import timeline
from minewatch.store import browsing
from minewatch.store.reconciling import reconcile_pending
from minewatch.store.repository import ClaimFilter
from minewatch.treaties import eligible_states, treaty_definition, treaty_summary
from minewatch.web.cache import route_params
from minewatch.web.context import WebContext
from minewatch.web.security import require_bearer

MIN_DATE = date(1990, 1, 1)
MAX_DATE = date(2100, 12, 31)
MAX_LIMIT = 1000
DEFAULT_LIMIT = 50
STREAM_CHUNK = 500  # rows fetched per query while streaming a whole listing

Stage = StrEnum("Stage", {s: s for s in (*WITHDRAWAL_STAGES, *JOINING_STAGES)})  # type: ignore[misc]

ISO3 = Annotated[str, PathParam(pattern=r"^[A-Za-z]{3}$", description="ISO 3166-1 alpha-3 code of a state")]
Cursor = Annotated[
    str | None,
    Query(max_length=120, pattern=r"^[A-Za-z0-9_.:-]+$", description="next_cursor of the previous page"),
]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="items per page")]
PageLimit = Annotated[
    int | None,
    Query(ge=1, le=MAX_LIMIT, description=f"items per page (default {DEFAULT_LIMIT}; with format=jsonl and no "
          "limit, every match is streamed)"),
]
Fmt = Annotated[Literal["json", "csv", "jsonl"], Query(description="json (default), csv or jsonl (one JSON object a line)")]
Sort = Annotated[
    Literal["newest", "oldest", "id"],
    Query(description="newest (default): by publication date, then arrival, then id; oldest; id"),
]
Count = Annotated[bool, Query(description="also give the number of matching items (total, X-Total-Count)")]
OnDate = Annotated[date | None, Query(description="the date (YYYY-MM-DD, 1990-01-01..2100-12-31); default today")]


class _Paged(BaseModel):
    next_cursor: str | None = Field(None, description="pass as ?cursor= for the next page; null on the last page")
    next_url: str | None = Field(None, description="the next page's URL (also in the Link header); null on the last page")
    total: int | None = Field(None, description="matching items, with ?count=true")


class Page(_Paged):
    items: list[dict[str, Any]]


# ---------------------------------------------------------------- response models
# They describe what the store's dicts carry, for /openapi.json and the CSV
# columns; extra keys are allowed (the store may add fields before the models do).
class _Out(BaseModel):
    model_config = ConfigDict(extra="allow")


class ActorOut(_Out):
    kind: str
    iso3: str | None = None
    name: str


class RangeOut(_Out):
    low: float | None = None
    high: float | None = None
    unit: str | None = None
    text: str | None = None


class MoneyOut(_Out):
    low: float | None = None
    high: float | None = None
    currency: str | None = None
    text: str | None = None


class TimeOut(_Out):
    start: str | None = None
    end: str | None = None
    text: str | None = None
    basis: str | None = Field(
        None, description="stated (for the act), relative (to the publication) or reported (a dateline: when it was filed)")


class SpeakerOut(_Out):
    name: str
    role: str | None = None


class EvidenceOut(_Out):
    start: int
    end: int
    text: str


class DocumentRef(_Out):
    id: str
    path: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: str | None = None
    story_id: str | None = None
    via: list[str] = []
    #: The document's language (ISO 639-1): claims of non-English articles come from their own rules.
    language: str | None = None


class ClaimReview(_Out):
    verdict: str
    reviewer: str
    note: str | None = None
    created_at: str | None = None
    corrections: dict[str, Any] | None = None


class ClaimOut(_Out):
    id: str
    document: DocumentRef
    actor: ActorOut
    predicate: str
    stage: str | None = None
    treaty: str | None = None
    weapon: str | None = None
    counterpart: ActorOut | None = None
    modality: str
    polarity: str
    quantity: RangeOut | None = None
    money: MoneyOut | None = None
    time: TimeOut | None = None
    speaker: SpeakerOut | None = None
    evidence: list[EvidenceOut] = []
    confidence: float | None = None
    extractor: str | None = None
    review: ClaimReview | None = None


class ReviewRow(_Out):
    id: int
    claim_id: str
    verdict: str
    corrections: dict[str, Any] | None = None
    note: str | None = None
    reviewer: str
    created_at: str | None = None


class ClaimDetail(ClaimOut):
    reviews: list[ReviewRow] = []


class FactOut(_Out):
    id: str
    actor_kind: str | None = None
    actor_iso3: str | None = None
    actor_name: str | None = None
    predicate: str
    stage: str | None = None
    treaty: str | None = None
    weapon: str | None = None
    counterpart_iso3: str | None = None
    counterpart_name: str | None = None
    polarity: str | None = None
    modality: str | None = None
    independent_sources: int | None = None
    claim_count: int | None = None
    document_count: int | None = None
    first_reported: str | None = None
    last_reported: str | None = None
    event_date: str | None = None
    verified: bool | None = None
    claim_ids: list[str] = []
    document_ids: list[str] = []
    story_ids: list[str] = []
    quantity: RangeOut | None = None
    money: MoneyOut | None = None
    time: TimeOut | None = None
    detail: dict[str, Any] | None = Field(None, description="the reconciler's full record (sources, speakers, modalities)")
    history: dict[str, Any] | None = Field(
        None, description="planned, then done: when the fact was first reported as planned and as done (not a conflict)")


class ConflictOut(_Out):
    id: str = Field(..., description="also the id of its row on /conflicts: link as /conflicts#<id>")
    kind: str
    severity: str
    actor_iso3: str | None = None
    fact_id: str | None = None
    scope: str | None = None
    explanation: str | None = None
    claim_ids: list[str] = []
    record: dict[str, Any] | None = Field(None, description="the depositary record involved (one JSON column in CSV)")
    review: dict[str, Any] | None = Field(None, description="the latest analyst verdict on it (not_a_conflict, reopened)")
    detail: dict[str, Any] | None = Field(
        None, description="what the explanation is written from: each figure with its documents, each side's quote")


class DocumentOut(_Out):
    id: str
    content_hash: str | None = None
    path: str | None = None
    url: str | None = None
    title: str | None = None
    outlet: str | None = None
    published: str | None = None
    language: str | None = None
    via: list[str] = []
    source_kind: str | None = None
    story_id: str | None = None
    relevant: bool | None = None
    extraction_error: str | None = None
    extracted_at: str | None = None
    reconciled: bool | None = None
    ingested_at: str | None = None


class DocumentDetail(DocumentOut):
    text: str | None = None
    claims: list[ClaimOut] = []


class StoryDocument(_Out):
    id: str
    story_id: str | None = None
    path: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: str | None = None
    title: str | None = None
    language: str | None = None
    via: list[str] = []


class StoryOut(_Out):
    id: str
    agencies: list[str] = []
    first_published: str | None = None
    last_published: str | None = None
    document_count: int
    documents: list[StoryDocument] = []


class StateRow(_Out):
    iso3: str
    name: str
    on: str
    APMBC: str
    CCM: str


class TimelineEntry(_Out):
    date: str | None = None
    kind: str
    action: str | None = None
    stage: str | None = None
    treaty: str | None = None
    description: str
    sources: list[dict[str, Any]] = []
    independent_sources: int | None = None
    fact_id: str | None = None
    undated: bool = Field(False, description="a fact without an event date; date is when it was first reported")
    computed: bool = False


class StateDetail(_Out):
    iso3: str
    name: str
    on: str
    statuses: dict[str, dict[str, Any]]
    facts: list[FactOut]
    conflicts: list[ConflictOut]
    claim_count: int


class ClaimPage(_Paged):
    items: list[ClaimOut]


class FactPage(_Paged):
    items: list[FactOut]


class ConflictPage(_Paged):
    items: list[ConflictOut]


class DocumentPage(_Paged):
    items: list[DocumentOut]


class StoryPage(_Paged):
    items: list[StoryOut]


class StatePage(_Paged):
    items: list[StateRow]


class TimelinePage(_Paged):
    items: list[TimelineEntry]


class ReviewPage(_Paged):
    items: list[ReviewRow]


class StatusItem(BaseModel):
    iso3: str
    name: str
    status: str
    in_force_from: str | None = None
    withdrawal_notification: str | None = None
    withdrawal_effective: str | None = None
    pending_reason: str | None = None


class StatusPage(BaseModel):
    treaty: str
    on: str
    parties: int
    parties_is_lower_bound: bool = Field(False, description="the depositary records are partial: parties is at least this")
    items: list[StatusItem]


class ActorIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["state", "organization", "armed_group"] = "state"
    iso3: str | None = Field(None, pattern=r"^[A-Z]{3}$")
    name: str = Field(..., min_length=1, max_length=200)


_Num = Annotated[float, Field(allow_inf_nan=False, ge=-1e15, le=1e15)]


class RangeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    low: _Num | None = None
    high: _Num | None = None
    unit: str | None = Field(None, max_length=40)
    text: str | None = Field(None, max_length=500)


class MoneyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    low: _Num | None = None
    high: _Num | None = None
    currency: str | None = Field(None, pattern=r"^[A-Z]{3}$")
    text: str | None = Field(None, max_length=500)


class TimeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    start: date | None = None
    end: date | None = None
    text: str | None = Field(None, max_length=500)


class SpeakerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(..., min_length=1, max_length=200)
    role: str | None = Field(None, max_length=500)


class Corrections(BaseModel):
    """Fields of the claim contract an analyst may correct; absent fields stay as extracted."""

    model_config = ConfigDict(extra="forbid")
    actor: ActorIn | None = None
    predicate: Predicate | None = None
    stage: Stage | None = None  # type: ignore[valid-type]
    treaty: Treaty | None = None
    weapon: Weapon | None = None
    counterpart: ActorIn | None = None
    modality: Modality | None = None
    polarity: Polarity | None = None
    quantity: RangeIn | None = None
    money: MoneyIn | None = None
    time: TimeIn | None = None
    speaker: SpeakerIn | None = None


class ReviewIn(BaseModel):
    """A verdict on a claim (``claim_id``: verified, rejected, corrected) or on a conflict
    (``conflict_id``: ``not_a_conflict`` with a note saying why, or ``reopened``)."""

    model_config = ConfigDict(extra="forbid")
    claim_id: str | None = Field(None, min_length=1, max_length=40)
    conflict_id: str | None = Field(None, min_length=1, max_length=40)
    verdict: Literal["verified", "rejected", "corrected", "not_a_conflict", "reopened"]
    reviewer: str = Field(..., min_length=1, max_length=200)
    note: str | None = Field(None, max_length=5000)
    corrections: Corrections | None = None

    @model_validator(mode="after")
    def _one_subject(self) -> ReviewIn:
        if (self.claim_id is None) == (self.conflict_id is None):
            raise ValueError("give exactly one of claim_id and conflict_id")
        on_conflict = self.verdict in ("not_a_conflict", "reopened")
        if on_conflict != (self.conflict_id is not None):
            raise ValueError("'not_a_conflict' and 'reopened' are verdicts on a conflict_id; "
                             "'verified', 'rejected' and 'corrected' on a claim_id")
        if self.conflict_id is not None and self.corrections is not None:
            raise ValueError("a conflict review has no corrections")
        return self


class ConflictReviewRow(_Out):
    id: int
    conflict_id: str
    verdict: str
    note: str | None = None
    reviewer: str
    created_at: str | None = None


class ReviewOut(BaseModel):
    review: ReviewRow | ConflictReviewRow
    claim: ClaimOut | None = None
    conflict: ConflictOut | None = None
    reconciled: dict[str, int] = {}


def ctx(request: Request) -> WebContext:
    return request.app.state.mw


Ctx = Annotated[WebContext, Depends(ctx)]


def check_date(on: date | None, name: str = "on") -> date:
    if on is None:
        return date.today()
    if not (MIN_DATE <= on <= MAX_DATE):
        raise HTTPException(422, detail=f"{name} must be between {MIN_DATE} and {MAX_DATE}, got {on}")
    return on


def known_state(iso3: str) -> str:
    code = iso3.upper()
    if code not in eligible_states():
        raise HTTPException(404, detail=f"{iso3!r} is not a state that can join the treaties")
    return code


def csv_columns(model: type[BaseModel], prefix: str = "", skip: frozenset[str] = frozenset()) -> list[str]:
    """The CSV header a model gives: nested models become dotted columns, in the model's order.

    The header is the same whatever the rows hold (a null ``time`` and a full
    one give the same ``time.start``, ``time.end``, ``time.text`` columns).
    """
    return list(_csv_columns(model, prefix, skip))


@cache
def _csv_columns(model: type[BaseModel], prefix: str, skip: frozenset[str]) -> tuple[str, ...]:
    # the models are fixed: read their fields once per process, not on every CSV answer
    out: list[str] = []
    for name, field in model.model_fields.items():
        if name in skip:
            continue
        sub = _nested_model(field.annotation)
        if sub is not None:
            out.extend(csv_columns(sub, f"{prefix}{name}."))
        else:
            out.append(prefix + name)
    return tuple(out)


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if len(args) == 1 and isinstance(args[0], type) and issubclass(args[0], BaseModel):
        return args[0]
    return None


def json_response(body: Any, status_code: int = 200, headers: dict[str, str] | None = None) -> Response:
    """JSON without FastAPI's per-field re-validation: the store's dicts are already plain JSON."""
    return Response(to_json(body).encode("utf-8"), status_code=status_code, media_type="application/json",
                    headers=headers)


def check_cursor(cursor: str | None, prefix: str, what: str) -> str | None:
    """A cursor must look like an id of the listing it pages; anything else is a client error, not an empty page."""
    if cursor is None:
        return None
    if not cursor.startswith(prefix) or len(cursor) <= len(prefix):
        raise HTTPException(
            422,
            detail=f"cursor {cursor[:40]!r} is not a next_cursor of /api/{what} (those are {what} ids, starting {prefix!r}); "
            "omit it for the first page",
        )
    return cursor


def listing(
    items: list[dict[str, Any]], limit: int | None, fmt: str, key: str = "id",
    model: type[BaseModel] | None = None, skip: frozenset[str] = frozenset(),
    *, request: Request | None = None, cursor_of: Callable[[dict[str, Any]], str] | None = None,
    total: int | None = None,
) -> Any:
    """One page: the extra row fetched beyond ``limit`` tells whether a next page exists."""
    next_cursor = next_url = None
    if limit is not None and len(items) > limit:
        items = items[:limit]
        next_cursor = cursor_of(items[-1]) if cursor_of else str(items[-1][key])
        if request is not None:
            next_url = str(request.url.include_query_params(cursor=next_cursor))
    headers = {}
    if next_cursor:
        headers["X-Next-Cursor"] = next_cursor
    if next_url:
        headers["Link"] = f'<{next_url}>; rel="next"'
    if total is not None:
        headers["X-Total-Count"] = str(total)
    if fmt == "csv":
        columns = csv_columns(model, skip=skip) if model is not None else None
        return Response(to_csv(items, columns), media_type="text/csv; charset=utf-8", headers=headers)
    if fmt == "jsonl":
        return Response("".join(to_json(i) + "\n" for i in items).encode("utf-8"),
                        media_type="application/x-ndjson", headers=headers)
    body = {"items": items, "next_cursor": next_cursor, "next_url": next_url}
    if total is not None:
        body["total"] = total
    return json_response(body, headers=headers)


def stream_jsonl(fetch: Callable[[str | None, int], list[dict[str, Any]]], cursor: str | None,
                 cursor_of: Callable[[dict[str, Any]], str], headers: dict[str, str] | None = None) -> StreamingResponse:
    """Every match as JSON lines, fetched ``STREAM_CHUNK`` rows at a time from the cursor on (any size, flat memory)."""

    def lines() -> Iterator[bytes]:
        after = cursor
        while True:
            rows = fetch(after, STREAM_CHUNK)
            if rows:
                yield "".join(to_json(r) + "\n" for r in rows).encode("utf-8")
            if len(rows) < STREAM_CHUNK:
                return
            after = cursor_of(rows[-1])

    return StreamingResponse(lines(), media_type="application/x-ndjson", headers=headers)


def paged(
    request: Request, fetch: Callable[[str | None, int], list[dict[str, Any]]], cursor: str | None,
    limit: int | None, fmt: str, cursor_of: Callable[[dict[str, Any]], str], model: type[BaseModel],
    skip: frozenset[str] = frozenset(), total: Callable[[], int] | None = None,
) -> Any:
    """A listing page (or, for jsonl without a limit, the whole listing streamed)."""
    n = total() if total is not None else None
    if fmt == "jsonl" and limit is None:
        return stream_jsonl(fetch, cursor, cursor_of, {"X-Total-Count": str(n)} if n is not None else None)
    limit = limit or DEFAULT_LIMIT
    return listing(fetch(cursor, limit + 1), limit, fmt, model=model, skip=skip, request=request,
                   cursor_of=cursor_of, total=n)


# ---------------------------------------------------------------- sort keys as cursors
def _stamp(v: Any) -> str:
    """A date or time as digits ('0' for none): cursors stay within the cursor pattern."""
    if v is None or v == "":
        return "0"
    if isinstance(v, datetime):
        return v.strftime("%Y%m%d%H%M%S%f")
    if isinstance(v, date):
        return v.strftime("%Y%m%d")
    text = str(v)
    try:
        return _stamp(datetime.fromisoformat(text) if len(text) > 10 else date.fromisoformat(text))
    except ValueError:
        return "0"


def _unstamp(s: str) -> date | datetime | None:
    if s == "0":
        return None
    if len(s) == 8:
        return datetime.strptime(s, "%Y%m%d").date()
    return datetime.strptime(s, "%Y%m%d%H%M%S%f")


def keyset_cursor(first: Any, second: Any, row_id: str) -> str:
    return f"k.{_stamp(first)}.{_stamp(second)}.{row_id}"


def parse_keyset(cursor: str | None, prefix: str, what: str, sort: str) -> tuple | None:
    """A ``sort=newest|oldest`` cursor back to its (date, date or time, id); anything else is a 422."""
    if cursor is None:
        return None
    parts = cursor.split(".", 3)
    try:
        if len(parts) != 4 or parts[0] != "k" or not parts[3].startswith(prefix) or len(parts[3]) <= len(prefix):
            raise ValueError
        return _unstamp(parts[1]), _unstamp(parts[2]), parts[3]
    except ValueError:
        raise HTTPException(
            422,
            detail=f"cursor {cursor[:40]!r} is not a next_cursor of /api/{what} with sort={sort}; "
            "omit it for the first page (cursors of one sort order do not fit another)",
        ) from None


CSV_RESPONSE: dict[int | str, dict[str, Any]] = {200: {"content": {"text/csv": {"schema": {"type": "string"}}}}}

class Problem(BaseModel):
    where: str
    problem: str
    input: Any = None


class ApiError(BaseModel):
    """What every 4xx answer of the API carries: a message a person can read, and the field-level problems."""

    detail: str
    errors: list[Problem] | None = None


def no_unknown_params(request: Request) -> None:
    """A query parameter the route does not take is a 422, not ignored.

    Ignored, ``?junk=1``, ``?junk=2`` … were each a new entry of the response cache:
    an anonymous client grew the server by gigabytes.  A typo (``?stat=LTU``) is also
    told, rather than answered with the unfiltered listing.
    """
    route = request.scope.get("route")
    if route is None or not request.url.query:
        return
    known = route_params(route)
    unknown = sorted({k for k in request.query_params if k not in known})
    if unknown:
        shown = ", ".join(repr(u[:40]) for u in unknown[:5])
        raise HTTPException(
            422, detail=f"unknown query parameter(s) {shown}; this endpoint takes: {', '.join(sorted(known)) or 'none'}"
        )


router = APIRouter(
    prefix="/api", tags=["api"],
    dependencies=[Depends(no_unknown_params)],
    responses={422: {"model": ApiError, "description": "invalid parameters or body (the message says which)"}},
)
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "unknown id", "model": ApiError}}


def status_row(s: Any) -> dict[str, Any]:
    d = s.to_dict()
    return {k: d[k] for k in StatusItem.model_fields}


@router.get("/states", response_model=StatePage, responses=CSV_RESPONSE)
def list_states(c: Ctx, on: OnDate = None, format: Fmt = "json") -> Any:
    """Every state that can join, with its APMBC and CCM status on a date."""
    day = check_date(on)
    apmbc = {s.iso3: s for s in c.statuses("APMBC", day)}
    ccm = {s.iso3: s for s in c.statuses("CCM", day)}
    items = [
        {"iso3": code, "name": name, "on": day.isoformat(), "APMBC": str(apmbc[code].status), "CCM": str(ccm[code].status)}
        for code, name in sorted(eligible_states().items())
    ]
    return listing(items, None, format, key="iso3", model=StateRow)


@router.get("/states/{iso3}", response_model=StateDetail, responses=NOT_FOUND)
def get_state(c: Ctx, iso3: ISO3, on: OnDate = None) -> Any:
    """One state: status under both treaties, its facts, conflicts and claim count."""
    code = known_state(iso3)
    day = check_date(on)
    return json_response({
        "iso3": code,
        "name": eligible_states()[code],
        "on": day.isoformat(),
        "statuses": {t: c.status_of(t, code, day).to_dict() for t in ("APMBC", "CCM")},
        "facts": c.store.facts(state=code),
        "conflicts": c.store.conflicts(state=code),
        "claim_count": browsing.claim_count(c.store, code),
    })


@router.get("/status", response_model=StatusPage, responses=CSV_RESPONSE)
def get_status(c: Ctx, treaty: Treaty = Treaty.APMBC, on: OnDate = None, format: Fmt = "json") -> Any:
    """Status of every state under one treaty on a date (what the map colours)."""
    day = check_date(on)
    statuses = c.statuses(str(treaty), day)
    items = [status_row(s) for s in statuses]
    if format == "csv":
        return Response(to_csv(items, list(StatusItem.model_fields)), media_type="text/csv; charset=utf-8")
    if format == "jsonl":
        return listing(items, None, format)
    return json_response({"treaty": str(treaty), "on": day.isoformat(), "parties": sum(s.counts_as_party for s in statuses),
                          "parties_is_lower_bound": not treaty_definition(str(treaty)).records_complete, "items": items})


@router.get("/treaties", response_model=Page, responses=CSV_RESPONSE)
def list_treaties(c: Ctx, on: OnDate = None, format: Fmt = "json") -> Any:
    """Both treaties: rules in words and the counts on a date."""
    day = check_date(on)
    idx = c.index()
    items = [treaty_summary(t, day, idx) for t in ("APMBC", "CCM")]
    return listing(items, None, format, key="treaty")


@router.get("/documents", response_model=DocumentPage, responses=CSV_RESPONSE)
def list_documents(
    c: Ctx,
    request: Request,
    limit: PageLimit = None,
    cursor: Cursor = None,
    text: Annotated[str | None, Query(max_length=200, description="words in the title or text")] = None,
    language: Annotated[str | None, Query(max_length=8, pattern=r"^[a-z-]+$")] = None,
    sort: Sort = "newest",
    count: Count = False,
    format: Fmt = "json",
) -> Any:
    """Ingested documents, newest first."""
    if sort == "id":
        check_cursor(cursor, "d-", "documents")
    else:
        parse_keyset(cursor, "d-", "documents", sort)
    filters = {"text": text or None, "language": language}

    def fetch(after: str | None, n: int) -> list[dict[str, Any]]:
        if sort == "id":
            return c.store.documents(limit=n, after=after, **filters)
        return c.store.documents(limit=n, order=sort, keyset=parse_keyset(after, "d-", "documents", sort), **filters)

    def cursor_of(d: dict[str, Any]) -> str:
        return d["id"] if sort == "id" else keyset_cursor(d.get("published"), d.get("ingested_at"), d["id"])

    return paged(request, fetch, cursor, limit, format, cursor_of, DocumentOut,
                 total=(lambda: c.store.documents(count=True, **filters)) if count else None)


@router.get("/documents/{doc_id}", response_model=DocumentDetail, responses=NOT_FOUND)
def get_document(c: Ctx, doc_id: Annotated[str, PathParam(max_length=80)]) -> Any:
    doc = c.store.document(doc_id)
    if doc is None:
        raise HTTPException(404, detail=f"no document {doc_id!r}")
    doc.pop("minhash", None)
    doc.pop("original", None)
    doc["claims"] = c.store.claims(ClaimFilter(document=doc_id))
    return json_response(doc)


@router.get("/stories", response_model=StoryPage, responses=CSV_RESPONSE)
def list_stories(c: Ctx, request: Request, limit: PageLimit = None, cursor: Cursor = None,
                 count: Count = False, format: Fmt = "json") -> Any:
    """Stories by id."""
    # With a cursor the store orders by id; " " sorts before every id, so the first page is ordered the same way.
    cursor = check_cursor(cursor, "s-", "stories")
    return paged(request, lambda after, n: c.store.stories(limit=n, after=after or " "), cursor, limit, format,
                 lambda s: s["id"], StoryOut, total=(lambda: c.store.counts()["stories"]) if count else None)


@router.get("/stories/{story_id}", response_model=StoryOut, responses=NOT_FOUND)
def get_story(c: Ctx, story_id: Annotated[str, PathParam(max_length=80)]) -> Any:
    found = c.store.stories(ids=[story_id])
    if not found:
        raise HTTPException(404, detail=f"no story {story_id!r}")
    return json_response(found[0])


@router.get("/claims", response_model=ClaimPage, responses=CSV_RESPONSE)
def list_claims(
    c: Ctx,
    state: Annotated[str | None, Query(pattern=r"^[A-Za-z]{3}$", description="actor or counterpart ISO3")] = None,
    predicate: Predicate | None = None,
    modality: Modality | None = None,
    since: Annotated[date | None, Query(description="published on or after")] = None,
    until: Annotated[date | None, Query(description="published on or before")] = None,
    outlet: Annotated[str | None, Query(max_length=300)] = None,
    text: Annotated[str | None, Query(max_length=200, description="words in the evidence, speaker or actor")] = None,
    document: Annotated[str | None, Query(max_length=80)] = None,
    limit: PageLimit = None,
    cursor: Cursor = None,
    sort: Sort = "newest",
    count: Count = False,
    format: Fmt = "json",
    *,
    request: Request,
) -> Any:
    """Claims, newest first (by their document's publication date, then its arrival)."""
    if since and until and since > until:
        raise HTTPException(422, detail=f"since ({since}) is after until ({until})")
    if sort == "id":
        check_cursor(cursor, "c-", "claims")
    else:
        parse_keyset(cursor, "c-", "claims", sort)
    base = ClaimFilter(
        state=state,
        predicate=predicate.value if predicate else None,
        modality=modality.value if modality else None,
        since=since,
        until=until,
        outlet=outlet_name(outlet or None),
        text=text or None,
        document=document or None,
    )

    def fetch(after: str | None, n: int) -> list[dict[str, Any]]:
        if sort == "id":
            return c.store.claims(ClaimFilter(**{**base.__dict__, "after": after or "", "limit": n, "order": "id"}))
        keyset = parse_keyset(after, "c-", "claims", sort)
        return c.store.claims(ClaimFilter(**{**base.__dict__, "keyset": keyset, "limit": n, "order": sort}))

    def cursor_of(claim: dict[str, Any]) -> str:
        if sort == "id":
            return claim["id"]
        doc = claim["document"]
        return keyset_cursor(doc.get("published"), browsing.ingested_at(c.store, doc["id"]), claim["id"])

    return paged(request, fetch, cursor, limit, format, cursor_of, ClaimOut,
                 total=(lambda: c.store.count_claims(base)) if count else None)


@router.get("/claims/{claim_id}", response_model=ClaimDetail, responses=NOT_FOUND)
def get_claim(c: Ctx, claim_id: Annotated[str, PathParam(max_length=80)]) -> Any:
    claim = c.store.claim(claim_id)
    if claim is None:
        raise HTTPException(404, detail=f"no claim {claim_id!r}")
    claim["reviews"] = c.store.reviews(claim_id=claim_id)
    return json_response(claim)


@router.get("/facts", response_model=FactPage, responses=CSV_RESPONSE)
def list_facts(
    c: Ctx,
    state: Annotated[str | None, Query(pattern=r"^[A-Za-z]{3}$")] = None,
    predicate: Predicate | None = None,
    limit: PageLimit = None,
    cursor: Cursor = None,
    sort: Annotated[Literal["newest", "oldest", "id"],
                    Query(description="newest (default): by last report, then first report, then id; oldest; id")] = "newest",
    count: Count = False,
    format: Fmt = "json",
    *,
    request: Request,
) -> Any:
    """Facts, most recently reported first."""
    if sort == "id":
        check_cursor(cursor, "f-", "facts")
    else:
        parse_keyset(cursor, "f-", "facts", sort)
    filters = {"state": state, "predicate": predicate.value if predicate else None}

    def fetch(after: str | None, n: int) -> list[dict[str, Any]]:
        if sort == "id":
            return c.store.facts(limit=n, after=after or "", order="id", **filters)
        return c.store.facts(limit=n, order=sort, keyset=parse_keyset(after, "f-", "facts", sort), **filters)

    def cursor_of(f: dict[str, Any]) -> str:
        return f["id"] if sort == "id" else keyset_cursor(f.get("last_reported"), f.get("first_reported"), f["id"])

    # the CSV leaves out ``detail``: it repeats the columns already there (JSON keeps it)
    return paged(request, fetch, cursor, limit, format, cursor_of, FactOut, skip=frozenset({"detail"}),
                 total=(lambda: c.store.facts(count=True, **filters)) if count else None)


@router.get("/conflicts", response_model=ConflictPage, responses=CSV_RESPONSE)
def list_conflicts(
    c: Ctx,
    state: Annotated[str | None, Query(pattern=r"^[A-Za-z]{3}$")] = None,
    kind: Annotated[str | None, Query(max_length=40)] = None,
    limit: PageLimit = None,
    cursor: Cursor = None,
    count: Count = False,
    format: Fmt = "json",
    *,
    request: Request,
) -> Any:
    """Conflicts by id."""
    cursor = check_cursor(cursor, "x-", "conflicts")
    filters = {"state": state, "kind": kind or None}
    return paged(request, lambda after, n: c.store.conflicts(limit=n, after=after or "", **filters), cursor, limit,
                 format, lambda x: x["id"], ConflictOut,
                 total=(lambda: c.store.conflicts(count=True, **filters)) if count else None)


@router.get("/timeline/{iso3}", response_model=TimelinePage, responses={**CSV_RESPONSE, **NOT_FOUND})
def get_timeline(c: Ctx, iso3: ISO3, treaty: Treaty | None = None, format: Fmt = "json") -> Any:
    """Depositary records and reported facts of one state on one time axis."""
    code = known_state(iso3)
    return listing(state_timeline(c, code, str(treaty) if treaty else None), None, format, key="date", model=TimelineEntry)


def state_timeline(c: WebContext, iso3: str, treaty: str | None = None) -> list[dict[str, Any]]:
    entries = timeline(iso3, c.store.treaty_events(), c.store.fact_objects(state=iso3), treaty, c.store.armed_conflicts())
    return [e.to_dict() for e in entries]


@router.get("/reviews", response_model=ReviewPage, responses=CSV_RESPONSE)
def list_reviews(
    c: Ctx,
    claim_id: Annotated[str | None, Query(max_length=80)] = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Annotated[int | None, Query(ge=0, le=2**62, description="next_cursor of the previous page")] = None,
    format: Fmt = "json",
) -> Any:
    items = browsing.reviews_page(c.store, claim_id=claim_id, after=cursor, limit=limit + 1)
    return listing(items, limit, format, model=ReviewRow)


#: Seconds a write waits for another write (an upload being stored) before answering 503.
WRITE_LOCK_WAIT_S = 30.0


@contextmanager
def write_locked(c: WebContext) -> Iterator[None]:
    """The write lock, or a 503 with Retry-After when another write holds it too long: a review
    never hangs until the client gives up."""
    if not c.write_lock.acquire(timeout=WRITE_LOCK_WAIT_S):
        raise HTTPException(503, detail="another write (an upload) is being stored; try again shortly",
                            headers={"Retry-After": "10"})
    try:
        yield
    finally:
        c.write_lock.release()


def apply_review(c: WebContext, review: ReviewIn) -> dict[str, Any]:
    """Store the review and rebuild the facts and conflicts it touches, in one lock."""
    if review.conflict_id is not None:
        with c.write_lock:
            try:
                stored = c.store.add_conflict_review(review.conflict_id, review.verdict, review.reviewer, review.note)
            except KeyError:
                raise HTTPException(404, detail=f"no conflict {review.conflict_id!r}") from None
        found = c.store.conflicts(ids=[review.conflict_id], dismissed=True)
        return {"review": stored, "conflict": found[0] if found else None, "claim": None, "reconciled": {}}
    assert review.claim_id is not None
    corrections = review.corrections.model_dump(mode="json", exclude_none=True) if review.corrections else None
    if review.verdict == "corrected" and not corrections:
        raise HTTPException(422, detail="a 'corrected' review needs at least one corrected field")
    with write_locked(c):
        try:
            stored = c.store.add_review(review.claim_id, review.verdict, review.reviewer, review.note, corrections)
        except KeyError:
            raise HTTPException(404, detail=f"no claim {review.claim_id!r}") from None
        counts = reconcile_pending(c.store)
    return {"review": stored, "claim": c.store.claim(review.claim_id), "reconciled": counts}


@router.post(
    "/reviews",
    response_model=ReviewOut,
    dependencies=[Depends(require_bearer)],
    responses={401: {"description": "no bearer token"}, 403: {"description": "writes disabled or wrong token"}, **NOT_FOUND},
)
def post_review(c: Ctx, review: ReviewIn) -> dict[str, Any]:
    """Mark a claim verified, rejected or corrected (facts and conflicts follow at once), or a
    conflict "not a conflict" (with a note) or reopened."""
    return apply_review(c, review)


_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._ -]+")


def upload_name(filename: str | None, i: int) -> str:
    """The uploaded file's own name, made safe to store and show: no folders, no control or odd characters."""
    base = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = _UNSAFE_NAME.sub("_", base).strip(" .")[:120]
    return base if base else f"upload-{i:04d}"


def upload_suffix(name: str) -> str:
    """The reader an upload asks for by its ending; anything unknown is read as plain text."""
    low = name.lower()
    for ext in sorted(EXTENSIONS, key=len, reverse=True):
        if low.endswith(ext):
            return ext
    return ".txt"


@router.post(
    "/ingest",
    dependencies=[Depends(require_bearer)],
    responses={401: {"description": "no bearer token"}, 403: {"description": "writes disabled or wrong token"},
               413: {"description": "upload too large"}},
)
def post_ingest(c: Ctx, files: Annotated[list[UploadFile], File(description="article files")]) -> dict[str, Any]:
    """Upload articles: they go through the same pipeline as ``minewatch ingest``."""
    # lazy: the ingest pipeline (spaCy, trafilatura, the language detector) takes about half a second to
    # import and is needed only by uploads; a read-only server never loads it
    from minewatch.ingest.batch import prepare_stream
    from minewatch.pipeline import IngestOptions, ingest_screened, screen_stage

    if not files:
        raise HTTPException(422, detail="no files uploaded")
    options = IngestOptions()
    with tempfile.TemporaryDirectory(prefix="minewatch-upload-") as tmp:
        paths, names = [], {}
        for i, f in enumerate(files):
            name = upload_name(f.filename, i)
            path = Path(tmp) / f"{i:04d}{upload_suffix(name)}"
            path.write_bytes(f.file.read())
            paths.append(str(path))
            names[str(path)] = name
        items = relabel(iter_items(paths, max_bytes=options.max_bytes, follow=False), names)
        # Read, parse and screen before taking the write lock (an upload is at most 10 MB, so its
        # prepared documents fit in memory): the costly, input-dependent part never holds up reviews.
        screened = [p if isinstance(p, Skipped) else screen_stage(p) for p in prepare_stream(items)]
        with write_locked(c):
            summary = ingest_screened(c.store, screened, options)
    return summary.to_dict()
