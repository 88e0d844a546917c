"""Canonical document URLs and outlets by registered domain, from the offline Public Suffix List."""

from __future__ import annotations

import socket
import urllib.request
from pathlib import Path

import pytest

from minewatch.ingest import RawItem, prepare
from minewatch.ingest.meta import (
    agency_for_host,
    canonical_url,
    outlet_from_url,
    outlet_name,
    registered_domain,
)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        # tracking parameters and the fragment go; host lower case; default port dropped
        ("HTTPS://Edition.Example.COM:443/2025/06/vote.html?utm_source=feed&utm_medium=rss#comments",
         "https://edition.example.com/2025/06/vote.html"),
        ("https://www.example.org/news/1?fbclid=AbC123&gclid=x&mc_cid=9&_ga=2.1&ref=home",
         "https://www.example.org/news/1"),
        # meaningful parameters stay, in their spelling, sorted by name; blank ones too
        ("https://example.net/index.php?news_id=31021&m=5&utm_campaign=x", "https://example.net/index.php?m=5&news_id=31021"),
        ("https://example.net/?p=10148&print", "https://example.net/?p=10148&print"),
        ("https://example.net/a/?L=%24%7Bx%20y%7D%2Ffile.pdf&cHash=36a7", "https://example.net/a/?L=%24%7Bx%20y%7D%2Ffile.pdf&cHash=36a7"),
        # courlan's tracker pattern alone would take these for trackers; they name different pages
        ("https://example.net/photos?gallery=2&game=7&global=1&refresh=1",
         "https://example.net/photos?gallery=2&game=7&global=1&refresh=1"),
        # the path is kept as written ("+" stays "+", case stays)
        ("https://example.net/articles/214590/UN%3A+Over+80%2C000+km/", "https://example.net/articles/214590/UN%3A+Over+80%2C000+km/"),
        ("https://example.net/Path/Case", "https://example.net/Path/Case"),
        # an empty path is "/"; credentials go; a non-default port stays
        ("https://user:secret@Example.net:8443", "https://example.net:8443/"),
        ("http://example.net:80/x", "http://example.net/x"),
        # an internationalised host stays in its ASCII form
        ("https://пример.рф/x", "https://xn--e1afmkfd.xn--p1ai/x"),
        # not an http(s) URL: as given
        ("  urn:example:1 ", "urn:example:1"),
        ("", None),
        (None, None),
    ],
)
def test_canonical_url(given: str | None, expected: str | None) -> None:
    assert canonical_url(given) == expected


def test_canonical_url_is_idempotent() -> None:
    once = canonical_url("HTTPS://WWW.Example.org/a?b=2&a=1&utm_source=x#top")
    assert once == "https://www.example.org/a?a=1&b=2"
    assert canonical_url(once) == once


@pytest.mark.parametrize(
    ("url", "outlet"),
    [
        ("https://edition.cnn.com/2025/06/x", "cnn.com"),
        ("https://www.cnn.com/x", "cnn.com"),
        ("https://cnn.com/x", "cnn.com"),
        ("https://news.bbc.co.uk/x", "bbc.co.uk"),
        ("https://www.bbc.co.uk/x", "bbc.co.uk"),
        ("https://bbc.co.uk/x", "bbc.co.uk"),
        ("https://latvia.example-network.com/en/1.html", "example-network.com"),
        ("https://www.example.com.au:8080/x", "example.com.au"),
        # a private suffix of the list: each blog is its own outlet
        ("https://someone.blogspot.com/2026/02/x.html", "someone.blogspot.com"),
        # no registered domain: the host stands for itself
        ("http://127.0.0.1:8000/page", "127.0.0.1"),
        ("http://localhost/page", "localhost"),
        ("https://www.news.example/x", "news.example"),
        ("not a url", None),
        (None, None),
    ],
)
def test_outlet_is_the_registered_domain(url: str | None, outlet: str | None) -> None:
    assert outlet_from_url(url) == outlet


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("www.CNN.com", "cnn.com"),
        ("edition.cnn.com", "cnn.com"),
        ("news.bbc.co.uk", "bbc.co.uk"),
        ("Example.com:8080", "example.com"),
        ("Ruritania Herald", "Ruritania Herald"),
        ("  Teasers ", "Teasers"),
        ("127.0.0.1:8080", "127.0.0.1:8080"),
        ("", None),
        (None, None),
    ],
)
def test_outlet_name_reduces_only_host_names(value: str | None, expected: str | None) -> None:
    assert outlet_name(value) == expected


def test_no_download_at_run_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """The suffix list is the one bundled in ``tld``; with every connection refused outlets still come out right."""
    import tld
    import tld.utils

    bundled = Path(tld.__file__).parent / "res" / "effective_tld_names.dat.txt"
    assert bundled.is_file() and bundled.stat().st_size > 100_000

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access at run time")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    # forget the list already read, so this test reads it again with the network blocked
    monkeypatch.setattr(tld.utils, "tld_names", {})
    registered_domain.cache_clear()
    try:
        assert outlet_from_url("https://edition.cnn.com/x") == "cnn.com"
        assert outlet_from_url("https://news.bbc.co.uk/x") == "bbc.co.uk"
        assert outlet_from_url("https://a.b.example.co.jp/x") == "example.co.jp"
        assert canonical_url("https://Www.Example.org/a?utm_source=x#y") == "https://www.example.org/a"
        doc = prepare(RawItem("x.txt", "text", text="url: https://edition.cnn.com/a?utm_source=x\n\nRuritania voted.\n"))
        assert doc.outlet == "cnn.com" and doc.url == "https://edition.cnn.com/a"
    finally:
        registered_domain.cache_clear()


def _item(url: str, outlet: str | None = None) -> RawItem:
    header = f"url: {url}\n" + (f"outlet: {outlet}\n" if outlet else "")
    return RawItem("x.txt", "text", text=header + "\nRuritania's parliament voted to leave the treaty.\n")


def test_two_links_to_one_page_make_one_source() -> None:
    a = prepare(_item("https://edition.example.com/2025/06/vote.html?utm_source=feed#top"))
    b = prepare(_item("https://EDITION.example.com/2025/06/vote.html?fbclid=XYZ"))
    c = prepare(_item("https://www.example.com/2025/06/vote.html"))
    assert a.url == b.url == "https://edition.example.com/2025/06/vote.html"
    assert a.outlet == b.outlet == c.outlet == "example.com"
    assert a.id == b.id  # identity is the text's, as before
    # the link as given is still in the raw input
    assert "utm_source=feed#top" in a.original


def test_stated_outlet_wins_and_host_names_reduce() -> None:
    assert prepare(_item("https://edition.example.com/a", "Example Times")).outlet == "Example Times"
    assert prepare(_item("https://edition.example.com/a", "www.Example.com")).outlet == "example.com"


def test_html_page_without_a_site_name_gets_the_registered_domain() -> None:
    html = "<html><head><title>Vote</title></head><body><article><p>" + "Ruritania voted to leave. " * 20 + "</p></article></body></html>"
    doc = prepare(RawItem("page.html", "html", html=html, meta={"url": "https://edition.example.co.uk/a?utm_source=x"}))
    assert doc.outlet == "example.co.uk" and doc.url == "https://edition.example.co.uk/a"


def test_agency_site_found_from_any_of_its_hosts() -> None:
    # own-agency detection looks at the full host, so a subdomain of an agency's site counts too
    assert agency_for_host("tass.com") == agency_for_host("en.tass.com") == "TASS"
    doc = prepare(_item("https://www.tass.com/world/1?utm_source=x"))
    assert "TASS" in doc.via and doc.outlet == "tass.com"
