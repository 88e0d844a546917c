"""The watcher's state in the store: watches, entries seen, page retries, alert rules and their memory.

``watch/feeds.py`` and ``watch/alerts.py`` decide what to do; every row they
keep between polls is read and written here (tables of ``schema_watch``),
so no module outside ``store/`` writes SQL for the watcher.  Functions that
take ``conn`` run in the caller's transaction, so what a rule saw is written
with the alerts it led to.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, insert, literal_column, select, update

from minewatch.store import schema as t
from minewatch.store import schema_watch as w
from minewatch.store.common import _chunks


class WatchExists(Exception):
    """A watch with this name (``what == "name"``) or this URL (``what == "url"``) is there already."""

    def __init__(self, what: str, value: str) -> None:
        super().__init__(f"{what} {value!r} is watched already")
        self.what, self.value = what, value


def _insert_once(conn, table, key: dict[str, Any], **values: Any) -> bool:
    """Insert a row unless one with the ``key`` values is there (a unique constraint); whether it was new."""
    if conn.execute(select(*(table.c[k] for k in key)).where(*(table.c[k] == v for k, v in key.items()))).first():
        return False
    conn.execute(insert(table).values(**key, **values))
    return True


# ---------------------------------------------------------------------------- watches


def create_watch(store, *, url: str, every_seconds: int, follow: bool, now: datetime, name: str | None = None,
                 base_name: str = "feed") -> str:
    """Insert a watch, due at once; without ``name`` the first free of ``base_name``, ``base_name-2``, …

    Raises ``WatchExists`` when the name or the URL is taken (checked in the inserting transaction).
    """
    with store.engine.begin() as conn:
        def taken(n: str) -> bool:
            return conn.execute(select(w.watches.c.name).where(w.watches.c.name == n)).first() is not None

        if name is None:
            name, n = base_name, 1
            while taken(name):
                n += 1
                name = f"{base_name}-{n}"
        elif taken(name):
            raise WatchExists("name", name)
        if conn.execute(select(w.watches.c.name).where(w.watches.c.url == url)).first():
            raise WatchExists("url", url)
        conn.execute(insert(w.watches).values(name=name, url=url, every_seconds=every_seconds, follow=follow,
                                              next_poll_at=now, failures=0, created_at=now))
    return name


def watch_row(store, name: str) -> tuple[dict[str, Any], int] | None:
    """A watch's row and how many entries it has seen, or None."""
    with store.engine.connect() as conn:
        r = conn.execute(select(w.watches).where(w.watches.c.name == name)).mappings().first()
        if r is None:
            return None
        seen = conn.execute(select(func.count()).select_from(w.watch_entries).where(w.watch_entries.c.watch == name))
        return dict(r), int(seen.scalar() or 0)


def watch_rows(store) -> list[tuple[dict[str, Any], int]]:
    """Every watch by name, with how many entries each has seen."""
    with store.engine.connect() as conn:
        counts = dict(conn.execute(select(w.watch_entries.c.watch, func.count()).group_by(w.watch_entries.c.watch)).all())
        rows = conn.execute(select(w.watches).order_by(w.watches.c.name)).mappings().all()
    return [(dict(r), counts.get(r["name"], 0)) for r in rows]


def due_watch_rows(store, now: datetime) -> list[dict[str, Any]]:
    """Watches whose next poll is due, the longest due first."""
    q = select(w.watches).where(w.watches.c.next_poll_at <= now).order_by(w.watches.c.next_poll_at, w.watches.c.name)
    with store.engine.connect() as conn:
        return [dict(r) for r in conn.execute(q).mappings()]


def next_poll_at(store) -> datetime | None:
    with store.engine.connect() as conn:
        return conn.execute(select(func.min(w.watches.c.next_poll_at))).scalar()


def delete_watch(store, name: str) -> bool:
    """Forget a watch, its entries seen and its page retries; whether there was one."""
    with store.engine.begin() as conn:
        conn.execute(delete(w.watch_entries).where(w.watch_entries.c.watch == name))
        conn.execute(delete(w.watch_page_retries).where(w.watch_page_retries.c.watch == name))
        return conn.execute(delete(w.watches).where(w.watches.c.name == name)).rowcount > 0


