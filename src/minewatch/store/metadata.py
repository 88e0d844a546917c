"""The one ``MetaData`` every table of the knowledge base sits on.

A module of its own so that ``schema.py`` and ``schema_watch.py`` both import
it and neither imports the other first: one Alembic history covers them all.
"""

from __future__ import annotations

from sqlalchemy import MetaData

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)
