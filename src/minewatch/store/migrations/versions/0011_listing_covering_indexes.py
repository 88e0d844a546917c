"""indexes that hold a claim listing's sort keys

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-08 02:20:00.000000

A newest-first page of a state's claims is found from indexes alone: the
state indexes of claims carry the claim's document and id, and documents get
an index (id, published, ingested_at), so the claims that match are sorted
without reading their rows, nor their document's row, where ``ingested_at``
sits after the document's text (``ClaimsAndFacts._page_in_two``).  The two
state indexes are replaced by wider ones with the same leading columns.
"""

from __future__ import annotations

from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

STATE_SIDES = ('actor_iso3', 'counterpart_iso3')


def upgrade() -> None:
    for side in STATE_SIDES:
        op.drop_index(op.f(f'ix_claims_{side}_predicate'), table_name='claims')
        op.create_index(op.f(f'ix_claims_{side}_predicate_document_id_id'), 'claims',
                        [side, 'predicate', 'document_id', 'id'], unique=False)
    op.create_index(op.f('ix_documents_id_published_ingested_at'), 'documents', ['id', 'published', 'ingested_at'],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_documents_id_published_ingested_at'), table_name='documents')
    for side in STATE_SIDES:
        op.drop_index(op.f(f'ix_claims_{side}_predicate_document_id_id'), table_name='claims')
        op.create_index(op.f(f'ix_claims_{side}_predicate'), 'claims', [side, 'predicate'], unique=False)
