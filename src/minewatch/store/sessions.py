"""Dashboard sessions revoked by ``/logout``, kept in the database so every worker process sees them.

``web/security.py`` decides who may write; the table of revoked session ids
is read and written here, so no module outside ``store/`` builds SQL.
"""

from __future__ import annotations

import time

from sqlalchemy import Column, Integer, MetaData, String, Table, delete, insert, select


class Revocations:
    """Session ids revoked by ``/logout``, in the database (every worker process sees them).

    A table of its own outside the schema's migrations: it holds nothing but ids
    of sessions that would expire anyway, and rows are dropped once expired.
    """

    def __init__(self, engine) -> None:
        self.engine = engine
        self.table = Table("web_revoked_sessions", MetaData(),
                           Column("sid", String(64), primary_key=True), Column("expires", Integer, nullable=False))
        self._ready = False

    def _ensure(self) -> None:
        if not self._ready:
            self.table.create(self.engine, checkfirst=True)
            self._ready = True

    def revoke(self, sid: str, expires: int) -> None:
        self._ensure()
        with self.engine.begin() as conn:
            conn.execute(delete(self.table).where(self.table.c.expires < int(time.time())))
            if conn.execute(select(self.table.c.sid).where(self.table.c.sid == sid)).first() is None:
                conn.execute(insert(self.table).values(sid=sid, expires=expires))

    def is_revoked(self, sid: str) -> bool:
        self._ensure()
        with self.engine.connect() as conn:
            return conn.execute(select(self.table.c.sid).where(self.table.c.sid == sid)).first() is not None
