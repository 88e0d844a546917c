"""watch state in its own tables

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 18:00:00.000000

Until 0008 the watcher kept two kinds of state in other tables' rows: a page
``--follow`` could not fetch was a second ``watch_entries`` row whose
``entry_ref`` was "page-retry " and JSON, and what a status rule last saw was
``sent_alerts`` rows in state ``seen`` (subjects "seen:TREATY:ISO3" and
"watermark").  They move to ``watch_page_retries``, ``alert_seen_statuses``
and ``alert_rules.watermark``, with their data; the downgrade moves them back.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

PAGE_RETRY_PREFIX = "page-retry "
SEEN = "seen"
WATERMARK = "watermark"

watch_entries = sa.table(
    'watch_entries', sa.column('id', sa.Integer), sa.column('watch', sa.String), sa.column('entry_key', sa.String),
    sa.column('entry_ref', sa.Text), sa.column('title', sa.Text), sa.column('seen_at', sa.DateTime),
)
sent_alerts = sa.table(
    'sent_alerts', sa.column('id', sa.Integer), sa.column('rule_id', sa.Integer), sa.column('subject', sa.String),
    sa.column('state', sa.String), sa.column('payload', sa.JSON), sa.column('attempts', sa.Integer),
    sa.column('created_at', sa.DateTime),
)
alert_rules = sa.table('alert_rules', sa.column('id', sa.Integer), sa.column('watermark', sa.JSON))


def _retry_key(entry_key: str) -> str:
    """The key 0006 and earlier gave a page's retry row (kept apart from the entry's own row)."""
    return hashlib.sha256(f"page-retry:{entry_key}".encode()).hexdigest()


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def upgrade() -> None:
    retries = op.create_table(
        'watch_page_retries',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('watch', sa.String(length=200), nullable=False),
        sa.Column('entry_key', sa.String(length=64), nullable=False),
        sa.Column('state', sa.String(length=12), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(), nullable=True),
        sa.Column('link', sa.Text(), nullable=True),
        sa.Column('entry_ref', sa.Text(), nullable=True),
        sa.Column('title', sa.Text(), nullable=True),
        sa.Column('body', sa.Text(), nullable=True),
        sa.Column('published', sa.DateTime(), nullable=True),
        sa.Column('feed_title', sa.Text(), nullable=True),
        sa.Column('language', sa.String(length=20), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['watch'], ['watches.name'], name=op.f('fk_watch_page_retries_watch_watches'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_watch_page_retries')),
        sa.UniqueConstraint('watch', 'entry_key', name=op.f('uq_watch_page_retries_watch_entry_key')),
    )
    seen = op.create_table(
        'alert_seen_statuses',
        sa.Column('rule_id', sa.Integer(), nullable=False),
        sa.Column('treaty', sa.String(length=8), nullable=False),
        sa.Column('state_iso3', sa.String(length=3), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('seen_on', sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(['rule_id'], ['alert_rules.id'], name=op.f('fk_alert_seen_statuses_rule_id_alert_rules'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('rule_id', 'treaty', 'state_iso3', name=op.f('pk_alert_seen_statuses')),
    )
    # A plain ADD COLUMN, never a batch rebuild (see 0004): sent_alerts cascades from alert_rules.
    op.add_column('alert_rules', sa.Column('watermark', sa.JSON(), nullable=True))

    conn = op.get_bind()
    rows = conn.execute(sa.select(watch_entries)).mappings().all()
    entry_of = {(r['watch'], _retry_key(r['entry_key'])): r['entry_key'] for r in rows
                if not (r['entry_ref'] or '').startswith(PAGE_RETRY_PREFIX)}
    moved = []
    for r in rows:
        if not (r['entry_ref'] or '').startswith(PAGE_RETRY_PREFIX):
            continue
        p = json.loads(r['entry_ref'][len(PAGE_RETRY_PREFIX):])
        moved.append(r['id'])
        conn.execute(sa.insert(retries).values(
            watch=r['watch'], entry_key=entry_of.get((r['watch'], r['entry_key']), r['entry_key']),
            state=p.get('state') or 'pending', attempts=p.get('attempts') or 1, next_attempt_at=_when(p.get('next')),
            link=p.get('link'), entry_ref=p.get('ref'), title=p.get('title'), body=p.get('body'),
            published=_when(p.get('published')), feed_title=p.get('feed_title'), language=p.get('language'),
            created_at=r['seen_at'],
        ))
    for start in range(0, len(moved), 500):
        conn.execute(sa.delete(watch_entries).where(watch_entries.c.id.in_(moved[start:start + 500])))

    for r in conn.execute(sa.select(sent_alerts).where(sent_alerts.c.state == SEEN)).mappings().all():
        payload = r['payload'] or {}
        if r['subject'] == WATERMARK:
            conn.execute(sa.update(alert_rules).where(alert_rules.c.id == r['rule_id']).values(watermark=payload))
            continue
        _, treaty, iso3 = r['subject'].split(':', 2)
        on = date.fromisoformat(payload['on']) if payload.get('on') else r['created_at'].date()
        conn.execute(sa.insert(seen).values(rule_id=r['rule_id'], treaty=treaty, state_iso3=iso3,
                                            status=payload['status'], seen_on=on))
    conn.execute(sa.delete(sent_alerts).where(sent_alerts.c.state == SEEN))


def downgrade() -> None:
    conn = op.get_bind()
    retries = sa.table(
        'watch_page_retries', *(sa.column(c) for c in (
            'watch', 'entry_key', 'state', 'attempts', 'link', 'entry_ref', 'title', 'body', 'feed_title', 'language')),
        sa.column('next_attempt_at', sa.DateTime), sa.column('published', sa.DateTime),
        sa.column('created_at', sa.DateTime), sa.column('id', sa.Integer),
    )
    for r in conn.execute(sa.select(retries).order_by(retries.c.id)).mappings().all():
        state = {
            "state": r['state'], "attempts": r['attempts'], "next": _iso(r['next_attempt_at']),
            "link": r['link'], "ref": r['entry_ref'], "title": r['title'], "body": r['body'],
            "published": _iso(r['published']), "feed_title": r['feed_title'], "language": r['language'],
        }
        conn.execute(sa.insert(watch_entries).values(
            watch=r['watch'], entry_key=_retry_key(r['entry_key']), entry_ref=PAGE_RETRY_PREFIX + json.dumps(state),
            title=r['title'], seen_at=r['created_at'],
        ))
    seen = sa.table('alert_seen_statuses', sa.column('rule_id', sa.Integer), sa.column('treaty', sa.String),
                    sa.column('state_iso3', sa.String), sa.column('status', sa.String), sa.column('seen_on', sa.Date))
    now = _now()
    for r in conn.execute(sa.select(seen)).mappings().all():
        conn.execute(sa.insert(sent_alerts).values(
            rule_id=r['rule_id'], subject=f"{SEEN}:{r['treaty']}:{r['state_iso3']}", state=SEEN,
            payload={"status": r['status'], "on": r['seen_on'].isoformat()}, attempts=0, created_at=now,
        ))
    marks = sa.select(alert_rules).where(alert_rules.c.watermark.is_not(None))
    for r in conn.execute(marks).mappings().all():
        conn.execute(sa.insert(sent_alerts).values(
            rule_id=r['id'], subject=WATERMARK, state=SEEN, payload=r['watermark'], attempts=0, created_at=now,
        ))
    op.drop_column('alert_rules', 'watermark')  # SQLite >= 3.35 drops a column in place (see upgrade)
    op.drop_table('alert_seen_statuses')
    op.drop_table('watch_page_retries')
