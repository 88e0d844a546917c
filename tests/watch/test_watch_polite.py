"""The feed watcher fetches through the one polite client of ``ingest.polite``: robots.txt, a turn per host."""

from __future__ import annotations

from datetime import datetime

import pytest
from watch_testserver import Route, rss

from minewatch.ingest import polite
from minewatch.watch.feeds import PollOptions, add_watch, poll_due

T0 = datetime(2026, 11, 2, 8, 0, 0)
FAST = PollOptions(timeout_s=2.0, max_bytes=200_000, extract=False)
ITEM = ("wire-001", "Finland to produce mines", "Mon, 02 Nov 2026 07:00:00 GMT",
        "HELSINKI (Wire) - Finland will produce anti-personnel mines again, the defence minister said on Monday.")


@pytest.fixture
def fetches(monkeypatch: pytest.MonkeyPatch):
    """A fresh process fetcher on a clock that only its pauses move; the pauses it took."""
    now = [1000.0]
    slept: list[float] = []

    def sleep(s: float) -> None:
        slept.append(s)
        now[0] += s

    f = polite.PoliteFetcher({}, 5.0, min_interval_s=1.0, clock=lambda: now[0], sleep=sleep)
    monkeypatch.setattr(polite, "_FETCHER", f)
    yield f, slept
    f.close()


def test_a_feed_that_robots_txt_forbids_is_not_polled(server, store, fetches) -> None:
    server.routes["/robots.txt"] = Route(b"User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    server.routes["/private/feed.xml"] = Route(rss("Hidden", [ITEM]))
    add_watch(store, server.url("/private/feed.xml"), "60s", name="hidden", now=T0)
    [r] = poll_due(store, now=T0, options=FAST)
    assert r.outcome == "error" and "robots.txt" in r.error and "disallows" in r.error
    assert server.get_count("/private/feed.xml") == 0 and server.get_count("/robots.txt") == 1
    assert store.counts()["documents"] == 0


def test_watches_share_the_polite_client_and_wait_their_hosts_turn(server, store, fetches, monkeypatch) -> None:
    f, slept = fetches
    monkeypatch.setattr(polite, "_is_loopback", lambda host: False)  # the pause loopback hosts are spared
    server.routes["/a.xml"] = Route(rss("Wire A", [ITEM]))
    server.routes["/b.xml"] = Route(rss("Wire B", [ITEM]))
    add_watch(store, server.url("/a.xml"), "60s", name="a", now=T0)
    add_watch(store, server.url("/b.xml"), "60s", name="b", now=T0)
    results = poll_due(store, now=T0, options=FAST)
    assert [r.outcome for r in results] == ["new", "new"]
    # one robots.txt for the host, and the second feed waited one interval after the first
    assert server.get_count("/robots.txt") == 1 and slept == [1.0]
    assert f._client is not None and not f.client.is_closed  # the process's client, left open for the next poll
