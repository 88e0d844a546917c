"""Hostile inputs (issue 16): each input costs a bounded amount of time and memory, and one bad
input never stops the others.  Every input here is built by the test itself, small on disk."""

from __future__ import annotations

import gzip
import io
import json
import os
import re
import threading
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from minewatch.ingest.sources import RawItem, Skipped, iter_items

GOOD = ("Ruritania's parliament voted on Tuesday to withdraw from the Mine Ban Treaty, the speaker said, "
        "after a debate that lasted into the evening in the capital.")
#: A hang guard, not a speed target: every case here ends in well under a second when fixed.
HANG_S = 30.0


def run_bounded(fn: Callable[[], Any], seconds: float = HANG_S) -> Any:
    """``fn()`` in a thread; a call still running after ``seconds`` fails the test instead of hanging it."""
    out: dict[str, Any] = {}

    def target() -> None:
        try:
            out["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - handed to the test below
            out["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds}s"
    if "error" in out:
        raise out["error"]
    return out["value"]


def read_all(inputs: list[str], **kw: Any) -> tuple[list[Any], int]:
    """Every item of the inputs and the peak of Python allocations while reading them (bytes)."""
    tracemalloc.start()
    try:
        items = list(iter_items(inputs, **kw))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return items, peak


def gz_of(chunk: bytes, times: int) -> bytes:
    """A gzip member holding ``chunk`` ``times`` over, built without ever holding the whole in memory."""
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    return b"".join([*(comp.compress(chunk) for _ in range(times)), comp.flush()])


# ----------------------------------------------------------------------------- decompression bombs


def test_warc_bomb_is_stopped_early_with_a_short_reason_and_the_good_file_beside_it_kept(tmp_path: Path) -> None:
    (tmp_path / "a-bomb.warc.gz").write_bytes(gz_of(b"\0" * (1 << 20), 200))  # ~200 KB inflating to 200 MB
    (tmp_path / "b-good.txt").write_text(GOOD, encoding="utf-8")
    items, peak = run_bounded(lambda: read_all([str(tmp_path)], max_bytes=1_000_000))
    skipped = [i for i in items if isinstance(i, Skipped)]
    assert len(skipped) == 1 and skipped[0].input.endswith("a-bomb.warc.gz")
    assert len(skipped[0].reason) <= 300 and "\0" not in skipped[0].reason
    assert "decompression bomb" in skipped[0].reason
    assert [i.text for i in items if isinstance(i, RawItem)] == [GOOD]
    assert peak < 64 << 20, f"peak {peak >> 20} MB while reading a 200 KB file"


def test_warc_with_a_page_inflating_past_the_budget_keeps_the_records_before_it(tmp_path: Path) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    for url, payload in (("http://example.org/a", f"<html><body><p>{GOOD}</p></body></html>".encode()),
                         ("http://example.org/b", b"<html><body><p>" + b" " * (60 << 20) + b"</p></body></html>")):
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.0")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(payload),
                                                      length=len(payload), http_headers=headers))
    path = tmp_path / "x.warc.gz"
    path.write_bytes(buf.getvalue())
    items, peak = run_bounded(lambda: read_all([str(path)], max_bytes=1_000_000))
    assert [i.meta.get("url") for i in items if isinstance(i, RawItem)] == ["http://example.org/a"]
    reasons = [i.reason for i in items if isinstance(i, Skipped)]
    assert reasons and all(len(r) <= 300 for r in reasons)
    assert peak < 64 << 20


def test_jsonl_gz_of_newlines_is_cheap_and_stopped(tmp_path: Path) -> None:
    path = tmp_path / "n.jsonl.gz"
    good = json.dumps({"text": GOOD}).encode() + b"\n"
    path.write_bytes(gz_of(good, 1) + gz_of(b"\n" * (1 << 20), 300))  # ~300 KB inflating to 300 MB of newlines
    items, peak = run_bounded(lambda: read_all([str(path)], max_bytes=1_000_000))
    assert [i.text for i in items if isinstance(i, RawItem)] == [GOOD]
    skipped = [i for i in items if isinstance(i, Skipped)]
    assert len(skipped) == 1 and "decompression bomb" in skipped[0].reason
    assert peak < 64 << 20


