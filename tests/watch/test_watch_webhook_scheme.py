"""Webhooks signed the Standard Webhooks way: id, timestamp and body under one HMAC, so a replay is refused."""

from __future__ import annotations

import base64
import time

import httpx
import pytest

from minewatch.watch import alerts as al

SECRET = "hook-secret-for-tests"


def _capture():
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(204 if len(seen) > 1 else 503)

    return seen, httpx.Client(transport=httpx.MockTransport(handler))


def test_each_post_carries_id_timestamp_and_signature() -> None:
    seen, client = _capture()
    body = al.encode({"type": "fact", "subject": "f-1"})
    status = al.post_webhook("https://hooks.example/x", body, SECRET, delivery_id="42", event="fact", client=client,
                             pauses=(0.0,), sleep=lambda s: None)
    assert status == 204 and len(seen) == 2  # one retry after the 503
    for request in seen:
        h = request.headers
        assert h["webhook-id"] == "42" and abs(int(h["webhook-timestamp"]) - time.time()) < 60
        assert al.verify_webhook(request.content, h, SECRET)
        assert al.verify_signature(request.content, SECRET, h["X-Minewatch-Signature"])  # the older header stays


def test_replayed_or_altered_posts_fail_verification() -> None:
    body = b'{"type":"fact"}'
    old = int(time.time()) - 3600
    captured = al.webhook_headers("7", body, SECRET, timestamp=old)
    assert al.verify_webhook(body, captured, SECRET, now=old + 10)
    assert not al.verify_webhook(body, captured, SECRET)  # an hour later: a replay
    fresh = al.webhook_headers("7", body, SECRET)
    assert not al.verify_webhook(b'{"type":"conflict"}', fresh, SECRET)
    assert not al.verify_webhook(body, {**fresh, "webhook-id": "8"}, SECRET)
    assert not al.verify_webhook(body, fresh, "another secret")
    assert not al.verify_webhook(body, {"webhook-id": "7"}, SECRET)


def test_a_standard_webhooks_library_accepts_the_signature() -> None:
    standardwebhooks = pytest.importorskip("standardwebhooks")
    secret = "whsec_" + base64.b64encode(b"0123456789abcdef0123456789abcdef").decode()
    body = b'{"type":"fact","subject":"f-1"}'
    headers = al.webhook_headers("msg_1", body, secret)
    assert standardwebhooks.Webhook(secret).verify(body, headers) == {"type": "fact", "subject": "f-1"}
