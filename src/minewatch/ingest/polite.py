"""Fetching other people's pages politely: one HTTP client, robots.txt, a pause between requests to one host.

``minewatch ingest URL --follow`` may fetch hundreds of pages from one news
site.  Each process keeps one ``httpx.Client`` (connections are reused, not
opened per URL), reads a host's ``robots.txt`` once (``protego``, RFC 9309:
a missing file allows everything, an unreachable one allows nothing) and waits
``MIN_INTERVAL_S`` (or the host's ``Crawl-delay``, whichever is longer)
between two requests to the same host.  Loopback hosts (tests, a local
mirror) get no pause: politeness is owed to other people's servers.

``PoliteFetcher.open`` is the one way to fetch: the ingest stage (URLs, feed
links followed) and the feed watcher both go through it, and every redirect
hop is asked of its host's robots.txt and waits its host's turn, like the URL
it came from.
"""

from __future__ import annotations

import ipaddress
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import httpx
from protego import Protego

from minewatch.ingest import net

log = logging.getLogger(__name__)

USER_AGENT = "minewatch"  # the token robots.txt rules name
MIN_INTERVAL_S = 1.0
MAX_CRAWL_DELAY_S = 30.0  # a robots.txt asking for more is capped (a run must end)
MAX_ROBOTS_BYTES = 500_000  # RFC 9309 asks parsers to read at least 500 KiB; more is not read
ROBOTS_TTL_S = 24 * 3600.0  # how long a robots.txt is trusted (RFC 9309: at most a day)
ROBOTS_ERROR_TTL_S = 300.0  # how long an unreachable one forbids the host before it is asked again


class Disallowed(net.FetchError):
    """robots.txt (or its absence through a server error) forbids the URL.

    A ``FetchError``: a redirect hop refused by its robots.txt ends the fetch like any other refusal."""


def _is_loopback(host: str) -> bool:
    if host in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class PoliteFetcher:
    def __init__(self, headers: dict[str, str], timeout_s: float, *, min_interval_s: float = MIN_INTERVAL_S,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep) -> None:
        self.headers = headers
        self.timeout_s = timeout_s
        self.min_interval_s = min_interval_s
        self.clock, self.sleep = clock, sleep
        self._client: httpx.Client | None = None
        self._robots: dict[str, tuple[float, object]] = {}  # origin -> (read at, rules)
        self._last: dict[str, float] = {}
        self._lock = threading.Lock()

    @property
    def client(self) -> httpx.Client:
        """The process's one client: keep-alive connections, the timeout, redirects followed."""
        if self._client is None:
            self._client = httpx.Client(timeout=self.timeout_s, follow_redirects=True, headers=self.headers)
        return self._client

    def _origin(self, url: str) -> tuple[str, str]:
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}", (parts.hostname or "")

    def robots(self, url: str):
        """The host's parsed robots.txt (``None`` when it has none: everything allowed), read through
        the same checked, size-capped stream as every fetch and kept a day (an error: five minutes)."""
        origin, _ = self._origin(url)
        now = self.clock()
        with self._lock:
            cached = self._robots.get(origin)
            if cached is not None:
                read_at, rules = cached
                ttl = ROBOTS_ERROR_TTL_S if isinstance(rules, Disallowed) else ROBOTS_TTL_S
                if now - read_at < ttl:
                    return rules
        rules: object
        try:
            with net.open_stream(origin + "/robots.txt", untrusted=False, client=self.client,
                                 timeout_s=self.timeout_s) as resp:
                status = resp.status_code  # type: ignore[attr-defined]
                if status >= 500:
                    rules = Disallowed(f"robots.txt of {origin} answered HTTP {status}")
                elif status >= 400:
                    rules = None
                else:
                    rules = Protego.parse(_read_head(resp, MAX_ROBOTS_BYTES, 2 * self.timeout_s)
                                          .decode("utf-8", "replace"))
        except (httpx.HTTPError, net.FetchError) as exc:
            rules = Disallowed(f"robots.txt of {origin} unreachable ({type(exc).__name__})")
        with self._lock:
            self._robots[origin] = (now, rules)
        return rules

    def check(self, url: str) -> None:
        """Raise ``Disallowed`` unless robots.txt lets minewatch fetch ``url``; then wait for the host's turn."""
        rules = self.robots(url)
        if isinstance(rules, Disallowed):
            raise Disallowed(f"{rules}: not fetched (RFC 9309: a server error means no crawling)")
        delay = 0.0
        if rules is not None:
            if not rules.can_fetch(url, USER_AGENT):
                raise Disallowed(f"robots.txt of {self._origin(url)[0]} disallows {url} for {USER_AGENT}")
            delay = min(float(rules.crawl_delay(USER_AGENT) or 0.0), MAX_CRAWL_DELAY_S)
        self.wait_turn(self._origin(url)[1], max(delay, self.min_interval_s))

    @contextmanager
    def open(self, url: str, *, untrusted: bool, allow_private: bool = False, headers: dict[str, str] | None = None,
             timeout_s: float | None = None) -> Iterator[httpx.Response]:
        """A streamed GET through the one client (``net.open_stream``: address checks, redirects by hand),
        robots.txt asked and the host's turn awaited before the URL and before each redirect hop."""
        with net.open_stream(url, untrusted=untrusted, allow_private=allow_private, headers=headers,
                             timeout_s=self.timeout_s if timeout_s is None else timeout_s, client=self.client,
                             before_request=self.check) as resp:
            yield resp

    def wait_turn(self, host: str, interval: float) -> None:
        if _is_loopback(host):
            return
        with self._lock:
            now = self.clock()
            due = self._last.get(host, float("-inf")) + interval
            start = max(now, due)
            self._last[host] = start  # the next caller for this host queues after this one
        if start > now:
            log.info("waiting %.1fs before the next request to %s", start - now, host)
            self.sleep(start - now)

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None


def _read_head(resp, limit: int, deadline_s: float) -> bytes:
    """At most ``limit`` bytes of a streamed body within ``deadline_s``: a longer file is read as far as
    the limit (RFC 9309), a trickling one is cut at the deadline."""
    deadline = time.monotonic() + deadline_s
    chunks: list[bytes] = []
    total = 0
    for chunk in resp.iter_bytes():
        chunks.append(chunk[: limit - total])
        total += len(chunks[-1])
        if total >= limit or time.monotonic() > deadline:
            break
    return b"".join(chunks)


_FETCHER: PoliteFetcher | None = None


def fetcher(headers: dict[str, str], timeout_s: float) -> PoliteFetcher:
    """The process's fetcher (one client, one robots cache, one schedule per host)."""
    global _FETCHER
    if _FETCHER is None:
        _FETCHER = PoliteFetcher(headers, timeout_s)
    return _FETCHER
