"""What every request shares: the open store, a record index, a write lock.

The depositary records change only on import, so the index built from them is
kept and rebuilt only when the store hands back new lists.  Statuses per
(treaty, date) are cached because the map's date slider asks for the same few
hundred dates over and over.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import date
from typing import Any

from minewatch.store.repository import Store
from minewatch.store.sessions import Revocations
from minewatch.treaties import RecordIndex, all_statuses
from minewatch.web.cache import DataVersion, SharedAnswers, sqlite_path

STATUS_CACHE_SIZE = 4096
MEMO_SIZE = 1024


class WebContext:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.write_lock = threading.Lock()
        self._lock = threading.Lock()
        self._index: RecordIndex | None = None
        self._index_key: tuple[int, int, int] | None = None
        self._statuses: OrderedDict[tuple[str, date], list[Any]] = OrderedDict()
        self.version = DataVersion(sqlite_path(store.engine))
        self._memo: OrderedDict[tuple, Any] = OrderedDict()
        self.revocations = Revocations(store.engine)
        #: Answers and pages shared with the server's other workers (``cache.SharedAnswers``), when several.
        self.shared: SharedAnswers | None = None

    def memo(self, key: tuple, compute: Callable[[], Any]) -> Any:
        """``compute()``, kept until the database changes (SQLite only; other databases always compute)."""
        version = self.version()
        if version is None:
            return compute()
        full = (key, version)
        with self._lock:
            if full in self._memo:
                self._memo.move_to_end(full)
                return self._memo[full]
        value = compute()
        if self.version() == version:
            with self._lock:
                self._memo[full] = value
                while len(self._memo) > MEMO_SIZE:
                    self._memo.popitem(last=False)
        return value

    def index(self) -> RecordIndex:
        events, conflicts, not_party = self.store.treaty_events(), self.store.armed_conflicts(), self.store.not_party()
        key = (id(events), id(conflicts), id(not_party))
        with self._lock:
            if self._index is None or key != self._index_key:
                self._index = RecordIndex(events, conflicts, not_party)
                self._index_key = key
                self._statuses.clear()
            return self._index

    def statuses(self, treaty: str, on: date) -> list[Any]:
        """``StateStatus`` of every eligible state (sorted by iso3)."""
        idx = self.index()
        key = (str(treaty), on)
        with self._lock:
            hit = self._statuses.get(key)
            if hit is not None:
                self._statuses.move_to_end(key)
                return hit
        result = all_statuses(treaty, on, idx)
        with self._lock:
            self._statuses[key] = result
            while len(self._statuses) > STATUS_CACHE_SIZE:
                self._statuses.popitem(last=False)
        return result

    def status_of(self, treaty: str, iso3: str, on: date) -> Any:
        for s in self.statuses(treaty, on):
            if s.iso3 == iso3:
                return s
        raise KeyError(iso3)
