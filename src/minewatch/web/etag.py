"""ETag and If-None-Match on every complete GET answer (listings, pages, documents).

A client polling a listing (a notebook, Datasette-style tooling, a browser)
gets ``304 Not Modified`` with no body while the data has not changed.  The
tag is a hash of the body, so it changes exactly when the answer does; streamed
answers (``?format=jsonl``, large CSV) have no Content-Length and pass untouched.

An answer that already carries its tag (one kept by the API or page cache,
hashed once when it was kept) is only compared with ``If-None-Match``: hashing
every cached answer again was 8 % of a warm server's CPU.
"""

from __future__ import annotations

import hashlib


def etag_of(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


def etag_header(body: bytes) -> tuple[bytes, bytes]:
    """The ETag header of a body, for answers kept in a cache (the middleware then hashes them no more)."""
    return (b"etag", etag_of(body).encode("latin-1"))


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
        not_modified = False

        async def wrapped(message) -> None:
            nonlocal start, passing, not_modified
            if not_modified:
                return  # the body of an answer already replaced by 304
            if passing:
                await send(message)
                return
            if message["type"] == "http.response.start":
                headers = message.get("headers", [])
                tagged = next((v for k, v in headers if k.lower() == b"etag"), None)
                if tagged is not None and message["status"] == 200 and if_none_match \
                        and matches(if_none_match, tagged.decode("latin-1")):
                    # tagged by a cache when it was kept: compared, not hashed again
                    not_modified = True
                    await _send_304(send, headers)
                    return
                names = {k.lower() for k, _ in headers}
                if message["status"] != 200 or b"content-length" not in names or tagged is not None:
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
                    await _send_304(send, headers)
                    return
                await send({**start, "headers": headers})
                await send({"type": "http.response.body", "body": body})
                return
            await send(message)

        await self.app(scope, receive, wrapped)


async def _send_304(send, headers: list) -> None:
    kept = [(k, v) for k, v in headers if k.lower() not in (b"content-length", b"content-type")]
    await send({"type": "http.response.start", "status": 304, "headers": kept})
    await send({"type": "http.response.body", "body": b""})