def claim_watch(store, name: str, now: datetime, until: datetime) -> bool:
    """Move a due watch's next poll to ``until``; True only for the one caller whose update lands."""
    with store.engine.begin() as conn:
        res = conn.execute(update(w.watches).where(w.watches.c.name == name, w.watches.c.next_poll_at <= now)
                           .values(next_poll_at=until))
        return res.rowcount == 1


def update_watch(store, name: str, **values: Any) -> None:
    with store.engine.begin() as conn:
        conn.execute(update(w.watches).where(w.watches.c.name == name).values(**values))


# ---------------------------------------------------------------------------- entries seen


def unseen_entry_keys(store, watch_name: str, keys: list[str]) -> set[str]:
    """The keys among ``keys`` the watch has not seen."""
    seen: set[str] = set()
    with store.engine.connect() as conn:
        for chunk in _chunks(keys, 500):
            seen.update(conn.execute(select(w.watch_entries.c.entry_key).where(
                w.watch_entries.c.watch == watch_name, w.watch_entries.c.entry_key.in_(chunk))).scalars())
    return {k for k in keys if k not in seen}


def mark_entries_seen(store, watch_name: str, entries: Iterable[tuple[str, str, str | None]], now: datetime) -> None:
    """Record (key, ref, title) entries as seen; one seen already stays as it is."""
    with store.engine.begin() as conn:
        for key, ref, title in entries:
            _insert_once(conn, w.watch_entries, {"watch": watch_name, "entry_key": key},
                         entry_ref=ref[:2000], title=title, seen_at=now)


def seen_entry_rows(store, watch_name: str) -> list[dict[str, Any]]:
    """A watch's entries seen, in the order they were seen."""
    q = select(w.watch_entries).where(w.watch_entries.c.watch == watch_name).order_by(w.watch_entries.c.id)
    with store.engine.connect() as conn:
        return [dict(r) for r in conn.execute(q).mappings()]


# ---------------------------------------------------------------------------- page retries

#: Columns of a page retry a caller sets (the rest are the store's).
PAGE_RETRY_FIELDS = ("state", "attempts", "next_attempt_at", "link", "entry_ref", "title", "body", "published",
                     "feed_title", "language")


def queue_page_retries(store, watch_name: str, retries: Iterable[dict[str, Any]], now: datetime) -> int:
    """Keep pages to fetch again, one per feed entry (``entry_key``): an entry queued already stays as it is."""
    added = 0
    with store.engine.begin() as conn:
        for r in retries:
            added += _insert_once(conn, w.watch_page_retries, {"watch": watch_name, "entry_key": r["entry_key"]},
                                  created_at=now, **{k: r[k] for k in PAGE_RETRY_FIELDS if k in r})
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


# ---------------------------------------------------------------------------- alert rules and their outbox


def create_rule(store, **values: Any) -> int:
    """Insert an alert rule (columns of ``alert_rules``); its id."""
    with store.engine.begin() as conn:
        return int(conn.execute(insert(w.alert_rules).values(**values)).inserted_primary_key[0])


def rule_rows(store) -> list[tuple[dict[str, Any], int, int]]:
    """Every rule by id, with how many of its alerts were sent and how many are pending."""
    with store.engine.connect() as conn:
        counts: dict[tuple[int, str], int] = {
            (r, st): n for r, st, n in conn.execute(
                select(w.sent_alerts.c.rule_id, w.sent_alerts.c.state, func.count())
                .group_by(w.sent_alerts.c.rule_id, w.sent_alerts.c.state))
        }
        rows = conn.execute(select(w.alert_rules).order_by(w.alert_rules.c.id)).mappings().all()
    return [(dict(r), counts.get((r["id"], "sent"), 0), counts.get((r["id"], "pending"), 0)) for r in rows]


def delete_rule(store, rule_id: int) -> bool:
    """Forget a rule, its alerts and what it saw; whether there was one."""
    with store.engine.begin() as conn:
        conn.execute(delete(w.sent_alerts).where(w.sent_alerts.c.rule_id == rule_id))
        conn.execute(delete(w.alert_seen_statuses).where(w.alert_seen_statuses.c.rule_id == rule_id))
        return conn.execute(delete(w.alert_rules).where(w.alert_rules.c.id == rule_id)).rowcount > 0


