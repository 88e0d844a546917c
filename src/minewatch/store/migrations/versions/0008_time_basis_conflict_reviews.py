"""claim time basis and conflict reviews

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 18:00:00.000000

``claims.time_basis`` says where a claim's date comes from (stated for the act,
relative to the publication, or a dateline); claims extracted before it have
none, which reconciliation reads as stated until they are re-extracted.
``conflict_reviews`` keeps analysts' "not a conflict" verdicts by conflict id;
``conflicts.detail`` keeps what a conflict's explanation is written from (every
figure with its documents, each side's quote); older rows have none.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN, never a batch rebuild (see 0004: a rebuild would cascade-delete evidence).
    op.add_column('claims', sa.Column('time_basis', sa.String(length=10), nullable=True))
    op.add_column('conflicts', sa.Column('detail', sa.JSON(), nullable=True))
    op.create_table(
        'conflict_reviews',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('conflict_id', sa.String(length=40), nullable=False),
        sa.Column('verdict', sa.String(length=20), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('reviewer', sa.String(length=200), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_conflict_reviews')),
    )
    op.create_index(op.f('ix_conflict_reviews_conflict_id'), 'conflict_reviews', ['conflict_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_conflict_reviews_conflict_id'), table_name='conflict_reviews')
    op.drop_table('conflict_reviews')
    op.drop_column('conflicts', 'detail')
    op.drop_column('claims', 'time_basis')
