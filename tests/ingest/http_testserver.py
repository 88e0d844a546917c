"""A loopback HTTP server for the ingest tests: a free port, fixed routes, 404 elsewhere (no internet needed)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

#: The routes of a server at ``base``: path → (content type, body).
Routes = Callable[[str], dict[str, tuple[str, str]]]


@contextmanager
def serve(routes: Routes) -> Iterator[str]:
    """Serve ``routes`` on a free loopback port; yields the server's base URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            found = routes(f"http://127.0.0.1:{self.server.server_address[1]}").get(self.path)
            if found is None:
                self.send_response(404)
                self.end_headers()
                return
            ctype, body = found
            data = body.encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