def test_max_inflated_bytes_caps_a_compressed_file(tmp_path: Path) -> None:
    lines = b"".join(json.dumps({"text": f"{GOOD} Number {i}."}).encode() + b"\n" for i in range(2000))
    path = tmp_path / "many.jsonl.gz"
    path.write_bytes(gzip.compress(lines))
    items = list(iter_items([str(path)], max_bytes=100_000, max_inflated=len(lines) // 2))
    kept = [i for i in items if isinstance(i, RawItem)]
    assert 0 < len(kept) < 2000
    assert isinstance(items[-1], Skipped) and "--max-inflated-bytes" in items[-1].reason


def test_skip_reasons_are_short_whatever_the_input(tmp_path: Path) -> None:
    path = tmp_path / "x.warc"
    path.write_bytes(b"NOTWARC " + b"A" * (5 << 20) + b"\n")
    (reason,) = [i.reason for i in iter_items([str(path)])]
    assert len(reason) <= 300 and reason.startswith("not a WARC file")


# ----------------------------------------------------------------------------- odd file names


def test_a_file_name_that_is_not_utf8_is_escaped_and_the_rest_of_the_folder_read(tmp_path: Path) -> None:
    from minewatch.pipeline import IngestOptions, ingest
    from minewatch.store.repository import Store

    folder = tmp_path / "d"
    folder.mkdir()
    header = "language: en\n\n"  # no language detection: the test is about the name
    for i in range(5):
        (folder / f"good{i}.txt").write_text(f"{header}{GOOD} Report number {i}.", encoding="utf-8")
    with open(os.path.join(os.fsencode(folder), b"bad\xff.txt"), "wb") as fh:
        fh.write(f"{header}{GOOD} The odd one.".encode())
    store = Store.open(f"sqlite:///{tmp_path / 'kb.db'}")
    summary = ingest(store, [str(folder)], IngestOptions(extract=False))
    assert summary.ingested == 6 and not summary.skipped
    paths = {d["path"] for d in store.documents(limit=10)}
    assert str(folder / "bad\\xff.txt") in paths
    json.dumps(summary.to_dict()).encode("utf-8")  # printable as JSON


def test_ansi_escapes_and_newlines_in_names_are_escaped(tmp_path: Path) -> None:
    name = "evil\x1b[2J\x1b[31mred\nline.txt"
    (tmp_path / name).write_text(GOOD, encoding="utf-8")
    (tmp_path / "empty\x1b]0;title\x07.txt").write_bytes(b"")
    items = list(iter_items([str(tmp_path)]))
    labels = [i.input for i in items]
    assert all("\x1b" not in label and "\n" not in label and "\x07" not in label for label in labels)
    assert any(label.endswith("evil\\x1b[2J\\x1b[31mred\\x0aline.txt") for label in labels)


# ----------------------------------------------------------------------------- inputs that never end


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_in_a_folder_is_skipped_not_waited_on(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "a.jsonl")
    (tmp_path / "b.txt").write_text(GOOD, encoding="utf-8")
    items = run_bounded(lambda: list(iter_items([str(tmp_path)])))
    skipped = [i for i in items if isinstance(i, Skipped)]
    assert len(skipped) == 1 and "not a regular file" in skipped[0].reason and "FIFO" in skipped[0].reason
    assert [i.text for i in items if isinstance(i, RawItem)] == [GOOD]


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero here")
def test_a_link_to_the_zero_device_is_skipped(tmp_path: Path) -> None:
    os.symlink("/dev/zero", tmp_path / "x.jsonl")
    os.symlink("/dev/zero", tmp_path / "y.txt")
    items = run_bounded(lambda: list(iter_items([str(tmp_path), str(tmp_path / "y.txt")])))
    assert len(items) == 3 and all(isinstance(i, Skipped) and "a device" in i.reason for i in items)


def test_a_tag_with_many_attributes_is_parsed_without_them(monkeypatch: pytest.MonkeyPatch) -> None:
    import trafilatura

    from minewatch.ingest import extract_html

    seen: list[int] = []
    real = trafilatura.bare_extraction

    def spy(html: str, **kw: Any) -> Any:
        seen.append(max(tag.count("=") for tag in re.findall(r"<[^<>]*>", html)))
        return real(html, **kw)

    monkeypatch.setattr(trafilatura, "bare_extraction", spy)
    attrs = " ".join(f'a{i}="x"' for i in range(40_000))
    page = f"<html><body><div {attrs}><article><p>{GOOD}</p><p>{GOOD}</p></article></div></body></html>"
    out = run_bounded(lambda: extract_html(page))
    assert seen and max(seen) <= 256
    assert GOOD in out["text"]


# ----------------------------------------------------------------------------- nested JSON


def test_deeply_nested_json_line_is_skipped_and_the_lines_after_it_read(tmp_path: Path) -> None:
    path = tmp_path / "deep.jsonl"
    path.write_text("[" * 100_000 + "]" * 100_000 + "\n" + json.dumps({"text": GOOD}) + "\n", encoding="utf-8")
    items = list(iter_items([str(path)]))
    assert isinstance(items[0], Skipped) and "line 1" in items[0].reason and "nested" in items[0].reason
    assert isinstance(items[1], RawItem) and items[1].text == GOOD and items[1].locator == "line 2"


# ----------------------------------------------------------------------------- encodings


def test_utf16_feed_declaring_entities_is_refused(tmp_path: Path) -> None:
    feed = ('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">'
            '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><rss version="2.0"><channel><title>T</title>'
            f"<item><title>x</title><description>&b; {GOOD}</description></item></channel></rss>")
    path = tmp_path / "f.xml"
    path.write_bytes(feed.encode("utf-16"))
    items = list(iter_items([str(path)]))
    assert len(items) == 1 and isinstance(items[0], Skipped) and "entities" in items[0].reason


def test_utf16_text_without_a_bom_is_text_not_binary(tmp_path: Path) -> None:
    for enc in ("utf-16-le", "utf-16-be"):
        path = tmp_path / f"{enc}.txt"
        path.write_bytes(GOOD.encode(enc))
        (item,) = list(iter_items([str(path)]))
        assert isinstance(item, RawItem) and item.text == GOOD
    still_binary = tmp_path / "bin.txt"
    still_binary.write_bytes(bytes(range(256)) * 4)
    (item,) = list(iter_items([str(still_binary)]))
    assert isinstance(item, Skipped) and "binary" in item.reason


# ----------------------------------------------------------------------------- SSRF


class _Handler(BaseHTTPRequestHandler):
    routes: dict[str, tuple[int, dict[str, str], bytes]] = {}

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        status, headers, body = self.routes.get(self.path, (404, {}, b""))
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def _serve(host: str, routes: dict[str, tuple[int, dict[str, str], bytes]]) -> tuple[ThreadingHTTPServer, str]:
    handler = type("H", (_Handler,), {"routes": routes})
    httpd = ThreadingHTTPServer((host, 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://{host}:{httpd.server_address[1]}"


SECRET = b"<html><body><article><p>TOP SECRET internal admin page: the database password is hunter2.</p></article></body></html>"


@pytest.fixture
def secret_server() -> Iterator[str]:
    httpd, base = _serve("127.0.0.1", {"/secret.html": (200, {"Content-Type": "text/html"}, SECRET)})
    yield base
    httpd.shutdown()


def _feed(link: str) -> str:
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title><item><title>Item</title>'
            f"<link>{link}</link><description>{GOOD}</description></item></channel></rss>")


def _texts(items: list[Any]) -> str:
    return " ".join((i.html or i.text or "") for i in items if isinstance(i, RawItem))


def test_feed_links_to_loopback_are_not_followed(tmp_path: Path, secret_server: str,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MINEWATCH_ALLOW_PRIVATE_HOSTS", raising=False)
    port = secret_server.rsplit(":", 1)[1]
    for link in (f"{secret_server}/secret.html", f"http://localhost:{port}/secret.html",
                 f"http://[::ffff:127.0.0.1]:{port}/secret.html", f"http://2130706433:{port}/secret.html"):
        path = tmp_path / "feed.xml"
        path.write_text(_feed(link), encoding="utf-8")
        items = run_bounded(lambda p=path: list(iter_items([str(p)], follow=True)))
        assert "hunter2" not in _texts(items), link
        warnings = [i for i in items if isinstance(i, Skipped)]
        assert warnings and "not a public address" in warnings[0].reason, (link, warnings)
        assert GOOD in _texts(items)  # the entry still goes in, with the feed's own text


def test_allow_private_hosts_lets_an_intranet_monitor_follow_them(tmp_path: Path, secret_server: str,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MINEWATCH_ALLOW_PRIVATE_HOSTS", raising=False)
    path = tmp_path / "feed.xml"
    path.write_text(_feed(f"{secret_server}/secret.html"), encoding="utf-8")
    assert "hunter2" in _texts(list(iter_items([str(path)], follow=True, allow_private=True)))
    monkeypatch.setenv("MINEWATCH_ALLOW_PRIVATE_HOSTS", "1")
    assert "hunter2" in _texts(list(iter_items([str(path)], follow=True)))


def test_a_redirect_from_a_public_host_to_a_private_one_is_refused(tmp_path: Path, secret_server: str,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """127.0.0.2 stands in for the public internet; it redirects to the loopback server."""
    import ipaddress

    from minewatch.ingest import net

    monkeypatch.delenv("MINEWATCH_ALLOW_PRIVATE_HOSTS", raising=False)
    real = net._is_public
    monkeypatch.setattr(net, "_is_public", lambda ip: ip == ipaddress.ip_address("127.0.0.2") or real(ip))
    try:
        httpd, public = _serve("127.0.0.2", {
            "/hop": (302, {"Location": f"{secret_server}/secret.html"}, b""),
            "/loop": (302, {"Location": "/loop"}, b""),
            "/page": (200, {"Content-Type": "text/html"}, f"<html><body><p>{GOOD}</p></body></html>".encode()),
        })
    except OSError:
        pytest.skip("cannot listen on 127.0.0.2 here")
    try:
        path = tmp_path / "feed.xml"
        path.write_text(_feed(f"{public}/page"), encoding="utf-8")
        assert [i.kind for i in iter_items([str(path)], follow=True) if isinstance(i, RawItem)] == ["html"]
        path.write_text(_feed(f"{public}/hop"), encoding="utf-8")
        items = run_bounded(lambda: list(iter_items([str(path)], follow=True)))
        assert "hunter2" not in _texts(items)
        assert any("not a public address" in i.reason for i in items if isinstance(i, Skipped))
        path.write_text(_feed(f"{public}/loop"), encoding="utf-8")
        items = run_bounded(lambda: list(iter_items([str(path)], follow=True)))
        assert any("too many redirects" in i.reason for i in items if isinstance(i, Skipped))
        # the operator's own URL is fetched as given, but its redirect to a private host is still refused
        items = list(iter_items([f"{public}/hop"]))
        assert "hunter2" not in _texts(items) and "not a public address" in items[0].reason
    finally:
        httpd.shutdown()


def test_an_operators_url_on_a_private_host_is_fetched_as_given(secret_server: str,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MINEWATCH_ALLOW_PRIVATE_HOSTS", raising=False)
    assert "hunter2" in _texts(list(iter_items([f"{secret_server}/secret.html"])))


def test_max_bytes_applies_after_decompression(tmp_path: Path) -> None:
    big = json.dumps({"text": " ".join(f"w{i}" for i in range(250_000))}).encode() + b"\n"  # 2 MB, no bomb
    path = tmp_path / "x.jsonl.gz"
    path.write_bytes(gzip.compress(big + json.dumps({"text": GOOD}).encode() + b"\n"))
    assert path.stat().st_size < 1_000_000 < len(big)
    items = list(iter_items([str(path)], max_bytes=1_000_000))
    assert isinstance(items[0], Skipped) and "line 1: longer than the limit" in items[0].reason
    assert isinstance(items[1], RawItem) and items[1].text == GOOD
