"""Watch provenance (issue 16): documents from a feed name the feed as they are written, never a temporary file."""

from __future__ import annotations

import pytest
from watch_testserver import Route, rss, start_server, stop_server

from minewatch.store.repository import Store
from minewatch.watch.feeds import PollOptions, add_watch, poll_due

ITEMS = [
    ("prov-001", "Finland to produce mines", "Mon, 02 Nov 2026 07:00:00 GMT",
     "HELSINKI (Wire) - Finland will produce anti-personnel mines again, the defence minister said on Monday."),
    ("prov-002", "Lithuania buys mines", "Mon, 02 Nov 2026 07:30:00 GMT",
     "VILNIUS (Wire) - Lithuania signed a contract to procure anti-personnel mines, its defence ministry said."),
]


@pytest.fixture
def server():
    s = start_server()
    yield s
    stop_server(s)


def test_documents_are_written_under_the_feed_url(server, tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'kb.db'}")
    server.routes["/wire.xml"] = Route(rss("Wire", ITEMS))
    url = server.url("/wire.xml")
    add_watch(store, url, "1m", name="wire")
    written: list[str | None] = []
    real = Store.add_documents

    def spy(self, items, *args, **kw):  # what the store is given, as it is given (a kill after it keeps this)
        written.extend(i.document.path for i in items)
        return real(self, items, *args, **kw)

    monkeypatch.setattr(Store, "add_documents", spy)
    (result,) = poll_due(store, options=PollOptions(timeout_s=5, extract=False))
    assert result.ingested == 2, result.to_dict()
    assert written == [url, url]
    assert {d["path"] for d in store.documents(limit=10)} == {url}
    assert all("new-entries" not in (d["path"] or "") for d in store.documents(limit=10))


def test_watch_follow_does_not_fetch_links_to_private_hosts(server, tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MINEWATCH_ALLOW_PRIVATE_HOSTS", raising=False)
    store = Store.open(f"sqlite:///{tmp_path / 'kb.db'}")
    server.routes["/secret.html"] = Route(b"<html><body><p>Internal only: the admin password is hunter2.</p></body></html>",
                                          content_type="text/html")
    guid, title, pub, text = ITEMS[0]
    server.routes["/wire.xml"] = Route(rss("Wire", [(guid, title, pub, text, server.url("/secret.html"))]))
    add_watch(store, server.url("/wire.xml"), "1m", name="wire", follow=True)  # the operator's feed: fetched as given
    (result,) = poll_due(store, options=PollOptions(timeout_s=5, extract=False))
    assert result.ingested == 1, result.to_dict()
    (doc,) = store.documents(limit=10)
    full = store.document(doc["id"])
    assert "hunter2" not in (full["text"] or "") and "Finland will produce" in full["text"]
    assert not any(r["path"] == "/secret.html" for r in server.requests)
