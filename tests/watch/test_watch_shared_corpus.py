"""The dev corpus served as a feed on loopback: each article ingested once, each alert sent once.

Needs ../shared (developer and CI checkouts only); skipped elsewhere.
"""

from __future__ import annotations

import html
import json
from datetime import timedelta
from pathlib import Path

import pytest
from watch_testserver import Route, rss, start_server, stop_server

from minewatch.store.repository import Store
from minewatch.store.schema_watch import watches
from minewatch.watch import alerts as al
from minewatch.watch import run_cycle
from minewatch.watch.feeds import PollOptions, add_watch, utcnow

SHARED = (Path(__file__).resolve().parents[2] / ".." / "shared").resolve()
CORPUS = SHARED / "corpus" / "dev"
N_ARTICLES = 12


@pytest.mark.shared
def test_dev_corpus_through_a_watched_feed(tmp_path):
    if not CORPUS.is_dir():
        pytest.skip(f"{CORPUS} is absent (../shared is only beside developer and CI checkouts)")
    extract = pytest.importorskip("minewatch.extract")
    if not hasattr(extract, "Extractor"):
        pytest.skip("minewatch.extract has no Extractor yet")
    from minewatch.ingest.meta import parse_header

    items = []
    for f in sorted(CORPUS.glob("*.txt"))[:N_ARTICLES]:
        header, body = parse_header(f.read_text(encoding="utf-8"))
        link = header.get("url") or f"https://corpus.example/{f.stem}"
        items.append((f.stem, f.stem, "Mon, 02 Nov 2026 07:00:00 GMT", html.escape(body), html.escape(link)))
    server = start_server()
    try:
        server.routes["/corpus.xml"] = Route(rss("Dev corpus", items))
        store = Store.open(f"sqlite:///{tmp_path / 'kb.db'}")
        add_watch(store, server.url("/corpus.xml"), "1m", name="corpus")
        log = tmp_path / "alerts.jsonl"
        al.add_rule(store, "fact", file=str(log))
        al.add_rule(store, "conflict", file=str(log))

        first = run_cycle(store, options=PollOptions(timeout_s=5))
        poll = first.polls[0]
        assert poll.new_entries == N_ARTICLES
        assert poll.ingested + poll.duplicates + poll.skipped == N_ARTICLES and poll.ingested >= N_ARTICLES - 2
        assert first.alerts.failed == 0 and first.alerts.sent > 0

        server.routes["/corpus.xml"].etag = False  # the whole feed again, as after a server restart
        with store.engine.begin() as conn:
            conn.execute(watches.update().values(next_poll_at=utcnow() - timedelta(seconds=1)))
        second = run_cycle(store, options=PollOptions(timeout_s=5))
        assert second.polls[0].outcome == "nothing_new" and second.alerts.sent == 0
        subjects = [(a["rule"], a["subject"]) for a in map(json.loads, log.read_text().splitlines())]
        assert len(subjects) == len(set(subjects)) == first.alerts.sent
        assert store.counts()["documents"] == poll.ingested
    finally:
        stop_server(server)
