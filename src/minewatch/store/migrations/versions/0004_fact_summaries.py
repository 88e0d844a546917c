"""fact summaries for incremental reconciliation

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 10:00:00.000000

Existing facts have no summary yet: the next reconcile rebuilds each of them
from its claims the first time it is touched, so nothing needs computing here.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'fact_summaries',
        sa.Column('fact_id', sa.String(length=40), nullable=False),
        sa.Column('summary', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('fact_id', name=op.f('pk_fact_summaries')),
    )
    op.create_table(
        'fact_stories',
        sa.Column('fact_id', sa.String(length=40), nullable=False),
        sa.Column('story_key', sa.String(length=60), nullable=False),
        sa.PrimaryKeyConstraint('fact_id', 'story_key', name=op.f('pk_fact_stories')),
    )
    op.create_index(op.f('ix_fact_stories_story_key'), 'fact_stories', ['story_key'], unique=False)
    # A plain ADD COLUMN, never a batch rebuild: SQLite rebuilds a table by dropping it, and with
    # foreign keys on, the ON DELETE CASCADE from claims and evidence would empty both.
    op.add_column('documents', sa.Column('in_facts', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    op.drop_column('documents', 'in_facts')  # SQLite >= 3.35 drops a column in place (see upgrade)
    op.drop_index(op.f('ix_fact_stories_story_key'), table_name='fact_stories')
    op.drop_table('fact_stories')
    op.drop_table('fact_summaries')
