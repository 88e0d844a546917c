"""documents arrival index

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 19:45:00.000000

An ingest restart rebuilds the story grouper from the newest ``window``
signatures in arrival order (ingested_at, id); with this index the database
reads them backwards instead of sorting the whole documents table, so
start-up costs the same on any size of base.  A plain CREATE INDEX.
"""

from __future__ import annotations

from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(op.f('ix_documents_ingested_at_id'), 'documents', ['ingested_at', 'id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_documents_ingested_at_id'), table_name='documents')
