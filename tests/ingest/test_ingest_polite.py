"""Polite fetching: robots.txt obeyed, one client reused, a pause between requests to one host."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from minewatch.ingest import polite
from minewatch.ingest.sources import Skipped, iter_items

PAGE = "<html><body><article><p>Ruritania's parliament voted to leave the Mine Ban Treaty, officials said.</p></article></body></html>"


def make_handler(robots: tuple[int, str] | None, hits: list[str], redirects: dict[str, str]):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802
            hits.append(self.path)
            if self.path in redirects:
                self.send_response(302)
                self.send_header("Location", redirects[self.path])
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if self.path == "/robots.txt":
                status, body = robots if robots else (404, "")
                ctype = "text/plain"
            elif self.path in ("/open", "/private/page"):
                status, body, ctype = 200, PAGE, "text/html; charset=utf-8"
            else:
                status, body, ctype = 404, "", "text/plain"
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@pytest.fixture
def site(monkeypatch) -> Iterator:
    monkeypatch.setattr(polite, "_FETCHER", None)  # a fresh client, robots cache and schedule

    def start(robots: tuple[int, str] | None, redirects: dict[str, str] | None = None):
        hits: list[str] = []
        httpd = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(robots, hits, redirects or {}))
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        servers.append(httpd)
        return f"http://127.0.0.1:{httpd.server_address[1]}", hits

    servers: list = []
    yield start
    for s in servers:
        s.shutdown()
    if polite._FETCHER is not None:
        polite._FETCHER.close()


def _fetch(url: str):
    return list(iter_items([url], max_bytes=1_000_000, follow=False))


def test_robots_txt_disallow_is_obeyed(site) -> None:
    base, hits = site((200, "User-agent: *\nDisallow: /private/\n"))
    [ok] = _fetch(base + "/open")
    assert not isinstance(ok, Skipped) and "Ruritania" in ok.html
    [refused] = _fetch(base + "/private/page")
    assert isinstance(refused, Skipped) and "robots.txt" in refused.reason
    assert "/private/page" not in hits
    assert hits.count("/robots.txt") == 1  # read once per host


def test_rules_for_minewatch_by_name(site) -> None:
    base, hits = site((200, "User-agent: minewatch\nDisallow: /\n\nUser-agent: *\nAllow: /\n"))
    [refused] = _fetch(base + "/open")
    assert isinstance(refused, Skipped) and "disallows" in refused.reason and hits == ["/robots.txt"]


def test_missing_robots_allows_and_a_failing_one_forbids(site) -> None:
    base, _ = site(None)
    [ok] = _fetch(base + "/open")
    assert not isinstance(ok, Skipped)
    base_err, hits = site((503, "down"))
    [refused] = _fetch(base_err + "/open")
    assert isinstance(refused, Skipped) and "503" in refused.reason and hits == ["/robots.txt"]


def test_one_client_for_every_url(site) -> None:
    base, _ = site(None)
    _fetch(base + "/open")
    client = polite._FETCHER.client
    _fetch(base + "/open")
    assert polite._FETCHER.client is client and not client.is_closed


def test_pause_between_requests_to_one_host_and_crawl_delay() -> None:
    now = [100.0]
    slept: list[float] = []

    def sleep(s: float) -> None:
        slept.append(s)
        now[0] += s

    f = polite.PoliteFetcher({}, 5.0, min_interval_s=1.0, clock=lambda: now[0], sleep=sleep)
    f.wait_turn("news.example", 1.0)
    f.wait_turn("news.example", 1.0)
    f.wait_turn("other.example", 1.0)  # another host does not wait
    now[0] += 0.25
    f.wait_turn("news.example", 4.0)  # a Crawl-delay of 4 s
    assert slept == [1.0, 3.75]
    f.wait_turn("127.0.0.1", 1.0)
    f.wait_turn("127.0.0.1", 1.0)  # loopback: no pause
    assert slept == [1.0, 3.75]


def test_an_unreachable_robots_txt_forbids_for_minutes_not_for_the_whole_run(site) -> None:
    base, hits = site((503, "busy"))
    now = [1000.0]
    fetcher = polite.PoliteFetcher({}, 5.0, clock=lambda: now[0], sleep=lambda s: None)
    try:
        assert isinstance(fetcher.robots(f"{base}/open"), polite.Disallowed)
        assert isinstance(fetcher.robots(f"{base}/open"), polite.Disallowed)
        assert hits.count("/robots.txt") == 1  # cached for a while
        now[0] += polite.ROBOTS_ERROR_TTL_S + 1
        fetcher.robots(f"{base}/open")
        assert hits.count("/robots.txt") == 2  # asked again once the error expired
    finally:
        fetcher.close()


def test_a_huge_robots_txt_is_read_only_as_far_as_the_limit(site, monkeypatch) -> None:
    monkeypatch.setattr(polite, "MAX_ROBOTS_BYTES", 64)
    base, _ = site((200, "User-agent: *\nDisallow: /private/\n" + "# padding\n" * 10_000 + "Disallow: /open\n"))
    fetcher = polite.PoliteFetcher({}, 5.0, sleep=lambda s: None)
    try:
        rules = fetcher.robots(f"{base}/open")
        assert not rules.can_fetch(f"{base}/private/page", polite.USER_AGENT)
        assert rules.can_fetch(f"{base}/open", polite.USER_AGENT)  # the rule past the limit was never read
    finally:
        fetcher.close()


def test_a_redirect_hop_is_asked_of_robots_txt(site) -> None:
    base, hits = site((200, "User-agent: *\nDisallow: /private/\n"), {"/moved": "/private/page"})
    [refused] = _fetch(base + "/moved")
    assert isinstance(refused, Skipped) and "disallows" in refused.reason and "/private/page" in refused.reason
    assert hits == ["/robots.txt", "/moved"]  # the forbidden page itself was never requested


def test_a_redirect_to_another_host_reads_that_hosts_robots_txt(site) -> None:
    other, other_hits = site((200, "User-agent: *\nDisallow: /\n"))
    base, hits = site(None, {"/away": other + "/open"})
    [refused] = _fetch(base + "/away")
    assert isinstance(refused, Skipped) and "disallows" in refused.reason
    assert hits == ["/robots.txt", "/away"] and other_hits == ["/robots.txt"]


def test_a_redirect_hop_waits_for_its_hosts_turn(site, monkeypatch) -> None:
    base, hits = site(None, {"/moved": "/open"})
    now = [50.0]
    slept: list[float] = []

    def sleep(s: float) -> None:
        slept.append(s)
        now[0] += s

    monkeypatch.setattr(polite, "_FETCHER", polite.PoliteFetcher({}, 5.0, min_interval_s=1.0,
                                                                   clock=lambda: now[0], sleep=sleep))
    monkeypatch.setattr(polite, "_is_loopback", lambda host: False)  # the pause loopback hosts are spared
    [page] = _fetch(base + "/moved")
    assert not isinstance(page, Skipped) and "Ruritania" in page.html
    assert hits == ["/robots.txt", "/moved", "/open"] and slept == [1.0]  # the hop waited one interval
