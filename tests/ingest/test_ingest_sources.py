"""Reading inputs: every format yields its articles, every bad input a Skipped."""

from __future__ import annotations

import gzip
import io
import json
import os
from datetime import date
from pathlib import Path

import pytest

from minewatch.ingest import prepare
from minewatch.ingest.sources import RawItem, Skipped, iter_items, safe_feed_bytes

ARTICLE = (
    "Ruritania's parliament voted on Tuesday to leave the Mine Ban Treaty, the speaker said.\n"
    "The bill passed by 101 votes to 12 and now goes to the president for signature.\n"
)


def items(inputs: list[str], **kw: object) -> list[RawItem | Skipped]:
    return list(iter_items(inputs, **kw))  # type: ignore[arg-type]


def test_text_file_with_header_block(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text(
        "url: https://www.example.org/news/1\nretrieved_from: somewhere\npublished: 2025-06-27\n"
        "title: Parliament votes\nlanguage: en\n\n" + ARTICLE,
        encoding="utf-8",
    )
    [item] = items([str(f)])
    assert isinstance(item, RawItem)
    assert item.kind == "text" and item.locator == ""
    assert item.meta["url"] == "https://www.example.org/news/1"
    assert item.meta["published"] == date(2025, 6, 27)
    assert "retrieved_from" not in item.meta
    doc = prepare(item)
    assert doc.text.startswith("Ruritania's parliament voted")
    assert doc.outlet == "example.org"
    assert doc.title == "Parliament votes"
    assert doc.language == "en"
    assert doc.path == str(f)


def test_unknown_published_is_none_and_plain_text_has_no_header(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("url: https://x.org/a\npublished: unknown\n\n" + ARTICLE, encoding="utf-8")
    (tmp_path / "b.txt").write_text("Update: a correction was made.\n\n" + ARTICLE, encoding="utf-8")
    a, b = items([str(tmp_path)])
    assert isinstance(a, RawItem) and isinstance(b, RawItem)
    assert a.meta.get("published") is None
    assert b.meta == {}
    assert prepare(b).text.startswith("Update: a correction was made.")


def test_folder_walk_is_recursive_sorted_and_paths_are_as_found(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "b.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "sub" / "c.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "INDEX.tsv").write_text("file\tx\n", encoding="utf-8")
    out = items([str(tmp_path)])
    got = [(type(i).__name__, os.path.relpath(i.input, tmp_path)) for i in out]
    assert got == [("Skipped", "INDEX.tsv"), ("RawItem", "a.txt"), ("RawItem", "b.txt"), ("RawItem", "sub/c.txt")]


def test_relative_folder_keeps_relative_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "corpus" / "dev").mkdir(parents=True)
    (tmp_path / "corpus" / "dev" / "014.txt").write_text(ARTICLE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    [item] = items(["corpus/dev"])
    assert item.input == "corpus/dev/014.txt"


def test_bad_files_are_skipped_with_reasons(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 2)
    (tmp_path / "nul.txt").write_bytes(b"abc\x00\x01\x02def" * 50)
    (tmp_path / "big.txt").write_text(ARTICLE * 100, encoding="utf-8")
    (tmp_path / "ok.txt").write_text(ARTICLE, encoding="utf-8")
    out = {os.path.basename(i.input): i for i in items([str(tmp_path)], max_bytes=1000)}
    assert isinstance(out["ok.txt"], RawItem)
    assert isinstance(out["empty.txt"], Skipped) and "empty" in out["empty.txt"].reason
    assert isinstance(out["image.txt"], Skipped) and "binary" in out["image.txt"].reason
    assert isinstance(out["nul.txt"], Skipped) and "binary" in out["nul.txt"].reason
    assert isinstance(out["big.txt"], Skipped) and "too large" in out["big.txt"].reason


def test_legacy_encoding_is_detected(tmp_path: Path) -> None:
    text = "Министерство обороны сообщило, что парламент проголосовал за выход из конвенции. " * 5
    (tmp_path / "cp1251.txt").write_bytes(text.encode("cp1251"))
    [item] = items([str(tmp_path / "cp1251.txt")])
    assert isinstance(item, RawItem)
    assert "парламент проголосовал" in (item.text or "")


def test_missing_file_and_unreachable_url(tmp_path: Path) -> None:
    out = items([str(tmp_path / "gone.txt"), "http://127.0.0.1:9/nothing", "ftp://example.org/x"])
    assert all(isinstance(i, Skipped) for i in out), out
    assert "not found" in out[0].reason
    assert "unreachable" in out[1].reason
    assert "only http" in out[2].reason


def test_file_vanishing_mid_run(tmp_path: Path) -> None:
    for n in "abc":
        (tmp_path / f"{n}.txt").write_text(ARTICLE, encoding="utf-8")
    gen = iter_items([str(tmp_path)])
    first = next(gen)
    assert isinstance(first, RawItem)
    (tmp_path / "b.txt").unlink()
    rest = list(gen)
    assert isinstance(rest[0], Skipped) and rest[0].input.endswith("b.txt") and "not found" in rest[0].reason
    assert isinstance(rest[1], RawItem) and rest[1].input.endswith("c.txt")


def test_stdin() -> None:
    [item] = items(["-"], stdin=io.StringIO(ARTICLE))
    assert isinstance(item, RawItem) and item.kind == "stdin" and item.input == "-"
    [skip] = items(["-"], stdin=io.StringIO("   \n"))
    assert isinstance(skip, Skipped)


def test_jsonl_bad_line_is_skipped_others_go_on(tmp_path: Path) -> None:
    lines = [
        json.dumps({"text": ARTICLE, "url": "https://news.example.com/1", "published": "2025-06-26"}),
        "{not json",
        json.dumps({"title": "no text"}),
        "",
        json.dumps({"text": "Second article about cluster munitions stockpiles, destroyed last year."}),
    ]
    f = tmp_path / "batch.jsonl"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = items([str(f)])
    kinds = [type(i).__name__ for i in out]
    assert kinds == ["RawItem", "Skipped", "Skipped", "RawItem"]
    assert out[0].locator == "line 1" and out[0].meta["published"] == date(2025, 6, 26)
    assert "line 2" in out[1].reason and "line 3" in out[2].reason
    assert out[3].locator == "line 5"
    gz = tmp_path / "batch.jsonl.gz"
    gz.write_bytes(gzip.compress(f.read_bytes()))
    assert [type(i).__name__ for i in items([str(gz)])] == kinds


HTML_PAGE = """<!DOCTYPE html><html lang="en"><head><title>Parliament votes to leave mine ban treaty</title>
<meta property="og:site_name" content="Example Herald">
<meta property="article:published_time" content="2025-06-26T10:00:00Z"></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Parliament votes to leave mine ban treaty</h1>
<p>Ruritania's parliament voted on Tuesday to leave the Mine Ban Treaty, the speaker of the chamber said after a
long debate that lasted into the evening.</p>
<p>The bill passed by 101 votes to 12 and now goes to the president, who is expected to sign it within days,
officials said.</p>
<p>Opposition deputies said the decision would harm the country's standing and called for a referendum.</p>
</article><footer>Copyright Example Herald</footer></body></html>"""


def test_html_page(tmp_path: Path) -> None:
    f = tmp_path / "page.html"
    f.write_text(HTML_PAGE, encoding="utf-8")
    [item] = items([str(f)])
    assert isinstance(item, RawItem) and item.kind == "html" and item.html
    doc = prepare(item)
    assert "passed by 101 votes to 12" in doc.text
    assert "Home" not in doc.text.split("\n")
    assert doc.title == "Parliament votes to leave mine ban treaty"
    assert doc.published == date(2025, 6, 26)
    assert doc.outlet == "Example Herald"


def test_malformed_html_does_not_raise(tmp_path: Path) -> None:
    f = tmp_path / "broken.htm"
    f.write_text("<html><body><p>Unclosed <b>tags <div><p>The treaty vote was postponed." * 3, encoding="utf-8")
    out = items([str(f)])
    assert len(out) == 1
    if isinstance(out[0], RawItem):
        doc = prepare(out[0])
        assert isinstance(doc.text, str)


RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Example Wire</title><language>en-gb</language>
<item><title>Parliament votes</title><link>https://wire.example.com/a</link>
<pubDate>Thu, 26 Jun 2025 10:00:00 GMT</pubDate>
<description>&lt;p&gt;Ruritania's parliament voted to leave the &lt;b&gt;Mine Ban Treaty&lt;/b&gt;.&lt;/p&gt;</description></item>
<item><title>Second</title><link>https://wire.example.com/b</link>
<description>Cluster munitions stockpile destroyed, the ministry said.</description></item>
</channel></rss>"""


def test_rss_feed_entries(tmp_path: Path) -> None:
    f = tmp_path / "feed.rss"
    f.write_text(RSS, encoding="utf-8")
    out = items([str(f)])
    assert [i.locator for i in out] == ["entry 1", "entry 2"]
    first = out[0]
    assert isinstance(first, RawItem) and first.kind == "feed"
    assert first.text == "Ruritania's parliament voted to leave the Mine Ban Treaty."
    assert first.meta["published"] == date(2025, 6, 26)
    assert first.meta["outlet"] == "Example Wire" and first.meta["language"] == "en"
    doc = prepare(first)
    assert doc.url == "https://wire.example.com/a" and doc.title == "Parliament votes"


def test_feed_is_sniffed_without_extension(tmp_path: Path) -> None:
    f = tmp_path / "download"
    f.write_text(RSS, encoding="utf-8")
    out = items([str(f)])
    assert [i.kind for i in out if isinstance(i, RawItem)] == ["feed", "feed"]


XXE = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>t</title><item><title>a</title><description>&xxe;</description></item></channel></rss>"""

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<rss version="2.0"><channel><title>t</title><item><title>a</title><description>&lol4;</description></item></channel></rss>"""


@pytest.mark.parametrize("body", [XXE, BILLION_LAUGHS], ids=["xxe", "billion-laughs"])
def test_hostile_feeds_are_refused(tmp_path: Path, body: str) -> None:
    f = tmp_path / "evil.xml"
    f.write_text(body, encoding="utf-8")
    [item] = items([str(f)])
    assert isinstance(item, Skipped)
    assert "entities" in item.reason
    assert "root:" not in item.reason and "lollol" not in item.reason


def test_safe_feed_bytes_strips_plain_doctype() -> None:
    data = b'<?xml version="1.0"?>\n<!DOCTYPE rss PUBLIC "-//Netscape//DTD RSS 0.91//EN" "http://x/rss.dtd">\n<rss/>'
    assert b"DOCTYPE" not in safe_feed_bytes(data)


def test_warc_html_records(tmp_path: Path) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    path = tmp_path / "crawl.warc.gz"
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for i, (ctype, body) in enumerate(
            [("text/html; charset=utf-8", HTML_PAGE), ("image/png", "xx"), ("text/html", HTML_PAGE.replace("101", "99"))]
        ):
            http = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            rec = writer.create_warc_record(
                f"https://herald.example.com/{i}", "response", payload=io.BytesIO(body.encode("utf-8")),
                http_headers=http,
            )
            writer.write_record(rec)
    out = items([str(path)])
    assert [type(i).__name__ for i in out] == ["RawItem", "RawItem"]
    assert out[0].kind == "warc" and out[0].meta["url"] == "https://herald.example.com/0"
    assert out[0].locator != out[1].locator
    assert "99 votes" in prepare(out[1]).text


def test_corrupt_warc_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "bad.warc.gz"
    path.write_bytes(gzip.compress(b"WARC/1.0\r\nWARC-Type: response\r\n") [:-8])
    out = items([str(path)])
    assert out and all(isinstance(i, Skipped) for i in out)


SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"


@pytest.mark.shared
@pytest.mark.skipif(not SHARED.is_dir(), reason="needs ../shared")
def test_shared_corpus_reads_every_article() -> None:
    out = items([str(SHARED / "corpus" / "dev")])
    docs = [prepare(i) for i in out if isinstance(i, RawItem)]
    assert len(docs) == 40
    assert [i for i in out if isinstance(i, Skipped)][0].input.endswith("INDEX.tsv")
    by_name = {Path(d.path or "").name: d for d in docs}
    assert by_name["027.txt"].language == "ru" and by_name["037.txt"].language == "fi"
    assert by_name["038.txt"].published == date(2025, 7, 11)
    assert by_name["001.txt"].published is None
    assert "TASS" in by_name["001.txt"].via
