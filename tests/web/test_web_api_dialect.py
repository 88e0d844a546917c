"""The API's dialect for other tools: newest first, sort, Link/next_url, counts, JSON lines, ETags, CORS."""

from __future__ import annotations

import json
from datetime import date

import pytest
from web_kb import fill

from minewatch.model import Actor, Claim, Document, Evidence
from minewatch.store.reconciling import reconcile_pending


def test_listings_come_newest_first_with_a_sort_parameter(client) -> None:
    newest = [c["document"]["published"] for c in client.get("/api/claims").json()["items"]]
    assert newest == sorted(newest, reverse=True) and newest[0] == "2025-07-01"
    oldest = [c["document"]["published"] for c in client.get("/api/claims", params={"sort": "oldest"}).json()["items"]]
    assert oldest == sorted(oldest)
    docs = [d["published"] for d in client.get("/api/documents").json()["items"]]
    assert docs == sorted(docs, reverse=True)
    facts = [f["last_reported"] for f in client.get("/api/facts").json()["items"]]
    assert facts == sorted(facts, reverse=True)
    assert client.get("/api/claims", params={"sort": "random"}).status_code == 422


def test_a_cursor_of_one_sort_does_not_fit_another(client) -> None:
    by_id = client.get("/api/claims", params={"sort": "id", "limit": 1}).json()["next_cursor"]
    newest = client.get("/api/claims", params={"limit": 1}).json()["next_cursor"]
    assert client.get("/api/claims", params={"cursor": by_id}).status_code == 422
    assert client.get("/api/claims", params={"cursor": newest, "sort": "id"}).status_code == 422
    assert client.get("/api/facts", params={"cursor": newest}).status_code == 422  # a claims cursor on facts


def test_link_header_and_next_url_walk_every_page(client) -> None:
    seen, url, pages = [], "/api/claims?limit=2&state=LTU", 0
    while url:
        r = client.get(url)
        body = r.json()
        seen.extend(c["id"] for c in body["items"])
        pages += 1
        link = r.headers.get("link")
        if body["next_url"]:
            assert link == f'<{body["next_url"]}>; rel="next"'
            assert "cursor=" in body["next_url"] and "state=LTU" in body["next_url"] and "limit=2" in body["next_url"]
        else:
            assert link is None
        url = body["next_url"]
    assert pages == 2 and len(seen) == len(set(seen)) == 3


def test_a_kept_listing_names_the_host_each_client_asked(client) -> None:
    """Answers are kept per host: a client reaching the server by another name gets links it can follow."""
    for _ in range(2):  # the second round is answered from the cache
        for host in ("127.0.0.1:8000", "kb.example.org"):
            r = client.get("/api/claims?limit=1", headers={"host": host})
            assert r.json()["next_url"].startswith(f"http://{host}/api/claims?"), host
            assert r.headers["link"].startswith(f"<http://{host}/api/claims?")


def test_new_rows_do_not_shift_a_cursor(client) -> None:
    first = client.get("/api/claims", params={"limit": 2}).json()
    text = "Late report\nLatvia's parliament decided to leave the Ottawa Convention, officials said."
    doc = Document(text=text, original=text, outlet="Late Desk", published=date(2025, 6, 20), language="en")
    i = text.index("Latvia's parliament")
    claim = Claim(doc.id, Actor("state", "LVA", "Latvia"), "treaty_withdrawal", stage="decided", treaty="APMBC",
                  evidence=[Evidence(i, i + 40, text[i : i + 40])])
    client.store.add_document(doc, claims=[claim], extracted=True)
    reconcile_pending(client.store)
    rest = []
    url = first["next_url"]
    while url:
        body = client.get(url).json()
        rest.extend(body["items"])
        url = body["next_url"]
    ids = [c["id"] for c in first["items"]] + [c["id"] for c in rest]
    assert len(ids) == len(set(ids)) == 6 and claim.id in ids  # the new claim falls inside the unread part


def test_count_gives_the_total_of_the_filtered_listing(client) -> None:
    r = client.get("/api/claims", params={"state": "LTU", "limit": 1, "count": "true"})
    assert r.json()["total"] == 3 and r.headers["x-total-count"] == "3" and len(r.json()["items"]) == 1
    assert "total" not in client.get("/api/claims").json()
    assert client.get("/api/documents", params={"count": "true"}).json()["total"] == 4
    assert client.get("/api/facts", params={"count": "true", "state": "EST"}).json()["total"] == 1
    assert client.get("/api/conflicts", params={"count": "true"}).json()["total"] == len(client.store.conflicts())
    assert client.get("/api/stories", params={"count": "true"}).json()["total"] == client.store.counts()["stories"]


