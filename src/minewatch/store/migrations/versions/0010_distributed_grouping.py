"""distributed story grouping

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 20:30:00.000000

The Ray engine stops passing every article through one driver: workers write
documents themselves and stories are found afterwards from an index of
candidate keys.  ``documents.grouped`` marks documents not grouped yet (true
for every existing row: the single-process engine groups as it writes),
``ingest_run``/``arrival`` keep the first copy in input order when workers race
on one text, and ``story_keys`` holds the candidate keys.  Existing documents
have no keys: a Ray run compares new documents with documents that have keys
(those written since), and ``minewatch stories --reindex`` is not needed for
correctness of the single-process engine, which keeps its own window.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMNs (a batch rebuild of documents would cascade to claims and evidence).
    op.add_column('documents', sa.Column('grouped', sa.Boolean(), server_default=sa.true(), nullable=False))
    op.add_column('documents', sa.Column('ingest_run', sa.String(length=40), nullable=True))
    op.add_column('documents', sa.Column('arrival', sa.BigInteger(), nullable=True))
    op.create_table(
        'story_keys',
        sa.Column('doc_id', sa.String(length=40), nullable=False),
        sa.Column('key', sa.BigInteger(), nullable=False),
        sa.Column('day', sa.Integer(), nullable=False),
        sa.Column('kind', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['doc_id'], ['documents.id'], name=op.f('fk_story_keys_doc_id_documents'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('doc_id', 'key', name=op.f('pk_story_keys')),
    )
    op.create_index(op.f('ix_story_keys_key_day_doc_id'), 'story_keys', ['key', 'day', 'doc_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_story_keys_key_day_doc_id'), table_name='story_keys')
    op.drop_table('story_keys')
    for column in ('arrival', 'ingest_run', 'grouped'):
        op.drop_column('documents', column)  # in place (SQLite >= 3.35), like 0007
