"""What the store's modules share: the clock the columns hold, recency paging, counting, chunking, JSON."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select, tuple_


def utcnow() -> datetime:
    """Now in UTC without a zone: what the DateTime columns hold (the watcher keeps the same clock)."""
    return datetime.now(UTC).replace(tzinfo=None)


#: Sorts before every real date, so rows without a publication date come last among the newest.
NO_DATE = date(1, 1, 1)
NO_TIME = datetime(1, 1, 1)


def recency_rows(conn, q, keys: tuple, order: str, keyset: tuple | None, limit: int | None) -> list[dict[str, Any]]:
    """Rows of ``q`` newest (or oldest) first by ``keys`` = (date, second key, id), after ``keyset``.

    Rows with a date come first, then those without (in either order), so a
    keyset cursor with no date continues among the undated rows.  The dated
    part is asked for with a range on the date (``>= NO_DATE``) and without
    expressions in ORDER BY: SQLite then walks the date index and stops at
    ``limit`` (0.1 ms on 100 000 claims) instead of sorting every row (150 ms).
    """
    day, second, row_id = keys
    desc = order == "newest"

    def ordered(q, *cols):
        return q.order_by(*(c.desc() if desc else c for c in cols))

    rows: list[dict[str, Any]] = []
    if keyset is None or keyset[0] is not None:
        dated = q.where(day >= NO_DATE)
        if keyset is not None:
            p, i, k = keyset
            i = NO_DATE if i is None else i  # a fact first reported on no known date (its key is coalesced)
            dated = dated.where(day <= p if desc else day >= p)
            dated = dated.where(tuple_(day, second, row_id) < tuple_(p, i, k) if desc
                                else tuple_(day, second, row_id) > tuple_(p, i, k))
        dated = ordered(dated, day, second, row_id)
        rows = [dict(r) for r in conn.execute(dated.limit(limit) if limit else dated).mappings()]
    if limit and len(rows) >= limit:
        return rows
    undated = q.where(day.is_(None))
    if keyset is not None and keyset[0] is None:
        _, i, k = keyset
        i = NO_DATE if i is None else i
        undated = undated.where(tuple_(second, row_id) < tuple_(i, k) if desc else tuple_(second, row_id) > tuple_(i, k))
    undated = ordered(undated, second, row_id)
    rest = limit - len(rows) if limit else None
    rows += [dict(r) for r in conn.execute(undated.limit(rest) if rest else undated).mappings()]
    return rows


def _count(engine, q) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(q.order_by(None).subquery())).scalar_one())


def _escape_like(s: str) -> str:
    return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _chunks(seq: Sequence[str], n: int) -> Iterator[list[str]]:
    for i in range(0, len(seq), n):
        yield list(seq[i : i + n])


def _jsonable(d: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, date | datetime) else v) for k, v in d.items()}


def dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, default=lambda o: o.isoformat() if isinstance(o, date | datetime) else str(o))
