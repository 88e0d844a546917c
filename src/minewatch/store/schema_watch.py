"""The tables of ``minewatch watch`` and ``minewatch alerts``.

Everything the watcher knows lives here, not in memory: a restarted watcher
continues with the same schedule, the same conditional-request validators,
the same list of entries already ingested and the same alerts already sent.
The tables sit on the knowledge base's ``metadata`` (``store/metadata.py``) so
one Alembic history covers them (migration 0003).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from minewatch.store.metadata import metadata

watches = Table(
    "watches",
    metadata,
    Column("name", String(200), primary_key=True),
    Column("url", Text, nullable=False),  # an http(s) URL or a local path
    Column("every_seconds", Integer, nullable=False),
    Column("follow", Boolean, nullable=False, default=False),
    Column("etag", Text),
    Column("last_modified", Text),  # the server's Last-Modified, sent back verbatim
    Column("source_mtime", Float),  # local paths: newest modification time seen
    Column("next_poll_at", DateTime, nullable=False),
    Column("failures", Integer, nullable=False, default=0),
    Column("last_error", Text),
    Column("last_polled_at", DateTime),
    Column("last_success_at", DateTime),
    Column("last_result", Text),
    Column("created_at", DateTime, nullable=False),
    Index(None, "next_poll_at"),
)

watch_entries = Table(
    "watch_entries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("watch", String(200), ForeignKey("watches.name", ondelete="CASCADE"), nullable=False),
    Column("entry_key", String(64), nullable=False),  # sha256 of guid/id, else link, else content
    Column("entry_ref", Text),  # the guid, link or file path the key was made from, for people
    Column("title", Text),
    Column("seen_at", DateTime, nullable=False),
    UniqueConstraint("watch", "entry_key"),
)

# ``--follow``: a page that could not be fetched, retried on later polls (the feed's teaser is in meanwhile).
watch_page_retries = Table(
    "watch_page_retries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("watch", String(200), ForeignKey("watches.name", ondelete="CASCADE"), nullable=False),
    Column("entry_key", String(64), nullable=False),  # the feed entry's ``watch_entries.entry_key``
    Column("state", String(12), nullable=False),  # pending | fetched | gave_up
    Column("attempts", Integer, nullable=False, default=1),
    Column("next_attempt_at", DateTime),  # None: queued by the running poll, which times it
    Column("link", Text),  # the page
    Column("entry_ref", Text),  # the entry's guid or link, for people
    Column("title", Text),
    Column("body", Text),  # the feed's teaser, the page's stand-in
    Column("published", DateTime),
    Column("feed_title", Text),
    Column("language", String(20)),
    Column("created_at", DateTime, nullable=False),
    UniqueConstraint("watch", "entry_key"),
)

alert_rules = Table(
    "alert_rules",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(20), nullable=False),  # fact | conflict | status
    Column("states", JSON, nullable=False, default=list),  # ISO3 codes; empty: every state
    Column("predicates", JSON, nullable=False, default=list),  # empty: every predicate
    Column("min_sources", Integer, nullable=False, default=1),
    Column("treaty", String(8)),
    Column("destination", String(20), nullable=False, default="stdout"),  # stdout | file | webhook
    Column("target", Text),  # file path or webhook URL
    Column("secret", Text),  # HMAC key for webhooks; None: MINEWATCH_WEBHOOK_SECRET at delivery
    Column("base_url", Text),  # dashboard base for links; None: the command's --base-url
    Column("last_evaluated_on", Date),  # status rules: the day the statuses were last compared
    Column("watermark", JSON),  # what the rule's inputs looked like when it was last evaluated
    Column("last_error", Text),
    Column("created_at", DateTime, nullable=False),
)

sent_alerts = Table(
    "sent_alerts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("rule_id", Integer, ForeignKey("alert_rules.id", ondelete="CASCADE"), nullable=False),
    Column("subject", String(200), nullable=False),  # fact id, conflict id or status-change key
    Column("state", String(12), nullable=False),  # pending | sending | sent | baseline (existed when the rule was made)
    Column("payload", JSON),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", DateTime),
    Column("last_error", Text),
    Column("created_at", DateTime, nullable=False),
    Column("sent_at", DateTime),
    UniqueConstraint("rule_id", "subject"),
    Index(None, "state"),
)

# Status rules: the status of each state a rule last saw, so a backdated record still changes it.
alert_seen_statuses = Table(
    "alert_seen_statuses",
    metadata,
    Column("rule_id", Integer, ForeignKey("alert_rules.id", ondelete="CASCADE"), primary_key=True),
    Column("treaty", String(8), primary_key=True),
    Column("state_iso3", String(3), primary_key=True),
    Column("status", String(20), nullable=False),
    Column("seen_on", Date, nullable=False),
)