def test_limit_goes_to_1000_and_no_further(client) -> None:
    assert client.get("/api/claims", params={"limit": 1000}).status_code == 200
    assert client.get("/api/claims", params={"limit": 1001}).status_code == 422


def test_jsonl_streams_every_match_without_a_limit(client, monkeypatch) -> None:
    from minewatch.web import api

    monkeypatch.setattr(api, "STREAM_CHUNK", 2)  # several fetches for five claims
    r = client.get("/api/claims", params={"format": "jsonl"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/x-ndjson")
    assert "content-length" not in r.headers  # streamed
    rows = [json.loads(line) for line in r.text.splitlines()]
    assert len(rows) == len({x["id"] for x in rows}) == 5
    days = [x["document"]["published"] for x in rows]
    assert days == sorted(days, reverse=True)
    page = client.get("/api/claims", params={"format": "jsonl", "limit": 2})
    assert len(page.text.splitlines()) == 2 and 'rel="next"' in page.headers["link"]
    facts = client.get("/api/facts", params={"format": "jsonl", "state": "LTU"}).text.splitlines()
    assert facts and all(json.loads(f)["id"].startswith("f-") for f in facts)


def test_etag_answers_304_until_the_data_changes(client) -> None:
    first = client.get("/api/claims", params={"state": "LTU"})
    tag = first.headers["etag"]
    again = client.get("/api/claims", params={"state": "LTU"}, headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.content == b""
    assert client.get("/api/claims", params={"state": "EST"}, headers={"If-None-Match": tag}).status_code == 200
    page = client.get("/states/LTU")
    assert page.status_code == 200 and page.headers.get("etag")
    client.store.add_review(client.ids["ltu_claim"], "verified", "ana", "checked")
    from minewatch.web.cache import DataVersion

    DataVersion._shared.clear()  # the cache sees the write at once (as after a POST through the app)
    changed = client.get("/api/claims", params={"state": "LTU"}, headers={"If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["etag"] != tag


@pytest.fixture
def cors_client(tmp_path, monkeypatch):
    from fastapi.testclient import TestClient

    from minewatch.store.repository import Store
    from minewatch.web import create_app

    store = Store.open(f"sqlite:///{tmp_path / 'cors.db'}")
    fill(store)
    with TestClient(create_app(store=store, cors=["https://notebook.example"])) as tc:
        yield tc


def test_cors_only_when_asked(client, cors_client) -> None:
    origin = {"Origin": "https://notebook.example"}
    allowed = cors_client.get("/api/claims", params={"limit": 1}, headers=origin)
    assert allowed.headers["access-control-allow-origin"] == "https://notebook.example"
    assert "link" in allowed.headers["access-control-expose-headers"].lower()
    other = cors_client.get("/api/claims", headers={"Origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in other.headers
    assert "access-control-allow-origin" not in client.get("/api/claims", headers=origin).headers


@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_undated_rows_come_last_and_cursors_cross_into_them(client, sort) -> None:
    for n, word in enumerate(("first", "second")):
        text = f"Undated report {word}\nLatvia's parliament decided to leave the Ottawa Convention, {word} desk said."
        doc = Document(text=text, original=text, outlet=f"Desk {n}", published=None, language="en")
        i = text.index("Latvia's parliament")
        claim = Claim(doc.id, Actor("state", "LVA", "Latvia"), "treaty_withdrawal", stage="decided", treaty="APMBC",
                      evidence=[Evidence(i, i + 40, text[i : i + 40])])
        client.store.add_document(doc, claims=[claim], extracted=True)
    reconcile_pending(client.store)
    seen, url = [], f"/api/claims?limit=2&sort={sort}"
    while url:
        body = client.get(url).json()
        seen.extend(body["items"])
        url = body["next_url"]
    ids = [c["id"] for c in seen]
    assert len(ids) == len(set(ids)) == 7
    days = [c["document"]["published"] for c in seen]
    assert days[-2:] == [None, None] and None not in days[:-2]
    assert days[:-2] == sorted(days[:-2], reverse=sort == "newest")
    docs = client.get("/api/documents", params={"sort": sort, "limit": 1000}).json()["items"]
    assert [d["published"] for d in docs][-2:] == [None, None]
