"""Shards read on their own give exactly what one reader gives (no Ray needed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from minewatch.ingest.sources import RawItem, iter_items
from minewatch.scale.shards import plan_shards, read_shard


@pytest.fixture(autouse=True)
def _private_hosts_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test servers listen on 127.0.0.1, which links found in feeds may not name by default."""
    monkeypatch.setenv("MINEWATCH_ALLOW_PRIVATE_HOSTS", "1")


def _view(items) -> list[tuple]:
    return [
        (i.input, i.locator, i.text, tuple(sorted(i.meta.items()))) if isinstance(i, RawItem) else ("skip", i.input, i.reason)
        for i in items
    ]


@pytest.fixture
def inputs(tmp_path: Path) -> list[str]:
    lines = []
    for n in range(40):
        if n == 7:
            lines.append("{not json")
        elif n == 8:
            lines.append("")
        else:
            lines.append(json.dumps({"text": f"Article number {n} about the weather and sport.", "title": f"T{n}"}))
    big = tmp_path / "big.jsonl"
    big.write_text("\n".join(lines) + "\n", encoding="utf-8")
    folder = tmp_path / "folder"
    (folder / "b").mkdir(parents=True)
    (folder / "a.txt").write_text("A short article about rain.\n", encoding="utf-8")
    (folder / "b" / "c.txt").write_text("Another one about markets.\n", encoding="utf-8")
    (folder / "notes.bin").write_bytes(b"\x00\x01")
    return [str(big), str(folder)]


def test_shards_read_separately_equal_one_reader(inputs: list[str]) -> None:
    shards = plan_shards(inputs, shard_bytes=300)
    assert sum(1 for s in shards if s.end is not None) > 5  # the JSONL file was cut into ranges
    assert [s.order for s in shards] == list(range(len(shards)))
    from_shards = [i for s in shards for i in read_shard(s)]
    assert _view(from_shards) == _view(iter_items(inputs))


def test_ranges_cover_the_file_without_overlap(inputs: list[str]) -> None:
    ranges = [s for s in plan_shards(inputs[:1], shard_bytes=257)]
    assert ranges[0].start == 0 and ranges[-1].end == Path(inputs[0]).stat().st_size
    assert all(a.end == b.start for a, b in zip(ranges, ranges[1:], strict=False))


def test_standard_input_cannot_be_sharded() -> None:
    with pytest.raises(ValueError, match="standard input"):
        plan_shards(["-"])


def test_ray_engine_refuses_sqlite(tmp_path: Path) -> None:
    from minewatch.scale.ray_engine import ScaleError, run_ray_ingest

    with pytest.raises(ScaleError, match="PostgreSQL"):
        run_ray_ingest(f"sqlite:///{tmp_path / 'kb.db'}", [str(tmp_path)], "local:2")


def test_ray_addresses() -> None:
    from minewatch.scale.ray_engine import ScaleError, ray_address

    assert ray_address("local:3") == (None, 3)
    assert ray_address("ray://head:10001") == ("ray://head:10001", None)
    assert ray_address("auto") == ("auto", None)
    with pytest.raises(ScaleError):
        ray_address("http://nowhere")


def test_cli_ray_engine_refuses_sqlite_with_a_message(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from minewatch.cli import app

    article = tmp_path / "a.txt"
    article.write_text("Parliament voted to leave the Ottawa Convention.\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["--db", str(tmp_path / "kb.db"), "ingest", "--engine", "ray", "-q", str(article)])
    assert result.exit_code == 2
    assert "PostgreSQL" in result.output
    assert not (tmp_path / "kb.db").exists()  # refused before anything opened (and created) the file


def test_ray_engine_refusal_leaves_no_sqlite_file(tmp_path: Path) -> None:
    from minewatch.scale.ray_engine import ScaleError, run_ray_ingest

    with pytest.raises(ScaleError, match="PostgreSQL"):
        run_ray_ingest(str(tmp_path / "r1.db"), [str(tmp_path)], "local:2")
    assert not (tmp_path / "r1.db").exists()


def test_cli_address_needs_the_ray_engine(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from minewatch.cli import app

    article = tmp_path / "a.txt"
    article.write_text("Parliament voted to leave the Ottawa Convention.\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["--db", str(tmp_path / "kb.db"), "ingest", "--address", "local:2", "-q", str(article)])
    assert result.exit_code == 2
    assert "--engine ray" in result.output
    assert not (tmp_path / "kb.db").exists()


def test_read_shard_follows_feed_pages_like_the_single_reader(tmp_path: Path) -> None:
    """`--follow` on the Ray engine: the worker reading a feed fetches its pages, as `ingest --follow` does."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    page = (b"<html><head><title>Exit vote</title></head><body><article><p>Parliament voted on Tuesday to leave "
            b"the Ottawa Convention banning anti-personnel mines, the speaker said.</p></article></body></html>")

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            ok = self.path == "/page.html"
            self.send_response(200 if ok else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page) if ok else 0))
            self.end_headers()
            if ok:
                self.wfile.write(page)

    server = None
    for port in range(18600, 18700):
        try:
            server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
            break
        except OSError:
            continue
    assert server is not None
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        feed = tmp_path / "feed.xml"
        feed.write_text(
            '<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>'
            f"<item><title>Exit</title><link>{base}/page.html</link><description>Teaser.</description></item>"
            f"<item><title>Gone</title><link>{base}/gone.html</link><description>Second teaser text.</description></item>"
            "</channel></rss>", encoding="utf-8")
        [shard] = plan_shards([str(feed)])
        followed = _view(read_shard(shard, follow=True))
        assert followed == _view(iter_items([str(feed)], follow=True))
        kinds = [i.kind for i in read_shard(shard, follow=True) if isinstance(i, RawItem)]
        assert kinds == ["html", "feed"]  # the page fetched; the missing one falls back to the teaser
        assert [i.kind for i in read_shard(shard) if isinstance(i, RawItem)] == ["feed", "feed"]
    finally:
        server.shutdown()
        server.server_close()
