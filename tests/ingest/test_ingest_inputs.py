"""Inputs the auditor found mishandled: CRLF headers, Latin-1 on stdin, .md in folders, --follow failures."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from http_testserver import serve

from minewatch.ingest import prepare
from minewatch.ingest.meta import parse_header
from minewatch.ingest.sources import PAGE_NOT_FETCHED, RawItem, Skipped, iter_items


@pytest.fixture(autouse=True)
def _private_hosts_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test servers listen on 127.0.0.1, which links found in feeds may not name by default."""
    monkeypatch.setenv("MINEWATCH_ALLOW_PRIVATE_HOSTS", "1")


HEADER = "url: https://example.org/a\npublished: 2025-06-24\ntitle: Ruritania leaves\noutlet: Example Times\n"
BODY = (
    "Ruritania leaves the treaty\n\n"
    "Ruritania's parliament voted on Tuesday to withdraw from the Mine Ban Treaty, the speaker said.\n\n"
    "The bill passed by 101 votes to 12 and now goes to the president for signature.\n"
)


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_header_survives_windows_and_old_mac_line_endings(tmp_path: Path, newline: str) -> None:
    raw = (HEADER + "\n" + BODY).replace("\n", newline)
    header, body = parse_header(raw)
    assert header["title"] == "Ruritania leaves" and header["outlet"] == "Example Times"
    assert body.startswith("Ruritania leaves the treaty\n")
    path = tmp_path / "a.txt"
    path.write_bytes(raw.encode("utf-8"))
    [item] = list(iter_items([str(path)]))
    doc = prepare(item)
    assert doc.published == date(2025, 6, 24) and doc.outlet == "Example Times" and doc.url == "https://example.org/a"
    assert "url:" not in doc.text and "101 votes to 12" in doc.text


def test_latin1_on_stdin_is_decoded_like_a_file() -> None:
    text = (
        "Le Parlement a voté mardi le retrait du traité. Les députés ont approuvé le texte à une large majorité, "
        "a déclaré le président de la chambre. Le ministre a salué une décision « nécessaire » pour la sécurité.\n"
    )
    code = (
        "import json, sys\n"
        "from minewatch.ingest.sources import iter_items\n"
        "from minewatch.ingest import prepare\n"
        "out = [prepare(i).text for i in iter_items(['-'])]\n"
        "sys.stdout.buffer.write(json.dumps(out).encode('utf-8'))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], input=text.encode("latin-1"), capture_output=True, timeout=120,
                          check=True)
    [cleaned] = json.loads(done.stdout)
    assert "voté mardi le retrait du traité" in cleaned and "« nécessaire »" in cleaned


def test_stdin_as_bytes_and_as_text() -> None:
    [item] = list(iter_items(["-"], stdin=io.BytesIO(BODY.encode("cp1252"))))
    assert isinstance(item, RawItem) and item.text == BODY
    [item] = list(iter_items(["-"], stdin=io.StringIO(BODY)))
    assert isinstance(item, RawItem) and item.text == BODY


