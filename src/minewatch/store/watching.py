"""The watcher's state in the store: page retries and what status rules last saw.

``watch/feeds.py`` and ``watch/alerts.py`` decide what to do; the rows they
keep between polls are read and written here, each kind in its own table
(``watch_page_retries``, ``alert_seen_statuses``, ``alert_rules.watermark``).
Functions that take ``conn`` run in the caller's transaction, so what a rule
saw is written with the alerts it led to.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import insert, select, update

from minewatch.store import schema_watch as w

#: Columns of a page retry a caller sets (the rest are the store's).
PAGE_RETRY_FIELDS = ("state", "attempts", "next_attempt_at", "link", "entry_ref", "title", "body", "published",
                     "feed_title", "language")


def queue_page_retries(store, watch_name: str, retries: Iterable[dict[str, Any]], now: datetime) -> int:
    """Keep pages to fetch again, one per feed entry (``entry_key``): an entry queued already stays as it is."""
    added = 0
    with store.engine.begin() as conn:
        for r in retries:
            exists = conn.execute(select(w.watch_page_retries.c.id).where(
                w.watch_page_retries.c.watch == watch_name, w.watch_page_retries.c.entry_key == r["entry_key"])).first()
            if exists:
                continue
            conn.execute(insert(w.watch_page_retries).values(
                watch=watch_name, entry_key=r["entry_key"], created_at=now,
                **{k: r[k] for k in PAGE_RETRY_FIELDS if k in r},
            ))
            added += 1
    return added


def page_retries(store, watch_name: str, state: str | None = None) -> list[dict[str, Any]]:
    """A watch's page retries in the order they were queued, all or those in ``state``."""
    q = select(w.watch_page_retries).where(w.watch_page_retries.c.watch == watch_name)
    if state is not None:
        q = q.where(w.watch_page_retries.c.state == state)
    with store.engine.connect() as conn:
        return [dict(r) for r in conn.execute(q.order_by(w.watch_page_retries.c.id)).mappings()]


def update_page_retry(store, retry_id: int, **values: Any) -> None:
    unknown = set(values) - set(PAGE_RETRY_FIELDS)
    if unknown:
        raise ValueError(f"not a page-retry field: {', '.join(sorted(unknown))}")
    with store.engine.begin() as conn:
        conn.execute(update(w.watch_page_retries).where(w.watch_page_retries.c.id == retry_id).values(**values))


def seen_statuses(conn, rule_id: int) -> dict[tuple[str, str], str]:
    """(treaty, ISO3) → the status the rule last saw."""
    s = w.alert_seen_statuses
    rows = conn.execute(select(s.c.treaty, s.c.state_iso3, s.c.status).where(s.c.rule_id == rule_id))
    return {(r.treaty, r.state_iso3): r.status for r in rows}


def remember_statuses(conn, rule_id: int, statuses: dict[tuple[str, str], str], known: dict[tuple[str, str], str],
                      on: date) -> None:
    """Write the statuses that differ from ``known`` (what ``seen_statuses`` gave); ``known`` follows."""
    s = w.alert_seen_statuses
    for (treaty, iso3), status in statuses.items():
        if known.get((treaty, iso3)) == status:
            continue
        if (treaty, iso3) in known:
            conn.execute(update(s).where(s.c.rule_id == rule_id, s.c.treaty == treaty, s.c.state_iso3 == iso3)
                         .values(status=status, seen_on=on))
        else:
            conn.execute(insert(s).values(rule_id=rule_id, treaty=treaty, state_iso3=iso3, status=status, seen_on=on))
        known[(treaty, iso3)] = status


def rule_watermark(conn, rule_id: int) -> dict[str, Any] | None:
    """What the rule's inputs looked like at its last evaluation, or None (never evaluated)."""
    return conn.execute(select(w.alert_rules.c.watermark).where(w.alert_rules.c.id == rule_id)).scalar()


def set_rule_watermark(conn, rule_id: int, watermark: dict[str, Any]) -> None:
    conn.execute(update(w.alert_rules).where(w.alert_rules.c.id == rule_id).values(watermark=watermark))