def add_baseline(store, rule_id: int, subjects: Iterable[str], now: datetime) -> None:
    """Subjects that existed when the rule was made: recorded, never sent."""
    with store.engine.begin() as conn:
        for subject in subjects:
            conn.execute(insert(w.sent_alerts).values(rule_id=rule_id, subject=subject, state="baseline", attempts=0,
                                                      created_at=now))


def alert_subjects(store, rule_id: int) -> set[str]:
    """Every subject the rule has an alert row for (pending, sent or baseline)."""
    with store.engine.connect() as conn:
        return set(conn.execute(select(w.sent_alerts.c.subject).where(w.sent_alerts.c.rule_id == rule_id)).scalars())


def knowledge_summary(store) -> tuple[list[Any], list[list[Any]]]:
    """What alert rules read, in aggregate (one query each): the knowledge base's counts and latest ids,
    and every depositary record's (id, action, date, state)."""
    with store.engine.connect() as conn:
        docs = conn.execute(select(func.count(), func.max(t.documents.c.ingested_at)).select_from(t.documents)).one()
        facts = conn.execute(
            select(func.count(), func.sum(t.facts.c.independent_sources), func.sum(t.facts.c.claim_count),
                   func.sum(t.facts.c.document_count), func.max(t.facts.c.last_reported)).select_from(t.facts)
        ).one()
        conflicts = conn.execute(select(func.count(), func.max(t.conflicts.c.id)).select_from(t.conflicts)).one()
        queue = conn.execute(select(func.count(literal_column("*"))).select_from(t.reconcile_queue)).scalar()
        # A review corrects facts without a new document; fact ids change with their content.
        reviews = conn.execute(select(func.count(), func.max(t.reviews.c.id)).select_from(t.reviews)).one()
        fact_ids = conn.execute(select(func.min(t.facts.c.id), func.max(t.facts.c.id))).one()
        events = conn.execute(
            select(t.treaty_events.c.id, t.treaty_events.c.action, t.treaty_events.c.date, t.treaty_events.c.state_iso3)
            .order_by(t.treaty_events.c.id)
        ).all()
    return [list(docs), list(facts), list(fact_ids), list(conflicts), queue, list(reviews)], [list(e) for e in events]


def seen_statuses(store, rule_id: int) -> dict[tuple[str, str], str]:
    """(treaty, ISO3) → the status the rule last saw."""
    with store.engine.connect() as conn:
        return _seen_statuses(conn, rule_id)


def _seen_statuses(conn, rule_id: int) -> dict[tuple[str, str], str]:
    s = w.alert_seen_statuses
    rows = conn.execute(select(s.c.treaty, s.c.state_iso3, s.c.status).where(s.c.rule_id == rule_id))
    return {(r.treaty, r.state_iso3): r.status for r in rows}


def remember_statuses(store, rule_id: int, statuses: dict[tuple[str, str], str], on: date) -> None:
    with store.engine.begin() as conn:
        _remember_statuses(conn, rule_id, statuses, on)


def _remember_statuses(conn, rule_id: int, statuses: dict[tuple[str, str], str], on: date) -> None:
    """Write the statuses that differ from those the rule saw before."""
    s = w.alert_seen_statuses
    known = _seen_statuses(conn, rule_id)
    for (treaty, iso3), status in statuses.items():
        if known.get((treaty, iso3)) == status:
            continue
        if (treaty, iso3) in known:
            conn.execute(update(s).where(s.c.rule_id == rule_id, s.c.treaty == treaty, s.c.state_iso3 == iso3)
                         .values(status=status, seen_on=on))
        else:
            conn.execute(insert(s).values(rule_id=rule_id, treaty=treaty, state_iso3=iso3, status=status, seen_on=on))


def rule_watermark(store, rule_id: int) -> dict[str, Any] | None:
    """What the rule's inputs looked like at its last evaluation, or None (never evaluated)."""
    with store.engine.connect() as conn:
        return conn.execute(select(w.alert_rules.c.watermark).where(w.alert_rules.c.id == rule_id)).scalar()


