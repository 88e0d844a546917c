"""Serving the app with uvicorn (``minewatch serve``)."""

from __future__ import annotations

import os
import shutil
import socket
import sys
import tempfile

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

try:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
except ImportError:  # httptools is optional: uvicorn falls back to h11
    HttpToolsProtocol = None  # type: ignore[assignment,misc]

from minewatch.store.database import database_url
from minewatch.store.repository import Store
from minewatch.web.cache import SHARED_ENV

#: Seconds a connection may take to send a request's headers (``MINEWATCH_HEADER_TIMEOUT_S``);
#: a client trickling them ("slowloris") is disconnected between one and two of these.
HEADER_TIMEOUT_S = 10.0
#: Seconds requests still running get after SIGTERM before they are cancelled.
GRACEFUL_SHUTDOWN_S = 3
#: How long a thread holds the GIL before one waiting may take it (Python's default: 5 ms), in each
#: worker: 0.5 ms lowered the cold-start p99 of bench/api.py by a quarter to a third while other
#: work loaded the machine, by 5 % or less on a quiet one (README, API latency).
GIL_SWITCH_S = 0.0005


def header_timeout_s() -> float:
    try:
        value = float(os.environ.get("MINEWATCH_HEADER_TIMEOUT_S", "") or HEADER_TIMEOUT_S)
    except ValueError:
        value = HEADER_TIMEOUT_S
    return value if value > 0 else HEADER_TIMEOUT_S


class _HeaderDeadline:
    """A connection that starts no new request for a whole period, while none is running, is closed.

    uvicorn times out idle keep-alive connections only after a response: a client that opens a
    connection and sends its headers a byte a minute held it (and a file descriptor) for ever.
    """

    def _arm_deadline(self) -> None:
        self._mw_seen: object = object()
        self._mw_timer = self.loop.call_later(header_timeout_s(), self._check_deadline)  # type: ignore[attr-defined]

    def _check_deadline(self) -> None:
        transport = getattr(self, "transport", None)
        if transport is None or transport.is_closing():
            return
        cycle = getattr(self, "cycle", None)
        busy = cycle is not None and not cycle.response_complete
        if not busy and cycle is self._mw_seen:
            transport.close()  # no request began in a whole period: headers never came
            return
        self._mw_seen = cycle
        self._mw_timer = self.loop.call_later(header_timeout_s(), self._check_deadline)  # type: ignore[attr-defined]

    def _disarm_deadline(self) -> None:
        timer = getattr(self, "_mw_timer", None)
        if timer is not None:
            timer.cancel()


def _set_nodelay(transport) -> None:
    sock = transport.get_extra_info("socket")
    if sock is not None:
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass


# With several workers uvicorn hands the listening socket to the worker
# processes, and the accepted sockets then lose asyncio's automatic
# TCP_NODELAY: headers and body go out in two writes, and Nagle's algorithm
# with delayed ACKs added 40 ms to every response.  These protocols set it.
if HttpToolsProtocol is not None:

    class NoDelayHttpProtocol(_HeaderDeadline, HttpToolsProtocol):  # the C parser, when httptools is installed
        def connection_made(self, transport) -> None:  # type: ignore[override]
            _set_nodelay(transport)
            super().connection_made(transport)
            self._arm_deadline()

        def connection_lost(self, exc) -> None:  # type: ignore[override]
            self._disarm_deadline()
            super().connection_lost(exc)

else:

    class NoDelayHttpProtocol(_HeaderDeadline, H11Protocol):  # type: ignore[no-redef]
        def connection_made(self, transport) -> None:  # type: ignore[override]
            _set_nodelay(transport)
            super().connection_made(transport)
            self._arm_deadline()

        def connection_lost(self, exc) -> None:  # type: ignore[override]
            self._disarm_deadline()
            super().connection_lost(exc)


def app_factory():
    """For uvicorn's worker processes: each builds its own app from the environment."""
    # lazy: the supervising parent process imports this module too and never builds an app (about a
    # second of imports and their memory); each spawned worker imports it here, before it accepts connections
    from minewatch.web.app import create_app

    cors = [o for o in os.environ.get("MINEWATCH_CORS", "").split(",") if o.strip()]
    # a worker's event loop answers cached pages while up to 40 threads compute new answers; with
    # Python's 5 ms GIL switch interval it waited its turn behind every one of them (bench/api.py)
    sys.setswitchinterval(GIL_SWITCH_S)
    # warmed before uvicorn accepts a connection: no client waits for a worker's first-request costs
    return create_app(os.environ.get("MINEWATCH_DB"), cors=cors or None, warm_up=True,
                      shared_answers=os.environ.get(SHARED_ENV) or None)


def run_server(
    db: str | None, host: str = "127.0.0.1", port: int = 8000, workers: int = 1, cors: list[str] | None = None
) -> None:
    """Serve until interrupted; the address is printed first so a user can click it."""
    url = database_url(db)
    Store.open(url)  # create/check the database once, before the workers start
    os.environ["MINEWATCH_DB"] = url
    if cors:
        os.environ["MINEWATCH_CORS"] = ",".join(o.strip() for o in cors)
    where = f"http://{'[' + host + ']' if ':' in host else host}:{port}/"
    writes = "writes enabled (token set)" if os.environ.get("MINEWATCH_TOKEN") else "read-only (set MINEWATCH_TOKEN to enable writes)"
    print(f"minewatch: serving {url} on {where} ({writes})", flush=True)
    # several workers share the API answers they compute (one computes, the others read), in a
    # private folder of this run: mode 0700, removed when the server stops
    shared = tempfile.mkdtemp(prefix="minewatch-answers-") if workers > 1 else None
    if shared:
        os.environ[SHARED_ENV] = os.path.join(shared, "answers.sqlite")
    try:
        _run_uvicorn(host, port, workers)
    finally:
        if shared:
            os.environ.pop(SHARED_ENV, None)
            shutil.rmtree(shared, ignore_errors=True)


def _run_uvicorn(host: str, port: int, workers: int) -> None:
    uvicorn.run(
        "minewatch.web.server:app_factory",
        factory=True,
        host=host,
        port=port,
        workers=max(1, workers),
        log_level="warning",
        proxy_headers=False,
        http=NoDelayHttpProtocol,
        # SIGTERM: requests still running after this are cancelled, so the server (and its write
        # lock) goes within seconds, not when the slowest client is done
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S,
    )
