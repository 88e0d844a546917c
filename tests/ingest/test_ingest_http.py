"""URLs and followed feed links, against a local HTTP server (no internet needed)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from http_testserver import serve

from minewatch.ingest import prepare
from minewatch.ingest.sources import RawItem, Skipped, iter_items


@pytest.fixture(autouse=True)
def _private_hosts_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test servers listen on 127.0.0.1, which links found in feeds may not name by default."""
    monkeypatch.setenv("MINEWATCH_ALLOW_PRIVATE_HOSTS", "1")


PAGE = """<html><head><title>Ruritania leaves the treaty</title></head><body><article>
<h1>Ruritania leaves the treaty</h1>
<p>Ruritania's parliament voted on Tuesday to withdraw from the Mine Ban Treaty, the speaker of the chamber
said after a debate that lasted into the evening, according to officials in the capital.</p>
<p>The bill passed by 101 votes to 12 and now goes to the president, who is expected to sign it.</p>
</article></body></html>"""


def feed(base: str) -> str:
    return f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Local Wire</title>
<item><title>Ruritania leaves</title><link>{base}/page</link><pubDate>Tue, 24 Jun 2025 08:00:00 GMT</pubDate>
<description>Short summary.</description></item>
<item><title>Missing page</title><link>{base}/missing</link><description>Summary of a missing page.</description></item>
</channel></rss>"""


def routes(base: str) -> dict[str, tuple[str, str]]:
    return {
        "/page": ("text/html; charset=utf-8", PAGE),
        "/feed": ("application/rss+xml", feed(base)),
        "/big": ("text/html", "<p>" + "x" * 5000 + "</p>"),
    }


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with serve(routes) as base:
        yield base


def test_url_page(server: str) -> None:
    [item] = list(iter_items([f"{server}/page"]))
    assert isinstance(item, RawItem) and item.kind == "html"
    doc = prepare(item)
    assert "101 votes to 12" in doc.text
    assert doc.url == f"{server}/page" and (doc.outlet or "").startswith("127.0.0.1")


def test_http_errors_and_size_limit(server: str) -> None:
    out = list(iter_items([f"{server}/missing", f"{server}/big"], max_bytes=1000))
    assert all(isinstance(i, Skipped) for i in out)
    assert "HTTP 404" in out[0].reason
    assert "too large" in out[1].reason


def test_feed_url_without_and_with_follow(server: str) -> None:
    plain = list(iter_items([f"{server}/feed"]))
    assert [i.kind for i in plain if isinstance(i, RawItem)] == ["feed", "feed"]
    assert plain[0].text == "Short summary."

    followed = list(iter_items([f"{server}/feed"], follow=True))
    kinds = [(type(i).__name__, getattr(i, "kind", None)) for i in followed]
    # entry 1: the page itself; entry 2: the page is missing, reported, and the summary is used
    assert kinds == [("RawItem", "html"), ("Skipped", None), ("RawItem", "feed")]
    page = followed[0]
    assert isinstance(page, RawItem) and page.locator == "entry 1"
    doc = prepare(page)
    assert "101 votes to 12" in doc.text
    assert doc.published == date(2025, 6, 24) and doc.title == "Ruritania leaves"
    assert "HTTP 404" in followed[1].reason
