"""claims extractor

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 18:00:00.000000

Each claim records the extraction design and model version that produced it
("claims.v2/model-2026-12"), so a claim can be traced to the weights that
decided it and re-extracted after a model update.  A plain nullable ADD COLUMN:
claims extracted before it keep NULL.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('claims', sa.Column('extractor', sa.String(length=80), nullable=True))


def downgrade() -> None:
    op.drop_column('claims', 'extractor')  # in place (SQLite >= 3.35): a rebuild would cascade to evidence
