"""The notebook API: ``minewatch.extract(texts)`` and ``minewatch.Knowledge(db).claims(...)``.

A researcher in a notebook has strings (or a DataFrame column of them) and
wants claims, or has a knowledge base built by ``minewatch ingest`` and wants
rows to filter and plot.  Both answers are plain dataclasses; lists of them
turn into a pandas DataFrame with ``.to_pandas()`` when pandas is installed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields
from datetime import date
from pathlib import Path
from typing import Any, Generic, TypeVar

from minewatch.ingest.meta import outlet_name
from minewatch.model import Claim, Document, Predicate
from minewatch.output import flatten
from minewatch.pipeline import get_extractor
from minewatch.store.database import database_url
from minewatch.store.repository import ClaimFilter, Store
from minewatch.treaties.states import resolve_state

T = TypeVar("T")


class Rows(list, Generic[T]):
    """A list of dataclasses that also becomes a DataFrame (one column per field)."""

    def to_pandas(self):
        """A ``pandas.DataFrame``; pandas is optional, so its absence is an ImportError that says so."""
        try:
            import pandas as pd  # lazy: pandas, an optional dependency (~0.3 s), for to_pandas() only
        except ImportError as exc:  # pragma: no cover - pandas is in the dev environment
            raise ImportError("to_pandas() needs pandas: pip install pandas") from exc
        if not self:
            return pd.DataFrame()
        return pd.DataFrame([_row(x) for x in self])

    def to_dicts(self) -> list[dict[str, Any]]:
        return [_row(x) for x in self]


def _row(x: Any) -> dict[str, Any]:
    """One flat row: a claim's actor, values and speaker as dotted columns (``actor.iso3``), evidence as text."""
    if isinstance(x, Claim):
        d = x.to_dict()
        evidence = d.pop("evidence", None) or []
        row = {"document_id": x.document_id, **flatten(d)}
        row["evidence"] = " … ".join(e["text"] for e in evidence)
        return row
    return asdict(x)


