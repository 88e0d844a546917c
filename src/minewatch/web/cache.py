"""A cache of GET /api responses, dropped whenever the database changes.

Reads vastly outnumber writes (a review, an ingest run), and the API's answers
depend on nothing but the URL and the data, so an answer can be served again
until the next write.  "The data changed" is read from the SQLite files
themselves (size and modification time of the database and its WAL), which
every worker process sees, whoever wrote.  Other databases are not cached.
Pages are not cached here: they carry the visitor's CSRF token.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from typing import Any

MAX_ENTRIES = 4096
MAX_BODY = 2_000_000  # bytes: bigger answers are not kept


def sqlite_path(engine) -> str | None:
    if engine.dialect.name != "sqlite":
        return None
    path = engine.url.database
    return path if path and path != ":memory:" else None


class DataVersion:
    """A value that changes whenever the SQLite database is written to."""

    def __init__(self, path: str | None) -> None:
        self.paths = [path, path + "-wal"] if path else []

    def __call__(self) -> tuple | None:
        if not self.paths:
            return None
        out = []
        for p in self.paths:
            try:
                st = os.stat(p)
                out.append((st.st_mtime_ns, st.st_size))
            except FileNotFoundError:
                out.append(None)
        return tuple(out)


class ApiResponseCache:
    """ASGI middleware: serve repeated GET /api requests from memory until the data changes."""

    def __init__(self, app, version: DataVersion, prefix: str = "/api/") -> None:
        self.app = app
        self.version = version
        self.prefix = prefix
        self.entries: OrderedDict[tuple, tuple[int, list, bytes]] = OrderedDict()
        self.lock = threading.Lock()
        self.hits = self.misses = 0

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or not scope["path"].startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        version = self.version()
        if version is None:
            await self.app(scope, receive, send)
            return
        key = (scope["path"], scope.get("query_string", b""), version)
        with self.lock:
            hit = self.entries.get(key)
            if hit is not None:
                self.entries.move_to_end(key)
                self.hits += 1
        if hit is not None:
            status, headers, body = hit
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        self.misses += 1
        captured: dict[str, Any] = {"parts": [], "ok": True}

        async def capture(message) -> None:
            if message["type"] == "http.response.start":
                captured["status"] = message["status"]
                captured["headers"] = list(message.get("headers") or [])
            elif message["type"] == "http.response.body":
                captured["parts"].append(message.get("body", b""))
                if sum(len(p) for p in captured["parts"]) > MAX_BODY:
                    captured["ok"] = False
            await send(message)

        await self.app(scope, receive, capture)
        if captured.get("status") == 200 and captured["ok"] and self.version() == version:
            with self.lock:
                self.entries[key] = (200, captured["headers"], b"".join(captured["parts"]))
                while len(self.entries) > MAX_ENTRIES:
                    self.entries.popitem(last=False)
