"""claims counterpart index

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 19:40:00.000000

The state filter of claim listings is ``actor_iso3 = X OR counterpart_iso3 = X``;
with only the (actor_iso3, predicate) index the counterpart half walked every
claim.  A plain CREATE INDEX: no table is rebuilt, no row is touched.
"""

from __future__ import annotations

from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(op.f('ix_claims_counterpart_iso3_predicate'), 'claims', ['counterpart_iso3', 'predicate'],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_claims_counterpart_iso3_predicate'), table_name='claims')
