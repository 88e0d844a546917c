"""ASGI middleware: security headers on every response, a cap on request bodies.

The body cap is enforced on the stream, not only on ``Content-Length``, so a
chunked upload cannot get around it.
"""

from __future__ import annotations

import json

from minewatch.web.security import SECURITY_HEADERS

#: Bytes accepted per request body; uploads to /api/ingest get more.
DEFAULT_MAX_BODY = 1_000_000
INGEST_MAX_BODY = 10_000_000


class _TooLarge(Exception):
    pass


class BodyLimitAndHeaders:
    def __init__(self, app, max_body: int = DEFAULT_MAX_BODY, ingest_max_body: int = INGEST_MAX_BODY) -> None:
        self.app = app
        self.max_body = max_body
        self.ingest_max_body = ingest_max_body

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.ingest_max_body if scope["path"].startswith("/api/ingest") else self.max_body
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > limit
            except ValueError:
                too_big = False
            if too_big:
                await _send_413(send, limit)
                return
        received = 0
        started = False
        too_large = False

        async def limited_receive():
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    too_large = True
                    raise _TooLarge
            return message

        async def send_with_headers(message) -> None:
            nonlocal started
            if too_large:
                # the app turned the aborted read into its own error (e.g. 400): answer 413 instead, once
                if message["type"] == "http.response.start" and not started:
                    started = True
                    await _send_413(send, limit)
                return
            if message["type"] == "http.response.start":
                started = True
                raw = list(message.get("headers") or [])
                present = {k.lower() for k, _ in raw}
                for k, v in SECURITY_HEADERS.items():
                    if k.lower().encode() not in present:
                        raw.append((k.lower().encode(), v.encode()))
                message = {**message, "headers": raw}
            await send(message)

        try:
            await self.app(scope, limited_receive, send_with_headers)
        except _TooLarge:
            if not started:
                await _send_413(send, limit)
        except Exception as exc:  # starlette wraps errors raised while reading the body
            if isinstance(exc.__cause__ or exc.__context__, _TooLarge) and not started:
                await _send_413(send, limit)
            else:
                raise


async def _send_413(send, limit: int) -> None:
    body = json.dumps({"detail": f"request body too large: at most {limit} bytes"}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
            + [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()],
        }
    )
    await send({"type": "http.response.body", "body": body})