def _published(value: date | str | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def _document(item: str | Document, published: date | None) -> Document:
    if isinstance(item, Document):
        if item.published is None and published is not None:
            item.published = published
        return item
    if not isinstance(item, str):
        raise TypeError(f"extract() takes strings or minewatch.Document, not {type(item).__name__}")
    return Document(text=item, original=item, published=published, language="en")


def extract(texts_or_documents: str | Document | Iterable[str | Document],
            published: date | str | None = None) -> Rows[Claim]:
    """Claims of one text or of many, in input order.

    ``published`` dates the texts (a relative date such as "on Tuesday" needs
    it); a ``Document`` keeps its own date when it has one.  Each claim's
    ``document_id`` is its text's ``Document(text).id``, and its evidence
    offsets index the text as given.  English only, as the pipeline.  The spaCy
    pipeline loads once per process, on the first call.
    """
    day = _published(published)
    items = [texts_or_documents] if isinstance(texts_or_documents, str | Document) else list(texts_or_documents)
    docs = [_document(x, day) for x in items]
    out: Rows[Claim] = Rows()
    for _, result in get_extractor().extract_many(docs):
        if isinstance(result, Exception):
            raise result
        out.extend(result)
    return out


@dataclass(frozen=True)
class ClaimRow:
    """One stored claim, flat (analysts' corrections applied): a row of a DataFrame."""

    id: str
    document_id: str
    published: date | None
    outlet: str | None
    url: str | None
    actor_kind: str
    actor_iso3: str | None
    actor_name: str
    predicate: str
    stage: str | None
    treaty: str | None
    weapon: str | None
    counterpart_iso3: str | None
    counterpart_name: str | None
    modality: str
    polarity: str
    quantity_low: float | None
    quantity_high: float | None
    quantity_unit: str | None
    money_low: float | None
    money_high: float | None
    money_currency: str | None
    time_start: date | None
    time_end: date | None
    speaker: str | None
    evidence: str
    confidence: float | None
    review: str | None

    @classmethod
    def from_contract(cls, c: dict[str, Any]) -> ClaimRow:
        """From the contract's JSON shape (``Store.claims``)."""
        doc, actor = c.get("document") or {}, c.get("actor") or {}
        counterpart = c.get("counterpart") or {}
        q, m, t = c.get("quantity") or {}, c.get("money") or {}, c.get("time") or {}
        return cls(
            id=c["id"], document_id=doc.get("id"), published=_published(doc.get("published")),
            outlet=doc.get("outlet"), url=doc.get("url"), actor_kind=actor.get("kind"), actor_iso3=actor.get("iso3"),
            actor_name=actor.get("name"), predicate=c["predicate"], stage=c.get("stage"), treaty=c.get("treaty"),
            weapon=c.get("weapon"), counterpart_iso3=counterpart.get("iso3"), counterpart_name=counterpart.get("name"),
            modality=c.get("modality"), polarity=c.get("polarity"), quantity_low=q.get("low"), quantity_high=q.get("high"),
            quantity_unit=q.get("unit"), money_low=m.get("low"), money_high=m.get("high"), money_currency=m.get("currency"),
            time_start=_published(t.get("start")), time_end=_published(t.get("end")),
            speaker=(c.get("speaker") or {}).get("name"),
            evidence=" … ".join(e["text"] for e in c.get("evidence") or []),
            confidence=c.get("confidence"), review=(c.get("review") or {}).get("verdict"),
        )


@dataclass(frozen=True)
class FactRow:
    """One fact: the same claim across articles, with its independent sources."""

    id: str
    actor_iso3: str | None
    actor_name: str | None
    predicate: str
    stage: str | None
    treaty: str | None
    weapon: str | None
    modality: str | None
    polarity: str | None
    independent_sources: int
    document_count: int
    first_reported: date | None
    last_reported: date | None
    event_date: date | None

    @classmethod
    def from_store(cls, f: dict[str, Any]) -> FactRow:
        names = {x.name for x in fields(cls)}
        row = {k: f.get(k) for k in names}
        for k in ("first_reported", "last_reported", "event_date"):
            row[k] = _published(row[k].isoformat() if isinstance(row[k], date) else row[k])
        return cls(**row)


class Knowledge:
    """A knowledge base built by ``minewatch ingest``: its claims and facts as dataclasses.

    ``db`` is a SQLite path, a ``sqlite:///`` or ``postgresql://`` URL; a
    SQLite file that does not exist is an error (a typo must not read as "no
    claims").
    """

    def __init__(self, db: str | Path) -> None:
        url = database_url(str(db))
        if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
            path = Path(url[len("sqlite:///") :])
            if not path.exists():
                raise FileNotFoundError(f"no knowledge base at {path} (build one with `minewatch ingest`)")
        self.store = Store.open(url)

    def claims(
        self, *, state: str | None = None, predicate: str | None = None, since: date | str | None = None,
        until: date | str | None = None, outlet: str | None = None, text: str | None = None, limit: int | None = None,
    ) -> Rows[ClaimRow]:
        """Claims, newest first; ``state`` takes a code or a name ('LTU', 'Lithuania')."""
        iso = None
        if state is not None:
            iso = resolve_state(state)
            if iso is None:
                raise ValueError(f"{state!r} is not a state that can join the treaties")
        if predicate is not None and predicate not in {p.value for p in Predicate}:
            raise ValueError(f"unknown predicate {predicate!r}: use one of {', '.join(p.value for p in Predicate)}")
        f = ClaimFilter(state=iso, predicate=predicate, since=_published(since), until=_published(until),
                        outlet=outlet_name(outlet), text=text, limit=limit, order="newest")
        return Rows(ClaimRow.from_contract(c) for c in self.store.claims(f))

    def facts(self, *, state: str | None = None, predicate: str | None = None) -> Rows[FactRow]:
        iso = resolve_state(state) if state else None
        if state and iso is None:
            raise ValueError(f"{state!r} is not a state that can join the treaties")
        return Rows(FactRow.from_store(f) for f in self.store.facts(state=iso, predicate=predicate))

    def close(self) -> None:
        self.store.engine.dispose()

    def __enter__(self) -> Knowledge:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