def test_folder_walk_passes_over_markdown_but_a_named_md_is_read(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(BODY, encoding="utf-8")
    (tmp_path / "README.md").write_text("# Notes\n\nThese files are articles.\n", encoding="utf-8")
    out = list(iter_items([str(tmp_path)]))
    assert [i.input for i in out if isinstance(i, RawItem)] == [str(tmp_path / "a.txt")]
    [skip] = [i for i in out if isinstance(i, Skipped)]
    assert skip.ignored and skip.input.endswith("README.md")
    [named] = list(iter_items([str(tmp_path / "README.md")]))
    assert isinstance(named, RawItem) and "These files are articles." in named.text


PAGE = """<html><head><title>Ruritania leaves the treaty</title>
<meta property="og:site_name" content="Ruritania Herald"></head><body><article>
<h1>Ruritania leaves the treaty</h1>
<p>Ruritania's parliament voted on Tuesday to withdraw from the Mine Ban Treaty, the speaker of the chamber
said after a debate that lasted into the evening, according to officials in the capital.</p>
<p>The bill passed by 101 votes to 12 and now goes to the president, who is expected to sign it.</p>
</article></body></html>"""


def feed(base: str) -> str:
    items = [f"<item><title>Fetched</title><link>{base}/page</link><description>Short summary of the vote "
             "in parliament.</description></item>"]
    for i, path in enumerate(["/missing", "/gone", "/big", "/also-missing"], 1):
        items.append(f"<item><title>Entry {i}</title><link>{base}{path}</link>"
                     f"<description>Summary {i}: the parliament voted to leave the treaty.</description></item>")
    return ('<?xml version="1.0"?><rss version="2.0"><channel><title>Treaty Feed</title>'
            + "".join(items) + "</channel></rss>")


def routes(base: str) -> dict[str, tuple[str, str]]:
    html = "text/html; charset=utf-8"
    return {"/page": (html, PAGE), "/feed": ("application/rss+xml", feed(base)), "/big": (html, "<p>" + "x" * 50_000 + "</p>")}


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with serve(routes) as base:
        yield base


def test_follow_failures_are_warnings_and_every_entry_goes_in(server: str) -> None:
    out = list(iter_items([f"{server}/feed"], follow=True, max_bytes=20_000))
    items = [i for i in out if isinstance(i, RawItem)]
    warnings = [i for i in out if isinstance(i, Skipped)]
    assert [i.kind for i in items] == ["html", "feed", "feed", "feed", "feed"]
    assert len(warnings) == 4
    assert all(w.ignored and w.warning == PAGE_NOT_FETCHED for w in warnings)
    assert all("ingested from the feed's text" in w.reason for w in warnings)
    assert "too large" in warnings[2].reason and "HTTP 404" in warnings[0].reason
    docs = [prepare(i) for i in items]
    # the fetched page names its own site; feed-text documents are the feed's
    assert docs[0].outlet == "Ruritania Herald"
    assert [d.outlet for d in docs[1:]] == ["Treaty Feed"] * 4
    assert docs[1].text.startswith("Summary 1:")


def test_fetched_page_without_site_name_falls_back_to_the_feed_title() -> None:
    item = RawItem("feed.xml", "html", html=PAGE.replace('<meta property="og:site_name" content="Ruritania Herald">', ""),
                   meta={"url": "https://example.org/p", "fallback_outlet": "Treaty Feed"})
    assert prepare(item).outlet == "Treaty Feed"


def test_a_link_only_entry_whose_page_fails_is_reported_for_a_retry(tmp_path, server: str) -> None:
    # a title-and-link feed: without the warning a watcher would mark the entry seen and lose it for good
    feed_file = tmp_path / "links.xml"
    feed_file.write_text('<?xml version="1.0"?><rss version="2.0"><channel><title>Links</title>'
                         f"<item><title>Gone</title><link>{server}/missing</link></item></channel></rss>",
                         encoding="utf-8")
    out = list(iter_items([str(feed_file)], follow=True))
    warnings = [i for i in out if isinstance(i, Skipped) and i.warning == PAGE_NOT_FETCHED]
    assert len(warnings) == 1 and warnings[0].input.endswith(" entry 1")
    assert "HTTP 404" in warnings[0].reason and "no text of its own" in warnings[0].reason
    assert not [i for i in out if isinstance(i, RawItem)]


def test_header_keys_in_any_case(tmp_path: Path) -> None:
    """People write "Title:" and "URL:"; the block is read the same, and "Update:" alone is still the body."""
    header, body = parse_header("Title: Ruritania leaves\nURL: https://example.org/b\nPublished: 2025-06-24\n\nText.")
    assert header == {"title": "Ruritania leaves", "url": "https://example.org/b", "published": "2025-06-24"}
    assert body == "Text."
    assert parse_header("Update: the vote was moved\n\nText.") == ({}, "Update: the vote was moved\n\nText.")
