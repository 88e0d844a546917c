"""Migration 0009: the watcher's state leaves other tables' rows for its own, and comes back on a downgrade."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime

import sqlalchemy as sa
from alembic import command

from minewatch.store import schema_watch as w
from minewatch.store.database import alembic_config, database_url, make_engine
from minewatch.store.repository import Store
from minewatch.watch import feeds
from minewatch.watch.alerts import alerts_of

T0 = datetime(2026, 11, 4, 8, 0, 0)
ENTRY_KEY = hashlib.sha256(b"teaser-guid-7").hexdigest()
RETRY_KEY = hashlib.sha256(f"page-retry:{ENTRY_KEY}".encode()).hexdigest()
RETRY = {
    "state": "pending", "attempts": 2, "next": "2026-11-04T08:10:00", "link": "https://news.example/p7.html",
    "ref": "teaser-guid-7", "title": "Freedonia to destroy its stock", "body": "A teaser of a made-up report.",
    "published": "2026-11-04T07:00:00", "feed_title": "Teasers", "language": "en",
}
WATERMARK = {"kb": [3, "2026-11-04 07:59:00"], "records": [12, 40], "date": "2026-11-04"}

entries = sa.table("watch_entries", *(sa.column(c) for c in ("id", "watch", "entry_key", "entry_ref", "title")),
                   sa.column("seen_at", sa.DateTime))
alerts = sa.table("sent_alerts", *(sa.column(c) for c in ("id", "rule_id", "subject", "state", "attempts")),
                  sa.column("payload", sa.JSON), sa.column("created_at", sa.DateTime))


def _migrate(engine, target: str, down: bool = False) -> None:
    cfg = alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(cfg, target)


def _old_rows(engine) -> tuple[list, list]:
    with engine.connect() as conn:
        e = sorted((r.entry_key, r.entry_ref, r.title) for r in conn.execute(sa.select(entries)))
        a = sorted((r.rule_id, r.subject, r.state, json.dumps(r.payload, sort_keys=True))
                   for r in conn.execute(sa.select(alerts)))
    return e, a


def test_watch_state_moves_to_its_own_tables_and_back(any_db_url) -> None:
    engine = make_engine(database_url(any_db_url))
    _migrate(engine, "0008")
    with engine.begin() as conn:
        conn.execute(sa.text("insert into watches (name, url, every_seconds, follow, next_poll_at, failures, created_at) "
                             "values ('teasers', 'https://news.example/feed.xml', 300, true, :t, 0, :t)"), {"t": T0})
        conn.execute(sa.text("insert into alert_rules (kind, states, predicates, min_sources, destination, created_at) "
                             "values ('status', '[]', '[]', 1, 'stdout', :t)"), {"t": T0})
        rule = conn.execute(sa.text("select id from alert_rules")).scalar_one()
        conn.execute(sa.insert(entries), [
            dict(watch="teasers", entry_key=ENTRY_KEY, entry_ref="teaser-guid-7", title=RETRY["title"], seen_at=T0),
            dict(watch="teasers", entry_key=RETRY_KEY, entry_ref="page-retry " + json.dumps(RETRY),
                 title=RETRY["title"], seen_at=T0),
        ])
        conn.execute(sa.insert(alerts), [
            dict(rule_id=rule, subject="seen:APMBC:FRE", state="seen", attempts=0, created_at=T0,
                 payload={"status": "withdrawing", "on": "2026-11-03"}),
            dict(rule_id=rule, subject="watermark", state="seen", attempts=0, created_at=T0, payload=WATERMARK),
            dict(rule_id=rule, subject="status:APMBC:FRE:withdrawing", state="pending", attempts=0, created_at=T0,
                 payload={"subject": "status:APMBC:FRE:withdrawing"}),
        ])
    before = _old_rows(engine)

    _migrate(engine, "head")
    store = Store(engine)
    [retry] = feeds.pending_pages(store, "teasers")
    assert retry["entry_key"] == ENTRY_KEY and retry["state"] == "pending" and retry["attempts"] == 2
    assert retry["next_attempt_at"] == datetime(2026, 11, 4, 8, 10) and retry["published"] == datetime(2026, 11, 4, 7)
    assert (retry["link"], retry["entry_ref"], retry["body"], retry["feed_title"], retry["language"]) == (
        RETRY["link"], RETRY["ref"], RETRY["body"], RETRY["feed_title"], RETRY["language"])
    assert feeds.get_watch(store, "teasers").seen_entries == 1
    assert [a["subject"] for a in alerts_of(store)] == ["status:APMBC:FRE:withdrawing"]
    with engine.connect() as conn:
        seen = conn.execute(sa.select(w.alert_seen_statuses)).all()
        watermark = conn.execute(sa.select(w.alert_rules.c.watermark)).scalar_one()
    assert [tuple(r) for r in seen] == [(rule, "APMBC", "FRE", "withdrawing", date(2026, 11, 3))]
    assert watermark == WATERMARK

    _migrate(engine, "0008", down=True)
    after = _old_rows(engine)
    assert after[1] == before[1]
    assert [(k, t) for k, _, t in after[0]] == [(k, t) for k, _, t in before[0]]
    refs = {k: r for k, r, _ in after[0]}
    assert json.loads(refs[RETRY_KEY].removeprefix("page-retry ")) == RETRY and refs[ENTRY_KEY] == "teaser-guid-7"
    _migrate(engine, "head")
    engine.dispose()
