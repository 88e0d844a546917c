"""A loopback HTTP server for the watch tests: feeds that change, fail, stall; a webhook receiver.

Everything is bounded: the server binds 127.0.0.1 on a free port, its
threads are daemons, a stalled response sleeps a fixed short time, and the
fixture shuts it down after the test.
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "application/rss+xml; charset=utf-8"
    etag: bool = True  # answer If-None-Match with 304 when the body is unchanged
    delay_s: float = 0.0  # stall before answering (bounded by the tests)


@dataclass
class LoopbackServer:
    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[dict] = field(default_factory=list)  # every GET: path and conditional headers
    hooks: list[dict] = field(default_factory=list)  # every POST: path, headers, body
    hook_failures: int = 0  # answer the next N POSTs with 500
    hook_delay_s: float = 0.0  # a slow receiver: stall each POST (bounded) before answering
    server: ThreadingHTTPServer | None = None

    @property
    def base(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def get_count(self, path: str) -> int:
        return sum(1 for r in self.requests if r["path"] == path)


def start_server() -> LoopbackServer:
    state = LoopbackServer()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # keep test output clean
            pass

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            with lock:
                route = state.routes.get(self.path)
                state.requests.append({
                    "path": self.path,
                    "if_none_match": self.headers.get("If-None-Match"),
                    "if_modified_since": self.headers.get("If-Modified-Since"),
                })
            if route is None:
                self.send_error(404)
                return
            if route.delay_s:
                time.sleep(min(route.delay_s, 3.0))
            tag = '"' + hashlib.sha256(route.body).hexdigest()[:16] + '"'
            if route.status == 200 and route.etag and self.headers.get("If-None-Match") == tag:
                self.send_response(304)
                self.send_header("ETag", tag)
                self.end_headers()
                return
            self.send_response(route.status)
            self.send_header("Content-Type", route.content_type)
            self.send_header("Content-Length", str(len(route.body)))
            if route.etag and route.status == 200:
                self.send_header("ETag", tag)
                self.send_header("Last-Modified", "Sun, 01 Nov 2026 10:00:00 GMT")
            self.end_headers()
            try:
                self.wfile.write(route.body)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout tests)
                pass

        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(min(length, 1_000_000))
            if state.hook_delay_s:
                time.sleep(min(state.hook_delay_s, 5.0))
            with lock:
                fail = state.hook_failures > 0
                if fail:
                    state.hook_failures -= 1
                state.hooks.append({"path": self.path, "headers": dict(self.headers.items()), "body": body,
                                    "status": 500 if fail else 204})
            self.send_response(500 if fail else 204)
            self.send_header("Content-Length", "0")
            self.end_headers()

    server = _bind(Handler)
    server.daemon_threads = True
    state.server = server
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return state


#: The loopback ports the test servers may use.
PORTS = range(18600, 18700)


def _bind(handler) -> ThreadingHTTPServer:
    """The first free port of ``PORTS`` (tests running at once each get their own)."""
    for port in PORTS:
        try:
            return ThreadingHTTPServer(("127.0.0.1", port), handler)
        except OSError:
            continue
    raise RuntimeError(f"no free loopback port in {PORTS.start}-{PORTS.stop - 1}")


def stop_server(state: LoopbackServer) -> None:
    if state.server is not None:
        state.server.shutdown()
        state.server.server_close()


def rss(title: str, items: list[tuple[str, ...]]) -> bytes:
    """An RSS 2.0 feed; items are (guid, title, pubDate, text[, link])."""
    parts = [f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}</title>'
             "<language>en</language><link>https://wire.example/</link>"]
    for guid, item_title, pub, text, *link in items:
        href = link[0] if link else f"https://wire.example/{guid}"
        parts.append(
            f"<item><guid>{guid}</guid><title>{item_title}</title><link>{href}</link>"
            f"<pubDate>{pub}</pubDate><description>{text}</description></item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts).encode("utf-8")
