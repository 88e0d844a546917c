"""The knowledge-base tables.

Readable names on purpose: the SQLite file is a product that users open in
Datasette or any SQL tool, so tables and columns say what they hold.  Every
change to this module needs an Alembic migration in ``migrations/versions``.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy import false as sql_false  # noqa: I001  (functions, kept apart from the column types)
from sqlalchemy import true as sql_true

from minewatch.store import schema_watch  # noqa: F401  (the watch tables share ``metadata``: importing the schema brings all)
from minewatch.store.metadata import metadata

treaty_events = Table(
    "treaty_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("treaty", String(8), nullable=False),
    Column("state_iso3", String(3), nullable=False),
    Column("state_name", String(200), nullable=False),
    Column("action", String(40), nullable=False),
    Column("date", Date, nullable=False),
    Column("source_url", Text, nullable=False),
    Column("note", Text),
    Column("origin", String(20), nullable=False, default="bundled"),
    UniqueConstraint("treaty", "state_iso3", "action"),
    Index(None, "state_iso3"),
)

states_not_party = Table(
    "states_not_party",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("treaty", String(8), nullable=False),
    Column("state_iso3", String(3), nullable=False),
    Column("state_name", String(200), nullable=False),
    Column("status", String(40), nullable=False),
    Column("source_url", Text),
    UniqueConstraint("treaty", "state_iso3"),
)

armed_conflicts = Table(
    "armed_conflicts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("state_iso3", String(3), nullable=False),
    Column("opponent", String(200), nullable=False),
    Column("start", Date, nullable=False),
    Column("end", Date),
    Column("source_url", Text),
    Column("note", Text),
    Column("origin", String(20), nullable=False, default="bundled"),
    UniqueConstraint("state_iso3", "opponent", "start"),
)

stories = Table(
    "stories",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("agencies", JSON, nullable=False, default=list),
    Column("first_published", Date),
    Column("last_published", Date),
    Column("document_count", Integer, nullable=False, default=0),
)

documents = Table(
    "documents",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("content_hash", String(64), nullable=False, unique=True),
    Column("path", Text),
    Column("url", Text),
    Column("title", Text),
    Column("outlet", String(300)),
    Column("published", Date),
    Column("language", String(8)),
    Column("via", JSON, nullable=False, default=list),
    Column("source_kind", String(20), nullable=False, default="text"),
    Column("story_id", String(40), ForeignKey("stories.id")),
    Column("text", Text, nullable=False),
    Column("original", Text, nullable=False),
    Column("minhash", LargeBinary),
    Column("relevant", Boolean, nullable=False, default=True),
    Column("extraction_error", Text),
    Column("extracted_at", DateTime),
    Column("reconciled", Boolean, nullable=False, default=False),
    # Whether this document's claims are counted in the stored fact summaries: a document
    # that is reconciled again while counted (re-extraction, story merge, review) makes its
    # facts rebuild from scratch instead of being merged in a second time.
    Column("in_facts", Boolean, nullable=False, default=False, server_default=sql_false()),
    Column("ingested_at", DateTime, nullable=False),
    # The Ray engine writes documents from many workers and groups them into stories afterwards:
    # ``grouped`` is false until then (a killed run's documents are grouped by the next run),
    # ``ingest_run`` and ``arrival`` (shard << 24 | position) decide, among copies with one text
    # written by different workers of one run, which one is kept: the first in input order.
    Column("grouped", Boolean, nullable=False, default=True, server_default=sql_true()),
    Column("ingest_run", String(40)),
    Column("arrival", BigInteger),
    Index(None, "story_id"),
    Index(None, "published"),
    Index(None, "reconciled"),
    Index(None, "ingested_at", "id"),  # arrival order: ingest restarts read the newest signatures backwards
    Index(None, "id", "published", "ingested_at"),  # a listing's sort keys without reading the row (0011)
)

claims = Table(
    "claims",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("document_id", String(40), ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("actor_kind", String(20), nullable=False),
    Column("actor_iso3", String(3)),
    Column("actor_name", String(200), nullable=False),
    Column("predicate", String(40), nullable=False),
    Column("stage", String(20)),
    Column("treaty", String(8)),
    Column("weapon", String(20)),
    Column("counterpart_kind", String(20)),
    Column("counterpart_iso3", String(3)),
    Column("counterpart_name", String(200)),
    Column("modality", String(20), nullable=False),
    Column("polarity", String(20), nullable=False),
    Column("quantity_low", Float),
    Column("quantity_high", Float),
    Column("quantity_unit", String(40)),
    Column("quantity_text", Text),
    Column("money_low", Float),
    Column("money_high", Float),
    Column("money_currency", String(3)),
    Column("money_text", Text),
    Column("time_start", Date),
    Column("time_end", Date),
    Column("time_text", Text),
    Column("time_basis", String(10)),
    Column("speaker_name", String(200)),
    Column("speaker_role", Text),
    Column("confidence", Float, nullable=False, default=0.5),
    Column("extractor", String(80)),
    Column("fact_id", String(40)),
    Index(None, "document_id"),
    # a state's claims (actor OR counterpart), with their document and id: a listing's keys without the rows (0011)
    Index(None, "actor_iso3", "predicate", "document_id", "id"),
    Index(None, "counterpart_iso3", "predicate", "document_id", "id"),
    Index(None, "fact_id"),
    Index(None, "predicate"),
)

evidence = Table(
    "evidence",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("claim_id", String(40), ForeignKey("claims.id", ondelete="CASCADE"), nullable=False),
    Column("ordinal", Integer, nullable=False, default=0),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Index(None, "claim_id"),
)

# Reviews refer to claims by id without a foreign key: claim ids are stable across
# re-extraction, and a review must survive its claim being re-created.
reviews = Table(
    "reviews",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("claim_id", String(40), nullable=False),
    Column("verdict", String(20), nullable=False),
    Column("corrections", JSON),
    Column("note", Text),
    Column("reviewer", String(200), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Index(None, "claim_id"),
)

# An analyst's verdict on a conflict ("not_a_conflict" with a note).  Conflict ids are derived
# from what is compared, so a verdict keeps applying after re-extraction and re-reconciliation.
conflict_reviews = Table(
    "conflict_reviews",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("conflict_id", String(40), nullable=False),
    Column("verdict", String(20), nullable=False),
    Column("note", Text),
    Column("reviewer", String(200), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Index(None, "conflict_id"),
)

facts = Table(
    "facts",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("actor_kind", String(20), nullable=False),
    Column("actor_iso3", String(3)),
    Column("actor_name", String(200), nullable=False),
    Column("predicate", String(40), nullable=False),
    Column("stage", String(20)),
    Column("treaty", String(8)),
    Column("weapon", String(20)),
    Column("counterpart_iso3", String(3)),
    Column("counterpart_name", String(200)),
    Column("polarity", String(20), nullable=False),
    Column("modality", String(20), nullable=False),
    Column("independent_sources", Integer, nullable=False),
    Column("claim_count", Integer, nullable=False),
    Column("document_count", Integer, nullable=False),
    Column("first_reported", Date),
    Column("last_reported", Date),
    Column("event_date", Date),
    Column("verified", Boolean, nullable=False, default=False),
    Column("detail", JSON, nullable=False),
    Index(None, "actor_iso3", "predicate"),
    Index(None, "predicate"),
)

conflicts = Table(
    "conflicts",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("kind", String(40), nullable=False),
    Column("severity", String(10), nullable=False),
    Column("actor_iso3", String(3)),
    Column("fact_id", String(40)),
    Column("scope", String(80), nullable=False),
    Column("claim_ids", JSON, nullable=False),
    Column("record", JSON),
    Column("explanation", Text, nullable=False),
    # what the explanation is written from: every figure with its documents, each side's quote
    Column("detail", JSON),
    Index(None, "actor_iso3"),
    Index(None, "kind"),
    Index(None, "scope"),
)

# What a fact needs to take new claims without reloading its old ones (minewatch.reconcile.summary):
# counts, capped id lists in reporting order, value ranges, modality leads.  Rebuilt from the
# claims whenever something non-additive touches the fact.
fact_summaries = Table(
    "fact_summaries",
    metadata,
    Column("fact_id", String(40), primary_key=True),
    Column("summary", JSON, nullable=False),
)

# The distinct stories (independent sources) of each fact, so a new copy of a known story
# does not count twice; a document without a story is a story of its own ("doc:<id>").
# The story-candidate index (``stories.story_keys``): LSH band keys of each document's trigram
# MinHash, its anchors under each credited agency and its anchors for other-language copies.
# Written with the document on PostgreSQL (both engines), read by the distributed grouping
# (``scale.grouping``): documents sharing a key within a few days are compared.  ``day`` is the
# publication date (or, without one, the ingest date) as a day number.
story_keys = Table(
    "story_keys",
    metadata,
    Column("doc_id", String(40), ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True),
    Column("key", BigInteger, primary_key=True),
    Column("day", Integer, nullable=False),
    Column("kind", Integer, nullable=False),
    # the probe: a key's nearest earlier documents by day (the primary key serves deletions by document)
    Index(None, "key", "day", "doc_id"),
)

fact_stories = Table(
    "fact_stories",
    metadata,
    Column("fact_id", String(40), primary_key=True),
    Column("story_key", String(60), primary_key=True),
    Index(None, "story_key"),
)

# Facts whose claims changed outside a document's (re-)ingestion — an analyst's
# correction can move a claim from one fact to another; both must be rebuilt.
reconcile_queue = Table(
    "reconcile_queue",
    metadata,
    Column("fact_id", String(40), primary_key=True),
)