def record_evaluation(store, rule_id: int, payloads: Iterable[dict[str, Any]], *, statuses: dict[tuple[str, str], str],
                      watermark: dict[str, Any], today: date, now: datetime, evaluated_on: date | None = None) -> int:
    """One transaction: a pending alert per payload whose subject is new, what the rule saw, its watermark
    (and ``last_evaluated_on`` when given).  How many alerts were queued."""
    queued = 0
    with store.engine.begin() as conn:
        for p in payloads:
            queued += _insert_once(conn, w.sent_alerts, {"rule_id": rule_id, "subject": p["subject"]},
                                   state="pending", payload=p, attempts=0, created_at=now)
        if statuses:
            _remember_statuses(conn, rule_id, statuses, today)
        values: dict[str, Any] = {"watermark": watermark}
        if evaluated_on is not None:
            values["last_evaluated_on"] = evaluated_on
        conn.execute(update(w.alert_rules).where(w.alert_rules.c.id == rule_id).values(**values))
    return queued


def due_alert_rows(store, now: datetime) -> list[dict[str, Any]]:
    """Alerts to send now: pending and due, or sending with a lease that ran out (their sender died)."""
    a = w.sent_alerts
    q = select(a).where(
        ((a.c.state == "pending") & ((a.c.next_attempt_at.is_(None)) | (a.c.next_attempt_at <= now)))
        | ((a.c.state == "sending") & (a.c.next_attempt_at <= now))
    ).order_by(a.c.id)
    with store.engine.connect() as conn:
        return [dict(r) for r in conn.execute(q).mappings()]


def claim_alert(store, row: dict[str, Any], lease_until: datetime) -> bool:
    """Move the row, as the caller read it, to ``sending`` until ``lease_until``; True for the one caller
    whose conditional update lands."""
    a = w.sent_alerts
    cond = [a.c.id == row["id"], a.c.state == row["state"]]
    if row["next_attempt_at"] is None:
        cond.append(a.c.next_attempt_at.is_(None))
    else:
        cond.append(a.c.next_attempt_at == row["next_attempt_at"])
    with store.engine.begin() as conn:
        return conn.execute(update(a).where(*cond).values(state="sending", next_attempt_at=lease_until)).rowcount == 1


def alert_failed(store, alert_id: int, *, attempts: int, error: str, retry_at: datetime) -> None:
    with store.engine.begin() as conn:
        conn.execute(update(w.sent_alerts).where(w.sent_alerts.c.id == alert_id).values(
            state="pending", attempts=attempts, last_error=error, next_attempt_at=retry_at))


def alert_released(store, alert_id: int, next_attempt_at: datetime | None) -> None:
    """Hand a row being sent back to ``pending`` (its send was interrupted)."""
    with store.engine.begin() as conn:
        conn.execute(update(w.sent_alerts).where(w.sent_alerts.c.id == alert_id, w.sent_alerts.c.state == "sending")
                     .values(state="pending", next_attempt_at=next_attempt_at))


def alert_sent(store, alert_id: int, *, attempts: int, now: datetime) -> None:
    with store.engine.begin() as conn:
        conn.execute(update(w.sent_alerts).where(w.sent_alerts.c.id == alert_id).values(
            state="sent", sent_at=now, attempts=attempts, last_error=None, next_attempt_at=None))


def set_rule_errors(store, errors: dict[int, str | None]) -> None:
    """Each rule's last delivery error (None: its last delivery went through)."""
    with store.engine.begin() as conn:
        for rule_id, error in errors.items():
            conn.execute(update(w.alert_rules).where(w.alert_rules.c.id == rule_id).values(last_error=error))


def alert_rows(store, rule_id: int | None = None, state: str | None = None) -> list[dict[str, Any]]:
    """The outbox, oldest first, of one rule or all, in one state or all."""
    q = select(w.sent_alerts).order_by(w.sent_alerts.c.id)
    if rule_id is not None:
        q = q.where(w.sent_alerts.c.rule_id == rule_id)
    if state:
        q = q.where(w.sent_alerts.c.state == state)
    with store.engine.connect() as conn:
        return [dict(r) for r in conn.execute(q).mappings()]
