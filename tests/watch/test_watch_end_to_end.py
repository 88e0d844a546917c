"""The whole loop: a feed on loopback → watcher → extraction → reconciliation → one signed alert per fact.

Runs the real extraction (spaCy), so it is skipped until ``minewatch.extract``
offers its ``Extractor``; it keeps to two ingest calls (the model loads once).
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from watch_testserver import Route, rss

from minewatch.store.repository import Store
from minewatch.watch import alerts as al
from minewatch.watch import run_cycle
from minewatch.watch.feeds import PollOptions, add_watch, utcnow

SECRET = "e2e-secret-not-real"

FIRST = [
    ("e2e-001", "Finland to produce mines", "Mon, 02 Nov 2026 07:00:00 GMT",
     "HELSINKI, Nov 2 (Wire) - Finland will produce anti-personnel mines, the defence minister said on Monday."),
    ("e2e-002", "Lithuania mine deal", "Mon, 02 Nov 2026 08:00:00 GMT",
     "VILNIUS, Nov 2 (Wire) - Lithuania will buy anti-personnel mines from a domestic maker, "
     "the defence ministry said on Monday."),
]
SECOND = [
    ("e2e-003", "Finland mine production", "Tue, 03 Nov 2026 09:00:00 GMT",
     "HELSINKI, Nov 3 (Desk) - Finland plans to manufacture anti-personnel mines next year, "
     "a government report published on Tuesday shows."),
]


def test_feed_to_alerts(server, tmp_path):
    pytest.importorskip("spacy")
    extract = pytest.importorskip("minewatch.extract")
    if not hasattr(extract, "Extractor"):
        pytest.skip("minewatch.extract has no Extractor yet")
    store = Store.open(f"sqlite:///{tmp_path / 'kb.db'}")
    server.routes["/wire.xml"] = Route(rss("Wire Service", FIRST))
    add_watch(store, server.url("/wire.xml"), "1m", name="wire")
    al.add_rule(store, "fact", states="FIN,LTU", predicates="production,procurement",
                webhook=server.url("/hook"), secret=SECRET)
    options = PollOptions(timeout_s=5)

    report = run_cycle(store, options=options, base_url="http://dash.example")
    assert report.polls[0].ingested == 2, report.to_dict()
    assert report.alerts.failed == 0 and report.alerts.sent == len(server.hooks) == 2  # FIN production, LTU procurement
    payloads = [json.loads(h["body"]) for h in server.hooks]
    for h, p in zip(server.hooks, payloads, strict=True):
        assert al.verify_signature(h["body"], SECRET, h["headers"]["X-Minewatch-Signature"])
        assert p["link"] in ("http://dash.example/states/FIN", "http://dash.example/states/LTU")
        assert p["sources"] and p["sources"][0]["url"].startswith("https://wire.example/e2e-00")
    assert len({p["subject"] for p in payloads}) == len(payloads)

    # A later poll brings a second report of a known fact: no new alert for a fact already announced.
    server.routes["/wire.xml"] = Route(rss("Wire Service", SECOND + FIRST))
    store.engine.dispose()
    store = Store.open(f"sqlite:///{tmp_path / 'kb.db'}")
    with store.engine.begin() as conn:  # make the watch due without waiting a minute
        from minewatch.store.schema_watch import watches

        conn.execute(watches.update().values(next_poll_at=utcnow() - timedelta(seconds=1)))
    before = {p["subject"] for p in payloads}
    report = run_cycle(store, options=options)
    assert report.polls[0].new_entries == 1
    new = [json.loads(h["body"]) for h in server.hooks[len(payloads):]]
    assert not ({p["subject"] for p in new} & before)
