"""The depositary records in the store: treaty actions, states not party, armed conflicts.

Read often and changed only on import, so each list is kept until a write.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

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
        return _replace_all(conn, t.treaty_events, ("treaty", "state_iso3", "action"), (dict(
            treaty=ev.treaty, state_iso3=ev.iso3, state_name=ev.state_name, action=ev.action, date=ev.date,
            source_url=ev.source_url, note=ev.note, origin=origin,
        ) for ev in events))

    def _write_not_party(self, conn, rows: Iterable) -> None:
        for r in rows:
            conn.execute(
                insert(t.states_not_party).values(
                    treaty=r.treaty, state_iso3=r.iso3, state_name=r.state_name, status=r.status, source_url=r.source_url
                )
            )

    def _write_armed_conflicts(self, conn, rows: Iterable, origin: str) -> int:
        return _replace_all(conn, t.armed_conflicts, ("state_iso3", "opponent", "start"), (dict(
            state_iso3=c.iso3, opponent=c.opponent, start=c.start, end=c.end, source_url=c.source_url, note=c.note,
            origin=origin,
        ) for c in rows))

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
        return self._cached("_events_cache", select(t.treaty_events).order_by(t.treaty_events.c.id), lambda r: TreatyEvent(
            treaty=r["treaty"], iso3=r["state_iso3"], state_name=r["state_name"], action=r["action"], date=r["date"],
            source_url=r["source_url"], note=r["note"] or "",
        ))

    def armed_conflicts(self) -> list:
        return self._cached("_conflicts_cache", select(t.armed_conflicts).order_by(t.armed_conflicts.c.id),
                            lambda r: ArmedConflict(
            iso3=r["state_iso3"], opponent=r["opponent"], start=r["start"], end=r["end"],
            source_url=r["source_url"] or "", note=r["note"] or "",
        ))

    def not_party(self) -> list:
        return self._cached("_not_party_cache", select(t.states_not_party), lambda r: NotPartyRecord(
            treaty=r["treaty"], iso3=r["state_iso3"], state_name=r["state_name"], status=r["status"],
            source_url=r["source_url"] or "",
        ))

    def _cached(self, attr: str, query: Any, make: Callable[[Any], Any]) -> list:
        """The records of ``query`` as objects, read once and kept until an import changes them (``_invalidate``)."""
        if getattr(self, attr) is None:
            with self.engine.connect() as conn:
                rows = conn.execute(query).mappings().all()
            setattr(self, attr, [make(r) for r in rows])
        return getattr(self, attr)


def _replace(conn, table, key: tuple[str, ...], values: dict) -> None:
    """Insert ``values`` in place of the row with the same ``key`` columns: an imported record corrects the
    one stored, never stands beside it."""
    conn.execute(delete(table).where(*(table.c[k] == values[k] for k in key)))
    conn.execute(insert(table).values(**values))


def _replace_all(conn, table, key: tuple[str, ...], rows: Iterable[dict]) -> int:
    """``_replace`` for each row; how many were written."""
    n = 0
    for values in rows:
        _replace(conn, table, key, values)
        n += 1
    return n
