"""The depositary records in the store: treaty actions, states not party, armed conflicts.

Read often and changed only on import, so each list is kept until a write.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import Engine, delete, func, insert, select

from minewatch.store import schema as t
from minewatch.treaties import records
from minewatch.treaties.records import ArmedConflict, NotPartyRecord, TreatyEvent


class TreatyRecords:
    """``Store``'s depositary records (a part of ``Store``, not used alone)."""

    engine: Engine
    _events_cache: list | None
    _conflicts_cache: list | None
    _not_party_cache: list | None

    def ensure_reference_data(self) -> bool:
        """Load the bundled depositary records into a new or empty database."""
        with self.engine.begin() as conn:
            if conn.execute(select(func.count()).select_from(t.treaty_events)).scalar_one():
                return False
            self._write_events(conn, records.load_bundled_events(), origin="bundled")
            self._write_not_party(conn, records.load_bundled_not_party())
            self._write_armed_conflicts(conn, records.load_bundled_conflicts(), origin="bundled")
        self._invalidate()
        return True

    def _invalidate(self) -> None:
        self._events_cache = self._conflicts_cache = self._not_party_cache = None

    def _write_events(self, conn, events: Iterable, origin: str) -> int:
        n = 0
        for ev in events:
            _replace(conn, t.treaty_events, ("treaty", "state_iso3", "action"), dict(
                treaty=ev.treaty,
                state_iso3=ev.iso3,
                state_name=ev.state_name,
                action=ev.action,
                date=ev.date,
                source_url=ev.source_url,
                note=ev.note,
                origin=origin,
            ))
            n += 1
        return n

    def _write_not_party(self, conn, rows: Iterable) -> None:
        for r in rows:
            conn.execute(
                insert(t.states_not_party).values(
                    treaty=r.treaty, state_iso3=r.iso3, state_name=r.state_name, status=r.status, source_url=r.source_url
                )
            )

    def _write_armed_conflicts(self, conn, rows: Iterable, origin: str) -> int:
        n = 0
        for c in rows:
            _replace(conn, t.armed_conflicts, ("state_iso3", "opponent", "start"), dict(
                state_iso3=c.iso3,
                opponent=c.opponent,
                start=c.start,
                end=c.end,
                source_url=c.source_url,
                note=c.note,
                origin=origin,
            ))
            n += 1
        return n

    def import_events(self, events: Sequence) -> int:
        """Add or correct depositary records, all in one transaction."""
        with self.engine.begin() as conn:
            n = self._write_events(conn, events, origin="import")
        self._invalidate()
        return n

    def import_armed_conflicts(self, rows: Sequence) -> int:
        with self.engine.begin() as conn:
            n = self._write_armed_conflicts(conn, rows, origin="import")
        self._invalidate()
        return n

    def treaty_events(self) -> list:
        if self._events_cache is None:
            with self.engine.connect() as conn:
                rows = conn.execute(select(t.treaty_events).order_by(t.treaty_events.c.id)).mappings().all()
            self._events_cache = [
                TreatyEvent(
                    treaty=r["treaty"],
                    iso3=r["state_iso3"],
                    state_name=r["state_name"],
                    action=r["action"],
                    date=r["date"],
                    source_url=r["source_url"],
                    note=r["note"] or "",
                )
                for r in rows
            ]
        return self._events_cache

    def armed_conflicts(self) -> list:
        if self._conflicts_cache is None:
            with self.engine.connect() as conn:
                rows = conn.execute(select(t.armed_conflicts).order_by(t.armed_conflicts.c.id)).mappings().all()
            self._conflicts_cache = [
                ArmedConflict(
                    iso3=r["state_iso3"],
                    opponent=r["opponent"],
                    start=r["start"],
                    end=r["end"],
                    source_url=r["source_url"] or "",
                    note=r["note"] or "",
                )
                for r in rows
            ]
        return self._conflicts_cache

    def not_party(self) -> list:
        if self._not_party_cache is None:
            with self.engine.connect() as conn:
                rows = conn.execute(select(t.states_not_party)).mappings().all()
            self._not_party_cache = [
                NotPartyRecord(
                    treaty=r["treaty"],
                    iso3=r["state_iso3"],
                    state_name=r["state_name"],
                    status=r["status"],
                    source_url=r["source_url"] or "",
                )
                for r in rows
            ]
        return self._not_party_cache


def _replace(conn, table, key: tuple[str, ...], values: dict) -> None:
    """Insert ``values`` in place of the row with the same ``key`` columns: an imported record corrects the
    one stored, never stands beside it."""
    conn.execute(delete(table).where(*(table.c[k] == values[k] for k in key)))
    conn.execute(insert(table).values(**values))
