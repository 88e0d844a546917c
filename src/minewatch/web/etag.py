"""ETag and If-None-Match on every complete GET answer (listings, pages, documents).

A client polling a listing (a notebook, Datasette-style tooling, a browser)
gets ``304 Not Modified`` with no body while the data has not changed.  The
tag is a hash of the body, so it changes exactly when the answer does; streamed
answers (``?format=jsonl``, large CSV) have no Content-Length and pass untouched.
"""

from __future__ import annotations

import hashlib


def etag_of(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


def matches(if_none_match: str, tag: str) -> bool:
    """RFC 9110 weak comparison: ``*``, a list of tags, with or without ``W/``."""
    wanted = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
    return "*" in wanted or tag in wanted


class ETags:
    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET":  # a HEAD answer has no body to hash
            await self.app(scope, receive, send)
            return
        request_headers = dict(scope.get("headers") or [])
        if_none_match = request_headers.get(b"if-none-match", b"").decode("latin-1")
        start: dict | None = None
        chunks: list[bytes] = []
        passing = False

        async def wrapped(message) -> None:
            nonlocal start, passing
            if passing:
                await send(message)
                return
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                if message["status"] != 200 or b"content-length" not in names or b"etag" in names:
                    passing = True  # errors, streams and tagged answers go through as they are
                    await send(message)
                    return
                start = message
                return
            if message["type"] == "http.response.body" and start is not None:
                chunks.append(message.get("body", b""))
                if message.get("more_body"):
                    return
                body = b"".join(chunks)
                tag = etag_of(body)
                headers = [*start.get("headers", []), (b"etag", tag.encode("latin-1"))]
                if if_none_match and matches(if_none_match, tag):
                    kept = [(k, v) for k, v in headers if k.lower() not in (b"content-length", b"content-type")]
                    await send({"type": "http.response.start", "status": 304, "headers": kept})
                    await send({"type": "http.response.body", "body": b""})
                    return
                await send({**start, "headers": headers})
                await send({"type": "http.response.body", "body": body})
                return
            await send(message)

        await self.app(scope, receive, wrapped)
