"""A cache of GET /api responses, dropped whenever the database changes.

Reads vastly outnumber writes (a review, an ingest run), and the API's answers
depend on nothing but the URL and the data, so an answer can be served again
until the next write.  "The data changed" is read from the SQLite files
themselves (size and modification time of the database and its WAL), which
every worker process sees, whoever wrote.  Other databases are not cached.
Pages are not cached here: they carry the visitor's CSRF token.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl

from minewatch.web.etag import etag_header

MAX_ENTRIES = 4096
MAX_BODY = 2_000_000  # bytes: bigger answers are not kept
#: Bytes all kept answers may take together (bodies and headers), per process.
MAX_BYTES = 32_000_000


def sqlite_path(engine) -> str | None:
    if engine.dialect.name != "sqlite":
        return None
    path = engine.url.database
    return path if path and path != ":memory:" else None


class DataVersion:
    """A value that changes whenever the SQLite database is written to.

    Two ``os.stat`` calls per request were a tenth of the server's CPU, so the
    value is kept for ``ttl`` seconds per process (shared by every
    ``DataVersion`` of one file): a write by another process shows within
    100 ms, and a write through this process (any non-GET request) at once,
    through ``invalidate``.
    """

    _shared: dict[tuple[str, ...], tuple[float, tuple]] = {}

    def __init__(self, path: str | None, ttl: float = 0.1) -> None:
        self.paths = [path, path + "-wal"] if path else []
        self.key = tuple(self.paths)
        self.ttl = ttl

    def __call__(self) -> tuple | None:
        if not self.paths:
            return None
        now = time.monotonic()
        kept = self._shared.get(self.key)
        if kept is not None and now - kept[0] < self.ttl:
            return kept[1]
        value = self.read()
        self._shared[self.key] = (now, value)
        return value

    def read(self) -> tuple:
        out = []
        for p in self.paths:
            try:
                st = os.stat(p)
                out.append((st.st_mtime_ns, st.st_size))
            except FileNotFoundError:
                out.append(None)
        return tuple(out)

    def invalidate(self) -> None:
        """Forget the kept value: the next call reads the files again (after a write by this process)."""
        self._shared.pop(self.key, None)


class SingleFlight:
    """Identical concurrent computations on one event loop run once; the others wait for its result.

    Fifty clients asking for the same uncached listing at once made a worker
    run the same query fifty times over, each in its own thread.
    """

    def __init__(self) -> None:
        self.flights: dict[tuple, asyncio.Future] = {}

    async def run(self, key: tuple, compute: Callable[[], Awaitable[Any]]) -> Any:
        """``await compute()``, shared with the callers that ask for ``key`` while it runs."""
        flight = self.flights.get(key)
        if flight is not None:
            return await asyncio.shield(flight)
        flight = asyncio.get_running_loop().create_future()
        self.flights[key] = flight
        try:
            value = await compute()
        except BaseException as exc:
            if not flight.done():
                flight.set_exception(exc)
                flight.exception()  # retrieved: a failure with no follower is not logged as unhandled
            raise
        finally:
            if self.flights.get(key) is flight:
                del self.flights[key]
        flight.set_result(value)
        return value


#: Bytes of answers the workers of one server share on disk (bodies), beyond which the oldest go.
SHARED_MAX_BYTES = 64_000_000
#: Environment variable naming the shared answers file of a server's workers (set by ``run_server``).
SHARED_ENV = "MINEWATCH_SHARED_ANSWERS"


class SharedAnswers:
    """API answers shared by the worker processes of one server, in a SQLite file of their own.

    Each uvicorn worker is a process with its own ``ApiResponseCache``: after a
    start or a write, every worker computed every answer again (two workers,
    twice the work of a cold start).  An answer one worker computed is put
    here, keyed like the memory cache (path, query, data version), and another
    worker asking for it reads it instead of computing it.  The file lives in
    a private folder (mode 0700) that ``run_server`` makes and removes.  It is
    a cache: a busy or broken file is skipped (never waited for), so a request
    costs at most one indexed read more.
    """

    def __init__(self, path: str, max_bytes: int = SHARED_MAX_BYTES) -> None:
        self.path = path
        self.max_bytes = max_bytes
        self.lock = threading.Lock()
        self.puts = 0
        self.unchecked = 0  # bytes put since the size was last checked
        self.conn: sqlite3.Connection | None = None
        try:
            # workers starting together may wait for each other while the file is set up ...
            conn = sqlite3.connect(path, timeout=5, check_same_thread=False, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=OFF")  # a cache: losing it in a crash is harmless
            conn.execute("CREATE TABLE IF NOT EXISTS answers (key TEXT PRIMARY KEY, version TEXT NOT NULL, "
                         "headers TEXT NOT NULL, body BLOB NOT NULL)")
            conn.execute("PRAGMA busy_timeout=0")  # ... but a request never waits: a busy write is skipped
            self.conn = conn
        except sqlite3.Error:
            self.conn = None

    @staticmethod
    def _key(key: tuple) -> str:
        return hashlib.blake2b(repr(key).encode("utf-8", "surrogatepass"), digest_size=20).hexdigest()

    def get(self, key: tuple) -> tuple[int, list, bytes] | None:
        if self.conn is None:
            return None
        try:
            with self.lock:
                row = self.conn.execute("SELECT version, headers, body FROM answers WHERE key = ?",
                                        (self._key(key),)).fetchone()
        except sqlite3.Error:
            return None
        if row is None or row[0] != repr(key[-1]):
            return None
        headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in json.loads(row[1])]
        return 200, headers, bytes(row[2])

    def put(self, key: tuple, entry: tuple[int, list, bytes]) -> None:
        if self.conn is None:
            return
        _, headers, body = entry
        stored = json.dumps([(k.decode("latin-1"), v.decode("latin-1")) for k, v in headers])
        try:
            with self.lock:
                self.conn.execute("INSERT OR REPLACE INTO answers (key, version, headers, body) VALUES (?, ?, ?, ?)",
                                  (self._key(key), repr(key[-1]), stored, body))
                self.puts += 1
                self.unchecked += len(body)
                if self.puts % 200 == 0 or self.unchecked > self.max_bytes // 4:
                    self._trim(repr(key[-1]))
                    self.unchecked = 0
        except sqlite3.Error:
            return  # busy (the other worker writes) or broken: this answer is simply not shared

    def _trim(self, version: str) -> None:
        """Drop answers of older data, then the oldest until the bodies fit ``max_bytes``."""
        self.conn.execute("DELETE FROM answers WHERE version != ?", (version,))
        total = self.conn.execute("SELECT coalesce(sum(length(body)), 0) FROM answers").fetchone()[0]
        if total > self.max_bytes:
            self.conn.execute("DELETE FROM answers WHERE rowid IN (SELECT rowid FROM answers ORDER BY rowid "
                              "LIMIT (SELECT count(*) / 2 FROM answers))")


class ApiResponseCache:
    """ASGI middleware: serve repeated GET /api requests from memory until the data changes."""

    def __init__(self, app, version: DataVersion, prefix: str = "/api/", shared: SharedAnswers | None = None) -> None:
        self.app = app
        self.version = version
        self.prefix = prefix
        self.shared = shared
        self.entries: OrderedDict[tuple, tuple[int, list, bytes]] = OrderedDict()
        self.bytes = 0
        self.max_bytes = MAX_BYTES
        self.lock = threading.Lock()
        self.hits = self.misses = 0
        self.flight = SingleFlight()

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] not in ("GET", "HEAD"):
            try:
                await self.app(scope, receive, send)
            finally:
                self.version.invalidate()  # a write through this process shows at once, not after the TTL
            return
        if scope["method"] != "GET" or not scope["path"].startswith(self.prefix) or _is_warm_up(scope):
            await self.app(scope, receive, send)
            return
        version = self.version()
        if version is None:
            await self.app(scope, receive, send)
            return
        # a listing's next_url and Link name the scheme and host the request named: kept per host
        host = next((v for k, v in scope.get("headers") or () if k == b"host"), b"").decode("latin-1")
        key = (scope["path"], normalised_query(scope.get("query_string", b"")), scope.get("scheme", "http"), host,
               version)
        hit = self._get(key)
        if hit is None and key in self.flight.flights:
            # the same request is being answered: wait for that answer instead of computing it again
            try:
                hit = await self.flight.run(key, self._never)
            except Exception:  # noqa: BLE001 - the leader's failure is its own; answer this one afresh
                hit = None
        if hit is None and self.shared is not None and key not in self.flight.flights:
            hit = self.shared.get(key)  # another worker's answer
            if hit is not None:
                self._keep(key, hit)
        if hit is not None:
            status, headers, body = hit
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        self.misses += 1
        await self.flight.run(key, lambda: self._answer(key, version, scope, receive, send))

    def _get(self, key: tuple) -> tuple[int, list, bytes] | None:
        with self.lock:
            hit = self.entries.get(key)
            if hit is not None:
                self.entries.move_to_end(key)
                self.hits += 1
        return hit

    @staticmethod
    async def _never() -> None:  # only called when the flight ended between the check and the wait
        return None

    async def _answer(self, key, version, scope, receive, send) -> tuple[int, list, bytes] | None:
        """Answer the request; the answer, when it can be kept, goes to the cache and to those waiting on it."""
        captured: dict[str, Any] = {"parts": [], "ok": True}

        async def capture(message) -> None:
            if message["type"] == "http.response.start":
                captured["status"] = message["status"]
                captured["headers"] = list(message.get("headers") or [])
                names = {k.lower() for k, _ in captured["headers"]}
                if message["status"] == 200 and b"content-length" in names and b"etag" not in names:
                    # a complete answer that may be kept: its ETag is computed once, here, and kept with it
                    captured["start"] = message
                    return
            elif message["type"] == "http.response.body":
                captured["parts"].append(message.get("body", b""))
                if sum(len(p) for p in captured["parts"]) > MAX_BODY:
                    captured["ok"] = False
                start = captured.pop("start", None) if not message.get("more_body") else None
                if start is not None:
                    body = b"".join(captured["parts"])
                    captured["parts"] = [body]
                    captured["headers"].append(etag_header(body))
                    await send({**start, "headers": captured["headers"]})
                    await send({"type": "http.response.body", "body": body})
                    return
                if "start" in captured:
                    return  # more of a held answer's body
            await send(message)

        await self.app(scope, receive, capture)
        if captured.get("status") != 200 or not captured["ok"]:
            return None
        entry = (200, captured["headers"], b"".join(captured["parts"]))
        if self.version.read() == version:
            self._keep(key, entry)
            if self.shared is not None:
                self.shared.put(key, entry)
        return entry

    def _keep(self, key: tuple, entry: tuple[int, list, bytes]) -> None:
        with self.lock:
            old = self.entries.pop(key, None)
            if old is not None:
                self.bytes -= _size(old)
            self.entries[key] = entry
            self.bytes += _size(entry)
            while len(self.entries) > MAX_ENTRIES or self.bytes > self.max_bytes:
                _, dropped = self.entries.popitem(last=False)
                self.bytes -= _size(dropped)


#: Header of the requests a worker makes to itself at start-up (``web/warmup.py``): their answers are not
#: kept, since a listing's ``next_url`` and ``Link`` carry the host the request named.
WARM_UP_HEADER = b"x-minewatch-warm-up"


def _is_warm_up(scope) -> bool:
    return any(k == WARM_UP_HEADER for k, _ in scope.get("headers") or ())


def _size(entry: tuple[int, list, bytes]) -> int:
    """Bytes an entry keeps: its body, its headers, and a little for the tuple and key around them."""
    return len(entry[2]) + sum(len(k) + len(v) for k, v in entry[1]) + 512


def route_params(route) -> frozenset[str]:
    """The query parameters a route takes: its endpoint's and its dependencies'."""
    known = _ROUTE_PARAMS.get(id(route))
    if known is None:
        names: set[str] = set()
        todo = [route.dependant]
        while todo:
            dep = todo.pop()
            names.update(p.alias for p in dep.query_params)
            todo.extend(dep.dependencies)
        known = _ROUTE_PARAMS[id(route)] = frozenset(names)
    return known


_ROUTE_PARAMS: dict[int, frozenset[str]] = {}


def known_query(request) -> tuple:
    """The request's query pairs the route takes, sorted: parameters it ignores make no new cache key."""
    route = request.scope.get("route")
    if route is None or not getattr(route, "dependant", None):
        return normalised_query(request.url.query.encode("latin-1", "replace"))
    known = route_params(route)
    return tuple(sorted((k, v) for k, v in request.query_params.multi_items() if k in known))


def normalised_query(query: bytes) -> tuple:
    """The query as sorted (name, value) pairs: ``?b=1&a=2`` and ``?a=2&b=1`` are one entry.

    Only answers with status 200 are kept, and a parameter the route does not know is a
    422 (``api.no_unknown_params``), so a client cannot grow the cache with made-up names.
    """
    return tuple(sorted(parse_qsl(query.decode("latin-1"), keep_blank_values=True)))
