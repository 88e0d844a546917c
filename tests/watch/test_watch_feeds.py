"""Polling: conditional requests, entries ingested once across restarts, faults survived with back-off."""

from __future__ import annotations

import os
import time
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select
from watch_testserver import Route, rss

from minewatch.ingest.sources import RawItem, iter_items
from minewatch.store import schema as t
from minewatch.store.repository import Store
from minewatch.store.watching import update_watch
from minewatch.watch import feeds
from minewatch.watch.feeds import PollOptions, WatchError, add_watch, backoff_seconds, parse_every, poll_due


@pytest.fixture(autouse=True)
def _private_hosts_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test servers listen on 127.0.0.1, which links found in feeds may not name by default."""
    monkeypatch.setenv("MINEWATCH_ALLOW_PRIVATE_HOSTS", "1")


T0 = datetime(2026, 11, 2, 8, 0, 0)
FAST = PollOptions(timeout_s=0.5, max_bytes=200_000, extract=False)

ITEM_A = ("wire-001", "Finland to produce mines", "Mon, 02 Nov 2026 07:00:00 GMT",
          "HELSINKI (Wire) - Finland will produce anti-personnel mines again, the defence minister said on Monday.")
ITEM_B = ("wire-002", "Lithuania buys mines", "Mon, 02 Nov 2026 07:30:00 GMT",
          "VILNIUS (Wire) - Lithuania signed a contract to procure anti-personnel mines, its defence ministry said.")
ITEM_C = ("wire-003", "Estonia stockpile", "Mon, 02 Nov 2026 09:00:00 GMT",
          "TALLINN (Wire) - Estonia plans to stockpile anti-personnel mines along its eastern border, officials said.")
ITEM_D = ("slow-001", "Poland leaves treaty", "Mon, 02 Nov 2026 06:00:00 GMT",
          "WARSAW (Desk) - Poland notified the United Nations of its withdrawal from the Mine Ban Treaty.")


@pytest.fixture
def db(any_db_url):
    return any_db_url  # SQLite, and PostgreSQL where MINEWATCH_TEST_PG names a server


def doc_count(store) -> int:
    return store.counts()["documents"]


def test_parse_every_and_backoff():
    assert parse_every("15m") == 900 and parse_every("2h") == 7200 and parse_every("90") == 90
    assert parse_every("1d") == 86400
    with pytest.raises(WatchError):
        parse_every("soon")
    # Doubling per failure, capped at six hours (or the interval when that is longer).
    assert [backoff_seconds(900, n) for n in (1, 2, 3, 4, 5, 6)] == [1800, 3600, 7200, 14400, 21600, 21600]
    assert backoff_seconds(86400, 3) == 86400
    assert backoff_seconds(60, 1, retry_after=600) == 600


def test_feed_entries_are_ingested_once_and_faults_are_survived(server, db):
    server.routes["/wire.xml"] = Route(rss("Wire Service", [ITEM_A, ITEM_B]))
    server.routes["/down.xml"] = Route(b"internal error", status=500, content_type="text/plain")
    server.routes["/slow.xml"] = Route(rss("Slow", [ITEM_D]), delay_s=1.5)
    server.routes["/junk.xml"] = Route(b"<rss><channel><item><title>cut off", content_type="application/xml")
    server.routes["/xxe.xml"] = Route(
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<rss><channel><item><title>&x;</title></item></channel></rss>"
    )
    store = Store.open(db)
    for name in ("wire", "down", "slow", "junk", "xxe"):
        add_watch(store, server.url(f"/{name}.xml"), "60s", name=name, now=T0)

    results = {r.watch: r for r in poll_due(store, now=T0, options=FAST)}
    assert results["wire"].outcome == "new" and results["wire"].new_entries == 2
    assert results["wire"].ingested == 2 and doc_count(store) == 2
    for name, words in (("down", "HTTP 500"), ("slow", "timed out"), ("junk", "feed"), ("xxe", "entities")):
        assert results[name].outcome == "error" and words in results[name].error, results[name]
    watches = {w.name: w for w in feeds.list_watches(store)}
    assert watches["down"].failures == 1 and "HTTP 500" in watches["down"].last_error
    assert watches["down"].next_poll_at == T0 + timedelta(seconds=120)  # backed off: twice the interval
    assert watches["wire"].next_poll_at == T0 + timedelta(seconds=60) and watches["wire"].etag
    assert watches["wire"].seen_entries == 2

    # The documents name the watched feed, not the temporary file the entries went through.
    with store.engine.connect() as conn:
        paths = set(conn.execute(select(t.documents.c.path)).scalars())
        urls = set(conn.execute(select(t.documents.c.url)).scalars())
    assert paths == {server.url("/wire.xml")}
    assert urls == {"https://wire.example/wire-001", "https://wire.example/wire-002"}

    # Unchanged feed: a conditional request, answered 304; failing feeds are not due yet.
    results = {r.watch: r for r in poll_due(store, now=T0 + timedelta(seconds=61), options=FAST)}
    assert set(results) == {"wire"} and results["wire"].outcome == "not_modified"
    assert server.requests[-1]["if_none_match"] == watches["wire"].etag
    assert server.requests[-1]["if_modified_since"] == "Sun, 01 Nov 2026 10:00:00 GMT"

    # A new entry appears; the down feed fails again (longer back-off), the others recover or not.
    server.routes["/wire.xml"] = Route(rss("Wire Service", [ITEM_C, ITEM_A, ITEM_B]))
    server.routes["/slow.xml"].delay_s = 0
    results = {r.watch: r for r in poll_due(store, now=T0 + timedelta(seconds=125), options=FAST)}
    assert results["wire"].new_entries == 1 and results["wire"].ingested == 1
    assert results["down"].outcome == "error"
    assert results["slow"].outcome == "new" and results["slow"].ingested == 1
    assert doc_count(store) == 4
    down = feeds.get_watch(store, "down")
    assert down.failures == 2 and down.next_poll_at == T0 + timedelta(seconds=125 + 240)
    assert feeds.get_watch(store, "slow").failures == 0 and feeds.get_watch(store, "slow").last_error is None

    # Restart: a new process (new Store) against a server that lost its ETags sends the whole feed again.
    store.engine.dispose()
    store = Store.open(db)
    for route in server.routes.values():
        route.etag = False
    results = {r.watch: r for r in poll_due(store, now=T0 + timedelta(hours=1), options=FAST)}
    assert results["wire"].outcome == "nothing_new" and results["wire"].new_entries == 0
    assert results["slow"].outcome == "nothing_new"
    assert [e["entry_ref"] for e in feeds.seen_entries(store, "wire")] == ["wire-001", "wire-002", "wire-003"]
    assert doc_count(store) == 4


def test_faults_are_survived_with_extraction_on(server, tmp_path):
    """The fault mix again with the real extraction: failing feeds do not keep claims from the good one."""
    pytest.importorskip("spacy")
    extract = pytest.importorskip("minewatch.extract")
    if not hasattr(extract, "Extractor"):
        pytest.skip("minewatch.extract has no Extractor yet")
    server.routes["/wire.xml"] = Route(rss("Wire Service", [ITEM_A, ITEM_B]))
    server.routes["/down.xml"] = Route(b"internal error", status=500, content_type="text/plain")
    server.routes["/slow.xml"] = Route(rss("Slow", [ITEM_D]), delay_s=1.5)
    server.routes["/junk.xml"] = Route(b"<rss><channel><item><title>cut off", content_type="application/xml")
    store = Store.open(f"sqlite:///{tmp_path / 'kb.db'}")
    for name in ("wire", "down", "slow", "junk"):
        add_watch(store, server.url(f"/{name}.xml"), "60s", name=name, now=T0)
    options = PollOptions(timeout_s=0.5, max_bytes=200_000, extract=True)
    results = {r.watch: r for r in poll_due(store, now=T0, options=options)}
    assert results["wire"].outcome == "new" and results["wire"].ingested == 2
    assert results["wire"].claims >= 2  # FIN production, LTU procurement
    for name in ("down", "slow", "junk"):
        assert results[name].outcome == "error", results[name]
    assert store.counts()["facts"] >= 2
    server.routes["/slow.xml"].delay_s = 0
    results = {r.watch: r for r in poll_due(store, now=T0 + timedelta(seconds=125), options=options)}
    assert results["slow"].outcome == "new" and results["slow"].ingested == 1 and results["slow"].claims >= 1
    assert results["wire"].outcome == "not_modified"
    store.engine.dispose()


def test_a_poll_claimed_by_another_watcher_is_skipped(server, db):
    server.routes["/wire.xml"] = Route(rss("Wire Service", [ITEM_A]))
    store = Store.open(db)
    watch = add_watch(store, server.url("/wire.xml"), "5m", now=T0)
    assert feeds._claim(store, watch, T0)  # another watcher holds it
    assert feeds.poll_watch(store, watch, now=T0, options=FAST).outcome == "busy"
    assert server.get_count("/wire.xml") == 0


def test_local_feed_file_polled_by_mtime(tmp_path, db):
    path = tmp_path / "local.xml"
    path.write_bytes(rss("Local Desk", [ITEM_A]))
    store = Store.open(db)
    add_watch(store, str(path), "1m", name="local", now=T0)
    [r] = poll_due(store, now=T0, options=FAST)
    assert r.outcome == "new" and r.ingested == 1
    [r] = poll_due(store, now=T0 + timedelta(minutes=1), options=FAST)
    assert r.outcome == "unchanged"
    path.write_bytes(rss("Local Desk", [ITEM_B, ITEM_A]))
    later = time.time() + 5
    os.utime(path, (later, later))
    [r] = poll_due(store, now=T0 + timedelta(minutes=2), options=FAST)
    assert r.outcome == "new" and r.new_entries == 1 and r.ingested == 1
    assert doc_count(store) == 2


def test_local_folder_each_file_once(tmp_path, db):
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "a.txt").write_text(ITEM_A[3] + "\n")
    store = Store.open(db)
    add_watch(store, str(folder), "30s", name="inbox", now=T0)
    [r] = poll_due(store, now=T0, options=FAST)
    assert r.ingested == 1
    (folder / "b.txt").write_text(ITEM_B[3] + "\n")
    earlier = time.time() - 3600  # copied in with its old modification time: still seen
    os.utime(folder / "b.txt", (earlier, earlier))
    [r] = poll_due(store, now=T0 + timedelta(seconds=30), options=FAST)
    assert r.new_entries == 1 and r.ingested == 1 and doc_count(store) == 2
    [r] = poll_due(store, now=T0 + timedelta(seconds=60), options=FAST)
    assert r.outcome == "unchanged"


def test_add_watch_refuses_what_it_cannot_poll(tmp_path, db):
    store = Store.open(db)
    with pytest.raises(WatchError, match="http and https"):
        add_watch(store, "ftp://example.org/feed.xml")
    with pytest.raises(WatchError, match="no such"):
        add_watch(store, str(tmp_path / "missing.xml"))
    add_watch(store, "https://news.example/feed.xml", "15m", name="news")
    with pytest.raises(WatchError, match="exists already"):
        add_watch(store, "https://other.example/rss", name="news")
    with pytest.raises(WatchError, match="not a watch name"):
        add_watch(store, "https://third.example/rss", name="../../escape")
    with pytest.raises(WatchError, match="watched already"):
        add_watch(store, "https://news.example/feed.xml")
    assert feeds.remove_watch(store, "news") and not feeds.remove_watch(store, "news")


PAGE = (
    "<html><head><title>Norway and mines</title></head><body><article><h1>Norway and mines</h1>"
    "<p>OSLO (Desk) - Norway will destroy its last stock of cluster munitions next spring, "
    "the defence ministry said in a statement on Wednesday.</p>"
    "<p>The ministry said the work would be done under the Convention on Cluster Munitions.</p>"
    "</article></body></html>"
)


def test_follow_fetches_each_new_entry_page(server, db):
    server.routes["/page-1.html"] = Route(PAGE.encode(), content_type="text/html; charset=utf-8")
    item = ("page-1", "Norway", "Wed, 04 Nov 2026 07:00:00 GMT", "Short teaser only.", server.url("/page-1.html"))
    server.routes["/teasers.xml"] = Route(rss("Teasers", [item]))
    store = Store.open(db)
    add_watch(store, server.url("/teasers.xml"), "5m", name="teasers", follow=True, now=T0)
    [r] = poll_due(store, now=T0, options=FAST)
    assert r.ingested == 1 and server.get_count("/page-1.html") == 1
    [doc] = store.documents(with_text=True)
    assert "destroy its last stock of cluster munitions" in doc["text"] and "teaser" not in doc["text"]
    assert doc["url"] == server.url("/page-1.html") and doc["outlet"] == "Teasers"
    [r] = poll_due(store, now=T0 + timedelta(minutes=5), options=FAST)
    assert r.outcome == "not_modified" and server.get_count("/page-1.html") == 1


def test_a_page_that_failed_is_retried_on_later_polls(server, db):
    item = ("page-2", "Norway", "Wed, 04 Nov 2026 07:00:00 GMT",
            "Norway will destroy its cluster munitions, a teaser says.", server.url("/page-2.html"))
    server.routes["/teasers.xml"] = Route(rss("Teasers", [item]))
    server.routes["/page-2.html"] = Route(b"down", status=503, content_type="text/plain")
    store = Store.open(db)
    add_watch(store, server.url("/teasers.xml"), "5m", name="teasers", follow=True, now=T0)
    [r] = poll_due(store, now=T0, options=FAST)
    assert r.ingested == 1  # the teaser goes in meanwhile
    [pending] = feeds.pending_pages(store, "teasers")
    assert pending["state"] == "pending" and pending["attempts"] == 1
    assert feeds.get_watch(store, "teasers").seen_entries == 1  # the retry row is not an entry
    # Polls before the retry is due do not ask for the page again.
    fetches = server.get_count("/page-2.html")
    update_watch(store, "teasers", next_poll_at=T0)  # a poll due early (as after a restart)
    poll_due(store, now=T0 + timedelta(minutes=4, seconds=59), options=FAST)
    assert server.get_count("/page-2.html") == fetches
    # Due, still failing: one more attempt, a longer wait.
    [r] = poll_due(store, now=T0 + timedelta(minutes=10), options=FAST)
    [pending] = feeds.pending_pages(store, "teasers")
    assert pending["attempts"] == 2 and server.get_count("/page-2.html") > fetches
    assert len(store.documents()) == 1
    # The page is back: fetched on the next due poll, ingested as its own document, and not again.
    server.routes["/page-2.html"] = Route(PAGE.encode(), content_type="text/html; charset=utf-8")
    [r] = poll_due(store, now=T0 + timedelta(minutes=30), options=FAST)
    assert r.ingested == 1 and r.outcome == "new"
    assert feeds.pending_pages(store, "teasers")[0]["state"] == "fetched"
    texts = [d["text"] for d in store.documents(with_text=True)]
    assert len(texts) == 2 and any("destroy its last stock of cluster munitions" in t for t in texts)
    fetches = server.get_count("/page-2.html")
    poll_due(store, now=T0 + timedelta(hours=3), options=FAST)
    assert server.get_count("/page-2.html") == fetches


def test_a_page_retry_gives_up_after_its_attempts(server, db):
    item = ("page-3", "Norway", "Wed, 04 Nov 2026 07:00:00 GMT", "A teaser about mine ban treaty news.",
            server.url("/page-3.html"))
    server.routes["/teasers.xml"] = Route(rss("Teasers", [item]))
    server.routes["/page-3.html"] = Route(b"gone", status=500, content_type="text/plain")
    store = Store.open(db)
    add_watch(store, server.url("/teasers.xml"), "5m", name="teasers", follow=True, now=T0)
    poll_due(store, now=T0, options=FAST)
    for day in range(1, feeds.PAGE_RETRY_ATTEMPTS + 2):
        poll_due(store, now=T0 + timedelta(days=day), options=FAST)
    [pending] = feeds.pending_pages(store, "teasers")
    assert pending["state"] == "gave_up" and pending["attempts"] == feeds.PAGE_RETRY_ATTEMPTS + 1


def test_a_failed_ingest_leaves_the_entries_for_the_next_poll(server, db, monkeypatch):
    server.routes["/wire.xml"] = Route(rss("Wire Service", [ITEM_A]))
    store = Store.open(db)
    add_watch(store, server.url("/wire.xml"), "60s", name="wire", now=T0)
    real = feeds._run_ingest

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(feeds, "_run_ingest", broken)
    [r] = poll_due(store, now=T0, options=FAST)
    assert r.outcome == "error" and "disk full" in r.error
    watch = feeds.get_watch(store, "wire")
    assert watch.etag is None and watch.seen_entries == 0 and watch.failures == 1
    monkeypatch.setattr(feeds, "_run_ingest", real)
    [r] = poll_due(store, now=T0 + timedelta(seconds=120), options=FAST)
    assert r.outcome == "new" and r.ingested == 1
    assert server.requests[-1]["if_none_match"] is None  # fetched whole again, not 304


def test_run_watcher_sleeps_until_the_next_watch_is_due(server, db):
    from minewatch.watch import MAX_PAUSE_S, MIN_PAUSE_S, run_watcher

    server.routes["/wire.xml"] = Route(rss("Wire Service", [ITEM_A]))
    store = Store.open(db)
    add_watch(store, server.url("/wire.xml"), "30s", name="wire")
    pauses: list[float] = []
    cycles = run_watcher(store, options=FAST, alerts=False, sleep=pauses.append, max_cycles=3)
    assert cycles == 3 and server.get_count("/wire.xml") == 1  # polled once: not due again within 30s
    assert len(pauses) == 2 and all(MIN_PAUSE_S <= p <= 30 for p in pauses)
    assert run_watcher(Store.open(db), once=True, alerts=False, sleep=pauses.append) == 1 and len(pauses) == 2
    assert MAX_PAUSE_S == 60.0


def test_rendered_feed_keeps_entries_and_drops_forbidden_characters():
    parsed = feeds.parse_feed(rss("Desk & Co", [ITEM_A, ITEM_B]))
    parsed.entries[0].body += "\x0b\x01 <b>bold</b> & more"
    again = feeds.parse_feed(feeds.render_rss(parsed, parsed.entries))
    assert again.title == "Desk & Co" and [e.ref for e in again.entries] == ["wire-001", "wire-002"]
    assert again.entries[0].body.endswith("<b>bold</b> & more") and "\x0b" not in again.entries[0].body
    assert [e.key for e in again.entries] == [e.key for e in parsed.entries]


DATED_IN_WORDS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Desk</title><language>pl-PL</language>
<item><guid>a-1</guid><title>One</title><link>https://desk.example/1</link><pubDate>2 listopada 2026</pubDate>
<description>Short teaser.</description>
<content:encoded><![CDATA[<p>WARSAW (Desk) - Poland notified the United Nations of its withdrawal.</p>]]></content:encoded></item>
<item><guid>a-2</guid><title>Two</title><link>https://desk.example/2</link><pubDate>Mon, 02 Nov 2026 07:30:00 GMT</pubDate>
<description>VILNIUS (Wire) - Lithuania signed a contract to procure anti-personnel mines.</description></item>
</channel></rss>"""


def test_the_watcher_hands_ingest_what_ingest_reads_of_the_feed_itself(tmp_path):
    """One feed reader: the entries the watcher renders read as the feed does when ingested directly,
    a date feedparser cannot read (Polish month words) included."""
    direct, rendered = tmp_path / "feed.xml", tmp_path / "rendered.xml"
    direct.write_bytes(DATED_IN_WORDS)
    parsed = feeds.parse_feed(DATED_IN_WORDS)
    rendered.write_bytes(feeds.render_rss(parsed, parsed.entries))

    def read(path):
        return [(i.text, i.meta) for i in iter_items([str(path)], max_bytes=100_000, follow=False)
                if isinstance(i, RawItem)]

    assert read(rendered) == read(direct)
    [one, two] = read(direct)
    assert one[0].startswith("WARSAW (Desk)") and one[1]["published"] == date(2026, 11, 2)
    assert one[1]["language"] == two[1]["language"] == "pl" and parsed.language == "pl"
